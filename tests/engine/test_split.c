/* test_split.c — the three-way split (data_split3): training, validation
 * and test shares, stratified by class and seeded; the share sizes and
 * rows per class that scikit-learn 1.2 gives (tests/golden/split.txt);
 * standardization from the training rows only; refusals that leave the
 * data as it was; and the two-way split staying what it was. */
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
#define MAXGK 10 /* classes on a golden line, at most */
#define GL_FILE "tests/golden/split.txt"
#include "golden_lines.h"

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

/* A data set of one feature (the row number) whose classes have count[k]
 * rows each, in class order; one class is regression (no classes). */
static Dataset *with_classes(const int *count, int k)
{
    Dataset *ds = calloc(1, sizeof *ds);
    assert_non_null(ds);
    for (int c = 0; c < k; c++)
        ds->n += count[c];
    ds->d = ds->t = 1;
    ds->x = calloc((size_t)ds->n, sizeof *ds->x);
    ds->y = calloc((size_t)ds->n, sizeof *ds->y);
    assert_true(ds->x && ds->y);
    for (int c = 0, r = 0; c < k; c++)
        for (int i = 0; i < count[c]; i++, r++) {
            ds->x[r] = r;
            ds->y[r] = k > 1 ? c : 0.5 * r;
        }
    ds->classification = k > 1;
    ds->n_classes = k > 1 ? k : 0;
    ds->n_train = ds->n;
    return ds;
}

/* One golden line: K VAL TEST counts..., then (split lines) the share
 * totals, each class's rows per share and whether they are sure (no tie
 * left them to chance). Returns the numbers read. */
static int golden_case(const char *line, const char *key, double *v, int max, int *k)
{
    int got = gl_nums(line, key, v, max);
    *k = got > 0 ? (int)v[0] : 0;
    if (got < 3 + *k || *k < 1 || *k > MAXGK)
        fail_msg("%s: bad line '%s'", GL_FILE, line);
    return got;
}

/* What the README promises of each class c: its test rows within a row
 * of its proportion of all rows, its validation rows within a row of its
 * proportion of the rows the test share left. */
static void within_a_row(const char *line, const int per[3][MAXGK], const int *counts, int k,
                         const double *total)
{
    double n = total[0] + total[1] + total[2];
    for (int c = 0; c < k; c++) {
        double test = counts[c] * total[2] / n, rest = counts[c] - per[2][c];
        double val = rest * total[1] / (total[0] + total[1]);
        if (fabs(per[2][c] - test) >= 1 || fabs(per[1][c] - val) >= 1)
            fail_msg("%s: class %d has %d test rows (%g in proportion), %d "
                     "validation rows (%g)", line, c, per[2][c], test, per[1][c], val);
    }
}

/* Share sizes and classes as scikit-learn 1.2 gives them
 * (tests/gen_split_golden.py): ceil(VAL * n) validation rows, ceil(TEST *
 * n) test rows, classes as two stratified train_test_split calls give
 * them (test off all rows, then validation off the rest). Where sklearn
 * broke a tie at random, each class is within one row of its draw and
 * the shares' totals are still exact. */
static void test_sklearn_shares(void **state)
{
    (void)state;
    int cases = 0, three_way = 0, exact = 0, refusals = 0;
    for (int i = 0; i < gl_n; i++) {
        const char *line = gl_lines[i];
        double v[4 + 4 * MAXGK + 4];
        int k, counts[MAXGK];
        char err[ERR_LEN] = "";
        if (gl_is(line, "refused")) {
            golden_case(line, "refused", v, (int)(sizeof v / sizeof *v), &k);
            for (int c = 0; c < k; c++)
                counts[c] = (int)v[3 + c];
            Dataset *ds = with_classes(counts, k);
            if (data_split3(ds, v[1], v[2], 7, err) != -1)
                fail_msg("%s: accepted", line);
            assert_non_null(strstr(err, "leaves no training rows"));
            data_free(ds);
            refusals++;
            continue;
        }
        if (!gl_is(line, "split"))
            continue;
        int got = golden_case(line, "split", v, (int)(sizeof v / sizeof *v), &k);
        if (got != 3 + k + 3 + 3 * k + 1)
            fail_msg("%s: bad line '%s'", GL_FILE, line);
        for (int c = 0; c < k; c++)
            counts[c] = (int)v[3 + c];
        const double *total = v + 3 + k, *want = v + 6 + k, *sure = v + 6 + 4 * k;
        Dataset *ds = with_classes(counts, k);
        if (data_split3(ds, v[1], v[2], (uint64_t)i, err) != 0)
            fail_msg("%s: %s", line, err);
        int lo, hi, per[3][MAXGK] = {{0}};
        for (int s = 0; s < 3; s++) {
            data_share_rows(ds, (DataShare)s, &lo, &hi);
            if (hi - lo != (int)total[s])
                fail_msg("%s: share %d has %d rows", line, s, hi - lo);
            for (int r = lo; r < hi; r++)
                per[s][k > 1 ? (int)ds->y[r] : 0]++;
        }
        for (int s = 0; s < 3; s++)
            for (int c = 0; c < k; c++) {
                int w = (int)want[s * k + c], diff = abs(per[s][c] - w);
                if (*sure ? diff != 0 : diff > 1)
                    fail_msg("%s: class %d has %d rows in share %d, sklearn %d", line, c, per[s][c], s, w);
            }
        within_a_row(line, (const int(*)[MAXGK])per, counts, k, total);
        cases++;
        three_way += v[2] > 0;
        exact += *sure != 0;
        data_free(ds);
    }
    assert_true(cases >= 400 && three_way >= 350 && exact >= 300 && refusals >= 5);
}

/* The reported cases: taking training first left the test share a class's
 * whole row off (3/4/3 and 7/7/23); sklearn's test share comes first. */
static void test_test_share_first(void **state)
{
    (void)state;
    static const struct {
        int count[3];
        double val, test;
        int want[3][3]; /* train | val | test, per class */
    } cases[] = {
        {{13, 25, 12}, 0.1, 0.2, {{9, 17, 9}, {1, 3, 1}, {3, 5, 2}}},
        {{17, 21, 59}, 0.07, 0.38, {{10, 11, 32}, {1, 2, 4}, {6, 8, 23}}},
    };
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++)
        for (uint64_t seed = 1; seed <= 5; seed++) {
            Dataset *ds = with_classes(cases[i].count, 3);
            split_or_fail(ds, cases[i].val, cases[i].test, seed);
            int count[3][MAXK];
            count_shares(ds, count);
            for (int s = 0; s < 3; s++)
                for (int c = 0; c < 3; c++)
                    assert_int_equal(count[s][c], cases[i].want[s][c]);
            data_free(ds);
        }
}

/* The numbers the QA pass found: each class was rounded up on its own. */
static void test_sizes_as_sklearn(void **state)
{
    (void)state;
    int count[3][MAXK];
    Dataset *ds = gen("moons", 100, 0, 1);
    split_or_fail(ds, 0.05, 0, 2); /* train_test_split: 95 | 5 */
    assert_int_equal(ds->n_train, 95);
    assert_int_equal(ds->n_test, 0);
    data_free(ds);
    ds = gen("moons", 10, 0, 1);
    split_or_fail(ds, 0.1, 0.1, 2); /* 8 | 1 | 1 */
    assert_int_equal(ds->n_train, 8);
    assert_int_equal(ds->n_test, 1);
    count_shares(ds, count);
    assert_int_equal(count[0][0], 4);
    assert_int_equal(count[0][1], 4);
    assert_int_equal(count[1][0] + count[1][1], 1);
    assert_int_equal(count[2][0] + count[2][1], 1);
    data_free(ds);
    /* a small fraction of many rows holds out ceil(0.002 * 200) = 1 row */
    ds = gen("blobs", 200, 2, 1);
    split_or_fail(ds, 0.001, 0.001, 2);
    assert_int_equal(ds->n_train, 198);
    assert_int_equal(ds->n_test, 1);
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

    /* each held-out share is rounded up: training may be left with none */
    ds = gen("blobs", 4, 2, 1);
    refused(ds, 0.5, 0.3, "(2 and 2, each rounded up) leaves no training rows");
    data_free(ds);
    ds = gen("line", 1, 0, 1);
    refused(ds, 0.5, 0, "leaves no training rows");
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
        cmocka_unit_test(test_sklearn_shares),
        cmocka_unit_test(test_test_share_first),
        cmocka_unit_test(test_sizes_as_sklearn),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_standardize_from_training_rows),
    };
    return cmocka_run_group_tests_name("split", tests, gl_setup, gl_teardown);
}
