/* explain.h — the `explain` instrument: how one number of the session came
 * to be, formula first, then the same formula with the session's numbers.
 * For a weight or bias: its gradient written out over the batch, where dZ
 * comes from, and the optimizer's update of that one element (the one
 * `update` will take, or the one it took). Also Z and A of one sample, yhat
 * and the loss of one sample. It reads the session and changes nothing. */
#ifndef PARAMLAB_EXPLAIN_H
#define PARAMLAB_EXPLAIN_H

#include "cmd.h"

/* Prints to c->out how the number ref names came to be: "W1[0,1]",
 * "b2[0]", "dW1[0,1]", "Z1[3,0]", "A1[3,0]", "dZ2[3,0]", "dA1[3,0]",
 * "yhat[3,0]", "loss[3]" or "loss". Returns 0, or -1 with c->err saying
 * which command to run first, or why the name has nothing to explain. */
int explain_run(CmdCtx *c, const char *ref);

/* The `explain` command's handler (argv[0] is "explain"): joins an element
 * written with spaces ("W1[0, 1]", "W1 [0,1]") into one reference and runs
 * explain_run. */
int explain_cmd(CmdCtx *c, int argc, char **argv);

/* The `explain` command's completion: the names that exist now whose
 * elements explain writes out (not X Y, the scalar names, norm_ std_ or a
 * conv layer's maps). */
CmdComplete explain_complete(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx);

#endif
