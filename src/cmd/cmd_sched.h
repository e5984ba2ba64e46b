/* cmd_sched.h — `set schedule` and `set clip` (cmd_sched.c), which
 * cmd_set.c's table of settable names points at, and their `hypers` lines. */
#ifndef PARAMLAB_CMD_SCHED_H
#define PARAMLAB_CMD_SCHED_H

#include "cmd.h"

/* set schedule none|step|exp|cosine|plateau [key=value ...] (argv[1] is "schedule") */
int cmd_set_schedule(CmdCtx *c, int argc, char **argv);
/* set clip norm=X|value=X|off (argv[1] is "clip") */
int cmd_set_clip(CmdCtx *c, int argc, char **argv);
/* The schedule's and clipping's lines of `hypers`, when they are on. */
void cmd_sched_hypers(CmdCtx *c);
/* Tab completion: the kinds, then the kind's options; norm= value= off. */
CmdComplete cmd_complete_schedule(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
CmdComplete cmd_complete_clip(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

#endif
