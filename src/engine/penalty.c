/* penalty.c — the L1 and L2 weight penalties: their value over the weight
 * matrices of a model and their gradient, added in place to the weight
 * gradients. See penalty.h for why the order of the additions matters. */
#include "penalty.h"

#include <math.h>

#include "util.h"

int penalty_check(const Penalty *p, char *err)
{
    if (!(p->l1 >= 0) || !isfinite(p->l1))
        return util_err(err, "l1 must be a finite number of 0 or more (0 turns it off), got %g", p->l1);
    if (!(p->l2 >= 0) || !isfinite(p->l2))
        return util_err(err, "l2 must be a finite number of 0 or more (0 turns it off), got %g", p->l2);
    return 0;
}

bool penalty_on(const Penalty *p)
{
    return p->l1 != 0 || p->l2 != 0;
}

double penalty_sign(double w)
{
    return w > 0 ? 1.0 : w < 0 ? -1.0 : w; /* 0, -0 and NaN stay as they are */
}

double penalty_value(const Penalty *p, const Model *m, double *l1, double *l2)
{
    double s1 = 0, s2 = 0;
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *ly = &m->layer[k];
        const double *w = m->params + ly->w_off;
        size_t n = layer_weights(ly); /* W or K; biases carry no penalty */
        double a1 = 0, a2 = 0;
        if (p->l1 != 0)
            for (size_t i = 0; i < n; i++)
                a1 += fabs(w[i]);
        if (p->l2 != 0)
            for (size_t i = 0; i < n; i++)
                a2 += w[i] * w[i];
        s1 += a1;
        s2 += a2;
    }
    *l1 = p->l1 != 0 ? p->l1 * s1 : 0.0;
    *l2 = p->l2 != 0 ? p->l2 / 2 * s2 : 0.0;
    return *l1 + *l2;
}

double penalty_grad_one(const Penalty *p, double w)
{
    double g = 0;
    if (p->l2 != 0)
        g = g + p->l2 * w;
    if (p->l1 != 0)
        g = g + p->l1 * penalty_sign(w);
    return g;
}

void penalty_grad(const Penalty *p, Model *m)
{
    if (!penalty_on(p))
        return;
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *ly = &m->layer[k];
        const double *w = m->params + ly->w_off;
        double *g = m->grads + ly->w_off;
        size_t n = layer_weights(ly); /* W or K; biases carry no penalty */
        if (p->l2 != 0)
            for (size_t i = 0; i < n; i++)
                g[i] = g[i] + p->l2 * w[i]; /* as SGD's d_p.add(p, alpha=weight_decay) */
        if (p->l1 != 0)
            for (size_t i = 0; i < n; i++)
                g[i] = g[i] + p->l1 * penalty_sign(w[i]);
    }
}
