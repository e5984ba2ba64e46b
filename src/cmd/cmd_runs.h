/* cmd_runs.h — the run log as commands: where it lives (`runs dir`,
 * PARAMLAB_RUNS, $XDG_DATA_HOME/paramlab/runs), `set tracking on|off`,
 * logging a run after `train`, a cv fold or a search trial, and reading
 * it back (`runs`, `runs show ID`, `runs compare ID ID...`). */
#ifndef PARAMLAB_CMD_RUNS_H
#define PARAMLAB_CMD_RUNS_H

#include "cmd_ctx.h"
#include "runlog.h"

/* The run folder in force into buf: `runs dir`, else PARAMLAB_RUNS, else
 * $XDG_DATA_HOME/paramlab/runs, else ~/.local/share/paramlab/runs. false
 * (buf "") when none can be named (no HOME). */
bool cmd_runs_dir(const CmdCtx *c, char *buf, size_t n);
/* Logs a run of session s when tracking is on; a run that cannot be
 * written is a printed note, not a failure. The run's id goes into id
 * (RUN_ID_LEN bytes; "" when not logged). */
void cmd_runs_record(CmdCtx *c, const Session *s, const RunInfo *ri, const RunCurve *curve, char *id);
/* A curve for a run of epochs epochs when tracking is on, else NULL. */
RunCurve *cmd_runs_curve(const CmdCtx *c, long epochs);

int cmd_runs(CmdCtx *c, int argc, char **argv);
int cmd_set_tracking(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_runs(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx);

#endif
