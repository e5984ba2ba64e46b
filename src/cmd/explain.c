/* explain.c — the `explain` instrument: how one number came to be, formula
 * first, then the same formula with this session's numbers. For a weight or
 * bias: its gradient as the sum over the batch, where dZ comes from (the
 * loss's derivative, or the layer above through W and act'), then the
 * optimizer's update of that one element, for every optimizer and option.
 * Also Z and A of one sample, yhat, and the loss of one sample.
 *
 * Every number printed is one the session holds, formatted as `show` prints
 * it. The update's new state and value come from running the real optimizer
 * on a one-parameter copy, so they are the engine's to the last bit; only
 * the quantities shown along the way (bias corrections, denominators) are
 * computed here, for display. Long sums are abridged, and a note says what
 * the terms left out add up to. Nothing in the session changes. */
#include "explain.h"
#include "cmd_grid.h"
#include "explain_conv.h"
#include "explain_names.h"
#include "explain_penalty.h"
#include "text.h"

#include <ctype.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WIDTH 92    /* written-out sums wrap before this column */
#define SHOW_ALL 6  /* a sum of up to this many terms is written out whole; */
#define SHOW_HEAD 3 /* a longer one as its first SHOW_HEAD terms, ..., and its last */

/* ---- output ---- */



/* One number as `show` prints it: the session's significant digits, and
 * "-0" written as "0". */

/* The same, in parentheses when negative: a factor of a product. */
static const char *par(const CmdCtx *c, double v, char *buf, size_t n)
{
    char b[40];
    cmd_num(c, v, b, sizeof b);
    if (b[0] == '-')
        snprintf(buf, n, "(%s)", b);
    else
        snprintf(buf, n, "%s", b);
    return buf;
}

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)
#define PAR(v) par(c, (v), (char[44]){0}, 44)


/* A line written piece by piece, broken before a piece that would pass
 * WIDTH; continuation lines start at `indent`. */
typedef struct Line {
    CmdCtx *c;
    int col;    /* column the next piece starts at */
    int indent; /* column continuation lines start at */
} Line;

static void line_start(Line *l, CmdCtx *c, const char *lead, int indent)
{
    l->c = c;
    l->indent = indent;
    l->col = text_cols(lead);
    cmd_out(c, "%s", lead);
}

static void line_add(Line *l, const char *piece)
{
    int w = text_cols(piece);
    if (l->col + w > WIDTH && l->col > l->indent) {
        while (*piece == ' ') {
            piece++;
            w--;
        }
        cmd_out(l->c, "\n%*s", l->indent, "");
        l->col = l->indent;
    }
    cmd_out(l->c, "%s", piece);
    l->col += w;
}

static void line_addf(Line *l, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void line_addf(Line *l, const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    line_add(l, buf);
}

/* Term t of a sum is shown when the sum is short, or t is one of the first
 * SHOW_HEAD or the last; the first term left out is written as "...". */
static bool shown(int t, int n)
{
    return n <= SHOW_ALL || t < SHOW_HEAD || t == n - 1;
}

/* The terms of a sum: a[t·sa]·b[t·sb], or a[t·sa] alone when b is NULL. */
typedef struct Terms {
    int n;
    const double *a;
    size_t sa;
    const double *b;
    size_t sb;
} Terms;

/* Writes lead, the terms with their numbers, then " + extra" (when not
 * NULL), tail, and " = total" (when not NULL); then, for an abridged sum, a
 * note with what the terms left out add up to. */
static void write_sum(CmdCtx *c, const char *lead, const Terms *s, const double *extra, const char *tail,
                      const double *total)
{
    Line l;
    int indent = text_cols(lead);
    line_start(&l, c, lead, indent);
    double rest = 0;
    for (int t = 0; t < s->n; t++) {
        double x = s->a[(size_t)t * s->sa];
        double y = s->b ? s->b[(size_t)t * s->sb] : 1.0;
        if (!shown(t, s->n)) {
            rest += s->b ? x * y : x;
            if (t == SHOW_HEAD)
                line_add(&l, " + ...");
            continue;
        }
        if (s->b)
            line_addf(&l, "%s%s·%s", t ? " + " : "", PAR(x), PAR(y));
        else
            line_addf(&l, "%s%s", t ? " + " : "", t ? PAR(x) : NUM(x));
    }
    if (extra)
        line_addf(&l, " + %s", PAR(*extra));
    if (tail)
        line_add(&l, tail);
    if (total)
        line_addf(&l, " = %s", NUM(*total));
    cmd_out(c, "\n");
    if (s->n > SHOW_ALL)
        cmd_out(c, "%*s(%d of %d terms shown; the %d left out add up to %s)\n", indent, "", SHOW_HEAD + 1, s->n,
            s->n - SHOW_HEAD - 1, NUM(rest));
}

/* The names of a sum's terms: term t is a t a2 · b t b2 ("X[" t ",0]" ·
 * "dZ1[" t ",1]"), or a t a2 alone when b is NULL. */
typedef struct Sym {
    const char *a, *a2, *b, *b2;
    const int *map; /* when not NULL, a's index t is a conv map's flattened: written "c,y,x" */
} Sym;

static void write_names(CmdCtx *c, const char *lead, int n, const Sym *y, const char *tail)
{
    Line l;
    line_start(&l, c, lead, text_cols(lead));
    for (int t = 0; t < n; t++) {
        if (!shown(t, n)) {
            if (t == SHOW_HEAD)
                line_add(&l, " + ...");
            continue;
        }
        char ta[40];
        if (y->map)
            explain_conv_flat(y->map, t, ta, sizeof ta);
        else
            snprintf(ta, sizeof ta, "%d", t);
        if (y->b)
            line_addf(&l, "%s%s%s%s·%s%d%s", t ? " + " : "", y->a, ta, y->a2, y->b, t, y->b2);
        else
            line_addf(&l, "%s%s%d%s", t ? " + " : "", y->a, t, y->a2);
    }
    if (tail)
        line_add(&l, tail);
    cmd_out(c, "\n");
}

/* ---- formulas ---- */

static const char *act_formula(Act a)
{
    switch (a) {
    case ACT_SIGMOID: return "sigmoid(z) = 1 / (1 + exp(-z))";
    case ACT_TANH: return "tanh(z) = (exp(z) - exp(-z)) / (exp(z) + exp(-z))";
    case ACT_RELU: return "relu(z) = max(0, z)";
    case ACT_LEAKY_RELU: return "leaky_relu(z) = z if z > 0, else 0.01·z";
    case ACT_ELU: return "elu(z) = z if z > 0, else exp(z) - 1";
    case ACT_SOFTPLUS: return "softplus(z) = log(1 + exp(z)), or z when z > 20";
    case ACT_GELU: return "gelu(z) = z·Φ(z), Φ(z) = (1 + erf(z/√2)) / 2";
    default: return "identity(z) = z";
    }
}

static const char *act_dformula(Act a)
{
    switch (a) {
    case ACT_SIGMOID: return "sigmoid'(z) = sigmoid(z)·(1 - sigmoid(z))";
    case ACT_TANH: return "tanh'(z) = 1 - tanh(z)²";
    case ACT_RELU: return "relu'(z) = 1 if z > 0, else 0";
    case ACT_LEAKY_RELU: return "leaky_relu'(z) = 1 if z > 0, else 0.01";
    case ACT_ELU: return "elu'(z) = 1 if z > 0, else exp(z)";
    case ACT_SOFTPLUS: return "softplus'(z) = sigmoid(z), or 1 when z > 20";
    case ACT_GELU: return "gelu'(z) = Φ(z) + z·φ(z), φ(z) = exp(-z²/2) / √(2π)";
    default: return "identity'(z) = 1";
    }
}

static LossShape shape_of(const Session *s)
{
    LossShape sh = {nn_outputs(s->model), s->data->t, s->data->classification, s->data->n_classes};
    return sh;
}

/* The target output j of sample b is compared with. */
static double target_of(const Session *s, int b, int j)
{
    const double *row = s->yb + (size_t)b * (size_t)s->data->t; /* (t) */
    if (!s->data->classification)
        return row[j];
    if (nn_outputs(s->model) == 1)
        return row[0];
    return row[0] == (double)j ? 1.0 : 0.0;
}

/* Its name, with the indices written as given: "Y[b]", "Y[b,j]",
 * "onehot(Y[b])[j]". */
static void target_name(const Session *s, const char *b, const char *j, char *buf, size_t n)
{
    if (s->data->classification && nn_outputs(s->model) > 1)
        snprintf(buf, n, "onehot(Y[%s])[%s]", b, j);
    else if (s->data->t == 1)
        snprintf(buf, n, "Y[%s]", b);
    else
        snprintf(buf, n, "Y[%s,%s]", b, j);
}

/* The input of layer k: "X", "A(k-1)", or "(A(k-1)⊙M(k-1))" after dropout. */
static void input_name(const Model *m, int k, char *buf, size_t n)
{
    if (k == 1)
        snprintf(buf, n, "X");
    else if (m->p[k - 2])
        snprintf(buf, n, "P%d", k - 1);
    else if (m->mask[k - 2])
        snprintf(buf, n, "(A%d⊙M%d)", k - 1, k - 1);
    else
        snprintf(buf, n, "A%d", k - 1);
}

/* How dense layer k's formula indexes its input: summed over i as [b,i];
 * or, reading a conv layer's map (shape into map), summed over its
 * flattened index f as [b,c,y,x]. Returns whether it is a map. */
static bool input_index(const Model *m, int k, int map[3], const char **sum, const char **idx)
{
    bool flat = explain_conv_input(m, k, map);
    *sum = flat ? "f" : "i";
    *idx = flat ? "c,y,x" : "i";
    return flat;
}

/* ---- references ---- */

/* Resolves the element r names in t as every command does (a vector or
 * one-row tensor takes [j], a one-column tensor [i], a negative index
 * counts from the end); -1 with err when the index is absent or out of
 * range. */
static int element(CmdCtx *c, const Tensor *t, const CmdRef *r, int *row, int *col)
{
    if (r->n == 0)
        return cmd_fail(c, "explain takes one number of %s: give its index, as in `explain %s%s`", t->name, t->name,
                        cmd_index_example(t));
    size_t at;
    if (cmd_ref_index(c, t, r, &at) != 0)
        return -1;
    *row = (int)(at / (size_t)t->cols);
    *col = (int)(at % (size_t)t->cols);
    return 0;
}

/* Refuses with the commands the current batch still needs to reach want. */
static int need(CmdCtx *c, const char *ref, Phase want, const char *what)
{
    static const char *const cmds[] = {"`forward`", "`loss`", "`backward`"};
    char list[96] = "";
    size_t len = 0;
    for (int p = c->s->phase; p < (int)want; p++)
        len += (size_t)snprintf(list + len, sizeof list - len, "%s%s", p == (int)c->s->phase ? "" : p + 1 == (int)want ? ", then " : ", ",
                                cmds[p]);
    return cmd_fail(c, "explain %s needs %s: run %s first", ref, what, list);
}

/* The position of the current batch: "batch 2/7 of epoch 1". */
static void write_position(CmdCtx *c, int batch_index, long epoch)
{
    cmd_out(c, "batch %d/%d of epoch %ld", batch_index + 1, session_batches(c->s), epoch);
}

/* ---- Z, A and yhat ---- */

/* Z of layer k for sample b, neuron j, as the sum over the inputs. */
static void write_z(CmdCtx *c, int k, int b, int j)
{
    Session *s = c->s;
    const Model *m = s->model;
    const Layer *ly = &m->layer[k - 1];
    const double *in = k == 1 ? s->xb : nn_output_of(m, k - 2); /* (B, n_in), after dropout */
    const double *w = m->params + ly->w_off;         /* (n_in, n_out) */
    const double *bias = m->params + ly->b_off;      /* (n_out) */
    char in_name[32], lead[64], a[48], bb[48];
    input_name(m, k, in_name, sizeof in_name);
    int map[3];
    const char *f, *fi;
    bool flat = input_index(m, k, map, &f, &fi);
    cmd_out(c, "  Z%d = %s·W%d + b%d, one neuron at a time: Z%d[b,j] = Σ_%s %s[b,%s]·W%d[%s,j] + b%d[j]\n", k, in_name,
        k, k, k, f, in_name, fi, k, f, k);
    if (flat)
        explain_conv_flatten(c, map, k, in_name);
    int w0 = snprintf(lead, sizeof lead, "  Z%d[%d,%d] = ", k, b, j);
    snprintf(a, sizeof a, "%s[%d,", in_name, b);
    snprintf(bb, sizeof bb, ",%d]", j);
    char tail[32], wname[16];
    snprintf(tail, sizeof tail, " + b%d[%d]", k, j);
    snprintf(wname, sizeof wname, "W%d[", k);
    Sym y = {a, "]", wname, bb, flat ? map : NULL};
    write_names(c, lead, ly->n_in, &y, tail);
    snprintf(lead, sizeof lead, "%*s= ", w0 - 2, "");
    Terms t = {ly->n_in, in + (size_t)b * ly->n_in, 1, w + j, (size_t)ly->n_out};
    double z = m->z[k - 1][(size_t)b * ly->n_out + j];
    write_sum(c, lead, &t, &bias[j], NULL, NULL);
    cmd_out(c, "%*s= %s\n", w0 - 2, "", NUM(z));
}

/* yhat[b,j]: the loss's link applied to the logits. */
static void write_yhat(CmdCtx *c, int b, int j)
{
    Session *s = c->s;
    const Model *m = s->model;
    int L = m->n_layers, K = nn_outputs(m);
    const double *z = m->z[L - 1] + (size_t)b * K; /* (K) logits of sample b */
    double p = s->yhat[(size_t)b * K + j];
    const char *ln = loss_name(s->loss.kind);
    switch (loss_desc(s->loss.kind)->link) {
    case LINK_SIGMOID:
        cmd_out(c, "  yhat = sigmoid(Z%d), the %s loss's link: sigmoid(z) = 1 / (1 + exp(-z))\n", L, ln);
        cmd_out(c, "  yhat[%d,%d] = sigmoid(%s) = 1 / (1 + exp(%s)) = %s\n", b, j, NUM(z[j]), NUM(-z[j]), NUM(p));
        break;
    case LINK_SOFTMAX: {
        cmd_out(c, "  yhat[b] = softmax(Z%d[b]), the %s loss's link: yhat[b,j] = exp(Z%d[b,j]) / Σ_m exp(Z%d[b,m])\n",
            L, ln, L, L);
        char lead[64];
        snprintf(lead, sizeof lead, "  yhat[%d,%d] = exp(%s) / (", b, j, NUM(z[j]));
        Line l;
        line_start(&l, c, lead, 8);
        double sum = 0;
        for (int t = 0; t < K; t++) {
            sum += exp(z[t]);
            if (shown(t, K))
                line_addf(&l, "%sexp(%s)", t ? " + " : "", NUM(z[t]));
            else if (t == SHOW_HEAD)
                line_add(&l, " + ...");
        }
        line_addf(&l, ") = %s / %s = %s", NUM(exp(z[j])), NUM(sum), NUM(p));
        cmd_out(c, "\n");
        break;
    }
    case LINK_IDENTITY:
        cmd_out(c, "  yhat = Z%d: the %s loss compares the logits with the targets directly (no link)\n", L, ln);
        cmd_out(c, "  yhat[%d,%d] = Z%d[%d,%d] = %s\n", b, j, L, b, j, NUM(p));
        break;
    }
}

/* Dropout after layer k for sample b, neuron j: the mask factor and what
 * layer k+1 reads. */
static void write_mask(CmdCtx *c, int k, int b, int j)
{
    const Model *m = c->s->model;
    size_t at = (size_t)b * m->layer[k - 1].n_out + j;
    double p = m->drop[k - 1], mk = m->mask[k - 1][at];
    cmd_out(c, "  dropout p = %s after layer %d (training steps only): M%d[b,j] is 0 with probability p, else "
            "1/(1-p) = %s,\n  drawn from the seed and the step number (step %ld), so `undo` and `run` repeat it\n",
            NUM(p), k, k, NUM(1.0 / (1.0 - p)), c->s->steps + 1);
    cmd_out(c, "  M%d[%d,%d] = %s: %s\n", k, b, j, NUM(mk), mk == 0 ? "this unit is dropped for this sample" : "kept, scaled");
    cmd_out(c, "  layer %d reads A%d[%d,%d]·M%d[%d,%d] = %s·%s = %s\n", k + 1, k, b, j, k, b, j,
            PAR(m->a[k - 1][at]), PAR(mk), NUM(m->h[k - 1][at]));
}

/* A of layer k for sample b, neuron j: act(Z), or the logits for the last. */
static void write_a(CmdCtx *c, int k, int b, int j)
{
    const Model *m = c->s->model;
    const Layer *ly = &m->layer[k - 1];
    if (k == m->n_layers) {
        cmd_out(c, "  A%d = Z%d: the output layer is linear; its Z are the logits\n", k, k);
        write_yhat(c, b, j);
        return;
    }
    double z = m->z[k - 1][(size_t)b * ly->n_out + j], a = m->a[k - 1][(size_t)b * ly->n_out + j];
    const char *an = act_name(ly->act);
    cmd_out(c, "  A%d = %s(Z%d), %s\n", k, an, k, act_formula(ly->act));
    cmd_out(c, "  A%d[%d,%d] = %s(%s) = %s\n", k, b, j, an, NUM(z), NUM(a));
    if (m->mask[k - 1])
        write_mask(c, k, b, j);
}

/* ---- the loss ---- */

/* The loss of sample b alone: the mean over its K outputs, or its ce term,
 * with the engine's own arithmetic. */
static double sample_loss(const Session *s, int b)
{
    const Model *m = s->model;
    LossShape sh = shape_of(s);
    int K = sh.n_outputs;
    return loss_eval(&s->loss, &sh, m->z[m->n_layers - 1] + (size_t)b * K, s->yb + (size_t)b * s->data->t, 1,
                     NULL, NULL);
}

/* The sample b (and its output j) as the loss's descriptor reads it. */
static LossSample sample_of(const Session *s, int b, int j, char *yname, size_t n)
{
    const Model *m = s->model;
    int L = m->n_layers, K = nn_outputs(m);
    target_name(s, "b", "j", yname, n);
    LossSample x = {
        .L = L, .K = K, .B = s->rows, .b = b, .j = j,
        .z = m->z[L - 1] + (size_t)b * K, .p = s->yhat + (size_t)b * K,
        .y = target_of(s, b, j), .label = (int)s->yb[(size_t)b * s->data->t],
        .yname = yname,
    };
    return x;
}

/* The text sink explain hands the descriptors: cmd_out, and numbers as
 * `show` prints them. */
static void sink_put(void *ctx, const char *text)
{
    cmd_out(ctx, "%s", text);
}

static const char *sink_num(void *ctx, double v, char *buf, size_t n)
{
    return cmd_num(ctx, v, buf, n);
}

/* The loss of sample b: formula, then numbers. */
static void write_sample_loss(CmdCtx *c, int b, double lb)
{
    Session *s = c->s;
    const LossDesc *d = loss_desc(s->loss.kind);
    TextSink w = {sink_put, sink_num, c};
    char yn[40];
    LossSample x = sample_of(s, b, 0, yn, sizeof yn);
    x.loss = lb;
    d->formula(&s->loss, &x, &w);
    if (s->data->class_names) { /* the class index the loss takes, and the label it stands for */
        char nb[16];
        cmd_out(c, "  Y[%d] = %d, the class index of label '%s'\n", b, x.label,
                data_class_name(s->data, x.label, nb, sizeof nb));
    }
    if (d->numbers(&s->loss, &x, &w))
        return;
    /* an elementwise loss: the mean of its terms */
    int K = x.K;
    char lead[48], piece[160];
    if (K == 1)
        snprintf(lead, sizeof lead, "  loss[%d] = ", b);
    else
        snprintf(lead, sizeof lead, "  loss[%d] = (1/%d)·(", b, K);
    Line l;
    line_start(&l, c, lead, text_cols(lead));
    for (int j = 0; j < K; j++) {
        if (!shown(j, K)) {
            if (j == SHOW_HEAD)
                line_add(&l, " + ...");
            continue;
        }
        d->piece(&s->loss, x.z[j], target_of(s, b, j), &w, piece, sizeof piece);
        line_addf(&l, "%s%s", j ? " + " : "", piece);
    }
    line_addf(&l, "%s = %s", K == 1 ? "" : ")", NUM(lb));
    cmd_out(c, "\n");
}

static int explain_loss(CmdCtx *c, const char *ref, const CmdRef *r)
{
    Session *s = c->s;
    if (!s->data || !s->model)
        return cmd_fail(c, "explain %s needs a model and data: try `data moons`, `model mlp 4`, then `forward` and `loss`",
                    ref);
    if (s->phase < PHASE_LOSS)
        return need(c, ref, PHASE_LOSS, "the loss of this batch");
    int B = s->rows;
    if (r->n > 1)
        return cmd_fail(c, "loss[b] takes one index, the sample: as in `explain loss[0]`");
    long i = r->n ? r->at[0].lo : 0;
    if (i < -B || i >= B)
        return cmd_fail(c, "this batch has %d sample%s, so loss[b] needs b from 0 to %d (or from -%d to -1, "
                        "counting from the end)", B, CMD_S(B), B - 1, B);
    int b = (int)(i < 0 ? i + B : i);
    double *lb = malloc(sizeof(double) * (size_t)B); /* (B) loss of each sample */
    if (!lb)
        return cmd_fail(c, "out of memory");
    for (int q = 0; q < B; q++)
        lb[q] = sample_loss(s, q);
    cmd_out(c, "loss[%d]: the %s loss of sample %d of ", b, loss_name(s->loss.kind), b);
    write_position(c, s->batch_index, s->epoch);
    cmd_out(c, "%s\n", r->n == 0 ? "\n(sample 0 as an example; `explain loss[b]` for another)" : "");
    write_sample_loss(c, b, lb[b]);
    bool pen = penalty_on(&s->pen);
    cmd_out(c, "The batch's loss is the mean over its %d sample%s (PyTorch's reduction='mean')%s:\n", B, CMD_S(B),
            pen ? ", plus the weight penalty" : "");
    cmd_out(c, "  loss = (1/B)·Σ_b loss[b]%s%s\n", pen ? " + " : "", explain_penalty_formula(c));
    if (pen)
        cmd_out(c, "The data term, the mean of the samples' losses:\n  (1/B)·Σ_b loss[b]\n");
    char tail[32];
    snprintf(tail, sizeof tail, ") / %d", B);
    Terms t = {B, lb, 1, NULL, 0};
    write_sum(c, "       = (", &t, NULL, tail, NULL);
    cmd_out(c, "       = %s\n", NUM(s->loss_data));
    if (pen)
        explain_penalty_terms(c);
    free(lb);
    return 0;
}

/* ---- where dZ comes from ---- */

/* The formula of dL/dZ at the logits for the loss in force. */
static void write_dz_last_formula(CmdCtx *c)
{
    Session *s = c->s;
    TextSink w = {sink_put, sink_num, c};
    char yn[40];
    LossSample x = sample_of(s, 0, 0, yn, sizeof yn);
    loss_desc(s->loss.kind)->dz_formula(&s->loss, &x, &w);
}

/* The same for sample b, output j, with its numbers. */
static void write_dz_last(CmdCtx *c, int b, int j)
{
    Session *s = c->s;
    TextSink w = {sink_put, sink_num, c};
    char yn[40];
    LossSample x = sample_of(s, b, j, yn, sizeof yn);
    x.dz = s->model->dz[x.L - 1][(size_t)b * x.K + j]; /* backward's */
    cmd_out(c, "  b = %d:  ", b);
    loss_desc(s->loss.kind)->dz_numbers(&s->loss, &x, &w);
}

/* dA and dZ of hidden layer k for sample b, neuron j, with numbers. */
static void write_dz_hidden(CmdCtx *c, int k, int b, int j)
{
    const Model *m = c->s->model;
    const Layer *ly = &m->layer[k - 1], *nx = &m->layer[k];
    size_t at = (size_t)b * ly->n_out + j;
    char lead[64], tail[64] = "";
    const double *mk = m->mask[k - 1];
    int w0 = snprintf(lead, sizeof lead, "  b = %d:  dA%d[%d,%d] = %s", b, k, b, j, mk ? "(" : "");
    if (mk)
        snprintf(tail, sizeof tail, ")·%s", PAR(mk[at]));
    Terms t = {nx->n_out, m->dz[k] + (size_t)b * nx->n_out, 1, m->params + nx->w_off + (size_t)j * nx->n_out, 1};
    write_sum(c, lead, &t, NULL, mk ? tail : NULL, &m->da[k - 1][at]);
    if (mk)
        w0--;
    double z = m->z[k - 1][at];
    char pre[64];
    snprintf(pre, sizeof pre, "dZ%d[%d,%d] = ", k, b, j);
    cmd_out(c, "%*s%s%s·%s'(%s) = %s·%s = %s\n", w0 - text_cols(pre), "", pre, PAR(m->da[k - 1][at]),
        act_name(ly->act), NUM(z), PAR(m->da[k - 1][at]), PAR(act_derivative(ly->act, z)), NUM(m->dz[k - 1][at]));
}

/* Where dZ of layer k comes from, with the numbers for the samples b0 .. b0+nb-1. */
static void write_dz_origin(CmdCtx *c, int k, int j, int b0, int nb)
{
    Session *s = c->s;
    const Model *m = s->model;
    int L = m->n_layers;
    if (k == L) {
        cmd_out(c, "dZ%d = dL/dZ%d, the %s loss's derivative at the logits (with the mean's 1/%s):\n", k, k,
            loss_name(s->loss.kind), loss_desc(s->loss.kind)->per_row || nn_outputs(m) == 1 ? "B" : "(B·K)");
        write_dz_last_formula(c);
        for (int b = b0; b < b0 + nb; b++)
            write_dz_last(c, b, j);
        return;
    }
    const char *an = act_name(m->layer[k - 1].act);
    cmd_out(c, "dZ%d comes back from layer %d through W%d and %s':\n", k, k + 1, k + 1, an);
    cmd_out(c, "  dZ%d[b,j] = dA%d[b,j]·%s'(Z%d[b,j]),  %s\n", k, k, an, k, act_dformula(m->layer[k - 1].act));
    if (m->mask[k - 1])
        cmd_out(c, "  dA%d[b,j] = (Σ_m dZ%d[b,m]·W%d[j,m])·M%d[b,j]   (dA%d = (dZ%d·W%dᵀ)⊙M%d, through dropout's mask)\n",
            k, k + 1, k + 1, k, k, k + 1, k + 1, k);
    else
        cmd_out(c, "  dA%d[b,j] = Σ_m dZ%d[b,m]·W%d[j,m]   (dA%d = dZ%d·W%dᵀ)\n", k, k + 1, k + 1, k, k + 1, k + 1);
    for (int b = b0; b < b0 + nb; b++)
        write_dz_hidden(c, k, b, j);
    cmd_out(c, "  (`explain dZ%d[%d,0]` shows where dZ%d comes from)\n", k + 1, b0, k + 1);
}

/* ---- the gradient of a parameter ---- */

/* What `set clip` did to the gradient called name ("dW1[0,1]"): raw
 * before clipping, g after. */
static void write_clip(CmdCtx *c, const char *name, double raw, double g)
{
    const Session *s = c->s;
    const ClipReport *r = &s->clip_report;
    char max[40];
    cmd_num(c, s->clip.max, max, sizeof max);
    if (s->clip.kind == CLIP_NORM && r->clipped)
        cmd_out(c, "clipped (clip norm=%s; the total norm of every gradient, %s, plus 1e-6 exceeds it), every "
                "gradient times factor %s/(%s + 1e-6):\n  %s = %s·%s = %s\n", max, NUM(r->total_norm), max,
                NUM(r->total_norm), name, PAR(raw), CMD_FACTOR(r->factor), NUM(g));
    else if (s->clip.kind == CLIP_NORM)
        cmd_out(c, "not clipped (clip norm=%s; the total norm of every gradient, %s, plus 1e-6 does not exceed "
                "it)\n", max, NUM(r->total_norm));
    else
        cmd_out(c, "clip value=%s clamps it to [-%s, %s]:\n  %s = %s\n", max, max, max, name, NUM(g));
}

/* After an update, what clipping did to the gradient it took, in
 * parentheses ("" when nothing). */
static void write_clip_note(CmdCtx *c)
{
    const Session *s = c->s;
    if (s->clip.kind == CLIP_NORM && s->clip_report.clipped)
        cmd_out(c, " (clipped: times factor %s, clip norm=%s)", CMD_FACTOR(s->clip_report.factor), NUM(s->clip.max));
    else if (s->clip.kind == CLIP_VALUE)
        cmd_out(c, " (clip value=%s clamps it to ±%s)", NUM(s->clip.max), NUM(s->clip.max));
}

/* The penalty's part of dWk[i,j], formula then numbers, after the data
 * term's sum (written by the caller at indent w0); g is the whole gradient
 * before any clipping. */
static void write_penalty(CmdCtx *c, int k, int i, int j, int w0, double g)
{
    const Session *s = c->s;
    const Model *m = s->model;
    const Layer *ly = &m->layer[k - 1];
    size_t at = ly->w_off + (size_t)i * ly->n_out + j;
    double w = m->params[at], pg = penalty_grad_one(&s->pen, w);
    char form[96] = "", nums[160] = "";
    size_t fl = 0, nl = 0;
    if (s->pen.l2 != 0) {
        fl += (size_t)snprintf(form + fl, sizeof form - fl, " + l2·W%d[i,j]", k);
        nl += (size_t)snprintf(nums + nl, sizeof nums - nl, " + %s·%s", NUM(s->pen.l2), PAR(w));
    }
    if (s->pen.l1 != 0) {
        fl += (size_t)snprintf(form + fl, sizeof form - fl, " + l1·sign(W%d[i,j])", k);
        nl += (size_t)snprintf(nums + nl, sizeof nums - nl, " + %s·%s", NUM(s->pen.l1), PAR(penalty_sign(w)));
    }
    cmd_out(c, "%*s= %s (the data term)\n", w0 - 2, "", NUM(g - pg));
    cmd_out(c, "The penalty adds its own part (biases have none%s):\n",
            s->pen.l1 != 0 ? "; sign(0) = 0, as torch.sign" : "");
    cmd_out(c, "  dW%d[i,j] = (the data term)%s\n", k, form);
    cmd_out(c, "  dW%d[%d,%d] = %s%s = %s\n", k, i, j, PAR(g - pg), nums, NUM(g));
}

/* dW or db of layer k at (i, j) as the sum over the batch just run
 * backward, then where dZ comes from. */
static void write_gradient(CmdCtx *c, int k, bool bias, int i, int j)
{
    Session *s = c->s;
    const Model *m = s->model;
    const Layer *ly = &m->layer[k - 1];
    int B = s->rows;
    const double *in = k == 1 ? s->xb : nn_output_of(m, k - 2); /* (B, n_in), after dropout */
    const double *dz = m->dz[k - 1];                 /* (B, n_out) */
    double g = m->grads[bias ? ly->b_off + (size_t)j : ly->w_off + (size_t)i * ly->n_out + j];
    char in_name[32], lead[64], a[48], bb[48];
    input_name(m, k, in_name, sizeof in_name);
    cmd_out(c, "\nIts gradient sums one term per sample of the batch (B = %d); dZ%d holds the loss's 1/B:\n", B, k);
    int w0;
    snprintf(bb, sizeof bb, ",%d]", j);
    char dzn[16];
    snprintf(dzn, sizeof dzn, "dZ%d[", k);
    if (bias) {
        cmd_out(c, "  db%d[j] = Σ_b dZ%d[b,j]\n", k, k);
        w0 = snprintf(lead, sizeof lead, "  db%d[%d] = ", k, j);
        Sym y = {dzn, bb, NULL, NULL, NULL};
        write_names(c, lead, B, &y, NULL);
    } else {
        int map[3];
        const char *f, *fi;
        bool flat = input_index(m, k, map, &f, &fi);
        cmd_out(c, "  dW%d[%s,j] = Σ_b %s[b,%s]·dZ%d[b,j]", k, f, in_name, fi, k);
        if (k > 1)
            cmd_out(c, "    (%s, what layer %d passes on, is this layer's input)", in_name, k - 1);
        cmd_out(c, "\n"); /* the header above said how the layer flattens a map */
        w0 = snprintf(lead, sizeof lead, "  dW%d[%d,%d] = ", k, i, j);
        snprintf(a, sizeof a, "%s[", in_name);
        char a2[48], ci[40];
        snprintf(a2, sizeof a2, ",%s]", flat ? explain_conv_flat(map, i, ci, sizeof ci) : (snprintf(ci, sizeof ci, "%d", i), ci));
        Sym y = {a, a2, dzn, bb, NULL};
        write_names(c, lead, B, &y, NULL);
    }
    snprintf(lead, sizeof lead, "%*s= ", w0 - 2, "");
    Terms t = {B, bias ? dz + j : in + i, bias ? (size_t)ly->n_out : (size_t)ly->n_in, bias ? NULL : dz + j,
               (size_t)ly->n_out};
    write_sum(c, lead, &t, NULL, NULL, NULL);
    double raw = g; /* before clipping: the data term's sum, plus the penalty's part */
    if (s->clip.kind != CLIP_OFF) {
        raw = 0;
        for (int b = 0; b < B; b++)
            raw += bias ? dz[(size_t)b * ly->n_out + j]
                        : in[(size_t)b * ly->n_in + i] * dz[(size_t)b * ly->n_out + j];
        if (!bias)
            raw += penalty_grad_one(&s->pen, m->params[ly->w_off + (size_t)i * ly->n_out + j]);
    }
    if (!bias && penalty_on(&s->pen))
        write_penalty(c, k, i, j, w0, raw);
    else
        cmd_out(c, "%*s= %s\n", w0 - 2, "", NUM(raw));
    if (s->clip.kind != CLIP_OFF) {
        char name[48];
        if (bias)
            snprintf(name, sizeof name, "db%d[%d]", k, j);
        else
            snprintf(name, sizeof name, "dW%d[%d,%d]", k, i, j);
        write_clip(c, name, raw, g);
    }
    write_dz_origin(c, k, j, 0, B > 1 ? 2 : 1);
}

/* ---- the update ---- */

/* One element's update, replayed by the real optimizer on a copy. */
typedef struct Replay {
    bool done;    /* the update was made (else `update` is about to make it) */
    size_t at;    /* flat index of the parameter */
    OptElement e; /* its value, gradient and state before and after the step */
    OptConfig cfg; /* the settings of that step (a schedule may have moved the lr since) */
} Replay;

/* Runs optim_step on a one-parameter optimizer holding the element's
 * state. params, state, step and mu are as they were before the step. */
static int replay(CmdCtx *c, Replay *r, const double *params, const double *state, long step, double mu)
{
    const Optim *o = c->s->optim;
    r->cfg = o->cfg;
    const Snapshot *h = session_snapshot(c->s, 0);
    if (r->done && h && c->s->sched.kind != SCHED_NONE)
        r->cfg.lr = h->lr; /* the update used the lr before the schedule's step at an epoch's end */
    Optim *one = optim_new(&r->cfg, 1, c->err);
    if (!one)
        return -1;
    if (one->n_slots != o->n_slots || o->n_slots > OPT_MAX_SLOTS) {
        optim_free(one);
        return cmd_fail(c, "the optimizer's state does not fit its settings; `set optimizer %s` starts it fresh",
                    optim_name(o->cfg.kind));
    }
    OptElement *e = &r->e;
    e->p0 = params[r->at];
    e->g = c->s->model->grads[r->at];
    e->t = step + 1;
    e->mu0 = mu;
    one->step = step;
    one->mu_product = mu;
    for (int k = 0; k < o->n_slots; k++)
        one->state[k] = e->s0[k] = state[(size_t)k * o->n + r->at];
    double p = e->p0, g = e->g;
    optim_step(one, &p, &g);
    e->p1 = p;
    e->mu1 = one->mu_product;
    for (int k = 0; k < o->n_slots; k++)
        e->s1[k] = one->state[k];
    optim_free(one);
    return 0;
}

/* "lr=0.001 beta1=0.9 ..." for the optimizer in force. */
static void write_hypers(CmdCtx *c, const OptConfig *cfg)
{
    int n;
    const OptHyper *h = optim_hypers(cfg->kind, &n);
    Line l;
    line_start(&l, c, "  (", 3);
    for (int k = 0; k < n; k++) {
        const char *field = (const char *)cfg + h[k].offset;
        if (h[k].is_bool)
            line_addf(&l, "%s%s=%s", k ? " " : "", h[k].name, *(const bool *)(const void *)field ? "on" : "off");
        else
            line_addf(&l, "%s%s=%s", k ? " " : "", h[k].name, NUM(*(const double *)(const void *)field));
    }
    line_add(&l, ")");
    cmd_out(c, "\n");
}

/* The formula, then the numbers, of the element's update: the
 * optimizer's descriptor writes both. */
static void write_update(CmdCtx *c, const Replay *r, const char *pname)
{
    const OptConfig *o = &r->cfg;
    const OptElement *e = &r->e;
    TextSink w = {sink_put, sink_num, c};
    char expr[320] = "";

    if (r->done)
        cmd_out(c, "\nWhat `update` did to %s: %s's step t = %ld, replayed from the state before it\n", pname,
            optim_name(o->kind), e->t);
    else
        cmd_out(c, "\nWhat `update` will do to %s: %s's step t = %ld\n", pname, optim_name(o->kind), e->t);
    write_hypers(c, o);
    optim_explain_formula(o, &w);
    cmd_out(c, "With p = %s = %s%s and g = d%s = %s:\n", pname, NUM(e->p0), r->done ? " (before the update)" : "",
        pname, NUM(e->g));
    optim_explain_numbers(o, e, &w, expr, sizeof expr);
    char lead[56]; /* "  " pname " = " */
    snprintf(lead, sizeof lead, "  %s = ", pname);
    Line l;
    line_start(&l, c, lead, text_cols(lead));
    line_add(&l, expr);
    line_addf(&l, " = %s", NUM(e->p1));
    cmd_out(c, "\n");
    double d = e->p1 - e->p0;
    if (d == 0)
        cmd_out(c, "%s %s at %s: this step is 0.\n", r->done ? "`update` left" : "`update` will leave", pname, NUM(e->p0));
    else
        cmd_out(c, "%s %s from %s to %s (by %s%s)%s\n", r->done ? "`update` moved" : "`update` will move", pname,
            NUM(e->p0), NUM(e->p1), d > 0 ? "+" : "", NUM(d), r->done ? "; that is its value now." : ".");
}

/* ---- weights and biases ---- */

/* The update of the element at r->at: the one `update` will make (after
 * backward) or the one it made; -1 with c->err when neither can be shown. */
static int replay_element(CmdCtx *c, const char *ref, const char *pname, Replay *r)
{
    Session *s = c->s;
    const Model *m = s->model;
    const Snapshot *h = session_snapshot(s, 0);
    if (s->phase == PHASE_BACKWARD)
        return replay(c, r, m->params, s->optim->state, s->optim->step, s->optim->mu_product);
    if (!(s->grads_valid && h))
        return need(c, ref, PHASE_BACKWARD, "the gradients of this batch");
    r->done = true;
    if (replay(c, r, h->params, h->opt_state, h->opt_step, h->mu_product) != 0)
        return -1;
    if (!(r->e.p1 == m->params[r->at]))
        return cmd_fail(c, "explain %s: the last update can no longer be replayed (%s was edited or "
                        "re-initialised, or the optimizer's settings changed since); run %s first to explain "
                        "the next one", ref, pname,
                        s->phase == PHASE_READY     ? "`forward`, `loss`, then `backward`"
                        : s->phase == PHASE_FORWARD ? "`loss`, then `backward`"
                                                    : "`backward`");
    return 0;
}

/* A conv layer's kernel or bias element: what it does, its gradient over
 * every position the filter visited, and its update. */
static int explain_conv_param(CmdCtx *c, const char *ref)
{
    Session *s = c->s;
    ConvElem e;
    Replay r = {0};
    char pname[48];
    if (explain_conv_elem(c, ref, &e, &r.at, pname, sizeof pname) != 0 || replay_element(c, ref, pname, &r) != 0)
        return -1;
    explain_conv_describe(c, &e, pname);
    if (r.done) {
        const Snapshot *h = session_snapshot(s, 0);
        cmd_out(c, "\nIts gradient d%s = %s comes from `backward`", pname, NUM(r.e.g));
        write_clip_note(c);
        cmd_out(c, " on ");
        write_position(c, h->batch_index, h->epoch);
        cmd_out(c, ";\n`explain %s` between `backward` and `update` writes it out over the positions.\n", pname);
    } else {
        cmd_out(c, "\nIts gradient, after `backward` on ");
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, ":\n");
        double raw = explain_conv_gradient(c, &e, pname);
        if (s->clip.kind != CLIP_OFF) {
            char name[56];
            snprintf(name, sizeof name, "d%s", pname);
            write_clip(c, name, raw, s->model->grads[r.at]);
        }
    }
    write_update(c, &r, pname);
    return 0;
}

static int explain_param(CmdCtx *c, const char *ref, int k, bool bias, int i, int j)
{
    Session *s = c->s;
    const Model *m = s->model;
    const Layer *ly = &m->layer[k - 1];
    Replay r = {0};
    r.at = bias ? ly->b_off + (size_t)j : ly->w_off + (size_t)i * ly->n_out + j;
    char pname[48];
    if (bias)
        snprintf(pname, sizeof pname, "b%d[%d]", k, j);
    else
        snprintf(pname, sizeof pname, "W%d[%d,%d]", k, i, j);
    const Snapshot *h = session_snapshot(s, 0);
    if (s->phase == PHASE_BACKWARD) {
        if (replay(c, &r, m->params, s->optim->state, s->optim->step, s->optim->mu_product) != 0)
            return -1;
    } else if (s->grads_valid && h) {
        r.done = true;
        if (replay(c, &r, h->params, h->opt_state, h->opt_step, h->mu_product) != 0)
            return -1;
        if (!(r.e.p1 == m->params[r.at]))
            return cmd_fail(c, "explain %s: the last update can no longer be replayed (%s was edited or "
                           "re-initialised, or the optimizer's settings changed since); run %s first to explain "
                           "the next one",
                        ref, pname,
                        s->phase == PHASE_READY     ? "`forward`, `loss`, then `backward`"
                        : s->phase == PHASE_FORWARD ? "`loss`, then `backward`"
                                                    : "`backward`");
    } else {
        return need(c, ref, PHASE_BACKWARD, "the gradients of this batch");
    }

    const char *to = k == m->n_layers ? "output" : "neuron";
    char in_name[32], ob[64], on[80] = "";
    input_name(m, k, in_name, sizeof in_name);
    Tensor wt = {.rows = 1, .cols = nn_outputs(m), .editable = true, .layer = k};
    snprintf(wt.name, sizeof wt.name, "W%d", k);
    const char *olab = k == m->n_layers ? cmd_grid_col_label(c, &wt, j, ob, sizeof ob) : NULL;
    if (olab) /* the class or target the output stands for */
        snprintf(on, sizeof on, " (%.60s)", olab);
    int map[3];
    const char *f, *fi;
    bool flat = input_index(m, k, map, &f, &fi);
    char sum[128], ci[40];
    snprintf(sum, sizeof sum, "Z%d[b,%d] = Σ_%s %s[b,%s]·W%d[%s,%d] + b%d[%d]", k, j, f, in_name, fi, k, f, j, k, j);
    if (bias)
        cmd_out(c, "%s is the bias of %s %d%s in layer %d: %s\n", pname, to, j, on, k, sum);
    else if (k == 1)
        cmd_out(c, "%s weighs input %d (%s) into %s %d%s of layer 1: %s\n", pname, i, s->data->feature_names[i], to, j,
            on, sum);
    else if (flat)
        cmd_out(c, "%s weighs %s[b,%s] (layer %d's map) into %s %d%s of layer %d: %s\n", pname, in_name,
            explain_conv_flat(map, i, ci, sizeof ci), k - 1, to, j, on, k, sum);
    else
        cmd_out(c, "%s weighs neuron %d of layer %d into %s %d%s of layer %d: %s\n", pname, i, k - 1, to, j, on, k, sum);
    if (flat)
        explain_conv_flatten(c, map, k, in_name);
    if (r.done) {
        cmd_out(c, "\nIts gradient d%s = %s comes from `backward`", pname, NUM(r.e.g));
        write_clip_note(c);
        cmd_out(c, " on ");
        write_position(c, h->batch_index, h->epoch);
        cmd_out(c, ";\n`explain %s` between `backward` and `update` writes it out sample by sample.\n", pname);
        if (!bias && penalty_on(&s->pen))
            cmd_out(c, "It includes the penalty's part%s%s%s, taken at %s's value then.\n",
                s->pen.l2 != 0 ? " l2·w" : "", s->pen.l1 != 0 && s->pen.l2 != 0 ? " +" : "",
                s->pen.l1 != 0 ? " l1·sign(w)" : "", pname);
    } else {
        cmd_out(c, "(after `backward` on ");
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, ")\n");
        write_gradient(c, k, bias, i, j);
    }
    write_update(c, &r, pname);
    return 0;
}

/* ---- the entry points ---- */

/* dA of layer k for sample row, neuron col: through the layer above. */
static void write_da(CmdCtx *c, int k, int row, int col)
{
    const Model *m = c->s->model;
    if (k == m->n_layers) {
        cmd_out(c, "  dA%d = dZ%d: the output layer is linear\n", k, k);
        write_dz_origin(c, k, col, row, 1);
        return;
    }
    const double *mk = m->mask[k - 1];
    size_t at = (size_t)row * m->layer[k - 1].n_out + col;
    if (mk)
        cmd_out(c, "  dA%d = (dZ%d·W%dᵀ)⊙M%d: dA%d[b,j] = (Σ_m dZ%d[b,m]·W%d[j,m])·M%d[b,j]  (dropout's mask)\n", k,
                k + 1, k + 1, k, k, k + 1, k + 1, k);
    else
        cmd_out(c, "  dA%d = dZ%d·W%dᵀ: dA%d[b,j] = Σ_m dZ%d[b,m]·W%d[j,m]\n", k, k + 1, k + 1, k, k + 1, k + 1);
    const Layer *nx = &m->layer[k];
    char lead[64], tail[64] = "";
    snprintf(lead, sizeof lead, "  dA%d[%d,%d] = %s", k, row, col, mk ? "(" : "");
    if (mk)
        snprintf(tail, sizeof tail, ")·%s", PAR(mk[at]));
    Terms tt = {nx->n_out, m->dz[k] + (size_t)row * nx->n_out, 1, m->params + nx->w_off + (size_t)col * nx->n_out, 1};
    write_sum(c, lead, &tt, NULL, mk ? tail : NULL, &m->da[k - 1][at]);
    cmd_out(c, "  (`explain dZ%d[%d,0]` shows where dZ%d comes from)\n", k + 1, row, k + 1);
}

/* One element of Z A M dZ dA (layer k) or yhat, which exists now. */
static int explain_batch_elem(CmdCtx *c, const char *ref, const TensorName *tn, int row, int col)
{
    Session *s = c->s;
    const Model *m = s->model;
    int k = tn->layer, L = m->n_layers;
    if (tn->kind == 'y') {
        cmd_out(c, "yhat[%d,%d]: the model's output %d for sample %d of ", row, col, col, row);
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, ", through the %s link\n", loss_desc(s->loss.kind)->link_name);
        write_yhat(c, row, col);
        cmd_out(c, "  (`explain Z%d[%d,%d]` shows how the logit is made)\n", L, row, col);
        return 0;
    }
    if (tn->kind == 'M') {
        cmd_out(c, "%s: dropout's mask for neuron %d of layer %d, sample %d of ", ref, col, k, row);
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, "\n");
        write_mask(c, k, row, col);
        return 0;
    }
    if (!tn->grad) {
        cmd_out(c, "%s: %s %d of layer %d%s%s%s, for sample %d of ", ref, k == L ? "output" : "neuron", col, k,
                k == L ? "" : " (", k == L ? "" : act_name(m->layer[k - 1].act), k == L ? "" : ")", row);
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, "\n");
        write_z(c, k, row, col);
        write_a(c, k, row, col);
        return 0;
    }
    cmd_out(c, "%s: the gradient of the loss with respect to %c%d[%d,%d], for sample %d of ", ref, tn->kind, k, row,
            col, row);
    write_position(c, s->batch_index, s->epoch);
    cmd_out(c, "\n");
    if (tn->kind == 'A')
        write_da(c, k, row, col);
    else
        write_dz_origin(c, k, col, row, 1);
    return 0;
}

int explain_run(CmdCtx *c, const char *ref)
{
    Session *s = c->s;
    char name[16];
    CmdRef r;
    if (explain_names_conv_param(s, ref))
        return explain_conv_param(c, ref);
    if (explain_names_refuse_state(c, ref) != 0 || cmd_parse_ref(c, ref, name, sizeof name, &r) != 0)
        return -1;
    TensorName tn;
    if (!tensor_name_parse(name, &tn))
        return cmd_fail(c, "explain has nothing called '%s': " EXPLAIN_NAMES_WHAT " (`names` lists what exists now)", name);
    if (!explain_names_explains(s, &tn))
        return explain_names_refuse(c, ref, name, &tn);
    if (tn.kind == 'l')
        return explain_loss(c, ref, &r);
    char kind = tn.kind;
    long k = tn.layer;
    if (!s->data || !s->model)
        return cmd_fail(c, "%s belongs to a model, and there is none yet: %s", name,
                    s->data ? "build one with `model mlp 4` (or `model linear`)"
                            : "try `data moons`, then `model mlp 4`");
    const Model *m = s->model;
    if (kind != 'y' && k > m->n_layers)
        return cmd_fail(c, "%s: this model has %d layer%s, so layer numbers go from 1 to %d", name, m->n_layers,
                    m->n_layers == 1 ? "" : "s", m->n_layers);
    bool param = tensor_is_param(&tn);
    if (!param) {
        Phase want = tn.grad ? PHASE_BACKWARD : PHASE_FORWARD;
        if (s->phase < want)
            return need(c, ref, want, tn.grad ? "the gradients of this batch" : "the forward pass of this batch");
    }
    Tensor t;
    if (param) {
        /* the shape only: dW exists only after a backward, W always */
        char pn[16];
        snprintf(pn, sizeof pn, "%c%ld", kind, k);
        int rc = session_tensor(s, pn, &t, c->err);
        if (rc != 0)
            return cmd_name_refused(c, pn, rc);
        snprintf(t.name, sizeof t.name, "%s", name);
    } else {
        int rc = session_tensor(s, name, &t, c->err);
        if (rc != 0)
            return cmd_name_refused(c, name, rc);
    }
    int row = 0, col = 0;
    if (element(c, &t, &r, &row, &col) != 0)
        return -1;
    if (param)
        return explain_param(c, ref, (int)k, layer_desc(&m->layer[k - 1])->bias == kind, row, col);
    return explain_batch_elem(c, ref, &tn, row, col);
}

int explain_cmd(CmdCtx *c, int argc, char **argv)
{
    char ref[96] = "";
    size_t len = 0;
    for (int a = 1; a < argc; a++) {
        /* a later word continues an element written with spaces: "W1[0, 1]", "W1 [0,1]" */
        bool open = memchr(ref, '[', len) && !memchr(ref, ']', len);
        if (a > 1 && !open && argv[a][0] != '[')
            return cmd_fail(c, "explain takes one number at a time, as in `explain W1[0,1]`; got '%s' after '%.*s'",
                        argv[a], (int)len, ref);
        size_t n = strlen(argv[a]);
        if (len + n >= sizeof ref)
            return cmd_fail(c, "'%s...' is too long for a name", argv[1]);
        memcpy(ref + len, argv[a], n);
        len += n;
    }
    ref[len] = '\0';
    return explain_run(c, ref);
}

/* Offers the names that exist now whose elements explain writes out. */
typedef struct Offer {
    const Session *s;
    CmdAddFn add;
    void *ctx;
} Offer;

static void offer(void *p, const char *name)
{
    Offer *o = p;
    TensorName tn;
    if (tensor_name_parse(name, &tn) && explain_names_explains(o->s, &tn))
        o->add(o->ctx, name);
}

CmdComplete explain_complete(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx)
{
    Offer o = {c->s, add, ctx};
    if (argi == 1)
        session_names(c->s, offer, &o);
    return COMPLETE_WORDS;
}
