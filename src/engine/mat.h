/* mat.h — dense row-major double matrices and the CBLAS calls on them.
 * The only file that includes <cblas.h> is mat.c: every matrix product in
 * paramlab goes through mat_gemm. A Mat is a view: it never owns memory
 * unless it came from mat_new. */
#ifndef PARAMLAB_MAT_H
#define PARAMLAB_MAT_H

#include <stdbool.h>
#include <stddef.h>

typedef struct Mat {
    int rows, cols; /* shape */
    double *data;   /* rows*cols values, row-major (element (i,j) at i*cols+j) */
} Mat;

/* A view of existing memory; nothing is allocated. */
static inline Mat mat_view(double *data, int rows, int cols)
{
    Mat m = {rows, cols, data};
    return m;
}

static inline double *mat_at(const Mat *m, int i, int j)
{
    return m->data + (size_t)i * (size_t)m->cols + (size_t)j;
}

static inline size_t mat_size(const Mat *m)
{
    return (size_t)m->rows * (size_t)m->cols;
}

/* C = alpha * op(A) * op(B) + beta * C, with op = transpose when ta/tb.
 * Shapes must agree (checked by assert); one cblas_dgemm call. */
void mat_gemm(bool ta, bool tb, double alpha, const Mat *a, const Mat *b,
              double beta, Mat *c);
/* Products of fewer multiply-adds (m*n*k) than this run on one thread:
 * below it a second thread gained nothing on the 2-core machine of `make
 * bench` (at 2^20 it saved 30 %). It is also OpenBLAS 0.3.21's own cut, and
 * that matters: OpenBLAS's one- and two-thread paths can round differently,
 * so moving the cut would change the last bits of some products. */
#define MAT_THREADS_MNK 262144.0
/* The threads mat_gemm gives an (m, k) x (k, n) product: 1 below
 * MAT_THREADS_MNK, else every thread OpenBLAS started with. */
int mat_gemm_threads(int m, int n, int k);
/* y = alpha * op(A) * x + beta * y; one cblas_dgemv call. */
void mat_gemv(bool ta, double alpha, const Mat *a, const double *x,
              double beta, double *y);
/* Every row of m gets v (length m->cols) added / copied into it. */
void mat_add_row(Mat *m, const double *v);
void mat_set_rows(Mat *m, const double *v);
/* out[j] = sum over rows of m[i,j] (length m->cols). */
void mat_sum_rows(const Mat *m, double *out);
/* Euclidean norm and dot product of n values (cblas_dnrm2 / cblas_ddot). */
double mat_norm(const double *x, size_t n);
double mat_dot(const double *x, const double *y, size_t n);
/* dst = src (n values, not overlapping), written past the caches where the
 * processor can (SSE2 streaming stores): for a copy that is not read again
 * soon, such as an undo snapshot, whose destination is cold, this spares
 * fetching the destination into the cache first and keeps the live arrays
 * cached. The same bytes as memcpy. */
void mat_copy_stream(double *dst, const double *src, size_t n);

#endif
