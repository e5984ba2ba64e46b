/* session_fx.h — a fresh session and command context for one fuzz input,
 * as main makes them (the command table, the lesson part's hooks), output
 * thrown away, with a watchdog: a command running longer than
 * FUZZ_BUDGET_MS has the Ctrl-C flag set under it, so a long command must
 * stop at its next check (one that never checks shows up as a libFuzzer
 * timeout). Include from one harness only. */
#ifndef PARAMLAB_FUZZ_SESSION_FX_H
#define PARAMLAB_FUZZ_SESSION_FX_H

#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_lesson.h"
#include "cmd_plot.h"
#include "cmd_table.h"
#include "fuzz.h"
#include "session.h"

#define FUZZ_BUDGET_MS 300

static volatile sig_atomic_t fx_interrupt;
static struct timespec fx_started;
static volatile int fx_running;
static pthread_mutex_t fx_lock = PTHREAD_MUTEX_INITIALIZER;
static FILE *fx_sink;

static void *fx_watch(void *arg)
{
    (void)arg;
    for (;;) {
        struct timespec nap = {0, 20 * 1000000L}, now;
        nanosleep(&nap, NULL);
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&fx_lock);
        long ms = (now.tv_sec - fx_started.tv_sec) * 1000 + (now.tv_nsec - fx_started.tv_nsec) / 1000000;
        if (fx_running && ms > FUZZ_BUDGET_MS)
            fx_interrupt = 1;
        pthread_mutex_unlock(&fx_lock);
    }
    return NULL;
}

/* Once per process: the table, the sink, the watchdog. */
static inline void fx_setup(void)
{
    static int done;
    if (done)
        return;
    done = 1;
    cmd_register(cmd_table);
    fx_sink = fopen("/dev/null", "w");
    pthread_t t;
    if (!fx_sink || pthread_create(&t, NULL, fx_watch, NULL) != 0)
        abort();
    pthread_detach(t);
}

/* A fresh context on a fresh session; 0, or -1 out of memory. */
static inline int fx_open(CmdCtx *c)
{
    fx_setup();
    memset(c, 0, sizeof *c);
    c->s = session_new();
    if (!c->s)
        return -1;
    c->out = fx_sink;
    c->interrupt = &fx_interrupt;
    c->s->interrupt = &fx_interrupt;
    if (cmd_lesson_init(c) != 0) {
        session_free(c->s);
        return -1;
    }
    return 0;
}

static inline void fx_close(CmdCtx *c)
{
    cmd_plot_free(c);
    cmd_lesson_free(c);
    session_free(c->s);
}

/* Runs one line with the watchdog armed. */
static inline int fx_line(CmdCtx *c, const char *line)
{
    pthread_mutex_lock(&fx_lock);
    clock_gettime(CLOCK_MONOTONIC, &fx_started);
    fx_interrupt = 0;
    fx_running = 1;
    pthread_mutex_unlock(&fx_lock);
    int rc = cmd_exec_line(c, line);
    pthread_mutex_lock(&fx_lock);
    fx_running = 0;
    fx_interrupt = 0;
    pthread_mutex_unlock(&fx_lock);
    return rc;
}

#endif
