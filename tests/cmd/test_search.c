/* test_search.c — `search`: a grid's table is exactly what running each
 * trial by hand gives; a random search repeats from its seed; :log ranges
 * draw log-uniformly; `search use` applies a trial; refusals are one line
 * and change nothing; a 100-trial search keeps its memory flat. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "complete.h"

#define SETUP "data moons n=150 noise=0.2; data split 0.2; model mlp 4; set lr 0.1"

/* Each trial of a grid trained by hand in a session of its own: the same
 * data and model, the trial's settings, `set seed 42; init; train 3`. */
static void test_grid_by_hand(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search grid lr=0.05,0.3 batch=16,32 l2=0,1e-3 epochs=3");
    const CmdSearch *q = x->c.search;
    assert_non_null(q);
    assert_int_equal(q->n_done, 8);
    for (int i = 0; i < 8; i++) {
        const SearchTrial *t = &q->trial[i];
        char line[256];
        snprintf(line, sizeof line, "set lr %s; set batch %s; set l2 %s; set seed 42; init; train 3", t->val[0].text,
                 t->val[1].text, t->val[2].text);
        Fx *y = fx_new();
        y->c.tracking_off = true;
        ok(y, SETUP);
        ok(y, line);
        double acc, tacc, val = session_eval_share(y->c.s, DATA_VAL, &acc);
        double tl = session_eval_share(y->c.s, DATA_TRAIN, &tacc); /* evaluation mode, as `train` ends */
        if (!(val == t->score && acc == t->val_acc && tl == t->train_loss))
            fail_msg("trial %d (%s): by hand %.17g, in the table %.17g", i + 1, line, val, t->score);
        fx_free(y);
    }
    /* the first name changes slowest */
    assert_string_equal(q->trial[0].val[0].text, "0.05");
    assert_string_equal(q->trial[7].val[0].text, "0.3");
    assert_string_equal(q->trial[1].val[2].text, "1e-3");
    ok(x, "search");
    assert_contains(x->last, "8 of 8 trials, best first");
    fx_free(x);
}

/* The same seed= draws the same trials and scores; another seed others. */
static void test_random_seed(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    double a[6], b[6];
    ok(x, "search random 6 lr=1e-3..1:log batch=8,16,32 epochs=2 seed=5");
    for (int i = 0; i < 6; i++)
        a[i] = x->c.search->trial[i].h.opt.lr + x->c.search->trial[i].score;
    ok(x, "search random 6 lr=1e-3..1:log batch=8,16,32 epochs=2 seed=5");
    for (int i = 0; i < 6; i++)
        b[i] = x->c.search->trial[i].h.opt.lr + x->c.search->trial[i].score;
    assert_memory_equal(a, b, sizeof a);
    ok(x, "search random 6 lr=1e-3..1:log batch=8,16,32 epochs=2 seed=6");
    for (int i = 0; i < 6; i++)
        b[i] = x->c.search->trial[i].h.opt.lr + x->c.search->trial[i].score;
    assert_true(memcmp(a, b, sizeof a) != 0);
    fx_free(x);
}

/* A :log range puts as many draws in each decade; a plain range as many
 * in each equal part; a whole-number range each value equally. */
static void test_log_uniform(void **state)
{
    (void)state;
    Fx *x = fx_new();
    SearchDim d;
    assert_int_equal(search_parse_dim(&x->c, "lr=1e-4..1:log", true, &d), 0);
    assert_true(d.log && d.lo == 1e-4 && d.hi == 1);
    Rng rng;
    rng_seed(&rng, 1);
    int decade[4] = {0}, n = 8000;
    for (int i = 0; i < n; i++) {
        SearchVal v;
        search_sample(&d, &rng, &v);
        assert_true(v.num >= 1e-4 && v.num <= 1);
        decade[(int)floor(-log10(v.num)) > 3 ? 3 : (int)floor(-log10(v.num))]++;
    }
    for (int k = 0; k < 4; k++)
        assert_true(fabs(decade[k] / (double)n - 0.25) < 0.02);
    assert_int_equal(search_parse_dim(&x->c, "l2=0..1", true, &d), 0);
    int half = 0;
    for (int i = 0; i < n; i++) {
        SearchVal v;
        search_sample(&d, &rng, &v);
        half += v.num < 0.5;
    }
    assert_true(fabs(half / (double)n - 0.5) < 0.02);
    assert_int_equal(search_parse_dim(&x->c, "batch=1..4", true, &d), 0);
    int count[5] = {0};
    for (int i = 0; i < n; i++) {
        SearchVal v;
        search_sample(&d, &rng, &v);
        assert_true(v.num >= 1 && v.num <= 4 && v.num == floor(v.num));
        count[(int)v.num]++;
    }
    for (int k = 1; k <= 4; k++)
        assert_true(fabs(count[k] / (double)n - 0.25) < 0.02);
    fx_free(x);
}

static void test_use(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search grid lr=0.5 hidden=3,6x6 optimizer=adam epochs=2");
    ok(x, "search use 2");
    assert_contains(x->last, "optimizer sgd → adam");
    assert_contains(x->last, "model rebuilt: mlp 6 6 act=relu");
    Session *s = x->c.s;
    assert_int_equal(s->n_hidden, 2);
    assert_true(s->opt.kind == OPT_ADAM && s->opt.lr == 0.5);
    ok(x, "search use 1");
    assert_int_equal(s->n_hidden, 1);
    assert_int_equal(s->hidden[0], 3);
    assert_contains(refused(x, "search use 3"), "from 1 to 2");
    fx_free(x);
}

static void test_refusals(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    assert_contains(refused(x, "search grid lr=0.1"), "no data yet");
    ok(x, SETUP "; train 1; step 1");
    Session *s = x->c.s;
    size_t np = s->model->n_params;
    double *p = malloc(sizeof(double) * np);
    memcpy(p, s->model->params, sizeof(double) * np);
    long steps = s->steps;
    const char *const bad[][2] = {
        {"search grid speed=1,2", "no hyperparameter 'speed'"},
        {"search grid lr=0..1", "ranges LO..HI are for `search random`"},
        {"search random 5 lr=1..0.1", "low end must be below"},
        {"search random 5 lr=1e-3..1:sqrt", ":log or nothing"},
        {"search random 5 l2=0..1:log", "start above 0"},
        {"search grid lr=-1", "out of range"},
        {"search grid batch=2.5", "whole number"},
        {"search grid hidden=8xx8", "widths joined by x"},
        {"search grid optimizer=adamm", "no optimizer 'adamm'"},
        {"search grid lr=0.1 lr=0.2", "named twice"},
        {"search random 0 lr=0.1", "from 1 to 10000"},
        {"search grid lr=0.1 seed=3", "seed= is for `search random`"},
        {"search grid lr=0.1 cv=1", "cv= is the number of folds"},
        {"search grid", "name what to search"},
        {"search use BEST", "no search yet"},
        {"search dance", "not 'dance'"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *e = refused(x, bad[i][0]);
        if (!strstr(e, bad[i][1]))
            fail_msg("`%s`: '%s' lacks '%s'", bad[i][0], e, bad[i][1]);
        assert_null(strchr(e, '\n'));
    }
    assert_memory_equal(p, s->model->params, sizeof(double) * np);
    assert_int_equal(steps, s->steps);
    assert_null(x->c.search);
    fx_free(x);
    free(p);
    /* no validation share: cv= or a split */
    Fx *y = fx_new();
    y->c.tracking_off = true;
    ok(y, "data moons n=60; model linear; set lr 0.1");
    assert_contains(refused(y, "search grid lr=0.1,0.2"), "`data split 0.2` first, or score by cross-validation");
    ok(y, "search grid lr=0.1,0.2 cv=3 epochs=2");
    assert_contains(y->last, "cross-validation mean");
    assert_contains(refused(y, "search grid act=tanh cv=3"), "act needs hidden layers");
    fx_free(y);
}

/* A search that varies a setting some optimizer it tries does not have
 * is refused before any trial runs, in one line naming the setting, the
 * optimizers without it and what to do; every combination meaningful
 * (optimizers that all have it) runs. */
static void test_optimizer_settings(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    const char *const bad[][4] = {
        {"search grid optimizer=adam momentum=0.5,0.9 epochs=1", "adam has no momentum", "leave momentum= out",
         "(sgd, rmsprop)"},
        {"search grid optimizer=sgd,adam momentum=0.5,0.9 epochs=1", "adam has no momentum",
         "search momentum with optimizer=sgd alone, and adam in a search of its own", "so its trials"},
        {"search grid optimizer=adam,adamw,rmsprop momentum=0,0.9 epochs=1", "adam and adamw have no momentum",
         "optimizer=rmsprop alone", "their own"},
        {"search random 3 optimizer=adam,rprop weight_decay=0..0.1 epochs=1", "rprop has no weight_decay",
         "optimizer=adam alone", "in a search of its own"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *e = refused(x, bad[i][0]);
        for (int k = 1; k < 4; k++)
            if (!strstr(e, bad[i][k]))
                fail_msg("`%s`: '%s' lacks '%s'", bad[i][0], e, bad[i][k]);
        assert_null(strchr(e, '\n'));
        assert_null(x->c.search); /* no trial ran */
        assert_string_equal(x->last, "");
    }
    /* the optimizer in force lacks it */
    ok(x, "set optimizer adam");
    assert_contains(refused(x, "search grid momentum=0.5,0.9 epochs=1"),
                    "adam, the optimizer in force, has no momentum, so these trials would differ only in a value it "
                    "ignores: leave momentum= out, or add optimizer=sgd (momentum belongs to sgd and rmsprop)");
    /* every optimizer tried has it: the trials differ */
    ok(x, "search grid optimizer=sgd,rmsprop momentum=0,0.9 epochs=1");
    const CmdSearch *q = x->c.search;
    assert_int_equal(q->n_done, 4);
    assert_true(q->trial[0].score != q->trial[1].score && q->trial[2].score != q->trial[3].score);
    ok(x, "search grid weight_decay=0,0.1 epochs=1"); /* adam has weight_decay */
    fx_free(x);
}

/* `search use` of a trial with another optimizer says the optimizer
 * changed and lists the new one's settings, not changes from settings
 * the old one never had. */
static void test_use_other_optimizer(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search grid optimizer=sgd,adam epochs=1");
    ok(x, "search use 2");
    assert_contains(x->last, "  optimizer sgd → adam lr=0.001 beta1=0.9 beta2=0.999 eps=1e-08 weight_decay=0 "
                             "amsgrad=off (its state starts fresh)\n");
    assert_null(strstr(x->last, "beta1 0 →"));
    assert_null(strstr(x->last, "eps 0 →"));
    assert_true(x->c.s->opt.kind == OPT_ADAM && x->c.s->opt.beta1 == 0.9);
    ok(x, "search use 1");
    assert_contains(x->last, "optimizer adam → sgd lr=0.1 momentum=0 dampening=0 nesterov=off weight_decay=0");
    assert_null(strstr(x->last, "beta1"));
    fx_free(x);
}

/* A trial that fails says why, in the engine's words: in its progress
 * line, in the table and when `search use` refuses it. Settings every
 * trial would be refused for are refused up front. */
static void test_failure_reasons(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search grid lr=0.1,1e5 epochs=2");
    assert_contains(x->last, "trial 2 of 2: lr=1e5 → failed: training diverged: the loss is");
    assert_contains(x->last, "  2     2      1e5          failed: training diverged");
    assert_null(strstr(x->last, "diverged or refused"));
    assert_contains(refused(x, "search use 2"), "trial 2 failed (training diverged: the loss is");
    /* under cross-validation: the fold that failed */
    ok(x, "search grid lr=0.1,1e5 epochs=2 cv=3");
    assert_contains(x->last, "lr=1e5 → failed: fold 1: training diverged");
    /* a model the engine refuses: its sentence */
    setenv("PARAMLAB_MAX_MEMORY", "1M", 1);
    ok(x, "search grid hidden=3,2048x2048 epochs=1");
    unsetenv("PARAMLAB_MAX_MEMORY");
    assert_contains(x->last, "hidden=2048x2048 → failed: this model would take about");
    assert_int_equal(x->c.search->n_done, 2);
    /* settings PyTorch refuses for one trial: refused before any runs */
    ok(x, "set optimizer sgd momentum=0.9 nesterov=on");
    assert_contains(refused(x, "search grid lr=0.1 momentum=0,0.9 epochs=1"),
                    "trial 1 (lr=0.1 momentum=0) would be refused: Nesterov momentum requires a momentum and zero "
                    "dampening; leave that value out");
    assert_string_equal(x->last, "");
    fx_free(x);
}

/* A cnn: dropout= is refused up front as `model cnn` refuses it; act= and
 * hidden= search its own layers and it stays a cnn. */
static void test_cnn_search(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, "data digits; data split 0.2; model cnn conv=2:3 pool=2 hidden=4");
    const char *e = refused(x, "search grid dropout=0.1,0.5 epochs=1");
    assert_contains(e, "a cnn takes no dropout");
    assert_contains(e, "leave dropout= out, or search it on an mlp");
    assert_null(strchr(e, '\n'));
    assert_null(x->c.search);
    ok(x, "search grid hidden=4,8 epochs=1");
    for (int i = 0; i < 2; i++) {
        assert_string_equal(x->c.search->trial[i].h.model_kind, "cnn");
        assert_false(x->c.search->trial[i].failed);
    }
    ok(x, "search use 2");
    assert_string_equal(x->c.s->model_kind, "cnn");
    assert_int_equal(x->c.s->hidden[0], 8);
    ok(x, "model cnn conv=2:3");
    ok(x, "search grid act=relu,tanh epochs=1"); /* the conv layers' activation */
    fx_free(x);
}

/* The search ends saying which trial `search use` applies, by number. */
static void test_closing_line(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search grid lr=0.01,0.3 epochs=2");
    int best = x->c.search->trial[1].score < x->c.search->trial[0].score ? 2 : 1;
    char want[200];
    snprintf(want, sizeof want, "your own model and settings are as they were; `search use %d` applies the best "
             "trial's settings (lr=%s)\n", best, best == 2 ? "0.3" : "0.01");
    assert_contains(x->last, want);
    assert_null(strstr(x->last, "BEST"));
    ok(x, "search grid lr=1e5 epochs=2");
    assert_contains(x->last, "your own model and settings are as they were; every trial failed, so there is nothing "
                             "to apply: search again with the values that made them fail changed\n");
    fx_free(x);
}

/* `plot search` of a grid: one cell per pair of values tried, named by
 * the values; in the terminal a table with the values as its heads. */
static void test_search_cells(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search grid lr=0.01,0.1,0.3 batch=8,16 epochs=2");
    SearchPicture pic;
    char word[] = "search", *argv[] = {word};
    assert_int_equal(cmd_search_picture(&x->c, 1, argv, &pic), 0);
    assert_true(pic.map);
    assert_int_equal(pic.nx, 3);
    assert_int_equal(pic.ny, 2);
    assert_string_equal(pic.xnames[0], "0.01");
    assert_string_equal(pic.xnames[2], "0.3");
    assert_string_equal(pic.ynames[1], "16");
    assert_true(pic.z[1 * 3 + 2] == x->c.search->trial[5].score); /* lr=0.3 batch=16 */
    free(pic.x);
    ok(x, "set plot terminal");
    ok(x, "plot search");
    assert_contains(x->last, "Search: validation loss over lr and batch\n        lr\nbatch   0.01        0.1         0.3\n");
    assert_contains(x->last, "\n8       ");
    assert_contains(x->last, "\n16      ");
    assert_contains(x->last, "shades \".:-=+*#%@\" of validation loss: @@ ");
    fx_free(x);
}

/* `plot search` of a random search: each trial a point at its values of
 * the two names (a list of numbers at its values, on a log axis when they
 * are spread evenly in log terms; words at 0, 1 ... named by the words),
 * coloured by its score; one name: at its value and its score. */
static void test_search_points(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP);
    ok(x, "search random 6 lr=0.01..0.3:log batch=8,32,128 epochs=1 seed=3");
    const CmdSearch *q = x->c.search;
    SearchPicture pic;
    char w0[] = "search", w1[] = "lr", w2[] = "batch", *argv[] = {w0, w1, w2};
    assert_int_equal(cmd_search_picture(&x->c, 3, argv, &pic), 0);
    assert_false(pic.map);
    const PlotPoints *m = &pic.pts;
    assert_int_equal(m->n, 6);
    assert_int_equal(m->ax.kind, PLOT_AXIS_LOG);
    assert_int_equal(m->ax.n_ticks, 0);
    assert_int_equal(m->ay.kind, PLOT_AXIS_LOG); /* 8, 32, 128: even steps on a log axis */
    assert_int_equal(m->ay.n_ticks, 3);
    assert_true(m->ay.tick_at[0] == 8 && m->ay.tick_at[1] == 32 && m->ay.tick_at[2] == 128);
    assert_string_equal(m->ay.tick_names[2], "128");
    assert_non_null(m->z);
    int best = 0;
    for (int i = 0; i < 6; i++) { /* x the trial's lr, y its batch (8, 32 or 128, not 0, 1 or 2), z its score */
        assert_true(m->x[i] == q->trial[i].val[0].num);
        assert_true(m->y[i] == q->trial[i].val[1].num);
        assert_true(m->y[i] == 8 || m->y[i] == 32 || m->y[i] == 128);
        assert_true(m->z[i] == q->trial[i].score);
        best = q->trial[i].score < q->trial[best].score ? i : best;
    }
    assert_int_equal(m->best, best);
    assert_string_equal(pic.xlabel, "lr (log scale)");
    assert_string_equal(pic.yname, "batch");
    free(pic.x);
    /* one name: batch at its values, the score as the height, one colour */
    assert_int_equal(cmd_search_picture(&x->c, 2, (char *[]){w0, w2}, &pic), 0);
    assert_null(pic.pts.z);
    assert_true(pic.pts.x[0] == q->trial[0].val[1].num && pic.pts.y[0] == q->trial[0].score);
    assert_string_equal(pic.ylabel, "validation loss");
    free(pic.x);
    /* words: an axis of their names, each trial at its word's place */
    ok(x, "search random 4 optimizer=sgd,adam dropout=0,0.2,0.5 epochs=1 seed=1");
    q = x->c.search;
    assert_int_equal(cmd_search_picture(&x->c, 1, argv, &pic), 0);
    assert_int_equal(pic.pts.ax.kind, PLOT_AXIS_NAMES);
    assert_int_equal(pic.pts.ax.n_ticks, 2);
    assert_string_equal(pic.pts.ax.tick_names[1], "adam");
    assert_int_equal(pic.pts.ay.kind, PLOT_AXIS_LINEAR); /* 0 among them: not on a log axis */
    for (int i = 0; i < 4; i++) {
        assert_true(pic.pts.x[i] == (strcmp(q->trial[i].val[0].text, "adam") == 0 ? 1 : 0));
        assert_true(pic.pts.y[i] == q->trial[i].val[1].num);
    }
    free(pic.x);
    fx_free(x);
}

/* The session is the same bit for bit after a search. */
static void test_session_unchanged(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, SETUP "; set optimizer adam lr=0.01; train 2; step 2");
    Session *s = x->c.s;
    size_t np = s->model->n_params, ns = (size_t)s->optim->n_slots * np;
    double *p = malloc(sizeof(double) * (np + ns));
    memcpy(p, s->model->params, sizeof(double) * np);
    memcpy(p + np, s->optim->state, sizeof(double) * ns);
    long steps = s->steps, epoch = s->epoch;
    int bi = s->batch_index;
    ok(x, "search random 4 lr=1e-3..0.1:log hidden=2,5x5 optimizer=sgd,adam dropout=0,0.3 epochs=2");
    assert_memory_equal(p, s->model->params, sizeof(double) * np);
    assert_memory_equal(p + np, s->optim->state, sizeof(double) * ns);
    assert_true(steps == s->steps && epoch == s->epoch && bi == s->batch_index && s->opt.lr == 0.01);
    assert_int_equal(s->n_hidden, 1);
    free(p);
    fx_free(x);
}

static long rss_kb(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    long pages = 0, res = 0;
    if (f) {
        if (fscanf(f, "%ld %ld", &pages, &res) != 2)
            res = 0;
        fclose(f);
    }
    return res * (sysconf(_SC_PAGESIZE) / 1024);
}

/* 100 trials take no more memory than 1 (beyond the table's rows). Not
 * under AddressSanitizer, whose quarantine keeps freed memory on purpose. */
static void test_memory_flat(void **state)
{
    (void)state;
#if defined(__SANITIZE_ADDRESS__)
    skip();
#endif
    Fx *x = fx_new();
    ok(x, "data moons n=200; data split 0.2; model mlp 8");
    ok(x, "search random 1 lr=1e-3..1:log l2=0..1e-3 epochs=2 seed=1");
    ok(x, "search random 1 lr=1e-3..1:log l2=0..1e-3 epochs=2 seed=1");
    long before = rss_kb();
    ok(x, "search random 100 lr=1e-3..1:log l2=0..1e-3 epochs=2 seed=1");
    long after = rss_kb();
    if (before > 0 && after - before > 512)
        fail_msg("a 100-trial search grew the memory by %ld kB (from %ld kB)", after - before, before);
    fx_free(x);
}

/* Tab after `search use` offers the trials it would apply, by number:
 * none before a search, never a placeholder, not a failed trial, and
 * nothing once a trial is given. */
static void test_complete_use(void **state)
{
    (void)state;
    Fx *x = fx_new();
    x->c.tracking_off = true;
    Cands c;
    ok(x, SETUP);
    complete(&x->c, "search use ", &c);
    assert_int_equal(c.n, 0);
    ok(x, "search grid lr=0.1,1e4,0.05 epochs=2");
    assert_true(x->c.search->trial[1].failed);
    complete(&x->c, "search use ", &c);
    assert_int_equal(c.n, 2);
    assert_true(has(&c, "1") && has(&c, "3"));
    assert_false(has(&c, "2") || has(&c, "BEST"));
    for (int i = 0; i < c.n; i++) { /* each one offered is taken */
        char line[64];
        snprintf(line, sizeof line, "search use %s", c.w[i]);
        ok(x, line);
    }
    refused(x, "search use 2");
    complete(&x->c, "search use 1 ", &c);
    assert_int_equal(c.n, 0);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_grid_by_hand),
        cmocka_unit_test(test_random_seed),
        cmocka_unit_test(test_log_uniform),
        cmocka_unit_test(test_use),
        cmocka_unit_test(test_complete_use),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_optimizer_settings),
        cmocka_unit_test(test_use_other_optimizer),
        cmocka_unit_test(test_failure_reasons),
        cmocka_unit_test(test_cnn_search),
        cmocka_unit_test(test_closing_line),
        cmocka_unit_test(test_search_cells),
        cmocka_unit_test(test_search_points),
        cmocka_unit_test(test_session_unchanged),
        cmocka_unit_test(test_memory_flat),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
