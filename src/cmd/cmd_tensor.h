/* cmd_tensor.h — the learner's names for numbers (cmd_tensor.c): parsing
 * and resolving "W1", "dZ2[3,0]", "b1[3]", printing a tensor, editing a
 * parameter by assignment. */
#ifndef PARAMLAB_CMD_TENSOR_H
#define PARAMLAB_CMD_TENSOR_H

#include "cmd_ctx.h"

/* Parses "NAME", "NAME[i]" or "NAME[i,j]" into name (n bytes) and 0-based
 * indices (-1 when absent), without asking whether the name exists.
 * -1 with c->err on a malformed name or brackets. */
int cmd_parse_ref(CmdCtx *c, const char *ref, char *name, size_t n, long *i, long *j);
/* Resolves the element (i, j) of t to a flat index; a vector, a one-row
 * tensor ([i] is the column) and a one-column tensor take one index. -1
 * with c->err saying the valid range otherwise. */
int cmd_element_index(CmdCtx *c, const Tensor *t, long i, long j, size_t *at);
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
/* Prints t, abridged past 20 rows or 12 columns, with row and column
 * indices and `what` (NULL: nothing) in the heading. */
void cmd_print_tensor(CmdCtx *c, const Tensor *t, const char *what);
/* Shows a name or one element of it (what `W1` or `show W1[0,1]` prints). */
int cmd_show_ref(CmdCtx *c, const char *ref);
/* NAME[i,j] = v  or  NAME = [..] / [[..],[..]]: edits a parameter. */
int cmd_assign(CmdCtx *c, char *lhs, char *rhs);

#endif
