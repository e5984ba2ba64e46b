/* explain_penalty.c — the weight penalties in `explain loss`. With l1 or
 * l2 on, the loss `loss` reports is the mean of the samples' losses (the
 * data term) plus l1·Σ|w| and (l2/2)·Σw² over every weight (W or K;
 * biases carry no penalty). Each term is written with its formula and its
 * numbers, and the total as their sum, so every line's arithmetic holds.
 * Σ|w| and Σw² are read back from the terms `loss` stored (the weights may
 * have been updated since), as penalty_value formed them. */
#include "explain_penalty.h"

#include <stdio.h>

#include "cmd_util.h"

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

const char *explain_penalty_formula(const CmdCtx *c)
{
    const Penalty *p = &c->s->pen;
    if (p->l1 != 0 && p->l2 != 0)
        return "l1·Σ|w| + (l2/2)·Σw²";
    if (p->l1 != 0)
        return "l1·Σ|w|";
    return p->l2 != 0 ? "(l2/2)·Σw²" : "";
}

/* "W1 W2", the weight tensors the penalty covers, into buf; their number
 * of weights is returned. */
static size_t weight_names(const Model *m, char *buf, size_t n)
{
    size_t count = 0, used = 0;
    buf[0] = '\0';
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *ly = &m->layer[k];
        count += layer_weights(ly);
        int w = snprintf(buf + used, n - used, "%s%c%d", k ? " " : "", layer_desc(ly)->weight, k + 1);
        if (w < 0 || (size_t)w >= n - used)
            break;
        used += (size_t)w;
    }
    return count;
}

void explain_penalty_terms(CmdCtx *c)
{
    const Session *s = c->s;
    const Penalty *p = &s->pen;
    char names[256];
    size_t nw = weight_names(s->model, names, sizeof names);
    cmd_out(c, "The penalty, over the %zu weight%s of %s (biases carry none):\n", nw, CMD_S(nw), names);
    if (p->l1 != 0)
        cmd_out(c, "  l1·Σ|w| = %s·%s = %s\n", NUM(p->l1), NUM(s->loss_l1 / p->l1), NUM(s->loss_l1));
    if (p->l2 != 0)
        cmd_out(c, "  (l2/2)·Σw² = (%s/2)·%s = %s\n", NUM(p->l2), NUM(2 * s->loss_l2 / p->l2), NUM(s->loss_l2));
    cmd_out(c, "So the batch's loss, the data term plus the penalty:\n");
    cmd_out(c, "  loss = %s", NUM(s->loss_data));
    if (p->l1 != 0)
        cmd_out(c, " + %s", NUM(s->loss_l1));
    if (p->l2 != 0)
        cmd_out(c, " + %s", NUM(s->loss_l2));
    cmd_out(c, " = %s\n", NUM(s->loss_value));
}
