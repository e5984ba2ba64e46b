/* cmd_compare.c — `compare optimizer ...`: copies of the model race side
 * by side over the same batches, from the current parameters or (from=init)
 * from one fresh initialization; one table and one chart. With a
 * validation share the race is judged by validation loss and the chart
 * draws it dashed beside each solid training curve. The sessions come
 * from session_fork; the chart goes through cmd_plot.c's plotter. */
#include "cmd_compare.h"
#include "cmd_hint.h"
#include "cmd_util.h"
#include "cmd_plot.h"
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define MAX_RACERS 8    /* optimizers in one race (colours of the palette) */

typedef struct Racer {
    char label[48];     /* as typed */
    OptConfig opt;
    double *loss;       /* (epochs + 1) training loss after each epoch; NaN after a failure */
    double *vloss;      /* (epochs + 1) validation loss after each epoch; NaN without a split */
    double val, acc;    /* at the end */
    long done;          /* epochs finished */
    char failed[ERR_LEN]; /* why it stopped early, or "" */
} Racer;

/* Parses one racer: NAME[,key=value...], or the shorthands momentum and
 * nesterov (sgd with momentum 0.9). lr (when > 0) applies first. */
static int parse_racer(CmdCtx *c, const char *word, double lr, Racer *r)
{
    char buf[256];
    if (strlen(word) >= sizeof buf || strlen(word) >= sizeof r->label)
        return cmd_fail(c, "'%.40s...' is too long for an optimizer", word);
    snprintf(r->label, sizeof r->label, "%s", word);
    snprintf(buf, sizeof buf, "%s", word);
    char *opts[16];
    int n = 0;
    char *save = NULL;
    char *name = strtok_r(buf, ",", &save);
    for (char *o = strtok_r(NULL, ",", &save); o; o = strtok_r(NULL, ",", &save)) {
        if (n == 16)
            return cmd_fail(c, "too many options in '%s'", word);
        opts[n++] = o;
    }
    if (!name)
        return cmd_fail(c, "'%s' is not an optimizer", word);
    OptKind kind = OPT_SGD;
    bool mom = strcmp(name, "momentum") == 0, nest = strcmp(name, "nesterov") == 0;
    if (mom || nest)
        kind = OPT_SGD;
    else if (optim_parse(name, &kind) != 0) {
        char all[256];
        optim_names(all, sizeof all, ", ", " or ");
        return cmd_fail(c, "no optimizer '%s': use momentum, nesterov, %s (options after commas, as in "
                        "adam,lr=0.01)", name, all);
    }
    optim_defaults(kind, &r->opt);
    if (mom || nest)
        r->opt.momentum = 0.9;
    r->opt.nesterov = nest;
    if (lr > 0)
        r->opt.lr = lr;
    if (cmd_opt_options(c, &r->opt, n, opts) != 0)
        return -1;
    char why[ERR_LEN];
    if (optim_check(&r->opt, why, NULL) != 0)
        return cmd_fail(c, "%s: %.200s", word, why);
    return 0;
}

static void loss_range(const double *v, long n, double *lo, double *hi)
{
    for (long e = 0; e < n; e++)
        if (isfinite(v[e]) && v[e] > 0) {
            *lo = fmin(*lo, v[e]);
            *hi = fmax(*hi, v[e]);
        }
}

/* The race's chart, its file named after the words of the race (argc of argv). */
static int draw_race(CmdCtx *c, Racer *r, int n, double *xs, bool has_val, int argc, char **argv)
{
    Session *s = c->s;
    const char *stem;
    Plot *plot = cmd_plot_for_race(c, "compare", "compare", argc, argv, &stem);
    if (!plot)
        return cmd_fail(c, "out of memory for plotting");
    PlotSeries ser[2 * MAX_RACERS];
    char vt[MAX_RACERS][64];
    int ns = 0;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n; i++) {
        int pts = (int)r[i].done + 1;
        ser[ns++] = (PlotSeries){r[i].label, xs, r[i].loss, pts, PLOT_LINESPOINTS, i, false};
        loss_range(r[i].loss, pts, &lo, &hi);
        if (has_val) {
            snprintf(vt[i], sizeof vt[i], "%s (validation)", r[i].label);
            ser[ns++] = (PlotSeries){vt[i], xs, r[i].vloss, pts, PLOT_DASHED, i, false};
            loss_range(r[i].vloss, pts, &lo, &hi);
        }
    }
    bool logy = lo > 0 && hi / lo > 100;
    char mw[96], title[256], yl[96];
    snprintf(title, sizeof title, "Optimizers racing from one start — %s, %s, batch %d",
             cmd_model_words(s, mw, sizeof mw), s->data->name, s->batch);
    snprintf(yl, sizeof yl, "%s %s loss%s", has_val ? "training (solid) and validation (dashed)" : "training",
             loss_name(s->loss.kind), logy ? " (log scale)" : "");
    PlotFrame f = {title, "epoch", yl, stem, CMD_PLOT_WINDOW_COMPARE, logy, false};
    return plot_lines(plot, &f, ser, ns, c->err);
}

/* Runs the race: the n forks advance together one epoch at a time, each
 * racer's loss recorded per epoch. Returns true when Ctrl-C stopped it
 * (every racer then stands at the last epoch all of them finished). */
static bool race(Racer *r, int n, Session **fork, long epochs)
{
    bool stopped = false;
    for (long e = 1; e <= epochs && !stopped; e++) {
        for (int i = 0; i < n && !stopped; i++) {
            Racer *q = &r[i];
            if (q->failed[0] || q->done < e - 1)
                continue;
            double acc;
            long steps;
            int tr = session_train(fork[i], 1, NULL, NULL, &steps, q->failed);
            if (tr == 1) {
                q->failed[0] = '\0';
                stopped = true; /* the epoch in progress does not count */
            } else if (tr == 0) {
                q->loss[e] = session_eval_loss(fork[i], true, &acc);
                q->vloss[e] = session_eval_loss(fork[i], false, &acc);
                q->done = e;
            }
        }
        if (stopped) { /* racers that already finished this epoch give it back */
            long common = e - 1;
            for (int i = 0; i < n; i++)
                if (!r[i].failed[0] && r[i].done > common) {
                    r[i].loss[r[i].done] = NAN;
                    r[i].vloss[r[i].done] = NAN;
                    r[i].done = common;
                }
        }
    }
    return stopped;
}

/* Prints the race's table (n racers over at most epochs) and its verdict:
 * the lowest validation loss when there is a split, else the lowest
 * training loss; a * marks the column that decided. */
static void print_race(CmdCtx *c, const Racer *r, int n, long epochs, bool stopped, bool from_init)
{
    const Session *s = c->s;
    long reached = epochs;
    if (stopped) {
        reached = 0;
        for (int i = 0; i < n; i++)
            if (!r[i].failed[0] && r[i].done > reached)
                reached = r[i].done;
    }
    char mw[96], start[64];
    if (from_init)
        snprintf(start, sizeof start, "one fresh initialization (seed %llu)", (unsigned long long)s->seed);
    else
        snprintf(start, sizeof start, "the same parameters");
    cmd_out(c, "race from %s over the same batches: %s on %s, batch %d, %ld epoch%s\n", start,
            cmd_model_words(s, mw, sizeof mw), s->data->name, s->batch, reached, reached == 1 ? "" : "s");
    bool has_val = session_has_share(s, DATA_VAL);
    int wl = 9;
    for (int i = 0; i < n; i++)
        if ((int)strlen(r[i].label) > wl)
            wl = (int)strlen(r[i].label);
    cmd_out(c, "  %-*s %-10s %-13s %-13s", wl, "optimizer", "lr", "loss at start", has_val ? "final loss" : "final loss *");
    if (has_val)
        cmd_out(c, " %-13s", "val loss *");
    cmd_out(c, "%s\n", !s->data->classification ? "" : has_val ? " val accuracy" : " accuracy");
    int best = -1;
    for (int i = 0; i < n; i++) {
        const Racer *q = &r[i];
        char a[40], b[40], v[40], l[40];
        double fin = q->loss[q->done];
        cmd_out(c, "  %-*s %-10s %-13s %-13s", wl, q->label, cmd_num(c, q->opt.lr, l, sizeof l),
                cmd_num(c, q->loss[0], a, sizeof a), q->failed[0] ? "diverged" : cmd_num(c, fin, b, sizeof b));
        if (!q->failed[0]) {
            if (has_val)
                cmd_out(c, " %-13s", cmd_num(c, q->val, v, sizeof v));
            if (s->data->classification)
                cmd_out(c, " %.1f%%", 100 * q->acc);
            double score = has_val ? q->val : fin, top = best < 0 ? INFINITY : has_val ? r[best].val
                                                                             : r[best].loss[r[best].done];
            if (best < 0 || score < top)
                best = i;
        } else {
            cmd_out(c, " in epoch %ld: %.60s...", q->done + 1, q->failed);
        }
        cmd_out(c, "\n");
    }
    if (stopped)
        cmd_out(c, "interrupted: every racer stopped after epoch %ld; your own model is as it was\n", reached);
    else if (best >= 0)
        cmd_out(c, "lowest %s loss after %ld epoch%s: %s (the * column decides); your own model is unchanged\n",
                has_val ? "validation" : "training", epochs, epochs == 1 ? "" : "s", r[best].label);
}

/* One racer's copy of the session: the current parameters, or with
 * from_init the initialization a fresh `model` makes with the session
 * seed (every racer the same), at the start of the data. NULL with why. */
static Session *racer_fork(const Session *s, const OptConfig *opt, bool from_init, char *why)
{
    Session *f = session_fork(s, opt, why);
    if (f && from_init) {
        session_set_seed(f, s->seed);
        if (session_init(f, &s->init, NULL, why) != 0) {
            session_free(f);
            return NULL;
        }
    }
    return f;
}

/* Reads compare's options (epochs= lr= from=) and the racers' words. */
static int race_args(CmdCtx *c, int argc, char **argv, long *epochs, double *lr, bool *from_init,
                     const char **words, int *n)
{
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], "epochs=", 7) == 0) {
            if (!util_parse_long(argv[i] + 7, 1, 100000, epochs))
                return cmd_fail(c, "epochs= must be a whole number from 1 to 100000, got '%s'", argv[i] + 7);
        } else if (strncmp(argv[i], "lr=", 3) == 0) {
            if (!util_parse_double(argv[i] + 3, lr) || *lr <= 0)
                return cmd_fail(c, "lr= must be a number above 0, as in lr=0.01; it sets every racer's lr");
        } else if (strncmp(argv[i], "from=", 5) == 0) {
            if (strcmp(argv[i] + 5, "init") != 0 && strcmp(argv[i] + 5, "current") != 0)
                return cmd_fail(c, "from= is init (one fresh initialization with the session seed) or current "
                                "(the parameters now, the default), not '%s'", argv[i] + 5);
            *from_init = strcmp(argv[i] + 5, "init") == 0;
        } else if (*n == MAX_RACERS) {
            return cmd_fail(c, "at most %d optimizers race at once", MAX_RACERS);
        } else {
            words[(*n)++] = argv[i];
        }
    }
    if (*n < 1)
        return cmd_fail(c, "name the optimizers to race, as in `compare optimizer sgd momentum adam epochs=20`");
    return 0;
}

int cmd_compare(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (strcmp(argv[1], "optimizer") != 0)
        return cmd_fail(c, "compare races optimizers: `compare optimizer sgd momentum adam [epochs=20]`");
    if (!s->data || !s->model) {
        snprintf(c->err, ERR_LEN, "no %s yet", s->data ? "model" : "data");
        return cmd_hint_add(s, s->data ? ERR_NO_MODEL : ERR_NO_DATA, true, c->err);
    }
    long epochs = 20;
    double lr = 0;
    bool from_init = false;
    const char *words[MAX_RACERS];
    int n = 0;
    if (race_args(c, argc, argv, &epochs, &lr, &from_init, words, &n) != 0)
        return -1;
    Racer *r = calloc((size_t)n, sizeof *r);
    double *mem = calloc((size_t)(2 * n + 1) * (size_t)(epochs + 1), sizeof(double));
    if (!r || !mem) {
        free(r);
        free(mem);
        return cmd_fail(c, "out of memory for the race");
    }
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        r[i].loss = mem + (size_t)(2 * i + 1) * (size_t)(epochs + 1);
        r[i].vloss = r[i].loss + epochs + 1;
        rc = parse_racer(c, words[i], lr, &r[i]);
    }
    double *xs = mem;
    for (long e = 0; e <= epochs; e++)
        xs[e] = (double)e;
    /* every racer is forked before any trains, and they advance together
     * one epoch at a time, so a race stopped by Ctrl-C is still fair */
    Session *fork[MAX_RACERS] = {NULL};
    for (int i = 0; i < n && rc == 0; i++) {
        Racer *q = &r[i];
        for (long e = 0; e <= epochs; e++)
            q->loss[e] = q->vloss[e] = NAN;
        char why[ERR_LEN];
        fork[i] = racer_fork(s, &q->opt, from_init, why);
        if (!fork[i]) {
            rc = cmd_fail(c, "%s: %.200s", q->label, why);
            break;
        }
        fork[i]->interrupt = c->interrupt;
        double acc;
        q->loss[0] = session_eval_loss(fork[i], true, &acc);
        q->vloss[0] = session_eval_loss(fork[i], false, &acc);
    }
    if (rc == 0 && !isfinite(r[0].loss[0]))
        rc = cmd_fail(c, "the model's training loss is %s now, so no optimizer can start from here; `undo` or "
                      "`init` first (or race from=init)", isnan(r[0].loss[0]) ? "NaN" : "infinite");
    bool stopped = rc == 0 && race(r, n, fork, epochs);
    for (int i = 0; i < n && fork[i]; i++) {
        /* the end of the race: the racers that stopped early are measured where they stopped */
        r[i].val = session_eval_loss(fork[i], false, &r[i].acc);
        if (isnan(r[i].val))
            session_eval_loss(fork[i], true, &r[i].acc);
        session_free(fork[i]);
    }
    if (rc != 0) {
        free(r);
        free(mem);
        return -1;
    }
    print_race(c, r, n, epochs, stopped, from_init);
    /* the table is the result; a chart that cannot be drawn is a note */
    if (draw_race(c, r, n, xs, session_has_share(s, DATA_VAL), argc - 2, argv + 2) == 0)
        cmd_plot_race_drawn(c);
    else
        cmd_out(c, "no chart: %s\n", c->err);
    c->err[0] = '\0';
    free(r);
    free(mem);
    return stopped ? 1 : 0;
}

CmdComplete cmd_complete_compare(const CmdCtx *c, int argi, char **words, int n,
                                 void (*add)(void *ctx, const char *word), void *ctx)
{
    (void)c;
    (void)words;
    (void)n;
    if (argi == 1) {
        add(ctx, "optimizer");
        return COMPLETE_WORDS;
    }
    for (int k = 0; k < OPT_COUNT; k++)
        add(ctx, optim_name((OptKind)k));
    add(ctx, "momentum");
    add(ctx, "nesterov");
    add(ctx, "epochs=");
    add(ctx, "lr=");
    add(ctx, "from=init");
    add(ctx, "from=current");
    return COMPLETE_WORDS;
}

