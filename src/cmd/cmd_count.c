/* cmd_count.c — `count KIND SIZES...`: how many parameters one layer of a
 * kind holds, for layers too big to build. Each kind is one row of a table
 * (its sizes, its formula over them, what PyTorch calls it and what its
 * tensors are); the formula is printed first with the size names, then
 * with the numbers, then the total, so `count conv 1 16 3` beside
 * `count dense 64 16` shows what sharing a filter saves. Every formula is
 * PyTorch 1.13's count (sum of p.numel()), pinned by
 * tests/golden/count.txt. A total past 2^63 - 1 is refused, not wrapped. */
#include "cmd_count.h"

#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#define COUNT_MAX_SIZES 3
#define COUNT_SIZE_MAX 1000000000000000L /* 10^15: any size a layer could have */

/* The total of one kind for its sizes v; false when it passes INT64_MAX. */
typedef bool (*CountFn)(const uint64_t *v, uint64_t *total);

typedef struct CountKind {
    const char *name;
    int n_sizes;
    const char *size_names[COUNT_MAX_SIZES]; /* as in the usage: IN, OUT */
    const char *formula;  /* over {0} {1} {2}: the sizes, in order */
    const char *torch;    /* PyTorch's layer, over the same {i} */
    const char *tensors;  /* its tensors, over the same {i} */
    const char *example;  /* its sizes in a usual layer: "10 5" */
    bool takes_heads;     /* heads=H may follow the sizes */
    CountFn count;
} CountKind;

/* a*b+c and the like, each step checked: false on passing INT64_MAX */
static bool mul_ok(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_mul_overflow(a, b, r) && *r <= INT64_MAX;
}

static bool add_ok(uint64_t a, uint64_t b, uint64_t *r)
{
    return !__builtin_add_overflow(a, b, r) && *r <= INT64_MAX;
}

static bool count_dense(const uint64_t *v, uint64_t *t)
{
    uint64_t w;
    return mul_ok(v[0], v[1], &w) && add_ok(w, v[1], t);
}

static bool count_conv(const uint64_t *v, uint64_t *t)
{
    uint64_t a, b, w;
    return mul_ok(v[1], v[0], &a) && mul_ok(a, v[2], &b) && mul_ok(b, v[2], &w) && add_ok(w, v[1], t);
}

static bool count_attention(const uint64_t *v, uint64_t *t)
{
    uint64_t dd, one;
    return mul_ok(v[0], v[0], &dd) && add_ok(dd, v[0], &one) && mul_ok(4, one, t);
}

static bool count_embedding(const uint64_t *v, uint64_t *t)
{
    return mul_ok(v[0], v[1], t);
}

static bool count_lstm(const uint64_t *v, uint64_t *t)
{
    uint64_t ih, hh, a, b, c;
    return mul_ok(v[0], v[1], &ih) && mul_ok(v[1], v[1], &hh) && add_ok(ih, hh, &a) && add_ok(a, v[1], &b) &&
           add_ok(b, v[1], &c) && mul_ok(4, c, t);
}

static const CountKind kinds[] = {
    {"dense", 2, {"IN", "OUT"}, "{0}·{1} + {1}", "torch.nn.Linear({0}, {1})",
     "a weight for every input and output, {1}×{0}, and a bias for every output, {1}", "10 5", false,
     count_dense},
    {"conv", 3, {"CIN", "COUT", "K"}, "{1}·{0}·{2}·{2} + {1}", "torch.nn.Conv2d({0}, {1}, {2})",
     "{1} filters of {0}×{2}×{2} weights and a bias each; the same filter is used at every position of "
     "the image, so the count does not depend on the image's size", "1 16 3", false, count_conv},
    {"attention", 1, {"D"}, "4·({0}·{0} + {0})", "torch.nn.MultiheadAttention({0}, {1})",
     "in_proj (3·{0})×{0} + 3·{0} (query, key, value) and out_proj {0}×{0} + {0}; heads split the {0} "
     "dimensions between them and do not change the count", "512 heads=8", true, count_attention},
    {"embedding", 2, {"V", "D"}, "{0}·{1}", "torch.nn.Embedding({0}, {1})",
     "a row of {1} numbers for each of the {0} tokens, no bias", "50000 512", false, count_embedding},
    {"lstm", 2, {"IN", "H"}, "4·({0}·{1} + {1}·{1} + {1} + {1})", "torch.nn.LSTM({0}, {1})",
     "four gates (input, forget, cell, output), each with weights from the input {0}×{1} and from the "
     "hidden state {1}×{1} and two bias vectors of {1} (b_ih and b_hh)", "10 20", false, count_lstm},
};
#define N_KINDS ((int)(sizeof kinds / sizeof kinds[0]))

/* Writes template t into buf with {i} replaced by words[i] (i from 0 to
 * COUNT_MAX_SIZES: the sizes, then the heads). */
static const char *fill(const char *t, const char *const *words, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (const char *p = t; *p && at + 1 < n; p++) {
        if (p[0] == '{' && p[1] >= '0' && p[1] <= '0' + COUNT_MAX_SIZES && p[2] == '}') {
            int w = snprintf(buf + at, n - at, "%s", words[p[1] - '0']);
            at += w > 0 ? (size_t)w : 0;
            at = at < n ? at : n - 1;
            p += 2;
        } else {
            buf[at++] = *p;
            buf[at] = '\0';
        }
    }
    return buf;
}

static const CountKind *kind_find(const char *name)
{
    for (int i = 0; i < N_KINDS; i++)
        if (strcmp(kinds[i].name, name) == 0)
            return &kinds[i];
    return NULL;
}

/* "dense IN OUT | conv CIN COUT K | ..." into buf. */
static const char *kinds_usage(char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    for (int i = 0; i < N_KINDS && at < n; i++) {
        at += (size_t)snprintf(buf + at, n - at, "%s%s", i ? " | " : "", kinds[i].name);
        for (int j = 0; j < kinds[i].n_sizes && at < n; j++)
            at += (size_t)snprintf(buf + at, n - at, " %s", kinds[i].size_names[j]);
    }
    return buf;
}

/* heads=H for attention into *heads (it must divide D); -1 with a refusal. */
static int parse_heads(CmdCtx *c, char *word, uint64_t d, long *heads)
{
    char *k, *v;
    if (!cmd_split_opt(word, &k, &v))
        return cmd_fail(c, "unexpected '%s': count attention takes D and optionally heads=H", word);
    if (strcmp(k, "heads") != 0)
        return cmd_fail(c, "unknown option '%s=': count attention takes D and optionally heads=H", k);
    if (cmd_parse_int(c, "heads", v, 1, COUNT_SIZE_MAX, heads) != 0)
        return -1;
    if (d % (uint64_t)*heads != 0)
        return cmd_fail(c, "heads=%ld does not divide D=%" PRIu64 ": each head takes D/H of the dimensions, so "
                        "H must divide D (as PyTorch requires)", *heads, d);
    return 0;
}

int cmd_count(CmdCtx *c, int argc, char **argv)
{
    char usage[256];
    const CountKind *k = kind_find(argv[1]);
    if (!k) {
        const char *names[N_KINDS + 1];
        for (int i = 0; i < N_KINDS; i++)
            names[i] = kinds[i].name;
        names[N_KINDS] = NULL;
        return cmd_fail(c, "no layer kind '%s'%s: count %s", argv[1], CMD_DYM(argv[1], names, "count "),
                        kinds_usage(usage, sizeof usage));
    }
    int extra = argc - 2 - k->n_sizes;
    bool opt = k->takes_heads && extra == 1;
    if (extra != 0 && !opt) {
        char need[64] = "";
        for (int j = 0; j < k->n_sizes; j++)
            snprintf(need + strlen(need), sizeof need - strlen(need), " %s", k->size_names[j]);
        return cmd_fail(c, "count %s takes %d size%s:%s%s, as in `count %s %s`", k->name, k->n_sizes,
                        k->n_sizes == 1 ? "" : "s", need, k->takes_heads ? " [heads=H]" : "", k->name, k->example);
    }
    uint64_t v[COUNT_MAX_SIZES] = {0};
    char num[COUNT_MAX_SIZES + 1][24]; /* the sizes, then the heads */
    const char *nums[COUNT_MAX_SIZES + 1], *names[COUNT_MAX_SIZES + 1];
    for (int j = 0; j < k->n_sizes; j++) {
        long x;
        if (cmd_parse_int(c, k->size_names[j], argv[2 + j], 1, COUNT_SIZE_MAX, &x) != 0)
            return -1;
        v[j] = (uint64_t)x;
        snprintf(num[j], sizeof num[j], "%" PRIu64, v[j]);
        nums[j] = num[j];
        names[j] = k->size_names[j];
    }
    long heads = 1;
    if (opt && parse_heads(c, argv[argc - 1], v[0], &heads) != 0)
        return -1;
    snprintf(num[k->n_sizes], sizeof num[0], "%ld", heads);
    nums[k->n_sizes] = num[k->n_sizes];
    names[k->n_sizes] = "H";
    uint64_t total;
    char f1[256], f2[256], about[512];
    if (!k->count(v, &total))
        return cmd_fail(c, "%s = %s is more than %" PRId64 " parameters, past what a 64-bit count holds: use "
                        "smaller sizes", fill(k->formula, names, f1, sizeof f1),
                        fill(k->formula, nums, f2, sizeof f2), INT64_MAX);
    c->counted = true;
    c->count_total = total;
    cmd_out(c, "%s = %s = %" PRIu64, fill(k->formula, names, f1, sizeof f1), fill(k->formula, nums, f2, sizeof f2),
            total);
    if (total >= 1000000)
        cmd_out(c, " (%.3g million)", (double)total / 1e6);
    cmd_out(c, "\n%s: %s", fill(k->torch, nums, f1, sizeof f1), fill(k->tensors, nums, about, sizeof about));
    if (opt)
        cmd_out(c, " (heads=%ld: %ld heads of %" PRIu64 ")", heads, heads, v[0] / (uint64_t)heads);
    cmd_out(c, "\n");
    return 0;
}

CmdComplete cmd_complete_count(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    if (argi == 1)
        for (int i = 0; i < N_KINDS; i++)
            add(ctx, kinds[i].name);
    else if (argi == 3 && kind_find(w[1]) && kind_find(w[1])->takes_heads)
        add(ctx, "heads=");
    return COMPLETE_WORDS;
}
