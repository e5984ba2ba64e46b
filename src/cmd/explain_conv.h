/* explain_conv.h — what `explain` says about a conv layer's kernel and
 * bias elements (explain_conv.c): what the element does in the layer, and
 * its gradient as the sum over the batch rows and every position the
 * filter visited, formula first, then the numbers. explain.c adds the
 * optimizer's update, as for a dense weight. */
#ifndef PARAMLAB_EXPLAIN_CONV_H
#define PARAMLAB_EXPLAIN_CONV_H

#include "cmd.h"

/* One element of a conv layer's parameters: Kk[f,ch,i,j] or ck[f]. */
typedef struct ConvElem {
    int k;        /* the layer, from 1 */
    bool bias;    /* ck[f] rather than Kk[f,ch,i,j] */
    int f, ch, i, j;
} ConvElem;

/* Parses the indices of a reference to a conv layer's K or c (4 or 1)
 * into e, checking them against the layer; *at receives the flat index in
 * the parameters and pname the element's name. -1 with c->err. */
int explain_conv_elem(CmdCtx *c, const char *ref, ConvElem *e, size_t *at, char *pname, size_t n);
/* What the element does: the layer's formula with it. */
void explain_conv_describe(CmdCtx *c, const ConvElem *e, const char *pname);
/* Its gradient after `backward`: the formula, then the batch's numbers
 * (how many terms, the largest of them, their sum, and backward's value
 * when no clipping is on). Returns the gradient before clipping (the sum
 * plus the penalty's part), for the caller to write clipping's step. */
double explain_conv_gradient(CmdCtx *c, const ConvElem *e, const char *pname);

/* Whether dense layer k reads a conv layer's map (its P, or its A when it
 * does not pool): shape receives (channels, rows, columns) of one sample. */
bool explain_conv_input(const Model *m, int k, int shape[3]);
/* Input f of that dense layer, the map flattened, as the map's indices
 * "c,y,x" (f = c·rows·columns + y·columns + x), in buf. */
const char *explain_conv_flat(const int shape[3], int f, char *buf, size_t n);
/* The line saying how that dense layer reads in (its input's name, "P1"):
 * flattened, with the formula of f. */
void explain_conv_flatten(CmdCtx *c, const int shape[3], int k, const char *in);

#endif
