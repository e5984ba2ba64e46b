/* test_undo.c — the undo history and the alarms of the session: undo then
 * step repeats training bit for bit (parameters, optimizer state, position)
 * for every optimizer, across epoch boundaries with shuffling; the ring
 * keeps its newest updates when it wraps; what clears it; the divergence
 * and NaN alarms stop at the first bad step. Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* A session with moons data, an mlp and the given optimizer. */
static bool fresh_; /* whether set_optimizer started the state afresh (unused) */

static Session *make(OptKind k, bool shuffle)
{
    char err[ERR_LEN];
    Session *s = session_new();
    assert_non_null(s);
    DataGenOpts o = {60, 0.1, 7, 0, 0};
    Dataset *ds = data_generate("moons", &o, err);
    assert_non_null(ds);
    bool dropped, reset;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, 16, err), 0);
    s->shuffle = shuffle;
    int hidden[] = {5, 3};
    assert_int_equal(session_build_model(s, "mlp", hidden, 2, ACT_TANH, err), 0);
    OptConfig c;
    optim_defaults(k, &c);
    c.lr = k == OPT_ADADELTA ? 1.0 : 0.05;
    if (k == OPT_SGD)
        c.momentum = 0.9;
    if (k == OPT_RMSPROP)
        c.centered = true;
    if (k == OPT_ADAM)
        c.amsgrad = true;
    assert_int_equal(session_set_optimizer(s, &c, &fresh_, err), 0);
    return s;
}

static void steps(Session *s, int n)
{
    char err[ERR_LEN];
    for (int i = 0; i < n; i++)
        assert_int_equal(session_step(s, err), 0);
}

/* Everything an update changes, as one comparable record. */
typedef struct Copy {
    double *params, *state;
    size_t np, ns;
    long step, epoch, steps;
    int batch_index;
    double mu;
} Copy;

static Copy take(const Session *s)
{
    Copy c;
    c.np = s->model->n_params;
    c.ns = s->optim->n * (size_t)s->optim->n_slots;
    c.params = malloc(sizeof(double) * c.np);
    c.state = malloc(sizeof(double) * (c.ns ? c.ns : 1));
    memcpy(c.params, s->model->params, sizeof(double) * c.np);
    memcpy(c.state, s->optim->state, sizeof(double) * c.ns);
    c.step = s->optim->step;
    c.epoch = s->epoch;
    c.steps = s->steps;
    c.batch_index = s->batch_index;
    c.mu = s->optim->mu_product;
    return c;
}

static void same(const Copy *a, const Copy *b)
{
    assert_int_equal(a->np, b->np);
    assert_memory_equal(a->params, b->params, sizeof(double) * a->np);
    assert_memory_equal(a->state, b->state, sizeof(double) * a->ns);
    assert_int_equal(a->step, b->step);
    assert_int_equal(a->epoch, b->epoch);
    assert_int_equal(a->steps, b->steps);
    assert_int_equal(a->batch_index, b->batch_index);
    assert_true(a->mu == b->mu);
}

static void drop(Copy *c)
{
    free(c->params);
    free(c->state);
}

static void test_undo_repeats_exactly(void **st)
{
    (void)st;
    char err[ERR_LEN];
    for (int k = 0; k < OPT_COUNT; k++) {
        Session *s = make((OptKind)k, true);
        steps(s, 3);
        Copy before = take(s);
        steps(s, 7); /* crosses the epoch boundary (4 batches per epoch) */
        Copy after = take(s);
        assert_int_equal(session_undo(s, 7, err), 0);
        Copy back = take(s);
        same(&before, &back);
        assert_int_equal(s->phase, PHASE_READY);
        steps(s, 7);
        Copy again = take(s);
        same(&after, &again);
        drop(&before);
        drop(&after);
        drop(&back);
        drop(&again);
        session_free(s);
    }
}

static void test_undo_limits(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = make(OPT_ADAM, false);
    assert_int_equal(session_undo(s, 1, err), ERR_UNDO_EMPTY);
    assert_non_null(strstr(err, "nothing to undo"));
    steps(s, 2);
    Copy c = take(s);
    assert_int_equal(session_undo(s, 3, err), ERR_UNDO_RANGE);
    assert_non_null(strstr(err, "only the last 2 updates"));
    Copy d = take(s);
    same(&c, &d); /* a refused undo changes nothing */
    drop(&c);
    drop(&d);
    assert_int_equal(session_undo(s, 0, err), -1);
    /* a new optimizer kind starts the history afresh */
    OptConfig o;
    optim_defaults(OPT_SGD, &o);
    assert_int_equal(session_set_optimizer(s, &o, &fresh_, err), 0);
    assert_int_equal(session_undo(s, 1, err), ERR_UNDO_EMPTY);
    /* so does a new batch size */
    steps(s, 2);
    assert_int_equal(session_set_batch(s, 8, err), 0);
    assert_int_equal(session_undo(s, 1, err), ERR_UNDO_EMPTY);
    session_free(s);
}

/* `set undo`: off takes no snapshot and refuses undo with its own code,
 * training the same numbers; a smaller keep bounds the history (which
 * starts afresh); the defaults put 1000 back. */
static void test_undo_keep(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *on = make(OPT_ADAM, true), *off = make(OPT_ADAM, true);
    assert_int_equal(session_set_undo(off, 0), 0);
    assert_int_equal(off->hist_cap, 0);
    steps(on, 9);
    steps(off, 9);
    Copy a = take(on), b = take(off);
    same(&a, &b); /* the history changes no number */
    drop(&a);
    drop(&b);
    assert_int_equal(off->hist_len, 0);
    assert_null(session_snapshot(off, 0));
    assert_int_equal(session_undo(off, 1, err), ERR_UNDO_OFF);
    assert_int_equal(off->steps, 9);
    assert_int_equal(session_set_undo(off, 3), 3);
    assert_int_equal(session_undo(off, 1, err), ERR_UNDO_EMPTY); /* afresh */
    steps(off, 5);
    assert_int_equal(off->hist_len, 3);
    assert_int_equal(session_undo(off, 4, err), ERR_UNDO_RANGE);
    assert_non_null(strstr(err, "as many as the history keeps"));
    assert_int_equal(session_undo(off, 3, err), 0);
    assert_int_equal(off->steps, 11);
    assert_int_equal(session_set_undo(off, 5000), SESSION_UNDO_MAX); /* clamped */
    assert_int_equal(session_set_undo(off, 0), 0);
    assert_int_equal(session_reset_settings(off, err), 0);
    assert_int_equal(off->undo_keep, SESSION_UNDO_MAX);
    assert_int_equal(off->hist_cap, SESSION_UNDO_MAX);
    session_free(on);
    session_free(off);
}

static void test_ring_wraps(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = make(OPT_SGD, false);
    assert_true(s->hist_cap == SESSION_UNDO_MAX);
    steps(s, SESSION_UNDO_MAX - 5);
    Copy c = take(s);
    steps(s, 10);
    assert_int_equal(s->hist_len, SESSION_UNDO_MAX);
    assert_int_equal(session_undo(s, 10, err), 0);
    Copy d = take(s);
    same(&c, &d);
    drop(&c);
    drop(&d);
    assert_int_equal(session_undo(s, SESSION_UNDO_MAX - 10, err), 0);
    assert_int_equal(s->steps, 5); /* the oldest five fell out of the ring */
    assert_int_equal(session_undo(s, 1, err), -1);
    session_free(s);
}

static void test_snapshot_is_state_before_update(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = make(OPT_ADAMW, false);
    steps(s, 2);
    Copy c = take(s);
    steps(s, 1);
    const Snapshot *h = session_snapshot(s, 0);
    assert_non_null(h);
    assert_memory_equal(h->params, c.params, sizeof(double) * c.np);
    assert_int_equal(h->opt_step, 2);
    assert_null(session_snapshot(s, 3));
    drop(&c);
    (void)err;
    session_free(s);
}

static void test_divergence_alarm(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = session_new();
    DataGenOpts o = {100, 0.1, 1, 0, 0};
    bool dropped, reset;
    assert_int_equal(session_set_data(s, data_generate("line", &o, err), &dropped, &reset), 0);
    assert_int_equal(session_build_model(s, "linear", NULL, 0, ACT_RELU, err), 0);
    OptConfig c;
    optim_defaults(OPT_SGD, &c);
    c.lr = 100;
    assert_int_equal(session_set_optimizer(s, &c, &fresh_, err), 0);
    assert_int_equal(session_step(s, err), 0);
    assert_int_equal(session_step(s, err), ERR_DIVERGED); /* the first bad step */
    assert_int_equal(s->steps, 1);
    assert_non_null(strstr(err, "lr=100"));
    assert_non_null(strstr(err, "at step 2"));
    /* undo takes the learner back to before the bad update */
    assert_int_equal(session_undo(s, 1, err), 0);
    assert_int_equal(s->steps, 0);
    session_free(s);
}

static void test_nan_names_tensor(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *s = make(OPT_SGD, false);
    steps(s, 1);
    s->model->params[s->model->layer[1].b_off + 2] = NAN; /* b2[2] */
    assert_int_equal(session_step(s, err), ERR_NONFINITE);
    assert_non_null(strstr(err, "NaN"));
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_undo_repeats_exactly),
        cmocka_unit_test(test_undo_limits),
        cmocka_unit_test(test_undo_keep),
        cmocka_unit_test(test_ring_wraps),
        cmocka_unit_test(test_snapshot_is_state_before_update),
        cmocka_unit_test(test_divergence_alarm),
        cmocka_unit_test(test_nan_names_tensor),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
