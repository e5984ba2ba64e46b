/* optim_classic.c — the descriptors of sgd, adagrad, rmsprop, adadelta and
 * rprop (torch.optim 1.13), one section each: hyperparameters, defaults,
 * PyTorch's checks and messages, state slots, the step as its
 * single-tensor code path does it, and the text `explain` shows. */
#include "optim.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "optim_kinds.h"
#include "util.h"

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

static int sgd_check(const OptConfig *c, char *err, OptRefusal *why)
{
    if (c->lr < 0.0)
        return optim_bad(err, why, "lr", "0 or more", "learning rate", c->lr);
    if (c->momentum < 0.0)
        return optim_bad(err, why, "momentum", "0 or more", "momentum value", c->momentum);
    if (c->weight_decay < 0.0)
        return optim_bad(err, why, "weight_decay", "0 or more", "weight_decay value", c->weight_decay);
    if (c->nesterov && (c->momentum <= 0 || c->dampening != 0)) {
        *why = (OptRefusal){"nesterov", "off unless momentum is above 0 and dampening is 0"};
        return util_err(err, "Nesterov momentum requires a momentum and zero dampening");
    }
    return 0;
}

static int sgd_slots(const OptConfig *c, OptSlot *out)
{
    if (c->momentum == 0)
        return 0;
    out[0] = (OptSlot){"momentum_buffer", "buf", 0.0};
    return 1;
}

/* One loop per case, the hyperparameters held in locals and the arrays
 * declared apart (restrict), so the compiler keeps them in registers and
 * vectorises the loop: the same expressions as PyTorch's, value by value,
 * so the same numbers. */
static void sgd_plain(size_t n, double *restrict p, const double *restrict g, double lr, double wd)
{
    if (wd != 0) {
        for (size_t i = 0; i < n; i++)
            p[i] = p[i] + (-lr) * (g[i] + wd * p[i]); /* d_p.add(param, alpha=wd) */
    } else {
        for (size_t i = 0; i < n; i++)
            p[i] = p[i] + (-lr) * g[i]; /* param.add_(d_p, alpha=-lr) */
    }
}

static void sgd_momentum(size_t n, double *restrict p, const double *restrict g, double *restrict buf,
                         const OptConfig *c, bool first)
{
    const double lr = c->lr, wd = c->weight_decay, mom = c->momentum, damp = 1 - c->dampening;
    if (first && !c->nesterov && wd == 0) { /* buf = clone(d_p); param.add_(buf, alpha=-lr) */
        for (size_t i = 0; i < n; i++) {
            buf[i] = g[i];
            p[i] = p[i] + (-lr) * g[i];
        }
    } else if (!first && !c->nesterov && wd == 0) { /* the common case: buf.mul_(momentum).add_(d_p) */
        for (size_t i = 0; i < n; i++) {
            double b = buf[i] * mom + damp * g[i];
            buf[i] = b;
            p[i] = p[i] + (-lr) * b;
        }
    } else {
        for (size_t i = 0; i < n; i++) {
            double d_p = g[i];
            if (wd != 0)
                d_p = d_p + wd * p[i];
            double b = first ? d_p : buf[i] * mom + damp * d_p;
            buf[i] = b;
            d_p = c->nesterov ? d_p + mom * b : b;
            p[i] = p[i] + (-lr) * d_p;
        }
    }
}

static void sgd_step(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    if (c->momentum != 0) /* o->state: (n) momentum_buffer */
        sgd_momentum(o->n, p, g, o->state, c, o->step == 1);
    else
        sgd_plain(o->n, p, g, c->lr, c->weight_decay);
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

const OptDesc optim_sgd = {
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

static int adagrad_check(const OptConfig *c, char *err, OptRefusal *why)
{
    if (!(0.0 <= c->lr))
        return optim_bad(err, why, "lr", "0 or more", "learning rate", c->lr);
    if (!(0.0 <= c->lr_decay))
        return optim_bad(err, why, "lr_decay", "0 or more", "lr_decay value", c->lr_decay);
    if (!(0.0 <= c->weight_decay))
        return optim_bad(err, why, "weight_decay", "0 or more", "weight_decay value", c->weight_decay);
    if (!(0.0 <= c->initial_accumulator_value))
        return optim_bad(err, why, "initial_accumulator_value", "0 or more", "initial_accumulator_value value", c->initial_accumulator_value);
    if (!(0.0 <= c->eps))
        return optim_bad(err, why, "eps", "0 or more", "epsilon value", c->eps);
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

const OptDesc optim_adagrad = {
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

static int rmsprop_check(const OptConfig *c, char *err, OptRefusal *why)
{
    if (!(0.0 <= c->lr))
        return optim_bad(err, why, "lr", "0 or more", "learning rate", c->lr);
    if (!(0.0 <= c->eps))
        return optim_bad(err, why, "eps", "0 or more", "epsilon value", c->eps);
    if (!(0.0 <= c->momentum))
        return optim_bad(err, why, "momentum", "0 or more", "momentum value", c->momentum);
    if (!(0.0 <= c->weight_decay))
        return optim_bad(err, why, "weight_decay", "0 or more", "weight_decay value", c->weight_decay);
    if (!(0.0 <= c->alpha))
        return optim_bad(err, why, "alpha", "0 or more", "alpha value", c->alpha);
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
    optim_write_avg(w, "v", c->alpha, e->s0[0], g, true, e->s1[0]);
    if (c->centered) {
        int ga = mom ? 2 : 1;
        optim_write_avg(w, "g_avg", c->alpha, e->s0[ga], g, false, e->s1[ga]);
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

const OptDesc optim_rmsprop = {
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

static int adadelta_check(const OptConfig *c, char *err, OptRefusal *why)
{
    if (!(0.0 <= c->lr))
        return optim_bad(err, why, "lr", "0 or more", "learning rate", c->lr);
    if (!(0.0 <= c->rho && c->rho <= 1.0))
        return optim_bad(err, why, "rho", "from 0 to 1", "rho value", c->rho);
    if (!(0.0 <= c->eps))
        return optim_bad(err, why, "eps", "0 or more", "epsilon value", c->eps);
    if (!(0.0 <= c->weight_decay))
        return optim_bad(err, why, "weight_decay", "0 or more", "weight_decay value", c->weight_decay);
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
    optim_write_avg(w, "v", c->rho, e->s0[0], g, true, e->s1[0]);
    double delta = sqrt(e->s0[1] + eps) / sqrt(e->s1[0] + eps) * g;
    tx(w, "  delta = sqrt(%s + %s) / sqrt(%s + %s)·%s = %s\n", NUM(e->s0[1]), NUM(eps), NUM(e->s1[0]), NUM(eps),
       PAR(g), NUM(delta));
    optim_write_avg(w, "u", c->rho, e->s0[1], delta, true, e->s1[1]);
    snprintf(expr, n, "%s - %s·%s", NUM(e->p0), NUM(c->lr), PAR(delta));
}

const OptDesc optim_adadelta = {
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

static int rprop_check(const OptConfig *c, char *err, OptRefusal *why)
{
    if (!(0.0 <= c->lr))
        return optim_bad(err, why, "lr", "0 or more", "learning rate", c->lr);
    if (!(0.0 < c->eta_minus && c->eta_minus < 1.0 && 1.0 < c->eta_plus)) {
        char a[64], b[64];
        optim_py_repr(c->eta_minus, a, sizeof a);
        optim_py_repr(c->eta_plus, b, sizeof b);
        *why = !(0.0 < c->eta_minus && c->eta_minus < 1.0) ? (OptRefusal){"eta_minus", "above 0 and below 1"}
                                                            : (OptRefusal){"eta_plus", "above 1"};
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

const OptDesc optim_rprop = {
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
