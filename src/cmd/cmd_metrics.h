/* cmd_metrics.h — the `metrics` and `evaluate` commands (cmd_metrics.c):
 * handlers and the completer that the command table points at. */
#ifndef PARAMLAB_CMD_METRICS_H
#define PARAMLAB_CMD_METRICS_H

#include "cmd.h"
#include "cmd_util.h"

/* metrics [train|val]: loss and, for classes, accuracy, the confusion
 * matrix and per-class scores; for regression MSE, MAE and R². Default
 * share: validation when there is one. -1 with c->err when refused. */
int cmd_metrics(CmdCtx *c, int argc, char **argv);
/* evaluate test: the same for the test share, and how often it has been seen. */
int cmd_evaluate(CmdCtx *c, int argc, char **argv);
/* Tab completion: train, val (metrics) or test (evaluate). */
CmdComplete cmd_complete_metrics(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

#endif
