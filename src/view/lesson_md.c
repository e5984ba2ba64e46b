/* lesson_md.c — Markdown for lessons: cutting lines,
 * code fences, and inline markup (**bold**, *emphasis*, `code`, links,
 * autolinks, inline tags, entities) turned into a styled stream for the
 * renderer or into plain text for titles. */
#include "lesson_md.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

/* ---- fences ---- */

/* Ends the line that starts at p (at its '\n', dropping a '\r' before it)
 * and returns where the next line starts. */
char *md_cut_line(char *p)
{
    char *nl = strchr(p, '\n');
    char *next = nl ? nl + 1 : p + strlen(p);
    if (nl)
        *nl = '\0';
    size_t len = strlen(p);
    if (len && p[len - 1] == '\r')
        p[len - 1] = '\0';
    return next;
}

/* A fence line: optional indentation, then 3 or more ` or ~; *info is
 * what follows. A backtick fence's info may not hold a backtick. */
bool md_fence_open(const char *line, char *ch, size_t *len, const char **info)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    if (*p != '`' && *p != '~')
        return false;
    size_t n = 0;
    while (p[n] == *p)
        n++;
    if (n < 3 || (*p == '`' && strchr(p + n, '`')))
        return false;
    *ch = *p;
    *len = n;
    *info = p + n;
    return true;
}

/* The line closing a fence of len ch characters: at least as many, then
 * only spaces. */
bool md_fence_close(const char *line, char ch, size_t len)
{
    const char *p = line;
    while (*p == ' ' || *p == '\t')
        p++;
    size_t n = 0;
    while (p[n] == ch)
        n++;
    if (n < len)
        return false;
    for (p += n; *p; p++)
        if (!isspace((unsigned char)*p))
            return false;
    return true;
}

/* The info string's first word is `paramlab`. */
bool md_info_is_paramlab(const char *info)
{
    while (isspace((unsigned char)*info))
        info++;
    size_t n = strcspn(info, " \t{");
    return n == 8 && strncmp(info, "paramlab", 8) == 0;
}


char *md_trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    for (char *e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    return s;
}

/* ---- inline markup → a styled stream ---- */


/* True when a closing run of exactly len ch follows from i (preceded by a
 * non-space; for '_' not followed by a letter or digit). */
static bool has_closer(const char *s, size_t i, size_t n, char ch, size_t len)
{
    for (size_t j = i; j < n; j++) {
        if (s[j] == '`') { /* a code span hides its content */
            size_t k = j + 1;
            while (k < n && s[k] != '`')
                k++;
            j = k;
            continue;
        }
        if (s[j] != ch)
            continue;
        size_t r = 0;
        while (j + r < n && s[j + r] == ch)
            r++;
        bool after_ok = ch != '_' || j + r >= n || !isalnum((unsigned char)s[j + r]);
        if (r >= len && j > i && !isspace((unsigned char)s[j - 1]) && after_ok)
            return true;
        j += r - 1;
    }
    return false;
}

/* Finds the end of a link `[text](url)` starting at s[i] == '['. */
static bool link_at(const char *s, size_t i, size_t n, size_t *text_end, size_t *url_start, size_t *url_end)
{
    int depth = 0;
    size_t j = i;
    for (; j < n; j++) {
        if (s[j] == '\\') {
            j++;
            continue;
        }
        if (s[j] == '[')
            depth++;
        else if (s[j] == ']' && --depth == 0)
            break;
    }
    if (j >= n || j + 1 >= n || s[j + 1] != '(')
        return false;
    size_t k = j + 2;
    int par = 1;
    for (; k < n; k++) {
        if (s[k] == '(')
            par++;
        else if (s[k] == ')' && --par == 0)
            break;
    }
    if (k >= n)
        return false;
    *text_end = j;
    *url_start = j + 2;
    *url_end = k;
    return true;
}

/* A code span opening with the backticks at s[i]: its text marked as code,
 * spaces kept unbreakable. Returns where the text goes on; a run of
 * backticks without its closing run stays as it is. */
static size_t style_code(StrBuf *o, const char *s, size_t i, size_t n)
{
    size_t run = 0;
    while (i + run < n && s[i + run] == '`')
        run++;
    size_t j = i + run, close = 0;
    bool found = false;
    while (j < n && !found) {
        if (s[j] == '`') {
            size_t r = 0;
            while (j + r < n && s[j + r] == '`')
                r++;
            if (r == run) {
                found = true;
                close = j;
            }
            j += r;
        } else {
            j++;
        }
    }
    if (!found) {
        strbuf_add(o, s + i, run);
        return i + run;
    }
    size_t a = i + run, b = close;
    if (b - a >= 2 && s[a] == ' ' && s[b - 1] == ' ')
        a++, b--;
    strbuf_ch(o, T_CODE);
    for (size_t k = a; k < b; k++) {
        unsigned char c = (unsigned char)s[k];
        strbuf_ch(o, c == ' ' || c == '\n' || c == '\t' ? T_NBSP : c < 32 ? ' ' : (char)c);
    }
    strbuf_ch(o, T_CODE);
    return close + run;
}

/* A link or image at s[i] ('[' or "!["): its text, then the address in
 * brackets unless it is an anchor or the same as the text. */
static size_t style_link(StrBuf *o, const char *s, size_t i, size_t n)
{
    size_t at = s[i] == '!' ? i + 1 : i, te, us, ue;
    if (!link_at(s, at, n, &te, &us, &ue)) {
        strbuf_ch(o, s[i]);
        return i + 1;
    }
    /* the url may carry a "title" after a space */
    size_t ulen = ue - us;
    const char *url = s + us;
    while (ulen && isspace((unsigned char)*url))
        url++, ulen--;
    size_t cut = 0;
    while (cut < ulen && !isspace((unsigned char)url[cut]))
        cut++;
    ulen = cut;
    if (ulen >= 2 && url[0] == '<' && url[ulen - 1] == '>')
        url++, ulen -= 2;
    md_inline_style(o, s + at + 1, te - at - 1);
    bool same = te - at - 1 == ulen && strncmp(s + at + 1, url, ulen) == 0;
    if (ulen && url[0] != '#' && !same) {
        strbuf_str(o, " (");
        strbuf_add(o, url, ulen);
        strbuf_ch(o, ')');
    }
    return ue + 1;
}

/* '<' at s[i]: an autolink shows its address, an inline HTML tag (<br>,
 * <sub>, </b> ...) is left out, anything else is a plain '<'. */
static size_t style_angle(StrBuf *o, const char *s, size_t i, size_t n)
{
    size_t j = i + 1;
    while (j < n && s[j] != '>' && s[j] != '<' && s[j] != ' ')
        j++;
    bool tag_like = j < n && s[j] == '>';
    if (tag_like && (strncmp(s + i + 1, "http", 4) == 0 || strncmp(s + i + 1, "mailto:", 7) == 0)) {
        strbuf_add(o, s + i + 1, j - i - 1);
        return j + 1;
    }
    size_t k = i + 1;
    if (k < n && s[k] == '/')
        k++;
    if (k < n && isalpha((unsigned char)s[k])) {
        size_t e = k;
        while (e < n && s[e] != '>' && s[e] != '<')
            e++;
        if (e < n && s[e] == '>')
            return e + 1;
    }
    strbuf_ch(o, '<');
    return i + 1;
}

/* A run of '*' or '_' at s[i]: toggles bold (pairs) and emphasis (single)
 * where the run can open or close them; snake_case and "2 * 3" stay. */
static size_t style_emphasis(StrBuf *o, const char *s, size_t i, size_t n, bool *bold, bool *emph)
{
    unsigned char ch = (unsigned char)s[i];
    size_t run = 0;
    while (i + run < n && s[i + run] == (char)ch)
        run++;
    unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : ' ';
    unsigned char next = i + run < n ? (unsigned char)s[i + run] : ' ';
    bool opens = !isspace(next), closes = !isspace(prev);
    if ((ch == '_' && isalnum(prev) && isalnum(next)) || (!opens && !closes)) {
        strbuf_add(o, s + i, run); /* snake_case, or a plain star as in "2 * 3" */
        return i + run;
    }
    size_t used = 0;
    while (used < run) {
        size_t take = run - used >= 2 ? 2 : 1;
        bool *on = take == 2 ? bold : emph;
        if (*on && closes) {
            strbuf_ch(o, take == 2 ? T_BOLD : T_EMPH);
            *on = false;
        } else if (!*on && opens && has_closer(s, i + run, n, (char)ch, take)) {
            strbuf_ch(o, take == 2 ? T_BOLD : T_EMPH);
            *on = true;
        } else if (take == 1 && !(opens && closes)) {
            strbuf_ch(o, (char)ch); /* a lone star at a word's edge stays */
        }
        /* an unmatched ** (or an intraword lone *) is dropped */
        used += take;
    }
    return i + run;
}

/* The entities prose uses (&nbsp; &amp; &lt; &gt;) at s[i]: how many
 * bytes were taken, 0 when none starts there. */
static size_t style_entity(StrBuf *o, const char *s, size_t i, size_t n)
{
    if (i + 5 < n && strncmp(s + i, "&nbsp;", 6) == 0) {
        strbuf_ch(o, T_NBSP);
        return 6;
    }
    if (i + 4 < n && strncmp(s + i, "&amp;", 5) == 0) {
        strbuf_ch(o, '&');
        return 5;
    }
    if (i + 3 < n && (strncmp(s + i, "&lt;", 4) == 0 || strncmp(s + i, "&gt;", 4) == 0)) {
        strbuf_ch(o, s[i + 1] == 'l' ? '<' : '>');
        return 4;
    }
    return 0;
}

/* Inline Markdown of s (n bytes) into o: escapes, code spans, links,
 * autolinks, emphasis and entities become text with style marks (T_CODE,
 * T_BOLD, T_EMPH, T_NBSP) for the line cutter; styles still open at the
 * end are closed. */
void md_inline_style(StrBuf *o, const char *s, size_t n)
{
    bool bold = false, emph = false;
    size_t i = 0, took;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\\' && i + 1 < n && ispunct((unsigned char)s[i + 1])) {
            strbuf_ch(o, s[i + 1]);
            i += 2;
        } else if (ch == '`') {
            i = style_code(o, s, i, n);
        } else if (ch == '[' || (ch == '!' && i + 1 < n && s[i + 1] == '[')) {
            i = style_link(o, s, i, n);
        } else if (ch == '<') {
            i = style_angle(o, s, i, n);
        } else if (ch == '*' || ch == '_') {
            i = style_emphasis(o, s, i, n, &bold, &emph);
        } else if (ch == '&' && (took = style_entity(o, s, i, n)) > 0) {
            i += took;
        } else {
            strbuf_ch(o, ch == '\n' || ch == '\t' ? ' ' : ch < 32 || ch == 127 ? ' ' : (char)ch);
            i++;
        }
    }
    if (bold)
        strbuf_ch(o, T_BOLD);
    if (emph)
        strbuf_ch(o, T_EMPH);
}

/* Bytes of the unit (a style toggle or one UTF-8 code point) at s. */
size_t md_unit_len(const char *s, size_t n)
{
    size_t k = 1;
    if ((unsigned char)s[0] >= 0xC0)
        while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
            k++;
    return k;
}

/* Markdown inline text as plain text (no markers, no backticks) in buf,
 * cut at a code point boundary when it does not fit. */
void md_plain_text(const char *md, char *buf, size_t n)
{
    StrBuf o = {0};
    md_inline_style(&o, md, strlen(md));
    size_t k = 0;
    for (size_t i = 0; i < o.n;) {
        size_t u = md_unit_len(o.p + i, o.n - i);
        if (k + u >= n)
            break;
        if (u == 1 && o.p[i] == T_NBSP)
            buf[k++] = ' ';
        else if (u > 1 || (unsigned char)o.p[i] > T_NBSP) {
            memcpy(buf + k, o.p + i, u);
            k += u;
        }
        i += u;
    }
    buf[k] = '\0';
    free(o.p);
}
