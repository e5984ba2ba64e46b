/* cmd_tensor.c — the learner's names for numbers: parsing "W1",
 * "dZ2[3,0]" and "b1[3]" (the names themselves by tensor_name_parse, the
 * one grammar of names), resolving them in the session with "did you
 * mean", printing a tensor, and editing parameters by assignment
 * (W1[0,2] = 0.5, b1 = [0, 0.1]). */
#include "cmd_tensor.h"
#include "cmd_grid.h"
#include "cmd_hint.h"
#include "cmd_util.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

void cmd_print_tensor(CmdCtx *c, const Tensor *t, const char *what)
{
    if (t->ndim == 4)
        cmd_print_4d(c, t, what, true);
    else
        cmd_print_view(c, t, what, NULL);
}

/* The heading of a per-class score: its scalar's about, with which class
 * each index is ("precision[1] is class 5's"), into buf. */
static const char *class_meaning(const CmdCtx *c, const ScalarDesc *d, char *buf, size_t n)
{
    const Dataset *ds = c->s->data;
    const char *rest = strncmp(d->about, "per class: ", 11) == 0 ? d->about + 11 : d->about;
    if (!ds || !ds->classification || ds->n_classes < 2)
        return d->about;
    size_t at = (size_t)snprintf(buf, n, "per class, in the order `data` lists them (");
    for (int k = 0; k < ds->n_classes && at < n; k++) {
        if (ds->n_classes > 4 && k == 2) { /* the first two and the last */
            at += (size_t)snprintf(buf + at, n - at, "..., ");
            k = ds->n_classes - 1;
        }
        char b[16];
        at += (size_t)snprintf(buf + at, n - at, "%s[%d] is class %s's%s", d->name, k,
                               data_class_name(ds, k, b, sizeof b), k + 1 < ds->n_classes ? ", " : "");
    }
    if (at < n)
        snprintf(buf + at, n - at, "): %s", rest);
    return buf;
}

/* What the rows and columns of a named tensor mean, for the heading;
 * buf (n bytes) holds it when it depends on the data. */
static const char *tensor_meaning(const CmdCtx *c, const Tensor *t, char *buf, size_t n)
{
    TensorName tn;
    if (!tensor_name_parse(t->name, &tn))
        return NULL;
    switch (tn.kind) {
    case 'K': return tn.grad ? "dL/dK: filter, input channel, kernel row, kernel column"
                             : "filter, input channel, kernel row, kernel column (torch's Conv2d.weight)";
    case 'c': return tn.grad ? "dL/dc: one per filter" : "one per filter";
    case 'P': return tn.grad ? "dL/dP: row, channel, pooled row, pooled column"
                             : "P = maxpool2x2(A): row, channel, pooled row, pooled column";
    case 'W': return tn.grad ? "dL/dW: row = input, column = neuron" : "row = input, column = neuron";
    case 'b': return tn.grad ? "dL/db: one per neuron" : "one per neuron";
    case 'Z':
        if (t->ndim == 4)
            return tn.grad ? "dL/dZ: row, filter, map row, map column" : "Z = conv(X, K) + c: row, filter, map row, map column";
        return tn.grad ? "dL/dZ: row = sample in the batch, column = neuron"
                             : "Z = X·W + b: row = sample in the batch, column = neuron";
    case 'A':
        if (t->ndim == 4)
            return tn.grad ? "dL/dA: row, filter, map row, map column" : "A = act(Z), the feature maps: row, filter, map row, map column";
        return tn.grad ? "dL/dA: row = sample in the batch, column = neuron"
                             : "A = act(Z): row = sample in the batch, column = neuron";
    case 'X': return "current batch: row = sample, column = feature";
    case 'Y': return "current batch: targets";
    case 'y': return "model output after the link: row = sample";
    case 's': /* one per class: precision ... */
        return session_scalar(tn.scalar)->per_class ? class_meaning(c, session_scalar(tn.scalar), buf, n)
                                                    : session_scalar(tn.scalar)->about;
    default: return NULL;
    }
}

/* Trims blanks around s in place. */
static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    for (char *e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    return s;
}

/* One index or slice "i", "a:b", ":b", "a:", ":" into x; false when
 * malformed. An index, like a slice's ends, may be negative: it counts
 * from the end, as in Python. */
static bool parse_index(char *s, CmdIndex *x)
{
    char *colon = strchr(s, ':');
    x->slice = colon != NULL;
    x->open_lo = x->open_hi = false;
    if (!colon)
        return util_parse_long(s, -100000000, 100000000, &x->lo);
    *colon = '\0';
    char *a = trim(s), *b = trim(colon + 1);
    x->open_lo = !*a;
    x->open_hi = !*b;
    return (x->open_lo || util_parse_long(a, -100000000, 100000000, &x->lo)) &&
           (x->open_hi || util_parse_long(b, -100000000, 100000000, &x->hi)) && !strchr(b, ':');
}

const char *cmd_index_example(const Tensor *t)
{
    if (t->ndim == 4)
        return t->dims[2] > 1 && t->dims[3] > 1 ? "[0,0,1,1]" : "[0,0,0,0]";
    if (t->vector || t->rows == 1 || t->cols == 1)
        return "[0]";
    return "[0,1]";
}

/* The indices of an element of the tensor called name, for a message
 * (name may not exist now): "[0]", "[0,1]" or "[0,0,1,1]". */
static const char *name_example(CmdCtx *c, const char *name)
{
    TensorName tn;
    if (!tensor_name_parse(name, &tn))
        return "[0,1]";
    if (tn.kind == 's' || tn.kind == 'f' || tn.kind == 'l') /* vectors; a scalar's value is not worked out here */
        return "[0]";
    Tensor t;
    char err[ERR_LEN];
    if (session_tensor(c->s, name, &t, err) == 0)
        return cmd_index_example(&t);
    /* not there now (no model or layer yet, a gradient before backward ...) */
    bool bias = false;
    if (tensor_is_param(&tn))
        layer_desc_of_letter(tn.kind, &bias);
    if (bias)
        return "[0]";
    const Model *m = c->s->model;
    if (!m || tn.layer < 1 || tn.layer > m->n_layers)
        return "[0,1]";
    const Layer *ly = &m->layer[tn.layer - 1];
    int dims[4];
    bool four = tensor_is_param(&tn) ? layer_weight_shape(ly, dims) == 4 : ly->kind == LAYER_CONV;
    return four ? "[0,0,1,1]" : "[0,1]";
}

int cmd_parse_slice(CmdCtx *c, const char *ref, char *name, size_t n, CmdRef *r)
{
    r->n = 0;
    const char *br = strchr(ref, '[');
    size_t len = br ? (size_t)(br - ref) : strlen(ref);
    if (len == 0 || len >= n)
        return cmd_fail(c, "'%s' is not a name; `names` lists what exists now", ref);
    memcpy(name, ref, len);
    name[len] = '\0';
    for (size_t k = 0; k < len; k++)
        if (!isalnum((unsigned char)name[k]) && name[k] != '_')
            return cmd_fail(c, "'%s' is not a name; `names` lists what exists now", ref);
    if (!br)
        return 0;
    const char *close = strchr(br, ']');
    if (!close || close[1] != '\0')
        return cmd_fail(c, "'%s': write an element as NAME[i,j] or NAME[i] (0-based), a slice as NAME[a:b, j]", ref);
    char idx[64];
    size_t il = (size_t)(close - br - 1);
    if (il == 0 || il >= sizeof idx)
        return cmd_fail(c, "'%s': write an element as NAME[i,j] or NAME[i] (0-based), a slice as NAME[a:b, j]", ref);
    memcpy(idx, br + 1, il);
    idx[il] = '\0';
    char *part[4] = {NULL, NULL, NULL, NULL};
    int np = 0;
    for (char *p = idx; p; np++) {
        if (np == 4)
            return cmd_fail(c, "'%s': at most four indices, as in K1[0,0,1,1]", ref);
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        part[np] = trim(p);
        p = comma ? comma + 1 : NULL;
    }
    if (np == 3)
        return cmd_fail(c, "'%s': give one, two or four indices, as in W1[0,1] or K1[0,0,1,1]", ref);
    bool slice = false;
    for (int k = 0; k < np; k++)
        slice = slice || strchr(part[k], ':');
    if (slice && np > 2)
        return cmd_fail(c, "'%s': slices take one or two indices; a 4-D tensor is shown whole (show %s) or one "
                        "element at a time (%s[0,0,1,1])", ref, name, name);
    for (int k = 0; k < np && part[k]; k++, r->n++)
        if (!parse_index(part[k], &r->at[k]))
            return slice ? cmd_fail(c, "'%s': a slice is a:b with whole numbers (b excluded, either may be left "
                                       "out), as in %s[0:5, 0] or %s[:, 1]", ref, name, name)
                         : cmd_fail(c, "'%s': indices are whole numbers, 0 the first and -1 the last, as in %s%s", ref,
                                    name, name_example(c, name));
    return 0;
}

bool cmd_ref_sliced(const CmdRef *r)
{
    for (int k = 0; k < r->n; k++)
        if (r->at[k].slice)
            return true;
    return false;
}

int cmd_parse_ref(CmdCtx *c, const char *ref, char *name, size_t n, CmdRef *r)
{
    if (cmd_parse_slice(c, ref, name, n, r) != 0)
        return -1;
    if (cmd_ref_sliced(r))
        return cmd_fail(c, "'%s' is a slice; this needs one element, as in %s%s", ref, name, name_example(c, name));
    return 0;
}

/* Index i among dim, a negative one counting from the end (Python's
 * rule): its place from 0, or -1 when out of range. */
static long place(long i, int dim)
{
    if (i < 0)
        i += dim;
    return i >= 0 && i < dim ? i : -1;
}

/* The range [*lo, *hi) an index or slice picks among dim; Python's rules
 * (negative counts from the end, bounds clamped); -1 when an element is
 * out of range. */
static int index_range(const CmdIndex *x, int dim, long *lo, long *hi)
{
    if (!x->slice) {
        *lo = place(x->lo, dim), *hi = *lo + 1;
        return *lo >= 0 ? 0 : -1;
    }
    long a = x->open_lo ? 0 : x->lo, b = x->open_hi ? dim : x->hi;
    a += a < 0 ? dim : 0;
    b += b < 0 ? dim : 0;
    *lo = a < 0 ? 0 : a > dim ? dim : a;
    *hi = b < *lo ? *lo : b > dim ? dim : b;
    return 0;
}

int cmd_ref_view(CmdCtx *c, const Tensor *t, const CmdRef *r, CmdView *v)
{
    if (t->ndim == 4)
        return cmd_fail(c, "%s is %d×%d×%d×%d: slices of a 4-D tensor are not taken; `show %s` shows it whole, "
                        "%s[0,0,1,1] one element", t->name, t->dims[0], t->dims[1], t->dims[2], t->dims[3], t->name,
                        t->name);
    *v = (CmdView){.sliced = true, .r0 = 0, .r1 = t->rows, .c0 = 0, .c1 = t->cols};
    const CmdIndex *rows = NULL, *cols = NULL;
    if (r->n == 1 && (t->vector || t->rows == 1))
        cols = &r->at[0];
    else
        rows = &r->at[0], cols = r->n > 1 ? &r->at[1] : NULL;
    if (r->n > 1 && t->vector)
        return cmd_fail(c, "%s has one index, as in %s[2:5]", t->name, t->name);
    if ((rows && index_range(rows, t->rows, &v->r0, &v->r1) != 0) ||
        (cols && index_range(cols, t->cols, &v->c0, &v->c1) != 0)) {
        if (t->vector)
            return cmd_fail(c, "%s has %d value%s, so its index goes from 0 to %d", t->name, t->cols, CMD_S(t->cols),
                            t->cols - 1);
        return cmd_fail(c, "%s is %d×%d, so [i,j] needs i from 0 to %d and j from 0 to %d", t->name, t->rows,
                        t->cols, t->rows - 1, t->cols - 1);
    }
    return 0;
}

/* Says which indices t takes, after index i or j was out of range. */
static int out_of_range(CmdCtx *c, const Tensor *t)
{
    if (t->vector)
        return cmd_fail(c, "%s has %d value%s, so its index goes from 0 to %d (or from -%d to -1, counting from the end)",
                        t->name, t->cols, CMD_S(t->cols), t->cols - 1, t->cols);
    return cmd_fail(c, "%s is %d×%d, so [i,j] needs i from 0 to %d and j from 0 to %d (negative ones count from the end)",
                    t->name, t->rows, t->cols, t->rows - 1, t->cols - 1);
}

/* The flat index of element [i] (n == 1) or [i,j] (n == 2) of a 1-D or
 * 2-D tensor: a vector, a one-row tensor ([i] is the column) and a
 * one-column tensor take one index. -1 with c->err otherwise. */
static int element_index(CmdCtx *c, const Tensor *t, int n, long i, long j, size_t *at)
{
    if (n == 1 && (t->vector || t->rows == 1)) {
        j = i;
        i = 0;
    } else if (n == 1 && t->cols == 1) {
        j = 0;
    } else if (n == 1) {
        return cmd_fail(c, "%s is %d×%d: give both indices, as in %s[%ld,0]", t->name, t->rows, t->cols, t->name, i);
    }
    long r = place(i, t->rows), k = place(j, t->cols);
    if (r < 0 || k < 0)
        return out_of_range(c, t);
    *at = (size_t)r * (size_t)t->cols + (size_t)k;
    return 0;
}

int cmd_ref_index(CmdCtx *c, const Tensor *t, const CmdRef *r, size_t *at)
{
    if (t->ndim == 4) {
        const int *d = t->dims;
        if (r->n != 4)
            return cmd_fail(c, "%s is %d×%d×%d×%d: give four indices, as in %s%s", t->name, d[0], d[1], d[2], d[3],
                            t->name, cmd_index_example(t));
        size_t k = 0;
        for (int q = 0; q < 4; q++) {
            long v = place(r->at[q].lo, d[q]);
            if (v < 0)
                return cmd_fail(c, "%s is %d×%d×%d×%d, so index %d goes from 0 to %d (or from -%d to -1, counting "
                                "from the end)", t->name, d[0], d[1], d[2], d[3], q + 1, d[q] - 1, d[q]);
            k = k * (size_t)d[q] + (size_t)v;
        }
        *at = k;
        return 0;
    }
    if (r->n > 2)
        return cmd_fail(c, "%s has %s, so it takes %s, as in %s%s", t->name, t->vector ? "one dimension" : "two dimensions",
                        t->vector ? "one index" : "two indices", t->name, cmd_index_example(t));
    if (r->n == 0)
        return cmd_fail(c, "%s: give the element's index, as in %s%s", t->name, t->name, cmd_index_example(t));
    return element_index(c, t, r->n, r->at[0].lo, r->n > 1 ? r->at[1].lo : 0, at);
}

int cmd_ref(CmdCtx *c, const char *ref, Tensor *t, long *at)
{
    char name[32];
    CmdRef r;
    if (cmd_parse_ref(c, ref, name, sizeof name, &r) != 0)
        return -1;
    int rc = session_tensor(c->s, name, t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, name, rc);
    *at = -1;
    size_t k;
    if (r.n > 0) {
        if (cmd_ref_index(c, t, &r, &k) != 0)
            return -1;
        *at = (long)k;
    }
    return 0;
}

int cmd_show_ref(CmdCtx *c, const char *ref, bool all)
{
    char name[32];
    CmdRef r;
    if (cmd_parse_slice(c, ref, name, sizeof name, &r) != 0)
        return -1;
    Tensor t;
    char meaning[512];
    int rc = session_tensor(c->s, name, &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, name, rc);
    if (cmd_ref_sliced(&r)) {
        CmdView v;
        if (cmd_ref_view(c, &t, &r, &v) != 0)
            return -1;
        v.all = all;
        cmd_print_view(c, &t, tensor_meaning(c, &t, meaning, sizeof meaning), &v);
        return 0;
    }
    if (r.n == 0) {
        TensorName tn;
        if (tensor_name_parse(name, &tn) && (tn.kind == 's' || tn.kind == 'f') && t.rows * t.cols == 1) {
            const char *about = tn.kind == 's' ? session_scalar(tn.scalar)->about : session_tensor_fn(tn.scalar)->about;
            if (t.percent)
                cmd_out(c, "%s = %.1f%%  (%s)\n", name, 100 * t.data[0], about);
            else if (tn.kind == 's' && session_scalar(tn.scalar)->whole) /* a count: every digit */
                cmd_out(c, "%s = %.0f  (%s)\n", name, t.data[0], about);
            else
                cmd_out(c, "%s = %s  (%s)\n", name, NUM(t.data[0]), about);
            return 0;
        }
        if (strcmp(name, "loss") == 0) {
            cmd_out(c, "loss = %s\n", NUM(t.data[0]));
            return 0;
        }
        if (t.ndim == 4)
            cmd_print_4d(c, &t, tensor_meaning(c, &t, meaning, sizeof meaning), all);
        else
            cmd_print_view(c, &t, tensor_meaning(c, &t, meaning, sizeof meaning), &(CmdView){.all = all});
        return 0;
    }
    size_t at;
    if (cmd_ref_index(c, &t, &r, &at) != 0)
        return -1;
    TensorName tn;
    const Dataset *ds = c->s->data;
    if (tensor_name_parse(name, &tn) && tn.kind == 's' && session_scalar(tn.scalar)->per_class && ds &&
        ds->class_names && (int)at < ds->n_classes) { /* a label that is not the index: precision[1] = 0.4  (class 5) */
        char b[16];
        cmd_out(c, "%s = %s  (class %s)\n", ref, NUM(t.data[at]), data_class_name(ds, (int)at, b, sizeof b));
        return 0;
    }
    cmd_out(c, "%s = %s\n", ref, NUM(t.data[at]));
    return 0;
}

int cmd_name_refused(CmdCtx *c, const char *name, int code)
{
    cmd_hint_add(c->s, code, false, c->err);
    if (code != ERR_UNKNOWN_NAME && code != ERR_NO_LAYER)
        return -1;
    CmdNearest g;
    cmd_nearest_init(&g, name, strlen(name) <= 3 ? 2 : 3);
    session_names(c->s, cmd_nearest_add, &g);
    if (g.best && strcmp(g.best, name) != 0) {
        size_t l = strlen(c->err);
        snprintf(c->err + l, ERR_LEN - l, " (did you mean `%s`?)", g.best);
    }
    return -1;
}

bool cmd_known_name(const char *word)
{
    char name[32];
    size_t n = strcspn(word, "[");
    if (n >= sizeof name)
        return false;
    memcpy(name, word, n);
    name[n] = '\0';
    TensorName tn;
    return tensor_name_parse(name, &tn);
}

/* Parses a literal `[..]` or `[[..],[..]]` into vals (cap values); returns
 * the count of rows and columns found, or -1 with err when malformed. */
static int parse_literal(CmdCtx *c, const char *text, double *vals, size_t cap, int *rows, int *cols)
{
    const char *p = text;
    size_t n = 0;
    int depth = 0, nrows = 0, ncols = -1, rowlen = 0;
    bool two_d = false;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '[')
        return cmd_fail(c, "write a tensor as [v, v, ...] or [[v, v], [v, v]], or one element as NAME[i,j] = v");
    while (*p) {
        if (*p == '[') {
            if (++depth > 2)
                return cmd_fail(c, "too many brackets: a tensor literal has at most two levels, [[..],[..]]");
            if (depth == 2) {
                if (!two_d && rowlen > 0)
                    return cmd_fail(c, "mixed numbers and rows: write [[v, v], [v, v]]");
                two_d = true;
                rowlen = 0;
            }
            p++;
        } else if (*p == ']') {
            if (depth == 2 || (depth == 1 && !two_d)) {
                if (ncols >= 0 && rowlen != ncols)
                    return cmd_fail(c, "rows of different lengths (%d and %d values): every row needs the same count", ncols,
                                rowlen);
                ncols = rowlen;
                nrows++;
                rowlen = 0;
            }
            depth--;
            p++;
            if (depth == 0) {
                while (isspace((unsigned char)*p))
                    p++;
                if (*p)
                    return cmd_fail(c, "unexpected text after the closing bracket: '%s'", p);
                break;
            }
        } else if (*p == ',' || isspace((unsigned char)*p)) {
            p++;
        } else {
            if (depth == 1 && two_d)
                return cmd_fail(c, "mixed numbers and rows: write [[v, v], [v, v]]");
            const char *q = p;
            while (*q && !strchr(",] \t[", *q))
                q++;
            char word[64];
            size_t wl = (size_t)(q - p);
            if (wl >= sizeof word)
                return cmd_fail(c, "'%.20s...' is not a number: write numbers like 0.5 or -1e-3", p);
            memcpy(word, p, wl);
            word[wl] = '\0';
            double v;
            if (!util_parse_double(word, &v))
                return cmd_fail(c, "'%s' is not a finite number: write numbers like 0.5 or -1e-3", word);
            if (n < cap)
                vals[n] = v;
            n++;
            rowlen++;
            p = q;
        }
    }
    if (depth != 0)
        return cmd_fail(c, "unclosed bracket: every [ needs its ]");
    if (n != (size_t)nrows * (size_t)(ncols < 0 ? 0 : ncols))
        return cmd_fail(c, "mixed numbers and rows: write [v, v, ...] or [[v, v], [v, v]]");
    *rows = nrows;
    *cols = ncols < 0 ? 0 : ncols;
    return 0;
}

int cmd_assign(CmdCtx *c, char *lhs, char *rhs)
{
    char name[32];
    CmdRef ref;
    if (cmd_parse_slice(c, lhs, name, sizeof name, &ref) != 0)
        return -1;
    if (cmd_ref_sliced(&ref))
        return cmd_fail(c, "'%s' is a slice; assignment takes one element (%s%s = 0.5) or the whole tensor "
                        "(%s = [..])", lhs, name, name_example(c, name), name);
    Tensor t;
    int rc = session_tensor(c->s, name, &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, name, rc);
    TensorName tn;
    if (!t.editable && tensor_name_parse(name, &tn) && tn.kind == 'M')
        return cmd_fail(c, "%s cannot be edited: only parameters (W1, b1, ...) can; %s is dropout's mask, drawn from "
                        "the seed and the step number", name, name);
    bool parsed = tensor_name_parse(name, &tn);
    if (!t.editable && parsed && !tn.grad && (tn.kind == 'X' || tn.kind == 'Y'))
        return cmd_fail(c, "%s cannot be edited: only parameters (W1, b1, ...) can; %s is the current batch's %s, "
                        "read from the data (`data` commands change the data)", name, name,
                        tn.kind == 'X' ? "inputs" : "targets");
    if (!t.editable)
        return cmd_fail(c, "%s cannot be edited: only parameters (W1, b1, ...) can; %s is computed from them", name, name);
    if (ref.n > 0) {
        size_t at;
        double v;
        if (cmd_ref_index(c, &t, &ref, &at) != 0)
            return -1;
        if (!util_parse_double(rhs, &v))
            return cmd_fail(c, "%s needs a finite number, got '%s'", lhs, rhs);
        double old = t.data[at];
        t.data[at] = v;
        session_params_changed(c->s);
        cmd_out(c, "%s = %s  (was %s)\n", lhs, NUM(v), NUM(old));
        return 0;
    }
    size_t n = (size_t)t.rows * t.cols;
    double *vals = malloc(sizeof(double) * n);
    if (!vals)
        return cmd_fail(c, "out of memory");
    int r = 0, k = 0;
    if (parse_literal(c, rhs, vals, n, &r, &k) != 0) {
        free(vals);
        return -1;
    }
    bool ok = (size_t)r * k == n && (r == t.rows || (t.vector && r == 1)) && k == t.cols;
    if (!ok) {
        free(vals);
        if (t.ndim == 4)
            return cmd_fail(c, "%s is %d×%d×%d×%d: write it as %d row%s of %d numbers (row f holds filter f's "
                            "values in [c,i,j] order), or import it from a .npy file", name, t.dims[0], t.dims[1],
                            t.dims[2], t.dims[3], t.rows, CMD_S(t.rows), t.cols);
        if (t.vector)
            return cmd_fail(c, "%s has %d value%s, but the literal has %d×%d; write [v, v, ...] with %d number%s",
                            name, t.cols, CMD_S(t.cols), r, k, t.cols, CMD_S(t.cols));
        return cmd_fail(c, "%s is %d×%d, but the literal is %d×%d; write %d row%s of %d number%s", name, t.rows,
                        t.cols, r, k, t.rows, CMD_S(t.rows), t.cols, CMD_S(t.cols));
    }
    memcpy(t.data, vals, sizeof(double) * n);
    free(vals);
    session_params_changed(c->s);
    cmd_out(c, "%s set (%zu value%s)\n", name, n, n == 1 ? "" : "s");
    return 0;
}

