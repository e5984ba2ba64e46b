/* optim_adam.c — the descriptors of Adam and its relatives in
 * torch.optim 1.13: adam, adamw, adamax, nadam and radam, one section each
 * (hyperparameters, defaults, PyTorch's checks and messages, state slots,
 * the step as its single-tensor code path does it, and the text `explain`
 * shows), after what they share. */
#include "optim.h"

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "optim_kinds.h"
#include "util.h"

/* ---- what the family shares ---- */

/* torch.maximum / torch.amax: the larger, and NaN when either is NaN. */
static inline double nan_max(double a, double b)
{
    if (isnan(a) || isnan(b))
        return NAN;
    return a > b ? a : b;
}

/* The checks of Adam and its relatives, in their constructors' order. A
 * NaN fails every `0 <= x` test, as in Python. */
static int check_adam_family(const OptConfig *c, char *err, OptRefusal *why)
{
    if (!(0.0 <= c->lr))
        return optim_bad(err, why, "lr", "0 or more", "learning rate", c->lr);
    if (!(0.0 <= c->eps))
        return optim_bad(err, why, "eps", "0 or more", "epsilon value", c->eps);
    if (!(0.0 <= c->beta1 && c->beta1 < 1.0))
        return optim_bad(err, why, "beta1", "at least 0 and less than 1", "beta parameter at index 0", c->beta1);
    if (!(0.0 <= c->beta2 && c->beta2 < 1.0))
        return optim_bad(err, why, "beta2", "at least 0 and less than 1", "beta parameter at index 1", c->beta2);
    if (!(0.0 <= c->weight_decay))
        return optim_bad(err, why, "weight_decay", "0 or more", "weight_decay value", c->weight_decay);
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

/* m and v: the slots of nadam and radam. */
static int moments_slots(const OptConfig *c, OptSlot *out)
{
    (void)c;
    out[0] = (OptSlot){"exp_avg", SYM_M, 0.0};
    out[1] = (OptSlot){"exp_avg_sq", SYM_V, 0.0};
    return 2;
}

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

/* The common case (no weight decay, no amsgrad) as its own loop, the
 * constants in registers and the arrays declared apart (restrict): the
 * same expressions as below, so the same numbers. */
static void adam_plain(size_t n, double *restrict p, const double *restrict g, double *restrict m,
                       double *restrict v, double b1, double b2, double step_size, double bc2_sqrt, double eps)
{
    const double a1 = 1 - b1, a2 = 1 - b2;
    for (size_t i = 0; i < n; i++) {
        double gi = g[i];
        double mi = m[i] * b1 + a1 * gi;
        double vv = v[i] * b2 + a2 * gi * gi;
        m[i] = mi;
        v[i] = vv;
        double denom = sqrt(vv) / bc2_sqrt + eps;
        p[i] = p[i] + (-step_size) * mi / denom; /* addcdiv_(m, denom, -step_size) */
    }
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
    if (!c->amsgrad && c->weight_decay == 0) {
        adam_plain(o->n, p, g, m, v, b1, b2, step_size, bc2_sqrt, c->eps);
        return;
    }
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
    optim_write_avg(w, "m", c->beta1, e->s0[0], e->g, false, e->s1[0]);
    optim_write_avg(w, "v", c->beta2, e->s0[1], e->g, true, e->s1[1]);
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

const OptDesc optim_adam = {
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

const OptDesc optim_adamw = {
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
    optim_write_avg(w, "m", c->beta1, e->s0[0], g, false, e->s1[0]);
    tx(w, "  u = max(%s·%s, |%s| + %s) = %s\n", NUM(c->beta2), PAR(e->s0[1]), NUM(g), NUM(c->eps), NUM(e->s1[1]));
    double clr = c->lr / (1 - pow(c->beta1, (double)e->t));
    tx(w, "  lr / (1 - beta1^t) = %s / (1 - %s^%ld) = %s\n", NUM(c->lr), NUM(c->beta1), e->t, NUM(clr));
    snprintf(expr, n, "%s - %s·%s / %s", NUM(e->p0), NUM(clr), PAR(e->s1[0]), NUM(e->s1[1]));
}

const OptDesc optim_adamax = {
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

/* torch 1.13 keeps mu_product in a tensor of the default dtype (float32
 * unless torch.set_default_dtype says otherwise); paramlab in a double, as
 * the goldens are made (tests/gen_optim_golden.py). */
static const char nadam_torch_note[] =
    "mu_product is kept in float64; stock torch 1.13 keeps it in a tensor of the default dtype (float32), so its "
    "updates differ from these by up to about 2e-7 relative unless torch.set_default_dtype(torch.float64) is "
    "called first";

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

static int nadam_check(const OptConfig *c, char *err, OptRefusal *why)
{
    if (check_adam_family(c, err, why) != 0)
        return -1;
    if (!(0.0 <= c->momentum_decay))
        return optim_bad(err, why, "momentum_decay", "0 or more", "momentum_decay value", c->momentum_decay);
    return 0;
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
    tx(w, "  (mu_product in float64: torch 1.13 agrees after torch.set_default_dtype(torch.float64); by\n"
          "   default it keeps mu_product in float32, and its updates differ by up to about 2e-7 relative)\n");
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
    optim_write_avg(w, "m", b1, e->s0[0], g, false, e->s1[0]);
    optim_write_avg(w, "v", c->beta2, e->s0[1], g, true, e->s1[1]);
    double bc2 = 1 - pow(c->beta2, (double)t);
    double denom = sqrt(e->s1[1] / bc2) + c->eps;
    tx(w, "  denom = sqrt(%s / (1 - %s^%ld)) + %s = %s\n", NUM(e->s1[1]), NUM(c->beta2), t, NUM(c->eps), NUM(denom));
    double c1 = lr * (1. - mu) / (1. - e->mu1), c2 = lr * mu_next / (1. - next);
    tx(w, "  lr·(1 - mu_t)/(1 - mu_product) = %s,  lr·mu_next/(1 - mu_product_next) = %s\n", NUM(c1), NUM(c2));
    snprintf(expr, n, "%s - %s·%s/%s - %s·%s/%s", NUM(e->p0), NUM(c1), PAR(g), NUM(denom), NUM(c2), PAR(e->s1[0]),
             NUM(denom));
}

const OptDesc optim_nadam = {
    .name = "nadam",
    .hypers = nadam_hypers,
    .n_hypers = COUNT(nadam_hypers),
    .defaults = nadam_defaults,
    .check = nadam_check,
    .slots = moments_slots,
    .scalar = "mu_product",
    .torch_note = nadam_torch_note,
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
    optim_write_avg(w, "m", b1, e->s0[0], g, false, e->s1[0]);
    optim_write_avg(w, "v", b2, e->s0[1], g, true, e->s1[1]);
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

const OptDesc optim_radam = {
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
