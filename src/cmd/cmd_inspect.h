/* cmd_inspect.h — the `gradcheck` and `diagnose` commands: handlers and
 * the completer that the command table (cmd_table.c) points at. The numbers come
 * from inspect.c; these functions word and print them. */
#ifndef PARAMLAB_CMD_INSPECT_H
#define PARAMLAB_CMD_INSPECT_H

#include "cmd.h"

/* gradcheck [PARAM]: the table of relative errors per tensor, the skipped
 * kinks and a verdict. -1 with c->err when it cannot run. */
int cmd_gradcheck(CmdCtx *c, int argc, char **argv);
/* diagnose: the per-layer table and one line per finding. */
int cmd_diagnose(CmdCtx *c, int argc, char **argv);
/* Tab completion of gradcheck's and state's PARAM: the parameter names of
 * the model. */
CmdComplete cmd_complete_param(const CmdCtx *c, int argi, char **words, int n,
                               void (*add)(void *ctx, const char *word), void *ctx);

#endif
