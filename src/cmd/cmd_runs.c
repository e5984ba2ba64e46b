/* cmd_runs.c — the run log as commands (cmd_runs.h): where runs go,
 * recording one, and `set tracking`. Writing the log is runlog.c's; the
 * `runs` command that reads it back is cmd_runs_show.c's. */
#include "cmd_runs.h"
#include "cmd_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


bool cmd_runs_dir(const CmdCtx *c, char *buf, size_t n)
{
    const char *env = getenv("PARAMLAB_RUNS"), *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
    int w;
    if (c->runs_dir[0])
        w = snprintf(buf, n, "%s", c->runs_dir);
    else if (env && env[0])
        w = snprintf(buf, n, "%s", env);
    else if (xdg && xdg[0] == '/') /* the XDG rule: a relative value is ignored */
        w = snprintf(buf, n, "%s/paramlab/runs", xdg);
    else if (home && home[0])
        w = snprintf(buf, n, "%s/.local/share/paramlab/runs", home);
    else
        w = -1;
    if (w < 0 || (size_t)w >= n) {
        buf[0] = '\0';
        return false;
    }
    return true;
}

RunCurve *cmd_runs_curve(const CmdCtx *c, long epochs)
{
    return c->tracking_off ? NULL : run_curve_new(epochs);
}

void cmd_runs_record(CmdCtx *c, const Session *s, const RunInfo *ri, const RunCurve *curve, char *id)
{
    id[0] = '\0';
    if (c->tracking_off)
        return;
    char dir[1024], why[ERR_LEN];
    if (!cmd_runs_dir(c, dir, sizeof dir)) {
        cmd_out(c, "note: run not logged: no run folder (set HOME or PARAMLAB_RUNS, or `runs dir DIR`)\n");
        return;
    }
    if (run_append(dir, s, ri, curve, id, why) != 0) {
        id[0] = '\0';
        cmd_out(c, "note: run not logged: %s (`set tracking off` stops logging)\n", why);
    }
}

int cmd_set_tracking(CmdCtx *c, int argc, char **argv)
{
    bool on;
    if (!util_parse_bool(argv[2], &on))
        return cmd_fail(c, "tracking is a switch: on or off, got '%s'", argv[2]);
    c->tracking_off = !on;
    char dir[1024];
    cmd_runs_dir(c, dir, sizeof dir);
    if (on)
        cmd_out(c, "tracking on: every train, cv fold and search trial is logged in %s/runs.jsonl\n",
                dir[0] ? dir : "(no folder: set PARAMLAB_RUNS)");
    else
        cmd_out(c, "tracking off: runs are not logged\n");
    return 0;
}

