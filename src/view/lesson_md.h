/* lesson_md.h — the Markdown pieces the lesson parser and the renderer
 * share: lines and code fences, and inline markup turned
 * into a styled stream (text plus one-byte style toggles) or plain text.
 * Private to src/view/lesson*.c. */
#ifndef PARAMLAB_LESSON_MD_H
#define PARAMLAB_LESSON_MD_H

#include <stdbool.h>
#include <stddef.h>

#include "strbuf.h"


/* Style toggles inside the stream; NBSP is a space inside `code` that is
 * not a place to break the line. */
enum { T_BOLD = 1, T_EMPH = 2, T_CODE = 3, T_NBSP = 4 };


/* Ends the line that starts at p (at its '\n', dropping a '\r' before it)
 * and returns where the next line starts. */
char *md_cut_line(char *p);

/* A fence line: optional indentation, then 3 or more ` or ~; *info is
 * what follows. A backtick fence's info may not hold a backtick. */
bool md_fence_open(const char *line, char *ch, size_t *len, const char **info);

/* The line closing a fence of len ch characters: at least as many, then
 * only spaces. */
bool md_fence_close(const char *line, char ch, size_t len);

/* The info string's first word is `paramlab`. */
bool md_info_is_paramlab(const char *info);

/* s without leading and trailing white space (cut in place). */
char *md_trim(char *s);

/* Inline Markdown of s (n bytes) into o: escapes, code spans, links,
 * autolinks, emphasis and entities become text with style marks (T_CODE,
 * T_BOLD, T_EMPH, T_NBSP) for the line cutter; styles still open at the
 * end are closed. */
void md_inline_style(StrBuf *o, const char *s, size_t n);

/* Markdown inline text as plain text (no markers, no backticks) in buf,
 * cut at a code point boundary when it does not fit. */
void md_plain_text(const char *md, char *buf, size_t n);

/* Bytes of the unit (a style toggle or one UTF-8 code point) at s. */
size_t md_unit_len(const char *s, size_t n);

#endif
