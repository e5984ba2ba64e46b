/* cmd_trial.h — trials: fresh copies of the session trained with a set of
 * hyperparameters (session_trial_new), each logged as a run; k-fold
 * cross-validation made of them; and the `cv` command. `search` runs its
 * trials through here too. */
#ifndef PARAMLAB_CMD_TRIAL_H
#define PARAMLAB_CMD_TRIAL_H

#include "cmd_ctx.h"
#include "runlog.h"

#define CV_MAX_FOLDS 100 /* folds one cross-validation takes */

/* What one trial (or one fold) gave. */
typedef struct TrialResult {
    int train_rows, val_rows; /* rows it trained and validated on */
    long epochs;              /* epochs finished */
    long steps;               /* updates made */
    double train_loss;        /* loss over the training rows at the end (evaluation mode, as `train` ends by printing) */
    double val_loss;          /* validation loss at the end (evaluation mode); NaN without a split */
    double val_acc;           /* validation accuracy then; NaN for regression or without a split */
    double wall_s;            /* wall time */
    bool failed;              /* the loss or a parameter went non-finite or diverged */
    bool interrupted;         /* Ctrl-C stopped it at a step: its numbers are not kept */
    char why[ERR_LEN];        /* when failed: what training said ("the loss became NaN at step 12 ...") */
    int code;                 /* when failed: the error code of why (ERR_DIVERGED, ERR_NONFINITE, ...) */
    char run_id[RUN_ID_LEN];  /* the run logged, or "" */
} TrialResult;

/* Trains a fresh trial of hyperparameters h on data ds (taken over) for
 * epochs epochs and logs it as a run described by ri (steps, time and
 * status filled in here). 0 with r filled (a diverging trial is
 * r->failed, one Ctrl-C stopped at a step r->interrupted, not errors); -1 with c->err when the trial cannot be made
 * (the model does not fit, out of memory). The learner's session is only
 * read. */
int cmd_trial_run(CmdCtx *c, const Hypers *h, Dataset *ds, long epochs, const RunInfo *ri, TrialResult *r);
/* k-fold cross-validation of h over the session's data (test share left
 * out): folds[f] for f < *done. Ctrl-C stops it at the next step of the
 * running fold, which is thrown away (returns 1). -1 with c->err on a
 * refusal before any fold ran. */
int cmd_trial_cv(CmdCtx *c, const Hypers *h, int k, long epochs, const RunInfo *ri, TrialResult *folds, int *done);
/* Mean and sample standard deviation (n - 1) of n values; std NaN for n < 2. */
void cmd_trial_stats(const double *v, int n, double *mean, double *std);

int cmd_cv(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_cv(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx);

#endif
