/* optim.c — the optimizers of torch.optim 1.13, written as its
 * single-tensor (foreach=False) code paths: same defaults, same argument
 * checks and messages, and the same arithmetic in the same order, so a
 * float64 PyTorch run and paramlab agree to the last few bits. The state of
 * every parameter lives in slots named as in PyTorch's state dict; a step
 * is one flat loop over the parameters and allocates nothing.
 *
 * Each optimizer is one section of optim_classic.c or optim_adam.c ending
 * in its descriptor (OptDesc: name, hyperparameters, defaults, checks,
 * slots, step, and the text `explain` shows). This file holds the table
 * of descriptors and the functions the rest of paramlab calls, which only
 * read the descriptor; optim_common.c holds the helpers the descriptors
 * share. */
#include "optim.h"

#include <assert.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim_kinds.h"
#include "util.h"

/* ---- the descriptors, and what the rest of paramlab asks them ---- */

static const OptDesc *const descs[OPT_COUNT] = {
    [OPT_SGD] = &optim_sgd,
    [OPT_ADAGRAD] = &optim_adagrad,
    [OPT_RMSPROP] = &optim_rmsprop,
    [OPT_ADADELTA] = &optim_adadelta,
    [OPT_ADAM] = &optim_adam,
    [OPT_ADAMW] = &optim_adamw,
    [OPT_ADAMAX] = &optim_adamax,
    [OPT_NADAM] = &optim_nadam,
    [OPT_RADAM] = &optim_radam,
    [OPT_RPROP] = &optim_rprop,
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

const char *optim_torch_note(OptKind k)
{
    return (unsigned)k < OPT_COUNT ? descs[k]->torch_note : NULL;
}

int optim_check(const OptConfig *c, char *err, OptRefusal *why)
{
    OptRefusal mine;
    why = why ? why : &mine;
    *why = (OptRefusal){NULL, NULL};
    const OptDesc *d = optim_desc(c->kind);
    if (!d)
        return util_err(err, "unknown optimizer");
    if (d->check(c, err, why) != 0)
        return -1;
    /* PyTorch lets lr=inf (or an unchecked NaN) through; paramlab does not */
    for (int i = 0; i < d->n_hypers; i++) {
        const OptHyper *h = &d->hypers[i];
        if (h->is_bool)
            continue;
        double v = *(const double *)(const void *)((const char *)c + h->offset);
        if (!isfinite(v)) {
            char num[64];
            optim_py_repr(v, num, sizeof num);
            *why = (OptRefusal){h->name, "a finite number"};
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
    if (optim_check(c, err, NULL) != 0)
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

bool optim_decay_decoupled(OptKind kind)
{
    return (unsigned)kind < OPT_COUNT && descs[kind]->decoupled_decay;
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
