/* optim.c — the optimizers of torch.optim 1.13, written as its
 * single-tensor (foreach=False) code paths: same defaults, same argument
 * checks and messages, and the same arithmetic in the same order, so a
 * float64 PyTorch run and paramlab agree to the last few bits. The state of
 * every parameter lives in slots named as in PyTorch's state dict; a step
 * is one flat loop over the parameters and allocates nothing.
 *
 * The file is one section per optimizer, each ending in its descriptor
 * (OptDesc: name, hyperparameters, defaults, checks, slots, step, and the
 * text `explain` shows), then the table of descriptors and the functions
 * the rest of paramlab calls, which only read the descriptor. */
#include "optim.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "util.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* ---- shared helpers ---- */

/* x as Python's repr(float) writes it ("-1.0", "1e-05", "-1.5e+16"), so
 * the messages read exactly like PyTorch's. */
static void py_repr(double x, char *buf, size_t len)
{
    if (isnan(x)) {
        snprintf(buf, len, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, len, x < 0 ? "-inf" : "inf");
        return;
    }
    if (x == 0) {
        snprintf(buf, len, signbit(x) ? "-0.0" : "0.0");
        return;
    }
    char e[40];
    for (int p = 1; p <= 17; p++) { /* shortest digits that read back as x */
        snprintf(e, sizeof e, "%.*e", p - 1, x);
        if (strtod(e, NULL) == x)
            break;
    }
    /* e is "[-]d[.ddd]e[+-]XX": split it into sign, digits and exponent */
    const char *s = e;
    bool neg = *s == '-';
    if (neg)
        s++;
    char dig[20];
    int nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.')
            dig[nd++] = *s;
    int ex = atoi(s + 1);
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = '\0';

    char out[64];
    int o = 0;
    if (neg)
        out[o++] = '-';
    if (ex < -4 || ex >= 16) {
        out[o++] = dig[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++)
                out[o++] = dig[i];
        }
        snprintf(out + o, sizeof out - (size_t)o, "e%c%02d", ex < 0 ? '-' : '+', abs(ex));
    } else if (ex < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -ex - 1; i++)
            out[o++] = '0';
        for (int i = 0; i < nd; i++)
            out[o++] = dig[i];
        out[o] = '\0';
    } else {
        for (int i = 0; i <= ex; i++)
            out[o++] = i < nd ? dig[i] : '0';
        out[o++] = '.';
        if (nd > ex + 1)
            for (int i = ex + 1; i < nd; i++)
                out[o++] = dig[i];
        else
            out[o++] = '0';
        out[o] = '\0';
    }
    snprintf(buf, len, "%s", out);
}

/* Fails with PyTorch's "Invalid WHAT: VALUE" message. */
static int bad(char *err, const char *what, double v)
{
    char num[64];
    py_repr(v, num, sizeof num);
    return util_err(err, "Invalid %s: %s", what, num);
}

/* torch.maximum / torch.amax: the larger, and NaN when either is NaN. */
static inline double nan_max(double a, double b)
{
    if (isnan(a) || isnan(b))
        return NAN;
    return a > b ? a : b;
}

/* The explanations write into a TextSink: tx appends a formatted line,
 * NUM and PAR give a number as the reader sees numbers. */
#define tx text_out
#define NUM TEXT_NUM
#define PAR TEXT_PAR

/* "m = 0.9·m0 + 0.1·g = m1" — a running average's update with numbers;
 * sq squares the new value. */
static void write_avg(const TextSink *w, const char *name, double keep, double old, double g, bool sq, double now)
{
    tx(w, "  %s = %s·%s + %s·%s%s = %s\n", name, NUM(keep), PAR(old), NUM(1 - keep), PAR(g), sq ? "²" : "", NUM(now));
}

/* The hyperparameter tables share these words. */
#define H(field, about) {#field, offsetof(OptConfig, field), false, about}
#define HB(field, about) {#field, offsetof(OptConfig, field), true, about}

#define ABOUT_LR "learning rate: how far each update moves a parameter"
#define ABOUT_WD "L2 penalty: adds weight_decay * parameter to the gradient, pulling weights towards 0"
#define ABOUT_EPS "tiny number added to the denominator so it is never zero"
#define ABOUT_B1 "how much of the running average of gradients (m) is kept each step"
#define ABOUT_B2 "how much of the running average of squared gradients (v) is kept each step"
#define ABOUT_AMSGRAD "divide by the largest v seen so far, so steps never grow from a shrinking v"

/* The slots' symbols where several optimizers share a slot. */
#define SYM_M "m (first moment)"
#define SYM_V "v (second moment)"
#define SYM_SQ "v (running mean of g²)"

/* The checks of Adam and its relatives, in their constructors' order. A
 * NaN fails every `0 <= x` test, as in Python. */
static int check_adam_family(const OptConfig *c, char *err)
{
    if (!(0.0 <= c->lr))
        return bad(err, "learning rate", c->lr);
    if (!(0.0 <= c->eps))
        return bad(err, "epsilon value", c->eps);
    if (!(0.0 <= c->beta1 && c->beta1 < 1.0))
        return bad(err, "beta parameter at index 0", c->beta1);
    if (!(0.0 <= c->beta2 && c->beta2 < 1.0))
        return bad(err, "beta parameter at index 1", c->beta2);
    if (!(0.0 <= c->weight_decay))
        return bad(err, "weight_decay value", c->weight_decay);
    return 0;
}

/* m_hat (and v_hat) as `state` shows them for the Adam family. */
static int views_moments(const Optim *o, OptView *out, bool with_v)
{
    double t = (double)o->step;
    out[0] = (OptView){"m_hat", "m / (1 - beta1^t), bias-corrected", 0, 1 - pow(o->cfg.beta1, t)};
    if (!with_v)
        return 1;
    out[1] = (OptView){"v_hat", "v / (1 - beta2^t), bias-corrected", 1, 1 - pow(o->cfg.beta2, t)};
    return 2;
}

/* Each update below follows the _single_tensor_* function of the same
 * optimizer line by line; the comments quote it. PyTorch's kernels compute
 * add(x, alpha) as a + alpha*x, addcmul as a + value*t1*t2 and addcdiv as
 * a + value*t1/t2, left to right, and so does this code. o->step already
 * counts the step being taken, as PyTorch's step_t += 1 does first. */

/* ---- sgd ---- */

static const OptHyper sgd_hypers[] = {
    H(lr, ABOUT_LR),
    H(momentum, "fraction of the previous update carried into this one (0 = plain gradient descent)"),
    H(dampening, "how much of the new gradient is held back when added to the momentum buffer"),
    HB(nesterov, "look-ahead momentum: step along the gradient plus momentum * buffer"),
    H(weight_decay, ABOUT_WD),
};

static void sgd_defaults(OptConfig *c)
{
    c->lr = 0.01; /* torch requires an lr; paramlab's SPEC picks 0.01 */
}

static int sgd_check(const OptConfig *c, char *err)
{
    if (c->lr < 0.0)
        return bad(err, "learning rate", c->lr);
    if (c->momentum < 0.0)
        return bad(err, "momentum value", c->momentum);
    if (c->weight_decay < 0.0)
        return bad(err, "weight_decay value", c->weight_decay);
    if (c->nesterov && (c->momentum <= 0 || c->dampening != 0))
        return util_err(err, "Nesterov momentum requires a momentum and zero dampening");
    return 0;
}

static int sgd_slots(const OptConfig *c, OptSlot *out)
{
    if (c->momentum == 0)
        return 0;
    out[0] = (OptSlot){"momentum_buffer", "buf", 0.0};
    return 1;
}

static void sgd_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *buf = o->state; /* (n) momentum_buffer, when momentum != 0 */
    bool first = o->step == 1;
    for (size_t i = 0; i < o->n; i++) {
        double d_p = g[i];
        if (c->weight_decay != 0)
            d_p = d_p + c->weight_decay * p[i]; /* d_p.add(param, alpha=wd) */
        if (c->momentum != 0) {
            if (first) /* buf = clone(d_p) */
                buf[i] = d_p;
            else /* buf.mul_(momentum).add_(d_p, alpha=1 - dampening) */
                buf[i] = buf[i] * c->momentum + (1 - c->dampening) * d_p;
            d_p = c->nesterov ? d_p + c->momentum * buf[i] : buf[i];
        }
        p[i] = p[i] + (-c->lr) * d_p; /* param.add_(d_p, alpha=-lr) */
    }
}

static void sgd_formula(const OptConfig *c, const TextSink *w)
{
    if (c->momentum == 0) {
        tx(w, "  p ← p - lr·g\n");
        return;
    }
    tx(w, "  buf ← momentum·buf + (1 - dampening)·g     (the first step sets buf = g)\n");
    tx(w, c->nesterov ? "  p ← p - lr·(g + momentum·buf)     (nesterov)\n" : "  p ← p - lr·buf\n");
}

static void sgd_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    double g = e->g, d = g;
    if (c->momentum != 0) {
        if (e->t == 1)
            tx(w, "  buf = g = %s\n", NUM(e->s1[0]));
        else
            tx(w, "  buf = %s·%s + %s·%s = %s\n", NUM(c->momentum), PAR(e->s0[0]), NUM(1 - c->dampening), PAR(g),
               NUM(e->s1[0]));
        d = e->s1[0];
        if (c->nesterov) {
            d = g + c->momentum * e->s1[0];
            tx(w, "  g + momentum·buf = %s + %s·%s = %s\n", NUM(g), NUM(c->momentum), PAR(e->s1[0]), NUM(d));
        }
    }
    snprintf(expr, n, "%s - %s·%s", NUM(e->p0), NUM(c->lr), PAR(d));
}

static const OptDesc sgd_desc = {
    .name = "sgd",
    .hypers = sgd_hypers,
    .n_hypers = COUNT(sgd_hypers),
    .defaults = sgd_defaults,
    .check = sgd_check,
    .slots = sgd_slots,
    .stateless = "(plain sgd keeps no state: each step is -lr·g; momentum=... would add a buffer)",
    .sgd_first_step = true,
    .step = sgd_step,
    .formula = sgd_formula,
    .numbers = sgd_numbers,
};

/* ---- adagrad ---- */

static const OptHyper adagrad_hypers[] = {
    H(lr, ABOUT_LR),
    H(lr_decay, "shrinks the learning rate over time: lr / (1 + (step-1) * lr_decay)"),
    H(weight_decay, ABOUT_WD),
    H(initial_accumulator_value, "starting value of the running sum of squared gradients"),
    H(eps, ABOUT_EPS),
};

static void adagrad_defaults(OptConfig *c)
{
    c->lr = 1e-2;
    c->eps = 1e-10;
}

static int adagrad_check(const OptConfig *c, char *err)
{
    if (!(0.0 <= c->lr))
        return bad(err, "learning rate", c->lr);
    if (!(0.0 <= c->lr_decay))
        return bad(err, "lr_decay value", c->lr_decay);
    if (!(0.0 <= c->weight_decay))
        return bad(err, "weight_decay value", c->weight_decay);
    if (!(0.0 <= c->initial_accumulator_value))
        return bad(err, "initial_accumulator_value value", c->initial_accumulator_value);
    if (!(0.0 <= c->eps))
        return bad(err, "epsilon value", c->eps);
    return 0;
}

static int adagrad_slots(const OptConfig *c, OptSlot *out)
{
    out[0] = (OptSlot){"sum", "G (sum of squared gradients)", c->initial_accumulator_value};
    return 1;
}

static void adagrad_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *sum = o->state; /* (n) */
    double step = (double)o->step;
    double clr = c->lr / (1 + (step - 1) * c->lr_decay);
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i];
        sum[i] = sum[i] + 1.0 * gi * gi; /* state_sum.addcmul_(grad, grad, value=1) */
        double std = sqrt(sum[i]) + c->eps;
        p[i] = p[i] + (-clr) * gi / std; /* param.addcdiv_(grad, std, value=-clr) */
    }
}

static void adagrad_formula(const OptConfig *c, const TextSink *w)
{
    (void)c;
    tx(w, "  G ← G + g²                           (G: the sum of squared gradients)\n");
    tx(w, "  p ← p - clr·g / (sqrt(G) + eps),  clr = lr / (1 + (t - 1)·lr_decay)\n");
}

static void adagrad_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    double g = e->g, clr = c->lr / (1 + (double)(e->t - 1) * c->lr_decay);
    tx(w, "  G = %s + %s² = %s\n", NUM(e->s0[0]), PAR(g), NUM(e->s1[0]));
    if (c->lr_decay != 0)
        tx(w, "  clr = %s / (1 + %ld·%s) = %s\n", NUM(c->lr), e->t - 1, NUM(c->lr_decay), NUM(clr));
    snprintf(expr, n, "%s - %s·%s / (sqrt(%s) + %s)", NUM(e->p0), NUM(clr), PAR(g), NUM(e->s1[0]), NUM(c->eps));
}

static const OptDesc adagrad_desc = {
    .name = "adagrad",
    .hypers = adagrad_hypers,
    .n_hypers = COUNT(adagrad_hypers),
    .defaults = adagrad_defaults,
    .check = adagrad_check,
    .slots = adagrad_slots,
    .step = adagrad_step,
    .formula = adagrad_formula,
    .numbers = adagrad_numbers,
};

/* ---- rmsprop ---- */

static const OptHyper rmsprop_hypers[] = {
    H(lr, ABOUT_LR),
    H(alpha, "how much of the running average of squared gradients is kept each step"),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
    H(momentum, "fraction of the previous update carried into this one (0 = none)"),
    HB(centered, "divide by the gradient's estimated variance instead of its mean square"),
};

static void rmsprop_defaults(OptConfig *c)
{
    c->lr = 1e-2;
    c->alpha = 0.99;
    c->eps = 1e-8;
}

static int rmsprop_check(const OptConfig *c, char *err)
{
    if (!(0.0 <= c->lr))
        return bad(err, "learning rate", c->lr);
    if (!(0.0 <= c->eps))
        return bad(err, "epsilon value", c->eps);
    if (!(0.0 <= c->momentum))
        return bad(err, "momentum value", c->momentum);
    if (!(0.0 <= c->weight_decay))
        return bad(err, "weight_decay value", c->weight_decay);
    if (!(0.0 <= c->alpha))
        return bad(err, "alpha value", c->alpha);
    return 0;
}

static int rmsprop_slots(const OptConfig *c, OptSlot *out)
{
    int k = 0;
    out[k++] = (OptSlot){"square_avg", SYM_SQ, 0.0};
    if (c->momentum > 0)
        out[k++] = (OptSlot){"momentum_buffer", "buf", 0.0};
    if (c->centered)
        out[k++] = (OptSlot){"grad_avg", "g_avg (running mean of g)", 0.0};
    return k;
}

static void rmsprop_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    bool mom = c->momentum > 0;
    double *sq = o->state;                      /* (n) square_avg */
    double *buf = mom ? o->state + o->n : NULL; /* (n) momentum_buffer */
    double *ga = c->centered ? o->state + (size_t)(mom ? 2 : 1) * o->n : NULL; /* (n) grad_avg */
    double a = c->alpha;
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i];
        sq[i] = sq[i] * a + (1 - a) * gi * gi; /* mul_(alpha).addcmul_(g, g, 1-alpha) */
        double avg;
        if (c->centered) {
            ga[i] = ga[i] * a + (1 - a) * gi;
            avg = sqrt(sq[i] + -1.0 * ga[i] * ga[i]); /* addcmul(ga, ga, -1).sqrt_() */
        } else {
            avg = sqrt(sq[i]);
        }
        avg = avg + c->eps;
        if (mom) {
            buf[i] = buf[i] * c->momentum + 1.0 * gi / avg; /* mul_(m).addcdiv_(g, avg) */
            p[i] = p[i] + (-c->lr) * buf[i];
        } else {
            p[i] = p[i] + (-c->lr) * gi / avg; /* addcdiv_(g, avg, value=-lr) */
        }
    }
}

static void rmsprop_formula(const OptConfig *c, const TextSink *w)
{
    tx(w, "  v ← alpha·v + (1 - alpha)·g²         (v: running mean of g²)\n");
    if (c->centered)
        tx(w, "  g_avg ← alpha·g_avg + (1 - alpha)·g\n  denom = sqrt(v - g_avg²) + eps     (centered)\n");
    else
        tx(w, "  denom = sqrt(v) + eps\n");
    tx(w, c->momentum > 0 ? "  buf ← momentum·buf + g / denom\n  p ← p - lr·buf\n" : "  p ← p - lr·g / denom\n");
}

static void rmsprop_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    bool mom = c->momentum > 0;
    double g = e->g, eps = c->eps, denom;
    write_avg(w, "v", c->alpha, e->s0[0], g, true, e->s1[0]);
    if (c->centered) {
        int ga = mom ? 2 : 1;
        write_avg(w, "g_avg", c->alpha, e->s0[ga], g, false, e->s1[ga]);
        denom = sqrt(e->s1[0] + -1.0 * e->s1[ga] * e->s1[ga]) + eps;
        tx(w, "  denom = sqrt(%s - %s²) + %s = %s\n", NUM(e->s1[0]), PAR(e->s1[ga]), NUM(eps), NUM(denom));
    } else {
        denom = sqrt(e->s1[0]) + eps;
        tx(w, "  denom = sqrt(%s) + %s = %s\n", NUM(e->s1[0]), NUM(eps), NUM(denom));
    }
    if (mom) {
        tx(w, "  buf = %s·%s + %s / %s = %s\n", NUM(c->momentum), PAR(e->s0[1]), PAR(g), NUM(denom), NUM(e->s1[1]));
        snprintf(expr, n, "%s - %s·%s", NUM(e->p0), NUM(c->lr), PAR(e->s1[1]));
    } else {
        snprintf(expr, n, "%s - %s·%s / %s", NUM(e->p0), NUM(c->lr), PAR(g), NUM(denom));
    }
}

static const OptDesc rmsprop_desc = {
    .name = "rmsprop",
    .hypers = rmsprop_hypers,
    .n_hypers = COUNT(rmsprop_hypers),
    .defaults = rmsprop_defaults,
    .check = rmsprop_check,
    .slots = rmsprop_slots,
    .step = rmsprop_step,
    .formula = rmsprop_formula,
    .numbers = rmsprop_numbers,
};

/* ---- adadelta ---- */

static const OptHyper adadelta_hypers[] = {
    H(lr, "scale applied to the computed update (1 = Adadelta as published)"),
    H(rho, "how much of the running averages of squared gradients and updates is kept"),
    H(eps, "added inside both square roots; also sets the size of the first steps"),
    H(weight_decay, ABOUT_WD),
};

static void adadelta_defaults(OptConfig *c)
{
    c->lr = 1.0;
    c->rho = 0.9;
    c->eps = 1e-6;
}

static int adadelta_check(const OptConfig *c, char *err)
{
    if (!(0.0 <= c->lr))
        return bad(err, "learning rate", c->lr);
    if (!(0.0 <= c->rho && c->rho <= 1.0))
        return bad(err, "rho value", c->rho);
    if (!(0.0 <= c->eps))
        return bad(err, "epsilon value", c->eps);
    if (!(0.0 <= c->weight_decay))
        return bad(err, "weight_decay value", c->weight_decay);
    return 0;
}

static int adadelta_slots(const OptConfig *c, OptSlot *out)
{
    (void)c;
    out[0] = (OptSlot){"square_avg", SYM_SQ, 0.0};
    out[1] = (OptSlot){"acc_delta", "u (running mean of squared updates)", 0.0};
    return 2;
}

static void adadelta_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *sq = o->state;         /* (n) square_avg */
    double *acc = o->state + o->n; /* (n) acc_delta */
    double rho = c->rho;
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i];
        sq[i] = sq[i] * rho + (1 - rho) * gi * gi;
        double std = sqrt(sq[i] + c->eps);
        double delta = sqrt(acc[i] + c->eps) / std * gi;
        acc[i] = acc[i] * rho + (1 - rho) * delta * delta;
        p[i] = p[i] + (-c->lr) * delta;
    }
}

static void adadelta_formula(const OptConfig *c, const TextSink *w)
{
    (void)c;
    tx(w, "  v ← rho·v + (1 - rho)·g²             (v: running mean of g²)\n");
    tx(w, "  delta = sqrt(u + eps) / sqrt(v + eps)·g   (u: running mean of delta², before this step)\n");
    tx(w, "  u ← rho·u + (1 - rho)·delta²\n");
    tx(w, "  p ← p - lr·delta\n");
}

static void adadelta_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    double g = e->g, eps = c->eps;
    write_avg(w, "v", c->rho, e->s0[0], g, true, e->s1[0]);
    double delta = sqrt(e->s0[1] + eps) / sqrt(e->s1[0] + eps) * g;
    tx(w, "  delta = sqrt(%s + %s) / sqrt(%s + %s)·%s = %s\n", NUM(e->s0[1]), NUM(eps), NUM(e->s1[0]), NUM(eps),
       PAR(g), NUM(delta));
    write_avg(w, "u", c->rho, e->s0[1], delta, true, e->s1[1]);
    snprintf(expr, n, "%s - %s·%s", NUM(e->p0), NUM(c->lr), PAR(delta));
}

static const OptDesc adadelta_desc = {
    .name = "adadelta",
    .hypers = adadelta_hypers,
    .n_hypers = COUNT(adadelta_hypers),
    .defaults = adadelta_defaults,
    .check = adadelta_check,
    .slots = adadelta_slots,
    .step = adadelta_step,
    .formula = adadelta_formula,
    .numbers = adadelta_numbers,
};

/* ---- adam and adamw ---- */

static const OptHyper adam_hypers[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
    HB(amsgrad, ABOUT_AMSGRAD),
};

static void adam_defaults(OptConfig *c)
{
    c->lr = 1e-3;
    c->beta1 = 0.9;
    c->beta2 = 0.999;
    c->eps = 1e-8;
}

static int adam_slots(const OptConfig *c, OptSlot *out)
{
    out[0] = (OptSlot){"exp_avg", SYM_M, 0.0};
    out[1] = (OptSlot){"exp_avg_sq", SYM_V, 0.0};
    if (!c->amsgrad)
        return 2;
    out[2] = (OptSlot){"max_exp_avg_sq", "v_max (largest v so far)", 0.0};
    return 3;
}

static int adam_views(const Optim *o, OptView *out)
{
    return views_moments(o, out, true);
}

/* Adam and AdamW differ only in where the weight decay goes. */
static void adam_update(Optim *o, double *p, const double *g, bool decoupled)
{
    const OptConfig *c = &o->cfg;
    double *m = o->state;                              /* (n) exp_avg */
    double *v = o->state + o->n;                       /* (n) exp_avg_sq */
    double *vmax = c->amsgrad ? o->state + 2 * o->n : NULL; /* (n) max_exp_avg_sq */
    double step = (double)o->step;
    double b1 = c->beta1, b2 = c->beta2;
    double bias_correction1 = 1 - pow(b1, step);
    double bias_correction2 = 1 - pow(b2, step);
    double step_size = c->lr / bias_correction1;
    double bc2_sqrt = sqrt(bias_correction2);
    double shrink = 1 - c->lr * c->weight_decay; /* adamw: param.mul_(1 - lr*wd) */
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (decoupled)
            p[i] = p[i] * shrink;
        else if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i];
        m[i] = m[i] * b1 + (1 - b1) * gi;
        v[i] = v[i] * b2 + (1 - b2) * gi * gi;
        double denom;
        if (c->amsgrad) {
            vmax[i] = nan_max(vmax[i], v[i]);
            denom = sqrt(vmax[i]) / bc2_sqrt + c->eps;
        } else {
            denom = sqrt(v[i]) / bc2_sqrt + c->eps;
        }
        p[i] = p[i] + (-step_size) * m[i] / denom; /* addcdiv_(m, denom, -step_size) */
    }
}

static void adam_step(Optim *o, double *p, const double *g)
{
    adam_update(o, p, g, false);
}

static void adam_formula(const OptConfig *c, const TextSink *w)
{
    tx(w, "  m ← beta1·m + (1 - beta1)·g          (m: running mean of g)\n");
    tx(w, "  v ← beta2·v + (1 - beta2)·g²         (v: running mean of g²)\n");
    if (c->amsgrad)
        tx(w, "  v_max ← max(v_max, v)                (amsgrad)\n");
    tx(w, "  m_hat = m / (1 - beta1^t),  v_hat = %s / (1 - beta2^t)   (bias corrections)\n",
       c->amsgrad ? "v_max" : "v");
    tx(w, "  p ← p - lr·m_hat / (sqrt(v_hat) + eps)\n");
}

/* pd is the parameter the step starts from (adamw's after its decay). */
static void adam_numbers_from(const OptConfig *c, const OptElement *e, double pd, const TextSink *w, char *expr,
                              size_t n)
{
    long t = e->t;
    write_avg(w, "m", c->beta1, e->s0[0], e->g, false, e->s1[0]);
    write_avg(w, "v", c->beta2, e->s0[1], e->g, true, e->s1[1]);
    double vv = e->s1[1];
    if (c->amsgrad) {
        tx(w, "  v_max = max(%s, %s) = %s\n", NUM(e->s0[2]), NUM(e->s1[1]), NUM(e->s1[2]));
        vv = e->s1[2];
    }
    double bc1 = 1 - pow(c->beta1, (double)t), bc2 = 1 - pow(c->beta2, (double)t);
    tx(w, "  m_hat = %s / (1 - %s^%ld) = %s / %s = %s\n", NUM(e->s1[0]), NUM(c->beta1), t, NUM(e->s1[0]), NUM(bc1),
       NUM(e->s1[0] / bc1));
    tx(w, "  v_hat = %s / (1 - %s^%ld) = %s / %s = %s\n", NUM(vv), NUM(c->beta2), t, NUM(vv), NUM(bc2),
       NUM(vv / bc2));
    snprintf(expr, n, "%s - %s·%s / (sqrt(%s) + %s)", NUM(pd), NUM(c->lr), PAR(e->s1[0] / bc1), NUM(vv / bc2),
             NUM(c->eps));
}

static void adam_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    adam_numbers_from(c, e, e->p0, w, expr, n);
}

static const OptDesc adam_desc = {
    .name = "adam",
    .hypers = adam_hypers,
    .n_hypers = COUNT(adam_hypers),
    .defaults = adam_defaults,
    .check = check_adam_family,
    .slots = adam_slots,
    .views = adam_views,
    .step = adam_step,
    .formula = adam_formula,
    .numbers = adam_numbers,
};

static const OptHyper adamw_hypers[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, "decoupled decay: each step multiplies parameters by 1 - lr * weight_decay"),
    HB(amsgrad, ABOUT_AMSGRAD),
};

static void adamw_defaults(OptConfig *c)
{
    adam_defaults(c);
    c->weight_decay = 1e-2;
}

static void adamw_step(Optim *o, double *p, const double *g)
{
    adam_update(o, p, g, true);
}

static void adamw_formula(const OptConfig *c, const TextSink *w)
{
    tx(w, "  p ← p·(1 - lr·weight_decay)          (decoupled weight decay, applied first)\n");
    adam_formula(c, w);
}

static void adamw_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    double pd = e->p0 * (1 - c->lr * c->weight_decay);
    tx(w, "  p = %s·(1 - %s·%s) = %s\n", NUM(e->p0), NUM(c->lr), NUM(c->weight_decay), NUM(pd));
    adam_numbers_from(c, e, pd, w, expr, n);
}

static const OptDesc adamw_desc = {
    .name = "adamw",
    .hypers = adamw_hypers,
    .n_hypers = COUNT(adamw_hypers),
    .defaults = adamw_defaults,
    .check = check_adam_family,
    .slots = adam_slots,
    .views = adam_views,
    .decoupled_decay = true,
    .step = adamw_step,
    .formula = adamw_formula,
    .numbers = adamw_numbers,
};

/* ---- adamax ---- */

static const OptHyper adamax_hypers[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, "how much of the running maximum of |gradient| (u) is kept each step"),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
};

static void adamax_defaults(OptConfig *c)
{
    adam_defaults(c);
    c->lr = 2e-3;
}

static int adamax_slots(const OptConfig *c, OptSlot *out)
{
    (void)c;
    out[0] = (OptSlot){"exp_avg", SYM_M, 0.0};
    out[1] = (OptSlot){"exp_inf", "u (infinity norm)", 0.0};
    return 2;
}

static int adamax_views(const Optim *o, OptView *out)
{
    return views_moments(o, out, false);
}

static void adamax_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *m = o->state;        /* (n) exp_avg */
    double *u = o->state + o->n; /* (n) exp_inf */
    double step = (double)o->step;
    double b1 = c->beta1, b2 = c->beta2;
    double clr = c->lr / (1 - pow(b1, step));
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i];
        m[i] = m[i] * b1 + (1 - b1) * gi;
        u[i] = nan_max(u[i] * b2, fabs(gi) + c->eps); /* amax([u*b2, |g|+eps]) */
        p[i] = p[i] + (-clr) * m[i] / u[i];
    }
}

static void adamax_formula(const OptConfig *c, const TextSink *w)
{
    (void)c;
    tx(w, "  m ← beta1·m + (1 - beta1)·g          (m: running mean of g)\n");
    tx(w, "  u ← max(beta2·u, |g| + eps)          (u: decaying maximum of |g|)\n");
    tx(w, "  p ← p - lr / (1 - beta1^t)·m / u\n");
}

static void adamax_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    double g = e->g;
    write_avg(w, "m", c->beta1, e->s0[0], g, false, e->s1[0]);
    tx(w, "  u = max(%s·%s, |%s| + %s) = %s\n", NUM(c->beta2), PAR(e->s0[1]), NUM(g), NUM(c->eps), NUM(e->s1[1]));
    double clr = c->lr / (1 - pow(c->beta1, (double)e->t));
    tx(w, "  lr / (1 - beta1^t) = %s / (1 - %s^%ld) = %s\n", NUM(c->lr), NUM(c->beta1), e->t, NUM(clr));
    snprintf(expr, n, "%s - %s·%s / %s", NUM(e->p0), NUM(clr), PAR(e->s1[0]), NUM(e->s1[1]));
}

static const OptDesc adamax_desc = {
    .name = "adamax",
    .hypers = adamax_hypers,
    .n_hypers = COUNT(adamax_hypers),
    .defaults = adamax_defaults,
    .check = check_adam_family,
    .slots = adamax_slots,
    .views = adamax_views,
    .step = adamax_step,
    .formula = adamax_formula,
    .numbers = adamax_numbers,
};

/* ---- nadam ---- */

static const OptHyper nadam_hypers[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
    H(momentum_decay, "how quickly the Nesterov momentum factor warms up to beta1"),
};

static void nadam_defaults(OptConfig *c)
{
    adam_defaults(c);
    c->lr = 2e-3;
    c->momentum_decay = 4e-3;
}

static int nadam_check(const OptConfig *c, char *err)
{
    if (check_adam_family(c, err) != 0)
        return -1;
    if (!(0.0 <= c->momentum_decay))
        return bad(err, "momentum_decay value", c->momentum_decay);
    return 0;
}

/* m and v: the slots of nadam and radam. */
static int moments_slots(const OptConfig *c, OptSlot *out)
{
    (void)c;
    out[0] = (OptSlot){"exp_avg", SYM_M, 0.0};
    out[1] = (OptSlot){"exp_avg_sq", SYM_V, 0.0};
    return 2;
}

/* NAdam as 1.13 has it, including its mu_product_next = mu_product * mu *
 * mu_next, where mu_product already holds this step's mu (later releases
 * drop the extra mu). */
static void nadam_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *m = o->state;        /* (n) exp_avg */
    double *v = o->state + o->n; /* (n) exp_avg_sq */
    double step = (double)o->step;
    double b1 = c->beta1, b2 = c->beta2;
    double bias_correction2 = 1 - pow(b2, step);
    double mu = b1 * (1. - 0.5 * pow(0.96, step * c->momentum_decay));
    double mu_next = b1 * (1. - 0.5 * pow(0.96, (step + 1) * c->momentum_decay));
    o->mu_product *= mu;
    double mu_product_next = o->mu_product * mu * mu_next;
    double v1 = -c->lr * (1. - mu) / (1. - o->mu_product);
    double v2 = -c->lr * mu_next / (1. - mu_product_next);
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i];
        m[i] = m[i] * b1 + (1 - b1) * gi;
        v[i] = v[i] * b2 + (1 - b2) * gi * gi;
        double denom = sqrt(v[i] / bias_correction2) + c->eps;
        p[i] = p[i] + v1 * gi / denom;   /* addcdiv_(grad, denom, value=v1) */
        p[i] = p[i] + v2 * m[i] / denom; /* addcdiv_(exp_avg, denom, value=v2) */
    }
}

static void nadam_formula(const OptConfig *c, const TextSink *w)
{
    (void)c;
    tx(w, "  mu_t = beta1·(1 - 0.5·0.96^(t·momentum_decay)),  mu_next: the same at t + 1\n");
    tx(w, "  mu_product ← mu_product·mu_t,  mu_product_next = mu_product·mu_t·mu_next  (torch 1.13)\n");
    tx(w, "  m ← beta1·m + (1 - beta1)·g,  v ← beta2·v + (1 - beta2)·g²\n");
    tx(w, "  denom = sqrt(v / (1 - beta2^t)) + eps\n");
    tx(w, "  p ← p - lr·(1 - mu_t)/(1 - mu_product)·g/denom - lr·mu_next/(1 - mu_product_next)·m/denom\n");
}

static void nadam_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    long t = e->t;
    double g = e->g, lr = c->lr, b1 = c->beta1, md = c->momentum_decay;
    double mu = b1 * (1. - 0.5 * pow(0.96, (double)t * md));
    double mu_next = b1 * (1. - 0.5 * pow(0.96, (double)(t + 1) * md));
    double next = e->mu1 * mu * mu_next;
    tx(w, "  mu_t = %s·(1 - 0.5·0.96^(%ld·%s)) = %s,  mu_next = %s\n", NUM(b1), t, NUM(md), NUM(mu), NUM(mu_next));
    tx(w, "  mu_product = %s·%s = %s,  mu_product_next = %s·%s·%s = %s\n", NUM(e->mu0), NUM(mu), NUM(e->mu1),
       NUM(e->mu1), NUM(mu), NUM(mu_next), NUM(next));
    write_avg(w, "m", b1, e->s0[0], g, false, e->s1[0]);
    write_avg(w, "v", c->beta2, e->s0[1], g, true, e->s1[1]);
    double bc2 = 1 - pow(c->beta2, (double)t);
    double denom = sqrt(e->s1[1] / bc2) + c->eps;
    tx(w, "  denom = sqrt(%s / (1 - %s^%ld)) + %s = %s\n", NUM(e->s1[1]), NUM(c->beta2), t, NUM(c->eps), NUM(denom));
    double c1 = lr * (1. - mu) / (1. - e->mu1), c2 = lr * mu_next / (1. - next);
    tx(w, "  lr·(1 - mu_t)/(1 - mu_product) = %s,  lr·mu_next/(1 - mu_product_next) = %s\n", NUM(c1), NUM(c2));
    snprintf(expr, n, "%s - %s·%s/%s - %s·%s/%s", NUM(e->p0), NUM(c1), PAR(g), NUM(denom), NUM(c2), PAR(e->s1[0]),
             NUM(denom));
}

static const OptDesc nadam_desc = {
    .name = "nadam",
    .hypers = nadam_hypers,
    .n_hypers = COUNT(nadam_hypers),
    .defaults = nadam_defaults,
    .check = nadam_check,
    .slots = moments_slots,
    .scalar = "mu_product",
    .views = adam_views,
    .step = nadam_step,
    .formula = nadam_formula,
    .numbers = nadam_numbers,
};

/* ---- radam ---- */

static const OptHyper radam_hypers[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
};

static int radam_views(const Optim *o, OptView *out)
{
    return views_moments(o, out, false);
}

/* The length of the approximated simple moving average at step t, and its
 * limit rho_inf: RAdam trusts v (rectifies the step) once rho_t > 5. */
static double radam_rho(double beta2, double t, double *rho_inf)
{
    *rho_inf = 2 / (1 - beta2) - 1;
    return *rho_inf - 2 * t * pow(beta2, t) / (1 - pow(beta2, t));
}

static double radam_rect(double rho_t, double rho_inf)
{
    return sqrt((rho_t - 4) * (rho_t - 2) * rho_inf / ((rho_inf - 4) * (rho_inf - 2) * rho_t));
}

static void radam_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *m = o->state;        /* (n) exp_avg */
    double *v = o->state + o->n; /* (n) exp_avg_sq */
    double step = (double)o->step;
    double b1 = c->beta1, b2 = c->beta2;
    double bias_correction1 = 1 - pow(b1, step);
    double bias_correction2 = 1 - pow(b2, step);
    double rho_inf;
    double rho_t = radam_rho(b2, step, &rho_inf);
    bool rectify = rho_t > 5.;
    double rect = rectify ? radam_rect(rho_t, rho_inf) : 0.0;
    double bc2_sqrt = sqrt(bias_correction2);
    for (size_t i = 0; i < o->n; i++) {
        double gi = g[i];
        if (c->weight_decay != 0)
            gi = gi + c->weight_decay * p[i]; /* grad.add(param, alpha=wd) */
        m[i] = m[i] * b1 + (1 - b1) * gi;
        v[i] = v[i] * b2 + (1 - b2) * gi * gi;
        double m_hat = m[i] / bias_correction1; /* bias_corrected_exp_avg */
        if (rectify) {
            /* sqrt(bc2) / (sqrt(v) + eps): a float over a tensor is
             * reciprocal() * float in torch */
            double adaptive_lr = 1.0 / (sqrt(v[i]) + c->eps) * bc2_sqrt;
            p[i] = p[i] + -1.0 * (m_hat * c->lr * adaptive_lr * rect);
        } else {
            p[i] = p[i] + -1.0 * (m_hat * c->lr); /* add_(m_hat * lr, alpha=-1) */
        }
    }
}

static void radam_formula(const OptConfig *c, const TextSink *w)
{
    (void)c;
    tx(w, "  m ← beta1·m + (1 - beta1)·g          (m: running mean of g)\n");
    tx(w, "  v ← beta2·v + (1 - beta2)·g²         (v: running mean of g²)\n");
    tx(w, "  m_hat = m / (1 - beta1^t)            (bias correction)\n");
    tx(w, "  rho_inf = 2/(1 - beta2) - 1,  rho_t = rho_inf - 2·t·beta2^t / (1 - beta2^t)\n");
    tx(w, "  if rho_t > 5:  r = sqrt((rho_t - 4)·(rho_t - 2)·rho_inf / ((rho_inf - 4)·(rho_inf - 2)·rho_t))\n");
    tx(w, "                 p ← p - lr·m_hat·r·sqrt(1 - beta2^t) / (sqrt(v) + eps)\n");
    tx(w, "  otherwise:     p ← p - lr·m_hat      (too few steps to trust v: no adaptive step yet)\n");
}

static void radam_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    long t = e->t;
    double g = e->g, b1 = c->beta1, b2 = c->beta2;
    write_avg(w, "m", b1, e->s0[0], g, false, e->s1[0]);
    write_avg(w, "v", b2, e->s0[1], g, true, e->s1[1]);
    double bc1 = 1 - pow(b1, (double)t), bc2 = 1 - pow(b2, (double)t), m_hat = e->s1[0] / bc1;
    tx(w, "  m_hat = %s / (1 - %s^%ld) = %s / %s = %s\n", NUM(e->s1[0]), NUM(b1), t, NUM(e->s1[0]), NUM(bc1),
       NUM(m_hat));
    double rho_inf, rho_t = radam_rho(b2, (double)t, &rho_inf);
    tx(w, "  rho_inf = 2/(1 - %s) - 1 = %s,  rho_t = %s - 2·%ld·%s^%ld / %s = %s  (%s 5)\n", NUM(b2), NUM(rho_inf),
       NUM(rho_inf), t, NUM(b2), t, NUM(bc2), NUM(rho_t), rho_t > 5. ? ">" : "<=");
    if (!(rho_t > 5.)) {
        snprintf(expr, n, "%s - %s·%s", NUM(e->p0), NUM(c->lr), PAR(m_hat));
        return;
    }
    double r = radam_rect(rho_t, rho_inf);
    tx(w, "  r = sqrt((%s - 4)·(%s - 2)·%s / ((%s - 4)·(%s - 2)·%s)) = %s\n", NUM(rho_t), NUM(rho_t), NUM(rho_inf),
       NUM(rho_inf), NUM(rho_inf), NUM(rho_t), NUM(r));
    snprintf(expr, n, "%s - %s·%s·%s·sqrt(%s) / (sqrt(%s) + %s)", NUM(e->p0), NUM(c->lr), PAR(m_hat), NUM(r), NUM(bc2),
             NUM(e->s1[1]), NUM(c->eps));
}

static const OptDesc radam_desc = {
    .name = "radam",
    .hypers = radam_hypers,
    .n_hypers = COUNT(radam_hypers),
    .defaults = adam_defaults,
    .check = check_adam_family,
    .slots = moments_slots,
    .views = radam_views,
    .sgd_first_step = false,
    .step = radam_step,
    .formula = radam_formula,
    .numbers = radam_numbers,
};

/* ---- rprop ---- */

static const OptHyper rprop_hypers[] = {
    H(lr, "the step size every parameter starts with"),
    H(eta_minus, "a step size is multiplied by this when its gradient changes sign (torch's etas[0])"),
    H(eta_plus, "a step size is multiplied by this when its gradient keeps its sign (torch's etas[1])"),
    H(step_min, "the smallest a step size may become (torch's step_sizes[0])"),
    H(step_max, "the largest a step size may become (torch's step_sizes[1])"),
};

static void rprop_defaults(OptConfig *c)
{
    c->lr = 1e-2;
    c->eta_minus = 0.5;
    c->eta_plus = 1.2;
    c->step_min = 1e-6;
    c->step_max = 50;
}

static int rprop_check(const OptConfig *c, char *err)
{
    if (!(0.0 <= c->lr))
        return bad(err, "learning rate", c->lr);
    if (!(0.0 < c->eta_minus && c->eta_minus < 1.0 && 1.0 < c->eta_plus)) {
        char a[64], b[64];
        py_repr(c->eta_minus, a, sizeof a);
        py_repr(c->eta_plus, b, sizeof b);
        return util_err(err, "Invalid eta values: %s, %s", a, b);
    }
    return 0;
}

static int rprop_slots(const OptConfig *c, OptSlot *out)
{
    out[0] = (OptSlot){"prev", "prev (the gradient of the step before; 0 after a sign change)", 0.0};
    out[1] = (OptSlot){"step_size", "step_size (how far this parameter moves)", c->lr};
    return 2;
}

/* The factor a step size is multiplied by for gradient g after prev: NaN
 * when their product is NaN, as torch's sign() masks leave it. */
static double rprop_eta(const OptConfig *c, double g, double prev)
{
    double s = g * prev;
    return s > 0 ? c->eta_plus : s < 0 ? c->eta_minus : s == 0 ? 1.0 : s;
}

/* torch.sign: 0 for 0 and for NaN. */
static double sign0(double x)
{
    return x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
}

static void rprop_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *prev = o->state;        /* (n) prev */
    double *size = o->state + o->n; /* (n) step_size */
    if (o->step == 1) /* torch makes the state at the first step, step_size = lr */
        for (size_t i = 0; i < o->n; i++)
            size[i] = c->lr;
    for (size_t i = 0; i < o->n; i++) {
        double eta = rprop_eta(c, g[i], prev[i]);
        double s = size[i] * eta; /* step_size.mul_(sign).clamp_(min, max) */
        if (!isnan(s)) {
            s = s < c->step_min ? c->step_min : s;
            s = s > c->step_max ? c->step_max : s;
        }
        size[i] = s;
        double gi = eta == c->eta_minus ? 0.0 : g[i]; /* grad[sign.eq(etaminus)] = 0 */
        p[i] = p[i] + -1.0 * sign0(gi) * size[i];     /* addcmul_(grad.sign(), step_size, value=-1) */
        prev[i] = gi;
    }
}

static void rprop_formula(const OptConfig *c, const TextSink *w)
{
    (void)c;
    tx(w, "  s = sign(g·prev)                     (prev: the gradient of the step before)\n");
    tx(w, "  step_size ← clamp(step_size·eta, step_min, step_max),  eta = eta_plus if s > 0, eta_minus if s < 0,"
          " else 1\n");
    tx(w, "  g ← 0 if s < 0                       (the sign changed: no move this step)\n");
    tx(w, "  p ← p - sign(g)·step_size,  prev ← g   (only the sign of g counts; step_size starts at lr)\n");
}

static void rprop_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    double g = e->g, prev = e->s0[0], size0 = e->t == 1 ? c->lr : e->s0[1];
    double eta = rprop_eta(c, g, prev), gi = e->s1[0];
    const char *which = eta == c->eta_plus ? "eta_plus" : eta == c->eta_minus ? "eta_minus" : "1";
    tx(w, "  g·prev = %s·%s = %s, so eta = %s = %s\n", PAR(g), PAR(prev), NUM(g * prev), which, NUM(eta));
    tx(w, "  step_size = clamp(%s·%s, %s, %s) = %s\n", NUM(size0), NUM(eta), NUM(c->step_min), NUM(c->step_max),
       NUM(e->s1[1]));
    if (eta == c->eta_minus)
        tx(w, "  g = 0, prev = 0   (the sign changed)\n");
    snprintf(expr, n, "%s - %s·%s", NUM(e->p0), PAR(sign0(gi)), NUM(e->s1[1]));
}

static const OptDesc rprop_desc = {
    .name = "rprop",
    .hypers = rprop_hypers,
    .n_hypers = COUNT(rprop_hypers),
    .defaults = rprop_defaults,
    .check = rprop_check,
    .slots = rprop_slots,
    .step = rprop_step,
    .formula = rprop_formula,
    .numbers = rprop_numbers,
};

/* ---- the descriptors, and what the rest of paramlab asks them ---- */

static const OptDesc *const descs[OPT_COUNT] = {
    [OPT_SGD] = &sgd_desc,     [OPT_ADAGRAD] = &adagrad_desc, [OPT_RMSPROP] = &rmsprop_desc,
    [OPT_ADADELTA] = &adadelta_desc, [OPT_ADAM] = &adam_desc, [OPT_ADAMW] = &adamw_desc,
    [OPT_ADAMAX] = &adamax_desc, [OPT_NADAM] = &nadam_desc,   [OPT_RADAM] = &radam_desc,
    [OPT_RPROP] = &rprop_desc,
};

const OptDesc *optim_desc(OptKind k)
{
    return (unsigned)k < OPT_COUNT ? descs[k] : NULL;
}

const char *optim_name(OptKind k)
{
    return (unsigned)k < OPT_COUNT ? descs[k]->name : "?";
}

int optim_parse(const char *s, OptKind *out)
{
    for (int k = 0; k < OPT_COUNT; k++)
        if (strcmp(s, descs[k]->name) == 0) {
            *out = (OptKind)k;
            return 0;
        }
    return -1;
}

void optim_names(char *buf, size_t n, const char *sep, const char *last)
{
    size_t len = 0;
    if (n)
        buf[0] = '\0';
    for (int k = 0; k < OPT_COUNT && len < n; k++)
        len += (size_t)snprintf(buf + len, n - len, "%s%s", k == 0 ? "" : k == OPT_COUNT - 1 ? last : sep,
                                descs[k]->name);
}

void optim_defaults(OptKind k, OptConfig *c)
{
    memset(c, 0, sizeof *c); /* fields the kind does not use stay 0 */
    c->kind = k;
    if ((unsigned)k < OPT_COUNT)
        descs[k]->defaults(c);
}

const OptHyper *optim_hypers(OptKind k, int *n)
{
    if ((unsigned)k >= OPT_COUNT) {
        *n = 0;
        return NULL;
    }
    *n = descs[k]->n_hypers;
    return descs[k]->hypers;
}

int optim_check(const OptConfig *c, char *err)
{
    const OptDesc *d = optim_desc(c->kind);
    if (!d)
        return util_err(err, "unknown optimizer");
    if (d->check(c, err) != 0)
        return -1;
    /* PyTorch lets lr=inf (or an unchecked NaN) through; paramlab does not */
    for (int i = 0; i < d->n_hypers; i++) {
        const OptHyper *h = &d->hypers[i];
        if (h->is_bool)
            continue;
        double v = *(const double *)(const void *)((const char *)c + h->offset);
        if (!isfinite(v)) {
            char num[64];
            py_repr(v, num, sizeof num);
            return util_err(err, "Invalid %s value: %s (it must be a finite number)", h->name, num);
        }
    }
    return 0;
}

bool optim_same_layout(const OptConfig *a, const OptConfig *b)
{
    if (a->kind != b->kind || !optim_desc(a->kind))
        return false;
    OptSlot sa[OPT_MAX_SLOTS], sb[OPT_MAX_SLOTS];
    const OptDesc *d = descs[a->kind];
    int na = d->slots(a, sa), nb = d->slots(b, sb);
    if (na != nb)
        return false;
    for (int i = 0; i < na; i++)
        if (strcmp(sa[i].name, sb[i].name) != 0)
            return false;
    return true;
}

Optim *optim_new(const OptConfig *c, size_t n, char *err)
{
    if (optim_check(c, err) != 0)
        return NULL;
    OptSlot slots[OPT_MAX_SLOTS];
    int ns = descs[c->kind]->slots(c, slots);
    if (ns > 0 && n > SIZE_MAX / sizeof(double) / (size_t)ns) {
        util_err(err, "out of memory for the optimizer state");
        return NULL;
    }
    Optim *o = util_calloc(1, sizeof *o);
    double *state = util_calloc((size_t)ns * n, sizeof(double));
    if (!o || !state) {
        free(o);
        free(state);
        util_err(err, "out of memory for the optimizer state");
        return NULL;
    }
    o->cfg = *c;
    o->n = n;
    o->n_slots = ns;
    o->state = state;
    optim_reset(o);
    return o;
}

void optim_free(Optim *o)
{
    if (!o)
        return;
    free(o->state);
    free(o);
}

void optim_reset(Optim *o)
{
    OptSlot slots[OPT_MAX_SLOTS];
    descs[o->cfg.kind]->slots(&o->cfg, slots);
    for (int s = 0; s < o->n_slots; s++)
        for (size_t i = 0; i < o->n; i++)
            o->state[(size_t)s * o->n + i] = slots[s].init;
    o->step = 0;
    o->mu_product = 1.0;
}

void optim_copy_state(Optim *dst, const Optim *o)
{
    assert(dst->cfg.kind == o->cfg.kind && dst->n == o->n && dst->n_slots == o->n_slots);
    dst->step = o->step;
    dst->mu_product = o->mu_product;
    if (o->n_slots > 0 && o->n > 0)
        memcpy(dst->state, o->state, (size_t)o->n_slots * o->n * sizeof(double));
}

void optim_step(Optim *o, double *params, const double *grads)
{
    o->step++; /* PyTorch counts the step first (sgd keeps no count) */
    descs[o->cfg.kind]->step(o, params, grads);
}

/* Slot s of o's configuration, or NULL. */
static const OptSlot *slot_of(const Optim *o, int s, OptSlot *buf)
{
    int ns = descs[o->cfg.kind]->slots(&o->cfg, buf);
    return s >= 0 && s < ns ? &buf[s] : NULL;
}

const char *optim_slot_name(const Optim *o, int s)
{
    OptSlot buf[OPT_MAX_SLOTS];
    const OptSlot *sl = slot_of(o, s, buf);
    return sl ? sl->name : NULL;
}

const char *optim_slot_symbol(const Optim *o, int s)
{
    OptSlot buf[OPT_MAX_SLOTS];
    const OptSlot *sl = slot_of(o, s, buf);
    return sl ? sl->symbol : NULL;
}

int optim_views(const Optim *o, OptView out[OPT_MAX_VIEWS])
{
    const OptDesc *d = descs[o->cfg.kind];
    return d->views && o->step > 0 ? d->views(o, out) : 0;
}

/* Whether weight_decay is an L2 penalty added to the gradient. */
static bool l2_penalty(const OptConfig *c)
{
    return c->weight_decay != 0 && !descs[c->kind]->decoupled_decay;
}

void optim_explain_formula(const OptConfig *c, const TextSink *w)
{
    if (l2_penalty(c))
        tx(w, "  g ← g + weight_decay·p               (L2 penalty, added to the gradient)\n");
    descs[c->kind]->formula(c, w);
}

void optim_explain_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n)
{
    OptElement with = *e;
    if (l2_penalty(c)) {
        with.g = e->g + c->weight_decay * e->p0; /* the step's own expression */
        tx(w, "  g = %s + %s·%s = %s\n", NUM(e->g), NUM(c->weight_decay), PAR(e->p0), NUM(with.g));
    }
    descs[c->kind]->numbers(c, &with, w, expr, n);
}
