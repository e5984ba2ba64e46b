/* cmd_ctx.h — the context every command runs in (the session, where
 * output goes, the error of the last failed command, the state of the
 * plot and lesson parts and the hooks they registered), and the types of
 * Tab completion. Types only: the functions are in cmd.h (framework),
 * cmd_util.h (toolbox) and cmd_tensor.h (names). */
#ifndef PARAMLAB_CMD_CTX_H
#define PARAMLAB_CMD_CTX_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "session.h"
#include "util.h"

#define CMD_MAX_HOOKS 4 /* sets of hooks one context can hold */

struct CmdHooks;
struct CmdWritten;

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
    const struct CmdHooks *hooks[CMD_MAX_HOOKS]; /* (n_hooks) borrowed: called around commands */
    int n_hooks;
    /* a command that failed but whose effect stays (`expect error forward`
     * when forward ran): what `record` writes for it; "" when none */
    char record_as[1024];
    int scripted;                    /* > 0 while a lesson or script runs: the file policy applies
                                      * (cmd_policy.h) */
    struct CmdWritten *written;       /* owned: the files paramlab wrote (cmd_policy_free) */
    bool seed_given;                 /* --seed was given on the command line: */
    long seed_option;                /* its seed, which lessons start with */
    bool tracking_off;               /* `set tracking off`: runs are not logged */
    char runs_dir[1024];             /* `runs dir DIR`; "" for PARAMLAB_RUNS or the XDG default */
    struct CmdSearch *search;        /* owned: the last search's table (cmd_search_free) */
    bool counted;                    /* a `count` succeeded: */
    uint64_t count_total;            /* its total, what `expect count` checks */
    int page_rows;                   /* > 0: the screen's rows a lesson pages by (tests); 0: the terminal's */
} CmdCtx;

/* What Tab should offer for the word being typed: the words given, or a
 * file name (any file, or folders and the data files `data load` reads;
 * cmd_complete_file_fits says which). */
typedef enum CmdComplete { COMPLETE_WORDS, COMPLETE_FILES, COMPLETE_DATA_FILES } CmdComplete;
/* Receives one completion candidate. */
typedef void (*CmdAddFn)(void *ctx, const char *word);

#endif
