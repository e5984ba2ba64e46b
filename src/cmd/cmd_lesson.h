/* cmd_lesson.h — lessons, scripts and recordings as commands. `lesson`
 * lists the lessons and starts one; `next` and `redo` walk through it a
 * block at a time; `ask` and `pause` are used inside blocks; `run` runs a
 * script or a whole lesson inside the session; `record` writes what
 * succeeded as a script that `run` replays to the same state. The state
 * behind them (the lesson taken, the record file, the log of every
 * command that succeeded since the session began) hangs off CmdCtx as
 * c->lessons. Lines a person types come through c->read_line, so this
 * layer never touches the terminal itself. */
#ifndef PARAMLAB_CMD_LESSON_H
#define PARAMLAB_CMD_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "cmd.h"

/* Gives c its lesson state (and starts the log of commands) and registers
 * the hook that logs every command. -1 when out of memory. Without it the commands still work, but nothing is logged
 * before the first `lesson`, `run` or `record`. */
int cmd_lesson_init(CmdCtx *c);
/* Closes a record file (flushed), frees the lesson and the log. A context
 * without lesson state is left alone. */
void cmd_lesson_free(CmdCtx *c);

/* The handlers the command table (cmd_table.c) points at. */
int cmd_lesson(CmdCtx *c, int argc, char **argv); /* lesson [N|FILE.md] */
int cmd_next(CmdCtx *c, int argc, char **argv);   /* next */
int cmd_redo(CmdCtx *c, int argc, char **argv);   /* redo */
int cmd_run(CmdCtx *c, int argc, char **argv);    /* run FILE */
int cmd_record(CmdCtx *c, int argc, char **argv); /* record FILE | record stop */
int cmd_ask(CmdCtx *c, int argc, char **argv);    /* ask "QUESTION" ANSWER ... (cmd_ask.c) */
int cmd_pause(CmdCtx *c, int argc, char **argv);  /* pause (cmd_ask.c) */

/* Tab completion: lesson numbers for `lesson`; file names for `run` and
 * `record` (and `stop`). */
CmdComplete cmd_complete_lesson(const CmdCtx *c, int argi, char **words, int n,
                                void (*add)(void *ctx, const char *word), void *ctx);
CmdComplete cmd_complete_file(const CmdCtx *c, int argi, char **words, int n,
                              void (*add)(void *ctx, const char *word), void *ctx);

/* Checks an `ask` command (its row's line check, in cmd_ask.c) as a
 * lesson is checked: a question in double quotes, an answer, then only
 * well-formed tol=, hint="..." and why="...". 0, or -1 with err. */
int cmd_ask_check(const char *segment, int n, char **words, char *err);

/* For `ask` and `pause`: whether they run straight (in `run` or --check,
 * where no one answers); whether they run inside the block of a lesson
 * a person is taking; and a wish the person typed at an answer prompt,
 * which the lesson carries out once the block has stopped (the command
 * returns 1 so that it stops). */
bool cmd_lesson_straight(const CmdCtx *c);
/* Whether c->err, from the last command, begins with the FILE:LINE of a
 * line in a file that command ran (`run`, a lesson): no other place goes
 * in front of it then. */
bool cmd_lesson_err_located(const CmdCtx *c);
bool cmd_lesson_in_block(const CmdCtx *c);
enum { CMD_LESSON_REDO = 1, /* run the block again from the lesson's state before it */
       CMD_LESSON_LEAVE = 2 /* leave the lesson, as `quit` does */
};
void cmd_lesson_want(CmdCtx *c, int what);

/* The hook around each command that cmd_lesson_init registers (seg,
 * modified by exec): runs exec(c, seg) and returns what it returns. When
 * it succeeded, the command goes to the log (and to the record file)
 * unless its row says CMD_NOT_RECORDED; a CMD_TRAINS command stopped by
 * Ctrl-C is logged as `step N` with the steps it actually took. */
int cmd_lesson_exec(CmdCtx *c, char *seg, int (*exec)(CmdCtx *c, char *seg));
/* Adds a line to the log as if it had been typed (main: `set seed N`). */
void cmd_lesson_log_add(CmdCtx *c, const char *line);

/* Replaces c->s with s (owned from now on; the old one is freed) and
 * starts the log afresh, rewriting a record file to match. */
void cmd_lesson_set_session(CmdCtx *c, Session *s);

/* Starts lesson `which` (a number from the lessons directory, or a .md
 * file) for a person: its first prose and block. With fresh, in a new
 * session (the learner's is put aside until cmd_lesson_leave, at the
 * lesson's end or a `quit` inside it); otherwise in c->s. -1 with c->err
 * ("FILE:LINE: message") when the lesson is malformed: nothing ran then. */
int cmd_lesson_start(CmdCtx *c, const char *which, bool fresh);
/* Leaves a lesson taken in a fresh session: the learner's own session
 * (and its log) comes back exactly as it was put aside, and a line says
 * so, starting with why. false (nothing done) when no session was put
 * aside. */
bool cmd_lesson_leave(CmdCtx *c, const char *why);
/* A lesson is being taken (an empty line means `next`). */
bool cmd_lesson_active(const CmdCtx *c);
/* The prompt: cmd_prompt's, with the lesson's place in it
 * ("paramlab [lesson 2 · 3/7] e1 b1/4 next:forward> "). */
void cmd_lesson_prompt(const CmdCtx *c, char *buf, size_t n);

/* What cmd_lesson_run_file shows besides the commands' output. */
enum { CMD_RUN_ECHO = 1,  /* each command as "  > command" */
       CMD_RUN_PROSE = 2  /* a lesson's prose, rendered */
};
/* What a straight run did. */
typedef struct CmdRunStats {
    int blocks;     /* paramlab blocks run (0 for a script) */
    long commands;  /* command lines run */
    long expects;   /* expectations met */
} CmdRunStats;
/* Runs a lesson (.md: checked first, then every block) or a script (any
 * other file: line by line) straight through in c->s: pauses do not
 * wait, asks are answered with their recorded answer. Returns 0; -1 with
 * c->err "FILE:LINE: message" at the first failing command (or a
 * malformed lesson, before anything ran); 1 when Ctrl-C stopped it. */
int cmd_lesson_run_file(CmdCtx *c, const char *path, int flags, CmdRunStats *st);

#endif
