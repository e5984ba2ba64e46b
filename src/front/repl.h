/* repl.h — the front end that reads commands: the interactive prompt with
 * GNU Readline (completion, history, Ctrl-C), and the plain line reader
 * for scripts and batch mode. Only repl.c includes readline. */
#ifndef PARAMLAB_REPL_H
#define PARAMLAB_REPL_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "cmd.h"

/* Set by the SIGINT handler; long commands stop at the next step. */
extern volatile sig_atomic_t repl_interrupted;

/* Installs the SIGINT handler (no SA_RESTART) that sets repl_interrupted. */
void repl_signals(void);

/* The interactive loop on a terminal until quit, Ctrl-D or three Ctrl-C in
 * a row. With lesson (a number or a .md file), starts that lesson first
 * instead of the banner. Sets c->read_line while it runs. Returns the
 * process exit code (0; 1 when the lesson was refused; 130 after Ctrl-C
 * quit). */
int repl_interactive(CmdCtx *c, bool quiet, const char *lesson);

/* Runs every line of in (named name in messages) through the commands.
 * Errors go to stderr as "name:LINE: message". With bail, stops at the
 * first error. Returns 0, 1 if any command failed, 130 if interrupted. */
int repl_batch(CmdCtx *c, FILE *in, const char *name, bool bail);

/* Runs one text of commands (as given to -c) line by line like
 * repl_batch, but each command of a line on its own: a failing one is
 * reported as "name:LINE:K: message" (the K-th command of the line) and
 * the next runs, unless bail. */
int repl_string(CmdCtx *c, const char *text, const char *name, bool bail);

#endif
