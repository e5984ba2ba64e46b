/* test_alloc.c — a training step allocates nothing: forward, loss, backward,
 * update, the undo snapshot and the trace. The Makefile links this test with
 * ld's --wrap for malloc, calloc, realloc, aligned_alloc and
 * posix_memalign, so every call the engine makes to them lands in a
 * counter below; 1000 steps (through epoch ends, the validation loss, the
 * undo ring wrapping) must leave it at zero for every optimizer, and the
 * undo history must not reach the allocator either as it fills; likewise
 * with dropout and the l1/l2 penalties on, and with a learning-rate
 * schedule and gradient clipping on; early stopping allocates its one copy
 * of the best epoch before the first step and nothing per step or epoch.
 * Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdlib.h>

#include "session.h"

/* ---- the counting wrappers (ld --wrap=NAME routes NAME here) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
int __wrap_posix_memalign(void **p, size_t a, size_t n);

static long allocs; /* calls to any of the five since the last reset */

void *__wrap_malloc(size_t n)
{
    allocs++;
    return __real_malloc(n);
}

void *__wrap_calloc(size_t m, size_t n)
{
    allocs++;
    return __real_calloc(m, n);
}

void *__wrap_realloc(void *p, size_t n)
{
    allocs++;
    return __real_realloc(p, n);
}

void *__wrap_aligned_alloc(size_t a, size_t n)
{
    allocs++;
    return __real_aligned_alloc(a, n);
}

int __wrap_posix_memalign(void **p, size_t a, size_t n)
{
    allocs++;
    return __real_posix_memalign(p, a, n);
}

/* ---- the tests ---- */

/* moons with a validation split (the epoch end evaluates it), an mlp,
 * batch 16 (10 steps an epoch), shuffling on, optimizer k. */
static Session *make(OptKind k, Act act)
{
    char err[ERR_LEN];
    Session *s = session_new();
    assert_non_null(s);
    DataGenOpts o = {200, 0.1, 3, 0, 0};
    Dataset *ds = data_generate("moons", &o, err);
    assert_non_null(ds);
    assert_int_equal(data_split(ds, 0.2, 5, err), 0);
    bool dropped, reset, fresh;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, 16, err), 0);
    s->shuffle = true;
    int hidden[] = {8, 8};
    assert_int_equal(session_build_model(s, "mlp", hidden, 2, act, err), 0);
    OptConfig c;
    optim_defaults(k, &c);
    assert_int_equal(session_set_optimizer(s, &c, &fresh, err), 0);
    return s;
}

/* The allocator calls n steps make. */
static long count_steps(Session *s, int n)
{
    char err[ERR_LEN];
    allocs = 0;
    for (int i = 0; i < n; i++)
        if (session_step(s, err) != 0)
            fail_msg("step %d: %s", i + 1, err);
    return allocs;
}

static void wrappers_count(void **state)
{
    (void)state;
    allocs = 0;
    void *volatile a = malloc(8); /* volatile: the pair is not optimised away */
    free(a);
    a = calloc(2, 8);
    free(a);
    void *p = NULL;
    assert_int_equal(posix_memalign(&p, 64, 64), 0);
    free(p);
    assert_int_equal(allocs, 3);
}

static void step_1000_allocates_nothing(void **state)
{
    (void)state;
    for (int k = 0; k < OPT_COUNT; k++) {
        Session *s = make((OptKind)k, k % 2 ? ACT_TANH : ACT_RELU);
        long n = count_steps(s, 1000);
        if (n != 0)
            fail_msg("%s: %ld allocations in 1000 steps", optim_name((OptKind)k), n);
        assert_true(s->hist_len == s->hist_cap); /* the ring wrapped */
        /* with the history off (set undo off): nothing allocated either */
        assert_int_equal(session_set_undo(s, 0), 0);
        n = count_steps(s, 200);
        if (n != 0)
            fail_msg("%s, undo off: %ld allocations in 200 steps", optim_name((OptKind)k), n);
        session_free(s);
    }
}

/* A schedule stepped at every epoch's end (its lr and state in every
 * undo snapshot) and clipping after every backward, by norm and by value:
 * still nothing allocated. */
static void schedule_and_clip_allocate_nothing(void **state)
{
    (void)state;
    char err[ERR_LEN];
    static const char *const scheds[][3] = {
        {"plateau", "patience=1", "factor=0.5"},
        {"cosine", "tmax=7", "min=0.001"},
        {"step", "size=2", "gamma=0.5"},
    };
    for (int k = 0; k < 3; k++) {
        Session *s = make(k == 1 ? OPT_ADAM : OPT_SGD, ACT_TANH);
        SchedConfig sc;
        assert_int_equal(sched_parse(scheds[k], 3, &sc, err), 0);
        assert_int_equal(session_set_schedule(s, &sc, err), 0);
        ClipConfig cc;
        assert_int_equal(clip_parse(k == 2 ? "value=0.05" : "norm=0.5", &cc, err), 0);
        assert_int_equal(session_set_clip(s, &cc, err), 0);
        long n = count_steps(s, 1000);
        if (n != 0)
            fail_msg("%s: %ld allocations in 1000 steps with a schedule and clipping", scheds[k][0], n);
        assert_true(s->sched_state.epoch == 100); /* stepped at each of the 100 epoch ends */
        assert_true(s->hist_len == s->hist_cap);
        session_free(s);
    }
}

/* A history with room for a few copies (a large model's case): a run
 * copies one update in 32; undo recomputes the updates between, and an
 * interrupted run's end makes its last update's copy the same way. None
 * of that allocates. */
static volatile sig_atomic_t stop_flag;
static void stop_at_17(void *ctx)
{
    if (((Session *)ctx)->steps == 17)
        stop_flag = 1;
}

static void sparse_history_allocates_nothing(void **state)
{
    (void)state;
    char err[ERR_LEN];
    Session *s = make(OPT_ADAM, ACT_TANH);
    s->undo_bytes = 3 * session_snapshot_bytes(s);
    session_set_undo(s, 100);
    assert_int_equal(s->hist_every, SESSION_UNDO_EVERY_MAX);
    s->on_update = stop_at_17;
    s->on_update_ctx = s;
    s->interrupt = &stop_flag;
    long steps;
    allocs = 0;
    assert_int_equal(session_train(s, 5, NULL, NULL, &steps, err), 1); /* stopped after 17 updates */
    assert_non_null(session_snapshot(s, 0)); /* made at the run's end */
    assert_int_equal(session_undo(s, 5, err), 0); /* recomputed from the first epoch end's copy */
    if (allocs != 0)
        fail_msg("%ld allocations in a run, its end and an undo that recomputes", allocs);
    assert_int_equal(s->steps, 12);
    session_free(s);
}

/* The same with l1, l2 and dropout on: drawing the masks, applying them
 * and the penalty's value and gradient allocate nothing either. */
static void step_1000_regularized_allocates_nothing(void **state)
{
    (void)state;
    char err[ERR_LEN];
    OptKind kinds[] = {OPT_SGD, OPT_ADAM, OPT_ADAMW};
    for (int q = 0; q < 3; q++) {
        Session *s = make(kinds[q], q % 2 ? ACT_TANH : ACT_RELU);
        int hidden[] = {8, 8};
        double drop[] = {0.5, 0.2};
        Penalty pen = {1e-3, 1e-2};
        assert_int_equal(session_build_model_drop(s, "mlp", hidden, 2, s->act, drop, err), 0);
        assert_int_equal(session_set_penalty(s, &pen, err), 0);
        long n = count_steps(s, 1000);
        if (n != 0)
            fail_msg("%s with dropout and penalties: %ld allocations in 1000 steps", optim_name(kinds[q]), n);
        assert_true(nn_has_dropout(s->model) && s->loss_l1 > 0 && s->loss_l2 > 0);
        session_free(s);
    }
}

/* A cnn (two conv layers, same and 0 padding, a pool, a dense layer) on
 * blobs of 16 features read as 1×4×4 images: steps, training with its
 * validation at each epoch's end, allocate nothing either. */
static void cnn_allocates_nothing(void **state)
{
    (void)state;
    char err[ERR_LEN];
    Session *s = session_new();
    assert_non_null(s);
    DataGenOpts o = {200, 0.5, 3, 3, 16};
    Dataset *ds = data_generate("blobs", &o, err);
    assert_non_null(ds);
    ds->img_c = 1;
    ds->img_h = ds->img_w = 4;
    assert_int_equal(data_split(ds, 0.2, 5, err), 0);
    bool dropped, reset, fresh;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, 16, err), 0);
    s->shuffle = true;
    ConvSpec cs = {2, {4, 3}, {3, 2}, 0, true};
    int hidden[] = {8};
    assert_int_equal(session_build_cnn(s, &cs, hidden, 1, ACT_RELU, err), 0);
    assert_true(nn_has_conv(s->model));
    OptConfig c;
    optim_defaults(OPT_ADAM, &c);
    assert_int_equal(session_set_optimizer(s, &c, &fresh, err), 0);
    long n = count_steps(s, 300);
    if (n != 0)
        fail_msg("cnn: %ld allocations in 300 steps", n);
    cs.pool = 2;
    cs.n_conv = 1;
    assert_int_equal(session_build_cnn(s, &cs, hidden, 1, ACT_TANH, err), 0);
    assert_non_null(s->model->p[0]);
    long steps;
    allocs = 0;
    assert_int_equal(session_train(s, 20, NULL, NULL, &steps, err), 0);
    assert_int_equal(allocs, 0);
    session_free(s);
}

static void train_100_epochs_allocates_nothing(void **state)
{
    (void)state;
    char err[ERR_LEN];
    Session *s = make(OPT_ADAM, ACT_TANH);
    long steps;
    allocs = 0;
    assert_int_equal(session_train(s, 100, NULL, NULL, &steps, err), 0);
    assert_int_equal(allocs, 0);
    assert_true(steps >= 990);
    session_free(s);
}

/* Early stopping with a patience that never runs out: one allocation (the
 * best epoch's copy, made before the first step), whether it trains 10 or
 * 100 epochs, while the trace records every step and epoch. */
static void train_early_allocates_only_its_copy(void **state)
{
    (void)state;
    char err[ERR_LEN];
    EarlyStop es = {1000000, 0.0, true};
    long counts[2];
    const long epochs[2] = {10, 100};
    for (int q = 0; q < 2; q++) {
        Session *s = make(q ? OPT_SGD : OPT_ADAM, ACT_TANH);
        EarlyResult res;
        long steps;
        allocs = 0;
        assert_int_equal(session_train_early(s, epochs[q], &es, NULL, NULL, &steps, &res, err), 0);
        counts[q] = allocs;
        assert_false(res.stopped);
        assert_true(steps == 10 * epochs[q]);
        assert_true(s->trace->e_len > 0 && s->trace->len > 0);
        session_free(s);
    }
    assert_int_equal(counts[0], 1);
    assert_int_equal(counts[1], 1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(wrappers_count),
        cmocka_unit_test(step_1000_allocates_nothing),
        cmocka_unit_test(step_1000_regularized_allocates_nothing),
        cmocka_unit_test(schedule_and_clip_allocate_nothing),
        cmocka_unit_test(sparse_history_allocates_nothing),
        cmocka_unit_test(train_100_epochs_allocates_nothing),
        cmocka_unit_test(train_early_allocates_only_its_copy),
        cmocka_unit_test(cnn_allocates_nothing),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
