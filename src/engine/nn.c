/* nn.c — the activations and the dense network. Parameters live in one flat
 * buffer (W1 b1 W2 b2 ...), gradients in a second with the same layout, and
 * the per-layer tensors Z, A, dZ, dA of every layer in one third buffer sized
 * for `cap` rows. Forward and backward do their products with mat_gemm and
 * allocate nothing. The activations follow PyTorch's definitions and its
 * backward formulas (torch 1.13), including the value taken at the kinks;
 * gelu's Phi(z) = (1 + erf(z/sqrt2))/2 is computed as erfc(-z/sqrt2)/2, the
 * same number without the cancellation for negative z. */
#include "nn.h"

#include <assert.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NN_MAX_WIDTH 100000          /* largest n_in / n_out accepted */
#define NN_MAX_PARAMS 200000000u     /* largest parameter count accepted */
#define NN_MAX_BUF 536870912u        /* largest activation buffer, in doubles (4 GiB) */

#define LEAKY_SLOPE 0.01
#define ELU_ALPHA 1.0
#define SOFTPLUS_BETA 1.0
#define SOFTPLUS_THRESHOLD 20.0
#define INV_SQRT2 0.70710678118654752440     /* 1/sqrt(2) */
#define INV_SQRT2PI 0.39894228040143267794   /* 1/sqrt(2*pi) */

static const char *const act_names[ACT_COUNT] = {
    "identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
    "gelu",
};

const char *act_name(Act a)
{
    return (unsigned)a < ACT_COUNT ? act_names[a] : "?";
}

int act_parse(const char *s, Act *out)
{
    for (int i = 0; i < ACT_COUNT; i++) {
        if (strcmp(s, act_names[i]) == 0) {
            *out = (Act)i;
            return 0;
        }
    }
    return -1;
}

/* tanh, VW values at a time. glibc's tanh (s_tanh.c) is 1 - 2/(e + 2)
 * with e = expm1(2x) for x >= 1 and -e/(e + 2) with e = expm1(-2x) below
 * (x = |z|); both are |e|/(e + 2), so one formula serves every x, and its
 * expm1 needs no branch either: y = k ln2 + r with |r| <= ln2/2 (ln2 in two
 * parts, so k ln2 is exact), e^r - 1 by its Taylor series to r^13 (the rest
 * is below 1e-17 of it) in Estrin's order, then 2^k (e^r - 1) + (2^k - 1),
 * where 2^k - 1 is exact. Written with GCC/Clang vector types, so the
 * compiler emits SIMD even for the baseline x86-64 (two values an
 * instruction; four where AVX2 is); the same operations one lane at a time
 * would give the same bits. Within 3 ulp of
 * glibc's tanh (95% of values equal; tests/engine/test_nn.c checks it), and
 * several times faster. As glibc: z for |z| < 2^-28, +-1 from 22 on. */
/* The helpers below take and return 32-byte vectors; they are static and
 * always inlined (each build of act_forward gets its own copy), so GCC's
 * note that such arguments pass differently with and without AVX concerns
 * no call that exists (the Makefile's -Wno-psabi; a pragma cannot silence
 * it). */
typedef double Vd __attribute__((vector_size(32)));
typedef int64_t Vi __attribute__((vector_size(32)));
#define VW 4 /* values in a Vd */

static inline __attribute__((always_inline)) Vd vd(double a)
{
    Vd v = {a, a, a, a};
    return v;
}

static inline __attribute__((always_inline)) Vi vi(int64_t a)
{
    Vi v = {a, a, a, a};
    return v;
}

/* a where mask is set (all ones), else b */
static inline __attribute__((always_inline)) Vd vd_select(Vi mask, Vd a, Vd b)
{
    return (Vd)((mask & (Vi)a) | (~mask & (Vi)b));
}

/* e^y - 1 for -45 <= y <= 45 */
static inline __attribute__((always_inline)) Vd vd_expm1(Vd y)
{
    const double ln2_hi = 6.93147180369123816490e-01; /* 32 bits: k*ln2_hi exact */
    const double ln2_lo = 1.90821492927058770002e-10;
    const double inv_ln2 = 1.44269504088896338700e+00;
    const double shift = 6755399441055744.0;          /* 1.5 * 2^52: rounds to an integer */
    Vd t = y * vd(inv_ln2) + vd(shift);               /* shift + k: k in the low bits */
    Vd kf = t - vd(shift);
    Vd r = (y - kf * vd(ln2_hi)) - kf * vd(ln2_lo);
    Vd r2 = r * r, r4 = r2 * r2, r8 = r4 * r4;
    /* (e^r - 1 - r) / r^2 = sum of r^i / (i+2)! for i = 0..11 */
    Vd p01 = vd(1.0 / 2) + r * vd(1.0 / 6);
    Vd p23 = vd(1.0 / 24) + r * vd(1.0 / 120);
    Vd p45 = vd(1.0 / 720) + r * vd(1.0 / 5040);
    Vd p67 = vd(1.0 / 40320) + r * vd(1.0 / 362880);
    Vd p89 = vd(1.0 / 3628800) + r * vd(1.0 / 39916800);
    Vd pab = vd(1.0 / 479001600) + r * vd(1.0 / 6227020800.0);
    Vd q = (p01 + r2 * p23) + r4 * (p45 + r2 * p67) + r8 * (p89 + r2 * pab);
    Vd p = r + r2 * q;                                /* e^r - 1 */
    Vi k = (Vi)t - (Vi)vd(shift);
    Vd two_k = (Vd)((k + vi(1023)) << vi(52));
    return two_k * p + (two_k - vd(1.0));
}

static inline __attribute__((always_inline)) Vd vd_tanh(Vd z)
{
    const Vi abs_bits = vi(INT64_MAX), sign = (Vi)z & ~abs_bits;
    Vd x = (Vd)((Vi)z & abs_bits);
    Vi in_range = x < vd(22.0);                      /* false for NaN */
    x = vd_select(in_range, x, vd(0.5));              /* keeps the lanes finite */
    Vd e = vd_expm1(vd_select(x < vd(1.0), -2.0 * x, 2.0 * x));
    Vd t = (Vd)((Vi)e & abs_bits) / (e + vd(2.0));
    Vd res = (Vd)((Vi)t | sign);
    res = vd_select(x < vd(0x1p-28), z, res);
    Vd one = vd_select(z != z, z, (Vd)((Vi)vd(1.0) | sign));
    return vd_select(in_range, res, one);
}

static double tanh_fast(double z)
{
    return vd_tanh(vd(z))[0];
}

/* 1/(1+exp(-z)) without overflow for large |z|. */
static double sigmoid(double z)
{
    if (z >= 0)
        return 1.0 / (1.0 + exp(-z));
    double e = exp(z);
    return e / (1.0 + e);
}

double act_apply(Act a, double z)
{
    switch (a) {
    case ACT_SIGMOID:
        return sigmoid(z);
    case ACT_TANH:
        return tanh_fast(z);
    case ACT_RELU:
        return z > 0 ? z : 0.0;
    case ACT_LEAKY_RELU:
        return z > 0 ? z : LEAKY_SLOPE * z;
    case ACT_ELU:
        return z > 0 ? z : ELU_ALPHA * expm1(z);
    case ACT_SOFTPLUS:
        return z * SOFTPLUS_BETA > SOFTPLUS_THRESHOLD
                   ? z
                   : log1p(exp(z * SOFTPLUS_BETA)) / SOFTPLUS_BETA;
    case ACT_GELU:
        return 0.5 * z * erfc(-z * INV_SQRT2); /* = 0.5 z (1 + erf(z/sqrt2)) */
    case ACT_IDENTITY:
    case ACT_COUNT:
        break;
    }
    return z;
}

/* act'(z) given z and out = act(z): PyTorch's backward formulas. */
static double derivative(Act a, double z, double out)
{
    switch (a) {
    case ACT_SIGMOID:
        return out * (1.0 - out);              /* sigmoid_backward */
    case ACT_TANH:
        return 1.0 - out * out;                /* tanh_backward */
    case ACT_RELU:
        return z > 0 ? 1.0 : 0.0;              /* threshold_backward: 0 at 0 */
    case ACT_LEAKY_RELU:
        return z > 0 ? 1.0 : LEAKY_SLOPE;      /* slope at 0 */
    case ACT_ELU:
        return z > 0 ? 1.0 : ELU_ALPHA * exp(z); /* 1 at 0 */
    case ACT_SOFTPLUS: {
        double bz = z * SOFTPLUS_BETA;
        if (bz > SOFTPLUS_THRESHOLD)
            return 1.0;
        double e = exp(bz);                    /* softplus_backward */
        return e / (e + 1.0);
    }
    case ACT_GELU:                             /* Phi(z) + z * phi(z) */
        return 0.5 * erfc(-z * INV_SQRT2) +
               z * INV_SQRT2PI * exp(-0.5 * z * z);
    case ACT_IDENTITY:
    case ACT_COUNT:
        break;
    }
    return 1.0;
}

double act_derivative(Act a, double z)
{
    return derivative(a, z, act_apply(a, z));
}

/* act_forward and act_backward in two builds, one for processors with
 * AVX2 (four values in one instruction) and one for any x86-64 (two),
 * the right one chosen when the program starts; both do the same IEEE
 * operations on each value (no fused multiply-add: -std=c11 keeps them
 * apart), so they give the same bits. */
#if defined(__x86_64__) && defined(__GNUC__) && !defined(__clang__) && !defined(__SANITIZE_ADDRESS__)
#define ACT_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define ACT_CLONES
#endif

/* The loops below give relu and tanh, the common cases, a loop of their
 * own (the same formulas as act_apply and derivative, without a switch per
 * value); the rest go value by value through those. */
ACT_CLONES void act_forward(Act a, const double *z, double *out, size_t n)
{
    switch (a) {
    case ACT_RELU: { /* VW at a time without a branch: signs are a coin toss */
        size_t i = 0;
        for (; i + VW <= n; i += VW) {
            Vd v;
            memcpy(&v, z + i, sizeof v);
            v = vd_select(v > vd(0), v, vd(0.0));
            memcpy(out + i, &v, sizeof v);
        }
        for (; i < n; i++)
            out[i] = z[i] > 0 ? z[i] : 0.0;
        return;
    }
    case ACT_TANH: {
        size_t i = 0;
        for (; i + VW <= n; i += VW) {
            Vd v;
            memcpy(&v, z + i, sizeof v);
            v = vd_tanh(v);
            memcpy(out + i, &v, sizeof v);
        }
        for (; i < n; i++)
            out[i] = tanh_fast(z[i]);
        return;
    }
    case ACT_SIGMOID:
    case ACT_LEAKY_RELU:
    case ACT_ELU:
    case ACT_SOFTPLUS:
    case ACT_GELU:
        for (size_t i = 0; i < n; i++)
            out[i] = act_apply(a, z[i]);
        return;
    case ACT_IDENTITY:
    case ACT_COUNT:
        break;
    }
    if (out != z) /* identity, and anything out of range */
        memmove(out, z, n * sizeof *out);
}

ACT_CLONES void act_backward(Act a, const double *z, const double *out,
                  const double *da, double *dz, size_t n)
{
    switch (a) {
    case ACT_RELU: {
        size_t i = 0;
        for (; i + VW <= n; i += VW) {
            Vd v, d;
            memcpy(&v, z + i, sizeof v);
            memcpy(&d, da + i, sizeof d);
            d = d * vd_select(v > vd(0), vd(1.0), vd(0.0));
            memcpy(dz + i, &d, sizeof d);
        }
        for (; i < n; i++)
            dz[i] = da[i] * (z[i] > 0 ? 1.0 : 0.0);
        return;
    }
    case ACT_TANH: {
        size_t i = 0;
        for (; i + VW <= n; i += VW) {
            Vd o, d;
            memcpy(&o, out + i, sizeof o);
            memcpy(&d, da + i, sizeof d);
            d = d * (vd(1.0) - o * o);
            memcpy(dz + i, &d, sizeof d);
        }
        for (; i < n; i++)
            dz[i] = da[i] * (1.0 - out[i] * out[i]);
        return;
    }
    default:
        for (size_t i = 0; i < n; i++)
            dz[i] = da[i] * derivative(a, z[i], out[i]);
    }
}

/* ---- the model ---- */

/* The doubles one row of layer k's tensors takes: Z, A, dZ, dA of n_map
 * each, after a pool P, dP and the maxima's indices of n_out each, and
 * what forward keeps for backward. */
static size_t layer_units(const Layer *l)
{
    return 4 * (size_t)l->n_map + (l->pool ? 3 * (size_t)l->n_out : 0) + layer_keep(l);
}

/* Total over the layers: the width of one row of every tensor. */
static size_t units(const Model *m)
{
    size_t u = 0;
    for (int k = 0; k < m->n_layers; k++)
        u += layer_units(&m->layer[k]);
    return u;
}

/* The largest scratch a layer needs at cap rows (0 without conv). */
static size_t scratch_len(const Model *m, int cap)
{
    size_t n = 0;
    for (int k = 0; k < m->n_layers; k++) {
        size_t s = layer_scratch(&m->layer[k], cap);
        n = s > n ? s : n;
    }
    return n;
}

/* The pool tensors of every layer: where[0] P, where[1] dP, where[2] the
 * indices; and what forward keeps for backward. */
typedef struct PoolPtrs {
    double *p[NN_MAX_LAYERS], *dp[NN_MAX_LAYERS], *idx[NN_MAX_LAYERS], *keep[NN_MAX_LAYERS];
} PoolPtrs;

/* Points z/a/dz/da (and the pool tensors) into buf. Layer k owns a block
 * of cap * layer_units doubles holding its Z, A, dZ, dA back to back, each
 * (cap, n_map), then P, dP and the indices (cap, n_out) after a pool,
 * then (cap, layer_keep) for backward when the layer keeps anything.
 * The last layer's A and dA are separate copies of Z and dZ (not aliases),
 * so editing one never changes the other behind the learner's back. */
static void carve_all(const Model *m, double *buf, int cap, double **z, double **a,
                      double **dz, double **da, PoolPtrs *pp)
{
    double *p = buf;
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *l = &m->layer[k];
        size_t n = (size_t)cap * (size_t)l->n_map, o = (size_t)cap * (size_t)l->n_out;
        z[k] = p;
        a[k] = p + n;
        dz[k] = p + 2 * n;
        da[k] = p + 3 * n;
        p += 4 * n;
        pp->p[k] = pp->dp[k] = pp->idx[k] = NULL;
        if (l->pool) {
            pp->p[k] = p;
            pp->dp[k] = p + o;
            pp->idx[k] = p + 2 * o;
            p += 3 * o;
        }
        pp->keep[k] = layer_keep(l) ? p : NULL;
        p += (size_t)cap * layer_keep(l);
    }
}

static void carve(Model *m, double *buf, int cap, double **z, double **a,
                  double **dz, double **da)
{
    PoolPtrs pp;
    carve_all(m, buf, cap, z, a, dz, da, &pp);
    memcpy(m->p, pp.p, sizeof m->p);
    memcpy(m->dp, pp.dp, sizeof m->dp);
    memcpy(m->pidx, pp.idx, sizeof m->pidx);
    memcpy(m->keep, pp.keep, sizeof m->keep);
}

/* Doubles needed for the activation buffers at cap rows, 0 if too many. */
static size_t buf_len(const Model *m, int cap)
{
    size_t u = units(m);
    if ((size_t)cap > NN_MAX_BUF / u)
        return 0;
    return (size_t)cap * u;
}

/* Doubles the dropout buffers need at cap rows (a mask and A ⊙ mask per
 * dropout layer); 0 without dropout. buf_len bounds cap already. */
static size_t drop_len(const Model *m, int cap)
{
    size_t u = 0;
    for (int k = 0; k < m->n_layers; k++)
        if (m->drop[k] > 0)
            u += (size_t)m->layer[k].n_out;
    return 2 * (size_t)cap * u;
}

/* Points mask/h of the dropout layers into buf (NULL for the others). */
static void carve_drop(const Model *m, double *buf, int cap, double **mask, double **h)
{
    double *p = buf;
    for (int k = 0; k < m->n_layers; k++) {
        mask[k] = h[k] = NULL;
        if (!(m->drop[k] > 0))
            continue;
        size_t n = (size_t)cap * (size_t)m->layer[k].n_out;
        mask[k] = p;
        h[k] = p + n;
        p += 2 * n;
    }
}

/* n mask values of layer k set to 1/(1-p): every unit kept. */
static void drop_fill(const Model *m, int k, double *mask, size_t n)
{
    double keep = 1.0 / (1.0 - m->drop[k]);
    for (size_t i = 0; i < n; i++)
        mask[i] = keep;
}

int nn_check_sizes(const int *sizes, int n_layers, char *err)
{
    if (n_layers < 1 || n_layers > NN_MAX_LAYERS)
        return util_err(err, "a model needs 1 to %d layers, not %d", NN_MAX_LAYERS, n_layers);
    for (int i = 0; i <= n_layers; i++) {
        if (sizes[i] < 1 || sizes[i] > NN_MAX_WIDTH) {
            if (i == 0)
                return util_err(err, "the input has %d features: widths must be "
                                "1 to %d", sizes[0], NN_MAX_WIDTH);
            return util_err(err, "layer %d has %d units: widths must be 1 to %d",
                            i, sizes[i], NN_MAX_WIDTH);
        }
    }
    return 0;
}

Model *nn_new(const int *sizes, int n_layers, Act hidden, int cap, char *err)
{
    if (nn_check_sizes(sizes, n_layers, err) != 0)
        return NULL;
    Layer layers[NN_MAX_LAYERS];
    for (int k = 0; k < n_layers; k++)
        layer_dense(&layers[k], sizes[k], sizes[k + 1]);
    return nn_new_layers(layers, n_layers, hidden, cap, err);
}

/* Checks the layers and sets their offsets and activations into m. */
static int shape_layers(Model *m, const Layer *layers, int n_layers, Act hidden, char *err)
{
    m->n_layers = n_layers;
    size_t off = 0;
    for (int k = 0; k < n_layers; k++) {
        Layer *l = &m->layer[k];
        *l = layers[k];
        if (l->n_in < 1 || l->n_out < 1 || l->n_map < 1 || (unsigned)l->n_in > NN_MAX_BUF || (unsigned)l->n_map > NN_MAX_BUF)
            return util_err(err, "layer %d has no units (%d in, %d out)", k + 1, l->n_in, l->n_out);
        if (l->kind == LAYER_DENSE && (l->n_in > NN_MAX_WIDTH || l->n_out > NN_MAX_WIDTH))
            return util_err(err, "layer %d has %d inputs and %d units: widths must be 1 to %d", k + 1,
                            l->n_in, l->n_out, NN_MAX_WIDTH);
        if (k > 0 && l->n_in != layers[k - 1].n_out)
            return util_err(err, "layer %d reads %d values but layer %d gives %d", k + 1, l->n_in, k,
                            layers[k - 1].n_out);
        if (l->kind != LAYER_DENSE && k == n_layers - 1)
            return util_err(err, "the output layer must be dense");
        l->act = k == n_layers - 1 ? ACT_IDENTITY : hidden;
        l->w_off = off;
        off += layer_weights(l); /* <= 1e10: no overflow */
        l->b_off = off;
        off += layer_biases(l);
        if (off > NN_MAX_PARAMS)
            return util_err(err, "the model would have more than %u parameters "
                            "(layer %d alone has %zu): use narrower layers",
                            NN_MAX_PARAMS, k + 1, layer_weights(l) + layer_biases(l));
    }
    m->n_params = off;
    return 0;
}

Model *nn_new_layers(const Layer *layers, int n_layers, Act hidden, int cap, char *err)
{
    if (n_layers < 1 || n_layers > NN_MAX_LAYERS) {
        util_err(err, "a model needs 1 to %d layers, not %d", NN_MAX_LAYERS,
                 n_layers);
        return NULL;
    }
    if ((unsigned)hidden >= ACT_COUNT) {
        util_err(err, "unknown activation (%d)", (int)hidden);
        return NULL;
    }
    if (cap < 1) {
        util_err(err, "the batch capacity must be at least 1, not %d", cap);
        return NULL;
    }
    Model *m = util_calloc(1, sizeof *m);
    if (!m) {
        util_err(err, "out of memory for the model");
        return NULL;
    }
    if (shape_layers(m, layers, n_layers, hidden, err) != 0) {
        free(m);
        return NULL;
    }
    size_t off = m->n_params;
    size_t nb = buf_len(m, cap), ns = scratch_len(m, cap);
    if (nb == 0 || ns > NN_MAX_BUF) {
        util_err(err, "a batch capacity of %d rows needs more than %u values "
                 "of activations: use a smaller batch", cap, NN_MAX_BUF);
        free(m);
        return NULL;
    }
    m->params = util_calloc(off, sizeof(double));
    m->grads = util_calloc(off, sizeof(double));
    m->buf = util_calloc(nb, sizeof(double));
    m->scratch = ns ? util_calloc(ns, sizeof(double)) : NULL;
    if (!m->params || !m->grads || !m->buf || (ns && !m->scratch)) {
        nn_free(m);
        util_err(err, "out of memory for a model of %zu parameters and a "
                 "batch of %d rows", off, cap);
        return NULL;
    }
    m->cap = cap;
    m->rows = 0;
    carve(m, m->buf, cap, m->z, m->a, m->dz, m->da);
    return m;
}

bool nn_has_conv(const Model *m)
{
    for (int k = 0; k < m->n_layers; k++)
        if (m->layer[k].kind != LAYER_DENSE)
            return true;
    return false;
}

void nn_free(Model *m)
{
    if (!m)
        return;
    free(m->params);
    free(m->grads);
    free(m->buf);
    free(m->dbuf);
    free(m->scratch);
    free(m);
}

Model *nn_clone(const Model *m)
{
    Model *c = util_calloc(1, sizeof *c);
    if (!c)
        return NULL;
    *c = *m;
    c->dbuf = NULL; /* not m's: nn_free below must not free it */
    c->scratch = NULL;
    size_t nb = buf_len(m, m->cap), ns = scratch_len(m, m->cap);
    c->params = util_calloc(m->n_params, sizeof(double));
    c->grads = util_calloc(m->n_params, sizeof(double));
    c->buf = util_calloc(nb, sizeof(double));
    c->scratch = ns ? util_calloc(ns, sizeof(double)) : NULL;
    if (!c->params || !c->grads || !c->buf || (ns && !c->scratch)) {
        nn_free(c);
        return NULL;
    }
    memcpy(c->params, m->params, m->n_params * sizeof(double));
    memcpy(c->grads, m->grads, m->n_params * sizeof(double));
    memcpy(c->buf, m->buf, nb * sizeof(double));
    carve(c, c->buf, c->cap, c->z, c->a, c->dz, c->da);
    if (m->dbuf) {
        size_t nd = drop_len(m, m->cap);
        c->dbuf = util_calloc(nd, sizeof(double));
        if (!c->dbuf) {
            nn_free(c);
            return NULL;
        }
        memcpy(c->dbuf, m->dbuf, nd * sizeof(double));
        carve_drop(c, c->dbuf, c->cap, c->mask, c->h);
    }
    return c;
}

int nn_set_capacity(Model *m, int cap, char *err)
{
    if (cap < 1)
        return util_err(err, "the batch capacity must be at least 1, not %d",
                        cap);
    if (cap == m->cap)
        return 0;
    size_t nb = buf_len(m, cap);
    if (nb == 0)
        return util_err(err, "a batch of %d rows needs more than %u values "
                        "of activations: use a smaller batch", cap,
                        NN_MAX_BUF);
    size_t ns = scratch_len(m, cap);
    if (ns > NN_MAX_BUF)
        return util_err(err, "a batch of %d rows needs more than %u values "
                        "of convolution scratch: use a smaller batch", cap, NN_MAX_BUF);
    double *buf = util_calloc(nb, sizeof(double));
    size_t nd = drop_len(m, cap);
    double *dbuf = nd ? util_calloc(nd, sizeof(double)) : NULL;
    double *scratch = ns ? util_calloc(ns, sizeof(double)) : NULL;
    if (!buf || (nd && !dbuf) || (ns && !scratch)) {
        free(buf);
        free(dbuf);
        free(scratch);
        return util_err(err, "out of memory for a batch of %d rows", cap);
    }
    double *z[NN_MAX_LAYERS], *a[NN_MAX_LAYERS];
    double *dz[NN_MAX_LAYERS], *da[NN_MAX_LAYERS];
    PoolPtrs pp;
    carve_all(m, buf, cap, z, a, dz, da, &pp);
    /* keep the rows of the last batch that still fit, so Z1 ... stay visible */
    int keep = m->rows < cap ? m->rows : cap;
    for (int k = 0; k < m->n_layers; k++) {
        size_t n = (size_t)keep * (size_t)m->layer[k].n_map * sizeof(double);
        memcpy(z[k], m->z[k], n);
        memcpy(a[k], m->a[k], n);
        memcpy(dz[k], m->dz[k], n);
        memcpy(da[k], m->da[k], n);
        if (pp.p[k]) {
            size_t o = (size_t)keep * (size_t)m->layer[k].n_out * sizeof(double);
            memcpy(pp.p[k], m->p[k], o);
            memcpy(pp.dp[k], m->dp[k], o);
            memcpy(pp.idx[k], m->pidx[k], o);
        }
        if (pp.keep[k])
            memcpy(pp.keep[k], m->keep[k], (size_t)keep * layer_keep(&m->layer[k]) * sizeof(double));
    }
    free(m->scratch);
    m->scratch = scratch;
    memcpy(m->p, pp.p, sizeof m->p);
    memcpy(m->dp, pp.dp, sizeof m->dp);
    memcpy(m->pidx, pp.idx, sizeof m->pidx);
    memcpy(m->keep, pp.keep, sizeof m->keep);
    if (dbuf) {
        double *mask[NN_MAX_LAYERS], *h[NN_MAX_LAYERS];
        carve_drop(m, dbuf, cap, mask, h);
        for (int k = 0; k < m->n_layers; k++) {
            if (!mask[k])
                continue;
            size_t n = (size_t)keep * (size_t)m->layer[k].n_out;
            memcpy(mask[k], m->mask[k], n * sizeof(double));
            memcpy(h[k], m->h[k], n * sizeof(double));
            drop_fill(m, k, mask[k] + n, (size_t)(cap - keep) * (size_t)m->layer[k].n_out);
        }
        free(m->dbuf);
        m->dbuf = dbuf;
        memcpy(m->mask, mask, sizeof mask);
        memcpy(m->h, h, sizeof h);
    }
    free(m->buf);
    m->buf = buf;
    m->cap = cap;
    m->rows = keep;
    memcpy(m->z, z, sizeof z);
    memcpy(m->a, a, sizeof a);
    memcpy(m->dz, dz, sizeof dz);
    memcpy(m->da, da, sizeof da);
    return 0;
}

int nn_set_dropout(Model *m, const double *p, char *err)
{
    Model t = *m;
    for (int k = 0; k < m->n_layers; k++) {
        double v = k < m->n_layers - 1 ? p[k] : 0.0;
        if (!(v >= 0 && v <= NN_DROP_MAX))
            return util_err(err, "a dropout probability must be at least 0 and below 1, got %g", v);
        if (v > 0 && m->layer[k].kind != LAYER_DENSE)
            return util_err(err, "dropout works after dense layers only, and layer %d is a %s layer", k + 1,
                            layer_desc(&m->layer[k])->name);
        t.drop[k] = v;
    }
    size_t nd = drop_len(&t, m->cap);
    double *dbuf = nd ? util_calloc(nd, sizeof(double)) : NULL;
    if (nd && !dbuf)
        return util_err(err, "out of memory for the dropout masks");
    free(m->dbuf);
    memcpy(m->drop, t.drop, sizeof m->drop);
    m->dbuf = dbuf;
    carve_drop(m, dbuf, m->cap, m->mask, m->h);
    for (int k = 0; k < m->n_layers; k++)
        if (m->mask[k])
            drop_fill(m, k, m->mask[k], (size_t)m->cap * (size_t)m->layer[k].n_out);
    return 0;
}

bool nn_has_dropout(const Model *m)
{
    return m->dbuf != NULL;
}

void nn_dropout_masks(Model *m, int rows, uint64_t key)
{
    for (int k = 0; k < m->n_layers; k++) {
        if (!m->mask[k])
            continue;
        double p = m->drop[k], keep = 1.0 / (1.0 - p); /* torch: bernoulli_(1-p).div_(1-p) */
        Rng r;
        rng_seed(&r, key ^ (0xd1b54a32d192ed03ULL * (uint64_t)(k + 1)));
        size_t n = (size_t)rows * (size_t)m->layer[k].n_out;
        for (size_t i = 0; i < n; i++)
            m->mask[k][i] = rng_uniform(&r) < p ? 0.0 : keep;
    }
}

const double *nn_output_of(const Model *m, int k)
{
    return m->p[k] ? m->p[k] : m->h[k] ? m->h[k] : m->a[k];
}

/* Where the gradient of what layer k+1 reads from layer k (0-based) goes:
 * dP after a pool, else dA (dropout's mask is applied after). */
static double *dinput_of(const Model *m, int k)
{
    return m->dp[k] ? m->dp[k] : m->da[k];
}

/* The weight's matrix shape: (n_in, n_out) dense, (c_out, c_in·k·k) conv. */
static void weight_dims(const Layer *l, int *rows, int *cols)
{
    if (l->kind == LAYER_CONV) {
        *rows = l->c_out;
        *cols = l->c_in * l->ksize * l->ksize;
    } else {
        *rows = l->n_in;
        *cols = l->n_out;
    }
}

/* An empty view for a layer number out of range. */
static Mat empty_view(void)
{
    return mat_view(NULL, 0, 0);
}

Mat nn_weight(const Model *m, int k)
{
    if (k < 1 || k > m->n_layers)
        return empty_view();
    const Layer *l = &m->layer[k - 1];
    int r, c;
    weight_dims(l, &r, &c);
    return mat_view(m->params + l->w_off, r, c);
}

Mat nn_bias(const Model *m, int k)
{
    if (k < 1 || k > m->n_layers)
        return empty_view();
    const Layer *l = &m->layer[k - 1];
    return mat_view(m->params + l->b_off, 1, (int)layer_biases(l));
}

Mat nn_dweight(const Model *m, int k)
{
    if (k < 1 || k > m->n_layers)
        return empty_view();
    const Layer *l = &m->layer[k - 1];
    int r, c;
    weight_dims(l, &r, &c);
    return mat_view(m->grads + l->w_off, r, c);
}

Mat nn_dbias(const Model *m, int k)
{
    if (k < 1 || k > m->n_layers)
        return empty_view();
    const Layer *l = &m->layer[k - 1];
    return mat_view(m->grads + l->b_off, 1, (int)layer_biases(l));
}

void nn_forward(Model *m, const Mat *x)
{
    nn_forward_to(m, x, m->n_layers);
}

void nn_forward_to(Model *m, const Mat *x, int layers)
{
    int rows = x->rows;
    assert(rows >= 0 && rows <= m->cap && x->cols == m->layer[0].n_in);
    assert(layers >= 0 && layers <= m->n_layers);
    m->rows = rows;
    for (int k = 0; k < layers; k++) {
        const Layer *l = &m->layer[k];
        const double *in = k == 0 ? x->data : nn_output_of(m, k - 1);  /* (B, n_in) */
        layer_desc(l)->forward(l, m->params, in, rows, m->z[k], m->keep[k], m->scratch); /* Z = X W + b */
        size_t n = (size_t)rows * (size_t)l->n_map;
        act_forward(l->act, m->z[k], m->a[k], n);                       /* A = act(Z) */
        if (m->h[k]) {                                                  /* H = A ⊙ M (dropout) */
            for (size_t i = 0; i < n; i++)
                m->h[k][i] = m->a[k][i] * m->mask[k][i];
        }
        if (m->p[k])                                                    /* P = maxpool(A) */
            layer_pool_forward(l, m->a[k], rows, m->p[k], m->pidx[k]);
    }
}

void nn_backward(Model *m, const Mat *x)
{
    int rows = m->rows;
    int last = m->n_layers - 1;
    assert(x->rows == rows && x->cols == m->layer[0].n_in);
    size_t n_last = (size_t)rows * (size_t)m->layer[last].n_out;
    memcpy(m->da[last], m->dz[last], n_last * sizeof(double));     /* identity */
    if (rows == 0) {                 /* an empty batch has zero gradients */
        memset(m->grads, 0, m->n_params * sizeof(double));
        return;
    }
    for (int k = last; k >= 0; k--) {
        const Layer *l = &m->layer[k];
        const double *in = k == 0 ? x->data : nn_output_of(m, k - 1); /* (B, n_in) */
        double *din = k == 0 ? NULL : dinput_of(m, k - 1);            /* (B, n_in) */
        layer_desc(l)->backward(l, m->params, m->grads, in, m->dz[k], rows, din, m->keep[k], m->scratch);
        if (k == 0)
            break;
        const Layer *p = &m->layer[k - 1];
        if (m->dp[k - 1])                                           /* dA = unpool(dP) */
            layer_pool_backward(p, m->dp[k - 1], m->pidx[k - 1], rows, m->da[k - 1]);
        size_t n = (size_t)rows * (size_t)p->n_map;
        if (m->mask[k - 1]) {                                       /* dA = dH ⊙ M (dropout) */
            for (size_t i = 0; i < n; i++)
                m->da[k - 1][i] = m->da[k - 1][i] * m->mask[k - 1][i];
        }
        act_backward(p->act, m->z[k - 1], m->a[k - 1], m->da[k - 1],
                     m->dz[k - 1], n);                              /* dZ = dA * act'(Z) */
    }
}

int nn_inputs(const Model *m)
{
    return m->layer[0].n_in;
}

int nn_outputs(const Model *m)
{
    return m->layer[m->n_layers - 1].n_out;
}
