/* test_scalar_names.c — the scalar names kept from a command or measured
 * as `metrics` prints them: test_loss and test_accuracy are the last
 * `evaluate test`'s report; cv_loss and cv_std the last `cv`'s mean and
 * sample std of the fold validation losses; precision recall f1 (one per
 * class) and mae r2 the default share's report (validation with a split,
 * else training); `names` lists each only when it has a value; before that,
 * each is refused in one line with what to run; plot refuses them. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "fixture.h"
#include "cmd_trial.h"

static double value(Fx *x, const char *name)
{
    Tensor t;
    long at;
    if (cmd_ref(&x->c, name, &t, &at) != 0)
        fail_msg("%s: %s", name, x->c.err);
    return t.data[at < 0 ? 0 : at];
}

/* The counts expect checks (steps, epoch, params) are names as the others:
 * show prints them with every digit, names lists them, explain says what
 * they are. */
static void test_counts(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons; model mlp 2");
    ok(x, "step 3");
    ok(x, "show steps");
    assert_contains(x->last, "steps = 3  (");
    ok(x, "show epoch");
    assert_contains(x->last, "epoch = 1  (");
    ok(x, "show params");
    assert_contains(x->last, "params = 9  (");
    ok(x, "expect steps == 3");
    ok(x, "expect params == 9");
    ok(x, "names");
    assert_contains(x->last, " steps epoch params");
    assert_contains(refused(x, "explain steps"), "a count the session keeps");
    x->c.s->steps = 123456789; /* a long run: every digit, not 1.23457e+08 */
    ok(x, "show steps");
    assert_contains(x->last, "steps = 123456789  (");
    assert_contains(refused(x, "expect steps == 1"), "steps is 123456789,");
    fx_free(x);
}

static void test_test_share(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=200 seed=3; data split 0.2 0.2; model mlp 8; set lr 0.3; train 20");
    const char *m = refused(x, "show test_loss");
    assert_contains(m, "`evaluate test`");
    assert_null(strchr(m, '\n'));
    ok(x, "names");
    assert_null(strstr(x->last, "test_loss"));
    ok(x, "evaluate test");
    EvalReport r;
    /* the same numbers as a report of the test share (which counts a look too) */
    assert_int_equal(session_eval_report(x->c.s, DATA_TEST, &r, x->c.err), 0);
    assert_true(value(x, "test_loss") == r.loss);
    assert_true(value(x, "test_accuracy") == r.accuracy);
    session_report_free(&r);
    ok(x, "show test_accuracy");
    assert_contains(x->last, "test_accuracy = ");
    assert_contains(x->last, "%  (");
    ok(x, "names");
    assert_contains(x->last, "test_loss test_accuracy");
    /* a new split forgets the look */
    ok(x, "data split 0.2 0.2");
    assert_contains(refused(x, "expect test_loss > 0"), "has not been yet");
    fx_free(x);
}

static void test_cv(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=120 seed=1; model mlp 4; set lr 0.2");
    assert_contains(refused(x, "show cv_std"), "`cv 5`");
    ok(x, "cv 4 epochs=5");
    /* the mean and sample std the table prints, from its fold lines */
    double vl[4];
    int n = 0;
    for (const char *p = x->last; (p = strchr(p, '\n')) != NULL && n < 4; p++) {
        int fold, tr, va;
        double tl, v;
        if (sscanf(p + 1, " %d %d %d %lf %lf", &fold, &tr, &va, &tl, &v) == 5 && fold == n + 1)
            vl[n++] = v;
    }
    assert_int_equal(n, 4);
    double mean, sd;
    cmd_trial_stats(vl, 4, &mean, &sd);
    assert_true(fabs(value(x, "cv_loss") - mean) <= 1e-5 * mean); /* the table prints 6 digits */
    assert_true(fabs(value(x, "cv_std") - sd) <= 1e-4 * sd + 1e-6);
    char line[96];
    snprintf(line, sizeof line, "validation loss %s ± ", cmd_num(&x->c, value(x, "cv_loss"), (char[32]){0}, 32));
    assert_contains(x->last, line);
    ok(x, "names");
    assert_contains(x->last, "cv_loss cv_std");
    fx_free(x);
}

static void test_class_scores(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data blobs n=150 classes=3 seed=2; model softmax; set lr 0.1; train 3");
    EvalReport r;
    assert_int_equal(session_eval_report(x->c.s, DATA_TRAIN, &r, x->c.err), 0);
    for (int k = 0; k < 3; k++) {
        char name[32];
        snprintf(name, sizeof name, "precision[%d]", k);
        assert_true(value(x, name) == r.per[k].precision);
        snprintf(name, sizeof name, "recall[%d]", k);
        assert_true(value(x, name) == r.per[k].recall);
        snprintf(name, sizeof name, "f1[%d]", k);
        assert_true(value(x, name) == r.per[k].f1);
    }
    session_report_free(&r);
    /* with a split, the validation share, as metrics reports it */
    ok(x, "data split 0.3");
    assert_int_equal(session_eval_report(x->c.s, DATA_VAL, &r, x->c.err), 0);
    assert_true(value(x, "recall[2]") == r.per[2].recall);
    session_report_free(&r);
    ok(x, "show f1");
    assert_contains(x->last, "f1  (3)");
    assert_contains(refused(x, "expect precision > 0"), "as in precision[0]");
    assert_contains(refused(x, "expect recall[3] > 0"), "recall");
    assert_contains(refused(x, "show mae"), "this task has classes");
    assert_contains(refused(x, "plot precision"), "not kept per epoch");
    ok(x, "names");
    assert_contains(x->last, "precision recall f1");
    assert_null(strstr(x->last, "mae"));
    fx_free(x);
}

static void test_regression_scores(void **st)
{
    (void)st;
    Fx *x = fx_new();
    assert_contains(refused(x, "show r2"), "needs data and a model");
    ok(x, "data line n=60 seed=1; model linear; set lr 0.1; train 10");
    EvalReport r;
    assert_int_equal(session_eval_report(x->c.s, DATA_TRAIN, &r, x->c.err), 0);
    assert_true(value(x, "mae") == r.regm.mae);
    assert_true(value(x, "r2") == r.regm.r2);
    session_report_free(&r);
    ok(x, "expect r2 > 0.5; expect mae > 0");
    assert_contains(refused(x, "show precision"), "regression task");
    ok(x, "names");
    assert_contains(x->last, "mae r2");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_test_share),
        cmocka_unit_test(test_cv),
        cmocka_unit_test(test_class_scores),
        cmocka_unit_test(test_regression_scores),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
