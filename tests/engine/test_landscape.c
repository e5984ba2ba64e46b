/* test_landscape.c — the loss over a grid of two parameter elements, all
 * points at once, against setting each point's values and evaluating the
 * whole training share the plain way: the same losses to 1e-12 relative
 * for elements in the same layer, in different layers, weights and biases,
 * on a net with more rows than one chunk and a partly filled last block;
 * the parameters untouched; progress reported; an interrupt stops it,
 * also between two blocks of points of one chunk of rows. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <math.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "landscape.h"
#include "session.h"
#include "util.h"

static Session *make(int n_rows, const int *hidden, int nh, Act act)
{
    char err[ERR_LEN] = "";
    DataGenOpts o = {n_rows, -1, 3, 0, 0};
    Dataset *ds = data_generate("moons", &o, err);
    assert_non_null(ds);
    assert_int_equal(data_split(ds, 0.2, 7, err), 0);
    Session *s = session_new();
    assert_non_null(s);
    bool dropped, reset;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_build_model(s, "mlp", hidden, nh, act, err), 0);
    return s;
}

/* Index of element (i, j) of W_k or (j) of b_k (k from 1). */
static size_t at(const Session *s, int k, bool w, int i, int j)
{
    const Layer *l = &s->model->layer[k - 1];
    return w ? l->w_off + (size_t)i * l->n_out + (size_t)j : l->b_off + (size_t)j;
}

static long calls;
static void count(void *ctx, long done, long total)
{
    (void)ctx;
    assert_true(done > 0 && done <= total);
    calls++;
}

/* Every point of a 7x5 grid around the current values, both ways. */
static void check_grid(Session *s, size_t i1, size_t i2)
{
    enum { NX = 7, NY = 5, N = NX * NY };
    double xs[N], ys[N], z[N], acc;
    double *p = s->model->params;
    double b1 = p[i1], b2 = p[i2];
    for (int j = 0; j < NY; j++)
        for (int i = 0; i < NX; i++) {
            xs[j * NX + i] = b1 - 1.5 + 0.5 * i;
            ys[j * NX + i] = b2 - 1 + 0.5 * j;
        }
    size_t n = s->model->n_params;
    double *before = malloc(sizeof(double) * n);
    assert_non_null(before);
    memcpy(before, p, sizeof(double) * n);
    char err[ERR_LEN];
    calls = 0;
    assert_int_equal(session_loss_grid(s, i1, i2, xs, ys, N, z, count, NULL, err), 0);
    assert_true(calls >= 1);
    assert_memory_equal(p, before, sizeof(double) * n); /* the session's parameters untouched */
    for (int k = 0; k < N; k++) {
        p[i1] = xs[k];
        p[i2] = ys[k];
        double want = session_eval_share(s, DATA_TRAIN, &acc);
        assert_rel(z[k], want, 1e-12, 1e-12);
    }
    memcpy(p, before, sizeof(double) * n);
    free(before);
}

static void test_matches_point_by_point(void **state)
{
    (void)state;
    int h[] = {16, 8};
    Session *s = make(700, h, 2, ACT_TANH); /* 560 training rows: three chunks, the last partial */
    check_grid(s, at(s, 1, true, 0, 3), at(s, 1, true, 1, 3)); /* one column of the first layer */
    check_grid(s, at(s, 1, true, 0, 2), at(s, 2, true, 5, 1)); /* two layers */
    check_grid(s, at(s, 2, false, 0, 4), at(s, 3, true, 2, 0)); /* a bias, the output layer */
    check_grid(s, at(s, 3, false, 0, 0), at(s, 3, true, 7, 0)); /* the last layer only */
    session_free(s);
    int r[] = {32};
    s = make(300, r, 1, ACT_RELU);
    check_grid(s, at(s, 1, false, 0, 0), at(s, 1, false, 0, 1));
    session_free(s);
}

/* A cnn (blobs of 16 features read as 1×4×4 images) takes the point by
 * point path: the same losses, a kernel element with a dense weight. */
static void test_cnn(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    DataGenOpts o = {300, 0.5, 3, 3, 16};
    Dataset *ds = data_generate("blobs", &o, err);
    assert_non_null(ds);
    ds->img_c = 1;
    ds->img_h = ds->img_w = 4;
    assert_int_equal(data_split(ds, 0.2, 7, err), 0);
    Session *s = session_new();
    bool dropped, reset;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    ConvSpec cs = {1, {3}, {3}, 2, true};
    int h[] = {5};
    assert_int_equal(session_build_cnn(s, &cs, h, 1, ACT_RELU, err), 0);
    const Model *m = s->model;
    check_grid(s, 4, m->layer[1].w_off + 7); /* K1[0,0,1,1] and a weight of W2 */
    check_grid(s, m->layer[0].b_off + 2, 10); /* c1[2] and K1[1,0,0,1] */
    session_free(s);
}

static void test_refusals_and_interrupt(void **state)
{
    (void)state;
    int h[] = {4};
    Session *s = make(100, h, 1, ACT_TANH);
    double xs[2] = {0, 1}, ys[2] = {0, 1}, z[2] = {-7, -7};
    char err[ERR_LEN];
    size_t e = at(s, 1, true, 0, 0);
    assert_int_equal(session_loss_grid(s, e, e, xs, ys, 2, z, NULL, NULL, err), ERR_INPUT);
    assert_int_equal(session_loss_grid(s, e, s->model->n_params, xs, ys, 2, z, NULL, NULL, err), ERR_INPUT);
    volatile sig_atomic_t stop = 1;
    s->interrupt = &stop;
    assert_int_equal(session_loss_grid(s, e, at(s, 1, false, 0, 1), xs, ys, 2, z, NULL, NULL, err), 1);
    assert_true(z[0] == -7 && z[1] == -7);
    s->interrupt = NULL;
    session_free(s);
}

/* Ctrl-C pressed while the first chunk of rows runs (after its first block
 * of points) stops before the next block: a wide layer makes blocks of a
 * few points, and one chunk of a big model can take minutes. */
static volatile sig_atomic_t mid_stop;
static void press_ctrl_c(void *ctx, long done, long total)
{
    (void)ctx;
    assert_true(done > 0 && done < total);
    calls++;
    mid_stop = 1;
}

static void test_interrupt_between_blocks(void **state)
{
    (void)state;
    int h[] = {512};
    Session *s = make(100, h, 1, ACT_TANH); /* 80 training rows: one chunk; 8 points a block */
    enum { N = 20 };
    double xs[N], ys[N], z[N];
    for (int k = 0; k < N; k++) {
        xs[k] = 0.1 * k;
        ys[k] = -0.1 * k;
        z[k] = -7;
    }
    char err[ERR_LEN];
    mid_stop = 0;
    calls = 0;
    s->interrupt = &mid_stop;
    assert_int_equal(session_loss_grid(s, at(s, 1, true, 0, 0), at(s, 1, true, 1, 0), xs, ys, N, z, press_ctrl_c,
                                       NULL, err), 1);
    assert_int_equal(calls, 1);
    for (int k = 0; k < N; k++)
        assert_true(z[k] == -7);
    s->interrupt = NULL;
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_matches_point_by_point),
        cmocka_unit_test(test_refusals_and_interrupt),
        cmocka_unit_test(test_interrupt_between_blocks),
        cmocka_unit_test(test_cnn),
    };
    return cmocka_run_group_tests_name("landscape", tests, NULL, NULL);
}
