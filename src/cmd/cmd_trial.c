/* cmd_trial.c — trials and k-fold cross-validation (cmd_trial.h). Every
 * trial is a session of its own from session_trial_new, so the learner's
 * model, optimizer state, data and position are never touched. */
#include "cmd_trial.h"
#include "cmd_hint.h"
#include "cmd_runs.h"
#include "cmd_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

typedef struct EpochRec {
    Session *s;
    RunCurve *curve;
} EpochRec;

static void trial_epoch(void *ctx, long epoch, double train, double val)
{
    EpochRec *e = ctx;
    run_curve_epoch(e->curve, e->s, epoch, train, val);
}

int cmd_trial_run(CmdCtx *c, const Hypers *h, Dataset *ds, long epochs, const RunInfo *ri, TrialResult *r)
{
    memset(r, 0, sizeof *r);
    r->train_loss = r->val_loss = r->val_acc = NAN;
    r->train_rows = ds->n_train;
    r->val_rows = ds->n - ds->n_train - ds->n_test;
    Session *f = session_trial_new(c->s, h, ds, c->err);
    if (!f)
        return -1;
    RunCurve *curve = cmd_runs_curve(c, epochs);
    EpochRec er = {f, curve};
    double t0 = util_now();
    char why[ERR_LEN];
    f->interrupt = c->interrupt; /* Ctrl-C stops the trial at its next step */
    int rc = session_train(f, epochs, trial_epoch, &er, &r->steps, why);
    r->wall_s = util_now() - t0;
    r->failed = rc < 0;
    r->interrupted = rc == 1;
    if (r->failed) {
        snprintf(r->why, sizeof r->why, "%s", why);
        r->code = rc;
    }
    r->epochs = f->epoch - 1;
    double train_acc = NAN;
    if (!r->failed && !r->interrupted) {
        r->train_loss = session_eval_share(f, DATA_TRAIN, &train_acc);
        r->val_loss = session_eval_share(f, DATA_VAL, &r->val_acc);
    }
    RunInfo info = *ri;
    info.measured = !r->failed && !r->interrupted;
    info.train_loss = r->train_loss;
    info.train_acc = train_acc;
    info.steps = r->steps;
    info.wall_s = r->wall_s;
    info.status = r->failed ? "failed" : r->interrupted ? "interrupted" : "done";
    cmd_runs_record(c, f, &info, curve, r->run_id);
    run_curve_free(curve);
    session_free(f);
    return 0;
}

void cmd_trial_stats(const double *v, int n, double *mean, double *std)
{
    double sum = 0;
    for (int i = 0; i < n; i++)
        sum += v[i];
    *mean = n ? sum / n : NAN;
    double ss = 0;
    for (int i = 0; i < n; i++)
        ss += (v[i] - *mean) * (v[i] - *mean);
    *std = n > 1 ? sqrt(ss / (n - 1)) : NAN;
}

int cmd_trial_cv(CmdCtx *c, const Hypers *h, int k, long epochs, const RunInfo *ri, TrialResult *folds, int *done)
{
    Session *s = c->s;
    *done = 0;
    int n = data_fold_rows(s->data);
    int *fold = calloc((size_t)(n > 0 ? n : 1), sizeof *fold);
    if (!fold)
        return cmd_fail(c, "out of memory dealing %d rows into folds", n);
    if (data_kfold(s->data, k, s->seed, fold, c->err) != 0) {
        free(fold);
        return -1;
    }
    int rc = 0;
    for (int f = 0; f < k; f++) {
        if (c->interrupt && *c->interrupt) {
            rc = 1;
            break;
        }
        Dataset *ds = data_fold(s->data, fold, f, c->err);
        RunInfo info = *ri;
        info.fold = f + 1;
        if (!ds || cmd_trial_run(c, h, ds, epochs, &info, &folds[f]) != 0) {
            rc = *done ? 1 : -1; /* the folds so far stand */
            break;
        }
        if (folds[f].interrupted) { /* thrown away: the folds so far stand */
            rc = 1;
            break;
        }
        ++*done;
    }
    free(fold);
    return rc;
}

/* ---- the cv command ---- */

static int cv_args(CmdCtx *c, int argc, char **argv, long *k, long *epochs)
{
    if (cmd_parse_int(c, "the number of folds", argv[1], 2, CV_MAX_FOLDS, k) != 0)
        return -1;
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], "epochs=", 7) != 0)
            return cmd_fail(c, "cv takes the number of folds and epochs=N, as in `cv 5 epochs=20`, not '%.40s'",
                            argv[i]);
        if (!util_parse_long(argv[i] + 7, 1, 100000, epochs))
            return cmd_fail(c, "epochs= must be a whole number from 1 to 100000, got '%.40s'", argv[i] + 7);
    }
    return 0;
}

/* The folds that failed among the first done; *first the first of them. */
static int cv_failed(const TrialResult *r, int done, int *first)
{
    int n = 0;
    *first = -1;
    for (int f = 0; f < done; f++)
        if (r[f].failed && n++ == 0)
            *first = f;
    return n;
}

static void cv_table(CmdCtx *c, const TrialResult *r, int done, bool classes)
{
    cmd_out(c, "  %-5s %-11s %-9s %-13s %s\n", "fold", "train rows", "val rows", "train loss",
            classes ? "val loss      val accuracy" : "val loss");
    double tl[CV_MAX_FOLDS] = {0}, vl[CV_MAX_FOLDS] = {0}, va[CV_MAX_FOLDS] = {0};
    for (int f = 0; f < done; f++) {
        const TrialResult *q = &r[f];
        tl[f] = q->train_loss;
        vl[f] = q->val_loss;
        va[f] = q->val_acc;
        cmd_out(c, classes ? "  %-5d %-11d %-9d %-13s %-13s" : "  %-5d %-11d %-9d %-13s %s", f + 1, q->train_rows,
                q->val_rows, q->failed ? "diverged" : NUM(q->train_loss), q->failed ? "-" : NUM(q->val_loss));
        if (classes && !q->failed)
            cmd_out(c, " %.1f%%", 100 * q->val_acc);
        cmd_out(c, "\n");
    }
    int first;
    if (cv_failed(r, done, &first) > 0) /* no mean of a failed fold: cmd_cv says why */
        return;
    double m[3], sd[3];
    cmd_trial_stats(tl, done, &m[0], &sd[0]);
    cmd_trial_stats(vl, done, &m[1], &sd[1]);
    cmd_trial_stats(va, done, &m[2], &sd[2]);
    cmd_out(c, classes ? "  %-27s %-13s %-13s" : "  %-27s %-13s %s", "mean", NUM(m[0]), NUM(m[1]));
    if (classes)
        cmd_out(c, " %.1f%%", 100 * m[2]);
    cmd_out(c, classes ? "\n  %-27s %-13s %-13s" : "\n  %-27s %-13s %s", "std (sample, n-1)", NUM(sd[0]), NUM(sd[1]));
    if (classes)
        cmd_out(c, " %.1f%%", 100 * sd[2]);
    cmd_out(c, "\nvalidation loss %s ± %s over %d fold%s", NUM(m[1]), NUM(sd[1]), done, done == 1 ? "" : "s");
    c->s->cv_folds = done; /* for the scalar names cv_loss and cv_std */
    c->s->cv_loss = m[1];
    c->s->cv_std = sd[1];
    if (classes)
        cmd_out(c, ", accuracy %.1f%% ± %.1f%%", 100 * m[2], 100 * sd[2]);
    cmd_out(c, "\n");
}

/* Why a cv with failed folds has no result: how many failed, the first's
 * reason as training said it, and what to change before the same cv
 * again; into c->err. The folds stay logged, as failed; the learner's
 * session (and cv_loss) are as they were. */
static void cv_refuse(CmdCtx *c, const TrialResult *r, int done, long k, long epochs)
{
    int first, failed = cv_failed(r, done, &first);
    char again[64], hint[ERR_LEN];
    int at = snprintf(again, sizeof again, "cv %ld", k);
    if (epochs != 20) /* the default need not be typed */
        snprintf(again + at, sizeof again - (size_t)at, " epochs=%ld", epochs);
    cmd_hint_again(c->s, r[first].code, again, hint, sizeof hint);
    cmd_out(c, "your own model, optimizer state, data and position are as they were%s\n",
            c->tracking_off ? "" : " (each fold is logged, a failed one as failed: `runs`)");
    if (failed == done && done == k)
        cmd_fail(c, "every fold failed, so there is no validation loss; fold %d: %s", first + 1, r[first].why);
    else
        cmd_fail(c, "%d of the %d folds run failed, so there is no mean validation loss; fold %d: %s", failed, done,
                 first + 1, r[first].why);
    size_t len = strlen(c->err);
    if (len + strlen(hint) < ERR_LEN)
        memcpy(c->err + len, hint, strlen(hint) + 1);
}

int cmd_cv(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (!s->data || !s->model) {
        snprintf(c->err, ERR_LEN, "no %s yet", s->data ? "model" : "data");
        return cmd_hint_add(s, s->data ? ERR_NO_MODEL : ERR_NO_DATA, true, c->err);
    }
    long k = 5, epochs = 20;
    if (cv_args(c, argc, argv, &k, &epochs) != 0)
        return -1;
    TrialResult *r = calloc((size_t)k, sizeof *r);
    if (!r)
        return cmd_fail(c, "out of memory for %ld folds", k);
    Hypers h;
    session_hypers(s, &h);
    char group[RUN_ID_LEN + 4], mw[96];
    run_new_id(group + 3);
    memcpy(group, "cv-", 3);
    RunInfo ri = {"cv", group, 0, 0, 0, 0, "done", 0, false, false, NAN, NAN};
    int done = 0;
    int rc = cmd_trial_cv(c, &h, (int)k, epochs, &ri, r, &done);
    if (rc < 0) {
        free(r);
        return -1;
    }
    bool classes = s->data->classification;
    cmd_out(c, "%ld-fold cross-validation%s of %s on %s (%d rows%s), %s lr=%s, batch %d, %ld epoch%s a fold, "
            "each from one fresh initialization (seed %llu):\n", k, classes ? " (stratified by class)" : "",
            cmd_model_words(s, mw, sizeof mw), s->data->name, data_fold_rows(s->data),
            s->data->n_test ? ", the test share left out" : "", optim_name(h.opt.kind), NUM(h.opt.lr), h.batch,
            epochs, epochs == 1 ? "" : "s", (unsigned long long)s->seed);
    cv_table(c, r, done, classes);
    if (cv_failed(r, done, &(int){0}) > 0) {
        cv_refuse(c, r, done, k, epochs);
        free(r);
        return -1;
    }
    if (rc == 1)
        cmd_out(c, "interrupted after fold %d of %ld: the table holds the folds finished%s\n", done, k,
                c->interrupt && *c->interrupt ? "; the fold running was thrown away" : "");
    cmd_out(c, "your own model, optimizer state, data and position are as they were%s\n",
            c->tracking_off ? "" : " (each fold is logged: `runs`)");
    free(r);
    return rc;
}

CmdComplete cmd_complete_cv(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx)
{
    (void)c;
    (void)words;
    (void)n;
    static const char *const k[] = {"3", "5", "10", NULL}, *const opts[] = {"epochs=", NULL};
    cmd_add_list(argi == 1 ? k : opts, add, ctx);
    return COMPLETE_WORDS;
}
