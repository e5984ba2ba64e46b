/* init.c — parameter initializers as torch.nn.init defines them, for a
 * weight stored (fan_in, fan_out): rows are inputs, columns neurons. Every
 * draw comes from the caller's Rng. Orthogonal runs a QR of a standard
 * normal matrix by Gram-Schmidt applied twice (CGS2), whose projections
 * are BLAS matrix-vector products; it is the only initializer that
 * allocates, and any refusal leaves the weights untouched. */
#include "init.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mat.h"

static const char *const init_names[INIT_COUNT] = {
    "auto", "zeros", "ones", "constant", "uniform", "normal",
    "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
    "lecun_normal", "orthogonal",
};

const char *init_name(InitKind k)
{
    return (unsigned)k < INIT_COUNT ? init_names[k] : "?";
}

int init_parse(const char *s, InitKind *out)
{
    for (int k = 0; k < INIT_COUNT; k++)
        if (strcmp(s, init_names[k]) == 0) {
            *out = (InitKind)k;
            return 0;
        }
    return -1;
}

void init_defaults(InitKind k, InitConfig *c)
{
    memset(c, 0, sizeof *c);
    c->kind = k;
    c->value = 0.0;
    c->a = 0.0; /* torch.nn.init.uniform_(a=0, b=1) */
    c->b = 1.0;
    c->mean = 0.0; /* torch.nn.init.normal_(mean=0, std=1) */
    c->std = 1.0;
    c->gain = 1.0;
}

const char *const *init_options(InitKind k, int *n)
{
    static const char *const none[] = {NULL};
    static const char *const constant[] = {"value", NULL};
    static const char *const uniform[] = {"a", "b", NULL};
    static const char *const normal[] = {"mean", "std", NULL};
    static const char *const gain[] = {"gain", NULL};
    const char *const *o;
    switch (k) {
    case INIT_CONSTANT:
        o = constant;
        break;
    case INIT_UNIFORM:
        o = uniform;
        break;
    case INIT_NORMAL:
        o = normal;
        break;
    case INIT_XAVIER_UNIFORM:
    case INIT_XAVIER_NORMAL:
    case INIT_ORTHOGONAL:
        o = gain;
        break;
    default:
        o = none;
        break;
    }
    *n = 0;
    while (o[*n])
        (*n)++;
    return o;
}

/* Refuses a non-finite option value. */
static int finite_or_err(const char *name, double v, char *err)
{
    if (!isfinite(v))
        return util_err(err, "%s must be a finite number (got %g)", name, v);
    return 0;
}

int init_check(const InitConfig *c, char *err)
{
    switch (c->kind) {
    case INIT_CONSTANT:
        return finite_or_err("value", c->value, err);
    case INIT_UNIFORM:
        if (finite_or_err("a", c->a, err) || finite_or_err("b", c->b, err))
            return -1;
        if (!(c->a < c->b))
            return util_err(err, "uniform needs a < b, got a=%g b=%g: values are drawn from [a, b)",
                            c->a, c->b);
        return 0;
    case INIT_NORMAL:
        if (finite_or_err("mean", c->mean, err) || finite_or_err("std", c->std, err))
            return -1;
        if (c->std < 0)
            return util_err(err, "normal expects std >= 0.0, but found std %g: std is the spread "
                                 "of the values", c->std);
        return 0;
    case INIT_XAVIER_UNIFORM:
    case INIT_XAVIER_NORMAL:
    case INIT_ORTHOGONAL:
        return finite_or_err("gain", c->gain, err);
    default:
        if ((unsigned)c->kind >= INIT_COUNT)
            return util_err(err, "unknown initializer");
        return 0;
    }
}

InitKind init_resolve(InitKind k, Act act)
{
    if (k != INIT_AUTO)
        return k;
    switch (act) {
    case ACT_RELU:
    case ACT_LEAKY_RELU:
    case ACT_ELU:
    case ACT_GELU:
        return INIT_HE_UNIFORM;
    default:
        return INIT_XAVIER_UNIFORM;
    }
}

static void fill_uniform(double *w, size_t n, double lo, double hi, Rng *rng)
{
    for (size_t i = 0; i < n; i++) /* torch: from + (to - from) * u */
        w[i] = lo + (hi - lo) * rng_uniform(rng);
}

static void fill_normal(double *w, size_t n, double mean, double std, Rng *rng)
{
    for (size_t i = 0; i < n; i++)
        w[i] = mean + std * rng_normal(rng);
}

/* torch.nn.init.orthogonal_ for a (rows, cols) weight. A standard normal
 * matrix is drawn in w's shape, taken as a tall (m, k) matrix A (A = W
 * when rows >= cols, else its transpose), and A = QR with Q (m, k)
 * orthonormal. The columns of Q are kept as the rows of qt (k, m), so each
 * projection is one gemv. Gram-Schmidt makes R's diagonal positive, which
 * is where torch's sign fix q *= sign(diag(R)) leaves Householder's Q: the
 * factor is unique, and so is the result. */
static int fill_orthogonal(double *w, int rows, int cols, double gain, Rng *rng, char *err)
{
    bool tall = rows >= cols;
    int m = tall ? rows : cols, k = tall ? cols : rows;
    double *qt = malloc((size_t)m * (size_t)k * sizeof *qt); /* (k, m) */
    double *r = malloc((size_t)k * sizeof *r);               /* (k) projections */
    if (!qt || !r) {
        free(qt);
        free(r);
        return util_err(err, "out of memory for the orthogonal initializer (%d x %d)", rows, cols);
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++) {
            double z = rng_normal(rng);
            if (tall)
                qt[(size_t)j * (size_t)m + (size_t)i] = z;
            else
                qt[(size_t)i * (size_t)m + (size_t)j] = z;
        }
    for (int j = 0; j < k; j++) {
        double *v = qt + (size_t)j * (size_t)m; /* (m) column j of A, becomes q_j */
        Mat done = mat_view(qt, j, m);          /* (j, m) q_0 .. q_{j-1} */
        double before = mat_norm(v, (size_t)m);
        for (int pass = 0; pass < 2; pass++) { /* "twice is enough" */
            mat_gemv(false, 1.0, &done, v, 0.0, r); /* r = Q^T v */
            mat_gemv(true, -1.0, &done, r, 1.0, v); /* v -= Q r */
        }
        double norm = mat_norm(v, (size_t)m);
        if (!(norm > 1e-12 * before) || !isfinite(norm)) {
            free(qt);
            free(r);
            return util_err(err, "orthogonal: the random matrix drawn was singular; try another seed");
        }
        for (int i = 0; i < m; i++)
            v[i] /= norm;
    }
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            w[(size_t)i * (size_t)cols + (size_t)j] =
                gain * (tall ? qt[(size_t)j * (size_t)m + (size_t)i]
                             : qt[(size_t)i * (size_t)m + (size_t)j]);
    free(qt);
    free(r);
    return 0;
}

/* True for the initializers that need fan_in and fan_out. */
static bool needs_fans(InitKind k)
{
    return k == INIT_XAVIER_UNIFORM || k == INIT_XAVIER_NORMAL || k == INIT_HE_UNIFORM ||
           k == INIT_HE_NORMAL || k == INIT_LECUN_NORMAL || k == INIT_ORTHOGONAL;
}

/* Fills n values of w with kind k (resolved) given the fans; orthogonal
 * works on w as an (orows, ocols) matrix. */
static int fill(const InitConfig *c, InitKind k, double *w, size_t n, double fan_in, double fan_out, int orows,
                int ocols, Rng *rng, char *err)
{
    double std, bound;
    switch (k) {
    case INIT_ZEROS:
    case INIT_ONES:
    case INIT_CONSTANT: {
        double v = k == INIT_ZEROS ? 0.0 : k == INIT_ONES ? 1.0 : c->value;
        for (size_t i = 0; i < n; i++)
            w[i] = v;
        return 0;
    }
    case INIT_UNIFORM:
        fill_uniform(w, n, c->a, c->b, rng);
        return 0;
    case INIT_NORMAL:
        fill_normal(w, n, c->mean, c->std, rng);
        return 0;
    case INIT_XAVIER_UNIFORM: /* std = gain*sqrt(2/(fan_in+fan_out)), a = sqrt(3)*std */
        std = c->gain * sqrt(2.0 / (fan_in + fan_out));
        bound = sqrt(3.0) * std;
        fill_uniform(w, n, -bound, bound, rng);
        return 0;
    case INIT_XAVIER_NORMAL:
        fill_normal(w, n, 0.0, c->gain * sqrt(2.0 / (fan_in + fan_out)), rng);
        return 0;
    case INIT_HE_UNIFORM: /* kaiming_uniform_(mode='fan_in', nonlinearity='relu') */
        std = sqrt(2.0) / sqrt(fan_in);
        bound = sqrt(3.0) * std;
        fill_uniform(w, n, -bound, bound, rng);
        return 0;
    case INIT_HE_NORMAL: /* kaiming_normal_(mode='fan_in', nonlinearity='relu') */
        fill_normal(w, n, 0.0, sqrt(2.0) / sqrt(fan_in), rng);
        return 0;
    case INIT_LECUN_NORMAL: /* kaiming_normal_ with nonlinearity='linear': gain 1 */
        fill_normal(w, n, 0.0, 1.0 / sqrt(fan_in), rng);
        return 0;
    case INIT_ORTHOGONAL:
        return fill_orthogonal(w, orows, ocols, c->gain, rng, err);
    default:
        return util_err(err, "unknown initializer");
    }
}

int init_fill(const InitConfig *c, Act act, double *w, int rows, int cols,
              bool is_bias, Rng *rng, char *err)
{
    if (init_check(c, err) != 0)
        return -1;
    if (rows < 0 || cols < 0)
        return util_err(err, "cannot initialise a %d x %d tensor", rows, cols);
    InitKind k = c->kind;
    if (is_bias) {
        if (k == INIT_AUTO)
            k = INIT_ZEROS;
        else if (needs_fans(k))
            return util_err(err, "%s cannot initialise a bias: Fan in and fan out can not be "
                                 "computed for tensor with fewer than 2 dimensions. For biases "
                                 "use zeros, ones, constant, uniform or normal",
                            init_name(k));
    } else {
        k = init_resolve(k, act);
    }
    size_t n = (size_t)rows * (size_t)cols;
    if (n == 0)
        return 0;
    return fill(c, k, w, n, rows, cols, rows, cols, rng, err);
}

int init_fill_conv(const InitConfig *c, Act act, double *w, int c_out, int c_in, int k, Rng *rng, char *err)
{
    if (init_check(c, err) != 0)
        return -1;
    if (c_out < 1 || c_in < 1 || k < 1)
        return util_err(err, "cannot initialise a %d x %d x %d x %d kernel", c_out, c_in, k, k);
    int patch = c_in * k * k;
    return fill(c, init_resolve(c->kind, act), w, (size_t)c_out * (size_t)patch, (double)patch,
                (double)c_out * k * k, c_out, patch, rng, err);
}
