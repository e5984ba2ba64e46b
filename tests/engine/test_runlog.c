/* test_runlog.c — the data fingerprint a run log records: the same data
 * made twice hashes the same, and any one value of the features or
 * targets (first, last, one in the middle, one left over past the last
 * whole group of four), the split or standardization changes it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>

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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_data_same_fingerprint),
        cmocka_unit_test(test_one_value_changes_it),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
