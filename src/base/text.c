/* text.c — writing into a TextSink (see text.h). */
#include "text.h"

#include <stdarg.h>
#include <stdio.h>

void text_out(const TextSink *w, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    w->put(w->ctx, buf);
}

const char *text_num(const TextSink *w, double v, char *buf, size_t n)
{
    return w->num(w->ctx, v, buf, n);
}

const char *text_par(const TextSink *w, double v, char *buf, size_t n)
{
    char b[40];
    w->num(w->ctx, v, b, sizeof b);
    snprintf(buf, n, b[0] == '-' ? "(%s)" : "%s", b);
    return buf;
}

int text_cols(const char *s)
{
    int n = 0;
    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}
