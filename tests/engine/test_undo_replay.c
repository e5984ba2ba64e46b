/* test_undo_replay.c — a history that keeps a copy of only some updates of
 * a run (a small undo_bytes makes it so for a small model) undoes to
 * exactly the state every update saw: parameters, optimizer state and
 * counters bit for bit, for every entry of the history, with shuffling,
 * dropout, an l2 penalty, gradient clipping and a schedule on, also when
 * the learner changed those settings after the run; an interrupted run's
 * last update gets its copy by recomputing, leaving the state as it was;
 * the oldest entry always has its copy as copies are overwritten. Each
 * state after an update is recorded through the session's on_update hook
 * while the run goes. Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "session.h"

/* One state: what an update changes. */
typedef struct State {
    double *params, *opt;
    long step, epoch, steps;
    int batch_index;
    double mu, lr;
} State;

#define MAX_REC 400

typedef struct Rec {
    Session *s;
    State st[MAX_REC + 1]; /* st[u]: the state after u updates */
    int n;
    int stop_at;           /* raise the interrupt after this many updates (0: never) */
    double loss_at_stop;   /* the batch loss then */
    volatile sig_atomic_t flag;
} Rec;

static void grab(const Session *s, State *t)
{
    size_t np = s->model->n_params, ns = s->optim->n * (size_t)s->optim->n_slots;
    t->params = malloc(sizeof(double) * np);
    t->opt = malloc(sizeof(double) * (ns ? ns : 1));
    memcpy(t->params, s->model->params, sizeof(double) * np);
    memcpy(t->opt, s->optim->state, sizeof(double) * ns);
    t->step = s->optim->step;
    t->epoch = s->epoch;
    t->steps = s->steps;
    t->batch_index = s->batch_index;
    t->mu = s->optim->mu_product;
    t->lr = s->opt.lr;
}

static void same_as(const Session *s, const State *t, const char *what)
{
    State now;
    grab(s, &now);
    size_t np = s->model->n_params, ns = s->optim->n * (size_t)s->optim->n_slots;
    if (memcmp(now.params, t->params, sizeof(double) * np) != 0 ||
        memcmp(now.opt, t->opt, sizeof(double) * ns) != 0 || now.step != t->step || now.epoch != t->epoch ||
        now.steps != t->steps || now.batch_index != t->batch_index || !(now.mu == t->mu))
        fail_msg("%s: the state differs from the one recorded after %ld updates", what, t->steps);
    free(now.params);
    free(now.opt);
}

static void on_update(void *ctx)
{
    Rec *r = ctx;
    if (r->s->steps <= MAX_REC && r->s->steps == r->n + 1)
        grab(r->s, &r->st[++r->n]);
    if (r->stop_at && r->s->steps == r->stop_at) {
        r->flag = 1;
        r->loss_at_stop = r->s->loss_value;
    }
}

static void rec_free(Rec *r)
{
    for (int i = 0; i <= r->n; i++) {
        free(r->st[i].params);
        free(r->st[i].opt);
    }
    free(r);
}

/* moons with a validation share, batches of 8 (18 an epoch), shuffling,
 * dropout, l2, clipping and a step schedule; a history of 40 updates with
 * room for 4 copies, so a run keeps one in 32 and each epoch's last. */
static Rec *make_batch(OptKind k, int batch)
{
    char err[ERR_LEN];
    Session *s = session_new();
    assert_non_null(s);
    DataGenOpts o = {180, 0.2, 5, 0, 0};
    Dataset *ds = data_generate("moons", &o, err);
    assert_non_null(ds);
    assert_int_equal(data_split(ds, 0.2, 5, err), 0);
    bool dropped, reset, fresh;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, batch, err), 0);
    s->shuffle = true;
    int hidden[] = {6, 5};
    double drop[] = {0.2, 0.1};
    assert_int_equal(session_build_model_drop(s, "mlp", hidden, 2, ACT_TANH, drop, err), 0);
    OptConfig c;
    optim_defaults(k, &c);
    c.lr = k == OPT_ADADELTA ? 1.0 : 0.03;
    if (k == OPT_SGD)
        c.momentum = 0.9;
    assert_int_equal(session_set_optimizer(s, &c, &fresh, err), 0);
    s->pen.l2 = 1e-3;
    ClipConfig cl = {CLIP_NORM, 0.5};
    assert_int_equal(session_set_clip(s, &cl, err), 0);
    SchedConfig sc = {0};
    sc.kind = SCHED_STEP;
    sc.size = 1;
    sc.gamma = 0.7;
    assert_int_equal(session_set_schedule(s, &sc, err), 0);
    s->undo_bytes = 4 * session_snapshot_bytes(s) + 100;
    assert_int_equal(session_set_undo(s, 40), 40);
    assert_int_equal(s->hist_every, SESSION_UNDO_EVERY_MAX);
    Rec *r = calloc(1, sizeof *r);
    assert_non_null(r);
    r->s = s;
    grab(s, &r->st[0]);
    s->on_update = on_update;
    s->on_update_ctx = r;
    s->interrupt = &r->flag;
    return r;
}

static Rec *make(OptKind k)
{
    return make_batch(k, 8);
}

static void train(Rec *r, long epochs, int want)
{
    char err[ERR_LEN];
    long steps;
    int rc = session_train(r->s, epochs, NULL, NULL, &steps, err);
    if (rc != want)
        fail_msg("train returned %d, not %d: %s", rc, want, err);
}

/* Undo one update at a time, back to the oldest the history holds: each
 * state is the one recorded; then the same updates again repeat the run. */
static void undo_one_by_one(void **st)
{
    (void)st;
    OptKind kinds[] = {OPT_SGD, OPT_ADAM, OPT_NADAM, OPT_RMSPROP, OPT_RPROP};
    for (size_t i = 0; i < sizeof kinds / sizeof kinds[0]; i++) {
        char err[ERR_LEN];
        Rec *r = make(kinds[i]);
        Session *s = r->s;
        train(r, 2, 0); /* 36 updates: copies at 1 (the run's first), 33 and 36 (its last) */
        assert_int_equal(r->n, 36);
        int len = s->hist_len;
        assert_int_equal(len, 36);
        assert_non_null(session_snapshot(s, 0)); /* the run's last update kept its copy */
        int kept = 0;
        for (int k = 0; k < len; k++)
            kept += session_snapshot(s, k) != NULL;
        assert_int_equal(kept, 3); /* only those updates copied the arrays */
        for (int k = 1; k <= len; k++) {
            if (session_undo(s, 1, err) != 0)
                fail_msg("%s: undo 1 (the %dth): %s", optim_name(kinds[i]), k, err);
            same_as(s, &r->st[36 - k], optim_name(kinds[i]));
            if (k < len) { /* the update now in effect has its copy, for explain and diagnose */
                const Snapshot *h = session_snapshot(s, 0);
                assert_non_null(h);
                assert_memory_equal(h->params, r->st[35 - k].params, sizeof(double) * s->model->n_params);
            }
        }
        assert_int_equal(session_undo(s, 1, err), -1);
        assert_non_null(strstr(err, "nothing more to undo"));
        long at = s->steps;
        char e2[ERR_LEN];
        for (int k = 0; k < 36 - at; k++)
            assert_int_equal(session_step(s, e2), 0);
        same_as(s, &r->st[36], "the updates made again");
        rec_free(r);
        session_free(s);
    }
}

/* undo N straight to every entry, with the lr, l2, clipping, schedule,
 * shuffling and seed changed after the run: the update is made again with
 * the settings of its run, and the learner's settings stay in force. */
static void undo_n_after_new_settings(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Rec *base = make(OPT_ADAM);
    train(base, 2, 0);
    int len = base->s->hist_len;
    for (int n = 1; n <= len; n += 3) {
        Rec *r = make(OPT_ADAM);
        Session *s = r->s;
        train(r, 2, 0);
        bool fresh;
        OptConfig c = s->opt;
        c.lr = 0.5;
        assert_int_equal(session_set_optimizer(s, &c, &fresh, err), 0);
        assert_false(fresh);
        s->pen.l2 = 0.3;
        s->clip.kind = CLIP_OFF;
        s->sched.kind = SCHED_NONE;
        s->shuffle = false;
        s->seed = 99;
        assert_int_equal(session_undo(s, n, err), 0);
        same_as(s, &base->st[36 - n], "undo N");
        assert_true(s->opt.lr == 0.5 && s->optim->cfg.lr == 0.5);
        assert_true(s->pen.l2 == 0.3 && s->clip.kind == CLIP_OFF && s->sched.kind == SCHED_NONE);
        assert_true(!s->shuffle && s->seed == 99);
        assert_int_equal(s->hist_len, len - n);
        rec_free(r);
        session_free(s);
    }
    Session *s = base->s;
    rec_free(base);
    session_free(s);
}

/* Ctrl-C in the middle of a run: its last update had no copy; the run's
 * end makes it, and the state, the activations' loss and the counters are
 * those the interruption left. */
static void interrupted_run_gets_its_copy(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Rec *r = make(OPT_SGD);
    Session *s = r->s;
    r->stop_at = 15; /* neither a tenth update nor an epoch's end */
    train(r, 3, 1);
    assert_int_equal(s->steps, 15);
    same_as(s, &r->st[15], "after the interruption");
    const Snapshot *h = session_snapshot(s, 0);
    assert_non_null(h);
    assert_memory_equal(h->params, r->st[14].params, sizeof(double) * s->model->n_params);
    assert_true(s->loss_value == r->loss_at_stop); /* the last step was made again, to the bit */
    assert_int_equal(session_undo(s, 3, err), 0);
    same_as(s, &r->st[12], "undo 3 after the interruption");
    Session *keep = s;
    rec_free(r);
    session_free(keep);
}

/* A run that fails (the loss diverges) between copies: its last update
 * gets its copy at the run's end, and the state is the one the failure
 * left, as with no history at all (the failing step's batch, phase and
 * loss). */
static void failed_run_gets_its_copy(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Session *t[2];
    long steps[2];
    for (int i = 0; i < 2; i++) {
        Rec *r = make(OPT_SGD);
        t[i] = r->s;
        if (i == 1)
            session_set_undo(t[i], 0); /* the reference: no history, nothing recomputed */
        bool fresh;
        OptConfig c = t[i]->opt;
        c.lr = 40;
        assert_int_equal(session_set_optimizer(t[i], &c, &fresh, err), 0);
        t[i]->clip.kind = CLIP_OFF;
        t[i]->on_update = NULL;
        int rc = session_train(t[i], 20, NULL, NULL, &steps[i], err);
        assert_true(rc == ERR_DIVERGED || rc == ERR_NONFINITE);
        if (i == 0) {
            assert_true(steps[0] > 2);
            assert_null(session_hist_entry(t[0], 1)->params); /* the run's last update had none */
            assert_non_null(session_snapshot(t[0], 0));
        }
        rec_free(r);
    }
    assert_int_equal(steps[0], steps[1]);
    assert_int_equal(t[0]->steps, t[1]->steps);
    assert_int_equal(t[0]->phase, t[1]->phase);
    assert_true(t[0]->loss_value == t[1]->loss_value || (isnan(t[0]->loss_value) && isnan(t[1]->loss_value)));
    assert_memory_equal(t[0]->model->params, t[1]->model->params, sizeof(double) * t[0]->model->n_params);
    session_free(t[0]);
    session_free(t[1]);
}

/* Early stopping that puts the best epoch back: the update now in effect
 * (the best epoch's last) has its copy, and undo from there is exact. */
static void early_stop_restore_then_undo(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Rec *r = make(OPT_ADAM);
    Session *s = r->s;
    bool fresh;
    OptConfig c = s->opt;
    c.lr = 0.3; /* too high: the validation loss soon stops improving */
    assert_int_equal(session_set_optimizer(s, &c, &fresh, err), 0);
    EarlyStop es = {1, 0.0, true};
    EarlyResult res;
    long steps;
    assert_int_equal(session_train_early(s, 12, &es, NULL, NULL, &steps, &res, err), 0);
    assert_true(res.restored);
    long at = s->steps;
    assert_true(at > 0 && at < steps && at % 18 == 0); /* an epoch's end before the last */
    same_as(s, &r->st[at], "the best epoch put back");
    const Snapshot *h = session_snapshot(s, 0);
    assert_non_null(h);
    assert_memory_equal(h->params, r->st[at - 1].params, sizeof(double) * s->model->n_params);
    int n = s->hist_len < 7 ? s->hist_len : 7;
    assert_int_equal(session_undo(s, n, err), 0);
    same_as(s, &r->st[at - n], "undo after early stopping");
    Session *keep = s;
    rec_free(r);
    session_free(keep);
}

/* A long run overwrites copies: the history stays within its ring, its
 * oldest entry has a copy, and every entry still undoes exactly. */
static void long_run_keeps_oldest_copy(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Rec *r = make(OPT_ADAM);
    Session *s = r->s;
    train(r, 12, 0); /* 216 updates: the 4 copies left are 129, 161, 193 and 216's */
    assert_int_equal(r->n, 216);
    assert_int_equal(s->hist_len, 24); /* the ring's 40 reach back to 177: 193's copy is the oldest in it */
    assert_non_null(session_snapshot(s, s->hist_len - 1));
    int len = s->hist_len;
    assert_int_equal(session_undo(s, len + 1, err), ERR_UNDO_RANGE);
    assert_non_null(strstr(err, "(as many as the history keeps)")); /* its ring of 40 */
    assert_int_equal(session_undo(s, len, err), 0);
    same_as(s, &r->st[216 - len], "undo to the oldest entry");
    Session *keep = s;
    rec_free(r);
    session_free(keep);
}

/* Epochs of 36 batches: a run copies its first update, every 32nd since
 * the last copy and its last; `step N` too. */
static void every_32nd_and_the_last_of_step_n(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Rec *r = make_batch(OPT_SGD, 4);
    Session *s = r->s;
    assert_int_equal(session_batches(s), 36);
    train(r, 2, 0); /* copies at 1, 33, 65, 72 */
    assert_int_equal(r->n, 72);
    assert_int_equal(s->hist_len, 40); /* the ring: back to 33's copy */
    int want[] = {72, 65, 33};
    for (int k = 0, w = 0; k < s->hist_len; k++)
        if (session_snapshot(s, k))
            assert_int_equal(session_snapshot(s, k)->steps + 1, want[w++]);
    session_run_begin(s, 10); /* as `step 10` runs */
    for (int i = 0; i < 10; i++)
        assert_int_equal(session_step(s, err), 0);
    session_run_end(s, 0);
    assert_non_null(session_snapshot(s, 0));
    assert_null(session_snapshot(s, 1));
    assert_int_equal(s->hist_len, 18); /* the ring dropped 33..42: copies at 65, 72, 73, 82 */
    assert_int_equal(session_undo(s, 19, err), ERR_UNDO_RANGE);
    assert_non_null(strstr(err, "only the last 18 updates can be undone (as many as the history keeps)"));
    for (int k = 1; k <= 18; k++) {
        assert_int_equal(session_undo(s, 1, err), 0);
        same_as(s, &r->st[82 - k], "undo after step 10");
    }
    assert_int_equal(session_undo(s, 1, err), -1);
    Session *keep = s;
    rec_free(r);
    session_free(keep);
}

/* Outside a run (step by step) every update keeps its copy, so the
 * history holds as many updates as copies. */
static void single_steps_keep_copies(void **st)
{
    (void)st;
    char err[ERR_LEN];
    Rec *r = make(OPT_SGD);
    Session *s = r->s;
    for (int i = 0; i < 12; i++)
        assert_int_equal(session_step(s, err), 0);
    assert_int_equal(s->hist_len, 4);
    for (int k = 0; k < 4; k++)
        assert_non_null(session_snapshot(s, k));
    assert_int_equal(session_undo(s, 5, err), ERR_UNDO_RANGE);
    assert_non_null(strstr(err, "only the last 4 updates can be undone (the history's memory bound)"));
    assert_int_equal(session_undo(s, 4, err), 0);
    same_as(s, &r->st[8], "undo 4 of single steps");
    Session *keep = s;
    rec_free(r);
    session_free(keep);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(undo_one_by_one),
        cmocka_unit_test(undo_n_after_new_settings),
        cmocka_unit_test(interrupted_run_gets_its_copy),
        cmocka_unit_test(failed_run_gets_its_copy),
        cmocka_unit_test(early_stop_restore_then_undo),
        cmocka_unit_test(long_run_keeps_oldest_copy),
        cmocka_unit_test(every_32nd_and_the_last_of_step_n),
        cmocka_unit_test(single_steps_keep_copies),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
