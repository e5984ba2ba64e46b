/* strbuf.h — a growing string: appends that never fail loudly (a failed
 * allocation sets oom and keeps what is there), for text built piece by
 * piece (lesson prose, the run log's JSON). */
#ifndef PARAMLAB_STRBUF_H
#define PARAMLAB_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

typedef struct StrBuf {
    char *p;   /* the text, NUL-terminated once anything was added; owned */
    size_t n;  /* bytes used */
    size_t cap;
    bool oom;  /* an allocation failed: the text is incomplete */
} StrBuf;

/* Appends n bytes of s, a string, or one character. */
void strbuf_add(StrBuf *b, const char *s, size_t n);
void strbuf_str(StrBuf *b, const char *s);
void strbuf_ch(StrBuf *b, char c);
/* The text as an owned string ("" when empty); NULL when out of memory.
 * The buffer is empty afterwards. */
char *strbuf_take(StrBuf *b);
/* Frees the text; the buffer is empty afterwards. */
void strbuf_free(StrBuf *b);

#endif
