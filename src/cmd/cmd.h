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

#include "cmd_ctx.h"
#include "cmd_tensor.h"
#include "cmd_util.h"

/* ---- the table ---- */

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
    /* candidates for word argi (1-based) given the words before it, offered
     * in c (its session, the last search ...) without changing it; only
     * words the command accepts there. NULL: none */
    CmdComplete (*complete)(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx);
    /* checks a line of this command before a lesson runs, beyond its word
     * count: raw is its text, words[0..n) its words. NULL: nothing more. */
    int (*check)(const char *raw, int n, char **words, char *err);
    /* true for a name this command sets (`set` sets lr, momentum ...): such
     * names are hyperparameters, refused as assignment targets. NULL: none */
    bool (*sets)(const char *name);
    const char *alias;      /* another name it answers to ("exit"), or NULL */
    /* the i-th word (from 0) `help NAME WORD` takes beyond the parts its
     * help names (an optimizer option, a generator): *word, the part
     * covering it (*part, "OPTION"), and a line about it into about (""
     * when none); false past the last. NULL: none */
    bool (*help_word)(int i, const char **word, const char **part, char *about, size_t n);
} Cmd;

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
/* Receives a failed command of a line: its 1-based number among the
 * line's commands and its text; c->err says why. */
typedef void (*CmdReportFn)(CmdCtx *c, int k, const char *text, void *ctx);
/* Runs a line as cmd_exec_line does, but goes on after a failing command
 * unless bail (as --batch goes on after a failing line), calling report
 * for each failure. -1 when any failed; 1 when interrupted. */
int cmd_exec_each(CmdCtx *c, const char *line, bool bail, CmdReportFn report, void *ctx);
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
 * (the line up to the cursor), in context c. Calls add for each candidate
 * word; returns COMPLETE_FILES or COMPLETE_DATA_FILES when a file name is
 * expected there instead. */
CmdComplete cmd_complete(const CmdCtx *c, const char *line, int start, const char *text, CmdAddFn add, void *ctx);
/* Whether a file chooser offers path where cmd_complete said kind: a
 * folder always; for COMPLETE_DATA_FILES only a file with an ending of
 * data_file_endings (any case); for COMPLETE_FILES any file. */
bool cmd_complete_file_fits(CmdComplete kind, const char *path);

/* The prompt for the loop position ("paramlab e1 b2/5 next:loss> "). */
void cmd_prompt(const Session *s, char *buf, size_t n);

#endif
