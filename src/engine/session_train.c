/* session_train.c — `train`: epochs of steps as one run (see
 * session_run_begin), with or without early stopping on validation loss, the
 * rule Keras's and Lightning's EarlyStopping callbacks use (PyTorch has
 * none): an epoch improves when its validation loss is below the best so
 * far minus min_delta; after patience epochs in a row without one,
 * training stops, and (restore) the parameters, optimizer state, lr,
 * schedule and position of the best epoch's end come back. The state of
 * the best epoch is copied into one snapshot allocated before the first
 * step, so the steps still allocate nothing. */
#include "session.h"

#include <math.h>
#include <stdlib.h>

/* What early stopping watches during a run: the rule, the best epoch's
 * copy and the count of epochs without improvement. */
typedef struct Watch {
    const EarlyStop *es;
    EarlyResult *res;
    Snapshot *best;
    long wait;
} Watch;

/* After epoch e: true when patience ran out. */
static bool watch_epoch(Session *s, Watch *w, long e)
{
    EarlyResult *res = w->res;
    res->stop_epoch = e;
    double v = s->last_val_loss;
    if (v < (res->best_epoch ? res->best_val : INFINITY) - w->es->min_delta) {
        res->best_epoch = e;
        res->best_val = v;
        w->wait = 0;
        session_snapshot_take(s, w->best);
        return false;
    }
    if (++w->wait < w->es->patience)
        return false;
    res->stopped = true;
    return true;
}

/* The epochs' steps as one run (session_run_begin); w NULL: no early
 * stopping. The run's end is the caller's (after a restore). */
static int run_epochs(Session *s, long epochs, EpochFn fn, void *ctx, long *steps, Watch *w, char *err)
{
    long target = s->epoch + epochs;
    int rc = 0;
    session_run_begin(s, (session_batches(s) - s->batch_index) + (epochs - 1) * (long)session_batches(s));
    while (s->epoch < target) {
        if (s->interrupt && *s->interrupt)
            return 1;
        long e = s->epoch;
        if ((rc = session_step(s, err)) != 0)
            return rc;
        ++*steps;
        if (s->epoch == e)
            continue;
        if (fn)
            fn(ctx, e, s->last_epoch_loss, s->last_val_loss);
        if (w && watch_epoch(s, w, e))
            break;
    }
    return 0;
}

int session_train(Session *s, long epochs, EpochFn fn, void *ctx, long *steps, char *err)
{
    *steps = 0;
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    rc = run_epochs(s, epochs, fn, ctx, steps, NULL, err);
    session_run_end(s, rc);
    return rc;
}

int session_train_early(Session *s, long epochs, const EarlyStop *es, EpochFn fn, void *ctx,
                        long *steps, EarlyResult *res, char *err)
{
    *steps = 0;
    *res = (EarlyResult){false, 0, 0, NAN, false};
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    int lo, hi;
    data_share_rows(s->data, DATA_VAL, &lo, &hi);
    if (hi <= lo)
        return util_fail(err, ERR_NO_SPLIT, "early stopping watches the validation loss, and there is no "
                         "validation share");
    if (es->patience < 1 || !(es->min_delta >= 0) || !isfinite(es->min_delta))
        return util_err(err, "patience must be 1 or more and min_delta 0 or more");
    size_t per = s->model->n_params * (size_t)(1 + s->optim->n_slots);
    Snapshot best = {0};
    best.params = util_calloc(per, sizeof(double));
    if (!best.params)
        return util_fail(err, ERR_NOMEM, "out of memory for a copy of the best epoch's parameters");
    best.opt_state = best.params + s->model->n_params;
    s->best_epoch = 0;
    Watch w = {es, res, &best, 0};
    rc = run_epochs(s, epochs, fn, ctx, steps, &w, err);
    if (rc == 0 && es->restore && res->best_epoch && res->best_epoch != res->stop_epoch) {
        session_rewind_to(s, &best);
        res->restored = true;
    }
    session_run_end(s, rc);
    s->best_epoch = res->best_epoch;
    s->best_val = res->best_val;
    free(best.params);
    return rc;
}
