/* cmd_plot.h — the `plot`, `compare` and `set plot` commands, and live
 * plotting: which pictures are redrawn after a command or while training
 * runs. The numbers come from the session (its trace, batched evaluation,
 * forks for races); the pictures are drawn by plot.c. */
#ifndef PARAMLAB_CMD_PLOT_H
#define PARAMLAB_CMD_PLOT_H

#include "cmd.h"

/* plot loss|boundary|fit|surface|hist|grads|off ... */
int cmd_plot(CmdCtx *c, int argc, char **argv);
/* compare optimizer NAME NAME ... [epochs=N] [lr=X] */
int cmd_compare(CmdCtx *c, int argc, char **argv);
/* set plot window|terminal|png|svg [file=NAME] (argv[1] is "plot") */
int cmd_set_plot(CmdCtx *c, int argc, char **argv);

/* Before a command runs: lets training redraw the live pictures (a window
 * only, at most ten frames a second). */
void cmd_plot_before(CmdCtx *c);
/* After a command named name ran (rc its result; "=" for an assignment):
 * redraws the pictures that follow the model. A failure to draw turns
 * live plotting off with a note; it never fails the command. */
void cmd_plot_after(CmdCtx *c, const char *name, int rc);
/* Closes gnuplot and frees the plot state of c. No-op when none. */
void cmd_plot_free(CmdCtx *c);

/* Tab completion of `plot`, `compare` and `set plot`. */
CmdComplete cmd_complete_plot(Session *s, int argi, char **words, int n,
                              void (*add)(void *ctx, const char *word), void *ctx);
CmdComplete cmd_complete_compare(Session *s, int argi, char **words, int n,
                                 void (*add)(void *ctx, const char *word), void *ctx);

#endif
