/* loss.c — the six losses with PyTorch's definitions and 'mean' reduction
 * (torch 1.13): MSELoss, L1Loss, HuberLoss, BCEWithLogitsLoss,
 * CrossEntropyLoss and the hinge loss mean(max(0, 1 - y'f)). Each takes the
 * logits and applies its own link; the gradient it returns is with respect
 * to the logits and already carries the 1/N of the mean. bce and ce are
 * written in their log-sum-exp forms, so logits of any size stay finite.
 * No printing, no allocation.
 *
 * The file is one section per loss, each ending in its descriptor
 * (LossDesc: name, link, shape check, value and gradient, kink, and the
 * formulas `explain` writes), then the table of descriptors and the
 * functions the rest of paramlab calls, which only read the descriptor. */
#include "loss.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define tx text_out
#define NUM TEXT_NUM
#define PAR TEXT_PAR

/* ---- shared helpers ---- */

/* "1 output" / "3 outputs" */
static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

static int sign3(double v)
{
    return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/* 1/(1+exp(-z)) without overflow for large |z|. */
static double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

/* log(sum_j exp(z[j])) over k values, shifted by the maximum. */
static double logsumexp(const double *z, int k)
{
    double mx = z[0];
    for (int j = 1; j < k; j++)
        if (z[j] > mx)
            mx = z[j];
    if (isinf(mx))
        return mx;
    double sum = 0;
    for (int j = 0; j < k; j++)
        sum += exp(z[j] - mx);
    return mx + log(sum);
}

/* The losses that compare each output with a number (mse, mae, huber):
 * regression targets, or class labels as the label itself or one-hot. */
static int check_regression(const LossDesc *d, const Loss *l, const LossShape *s, char *err)
{
    (void)l;
    if (!s->classification) {
        if (s->n_outputs != s->n_targets)
            return util_err(err, "%s needs one output per target column "
                            "(%d), but the model has %d output%s: build "
                            "the model again for this data", d->name,
                            s->n_targets, s->n_outputs,
                            plural(s->n_outputs));
        return 0;
    }
    if (s->n_outputs != 1 && s->n_outputs != s->n_classes)
        return util_err(err, "%s on class labels needs 1 output (the "
                        "label) or one per class (%d, one-hot), but the "
                        "model has %d outputs: build the model again",
                        d->name, s->n_classes, s->n_outputs);
    return 0;
}

/* The two-class losses: bce and hinge need labels 0/1 and one output. */
static int check_binary(const LossDesc *d, const Loss *l, const LossShape *s, char *err)
{
    (void)l;
    const char *name = d->name;
    if (!s->classification)
        return util_err(err, "%s needs class labels 0/1, but the targets are "
                        "regression values: use mse, mae or huber", name);
    if (s->n_classes != 2)
        return util_err(err, "%s is for two classes, but the data has %d "
                        "classes: use ce", name, s->n_classes);
    if (s->n_outputs != 1)
        return util_fail(err, ERR_LOSS_OUTPUTS, "%s needs 1 output for two classes, but the model has %d outputs",
                         name, s->n_outputs);
    return 0;
}

/* N of the mean: B rows, or B·K values. */
static int mean_n(const LossDesc *d, const LossSample *x)
{
    return d->per_row ? x->B : x->B * x->K;
}

/* The divisor in an elementwise loss's dZ formula: "B" or "(B·K), K = 3". */
static void divisor_name(const LossSample *x, char *buf, size_t n)
{
    if (x->K == 1)
        snprintf(buf, n, "B");
    else
        snprintf(buf, n, "(B·K), K = %d", x->K);
}

/* "loss[b] = (f - y)²,  f = Z2[b,0], y = Y[b]" for an elementwise loss
 * whose one term is `one`. */
static void elementwise_formula(const char *one, const LossSample *x, const TextSink *w)
{
    if (x->K == 1)
        tx(w, "  loss[b] = %s,  f = Z%d[b,0], y = %s\n", one, x->L, x->yname);
    else
        tx(w, "  loss[b] = (1/K)·Σ_j %s,  f = Z%d[b,j], y = %s, K = %d\n", one, x->L, x->yname, x->K);
}

static bool numbers_as_sum(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    (void)x;
    (void)w;
    return false;
}

/* ---- mse ---- */

static double mse_value(const Loss *l, double f, double t, double *grad)
{
    (void)l;
    double d = f - t;
    *grad = 2 * d;
    return d * d;
}

static void mse_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    elementwise_formula("(f - y)²", x, w);
}

static void mse_piece(const Loss *l, double f, double y, const TextSink *w, char *buf, size_t n)
{
    (void)l;
    snprintf(buf, n, "(%s - %s)²", NUM(f), PAR(y));
}

static void mse_dz_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    char bk[32];
    divisor_name(x, bk, sizeof bk);
    tx(w, "  dZ%d[b,j] = 2·(Z%d[b,j] - %s) / %s\n", x->L, x->L, x->yname, bk);
}

static void mse_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w);

static const LossDesc mse_desc = {
    .name = "mse",
    .link = LINK_IDENTITY,
    .link_name = "identity",
    .check = check_regression,
    .value = mse_value,
    .formula = mse_formula,
    .numbers = numbers_as_sum,
    .piece = mse_piece,
    .dz_formula = mse_dz_formula,
    .dz_numbers = mse_dz_numbers,
};

static void mse_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "2·(%s - %s) / %d = %s\n", NUM(x->z[x->j]), PAR(x->y), mean_n(&mse_desc, x), NUM(x->dz));
}

/* ---- mae ---- */

static double mae_value(const Loss *l, double f, double t, double *grad)
{
    (void)l;
    double d = f - t;
    *grad = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0; /* sign, 0 at 0 */
    return fabs(d);
}

static int mae_kink_side(const Loss *l, double f, double t)
{
    (void)l;
    return sign3(f - t);
}

static void mae_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    elementwise_formula("|f - y|", x, w);
}

static void mae_piece(const Loss *l, double f, double y, const TextSink *w, char *buf, size_t n)
{
    (void)l;
    snprintf(buf, n, "|%s - %s|", NUM(f), PAR(y));
}

static void mae_dz_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    char bk[32];
    divisor_name(x, bk, sizeof bk);
    tx(w, "  dZ%d[b,j] = sign(Z%d[b,j] - %s) / %s,  sign(0) = 0\n", x->L, x->L, x->yname, bk);
}

static void mae_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w);

static const LossDesc mae_desc = {
    .name = "mae",
    .link = LINK_IDENTITY,
    .link_name = "identity",
    .check = check_regression,
    .value = mae_value,
    .kink_side = mae_kink_side,
    .formula = mae_formula,
    .numbers = numbers_as_sum,
    .piece = mae_piece,
    .dz_formula = mae_dz_formula,
    .dz_numbers = mae_dz_numbers,
};

static void mae_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "sign(%s - %s) / %d = %s\n", NUM(x->z[x->j]), PAR(x->y), mean_n(&mae_desc, x), NUM(x->dz));
}

/* ---- huber ---- */

static double huber_value(const Loss *l, double f, double t, double *grad)
{
    double delta = l->delta;
    double d = f - t, a = fabs(d);
    *grad = d < -delta ? -delta : d > delta ? delta : d;
    return a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
}

static int huber_kink_side(const Loss *l, double f, double t)
{
    return sign3(fabs(f - t) - l->delta);
}

static void huber_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    elementwise_formula("huber(f - y)", x, w);
    tx(w, "  huber(d) = 0.5·d² if |d| < delta, else delta·(|d| - 0.5·delta);  delta = %s\n", NUM(l->delta));
}

/* One output: which side of delta it is on, with the numbers. */
static bool huber_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    if (x->K != 1)
        return false;
    double z = x->z[0], y = x->y, d = z - y, delta = l->delta;
    if (fabs(d) < delta)
        tx(w, "  loss[%d] = 0.5·(%s - %s)² = 0.5·%s² = %s    (|d| < delta)\n", x->b, NUM(z), PAR(y), PAR(d),
           NUM(x->loss));
    else
        tx(w, "  loss[%d] = %s·(|%s - %s| - 0.5·%s) = %s·(%s - %s) = %s    (|d| >= delta)\n", x->b, NUM(delta), NUM(z),
           PAR(y), NUM(delta), NUM(delta), NUM(fabs(d)), NUM(0.5 * delta), NUM(x->loss));
    return true;
}

static void huber_piece(const Loss *l, double f, double y, const TextSink *w, char *buf, size_t n)
{
    (void)l;
    snprintf(buf, n, "huber(%s - %s)", NUM(f), PAR(y));
}

static void huber_dz_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    char bk[32];
    divisor_name(x, bk, sizeof bk);
    tx(w, "  dZ%d[b,j] = clamp(Z%d[b,j] - %s, -delta, delta) / %s,  delta = %s\n", x->L, x->L, x->yname, bk,
       NUM(l->delta));
}

static void huber_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w);

static const LossDesc huber_desc = {
    .name = "huber",
    .link = LINK_IDENTITY,
    .link_name = "identity",
    .has_delta = true,
    .check = check_regression,
    .value = huber_value,
    .kink_side = huber_kink_side,
    .formula = huber_formula,
    .numbers = huber_numbers,
    .piece = huber_piece,
    .dz_formula = huber_dz_formula,
    .dz_numbers = huber_dz_numbers,
};

static void huber_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    tx(w, "clamp(%s - %s, %s, %s) / %d = %s\n", NUM(x->z[x->j]), PAR(x->y), NUM(-l->delta), NUM(l->delta),
       mean_n(&huber_desc, x), NUM(x->dz));
}

/* ---- bce ---- */

static double bce_value(const Loss *l, double f, double t, double *grad)
{
    (void)l;
    *grad = sigmoid(f) - t;
    return fmax(f, 0.0) - f * t + log1p(exp(-fabs(f))); /* max(z,0) - z t + log1p(exp(-|z|)) */
}

static void bce_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "  loss[b] = -(y·log(p) + (1 - y)·log(1 - p)),  p = yhat[b,0] = sigmoid(Z%d[b,0]), y = Y[b]\n", x->L);
}

static bool bce_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    double y = x->y, p = x->p[0];
    tx(w, "  loss[%d] = -(%s·log(%s) + %s·log(%s)) = %s\n", x->b, NUM(y), NUM(p), NUM(1 - y), NUM(1 - p),
       NUM(x->loss));
    return true;
}

static void bce_dz_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "  dZ%d[b,0] = (sigmoid(Z%d[b,0]) - Y[b]) / B\n", x->L, x->L);
}

static void bce_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    double z = x->z[x->j], y = x->y, p = x->p[x->j];
    tx(w, "(sigmoid(%s) - %s) / %d = (%s - %s) / %d = %s\n", NUM(z), NUM(y), x->B, NUM(p), NUM(y), x->B, NUM(x->dz));
}

static const LossDesc bce_desc = {
    .name = "bce",
    .link = LINK_SIGMOID,
    .link_name = "sigmoid",
    .check = check_binary,
    .value = bce_value,
    .formula = bce_formula,
    .numbers = bce_numbers,
    .dz_formula = bce_dz_formula,
    .dz_numbers = bce_dz_numbers,
};

/* ---- ce ---- */

static int ce_check(const LossDesc *d, const Loss *l, const LossShape *s, char *err)
{
    (void)d;
    (void)l;
    if (!s->classification)
        return util_err(err, "ce needs class labels, but the targets are "
                        "regression values: use mse, mae or huber");
    if (s->n_classes < 2)
        return util_err(err, "ce needs at least 2 classes, but the data "
                        "has %d", s->n_classes);
    if (s->n_outputs != s->n_classes)
        return util_fail(err, ERR_LOSS_OUTPUTS, "ce needs one output per class (%d), but the model has %d output%s%s",
                         s->n_classes, s->n_outputs, plural(s->n_outputs),
                         s->n_classes == 2 ? " (bce fits one output for two classes)" : "");
    return 0;
}

/* CrossEntropyLoss: mean over rows of logsumexp(z) - z[c];
 * dlogits = (softmax(z) - onehot(c)) / B. */
static double cross_entropy(const LossShape *s, const double *logits,
                            const double *y, int batch, double *dlogits)
{
    int k = s->n_outputs;
    double sum = 0;
    for (int i = 0; i < batch; i++) {
        const double *z = logits + (size_t)i * (size_t)k; /* (K) */
        double label = y[(size_t)i * (size_t)s->n_targets];
        int c = label >= 0 && label < k ? (int)label : -1; /* -1: no class */
        double lse = logsumexp(z, k);
        sum += lse - (c >= 0 ? z[c] : 0.0);
        if (!dlogits)
            continue;
        double *g = dlogits + (size_t)i * (size_t)k; /* (K) */
        for (int j = 0; j < k; j++)
            g[j] = (exp(z[j] - lse) - (j == c ? 1.0 : 0.0)) / batch;
    }
    return sum / batch;
}

static void ce_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "  loss[b] = -log(yhat[b,y]) = log(Σ_m exp(Z%d[b,m])) - Z%d[b,y],  y = Y[b], the class\n", x->L, x->L);
}

static bool ce_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    int y = x->label;
    tx(w, "  loss[%d] = -log(yhat[%d,%d]) = -log(%s) = %s\n", x->b, x->b, y, NUM(y >= 0 && y < x->K ? x->p[y] : NAN),
       NUM(x->loss));
    return true;
}

static void ce_dz_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "  dZ%d[b,j] = (softmax(Z%d[b])[j] - onehot(Y[b])[j]) / B\n", x->L, x->L);
}

static void ce_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    double y = x->y, p = x->p[x->j];
    tx(w, "(softmax(Z%d[%d])[%d] - %s) / %d = (%s - %s) / %d = %s\n", x->L, x->b, x->j, NUM(y), x->B, NUM(p), NUM(y),
       x->B, NUM(x->dz));
}

static const LossDesc ce_desc = {
    .name = "ce",
    .link = LINK_SOFTMAX,
    .link_name = "softmax",
    .per_row = true,
    .check = ce_check,
    .rows = cross_entropy,
    .formula = ce_formula,
    .numbers = ce_numbers,
    .dz_formula = ce_dz_formula,
    .dz_numbers = ce_dz_numbers,
};

/* ---- hinge ---- */

static double hinge_value(const Loss *l, double f, double t, double *grad)
{
    (void)l;
    double yp = 2 * t - 1; /* labels {0,1} -> {-1,+1} */
    double margin = 1 - yp * f;
    *grad = margin > 0 ? -yp : 0.0;
    return margin > 0 ? margin : 0.0;
}

static int hinge_kink_side(const Loss *l, double f, double t)
{
    (void)l;
    return sign3(1.0 - (2.0 * t - 1.0) * f);
}

static void hinge_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    elementwise_formula("max(0, 1 - y'·f)", x, w);
    tx(w, "  y' = 2·y - 1: the labels 0/1 as -1/+1\n");
}

static void hinge_piece(const Loss *l, double f, double y, const TextSink *w, char *buf, size_t n)
{
    (void)l;
    snprintf(buf, n, "max(0, 1 - %s·%s)", PAR(2 * y - 1), PAR(f));
}

static void hinge_dz_formula(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    tx(w, "  dZ%d[b,0] = -y'/B if 1 - y'·Z%d[b,0] > 0, else 0;  y' = 2·Y[b] - 1\n", x->L, x->L);
}

static void hinge_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w);

static const LossDesc hinge_desc = {
    .name = "hinge",
    .link = LINK_IDENTITY,
    .link_name = "identity",
    .margin = true,
    .check = check_binary,
    .value = hinge_value,
    .kink_side = hinge_kink_side,
    .formula = hinge_formula,
    .numbers = numbers_as_sum,
    .piece = hinge_piece,
    .dz_formula = hinge_dz_formula,
    .dz_numbers = hinge_dz_numbers,
};

static void hinge_dz_numbers(const Loss *l, const LossSample *x, const TextSink *w)
{
    (void)l;
    double y = x->y, z = x->z[x->j], yp = 2 * y - 1, margin = 1 - yp * z;
    tx(w, "y' = %s; 1 - %s·%s = %s %s 0, so %s%s%d = %s\n", NUM(yp), PAR(yp), PAR(z), NUM(margin),
       margin > 0 ? ">" : "<=", margin > 0 ? NUM(-yp) : "0", margin > 0 ? " / " : "", mean_n(&hinge_desc, x),
       NUM(x->dz));
}

/* ---- the descriptors, and what the rest of paramlab asks them ---- */

static const LossDesc *const descs[LOSS_COUNT] = {
    [LOSS_MSE] = &mse_desc,
    [LOSS_MAE] = &mae_desc,
    [LOSS_HUBER] = &huber_desc,
    [LOSS_BCE] = &bce_desc,
    [LOSS_CE] = &ce_desc,
    [LOSS_HINGE] = &hinge_desc,
};

const LossDesc *loss_desc(LossKind k)
{
    return (unsigned)k < LOSS_COUNT ? descs[k] : NULL;
}

const char *loss_name(LossKind k)
{
    return (unsigned)k < LOSS_COUNT ? descs[k]->name : "?";
}

int loss_parse(const char *s, LossKind *out)
{
    for (int i = 0; i < LOSS_COUNT; i++) {
        if (strcmp(s, descs[i]->name) == 0) {
            *out = (LossKind)i;
            return 0;
        }
    }
    return -1;
}

void loss_names(char *buf, size_t n, const char *sep, const char *last)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int k = 0; k < LOSS_COUNT && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", k == 0 ? "" : k == LOSS_COUNT - 1 ? last : sep,
                                descs[k]->name);
}

LossKind loss_default(const LossShape *s)
{
    if (!s->classification)
        return LOSS_MSE;
    return s->n_classes <= 2 ? LOSS_BCE : LOSS_CE;
}

int loss_check(const Loss *l, const LossShape *s, char *err)
{
    const LossDesc *d = loss_desc(l->kind);
    if (!d) {
        char all[128];
        loss_names(all, sizeof all, ", ", " or ");
        return util_err(err, "unknown loss (%d): use %s", (int)l->kind, all);
    }
    if (s->n_outputs < 1 || s->n_targets < 1)
        return util_err(err, "%s needs a model with outputs and data with "
                        "targets: load data and build a model first", d->name);
    if (s->classification && s->n_targets != 1)
        return util_err(err, "class labels must be one column, not %d",
                        s->n_targets);
    if (d->has_delta && !(l->delta > 0 && isfinite(l->delta)))
        return util_err(err, "%s does not support delta = %g: it must be positive and finite, as delta=1",
                        d->name, l->delta);
    return d->check(d, l, s, err);
}

void loss_link(const Loss *l, const LossShape *s, const double *logits,
               int batch, double *yhat)
{
    int k = s->n_outputs;
    size_t n = batch > 0 ? (size_t)batch * (size_t)k : 0;
    switch (descs[l->kind]->link) {
    case LINK_SIGMOID:
        for (size_t i = 0; i < n; i++)
            yhat[i] = sigmoid(logits[i]);
        break;
    case LINK_SOFTMAX:
        for (int i = 0; i < batch; i++) {
            const double *z = logits + (size_t)i * (size_t)k; /* (K) */
            double *p = yhat + (size_t)i * (size_t)k;         /* (K) */
            double lse = logsumexp(z, k);
            for (int j = 0; j < k; j++)
                p[j] = exp(z[j] - lse);
        }
        break;
    case LINK_IDENTITY:
        if (n && yhat != logits)
            memmove(yhat, logits, n * sizeof *yhat);
        break;
    }
}

/* The target of output j in row i: the regression value, the class label
 * itself (one output), or the one-hot entry (one output per class). */
static double target(const LossShape *s, const double *y, int i, int j)
{
    const double *row = y + (size_t)i * (size_t)s->n_targets; /* (n_targets) */
    if (!s->classification)
        return row[j];
    if (s->n_outputs == 1)
        return row[0];
    return row[0] == (double)j ? 1.0 : 0.0;
}

double loss_eval(const Loss *l, const LossShape *s, const double *logits,
                 const double *y, int batch, double *yhat, double *dlogits)
{
    if (batch <= 0)
        return 0.0;
    if (yhat)
        loss_link(l, s, logits, batch, yhat);
    const LossDesc *d = descs[l->kind];
    if (d->rows)
        return d->rows(s, logits, y, batch, dlogits);

    int k = s->n_outputs;
    double n = (double)batch * (double)k; /* N of the mean */
    double sum = 0;
    for (int i = 0; i < batch; i++) {
        for (int j = 0; j < k; j++) {
            size_t at = (size_t)i * (size_t)k + (size_t)j;
            double g; /* this element's dloss/df */
            sum += d->value(l, logits[at], target(s, y, i, j), &g);
            if (dlogits)
                dlogits[at] = g / n;
        }
    }
    return sum / n;
}
