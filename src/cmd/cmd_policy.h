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
 * c->err saying why not and what to do. 1 (with that line in c->err)
 * when path exists and paramlab did not write it: a writer that can tell
 * what it would write may then check with cmd_policy_same; any other
 * caller takes 1 as the refusal it is. */
int cmd_policy_may_write(CmdCtx *c, const char *path);
/* After 1 from cmd_policy_may_write: whether the file at path already
 * holds exactly these n bytes. Then nothing needs replacing, so it counts
 * as written (a lesson that saves or exports runs again in the same folder
 * without a file in its way): 0. Otherwise -1, with c->err as it was. */
int cmd_policy_same(CmdCtx *c, const char *path, const void *bytes, size_t n);
/* Remembers that paramlab wrote path, so a later run may replace it. */
void cmd_policy_wrote(CmdCtx *c, const char *path);
/* Refuses a file gnuplot would write (ext "png" or "svg") that cannot be
 * written now, without creating or opening anything: a directory, a
 * device or a pipe, a symbolic link, no write permission. 0, or -1 with
 * one line in c->err. */
int cmd_policy_check_file(CmdCtx *c, const char *file, const char *ext);
/* Forgets every file remembered (at the end of the context). */
void cmd_policy_free(CmdCtx *c);

#endif
