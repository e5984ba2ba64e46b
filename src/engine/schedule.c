/* schedule.c — the learning-rate schedules of torch.optim.lr_scheduler
 * 1.13, one descriptor per kind. Each step function is torch's get_lr (or
 * ReduceLROnPlateau.step) with the same arithmetic in the same order, so a
 * float64 torch run and paramlab agree to the last bit: the chainable
 * schedules work from the lr in force, as torch reads param_group['lr'],
 * and cosine uses torch's recursive form rather than the closed one. */
#include "schedule.h"

#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "util.h"

#define FIELD(c, o) ((char *)(c) + (o))

/* ---- none ----------------------------------------------------------------- */

static int none_check(const SchedConfig *c, char *err)
{
    (void)c;
    (void)err;
    return 0;
}

static double none_step(const SchedConfig *c, SchedState *s, double lr, double metric)
{
    (void)c;
    (void)s;
    (void)metric;
    return lr;
}

/* ---- shared checks ------------------------------------------------------- */

static int check_count(const char *name, long v, long lo, const char *what, char *err)
{
    if (v < lo || v > SCHED_MAX_COUNT)
        return util_err(err, "%s=%ld is out of range; give a whole number of "
                        "%s from %ld to %ld", name, v, what, lo, SCHED_MAX_COUNT);
    return 0;
}

static int check_gamma(double gamma, char *err)
{
    if (!(gamma > 0))
        return util_err(err, "gamma=%g would make the lr %s; give a factor "
                        "greater than 0, such as 0.1 or 0.9", gamma,
                        gamma == 0 ? "0" : "negative");
    return 0;
}

/* ---- StepLR ---------------------------------------------------------------- */

static int step_check(const SchedConfig *c, char *err)
{
    if (check_count("size", c->size, 1, "epochs", err))
        return -1;
    return check_gamma(c->gamma, err);
}

/* torch: lr * gamma when last_epoch is a multiple of step_size, else lr. */
static double step_step(const SchedConfig *c, SchedState *s, double lr, double metric)
{
    (void)metric;
    if (c->size < 1 || s->epoch == 0 || s->epoch % c->size != 0) /* size < 1: unchecked */
        return lr;
    return lr * c->gamma;
}

/* ---- ExponentialLR ----------------------------------------------------- */

static int exp_check(const SchedConfig *c, char *err)
{
    return check_gamma(c->gamma, err);
}

static double exp_step(const SchedConfig *c, SchedState *s, double lr, double metric)
{
    (void)metric;
    if (s->epoch == 0)
        return lr;
    return lr * c->gamma;
}

/* ---- CosineAnnealingLR ------------------------------------------------- */

static int cosine_check(const SchedConfig *c, char *err)
{
    if (check_count("tmax", c->tmax, 1, "epochs", err))
        return -1;
    if (!(c->min >= 0))
        return util_err(err, "min=%g is negative; give the lowest lr, 0 or "
                        "more, such as 0 or 1e-4", c->min);
    return 0;
}

/* Python's a % b for b > 0: never negative. */
static long py_mod(long a, long b)
{
    long r = a % b;
    return r < 0 ? r + b : r;
}

/* torch 1.13's recursive get_lr, branch for branch and in its order of
 * operations; the closed form differs from it in the last bits. */
static double cosine_step(const SchedConfig *c, SchedState *s, double lr, double metric)
{
    (void)metric;
    long e = s->epoch, t = c->tmax;
    double eta_min = c->min;
    if (e == 0 || t < 1) /* t < 1: unchecked */
        return lr;
    if (py_mod(e - 1 - t, 2 * t) == 0)
        return lr + (s->base_lr - eta_min) * (1 - cos(M_PI / (double)t)) / 2;
    return (1 + cos(M_PI * (double)e / (double)t)) /
               (1 + cos(M_PI * (double)(e - 1) / (double)t)) * (lr - eta_min) +
           eta_min;
}

/* ---- ReduceLROnPlateau --------------------------------------------------- */

#define PLATEAU_EPS 1e-8 /* torch's eps: smaller reductions are skipped */

static int plateau_check(const SchedConfig *c, char *err)
{
    if (c->factor >= 1.0)
        return util_err(err, "factor=%g: Factor should be < 1.0. Give a "
                        "factor between 0 and 1, such as 0.5", c->factor);
    if (!(c->factor > 0))
        return util_err(err, "factor=%g would make the lr %s; give a factor "
                        "between 0 and 1, such as 0.5", c->factor,
                        c->factor == 0 ? "0" : "negative");
    if (check_count("patience", c->patience, 0, "epochs", err))
        return -1;
    if (!(c->threshold >= 0 && c->threshold < 1))
        return util_err(err, "threshold=%g is out of range; give the relative "
                        "improvement that counts, from 0 up to but not "
                        "including 1, such as 1e-4", c->threshold);
    return 0;
}

/* torch's step(metrics) with mode min, threshold_mode rel, cooldown 0,
 * min_lr 0: a metric below best * (1 - threshold) is an improvement;
 * after more than patience epochs without one, lr becomes lr * factor
 * (unless that changes it by eps or less). */
static double plateau_step(const SchedConfig *c, SchedState *s, double lr, double metric)
{
    double rel_epsilon = 1. - c->threshold;
    if (metric < s->best * rel_epsilon) {
        s->best = metric;
        s->bad_epochs = 0;
    } else {
        s->bad_epochs++;
    }
    if (s->bad_epochs > c->patience) {
        double old_lr = lr, new_lr = old_lr * c->factor;
        if (0.0 > new_lr) /* Python's max(new_lr, min_lr): new_lr unless min_lr is larger */
            new_lr = 0.0;
        if (old_lr - new_lr > PLATEAU_EPS)
            lr = new_lr;
        s->bad_epochs = 0;
    }
    return lr;
}

/* ---- descriptors ------------------------------------------------------- */

#define OPT_L(field, req, def, about) {#field, offsetof(SchedConfig, field), true, req, def, about}
#define OPT_D(field, req, def, about) {#field, offsetof(SchedConfig, field), false, req, def, about}

static const SchedOpt step_opts[] = {
    OPT_L(size, true, 0, "epochs between reductions (torch's step_size)"),
    OPT_D(gamma, false, 0.1, "the lr is multiplied by gamma every size epochs"),
};
static const SchedOpt exp_opts[] = {
    OPT_D(gamma, true, 0, "the lr is multiplied by gamma every epoch"),
};
static const SchedOpt cosine_opts[] = {
    OPT_L(tmax, true, 0, "epochs from the starting lr down to min (torch's T_max)"),
    OPT_D(min, false, 0.0, "the lowest lr (torch's eta_min)"),
};
static const SchedOpt plateau_opts[] = {
    OPT_D(factor, false, 0.1, "the lr is multiplied by factor at each reduction"),
    OPT_L(patience, false, 10, "epochs without improvement before a reduction"),
    OPT_D(threshold, false, 1e-4, "relative improvement of the metric that counts"),
};

#define N_OPTS(a) ((int)(sizeof(a) / sizeof((a)[0])))

static const SchedDesc descs[SCHED_COUNT] = {
    [SCHED_NONE] = {"none", "(none)", "a constant lr",
                    "lr stays as set", NULL, 0, false, none_check, none_step},
    [SCHED_STEP] = {"step", "StepLR", "the lr times gamma every size epochs",
                    "lr = lr * gamma when epoch % size == 0",
                    step_opts, N_OPTS(step_opts), false, step_check, step_step},
    [SCHED_EXP] = {"exp", "ExponentialLR", "the lr times gamma every epoch",
                   "lr = lr * gamma", exp_opts, N_OPTS(exp_opts), false,
                   exp_check, exp_step},
    [SCHED_COSINE] = {"cosine", "CosineAnnealingLR",
                      "the lr follows a cosine from its start down to min in tmax epochs, then back up",
                      "lr = min + (lr - min) * (1 + cos(pi*epoch/tmax)) / (1 + cos(pi*(epoch-1)/tmax))",
                      cosine_opts, N_OPTS(cosine_opts), false, cosine_check, cosine_step},
    [SCHED_PLATEAU] = {"plateau", "ReduceLROnPlateau",
                       "the lr times factor when the loss has not improved for patience epochs",
                       "lr = lr * factor after more than patience epochs with no loss below best * (1 - threshold)",
                       plateau_opts, N_OPTS(plateau_opts), true, plateau_check, plateau_step},
};

const SchedDesc *sched_desc(SchedKind k)
{
    return (unsigned)k < SCHED_COUNT ? &descs[k] : NULL;
}

/* "a, b or c" from the descriptors' names, or from one kind's options
 * (with '=' after each) when d is not NULL. */
static void list_names(const SchedDesc *d, char *buf, size_t n)
{
    int count = d ? d->n_opts : SCHED_COUNT;
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < count && len < n; i++) {
        const char *sep = i == 0 ? "" : i == count - 1 ? " or " : ", ";
        int w = d ? snprintf(buf + len, n - len, "%s%s=", sep, d->opts[i].name)
                  : snprintf(buf + len, n - len, "%s%s", sep, descs[i].name);
        if (w < 0)
            return;
        len += (size_t)w;
    }
}

int sched_kind_parse(const char *s, SchedKind *out, char *err)
{
    for (int k = 0; k < SCHED_COUNT; k++)
        if (strcmp(s, descs[k].name) == 0) {
            *out = (SchedKind)k;
            return 0;
        }
    char names[128];
    list_names(NULL, names, sizeof names);
    return util_err(err, "there is no schedule called '%.40s'; choose %s", s, names);
}

void sched_defaults(SchedKind k, SchedConfig *c)
{
    memset(c, 0, sizeof *c);
    c->kind = k;
    const SchedDesc *d = sched_desc(k);
    for (int i = 0; d && i < d->n_opts; i++) {
        const SchedOpt *o = &d->opts[i];
        if (o->is_long)
            *(long *)FIELD(c, o->offset) = (long)o->def;
        else
            *(double *)FIELD(c, o->offset) = o->def;
    }
}

int sched_check(const SchedConfig *c, char *err)
{
    const SchedDesc *d = sched_desc(c->kind);
    if (!d)
        return util_err(err, "unknown schedule kind %d", (int)c->kind);
    return d->check(c, err);
}

/* The option of d called name (len bytes), or NULL. */
static const SchedOpt *find_opt(const SchedDesc *d, const char *name, size_t len)
{
    for (int i = 0; i < d->n_opts; i++)
        if (strlen(d->opts[i].name) == len && strncmp(d->opts[i].name, name, len) == 0)
            return &d->opts[i];
    return NULL;
}

static int unknown_opt(const SchedDesc *d, const char *name, size_t len, char *err)
{
    char key[64];
    snprintf(key, sizeof key, "%.*s", (int)(len < 40 ? len : 40), name);
    if (d->n_opts == 0)
        return util_err(err, "the schedule %s takes no options; drop '%s'", d->name, key);
    const char *near = NULL;
    int best = 3;
    for (int i = 0; i < d->n_opts; i++) {
        int dist = util_edit_distance(key, d->opts[i].name);
        if (dist < best) {
            best = dist;
            near = d->opts[i].name;
        }
    }
    char names[128];
    list_names(d, names, sizeof names);
    if (near)
        return util_err(err, "the schedule %s has no option '%s'; did you mean %s=? "
                        "It takes %s", d->name, key, near, names);
    return util_err(err, "the schedule %s has no option '%s'; it takes %s",
                    d->name, key, names);
}

int sched_parse(const char *const *words, int n, SchedConfig *out, char *err)
{
    if (n < 1) {
        char names[128];
        list_names(NULL, names, sizeof names);
        return util_err(err, "name a schedule: %s", names);
    }
    SchedKind k;
    if (sched_kind_parse(words[0], &k, err))
        return -1;
    const SchedDesc *d = sched_desc(k);
    SchedConfig c;
    sched_defaults(k, &c);
    bool given[SCHED_MAX_OPTS] = {false}; /* d->n_opts <= SCHED_MAX_OPTS */
    for (int w = 1; w < n; w++) {
        const char *eq = strchr(words[w], '=');
        size_t len = eq ? (size_t)(eq - words[w]) : strlen(words[w]);
        const SchedOpt *o = find_opt(d, words[w], len);
        if (!o)
            return unknown_opt(d, words[w], len, err);
        if (!eq || eq[1] == '\0')
            return util_err(err, "%s needs a value, as in %s=%s", o->name, o->name,
                            o->is_long ? "10" : "0.5");
        int i = (int)(o - d->opts);
        if (given[i])
            return util_err(err, "%s= is given twice; give it once", o->name);
        given[i] = true;
        if (o->is_long) {
            long v;
            if (!util_parse_long(eq + 1, LONG_MIN, LONG_MAX, &v))
                return util_err(err, "%s=%.40s is not a whole number; give a "
                                "count of epochs, such as %s=10", o->name, eq + 1, o->name);
            *(long *)FIELD(&c, o->offset) = v;
        } else {
            double v;
            if (!util_parse_double(eq + 1, &v))
                return util_err(err, "%s=%.40s is not a number; give one such "
                                "as %s=0.5", o->name, eq + 1, o->name);
            *(double *)FIELD(&c, o->offset) = v;
        }
    }
    for (int i = 0; i < d->n_opts; i++)
        if (d->opts[i].required && !given[i])
            return util_err(err, "the schedule %s needs %s=, %s", d->name,
                            d->opts[i].name, d->opts[i].about);
    if (d->check(&c, err))
        return -1;
    *out = c;
    return 0;
}

/* v with the fewest digits that read back as v (up to 17). */
static int put_double(char *buf, size_t n, double v)
{
    char tmp[32];
    for (int prec = 15; prec <= 17; prec++) {
        snprintf(tmp, sizeof tmp, "%.*g", prec, v);
        double back;
        if (prec == 17 || (util_parse_double(tmp, &back) && back == v))
            break;
    }
    return snprintf(buf, n, "%s", tmp);
}

void sched_describe(const SchedConfig *c, char *buf, size_t n)
{
    const SchedDesc *d = sched_desc(c->kind);
    size_t len = (size_t)snprintf(buf, n, "%s", d ? d->name : "?");
    for (int i = 0; d && i < d->n_opts && len < n; i++) {
        const SchedOpt *o = &d->opts[i];
        const char *field = (const char *)c + o->offset;
        len += (size_t)snprintf(buf + len, n - len, " %s=", o->name);
        if (len >= n)
            break;
        if (o->is_long)
            len += (size_t)snprintf(buf + len, n - len, "%ld", *(const long *)field);
        else
            len += (size_t)put_double(buf + len, n - len, *(const double *)field);
    }
}

/* ---- running ----------------------------------------------------------------- */

void sched_start(SchedState *s, double lr)
{
    s->epoch = 0;
    s->base_lr = lr;
    s->best = INFINITY;
    s->bad_epochs = 0;
}

double sched_step(const SchedConfig *c, SchedState *s, double lr, double metric)
{
    const SchedDesc *d = sched_desc(c->kind);
    s->epoch++;
    return d ? d->step(c, s, lr, metric) : lr;
}

static bool same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

bool sched_state_equal(const SchedState *a, const SchedState *b)
{
    return a->epoch == b->epoch && same(a->base_lr, b->base_lr) &&
           same(a->best, b->best) && a->bad_epochs == b->bad_epochs;
}
