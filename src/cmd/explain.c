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

/* Columns a UTF-8 string takes: one per character. */
static int columns(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

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
    l->col = columns(lead);
    cmd_out(c, "%s", lead);
}

static void line_add(Line *l, const char *piece)
{
    int w = columns(piece);
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
    int indent = columns(lead);
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
} Sym;

static void write_names(CmdCtx *c, const char *lead, int n, const Sym *y, const char *tail)
{
    Line l;
    line_start(&l, c, lead, columns(lead));
    for (int t = 0; t < n; t++) {
        if (!shown(t, n)) {
            if (t == SHOW_HEAD)
                line_add(&l, " + ...");
            continue;
        }
        if (y->b)
            line_addf(&l, "%s%s%d%s·%s%d%s", t ? " + " : "", y->a, t, y->a2, y->b, t, y->b2);
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

/* The loss's output link. */
static const char *link_name(LossKind k)
{
    return k == LOSS_BCE ? "sigmoid" : k == LOSS_CE ? "softmax" : "identity";
}

static LossShape shape_of(const Session *s)
{
    LossShape sh = {nn_outputs(s->model), s->data->t, s->data->classification, s->data->n_classes};
    return sh;
}

/* N of the loss's mean: B rows for ce, B·K values for the others. */
static int mean_count(const Session *s)
{
    return s->loss.kind == LOSS_CE ? s->rows : s->rows * nn_outputs(s->model);
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

/* The input of layer k: "X" or "A(k-1)". */
static void input_name(int k, char *buf, size_t n)
{
    if (k == 1)
        snprintf(buf, n, "X");
    else
        snprintf(buf, n, "A%d", k - 1);
}

/* ---- references ---- */

/* Resolves the element [i,j] of t as every command does (a vector or
 * one-row tensor takes [j], a one-column tensor [i]); -1 with err when the
 * index is absent or out of range. */
static int element(CmdCtx *c, const Tensor *t, long i, long j, int *row, int *col)
{
    if (i < 0)
        return cmd_fail(c, "explain takes one number of %s: give its index, as in `explain %s[0%s]`", t->name, t->name,
                    t->vector || t->rows == 1 || t->cols == 1 ? "" : ",0");
    size_t at;
    if (cmd_element_index(c, t, i, j, &at) != 0)
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
    const double *in = k == 1 ? s->xb : m->a[k - 2]; /* (B, n_in) */
    const double *w = m->params + ly->w_off;         /* (n_in, n_out) */
    const double *bias = m->params + ly->b_off;      /* (n_out) */
    char in_name[16], lead[64], a[48], bb[48];
    input_name(k, in_name, sizeof in_name);
    cmd_out(c, "  Z%d = %s·W%d + b%d, one neuron at a time: Z%d[b,j] = Σ_i %s[b,i]·W%d[i,j] + b%d[j]\n", k, in_name, k,
        k, k, in_name, k, k);
    int w0 = snprintf(lead, sizeof lead, "  Z%d[%d,%d] = ", k, b, j);
    snprintf(a, sizeof a, "%s[%d,", in_name, b);
    snprintf(bb, sizeof bb, ",%d]", j);
    char tail[32], wname[16];
    snprintf(tail, sizeof tail, " + b%d[%d]", k, j);
    snprintf(wname, sizeof wname, "W%d[", k);
    Sym y = {a, "]", wname, bb};
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
    switch (s->loss.kind) {
    case LOSS_BCE:
        cmd_out(c, "  yhat = sigmoid(Z%d), the bce loss's link: sigmoid(z) = 1 / (1 + exp(-z))\n", L);
        cmd_out(c, "  yhat[%d,%d] = sigmoid(%s) = 1 / (1 + exp(%s)) = %s\n", b, j, NUM(z[j]), NUM(-z[j]), NUM(p));
        break;
    case LOSS_CE: {
        cmd_out(c, "  yhat[b] = softmax(Z%d[b]), the ce loss's link: yhat[b,j] = exp(Z%d[b,j]) / Σ_m exp(Z%d[b,m])\n",
            L, L, L);
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
    default:
        cmd_out(c, "  yhat = Z%d: the %s loss compares the logits with the targets directly (no link)\n", L,
            loss_name(s->loss.kind));
        cmd_out(c, "  yhat[%d,%d] = Z%d[%d,%d] = %s\n", b, j, L, b, j, NUM(p));
        break;
    }
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

/* One value of an elementwise loss, written with its numbers. */
static void loss_piece(CmdCtx *c, double f, double y, char *buf, size_t n)
{
    switch (c->s->loss.kind) {
    case LOSS_MSE: snprintf(buf, n, "(%s - %s)²", NUM(f), PAR(y)); break;
    case LOSS_MAE: snprintf(buf, n, "|%s - %s|", NUM(f), PAR(y)); break;
    case LOSS_HUBER: snprintf(buf, n, "huber(%s - %s)", NUM(f), PAR(y)); break;
    default: snprintf(buf, n, "max(0, 1 - %s·%s)", PAR(2 * y - 1), PAR(f)); break;
    }
}

/* The loss of sample b: formula, then numbers. */
static void write_sample_loss(CmdCtx *c, int b, double lb)
{
    Session *s = c->s;
    const Model *m = s->model;
    int L = m->n_layers, K = nn_outputs(m);
    const double *z = m->z[L - 1] + (size_t)b * K; /* (K) */
    char yn[40];
    target_name(s, "b", "j", yn, sizeof yn);
    switch (s->loss.kind) {
    case LOSS_BCE: {
        double y = target_of(s, b, 0), p = s->yhat[b];
        cmd_out(c, "  loss[b] = -(y·log(p) + (1 - y)·log(1 - p)),  p = yhat[b,0] = sigmoid(Z%d[b,0]), y = Y[b]\n", L);
        cmd_out(c, "  loss[%d] = -(%s·log(%s) + %s·log(%s)) = %s\n", b, NUM(y), NUM(p), NUM(1 - y), NUM(1 - p), NUM(lb));
        return;
    }
    case LOSS_CE: {
        int y = (int)s->yb[(size_t)b * s->data->t];
        cmd_out(c, "  loss[b] = -log(yhat[b,y]) = log(Σ_m exp(Z%d[b,m])) - Z%d[b,y],  y = Y[b], the class\n", L, L);
        cmd_out(c, "  loss[%d] = -log(yhat[%d,%d]) = -log(%s) = %s\n", b, b, y,
            NUM(y >= 0 && y < K ? s->yhat[(size_t)b * K + y] : NAN), NUM(lb));
        return;
    }
    default:
        break;
    }
    const char *one = s->loss.kind == LOSS_MSE   ? "(f - y)²"
                      : s->loss.kind == LOSS_MAE ? "|f - y|"
                      : s->loss.kind == LOSS_HUBER ? "huber(f - y)"
                                                   : "max(0, 1 - y'·f)";
    if (K == 1)
        cmd_out(c, "  loss[b] = %s,  f = Z%d[b,0], y = %s\n", one, L, yn);
    else
        cmd_out(c, "  loss[b] = (1/K)·Σ_j %s,  f = Z%d[b,j], y = %s, K = %d\n", one, L, yn, K);
    if (s->loss.kind == LOSS_HUBER)
        cmd_out(c, "  huber(d) = 0.5·d² if |d| < delta, else delta·(|d| - 0.5·delta);  delta = %s\n", NUM(s->loss.delta));
    if (s->loss.kind == LOSS_HINGE)
        cmd_out(c, "  y' = 2·y - 1: the labels 0/1 as -1/+1\n");
    if (s->loss.kind == LOSS_HUBER && K == 1) {
        double y = target_of(s, b, 0), d = z[0] - y, delta = s->loss.delta;
        if (fabs(d) < delta)
            cmd_out(c, "  loss[%d] = 0.5·(%s - %s)² = 0.5·%s² = %s    (|d| < delta)\n", b, NUM(z[0]), PAR(y), PAR(d),
                NUM(lb));
        else
            cmd_out(c, "  loss[%d] = %s·(|%s - %s| - 0.5·%s) = %s·(%s - %s) = %s    (|d| >= delta)\n", b, NUM(delta),
                NUM(z[0]), PAR(y), NUM(delta), NUM(delta), NUM(fabs(d)), NUM(0.5 * delta), NUM(lb));
        return;
    }
    char lead[48], piece[160];
    if (K == 1)
        snprintf(lead, sizeof lead, "  loss[%d] = ", b);
    else
        snprintf(lead, sizeof lead, "  loss[%d] = (1/%d)·(", b, K);
    Line l;
    line_start(&l, c, lead, columns(lead));
    for (int j = 0; j < K; j++) {
        if (!shown(j, K)) {
            if (j == SHOW_HEAD)
                line_add(&l, " + ...");
            continue;
        }
        loss_piece(c, z[j], target_of(s, b, j), piece, sizeof piece);
        line_addf(&l, "%s%s", j ? " + " : "", piece);
    }
    line_addf(&l, "%s = %s", K == 1 ? "" : ")", NUM(lb));
    cmd_out(c, "\n");
}

static int explain_loss(CmdCtx *c, const char *ref, long i, long j)
{
    Session *s = c->s;
    if (!s->data || !s->model)
        return cmd_fail(c, "explain %s needs a model and data: try `data moons`, `model mlp 4`, then `forward` and `loss`",
                    ref);
    if (s->phase < PHASE_LOSS)
        return need(c, ref, PHASE_LOSS, "the loss of this batch");
    int B = s->rows;
    if (j >= 0)
        return cmd_fail(c, "loss[b] takes one index, the sample: as in `explain loss[0]`");
    if (i >= B)
        return cmd_fail(c, "this batch has %d samples, so loss[b] needs b from 0 to %d", B, B - 1);
    int b = i < 0 ? 0 : (int)i;
    double *lb = malloc(sizeof(double) * (size_t)B); /* (B) loss of each sample */
    if (!lb)
        return cmd_fail(c, "out of memory");
    for (int r = 0; r < B; r++)
        lb[r] = sample_loss(s, r);
    cmd_out(c, "loss[%d]: the %s loss of sample %d of ", b, loss_name(s->loss.kind), b);
    write_position(c, s->batch_index, s->epoch);
    cmd_out(c, "%s\n", i < 0 ? "\n(sample 0 as an example; `explain loss[b]` for another)" : "");
    write_sample_loss(c, b, lb[b]);
    cmd_out(c, "The batch's loss is the mean over its %d samples (PyTorch's reduction='mean'):\n", B);
    cmd_out(c, "  loss = (1/B)·Σ_b loss[b]\n");
    char tail[32];
    snprintf(tail, sizeof tail, ") / %d", B);
    Terms t = {B, lb, 1, NULL, 0};
    write_sum(c, "       = (", &t, NULL, tail, NULL);
    cmd_out(c, "       = %s\n", NUM(s->loss_value));
    free(lb);
    return 0;
}

/* ---- where dZ comes from ---- */

/* The formula of dL/dZ at the logits for the loss in force. */
static void write_dz_last_formula(CmdCtx *c)
{
    Session *s = c->s;
    int L = s->model->n_layers, K = nn_outputs(s->model);
    char yn[40], bk[32];
    target_name(s, "b", "j", yn, sizeof yn);
    if (K == 1)
        snprintf(bk, sizeof bk, "B");
    else
        snprintf(bk, sizeof bk, "(B·K), K = %d", K);
    switch (s->loss.kind) {
    case LOSS_BCE: cmd_out(c, "  dZ%d[b,0] = (sigmoid(Z%d[b,0]) - Y[b]) / B\n", L, L); break;
    case LOSS_CE: cmd_out(c, "  dZ%d[b,j] = (softmax(Z%d[b])[j] - onehot(Y[b])[j]) / B\n", L, L); break;
    case LOSS_MSE: cmd_out(c, "  dZ%d[b,j] = 2·(Z%d[b,j] - %s) / %s\n", L, L, yn, bk); break;
    case LOSS_MAE: cmd_out(c, "  dZ%d[b,j] = sign(Z%d[b,j] - %s) / %s,  sign(0) = 0\n", L, L, yn, bk); break;
    case LOSS_HUBER:
        cmd_out(c, "  dZ%d[b,j] = clamp(Z%d[b,j] - %s, -delta, delta) / %s,  delta = %s\n", L, L, yn, bk,
            NUM(s->loss.delta));
        break;
    default:
        cmd_out(c, "  dZ%d[b,0] = -y'/B if 1 - y'·Z%d[b,0] > 0, else 0;  y' = 2·Y[b] - 1\n", L, L);
        break;
    }
}

/* The same for sample b, output j, with its numbers. */
static void write_dz_last(CmdCtx *c, int b, int j)
{
    Session *s = c->s;
    const Model *m = s->model;
    int L = m->n_layers, K = nn_outputs(m), B = s->rows, N = mean_count(s);
    size_t at = (size_t)b * K + j;
    double z = m->z[L - 1][at], y = target_of(s, b, j), p = s->yhat[at], d = m->dz[L - 1][at];
    cmd_out(c, "  b = %d:  ", b);
    switch (s->loss.kind) {
    case LOSS_BCE:
        cmd_out(c, "(sigmoid(%s) - %s) / %d = (%s - %s) / %d = %s\n", NUM(z), NUM(y), B, NUM(p), NUM(y), B, NUM(d));
        break;
    case LOSS_CE:
        cmd_out(c, "(softmax(Z%d[%d])[%d] - %s) / %d = (%s - %s) / %d = %s\n", L, b, j, NUM(y), B, NUM(p), NUM(y), B,
            NUM(d));
        break;
    case LOSS_MSE: cmd_out(c, "2·(%s - %s) / %d = %s\n", NUM(z), PAR(y), N, NUM(d)); break;
    case LOSS_MAE: cmd_out(c, "sign(%s - %s) / %d = %s\n", NUM(z), PAR(y), N, NUM(d)); break;
    case LOSS_HUBER:
        cmd_out(c, "clamp(%s - %s, %s, %s) / %d = %s\n", NUM(z), PAR(y), NUM(-s->loss.delta), NUM(s->loss.delta), N,
            NUM(d));
        break;
    default: {
        double yp = 2 * y - 1, margin = 1 - yp * z;
        cmd_out(c, "y' = %s; 1 - %s·%s = %s %s 0, so %s%s%d = %s\n", NUM(yp), PAR(yp), PAR(z), NUM(margin),
            margin > 0 ? ">" : "<=", margin > 0 ? NUM(-yp) : "0", margin > 0 ? " / " : "", N, NUM(d));
        break;
    }
    }
}

/* dA and dZ of hidden layer k for sample b, neuron j, with numbers. */
static void write_dz_hidden(CmdCtx *c, int k, int b, int j)
{
    const Model *m = c->s->model;
    const Layer *ly = &m->layer[k - 1], *nx = &m->layer[k];
    size_t at = (size_t)b * ly->n_out + j;
    char lead[64];
    int w0 = snprintf(lead, sizeof lead, "  b = %d:  dA%d[%d,%d] = ", b, k, b, j);
    Terms t = {nx->n_out, m->dz[k] + (size_t)b * nx->n_out, 1, m->params + nx->w_off + (size_t)j * nx->n_out, 1};
    write_sum(c, lead, &t, NULL, NULL, &m->da[k - 1][at]);
    double z = m->z[k - 1][at];
    char pre[64];
    snprintf(pre, sizeof pre, "dZ%d[%d,%d] = ", k, b, j);
    cmd_out(c, "%*s%s%s·%s'(%s) = %s·%s = %s\n", w0 - columns(pre), "", pre, PAR(m->da[k - 1][at]),
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
            loss_name(s->loss.kind), s->loss.kind == LOSS_CE || nn_outputs(m) == 1 ? "B" : "(B·K)");
        write_dz_last_formula(c);
        for (int b = b0; b < b0 + nb; b++)
            write_dz_last(c, b, j);
        return;
    }
    const char *an = act_name(m->layer[k - 1].act);
    cmd_out(c, "dZ%d comes back from layer %d through W%d and %s':\n", k, k + 1, k + 1, an);
    cmd_out(c, "  dZ%d[b,j] = dA%d[b,j]·%s'(Z%d[b,j]),  %s\n", k, k, an, k, act_dformula(m->layer[k - 1].act));
    cmd_out(c, "  dA%d[b,j] = Σ_m dZ%d[b,m]·W%d[j,m]   (dA%d = dZ%d·W%dᵀ)\n", k, k + 1, k + 1, k, k + 1, k + 1);
    for (int b = b0; b < b0 + nb; b++)
        write_dz_hidden(c, k, b, j);
    cmd_out(c, "  (`explain dZ%d[%d,0]` shows where dZ%d comes from)\n", k + 1, b0, k + 1);
}

/* ---- the gradient of a parameter ---- */

/* dW or db of layer k at (i, j) as the sum over the batch just run
 * backward, then where dZ comes from. */
static void write_gradient(CmdCtx *c, int k, bool bias, int i, int j)
{
    Session *s = c->s;
    const Model *m = s->model;
    const Layer *ly = &m->layer[k - 1];
    int B = s->rows;
    const double *in = k == 1 ? s->xb : m->a[k - 2]; /* (B, n_in) */
    const double *dz = m->dz[k - 1];                 /* (B, n_out) */
    double g = m->grads[bias ? ly->b_off + (size_t)j : ly->w_off + (size_t)i * ly->n_out + j];
    char in_name[16], lead[64], a[48], bb[48];
    input_name(k, in_name, sizeof in_name);
    cmd_out(c, "\nIts gradient sums one term per sample of the batch (B = %d); dZ%d holds the loss's 1/B:\n", B, k);
    int w0;
    snprintf(bb, sizeof bb, ",%d]", j);
    char dzn[16];
    snprintf(dzn, sizeof dzn, "dZ%d[", k);
    if (bias) {
        cmd_out(c, "  db%d[j] = Σ_b dZ%d[b,j]\n", k, k);
        w0 = snprintf(lead, sizeof lead, "  db%d[%d] = ", k, j);
        Sym y = {dzn, bb, NULL, NULL};
        write_names(c, lead, B, &y, NULL);
    } else {
        cmd_out(c, "  dW%d[i,j] = Σ_b %s[b,i]·dZ%d[b,j]%s\n", k, in_name, k,
            k == 1 ? "" : "    (A of the layer before is this layer's input)");
        w0 = snprintf(lead, sizeof lead, "  dW%d[%d,%d] = ", k, i, j);
        snprintf(a, sizeof a, "%s[", in_name);
        char a2[16];
        snprintf(a2, sizeof a2, ",%d]", i);
        Sym y = {a, a2, dzn, bb};
        write_names(c, lead, B, &y, NULL);
    }
    snprintf(lead, sizeof lead, "%*s= ", w0 - 2, "");
    Terms t = {B, bias ? dz + j : in + i, bias ? (size_t)ly->n_out : (size_t)ly->n_in, bias ? NULL : dz + j,
               (size_t)ly->n_out};
    write_sum(c, lead, &t, NULL, NULL, NULL);
    cmd_out(c, "%*s= %s\n", w0 - 2, "", NUM(g));
    write_dz_origin(c, k, j, 0, B > 1 ? 2 : 1);
}

/* ---- the update ---- */

/* One element's update, replayed by the real optimizer on a copy. */
typedef struct Replay {
    bool done;       /* the update was made (else `update` is about to make it) */
    size_t at;       /* flat index of the parameter */
    double p0, p1;   /* its value before and after the step */
    double g;        /* its gradient */
    double s0[3];    /* its optimizer state before the step */
    double s1[3];    /* and after */
    int n_slots;     /* state values per parameter */
    long t0;         /* optimizer steps before this one */
    double mu0, mu1; /* nadam's running product before and after */
} Replay;

/* Runs optim_step on a one-parameter optimizer holding the element's
 * state. params, state, step and mu are as they were before the step. */
static int replay(CmdCtx *c, Replay *r, const double *params, const double *state, long step, double mu)
{
    const Optim *o = c->s->optim;
    Optim *one = optim_new(&o->cfg, 1, c->err);
    if (!one)
        return -1;
    if (one->n_slots != o->n_slots || o->n_slots > 3) {
        optim_free(one);
        return cmd_fail(c, "the optimizer's state does not fit its settings; `set optimizer %s` starts it fresh",
                    optim_name(o->cfg.kind));
    }
    r->n_slots = o->n_slots;
    r->p0 = params[r->at];
    r->g = c->s->model->grads[r->at];
    r->t0 = step;
    r->mu0 = mu;
    one->step = step;
    one->mu_product = mu;
    for (int k = 0; k < o->n_slots; k++)
        one->state[k] = r->s0[k] = state[(size_t)k * o->n + r->at];
    double p = r->p0, g = r->g;
    optim_step(one, &p, &g);
    r->p1 = p;
    r->mu1 = one->mu_product;
    for (int k = 0; k < o->n_slots; k++)
        r->s1[k] = one->state[k];
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

/* "m = 0.9·m0 + 0.1·g = m1" — a running average's update with numbers;
 * sq squares the new value. */
static void write_avg(CmdCtx *c, const char *name, double keep, double old, double g, bool sq, double now)
{
    cmd_out(c, "  %s = %s·%s + %s·%s%s = %s\n", name, NUM(keep), PAR(old), NUM(1 - keep), PAR(g), sq ? "²" : "", NUM(now));
}

/* The formula, then the numbers, of the element's update. */
static void write_update(CmdCtx *c, const Replay *r, const char *pname)
{
    const OptConfig *o = &c->s->optim->cfg;
    long t = r->t0 + 1; /* the step count this update uses */
    double g = r->g, p = r->p0, lr = o->lr, eps = o->eps;
    bool coupled = o->weight_decay != 0 && o->kind != OPT_ADAMW;
    char expr[320];

    if (r->done)
        cmd_out(c, "\nWhat `update` did to %s: %s's step t = %ld, replayed from the state before it\n", pname,
            optim_name(o->kind), t);
    else
        cmd_out(c, "\nWhat `update` will do to %s: %s's step t = %ld\n", pname, optim_name(o->kind), t);
    write_hypers(c, o);

    /* the formula */
    if (coupled)
        cmd_out(c, "  g ← g + weight_decay·p               (L2 penalty, added to the gradient)\n");
    switch (o->kind) {
    case OPT_SGD:
        if (o->momentum == 0) {
            cmd_out(c, "  p ← p - lr·g\n");
            break;
        }
        cmd_out(c, "  buf ← momentum·buf + (1 - dampening)·g     (the first step sets buf = g)\n");
        cmd_out(c, o->nesterov ? "  p ← p - lr·(g + momentum·buf)     (nesterov)\n" : "  p ← p - lr·buf\n");
        break;
    case OPT_ADAGRAD:
        cmd_out(c, "  G ← G + g²                           (G: the sum of squared gradients)\n");
        cmd_out(c, "  p ← p - clr·g / (sqrt(G) + eps),  clr = lr / (1 + (t - 1)·lr_decay)\n");
        break;
    case OPT_RMSPROP:
        cmd_out(c, "  v ← alpha·v + (1 - alpha)·g²         (v: running mean of g²)\n");
        if (o->centered)
            cmd_out(c, "  g_avg ← alpha·g_avg + (1 - alpha)·g\n  denom = sqrt(v - g_avg²) + eps     (centered)\n");
        else
            cmd_out(c, "  denom = sqrt(v) + eps\n");
        cmd_out(c, o->momentum > 0 ? "  buf ← momentum·buf + g / denom\n  p ← p - lr·buf\n" : "  p ← p - lr·g / denom\n");
        break;
    case OPT_ADADELTA:
        cmd_out(c, "  v ← rho·v + (1 - rho)·g²             (v: running mean of g²)\n");
        cmd_out(c, "  delta = sqrt(u + eps) / sqrt(v + eps)·g   (u: running mean of delta², before this step)\n");
        cmd_out(c, "  u ← rho·u + (1 - rho)·delta²\n");
        cmd_out(c, "  p ← p - lr·delta\n");
        break;
    case OPT_ADAM:
    case OPT_ADAMW:
        if (o->kind == OPT_ADAMW)
            cmd_out(c, "  p ← p·(1 - lr·weight_decay)          (decoupled weight decay, applied first)\n");
        cmd_out(c, "  m ← beta1·m + (1 - beta1)·g          (m: running mean of g)\n");
        cmd_out(c, "  v ← beta2·v + (1 - beta2)·g²         (v: running mean of g²)\n");
        if (o->amsgrad)
            cmd_out(c, "  v_max ← max(v_max, v)                (amsgrad)\n");
        cmd_out(c, "  m_hat = m / (1 - beta1^t),  v_hat = %s / (1 - beta2^t)   (bias corrections)\n",
            o->amsgrad ? "v_max" : "v");
        cmd_out(c, "  p ← p - lr·m_hat / (sqrt(v_hat) + eps)\n");
        break;
    case OPT_ADAMAX:
        cmd_out(c, "  m ← beta1·m + (1 - beta1)·g          (m: running mean of g)\n");
        cmd_out(c, "  u ← max(beta2·u, |g| + eps)          (u: decaying maximum of |g|)\n");
        cmd_out(c, "  p ← p - lr / (1 - beta1^t)·m / u\n");
        break;
    case OPT_NADAM:
        cmd_out(c, "  mu_t = beta1·(1 - 0.5·0.96^(t·momentum_decay)),  mu_next: the same at t + 1\n");
        cmd_out(c, "  mu_product ← mu_product·mu_t,  mu_product_next = mu_product·mu_t·mu_next  (torch 1.13)\n");
        cmd_out(c, "  m ← beta1·m + (1 - beta1)·g,  v ← beta2·v + (1 - beta2)·g²\n");
        cmd_out(c, "  denom = sqrt(v / (1 - beta2^t)) + eps\n");
        cmd_out(c, "  p ← p - lr·(1 - mu_t)/(1 - mu_product)·g/denom - lr·mu_next/(1 - mu_product_next)·m/denom\n");
        break;
    default:
        break;
    }

    /* the numbers */
    cmd_out(c, "With p = %s = %s%s and g = d%s = %s:\n", pname, NUM(p), r->done ? " (before the update)" : "", pname,
        NUM(g));
    if (coupled) {
        double g2 = g + o->weight_decay * p; /* the engine's expression */
        cmd_out(c, "  g = %s + %s·%s = %s\n", NUM(g), NUM(o->weight_decay), PAR(p), NUM(g2));
        g = g2;
    }
    switch (o->kind) {
    case OPT_SGD: {
        double d = g;
        if (o->momentum != 0) {
            if (r->t0 == 0)
                cmd_out(c, "  buf = g = %s\n", NUM(r->s1[0]));
            else
                cmd_out(c, "  buf = %s·%s + %s·%s = %s\n", NUM(o->momentum), PAR(r->s0[0]), NUM(1 - o->dampening),
                    PAR(g), NUM(r->s1[0]));
            d = r->s1[0];
            if (o->nesterov) {
                d = g + o->momentum * r->s1[0];
                cmd_out(c, "  g + momentum·buf = %s + %s·%s = %s\n", NUM(g), NUM(o->momentum), PAR(r->s1[0]), NUM(d));
            }
        }
        snprintf(expr, sizeof expr, "%s - %s·%s", NUM(p), NUM(lr), PAR(d));
        break;
    }
    case OPT_ADAGRAD: {
        double clr = lr / (1 + (double)(t - 1) * o->lr_decay);
        cmd_out(c, "  G = %s + %s² = %s\n", NUM(r->s0[0]), PAR(g), NUM(r->s1[0]));
        if (o->lr_decay != 0)
            cmd_out(c, "  clr = %s / (1 + %ld·%s) = %s\n", NUM(lr), t - 1, NUM(o->lr_decay), NUM(clr));
        snprintf(expr, sizeof expr, "%s - %s·%s / (sqrt(%s) + %s)", NUM(p), NUM(clr), PAR(g), NUM(r->s1[0]), NUM(eps));
        break;
    }
    case OPT_RMSPROP: {
        bool mom = o->momentum > 0;
        write_avg(c, "v", o->alpha, r->s0[0], g, true, r->s1[0]);
        double denom;
        if (o->centered) {
            int ga = mom ? 2 : 1;
            write_avg(c, "g_avg", o->alpha, r->s0[ga], g, false, r->s1[ga]);
            denom = sqrt(r->s1[0] + -1.0 * r->s1[ga] * r->s1[ga]) + eps;
            cmd_out(c, "  denom = sqrt(%s - %s²) + %s = %s\n", NUM(r->s1[0]), PAR(r->s1[ga]), NUM(eps), NUM(denom));
        } else {
            denom = sqrt(r->s1[0]) + eps;
            cmd_out(c, "  denom = sqrt(%s) + %s = %s\n", NUM(r->s1[0]), NUM(eps), NUM(denom));
        }
        if (mom) {
            cmd_out(c, "  buf = %s·%s + %s / %s = %s\n", NUM(o->momentum), PAR(r->s0[1]), PAR(g), NUM(denom),
                NUM(r->s1[1]));
            snprintf(expr, sizeof expr, "%s - %s·%s", NUM(p), NUM(lr), PAR(r->s1[1]));
        } else {
            snprintf(expr, sizeof expr, "%s - %s·%s / %s", NUM(p), NUM(lr), PAR(g), NUM(denom));
        }
        break;
    }
    case OPT_ADADELTA: {
        write_avg(c, "v", o->rho, r->s0[0], g, true, r->s1[0]);
        double delta = sqrt(r->s0[1] + eps) / sqrt(r->s1[0] + eps) * g;
        cmd_out(c, "  delta = sqrt(%s + %s) / sqrt(%s + %s)·%s = %s\n", NUM(r->s0[1]), NUM(eps), NUM(r->s1[0]), NUM(eps),
            PAR(g), NUM(delta));
        write_avg(c, "u", o->rho, r->s0[1], delta, true, r->s1[1]);
        snprintf(expr, sizeof expr, "%s - %s·%s", NUM(p), NUM(lr), PAR(delta));
        break;
    }
    case OPT_ADAM:
    case OPT_ADAMW: {
        double pd = p;
        if (o->kind == OPT_ADAMW) {
            pd = p * (1 - lr * o->weight_decay);
            cmd_out(c, "  p = %s·(1 - %s·%s) = %s\n", NUM(p), NUM(lr), NUM(o->weight_decay), NUM(pd));
        }
        write_avg(c, "m", o->beta1, r->s0[0], g, false, r->s1[0]);
        write_avg(c, "v", o->beta2, r->s0[1], g, true, r->s1[1]);
        double vv = r->s1[1];
        if (o->amsgrad) {
            cmd_out(c, "  v_max = max(%s, %s) = %s\n", NUM(r->s0[2]), NUM(r->s1[1]), NUM(r->s1[2]));
            vv = r->s1[2];
        }
        double bc1 = 1 - pow(o->beta1, (double)t), bc2 = 1 - pow(o->beta2, (double)t);
        cmd_out(c, "  m_hat = %s / (1 - %s^%ld) = %s / %s = %s\n", NUM(r->s1[0]), NUM(o->beta1), t, NUM(r->s1[0]),
            NUM(bc1), NUM(r->s1[0] / bc1));
        cmd_out(c, "  v_hat = %s / (1 - %s^%ld) = %s / %s = %s\n", NUM(vv), NUM(o->beta2), t, NUM(vv), NUM(bc2),
            NUM(vv / bc2));
        snprintf(expr, sizeof expr, "%s - %s·%s / (sqrt(%s) + %s)", NUM(pd), NUM(lr), PAR(r->s1[0] / bc1),
                 NUM(vv / bc2), NUM(eps));
        break;
    }
    case OPT_ADAMAX: {
        write_avg(c, "m", o->beta1, r->s0[0], g, false, r->s1[0]);
        cmd_out(c, "  u = max(%s·%s, |%s| + %s) = %s\n", NUM(o->beta2), PAR(r->s0[1]), NUM(g), NUM(eps), NUM(r->s1[1]));
        double clr = lr / (1 - pow(o->beta1, (double)t));
        cmd_out(c, "  lr / (1 - beta1^t) = %s / (1 - %s^%ld) = %s\n", NUM(lr), NUM(o->beta1), t, NUM(clr));
        snprintf(expr, sizeof expr, "%s - %s·%s / %s", NUM(p), NUM(clr), PAR(r->s1[0]), NUM(r->s1[1]));
        break;
    }
    case OPT_NADAM: {
        double b1 = o->beta1, md = o->momentum_decay;
        double mu = b1 * (1. - 0.5 * pow(0.96, (double)t * md));
        double mu_next = b1 * (1. - 0.5 * pow(0.96, (double)(t + 1) * md));
        double next = r->mu1 * mu * mu_next;
        cmd_out(c, "  mu_t = %s·(1 - 0.5·0.96^(%ld·%s)) = %s,  mu_next = %s\n", NUM(b1), t, NUM(md), NUM(mu),
            NUM(mu_next));
        cmd_out(c, "  mu_product = %s·%s = %s,  mu_product_next = %s·%s·%s = %s\n", NUM(r->mu0), NUM(mu), NUM(r->mu1),
            NUM(r->mu1), NUM(mu), NUM(mu_next), NUM(next));
        write_avg(c, "m", b1, r->s0[0], g, false, r->s1[0]);
        write_avg(c, "v", o->beta2, r->s0[1], g, true, r->s1[1]);
        double bc2 = 1 - pow(o->beta2, (double)t);
        double denom = sqrt(r->s1[1] / bc2) + eps;
        cmd_out(c, "  denom = sqrt(%s / (1 - %s^%ld)) + %s = %s\n", NUM(r->s1[1]), NUM(o->beta2), t, NUM(eps), NUM(denom));
        double c1 = lr * (1. - mu) / (1. - r->mu1), c2 = lr * mu_next / (1. - next);
        cmd_out(c, "  lr·(1 - mu_t)/(1 - mu_product) = %s,  lr·mu_next/(1 - mu_product_next) = %s\n", NUM(c1), NUM(c2));
        snprintf(expr, sizeof expr, "%s - %s·%s/%s - %s·%s/%s", NUM(p), NUM(c1), PAR(g), NUM(denom), NUM(c2),
                 PAR(r->s1[0]), NUM(denom));
        break;
    }
    default:
        expr[0] = '\0';
        break;
    }
    char lead[48];
    snprintf(lead, sizeof lead, "  %s = ", pname);
    Line l;
    line_start(&l, c, lead, columns(lead));
    line_add(&l, expr);
    line_addf(&l, " = %s", NUM(r->p1));
    cmd_out(c, "\n");
    double d = r->p1 - r->p0;
    if (d == 0)
        cmd_out(c, "%s %s at %s: this step is 0.\n", r->done ? "`update` left" : "`update` will leave", pname, NUM(r->p0));
    else
        cmd_out(c, "%s %s from %s to %s (by %s%s)%s\n", r->done ? "`update` moved" : "`update` will move", pname,
            NUM(r->p0), NUM(r->p1), d > 0 ? "+" : "", NUM(d), r->done ? "; that is its value now." : ".");
}

/* ---- weights and biases ---- */

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
        if (!(r.p1 == m->params[r.at]))
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
    char in_name[16];
    input_name(k, in_name, sizeof in_name);
    if (bias)
        cmd_out(c, "%s is the bias of %s %d in layer %d: Z%d[b,%d] = Σ_i %s[b,i]·W%d[i,%d] + b%d[%d]\n", pname, to, j, k,
            k, j, in_name, k, j, k, j);
    else if (k == 1)
        cmd_out(c, "%s weighs input %d (%s) into %s %d of layer 1: Z1[b,%d] = Σ_i X[b,i]·W1[i,%d] + b1[%d]\n", pname, i,
            s->data->feature_names[i], to, j, j, j, j);
    else
        cmd_out(c, "%s weighs neuron %d of layer %d into %s %d of layer %d: Z%d[b,%d] = Σ_i A%d[b,i]·W%d[i,%d] + b%d[%d]\n",
            pname, i, k - 1, to, j, k, k, j, k - 1, k, j, k, j);
    if (r.done) {
        cmd_out(c, "\nIts gradient d%s = %s comes from `backward` on ", pname, NUM(r.g));
        write_position(c, h->batch_index, h->epoch);
        cmd_out(c, ";\n`explain %s` between `backward` and `update` writes it out sample by sample.\n", pname);
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

int explain_run(CmdCtx *c, const char *ref)
{
    Session *s = c->s;
    char name[16];
    long i, j;
    if (cmd_parse_ref(c, ref, name, sizeof name, &i, &j) != 0)
        return -1;
    TensorName tn;
    bool named = tensor_name_parse(name, &tn);
    if (named && tn.kind == 'X')
        return cmd_fail(c, "%s is input data, a feature of the current batch read from the data set: nothing "
                       "computes it, so there is nothing to explain; `explain Z1[b,j]` shows how layer 1 uses it",
                    ref);
    if (named && tn.kind == 'Y')
        return cmd_fail(c, "%s is input data, a target of the current batch read from the data set: nothing "
                       "computes it, so there is nothing to explain; `explain loss[b]` shows how the loss uses it",
                    ref);
    if (named && tn.kind == 'l')
        return explain_loss(c, ref, i, j);
    char kind = tn.kind;
    bool grad = tn.grad;
    long k = tn.layer;
    bool yhat = named && tn.kind == 'y';
    if (!named)
        return cmd_fail(c, "explain has nothing called '%s': it explains one number of W1 b1 ..., dW1 db1 ..., "
                       "Z1 A1 ..., dZ1 dA1 ..., yhat or loss (`names` lists what exists now)", name);
    if (!s->data || !s->model)
        return cmd_fail(c, "%s belongs to a model, and there is none yet: %s", name,
                    s->data ? "build one with `model mlp 4` (or `model linear`)"
                            : "try `data moons`, then `model mlp 4`");
    const Model *m = s->model;
    if (!yhat && k > m->n_layers)
        return cmd_fail(c, "%s: this model has %d layer%s, so layer numbers go from 1 to %d", name, m->n_layers,
                    m->n_layers == 1 ? "" : "s", m->n_layers);
    bool param = kind == 'W' || kind == 'b';
    if (!param) {
        Phase want = grad ? PHASE_BACKWARD : PHASE_FORWARD;
        if (s->phase < want)
            return need(c, ref, want, grad ? "the gradients of this batch" : "the forward pass of this batch");
    }
    Tensor t;
    if (param) {
        /* the shape only: dW exists only after a backward, W always */
        char pn[16];
        snprintf(pn, sizeof pn, "%c%ld", kind, k);
        if (session_tensor(s, pn, &t, c->err) != 0)
            return -1;
        snprintf(t.name, sizeof t.name, "%s", name);
    } else if (session_tensor(s, name, &t, c->err) != 0) {
        return -1;
    }
    int row = 0, col = 0;
    if (element(c, &t, i, j, &row, &col) != 0)
        return -1;
    if (param)
        return explain_param(c, ref, (int)k, kind == 'b', row, col);

    if (yhat) {
        cmd_out(c, "yhat[%d,%d]: the model's output %d for sample %d of ", row, col, col, row);
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, ", through the %s link\n", link_name(s->loss.kind));
        write_yhat(c, row, col);
        cmd_out(c, "  (`explain Z%d[%d,%d]` shows how the logit is made)\n", m->n_layers, row, col);
        return 0;
    }
    int L = m->n_layers;
    const char *unit = k == L ? "output" : "neuron";
    if (!grad) {
        cmd_out(c, "%s: %s %d of layer %d%s%s%s, for sample %d of ", ref, unit, col, (int)k, k == L ? "" : " (",
            k == L ? "" : act_name(m->layer[k - 1].act), k == L ? "" : ")", row);
        write_position(c, s->batch_index, s->epoch);
        cmd_out(c, "\n");
        write_z(c, (int)k, row, col);
        write_a(c, (int)k, row, col);
        return 0;
    }
    cmd_out(c, "%s: the gradient of the loss with respect to %c%ld[%d,%d], for sample %d of ", ref, kind, k, row, col,
        row);
    write_position(c, s->batch_index, s->epoch);
    cmd_out(c, "\n");
    if (kind == 'A') {
        if (k == L) {
            cmd_out(c, "  dA%ld = dZ%ld: the output layer is linear\n", k, k);
        } else {
            cmd_out(c, "  dA%ld = dZ%ld·W%ldᵀ: dA%ld[b,j] = Σ_m dZ%ld[b,m]·W%ld[j,m]\n", k, k + 1, k + 1, k, k + 1, k + 1);
            const Layer *nx = &m->layer[k];
            char lead[64];
            snprintf(lead, sizeof lead, "  dA%ld[%d,%d] = ", k, row, col);
            Terms tt = {nx->n_out, m->dz[k] + (size_t)row * nx->n_out, 1,
                        m->params + nx->w_off + (size_t)col * nx->n_out, 1};
            write_sum(c, lead, &tt, NULL, NULL, &m->da[k - 1][(size_t)row * m->layer[k - 1].n_out + col]);
            cmd_out(c, "  (`explain dZ%ld[%d,0]` shows where dZ%ld comes from)\n", k + 1, row, k + 1);
            return 0;
        }
    }
    write_dz_origin(c, (int)k, col, row, 1);
    return 0;
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
