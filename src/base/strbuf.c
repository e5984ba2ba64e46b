/* strbuf.c — a growing string (strbuf.h). */
#include "strbuf.h"

#include <stdlib.h>
#include <string.h>

#include "util.h"

void strbuf_add(StrBuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 64;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = true;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

void strbuf_str(StrBuf *b, const char *s)
{
    strbuf_add(b, s, strlen(s));
}

void strbuf_ch(StrBuf *b, char c)
{
    strbuf_add(b, &c, 1);
}

char *strbuf_take(StrBuf *b)
{
    char *s = b->oom ? NULL : b->p ? b->p : util_strdup("");
    if (b->oom)
        free(b->p);
    *b = (StrBuf){0};
    return s;
}

void strbuf_free(StrBuf *b)
{
    free(b->p);
    *b = (StrBuf){0};
}
