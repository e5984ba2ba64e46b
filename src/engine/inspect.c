/* inspect.c — the gradient check and the per-layer diagnosis. Both copy
 * the session's model (nn_clone) and run the copy on the current batch
 * (s->xb, s->yb, s->rows), so nothing in the session changes: not the
 * parameters, gradients, buffers nor the phase. The gradient check
 * perturbs one parameter of the copy at a time by ±h and compares
 * (L(p+h) - L(p-h)) / 2h with backward's value, skipping elements where a
 * kink of relu/leaky_relu/softplus or of the loss lies between the two
 * evaluations. The diagnosis measures activations, dead and saturated
 * units, gradient and weight norms and the update-to-weight ratio, and
 * turns them into findings. No printing. */
#include "inspect.h"
#include "inspect_dup.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- shared: a copy of the model on the current batch ---- */

/* Everything needed to evaluate the loss of the current batch on a copy. */
typedef struct Probe {
    Model *m;      /* owned copy of the session's model */
    Mat x;         /* (rows, d) the current batch, borrowed from the session */
    const double *y; /* (rows, t) its targets, borrowed */
    Loss loss;     /* the loss in force */
    LossShape sh;  /* its shape for this model and data */
    Penalty pen;   /* the weight penalties in force */
    int rows;      /* rows of the batch */
    volatile sig_atomic_t *interrupt; /* Ctrl-C flag of the session, or NULL */
} Probe;

/* Copies the model and points at the batch; -1 with err when there is
 * nothing to look at or no memory. */
static int probe_open(Session *s, Probe *p, const char *what, char *err)
{
    memset(p, 0, sizeof *p);
    if (!s->data)
        return util_fail(err, ERR_NO_DATA, "%s needs data and a model", what);
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "%s needs a model", what);
    if (s->rows < 1)
        return util_err(err, "%s needs a batch, and the training set is empty", what);
    p->m = nn_clone(s->model);
    if (!p->m)
        return util_err(err, "out of memory for a copy of the model");
    p->x = mat_view(s->xb, s->rows, s->data->d);
    p->y = s->yb;
    p->loss = s->loss;
    p->pen = s->pen;
    /* this step's dropout masks, the ones `forward` draws (or drew) */
    if (nn_has_dropout(p->m))
        nn_dropout_masks(p->m, s->rows, session_mask_key(s, s->steps));
    LossShape sh = {nn_outputs(s->model), s->data->t, s->data->classification, s->data->n_classes};
    p->sh = sh;
    p->rows = s->rows;
    p->interrupt = s->interrupt;
    return 0;
}

static void probe_close(Probe *p)
{
    nn_free(p->m);
    p->m = NULL;
}

/* Forward and loss (penalty included) of the batch on the copy; with
 * grad, also dL/dlogits into the last dz and backward (penalty included)
 * into the copy's gradients. */
static double probe_loss(Probe *p, bool grad)
{
    Model *m = p->m;
    int last = m->n_layers - 1;
    nn_forward(m, &p->x);
    double l = loss_eval(&p->loss, &p->sh, m->a[last], p->y, p->rows, NULL, grad ? m->dz[last] : NULL);
    if (penalty_on(&p->pen)) {
        double l1, l2;
        l = l + penalty_value(&p->pen, m, &l1, &l2);
    }
    if (grad) {
        nn_backward(m, &p->x);
        penalty_grad(&p->pen, m);
    }
    return l;
}

/* ---- gradcheck ---- */

const char *inspect_kink_name(Kink k)
{
    static const char *const names[] = {"none", "relu", "leaky_relu", "softplus", "hinge", "mae", "huber", "l1",
                                        "max pool"};
    return (unsigned)k <= KINK_POOL ? names[k] : "?";
}

bool inspect_gc_compare(double analytic, double numeric, double floor, double threshold, double *abs_err,
                        double *rel_err)
{
    double d = fabs(analytic - numeric);
    double scale = fmax(fmax(fabs(analytic), fabs(numeric)), floor);
    *abs_err = d;
    *rel_err = scale > 0 ? d / scale : (d > 0 ? INFINITY : 0.0);
    return *rel_err < threshold; /* NaN fails */
}

/* The kink a hidden activation has, or KINK_NONE for a smooth one. */
static Kink act_kink(Act a)
{
    switch (a) {
    case ACT_RELU: return KINK_RELU;
    case ACT_LEAKY_RELU: return KINK_LEAKY;
    case ACT_SOFTPLUS: return KINK_SOFTPLUS;
    default: return KINK_NONE;
    }
}

/* How gradcheck reports a loss's kink (where the kink lies is the loss
 * descriptor's kink_side). */
static Kink loss_kink(LossKind k)
{
    if (!loss_desc(k)->kink_side)
        return KINK_NONE;
    switch (k) {
    case LOSS_HINGE: return KINK_HINGE;
    case LOSS_MAE: return KINK_MAE;
    case LOSS_HUBER: return KINK_HUBER;
    default: return KINK_NONE;
    }
}

/* The target of output j of row i as the loss sees it: the regression
 * value, the label (one output) or the one-hot entry (as in loss.c). */
static double target_of(const LossShape *sh, const double *y, int i, int j)
{
    const double *row = y + (size_t)i * (size_t)sh->n_targets; /* (n_targets) */
    if (!sh->classification)
        return row[j];
    if (sh->n_outputs == 1)
        return row[0];
    return row[0] == (double)j ? 1.0 : 0.0;
}

static int sign3(double v)
{
    return v > 0 ? 1 : v < 0 ? -1 : 0;
}

/* Which side of its kink a value lies on: z for an activation, the logit
 * f against target t for the loss l (as its descriptor says). */
static int kink_side(Kink k, double v, double t, const Loss *l)
{
    switch (k) {
    case KINK_RELU:
    case KINK_LEAKY: return sign3(v);
    case KINK_SOFTPLUS: return sign3(v - 20.0); /* PyTorch switches to z above 20 */
    case KINK_HINGE:
    case KINK_MAE:
    case KINK_HUBER: return loss_desc(l->kind)->kink_side(l, v, t);
    case KINK_L1:
    case KINK_POOL:
    case KINK_NONE: break;
    }
    return 0;
}

/* Where the Z of kinky layers is kept between the +h and -h evaluations. */
typedef struct KinkWatch {
    Kink kind[NN_MAX_LAYERS];   /* per layer: the kink its Z can cross */
    size_t off[NN_MAX_LAYERS];  /* offset of its copy in save */
    size_t poff[NN_MAX_LAYERS]; /* offset of the pool's maxima in save (a pooled layer) */
    double *save;               /* (rows * units of watched layers) Z at p + h, and where the maxima were */
    bool any;                   /* some layer is watched */
} KinkWatch;

static int watch_open(KinkWatch *w, const Probe *p)
{
    memset(w, 0, sizeof *w);
    const Model *m = p->m;
    size_t n = 0;
    for (int k = 0; k < m->n_layers; k++) {
        w->kind[k] = k == m->n_layers - 1 ? loss_kink(p->loss.kind) : act_kink(m->layer[k].act);
        w->off[k] = n;
        if (w->kind[k] != KINK_NONE)
            n += (size_t)p->rows * (size_t)m->layer[k].n_map;
        w->poff[k] = n;
        if (m->pidx[k])
            n += (size_t)p->rows * (size_t)m->layer[k].n_out;
    }
    w->any = n > 0;
    w->save = util_calloc(n, sizeof(double));
    return w->save ? 0 : -1;
}

static void watch_save(KinkWatch *w, const Probe *p)
{
    const Model *m = p->m;
    for (int k = 0; k < m->n_layers; k++) {
        if (w->kind[k] != KINK_NONE)
            memcpy(w->save + w->off[k], m->z[k], sizeof(double) * (size_t)p->rows * (size_t)m->layer[k].n_map);
        if (m->pidx[k])
            memcpy(w->save + w->poff[k], m->pidx[k], sizeof(double) * (size_t)p->rows * (size_t)m->layer[k].n_out);
    }
}

/* A pooled layer whose maximum moved to another place in its window
 * between +h and -h: that is a kink of the max. */
static bool watch_pool(const KinkWatch *w, const Probe *p, int k, GcElement *e)
{
    const Model *m = p->m;
    int n_out = m->layer[k].n_out;
    const double *plus = w->save + w->poff[k], *minus = m->pidx[k]; /* (rows, n_out) */
    for (int i = 0; i < p->rows; i++)
        for (int j = 0; j < n_out; j++)
            if (plus[(size_t)i * (size_t)n_out + (size_t)j] != minus[(size_t)i * (size_t)n_out + (size_t)j]) {
                e->kink = KINK_POOL;
                e->kink_layer = k + 1;
                e->kink_row = i;
                e->kink_col = j;
                return true;
            }
    return false;
}

/* After the -h evaluation: the first value that lies on another side of its
 * kink than at +h, into e; false when there is none. */
static bool watch_find(const KinkWatch *w, const Probe *p, GcElement *e)
{
    const Model *m = p->m;
    for (int k = 0; k < m->n_layers; k++) {
        Kink kind = w->kind[k];
        if (m->pidx[k] && watch_pool(w, p, k, e))
            return true;
        if (kind == KINK_NONE)
            continue;
        int n_out = m->layer[k].n_map;
        const double *plus = w->save + w->off[k]; /* (rows, n_out) */
        const double *minus = m->z[k];            /* (rows, n_out) */
        bool last = k == m->n_layers - 1;
        for (int i = 0; i < p->rows; i++)
            for (int j = 0; j < n_out; j++) {
                size_t at = (size_t)i * (size_t)n_out + (size_t)j;
                double t = last ? target_of(&p->sh, p->y, i, j) : 0.0;
                if (kink_side(kind, plus[at], t, &p->loss) != kink_side(kind, minus[at], t, &p->loss)) {
                    e->kink = kind;
                    e->kink_layer = k + 1;
                    e->kink_row = i;
                    e->kink_col = j;
                    return true;
                }
            }
    }
    return false;
}

void inspect_gradcheck_free(GradcheckResult *r)
{
    if (!r)
        return;
    free(r->elements);
    r->elements = NULL;
    r->n_tensors = 0;
}

/* Parses "W3", "b1" (or "dW3", "db1") into a layer and a kind. */
static int parse_param(const Model *m, const char *name, int *k, bool *bias, char *err)
{
    TensorName tn;
    bool conv = nn_has_conv(m);
    if (!tensor_name_parse(name, &tn) || !tensor_is_param(&tn))
        return conv ? util_err(err, "gradcheck checks parameters, and '%s' is not one: give a weight (K1 of a conv "
                               "layer, W of a dense one) or a bias, or nothing to check them all", name)
                    : util_err(err, "gradcheck checks parameters, and '%s' is not one: give W1..W%d or b1..b%d, or "
                               "nothing to check them all", name, m->n_layers, m->n_layers);
    long v = tn.layer;
    if (v > m->n_layers)
        return conv ? util_err(err, "%s: this model has %d layers, so layer numbers go from 1 to %d", name,
                               m->n_layers, m->n_layers)
                    : util_err(err, "%s: this model has %d layer%s, so parameters go from W1 to W%d", name,
                               m->n_layers, m->n_layers == 1 ? "" : "s", m->n_layers);
    const LayerDesc *d = layer_desc(&m->layer[v - 1]);
    if (tn.kind != d->weight && tn.kind != d->bias)
        return util_err(err, "%s: layer %ld is a %s layer, whose parameters are %c%ld and %c%ld", name, v, d->name,
                        d->weight, v, d->bias, v);
    *k = (int)v;
    *bias = tn.kind == d->bias;
    return 0;
}

/* Picks `want` of n indices in increasing order (Knuth's selection
 * sampling), all of them when n <= want. */
static size_t sample_indices(Rng *r, size_t n, size_t want, size_t *idx)
{
    if (n <= want) {
        for (size_t i = 0; i < n; i++)
            idx[i] = i;
        return n;
    }
    size_t got = 0;
    for (size_t i = 0; i < n && got < want; i++)
        if (rng_below(r, n - i) < want - got)
            idx[got++] = i;
    return got;
}

/* Checks the elements idx[0..n) of the tensor at offset off, cols wide;
 * false when Ctrl-C stopped it (t->evaluated then counts what was done). */
static bool check_tensor(Probe *p, KinkWatch *w, const double *ana, size_t off, int cols, const size_t *idx,
                         size_t n, const GradcheckResult *r, GcTensor *t)
{
    Model *m = p->m;
    double h = r->step;
    t->worst = -1;
    for (size_t q = 0; q < n; q++) {
        if (p->interrupt && *p->interrupt) {
            t->evaluated = q;
            return false;
        }
        GcElement *e = &t->el[q];
        size_t at = off + idx[q];
        memset(e, 0, sizeof *e);
        e->row = (int)(idx[q] / (size_t)cols);
        e->col = (int)(idx[q] % (size_t)cols);
        double keep = m->params[at];
        double up = keep + h, down = keep - h;
        m->params[at] = up;
        double lp = probe_loss(p, false);
        if (w->any)
            watch_save(w, p);
        m->params[at] = down;
        double lm = probe_loss(p, false);
        m->params[at] = keep;
        e->analytic = ana[at];
        e->numeric = (lp - lm) / (up - down); /* the step actually taken */
        bool pass = inspect_gc_compare(e->analytic, e->numeric, r->floor, r->threshold, &e->abs_err,
                                       &e->rel_err);
        if (p->pen.l1 != 0 && !t->vector && keep != 0 && penalty_sign(up) != penalty_sign(down)) {
            e->kink = KINK_L1; /* |w| < h: the l1 term's quotient is l1·w/h, not l1·sign(w) */
            e->kink_layer = t->layer;
            e->kink_row = e->row;
            e->kink_col = e->col;
            t->skipped++;
            continue;
        }
        if (w->any && watch_find(w, p, e)) {
            t->skipped++; /* its errors are kept, but mean nothing */
            continue;
        }
        if (!pass)
            t->failed++;
        if (e->abs_err > t->max_abs)
            t->max_abs = e->abs_err;
        if (t->worst < 0 || !(e->rel_err <= t->max_rel)) {
            t->max_rel = e->rel_err;
            t->worst = (int)q;
        }
    }
    return true;
}

int inspect_gradcheck(Session *s, const char *param, GradcheckResult *r, char *err)
{
    memset(r, 0, sizeof *r);
    Probe p;
    int rc = probe_open(s, &p, "gradcheck", err);
    if (rc != 0)
        return rc;
    Model *m = p.m;
    int only = 0;
    bool only_bias = false;
    if (param && parse_param(m, param, &only, &only_bias, err) != 0) {
        probe_close(&p);
        return -1;
    }
    r->step = INSPECT_GC_STEP;
    r->threshold = INSPECT_GC_THRESHOLD;
    r->rows = p.rows;

    /* the tensors to check and how many elements each */
    size_t n_el = 0;
    for (int k = 1; k <= m->n_layers; k++)
        for (int b = 0; b < 2; b++) {
            if (only && (k != only || (b == 1) != only_bias))
                continue;
            const Layer *ly = &m->layer[k - 1];
            GcTensor *t = &r->tensor[r->n_tensors++];
            const LayerDesc *d = layer_desc(ly);
            snprintf(t->name, sizeof t->name, "%c%d", b ? d->bias : d->weight, k);
            t->layer = k;
            Mat wv = nn_weight(m, k);
            t->rows = b ? 1 : wv.rows;
            t->cols = b ? (int)layer_biases(ly) : wv.cols;
            t->off = b ? ly->b_off : ly->w_off;
            t->ndim = b ? 1 : layer_weight_shape(ly, t->dims);
            t->vector = b;
            t->total = (size_t)t->rows * (size_t)t->cols;
            t->evaluated = t->total < INSPECT_GC_SAMPLE ? t->total : INSPECT_GC_SAMPLE;
            n_el += t->evaluated;
        }
    double *ana = util_calloc(m->n_params, sizeof(double));
    r->elements = util_calloc(n_el, sizeof(GcElement));
    KinkWatch w;
    int wrc = watch_open(&w, &p);
    if (!ana || !r->elements || wrc != 0) {
        free(ana);
        free(w.save);
        probe_close(&p);
        inspect_gradcheck_free(r);
        return util_err(err, "out of memory for the gradient check");
    }

    /* the analytic gradient, on the copy */
    r->loss = probe_loss(&p, true);
    memcpy(ana, m->grads, sizeof(double) * m->n_params);
    r->floor = INSPECT_GC_FLOOR * fmax(1.0, fabs(r->loss));

    size_t used = 0;
    for (int i = 0; i < r->n_tensors; i++) {
        GcTensor *t = &r->tensor[i];
        int k = t->layer;
        const Layer *ly = &m->layer[k - 1];
        size_t idx[INSPECT_GC_SAMPLE];
        Rng rng;
        rng_seed(&rng, INSPECT_GC_SEED + (uint64_t)(2 * k + t->vector));
        t->evaluated = sample_indices(&rng, t->total, INSPECT_GC_SAMPLE, idx);
        t->el = r->elements + used;
        used += t->evaluated;
        (void)ly;
        bool done = check_tensor(&p, &w, ana, t->off, t->cols, idx, t->evaluated, r, t);
        r->evaluated += t->evaluated;
        r->skipped += t->skipped;
        r->failed += t->failed;
        if (!done) {
            r->interrupted = true;
            r->n_tensors = i + 1;
            break;
        }
    }
    free(ana);
    free(w.save);
    probe_close(&p);
    return 0;
}

/* ---- diagnose ---- */

static void add_finding(Diagnosis *d, FindingKind kind, int layer, double value)
{
    if (d->n_findings >= INSPECT_MAX_FINDINGS)
        return;
    Finding *f = &d->finding[d->n_findings++];
    f->kind = kind;
    f->layer = layer;
    f->value = value;
    f->at = f->since = 0;
}

/* True when every column of W (n_in, n_out) and every entry of b are the
 * same up to rounding: the units of the layer cannot tell themselves apart. */
static bool columns_equal(const double *w, const double *b, int n_in, int n_out)
{
    if (n_out < 2)
        return false;
    for (int j = 1; j < n_out; j++)
        if (fabs(b[j] - b[0]) > 1e-9 * (1.0 + fabs(b[0])))
            return false;
    for (int i = 0; i < n_in; i++) {
        const double *row = w + (size_t)i * (size_t)n_out; /* (n_out) */
        for (int j = 1; j < n_out; j++)
            if (fabs(row[j] - row[0]) > 1e-9 * (1.0 + fabs(row[0])))
                return false;
    }
    return true;
}

/* True when every filter (row of K, (c_out, patch)) and every bias are the same. */
static bool filters_equal(const double *kern, const double *c, int c_out, int patch)
{
    if (c_out < 2)
        return false;
    for (int f = 1; f < c_out; f++) {
        if (fabs(c[f] - c[0]) > 1e-9 * (1.0 + fabs(c[0])))
            return false;
        for (int j = 0; j < patch; j++) {
            double v0 = kern[j], v = kern[(size_t)f * (size_t)patch + (size_t)j];
            if (fabs(v - v0) > 1e-9 * (1.0 + fabs(v0)))
                return false;
        }
    }
    return true;
}

/* Activation statistics, dead and saturated units of layer k (0-based).
 * A conv layer's unit is a filter: dead when no row activates it at any
 * position, saturated when most of its values are. */
static void measure_units(const Model *m, int k, int rows, LayerDiag *ld)
{
    const Layer *ly = &m->layer[k];
    bool conv = ly->kind == LAYER_CONV;
    int n_map = ly->n_map, units = conv ? ly->c_out : ly->n_out, per = conv ? ly->h_out * ly->w_out : 1;
    const double *z = m->z[k], *a = m->a[k]; /* (rows, n_map) */
    size_t n = (size_t)rows * (size_t)n_map;
    double sum = 0;
    for (size_t i = 0; i < n; i++)
        sum += a[i];
    double mean = sum / (double)n, ss = 0;
    for (size_t i = 0; i < n; i++)
        ss += (a[i] - mean) * (a[i] - mean);
    ld->a_mean = mean;
    ld->a_std = sqrt(ss / (double)n);
    if (k == m->n_layers - 1)
        return; /* the output layer is linear: nothing dies or saturates */
    for (int j = 0; j < units; j++) {
        int active = 0, sat = 0;
        for (int i = 0; i < rows; i++)
            for (int q = 0; q < per; q++) {
                size_t at = (size_t)i * (size_t)n_map + (size_t)j * (size_t)per + (size_t)q;
                active += z[at] > 0;
                if (ly->act == ACT_SIGMOID)
                    sat += a[at] < 0.01 || a[at] > 0.99;
                else if (ly->act == ACT_TANH)
                    sat += fabs(a[at]) > 0.99;
            }
        if ((ly->act == ACT_RELU || ly->act == ACT_LEAKY_RELU) && active == 0)
            ld->dead++;
        if (sat > INSPECT_SAT_SAMPLES * rows * per)
            ld->saturated++;
    }
}

/* The findings about the signal's scale through the layers: activations
 * that shrink or grow layer over layer, or huge logits. Sets *vanish / *explode when one fires. */
static void signal_findings(Diagnosis *d, bool *vanish, bool *explode)
{
    int L = d->n_layers;
    const LayerDiag *first = &d->layer[0], *last_h = &d->layer[L >= 2 ? L - 2 : 0], *out = &d->layer[L - 1];
    if (L >= 3 && first->a_std > 0 && isfinite(last_h->a_std)) {
        double r = last_h->a_std / first->a_std;
        if (r < INSPECT_SIGNAL_VANISH) {
            add_finding(d, FIND_SIGNAL_VANISH, L - 1, r);
            *vanish = true;
        } else if (r > INSPECT_SIGNAL_EXPLODE) {
            add_finding(d, FIND_SIGNAL_EXPLODE, L - 1, r);
            *explode = true;
        }
    }
    double logits = sqrt(out->a_mean * out->a_mean + out->a_std * out->a_std);
    if (!*explode && L >= 2 && d->classification && logits > INSPECT_LOGIT_BIG) {
        add_finding(d, FIND_SIGNAL_EXPLODE, L, logits);
        *explode = true;
    }
}

/* The findings, most fundamental first. */
/* Unscaled inputs: the training rows' feature standard deviations, when
 * not standardized, more than INSPECT_UNSCALED times apart. */
static void unscaled_finding(const Session *s, Diagnosis *d)
{
    const Dataset *ds = s->data;
    if (ds->standardized || ds->d < 2 || ds->n_train < 2)
        return;
    double lo = INFINITY, hi = 0;
    int wide = 0;
    for (int j = 0; j < ds->d; j++) {
        double mean = 0, sq = 0;
        for (int i = 0; i < ds->n_train; i++)
            mean += ds->x[(size_t)i * ds->d + j];
        mean /= ds->n_train;
        for (int i = 0; i < ds->n_train; i++) {
            double v = ds->x[(size_t)i * ds->d + j] - mean;
            sq += v * v;
        }
        double sd = sqrt(sq / ds->n_train);
        if (sd > 0 && sd < lo)
            lo = sd;
        if (sd > hi) {
            hi = sd;
            wide = j;
        }
    }
    if (lo < INFINITY && hi / lo >= INSPECT_UNSCALED && d->n_findings < INSPECT_MAX_FINDINGS) {
        add_finding(d, FIND_UNSCALED, 0, hi / lo);
        d->finding[d->n_findings - 1].at = wide;
    }
}

/* Large gradients from large targets: a regression whose inputs are
 * standardized (so they are not the cause) and one of whose targets has a
 * standard deviation above INSPECT_TARGET_BIG on the training rows, which
 * the errors, and the gradients with them, scale with. True when found. */
static bool target_finding(const Session *s, Diagnosis *d, int layer)
{
    const Dataset *ds = s->data;
    if (ds->classification || !ds->standardized || ds->n_train < 2)
        return false;
    double top = 0;
    int col = 0;
    for (int j = 0; j < ds->t; j++) {
        double mean = 0, sq = 0;
        for (int i = 0; i < ds->n_train; i++)
            mean += ds->y[(size_t)i * ds->t + j];
        mean /= ds->n_train;
        for (int i = 0; i < ds->n_train; i++) {
            double v = ds->y[(size_t)i * ds->t + j] - mean;
            sq += v * v;
        }
        double sd = sqrt(sq / ds->n_train);
        if (sd > top) {
            top = sd;
            col = j;
        }
    }
    if (!(top > INSPECT_TARGET_BIG) || d->n_findings >= INSPECT_MAX_FINDINGS)
        return false;
    add_finding(d, FIND_TARGET_SCALE, layer, top);
    d->finding[d->n_findings - 1].at = col;
    return true;
}

/* What the run so far says of the loss: 1 rising (its latest point above
 * its first, or not finite), 0 not rising, -1 unknown (fewer than two
 * points since the model was made or initialized). */
static int loss_rising(const Trace *t)
{
    if (t->len < 2)
        return -1;
    double last = t->loss[t->len - 1];
    return !isfinite(last) || last > t->loss[0];
}

/* Overfitting: the validation loss INSPECT_OVERFIT_EPOCHS epochs or more
 * past its best and above it, while the training loss fell since then. */
static void overfit_finding(const Session *s, Diagnosis *d)
{
    const Trace *t = s->trace;
    int best = -1;
    for (int i = 0; i < t->e_len; i++)
        if (isfinite(t->e_val[i]) && (best < 0 || t->e_val[i] < t->e_val[best]))
            best = i;
    int last = t->e_len - 1;
    if (best < 0 || last - best < INSPECT_OVERFIT_EPOCHS || !isfinite(t->e_val[last]))
        return;
    if (t->e_val[last] > t->e_val[best] * (1 + INSPECT_OVERFIT_RISE) && t->e_train[last] < t->e_train[best]) {
        add_finding(d, FIND_OVERFIT, 0, t->e_val[last] / t->e_val[best]);
        Finding *f = &d->finding[d->n_findings - 1];
        f->at = t->e_epoch[last] - t->e_epoch[best];
        f->since = s->steps - t->e_step[best];
    }
}

/* How much of the gap from chance to perfect a share closes: accuracy
 * against the largest class's share, or R² (chance 0). NaN when unknown. */
static double gap_closed(Session *s, DataShare share)
{
    EvalReport r;
    char err[ERR_LEN];
    if (session_eval_report(s, share, &r, err) != 0)
        return NAN;
    double v = r.regm.r2;
    if (r.classification) {
        long top = 0;
        for (int k = 0; k < s->data->n_classes; k++)
            if (r.per[k].support > top)
                top = r.per[k].support;
        double chance = (double)top / (double)r.n;
        v = chance < 1 ? (r.accuracy - chance) / (1 - chance) : 1;
    }
    session_report_free(&r);
    return v;
}

/* Underfitting, only when nothing more specific was found: the training
 * loss flat over the last INSPECT_FLAT_EPOCHS epochs, and the training
 * (and validation) rows closing less than INSPECT_UNDERFIT of the gap. */
static void underfit_finding(Session *s, Diagnosis *d)
{
    const Trace *t = s->trace;
    int last = t->e_len - 1, first = last - INSPECT_FLAT_EPOCHS;
    if (d->n_findings > 0 || first < 0)
        return;
    double a = t->e_train[first], b = t->e_train[last];
    if (!(fabs(a - b) <= INSPECT_FLAT * fabs(a)))
        return;
    double tr = gap_closed(s, DATA_TRAIN);
    double va = session_has_share(s, DATA_VAL) ? gap_closed(s, DATA_VAL) : tr;
    if (tr < INSPECT_UNDERFIT && va < INSPECT_UNDERFIT) {
        add_finding(d, FIND_UNDERFIT, 0, tr);
        d->finding[d->n_findings - 1].at = t->e_epoch[last] - t->e_epoch[first];
    }
}

/* What the run so far says about fitting: overfitting, underfitting. */
static void fit_findings(Session *s, Diagnosis *d)
{
    overfit_finding(s, d);
    underfit_finding(s, d);
}

/* A parameter NaN, Inf or above INSPECT_PARAM_HUGE: the first, and how
 * many there are. */
static void huge_finding(const Session *s, Diagnosis *d)
{
    const Model *m = s->model;
    long first = -1, count = 0;
    for (size_t i = 0; i < m->n_params; i++)
        if (!(fabs(m->params[i]) <= INSPECT_PARAM_HUGE)) {
            first = first < 0 ? (long)i : first;
            count++;
        }
    if (first < 0)
        return;
    int layer = 1;
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *ly = &m->layer[k - 1];
        size_t w0 = ly->w_off, b0 = ly->b_off;
        if (((size_t)first >= w0 && (size_t)first < w0 + layer_weights(ly)) ||
            ((size_t)first >= b0 && (size_t)first < b0 + layer_biases(ly)))
            layer = k;
    }
    add_finding(d, FIND_HUGE_PARAM, layer, m->params[first]);
    d->finding[d->n_findings - 1].at = first;
    d->finding[d->n_findings - 1].since = count;
}

static void draw_findings(Session *s, Diagnosis *d)
{
    huge_finding(s, d); /* first: the numbers of its layer mean nothing */
    unscaled_finding(s, d); /* it is often the cause of what follows */
    if (!isfinite(d->loss)) { /* every gradient is Inf or NaN: nothing else to read from them */
        add_finding(d, FIND_LOSS_NONFINITE, 0, d->loss);
        return;
    }
    int L = d->n_layers;
    bool quiet_grads = true;
    for (int k = 1; k <= L; k++) {
        const LayerDiag *ld = &d->layer[k - 1];
        if (ld->symmetric)
            add_finding(d, FIND_SYMMETRY, k, ld->weight_norm);
        if (ld->grad_norm > 0)
            quiet_grads = false;
    }
    if (quiet_grads)
        add_finding(d, FIND_ZERO_GRAD, 0, 0.0);
    for (int k = 1; k < L; k++)
        if (d->layer[k - 1].n_dup > 0)
            add_finding(d, FIND_DUPLICATE, k, d->layer[k - 1].n_dup);
    bool vanish = false, explode = false;
    if (!quiet_grads)
        signal_findings(d, &vanish, &explode);
    for (int k = 1; k < L; k++) {
        const LayerDiag *ld = &d->layer[k - 1];
        /* all-zero weights make every unit "dead"; the symmetry finding says why */
        bool zero = ld->symmetric && ld->weight_norm == 0;
        if (!zero && ld->dead > 0 && ld->dead >= INSPECT_DEAD_SHARE * ld->n_out)
            add_finding(d, FIND_DEAD, k, (double)ld->dead / ld->n_out);
        if (ld->saturated > 0 && ld->saturated >= INSPECT_SAT_SHARE * ld->n_out)
            add_finding(d, FIND_SATURATED, k, (double)ld->saturated / ld->n_out);
    }
    double g1 = d->layer[0].grad_norm, gl = d->layer[L - 1].grad_norm;
    int big = 1;
    for (int k = 1; k <= L; k++)
        if (d->layer[k - 1].grad_norm > d->layer[big - 1].grad_norm)
            big = k;
    /* a gradient that shrinks toward the input: |dW1| against |dW_L|, or
     * (dW = A^T dZ can stay level while dZ vanishes, when A grows as the
     * gradient shrinks) the rms of dZ1 against the last hidden layer's */
    const LayerDiag *last_h = &d->layer[L >= 2 ? L - 2 : 0];
    if (!quiet_grads && L >= 2 && gl > 0 && g1 / gl < INSPECT_VANISH) {
        add_finding(d, FIND_VANISHING, 1, g1 / gl);
        vanish = true;
    } else if (!quiet_grads && L >= 3 && last_h->dz_rms > 0 &&
               d->layer[0].dz_rms / last_h->dz_rms < INSPECT_DZ_VANISH) {
        add_finding(d, FIND_DZ_VANISH, 1, d->layer[0].dz_rms / last_h->dz_rms);
        vanish = true;
    }
    /* large gradients explode when the loss rises; while it falls they
     * are only large (said so); large targets explain them unless it rises */
    bool big_grads = d->layer[big - 1].grad_norm > INSPECT_GRAD_BIG;
    bool targets = big_grads && target_finding(s, d, big);
    int rising = big_grads ? loss_rising(s->trace) : 0;
    explode = explode || targets;
    if (big_grads && (!targets || rising == 1)) {
        add_finding(d, FIND_EXPLODING, big, d->layer[big - 1].grad_norm);
        d->finding[d->n_findings - 1].at = rising == 1 ? 1 : rising == 0 ? -1 : 0;
        explode = true;
    } else if (!big_grads && L >= 2 && gl > 0 && g1 / gl > INSPECT_EXPLODE) {
        add_finding(d, FIND_EXPLODING, 1, g1 / gl);
        explode = true;
    }
    /* the update ratio: only measured, or expected where sgd's formula
     * holds; a vanishing or exploding signal already explains a small or
     * large one, and the learning rate is not what to change then */
    if (!quiet_grads && (d->measured || optim_desc(s->opt.kind)->sgd_first_step)) {
        int top = 0;
        for (int k = 1; k <= L; k++) {
            double v = d->layer[k - 1].update_ratio;
            if (isfinite(v) && (top == 0 || v > d->layer[top - 1].update_ratio))
                top = k;
        }
        if (top) {
            double v = d->layer[top - 1].update_ratio;
            if (v > INSPECT_RATIO_HIGH && !explode)
                add_finding(d, FIND_UPDATE_HIGH, top, v);
            else if (v < INSPECT_RATIO_LOW && !vanish)
                add_finding(d, FIND_UPDATE_LOW, top, v);
        }
    }
    fit_findings(s, d);
    if (d->n_findings == 0)
        add_finding(d, FIND_HEALTHY, 0, 0.0);
}

int inspect_diagnose(Session *s, Diagnosis *d, char *err)
{
    Probe p;
    int rc = probe_open(s, &p, "diagnose", err);
    if (rc != 0)
        return rc;
    memset(d, 0, sizeof *d);
    Model *m = p.m;
    d->n_layers = m->n_layers;
    d->rows = p.rows;
    d->lr = s->opt.lr;
    d->classification = s->data->classification;
    d->loss = probe_loss(&p, true);
    const Snapshot *snap = session_snapshot(s, 0);
    d->measured = snap != NULL;
    if (snap)
        d->update_step = snap->steps + 1;
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *ly = &m->layer[k - 1];
        LayerDiag *ld = &d->layer[k - 1];
        size_t nw = layer_weights(ly);
        Mat wv = nn_weight(m, k); /* (n_in, n_out), or a conv kernel as (c_out, c_in·k·k) */
        bool conv = ly->kind == LAYER_CONV;
        ld->n_in = conv ? wv.cols : ly->n_in;
        ld->n_out = conv ? ly->c_out : ly->n_out;
        ld->ndim = layer_weight_shape(ly, ld->dims);
        ld->act = ly->act;
        measure_units(m, k - 1, p.rows, ld);
        ld->grad_norm = mat_norm(m->grads + ly->w_off, nw);
        ld->weight_norm = mat_norm(m->params + ly->w_off, nw);
        ld->symmetric = k < m->n_layers &&
                        (conv ? filters_equal(m->params + ly->w_off, m->params + ly->b_off, wv.rows, wv.cols)
                              : columns_equal(m->params + ly->w_off, m->params + ly->b_off, ly->n_in, ly->n_out));
        if (k < m->n_layers && !ld->symmetric && !conv)
            inspect_find_duplicates(m, k - 1, ld);
        ld->bias_grad_norm = mat_norm(m->grads + ly->b_off, layer_biases(ly));
        size_t nz = (size_t)p.rows * (size_t)ly->n_map;
        ld->dz_rms = mat_norm(m->dz[k - 1], nz) / sqrt((double)nz);
        double step;
        if (snap) {
            /* the copy's gradients are spent: they hold W - W_before now */
            double *dw = m->grads + ly->w_off;
            for (size_t i = 0; i < nw; i++)
                dw[i] = m->params[ly->w_off + i] - snap->params[ly->w_off + i];
            step = mat_norm(dw, nw);
        } else {
            step = d->lr * ld->grad_norm;
        }
        ld->update_ratio = ld->weight_norm > 0 ? step / ld->weight_norm : NAN;
    }
    draw_findings(s, d);
    probe_close(&p);
    return 0;
}
