/* test_nn.c — the activations and the dense network: shapes and offsets,
 * a forward and backward pass computed by hand, activation values against
 * PyTorch, activation derivatives and every parameter's gradient against
 * central differences (every activation with several losses), partial
 * batches, clone, set_capacity, and nn_new's refusals; tanh within 3 ulp
 * of libm's. Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "nn.h"
#include "util.h"

#define H 1e-6 /* central-difference step */

/* |a - b| <= tol, with both numbers in the message (cmocka 1.1.5 has no
 * assert_double_equal). */
static const Act all_acts[] = {
    ACT_IDENTITY, ACT_SIGMOID, ACT_TANH, ACT_RELU,
    ACT_LEAKY_RELU, ACT_ELU, ACT_SOFTPLUS, ACT_GELU,
};
#define N_ACTS ((int)(sizeof all_acts / sizeof all_acts[0]))

/* |a - b| relative to the larger magnitude, with a floor below which
 * values are compared absolutely: a central difference of a function of
 * size |f| carries a round-off of about 1e-16 |f| / H = 1e-10 |f|, so a
 * gradient much smaller than 1e-4 |f| cannot be checked relatively. */
static double rel_err(double a, double b, double tiny)
{
    double d = fmax(fmax(fabs(a), fabs(b)), tiny);
    return fabs(a - b) / d;
}

static Model *new_model(const int *sizes, int n_layers, Act act, int cap)
{
    char err[ERR_LEN] = "";
    Model *m = nn_new(sizes, n_layers, act, cap, err);
    if (!m)
        fail_msg("nn_new: %s", err);
    return m;
}

static void fill_normal(Rng *r, double *x, size_t n, double scale)
{
    for (size_t i = 0; i < n; i++)
        x[i] = scale * rng_normal(r);
}

/* ---- activations ---- */

static void test_act_names(void **state)
{
    (void)state;
    for (int i = 0; i < ACT_COUNT; i++) {
        Act a;
        assert_int_equal(act_parse(act_name((Act)i), &a), 0);
        assert_int_equal(a, i);
    }
    assert_string_equal(act_name(ACT_LEAKY_RELU), "leaky_relu");
    assert_string_equal(act_name(ACT_GELU), "gelu");
    Act a = ACT_TANH;
    assert_int_equal(act_parse("Relu", &a), -1);
    assert_int_equal(act_parse("swish", &a), -1);
    assert_int_equal(act_parse("", &a), -1);
    assert_int_equal(a, ACT_TANH);
}

/* Values and derivatives printed by torch 1.13 (float64):
 *   x = torch.tensor([-3.0, -0.5, 0.7, 2.0, 25.0], requires_grad=True)
 *   o = fn(x); o.sum().backward(); print(o.tolist(), x.grad.tolist())
 * for fn in sigmoid, tanh, F.elu, F.softplus, F.gelu, F.leaky_relu. */
static void test_act_vs_pytorch(void **state)
{
    (void)state;
    static const double x[5] = {-3.0, -0.5, 0.7, 2.0, 25.0};
    static const struct {
        Act act;
        double y[5], dy[5];
    } ref[] = {
        {ACT_SIGMOID,
         {0.04742587317756678, 0.3775406687981454, 0.6681877721681662,
          0.8807970779778823, 0.999999999986112},
         {0.04517665973091214, 0.2350037122015945, 0.22171287329310904,
          0.10499358540350662, 1.3888001859448131e-11}},
        {ACT_TANH,
         {-0.9950547536867305, -0.46211715726000974, 0.6043677771171635,
          0.9640275800758169, 1.0},
         {0.009866037165440166, 0.7864477329659274, 0.6347395899824586,
          0.07065082485316443, 0.0}},
        {ACT_ELU,
         {-0.950212931632136, -0.3934693402873666, 0.7, 2.0, 25.0},
         {0.049787068367863944, 0.6065306597126334, 1.0, 1.0, 1.0}},
        {ACT_SOFTPLUS,
         {0.04858735157374206, 0.4740769841801067, 1.103186048885458,
          2.1269280110429727, 25.0},
         {0.04742587317756679, 0.37754066879814546, 0.6681877721681662,
          0.8807970779778824, 1.0}},
        {ACT_GELU,
         {-0.00404969409489031, -0.15426876936299344, 0.5306254434438489,
          1.9544997361036416, 25.0},
         {-0.01194564720418392, 0.13250487534383712, 0.9766141011336599,
          1.085231801078197, 1.0}},
        {ACT_LEAKY_RELU,
         {-0.03, -0.005, 0.7, 2.0, 25.0},
         {0.01, 0.01, 1.0, 1.0, 1.0}},
        {ACT_RELU, {0, 0, 0.7, 2.0, 25.0}, {0, 0, 1, 1, 1}},
        {ACT_IDENTITY, {-3.0, -0.5, 0.7, 2.0, 25.0}, {1, 1, 1, 1, 1}},
    };
    for (size_t r = 0; r < sizeof ref / sizeof ref[0]; r++) {
        double y[5], dz[5], ones[5] = {1, 1, 1, 1, 1};
        act_forward(ref[r].act, x, y, 5);
        act_backward(ref[r].act, x, y, ones, dz, 5);
        for (int i = 0; i < 5; i++) {
            assert_near(y[i], ref[r].y[i],
                                1e-15 * fmax(1, fabs(ref[r].y[i])));
            assert_near(act_apply(ref[r].act, x[i]), y[i], 0);
            assert_near(dz[i], ref[r].dy[i],
                                1e-15 + 1e-13 * fabs(ref[r].dy[i]));
            assert_near(act_derivative(ref[r].act, x[i]), dz[i],
                                1e-15);
        }
    }
}

/* PyTorch's choices at the kinks. */
static void test_act_kinks(void **state)
{
    (void)state;
    assert_near(act_derivative(ACT_RELU, 0.0), 0.0, 0);
    assert_near(act_derivative(ACT_LEAKY_RELU, 0.0), 0.01, 0);
    assert_near(act_derivative(ACT_ELU, 0.0), 1.0, 0);
    assert_near(act_apply(ACT_LEAKY_RELU, -2.0), -0.02, 1e-17);
    /* softplus turns linear above the threshold 20 */
    assert_near(act_apply(ACT_SOFTPLUS, 20.5), 20.5, 0);
    assert_near(act_derivative(ACT_SOFTPLUS, 20.5), 1.0, 0);
    assert_near(act_apply(ACT_SOFTPLUS, 20.0), log1p(exp(20.0)), 0);
}

static void test_act_extremes(void **state)
{
    (void)state;
    static const double big[] = {-1000, -40, 40, 1000};
    for (int a = 0; a < N_ACTS; a++) {
        for (int i = 0; i < 4; i++) {
            double y = act_apply(all_acts[a], big[i]);
            double d = act_derivative(all_acts[a], big[i]);
            assert_true(isfinite(y));
            assert_true(isfinite(d));
        }
    }
    assert_near(act_apply(ACT_SIGMOID, -1000), 0.0, 0);
    assert_near(act_apply(ACT_SIGMOID, 1000), 1.0, 0);
    assert_near(act_apply(ACT_SIGMOID, -40), exp(-40) / (1 + exp(-40)),
                        1e-30);
    assert_near(act_apply(ACT_SOFTPLUS, 1000), 1000, 0);
    assert_near(act_apply(ACT_SOFTPLUS, -1000), 0, 0);
    assert_near(act_apply(ACT_ELU, -1000), -1, 0);
    assert_near(act_apply(ACT_GELU, -1000), 0, 0);
}

/* act_derivative against central differences over [-6, 6] and beyond,
 * avoiding 0 (the kink of relu and leaky_relu) and the softplus threshold. */
static void test_act_derivative_numeric(void **state)
{
    (void)state;
    int checked = 0;
    for (int a = 0; a < N_ACTS; a++) {
        Act act = all_acts[a];
        for (double z = -6.013; z < 6.1; z += 0.0371) {
            if (fabs(z) < 1e-3)
                continue;
            double num = (act_apply(act, z + H) - act_apply(act, z - H)) / (2 * H);
            double ana = act_derivative(act, z);
            if (rel_err(ana, num, 1e-4) > 1e-6)
                fail_msg("%s'(%g): analytic %.17g, numeric %.17g",
                         act_name(act), z, ana, num);
            checked++;
        }
        static const double far[] = {-30, -15, 15, 19.5, 25, 30};
        for (int i = 0; i < 6; i++) {
            double z = far[i];
            double num = (act_apply(act, z + H) - act_apply(act, z - H)) / (2 * H);
            double ana = act_derivative(act, z);
            if (rel_err(ana, num, 1e-4) > 1e-6)
                fail_msg("%s'(%g): analytic %.17g, numeric %.17g",
                         act_name(act), z, ana, num);
        }
    }
    assert_true(checked > 8 * 300);
}

/* act_backward multiplies the incoming gradient, and may work in place. */
static void test_act_backward_chain(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 7);
    for (int a = 0; a < N_ACTS; a++) {
        double z[16], y[16], da[16], dz[16];
        fill_normal(&r, z, 16, 2.0);
        fill_normal(&r, da, 16, 1.0);
        act_forward(all_acts[a], z, y, 16);
        act_backward(all_acts[a], z, y, da, dz, 16);
        for (int i = 0; i < 16; i++)
            assert_near(dz[i], da[i] * act_derivative(all_acts[a], z[i]),
                                1e-15);
        act_backward(all_acts[a], z, y, da, da, 16); /* in place */
        assert_memory_equal(da, dz, sizeof dz);
        act_forward(all_acts[a], z, z, 16);          /* in place */
        assert_memory_equal(z, y, sizeof y);
    }
}

/* ---- the model ---- */

static void test_shapes(void **state)
{
    (void)state;
    int sizes[] = {3, 4, 2};
    Model *m = new_model(sizes, 2, ACT_TANH, 5);
    assert_int_equal(m->n_layers, 2);
    assert_int_equal(m->n_params, 3 * 4 + 4 + 4 * 2 + 2);
    assert_int_equal(m->n_params, 26);
    assert_int_equal(m->layer[0].n_in, 3);
    assert_int_equal(m->layer[0].n_out, 4);
    assert_int_equal(m->layer[0].act, ACT_TANH);
    assert_int_equal(m->layer[0].w_off, 0);
    assert_int_equal(m->layer[0].b_off, 12);
    assert_int_equal(m->layer[1].n_in, 4);
    assert_int_equal(m->layer[1].n_out, 2);
    assert_int_equal(m->layer[1].act, ACT_IDENTITY);
    assert_int_equal(m->layer[1].w_off, 16);
    assert_int_equal(m->layer[1].b_off, 24);
    assert_int_equal(m->cap, 5);
    assert_int_equal(m->rows, 0);
    assert_int_equal(nn_inputs(m), 3);
    assert_int_equal(nn_outputs(m), 2);
    for (size_t i = 0; i < m->n_params; i++) {
        assert_true(m->params[i] == 0.0);
        assert_true(m->grads[i] == 0.0);
    }
    Mat w1 = nn_weight(m, 1), b1 = nn_bias(m, 1);
    Mat w2 = nn_weight(m, 2), b2 = nn_bias(m, 2);
    Mat dw2 = nn_dweight(m, 2), db1 = nn_dbias(m, 1);
    assert_int_equal(w1.rows, 3);
    assert_int_equal(w1.cols, 4);
    assert_ptr_equal(w1.data, m->params);
    assert_int_equal(b1.rows, 1);
    assert_int_equal(b1.cols, 4);
    assert_ptr_equal(b1.data, m->params + 12);
    assert_int_equal(w2.rows, 4);
    assert_int_equal(w2.cols, 2);
    assert_ptr_equal(w2.data, m->params + 16);
    assert_ptr_equal(b2.data, m->params + 24);
    assert_int_equal(b2.cols, 2);
    assert_ptr_equal(dw2.data, m->grads + 16);
    assert_ptr_equal(db1.data, m->grads + 12);
    Mat none = nn_weight(m, 3);
    assert_int_equal(none.rows, 0);
    assert_null(none.data);
    none = nn_dbias(m, 0);
    assert_null(none.data);
    /* the buffers: (cap, n_out) each, all distinct, inside one allocation */
    assert_ptr_equal(m->z[0], m->buf);
    for (int k = 0; k < 2; k++) {
        size_t n = (size_t)m->cap * (size_t)m->layer[k].n_out;
        assert_true(m->a[k] >= m->z[k] + n);
        assert_true(m->dz[k] >= m->a[k] + n);
        assert_true(m->da[k] >= m->dz[k] + n);
    }
    assert_ptr_equal(m->da[1] + 5 * 2, m->buf + 4 * 5 * (4 + 2));
    nn_free(m);
    nn_free(NULL);
}

/* 2 -> 2 (relu) -> 1 by hand:
 *   x1 = [1, 1]:     z1 = [3.5, -1.5], a1 = [3.5, 0],    z2 = 7.25
 *   x2 = [-1, 0.5]:  z1 = [0.5, 0.25], a1 = [0.5, 0.25], z2 = 0.5
 * with dZ2 = [1, 1]: dW2 = A1^T dZ2 = [4, 0.25], db2 = 2,
 *   dA1 = dZ2 W2^T = [[2, -3], [2, -3]], dZ1 = [[2, 0], [2, -3]],
 *   dW1 = X^T dZ1 = [[0, 3], [3, -1.5]], db1 = [4, -3]. */
static void test_forward_backward_by_hand(void **state)
{
    (void)state;
    int sizes[] = {2, 2, 1};
    Model *m = new_model(sizes, 2, ACT_RELU, 4);
    static const double p[] = {1, -1, 2, 0.5, /* W1 */ 0.5, -1, /* b1 */
                               2, -3, /* W2 */ 0.25 /* b2 */};
    assert_int_equal(m->n_params, 9);
    memcpy(m->params, p, sizeof p);
    double xd[] = {1, 1, -1, 0.5};
    Mat x = mat_view(xd, 2, 2);
    nn_forward(m, &x);
    assert_int_equal(m->rows, 2);
    static const double z1[] = {3.5, -1.5, 0.5, 0.25}, a1[] = {3.5, 0, 0.5, 0.25};
    for (int i = 0; i < 4; i++) {
        assert_near(m->z[0][i], z1[i], 1e-15);
        assert_near(m->a[0][i], a1[i], 1e-15);
    }
    assert_near(m->z[1][0], 7.25, 1e-15);
    assert_near(m->z[1][1], 0.5, 1e-15);
    assert_near(m->a[1][0], 7.25, 1e-15);
    assert_near(m->a[1][1], 0.5, 1e-15);

    m->dz[1][0] = 1;
    m->dz[1][1] = 1;
    memset(m->grads, 0xff, m->n_params * sizeof(double)); /* overwritten, not added to */
    nn_backward(m, &x);
    static const double g[] = {0, 3, 3, -1.5, 4, -3, 4, 0.25, 2};
    for (int i = 0; i < 9; i++)
        assert_near(m->grads[i], g[i], 1e-15);
    static const double da1[] = {2, -3, 2, -3}, dz1[] = {2, 0, 2, -3};
    for (int i = 0; i < 4; i++) {
        assert_near(m->da[0][i], da1[i], 1e-15);
        assert_near(m->dz[0][i], dz1[i], 1e-15);
    }
    assert_near(m->da[1][0], 1, 0);
    assert_near(m->da[1][1], 1, 0);
    nn_free(m);
}

/* A 2-hidden-layer model with random parameters. */
static Model *random_model(Rng *r, int n_in, int h1, int h2, int n_out,
                           Act act, int cap)
{
    int sizes[] = {n_in, h1, h2, n_out};
    Model *m = new_model(sizes, 3, act, cap);
    fill_normal(r, m->params, m->n_params, 0.7);
    return m;
}

static double model_loss(Model *m, const Mat *x, const Loss *l,
                         const LossShape *s, const double *y, bool grad)
{
    nn_forward(m, x);
    int last = m->n_layers - 1;
    return loss_eval(l, s, m->a[last], y, x->rows, NULL,
                     grad ? m->dz[last] : NULL);
}

/* Every parameter's gradient against central differences. */
static void gradcheck(Model *m, const Mat *x, const Loss *l,
                      const LossShape *s, const double *y)
{
    double l0 = model_loss(m, x, l, s, y, true);
    double tiny = 1e-3 * fmax(1.0, fabs(l0)); /* see rel_err */
    nn_backward(m, x);
    int last = m->n_layers - 1;
    assert_memory_equal(m->da[last], m->dz[last],
                        (size_t)x->rows * (size_t)nn_outputs(m) * sizeof(double));
    double *ana = malloc(m->n_params * sizeof(double));
    assert_non_null(ana);
    memcpy(ana, m->grads, m->n_params * sizeof(double));
    size_t nonzero = 0;
    for (size_t i = 0; i < m->n_params; i++) {
        double keep = m->params[i];
        m->params[i] = keep + H;
        double lp = model_loss(m, x, l, s, y, false);
        m->params[i] = keep - H;
        double lm = model_loss(m, x, l, s, y, false);
        m->params[i] = keep;
        double num = (lp - lm) / (2 * H);
        double e = rel_err(ana[i], num, tiny);
        if (e > 1e-6)
            fail_msg("%s/%s: param %zu analytic %.12g numeric %.12g (rel %.3g)",
                     act_name(m->layer[0].act), loss_name(l->kind), i, ana[i],
                     num, e);
        if (fabs(ana[i]) > 1e-6)
            nonzero++;
    }
    /* guard: a check of gradients that are all zero proves nothing, so
     * every layer's W must have some (b may cancel: hinge with one active
     * row of each class), and a tenth of all */
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *ly = &m->layer[k];
        double gw = 0;
        for (size_t i = 0; i < (size_t)ly->n_in * (size_t)ly->n_out; i++)
            gw = fmax(gw, fabs(ana[ly->w_off + i]));
        if (gw < 1e-4)
            fail_msg("%s/%s: dW%d is zero", act_name(m->layer[0].act),
                     loss_name(l->kind), k + 1);
    }
    if (nonzero * 10 < m->n_params)
        fail_msg("%s/%s: only %zu of %zu gradients are non-zero",
                 act_name(m->layer[0].act), loss_name(l->kind), nonzero,
                 m->n_params);
    free(ana);
}

static void test_gradcheck_all(void **state)
{
    (void)state;
    enum { B = 5, CAP = 8, IN = 3 };
    Rng r;
    rng_seed(&r, 2024);
    double xd[B * IN];
    fill_normal(&r, xd, B * IN, 1.0);
    Mat x = mat_view(xd, B, IN);
    double yreg[B * 2];
    fill_normal(&r, yreg, B * 2, 1.0);
    double ybin[B] = {0, 1, 1, 0, 1};
    double ymulti[B] = {2, 0, 1, 2, 1};

    const struct {
        LossKind kind;
        LossShape shape;
        const double *y;
    } cases[] = {
        {LOSS_MSE, {2, 2, false, 0}, yreg},
        {LOSS_MAE, {2, 2, false, 0}, yreg},
        {LOSS_HUBER, {2, 2, false, 0}, yreg},
        {LOSS_BCE, {1, 1, true, 2}, ybin},
        {LOSS_HINGE, {1, 1, true, 2}, ybin},
        {LOSS_MSE, {1, 1, true, 2}, ybin},
        {LOSS_CE, {3, 1, true, 3}, ymulti},
        {LOSS_HUBER, {3, 1, true, 3}, ymulti},
    };
    int n_checks = 0;
    for (int a = 0; a < N_ACTS; a++) {
        for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
            Loss l = {cases[c].kind, 0.5};
            char err[ERR_LEN] = "";
            if (loss_check(&l, &cases[c].shape, err) != 0)
                fail_msg("loss_check: %s", err);
            Model *m = random_model(&r, IN, 6, 5, cases[c].shape.n_outputs,
                                    all_acts[a], CAP);
            gradcheck(m, &x, &l, &cases[c].shape, cases[c].y);
            nn_free(m);
            n_checks++;
        }
    }
    assert_int_equal(n_checks, 8 * 8);
}

/* A one-layer model (linear regression) and a deep narrow one. */
static void test_gradcheck_depths(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 99);
    double xd[4 * 2], y[4];
    fill_normal(&r, xd, 8, 1.0);
    fill_normal(&r, y, 4, 1.0);
    Mat x = mat_view(xd, 4, 2);
    LossShape s = {1, 1, false, 0};
    Loss l = {LOSS_MSE, 1.0};
    int one[] = {2, 1};
    Model *m = new_model(one, 1, ACT_RELU, 4);
    assert_int_equal(m->layer[0].act, ACT_IDENTITY);
    fill_normal(&r, m->params, m->n_params, 1.0);
    gradcheck(m, &x, &l, &s, y);
    nn_free(m);
    int deep[] = {2, 4, 4, 4, 4, 4, 1};
    m = new_model(deep, 6, ACT_TANH, 4);
    fill_normal(&r, m->params, m->n_params, 0.8);
    gradcheck(m, &x, &l, &s, y);
    nn_free(m);
}

/* Fewer rows than the capacity: the same numbers as row by row, rows past
 * the batch left alone. */
static void test_partial_batch(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 5);
    Model *m = random_model(&r, 3, 4, 4, 2, ACT_GELU, 10);
    Model *one = nn_clone(m);
    assert_non_null(one);
    double xd[3 * 3];
    fill_normal(&r, xd, 9, 1.0);
    Mat x = mat_view(xd, 3, 3);
    for (int k = 0; k < 3; k++) /* sentinels in row 3 */
        m->z[k][3 * m->layer[k].n_out] = 1234.5;
    nn_forward(m, &x);
    assert_int_equal(m->rows, 3);
    for (int i = 0; i < 3; i++) {
        Mat xi = mat_view(xd + 3 * i, 1, 3);
        nn_forward(one, &xi);
        assert_int_equal(one->rows, 1);
        for (int j = 0; j < 2; j++)
            assert_near(m->a[2][2 * i + j], one->a[2][j], 1e-13);
    }
    /* backward of a sum of outputs equals the sum of per-row gradients */
    for (int i = 0; i < 3 * 2; i++)
        m->dz[2][i] = 1.0;
    nn_backward(m, &x);
    double *sum = calloc(m->n_params, sizeof(double));
    assert_non_null(sum);
    for (int i = 0; i < 3; i++) {
        Mat xi = mat_view(xd + 3 * i, 1, 3);
        nn_forward(one, &xi);
        one->dz[2][0] = one->dz[2][1] = 1.0;
        nn_backward(one, &xi);
        for (size_t p = 0; p < one->n_params; p++)
            sum[p] += one->grads[p];
    }
    for (size_t p = 0; p < m->n_params; p++)
        assert_near(m->grads[p], sum[p], 1e-12);
    for (int k = 0; k < 3; k++)
        assert_near(m->z[k][3 * m->layer[k].n_out], 1234.5, 0);
    free(sum);

    /* an empty batch: nothing to compute, gradients zero */
    Mat x0 = mat_view(xd, 0, 3);
    nn_forward(m, &x0);
    assert_int_equal(m->rows, 0);
    nn_backward(m, &x0);
    for (size_t p = 0; p < m->n_params; p++)
        assert_true(m->grads[p] == 0.0);
    nn_free(one);
    nn_free(m);
}

static void test_clone_is_deep(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 11);
    Model *m = random_model(&r, 2, 3, 3, 1, ACT_SIGMOID, 4);
    double xd[8];
    fill_normal(&r, xd, 8, 1.0);
    Mat x = mat_view(xd, 4, 2);
    nn_forward(m, &x);
    for (int i = 0; i < 4; i++)
        m->dz[2][i] = 0.25;
    nn_backward(m, &x);

    Model *c = nn_clone(m);
    assert_non_null(c);
    assert_int_equal(c->n_params, m->n_params);
    assert_int_equal(c->rows, 4);
    assert_int_equal(c->cap, 4);
    assert_ptr_not_equal(c->params, m->params);
    assert_ptr_not_equal(c->grads, m->grads);
    assert_ptr_not_equal(c->buf, m->buf);
    assert_memory_equal(c->params, m->params, m->n_params * sizeof(double));
    assert_memory_equal(c->grads, m->grads, m->n_params * sizeof(double));
    for (int k = 0; k < 3; k++) {
        size_t n = 4 * (size_t)m->layer[k].n_out * sizeof(double);
        assert_true(c->z[k] >= c->buf && c->da[k] < c->buf + 4 * 4 * 7);
        assert_memory_equal(c->z[k], m->z[k], n);
        assert_memory_equal(c->a[k], m->a[k], n);
        assert_memory_equal(c->dz[k], m->dz[k], n);
        assert_memory_equal(c->da[k], m->da[k], n);
    }
    double w0 = m->params[0], g0 = m->grads[0], z0 = m->z[0][0];
    c->params[0] += 1;
    c->grads[0] += 1;
    c->z[0][0] += 1;
    assert_near(m->params[0], w0, 0);
    assert_near(m->grads[0], g0, 0);
    assert_near(m->z[0][0], z0, 0);
    nn_free(c);
    nn_free(m);
}

static void test_set_capacity(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 3);
    Model *m = random_model(&r, 2, 3, 3, 2, ACT_ELU, 2);
    double xd[10 * 2];
    fill_normal(&r, xd, 20, 1.0);
    Mat x2 = mat_view(xd, 2, 2);
    nn_forward(m, &x2);
    double out[4];
    memcpy(out, m->a[2], sizeof out);
    double *params = m->params, *grads = m->grads;
    double p0 = params[0];
    char err[ERR_LEN] = "";

    assert_int_equal(nn_set_capacity(m, 10, err), 0);
    assert_int_equal(m->cap, 10);
    assert_int_equal(m->rows, 2);
    assert_ptr_equal(m->params, params);
    assert_ptr_equal(m->grads, grads);
    assert_near(m->params[0], p0, 0);
    assert_memory_equal(m->a[2], out, sizeof out); /* kept rows */
    Mat x10 = mat_view(xd, 10, 2);
    nn_forward(m, &x10);
    assert_int_equal(m->rows, 10);
    assert_memory_equal(m->a[2], out, sizeof out); /* same first rows */
    for (int i = 0; i < 20; i++)
        m->dz[2][i] = 1.0;
    nn_backward(m, &x10);

    assert_int_equal(nn_set_capacity(m, 1, err), 0);
    assert_int_equal(m->cap, 1);
    assert_int_equal(m->rows, 1);
    assert_memory_equal(m->a[2], out, 2 * sizeof(double));

    /* refusals leave the model as it was */
    double *buf = m->buf;
    err[0] = '\0';
    assert_int_equal(nn_set_capacity(m, 0, err), -1);
    assert_true(strlen(err) > 0);
    err[0] = '\0';
    assert_int_equal(nn_set_capacity(m, 2147483647, err), -1);
    assert_true(strlen(err) > 0);
    assert_ptr_equal(m->buf, buf);
    assert_int_equal(m->cap, 1);
    assert_int_equal(m->rows, 1);
    assert_int_equal(nn_set_capacity(m, 1, err), 0); /* unchanged */
    assert_ptr_equal(m->buf, buf);
    nn_free(m);
}

static void expect_refusal(const int *sizes, int n_layers, Act act, int cap,
                           const char *word)
{
    char err[ERR_LEN] = "";
    Model *m = nn_new(sizes, n_layers, act, cap, err);
    assert_null(m);
    if (!strstr(err, word))
        fail_msg("expected \"%s\" in \"%s\"", word, err);
}

static void test_new_errors(void **state)
{
    (void)state;
    int ok[NN_MAX_LAYERS + 2];
    for (int i = 0; i < NN_MAX_LAYERS + 2; i++)
        ok[i] = 2;
    expect_refusal(ok, 0, ACT_RELU, 4, "layers");
    expect_refusal(ok, -1, ACT_RELU, 4, "layers");
    expect_refusal(ok, NN_MAX_LAYERS + 1, ACT_RELU, 4, "layers");
    Model *m = nn_new(ok, NN_MAX_LAYERS, ACT_RELU, 4, NULL);
    assert_non_null(m);
    nn_free(m);
    expect_refusal(ok, 2, ACT_RELU, 0, "capacity");
    expect_refusal(ok, 2, ACT_RELU, -3, "capacity");
    expect_refusal(ok, 2, ACT_COUNT, 4, "activation");
    int zero_in[] = {0, 3, 1};
    expect_refusal(zero_in, 2, ACT_RELU, 4, "input");
    int zero_hidden[] = {2, 0, 1};
    expect_refusal(zero_hidden, 2, ACT_RELU, 4, "layer 1");
    int neg_out[] = {2, 3, -1};
    expect_refusal(neg_out, 2, ACT_RELU, 4, "layer 2");
    int wide[] = {2, 100001, 1};
    expect_refusal(wide, 2, ACT_RELU, 4, "100000");
    int huge[] = {100000, 100000, 100000};
    expect_refusal(huge, 2, ACT_RELU, 4, "parameters");
    int many[] = {20000, 20000, 1}; /* 400 million weights */
    expect_refusal(many, 2, ACT_RELU, 4, "parameters");
    int fine[] = {10, 100000, 1};
    expect_refusal(fine, 2, ACT_RELU, 2000000, "batch");
    m = nn_new(huge, 2, ACT_RELU, 4, NULL); /* err may be NULL */
    assert_null(m);
}

/* Distance in units in the last place between two finite doubles. */
static uint64_t ulps(double a, double b)
{
    int64_t ia, ib;
    memcpy(&ia, &a, sizeof ia);
    memcpy(&ib, &b, sizeof ib);
    if (ia < 0)
        ia = INT64_MIN - ia; /* doubles ordered as integers */
    if (ib < 0)
        ib = INT64_MIN - ib;
    return ia > ib ? (uint64_t)ia - (uint64_t)ib : (uint64_t)ib - (uint64_t)ia;
}

/* nn.c computes tanh without libm: every value within 3 ulp of libm's
 * tanh over the whole range (small, around the switch at |z| = 1, large,
 * tiny, the edges), the array form equal to the one-value form bit for bit
 * (odd and even positions), and the special values as libm has them. */
static void test_tanh_within_ulps(void **state)
{
    (void)state;
    enum { N = 4001 };
    static double z[N], out[N];
    Rng r;
    rng_seed(&r, 11);
    uint64_t worst = 0;
    for (int pass = 0; pass < 6; pass++) {
        for (int i = 0; i < N; i++) {
            double u = 2.0 * rng_uniform(&r) - 1.0;
            switch (pass) {
            case 0: z[i] = u * 25.0; break;                  /* all of it */
            case 1: z[i] = u * 1.5; break;                   /* around 1 */
            case 2: z[i] = ldexp(u, -(int)rng_below(&r, 64)); break; /* tiny */
            case 3: z[i] = 1.0 + u * 1e-9; break;            /* the switch */
            case 4: z[i] = -1.0 + u * 1e-9; break;
            default: z[i] = u * 0.1; break;
            }
        }
        act_forward(ACT_TANH, z, out, N);
        for (int i = 0; i < N; i++) {
            uint64_t d = ulps(out[i], tanh(z[i]));
            if (d > worst)
                worst = d;
            if (d > 3)
                fail_msg("tanh(%.17g) = %.17g, libm %.17g: %llu ulp", z[i], out[i], tanh(z[i]),
                         (unsigned long long)d);
            double one = act_apply(ACT_TANH, z[i]);
            if (memcmp(&one, &out[i], sizeof one) != 0)
                fail_msg("tanh(%.17g): array %.17g, one value %.17g", z[i], out[i], one);
        }
    }
    assert_true(worst <= 3);
    const double special[] = {0.0, -0.0, 0x1p-1074, -0x1p-1022, 0x1p-28, 21.999, 22.0, -22.0, 1e300,
                              INFINITY, -INFINITY};
    for (size_t i = 0; i < sizeof special / sizeof special[0]; i++) {
        double a = act_apply(ACT_TANH, special[i]), b = tanh(special[i]);
        assert_true(ulps(a, b) <= 3);
        assert_true(signbit(a) == signbit(b));
    }
    assert_true(isnan(act_apply(ACT_TANH, NAN)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_act_names),
        cmocka_unit_test(test_tanh_within_ulps),
        cmocka_unit_test(test_act_vs_pytorch),
        cmocka_unit_test(test_act_kinks),
        cmocka_unit_test(test_act_extremes),
        cmocka_unit_test(test_act_derivative_numeric),
        cmocka_unit_test(test_act_backward_chain),
        cmocka_unit_test(test_shapes),
        cmocka_unit_test(test_forward_backward_by_hand),
        cmocka_unit_test(test_gradcheck_all),
        cmocka_unit_test(test_gradcheck_depths),
        cmocka_unit_test(test_partial_batch),
        cmocka_unit_test(test_clone_is_deep),
        cmocka_unit_test(test_set_capacity),
        cmocka_unit_test(test_new_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
