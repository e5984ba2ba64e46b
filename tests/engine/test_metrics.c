/* test_metrics.c — the metrics against scikit-learn 1.2.
 * tests/golden/metrics.txt (gen_generalize_golden.py) holds label sets
 * (binary; a class never predicted and one never true, where
 * zero_division=0 decides; a class absent from both, which the macro
 * average leaves out as labels=None does; 10 and 12 classes, where numpy
 * sums the macro average pairwise) and regression sets (one output over
 * 50, 129 and 300 rows, pairwise; 3 and 10 outputs, column by column;
 * constant targets, where R² is 1 or 0; a single row, where it is NaN).
 * Every number must match exactly. Run from the repository root. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define GL_FILE "tests/golden/metrics.txt"
#define GOLDEN GL_FILE
#include "golden_lines.h"
#include "metrics.h"
#include "util.h"

#define MAXN 4096
#define MAXK 16

static double buf_a[MAXN], buf_b[MAXN], buf_c[MAXN];
static int truth[MAXN], pred[MAXN];

/* The numbers of line key (which must be there) into out; their count. */
static int need(int line, const char *key, double *out, int max)
{
    int n = gl_nums(gl_lines[line], key, out, max);
    if (n < 0)
        fail_msg("line %d of %s is not '%s ...'", line + 1, GOLDEN, key);
    return n;
}

static void exact(const char *name, const char *what, int i, double got, double want)
{
    if (!gl_same(got, want))
        fail_msg("%s: %s[%d] is %.17g, scikit-learn %.17g", name, what, i, got, want);
}

static void test_classification(void **state)
{
    (void)state;
    int cases = 0;
    for (int i = 0; i < gl_n; i++) {
        if (!gl_is(gl_lines[i], "cls"))
            continue;
        char name[64];
        int k;
        assert_int_equal(sscanf(gl_lines[i], "cls %63s %d", name, &k), 2);
        assert_true(k >= 2 && k <= MAXK);
        int n = need(i + 1, "true", buf_a, MAXN);
        assert_int_equal(need(i + 2, "pred", buf_b, MAXN), n);
        for (int r = 0; r < n; r++) {
            truth[r] = (int)buf_a[r];
            pred[r] = (int)buf_b[r];
        }
        /* in two chunks, as a caller walking the rows in blocks would */
        long cm[MAXK * MAXK] = {0};
        char err[ERR_LEN];
        assert_int_equal(metrics_confusion(cm, k, truth, pred, n / 2, err), 0);
        assert_int_equal(metrics_confusion(cm, k, truth + n / 2, pred + n / 2, n - n / 2, err), 0);
        assert_int_equal(need(i + 3, "cm", buf_c, MAXN), k * k);
        for (int j = 0; j < k * k; j++)
            exact(name, "cm", j, (double)cm[j], buf_c[j]);

        ClassScore per[MAXK];
        ClassMetrics m;
        metrics_classify(cm, k, per, &m);
        const char *keys[] = {"precision", "recall", "f1", "support"};
        for (int q = 0; q < 4; q++) {
            assert_int_equal(need(i + 4 + q, keys[q], buf_c, MAXK), k);
            for (int c = 0; c < k; c++) {
                double got = q == 0 ? per[c].precision : q == 1 ? per[c].recall
                           : q == 2 ? per[c].f1 : (double)per[c].support;
                exact(name, keys[q], c, got, buf_c[c]);
            }
        }
        assert_int_equal(need(i + 8, "macro", buf_c, 3), 3);
        exact(name, "macro precision", 0, m.macro_precision, buf_c[0]);
        exact(name, "macro recall", 0, m.macro_recall, buf_c[1]);
        exact(name, "macro f1", 0, m.macro_f1, buf_c[2]);
        assert_int_equal(need(i + 9, "accuracy", buf_c, 1), 1);
        exact(name, "accuracy", 0, m.accuracy, buf_c[0]);
        assert_int_equal(m.n, n);
        cases++;
    }
    assert_true(cases >= 8);
    print_message("classification: %d label sets match scikit-learn exactly\n", cases);
}

static void test_regression(void **state)
{
    (void)state;
    int cases = 0;
    for (int i = 0; i < gl_n; i++) {
        if (!gl_is(gl_lines[i], "reg"))
            continue;
        char name[64];
        int n, t;
        assert_int_equal(sscanf(gl_lines[i], "reg %63s %d %d", name, &n, &t), 3);
        assert_true(t >= 1 && t <= MAXK && n * t <= MAXN);
        assert_int_equal(need(i + 1, "y", buf_a, MAXN), n * t);
        assert_int_equal(need(i + 2, "yhat", buf_b, MAXN), n * t);
        RegScore per[MAXK];
        RegMetrics m;
        metrics_regress(buf_a, buf_b, n, t, per, &m);
        const char *keys[] = {"mse", "mae", "r2"};
        for (int q = 0; q < 3; q++) {
            assert_int_equal(need(i + 3 + q, keys[q], buf_c, MAXK + 1), t + 1);
            for (int j = 0; j < t; j++)
                exact(name, keys[q], j,
                      q == 0 ? per[j].mse : q == 1 ? per[j].mae : per[j].r2, buf_c[j]);
            exact(name, keys[q], t, q == 0 ? m.mse : q == 1 ? m.mae : m.r2, buf_c[t]);
        }
        cases++;
    }
    assert_true(cases >= 8);
    print_message("regression: %d sets match scikit-learn exactly\n", cases);
}

static void test_edges(void **state)
{
    (void)state;
    long cm[9] = {0};
    int t[3] = {0, 1, 3}, p[3] = {0, 1, 1};
    char err[ERR_LEN] = "";
    assert_int_equal(metrics_confusion(cm, 3, t, p, 3, err), -1);
    assert_non_null(strstr(err, "row 2 has class 3"));
    assert_true(cm[0] == 1 && cm[4] == 1); /* the rows before it were counted */
    int neg[1] = {-1};
    assert_int_equal(metrics_confusion(cm, 3, t, neg, 1, err), -1);

    long zero[4] = {0};
    ClassScore per[2];
    ClassMetrics m;
    metrics_classify(zero, 2, per, &m);
    assert_true(m.n == 0 && isnan(m.accuracy) && m.n_present == 0);
    assert_true(isnan(m.macro_f1));
    assert_false(per[0].present);
    assert_true(per[0].precision == 0 && per[0].recall == 0 && per[0].f1 == 0);

    RegScore rs[1];
    RegMetrics rm;
    double y[1] = {1};
    metrics_regress(y, y, 0, 1, rs, &rm);
    assert_true(isnan(rm.mse) && isnan(rm.mae) && isnan(rm.r2));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classification),
        cmocka_unit_test(test_regression),
        cmocka_unit_test(test_edges),
    };
    return cmocka_run_group_tests_name("metrics", tests, gl_setup, gl_teardown);
}
