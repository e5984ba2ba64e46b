/* session_defaults.c — every setting back to what a new session has, so a
 * lesson starts from known settings whatever the session held before. */
#include "session.h"

int session_reset_settings(Session *s, char *err)
{
    Session *d = session_new(); /* the defaults, from the one place that knows them */
    if (!d)
        return util_fail(err, ERR_NOMEM, "out of memory");
    bool fresh;
    int rc = 0;
    if (s->data && s->batch != d->batch) /* the batch buffers first: the only step that allocates */
        rc = session_set_batch(s, d->batch, err);
    else
        s->batch = d->batch;
    if (rc == 0)
        rc = session_set_optimizer(s, &d->opt, &fresh, err);
    if (rc == 0)
        rc = session_set_loss(s, &d->loss, d->loss_auto, err);
    if (rc == 0)
        rc = session_set_penalty(s, &d->pen, err);
    if (rc == 0)
        rc = session_set_schedule(s, &d->sched, err);
    if (rc == 0)
        rc = session_set_clip(s, &d->clip, err);
    if (rc == 0) {
        s->init = d->init;
        s->shuffle = d->shuffle;
        s->precision = d->precision;
        if (s->undo_keep != d->undo_keep)
            session_set_undo(s, d->undo_keep);
        session_set_seed(s, d->seed);
    }
    session_free(d);
    return rc;
}
