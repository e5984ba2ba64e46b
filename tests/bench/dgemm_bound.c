/* dgemm_bound.c — the machine's bound for one training step of a dense
 * network: only the step's matrix products, each one cblas_dgemm with the
 * shapes paramlab's step uses and the thread count paramlab's mat_gemm
 * gives it (mat_gemm_threads). For layers s0 -> s1 -> ... -> sL and batch
 * B that is, per step, the forward products (B, s[k-1]) x (s[k-1], s[k]),
 * every dW_k = A_{k-1}^T dZ_k and every dA_{k-1} = dZ_k W_k^T (3L-1
 * products; 5 for one hidden layer). Nothing else: no bias, activation,
 * loss or update. The batches are read from a data array of ROWS rows,
 * one after the other as training with shuffling off reads them (a bound
 * that reused one batch would leave out reading the data, which every
 * step has to do); ROWS 0 or less than a batch reuses one batch.
 *
 * A second loop adds to the same products the one memory pass an sgd
 * step with momentum cannot do without, buf = momentum·buf + g and
 * p = p - lr·buf over every weight (reading p, buf and g, writing p and
 * buf: 40 bytes a weight), as a plain C loop: the floor of a whole step
 * that keeps PyTorch's arithmetic (no fusing of the update into a
 * product, which would round differently).
 *
 *     dgemm_bound BATCH STEPS ROWS s0 s1 ... sL
 *
 * prints "MS_PER_STEP STEPS MS_WITH_UPDATE": the means over STEPS steps
 * after one warm-up, products only and products with the update. */
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "mat.h"

#define MAX_L 16

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static double *filled(size_t n)
{
    double *p = malloc(n * sizeof *p);
    if (!p) {
        fprintf(stderr, "dgemm_bound: out of memory\n");
        exit(1);
    }
    for (size_t i = 0; i < n; i++)
        p[i] = (double)((i * 7919u) % 1000u) / 1000.0 - 0.5;
    return p;
}

/* C (m, n) = op(A) op(B), threads as paramlab's mat_gemm chooses them. */
static void gemm(int ta, int tb, int m, int n, int k, const double *a,
                 const double *b, double *c)
{
    openblas_set_num_threads(mat_gemm_threads(m, n, k));
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
                tb ? CblasTrans : CblasNoTrans, m, n, k, 1.0, a,
                ta ? m : k, b, tb ? k : n, 0.0, c, n);
}

/* sgd with momentum 0.9 and lr 1e-9 (small, so the numbers stay put) */
static void update(size_t n, double *restrict p, const double *restrict g, double *restrict buf)
{
    for (size_t i = 0; i < n; i++) {
        double b = buf[i] * 0.9 + g[i];
        buf[i] = b;
        p[i] = p[i] + (-1e-9) * b;
    }
}

int main(int argc, char **argv)
{
    if (argc < 6 || argc - 4 > MAX_L + 1) {
        fprintf(stderr, "usage: dgemm_bound BATCH STEPS ROWS s0 s1 ... sL\n");
        return 2;
    }
    int B = atoi(argv[1]), steps = atoi(argv[2]), rows = atoi(argv[3]), L = argc - 5, s[MAX_L + 1];
    for (int k = 0; k <= L; k++)
        s[k] = atoi(argv[4 + k]);
    int batches = rows >= B ? rows / B : 1;
    double *w[MAX_L + 1], *dw[MAX_L + 1], *a[MAX_L + 1], *da[MAX_L + 1], *buf[MAX_L + 1];
    double *data = filled((size_t)batches * B * s[0]); /* the rows; a[0] is the batch X in it */
    da[0] = NULL;
    for (int k = 1; k <= L; k++) {
        w[k] = filled((size_t)s[k - 1] * s[k]);
        dw[k] = filled((size_t)s[k - 1] * s[k]);
        buf[k] = filled((size_t)s[k - 1] * s[k]);
        a[k] = filled((size_t)B * s[k]);  /* Z_k, A_k */
        da[k] = filled((size_t)B * s[k]); /* dZ_k, dA_k */
    }
    double ms[2];
    for (int with = 0; with < 2; with++) {
        double t0 = 0;
        for (int it = 0; it <= steps; it++) {
            if (it == 1)
                t0 = now(); /* after one warm-up step */
            a[0] = data + (size_t)(it % batches) * B * s[0];
            for (int k = 1; k <= L; k++) /* Z_k = A_{k-1} W_k */
                gemm(0, 0, B, s[k], s[k - 1], a[k - 1], w[k], a[k]);
            for (int k = L; k >= 1; k--) {
                gemm(1, 0, s[k - 1], s[k], B, a[k - 1], da[k], dw[k]); /* dW_k */
                if (k > 1)
                    gemm(0, 1, B, s[k - 1], s[k], da[k], w[k], da[k - 1]); /* dA_{k-1} */
            }
            for (int k = 1; with && k <= L; k++)
                update((size_t)s[k - 1] * s[k], w[k], dw[k], buf[k]);
        }
        ms[with] = 1000.0 * (now() - t0) / steps;
    }
    printf("%.6f %d %.6f\n", ms[0], steps, ms[1]);
    return 0;
}
