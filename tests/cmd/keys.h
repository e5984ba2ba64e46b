/* keys.h — a scripted person at the keyboard for command tests: each
 * prompt (`ask`'s answer, a lesson's Enter) reads the next line of a list,
 * "^D" is the end of input and "^C" Ctrl-C. Include after fixture.h. */
#ifndef PARAMLAB_TEST_KEYS_H
#define PARAMLAB_TEST_KEYS_H

#include <signal.h>
#include <stdio.h>
#include <string.h>

typedef struct Keys {
    const char *const *lines; /* answers in turn; "^D" for end of input, "^C" for Ctrl-C */
    int next;
    char prompts[16][64];     /* the prompts shown */
    volatile sig_atomic_t flag;
} Keys;

static char *type_line(void *ctx, const char *prompt)
{
    Keys *k = ctx;
    const char *line = k->lines[k->next];
    if (!line)
        fail_msg("read_line called more often than the test expects (prompt \"%s\")", prompt);
    snprintf(k->prompts[k->next % 16], 64, "%s", prompt);
    k->next++;
    if (strcmp(line, "^D") == 0)
        return NULL;
    if (strcmp(line, "^C") == 0) {
        k->flag = 1;
        return NULL;
    }
    return strdup(line);
}

static void keys_attach(Fx *x, Keys *k)
{
    x->c.read_line = type_line;
    x->c.read_ctx = k;
    x->c.interrupt = &k->flag;
    x->c.s->interrupt = &k->flag;
}

#endif
