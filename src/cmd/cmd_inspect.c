/* cmd_inspect.c — the `gradcheck` and `diagnose` commands. inspect.c
 * measures (on a copy of the model, so the session does not change); this
 * file prints the tables a learner reads and says, in a line per finding,
 * what the numbers suggest and what to try. Tables stay within about 90
 * columns. */
#include "cmd_inspect.h"
#include "cmd_hint.h"

#include <math.h>
#include <stdarg.h>
#include <string.h>

#include "inspect.h"
#include "text.h"

#define WRAP 90         /* text lines are wrapped at this many columns */
#define SKIP_LIST 8     /* skipped elements listed before "... and N more" */
#define ELEMENT_LIST 20 /* elements listed for `gradcheck PARAM` */



/* A number in three significant digits, "0" for zero, "-" for NaN. */
static const char *g3(double v, char *buf, size_t n)
{
    if (isnan(v))
        snprintf(buf, n, "-");
    else
        snprintf(buf, n, "%.3g", v == 0 ? 0.0 : v);
    return buf;
}

#define G3(v) g3((v), (char[32]){0}, 32)

/* Prints text wrapped at WRAP columns, never inside `backticks`: the first
 * line after lead, the others indented to the width of lead. */
static void wrapped(CmdCtx *c, const char *lead, const char *text)
{
    int indent = text_cols(lead), col = indent;
    cmd_out(c, "%s", lead);
    const char *p = text;
    while (*p) {
        while (*p == ' ')
            p++;
        size_t len = 0; /* a `command` in backticks is one word */
        for (bool tick = false; p[len] && (tick || p[len] != ' '); len++)
            if (p[len] == '`')
                tick = !tick;
        char word[256];
        snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), p);
        int w = text_cols(word);
        if (col > indent && col + 1 + w > WRAP) {
            cmd_out(c, "\n%*s", indent, "");
            col = indent;
        } else if (col > indent) {
            cmd_out(c, " ");
            col++;
        }
        cmd_out(c, "%s", word);
        col += w;
        p += len;
    }
    cmd_out(c, "\n");
}

/* Where the current batch stands: "batch 2 of 7, epoch 1 (32 rows)". */
static void print_batch(CmdCtx *c, int rows)
{
    const Session *s = c->s;
    cmd_out(c, "batch %d of %d, epoch %ld (%d row%s)", s->batch_index + 1, session_batches(s), s->epoch, rows,
        rows == 1 ? "" : "s");
}

/* ---- gradcheck ---- */

/* "W1[0,2]", "b1[3]" or "K1[0,0,1,2]". */
static const char *element_name(const GcTensor *t, const GcElement *e, char *buf, size_t n)
{
    if (t->ndim == 4)
        snprintf(buf, n, "%s[%d,%d,%d,%d]", t->name, e->row, e->col / (t->dims[2] * t->dims[3]),
                 e->col / t->dims[3] % t->dims[2], e->col % t->dims[3]);
    else if (t->vector)
        snprintf(buf, n, "%s[%d]", t->name, e->col);
    else
        snprintf(buf, n, "%s[%d,%d]", t->name, e->row, e->col);
    return buf;
}

/* Why an element was skipped, in a learner's words. */
static void print_kink(CmdCtx *c, const GcTensor *t, const GcElement *e, double delta)
{
    char el[48], text[320];
    element_name(t, e, el, sizeof el);
    switch (e->kink) {
    case KINK_RELU:
    case KINK_LEAKY:
        snprintf(text, sizeof text, "%s kink: Z%d[%d,%d] changes sign between p-h and p+h", inspect_kink_name(e->kink),
                 e->kink_layer, e->kink_row, e->kink_col);
        break;
    case KINK_SOFTPLUS:
        snprintf(text, sizeof text, "softplus switch: Z%d[%d,%d] crosses 20, where PyTorch's softplus becomes z",
                 e->kink_layer, e->kink_row, e->kink_col);
        break;
    case KINK_HINGE:
        snprintf(text, sizeof text, "hinge kink: the margin 1 - y'f of row %d crosses 0", e->kink_row);
        break;
    case KINK_MAE:
        snprintf(text, sizeof text, "mae kink: the residual f - y of row %d (output %d) crosses 0", e->kink_row,
                 e->kink_col);
        break;
    case KINK_HUBER:
        snprintf(text, sizeof text, "huber switch: |f - y| of row %d (output %d) crosses delta = %g", e->kink_row,
                 e->kink_col, delta);
        break;
    case KINK_L1:
        snprintf(text, sizeof text, "l1 kink: W%d[%d,%d] itself crosses 0, where |w| bends", e->kink_layer,
                 e->kink_row, e->kink_col);
        break;
    case KINK_POOL:
        snprintf(text, sizeof text, "max pool switch: the maximum of window %d of P%d[%d,...] moves between p-h and "
                 "p+h", e->kink_col, e->kink_layer, e->kink_row);
        break;
    case KINK_NONE:
        return;
    }
    size_t len = strlen(text);
    snprintf(text + len, sizeof text - len, " (backward %.3g, quotient %.3g)", e->analytic, e->numeric);
    char lead[64];
    snprintf(lead, sizeof lead, "  %-10s ", el);
    wrapped(c, lead, text);
}

/* The shape and "checked" cells of one tensor's row. */
static void gc_cells(const GcTensor *t, char *shape, size_t ns, char *checked, size_t nc)
{
    if (t->ndim == 4)
        snprintf(shape, ns, "%d×%d×%d×%d", t->dims[0], t->dims[1], t->dims[2], t->dims[3]);
    else if (t->vector)
        snprintf(shape, ns, "%d", t->cols);
    else
        snprintf(shape, ns, "%d×%d", t->rows, t->cols);
    snprintf(checked, nc, "%zu of %zu%s", t->evaluated - t->skipped, t->total,
             t->evaluated < t->total ? " (sampled)" : "");
}

/* Column widths of the table: at least the usual ones, wider when a large
 * tensor's cells need it (a space always separates them). */
static void gc_widths(const GradcheckResult *r, int *w_shape, int *w_checked)
{
    *w_shape = 10;
    *w_checked = 23;
    for (int i = 0; i < r->n_tensors; i++) {
        char shape[32], checked[64];
        gc_cells(&r->tensor[i], shape, sizeof shape, checked, sizeof checked);
        if (text_cols(shape) + 1 > *w_shape)
            *w_shape = text_cols(shape) + 1;
        if (text_cols(checked) + 1 > *w_checked)
            *w_checked = text_cols(checked) + 1;
    }
}

/* The table row of one tensor. */
static void print_gc_row(CmdCtx *c, const GcTensor *t, int w_shape, int w_checked)
{
    char shape[32], checked[64];
    gc_cells(t, shape, sizeof shape, checked, sizeof checked);
    cmd_out(c, "  ");
    cmd_cell(c, t->name, 7);
    cmd_cell(c, shape, w_shape);
    cmd_cell(c, checked, w_checked);
    bool none = t->evaluated == t->skipped;
    cmd_cell(c, none ? "-" : G3(t->max_abs), 13);
    cmd_cell(c, none ? "-" : G3(t->max_rel), 13);
    cmd_out(c, "%-8zu %s\n", t->skipped, t->evaluated == 0 ? "not reached" : none ? "n/a (all skipped)" :
                                      t->failed ? "FAIL" : "ok");
}

/* Every checked element of one tensor (gradcheck PARAM). */
static void print_elements(CmdCtx *c, const GcTensor *t)
{
    cmd_out(c, "\n  %-11s %-14s %-14s %s\n", "element", "backward", "numeric", "rel error");
    size_t shown = 0;
    for (size_t q = 0; q < t->evaluated && shown < ELEMENT_LIST; q++, shown++) {
        const GcElement *e = &t->el[q];
        char el[48];
        cmd_out(c, "  %-11s %-14.6g %-14.6g %s", element_name(t, e, el, sizeof el), e->analytic == 0 ? 0.0 : e->analytic,
            e->numeric == 0 ? 0.0 : e->numeric, G3(e->rel_err));
        if (e->kink)
            cmd_out(c, "  skipped: %s kink", inspect_kink_name(e->kink));
        cmd_out(c, "\n");
    }
    if (t->evaluated > shown)
        cmd_out(c, "  ... %zu more (the table above has their largest error)\n", t->evaluated - shown);
}

/* What was checked and how: the batch, the loss, h and the thresholds,
 * and that clipping (when on) is not part of it. */
static void print_gc_head(CmdCtx *c, const GradcheckResult *r)
{
    cmd_out(c, "gradcheck on ");
    print_batch(c, r->rows);
    cmd_out(c, ", loss %s%s = %s, on a copy of the model\n", loss_name(c->s->loss.kind),
            penalty_on(&c->s->pen) ? " + penalty" : "", G3(r->loss));
    char text[512];
    snprintf(text, sizeof text,
             "numeric dL/dp = (L(p+h) - L(p-h)) / 2h with step h = %g, against backward's dL/dp; rel error = "
             "|backward - numeric| / max(|backward|, |numeric|, %.3g); a tensor passes when its max rel error "
             "< %g.", r->step, r->floor, r->threshold);
    wrapped(c, "", text);
    if (c->s->clip.kind != CLIP_OFF) {
        char desc[64];
        clip_describe(&c->s->clip, desc, sizeof desc);
        snprintf(text, sizeof text, "`set clip %s` is on: this checks the raw gradient, before clipping (clipping "
                 "changes what the update uses, not the derivative).", desc);
        wrapped(c, "", text);
    }
}

int cmd_gradcheck(CmdCtx *c, int argc, char **argv)
{
    GradcheckResult r;
    int rc = inspect_gradcheck(c->s, argc > 1 ? argv[1] : NULL, &r, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, true, c->err);
    print_gc_head(c, &r);
    char text[512];
    int w_shape, w_checked;
    gc_widths(&r, &w_shape, &w_checked);
    cmd_out(c, "\n  ");
    cmd_cell(c, "tensor", 7);
    cmd_cell(c, "shape", w_shape);
    cmd_cell(c, "checked", w_checked);
    cmd_cell(c, "max abs err", 13);
    cmd_cell(c, "max rel err", 13);
    cmd_out(c, "%-8s %s\n", "skipped", "verdict");
    for (int i = 0; i < r.n_tensors; i++)
        print_gc_row(c, &r.tensor[i], w_shape, w_checked);

    for (int i = 0; i < r.n_tensors; i++) {
        const GcTensor *t = &r.tensor[i];
        if (t->evaluated < t->total && !r.interrupted)
            cmd_out(c, "%s: sampled %zu of %zu elements (a fixed random sample: a repeat checks the same ones)\n",
                t->name, t->evaluated, t->total);
    }
    if (argc > 1)
        print_elements(c, &r.tensor[0]);

    if (r.skipped) {
        cmd_out(c, "\n");
        wrapped(c, "", "skipped at a kink (the function is not differentiable between p-h and p+h there, so "
                       "the difference quotient means nothing; not a failure):");
        size_t listed = 0;
        for (int i = 0; i < r.n_tensors; i++) {
            const GcTensor *t = &r.tensor[i];
            for (size_t q = 0; q < t->evaluated && listed < SKIP_LIST; q++)
                if (t->el[q].kink) {
                    print_kink(c, t, &t->el[q], c->s->loss.delta);
                    listed++;
                }
        }
        if (r.skipped > listed)
            cmd_out(c, "  ... and %zu more\n", r.skipped - listed);
    }

    cmd_out(c, "\n");
    size_t compared = r.evaluated - r.skipped;
    if (r.interrupted) {
        snprintf(text, sizeof text, "interrupted after %zu element%s (%zu failed so far); the session is "
                 "unchanged. Every element costs two forward passes of the batch, so a large model or batch "
                 "takes long; `gradcheck b1` (one tensor) or a smaller `set batch` is quicker.", r.evaluated,
                 r.evaluated == 1 ? "" : "s", r.failed);
        wrapped(c, "", text);
        inspect_gradcheck_free(&r);
        return 1;
    }
    if (r.failed == 0 && compared > 0) {
        double worst = 0;
        for (int i = 0; i < r.n_tensors; i++)
            if (r.tensor[i].worst >= 0 && r.tensor[i].max_rel > worst)
                worst = r.tensor[i].max_rel;
        char skipped[64] = "";
        if (r.skipped)
            snprintf(skipped, sizeof skipped, ", %zu skipped at kinks", r.skipped);
        snprintf(text, sizeof text, "ok: all %zu compared gradient%s agree with the difference quotient (max rel "
                 "error %s < %g%s): backward computes the derivative of this loss.", compared,
                 compared == 1 ? "" : "s", G3(worst), r.threshold, skipped);
        wrapped(c, "", text);
    } else if (compared == 0) {
        wrapped(c, "", "nothing compared: every element lies at a kink on this batch. Try another batch "
                       "(`update` or `step` moves on) or `init` for other parameters.");
    } else {
        snprintf(text, sizeof text, "FAIL: %zu of %zu compared gradients disagree with the difference quotient.",
                 r.failed, compared);
        wrapped(c, "", text);
        for (int i = 0; i < r.n_tensors; i++) {
            const GcTensor *t = &r.tensor[i];
            if (!t->failed)
                continue;
            const GcElement *e = &t->el[t->worst];
            char el[48];
            snprintf(text, sizeof text, "%s: backward says %.10g, the difference quotient %.10g (rel error %s); "
                     "the gradient formula for %s does not match the loss it should differentiate.",
                     element_name(t, e, el, sizeof el), e->analytic, e->numeric, G3(e->rel_err), t->name);
            wrapped(c, "  ", text);
        }
        /* backward runs from the last layer down: the first layer (from the
         * top) that fails is where a mistake enters */
        int top_fail = 0, top_checked = 0;
        for (int i = 0; i < r.n_tensors; i++) {
            const GcTensor *t = &r.tensor[i];
            if (t->failed && t->layer > top_fail)
                top_fail = t->layer;
            if (t->layer > top_checked)
                top_checked = t->layer;
        }
        if (r.n_tensors > 2 && top_fail < top_checked) {
            char in[16] = "X";
            if (top_fail > 1)
                snprintf(in, sizeof in, "A%d", top_fail - 1);
            snprintf(text, sizeof text, "The layers above %d agree, so the mistake enters at layer %d: in dZ%d = "
                     "dA%d * act'(Z%d) (the activation's derivative) or in dW%d = %s^T dZ%d, db%d.", top_fail,
                     top_fail, top_fail, top_fail, top_fail, top_fail, in, top_fail, top_fail);
            wrapped(c, "", text);
        }
    }
    inspect_gradcheck_free(&r);
    return 0;
}

CmdComplete cmd_complete_param(const CmdCtx *c, int argi, char **words, int n,
                               void (*add)(void *ctx, const char *word), void *ctx)
{
    Session *s = c->s;
    if (argi != 1 || !s->model)
        return COMPLETE_WORDS;
    char name[16];
    for (int k = 1; k <= s->model->n_layers; k++) {
        const LayerDesc *d = layer_desc(&s->model->layer[k - 1]);
        snprintf(name, sizeof name, "%c%d", d->weight, k);
        add(ctx, name);
        snprintf(name, sizeof name, "%c%d", d->bias, k);
        add(ctx, name);
    }
    return COMPLETE_WORDS;
}

/* ---- diagnose ---- */

/* "3/8" or "-" where the count means nothing for this activation. */
static const char *count_of(int n, int of, bool applies, char *buf, size_t len)
{
    if (!applies)
        snprintf(buf, len, "-");
    else
        snprintf(buf, len, "%d/%d", n, of);
    return buf;
}

/* A learning rate rounded to one significant digit. */
static double round_lr(double lr)
{
    if (!(lr > 0) || !isfinite(lr))
        return lr;
    double p = pow(10, floor(log10(lr)));
    return round(lr / p) * p;
}

/* A learning rate to advise, rounded to one digit and kept within
 * [INSPECT_LR_MIN, INSPECT_LR_MAX]; *capped says when the cap decided. */
static double advised_lr(double lr, bool *capped)
{
    double v = round_lr(lr);
    *capped = !(v <= INSPECT_LR_MAX && v >= INSPECT_LR_MIN);
    return !(v <= INSPECT_LR_MAX) ? INSPECT_LR_MAX : v < INSPECT_LR_MIN ? INSPECT_LR_MIN : v;
}

/* relu and its smooth cousins lose about half the variance per layer. */
static bool relu_like(Act a)
{
    return a == ACT_RELU || a == ACT_LEAKY_RELU || a == ACT_ELU || a == ACT_GELU || a == ACT_SOFTPLUS;
}

/* Whether an initializer keeps the variance of the signal through layers
 * of activation a: He for relu-like ones, Xavier (or LeCun, orthogonal)
 * for the others. */
static bool keeps_variance(InitKind k, Act a)
{
    if (relu_like(a))
        return k == INIT_HE_NORMAL || k == INIT_HE_UNIFORM;
    return k == INIT_XAVIER_NORMAL || k == INIT_XAVIER_UNIFORM || k == INIT_LECUN_NORMAL || k == INIT_ORTHOGONAL;
}

/* The init to advise for the hidden layers of activation a, as a command
 * into fix: "`set init he_normal`, then `init`", or "`init`" when the init
 * set already suits but was not applied. False (and the init in use in
 * fix) when the hidden weights already use one that keeps the variance. */
static bool init_fix(const Session *s, int L, Act a, char *fix, size_t n)
{
    InitKind used = s->used_init[0];
    bool ok = true;
    for (int k = 1; k < L; k++) {
        ok &= keeps_variance(s->used_init[2 * (k - 1)], a);
        if (!keeps_variance(s->used_init[2 * (k - 1)], a))
            used = s->used_init[2 * (k - 1)];
    }
    if (ok) {
        snprintf(fix, n, "%s", init_name(used));
        return false;
    }
    InitKind set = init_resolve(s->init.kind, a);
    if (keeps_variance(set, a) && s->init.gain == 1.0)
        snprintf(fix, n, "`init` (the init set, %s, suits %s but is not applied yet)", init_name(s->init.kind),
                 act_name(a));
    else
        snprintf(fix, n, "`set init %s`, then `init` (it keeps the variance for %s)",
                 relu_like(a) ? "he_normal" : "xavier_normal", act_name(a));
    return true;
}

/* The command that gives random weights: `init` when a random init is set. */
static const char *random_fix(const Session *s)
{
    InitKind k = s->init.kind;
    bool random = k != INIT_ZEROS && k != INIT_ONES && k != INIT_CONSTANT &&
                  !(k == INIT_NORMAL && s->init.std == 0) && !(k == INIT_UNIFORM && s->init.a == s->init.b);
    return random ? "`init`" : "`set init auto`, then `init`";
}

/* The value of activation a at 0: what every unit outputs with zero weights. */
static double act_at0(Act a)
{
    return a == ACT_SIGMOID ? 0.5 : a == ACT_SOFTPLUS ? log(2.0) : 0.0;
}

/* "1, 2, 3" (and "... (N in all)") for the first group of identical units. */
static void unit_list(const LayerDiag *ld, char *buf, size_t n)
{
    size_t len = 0;
    buf[0] = '\0';
    int shown = ld->n_dup < INSPECT_DUP_LIST ? ld->n_dup : INSPECT_DUP_LIST;
    for (int i = 0; i < shown && len < n; i++)
        len += (size_t)snprintf(buf + len, n - len, "%s%d", i ? ", " : "", ld->dup[i]);
    if (ld->n_dup > shown && len < n)
        snprintf(buf + len, n - len, " ... (%d in all)", ld->n_dup);
}

/* The words for the vanishing or exploding signal through the layers. */
static void say_signal(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    const LayerDiag *ld = f->layer >= 1 && f->layer <= d->n_layers ? &d->layer[f->layer - 1] : NULL;
    int L = d->n_layers;
    Act hid = d->layer[0].act; /* the hidden layers' activation */
    char fix[160];
    const char *stdz = s->data->standardized ? "" : ", and standardize the inputs (`data standardize`)";
    bool grow = f->kind == FIND_SIGNAL_EXPLODE;
    bool advise = init_fix(s, L, hid, fix, sizeof fix);
    char logits[160] = "", cause[320];
    const LayerDiag *out = &d->layer[L - 1];
    double rms = sqrt(out->a_mean * out->a_mean + out->a_std * out->a_std);
    if (grow && d->classification && rms > INSPECT_LOGIT_BIG)
        snprintf(logits, sizeof logits, "%sthe logits are %s in size (above %g), so the outputs are "
                 "certain and %s (the loss is %s)", f->layer == L ? "" : "; ", G3(rms), INSPECT_LOGIT_BIG,
                 d->loss > 1 ? "the wrong ones cost a huge loss" : "a wrong one would cost a huge loss",
                 G3(d->loss));
    if (advise)
        snprintf(cause, sizeof cause, "The init is too %s%s: %s%s.", grow ? "large" : "small",
                 L >= 3 ? " for this depth" : "", fix, grow ? stdz : "");
    else if (grow)
        snprintf(cause, sizeof cause, "The init (%s) already keeps the variance for %s, so look at the "
                 "inputs (`data standardize`) or a learning rate that grew the weights.", fix, act_name(hid));
    else
        snprintf(cause, sizeof cause, "The init (%s) already keeps the variance for %s, so the "
                 "activation shrinks it: try act=%s, or fewer layers.", fix, act_name(hid),
                 relu_like(hid) ? "leaky_relu" : "relu with `set init he_normal`");
    if (f->layer == L)
        snprintf(text, n, "exploding signal: %s. %s", logits, cause);
    else
        snprintf(text, n,
                 "%s signal: the std of the activations %s from %s in layer 1 to %s in layer %d (×%s, "
                 "%s %g), about ×%s per layer%s. %s", grow ? "exploding" : "vanishing",
                 grow ? "grows" : "falls", G3(d->layer[0].a_std), G3(ld->a_std), f->layer, G3(f->value),
                 grow ? "above" : "below", grow ? INSPECT_SIGNAL_EXPLODE : INSPECT_SIGNAL_VANISH,
                 G3(pow(f->value, 1.0 / (f->layer - 1))), logits, cause);
}

/* The words for gradients vanishing toward the input, measured in dZ. */
static void say_dz_vanish(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    int L = d->n_layers;
    Act hid = d->layer[0].act; /* the hidden layers' activation */
    char fix[160];
    const LayerDiag *lh = &d->layer[L - 2];
    bool advise = init_fix(s, L, hid, fix, sizeof fix);
    char cause[320];
    bool same = false; /* the vanishing signal's line already gives cause and fix */
    for (int i = 0; i < d->n_findings; i++)
        same |= d->finding[i].kind == FIND_SIGNAL_VANISH;
    if (same)
        snprintf(cause, sizeof cause, "Same cause and fix as the vanishing signal.");
    else if (advise)
        snprintf(cause, sizeof cause, "The init is too small for this depth: %s.", fix);
    else
        snprintf(cause, sizeof cause, "The init (%s) already suits %s; try fewer layers%s.", fix,
                 act_name(hid), hid == ACT_SIGMOID || hid == ACT_TANH ? ", or act=relu with he_normal" : "");
    snprintf(text, n,
             "vanishing gradients: the gradient shrinks toward the input, rms of dZ from %s in layer %d to "
             "%s in layer 1 (×%s, below %g; |db%d| = %s, |db1| = %s), so the first layers barely learn "
             "(|dW| = Aᵀ·dZ can hide it: A grows toward the input as dZ shrinks). %s", G3(lh->dz_rms), L - 1, G3(d->layer[0].dz_rms),
             G3(f->value), INSPECT_DZ_VANISH, L - 1, G3(lh->bias_grad_norm), G3(d->layer[0].bias_grad_norm),
             cause);
}

/* The words for dead or saturated units, one line for every layer that has them. */
static void say_dead_saturated(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    const LayerDiag *ld = f->layer ? &d->layer[f->layer - 1] : NULL;
    int L = d->n_layers;
    Act hid = d->layer[0].act; /* the hidden layers' activation */
    char fix[160];
    /* one line for every layer with this finding */
    char where[256] = "";
    size_t len = 0;
    for (int i = 0; i < d->n_findings; i++) {
        const Finding *g = &d->finding[i];
        if (g->kind != f->kind)
            continue;
        const LayerDiag *gl = &d->layer[g->layer - 1];
        len += (size_t)snprintf(where + len, len < sizeof where ? sizeof where - len : 0, "%s%d of %d %s units "
                                "of layer %d (%.0f%%)", len ? ", " : "", f->kind == FIND_DEAD ? gl->dead :
                                gl->saturated, gl->n_out, act_name(gl->act), g->layer, 100 * g->value);
    }
    if (f->kind == FIND_DEAD) {
        char cause[400];
        const char *leaky = hid == ACT_LEAKY_RELU ? "" : "act=leaky_relu lets dead units recover; ";
        if (init_fix(s, L, hid, fix, sizeof fix))
            snprintf(cause, sizeof cause, "Typical causes: a learning rate too high or a bad init (large "
                     "negative biases); %stry %s.", leaky, fix);
        else
            snprintf(cause, sizeof cause, "The init (%s) already suits %s, so look at the learning rate "
                     "(a step too large pushes biases below 0)%s; %s", fix, act_name(hid),
                     s->data->standardized ? "" : " or the inputs (`data standardize`)",
                     *leaky ? "act=leaky_relu lets dead units recover." : "a small share is chance on "
                     "a small batch.");
        snprintf(text, n,
                 "dead units: %s are inactive (Z <= 0) for every sample of the batch, so no gradient reaches "
                 "their weights. %s", where, cause);
    }
    else
        snprintf(text, n,
                 "saturation: %s sit in the flat part (%s) for most samples, where the derivative is almost 0 "
                 "and learning stalls. Typical causes: inputs not standardized (`data standardize`) or an "
                 "init too large.", where, ld->act == ACT_TANH ? "|A| > 0.99" : "A < 0.01 or A > 0.99");
}

/* The words for gradients growing toward the first layer. */
static void say_exploding(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    int L = d->n_layers;
    char grow[160] = "";
    if (L >= 3 && d->layer[L - 2].a_std > 10 * d->layer[0].a_std)
        snprintf(grow, sizeof grow, " The activations grow from layer to layer (std of A %s in layer 1, %s "
                 "in layer %d): the init is too large.", G3(d->layer[0].a_std), G3(d->layer[L - 2].a_std),
                 L - 1);
    bool raw = !s->data->standardized; /* standardized inputs are not what to change */
    if (f->value > INSPECT_GRAD_BIG && f->layer && d->layer[f->layer - 1].grad_norm == f->value && f->at < 0)
        snprintf(text, n,
                 "large gradients: |dW%d| = %s (above %g), though the loss is not rising, so they are not "
                 "exploding; they leave little room for the learning rate.%s %s smaller init (`set init auto`, "
                 "then `init`) brings them down.", f->layer, G3(f->value), INSPECT_GRAD_BIG, grow,
                 raw ? "Standardizing the inputs (`data standardize`, then `init`) or a" : "A");
    else if (f->value > INSPECT_GRAD_BIG && f->layer && d->layer[f->layer - 1].grad_norm == f->value)
        snprintf(text, n,
                 "exploding gradients: |dW%d| = %s (above %g)%s; updates will overshoot.%s Use a smaller init "
                 "(`set init auto`, then `init`), %sor lower the learning rate (`set lr %g`).",
                 f->layer, G3(f->value), INSPECT_GRAD_BIG, f->at ? " and the loss is rising" : "", grow,
                 raw ? "standardize the inputs (`data standardize`) " : "", round_lr(d->lr / 10));
    else
        snprintf(text, n,
                 "exploding gradients: |dW1| is %s times |dW%d| (above %g): the gradient grows toward the "
                 "first layer.%s Use a smaller init, standardize the inputs or lower the learning rate.",
                 G3(f->value), L, INSPECT_EXPLODE, grow);
}

/* The words for a NaN, Inf or astronomically large parameter, and for a
 * loss that is not finite. */
static void say_broken(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    if (f->kind == FIND_LOSS_NONFINITE) {
        snprintf(text, n,
                 "the loss is %s on this batch, so every gradient (and the columns built on them) is %s "
                 "and no update can help. `undo` takes back the updates that led here, `init` draws new "
                 "weights; then a lower learning rate (`set lr %g`)%s.", isnan(f->value) ? "NaN" : "Inf",
                 "Inf or NaN", round_lr(d->lr / 10), s->data->standardized ? "" : " and `data standardize`");
        return;
    }
    char name[48], more[96] = "", value[48];
    session_param_name(s, (size_t)f->at, name, sizeof name);
    if (isfinite(f->value))
        snprintf(value, sizeof value, "= %s (beyond ±%g)", G3(f->value), INSPECT_PARAM_HUGE);
    else
        snprintf(value, sizeof value, "is %s", isnan(f->value) ? "NaN" : "Inf");
    if (f->since > 1)
        snprintf(more, sizeof more, ", and %ld more value%s of the model %s too", f->since - 1,
                 f->since > 2 ? "s" : "", f->since > 2 ? "are" : "is");
    snprintf(text, n,
             "broken parameter: %s %s%s. A value like that swamps what its unit computes, and layer %d's "
             "norms and update ratio above mean nothing. `undo` takes back updates that made it, `init` "
             "draws every weight anew, or set it back by hand (`%s = 0`).", name, value, more, f->layer, name);
}

/* The words for large gradients from large regression targets. */
static void say_targets(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    snprintf(text, n,
             "large targets: |dW%d| = %s (above %g) because the targets are large, not the inputs (they are "
             "standardized): %s has a standard deviation of %s on the training rows, and a squared error's "
             "gradient grows with the error. Scale that column down in the file (prices in thousands, say) and "
             "load it again, or lower the learning rate (`set lr %g`).", f->layer,
             G3(d->layer[f->layer - 1].grad_norm), INSPECT_GRAD_BIG, s->data->target_names[f->at], G3(f->value),
             round_lr(d->lr / 10));
}

/* The words for an update ratio far above or below ~0.001. */
static void say_update(const Session *s, const Diagnosis *d, const Finding *f, char *text, size_t n)
{
    int L = d->n_layers;
    Act hid = d->layer[0].act; /* the hidden layers' activation */
    char fix[160];
    bool capped;
    if (f->kind == FIND_UPDATE_HIGH) {
        double lr = advised_lr(d->lr * INSPECT_RATIO_GOOD / f->value, &capped);
        snprintf(text, n,
                 "update too large: %s moves W%d by %s of its size per step, far above the usual ~%g; the "
                 "learning rate (%g) is probably too high: try `set lr %g`%s.",
                 d->measured ? "the last update" : "an sgd step", f->layer, G3(f->value), INSPECT_RATIO_GOOD,
                 d->lr, lr, capped ? ", and check the init and the inputs: the gradients are unusually large"
                                   : ", which aims at ~0.001");
        return;
    }
    double lr = advised_lr(d->lr * INSPECT_RATIO_GOOD / f->value, &capped);
    if (capped) {
        char small[200] = "";
        if (init_fix(s, L, hid, fix, sizeof fix))
            snprintf(small, sizeof small, ", or the signal is too weak: %s", fix);
        snprintf(text, n,
                 "update too small: %s moves the weights by at most %s of their size (W%d), far below the "
                 "usual ~%g. It would take a learning rate above %g to reach it, so the rate is not what "
                 "to change: the gradient is almost 0 here, because training has converged (see the loss)%s.",
                 d->measured ? "the last update" : "an sgd step", G3(f->value), f->layer,
                 INSPECT_RATIO_GOOD, INSPECT_LR_MAX, small);
    }
    else
        snprintf(text, n,
                 "update too small: %s moves the weights by at most %s of their size (W%d), far below the "
                 "usual ~%g; the learning rate (%g) is probably too low: try `set lr %g`, which aims at ~%g.",
                 d->measured ? "the last update" : "an sgd step", G3(f->value), f->layer,
                 INSPECT_RATIO_GOOD, d->lr, lr, INSPECT_RATIO_GOOD);
}

/* The words for what the data and the run say about fitting. */
static void say_fit(const Session *s, const Finding *f, char *text, size_t n)
{
    if (f->kind == FIND_UNSCALED) {
        snprintf(text, n,
                 "unscaled inputs: the features' standard deviations are %s times apart (the widest is %s), so "
                 "one learning rate is too large for some weights and too small for others, and large inputs "
                 "make large logits and gradients. Rescale them: `data standardize` (zero mean, unit variance "
                 "from the training rows), then `init`.", G3(f->value), s->data->feature_names[f->at]);
    } else if (f->kind == FIND_OVERFIT) {
        char back[160] = "";
        if (f->since > 0 && f->since <= s->hist_len)
            snprintf(back, sizeof back, "`undo %ld` goes back to the best epoch; ", f->since);
        snprintf(text, n,
                 "overfitting: the validation loss has been above its best for %ld epochs (now %s times it) "
                 "while the training loss kept falling: the model is learning the training rows, not the "
                 "pattern. %sstop at the best epoch with `train N patience=3`; or make fitting the noise "
                 "harder: a weight penalty (`set l2 0.01`), dropout (`model mlp ... dropout=0.2`), a smaller "
                 "model or more data.", f->at, G3(f->value), back);
    } else {
        snprintf(text, n,
                 "underfitting: the training loss has stayed flat for %ld epochs while the model closes only "
                 "%.0f%% of the gap between %s and a perfect fit%s. It is too simple or learns too slowly: "
                 "try a bigger model (`model mlp 16 16`), more epochs (`train 100`), or a larger learning "
                 "rate (`set lr %g`).", f->at, 100 * fmax(0, f->value),
                 s->data->classification ? "always guessing the largest class" : "predicting the mean",
                 session_has_share(s, DATA_VAL) ? ", on the training and the validation rows alike" : "",
                 s->opt.lr * 10);
    }
}

/* The cells of layer k's row that grow with its size: shape, dead, satur. */
static void diag_cells(const Diagnosis *d, int k, char *shape, char *dead, char *sat, size_t n)
{
    const LayerDiag *ld = &d->layer[k - 1];
    bool out_layer = k == d->n_layers;
    if (ld->ndim == 4) /* a conv kernel */
        snprintf(shape, n, "%d×%d×%d×%d", ld->dims[0], ld->dims[1], ld->dims[2], ld->dims[3]);
    else
        snprintf(shape, n, "%d×%d", ld->n_in, ld->n_out);
    count_of(ld->dead, ld->n_out, !out_layer && (ld->act == ACT_RELU || ld->act == ACT_LEAKY_RELU), dead, n);
    count_of(ld->saturated, ld->n_out, !out_layer && (ld->act == ACT_SIGMOID || ld->act == ACT_TANH), sat, n);
}

/* Whether a layer of the diagnosis is a conv layer (a 4-d weight K). */
static bool diag_has_conv(const Diagnosis *d)
{
    for (int k = 0; k < d->n_layers; k++)
        if (d->layer[k].ndim == 4)
            return true;
    return false;
}

#define DIAG_COLS 10 /* layer, shape, act, mean A, std A, dead, satur., |dW|, |W|, ratio */

/* Row k's cells (k from 1) of diagnose's table, or its header (k = 0). */
static void diag_row(const Diagnosis *d, int k, char cell[DIAG_COLS][32])
{
    bool conv = diag_has_conv(d); /* a cnn's weights are K and W: its columns say |grad| and |weight| */
    if (k == 0) {
        const char *head[DIAG_COLS] = {"layer", "shape", "act", "mean A", "std A", "dead", "satur.",
            conv ? "|grad|" : "|dW|", conv ? "|weight|" : "|W|",
            conv ? (d->measured ? "|Δ|/|weight|" : "lr|grad|/|weight|") : (d->measured ? "|ΔW|/|W|" : "lr|dW|/|W|")};
        for (int i = 0; i < DIAG_COLS; i++)
            snprintf(cell[i], 32, "%s", head[i]);
        return;
    }
    const LayerDiag *ld = &d->layer[k - 1];
    snprintf(cell[0], 32, "%d", k);
    diag_cells(d, k, cell[1], cell[5], cell[6], 32);
    snprintf(cell[2], 32, "%s", k == d->n_layers ? "(logits)" : act_name(ld->act));
    const double num[] = {ld->a_mean, ld->a_std, 0, 0, ld->grad_norm, ld->weight_norm, ld->update_ratio};
    for (int i = 3; i < DIAG_COLS; i++)
        if (i != 5 && i != 6)
            g3(num[i - 3], cell[i], 32);
}

/* diagnose's table, one row a layer; every column as wide as its widest
 * cell and a space (huge numbers never run into the next column). */
static void print_diag_table(CmdCtx *c, const Diagnosis *d)
{
    int w[DIAG_COLS] = {7, 9, 11, 10, 10, 7, 8, 10, 10, 0};
    char cell[DIAG_COLS][32];
    for (int k = 0; k <= d->n_layers; k++) {
        diag_row(d, k, cell);
        for (int i = 0; i < DIAG_COLS - 1; i++)
            if (text_cols(cell[i]) + 1 > w[i])
                w[i] = text_cols(cell[i]) + 1;
    }
    for (int k = 0; k <= d->n_layers; k++) {
        diag_row(d, k, cell);
        cmd_out(c, "  ");
        for (int i = 0; i < DIAG_COLS - 1; i++)
            cmd_cell(c, cell[i], w[i]);
        cmd_out(c, "%s\n", cell[DIAG_COLS - 1]);
    }
}

/* Prints finding f of d, worded with its cause and what to try. */
static void print_finding(CmdCtx *c, const Diagnosis *d, const Finding *f)
{
    for (const Finding *g = d->finding; g < f; g++)
        if ((f->kind == FIND_DEAD || f->kind == FIND_SATURATED) && g->kind == f->kind)
            return; /* printed with the first of its kind */
    char text[960], units[96];
    const Session *s = c->s;
    const LayerDiag *ld = f->layer ? &d->layer[f->layer - 1] : NULL;
    int L = d->n_layers;
    Act hid = d->layer[0].act; /* the hidden layers' activation */
    switch (f->kind) {
    case FIND_SYMMETRY:
        snprintf(text, sizeof text,
                 "symmetry: the %d units of layer %d are identical (every column of W%d is the same%s, and so "
                 "is every b%d). Units that start equal get equal gradients and stay equal, so the layer acts "
                 "like one unit. Start from random weights: %s.",
                 ld->n_out, f->layer, f->layer, f->value == 0 ? ": all zeros" : "", f->layer, random_fix(s));
        break;
    case FIND_ZERO_GRAD: {
        bool zeros = true;
        for (int k = 1; k <= L; k++)
            zeros &= d->layer[k - 1].weight_norm == 0;
        if (zeros && act_at0(hid) == 0)
            snprintf(text, sizeof text,
                     "no gradient: every |dW| is 0 on this batch, so no weight can move (only biases). With all "
                     "weights 0, every %s unit outputs %s(0) = 0 for every input: the units are identical "
                     "(symmetry), dW%d = Aᵀ·dZ is 0 because A is, and with W%d = 0 no gradient flows back to "
                     "W1. Start from random weights: %s.", act_name(hid), act_name(hid), L, L, random_fix(s));
        else
            snprintf(text, sizeof text,
                     "no gradient: every |dW| is 0 on this batch, so no weight can move. Look for weights set "
                     "to 0 or units that pass nothing back (`params`, `explain dW1[0,0]`); random weights "
                     "help: %s.", random_fix(s));
        break;
    }
    case FIND_DUPLICATE:
        unit_list(ld, units, sizeof units);
        snprintf(text, sizeof text,
                 "identical units: units %s of layer %d are identical (equal columns of W%d, entries of b%d "
                 "and rows of W%d)%s: they get identical gradients and will stay identical (symmetry), "
                 "so they count as one. Start from random weights: %s.", units, f->layer, f->layer, f->layer,
                 f->layer + 1, ld->dup_more ? ", and so are other units of the layer" : "", random_fix(s));
        break;
    case FIND_SIGNAL_VANISH:
    case FIND_SIGNAL_EXPLODE:
        say_signal(s, d, f, text, sizeof text);
        break;
    case FIND_DZ_VANISH:
        say_dz_vanish(s, d, f, text, sizeof text);
        break;
    case FIND_DEAD:
    case FIND_SATURATED:
        say_dead_saturated(s, d, f, text, sizeof text);
        break;
    case FIND_VANISHING: {
        Act a = d->layer[0].act;
        bool squash = a == ACT_SIGMOID || a == ACT_TANH;
        snprintf(text, sizeof text,
                 "vanishing gradients: |dW1| is %s times |dW%d| (below %g), so the first layers barely learn. "
                 "%s", G3(f->value), L, INSPECT_VANISH,
                 squash ? "Each sigmoid/tanh layer multiplies the gradient by its derivative (at most 0.25 for "
                          "sigmoid, 1 for tanh); try act=relu with `set init he_normal`, or fewer layers."
                        : "The gradient shrinks through every layer; try fewer layers, or an init that keeps "
                          "the scale (`set init auto`, then `init`).");
        break;
    }
    case FIND_EXPLODING:
        say_exploding(s, d, f, text, sizeof text);
        break;
    case FIND_TARGET_SCALE:
        say_targets(s, d, f, text, sizeof text);
        break;
    case FIND_UPDATE_HIGH:
    case FIND_UPDATE_LOW:
        say_update(s, d, f, text, sizeof text);
        break;
    case FIND_UNSCALED:
    case FIND_OVERFIT:
    case FIND_UNDERFIT:
        say_fit(s, f, text, sizeof text);
        break;
    case FIND_HUGE_PARAM:
    case FIND_LOSS_NONFINITE:
        say_broken(s, d, f, text, sizeof text);
        break;
    case FIND_HEALTHY:
        snprintf(text, sizeof text,
                 "nothing stands out: no dead or saturated layer, gradients of comparable size in every "
                 "layer, and no update ratio far from ~%g.", INSPECT_RATIO_GOOD);
        break;
    }
    wrapped(c, "  - ", text);
}

int cmd_diagnose(CmdCtx *c, int argc, char **argv)
{
    Diagnosis d;
    Session *s = c->s;
    int rc = inspect_diagnose(s, &d, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, true, c->err);
    cmd_out(c, "diagnose on ");
    print_batch(c, d.rows);
    cmd_out(c, ", loss %s%s = %s, on a copy of the model\n\n", loss_name(s->loss.kind),
            penalty_on(&s->pen) ? " + penalty" : "", G3(d.loss));
    print_diag_table(c, &d);
    cmd_out(c, "\n");
    char text[600];
    if (diag_has_conv(&d) && d.measured)
        snprintf(text, sizeof text, "A: activations of this batch (the output layer's are the logits; a conv "
                 "layer's A is every channel at every position); dead: units (channels) with Z <= 0 for every "
                 "sample; |grad|, |weight|: the norms of each layer's weights (K for a conv layer, W for a dense "
                 "one) and of their gradient; |Δ|/|weight|: how far the last update (step %ld) moved them, "
                 "relative to their size (~%g is usual).", d.update_step, INSPECT_RATIO_GOOD);
    else if (diag_has_conv(&d))
        snprintf(text, sizeof text, "A: activations of this batch (the output layer's are the logits; a conv "
                 "layer's A is every channel at every position); dead: units (channels) with Z <= 0 for every "
                 "sample; |grad|, |weight|: the norms of each layer's weights (K for a conv layer, W for a dense "
                 "one) and of their gradient; lr|grad|/|weight|: no update yet, so this is the step expected "
                 "for sgd (lr = %g) relative to their size (~%g is usual)%s.", d.lr, INSPECT_RATIO_GOOD,
                 optim_desc(s->opt.kind)->sgd_first_step ? "" : "; for other optimizers run `update` once to measure it");
    else if (d.measured)
        snprintf(text, sizeof text, "A: activations of this batch (the output layer's are the logits); dead: "
                 "units with Z <= 0 for every sample; satur.: sigmoid/tanh units in the flat part for most "
                 "samples; |ΔW|/|W|: how far the last update (step %ld) moved each W, relative to its size "
                 "(~%g is usual).", d.update_step, INSPECT_RATIO_GOOD);
    else
        snprintf(text, sizeof text, "A: activations of this batch (the output layer's are the logits); dead: "
                 "units with Z <= 0 for every sample; satur.: sigmoid/tanh units in the flat part for most "
                 "samples; lr|dW|/|W|: no update yet, so this is the step expected for sgd (lr = %g) relative "
                 "to the size of W (~%g is usual)%s.", d.lr, INSPECT_RATIO_GOOD,
                 optim_desc(s->opt.kind)->sgd_first_step ? "" : "; for other optimizers run `update` once to measure it");
    wrapped(c, "", text);
    cmd_out(c, "\nfindings:\n");
    for (int i = 0; i < d.n_findings; i++)
        print_finding(c, &d, &d.finding[i]);
    return 0;
}
