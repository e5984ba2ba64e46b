/* cmd_plot.h — the `plot`, `compare` and `set plot` commands, and live
 * plotting: which pictures are redrawn after a command or while training
 * runs, through hooks registered with the framework when the first
 * picture is made (a command's flags say whether it changed the model).
 * The numbers come from the session (its trace, batched evaluation, forks
 * for races); the pictures are drawn by plot.c. */
#ifndef PARAMLAB_CMD_PLOT_H
#define PARAMLAB_CMD_PLOT_H

#include "cmd.h"

/* plot loss|boundary|fit|surface|hist|grads|off ... */
int cmd_plot(CmdCtx *c, int argc, char **argv);
/* set plot window|terminal|png|svg [file=NAME] (argv[1] is "plot") */
int cmd_set_plot(CmdCtx *c, int argc, char **argv);

#define CMD_PLOT_WINDOW_COMPARE 6 /* the window a race is drawn in (its Kind in cmd_plot.c) */

/* The default file stem of a picture (cmd_plot_name.c): kind, then each
 * of the argc words of argv that choose what it shows, "-" before each,
 * every byte but letters, digits, "-" and "." made "_" ("maps-P1-row_2",
 * "surface-W1_0_0-W1_1_0"); options that only change the look (loss log,
 * surface range= grid= style=) are left out. Into buf. */
#define CMD_PLOT_STEM 192 /* holds "runs" and the ids of the 8 runs `runs compare` takes */
const char *cmd_plot_stem(const char *kind, int argc, char **argv, char *buf, size_t n);

/* The data's features on a picture's axes (cmd_plot_feature.c): the
 * range of feature j over every row, widened by 8% on each side; its
 * name, "(standardized)" when it is, into buf; the training rows' mean of
 * every feature into m (d), in the model's space. */
void cmd_plot_feature_range(const Dataset *ds, int j, double *lo, double *hi);
const char *cmd_plot_feature_label(const Dataset *ds, int j, char *buf, size_t n);
void cmd_plot_feature_means(const Dataset *ds, double *m);

/* For `compare` (cmd_compare.c) and `runs compare`: c's plotter, made on
 * first use, its echo on c->out, pointed at the race's picture file (file=
 * when the race is the first picture drawn after it, else the stem of kind
 * and the argc words of argv, cmd_plot_stem, with .png or .svg; *stem is
 * set to that stem, for the frame); NULL when out of memory. what (a
 * string that outlives c, "runs compare") names the picture in the
 * messages about it. */
struct Plot *cmd_plot_for_race(CmdCtx *c, const char *what, const char *kind, int argc, char **argv,
                               const char **stem);
/* Says where a race's chart went (window or file; the terminal shows it). */
void cmd_plot_race_drawn(CmdCtx *c);

/* A lesson's next part begins: the pictures earlier parts asked for stop
 * following the model (a window keeps its last picture, and does not pop
 * up again, empty, when a later part starts over with `init`); the ones
 * the learner asked for at the prompt go on. */
void cmd_plot_part_begins(CmdCtx *c);

/* Closes gnuplot and frees the plot state of c. No-op when none. */
void cmd_plot_free(CmdCtx *c);

/* Tab completion of `plot` and `set plot`. */
CmdComplete cmd_complete_plot(const CmdCtx *c, int argi, char **words, int n,
                              void (*add)(void *ctx, const char *word), void *ctx);
/* words[1] is "plot": the targets, then file= */
CmdComplete cmd_complete_set_plot(const CmdCtx *c, int argi, char **words, int n,
                                  void (*add)(void *ctx, const char *word), void *ctx);

#endif
