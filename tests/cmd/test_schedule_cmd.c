/* test_schedule_cmd.c — learning-rate schedules, gradient clipping and
 * early stopping through the command language: the lr sequences `train`
 * produces against torch 1.13's (tests/golden/schedule.txt), plateau on
 * the validation loss and on the training loss, `undo` into an epoch
 * restoring the lr and the scheduler's state bit for bit, record/run
 * replaying exactly, clipping in `backward` against clip_grad_norm_ and
 * clip_grad_value_ on a case with a known norm (tests/golden/clip.txt),
 * `step` with clipping against clipping by hand, early stopping at the
 * epoch the Keras/Lightning rule names with the best epoch's state put
 * back bit for bit, and every refusal leaving the session unchanged.
 * Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "session.h"
#include "util.h"

#include "fixture.h"
#include "engine/golden_lines.h"

#define GOLDEN_EPOCHS 40 /* lr values per schedule in the golden file */

/* ---- helpers ---- */

/* A fresh session through commands: the lines in order, each must succeed. */
static Fx *fx_with(const char *const *lines)
{
    Fx *x = fx_new();
    for (int i = 0; lines[i]; i++)
        ok(x, lines[i]);
    return x;
}

static void same_doubles(const double *a, const double *b, size_t n, const char *what)
{
    if (memcmp(a, b, n * sizeof *a) != 0)
        for (size_t i = 0; i < n; i++)
            if (!gl_same(a[i], b[i]))
                fail_msg("%s[%zu]: %.17g against %.17g", what, i, a[i], b[i]);
}

/* Parameters, optimizer state and counters, lr and the scheduler's state
 * equal to the last bit. */
static void same_state(const Session *a, const Session *b)
{
    assert_int_equal(a->model->n_params, b->model->n_params);
    same_doubles(a->model->params, b->model->params, a->model->n_params, "params");
    same_doubles(a->optim->state, b->optim->state, a->optim->n * (size_t)a->optim->n_slots, "optimizer state");
    assert_int_equal(a->optim->step, b->optim->step);
    assert_int_equal(a->steps, b->steps);
    assert_int_equal(a->epoch, b->epoch);
    assert_int_equal(a->batch_index, b->batch_index);
    assert_true(gl_same(a->opt.lr, b->opt.lr));
    assert_true(gl_same(a->optim->cfg.lr, b->optim->cfg.lr));
    assert_true(sched_state_equal(&a->sched_state, &b->sched_state));
}

/* Field by field (the structs have padding). */
static bool same_sched(const SchedConfig *a, const SchedConfig *b)
{
    return a->kind == b->kind && a->size == b->size && gl_same(a->gamma, b->gamma) && a->tmax == b->tmax &&
           gl_same(a->min, b->min) && gl_same(a->factor, b->factor) && a->patience == b->patience &&
           gl_same(a->threshold, b->threshold);
}

static bool same_clip(const ClipConfig *a, const ClipConfig *b)
{
    return a->kind == b->kind && gl_same(a->max, b->max);
}

/* The golden's line i+1 after "sched NAME BASE KIND ..." : the lr values. */
static int golden_lrs(int i, double *lr)
{
    int n = gl_nums(gl_lines[i + 1], "lr", lr, 64);
    if (n < 0) /* plateau: a metric line first */
        n = gl_nums(gl_lines[i + 2], "lr", lr, 64);
    return n;
}

/* ---- schedules against torch ---- */

/* Each step, exp and cosine schedule of the golden file run through `train
 * 40` on a model that barely moves (clipping at 1e-12 keeps every lr the
 * golden uses, up to 1.0 and growing, from diverging); the lr of every
 * epoch is the trace's, the last the one in force. */
static void schedules_match_torch_through_train(void **state)
{
    (void)state;
    int checked = 0;
    for (int i = 0; i < gl_n; i++) {
        if (!gl_is(gl_lines[i], "sched"))
            continue;
        char name[64], kind_words[160], line[200];
        double base;
        int off = 0;
        if (sscanf(gl_lines[i], "sched %63s %lf %n", name, &base, &off) != 2 || !off)
            fail_msg("bad golden line %d", i + 1);
        snprintf(kind_words, sizeof kind_words, "%s", gl_lines[i] + off);
        if (strncmp(kind_words, "plateau", 7) == 0)
            continue;
        double want[64];
        int n = golden_lrs(i, want);
        assert_int_equal(n, GOLDEN_EPOCHS);
        const char *setup[] = {"data line n=40 seed=1", "model linear", "set batch 20", "set clip value=1e-12",
                               NULL};
        Fx *x = fx_with(setup);
        snprintf(line, sizeof line, "set lr %.17g", base);
        ok(x, line);
        snprintf(line, sizeof line, "set schedule %s", kind_words);
        ok(x, line);
        ok(x, "train 40");
        const Session *s = x->c.s;
        const Trace *t = s->trace;
        assert_int_equal(t->e_len, GOLDEN_EPOCHS);
        assert_true(t->e_lr[0] == base);
        for (int e = 1; e < GOLDEN_EPOCHS; e++)
            if (!(t->e_lr[e] == want[e - 1]))
                fail_msg("%s: the lr of epoch %d is %.17g, torch's %.17g", name, e + 1, t->e_lr[e], want[e - 1]);
        if (!(s->opt.lr == want[GOLDEN_EPOCHS - 1]))
            fail_msg("%s: the lr after 40 epochs is %.17g, torch's %.17g", name, s->opt.lr, want[GOLDEN_EPOCHS - 1]);
        assert_true(s->optim->cfg.lr == s->opt.lr);
        fx_free(x);
        checked++;
    }
    assert_true(checked >= 12); /* 4 step, 4 exp, 6 cosine */
}

/* torch 1.13's ReduceLROnPlateau.step (mode min, rel threshold, cooldown 0,
 * min_lr 0, eps 1e-8), transcribed here on its own to check the session's
 * wiring: which metric it is fed and when. */
static void plateau_reference(const double *metric, int n, double lr, double factor, long patience,
                              double threshold, double *out)
{
    double best = INFINITY;
    long bad = 0;
    for (int e = 0; e < n; e++) {
        if (metric[e] < best * (1. - threshold)) {
            best = metric[e];
            bad = 0;
        } else {
            bad++;
        }
        if (bad > patience) {
            double nl = fmax(lr * factor, 0.0);
            if (lr - nl > 1e-8)
                lr = nl;
            bad = 0;
        }
        out[e] = lr;
    }
}

/* plateau watches the validation loss when there is a split and the
 * epoch's mean training loss without one; the golden's plateau cases
 * hold for the step itself (tests/engine/test_schedule.c). */
static void plateau_watches_the_right_loss(void **state)
{
    (void)state;
    for (int split = 0; split < 2; split++) {
        const char *setup[] = {"data sine n=120 noise=0.3 seed=5", split ? "data split 0.3" : "# no split",
                               "model mlp 32 act=tanh", "set batch 16", "set optimizer adam lr=0.05",
                               "set schedule plateau patience=1 factor=0.5 threshold=0", NULL};
        Fx *x = fx_with(setup);
        ok(x, "train 40");
        const Trace *t = x->c.s->trace;
        assert_int_equal(t->e_len, 40);
        double want[40], other[40];
        plateau_reference(split ? t->e_val : t->e_train, 40, 0.05, 0.5, 1, 0, want);
        plateau_reference(split ? t->e_train : t->e_val, 40, 0.05, 0.5, 1, 0, other);
        for (int e = 1; e < 40; e++)
            if (!(t->e_lr[e] == want[e - 1]))
                fail_msg("split %d: the lr of epoch %d is %.17g, the rule's %.17g", split, e + 1, t->e_lr[e],
                         want[e - 1]);
        assert_true(x->c.s->opt.lr == want[39]);
        assert_true(want[39] < 0.05); /* it reduced */
        if (split) /* the training loss would have led elsewhere */
            assert_true(memcmp(want, other, sizeof want) != 0);
        assert_non_null(strstr(x->last, "lr 0.05"));
        fx_free(x);
    }
}

/* ---- undo, record/run ---- */

/* train 5 with a schedule that changes the lr every epoch; undo into
 * epoch 3; train 3 again (finishing 3, 4, 5): the same parameters, lr and
 * scheduler state as five epochs straight. */
static void undo_restores_the_schedule(void **state)
{
    (void)state;
    static const char *const kinds[] = {"set schedule step size=1 gamma=0.5", "set schedule exp gamma=0.7",
                                        "set schedule cosine tmax=3 min=0.001",
                                        "set schedule plateau patience=0 factor=0.5", NULL};
    for (int k = 0; kinds[k]; k++) {
        const char *setup[] = {"data moons n=200 seed=3", "data split 0.2", "model mlp 8", "set batch 32",
                               "set optimizer adam lr=0.05", kinds[k], "set clip norm=0.5", NULL};
        Fx *a = fx_with(setup), *b = fx_with(setup);
        ok(a, "train 5");
        ok(b, "train 5");
        assert_int_equal(b->c.s->steps, 25);
        double lr5 = b->c.s->opt.lr;
        SchedState st5 = b->c.s->sched_state;
        ok(b, "undo 13"); /* to epoch 3, batch 3 */
        assert_int_equal(b->c.s->epoch, 3);
        assert_int_equal(b->c.s->batch_index, 2);
        assert_int_equal(b->c.s->sched_state.epoch, 2);
        assert_true(b->c.s->opt.lr == b->c.s->trace->e_lr[2]); /* epoch 3's lr */
        ok(b, "train 3");
        same_state(a->c.s, b->c.s);
        assert_true(b->c.s->opt.lr == lr5);
        assert_true(sched_state_equal(&b->c.s->sched_state, &st5));
        fx_free(a);
        fx_free(b);
    }
}

/* `set lr` while a schedule runs starts it again from that lr. */
static void set_lr_restarts_the_schedule(void **state)
{
    (void)state;
    const char *setup[] = {"data line n=40 seed=1", "model linear", "set batch 20", "set lr 0.1",
                           "set schedule step size=1 gamma=0.5", "train 3", NULL};
    Fx *x = fx_with(setup);
    assert_true(x->c.s->opt.lr == 0.1 * 0.5 * 0.5 * 0.5);
    ok(x, "set lr 0.2");
    assert_non_null(strstr(x->last, "starts again"));
    assert_int_equal(x->c.s->sched_state.epoch, 0);
    assert_true(x->c.s->sched_state.base_lr == 0.2);
    ok(x, "train 1");
    assert_true(x->c.s->opt.lr == 0.1);
    ok(x, "init"); /* a fresh start: back to the schedule's first lr */
    assert_true(x->c.s->opt.lr == 0.2);
    assert_int_equal(x->c.s->sched_state.epoch, 0);
    fx_free(x);
}

/* The update that ends an epoch used the lr before the schedule's step:
 * `update` and `explain` say that one, and the replay agrees. */
static void the_epoch_end_update_says_its_lr(void **state)
{
    (void)state;
    const char *setup[] = {"data moons n=64 seed=3", "model mlp 4", "set lr 0.1",
                           "set schedule step size=1 gamma=0.5", "step 1", "forward; loss; backward", NULL};
    Fx *x = fx_with(setup);
    ok(x, "update");
    assert_non_null(strstr(x->last, "lr=0.1)"));
    assert_non_null(strstr(x->last, "the schedule makes the lr 0.05"));
    ok(x, "explain W1[0,0]");
    assert_non_null(strstr(x->last, "(lr=0.1 "));
    assert_non_null(strstr(x->last, "that is its value now"));
    fx_free(x);
}

/* What record writes, run in a fresh session, gives the same state. */
static void record_run_replays(void **state)
{
    (void)state;
    char dir[] = "/tmp/paramlab_test_sched_XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128], line[160];
    snprintf(path, sizeof path, "%s/s.plab", dir);
    const char *setup[] = {"data moons n=200 seed=3", "data split 0.2", "model mlp 8", "set batch 32",
                           "set lr 0.5", "set schedule plateau patience=1 factor=0.5", "set clip norm=0.3",
                           "train 6", "step 3", "undo 2", "set clip value=0.05", "set schedule cosine tmax=4",
                           "train 4", "train 30 patience=2 min_delta=0.001", "step 2", NULL};
    Fx *a = fx_with(setup);
    snprintf(line, sizeof line, "record %s", path);
    ok(a, line);
    ok(a, "record stop");
    Fx *b = fx_new();
    snprintf(line, sizeof line, "run %s", path);
    ok(b, line);
    same_state(a->c.s, b->c.s);
    assert_true(same_clip(&a->c.s->clip, &b->c.s->clip));
    assert_true(same_sched(&a->c.s->sched, &b->c.s->sched));
    fx_free(a);
    fx_free(b);
    assert_int_equal(unlink(path), 0);
    assert_int_equal(rmdir(dir), 0);
}

/* ---- clipping ---- */

/* A linear model at zero on two rows whose gradient is known: dW = 3,
 * db = 4, total norm 5 (mse: dW = -Σ x·y, db = -Σ y for B = 2). */
static Fx *known_gradient(char *dir, size_t dn)
{
    snprintf(dir, dn, "/tmp/paramlab_test_clip_XXXXXX");
    assert_non_null(mkdtemp(dir));
    char path[128], line[160];
    snprintf(path, sizeof path, "%s/g.csv", dir);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs("x,y\n1,-3.5\n-1,-0.5\n", f);
    fclose(f);
    Fx *x = fx_new();
    snprintf(line, sizeof line, "data load %s", path);
    ok(x, line);
    assert_int_equal(unlink(path), 0);
    ok(x, "set init zeros");
    ok(x, "model linear");
    ok(x, "set batch 2");
    return x;
}

static void backward_clips_as_torch(void **state)
{
    (void)state;
    /* the golden's case "norm equal": total 5, max_norm 5 */
    double coef = NAN, out[3] = {NAN, NAN, NAN};
    for (int i = 0; i < gl_n; i++)
        if (strcmp(gl_lines[i], "norm equal 5.0") == 0) {
            assert_int_equal(gl_nums(gl_lines[i + 4], "coef", &coef, 1), 1);
            assert_int_equal(gl_nums(gl_lines[i + 5], "out", out, 3), 3);
        }
    assert_true(isfinite(coef));
    char dir[64];
    Fx *x = known_gradient(dir, sizeof dir);
    const Model *m = x->c.s->model;
    ok(x, "forward; loss; backward");
    assert_true(m->grads[0] == 3.0 && m->grads[1] == 4.0);
    assert_null(strstr(x->last, "clip"));

    ok(x, "set clip norm=5");
    ok(x, "forward; loss; backward");
    const ClipReport *r = &x->c.s->clip_report;
    assert_true(r->total_norm == 5.0);
    assert_true(r->clipped);
    assert_true(r->factor == coef);
    assert_true(m->grads[0] == out[0]); /* 3·coef, torch's */
    assert_true(m->grads[1] == out[2]); /* 4·coef */
    assert_non_null(strstr(x->last, "clip: total gradient norm 5 (+ 1e-6) > max 5:"));
    assert_non_null(strstr(x->last, "= 0.9999998 ")); /* not "1" at 6 digits */

    ok(x, "set clip norm=10");
    ok(x, "forward; loss; backward");
    assert_false(r->clipped);
    assert_true(r->factor == 1.0);
    assert_true(m->grads[0] == 3.0 && m->grads[1] == 4.0);
    assert_non_null(strstr(x->last, "clip: total gradient norm 5 (+ 1e-6) <= max 10: not clipped"));

    /* a total just under max_norm is still scaled, as torch does: the text
     * says total + 1e-6 > max, never total > max */
    ok(x, "set precision 10");
    ok(x, "set clip norm=5.0000005");
    assert_non_null(strstr(x->last, "gradient plus 1e-6 exceeds 5.0000005"));
    ok(x, "forward; loss; backward");
    assert_true(r->clipped && r->factor < 1.0);
    assert_non_null(strstr(x->last, "clip: total gradient norm 5 (+ 1e-6) > max 5.0000005: every gradient"));
    ok(x, "explain W1[0,0]");
    assert_non_null(strstr(x->last, "the total norm of every gradient, 5, plus 1e-6 exceeds it"));
    ok(x, "set clip norm=5.000002");
    ok(x, "forward; loss; backward");
    assert_false(r->clipped);
    ok(x, "explain W1[0,0]");
    assert_non_null(strstr(x->last, "the total norm of every gradient, 5, plus 1e-6 does not exceed it"));
    ok(x, "help set");
    assert_non_null(strstr(x->last, "when total norm\n    + 1e-6 exceeds X"));
    assert_null(strstr(x->last, "passes X"));
    ok(x, "set precision 6");

    ok(x, "set clip norm=1");
    ok(x, "forward; loss; backward");
    assert_true(r->factor == (1 / (5.0 + 1e-6)) * 1.0);
    assert_true(m->grads[0] == 3.0 * r->factor && m->grads[1] == 4.0 * r->factor);

    ok(x, "set clip value=3.5");
    ok(x, "forward; loss; backward");
    assert_true(m->grads[0] == 3.0 && m->grads[1] == 3.5);
    assert_int_equal(r->n_clipped, 1);
    assert_non_null(strstr(x->last, "1 gradient outside [-3.5, 3.5] clamped"));
    ok(x, "explain b1[0]");
    assert_non_null(strstr(x->last, "clip value=3.5 clamps it"));
    ok(x, "set clip norm=1");
    ok(x, "forward; loss; backward");
    ok(x, "explain W1[0,0]");
    assert_non_null(strstr(x->last, "every gradient times factor"));
    ok(x, "gradcheck");
    assert_non_null(strstr(x->last, "raw gradient"));
    ok(x, "set clip off");
    ok(x, "forward; loss; backward");
    assert_true(m->grads[0] == 3.0 && m->grads[1] == 4.0);
    fx_free(x);
    assert_int_equal(rmdir(dir), 0);
}

/* `step` with clipping, the phase-by-phase walk with clipping, and a walk
 * without it whose gradients (penalty included) are clipped by hand
 * before `update` agree to the last bit over several steps. */
static void step_clips_as_by_hand(void **state)
{
    (void)state;
    static const char *const clips[] = {"set clip norm=0.2", "set clip value=0.01", NULL};
    for (int k = 0; clips[k]; k++) {
        /* with an l2 penalty: clipping sees the whole gradient, penalty included, as
         * torch clips after backward of the penalized loss */
        const char *setup[] = {"data moons n=100 seed=4", "model mlp 6 act=tanh", "set batch 25",
                               "set optimizer adam lr=0.05", "set l2 0.05", NULL};
        Fx *a = fx_with(setup), *b = fx_with(setup), *h = fx_with(setup);
        ok(a, clips[k]);
        ok(b, clips[k]);
        ClipConfig cfg = a->c.s->clip;
        for (int i = 0; i < 6; i++) {
            ok(a, "step");
            ok(b, "forward; loss; backward; update");
            ok(h, "forward; loss; backward");
            Model *m = h->c.s->model;
            size_t sizes[4] = {2 * 6, 6, 6 * 1, 1};
            ClipReport r;
            clip_apply(&cfg, &(ClipGrads){m->grads, m->n_params, sizes, 4}, &r);
            ok(h, "update");
            same_state(a->c.s, b->c.s);
            same_state(a->c.s, h->c.s);
        }
        fx_free(a);
        fx_free(b);
        fx_free(h);
    }
}

/* ---- early stopping ---- */

/* The epoch at which the rule stops, from a plain run's validation losses:
 * improvement is val < best - min_delta; stop after patience without. */
static long rule_stop(const double *val, int n, long patience, double min_delta, long *best_epoch)
{
    double best = INFINITY;
    long wait = 0;
    *best_epoch = 0;
    for (int e = 0; e < n; e++) {
        if (val[e] < best - min_delta) {
            best = val[e];
            *best_epoch = e + 1;
            wait = 0;
        } else if (++wait >= patience) {
            return e + 1;
        }
    }
    return 0;
}

static void early_stopping_stops_and_restores(void **state)
{
    (void)state;
    struct {
        const char *opt;  /* the optimizer line */
        long patience;
        double min_delta;
    } cases[] = {
        {"set optimizer adam lr=0.05", 3, 0.0},    /* overfits: the validation loss turns */
        {"set optimizer sgd lr=0.05", 2, 0.002},   /* improvements smaller than min_delta do not count */
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        const char *setup[] = {"data moons n=60 noise=0.35 seed=7", "data split 0.5", "model mlp 64 64",
                               "set batch 10", cases[k].opt, "set schedule exp gamma=0.95", NULL};
        Fx *plain = fx_with(setup);
        ok(plain, "train 60");
        long best;
        long stop = rule_stop(plain->c.s->trace->e_val, 60, cases[k].patience, cases[k].min_delta, &best);
        if (!stop || best == stop)
            fail_msg("case %zu: the constructed run does not stop early (stop %ld, best %ld)", k, stop, best);

        Fx *es = fx_with(setup);
        char line[128];
        snprintf(line, sizeof line, "train 60 patience=%ld min_delta=%g", cases[k].patience, cases[k].min_delta);
        ok(es, line);
        char want[96];
        snprintf(want, sizeof want, "stopped after epoch %ld", stop);
        assert_non_null(strstr(es->last, want));
        snprintf(want, sizeof want, "the best epoch was %ld", best);
        assert_non_null(strstr(es->last, want));
        assert_int_equal(es->c.s->best_epoch, best);
        assert_true(es->c.s->best_val == plain->c.s->trace->e_val[best - 1]);

        /* the state at the best epoch's end, trained straight there */
        Fx *to_best = fx_with(setup);
        snprintf(line, sizeof line, "train %ld", best);
        ok(to_best, line);
        same_state(to_best->c.s, es->c.s);
        /* the curve past it stays for `plot loss` until training goes on */
        assert_int_equal(es->c.s->trace->e_len, stop);
        ok(es, "train 1");
        ok(to_best, "train 1");
        same_state(to_best->c.s, es->c.s);
        assert_int_equal(es->c.s->trace->e_len, best + 1);

        /* restore=off keeps the last epoch's state */
        Fx *keep = fx_with(setup);
        snprintf(line, sizeof line, "train 60 patience=%ld min_delta=%g restore=off", cases[k].patience,
                 cases[k].min_delta);
        ok(keep, line);
        Fx *to_stop = fx_with(setup);
        snprintf(line, sizeof line, "train %ld", stop);
        ok(to_stop, line);
        same_state(to_stop->c.s, keep->c.s);
        fx_free(plain);
        fx_free(es);
        fx_free(to_best);
        fx_free(keep);
        fx_free(to_stop);
    }
}

/* ---- refusals ---- */

typedef struct Kept {
    SchedConfig sched;
    SchedState st;
    ClipConfig clip;
    OptConfig opt;
    long steps;
    double *params;
} Kept;

static Kept keep(const Session *s)
{
    Kept k = {s->sched, s->sched_state, s->clip, s->opt, s->steps, malloc(sizeof(double) * s->model->n_params)};
    assert_non_null(k.params);
    memcpy(k.params, s->model->params, sizeof(double) * s->model->n_params);
    return k;
}

static void refusals_change_nothing(void **state)
{
    (void)state;
    static const char *const bad[] = {
        "set schedule",
        "set schedule bogus",
        "set schedule stp size=3",
        "set schedule step",
        "set schedule step size=0",
        "set schedule step size=3 gamma=0",
        "set schedule step size=3 gamma=-1",
        "set schedule step size=3 gamma=x",
        "set schedule step size=2.5",
        "set schedule exp",
        "set schedule exp gamma=0",
        "set schedule exp gamma=0.9 size=3",
        "set schedule cosine tmax=0",
        "set schedule cosine tmax=10 min=-1",
        "set schedule plateau factor=1",
        "set schedule plateau factor=0",
        "set schedule plateau patience=-1",
        "set schedule plateau threshold=1",
        "set schedule plateau foo=1",
        "set schedule none gamma=1",
        "set clip",
        "set clip 0",
        "set clip norm=0",
        "set clip norm=-1",
        "set clip value=0",
        "set clip value=-0.5",
        "set clip norm=x",
        "set clip max=1",
        "set clip norm=1 value=1",
        "train 5 patience=0",
        "train 5 patience=-2",
        "train 5 patience=x",
        "train 5 patience=3 min_delta=-1",
        "train 5 patience=3 restore=maybe",
        "train 5 min_delta=0.1",
        "train 5 restore=off",
        "train 5 patince=3",
        "train 5 6",
        NULL,
    };
    const char *setup[] = {"data moons n=100 seed=4", "data split 0.2", "model mlp 6", "set lr 0.1",
                           "set schedule step size=2 gamma=0.5", "set clip norm=1", "train 3", NULL};
    Fx *x = fx_with(setup);
    Kept k = keep(x->c.s);
    for (int i = 0; bad[i]; i++) {
        const char *msg = refused(x, bad[i]);
        if (strchr(msg, '\n'))
            fail_msg("`%s`: more than one line: %s", bad[i], msg);
        const Session *s = x->c.s;
        if (!same_sched(&k.sched, &s->sched) || !sched_state_equal(&k.st, &s->sched_state) ||
            !same_clip(&k.clip, &s->clip) || !gl_same(k.opt.lr, s->opt.lr) || k.opt.kind != s->opt.kind ||
            k.steps != s->steps || memcmp(k.params, s->model->params, sizeof(double) * s->model->n_params) != 0)
            fail_msg("`%s` was refused (%s) but changed the session", bad[i], msg);
    }
    free(k.params);
    fx_free(x);

    /* patience without a split: one line saying to split first */
    const char *nosplit[] = {"data moons n=100 seed=4", "model mlp 6", NULL};
    x = fx_with(nosplit);
    k = keep(x->c.s);
    const char *msg = refused(x, "train 5 patience=3");
    assert_non_null(strstr(msg, "`data split"));
    assert_int_equal(x->c.s->steps, 0);
    assert_memory_equal(k.params, x->c.s->model->params, sizeof(double) * x->c.s->model->n_params);
    free(k.params);
    fx_free(x);
}

/* ---- what the learner sees ---- */

static void add_word(void *ctx, const char *w)
{
    char *buf = ctx;
    strcat(buf, w);
    strcat(buf, " ");
}

static void shown_and_completed(void **state)
{
    (void)state;
    const char *setup[] = {"data moons n=100 seed=4", "data split 0.2", "model mlp 6", "set lr 0.1", NULL};
    Fx *x = fx_with(setup);
    ok(x, "hypers");
    assert_null(strstr(x->last, "schedule")); /* off: hypers as before */
    ok(x, "set schedule cosine tmax=4 min=0.01");
    assert_non_null(strstr(x->last, "CosineAnnealingLR"));
    ok(x, "set clip value=0.5");
    ok(x, "hypers");
    assert_non_null(strstr(x->last, "schedule   cosine tmax=4 min=0.01"));
    assert_non_null(strstr(x->last, "clip       value=0.5"));
    ok(x, "train 2");
    assert_non_null(strstr(x->last, "lr 0.1 → "));
    ok(x, "plot lr");
    assert_non_null(strstr(x->last, "Learning rate per epoch"));
    ok(x, "train 8 patience=1 min_delta=1");
    ok(x, "plot loss");
    assert_non_null(strstr(x->last, "best epoch"));
    ok(x, "help set");
    assert_non_null(strstr(x->last, "set schedule none | step"));
    assert_non_null(strstr(x->last, "set clip norm=X"));
    ok(x, "help train");
    assert_non_null(strstr(x->last, "patience=P"));

    char buf[512] = "";
    cmd_complete(&x->c, "set schedule ", 13, "", add_word, buf);
    assert_non_null(strstr(buf, "plateau"));
    buf[0] = '\0';
    cmd_complete(&x->c, "set schedule plateau ", 21, "", add_word, buf);
    assert_non_null(strstr(buf, "patience="));
    assert_non_null(strstr(buf, "threshold="));
    buf[0] = '\0';
    cmd_complete(&x->c, "set clip ", 9, "", add_word, buf);
    assert_non_null(strstr(buf, "norm="));
    buf[0] = '\0';
    cmd_complete(&x->c, "set ", 4, "", add_word, buf);
    assert_non_null(strstr(buf, "schedule"));
    assert_non_null(strstr(buf, "clip"));
    buf[0] = '\0';
    cmd_complete(&x->c, "train 10 ", 9, "", add_word, buf);
    assert_non_null(strstr(buf, "patience="));
    buf[0] = '\0';
    cmd_complete(&x->c, "plot ", 5, "", add_word, buf);
    assert_non_null(strstr(buf, "lr"));
    /* a race (`compare`) runs under the same schedule, from each racer's lr, and clipping */
    OptConfig adam;
    optim_defaults(OPT_ADAM, &adam);
    char err[ERR_LEN];
    Session *f = session_fork(x->c.s, &adam, err);
    assert_non_null(f);
    assert_true(same_sched(&f->sched, &x->c.s->sched));
    assert_true(same_clip(&f->clip, &x->c.s->clip));
    assert_true(f->sched_state.base_lr == adam.lr && f->opt.lr == adam.lr && f->sched_state.epoch == 0);
    session_free(f);
    /* schedule and clip are hyperparameters, not assignment targets */
    refused(x, "schedule = 3");
    refused(x, "clip = 3");
    fx_free(x);
}

static int load_golden(void **state)
{
    (void)state;
    return gl_load("tests/golden/schedule.txt") == 0 && gl_load("tests/golden/clip.txt") == 0 ? 0 : -1;
}

static int free_golden(void **state)
{
    (void)state;
    gl_free();
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(schedules_match_torch_through_train),
        cmocka_unit_test(plateau_watches_the_right_loss),
        cmocka_unit_test(undo_restores_the_schedule),
        cmocka_unit_test(set_lr_restarts_the_schedule),
        cmocka_unit_test(the_epoch_end_update_says_its_lr),
        cmocka_unit_test(record_run_replays),
        cmocka_unit_test(backward_clips_as_torch),
        cmocka_unit_test(step_clips_as_by_hand),
        cmocka_unit_test(early_stopping_stops_and_restores),
        cmocka_unit_test(refusals_change_nothing),
        cmocka_unit_test(shown_and_completed),
    };
    return cmocka_run_group_tests(tests, load_golden, free_golden);
}
