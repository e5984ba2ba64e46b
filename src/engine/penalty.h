/* penalty.h — the weight penalties added to a loss: L2, (λ2/2)·Σ w², and
 * L1, λ1·Σ |w|, over every weight matrix of a model (biases excluded), as
 * one writes them by hand in PyTorch (`loss + l2/2 * sum(w.pow(2).sum())`).
 * Their gradients, λ2·w and λ1·sign(w) with sign(0) = 0 (torch.sign), are
 * added to the weight gradients in the order torch.optim.SGD adds its
 * weight_decay (g + λ·p), so plain SGD with l2 λ is SGD with weight_decay λ
 * on the weights, bit for bit. No printing, no allocation. */
#ifndef PARAMLAB_PENALTY_H
#define PARAMLAB_PENALTY_H

#include <stdbool.h>

#include "nn.h"

typedef struct Penalty {
    double l1; /* λ1 >= 0; 0: off */
    double l2; /* λ2 >= 0; 0: off */
} Penalty;

/* 0 when both λ are finite and >= 0; else -1 (ERR_INPUT) and why, naming
 * the one refused. */
int penalty_check(const Penalty *p, char *err);
/* Whether any penalty is on. */
bool penalty_on(const Penalty *p);
/* The penalty of the model's weights: *l1 and *l2 receive each part (0
 * when off); returns their sum. */
double penalty_value(const Penalty *p, const Model *m, double *l1, double *l2);
/* Adds the penalty's gradient to the model's weight gradients: g = g + λ2·w,
 * then g = g + λ1·sign(w). Biases are left alone. */
void penalty_grad(const Penalty *p, Model *m);
/* The penalty's part of dL/dw for one weight value w. */
double penalty_grad_one(const Penalty *p, double w);
/* torch.sign: -1, 0 or 1 (NaN stays NaN). */
double penalty_sign(double w);

#endif
