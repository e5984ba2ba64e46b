/* test_fold.c — k-fold cross-validation's data (data_kfold, data_fold):
 * the folds partition the rows, are stratified by class and balanced,
 * follow the seed, leave the test share out; a fold's data set holds the
 * other folds for training and its own rows for validation, standardized
 * again from its own training rows; refusals. */
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

static Dataset *gen(const char *name, int n, int classes)
{
    char err[ERR_LEN] = "";
    DataGenOpts o = {n, -1, 7, classes, 0};
    Dataset *ds = data_generate(name, &o, err);
    if (!ds)
        fail_msg("data_generate(%s): %s", name, err);
    return ds;
}

/* Every row in exactly one fold, fold sizes within one of each other, and
 * (classification) each class's count per fold within one of its share. */
static void check_folds(const Dataset *ds, int k, const int *fold)
{
    int n = data_fold_rows(ds);
    int size[16] = {0}, per[16][8] = {{0}}, total[8] = {0};
    for (int r = 0; r < n; r++) {
        assert_true(fold[r] >= 0 && fold[r] < k);
        size[fold[r]]++;
        int cls = ds->classification ? (int)ds->y[r] : 0;
        per[fold[r]][cls]++;
        total[cls]++;
    }
    int sum = 0;
    for (int f = 0; f < k; f++) {
        sum += size[f];
        assert_true(abs(size[f] - n / k) <= 1);
        for (int g = 0; g < 8; g++) /* floor or ceil of the class's share */
            assert_true(per[f][g] == total[g] / k || per[f][g] == total[g] / k + 1);
    }
    assert_int_equal(sum, n);
}

static void test_partition_stratified(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Dataset *ds = gen("blobs", 103, 3);
    /* uneven classes: drop some rows of class 0 from the end by relabelling */
    for (int r = 0; r < 20; r++)
        if (ds->y[r] == 0)
            ds->y[r] = 2;
    int fold[103];
    for (int k = 2; k <= 10; k++) {
        assert_int_equal(data_kfold(ds, k, 42, fold, err), 0);
        check_folds(ds, k, fold);
    }
    int again[103];
    data_kfold(ds, 5, 42, fold, err);
    data_kfold(ds, 5, 42, again, err);
    assert_memory_equal(fold, again, sizeof fold); /* the seed decides */
    data_kfold(ds, 5, 43, again, err);
    assert_true(memcmp(fold, again, sizeof fold) != 0);
    data_free(ds);
}

static void test_test_share_left_out(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Dataset *ds = gen("moons", 200, 0);
    assert_int_equal(data_split3(ds, 0.2, 0.1, 42, err), 0);
    assert_int_equal(data_fold_rows(ds), 180);
    int fold[200];
    assert_int_equal(data_kfold(ds, 4, 42, fold, err), 0);
    check_folds(ds, 4, fold);
    Dataset *f = data_fold(ds, fold, 1, err);
    assert_non_null(f);
    assert_int_equal(f->n, 180);
    assert_int_equal(f->n_test, 0);
    assert_int_equal(f->n - f->n_train, 45);
    data_free(f);
    data_free(ds);
}

/* A fold's data: training rows are the other folds' rows in row order,
 * then the fold's own; the same values, the same labels. */
static void test_fold_rows(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Dataset *ds = gen("circles", 50, 0);
    int fold[50];
    assert_int_equal(data_kfold(ds, 3, 1, fold, err), 0);
    for (int k = 0; k < 3; k++) {
        Dataset *f = data_fold(ds, fold, k, err);
        assert_non_null(f);
        int at = 0;
        for (int pass = 0; pass < 2; pass++)
            for (int r = 0; r < 50; r++)
                if ((fold[r] == k) == (pass == 1)) {
                    assert_memory_equal(f->x + 2 * at, ds->x + 2 * r, 2 * sizeof(double));
                    assert_true(f->y[at] == ds->y[r]);
                    at++;
                }
        assert_int_equal(at, 50);
        data_free(f);
    }
    data_free(ds);
}

/* Standardized data: each fold is standardized from its own training rows
 * (mean 0 there), from the raw values. */
static void test_fold_restandardizes(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Dataset *raw = gen("line", 40, 0);
    Dataset *ds = data_clone(raw);
    assert_int_equal(data_split3(ds, 0.25, 0, 3, err), 0);
    assert_int_equal(data_standardize(ds, err), 0);
    int fold[40];
    assert_int_equal(data_kfold(ds, 4, 3, fold, err), 0);
    Dataset *f = data_fold(ds, fold, 2, err);
    assert_non_null(f);
    assert_true(f->standardized);
    double mean = 0;
    for (int r = 0; r < f->n_train; r++)
        mean += f->x[r];
    assert_true(fabs(mean / f->n_train) < 1e-12);
    /* back in raw units the rows are the same rows */
    assert_true(fabs(f->x[0] * f->std[0] + f->mean[0] - (ds->x[0] * ds->std[0] + ds->mean[0])) < 1e-9 ||
                fold[0] == 2);
    data_free(f);
    data_free(ds);
    data_free(raw);
}

static void test_refusals(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Dataset *ds = gen("xor", 6, 0);
    int fold[6];
    assert_int_equal(data_kfold(ds, 1, 1, fold, err), ERR_INPUT);
    assert_non_null(strstr(err, "at least 2"));
    assert_int_equal(data_kfold(ds, 7, 1, fold, err), ERR_INPUT);
    assert_non_null(strstr(err, "7 folds"));
    data_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_partition_stratified),
        cmocka_unit_test(test_test_share_left_out),
        cmocka_unit_test(test_fold_rows),
        cmocka_unit_test(test_fold_restandardizes),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
