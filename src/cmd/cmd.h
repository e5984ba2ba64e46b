/* cmd.h — the command language: one table describes every command (name,
 * arguments, summary, full help, handler, completion) and drives dispatch,
 * argument checks, `help` and Tab completion. Front ends (the REPL, batch
 * mode, lessons) hand it lines; it prints results to c->out and reports a
 * failed command as -1 with one line in c->err. */
#ifndef PARAMLAB_CMD_H
#define PARAMLAB_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "session.h"
#include "util.h"

typedef struct CmdCtx {
    Session *s;                      /* the session commands act on */
    FILE *out;                       /* where results are printed */
    char err[ERR_LEN];               /* message of the last failed command */
    bool interactive;                /* a person at a terminal (pacing, hints) */
    bool quit;                       /* `quit` was run */
    volatile sig_atomic_t *interrupt; /* Ctrl-C flag, checked between steps */
    struct CmdPlots *plots;          /* owned: gnuplot and live pictures (cmd_plot_free) */
    /* reads one line a person types (an `ask` answer, Enter at `pause`):
     * owned string, NULL at Ctrl-D or Ctrl-C; the hook is NULL when no one
     * can answer (batch, scripts, tests) */
    char *(*read_line)(void *ctx, const char *prompt);
    void *read_ctx;                  /* read_line's context */
    const char *base_dir;            /* directory of the lesson or script running, where `data load`
                                      * also looks; NULL (borrowed) */
    struct CmdLessons *lessons;      /* owned: the lesson taken, `record`, the log of commands
                                      * (cmd_lesson_init / cmd_lesson_free) */
} CmdCtx;

/* Runs one line: commands separated by ';', '#' starting a comment. Stops
 * at the first failing command and returns -1 with c->err set; returns 1
 * when a long command was interrupted, 0 otherwise. */
int cmd_exec_line(CmdCtx *c, const char *line);

/* Checks a line without running it, as a lesson is checked before it
 * runs: every command exists and has the right number of words, `expect`
 * and `ask` are well formed. 0, or -1 with the message in err. */
int cmd_check_line(const char *line, char *err);

/* What Tab should offer for the word being typed. */
typedef enum CmdComplete { COMPLETE_WORDS, COMPLETE_FILES } CmdComplete;
/* Candidates for the word `text` that starts at byte `start` of `line`
 * (the line up to the cursor). Calls add for each candidate word; returns
 * COMPLETE_FILES when a file name is expected there instead. */
CmdComplete cmd_complete(Session *s, const char *line, int start, const char *text,
                         void (*add)(void *ctx, const char *word), void *ctx);

/* For the command handlers (cmd.c, explain.c, cmd_inspect.c): print to
 * c->out; set c->err and return -1; format a number with the session's
 * precision into buf ("-0" shown as "0"). */
void cmd_out(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmd_fail(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cmd_num(const CmdCtx *c, double v, char *buf, size_t n);

/* Parses "NAME", "NAME[i]" or "NAME[i,j]" into name (n bytes) and 0-based
 * indices (-1 when absent), without asking whether the name exists.
 * -1 with c->err on a malformed name or brackets. */
int cmd_parse_ref(CmdCtx *c, const char *ref, char *name, size_t n, long *i, long *j);
/* Resolves the element (i, j) of t to a flat index; a vector, a one-row
 * tensor ([i] is the column) and a one-column tensor take one index. -1
 * with c->err saying the valid range otherwise. */
int cmd_element_index(CmdCtx *c, const Tensor *t, long i, long j, size_t *at);
/* Resolves "W1" or an element "W1[0,2]" / "b1[3]" that exists now: t
 * receives the tensor, *at the flat element index (-1 for a whole name).
 * -1 with c->err (with "did you mean") otherwise. */
int cmd_ref(CmdCtx *c, const char *ref, Tensor *t, long *at);
/* Applies optimizer options (key=value words, as after `set optimizer
 * NAME`) to o, whose kind says which options exist. -1 with c->err naming
 * the bad word and what the optimizer takes. */
int cmd_opt_options(CmdCtx *c, OptConfig *o, int argc, char **argv);

/* The prompt for the loop position ("paramlab e1 b2/5 next:loss> "). */
void cmd_prompt(const Session *s, char *buf, size_t n);

#endif
