/* cmd_cnn.h — `model cnn` and the conv rows of `params` (cmd_cnn.c). */
#ifndef PARAMLAB_CMD_CNN_H
#define PARAMLAB_CMD_CNN_H

#include "cmd.h"
#include "cmd_hint.h"

/* `model cnn ...` (argv[1] is "cnn"): 0, or -1 with c->err. */
int cmd_model_cnn(CmdCtx *c, int argc, char **argv);
/* The rows of `params` for conv layer k (1-based): its kernel and bias,
 * and the count beside a dense layer's over the same input and output. */
void cmd_params_conv(CmdCtx *c, int k);
/* The options of `model cnn` for completion. */
CmdComplete cmd_complete_cnn(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

#endif
