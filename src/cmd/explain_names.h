/* explain_names.h — which names `explain` writes out, and its refusals of
 * the others (explain_names.c): input data, hyperparameters, measures,
 * functions of a whole tensor, a conv layer's maps, an optimizer's state. */
#ifndef PARAMLAB_EXPLAIN_NAMES_H
#define PARAMLAB_EXPLAIN_NAMES_H

#include "cmd.h"

/* What explain does, for its refusals. */
#define EXPLAIN_NAMES_WHAT "explain writes out one number of W1 b1 ..., dW1 db1 ..., Z1 A1 ..., dZ1 dA1 ..., M1 ..., yhat or loss"

/* Whether ref names a conv layer's kernel or bias (K c, or their
 * gradients). */
bool explain_names_conv_param(const Session *s, const char *ref);
/* Whether explain writes out the elements of the tensor tn names, by the
 * name alone. */
bool explain_names_explains(const Session *s, const TensorName *tn);
/* Refuses a name explain does not write out, saying what it is and where
 * to see it. Returns -1. */
int explain_names_refuse(CmdCtx *c, const char *ref, const char *name, const TensorName *tn);
/* -1 refusing ref when it names an optimizer's state; 0 otherwise. */
int explain_names_refuse_state(CmdCtx *c, const char *ref);

#endif
