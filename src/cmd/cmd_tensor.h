/* cmd_tensor.h — the learner's names for numbers (cmd_tensor.c): parsing
 * and resolving "W1", "dZ2[3,0]", "b1[3]", printing a tensor, editing a
 * parameter by assignment. */
#ifndef PARAMLAB_CMD_TENSOR_H
#define PARAMLAB_CMD_TENSOR_H

#include "cmd_ctx.h"
#include "cmd_grid.h"

/* One index or slice of a reference: an element i (lo), or a:b with
 * either end left open. */
typedef struct CmdIndex {
    bool slice;            /* a:b rather than one index */
    bool open_lo, open_hi; /* ":b", "a:" */
    long lo, hi;           /* the index, or the slice's ends (may be negative) */
} CmdIndex;
/* The brackets of a reference: none, one, two or four indices. */
typedef struct CmdRef {
    int n;           /* 0: the whole name */
    CmdIndex at[4];
} CmdRef;

/* The one grammar of references: "NAME", "NAME[i]", "NAME[i,j]",
 * "NAME[f,c,i,j]" (a 4-D tensor) and the
 * slices "NAME[a:b]", "NAME[a:b, j]", "NAME[:, j]", "NAME[1:]" into name
 * (n bytes) and r, without asking whether the name exists. -1 with
 * c->err on a malformed name or brackets. */
int cmd_parse_slice(CmdCtx *c, const char *ref, char *name, size_t n, CmdRef *r);
/* Whether r holds a slice. */
bool cmd_ref_sliced(const CmdRef *r);
/* The part of t that r picks, as a view (one index on a vector or a
 * one-row tensor picks columns, on a matrix rows); -1 with c->err when an
 * element index is out of range. */
int cmd_ref_view(CmdCtx *c, const Tensor *t, const CmdRef *r, CmdView *v);

/* cmd_parse_slice for one element or a whole name: a slice is refused.
 * -1 with c->err. */
int cmd_parse_ref(CmdCtx *c, const char *ref, char *name, size_t n, CmdRef *r);
/* The indices of one element of t, for a message: "[0]" (a vector, or a
 * tensor of one row or column), "[0,1]", or four for a 4-D tensor. */
const char *cmd_index_example(const Tensor *t);
/* The flat index of the element r names in t (no slices): one index for a
 * vector (or a tensor of one row or column), two for a matrix, four for a
 * 4-D tensor (a conv kernel or a conv layer's maps); a negative index
 * counts from the end, as in Python. -1 with c->err saying the shape
 * otherwise. */
int cmd_ref_index(CmdCtx *c, const Tensor *t, const CmdRef *r, size_t *at);
/* Prints a 4-D tensor as labelled 2-D blocks, one per pair of its first
 * two indices ((f,c) of a kernel, (row,channel) of maps); all: every block
 * (else the first ones that fit the screen). cmd_tensor4.c */
void cmd_print_4d(CmdCtx *c, const Tensor *t, const char *what, bool all);
/* Resolves "W1" or an element "W1[0,2]" / "b1[3]" that exists now: t
 * receives the tensor, *at the flat element index (-1 for a whole name).
 * -1 with c->err (with "did you mean") otherwise. */
int cmd_ref(CmdCtx *c, const char *ref, Tensor *t, long *at);
/* session_tensor refused name with code (c->err says why): adds what to
 * run to make it, or the closest name that exists when name was a typo or
 * a layer the model lacks. Returns -1. */
int cmd_name_refused(CmdCtx *c, const char *name, int code);
/* A name that may exist in some session (W3, dA1, yhat ...), or an element
 * NAME[...] of one, judged by its name alone. */
bool cmd_known_name(const char *word);
/* Prints t with `what` (NULL: nothing) in the heading: cmd_print_view
 * of all of it, rows cut to the screen. */
void cmd_print_tensor(CmdCtx *c, const Tensor *t, const char *what);
/* Shows a name, one element or a slice of it (what `W1`, `show W1[0,1]`
 * or `show W1[2:5, 0]` prints); all: every row and column. */
int cmd_show_ref(CmdCtx *c, const char *ref, bool all);
/* NAME[i,j] = v  or  NAME = [..] / [[..],[..]]: edits a parameter. */
int cmd_assign(CmdCtx *c, char *lhs, char *rhs);

#endif
