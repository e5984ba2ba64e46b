/* session_sched.c — the session's learning-rate schedule and gradient
 * clipping: choosing them, the schedule's step at each epoch's end (the
 * lr in force is the session's opt.lr and the optimizer's cfg.lr, kept
 * equal) and clipping between backward and update. The arithmetic is
 * schedule.c's and clip.c's; nothing here allocates, so a step stays
 * allocation-free. session.c calls in; nothing here calls back. */
#include "session.h"

#include <math.h>

/* Puts lr in force for the session and its optimizer. */
static void put_lr(Session *s, double lr)
{
    s->opt.lr = lr;
    if (s->optim)
        s->optim->cfg.lr = lr;
}

int session_set_schedule(Session *s, const SchedConfig *c, char *err)
{
    if (sched_check(c, err) != 0)
        return -1;
    s->sched = *c;
    sched_start(&s->sched_state, s->opt.lr);
    return 0;
}

void session_sched_restart(Session *s)
{
    sched_start(&s->sched_state, s->opt.lr);
}

void session_sched_rewind(Session *s)
{
    if (s->sched.kind == SCHED_NONE)
        return;
    put_lr(s, s->sched_state.base_lr);
    sched_start(&s->sched_state, s->opt.lr);
}

void session_sched_epoch_end(Session *s)
{
    if (s->sched.kind == SCHED_NONE)
        return;
    double metric = isnan(s->last_val_loss) ? s->last_epoch_loss : s->last_val_loss;
    put_lr(s, sched_step(&s->sched, &s->sched_state, s->opt.lr, metric));
}

int session_set_clip(Session *s, const ClipConfig *c, char *err)
{
    if (clip_check(c, err) != 0)
        return -1;
    s->clip = *c;
    s->clip_report = (ClipReport){NAN, 1.0, 0, false};
    return 0;
}

void session_clip_grads(Session *s)
{
    Model *m = s->model;
    size_t sizes[2 * NN_MAX_LAYERS]; /* W1 b1 W2 b2 ..., as model.parameters() lists them */
    int nt = 0;
    for (int k = 0; k < m->n_layers; k++) {
        sizes[nt++] = layer_weights(&m->layer[k]);
        sizes[nt++] = layer_biases(&m->layer[k]);
    }
    ClipGrads g = {m->grads, m->n_params, sizes, nt};
    clip_apply(&s->clip, &g, &s->clip_report);
}
