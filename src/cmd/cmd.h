/* cmd.h — the command framework. One table (cmd_table.c, registered with
 * cmd_register) describes every command: its name, arguments, flags,
 * summary, full help, handler, completion and an optional check of its
 * line; it drives dispatch, argument checks, `help`, Tab completion and
 * what the plot and lesson parts do around a command, which they learn
 * through hooks they register here. Front ends (the REPL, batch mode,
 * lessons) hand it lines; it prints results to c->out and reports a failed
 * command as -1 with one line in c->err.
 *
 * Inside the command layer, calls point one way: cmd_table.c → the
 * handlers (cmd_setup, cmd_set, cmd_loop, cmd_look, cmd_meta, cmd_inspect,
 * cmd_plot, cmd_lesson, explain) → cmd.c (dispatch) → cmd_tensor.c
 * (names, elements, literals) → cmd_util.c (output, numbers, options). */
#ifndef PARAMLAB_CMD_H
#define PARAMLAB_CMD_H

#include <signal.h>
#include <stdbool.h>
#include <stdio.h>

#include "session.h"
#include "util.h"

#define CMD_MAX_HOOKS 4 /* sets of hooks one context can hold */

struct CmdHooks;

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
} CmdCtx;

/* ---- the table ---- */

/* What Tab should offer for the word being typed. */
typedef enum CmdComplete { COMPLETE_WORDS, COMPLETE_FILES } CmdComplete;
/* Receives one completion candidate. */
typedef void (*CmdAddFn)(void *ctx, const char *word);

/* The nature of a command, as its row's flags say. */
enum {
    CMD_CHANGES_MODEL = 1u << 0, /* changes the data, the model or where the loop stands:
                                  * live pictures in a window are redrawn after it */
    CMD_TRAINS = 1u << 1,        /* takes training steps: Ctrl-C stops it between steps (it
                                  * returns 1) and it is recorded as the steps it took;
                                  * pictures in the terminal and files are redrawn after it */
    CMD_NOT_RECORDED = 1u << 2,  /* about lessons, files or help: not part of a state, so
                                  * `record` leaves it out */
    CMD_EXPECTATION = 1u << 3,   /* checks an expectation: --check counts those met */
    CMD_FILE_BESIDE = 1u << 4,   /* may read a file found beside the lesson running: recorded
                                  * with the full path */
    CMD_NOT_ECHOED = 1u << 5,    /* presents itself when it runs: a lesson block does not echo
                                  * its line (an `ask` line would give its answer away) */
};

/* One command. */
typedef struct Cmd {
    const char *name;
    int min_args, max_args; /* words after the name; -1: no upper bound */
    unsigned flags;         /* CMD_* */
    const char *usage;      /* the syntax, first line of `help NAME` */
    const char *summary;    /* one line for `help` */
    const char *help;       /* the full text */
    int (*run)(CmdCtx *c, int argc, char **argv);
    /* candidates for word argi (1-based) given the words before it; NULL: none */
    CmdComplete (*complete)(Session *s, int argi, char **words, int n, CmdAddFn add, void *ctx);
    /* checks a line of this command before a lesson runs, beyond its word
     * count: raw is its text, words[0..n) its words. NULL: nothing more. */
    int (*check)(const char *raw, int n, char **words, char *err);
    /* true for a name this command sets (`set` sets lr, momentum ...): such
     * names are hyperparameters, refused as assignment targets. NULL: none */
    bool (*sets)(const char *name);
    const char *alias;      /* another name it answers to ("exit"), or NULL */
} Cmd;

/* Every command of paramlab (cmd_table.c), the rows main registers. */
extern const Cmd cmd_table[];

/* Makes rows (ended by a row whose name is NULL) the command table; rows
 * stay borrowed. */
void cmd_register(const Cmd *rows);
/* The command called name (or aliased so), or NULL. */
const Cmd *cmd_find(const char *name);
/* The registered rows, ended by a row whose name is NULL. */
const Cmd *cmd_rows(void);

/* ---- hooks ---- */

/* What another part (plots, lessons) does around commands. Any member may
 * be NULL. */
typedef struct CmdHooks {
    /* before a command of the table runs */
    void (*before)(CmdCtx *c, const Cmd *cmd);
    /* after a command ran (rc its result) with the flags of its row; an
     * assignment (W1 = ...) counts as CMD_CHANGES_MODEL */
    void (*after)(CmdCtx *c, unsigned flags, int rc);
    /* around each ';'-separated segment of a line: runs exec(c, seg) and
     * returns what it returns (at most one registered set has it) */
    int (*around)(CmdCtx *c, char *seg, int (*exec)(CmdCtx *c, char *seg));
} CmdHooks;

/* Adds h (borrowed) to c's hooks; adding it again changes nothing. -1 when
 * CMD_MAX_HOOKS are in use. */
int cmd_hook_add(CmdCtx *c, const CmdHooks *h);

/* ---- running and checking ---- */

/* Runs one line: commands separated by ';', '#' starting a comment. Stops
 * at the first failing command and returns -1 with c->err set; returns 1
 * when a long command was interrupted, 0 otherwise. */
int cmd_exec_line(CmdCtx *c, const char *line);
/* Runs one command (no ';' or '#' handling, no around hook); seg is cut
 * into words in place. Returns as cmd_exec_line. */
int cmd_exec_command(CmdCtx *c, char *seg);

/* Checks a line without running it, as a lesson is checked before it
 * runs: every command exists and has the right number of words, and its
 * row's check passes. 0, or -1 with the message in err. */
int cmd_check_line(const char *line, char *err);
/* The same for one command (seg is cut into words in place). */
int cmd_check_command(char *seg, char *err);

/* Candidates for the word `text` that starts at byte `start` of `line`
 * (the line up to the cursor). Calls add for each candidate word; returns
 * COMPLETE_FILES when a file name is expected there instead. */
CmdComplete cmd_complete(Session *s, const char *line, int start, const char *text, CmdAddFn add, void *ctx);

/* The prompt for the loop position ("paramlab e1 b2/5 next:loss> "). */
void cmd_prompt(const Session *s, char *buf, size_t n);

/* ---- for the handlers: output, numbers, options (cmd_util.c) ---- */

/* Print to c->out; set c->err and return -1; format a number with the
 * session's precision into buf ("-0" shown as "0"). */
void cmd_out(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmd_fail(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cmd_num(const CmdCtx *c, double v, char *buf, size_t n);

/* Splits `key=value` in place; false when the word has no '=' after a key. */
bool cmd_split_opt(char *word, char **key, char **val);
/* A finite number / a whole number from lo to hi, read from s; -1 with
 * c->err naming `what` otherwise. */
int cmd_parse_num(CmdCtx *c, const char *what, const char *s, double *v);
int cmd_parse_int(CmdCtx *c, const char *what, const char *s, long lo, long hi, long *v);

/* " (did you mean `PREFIXWORD`?)" for the entry of the NULL-terminated list
 * closest to word (a typo or another case), or "" when none is close;
 * written into buf. CMD_DYM gives it a buffer of its own. */
const char *cmd_did_you_mean(const char *word, const char *const *list, const char *prefix, char *buf, size_t n);
#define CMD_DYM(word, list, prefix) cmd_did_you_mean((word), (list), (prefix), (char[128]){0}, 128)

/* Finds the candidate closest to a word: start with cmd_nearest_init, pass
 * candidates to cmd_nearest_add (a CmdAddFn, so session_names can feed it). */
typedef struct CmdNearest {
    const char *word; /* the word typed */
    const char *best; /* the closest candidate so far (best_buf), or NULL */
    char best_buf[32];
    int dist;         /* its distance; only closer ones replace it */
} CmdNearest;
void cmd_nearest_init(CmdNearest *g, const char *word, int max_dist);
void cmd_nearest_add(void *g, const char *cand);

/* Calls add for each word of the NULL-terminated list. */
void cmd_add_list(const char *const *list, CmdAddFn add, void *ctx);

/* Applies optimizer options (key=value words, as after `set optimizer
 * NAME`) to o, whose kind says which options exist. -1 with c->err naming
 * the bad word and what the optimizer takes. */
int cmd_opt_options(CmdCtx *c, OptConfig *o, int argc, char **argv);

/* ---- for the handlers: tensor names and elements (cmd_tensor.c) ---- */

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
/* session_tensor refused name with status (c->err says why): adds the
 * closest name that exists when name was a typo or a layer the model
 * lacks. Returns -1. */
int cmd_name_refused(CmdCtx *c, const char *name, int status);
/* A name that may exist in some session (W3, dA1, yhat ...), or an element
 * NAME[...] of one, judged by its name alone. */
bool cmd_known_name(const char *word);
/* Prints t, abridged past 20 rows or 12 columns, with row and column
 * indices and `what` (NULL: nothing) in the heading. */
void cmd_print_tensor(CmdCtx *c, const Tensor *t, const char *what);
/* Shows a name or one element of it (what `W1` or `show W1[0,1]` prints). */
int cmd_show_ref(CmdCtx *c, const char *ref);
/* NAME[i,j] = v  or  NAME = [..] / [[..],[..]]: edits a parameter. */
int cmd_assign(CmdCtx *c, char *lhs, char *rhs);

#endif
