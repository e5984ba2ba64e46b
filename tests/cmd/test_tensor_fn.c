/* test_tensor_fn.c — the functions of a whole tensor, norm_NAME and
 * std_NAME: the norm equals √(Σx²) of the tensor and the |dW1| the backward
 * line prints; the spread equals numpy's std (ddof=0) of hand-set weights and
 * the std A column of `diagnose`; both work with show, expect and an index;
 * a tensor that does not exist yet, an unknown tensor, a scalar name and a
 * function of a function are refused in one line. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "cmd_util.h"
#include "inspect.h"

/* expect NAME ~ V tol=0 must pass for the exact double V. */
static void expect_exact(Fx *x, const char *name, double v)
{
    char line[128];
    snprintf(line, sizeof line, "expect %s ~ %.17g tol=0", name, v);
    ok(x, line);
}

static void test_hand_set(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data plane features=2 n=20 seed=1; model linear");
    ok(x, "W1 = [[1], [3]]");
    expect_exact(x, "norm_W1", sqrt(10.0));
    expect_exact(x, "std_W1", 1.0); /* numpy.std([1, 3]) */
    ok(x, "show norm_W1");
    assert_contains(x->last, "norm_W1 = 3.16228  (the norm");
    ok(x, "show std_W1");
    assert_contains(x->last, "std_W1 = 1  (the standard deviation");
    ok(x, "expect norm_W1[0] > 3.16");
    fx_free(x);
}

static void test_matches_loop_and_diagnose(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=100 seed=2; model mlp 8 8 act=tanh; forward; loss; backward");
    Tensor t;
    assert_int_equal(session_tensor(x->c.s, "dW1", &t, x->c.err), 0);
    double ss = 0;
    for (int i = 0; i < t.rows * t.cols; i++)
        ss += t.data[i] * t.data[i];
    expect_exact(x, "norm_dW1", sqrt(ss));
    /* the backward line's |dW1|, in the same digits */
    ok(x, "show norm_dW1");
    char num[32], want[64];
    snprintf(want, sizeof want, "norm_dW1 = %s ", cmd_num(&x->c, sqrt(ss), num, sizeof num));
    assert_contains(x->last, want);
    ok(x, "backward");
    snprintf(want, sizeof want, "|dW1| = %s)", num);
    assert_contains(x->last, want);
    Diagnosis d;
    assert_int_equal(inspect_diagnose(x->c.s, &d, x->c.err), 0);
    for (int k = 1; k <= 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "std_A%d", k);
        assert_int_equal(session_tensor(x->c.s, name, &t, x->c.err), 0);
        assert_true(fabs(t.data[0] - d.layer[k - 1].a_std) <= 1e-12 * (1 + d.layer[k - 1].a_std));
        snprintf(name, sizeof name, "norm_db%d", k);
        assert_int_equal(session_tensor(x->c.s, name, &t, x->c.err), 0);
        assert_true(fabs(t.data[0] - d.layer[k - 1].bias_grad_norm) <= 1e-12 * (1 + t.data[0]));
    }
    fx_free(x);
}

static void test_refusals(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=50 seed=1; model mlp 4");
    const char *m = refused(x, "show norm_dW1");
    assert_contains(m, "after the backward pass");
    assert_null(strchr(m, '\n'));
    assert_contains(refused(x, "show norm_W9"), "layer numbers go from 1 to 2");
    assert_contains(refused(x, "show norm_lr"), "unknown name 'norm_lr'");
    assert_contains(refused(x, "show std_norm_W1"), "unknown name");
    assert_contains(refused(x, "show norm_"), "unknown name");
    assert_contains(refused(x, "expect std_A1 > 0"), "after the forward pass");
    ok(x, "forward; expect std_A1 > 0");
    /* the batch is read from the data, not computed from the parameters */
    assert_contains(refused(x, "X[0,1] = 5"), "X is the current batch's inputs, read from the data");
    assert_contains(refused(x, "Y[0,0] = 1"), "Y is the current batch's targets, read from the data");
    assert_contains(refused(x, "Z1[0,0] = 1"), "Z1 is computed from them");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hand_set),
        cmocka_unit_test(test_matches_loop_and_diagnose),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
