/* fixture.h — the harness the command-level tests share: a session and a
 * command context whose output goes to a memory stream, so a test runs a
 * line and reads what it printed and the error it set. Include after
 * <cmocka.h>. */
#ifndef PARAMLAB_TEST_FIXTURE_H
#define PARAMLAB_TEST_FIXTURE_H

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_lesson.h"
#include "cmd_search.h"
#include "cmd_plot.h"
#include "cmd_table.h"
#include "session.h"

typedef struct Fx {
    CmdCtx c;
    FILE *f;      /* memory stream behind c.out */
    char *buf;    /* everything printed so far */
    size_t len;
    size_t mark;  /* where the last command's output starts */
    char *last;   /* output of the last run() */
} Fx;

/* Runs the tests train are logged into a folder of their own: tests/run.sh
 * names one in PARAMLAB_RUNS; a test run by hand makes one, never writing
 * into the real ~/.local/share/paramlab/runs. */
static inline void fx_runs_dir(void)
{
    if (getenv("PARAMLAB_RUNS"))
        return;
    char dir[] = "/tmp/paramlab-runs.XXXXXX";
    if (mkdtemp(dir))
        setenv("PARAMLAB_RUNS", dir, 1);
    else
        setenv("PARAMLAB_RUNS", "/nonexistent/paramlab-runs", 1); /* logging fails; a note, not a file */
}

static inline Fx *fx_new(void)
{
    fx_runs_dir();
    Fx *x = calloc(1, sizeof *x);
    assert_non_null(x);
    cmd_register(cmd_table); /* the command table, as main registers it */
    x->c.s = session_new();
    assert_non_null(x->c.s);
    x->f = open_memstream(&x->buf, &x->len);
    assert_non_null(x->f);
    x->c.out = x->f;
    assert_int_equal(cmd_lesson_init(&x->c), 0); /* the log of commands, as main has it */
    x->last = calloc(1, 1);
    assert_non_null(x->last);
    return x;
}

static inline void fx_free(Fx *x)
{
    cmd_plot_free(&x->c);
    cmd_lesson_free(&x->c);
    cmd_search_free(&x->c);
    session_free(x->c.s);
    fclose(x->f);
    free(x->buf);
    free(x->last);
    free(x);
}

/* Runs a line; x->last holds what it printed, x->c.err its error. */
static inline int run(Fx *x, const char *line)
{
    x->c.err[0] = '\0';
    int rc = cmd_exec_line(&x->c, line);
    fflush(x->f);
    free(x->last);
    x->last = strndup(x->buf + x->mark, x->len - x->mark);
    assert_non_null(x->last);
    x->mark = x->len;
    return rc;
}

/* Runs a line that must succeed. */
static inline void ok(Fx *x, const char *line)
{
    if (run(x, line) != 0)
        fail_msg("`%s` failed: %s", line, x->c.err);
}

/* Runs a line that must fail with a message; returns the message. */
static inline const char *refused(Fx *x, const char *line)
{
    int rc = run(x, line);
    if (rc != -1)
        fail_msg("`%s` was accepted (rc %d), printed: %s", line, rc, x->last);
    if (!x->c.err[0])
        fail_msg("`%s` failed without a message", line);
    return x->c.err;
}

#endif
