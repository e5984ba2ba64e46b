/* optim.c — the eight optimizers of torch.optim 1.13, written as its
 * single-tensor (foreach=False) code paths: same defaults, same argument
 * checks and messages, and the same arithmetic in the same order, so a
 * float64 PyTorch run and paramlab agree to the last few bits. The state of
 * every parameter lives in slots named as in PyTorch's state dict; a step
 * is one flat loop over the parameters and allocates nothing. */
#include "optim.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static const char *const opt_names[OPT_COUNT] = {
    "sgd", "adagrad", "rmsprop", "adadelta", "adam", "adamw", "adamax", "nadam",
};

const char *optim_name(OptKind k)
{
    return (unsigned)k < OPT_COUNT ? opt_names[k] : "?";
}

int optim_parse(const char *s, OptKind *out)
{
    for (int k = 0; k < OPT_COUNT; k++)
        if (strcmp(s, opt_names[k]) == 0) {
            *out = (OptKind)k;
            return 0;
        }
    return -1;
}

void optim_defaults(OptKind k, OptConfig *c)
{
    memset(c, 0, sizeof *c); /* fields the kind does not use stay 0 */
    c->kind = k;
    switch (k) {
    case OPT_SGD:
        c->lr = 0.01; /* torch requires an lr; paramlab's SPEC picks 0.01 */
        break;
    case OPT_ADAGRAD:
        c->lr = 1e-2;
        c->eps = 1e-10;
        break;
    case OPT_RMSPROP:
        c->lr = 1e-2;
        c->alpha = 0.99;
        c->eps = 1e-8;
        break;
    case OPT_ADADELTA:
        c->lr = 1.0;
        c->rho = 0.9;
        c->eps = 1e-6;
        break;
    case OPT_ADAM:
    case OPT_ADAMW:
    case OPT_ADAMAX:
    case OPT_NADAM:
        c->lr = k == OPT_ADAM || k == OPT_ADAMW ? 1e-3 : 2e-3;
        c->beta1 = 0.9;
        c->beta2 = 0.999;
        c->eps = 1e-8;
        if (k == OPT_ADAMW)
            c->weight_decay = 1e-2;
        if (k == OPT_NADAM)
            c->momentum_decay = 4e-3;
        break;
    default:
        break;
    }
}

/* The hyperparameter tables, in the order the brief and `hypers` use. */
#define H(field, about) {#field, offsetof(OptConfig, field), false, about}
#define HB(field, about) {#field, offsetof(OptConfig, field), true, about}

#define ABOUT_LR "learning rate: how far each update moves a parameter"
#define ABOUT_WD "L2 penalty: adds weight_decay * parameter to the gradient, pulling weights towards 0"
#define ABOUT_EPS "tiny number added to the denominator so it is never zero"
#define ABOUT_B1 "how much of the running average of gradients (m) is kept each step"
#define ABOUT_B2 "how much of the running average of squared gradients (v) is kept each step"

static const OptHyper hyp_sgd[] = {
    H(lr, ABOUT_LR),
    H(momentum, "fraction of the previous update carried into this one (0 = plain gradient descent)"),
    H(dampening, "how much of the new gradient is held back when added to the momentum buffer"),
    HB(nesterov, "look-ahead momentum: step along the gradient plus momentum * buffer"),
    H(weight_decay, ABOUT_WD),
};
static const OptHyper hyp_adagrad[] = {
    H(lr, ABOUT_LR),
    H(lr_decay, "shrinks the learning rate over time: lr / (1 + (step-1) * lr_decay)"),
    H(weight_decay, ABOUT_WD),
    H(initial_accumulator_value, "starting value of the running sum of squared gradients"),
    H(eps, ABOUT_EPS),
};
static const OptHyper hyp_rmsprop[] = {
    H(lr, ABOUT_LR),
    H(alpha, "how much of the running average of squared gradients is kept each step"),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
    H(momentum, "fraction of the previous update carried into this one (0 = none)"),
    HB(centered, "divide by the gradient's estimated variance instead of its mean square"),
};
static const OptHyper hyp_adadelta[] = {
    H(lr, "scale applied to the computed update (1 = Adadelta as published)"),
    H(rho, "how much of the running averages of squared gradients and updates is kept"),
    H(eps, "added inside both square roots; also sets the size of the first steps"),
    H(weight_decay, ABOUT_WD),
};
static const OptHyper hyp_adam[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
    HB(amsgrad, "divide by the largest v seen so far, so steps never grow from a shrinking v"),
};
static const OptHyper hyp_adamw[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, "decoupled decay: each step multiplies parameters by 1 - lr * weight_decay"),
    HB(amsgrad, "divide by the largest v seen so far, so steps never grow from a shrinking v"),
};
static const OptHyper hyp_adamax[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, "how much of the running maximum of |gradient| (u) is kept each step"),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
};
static const OptHyper hyp_nadam[] = {
    H(lr, ABOUT_LR),
    H(beta1, ABOUT_B1),
    H(beta2, ABOUT_B2),
    H(eps, ABOUT_EPS),
    H(weight_decay, ABOUT_WD),
    H(momentum_decay, "how quickly the Nesterov momentum factor warms up to beta1"),
};

#undef H
#undef HB

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

const OptHyper *optim_hypers(OptKind k, int *n)
{
    static const struct {
        const OptHyper *h;
        int n;
    } tab[OPT_COUNT] = {
        {hyp_sgd, COUNT(hyp_sgd)},         {hyp_adagrad, COUNT(hyp_adagrad)},
        {hyp_rmsprop, COUNT(hyp_rmsprop)}, {hyp_adadelta, COUNT(hyp_adadelta)},
        {hyp_adam, COUNT(hyp_adam)},       {hyp_adamw, COUNT(hyp_adamw)},
        {hyp_adamax, COUNT(hyp_adamax)},   {hyp_nadam, COUNT(hyp_nadam)},
    };
    if ((unsigned)k >= OPT_COUNT) {
        *n = 0;
        return NULL;
    }
    *n = tab[k].n;
    return tab[k].h;
}

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

/* PyTorch's checks in its constructor's order. A NaN fails every
 * `0 <= x` test, as in Python. */
static int torch_checks(const OptConfig *c, char *err)
{
    switch (c->kind) {
    case OPT_SGD:
        if (c->lr < 0.0)
            return bad(err, "learning rate", c->lr);
        if (c->momentum < 0.0)
            return bad(err, "momentum value", c->momentum);
        if (c->weight_decay < 0.0)
            return bad(err, "weight_decay value", c->weight_decay);
        if (c->nesterov && (c->momentum <= 0 || c->dampening != 0))
            return util_err(err, "Nesterov momentum requires a momentum and zero dampening");
        return 0;
    case OPT_ADAGRAD:
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
    case OPT_RMSPROP:
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
    case OPT_ADADELTA:
        if (!(0.0 <= c->lr))
            return bad(err, "learning rate", c->lr);
        if (!(0.0 <= c->rho && c->rho <= 1.0))
            return bad(err, "rho value", c->rho);
        if (!(0.0 <= c->eps))
            return bad(err, "epsilon value", c->eps);
        if (!(0.0 <= c->weight_decay))
            return bad(err, "weight_decay value", c->weight_decay);
        return 0;
    case OPT_ADAM:
    case OPT_ADAMW:
    case OPT_ADAMAX:
    case OPT_NADAM:
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
        if (c->kind == OPT_NADAM && !(0.0 <= c->momentum_decay))
            return bad(err, "momentum_decay value", c->momentum_decay);
        return 0;
    default:
        return util_err(err, "unknown optimizer");
    }
}

int optim_check(const OptConfig *c, char *err)
{
    if (torch_checks(c, err) != 0)
        return -1;
    /* PyTorch lets lr=inf (or an unchecked NaN) through; paramlab does not */
    int n;
    const OptHyper *h = optim_hypers(c->kind, &n);
    for (int i = 0; i < n; i++) {
        if (h[i].is_bool)
            continue;
        double v = *(const double *)(const void *)((const char *)c + h[i].offset);
        if (!isfinite(v)) {
            char num[64];
            py_repr(v, num, sizeof num);
            return util_err(err, "Invalid %s value: %s (it must be a finite number)",
                            h[i].name, num);
        }
    }
    return 0;
}

/* The state slots a configuration uses, in PyTorch's state-dict order;
 * names[] gets them and the count is returned. */
static int slots_of(const OptConfig *c, const char *names[3])
{
    int k = 0;
    switch (c->kind) {
    case OPT_SGD:
        if (c->momentum != 0)
            names[k++] = "momentum_buffer";
        break;
    case OPT_ADAGRAD:
        names[k++] = "sum";
        break;
    case OPT_RMSPROP:
        names[k++] = "square_avg";
        if (c->momentum > 0)
            names[k++] = "momentum_buffer";
        if (c->centered)
            names[k++] = "grad_avg";
        break;
    case OPT_ADADELTA:
        names[k++] = "square_avg";
        names[k++] = "acc_delta";
        break;
    case OPT_ADAM:
    case OPT_ADAMW:
        names[k++] = "exp_avg";
        names[k++] = "exp_avg_sq";
        if (c->amsgrad)
            names[k++] = "max_exp_avg_sq";
        break;
    case OPT_ADAMAX:
        names[k++] = "exp_avg";
        names[k++] = "exp_inf";
        break;
    case OPT_NADAM:
        names[k++] = "exp_avg";
        names[k++] = "exp_avg_sq";
        break;
    default:
        break;
    }
    return k;
}

Optim *optim_new(const OptConfig *c, size_t n, char *err)
{
    if (optim_check(c, err) != 0)
        return NULL;
    const char *names[3];
    int ns = slots_of(c, names);
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
    size_t total = (size_t)o->n_slots * o->n;
    double init = o->cfg.kind == OPT_ADAGRAD ? o->cfg.initial_accumulator_value : 0.0;
    for (size_t i = 0; i < total; i++)
        o->state[i] = init;
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

const char *optim_slot_name(const Optim *o, int s)
{
    const char *names[3];
    int ns = slots_of(&o->cfg, names);
    return s >= 0 && s < ns ? names[s] : NULL;
}

/* torch.maximum / torch.amax: the larger, and NaN when either is NaN. */
static inline double nan_max(double a, double b)
{
    if (isnan(a) || isnan(b))
        return NAN;
    return a > b ? a : b;
}

/* Each update below follows the _single_tensor_* function of the same
 * optimizer line by line; the comments quote it. PyTorch's kernels compute
 * add(x, alpha) as a + alpha*x, addcmul as a + value*t1*t2 and addcdiv as
 * a + value*t1/t2, left to right, and so does this code. */

static void step_sgd(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    double *buf = o->state; /* (n) momentum_buffer, when momentum != 0 */
    bool first = o->step == 0;
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

static void step_adagrad(Optim *o, double *p, const double *g)
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

static void step_rmsprop(Optim *o, double *p, const double *g)
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

static void step_adadelta(Optim *o, double *p, const double *g)
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

/* Adam and AdamW differ only in where the weight decay goes. */
static void step_adam(Optim *o, double *p, const double *g)
{
    const OptConfig *c = &o->cfg;
    bool decoupled = c->kind == OPT_ADAMW;
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

static void step_adamax(Optim *o, double *p, const double *g)
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

/* NAdam as 1.13 has it, including its mu_product_next = mu_product * mu *
 * mu_next, where mu_product already holds this step's mu (later releases
 * drop the extra mu). */
static void step_nadam(Optim *o, double *p, const double *g)
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

void optim_step(Optim *o, double *params, const double *grads)
{
    /* sgd reads the old count (its buffer starts on the first step); the
     * others count this step first, as PyTorch's step_t += 1 does. */
    switch (o->cfg.kind) {
    case OPT_SGD:
        step_sgd(o, params, grads);
        o->step++;
        return;
    case OPT_ADAGRAD:
        o->step++;
        step_adagrad(o, params, grads);
        return;
    case OPT_RMSPROP:
        o->step++;
        step_rmsprop(o, params, grads);
        return;
    case OPT_ADADELTA:
        o->step++;
        step_adadelta(o, params, grads);
        return;
    case OPT_ADAM:
    case OPT_ADAMW:
        o->step++;
        step_adam(o, params, grads);
        return;
    case OPT_ADAMAX:
        o->step++;
        step_adamax(o, params, grads);
        return;
    case OPT_NADAM:
        o->step++;
        step_nadam(o, params, grads);
        return;
    default:
        return;
    }
}
