/* cmd_loop.c — the training loop one phase at a time (`forward`,
 * `loss`, `backward`, `update`), whole iterations (`step`, `train`) and
 * going back (`undo`). The session does the work; these say what it did
 * and where the loop now stands. */
#include "cmd_handlers.h"
#include "cmd_runs.h"

#include <math.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* ---- the loop ---- */

static void print_position(CmdCtx *c)
{
    Session *s = c->s;
    cmd_out(c, "epoch %ld, batch %d/%d", s->epoch, s->batch_index + 1, session_batches(s));
}

int cmd_forward(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int rc = session_forward(s, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    const Model *m = s->model;
    cmd_out(c, "forward: ");
    print_position(c);
    cmd_out(c, ", %d row%s: X (%d×%d)", s->rows, CMD_S(s->rows), s->rows, s->data->d);
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *l = &m->layer[k - 1];
        if (l->kind == LAYER_CONV) {
            cmd_out(c, " → Z%d = conv(·, K%d) + c%d, A%d = %s(Z%d) (%d×%d×%d×%d)", k, k, k, k, act_name(l->act), k,
                    s->rows, l->c_out, l->h_out, l->w_out);
            if (l->pool)
                cmd_out(c, " → P%d = maxpool(A%d) (%d×%d×%d×%d)", k, k, s->rows, l->c_out, l->h_pool, l->w_pool);
        } else if (k < m->n_layers)
            cmd_out(c, " → Z%d, A%d = %s(Z%d) (%d×%d)", k, k, act_name(m->layer[k - 1].act), k, s->rows,
                m->layer[k - 1].n_out);
        else
            cmd_out(c, " → Z%d = logits (%d×%d)", k, s->rows, m->layer[k - 1].n_out);
    }
    cmd_out(c, " → yhat = %s(logits)\n", loss_desc(s->loss.kind)->link_name);
    return 0;
}

int cmd_loss(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int rc = session_loss(s, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    if (penalty_on(&s->pen)) /* the total: the data term's mean plus the penalty, split below */
        cmd_out(c, "loss = %s  (%s over the %d row%s of batch %d, plus the penalty)", NUM(s->loss_value),
            loss_name(s->loss.kind), s->rows, CMD_S(s->rows), s->batch_index + 1);
    else
        cmd_out(c, "loss = %s  (%s, mean over the %d row%s of batch %d)", NUM(s->loss_value), loss_name(s->loss.kind),
            s->rows, CMD_S(s->rows), s->batch_index + 1);
    double acc = session_batch_accuracy(s);
    if (!isnan(acc))
        cmd_out(c, "; accuracy on this batch %.1f%%", 100 * acc);
    cmd_out(c, "\n");
    if (penalty_on(&s->pen)) {
        cmd_out(c, "     = %s (data term, %s)", NUM(s->loss_data), loss_name(s->loss.kind));
        if (s->pen.l1 != 0)
            cmd_out(c, " + %s (l1 penalty, %s·Σ|w|)", NUM(s->loss_l1), NUM(s->pen.l1));
        if (s->pen.l2 != 0)
            cmd_out(c, " + %s (l2 penalty, %s/2·Σw²)", NUM(s->loss_l2), NUM(s->pen.l2));
        cmd_out(c, "\n");
    }
    return 0;
}

/* What clipping did to the gradients backward just made. */
static void print_clip(CmdCtx *c)
{
    const Session *s = c->s;
    const ClipReport *r = &s->clip_report;
    double max = s->clip.max;
    cmd_out(c, "clip: total gradient norm %s", NUM(r->total_norm));
    if (s->clip.kind == CLIP_NORM) {
        if (r->clipped)
            cmd_out(c, " (+ 1e-6) > max %s: every gradient multiplied by %s/(%s + 1e-6) = %s (the norms above "
                    "are after clipping)\n", NUM(max), NUM(max), NUM(r->total_norm), CMD_FACTOR(r->factor));
        else
            cmd_out(c, " (+ 1e-6) <= max %s: not clipped\n", NUM(max));
    } else if (r->clipped) {
        cmd_out(c, "; %ld gradient%s outside [-%s, %s] clamped to it (the norms above are after clipping)\n",
                r->n_clipped, r->n_clipped == 1 ? "" : "s", NUM(max), NUM(max));
    } else {
        cmd_out(c, "; every gradient within [-%s, %s]: not clipped\n", NUM(max), NUM(max));
    }
}

int cmd_backward(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int rc = session_backward(s, c->err);
    if (rc != 0 && s->phase < PHASE_BACKWARD)
        return cmd_hint_add(s, rc, true, c->err);
    const Model *m = s->model;
    cmd_out(c, "backward: gradients");
    for (int k = 1; k <= m->n_layers; k++) {
        Mat w = nn_dweight(m, k), b = nn_dbias(m, k);
        const LayerDesc *d = layer_desc(&m->layer[k - 1]);
        cmd_out(c, " d%c%d (|d%c%d| = %s) d%c%d (|d%c%d| = %s)%s", d->weight, k, d->weight, k,
                NUM(mat_norm(w.data, mat_size(&w))), d->bias, k, d->bias, k, NUM(mat_norm(b.data, mat_size(&b))),
                k < m->n_layers ? "," : "");
    }
    cmd_out(c, "\n");
    if (rc == 0 && s->clip.kind != CLIP_OFF)
        print_clip(c);
    return rc != 0 ? cmd_hint_add(s, rc, true, c->err) : 0;
}

int cmd_update(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long e = s->epoch, steps = s->steps;
    int rc = session_update(s, c->err);
    if (rc != 0 && (s->steps == steps || !s->model)) /* refused: no step was taken */
        return cmd_hint_add(s, rc, true, c->err);
    const Snapshot *h = session_snapshot(s, 0);
    size_t changed = 0, where = 0;
    double big = -1;
    for (size_t i = 0; h && i < s->model->n_params; i++) {
        double d = fabs(s->model->params[i] - h->params[i]);
        if (d > 0)
            changed++;
        if (d > big) {
            big = d;
            where = i;
        }
    }
    double lr = h && s->sched.kind != SCHED_NONE ? h->lr : s->opt.lr; /* the lr this update used */
    cmd_out(c, "update %ld (%s, lr=%s): ", s->steps, optim_name(s->opt.kind), NUM(lr));
    if (h)
        cmd_out(c, "%zu of %zu values changed", changed, s->model->n_params);
    else /* no history: the values before are gone */
        cmd_out(c, "%zu values updated (undo is off, so the values before are not kept)", s->model->n_params);
    if (h && changed) {
        char name[48];
        session_param_name(s, where, name, sizeof name);
        cmd_out(c, ", the most %s by %s", name, NUM(s->model->params[where] - h->params[where]));
    }
    cmd_out(c, "; now ");
    print_position(c);
    if (s->epoch != e) {
        cmd_out(c, " (epoch %ld done, mean loss %s", e, NUM(s->last_epoch_loss));
        if (s->sched.kind != SCHED_NONE && lr != s->opt.lr)
            cmd_out(c, "; the schedule makes the lr %s", NUM(s->opt.lr));
        cmd_out(c, ")");
    }
    cmd_out(c, "\n");
    return rc != 0 ? cmd_hint_add(s, rc, true, c->err) : 0;
}

int cmd_step(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long n = 1;
    if (argc == 2 && cmd_parse_int(c, "the number of steps", argv[1], 1, 100000000, &n) != 0)
        return -1;
    long every = n <= 20 ? 1 : n / 10;
    double t0 = util_now();
    if (n > 1)
        session_run_begin(s, n);
    for (long i = 1; i <= n; i++) {
        if (c->interrupt && *c->interrupt) {
            session_run_end(s, 1);
            cmd_out(c, "%sinterrupted after %ld step%s; the model is consistent at ", c->interactive ? "\n" : "", i - 1,
                i == 2 ? "" : "s");
            print_position(c);
            cmd_out(c, "\n");
            return 1;
        }
        long e = s->epoch;
        int b = s->batch_index;
        int rc = session_step(s, c->err);
        if (rc != 0) {
            session_run_end(s, rc);
            return cmd_hint_add(s, rc, true, c->err);
        }
        if (i % every == 0 || i == n) {
            cmd_out(c, "step %ld  epoch %ld batch %d  loss %s", s->steps, e, b + 1, NUM(s->loss_value));
            if (penalty_on(&s->pen)) /* the loss minimized; the curves and epochs hold its data term */
                cmd_out(c, " = data %s + penalty %s", NUM(s->loss_data), NUM(s->loss_l1 + s->loss_l2));
            cmd_out(c, "\n");
        }
    }
    double dt = util_now() - t0;
    session_run_end(s, 0);
    if (n > 1)
        cmd_out(c, "%ld steps in %.3g s\n", n, dt);
    return 0;
}

typedef struct TrainPrint {
    CmdCtx *c;
    long every;  /* print every this many epochs */
    long first;  /* first epoch of this run */
    long last;   /* last epoch of this run */
    double loss; /* training loss of the last epoch */
    double val;  /* validation loss of the last epoch */
    double lr;   /* the lr in force when the epoch began */
    RunCurve *curve; /* the run's epochs for the log; NULL when tracking is off */
} TrainPrint;

static void print_epoch(TrainPrint *p, long epoch, double train_loss, double val_loss);

static void train_epoch(void *ctx, long epoch, double train_loss, double val_loss)
{
    TrainPrint *p = ctx;
    CmdCtx *c = p->c;
    run_curve_epoch(p->curve, c->s, epoch, train_loss, val_loss);
    p->loss = train_loss;
    p->val = val_loss;
    double lr = p->lr;
    p->lr = c->s->opt.lr; /* the next epoch's */
    if ((epoch - p->first + 1) % p->every != 0 && epoch != p->last && epoch != p->first)
        return;
    p->lr = lr;
    print_epoch(p, epoch, train_loss, val_loss);
    p->lr = c->s->opt.lr;
}

static void print_epoch(TrainPrint *p, long epoch, double train_loss, double val_loss)
{
    CmdCtx *c = p->c;
    /* with a penalty, the epoch's mean holds the data term, as the validation loss does */
    cmd_out(c, "epoch %4ld  %s %s", epoch, penalty_on(&c->s->pen) ? "data loss" : "loss", NUM(train_loss));
    if (!isnan(val_loss))
        cmd_out(c, "  val %s", NUM(val_loss));
    if (!isnan(val_loss) && !isnan(c->s->last_val_accuracy))
        cmd_out(c, "  val accuracy %.1f%%", 100 * c->s->last_val_accuracy);
    if (c->s->sched.kind != SCHED_NONE) {
        cmd_out(c, "  lr %s", NUM(p->lr));
        if (c->s->opt.lr != p->lr)
            cmd_out(c, " → %s", NUM(c->s->opt.lr));
    }
    cmd_out(c, "\n");
    fflush(c->out);
}

/* Reads train's words: N and the early-stopping options. *es->patience
 * stays 0 without patience=. -1 with c->err naming the fix. */
static int train_args(CmdCtx *c, int argc, char **argv, long *n, EarlyStop *es)
{
    bool counted = false, other = false;
    *es = (EarlyStop){0, 0.0, true};
    for (int i = 1; i < argc; i++) {
        char *w = argv[i], *key, *v;
        if (!strchr(w, '=')) {
            if (counted)
                return cmd_fail(c, "train takes one number of epochs, not '%s' as well", w);
            if (cmd_parse_int(c, "the number of epochs", w, 1, 10000000, n) != 0)
                return -1;
            counted = true;
        } else if (!cmd_split_opt(w, &key, &v)) {
            return cmd_fail(c, "unexpected '%s': write options as key=value, as in `train 100 patience=5`", w);
        } else if (strcmp(key, "patience") == 0) {
            if (cmd_parse_int(c, "patience", v, 1, 10000000, &es->patience) != 0)
                return -1;
        } else if (strcmp(key, "min_delta") == 0) {
            if (cmd_parse_num(c, "min_delta", v, &es->min_delta) != 0)
                return -1;
            if (es->min_delta < 0)
                return cmd_fail(c, "min_delta is the improvement that counts, 0 or more, as in min_delta=1e-4");
            other = true;
        } else if (strcmp(key, "restore") == 0) {
            if (!util_parse_bool(v, &es->restore))
                return cmd_fail(c, "restore is a switch: restore=on or restore=off, got '%s'", v);
            other = true;
        } else {
            static const char *const keys[] = {"patience", "min_delta", "restore", NULL};
            return cmd_fail(c, "train has no option '%s'%s: it takes N and patience=, min_delta=, restore= "
                            "(early stopping)", key, CMD_DYM(key, keys, ""));
        }
    }
    if (other && !es->patience)
        return cmd_fail(c, "min_delta= and restore= belong to early stopping: add patience=P, as in "
                        "`train 100 patience=5`");
    return 0;
}

int cmd_train_check(const char *raw, int n, char **words, char *err)
{
    CmdCtx tmp = {0};
    long epochs;
    EarlyStop es;
    int rc = train_args(&tmp, n, words, &epochs, &es);
    if (rc != 0)
        snprintf(err, ERR_LEN, "%s", tmp.err);
    return rc;
}

/* What early stopping did, after the epoch lines. */
static void print_early(CmdCtx *c, const EarlyStop *es, const EarlyResult *r)
{
    if (r->stopped)
        cmd_out(c, "early stopping: %ld epoch%s without a validation loss below the best by more than min_delta=%s; "
                "stopped after epoch %ld\n", es->patience, es->patience == 1 ? "" : "s", NUM(es->min_delta),
                r->stop_epoch);
    if (!r->best_epoch)
        return;
    cmd_out(c, "the best epoch was %ld, validation loss %s", r->best_epoch, NUM(r->best_val));
    if (r->restored)
        cmd_out(c, ": its parameters, optimizer state and position are back (`plot loss` marks it)\n");
    else if (r->best_epoch == r->stop_epoch)
        cmd_out(c, ", the last one trained\n");
    else
        cmd_out(c, "; restore=off keeps the parameters of epoch %ld\n", r->stop_epoch);
}

int cmd_train(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long n = 1, steps;
    EarlyStop es;
    EarlyResult er = {0};
    if (train_args(c, argc, argv, &n, &es) != 0)
        return -1;
    TrainPrint p = {c, n <= 20 ? 1 : n / 10, s->epoch, s->epoch + n - 1, NAN, NAN, s->opt.lr, NULL};
    if (s->model)
        p.curve = cmd_runs_curve(c, n);
    double t0 = util_now();
    int rc = es.patience ? session_train_early(s, n, &es, train_epoch, &p, &steps, &er, c->err)
                         : session_train(s, n, train_epoch, &p, &steps, c->err);
    double dt = util_now() - t0;
    double tl = NAN, tacc = NAN; /* the kept model over the training rows in evaluation mode */
    if (rc == 0)
        tl = session_eval_loss(s, true, &tacc);
    if (s->model && s->data) { /* the run goes into the log, whatever happened */
        RunInfo ri = {"train", "", 0, 0, steps, dt, rc < 0 ? "failed" : rc == 1 ? "interrupted" : "done",
                      er.best_epoch, er.restored, rc == 0, tl, tacc};
        char id[RUN_ID_LEN], why[ERR_LEN];
        snprintf(why, sizeof why, "%s", c->err); /* the note must not replace the refusal */
        cmd_runs_record(c, s, &ri, p.curve, id);
        snprintf(c->err, ERR_LEN, "%s", why);
    }
    run_curve_free(p.curve);
    if (rc < 0)
        return cmd_hint_add(s, rc, true, c->err);
    if (rc == 0 && es.patience)
        print_early(c, &es, &er);
    if (rc == 1)
        cmd_out(c, "%sinterrupted: stopped at a step boundary, the model consistent; ", c->interactive ? "\n" : "");
    else if (er.stopped)
        cmd_out(c, "trained %ld of %ld epochs: ", er.stop_epoch - p.first + 1, n);
    else
        cmd_out(c, "trained %ld epoch%s: ", n, n == 1 ? "" : "s");
    cmd_out(c, "%ld step%s in %.3g s (%.0f steps/s)", steps, CMD_S(steps), dt, dt > 0 ? steps / dt : 0.0);
    if (rc == 1) {
        cmd_out(c, "; now ");
        print_position(c);
    } else {
        double acc;
        cmd_out(c, "; training loss %s%s", NUM(tl), penalty_on(&s->pen) ? " (data term, without the penalty)" : "");
        if (!isnan(tacc))
            cmd_out(c, ", accuracy %.1f%%", 100 * tacc);
        double vl = session_eval_loss(s, false, &acc);
        if (!isnan(vl)) {
            cmd_out(c, "; validation loss %s", NUM(vl));
            if (!isnan(acc))
                cmd_out(c, ", accuracy %.1f%%", 100 * acc);
        }
    }
    cmd_out(c, "\n");
    return rc;
}

/* ---- undo and optimizer state ---- */

int cmd_undo(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long n = 1;
    if (argc == 2 && cmd_parse_int(c, "the number of updates", argv[1], 1, SESSION_UNDO_MAX, &n) != 0)
        return -1;
    int rc = session_undo(s, (int)n, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    cmd_out(c, "undid %ld update%s: parameters, optimizer state and position are as they were; now ", n,
        n == 1 ? "" : "s");
    print_position(c);
    cmd_out(c, " (%d more update%s can be undone)\n", s->hist_len, s->hist_len == 1 ? "" : "s");
    return 0;
}

/* How `state` names each slot in the optimizer's formula. */

CmdComplete cmd_complete_train(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const opts[] = {"patience=", "min_delta=", "restore=on", "restore=off", NULL};
    if (argi >= 1)
        cmd_add_list(opts, add, ctx);
    return COMPLETE_WORDS;
}
