/* test_split.c — the three-way split (data_split3): training, validation
 * and test shares, stratified by class and seeded; the rounding rule of
 * data.h on small classes; standardization from the training rows only;
 * refusals that leave the data as it was; and the two-way split staying
 * what it was. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "data.h"
#include "util.h"

#define MAXK 8

static Dataset *gen(const char *name, int n, int classes, uint64_t seed)
{
    char err[ERR_LEN] = "";
    DataGenOpts o = {n, -1, seed, classes, 0};
    Dataset *ds = data_generate(name, &o, err);
    if (!ds)
        fail_msg("data_generate(%s): %s", name, err);
    return ds;
}

static void split_or_fail(Dataset *ds, double val, double test, uint64_t seed)
{
    char err[ERR_LEN] = "";
    if (data_split3(ds, val, test, seed, err) != 0)
        fail_msg("data_split3(%g, %g): %s", val, test, err);
}

/* count[share][class] of ds's rows. */
static void count_shares(const Dataset *ds, int count[3][MAXK])
{
    memset(count, 0, 3 * MAXK * sizeof(int));
    for (int s = 0; s < 3; s++) {
        int lo, hi;
        data_share_rows(ds, (DataShare)s, &lo, &hi);
        for (int r = lo; r < hi; r++)
            count[s][(int)ds->y[(size_t)r * ds->t]]++;
    }
}

/* A fingerprint of a row that does not depend on where it is. */
static double row_key(const Dataset *ds, int r)
{
    double k = 0;
    for (int j = 0; j < ds->d; j++)
        k = k * 1.000001 + ds->x[(size_t)r * ds->d + j];
    return k * 1.0001 + ds->y[(size_t)r * ds->t];
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The rows of a and b are the same multiset (a permutation). */
static void same_rows(const Dataset *a, const Dataset *b)
{
    assert_int_equal(a->n, b->n);
    double *ka = malloc(sizeof(double) * (size_t)a->n);
    double *kb = malloc(sizeof(double) * (size_t)b->n);
    assert_non_null(ka);
    assert_non_null(kb);
    for (int r = 0; r < a->n; r++) {
        ka[r] = row_key(a, r);
        kb[r] = row_key(b, r);
    }
    qsort(ka, (size_t)a->n, sizeof *ka, cmp_double);
    qsort(kb, (size_t)b->n, sizeof *kb, cmp_double);
    assert_memory_equal(ka, kb, sizeof(double) * (size_t)a->n);
    free(ka);
    free(kb);
}

/* Regression is one stratum: with no test share, data_split3 is data_split. */
static void test_regression_is_the_two_way_split(void **state)
{
    (void)state;
    char err[ERR_LEN];
    Dataset *a = gen("line", 200, 0, 1), *b = gen("line", 200, 0, 1);
    assert_int_equal(data_split(a, 0.25, 9, err), 0);
    split_or_fail(b, 0.25, 0, 9);
    assert_int_equal(a->n_train, 150);
    assert_int_equal(b->n_train, 150);
    assert_int_equal(b->n_test, 0);
    assert_memory_equal(a->x, b->x, 200 * sizeof(double));
    assert_memory_equal(a->y, b->y, 200 * sizeof(double));
    /* with a test share: the first rows of the same permutation train */
    Dataset *c = gen("line", 200, 0, 1);
    split_or_fail(c, 0.25, 0.1, 9);
    assert_int_equal(c->n_train, 130);
    assert_int_equal(c->n_test, 20);
    assert_memory_equal(a->x, c->x, 130 * sizeof(double));
    same_rows(a, c);
    data_free(a);
    data_free(b);
    data_free(c);
}

static void test_stratified(void **state)
{
    (void)state;
    Dataset *raw = gen("blobs", 300, 3, 4);
    Dataset *a = data_clone(raw), *b = data_clone(raw), *c = data_clone(raw);
    split_or_fail(a, 0.2, 0.1, 17);
    split_or_fail(b, 0.2, 0.1, 17);
    split_or_fail(c, 0.2, 0.1, 18);
    int count[3][MAXK];
    count_shares(a, count);
    for (int k = 0; k < 3; k++) { /* 100 rows each: 70 | 20 | 10 */
        assert_int_equal(count[0][k], 70);
        assert_int_equal(count[1][k], 20);
        assert_int_equal(count[2][k], 10);
    }
    assert_int_equal(a->n_train, 210);
    assert_int_equal(a->n_test, 30);
    int lo, hi;
    data_share_rows(a, DATA_VAL, &lo, &hi);
    assert_true(lo == 210 && hi == 270);
    data_share_rows(a, DATA_TEST, &lo, &hi);
    assert_true(lo == 270 && hi == 300);
    data_share_rows(a, DATA_TRAIN, &lo, &hi);
    assert_true(lo == 0 && hi == 210);
    /* the seed decides, and rows travel whole */
    assert_memory_equal(a->x, b->x, sizeof(double) * 600);
    assert_memory_equal(a->y, b->y, sizeof(double) * 300);
    assert_true(memcmp(a->x, c->x, sizeof(double) * 600) != 0);
    same_rows(a, raw);
    same_rows(c, raw);
    /* classes are mixed within a share, not one block after another */
    int changes = 0;
    for (int r = 1; r < a->n_train; r++)
        changes += a->y[r] != a->y[r - 1];
    assert_true(changes > 50);
    /* a second split re-splits from all rows; the two-way one drops the test share */
    split_or_fail(a, 0.5, 0, 3);
    assert_int_equal(a->n_test, 0);
    assert_int_equal(a->n_train, 150);
    split_or_fail(a, 0.2, 0.1, 3);
    char err[ERR_LEN];
    assert_int_equal(data_split(a, 0.2, 3, err), 0);
    assert_int_equal(a->n_test, 0);
    /* a clone keeps the shares */
    split_or_fail(a, 0.2, 0.2, 5);
    Dataset *d = data_clone(a);
    assert_int_equal(d->n_train, a->n_train);
    assert_int_equal(d->n_test, a->n_test);
    data_free(d);
    data_free(raw);
    data_free(a);
    data_free(b);
    data_free(c);
}

/* The rounding rule of data.h, class by class. */
static void test_rounding_rule(void **state)
{
    (void)state;
    int count[3][MAXK];
    /* 7 rows in 3 classes: 3, 2, 2. The class of 3 has a row for every
     * share (round(0.6) = 1 to val, round(0.3) = 0 raised to 1 for test);
     * the classes of 2 give one row to training and one to validation. */
    Dataset *ds = gen("blobs", 7, 3, 1);
    split_or_fail(ds, 0.2, 0.1, 2);
    count_shares(ds, count);
    int big = count[0][0] + count[1][0] + count[2][0] == 3 ? 0
            : count[0][1] + count[1][1] + count[2][1] == 3 ? 1 : 2;
    for (int k = 0; k < 3; k++) {
        assert_int_equal(count[0][k], 1);
        assert_int_equal(count[1][k], 1);
        assert_int_equal(count[2][k], k == big);
    }
    data_free(ds);

    /* small fractions still hold out one row per class */
    ds = gen("blobs", 200, 2, 1);
    split_or_fail(ds, 0.001, 0.001, 2);
    count_shares(ds, count);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(count[1][k], 1);
        assert_int_equal(count[2][k], 1);
        assert_int_equal(count[0][k], 98);
    }
    data_free(ds);

    /* halves round away from zero; training keeps a row, taken from the
     * larger held-out share (test on a tie): 10 rows, 0.45 and 0.45 give
     * 5 and 5, then test gives one back */
    ds = gen("blobs", 20, 2, 1);
    split_or_fail(ds, 0.45, 0.45, 2);
    count_shares(ds, count);
    for (int k = 0; k < 2; k++) {
        assert_int_equal(count[0][k], 1);
        assert_int_equal(count[1][k], 5);
        assert_int_equal(count[2][k], 4);
    }
    data_free(ds);

    /* 0.25 of 10 rows is 2.5: 3 to validation */
    ds = gen("blobs", 20, 2, 1);
    split_or_fail(ds, 0.25, 0, 2);
    count_shares(ds, count);
    assert_true(count[1][0] == 3 && count[1][1] == 3 && ds->n_test == 0);
    data_free(ds);
}

/* Refusals say why and leave the data as it was. */
static void refused(Dataset *ds, double val, double test, const char *part)
{
    char err[ERR_LEN] = "";
    size_t nx = sizeof(double) * (size_t)ds->n * (size_t)ds->d;
    double *x = malloc(nx);
    assert_non_null(x);
    memcpy(x, ds->x, nx);
    int n_train = ds->n_train, n_test = ds->n_test;
    if (data_split3(ds, val, test, 1, err) != -1)
        fail_msg("data_split3(%g, %g) was accepted", val, test);
    if (!strstr(err, part))
        fail_msg("data_split3(%g, %g) says '%s'", val, test, err);
    assert_null(strchr(err, '\n'));
    assert_null(strstr(err, "data split")); /* the command layer adds such advice */
    assert_int_equal(ds->n_train, n_train);
    assert_int_equal(ds->n_test, n_test);
    assert_memory_equal(ds->x, x, nx);
    free(x);
}

static void test_refusals(void **state)
{
    (void)state;
    Dataset *ds = gen("moons", 50, 0, 1);
    split_or_fail(ds, 0.2, 0.2, 1);
    refused(ds, 0, 0.1, "validation fraction 0 is out of range");
    refused(ds, 1, 0, "validation fraction 1 is out of range");
    refused(ds, -0.2, 0, "out of range");
    refused(ds, NAN, 0, "out of range");
    refused(ds, 0.2, -0.1, "test fraction -0.1 is out of range");
    refused(ds, 0.2, 1, "test fraction 1 is out of range");
    refused(ds, 0.2, NAN, "out of range");
    refused(ds, 0.6, 0.4, "leaves nothing to train on");
    data_free(ds);

    /* classes of two rows have none to spare for a test share */
    ds = gen("blobs", 4, 2, 1);
    refused(ds, 0.2, 0.2, "leaves no test rows");
    data_free(ds);
    ds = gen("line", 1, 0, 1);
    refused(ds, 0.5, 0, "leaves no validation rows");
    data_free(ds);

    ds = gen("moons", 50, 0, 1);
    char err[ERR_LEN];
    assert_int_equal(data_standardize(ds, err), 0);
    refused(ds, 0.2, 0.1, "already standardized");
    data_free(ds);
}

/* Standardizing after a three-way split takes its statistics from the
 * training share alone and applies them to every row. */
static void test_standardize_from_training_rows(void **state)
{
    (void)state;
    Dataset *ds = gen("blobs", 400, 4, 9);
    split_or_fail(ds, 0.25, 0.25, 3);
    int n = ds->n, nt = ds->n_train, d = ds->d;
    assert_int_equal(nt, 200);
    double *raw = malloc(sizeof(double) * (size_t)n * (size_t)d);
    assert_non_null(raw);
    memcpy(raw, ds->x, sizeof(double) * (size_t)n * (size_t)d);
    char err[ERR_LEN];
    assert_int_equal(data_standardize(ds, err), 0);
    for (int j = 0; j < d; j++) {
        double mean = 0, var = 0;
        for (int r = 0; r < nt; r++)
            mean += raw[r * d + j];
        mean /= nt;
        for (int r = 0; r < nt; r++)
            var += (raw[r * d + j] - mean) * (raw[r * d + j] - mean);
        double sd = sqrt(var / nt);
        assert_true(fabs(ds->mean[j] - mean) <= 1e-12 * fabs(mean) + 1e-15);
        assert_true(fabs(ds->std[j] - sd) <= 1e-12 * sd);
        for (int r = 0; r < n; r++) /* validation and test rows too */
            assert_true(ds->x[r * d + j] == (raw[r * d + j] - ds->mean[j]) / ds->std[j]);
    }
    free(raw);
    data_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_regression_is_the_two_way_split),
        cmocka_unit_test(test_stratified),
        cmocka_unit_test(test_rounding_rule),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_standardize_from_training_rows),
    };
    return cmocka_run_group_tests_name("split", tests, NULL, NULL);
}
