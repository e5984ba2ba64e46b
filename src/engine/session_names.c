/* session_names.c — the names a learner reads and writes: the grammar of
 * tensor names (W1 b1 K1 c1 Z1 A1 P1 M1, their gradients with a d, X Y yhat
 * loss and the scalar names), resolving a name into a view of the session
 * with its shape (up to 4 dims: a conv kernel is (c_out, c_in, k, k), a
 * conv layer's maps (rows, channels, height, width)), the names that exist
 * now, and the name of one flat parameter. A layer's parameter letters
 * come from its kind's descriptor (layer.h). */
#include "session.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

/* The letter of layer k's weight or bias ('W' 'b' dense, 'K' 'c' conv). */
static char param_letter(const Model *m, int k, bool bias)
{
    const LayerDesc *d = layer_desc(&m->layer[k - 1]);
    return bias ? d->bias : d->weight;
}

void session_param_name(const Session *s, size_t i, char *buf, size_t n)
{
    const Model *m = s->model;
    for (int k = 1; m && k <= m->n_layers; k++) {
        const Layer *ly = &m->layer[k - 1];
        if (i >= ly->w_off && i < ly->w_off + layer_weights(ly)) {
            size_t o = i - ly->w_off;
            int dims[4];
            if (layer_weight_shape(ly, dims) == 4) {
                size_t kk = (size_t)dims[2] * (size_t)dims[3], per = (size_t)dims[1] * kk;
                snprintf(buf, n, "%c%d[%zu,%zu,%zu,%zu]", param_letter(m, k, false), k, o / per, o % per / kk,
                         o % kk / (size_t)dims[3], o % (size_t)dims[3]);
            } else {
                snprintf(buf, n, "%c%d[%zu,%zu]", param_letter(m, k, false), k, o / (size_t)ly->n_out,
                         o % (size_t)ly->n_out);
            }
            return;
        }
        if (i >= ly->b_off && i < ly->b_off + layer_biases(ly)) {
            snprintf(buf, n, "%c%d[%zu]", param_letter(m, k, true), k, i - ly->b_off);
            return;
        }
    }
    snprintf(buf, n, "?");
}

bool tensor_is_param(const TensorName *tn)
{
    bool bias;
    return tn->kind && layer_desc_of_letter(tn->kind, &bias) != NULL;
}

/* ---- functions of a whole tensor ---- */

static double fn_norm(const double *x, size_t n)
{
    return mat_norm(x, n);
}

/* Over every value, dividing by their count (numpy's std, ddof=0). */
static double fn_std(const double *x, size_t n)
{
    double sum = 0, ss = 0;
    for (size_t i = 0; i < n; i++)
        sum += x[i];
    double mean = sum / (double)n;
    for (size_t i = 0; i < n; i++)
        ss += (x[i] - mean) * (x[i] - mean);
    return sqrt(ss / (double)n);
}

/* The functions, one row each: a prefix before any tensor's name. */
static const TensorFnDesc tensor_fns[] = {
    {"norm_", "the norm √(Σx²) of all the tensor's values: the |dW1| the loop prints", fn_norm},
    {"std_", "the standard deviation of all the tensor's values, over every row and unit (dividing by their count)",
     fn_std},
};

const TensorFnDesc *session_tensor_fn(int i)
{
    return i >= 0 && (size_t)i < sizeof tensor_fns / sizeof tensor_fns[0] ? &tensor_fns[i] : NULL;
}

/* The function a name starts with (its index, the tensor's name after it in *inner), or -1. */
static int tensor_fn_find(const char *name, const char **inner)
{
    for (size_t i = 0; i < sizeof tensor_fns / sizeof tensor_fns[0]; i++) {
        size_t n = strlen(tensor_fns[i].prefix);
        if (strncmp(name, tensor_fns[i].prefix, n) == 0) {
            *inner = name + n;
            return (int)i;
        }
    }
    return -1;
}

bool tensor_name_parse(const char *name, TensorName *tn)
{
    *tn = (TensorName){0, false, 0, -1};
    if ((tn->scalar = session_scalar_find(name)) >= 0) {
        tn->kind = 's';
        return true;
    }
    const char *inner;
    int f = tensor_fn_find(name, &inner);
    if (f >= 0) {
        TensorName in;
        if (!tensor_name_parse(inner, &in) || in.kind == 's' || in.kind == 'f')
            return false;
        tn->kind = 'f';
        tn->scalar = f;
        return true;
    }
    if (strcmp(name, "X") == 0 || strcmp(name, "Y") == 0 || strcmp(name, "yhat") == 0 ||
        strcmp(name, "loss") == 0) {
        tn->kind = name[0];
        return true;
    }
    const char *p = name;
    if (p[0] == 'd' && p[1] && strchr("WbKcZAP", p[1]))
        p++;
    long k;
    if (!p[0] || !strchr(p == name ? "WbKcZAPM" : "WbKcZAP", p[0]) || p[1] < '1' || p[1] > '9' ||
        !util_parse_long(p + 1, 1, 999, &k))
        return false;
    tn->kind = p[0];
    tn->grad = p != name;
    tn->layer = (int)k;
    return true;
}

/* The shape of a 2-D or 1-D tensor into t's dims. */
static void flat_dims(Tensor *t)
{
    if (t->vector) {
        t->ndim = 1;
        t->dims[0] = t->cols;
    } else {
        t->ndim = 2;
        t->dims[0] = t->rows;
        t->dims[1] = t->cols;
    }
}

static void dims4(Tensor *t, int a, int b, int c, int d)
{
    t->ndim = 4;
    t->dims[0] = a;
    t->dims[1] = b;
    t->dims[2] = c;
    t->dims[3] = d;
}

int session_loss_failed(const Session *s, const char *what, char *err)
{
    if (!s->loss_fail || s->phase != PHASE_FORWARD)
        return 0;
    double l = s->loss_fail_value;
    if (s->loss_fail == ERR_DIVERGED)
        return util_fail(err, ERR_DIVERGED, "%s: the loss of this batch diverged at step %ld (%g, more than %g "
                         "times its start, %g); the learning rate (lr=%g) is probably too high", what,
                         s->loss_fail_step, l, SESSION_DIVERGE, s->first_loss, s->opt.lr);
    return util_fail(err, ERR_NONFINITE, "%s: the loss of this batch is %s at step %ld; this usually means the "
                     "learning rate (lr=%g) is too high", what, isnan(l) ? "NaN" : "Inf", s->loss_fail_step,
                     s->opt.lr);
}

/* X Y yhat loss and the scalars; 1 when the name is none of them. */
static int data_tensor(Session *s, const TensorName *tn, const char *name, Tensor *t, char *err)
{
    const Dataset *ds = s->data;
    if (tn->kind == 's') {
        int n, rc = session_scalar_values(s, tn->scalar, &t->data, &n, err);
        if (rc != 0)
            return rc;
        t->rows = 1;
        t->cols = n;
        t->vector = true;
        t->percent = session_scalar(tn->scalar)->accuracy;
        return 0;
    }
    if (tn->kind == 'f') {
        const TensorFnDesc *f = &tensor_fns[tn->scalar];
        Tensor in;
        int rc = session_tensor(s, name + strlen(f->prefix), &in, err);
        if (rc != 0)
            return rc;
        s->scalar_value = f->of(in.data, (size_t)in.rows * (size_t)in.cols);
        t->rows = t->cols = 1;
        t->vector = true;
        t->data = &s->scalar_value;
        return 0;
    }
    if (tn->kind == 'X' || tn->kind == 'Y') {
        if (!ds)
            return util_fail(err, ERR_NO_DATA, "%s is the current batch, and there is no data yet", name);
        bool x = tn->kind == 'X';
        t->rows = s->rows;
        t->cols = x ? ds->d : ds->t;
        t->data = x ? s->xb : s->yb;
        return 0;
    }
    if (tn->kind != 'y' && tn->kind != 'l')
        return 1;
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "%s belongs to a model, and there is none yet", name);
    bool yh = tn->kind == 'y';
    Phase need = yh ? PHASE_FORWARD : PHASE_LOSS;
    int failed = yh ? 0 : session_loss_failed(s, name, err);
    if (s->phase < need && failed)
        return failed;
    if (s->phase < need)
        return util_fail(err, yh ? ERR_NEEDS_FORWARD : ERR_NEEDS_LOSS, "%s of this batch %s", name,
                         yh ? "exists after the forward pass" : "is not computed yet");
    if (yh) {
        t->rows = s->rows;
        t->cols = nn_outputs(s->model);
        t->data = s->yhat;
    } else {
        t->rows = t->cols = 1;
        t->vector = true;
        t->data = &s->loss_value;
    }
    return 0;
}

/* W1 b1 K1 c1 and their gradients. */
static int param_tensor(Session *s, const TensorName *tn, const char *name, Tensor *t, char *err)
{
    Model *m = s->model;
    int k = tn->layer;
    Layer *ly = &m->layer[k - 1];
    const LayerDesc *d = layer_desc(ly);
    bool bias = tn->kind == d->bias;
    if (tn->kind != d->weight && !bias) {
        bool other_bias;
        const LayerDesc *o = layer_desc_of_letter(tn->kind, &other_bias);
        return util_fail(err, ERR_NO_LAYER, "%s: layer %d is a %s layer, whose parameters are %c%d and %c%d, not a %s layer's",
                         name, k, d->name, d->weight, k, d->bias, k, o ? o->name : "?");
    }
    if (tn->grad && !s->grads_valid)
        return util_fail(err, ERR_NEEDS_BACKWARD, "%s is a gradient; gradients exist after the backward pass", name);
    double *base = tn->grad ? m->grads : m->params;
    if (!bias) {
        Mat w = nn_weight(m, k);
        t->rows = w.rows;
        t->cols = w.cols;
        t->data = base + ly->w_off;
        int dims[4];
        if (layer_weight_shape(ly, dims) == 4)
            dims4(t, dims[0], dims[1], dims[2], dims[3]);
        else
            flat_dims(t);
    } else {
        t->rows = 1;
        t->cols = (int)layer_biases(ly);
        t->vector = true;
        t->data = base + ly->b_off;
        flat_dims(t);
    }
    t->editable = !tn->grad;
    return 0;
}

int session_tensor(Session *s, const char *name, Tensor *t, char *err)
{
    memset(t, 0, sizeof *t);
    snprintf(t->name, sizeof t->name, "%s", name);
    Model *m = s->model;
    TensorName tn;
    if (!tensor_name_parse(name, &tn))
        return util_fail(err, ERR_UNKNOWN_NAME, "unknown name '%s'", name);
    int rc = data_tensor(s, &tn, name, t, err);
    if (rc != 1) {
        if (rc == 0)
            flat_dims(t);
        return rc;
    }
    if (!m)
        return util_fail(err, ERR_NO_MODEL, "%s belongs to a model, and there is none yet", name);

    /* W1 b1 K1 c1 dW1 ... Z1 A1 P1 M1 dZ1 dA1 dP1 */
    char kind = tn.kind;
    bool grad = tn.grad;
    int k = tn.layer;
    if (k > m->n_layers)
        return util_fail(err, ERR_NO_LAYER, "%s: this model has %d layer%s, so layer numbers go from 1 to %d",
                         name, m->n_layers, m->n_layers == 1 ? "" : "s", m->n_layers);
    Layer *ly = &m->layer[k - 1];
    t->layer = k;
    if (tensor_is_param(&tn))
        return param_tensor(s, &tn, name, t, err);
    if (kind == 'M' && !m->mask[k - 1])
        return util_fail(err, ERR_NO_DROPOUT, "%s: layer %d has no dropout, so no mask", name, k);
    if (kind == 'P' && !m->p[k - 1])
        return util_fail(err, ERR_NO_LAYER, "%s: layer %d has no pooling, so no pooled maps", name, k);
    Phase need = grad ? PHASE_BACKWARD : PHASE_FORWARD;
    if (s->phase < need)
        return util_fail(err, grad ? ERR_NEEDS_BACKWARD : ERR_NEEDS_FORWARD, "%s of this batch exists after the %s pass",
                         name, grad ? "backward" : "forward");
    t->rows = s->rows;
    t->cols = kind == 'P' ? ly->n_out : ly->n_map;
    if (kind == 'Z')
        t->data = grad ? m->dz[k - 1] : m->z[k - 1];
    else if (kind == 'M')
        t->data = m->mask[k - 1];
    else if (kind == 'P')
        t->data = grad ? m->dp[k - 1] : m->p[k - 1];
    else
        t->data = grad ? m->da[k - 1] : m->a[k - 1];
    if (ly->kind == LAYER_CONV)
        dims4(t, s->rows, ly->c_out, kind == 'P' ? ly->h_pool : ly->h_out, kind == 'P' ? ly->w_pool : ly->w_out);
    else
        flat_dims(t);
    return 0;
}

void session_names(Session *s, void (*fn)(void *ctx, const char *name), void *ctx)
{
    char buf[16];
    if (s->data) {
        fn(ctx, "X");
        fn(ctx, "Y");
    }
    if (!s->model)
        return;
    const Model *m = s->model;
    for (int f = 0; f < 4; f++) { /* W b dW db, or K c dK dc */
        if (f >= 2 && !s->grads_valid)
            continue;
        for (int k = 1; k <= m->n_layers; k++) {
            snprintf(buf, sizeof buf, "%s%c%d", f >= 2 ? "d" : "", param_letter(m, k, f % 2 == 1), k);
            fn(ctx, buf);
        }
    }
    static const char *const prefix[] = {"Z", "A", "P", "dZ", "dA", "dP"};
    for (int f = 0; f < 6; f++) {
        if (f < 3 && s->phase < PHASE_FORWARD)
            continue;
        if (f >= 3 && s->phase < PHASE_BACKWARD)
            continue;
        for (int k = 1; k <= m->n_layers; k++) {
            if (prefix[f][f >= 3] == 'P' && !m->p[k - 1])
                continue;
            snprintf(buf, sizeof buf, "%s%d", prefix[f], k);
            fn(ctx, buf);
        }
    }
    for (int k = 1; s->phase >= PHASE_FORWARD && k <= m->n_layers; k++) {
        if (m->mask[k - 1]) {
            snprintf(buf, sizeof buf, "M%d", k);
            fn(ctx, buf);
        }
    }
    if (s->phase >= PHASE_FORWARD)
        fn(ctx, "yhat");
    if (s->phase >= PHASE_LOSS)
        fn(ctx, "loss");
    const ScalarDesc *d;
    for (int i = 0; (d = session_scalar(i)) != NULL; i++)
        if (session_scalar_ready(s, i))
            fn(ctx, d->name);
}
