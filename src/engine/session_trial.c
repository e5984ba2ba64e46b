/* session_trial.c — trials: copies of the session that start afresh.
 * Cross-validation folds and search trials each train a session of their
 * own made from the learner's (its loss, schedule, clipping, shuffling and
 * seed) with a set of hyperparameters (architecture, optimizer, batch,
 * penalties, dropout, initializer) and a data set, initialised as a fresh
 * `model` with the session seed would be. The learner's session is only
 * read. */
#include "session.h"

#include <math.h>
#include <string.h>

void session_hypers(const Session *s, Hypers *h)
{
    memset(h, 0, sizeof *h);
    snprintf(h->model_kind, sizeof h->model_kind, "%s", s->model_kind[0] ? s->model_kind : "linear");
    h->conv = s->conv;
    h->n_hidden = s->n_hidden;
    memcpy(h->hidden, s->hidden, sizeof h->hidden);
    memcpy(h->dropout, s->dropout, sizeof h->dropout);
    h->act = s->act;
    h->opt = s->opt;
    if (s->sched.kind != SCHED_NONE) /* the lr the schedule started from, not where it stands now */
        h->opt.lr = s->sched_state.base_lr;
    h->batch = s->batch;
    h->pen = s->pen;
    h->init = s->init;
}

Session *session_trial_new(const Session *s, const Hypers *h, Dataset *ds, char *err)
{
    err[0] = '\0';
    Session *f = session_new();
    if (!f) {
        data_free(ds);
        util_fail(err, ERR_NOMEM, "out of memory for a trial's copy of the session");
        return NULL;
    }
    bool dropped, loss_reset;
    f->batch = h->batch;
    f->shuffle = s->shuffle;
    f->loss = s->loss;
    f->loss_auto = s->loss_auto;
    f->opt = h->opt;
    f->pen = h->pen;
    f->init = h->init;
    f->sched = s->sched;
    sched_start(&f->sched_state, h->opt.lr);
    f->clip = s->clip;
    f->precision = s->precision;
    f->conv = h->conv;
    if (s->data && !ds->img_c && ds->d == s->data->d) { /* a fold of image rows is images too */
        ds->img_c = s->data->img_c;
        ds->img_h = s->data->img_h;
        ds->img_w = s->data->img_w;
    }
    if (session_set_data(f, ds, &dropped, &loss_reset) != 0 ||
        session_build_model_drop(f, h->model_kind, h->hidden, h->n_hidden, h->act, h->dropout, err) != 0) {
        if (!err[0])
            util_fail(err, ERR_NOMEM, "out of memory for a trial's copy of the session");
        session_free(f);
        return NULL;
    }
    session_drop_history(f); /* a trial is never undone */
    session_set_seed(f, s->seed);
    if (session_init(f, &h->init, NULL, err) != 0) {
        session_free(f);
        return NULL;
    }
    return f;
}
