/* cmd_search_space.c — what a search can vary: one table of names (lr,
 * batch, l1, l2, dropout, momentum, weight_decay, optimizer, init, act,
 * hidden), reading their values and ranges, sampling them, and applying a
 * value to a set of hyperparameters. */
#include "cmd_search.h"
#include "cmd_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const SearchName names[] = {
    {"lr", SEARCH_REAL, 0, 1e6, true, false, false, "lr=0.001,0.01,0.1 or lr=1e-4..1:log"},
    {"batch", SEARCH_INT, 1, 1e6, false, false, false, "batch=16,32,64"},
    {"l1", SEARCH_REAL, 0, 1e6, false, false, false, "l1=0,1e-4,1e-3"},
    {"l2", SEARCH_REAL, 0, 1e6, false, false, false, "l2=0,1e-4,1e-3"},
    {"dropout", SEARCH_REAL, 0, 1, false, true, true, "dropout=0,0.2,0.5"},
    {"momentum", SEARCH_REAL, 0, 1, false, false, false, "momentum=0,0.9"},
    {"weight_decay", SEARCH_REAL, 0, 1e6, false, false, false, "weight_decay=0,1e-4"},
    {"optimizer", SEARCH_WORD, 0, 0, false, false, false, "optimizer=sgd,adam"},
    {"init", SEARCH_WORD, 0, 0, false, false, false, "init=xavier_uniform,he_normal"},
    {"act", SEARCH_WORD, 0, 0, false, false, true, "act=relu,tanh"},
    {"hidden", SEARCH_WIDTHS, 1, 4096, false, false, true, "hidden=8,16x16"},
};
#define N_NAMES (int)(sizeof names / sizeof names[0])

const SearchName *search_name(const char *name)
{
    for (int i = 0; i < N_NAMES; i++)
        if (strcmp(names[i].name, name) == 0)
            return &names[i];
    return NULL;
}

const char *const *search_names(void)
{
    static const char *list[N_NAMES + 1];
    for (int i = 0; i < N_NAMES; i++)
        list[i] = names[i].name;
    return list;
}

/* What n allows, as "a number above 0 and at most 1000000" or "a whole
 * number from 1 to 1000000", into buf. */
static const char *bounds_words(const SearchName *n, char *buf, size_t len)
{
    bool whole = n->type == SEARCH_INT;
    snprintf(buf, len, "%s %s%.15g %s %.15g", whole ? "a whole number" : "a number", n->lo_open ? "above " : "from ",
             n->lo, n->lo_open ? "and at most" : n->hi_open ? "to below" : "to", n->hi);
    return buf;
}

/* Whether x lies in n's bounds. */
static bool in_bounds(const SearchName *n, double x)
{
    return (n->lo_open ? x > n->lo : x >= n->lo) && (n->hi_open ? x < n->hi : x <= n->hi);
}

/* Reads one number of n from text into v: the text as typed, or (too
 * long to keep) the shortest that reads back as the same number; -1
 * with c->err saying why it is not one. */
static int parse_number(CmdCtx *c, const SearchName *n, const char *text, SearchVal *v)
{
    double x;
    char b[96];
    if (!util_parse_double(text, &x))
        return cmd_fail(c, "%s: '%.30s%s' is not a number, as in %s", n->name, text, strlen(text) > 30 ? "..." : "",
                        n->example);
    if (!in_bounds(n, x))
        return cmd_fail(c, "%s=%.30s%s is out of range: %s, as in %s", n->name, text, strlen(text) > 30 ? "..." : "",
                        bounds_words(n, b, sizeof b), n->example);
    if (n->type == SEARCH_INT && x != floor(x))
        return cmd_fail(c, "%s=%.30s is not a whole number: %s, as in %s", n->name, text, bounds_words(n, b, sizeof b),
                        n->example);
    v->num = x;
    if (strlen(text) < SEARCH_TEXT) {
        snprintf(v->text, sizeof v->text, "%s", text);
        return 0;
    }
    for (int prec = 6; prec <= 17; prec++) { /* "%.17g" of a double above 0 takes at most 23 bytes */
        snprintf(v->text, sizeof v->text, "%.*g", prec, x);
        if (strtod(v->text, NULL) == x)
            break;
    }
    return 0;
}

/* Reads one value of n from text into v; -1 with c->err. */
static int parse_value(CmdCtx *c, const SearchName *n, const char *text, SearchVal *v)
{
    if (!text[0])
        return cmd_fail(c, "%s: an empty value; list values joined by commas, as in %s", n->name, n->example);
    if (n->type == SEARCH_REAL || n->type == SEARCH_INT)
        return parse_number(c, n, text, v);
    if (strlen(text) >= SEARCH_TEXT)
        return cmd_fail(c, "%s: '%.30s%s' is too long: a value takes at most %d characters, as in %s", n->name, text,
                        strlen(text) > 30 ? "..." : "", SEARCH_TEXT - 1, n->example);
    snprintf(v->text, sizeof v->text, "%s", text);
    switch (n->type) {
    case SEARCH_REAL:
    case SEARCH_INT:
        return -1; /* read above */
    case SEARCH_WORD: {
        OptKind ok;
        InitKind ik;
        Act a;
        bool known = strcmp(n->name, "optimizer") == 0 ? optim_parse(text, &ok) == 0
                     : strcmp(n->name, "init") == 0    ? init_parse(text, &ik) == 0
                                                       : act_parse(text, &a) == 0;
        if (!known)
            return cmd_fail(c, "%s: no %s '%s'; `help set` lists them", n->name, n->name, text);
        v->num = 0;
        return 0;
    }
    case SEARCH_WIDTHS: {
        int layers = 0;
        char buf[SEARCH_TEXT];
        snprintf(buf, sizeof buf, "%s", text);
        char *save = NULL;
        for (char *w = strtok_r(buf, "x", &save); w; w = strtok_r(NULL, "x", &save)) {
            long width;
            if (!util_parse_long(w, 1, 4096, &width) || ++layers >= NN_MAX_LAYERS)
                return cmd_fail(c, "hidden=%s: widths from 1 to 4096 joined by x, at most %d layers, as in %s", text,
                                NN_MAX_LAYERS - 1, n->example);
        }
        if (!layers || text[strlen(text) - 1] == 'x' || text[0] == 'x' || strstr(text, "xx"))
            return cmd_fail(c, "hidden=%s: widths joined by x, as in %s", text, n->example);
        v->num = layers;
        return 0;
    }
    }
    return -1;
}

/* Whether a and b, values of n, are the same value: the same number
 * (0.1 and 0.10), word, or widths (8x8 and 08x8). */
static bool same_value(const SearchName *n, const SearchVal *a, const SearchVal *b)
{
    if (n->type == SEARCH_WORD)
        return strcmp(a->text, b->text) == 0;
    if (n->type != SEARCH_WIDTHS)
        return a->num == b->num;
    const char *p = a->text, *q = b->text;
    while (*p && *q) {
        char *pe, *qe;
        if (strtol(p, &pe, 10) != strtol(q, &qe, 10))
            return false;
        p = *pe ? pe + 1 : pe;
        q = *qe ? qe + 1 : qe;
    }
    return !*p && !*q;
}

int search_parse_dim(CmdCtx *c, const char *word, bool range_ok, SearchDim *d)
{
    memset(d, 0, sizeof *d);
    const char *eq = strchr(word, '=');
    char key[32];
    if (!eq || eq == word || (size_t)(eq - word) >= sizeof key)
        return cmd_fail(c, "'%.40s' is not NAME=VALUES: search over %s", word, "lr, batch, l1, l2, dropout, "
                        "momentum, weight_decay, optimizer, init, act or hidden (as in lr=0.01,0.1)");
    snprintf(key, sizeof key, "%.*s", (int)(eq - word), word);
    const SearchName *n = search_name(key);
    if (!n)
        return cmd_fail(c, "no hyperparameter '%s' to search%s: lr, batch, l1, l2, dropout, momentum, weight_decay, "
                        "optimizer, init, act or hidden", key, CMD_DYM(key, search_names(), ""));
    d->name = n;
    const char *v = eq + 1, *dots = strstr(v, "..");
    if (dots) {
        if (!range_ok)
            return cmd_fail(c, "%s: a grid lists values (as in %s); ranges LO..HI are for `search random`", key,
                            n->example);
        if (n->type == SEARCH_WORD || n->type == SEARCH_WIDTHS)
            return cmd_fail(c, "%s takes a list of values, not a range, as in %s", key, n->example);
        char lo[SEARCH_TEXT], hi[SEARCH_TEXT];
        const char *colon = strchr(dots, ':');
        if ((size_t)(dots - v) >= sizeof lo || strlen(dots + 2) >= sizeof hi)
            return cmd_fail(c, "%s: the range '%.30s' is too long", key, v);
        snprintf(lo, sizeof lo, "%.*s", (int)(dots - v), v);
        snprintf(hi, sizeof hi, "%.*s", colon ? (int)(colon - dots - 2) : (int)strlen(dots + 2), dots + 2);
        if (colon && strcmp(colon, ":log") != 0)
            return cmd_fail(c, "%s: after a range comes :log or nothing, not '%s'", key, colon);
        SearchVal a, b;
        if (parse_value(c, n, lo, &a) != 0 || parse_value(c, n, hi, &b) != 0)
            return -1;
        if (!(a.num < b.num))
            return cmd_fail(c, "%s=%s: the range's low end must be below its high end, as in lr=1e-4..1:log", key, v);
        d->log = colon != NULL;
        if (d->log && !(a.num > 0))
            return cmd_fail(c, "%s=%s: a :log range must start above 0 (a logarithm of 0 does not exist)", key, v);
        d->lo = a.num;
        d->hi = b.num;
        return 0;
    }
    char buf[1024];
    if (strlen(v) >= sizeof buf)
        return cmd_fail(c, "%s: too many values", key);
    snprintf(buf, sizeof buf, "%s", v);
    char *save = NULL;
    for (char *w = strtok_r(buf, ",", &save); w; w = strtok_r(NULL, ",", &save)) {
        if (d->n == SEARCH_MAX_VALUES)
            return cmd_fail(c, "%s: at most %d values", key, SEARCH_MAX_VALUES);
        if (parse_value(c, n, w, &d->val[d->n]) != 0)
            return -1;
        for (int i = 0; i < d->n; i++)
            if (same_value(n, &d->val[i], &d->val[d->n])) /* each value one trial, one cell of `plot search` */
                return strcmp(d->val[i].text, d->val[d->n].text) == 0
                           ? cmd_fail(c, "%s: %s is listed twice; list each value once, as in %s", key,
                                      d->val[i].text, n->example)
                           : cmd_fail(c, "%s: %s and %s are the same value; list it once, as in %s", key,
                                      d->val[i].text, d->val[d->n].text, n->example);
        d->n++;
    }
    if (d->n == 0 || v[strlen(v) - 1] == ',' || v[0] == ',' || strstr(v, ",,"))
        return cmd_fail(c, "%s: list values joined by commas, as in %s", key, n->example);
    return 0;
}

void search_sample(const SearchDim *d, Rng *rng, SearchVal *v)
{
    if (d->n > 0) {
        *v = d->val[rng_below(rng, (uint64_t)d->n)];
        return;
    }
    double u = rng_uniform(rng);
    double x = d->log ? exp(log(d->lo) + u * (log(d->hi) - log(d->lo))) : d->lo + u * (d->hi - d->lo);
    if (d->name->type == SEARCH_INT) /* whole numbers: each equally likely, or (log) the nearest */
        x = d->log ? fmin(fmax(round(x), d->lo), d->hi) : fmin(floor(d->lo + u * (d->hi - d->lo + 1)), d->hi);
    v->num = x;
    snprintf(v->text, sizeof v->text, "%.6g", x);
}

void search_apply(const SearchName *n, const SearchVal *v, const Hypers *base, Hypers *h)
{
    const char *k = n->name;
    if (strcmp(k, "lr") == 0) {
        h->opt.lr = v->num;
    } else if (strcmp(k, "batch") == 0) {
        h->batch = (int)v->num;
    } else if (strcmp(k, "l1") == 0) {
        h->pen.l1 = v->num;
    } else if (strcmp(k, "l2") == 0) {
        h->pen.l2 = v->num;
    } else if (strcmp(k, "dropout") == 0) {
        for (int i = 0; i < NN_MAX_LAYERS; i++)
            h->dropout[i] = i < h->n_hidden ? v->num : 0;
    } else if (strcmp(k, "momentum") == 0) {
        h->opt.momentum = v->num;
    } else if (strcmp(k, "weight_decay") == 0) {
        h->opt.weight_decay = v->num;
    } else if (strcmp(k, "optimizer") == 0) {
        OptKind ok = OPT_SGD;
        optim_parse(v->text, &ok);
        if (ok != base->opt.kind) /* `set optimizer NAME`: PyTorch's defaults */
            optim_defaults(ok, &h->opt);
    } else if (strcmp(k, "init") == 0) {
        InitKind ik = INIT_AUTO;
        init_parse(v->text, &ik);
        init_defaults(ik, &h->init);
    } else if (strcmp(k, "act") == 0) {
        act_parse(v->text, &h->act);
    } else if (strcmp(k, "hidden") == 0) {
        char buf[SEARCH_TEXT];
        snprintf(buf, sizeof buf, "%s", v->text);
        char *save = NULL;
        h->n_hidden = 0;
        for (char *w = strtok_r(buf, "x", &save); w && h->n_hidden < NN_MAX_LAYERS - 1; w = strtok_r(NULL, "x", &save))
            h->hidden[h->n_hidden++] = atoi(w);
        if (strcmp(h->model_kind, "cnn") != 0) /* a cnn keeps its conv layers: hidden= are its dense ones */
            snprintf(h->model_kind, sizeof h->model_kind, "mlp");
        for (int i = 0; i < NN_MAX_LAYERS; i++) /* the session's dropout, on every hidden layer */
            h->dropout[i] = i < h->n_hidden ? base->dropout[0] : 0;
    }
}

/* Whether optimizer k's descriptor lists a hyperparameter called name. */
static bool optim_takes(OptKind k, const char *name)
{
    int n;
    const OptHyper *h = optim_hypers(k, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return true;
    return false;
}

/* The optimizers in mask, as "adam", "adam and adamw" (sep " and ") or
 * "sgd,rmsprop" (sep ","), into buf. */
static const char *kind_list(const bool *mask, const char *sep, char *buf, size_t n)
{
    int total = 0, at = 0;
    for (int k = 0; k < OPT_COUNT; k++)
        total += mask[k];
    size_t len = 0;
    buf[0] = '\0';
    for (int k = 0; k < OPT_COUNT && len < n; k++)
        if (mask[k]) {
            const char *before = at == 0 ? "" : at == total - 1 || sep[0] == ',' ? sep : ", ";
            len += (size_t)snprintf(buf + len, n - len, "%s%s", before, optim_name((OptKind)k));
            at++;
        }
    return buf;
}

int search_optimizers_fit(CmdCtx *c, const CmdSearch *q, OptKind base)
{
    bool used[OPT_COUNT] = {false};
    const SearchDim *od = NULL;
    for (int j = 0; j < q->n_dims; j++)
        if (strcmp(q->dim[j].name->name, "optimizer") == 0)
            od = &q->dim[j];
    for (int i = 0; od && i < od->n; i++) {
        OptKind k = base;
        if (optim_parse(od->val[i].text, &k) == 0)
            used[k] = true;
    }
    if (!od)
        used[base] = true;
    for (int j = 0; j < q->n_dims; j++) {
        const char *name = q->dim[j].name->name;
        bool lack[OPT_COUNT] = {false}, have[OPT_COUNT] = {false}, have_used[OPT_COUNT] = {false};
        int n_lack = 0, n_have = 0, n_have_used = 0;
        for (int k = 0; k < OPT_COUNT; k++) {
            bool takes = optim_takes((OptKind)k, name);
            lack[k] = used[k] && !takes;
            have[k] = takes;
            have_used[k] = used[k] && takes;
            n_lack += lack[k];
            n_have += have[k];
            n_have_used += have_used[k];
        }
        if (n_lack == 0 || n_have == 0) /* every optimizer tried takes it, or it is not an optimizer's */
            continue;
        char l[160], h[160];
        kind_list(lack, " and ", l, sizeof l);
        const char *has = n_lack == 1 ? "has" : "have", *its = n_lack == 1 ? "its" : "their";
        const char *it = n_lack == 1 ? "it ignores" : "they ignore";
        int first = 0;
        while (!have[first])
            first++;
        if (!od)
            return cmd_fail(c, "%s, the optimizer in force, has no %s, so these trials would differ only in a value "
                            "it ignores: leave %s= out, or add optimizer=%s (%s belongs to %s)", l, name, name,
                            optim_name((OptKind)first), name, kind_list(have, " and ", h, sizeof h));
        if (n_have_used > 0)
            return cmd_fail(c, "%s %s no %s, so %s trials would differ only in a value %s: search %s with "
                            "optimizer=%s alone, and %s in a search of %s own", l, has, name, its, it, name,
                            kind_list(have_used, ",", h, sizeof h), l, its);
        return cmd_fail(c, "%s %s no %s, so %s trials would differ only in a value %s: leave %s= out, or search "
                        "it with an optimizer that has it (%s)", l, has, name, its, it, name,
                        kind_list(have, ", ", h, sizeof h));
    }
    return 0;
}

int search_check(const Hypers *h, char *err)
{
    if (optim_check(&h->opt, err, NULL) != 0 || penalty_check(&h->pen, err) != 0)
        return -1;
    return 0;
}
