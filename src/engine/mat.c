/* mat.c — the CBLAS calls behind every matrix product of paramlab, and
 * the thread policy for them: OpenBLAS uses every thread it started with
 * (all cores, or OPENBLAS_NUM_THREADS) on a product of MAT_THREADS_MNK or
 * more multiply-adds and one thread below that, where a second thread gains
 * nothing. Dot products, norms and gemv keep every thread (see
 * use_all_threads). */
#include "mat.h"

#include <assert.h>
#include <cblas.h>
#include <stdint.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

static int threads_max; /* threads OpenBLAS started with; 0 until the first product */
static int threads_now; /* threads OpenBLAS is set to use now */

int mat_gemm_threads(int m, int n, int k)
{
    if (!threads_max) {
        threads_max = openblas_get_num_threads();
        if (threads_max < 1)
            threads_max = 1;
        threads_now = threads_max;
    }
    return (double)m * n * k < MAT_THREADS_MNK ? 1 : threads_max;
}

/* Sets OpenBLAS's thread count only when it changes (a few stores; the
 * threads themselves stay alive). */
static void use_threads(int t)
{
    if (t != threads_now) {
        openblas_set_num_threads(t);
        threads_now = t;
    }
}

/* Every thread, for a dot product, norm or gemv of n values: OpenBLAS
 * splits a long one by its thread count, so they keep the count they always
 * had and give the same sums whatever product ran before. Up to 8192 values
 * OpenBLAS 0.3.21 uses one thread whatever the count, so nothing is set. */
static void use_all_threads(size_t n)
{
    if (n <= 8192)
        return;
    if (!threads_max)
        mat_gemm_threads(0, 0, 0); /* learns threads_max */
    use_threads(threads_max);
}

void mat_gemm(bool ta, bool tb, double alpha, const Mat *a, const Mat *b,
              double beta, Mat *c)
{
    int m = ta ? a->cols : a->rows;
    int k = ta ? a->rows : a->cols;
    int kb = tb ? b->cols : b->rows;
    int n = tb ? b->rows : b->cols;
    assert(k == kb && c->rows == m && c->cols == n);
    (void)kb;
    if (m == 0 || n == 0)
        return;
    use_threads(mat_gemm_threads(m, n, k));
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a->data,
                a->cols > 0 ? a->cols : 1, b->data, b->cols > 0 ? b->cols : 1,
                beta, c->data, c->cols > 0 ? c->cols : 1);
}

void mat_gemv(bool ta, double alpha, const Mat *a, const double *x,
              double beta, double *y)
{
    if (a->rows == 0 || a->cols == 0)
        return;
    use_all_threads((size_t)a->rows * (size_t)a->cols);
    cblas_dgemv(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, a->rows,
                a->cols, alpha, a->data, a->cols, x, 1, beta, y, 1);
}

void mat_add_row(Mat *m, const double *v)
{
    for (int i = 0; i < m->rows; i++) {
        double *r = mat_at(m, i, 0);
        for (int j = 0; j < m->cols; j++)
            r[j] += v[j];
    }
}

void mat_set_rows(Mat *m, const double *v)
{
    for (int i = 0; i < m->rows; i++)
        memcpy(mat_at(m, i, 0), v, sizeof(double) * (size_t)m->cols);
}

void mat_sum_rows(const Mat *m, double *out)
{
    memset(out, 0, sizeof(double) * (size_t)m->cols);
    for (int i = 0; i < m->rows; i++) {
        const double *r = mat_at(m, i, 0);
        for (int j = 0; j < m->cols; j++)
            out[j] += r[j];
    }
}

double mat_norm(const double *x, size_t n)
{
    if (!n)
        return 0.0;
    use_all_threads(n);
    return cblas_dnrm2((int)n, x, 1);
}

double mat_dot(const double *x, const double *y, size_t n)
{
    if (!n)
        return 0.0;
    use_all_threads(n);
    return cblas_ddot((int)n, x, 1, y, 1);
}

void mat_copy_stream(double *dst, const double *src, size_t n)
{
#ifdef __SSE2__
    if (n < 1024) { /* small: the cache is the better place */
        memcpy(dst, src, n * sizeof *dst);
        return;
    }
    size_t i = 0;
    if ((uintptr_t)dst % 16) /* one value to reach a 16-byte boundary */
        dst[i] = src[i], i++;
    for (; i + 8 <= n; i += 8) {
        _mm_stream_pd(dst + i, _mm_loadu_pd(src + i));
        _mm_stream_pd(dst + i + 2, _mm_loadu_pd(src + i + 2));
        _mm_stream_pd(dst + i + 4, _mm_loadu_pd(src + i + 4));
        _mm_stream_pd(dst + i + 6, _mm_loadu_pd(src + i + 6));
    }
    for (; i < n; i++)
        dst[i] = src[i];
    _mm_sfence(); /* the streamed stores are visible before anything after */
#else
    memcpy(dst, src, n * sizeof *dst);
#endif
}
