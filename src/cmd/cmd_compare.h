/* cmd_compare.h — the `compare` command (cmd_compare.c): its handler and
 * completer, which the command table points at. */
#ifndef PARAMLAB_CMD_COMPARE_H
#define PARAMLAB_CMD_COMPARE_H

#include "cmd.h"

/* compare optimizer NAME NAME ... [epochs=N] [lr=X] [from=current|init] */
int cmd_compare(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_compare(const CmdCtx *c, int argi, char **words, int n,
                                 void (*add)(void *ctx, const char *word), void *ctx);

#endif
