/* optim_io.c — an optimizer's settings and state as binary records for a
 * saved session (see optim.h). The settings are written by name through
 * the descriptor's hyperparameter table, so adding a hyperparameter or a
 * kind needs nothing here. */
#include "optim.h"

#include <limits.h>
#include <stdbool.h>
#include <string.h>

#include "util.h"

void optim_config_write(const OptConfig *c, BinBuf *b)
{
    int n;
    const OptHyper *h = optim_hypers(c->kind, &n);
    bin_str(b, optim_name(c->kind));
    bin_u32(b, (uint32_t)n);
    for (int i = 0; i < n; i++) {
        const char *at = (const char *)c + h[i].offset;
        bin_str(b, h[i].name);
        bin_f64(b, h[i].is_bool ? (*(const bool *)at ? 1.0 : 0.0) : *(const double *)at);
    }
}

int optim_config_read(OptConfig *c, BinIn *r, char *err)
{
    char name[64];
    OptKind k;
    bin_get_str(r, name, sizeof name);
    if (r->bad)
        return util_err(err, "the optimizer's record is cut short");
    if (optim_parse(name, &k) != 0)
        return util_err(err, "it names an optimizer this version does not know (%s)", util_clean_text(name));
    OptConfig use;
    optim_defaults(k, &use);
    int nh;
    const OptHyper *h = optim_hypers(k, &nh);
    uint32_t n = bin_get_u32(r);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        bin_get_str(r, name, sizeof name);
        double v = bin_get_f64(r);
        int j = 0;
        while (j < nh && strcmp(h[j].name, name) != 0)
            j++;
        if (r->bad)
            break;
        if (j == nh)
            return util_err(err, "it gives %s a setting this version does not know (%s)", optim_name(k),
                            util_clean_text(name));
        char *at = (char *)&use + h[j].offset;
        if (h[j].is_bool)
            *(bool *)at = v != 0;
        else
            *(double *)at = v;
    }
    if (r->bad)
        return util_err(err, "the optimizer's record is cut short");
    if (optim_check(&use, err, NULL) != 0)
        return -1;
    *c = use;
    return 0;
}

void optim_state_write(const Optim *o, BinBuf *b)
{
    bin_i64(b, o->step);
    bin_f64(b, o->mu_product);
    bin_i64(b, o->n_slots);
    bin_u64(b, o->n);
    bin_f64s(b, o->state, o->n * (size_t)o->n_slots);
}

void optim_state_read(Optim *o, BinIn *r)
{
    long step = bin_get_long(r, 0, LONG_MAX);
    double mu = bin_get_f64(r);
    int slots = bin_get_int(r, 0, OPT_MAX_SLOTS);
    uint64_t n = bin_get_u64(r);
    if (r->bad || slots != o->n_slots || n != o->n) {
        r->bad = true;
        return;
    }
    bin_get_f64s(r, o->state, o->n * (size_t)o->n_slots);
    o->step = step;
    o->mu_product = mu;
}
