/* test_loss.c — the six losses: values and gradients against PyTorch on
 * small cases, gradients against central differences, the links, stability
 * for huge logits, huber at |d| == delta, loss_check's refusals and the
 * defaults. The reference numbers were printed by torch 1.13 in float64:
 *
 *   import torch, torch.nn.functional as F
 *   torch.set_default_dtype(torch.float64); t = torch.tensor
 *   def show(name, loss, x):
 *       loss.backward(); print(name, repr(loss.item()), x.grad.flatten().tolist())
 *   f = t([[0.3, -1.2], [2.5, 0.7]], requires_grad=True); y = t([[0.1, 0.4], [1.0, 0.7]])
 *   show("mse", F.mse_loss(f, y), f)            # then f.grad = None before each
 *   show("mae", F.l1_loss(f, y), f)
 *   show("huber1", F.huber_loss(f, y, delta=1.0), f)
 *   show("huber.5", F.huber_loss(f, y, delta=0.5), f)
 *   z = t([[0.], [2.], [-3.], [0.5]], requires_grad=True); yb = t([[1.], [0.], [1.], [0.]])
 *   show("bce", F.binary_cross_entropy_with_logits(z, yb), z)
 *   z = t([[1000.], [-1000.], [1000.], [-1000.]], requires_grad=True); yb = t([[1.], [0.], [0.], [1.]])
 *   show("bce_big", F.binary_cross_entropy_with_logits(z, yb), z)
 *   z = t([[1., 2., 3.], [0., 0., 0.], [-1., .5, 2.]], requires_grad=True)
 *   show("ce", F.cross_entropy(z, t([2, 0, 1])), z)
 *   z = t([[1000., -1000., 0.], [-1000., 1000., 0.]], requires_grad=True)
 *   show("ce_big", F.cross_entropy(z, t([1, 1])), z)
 *   f = t([.5, -2., 3., .2], requires_grad=True); yp = 2 * t([1., 1., 0., 0.]) - 1
 *   show("hinge", torch.clamp(1 - yp * f, min=0).mean(), f)
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <math.h>
#include <string.h>

#include "loss.h"
#include "util.h"

#define H 1e-6 /* central-difference step */

/* |a - b| <= tol, with both numbers in the message (cmocka 1.1.5 has no
 * assert_double_equal). */
static const LossShape REG22 = {2, 2, false, 0}; /* regression, 2 targets */
static const LossShape BIN = {1, 1, true, 2};    /* two classes, 1 output */
static const LossShape MULTI3 = {3, 1, true, 3}; /* three classes */

/* loss_eval of n = batch * K values against PyTorch's loss and gradient. */
static void expect_loss(LossKind kind, double delta, const LossShape *s,
                        const double *logits, const double *y, int batch,
                        double want, const double *want_grad)
{
    Loss l = {kind, delta};
    double yhat[16], g[16];
    int n = batch * s->n_outputs;
    assert_true(n <= 16);
    double v = loss_eval(&l, s, logits, y, batch, yhat, g);
    assert_near(v, want, 1e-15 * fmax(1, fabs(want)));
    for (int i = 0; i < n; i++)
        assert_near(g[i], want_grad[i], 1e-16 + 1e-15 * fabs(want_grad[i]));
    /* without a gradient buffer, the same value */
    assert_near(loss_eval(&l, s, logits, y, batch, NULL, NULL), v, 0);
}

static const double f_reg[] = {0.3, -1.2, 2.5, 0.7};
static const double y_reg[] = {0.1, 0.4, 1.0, 0.7};

static void test_mse(void **state)
{
    (void)state;
    static const double g[] = {0.09999999999999999, -0.8, 0.75, 0.0};
    expect_loss(LOSS_MSE, 1, &REG22, f_reg, y_reg, 2, 1.2125000000000001, g);
    /* one output compared with the 0/1 label itself */
    static const double f1[] = {0.2, 0.9}, lab[] = {0, 1};
    static const double g1[] = {0.2, -0.1}; /* 2 (f - y) / 2 */
    expect_loss(LOSS_MSE, 1, &BIN, f1, lab, 2, (0.04 + 0.01) / 2, g1);
    /* one output per class compared with a one-hot row, N = B * K */
    static const double f3[] = {1, 0, 0, 0.5, 0.5, 0}, lab3[] = {0, 2};
    static const double g3[] = {0, 0, 0, 1.0 / 6, 1.0 / 6, -2.0 / 6};
    expect_loss(LOSS_MSE, 1, &MULTI3, f3, lab3, 2, (0.25 + 0.25 + 1) / 6, g3);
}

static void test_mae(void **state)
{
    (void)state;
    static const double g[] = {0.25, -0.25, 0.25, 0.0}; /* sign(0) = 0 */
    expect_loss(LOSS_MAE, 1, &REG22, f_reg, y_reg, 2, 0.825, g);
    static const double f3[] = {1, 0, 0, 0.5, 0.5, 0}, lab3[] = {0, 2};
    static const double g3[] = {0, 0, 0, 1.0 / 6, 1.0 / 6, -1.0 / 6};
    expect_loss(LOSS_MAE, 1, &MULTI3, f3, lab3, 2, 2.0 / 6, g3);
}

static void test_huber(void **state)
{
    (void)state;
    static const double g1[] = {0.049999999999999996, -0.25, 0.25, 0.0};
    expect_loss(LOSS_HUBER, 1.0, &REG22, f_reg, y_reg, 2, 0.53, g1);
    static const double g5[] = {0.049999999999999996, -0.125, 0.125, 0.0};
    expect_loss(LOSS_HUBER, 0.5, &REG22, f_reg, y_reg, 2, 0.33, g5);
}

/* At |d| == delta both branches give 0.5 delta^2 and the slope delta. */
static void test_huber_at_delta(void **state)
{
    (void)state;
    LossShape s = {1, 1, false, 0};
    for (double delta = 0.25; delta <= 4; delta *= 2) {
        Loss l = {LOSS_HUBER, delta};
        double y = 1.0, g;
        double f = y + delta;
        assert_near(loss_eval(&l, &s, &f, &y, 1, NULL, &g), 0.5 * delta * delta,
                    1e-15);
        assert_near(g, delta, 1e-15);
        f = y - delta;
        assert_near(loss_eval(&l, &s, &f, &y, 1, NULL, &g), 0.5 * delta * delta,
                    1e-15);
        assert_near(g, -delta, 1e-15);
        /* continuous on both sides */
        double lo = y + delta * (1 - 1e-9), hi = y + delta * (1 + 1e-9), glo, ghi;
        double vlo = loss_eval(&l, &s, &lo, &y, 1, NULL, &glo);
        double vhi = loss_eval(&l, &s, &hi, &y, 1, NULL, &ghi);
        assert_near(vlo, 0.5 * delta * delta, 1e-8 * delta * delta);
        assert_near(vhi, 0.5 * delta * delta, 1e-8 * delta * delta);
        assert_near(glo, delta, 1e-8);
        assert_near(ghi, delta, 0);
    }
}

static void test_bce(void **state)
{
    (void)state;
    /* logit 0 -> log 2, whatever the label */
    Loss l = {LOSS_BCE, 1};
    double z0 = 0, y1 = 1, y0 = 0, g;
    assert_near(loss_eval(&l, &BIN, &z0, &y1, 1, NULL, &g), log(2.0), 1e-16);
    assert_near(g, -0.5, 0);
    assert_near(loss_eval(&l, &BIN, &z0, &y0, 1, NULL, &g), log(2.0), 1e-16);
    assert_near(g, 0.5, 0);
    static const double z[] = {0.0, 2.0, -3.0, 0.5}, y[] = {1, 0, 1, 0};
    static const double gz[] = {-0.125, 0.22019926949447058,
                                -0.2381435317056083, 0.15561483280046365};
    expect_loss(LOSS_BCE, 1, &BIN, z, y, 4, 1.7106848818391915, gz);
}

static void test_ce(void **state)
{
    (void)state;
    static const double z[] = {1, 2, 3, 0, 0, 0, -1, 0.5, 2};
    static const double y[] = {2, 0, 1};
    static const double g[] = {
        0.030010191056793478, 0.08157615701826587, -0.1115863480750594,
        -0.2222222222222222, 0.1111111111111111, 0.1111111111111111,
        0.013037524423562482, -0.27490320261998774, 0.26186567819642526};
    expect_loss(LOSS_CE, 1, &MULTI3, z, y, 3, 1.082509849923216, g);
    /* uniform logits over K classes: log K */
    static const double u[] = {0.7, 0.7, 0.7}, c0[] = {1};
    Loss l = {LOSS_CE, 1};
    assert_near(loss_eval(&l, &MULTI3, u, c0, 1, NULL, NULL), log(3.0), 1e-15);
}

static void test_hinge(void **state)
{
    (void)state;
    static const double f[] = {0.5, -2, 3, 0.2}, y[] = {1, 1, 0, 0};
    static const double g[] = {-0.25, -0.25, 0.25, 0.25};
    expect_loss(LOSS_HINGE, 1, &BIN, f, y, 4, 2.175, g);
    /* beyond the margin: no loss, no gradient */
    static const double f2[] = {1.5, -1.0}, y2[] = {1, 0}, g2[] = {0, 0};
    expect_loss(LOSS_HINGE, 1, &BIN, f2, y2, 2, 0.0, g2);
}

/* Huge logits stay finite, with PyTorch's numbers. */
static void test_stability(void **state)
{
    (void)state;
    static const double zb[] = {1000, -1000, 1000, -1000}, yb[] = {1, 0, 0, 1};
    static const double gb[] = {0.0, 0.0, 0.25, -0.25};
    expect_loss(LOSS_BCE, 1, &BIN, zb, yb, 4, 500.0, gb);
    LossShape s3 = MULTI3;
    static const double zc[] = {1000, -1000, 0, -1000, 1000, 0}, yc[] = {1, 1};
    static const double gc[] = {0.5, -0.5, 0, 0, 0, 0};
    expect_loss(LOSS_CE, 1, &s3, zc, yc, 2, 1000.0, gc);
    /* the links too */
    Loss l = {LOSS_BCE, 1};
    double p[6];
    loss_link(&l, &BIN, zb, 4, p);
    assert_near(p[0], 1, 0);
    assert_near(p[1], 0, 0);
    l.kind = LOSS_CE;
    loss_link(&l, &s3, zc, 2, p);
    for (int i = 0; i < 6; i++)
        assert_true(isfinite(p[i]));
    assert_near(p[0], 1, 0);
    assert_near(p[4], 1, 0);
    /* a large but ordinary logit: log1p(exp(-|z|)) keeps the tail */
    double z = 40, y0 = 0, y1 = 1;
    l.kind = LOSS_BCE;
    assert_near(loss_eval(&l, &BIN, &z, &y0, 1, NULL, NULL), 40, 1e-13);
    assert_near(loss_eval(&l, &BIN, &z, &y1, 1, NULL, NULL), exp(-40), 1e-30);
}

static void test_links(void **state)
{
    (void)state;
    static const double z[] = {1, 2, 3, 0, 0, 0, -1, 0.5, 2};
    double p[9];
    Loss l = {LOSS_CE, 1};
    loss_link(&l, &MULTI3, z, 3, p);
    for (int i = 0; i < 3; i++) {
        double sum = p[3 * i] + p[3 * i + 1] + p[3 * i + 2];
        assert_near(sum, 1, 1e-15);
    }
    assert_near(p[3], 1.0 / 3, 1e-16);
    assert_near(p[2], exp(3) / (exp(1) + exp(2) + exp(3)), 1e-15);
    /* loss_eval's yhat is the same link */
    double q[9], y[3] = {0, 1, 2};
    loss_eval(&l, &MULTI3, z, y, 3, q, NULL);
    assert_memory_equal(p, q, sizeof p);
    l.kind = LOSS_BCE;
    loss_link(&l, &BIN, z, 3, p);
    assert_near(p[0], 1 / (1 + exp(-1.0)), 1e-16);
    assert_near(p[2], 1 / (1 + exp(-3.0)), 1e-16);
    static const LossKind identity[] = {LOSS_MSE, LOSS_MAE, LOSS_HUBER,
                                        LOSS_HINGE};
    for (int k = 0; k < 4; k++) {
        l.kind = identity[k];
        loss_link(&l, &MULTI3, z, 3, p);
        assert_memory_equal(p, z, sizeof p);
    }
}

/* Every loss's gradient against central differences of its value. */
static void test_gradient_numeric(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 42);
    enum { B = 6 };
    double yreg[B * 2], ybin[B], ymulti[B];
    for (int i = 0; i < B * 2; i++)
        yreg[i] = rng_normal(&r);
    for (int i = 0; i < B; i++) {
        ybin[i] = (double)rng_below(&r, 2);
        ymulti[i] = (double)rng_below(&r, 3);
    }
    const struct {
        LossKind kind;
        const LossShape *shape;
        const double *y;
    } cases[] = {
        {LOSS_MSE, &REG22, yreg},   {LOSS_MAE, &REG22, yreg},
        {LOSS_HUBER, &REG22, yreg}, {LOSS_BCE, &BIN, ybin},
        {LOSS_HINGE, &BIN, ybin},   {LOSS_CE, &MULTI3, ymulti},
        {LOSS_MSE, &BIN, ybin},     {LOSS_MAE, &MULTI3, ymulti},
        {LOSS_HUBER, &MULTI3, ymulti},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        Loss l = {cases[c].kind, 0.7};
        const LossShape *s = cases[c].shape;
        int n = B * s->n_outputs;
        double z[B * 3], g[B * 3];
        for (int i = 0; i < n; i++)
            z[i] = 1.5 * rng_normal(&r);
        double v = loss_eval(&l, s, z, cases[c].y, B, NULL, g);
        int nonzero = 0;
        for (int i = 0; i < n; i++) {
            double keep = z[i];
            z[i] = keep + H;
            double vp = loss_eval(&l, s, z, cases[c].y, B, NULL, NULL);
            z[i] = keep - H;
            double vm = loss_eval(&l, s, z, cases[c].y, B, NULL, NULL);
            z[i] = keep;
            double num = (vp - vm) / (2 * H);
            /* relative, with an absolute floor at the round-off level */
            double e = fabs(g[i] - num) / fmax(fmax(fabs(g[i]), fabs(num)),
                                               1e-3 * fmax(1, fabs(v)));
            if (e > 1e-6)
                fail_msg("%s (case %zu) logit %d: analytic %.12g numeric "
                         "%.12g", loss_name(l.kind), c, i, g[i], num);
            if (fabs(g[i]) > 1e-6)
                nonzero++;
        }
        if (nonzero * 2 < n) /* guard against a trivially zero gradient */
            fail_msg("%s (case %zu): only %d of %d gradients non-zero",
                     loss_name(l.kind), c, nonzero, n);
    }
}

static void test_empty_batch(void **state)
{
    (void)state;
    double z = 0, y = 0;
    for (int k = 0; k < LOSS_COUNT; k++) {
        Loss l = {(LossKind)k, 1};
        const LossShape *s = k == LOSS_CE ? &MULTI3 : &BIN;
        assert_near(loss_eval(&l, s, &z, &y, 0, NULL, NULL), 0, 0);
    }
}

static void expect_refusal(LossKind kind, double delta, LossShape s,
                           const char *word)
{
    Loss l = {kind, delta};
    char err[ERR_LEN] = "";
    int rc = loss_check(&l, &s, err);
    assert_true(rc == ERR_INPUT || rc == ERR_LOSS_OUTPUTS);
    assert_null(strchr(err, '`')); /* the command layer names commands */
    if (!strstr(err, word))
        fail_msg("%s: expected \"%s\" in \"%s\"", loss_name(kind), word, err);
    assert_null(strchr(err, '\n')); /* one line */
}

static void expect_fit(LossKind kind, LossShape s)
{
    Loss l = {kind, 1.0};
    char err[ERR_LEN] = "";
    if (loss_check(&l, &s, err) != 0)
        fail_msg("%s refused: %s", loss_name(kind), err);
}

static void test_check(void **state)
{
    (void)state;
    LossShape reg1 = {1, 1, false, 0}, reg3 = {3, 3, false, 0};
    LossShape bin = {1, 1, true, 2}, bin2 = {2, 1, true, 2};
    LossShape multi = {4, 1, true, 4}, multi1 = {1, 1, true, 4};
    LossShape multi3 = {3, 1, true, 4};

    expect_fit(LOSS_MSE, reg1);
    expect_fit(LOSS_MAE, reg3);
    expect_fit(LOSS_HUBER, reg3);
    expect_fit(LOSS_MSE, bin);
    expect_fit(LOSS_MSE, multi);
    expect_fit(LOSS_HUBER, multi1);
    expect_fit(LOSS_BCE, bin);
    expect_fit(LOSS_HINGE, bin);
    expect_fit(LOSS_CE, multi);
    expect_fit(LOSS_CE, bin2);

    expect_refusal(LOSS_CE, 1, bin, "bce fits one output for two classes");
    expect_refusal(LOSS_CE, 1, bin, "has 1 output");
    expect_refusal(LOSS_CE, 1, multi3, "one output per class");
    expect_refusal(LOSS_CE, 1, reg1, "use mse");
    expect_refusal(LOSS_CE, 1, (LossShape){1, 1, true, 1}, "2 classes");
    expect_refusal(LOSS_BCE, 1, multi, "use ce");
    expect_refusal(LOSS_BCE, 1, reg1, "use mse");
    expect_refusal(LOSS_BCE, 1, bin2, "1 output");
    expect_refusal(LOSS_HINGE, 1, multi, "use ce");
    expect_refusal(LOSS_HINGE, 1, reg3, "hinge");
    expect_refusal(LOSS_MSE, 1, (LossShape){1, 3, false, 0}, "one output per target");
    expect_refusal(LOSS_MAE, 1, multi3, "one per class");
    expect_refusal(LOSS_HUBER, 0, reg1, "delta");
    expect_refusal(LOSS_HUBER, -1, reg1, "delta");
    expect_refusal(LOSS_HUBER, INFINITY, reg1, "delta");
    expect_refusal(LOSS_HUBER, NAN, reg1, "delta");
    expect_refusal(LOSS_MSE, 1, (LossShape){0, 1, false, 0}, "model");
    expect_refusal(LOSS_CE, 1, (LossShape){4, 2, true, 4}, "one column");
    expect_refusal(LOSS_COUNT, 1, reg1, "unknown");
    /* delta matters only to huber; err may be NULL */
    Loss l = {LOSS_MSE, -1};
    assert_int_equal(loss_check(&l, &reg1, NULL), 0);
    l.kind = LOSS_CE;
    assert_int_equal(loss_check(&l, &reg1, NULL), -1);
}

static void test_names_and_default(void **state)
{
    (void)state;
    static const char *names[] = {"mse", "mae", "huber", "bce", "ce", "hinge"};
    for (int k = 0; k < LOSS_COUNT; k++) {
        LossKind out;
        assert_string_equal(loss_name((LossKind)k), names[k]);
        assert_int_equal(loss_parse(names[k], &out), 0);
        assert_int_equal(out, k);
    }
    LossKind out = LOSS_MAE;
    assert_int_equal(loss_parse("MSE", &out), -1);
    assert_int_equal(loss_parse("cross_entropy", &out), -1);
    assert_int_equal(out, LOSS_MAE);
    assert_int_equal(loss_default(&(LossShape){2, 2, false, 0}), LOSS_MSE);
    assert_int_equal(loss_default(&(LossShape){1, 1, true, 2}), LOSS_BCE);
    assert_int_equal(loss_default(&(LossShape){5, 1, true, 5}), LOSS_CE);
}

/* Every descriptor is complete and agrees with itself: a loss is either
 * elementwise or over rows; its link's name matches the link; where it
 * says it has a kink, the side changes exactly where its gradient jumps,
 * and a smooth one's gradient has no jump. */
static void test_descriptors(void **state)
{
    (void)state;
    static const char *const link_names[] = {"identity", "sigmoid", "softmax"};
    char all[128];
    loss_names(all, sizeof all, ", ", " or ");
    assert_string_equal(all, "mse, mae, huber, bce, ce or hinge");
    for (int k = 0; k < LOSS_COUNT; k++) {
        const LossDesc *d = loss_desc((LossKind)k);
        assert_non_null(d);
        assert_string_equal(d->name, loss_name((LossKind)k));
        assert_string_equal(d->link_name, link_names[d->link]);
        assert_true((d->value != NULL) != (d->rows != NULL));
        assert_true(d->per_row == (d->rows != NULL));
        assert_non_null(d->check);
        assert_non_null(d->formula);
        assert_non_null(d->numbers);
        assert_non_null(d->dz_formula);
        assert_non_null(d->dz_numbers);
        assert_true(d->piece != NULL || d->rows != NULL || d->link != LINK_IDENTITY);
        if (!d->value)
            continue;
        Loss l = {(LossKind)k, 0.75};
        for (double t = 0; t <= 1; t += 1) {
            for (double f = -3; f <= 3; f += 0.0625) { /* every kink here (0, ±1, t, t ± 0.75) is on the grid */
                double ga, gb, e = 1e-9;
                d->value(&l, f - e, t, &ga);
                d->value(&l, f + e, t, &gb);
                bool jump = fabs(gb - ga) > 1e-6;
                if (d->kink_side) {
                    bool flips = d->kink_side(&l, f - e, t) != d->kink_side(&l, f + e, t);
                    if (jump && !flips)
                        fail_msg("%s: gradient jumps at f = %g, t = %g, but kink_side does not change", d->name, f, t);
                } else if (jump) {
                    fail_msg("%s: gradient jumps at f = %g, t = %g, yet no kink is declared", d->name, f, t);
                }
            }
        }
    }
    assert_null(loss_desc(LOSS_COUNT));
    assert_true(loss_desc(LOSS_HINGE)->margin && !loss_desc(LOSS_BCE)->margin);
    assert_true(loss_desc(LOSS_HUBER)->has_delta && !loss_desc(LOSS_MSE)->has_delta);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_mse),
        cmocka_unit_test(test_mae),
        cmocka_unit_test(test_huber),
        cmocka_unit_test(test_huber_at_delta),
        cmocka_unit_test(test_bce),
        cmocka_unit_test(test_ce),
        cmocka_unit_test(test_hinge),
        cmocka_unit_test(test_stability),
        cmocka_unit_test(test_links),
        cmocka_unit_test(test_gradient_numeric),
        cmocka_unit_test(test_empty_batch),
        cmocka_unit_test(test_check),
        cmocka_unit_test(test_names_and_default),
        cmocka_unit_test(test_descriptors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
