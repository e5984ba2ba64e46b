/* test_runlog.c — the data fingerprint a run log records: the same data
 * made twice hashes the same, and any one value of the features or
 * targets (first, last, one in the middle, one left over past the last
 * whole group of four), the split or standardization changes it; and the
 * model's layer widths (and a cnn's input image) the line records; and
 * its final training loss and accuracy: the kept model's in evaluation
 * mode as the run measured it, never the curve's means over batches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

#include <stdlib.h>
#include <string.h>

#include "runlog.h"

static Dataset *blobs(void)
{
    char err[ERR_LEN];
    DataGenOpts o = {0};
    o.n = 101; /* 101 rows x 3 features: 303 values, not a multiple of 4 */
    o.noise = 0.1;
    o.seed = 5;
    o.features = 3;
    o.classes = 3;
    Dataset *ds = data_generate("blobs", &o, err);
    assert_non_null(ds);
    return ds;
}

static void test_same_data_same_fingerprint(void **st)
{
    (void)st;
    Dataset *a = blobs(), *b = blobs();
    assert_true(run_fingerprint(a) == run_fingerprint(b));
    data_free(a);
    data_free(b);
}

static void test_one_value_changes_it(void **st)
{
    (void)st;
    Dataset *a = blobs();
    uint64_t h = run_fingerprint(a);
    size_t nx = (size_t)a->n * (size_t)a->d, at[] = {0, nx / 2, nx - 4, nx - 1};
    for (int k = 0; k < 4; k++) {
        double keep = a->x[at[k]];
        a->x[at[k]] = nextafter(keep, INFINITY);
        assert_true(run_fingerprint(a) != h);
        a->x[at[k]] = keep;
        assert_true(run_fingerprint(a) == h);
    }
    double keep = a->y[a->n - 1];
    a->y[a->n - 1] = keep + 1;
    assert_true(run_fingerprint(a) != h);
    a->y[a->n - 1] = keep;
    /* two values swapped between lanes */
    double x0 = a->x[0], x1 = a->x[1];
    a->x[0] = x1, a->x[1] = x0;
    assert_true(x0 == x1 || run_fingerprint(a) != h);
    a->x[0] = x0, a->x[1] = x1;
    char err[ERR_LEN];
    assert_int_equal(data_split(a, 0.2, 9, err), 0);
    assert_true(run_fingerprint(a) != h);
    data_free(a);
}

/* The numbers of the array at key of the run line of s into v (up to 8);
 * their count, -1 when there is no such array. */
static int run_nums(Session *s, const char *key, double *v)
{
    JsonBuf b;
    json_init(&b);
    RunInfo ri = {.kind = "train", .status = "done"};
    run_json(&b, "test", s, &ri, NULL);
    char *line = strndup(b.s.p, b.s.n);
    assert_non_null(line);
    json_free(&b);
    const char *at = json_get(line, key);
    int n = at ? json_get_nums(at, v, 8) : -1;
    free(line);
    return n;
}

static void test_layer_widths(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = session_new();
    bool dropped, reset;
    assert_int_equal(session_set_data(s, blobs(), &dropped, &reset), 0);
    assert_int_equal(session_build_model(s, "mlp", (const int[]){8, 4}, 2, ACT_RELU, err), 0);
    double v[8];
    assert_int_equal(run_nums(s, "model.widths", v), 4); /* 3 → 8 → 4 → 3 */
    assert_true(v[0] == 3 && v[1] == 8 && v[2] == 4 && v[3] == 3);
    assert_int_equal(run_nums(s, "model.input", v), -1);
    DataGenOpts o = {.noise = -1}; /* unset: digits takes no options */
    Dataset *digits = data_generate("digits", &o, err);
    assert_non_null(digits);
    assert_int_equal(session_set_data(s, digits, &dropped, &reset), 0);
    ConvSpec conv = {.n_conv = 1, .filters = {4}, .ksize = {3}, .pool = 2};
    assert_int_equal(session_build_cnn(s, &conv, (const int[]){16}, 1, ACT_RELU, err), 0);
    assert_int_equal(run_nums(s, "model.input", v), 3); /* 1×8×8 → conv 4:3 + pool → 4×3×3 → 16 → 10 */
    assert_true(v[0] == 1 && v[1] == 8 && v[2] == 8);
    assert_int_equal(run_nums(s, "model.widths", v), 4);
    assert_true(v[0] == 64 && v[1] == 36 && v[2] == 16 && v[3] == 10);
    session_free(s);
}

/* The number at key of the run line of s with ri and c; NaN for null. */
static double final_num(Session *s, const RunInfo *ri, const RunCurve *c, const char *key)
{
    JsonBuf b;
    json_init(&b);
    run_json(&b, "test", s, ri, c);
    char *line = strndup(b.s.p, b.s.n);
    assert_non_null(line);
    json_free(&b);
    double v = NAN;
    const char *at = json_get(line, key);
    assert_non_null(at);
    json_get_num(at, &v);
    free(line);
    return v;
}

static void test_final_is_measured(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = session_new();
    bool dropped, reset;
    assert_int_equal(session_set_data(s, blobs(), &dropped, &reset), 0);
    assert_int_equal(session_build_model(s, "mlp", (const int[]){4}, 1, ACT_RELU, err), 0);
    RunCurve *c = run_curve_new(2);
    assert_non_null(c);
    for (long e = 0; e < 2; e++) { /* the epochs' means over their batches */
        c->epoch[e] = e + 1;
        c->train_loss[e] = 0.9 - 0.1 * (double)e;
        c->train_acc[e] = 0.5 + 0.1 * (double)e;
        c->val_loss[e] = 1.1 - 0.1 * (double)e;
        c->val_acc[e] = 0.4 + 0.1 * (double)e;
    }
    c->n = 2;
    RunInfo ri = {.kind = "train", .status = "done", .measured = true, .train_loss = 0.75, .train_acc = 0.625};
    assert_true(final_num(s, &ri, c, "final.train_loss") == 0.75);
    assert_true(final_num(s, &ri, c, "final.train_accuracy") == 0.625);
    assert_true(final_num(s, &ri, c, "final.val_loss") == 1.0);
    assert_true(final_num(s, &ri, c, "final.val_accuracy") == 0.5);
    assert_true(final_num(s, &ri, c, "final.epoch") == 2);
    ri.measured = false; /* interrupted: not measured, so null, not the batches' mean */
    ri.status = "interrupted";
    assert_true(isnan(final_num(s, &ri, c, "final.train_loss")));
    assert_true(isnan(final_num(s, &ri, c, "final.train_accuracy")));
    assert_true(final_num(s, &ri, c, "final.val_loss") == 1.0);
    run_curve_free(c);
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_data_same_fingerprint),
        cmocka_unit_test(test_one_value_changes_it),
        cmocka_unit_test(test_layer_widths),
        cmocka_unit_test(test_final_is_measured),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
