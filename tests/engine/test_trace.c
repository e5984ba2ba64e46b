/* test_trace.c — the training history plots draw: every update and epoch
 * is recorded until the series is full, then halved by averaging (steps)
 * or thinning (epochs) while keeping the newest points; undo truncates it;
 * the session records true gradient norms and validation losses, and a
 * fork races from the same parameters over the same batches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"
#include "trace.h"

static void test_records_every_step_until_full(void **state)
{
    (void)state;
    Trace *t = trace_new(2);
    assert_non_null(t);
    for (long i = 1; i < TRACE_CAP; i++) {
        double g[2] = {(double)i, 2.0 * (double)i};
        trace_step(t, i, 1.0 / (double)i, g);
    }
    assert_int_equal(t->len, TRACE_CAP - 1);
    assert_int_equal(t->stride, 1);
    assert_int_equal(t->step[9], 10);
    assert_true(t->loss[9] == 0.1);
    assert_true(t->gnorm[9 * 2 + 1] == 20.0);
    trace_free(t);
}

static void test_halves_by_averaging_pairs(void **state)
{
    (void)state;
    Trace *t = trace_new(1);
    assert_non_null(t);
    long n = 3L * TRACE_CAP; /* fills, halves (stride 2), fills, halves (stride 4) */
    for (long i = 1; i <= n; i++) {
        double g = (double)i;
        trace_step(t, i, (double)i, &g);
    }
    assert_int_equal(t->stride, 4);
    assert_true(t->len <= TRACE_CAP && t->len >= TRACE_CAP / 2);
    /* the first point now averages updates 1..4, and it says its last update */
    assert_int_equal(t->step[0], 4);
    assert_true(fabs(t->loss[0] - 2.5) < 1e-12);
    assert_true(fabs(t->gnorm[0] - 2.5) < 1e-12);
    /* the newest point is the last full window */
    assert_int_equal(t->step[t->len - 1], n);
    assert_true(fabs(t->loss[t->len - 1] - (double)(n - 1.5)) < 1e-9);
    for (int i = 1; i < t->len; i++)
        assert_true(t->step[i] > t->step[i - 1]);
    trace_free(t);
}

static void test_epochs_thin_and_truncate(void **state)
{
    (void)state;
    Trace *t = trace_new(1);
    assert_non_null(t);
    for (long e = 1; e <= TRACE_CAP + 10; e++)
        trace_epoch(t, 10 * e, e, 1.0 / (double)e, NAN, NAN, 0.1);
    assert_int_equal(t->e_stride, 2);
    assert_int_equal(t->e_epoch[0], 2);
    assert_int_equal(t->e_epoch[t->e_len - 1], TRACE_CAP + 10);
    assert_true(isnan(t->e_val[0]));
    for (long i = 1; i <= 100; i++) {
        double g = 1;
        trace_step(t, i, 1, &g);
    }
    trace_truncate(t, 40);
    assert_int_equal(t->len, 40);
    assert_int_equal(t->step[t->len - 1], 40);
    assert_int_equal(t->e_len, 2); /* epoch points at updates 20 and 40 */
    trace_clear(t);
    assert_int_equal(t->len, 0);
    assert_int_equal(t->e_len, 0);
    trace_free(t);
}

static Session *moons(int batch, double split)
{
    char err[ERR_LEN];
    Session *s = session_new();
    assert_non_null(s);
    DataGenOpts o = {80, 0.1, 3, 0, 0};
    Dataset *ds = data_generate("moons", &o, err);
    assert_non_null(ds);
    if (split > 0)
        assert_int_equal(data_split(ds, split, 5, err), 0);
    bool dropped, reset;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, batch, err), 0);
    s->shuffle = true;
    int hidden[] = {6};
    assert_int_equal(session_build_model(s, "mlp", hidden, 1, ACT_TANH, err), 0);
    return s;
}

static void test_session_records_norms_and_val_loss(void **state)
{
    (void)state;
    char err[ERR_LEN];
    Session *s = moons(16, 0.25); /* 60 training rows: 4 batches per epoch */
    Model *m = s->model;
    assert_int_equal(session_forward(s, err), 0);
    assert_int_equal(session_loss(s, err), 0);
    assert_int_equal(session_backward(s, err), 0);
    double want = 0;
    for (size_t i = m->layer[1].w_off; i < m->n_params; i++)
        want += m->grads[i] * m->grads[i];
    double loss = s->loss_value;
    assert_int_equal(session_update(s, err), 0);
    const Trace *t = s->trace;
    assert_int_equal(t->len, 1);
    assert_int_equal(t->step[0], 1);
    assert_true(t->loss[0] == loss);
    assert_true(fabs(t->gnorm[1] - sqrt(want)) <= 1e-12 * sqrt(want));
    long steps;
    assert_int_equal(session_train(s, 2, NULL, NULL, &steps, err), 0);
    assert_int_equal(t->e_len, 2);
    assert_int_equal(t->e_step[1], 8);
    double acc;
    assert_true(fabs(t->e_val[1] - session_eval_loss(s, false, &acc)) < 1e-15);
    assert_true(t->e_train[1] == s->last_epoch_loss);
    assert_int_equal(session_undo(s, 3, err), 0);
    assert_int_equal(t->len, 5);
    assert_int_equal(t->e_len, 1);
    /* a whole-model init starts the history again */
    assert_int_equal(session_init(s, &s->init, NULL, err), 0);
    assert_int_equal(t->len, 0);
    session_free(s);
}

static void test_fork_races_from_the_same_start(void **state)
{
    (void)state;
    char err[ERR_LEN];
    Session *s = moons(16, 0);
    long steps;
    assert_int_equal(session_train(s, 1, NULL, NULL, &steps, err), 0);
    assert_int_equal(session_step(s, err), 0); /* mid-epoch, shuffled */
    OptConfig c = s->opt;
    Session *f = session_fork(s, &c, err);
    assert_non_null(f);
    assert_null(f->hist);
    assert_memory_equal(f->model->params, s->model->params, sizeof(double) * s->model->n_params);
    assert_memory_equal(f->perm, s->perm, sizeof(int) * (size_t)s->data->n_train);
    /* the same optimizer (sgd has no state) takes the same steps */
    for (int i = 0; i < 9; i++) {
        assert_int_equal(session_step(s, err), 0);
        assert_int_equal(session_step(f, err), 0);
    }
    assert_memory_equal(f->model->params, s->model->params, sizeof(double) * s->model->n_params);
    /* outputs of the batched evaluation equal the training forward pass */
    double out[16 * 2];
    assert_int_equal(session_forward(s, err), 0);
    session_eval_outputs(s, s->xb, s->rows, out);
    for (int i = 0; i < s->rows * nn_outputs(s->model); i++)
        assert_true(fabs(out[i] - s->yhat[i]) < 1e-15);
    OptConfig bad = c;
    bad.lr = -1;
    assert_null(session_fork(s, &bad, err));
    assert_true(strstr(err, "learning rate") != NULL);
    session_free(f);
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_records_every_step_until_full),
        cmocka_unit_test(test_halves_by_averaging_pairs),
        cmocka_unit_test(test_epochs_thin_and_truncate),
        cmocka_unit_test(test_session_records_norms_and_val_loss),
        cmocka_unit_test(test_fork_races_from_the_same_start),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
