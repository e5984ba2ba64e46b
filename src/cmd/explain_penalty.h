/* explain_penalty.h — what `explain loss` says about the weight penalties
 * (explain_penalty.c): the l1 and l2 terms the batch's loss adds to the
 * mean of its samples' losses, each with its formula and numbers, and the
 * total as their sum. */
#ifndef PARAMLAB_EXPLAIN_PENALTY_H
#define PARAMLAB_EXPLAIN_PENALTY_H

#include "cmd.h"

/* The penalty's part of the loss's formula: "l1·Σ|w|", "(l2/2)·Σw²" or
 * both joined by " + "; "" when no penalty is on. */
const char *explain_penalty_formula(const CmdCtx *c);
/* After the data term (the samples' mean, already written out): each
 * penalty on, its formula and numbers, then loss = data + penalties. The
 * numbers are those `loss` stored, so they hold after an update too. */
void explain_penalty_terms(CmdCtx *c);

#endif
