/* loss.c — the six losses with PyTorch's definitions and 'mean' reduction
 * (torch 1.13): MSELoss, L1Loss, HuberLoss, BCEWithLogitsLoss,
 * CrossEntropyLoss and the hinge loss mean(max(0, 1 - y'f)). Each takes the
 * logits and applies its own link; the gradient it returns is with respect
 * to the logits and already carries the 1/N of the mean. bce and ce are
 * written in their log-sum-exp forms, so logits of any size stay finite.
 * No printing, no allocation. */
#include "loss.h"

#include <math.h>
#include <string.h>

#include "util.h"

static const char *const loss_names[LOSS_COUNT] = {
    "mse", "mae", "huber", "bce", "ce", "hinge",
};

const char *loss_name(LossKind k)
{
    return (unsigned)k < LOSS_COUNT ? loss_names[k] : "?";
}

int loss_parse(const char *s, LossKind *out)
{
    for (int i = 0; i < LOSS_COUNT; i++) {
        if (strcmp(s, loss_names[i]) == 0) {
            *out = (LossKind)i;
            return 0;
        }
    }
    return -1;
}

LossKind loss_default(const LossShape *s)
{
    if (!s->classification)
        return LOSS_MSE;
    return s->n_classes <= 2 ? LOSS_BCE : LOSS_CE;
}

/* "1 output" / "3 outputs" */
static const char *plural(int n)
{
    return n == 1 ? "" : "s";
}

/* The two-class losses: bce and hinge need labels 0/1 and one output. */
static int check_binary(const char *name, const LossShape *s, char *err)
{
    if (!s->classification)
        return util_err(err, "%s needs class labels 0/1, but the targets are "
                        "regression values: use mse, mae or huber", name);
    if (s->n_classes != 2)
        return util_err(err, "%s is for two classes, but the data has %d "
                        "classes: use ce", name, s->n_classes);
    if (s->n_outputs != 1)
        return util_err(err, "%s needs 1 output for two classes, but the model "
                        "has %d outputs: build the model after `set loss %s`",
                        name, s->n_outputs, name);
    return 0;
}

int loss_check(const Loss *l, const LossShape *s, char *err)
{
    if ((unsigned)l->kind >= LOSS_COUNT)
        return util_err(err, "unknown loss (%d): use mse, mae, huber, bce, ce "
                        "or hinge", (int)l->kind);
    const char *name = loss_names[l->kind];
    if (s->n_outputs < 1 || s->n_targets < 1)
        return util_err(err, "%s needs a model with outputs and data with "
                        "targets: load data and build a model first", name);
    if (s->classification && s->n_targets != 1)
        return util_err(err, "class labels must be one column, not %d",
                        s->n_targets);
    if (l->kind == LOSS_HUBER && !(l->delta > 0 && isfinite(l->delta)))
        return util_err(err, "huber does not support delta = %g (it must be "
                        "positive and finite): use `set loss huber delta=1`",
                        l->delta);
    switch (l->kind) {
    case LOSS_BCE:
    case LOSS_HINGE:
        return check_binary(name, s, err);
    case LOSS_CE:
        if (!s->classification)
            return util_err(err, "ce needs class labels, but the targets are "
                            "regression values: use mse, mae or huber");
        if (s->n_classes < 2)
            return util_err(err, "ce needs at least 2 classes, but the data "
                            "has %d", s->n_classes);
        if (s->n_outputs != s->n_classes)
            return util_err(err, "ce needs one output per class (%d), but the "
                            "model has %d output%s: %sbuild the model after "
                            "`set loss ce`", s->n_classes, s->n_outputs,
                            plural(s->n_outputs),
                            s->n_classes == 2 ? "use bce for two classes, or "
                                              : "");
        return 0;
    case LOSS_MSE:
    case LOSS_MAE:
    case LOSS_HUBER:
        if (!s->classification) {
            if (s->n_outputs != s->n_targets)
                return util_err(err, "%s needs one output per target column "
                                "(%d), but the model has %d output%s: build "
                                "the model again for this data", name,
                                s->n_targets, s->n_outputs,
                                plural(s->n_outputs));
            return 0;
        }
        if (s->n_outputs != 1 && s->n_outputs != s->n_classes)
            return util_err(err, "%s on class labels needs 1 output (the "
                            "label) or one per class (%d, one-hot), but the "
                            "model has %d outputs: build the model again",
                            name, s->n_classes, s->n_outputs);
        return 0;
    case LOSS_COUNT:
        break;
    }
    return 0;
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

void loss_link(const Loss *l, const LossShape *s, const double *logits,
               int batch, double *yhat)
{
    int k = s->n_outputs;
    size_t n = batch > 0 ? (size_t)batch * (size_t)k : 0;
    switch (l->kind) {
    case LOSS_BCE:
        for (size_t i = 0; i < n; i++)
            yhat[i] = sigmoid(logits[i]);
        break;
    case LOSS_CE:
        for (int i = 0; i < batch; i++) {
            const double *z = logits + (size_t)i * (size_t)k; /* (K) */
            double *p = yhat + (size_t)i * (size_t)k;         /* (K) */
            double lse = logsumexp(z, k);
            for (int j = 0; j < k; j++)
                p[j] = exp(z[j] - lse);
        }
        break;
    default:
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

double loss_eval(const Loss *l, const LossShape *s, const double *logits,
                 const double *y, int batch, double *yhat, double *dlogits)
{
    if (batch <= 0)
        return 0.0;
    if (yhat)
        loss_link(l, s, logits, batch, yhat);
    if (l->kind == LOSS_CE)
        return cross_entropy(s, logits, y, batch, dlogits);

    int k = s->n_outputs;
    double n = (double)batch * (double)k; /* N of the mean */
    double delta = l->delta;
    double sum = 0;
    for (int i = 0; i < batch; i++) {
        for (int j = 0; j < k; j++) {
            size_t at = (size_t)i * (size_t)k + (size_t)j;
            double f = logits[at], t = target(s, y, i, j);
            double v = 0, g = 0; /* this element's loss and dloss/df */
            switch (l->kind) {
            case LOSS_MSE: {
                double d = f - t;
                v = d * d;
                g = 2 * d;
                break;
            }
            case LOSS_MAE: {
                double d = f - t;
                v = fabs(d);
                g = d > 0 ? 1.0 : d < 0 ? -1.0 : 0.0; /* sign, 0 at 0 */
                break;
            }
            case LOSS_HUBER: {
                double d = f - t, a = fabs(d);
                v = a < delta ? 0.5 * d * d : delta * (a - 0.5 * delta);
                g = d < -delta ? -delta : d > delta ? delta : d;
                break;
            }
            case LOSS_BCE:  /* max(z,0) - z t + log1p(exp(-|z|)) */
                v = fmax(f, 0.0) - f * t + log1p(exp(-fabs(f)));
                g = sigmoid(f) - t;
                break;
            case LOSS_HINGE: {
                double yp = 2 * t - 1; /* labels {0,1} -> {-1,+1} */
                double margin = 1 - yp * f;
                v = margin > 0 ? margin : 0.0;
                g = margin > 0 ? -yp : 0.0;
                break;
            }
            case LOSS_CE:
            case LOSS_COUNT:
                break;
            }
            sum += v;
            if (dlogits)
                dlogits[at] = g / n;
        }
    }
    return sum / n;
}
