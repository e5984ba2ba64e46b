/* cmd_policy.h — the file policy for lessons and scripts: while one runs
 * (c->scripted > 0: `lesson`, `run`, a file named on the command line,
 * --check) a command may create files only under the current folder and
 * may replace only a file that paramlab itself wrote in this process;
 * people typing commands keep full freedom. Every command that writes a
 * file (export, record, set plot ... file=, plot) asks here first. */
#ifndef PARAMLAB_CMD_POLICY_H
#define PARAMLAB_CMD_POLICY_H

#include "cmd_ctx.h"

/* 0 when the command running may write path now; -1 with one line in
 * c->err saying why not and what to do. */
int cmd_policy_may_write(CmdCtx *c, const char *path);
/* Remembers that paramlab wrote path, so a later run may replace it. */
void cmd_policy_wrote(CmdCtx *c, const char *path);
/* Forgets every file remembered (at the end of the context). */
void cmd_policy_free(CmdCtx *c);

#endif
