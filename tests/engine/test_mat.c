/* test_mat.c — the matrix layer: mat_gemm in all four transpose
 * combinations against naive loops on non-square shapes, alpha and beta
 * (accumulation), zero-size shapes (no rows, no columns, an empty inner
 * dimension), mat_gemv both ways, and the small row helpers, norm and dot.
 * Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "mat.h"
#include "util.h"

static Mat new_mat(int rows, int cols)
{
    double *d = calloc((size_t)rows * (size_t)cols + 1, sizeof *d);
    assert_non_null(d);
    return mat_view(d, rows, cols);
}

static void fill(Rng *r, Mat *m)
{
    for (size_t i = 0; i < mat_size(m); i++)
        m->data[i] = 2 * rng_uniform(r) - 1;
}

/* Element (i, j) of op(m). */
static double op_at(const Mat *m, bool t, int i, int j)
{
    return t ? *mat_at(m, j, i) : *mat_at(m, i, j);
}

/* C = alpha op(A) op(B) + beta C by three loops. */
static void naive_gemm(bool ta, bool tb, double alpha, const Mat *a, const Mat *b,
                       double beta, Mat *c)
{
    int k = ta ? a->rows : a->cols;
    for (int i = 0; i < c->rows; i++)
        for (int j = 0; j < c->cols; j++) {
            double s = 0;
            for (int p = 0; p < k; p++)
                s += op_at(a, ta, i, p) * op_at(b, tb, p, j);
            double *cij = mat_at(c, i, j);
            *cij = alpha * s + (beta == 0 ? 0 : beta * *cij);
        }
}

static void assert_mat_near(const Mat *x, const Mat *y, double tol)
{
    assert_int_equal(x->rows, y->rows);
    assert_int_equal(x->cols, y->cols);
    for (int i = 0; i < x->rows; i++)
        for (int j = 0; j < x->cols; j++)
            if (!(fabs(*mat_at(x, i, j) - *mat_at(y, i, j)) <= tol))
                fail_msg("element [%d,%d]: %.17g vs %.17g", i, j, *mat_at(x, i, j),
                         *mat_at(y, i, j));
}

/* One product C (m x n) = alpha op(A) op(B) + beta C with inner size k,
 * compared with the loops, starting from the same C. */
static void check_gemm(Rng *r, bool ta, bool tb, int m, int k, int n, double alpha, double beta)
{
    Mat a = ta ? new_mat(k, m) : new_mat(m, k);
    Mat b = tb ? new_mat(n, k) : new_mat(k, n);
    Mat c = new_mat(m, n), want = new_mat(m, n);
    fill(r, &a);
    fill(r, &b);
    fill(r, &c);
    memcpy(want.data, c.data, sizeof(double) * mat_size(&c));
    mat_gemm(ta, tb, alpha, &a, &b, beta, &c);
    naive_gemm(ta, tb, alpha, &a, &b, beta, &want);
    assert_mat_near(&c, &want, 1e-12 * (k + 1));
    free(a.data);
    free(b.data);
    free(c.data);
    free(want.data);
}

static void test_gemm_transposes(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 1);
    static const int shapes[][3] = {{3, 4, 5}, {5, 3, 4}, {4, 5, 3}, {1, 7, 2},
                                    {2, 1, 6}, {6, 2, 1}, {1, 1, 1}, {17, 9, 13}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int t = 0; t < 4; t++)
            check_gemm(&r, t & 1, t & 2, shapes[s][0], shapes[s][1], shapes[s][2], 1.0, 0.0);
}

/* A small product worked out by hand, so the loops above are not the only
 * reference: A (2x3), B (3x2). */
static void test_gemm_by_hand(void **state)
{
    (void)state;
    double a[] = {1, 2, 3, 4, 5, 6};
    double b[] = {7, 8, 9, 10, 11, 12};
    double c[4] = {0};
    Mat A = mat_view(a, 2, 3), B = mat_view(b, 3, 2), C = mat_view(c, 2, 2);
    mat_gemm(false, false, 1.0, &A, &B, 0.0, &C);
    assert_true(c[0] == 58 && c[1] == 64 && c[2] == 139 && c[3] == 154);
    /* A^T (3x2) times A (2x3) = 3x3 */
    double g[9];
    Mat G = mat_view(g, 3, 3);
    mat_gemm(true, false, 1.0, &A, &A, 0.0, &G);
    const double want[9] = {17, 22, 27, 22, 29, 36, 27, 36, 45};
    for (int i = 0; i < 9; i++)
        assert_true(g[i] == want[i]);
    /* A A^T = 2x2 */
    double h[4];
    Mat Hm = mat_view(h, 2, 2);
    mat_gemm(false, true, 1.0, &A, &A, 0.0, &Hm);
    assert_true(h[0] == 14 && h[1] == 32 && h[2] == 32 && h[3] == 77);
    /* B^T A^T = (A B)^T */
    double t[4];
    Mat T = mat_view(t, 2, 2);
    mat_gemm(true, true, 1.0, &B, &A, 0.0, &T);
    assert_true(t[0] == 58 && t[1] == 139 && t[2] == 64 && t[3] == 154);
}

static void test_gemm_alpha_beta(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 2);
    static const double ab[][2] = {{1, 1}, {0.5, 1}, {2, 0.25}, {-1, -1}, {0, 1}, {0, 0.5}, {1.5, 0}};
    for (size_t i = 0; i < sizeof ab / sizeof ab[0]; i++)
        for (int t = 0; t < 4; t++)
            check_gemm(&r, t & 1, t & 2, 3, 5, 4, ab[i][0], ab[i][1]);

    /* beta = 1 accumulates: two products into the same C give their sum,
     * as a gradient accumulates over two halves of a batch */
    double a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {1, 0, 0, 1, 1, 1};
    double c[4] = {100, 200, 300, 400};
    Mat A = mat_view(a, 2, 3), B = mat_view(b, 3, 2), C = mat_view(c, 2, 2);
    mat_gemm(false, false, 1.0, &A, &B, 1.0, &C);
    assert_true(c[0] == 104 && c[1] == 205 && c[2] == 310 && c[3] == 411);
    mat_gemm(false, false, 1.0, &A, &B, 1.0, &C);
    assert_true(c[0] == 108 && c[1] == 210 && c[2] == 320 && c[3] == 422);
    /* beta = 0 ignores what C held */
    mat_gemm(false, false, 1.0, &A, &B, 0.0, &C);
    assert_true(c[0] == 4 && c[1] == 5 && c[2] == 10 && c[3] == 11);
}

static void test_gemm_zero_sizes(void **state)
{
    (void)state;
    double dummy[4] = {0}, c[6];
    /* no rows or no columns in C: nothing happens */
    Mat a0 = mat_view(dummy, 0, 3), b = mat_view(dummy, 3, 2), c0 = mat_view(c, 0, 2);
    mat_gemm(false, false, 1.0, &a0, &b, 0.0, &c0);
    Mat a = mat_view(dummy, 2, 0), b0 = mat_view(dummy, 0, 3);
    Mat at = mat_view(dummy, 0, 2); /* A^T of a 2x0 */
    Mat bt = mat_view(dummy, 3, 0); /* B^T of a 0x3 */

    /* an empty inner dimension: C = beta C (an empty sum is 0) */
    for (int t = 0; t < 4; t++) {
        for (int i = 0; i < 6; i++)
            c[i] = i + 1;
        Mat cm = mat_view(c, 2, 3);
        mat_gemm(t & 1, t & 2, 1.0, (t & 1) ? &at : &a, (t & 2) ? &bt : &b0, 0.5, &cm);
        for (int i = 0; i < 6; i++)
            if (c[i] != 0.5 * (i + 1))
                fail_msg("k = 0, ta=%d tb=%d: c[%d] = %g, expected %g", t & 1, (t & 2) != 0, i, c[i],
                         0.5 * (i + 1));
        for (int i = 0; i < 6; i++)
            c[i] = i + 1;
        mat_gemm(t & 1, t & 2, 1.0, (t & 1) ? &at : &a, (t & 2) ? &bt : &b0, 0.0, &cm);
        for (int i = 0; i < 6; i++)
            if (c[i] != 0)
                fail_msg("k = 0, beta = 0, ta=%d tb=%d: c[%d] = %g, expected 0", t & 1, (t & 2) != 0, i, c[i]);
    }
    /* C with no columns */
    Mat bn = mat_view(dummy, 3, 0), cn = mat_view(c, 2, 0);
    Mat a23 = mat_view(dummy, 2, 3);
    mat_gemm(false, false, 1.0, &a23, &bn, 0.0, &cn);
    /* gemv on an empty matrix leaves y alone */
    double y[2] = {7, 8};
    Mat e = mat_view(dummy, 0, 2);
    mat_gemv(false, 1.0, &e, dummy, 0.0, y);
    assert_true(y[0] == 7 && y[1] == 8);
    /* norm and dot of nothing are 0 */
    assert_true(mat_norm(dummy, 0) == 0.0);
    assert_true(mat_dot(dummy, dummy, 0) == 0.0);
    /* the row helpers on empty matrices */
    double out[2] = {5, 5};
    Mat z = mat_view(dummy, 0, 2);
    mat_sum_rows(&z, out);
    assert_true(out[0] == 0 && out[1] == 0);
    mat_add_row(&z, out);
    mat_set_rows(&z, out);
}

static void test_gemv(void **state)
{
    (void)state;
    Rng r;
    rng_seed(&r, 3);
    Mat a = new_mat(3, 5);
    fill(&r, &a);
    double x5[5], x3[3], y3[3], y5[5], w3[3], w5[5];
    for (int i = 0; i < 5; i++)
        x5[i] = rng_normal(&r);
    for (int i = 0; i < 3; i++)
        x3[i] = rng_normal(&r);
    for (int i = 0; i < 3; i++)
        y3[i] = w3[i] = rng_normal(&r);
    for (int i = 0; i < 5; i++)
        y5[i] = w5[i] = rng_normal(&r);
    /* y3 = 2 A x5 + 0.5 y3 */
    mat_gemv(false, 2.0, &a, x5, 0.5, y3);
    for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int j = 0; j < 5; j++)
            s += *mat_at(&a, i, j) * x5[j];
        assert_near(y3[i], 2 * s + 0.5 * w3[i], 1e-13);
    }
    /* y5 = -A^T x3 + y5 */
    mat_gemv(true, -1.0, &a, x3, 1.0, y5);
    for (int j = 0; j < 5; j++) {
        double s = 0;
        for (int i = 0; i < 3; i++)
            s += *mat_at(&a, i, j) * x3[i];
        assert_near(y5[j], -s + w5[j], 1e-13);
    }
    /* beta = 0 overwrites */
    mat_gemv(false, 1.0, &a, x5, 0.0, y3);
    for (int i = 0; i < 3; i++) {
        double s = 0;
        for (int j = 0; j < 5; j++)
            s += *mat_at(&a, i, j) * x5[j];
        assert_near(y3[i], s, 1e-13);
    }
    free(a.data);
}

static void test_rows_norm_dot(void **state)
{
    (void)state;
    double d[6] = {1, 2, 3, 4, 5, 6};
    Mat m = mat_view(d, 2, 3);
    assert_true(*mat_at(&m, 1, 2) == 6);
    assert_int_equal(mat_size(&m), 6);

    double sum[3] = {99, 99, 99};
    mat_sum_rows(&m, sum);
    assert_true(sum[0] == 5 && sum[1] == 7 && sum[2] == 9);

    const double v[3] = {10, 20, 30};
    mat_add_row(&m, v);
    const double after[6] = {11, 22, 33, 14, 25, 36};
    assert_memory_equal(d, after, sizeof d);

    mat_set_rows(&m, v);
    const double set[6] = {10, 20, 30, 10, 20, 30};
    assert_memory_equal(d, set, sizeof d);

    /* one row and one column */
    double col[3] = {1, 2, 3}, s1;
    Mat c = mat_view(col, 3, 1);
    mat_sum_rows(&c, &s1);
    assert_true(s1 == 6);

    double x[4] = {3, 4, 0, 0}, y[4] = {1, -2, 5, 0.5};
    assert_near(mat_norm(x, 2), 5.0, 1e-15);
    assert_near(mat_norm(x, 4), 5.0, 1e-15);
    assert_near(mat_norm(y, 4), sqrt(1 + 4 + 25 + 0.25), 1e-14);
    assert_near(mat_dot(x, y, 4), 3 - 8, 1e-15);
    assert_near(mat_dot(y, y, 4), 30.25, 1e-14);
    /* the norm does not overflow where the sum of squares would */
    double big[2] = {3e200, 4e200};
    assert_near(mat_norm(big, 2) / 1e200, 5.0, 1e-13);
    double tiny[2] = {3e-200, 4e-200};
    assert_near(mat_norm(tiny, 2) / 1e-200, 5.0, 1e-13);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gemm_transposes),
        cmocka_unit_test(test_gemm_by_hand),
        cmocka_unit_test(test_gemm_alpha_beta),
        cmocka_unit_test(test_gemm_zero_sizes),
        cmocka_unit_test(test_gemv),
        cmocka_unit_test(test_rows_norm_dot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
