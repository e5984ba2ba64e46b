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

int session_train(Session *s, long epochs, EpochFn fn, void *ctx, long *steps, char *err)
{
    *steps = 0;
    if (!s->data)
        return util_fail(err, ERR_NO_DATA, "no data yet");
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "no model yet");
    if (s->rows == 0)
        return util_err(err, "the training set is empty");
    long target = s->epoch + epochs;
    int rc = 0;
    session_run_begin(s, (session_batches(s) - s->batch_index) + (epochs - 1) * (long)session_batches(s));
    while (s->epoch < target) {
        if (s->interrupt && *s->interrupt) {
            rc = 1;
            break;
        }
        long e = s->epoch;
        if ((rc = session_step(s, err)) != 0)
            break;
        ++*steps;
        if (s->epoch != e && fn)
            fn(ctx, e, s->last_epoch_loss, s->last_val_loss);
    }
    session_run_end(s, rc);
    return rc;
}

int session_train_early(Session *s, long epochs, const EarlyStop *es, EpochFn fn, void *ctx,
                        long *steps, EarlyResult *res, char *err)
{
    *steps = 0;
    *res = (EarlyResult){false, 0, 0, NAN, false};
    if (!s->data)
        return util_fail(err, ERR_NO_DATA, "no data yet");
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "no model yet");
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

    long target = s->epoch + epochs, wait = 0;
    int rc = 0;
    s->best_epoch = 0;
    session_run_begin(s, (session_batches(s) - s->batch_index) + (epochs - 1) * (long)session_batches(s));
    while (s->epoch < target) {
        if (s->interrupt && *s->interrupt) {
            rc = 1;
            break;
        }
        long e = s->epoch;
        if ((rc = session_step(s, err)) != 0)
            break;
        ++*steps;
        if (s->epoch == e)
            continue;
        if (fn)
            fn(ctx, e, s->last_epoch_loss, s->last_val_loss);
        res->stop_epoch = e;
        double v = s->last_val_loss;
        if (v < (res->best_epoch ? res->best_val : INFINITY) - es->min_delta) {
            res->best_epoch = e;
            res->best_val = v;
            wait = 0;
            session_snapshot_take(s, &best);
        } else if (++wait >= es->patience) {
            res->stopped = true;
            break;
        }
    }
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
