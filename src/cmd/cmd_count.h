/* cmd_count.h — `count`: the parameters of one layer of a kind (dense,
 * conv, attention, embedding, lstm), formula first (cmd_count.c). */
#ifndef PARAMLAB_CMD_COUNT_H
#define PARAMLAB_CMD_COUNT_H

#include "cmd.h"
#include "cmd_util.h"

/* count KIND SIZES... [heads=H]: prints the formula, the numbers and the
 * total; -1 with c->err for an unknown kind, bad sizes or a total past
 * 2^63 - 1. Changes nothing. */
int cmd_count(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_count(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

#endif
