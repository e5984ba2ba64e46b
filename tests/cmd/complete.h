/* complete.h — what Tab would offer, for command tests: Cands collects the
 * candidates of cmd_complete one per entry (`has` asks for one), Words
 * collects them as one space-separated string. Include after fixture.h. */
#ifndef PARAMLAB_TEST_COMPLETE_H
#define PARAMLAB_TEST_COMPLETE_H

#include <stdbool.h>
#include <stdio.h>
#include <string.h>

typedef struct Cands {
    char w[256][48];
    int n;
} Cands;

static inline void add_cand(void *ctx, const char *word)
{
    Cands *c = ctx;
    assert_true(c->n < 256);
    snprintf(c->w[c->n++], 48, "%s", word);
}

static inline bool has(const Cands *c, const char *word)
{
    for (int i = 0; i < c->n; i++)
        if (strcmp(c->w[i], word) == 0)
            return true;
    return false;
}

/* Completes at the end of line (the word being typed is after the last
 * space) in context cx. */
static inline CmdComplete complete(const CmdCtx *cx, const char *line, Cands *c)
{
    c->n = 0;
    const char *sp = strrchr(line, ' ');
    int start = sp ? (int)(sp - line) + 1 : 0;
    return cmd_complete(cx, line, start, line + start, add_cand, c);
}

typedef struct Words {
    char all[512];
} Words;

static inline void add_word(void *ctx, const char *w)
{
    Words *ws = ctx;
    snprintf(ws->all + strlen(ws->all), sizeof ws->all - strlen(ws->all), "%s ", w);
}

#endif
