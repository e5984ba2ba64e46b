/* lesson.c — reading a Markdown lesson into prose and command blocks, and
 * rendering Markdown prose for a terminal. The parser refuses a malformed
 * lesson (unclosed fence, empty block, a command line the caller's check
 * refuses, no paramlab block) with "FILE:LINE: message" before anything
 * runs. The renderer handles the Markdown a lesson uses: headings,
 * paragraphs, lists, block quotes, tables, code blocks, rules, and inline
 * **bold**, *emphasis*, `code` and links. It turns inline markup into a
 * styled stream (text plus one-byte style toggles), then wraps that stream
 * to the width, counting one column per UTF-8 code point. */
#include "lesson.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util.h"

#define LESSON_MAX_BYTES (8u << 20) /* a lesson larger than this is refused */

/* ---- a growing string ---- */

typedef struct Buf {
    char *p;   /* the text, NUL-terminated once anything was added */
    size_t n;  /* bytes used */
    size_t cap;
    bool oom;  /* an allocation failed: the text is incomplete */
} Buf;

static void buf_add(Buf *b, const char *s, size_t n)
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

static void buf_str(Buf *b, const char *s)
{
    buf_add(b, s, strlen(s));
}

static void buf_ch(Buf *b, char c)
{
    buf_add(b, &c, 1);
}

/* The text as an owned string ("" when empty); NULL when out of memory.
 * The buffer is empty afterwards. */
static char *buf_take(Buf *b)
{
    char *s = b->oom ? NULL : b->p ? b->p : util_strdup("");
    if (b->oom)
        free(b->p);
    *b = (Buf){0};
    return s;
}

/* ---- fences ---- */

/* Ends the line that starts at p (at its '\n', dropping a '\r' before it)
 * and returns where the next line starts. */
static char *cut_line(char *p)
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
static bool fence_open(const char *line, char *ch, size_t *len, const char **info)
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
static bool fence_close(const char *line, char ch, size_t len)
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
static bool info_is_paramlab(const char *info)
{
    while (isspace((unsigned char)*info))
        info++;
    size_t n = strcspn(info, " \t{");
    return n == 8 && strncmp(info, "paramlab", 8) == 0;
}

/* ---- the parser ---- */

void lesson_free(Lesson *l)
{
    if (!l)
        return;
    for (int b = 0; b < l->n_blocks; b++) {
        free(l->blocks[b].prose);
        for (int i = 0; i < l->blocks[b].n_lines; i++)
            free(l->blocks[b].lines[i].text);
        free(l->blocks[b].lines);
    }
    free(l->blocks);
    free(l->path);
    free(l->title);
    free(l->tail);
    free(l);
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    for (char *e = s + strlen(s); e > s && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    return s;
}

/* "# Title #" → "Title" in buf; false when line is not a level-1 heading. */
static bool heading1(const char *line, char *buf, size_t n)
{
    const char *p = line;
    while (*p == ' ')
        p++;
    if (p - line > 3 || p[0] != '#' || (p[1] != ' ' && p[1] != '\t'))
        return false;
    snprintf(buf, n, "%s", p + 2);
    char *t = trim(buf);
    char *e = t + strlen(t);
    while (e > t && e[-1] == '#')
        e--;
    if (e < t + strlen(t) && (e == t || e[-1] == ' '))
        *e = '\0';
    memmove(buf, t, strlen(t) + 1);
    trim(buf);
    return buf[0] != '\0';
}

static void inline_style(Buf *o, const char *s, size_t n);
static void plain_text(const char *md, char *buf, size_t n);

/* Adds a command line to block b; false when out of memory. */
static bool block_add(LessonBlock *b, long line, const char *text)
{
    LessonLine *p = realloc(b->lines, sizeof *p * (size_t)(b->n_lines + 1));
    if (!p)
        return false;
    b->lines = p;
    char *t = util_strdup(text);
    if (!t)
        return false;
    p[b->n_lines].line = line;
    p[b->n_lines].text = t;
    b->n_lines++;
    return true;
}

/* The file's name without directories and without ".md". */
static void base_name(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    snprintf(buf, n, "%s", slash ? slash + 1 : path);
    size_t len = strlen(buf);
    if (len > 3 && strcmp(buf + len - 3, ".md") == 0)
        buf[len - 3] = '\0';
}

Lesson *lesson_parse(const char *path, const char *text, LessonCheck check, void *ctx, char *err)
{
    Lesson *l = calloc(1, sizeof *l);
    char *copy = util_strdup(text);
    if (!l || !copy || !(l->path = util_strdup(path))) {
        free(copy);
        lesson_free(l);
        util_err(err, "%s:1: out of memory", path);
        return NULL;
    }
    char *p = copy;
    if (strncmp(p, "\xEF\xBB\xBF", 3) == 0) /* a UTF-8 byte order mark */
        p += 3;
    enum { OUT, PROSE_FENCE, BLOCK } state = OUT;
    char fch = 0;
    size_t flen = 0;
    long fline = 0, lineno = 0;
    Buf prose = {0};
    char title[256] = "";
    bool ok = true;
    while (ok && *p) {
        char *next = cut_line(p);
        lineno++;
        const char *info;
        char ch;
        size_t n;
        if (state == OUT && fence_open(p, &ch, &n, &info)) {
            fch = ch;
            flen = n;
            fline = lineno;
            if (info_is_paramlab(info)) {
                LessonBlock *nb = realloc(l->blocks, sizeof *nb * (size_t)(l->n_blocks + 1));
                if (!nb) {
                    ok = false;
                    break;
                }
                l->blocks = nb;
                nb += l->n_blocks++;
                *nb = (LessonBlock){.line = lineno};
                nb->prose = buf_take(&prose);
                ok = nb->prose != NULL;
                state = BLOCK;
            } else {
                buf_str(&prose, p);
                buf_ch(&prose, '\n');
                state = PROSE_FENCE;
            }
        } else if (state == OUT) {
            if (!title[0])
                heading1(p, title, sizeof title);
            buf_str(&prose, p);
            buf_ch(&prose, '\n');
        } else if (state == PROSE_FENCE) {
            buf_str(&prose, p);
            buf_ch(&prose, '\n');
            if (fence_close(p, fch, flen))
                state = OUT;
        } else if (fence_close(p, fch, flen)) {
            LessonBlock *b = &l->blocks[l->n_blocks - 1];
            if (b->n_lines == 0) {
                util_err(err, "%s:%ld: this paramlab block is empty: put commands in it or remove it", path, fline);
                free(copy);
                free(buf_take(&prose));
                lesson_free(l);
                return NULL;
            }
            state = OUT;
        } else {
            char *t = trim(p);
            if (*t)
                ok = block_add(&l->blocks[l->n_blocks - 1], lineno, t);
        }
        p = next;
    }
    free(copy);
    l->tail = buf_take(&prose);
    if (!ok || !l->tail) {
        util_err(err, "%s:%ld: out of memory", path, lineno);
        lesson_free(l);
        return NULL;
    }
    if (state != OUT) {
        char fence[16];
        memset(fence, fch, sizeof fence);
        fence[flen < sizeof fence ? flen : sizeof fence - 1] = '\0';
        util_err(err, "%s:%ld: this %s%s block is never closed: end it with a line of %s", path, fline, fence,
                 state == BLOCK ? "paramlab" : "", fence);
        lesson_free(l);
        return NULL;
    }
    if (l->n_blocks == 0) {
        util_err(err, "%s:1: no ```paramlab block: a lesson needs at least one fenced block of commands tagged "
                 "paramlab", path);
        lesson_free(l);
        return NULL;
    }
    char plain[256];
    if (title[0])
        plain_text(title, plain, sizeof plain);
    else
        base_name(path, plain, sizeof plain);
    if (!(l->title = util_strdup(plain))) {
        util_err(err, "%s:1: out of memory", path);
        lesson_free(l);
        return NULL;
    }
    for (int b = 0; check && b < l->n_blocks; b++)
        for (int i = 0; i < l->blocks[b].n_lines; i++) {
            char msg[ERR_LEN] = "";
            const LessonLine *ln = &l->blocks[b].lines[i];
            if (check(ctx, ln->text, msg) != 0) {
                util_err(err, "%s:%ld: %s", path, ln->line, msg[0] ? msg : "this command is refused");
                lesson_free(l);
                return NULL;
            }
        }
    return l;
}

/* The whole file into an owned string; NULL with "FILE:1: message". */
static char *read_file(const char *path, char *err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        util_err(err, "%s:1: cannot open: %s", path, strerror(errno));
        return NULL;
    }
    Buf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.n <= LESSON_MAX_BYTES)
        buf_add(&b, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(buf_take(&b));
        util_err(err, "%s:1: cannot read it: give a Markdown lesson file", path);
        return NULL;
    }
    if (b.n > LESSON_MAX_BYTES) {
        free(buf_take(&b));
        util_err(err, "%s:1: larger than %u MB: a lesson is a small Markdown file", path, LESSON_MAX_BYTES >> 20);
        return NULL;
    }
    if (memchr(b.p ? b.p : "", '\0', b.n)) {
        free(buf_take(&b));
        util_err(err, "%s:1: a binary file, not a Markdown lesson", path);
        return NULL;
    }
    char *s = buf_take(&b);
    if (!s)
        util_err(err, "%s:1: out of memory", path);
    return s;
}

Lesson *lesson_load(const char *path, LessonCheck check, void *ctx, char *err)
{
    char *text = read_file(path, err);
    if (!text)
        return NULL;
    Lesson *l = lesson_parse(path, text, check, ctx, err);
    free(text);
    return l;
}

bool lesson_title(const char *path, char *buf, size_t n)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return false;
    char line[1024], raw[256];
    bool found = false, in_fence = false;
    char fch = 0;
    size_t flen = 0;
    for (int k = 0; !found && k < 2000 && fgets(line, sizeof line, f); k++) {
        const char *info;
        if (in_fence)
            in_fence = !fence_close(line, fch, flen);
        else if (fence_open(line, &fch, &flen, &info))
            in_fence = true;
        else
            found = heading1(line, raw, sizeof raw);
    }
    fclose(f);
    if (found)
        plain_text(raw, buf, n);
    return found;
}

/* ---- inline markup → a styled stream ---- */

/* Style toggles inside the stream; NBSP is a space inside `code` that is
 * not a place to break the line. */
enum { T_BOLD = 1, T_EMPH = 2, T_CODE = 3, T_NBSP = 4 };
/* Style bits: the toggles, and the base style of a block. */
enum { S_BOLD = 1, S_EMPH = 2, S_CODE = 4, S_HEAD = 8, S_SUB = 16, S_VERB = 32, S_DIM = 64 };

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
static size_t style_code(Buf *o, const char *s, size_t i, size_t n)
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
        buf_add(o, s + i, run);
        return i + run;
    }
    size_t a = i + run, b = close;
    if (b - a >= 2 && s[a] == ' ' && s[b - 1] == ' ')
        a++, b--;
    buf_ch(o, T_CODE);
    for (size_t k = a; k < b; k++) {
        unsigned char c = (unsigned char)s[k];
        buf_ch(o, c == ' ' || c == '\n' || c == '\t' ? T_NBSP : c < 32 ? ' ' : (char)c);
    }
    buf_ch(o, T_CODE);
    return close + run;
}

/* A link or image at s[i] ('[' or "!["): its text, then the address in
 * brackets unless it is an anchor or the same as the text. */
static size_t style_link(Buf *o, const char *s, size_t i, size_t n)
{
    size_t at = s[i] == '!' ? i + 1 : i, te, us, ue;
    if (!link_at(s, at, n, &te, &us, &ue)) {
        buf_ch(o, s[i]);
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
    inline_style(o, s + at + 1, te - at - 1);
    bool same = te - at - 1 == ulen && strncmp(s + at + 1, url, ulen) == 0;
    if (ulen && url[0] != '#' && !same) {
        buf_str(o, " (");
        buf_add(o, url, ulen);
        buf_ch(o, ')');
    }
    return ue + 1;
}

/* '<' at s[i]: an autolink shows its address, an inline HTML tag (<br>,
 * <sub>, </b> ...) is left out, anything else is a plain '<'. */
static size_t style_angle(Buf *o, const char *s, size_t i, size_t n)
{
    size_t j = i + 1;
    while (j < n && s[j] != '>' && s[j] != '<' && s[j] != ' ')
        j++;
    bool tag_like = j < n && s[j] == '>';
    if (tag_like && (strncmp(s + i + 1, "http", 4) == 0 || strncmp(s + i + 1, "mailto:", 7) == 0)) {
        buf_add(o, s + i + 1, j - i - 1);
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
    buf_ch(o, '<');
    return i + 1;
}

/* A run of '*' or '_' at s[i]: toggles bold (pairs) and emphasis (single)
 * where the run can open or close them; snake_case and "2 * 3" stay. */
static size_t style_emphasis(Buf *o, const char *s, size_t i, size_t n, bool *bold, bool *emph)
{
    unsigned char ch = (unsigned char)s[i];
    size_t run = 0;
    while (i + run < n && s[i + run] == (char)ch)
        run++;
    unsigned char prev = i > 0 ? (unsigned char)s[i - 1] : ' ';
    unsigned char next = i + run < n ? (unsigned char)s[i + run] : ' ';
    bool opens = !isspace(next), closes = !isspace(prev);
    if ((ch == '_' && isalnum(prev) && isalnum(next)) || (!opens && !closes)) {
        buf_add(o, s + i, run); /* snake_case, or a plain star as in "2 * 3" */
        return i + run;
    }
    size_t used = 0;
    while (used < run) {
        size_t take = run - used >= 2 ? 2 : 1;
        bool *on = take == 2 ? bold : emph;
        if (*on && closes) {
            buf_ch(o, take == 2 ? T_BOLD : T_EMPH);
            *on = false;
        } else if (!*on && opens && has_closer(s, i + run, n, (char)ch, take)) {
            buf_ch(o, take == 2 ? T_BOLD : T_EMPH);
            *on = true;
        } else if (take == 1 && !(opens && closes)) {
            buf_ch(o, (char)ch); /* a lone star at a word's edge stays */
        }
        /* an unmatched ** (or an intraword lone *) is dropped */
        used += take;
    }
    return i + run;
}

/* The entities prose uses (&nbsp; &amp; &lt; &gt;) at s[i]: how many
 * bytes were taken, 0 when none starts there. */
static size_t style_entity(Buf *o, const char *s, size_t i, size_t n)
{
    if (i + 5 < n && strncmp(s + i, "&nbsp;", 6) == 0) {
        buf_ch(o, T_NBSP);
        return 6;
    }
    if (i + 4 < n && strncmp(s + i, "&amp;", 5) == 0) {
        buf_ch(o, '&');
        return 5;
    }
    if (i + 3 < n && (strncmp(s + i, "&lt;", 4) == 0 || strncmp(s + i, "&gt;", 4) == 0)) {
        buf_ch(o, s[i + 1] == 'l' ? '<' : '>');
        return 4;
    }
    return 0;
}

/* Inline Markdown of s (n bytes) into o: escapes, code spans, links,
 * autolinks, emphasis and entities become text with style marks (T_CODE,
 * T_BOLD, T_EMPH, T_NBSP) for the line cutter; styles still open at the
 * end are closed. */
static void inline_style(Buf *o, const char *s, size_t n)
{
    bool bold = false, emph = false;
    size_t i = 0, took;
    while (i < n) {
        unsigned char ch = (unsigned char)s[i];
        if (ch == '\\' && i + 1 < n && ispunct((unsigned char)s[i + 1])) {
            buf_ch(o, s[i + 1]);
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
            buf_ch(o, ch == '\n' || ch == '\t' ? ' ' : ch < 32 || ch == 127 ? ' ' : (char)ch);
            i++;
        }
    }
    if (bold)
        buf_ch(o, T_BOLD);
    if (emph)
        buf_ch(o, T_EMPH);
}

/* Bytes of the unit (a style toggle or one UTF-8 code point) at s. */
static size_t unit_len(const char *s, size_t n)
{
    size_t k = 1;
    if ((unsigned char)s[0] >= 0xC0)
        while (k < n && ((unsigned char)s[k] & 0xC0) == 0x80)
            k++;
    return k;
}

/* Markdown inline text as plain text (no markers, no backticks) in buf,
 * cut at a code point boundary when it does not fit. */
static void plain_text(const char *md, char *buf, size_t n)
{
    Buf o = {0};
    inline_style(&o, md, strlen(md));
    size_t k = 0;
    for (size_t i = 0; i < o.n;) {
        size_t u = unit_len(o.p + i, o.n - i);
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

/* ---- output ---- */

typedef struct Render {
    FILE *f;
    int width;       /* columns available */
    bool color;      /* ANSI styles */
    bool printed;    /* a block was printed */
    bool prev_item;  /* the last block was a list item */
    bool blank;      /* a blank line in the source since the last block */
} Render;

/* Columns the styled text s[0..n) takes: one per code point, none for
 * the style toggles. */
static int vis_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((c & 0xC0) != 0x80 && (c > T_CODE))
            w++;
    }
    return w;
}

static void sgr(Render *r, int bits)
{
    if (!r->color)
        return;
    fputs("\033[0", r->f);
    if (bits & (S_BOLD | S_HEAD | S_SUB))
        fputs(";1", r->f);
    if (bits & (S_EMPH | S_HEAD))
        fputs(";4", r->f);
    if (bits & (S_CODE | S_VERB))
        fputs(";36", r->f);
    if (bits & S_DIM)
        fputs(";2", r->f);
    fputs("m", r->f);
}

/* Writes one byte of the stream, following the style toggles. */
static void put_styled(Render *r, char c, int *bits)
{
    switch (c) {
    case T_BOLD: *bits ^= S_BOLD; sgr(r, *bits); break;
    case T_EMPH: *bits ^= S_EMPH; sgr(r, *bits); break;
    case T_CODE:
        *bits ^= S_CODE;
        if (r->color)
            sgr(r, *bits);
        else
            fputc('`', r->f);
        break;
    case T_NBSP: fputc(' ', r->f); break;
    default: fputc(c, r->f);
    }
}

/* Ends a wrapped line and starts the next after hang, carrying the style
 * in force (bits) across the break. */
static void break_line(Render *r, const char *hang, int bits)
{
    if (bits && r->color)
        fputs("\033[0m", r->f);
    fputc('\n', r->f);
    fputs(hang, r->f);
    if (bits)
        sgr(r, bits);
}

/* Writes the styled text st wrapped to r->width: the first line after
 * lead, the others after hang (both plain). base is the block's style.
 * Returns the widest line's text width. */
static int wrap(Render *r, const char *st, const char *lead, const char *hang, int base)
{
    int bits = base, widest = 0;
    int lead_w = vis_width(lead, strlen(lead)), hang_w = vis_width(hang, strlen(hang));
    fputs(lead, r->f);
    if (base)
        sgr(r, base);
    int col = lead_w, start = lead_w;
    const char *p = st;
    while (*p) {
        while (*p == ' ')
            p++;
        if (!*p)
            break;
        size_t len = strcspn(p, " ");
        int w = vis_width(p, len);
        if (col > start && col + 1 + w > r->width) {
            break_line(r, hang, bits);
            col = start = hang_w;
        }
        if (col > start) {
            fputc(' ', r->f);
            col++;
        }
        for (size_t i = 0; i < len;) {
            size_t u = unit_len(p + i, len - i);
            int uw = vis_width(p + i, u);
            if (uw && col >= r->width && col > start) { /* a word longer than the line */
                break_line(r, hang, bits);
                if (col - start > widest)
                    widest = col - start;
                col = start = hang_w;
            }
            if (u == 1)
                put_styled(r, p[i], &bits);
            else
                fwrite(p + i, 1, u, r->f);
            col += uw;
            i += u;
        }
        if (col - start > widest)
            widest = col - start;
        p += len;
    }
    if (r->color && bits)
        fputs("\033[0m", r->f);
    fputc('\n', r->f);
    return widest;
}

/* Starts a block: one blank line after the one before, except between
 * the items of a tight list. */
static void begin(Render *r, bool item)
{
    if (r->printed && !(item && r->prev_item && !r->blank))
        fputc('\n', r->f);
    r->printed = true;
    r->prev_item = item;
    r->blank = false;
}

static void repeat(FILE *f, const char *s, int n)
{
    for (int i = 0; i < n; i++)
        fputs(s, f);
}

static void heading(Render *r, const char *text, int level)
{
    Buf st = {0};
    inline_style(&st, text, strlen(text));
    begin(r, false);
    int w = wrap(r, st.p ? st.p : "", "", "", level <= 2 ? S_HEAD : S_SUB);
    if (!r->color && level <= 2) {
        repeat(r->f, level == 1 ? "=" : "-", w);
        fputc('\n', r->f);
    }
    free(st.p);
}

/* ---- tables ---- */

#define MAX_COLS 16

/* Splits a table row into at most MAX_COLS cells (styled, owned). */
static int table_cells(const char *row, char **cells)
{
    const char *p = row;
    while (isspace((unsigned char)*p))
        p++;
    if (*p == '|')
        p++;
    int n = 0;
    while (*p && n < MAX_COLS) {
        const char *q = p;
        bool code = false;
        while (*q && (code || *q != '|')) {
            if (*q == '\\' && q[1])
                q++;
            else if (*q == '`')
                code = !code;
            q++;
        }
        const char *a = p, *b = q;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (!*q && a == b)
            break; /* nothing after the last | */
        Buf st = {0};
        inline_style(&st, a, (size_t)(b - a));
        cells[n++] = st.p ? st.p : util_strdup("");
        p = *q ? q + 1 : q;
    }
    return n;
}

/* A separator row: cells like ---, :--, --: only. */
static bool table_rule(const char *row)
{
    bool dash = false;
    for (const char *p = row; *p; p++) {
        if (*p == '-')
            dash = true;
        else if (!strchr("|: \t", *p))
            return false;
    }
    return dash;
}

static void table(Render *r, char **rows, int n_rows)
{
    char *cells[64][MAX_COLS];
    int nc[64], width[MAX_COLS] = {0}, ncols = 0;
    bool header = n_rows > 1 && table_rule(rows[1]);
    int k = 0;
    for (int i = 0; i < n_rows && k < 64; i++) {
        if (i == 1 && header)
            continue;
        nc[k] = table_cells(rows[i], cells[k]);
        for (int j = 0; j < nc[k]; j++) {
            int w = cells[k][j] ? vis_width(cells[k][j], strlen(cells[k][j])) : 0;
            if (w > width[j])
                width[j] = w;
        }
        if (nc[k] > ncols)
            ncols = nc[k];
        k++;
    }
    begin(r, false);
    for (int i = 0; i < k; i++) {
        int bits = header && i == 0 ? S_SUB : 0;
        fputs("  ", r->f);
        for (int j = 0; j < ncols; j++) {
            const char *c = j < nc[i] && cells[i][j] ? cells[i][j] : "";
            if (bits)
                sgr(r, bits);
            int b = bits;
            for (const char *q = c; *q; q++)
                put_styled(r, *q, &b);
            if (r->color && (bits || b))
                fputs("\033[0m", r->f);
            if (j + 1 < ncols)
                fprintf(r->f, "%*s", width[j] - vis_width(c, strlen(c)) + 2, "");
        }
        fputc('\n', r->f);
        if (header && i == 0) {
            fputs("  ", r->f);
            for (int j = 0; j < ncols; j++) {
                repeat(r->f, "─", width[j]);
                if (j + 1 < ncols)
                    fputs("  ", r->f);
            }
            fputc('\n', r->f);
        }
    }
    for (int i = 0; i < k; i++)
        for (int j = 0; j < nc[i]; j++)
            free(cells[i][j]);
}

/* ---- blocks ---- */

typedef enum Pending { P_NONE, P_PARA, P_ITEM, P_QUOTE } Pending;

typedef struct Para {
    Pending kind;
    Buf text;         /* the Markdown of the paragraph, lines joined by spaces */
    char lead[64];    /* first-line prefix (bullet) */
    char hang[64];    /* prefix of the following lines */
} Para;

static void flush(Render *r, Para *pa)
{
    if (pa->kind == P_NONE)
        return;
    Buf st = {0};
    if (pa->text.p)
        inline_style(&st, pa->text.p, pa->text.n);
    begin(r, pa->kind == P_ITEM);
    wrap(r, st.p ? st.p : "", pa->lead, pa->hang, pa->kind == P_QUOTE ? S_DIM : 0);
    free(st.p);
    free(pa->text.p);
    *pa = (Para){.kind = P_NONE};
}

static void para_add(Para *pa, const char *s)
{
    if (pa->text.n)
        buf_ch(&pa->text, ' ');
    buf_str(&pa->text, s);
}

/* A list item marker at s ("- ", "* ", "+ ", "12. ", "3) "): its length
 * including the space, and the marker to show in m. 0 when none. */
static size_t list_marker(const char *s, char *m, size_t n)
{
    if ((s[0] == '-' || s[0] == '*' || s[0] == '+') && (s[1] == ' ' || s[1] == '\t')) {
        snprintf(m, n, "•");
        return 2;
    }
    size_t d = 0;
    while (isdigit((unsigned char)s[d]) && d < 9)
        d++;
    if (d > 0 && (s[d] == '.' || s[d] == ')') && (s[d + 1] == ' ' || s[d + 1] == '\t')) {
        snprintf(m, n, "%.*s.", (int)d, s);
        return d + 2;
    }
    return 0;
}

/* A thematic break: three or more of one of - * _ and spaces only. */
static bool is_rule(const char *s)
{
    char c = 0;
    int count = 0;
    for (; *s; s++) {
        if (*s == ' ' || *s == '\t')
            continue;
        if (!c && strchr("-*_", *s))
            c = *s;
        if (*s != c)
            return false;
        count++;
    }
    return count >= 3;
}

/* Where the renderer stands between lines: the open paragraph, table rows
 * waiting for their table, and the block a line may continue. */
typedef struct Doc {
    Render r;
    Para pa;            /* the paragraph, item or quote being gathered */
    char *rows[64];     /* table rows not yet drawn (in the copy of the text) */
    int n_rows;
    bool in_fence;      /* inside a fenced code block */
    bool in_comment;    /* inside an HTML comment */
    bool in_icode;      /* inside an indented code block */
    char fch;           /* the open fence's character */
    size_t flen;        /* and its length */
    int item_hang;      /* columns of the last list item's text, for its continued paragraphs; -1 */
} Doc;

/* One line of code, indented four columns in the verbatim style; tabs
 * expanded to stops of four when tabs is set. */
static void put_verbatim(Render *r, const char *text, bool tabs)
{
    fputs("    ", r->f);
    sgr(r, S_VERB);
    int col = 0;
    for (const char *q = text; *q; q++) {
        if (*q == '\t' && tabs) {
            do
                fputc(' ', r->f);
            while (++col % 4);
        } else {
            fputc(*q, r->f);
            col++;
        }
    }
    if (r->color)
        fputs("\033[0m", r->f);
    fputc('\n', r->f);
}

/* Lines that open, continue or close a block without prose: fenced and
 * indented code, comments, blank lines, table rows. True when the line was
 * taken. */
static bool render_block(Doc *d, char *line, char *s, int indent)
{
    Render *r = &d->r;
    const char *info;
    char ch;
    size_t n;
    if (d->in_fence) {
        if (fence_close(line, d->fch, d->flen))
            d->in_fence = false;
        else
            put_verbatim(r, line, true);
        return true;
    }
    if (d->in_comment) {
        if (strstr(line, "-->"))
            d->in_comment = false;
        return true;
    }
    if (d->n_rows && *s != '|') {
        flush(r, &d->pa);
        table(r, d->rows, d->n_rows);
        d->n_rows = 0;
    }
    if (!*s) {
        flush(r, &d->pa);
        r->blank = true;
        d->in_icode = false;
        return true;
    }
    if (strncmp(s, "<!--", 4) == 0) {
        flush(r, &d->pa);
        d->in_comment = !strstr(s + 4, "-->");
        return true;
    }
    if (fence_open(line, &ch, &n, &info)) {
        flush(r, &d->pa);
        begin(r, false);
        d->in_fence = true;
        d->fch = ch;
        d->flen = n;
        return true;
    }
    if (indent >= 4 && (d->in_icode || (d->pa.kind == P_NONE && d->item_hang < 0))) {
        /* an indented code block: shown without its first 4 columns */
        if (!d->in_icode)
            begin(r, false);
        d->in_icode = true;
        const char *q = line;
        for (int cols = 0; cols < 4 && (*q == ' ' || *q == '\t'); q++)
            cols += *q == '\t' ? 4 : 1;
        put_verbatim(r, q, false);
        return true;
    }
    d->in_icode = false;
    if (*s == '|') {
        flush(r, &d->pa);
        if (d->n_rows == 64) {
            table(r, d->rows, d->n_rows);
            d->n_rows = 0;
        }
        d->rows[d->n_rows++] = s;
        return true;
    }
    return false;
}

/* Headings (ATX "# ..." and setext underlines) and thematic breaks. True
 * when the line was one. */
static bool render_heading(Doc *d, char *s, int indent)
{
    Render *r = &d->r;
    if (*s == '#') {
        int level = 0;
        while (s[level] == '#')
            level++;
        if (level <= 6 && (s[level] == ' ' || s[level] == '\t' || !s[level])) {
            flush(r, &d->pa);
            char *t = trim(s + level);
            char *e = t + strlen(t);
            while (e > t && e[-1] == '#')
                e--;
            if (e == t || e[-1] == ' ')
                *e = '\0';
            heading(r, trim(t), level);
            d->item_hang = -1;
            return true;
        }
    }
    if (d->pa.kind == P_PARA && indent < 4 &&
        (strspn(s, "=") == strlen(trim(s)) || strspn(s, "-") == strlen(trim(s)))) {
        /* a setext heading: the paragraph above, underlined */
        char *t = d->pa.text.p ? util_strdup(d->pa.text.p) : NULL;
        free(d->pa.text.p);
        d->pa = (Para){.kind = P_NONE};
        if (t)
            heading(r, t, *s == '=' ? 1 : 2);
        free(t);
        return true;
    }
    if (is_rule(s)) {
        flush(r, &d->pa);
        begin(r, false);
        repeat(r->f, "─", r->width < 60 ? r->width : 60);
        fputc('\n', r->f);
        d->item_hang = -1;
        return true;
    }
    return false;
}

/* Prose: a list item, a quote, or a paragraph (new, continued, or a
 * further paragraph of the last list item). */
static void render_prose(Doc *d, char *s, int indent)
{
    Para *pa = &d->pa;
    char marker[16];
    size_t ml = list_marker(s, marker, sizeof marker);
    if (ml) {
        flush(&d->r, pa);
        int depth = indent / 2 > 4 ? 4 : indent / 2;
        pa->kind = P_ITEM;
        snprintf(pa->lead, sizeof pa->lead, "%*s%s ", 2 + 2 * depth, "", marker);
        int hw = vis_width(pa->lead, strlen(pa->lead));
        snprintf(pa->hang, sizeof pa->hang, "%*s", hw, "");
        d->item_hang = hw;
        char *t = s + ml;
        while (*t == ' ' || *t == '\t')
            t++;
        para_add(pa, t);
    } else if (*s == '>') {
        if (pa->kind != P_QUOTE) {
            flush(&d->r, pa);
            pa->kind = P_QUOTE;
            snprintf(pa->lead, sizeof pa->lead, "  │ ");
            snprintf(pa->hang, sizeof pa->hang, "  │ ");
        }
        char *t = s + 1;
        while (*t == '>' || *t == ' ')
            t++;
        para_add(pa, t);
        d->item_hang = -1;
    } else if (pa->kind != P_NONE) {
        para_add(pa, s); /* the paragraph or item goes on */
    } else if (d->item_hang >= 0 && indent >= 2) {
        /* a further paragraph of the last list item */
        pa->kind = P_ITEM;
        snprintf(pa->lead, sizeof pa->lead, "%*s", d->item_hang, "");
        snprintf(pa->hang, sizeof pa->hang, "%*s", d->item_hang, "");
        para_add(pa, s);
    } else {
        d->item_hang = -1;
        pa->kind = P_PARA;
        para_add(pa, s);
    }
}

void lesson_render(FILE *f, const char *md, int width, bool color)
{
    Doc d = {.r = {f, width < 20 ? 20 : width, color, false, false, false},
             .pa = {.kind = P_NONE},
             .item_hang = -1};
    char *copy = util_strdup(md ? md : "");
    if (!copy)
        return;
    char *p = copy;
    while (*p) {
        char *next = cut_line(p);
        char *line = p;
        p = next;
        int indent = 0;
        char *s = line;
        for (; *s == ' ' || *s == '\t'; s++)
            indent += *s == '\t' ? 4 - indent % 4 : 1;
        if (!render_block(&d, line, s, indent) && !render_heading(&d, s, indent))
            render_prose(&d, s, indent);
    }
    flush(&d.r, &d.pa);
    if (d.n_rows)
        table(&d.r, d.rows, d.n_rows);
    if (d.in_fence && color)
        fputs("\033[0m", f);
    free(copy);
    fflush(f);
}

/* ---- the terminal ---- */

bool lesson_color(FILE *f)
{
    const char *no = getenv("NO_COLOR");
    const char *term = getenv("TERM");
    if (no)
        return false;
    if (!term || !*term || strcmp(term, "dumb") == 0)
        return false;
    int fd = fileno(f);
    return fd >= 0 && isatty(fd);
}

int lesson_width(FILE *f)
{
    long w = 0;
    int fd = fileno(f);
    struct winsize ws;
    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
        w = ws.ws_col;
    else if (!getenv("COLUMNS") || !util_parse_long(getenv("COLUMNS"), 1, 100000, &w))
        w = 80;
    return w > 100 ? 100 : w < 20 ? 20 : (int)w;
}
