/* test_init.c — the initializers have the distributions they are named
 * for: on 1000x1000 and 1000x500 / 500x1000 weights, the sample mean and
 * variance fall within 5 standard errors of the theory, uniform draws stay
 * in their bounds, constants are exact, orthogonal gives orthonormal
 * columns (or rows) to 1e-10 scaled by gain. Seeds reproduce, biases and
 * bad options are refused, and a refusal leaves the weights alone. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "init.h"
#include "mat.h"
#include "util.h"

#define SE 5.0 /* how many standard errors a statistic may be off */

typedef struct Stats {
    double mean, var; /* sample mean and (population) variance */
    double min, max;
    size_t n;
} Stats;

static Stats stats_of(const double *w, size_t n)
{
    Stats s = {0, 0, INFINITY, -INFINITY, n};
    for (size_t i = 0; i < n; i++) {
        s.mean += w[i];
        if (w[i] < s.min)
            s.min = w[i];
        if (w[i] > s.max)
            s.max = w[i];
    }
    s.mean /= (double)n;
    for (size_t i = 0; i < n; i++)
        s.var += (w[i] - s.mean) * (w[i] - s.mean);
    s.var /= (double)n;
    return s;
}

/* Mean and variance within SE standard errors of mean mu and variance
 * sigma2, for a distribution whose kurtosis is kurt (normal 3, uniform 1.8):
 * se(mean) = sigma/sqrt(n), se(var) = sigma2*sqrt((kurt-1)/n). */
static void expect_moments(const char *what, Stats s, double mu, double sigma2, double kurt)
{
    double n = (double)s.n;
    double se_mean = sqrt(sigma2 / n), se_var = sigma2 * sqrt((kurt - 1) / n);
    if (fabs(s.mean - mu) > SE * se_mean)
        fail_msg("%s: mean %.6g, expected %.6g +- %.3g", what, s.mean, mu, SE * se_mean);
    if (fabs(s.var - sigma2) > SE * se_var)
        fail_msg("%s: variance %.6g, expected %.6g +- %.3g", what, s.var, sigma2, SE * se_var);
}

/* A normal sample has 68.27% of its values within one std of the mean. */
static void expect_normal_shape(const char *what, const double *w, size_t n, double mu, double sd)
{
    size_t inside = 0;
    for (size_t i = 0; i < n; i++)
        inside += fabs(w[i] - mu) < sd;
    double p = erf(1 / sqrt(2.0)), frac = (double)inside / (double)n;
    double se = sqrt(p * (1 - p) / (double)n);
    if (fabs(frac - p) > SE * se)
        fail_msg("%s: %.4f within one std, a normal has %.4f", what, frac, p);
}

static double *fill(InitConfig c, Act act, int rows, int cols, bool is_bias, uint64_t seed)
{
    double *w = malloc((size_t)rows * (size_t)cols * sizeof *w);
    assert_non_null(w);
    Rng rng;
    rng_seed(&rng, seed);
    char err[ERR_LEN];
    if (init_fill(&c, act, w, rows, cols, is_bias, &rng, err) != 0)
        fail_msg("init_fill %s %dx%d: %s", init_name(c.kind), rows, cols, err);
    return w;
}

static InitConfig cfg(InitKind k)
{
    InitConfig c;
    init_defaults(k, &c);
    return c;
}

static void test_constants_exact(void **state)
{
    (void)state;
    InitConfig c = cfg(INIT_CONSTANT);
    c.value = -0.375;
    const InitKind kinds[] = {INIT_ZEROS, INIT_ONES, INIT_CONSTANT};
    const double want[] = {0.0, 1.0, -0.375};
    for (int k = 0; k < 3; k++) {
        InitConfig ck = kinds[k] == INIT_CONSTANT ? c : cfg(kinds[k]);
        for (int bias = 0; bias < 2; bias++) {
            int rows = bias ? 1 : 1000, cols = bias ? 37 : 500;
            double *w = fill(ck, ACT_RELU, rows, cols, bias, 1);
            for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++)
                assert_true(w[i] == want[k]);
            free(w);
        }
    }
}

static void test_uniform(void **state)
{
    (void)state;
    InitConfig c = cfg(INIT_UNIFORM);
    assert_true(c.a == 0.0 && c.b == 1.0); /* torch's defaults */
    c.a = -2.0;
    c.b = 3.0;
    size_t n = 1000 * 1000;
    double *w = fill(c, ACT_IDENTITY, 1000, 1000, false, 7);
    Stats s = stats_of(w, n);
    expect_moments("uniform(-2, 3)", s, 0.5, 25.0 / 12, 1.8);
    assert_true(s.min >= -2.0 && s.max < 3.0);
    assert_true(s.min < -2.0 + 1e-3 && s.max > 3.0 - 1e-3); /* fills its range */
    free(w);
    /* a bias takes it too */
    w = fill(c, ACT_IDENTITY, 1, 50, true, 7);
    for (int i = 0; i < 50; i++)
        assert_true(w[i] >= -2.0 && w[i] < 3.0);
    free(w);
}

static void test_normal(void **state)
{
    (void)state;
    InitConfig c = cfg(INIT_NORMAL);
    assert_true(c.mean == 0.0 && c.std == 1.0);
    c.mean = 1.5;
    c.std = 0.5;
    size_t n = 1000 * 1000;
    double *w = fill(c, ACT_TANH, 1000, 1000, false, 8);
    expect_moments("normal(1.5, 0.5)", stats_of(w, n), 1.5, 0.25, 3.0);
    expect_normal_shape("normal(1.5, 0.5)", w, n, 1.5, 0.5);
    free(w);
    c.std = 0; /* allowed: a constant */
    w = fill(c, ACT_TANH, 10, 10, false, 8);
    for (int i = 0; i < 100; i++)
        assert_true(w[i] == 1.5);
    free(w);
}

/* The fan-based initializers on 1000x1000, 1000x500 and 500x1000. */
static void test_fan_based(void **state)
{
    (void)state;
    const int shapes[3][2] = {{1000, 1000}, {1000, 500}, {500, 1000}};
    for (int sh = 0; sh < 3; sh++) {
        int rows = shapes[sh][0], cols = shapes[sh][1];
        double fan_in = rows, fan_out = cols;
        size_t n = (size_t)rows * (size_t)cols;
        char what[96];

        InitConfig c = cfg(INIT_XAVIER_UNIFORM);
        c.gain = 2.0;
        double bound = 2.0 * sqrt(6.0 / (fan_in + fan_out));
        double *w = fill(c, ACT_TANH, rows, cols, false, 11);
        Stats s = stats_of(w, n);
        snprintf(what, sizeof what, "xavier_uniform gain 2 %dx%d", rows, cols);
        expect_moments(what, s, 0, bound * bound / 3, 1.8);
        assert_true(s.min >= -bound && s.max <= bound);
        assert_true(s.max > bound * 0.999 && s.min < -bound * 0.999);
        free(w);

        c = cfg(INIT_XAVIER_NORMAL);
        c.gain = 1.5;
        double sd = 1.5 * sqrt(2.0 / (fan_in + fan_out));
        w = fill(c, ACT_SIGMOID, rows, cols, false, 12);
        snprintf(what, sizeof what, "xavier_normal gain 1.5 %dx%d", rows, cols);
        expect_moments(what, stats_of(w, n), 0, sd * sd, 3.0);
        expect_normal_shape(what, w, n, 0, sd);
        free(w);

        bound = sqrt(6.0 / fan_in);
        w = fill(cfg(INIT_HE_UNIFORM), ACT_RELU, rows, cols, false, 13);
        s = stats_of(w, n);
        snprintf(what, sizeof what, "he_uniform %dx%d", rows, cols);
        expect_moments(what, s, 0, bound * bound / 3, 1.8);
        assert_true(s.min >= -bound && s.max <= bound);
        assert_true(s.max > bound * 0.999 && s.min < -bound * 0.999);
        free(w);

        sd = sqrt(2.0 / fan_in);
        w = fill(cfg(INIT_HE_NORMAL), ACT_RELU, rows, cols, false, 14);
        snprintf(what, sizeof what, "he_normal %dx%d", rows, cols);
        expect_moments(what, stats_of(w, n), 0, sd * sd, 3.0);
        expect_normal_shape(what, w, n, 0, sd);
        free(w);

        sd = sqrt(1.0 / fan_in);
        w = fill(cfg(INIT_LECUN_NORMAL), ACT_TANH, rows, cols, false, 15);
        snprintf(what, sizeof what, "lecun_normal %dx%d", rows, cols);
        expect_moments(what, stats_of(w, n), 0, sd * sd, 3.0);
        expect_normal_shape(what, w, n, 0, sd);
        free(w);
    }
}

/* max |op(W) op(W)^T - gain^2 I| over the k x k Gram matrix. */
static double gram_error(const double *w, int rows, int cols, bool columns, double gain)
{
    int k = columns ? cols : rows;
    double *g = calloc((size_t)k * (size_t)k, sizeof *g);
    assert_non_null(g);
    Mat W = mat_view((double *)w, rows, cols), G = mat_view(g, k, k);
    if (columns)
        mat_gemm(true, false, 1.0, &W, &W, 0.0, &G); /* W^T W */
    else
        mat_gemm(false, true, 1.0, &W, &W, 0.0, &G); /* W W^T */
    double worst = 0;
    for (int i = 0; i < k; i++)
        for (int j = 0; j < k; j++) {
            double e = fabs(g[(size_t)i * (size_t)k + (size_t)j] - (i == j ? gain * gain : 0.0));
            if (e > worst)
                worst = e;
        }
    free(g);
    return worst;
}

static void test_orthogonal(void **state)
{
    (void)state;
    InitConfig c = cfg(INIT_ORTHOGONAL);
    assert_true(c.gain == 1.0);

    double t0 = util_now();
    double *w = fill(c, ACT_TANH, 1000, 1000, false, 21);
    double took = util_now() - t0;
    double e = gram_error(w, 1000, 1000, true, 1.0);
    print_message("orthogonal 1000x1000: %.2f s, max |W^T W - I| = %.2g\n", took, e);
    assert_true(e < 1e-10);
    assert_true(gram_error(w, 1000, 1000, false, 1.0) < 1e-10); /* square: W W^T too */
    /* the entries of a random orthogonal matrix have variance 1/n */
    expect_moments("orthogonal entries", stats_of(w, 1000000), 0, 1e-3, 3.0);
    free(w);

    w = fill(c, ACT_TANH, 1000, 500, false, 22); /* tall: orthonormal columns */
    e = gram_error(w, 1000, 500, true, 1.0);
    assert_true(e < 1e-10);
    free(w);

    w = fill(c, ACT_TANH, 500, 1000, false, 23); /* wide: orthonormal rows */
    e = gram_error(w, 500, 1000, false, 1.0);
    assert_true(e < 1e-10);
    free(w);

    /* gain scales it: same seed, gain 2 is exactly twice gain 1 */
    double *w1 = fill(c, ACT_TANH, 300, 200, false, 24);
    c.gain = 2.0;
    double *w2 = fill(c, ACT_TANH, 300, 200, false, 24);
    for (int i = 0; i < 300 * 200; i++)
        assert_true(w2[i] == 2.0 * w1[i]);
    assert_true(gram_error(w2, 300, 200, true, 2.0) < 1e-10);
    free(w1);
    free(w2);

    /* one column or one row: a unit vector; 1x1: +1 or -1 */
    c.gain = 1.0;
    w = fill(c, ACT_TANH, 7, 1, false, 25);
    assert_true(fabs(mat_norm(w, 7) - 1.0) < 1e-14);
    free(w);
    w = fill(c, ACT_TANH, 1, 9, false, 26);
    assert_true(fabs(mat_norm(w, 9) - 1.0) < 1e-14);
    free(w);
    w = fill(c, ACT_TANH, 1, 1, false, 27);
    assert_true(fabs(w[0]) == 1.0);
    free(w);
}

/* auto is He before relu-like activations, Xavier otherwise, zeros for a bias. */
static void test_auto(void **state)
{
    (void)state;
    const Act he[] = {ACT_RELU, ACT_LEAKY_RELU, ACT_ELU, ACT_GELU};
    const Act xavier[] = {ACT_IDENTITY, ACT_SIGMOID, ACT_TANH, ACT_SOFTPLUS};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(init_resolve(INIT_AUTO, he[i]), INIT_HE_UNIFORM);
        assert_int_equal(init_resolve(INIT_AUTO, xavier[i]), INIT_XAVIER_UNIFORM);
    }
    for (int k = 1; k < INIT_COUNT; k++)
        assert_int_equal(init_resolve((InitKind)k, ACT_RELU), k);

    double *a = fill(cfg(INIT_AUTO), ACT_GELU, 40, 30, false, 5);
    double *b = fill(cfg(INIT_HE_UNIFORM), ACT_IDENTITY, 40, 30, false, 5);
    assert_memory_equal(a, b, 40 * 30 * sizeof(double));
    free(a);
    free(b);
    a = fill(cfg(INIT_AUTO), ACT_SOFTPLUS, 40, 30, false, 5);
    b = fill(cfg(INIT_XAVIER_UNIFORM), ACT_IDENTITY, 40, 30, false, 5);
    assert_memory_equal(a, b, 40 * 30 * sizeof(double));
    free(a);
    free(b);
    a = fill(cfg(INIT_AUTO), ACT_RELU, 1, 30, true, 5);
    for (int i = 0; i < 30; i++)
        assert_true(a[i] == 0.0);
    free(a);
}

/* The same seed gives the same values, another seed others. */
static void test_seeds(void **state)
{
    (void)state;
    const InitKind random[] = {INIT_UNIFORM, INIT_NORMAL, INIT_XAVIER_UNIFORM,
                               INIT_XAVIER_NORMAL, INIT_HE_UNIFORM, INIT_HE_NORMAL,
                               INIT_LECUN_NORMAL, INIT_ORTHOGONAL, INIT_AUTO};
    for (size_t k = 0; k < sizeof random / sizeof random[0]; k++) {
        size_t bytes = 20 * 30 * sizeof(double);
        double *a = fill(cfg(random[k]), ACT_RELU, 20, 30, false, 42);
        double *b = fill(cfg(random[k]), ACT_RELU, 20, 30, false, 42);
        double *d = fill(cfg(random[k]), ACT_RELU, 20, 30, false, 43);
        assert_memory_equal(a, b, bytes);
        assert_memory_not_equal(a, d, bytes);
        free(a);
        free(b);
        free(d);
    }
}

/* Fan-based initializers refuse a bias, with torch's reason, and leave it alone. */
static void test_bias_refusals(void **state)
{
    (void)state;
    const InitKind fans[] = {INIT_XAVIER_UNIFORM, INIT_XAVIER_NORMAL, INIT_HE_UNIFORM,
                             INIT_HE_NORMAL, INIT_LECUN_NORMAL, INIT_ORTHOGONAL};
    for (size_t k = 0; k < sizeof fans / sizeof fans[0]; k++) {
        InitConfig c = cfg(fans[k]);
        double b[5] = {1, 2, 3, 4, 5}, keep[5];
        memcpy(keep, b, sizeof b);
        Rng rng, rng0;
        rng_seed(&rng, 3);
        rng0 = rng;
        char err[ERR_LEN] = "";
        assert_int_equal(init_fill(&c, ACT_RELU, b, 1, 5, true, &rng, err), -1);
        assert_non_null(strstr(err, "Fan in and fan out can not be computed for tensor with "
                                    "fewer than 2 dimensions"));
        assert_non_null(strstr(err, init_name(fans[k])));
        assert_non_null(strstr(err, "zeros")); /* says what to use instead */
        assert_memory_equal(b, keep, sizeof b);
        assert_memory_equal(&rng, &rng0, sizeof rng);
        /* the same initializer is fine for a one-row weight */
        assert_int_equal(init_fill(&c, ACT_RELU, b, 1, 5, false, &rng, err), 0);
    }
}

static void expect_refused(InitConfig c, const char *needle)
{
    char err[ERR_LEN] = "";
    assert_int_equal(init_check(&c, err), -1);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
    double w[6] = {9, 9, 9, 9, 9, 9};
    Rng rng;
    rng_seed(&rng, 1);
    err[0] = '\0';
    assert_int_equal(init_fill(&c, ACT_TANH, w, 2, 3, false, &rng, err), -1);
    assert_true(strstr(err, needle) != NULL);
    for (int i = 0; i < 6; i++)
        assert_true(w[i] == 9); /* untouched */
}

static void test_check_refusals(void **state)
{
    (void)state;
    InitConfig c = cfg(INIT_NORMAL);
    c.std = -1;
    expect_refused(c, "std");
    c = cfg(INIT_NORMAL);
    c.mean = NAN;
    expect_refused(c, "mean");
    c = cfg(INIT_NORMAL);
    c.std = INFINITY;
    expect_refused(c, "std");
    c = cfg(INIT_UNIFORM);
    c.a = 2;
    c.b = 1;
    expect_refused(c, "a < b");
    c.a = c.b = 1;
    expect_refused(c, "a < b");
    c = cfg(INIT_UNIFORM);
    c.b = INFINITY;
    expect_refused(c, "b must be a finite number");
    c = cfg(INIT_CONSTANT);
    c.value = NAN;
    expect_refused(c, "value");
    c = cfg(INIT_XAVIER_UNIFORM);
    c.gain = INFINITY;
    expect_refused(c, "gain");
    c = cfg(INIT_ORTHOGONAL);
    c.gain = -INFINITY;
    expect_refused(c, "gain");

    /* options an initializer does not take are not its business */
    c = cfg(INIT_ZEROS);
    c.std = -1;
    c.a = 5;
    c.gain = NAN;
    assert_int_equal(init_check(&c, NULL), 0);
    for (int k = 0; k < INIT_COUNT; k++) {
        c = cfg((InitKind)k);
        assert_int_equal(init_check(&c, NULL), 0);
    }
}

static void test_names_and_options(void **state)
{
    (void)state;
    static const char *const names[INIT_COUNT] = {
        "auto", "zeros", "ones", "constant", "uniform", "normal",
        "xavier_uniform", "xavier_normal", "he_uniform", "he_normal",
        "lecun_normal", "orthogonal",
    };
    for (int k = 0; k < INIT_COUNT; k++) {
        assert_string_equal(init_name((InitKind)k), names[k]);
        InitKind back;
        assert_int_equal(init_parse(names[k], &back), 0);
        assert_int_equal(back, k);
    }
    InitKind back;
    assert_int_equal(init_parse("kaiming", &back), -1);
    assert_int_equal(init_parse("Zeros", &back), -1);

    int n;
    const char *const *o = init_options(INIT_UNIFORM, &n);
    assert_int_equal(n, 2);
    assert_string_equal(o[0], "a");
    assert_string_equal(o[1], "b");
    o = init_options(INIT_NORMAL, &n);
    assert_int_equal(n, 2);
    assert_string_equal(o[0], "mean");
    assert_string_equal(o[1], "std");
    o = init_options(INIT_CONSTANT, &n);
    assert_int_equal(n, 1);
    assert_string_equal(o[0], "value");
    const InitKind gains[] = {INIT_XAVIER_UNIFORM, INIT_XAVIER_NORMAL, INIT_ORTHOGONAL};
    for (int i = 0; i < 3; i++) {
        o = init_options(gains[i], &n);
        assert_int_equal(n, 1);
        assert_string_equal(o[0], "gain");
    }
    const InitKind plain[] = {INIT_AUTO, INIT_ZEROS, INIT_ONES, INIT_HE_UNIFORM,
                              INIT_HE_NORMAL, INIT_LECUN_NORMAL};
    for (int i = 0; i < 6; i++) {
        o = init_options(plain[i], &n);
        assert_int_equal(n, 0);
        assert_non_null(o);
    }
}

/* Empty tensors are filled trivially; negative shapes refused. */
static void test_shapes(void **state)
{
    (void)state;
    InitConfig c = cfg(INIT_ORTHOGONAL);
    Rng rng;
    rng_seed(&rng, 1);
    double w[1] = {7};
    assert_int_equal(init_fill(&c, ACT_TANH, w, 0, 5, false, &rng, NULL), 0);
    assert_int_equal(init_fill(&c, ACT_TANH, w, -1, 5, false, &rng, NULL), -1);
    assert_true(w[0] == 7);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_constants_exact),
        cmocka_unit_test(test_uniform),
        cmocka_unit_test(test_normal),
        cmocka_unit_test(test_fan_based),
        cmocka_unit_test(test_orthogonal),
        cmocka_unit_test(test_auto),
        cmocka_unit_test(test_seeds),
        cmocka_unit_test(test_bias_refusals),
        cmocka_unit_test(test_check_refusals),
        cmocka_unit_test(test_names_and_options),
        cmocka_unit_test(test_shapes),
    };
    return cmocka_run_group_tests_name("init", tests, NULL, NULL);
}
