/* lesson.c — reading a Markdown lesson into prose and command blocks. The
 * parser refuses a malformed lesson (unclosed fence, empty block, a
 * command line the caller's check refuses, no paramlab block) with
 * "FILE:LINE: message" before anything runs. */
#include "lesson.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson_md.h"
#include "util.h"

#define LESSON_MAX_BYTES (8u << 20) /* a lesson larger than this is refused */

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

/* "# Title #" → "Title" in buf; false when line is not a level-1 heading. */
static bool heading1(const char *line, char *buf, size_t n)
{
    const char *p = line;
    while (*p == ' ')
        p++;
    if (p - line > 3 || p[0] != '#' || (p[1] != ' ' && p[1] != '\t'))
        return false;
    snprintf(buf, n, "%s", p + 2);
    char *t = md_trim(buf);
    char *e = t + strlen(t);
    while (e > t && e[-1] == '#')
        e--;
    if (e < t + strlen(t) && (e == t || e[-1] == ' '))
        *e = '\0';
    memmove(buf, t, strlen(t) + 1);
    md_trim(buf);
    return buf[0] != '\0';
}


/* The room an array of n elements (about to take one more) must grow to,
 * or 0 when it has room: it holds 8, then doubles at each power of two,
 * so a block of 100,000 lines is 15 reallocations, not 100,000. */
static size_t grow_to(int n)
{
    if (n == 0)
        return 8;
    return n >= 8 && (n & (n - 1)) == 0 ? 2 * (size_t)n : 0;
}

/* Adds a command line to block b; false when out of memory. */
static bool block_add(LessonBlock *b, long line, const char *text)
{
    size_t cap = grow_to(b->n_lines);
    LessonLine *p = cap ? realloc(b->lines, sizeof *p * cap) : b->lines;
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
    StrBuf prose = {0};
    char title[256] = "";
    bool ok = true;
    while (ok && *p) {
        char *next = md_cut_line(p);
        lineno++;
        const char *info;
        char ch;
        size_t n;
        if (state == OUT && md_fence_open(p, &ch, &n, &info)) {
            fch = ch;
            flen = n;
            fline = lineno;
            if (md_info_is_paramlab(info)) {
                size_t cap = grow_to(l->n_blocks);
                LessonBlock *nb = cap ? realloc(l->blocks, sizeof *nb * cap) : l->blocks;
                if (!nb) {
                    ok = false;
                    break;
                }
                l->blocks = nb;
                nb += l->n_blocks++;
                *nb = (LessonBlock){.line = lineno};
                nb->prose = strbuf_take(&prose);
                ok = nb->prose != NULL;
                state = BLOCK;
            } else {
                strbuf_str(&prose, p);
                strbuf_ch(&prose, '\n');
                state = PROSE_FENCE;
            }
        } else if (state == OUT) {
            if (!title[0])
                heading1(p, title, sizeof title);
            strbuf_str(&prose, p);
            strbuf_ch(&prose, '\n');
        } else if (state == PROSE_FENCE) {
            strbuf_str(&prose, p);
            strbuf_ch(&prose, '\n');
            if (md_fence_close(p, fch, flen))
                state = OUT;
        } else if (md_fence_close(p, fch, flen)) {
            LessonBlock *b = &l->blocks[l->n_blocks - 1];
            if (b->n_lines == 0) {
                util_err(err, "%s:%ld: this paramlab block is empty: put commands in it or remove it", path, fline);
                free(copy);
                free(strbuf_take(&prose));
                lesson_free(l);
                return NULL;
            }
            state = OUT;
        } else {
            char *t = md_trim(p);
            if (*t)
                ok = block_add(&l->blocks[l->n_blocks - 1], lineno, t);
        }
        p = next;
    }
    free(copy);
    l->tail = strbuf_take(&prose);
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
        md_plain_text(title, plain, sizeof plain);
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
    char why[ERR_LEN];
    FILE *f = util_open_file(path, why);
    if (!f) {
        util_err(err, "%s:1: %s", path, why + strlen(path) + 2); /* "PATH: why" → "PATH:1: why" */
        return NULL;
    }
    StrBuf b = {0};
    char chunk[8192];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0 && b.n <= LESSON_MAX_BYTES)
        strbuf_add(&b, chunk, n);
    bool bad = ferror(f) != 0;
    fclose(f);
    if (bad) {
        free(strbuf_take(&b));
        util_err(err, "%s:1: cannot read it: give a Markdown lesson file", path);
        return NULL;
    }
    if (b.n > LESSON_MAX_BYTES) {
        free(strbuf_take(&b));
        util_err(err, "%s:1: larger than %u MB: a lesson is a small Markdown file", path, LESSON_MAX_BYTES >> 20);
        return NULL;
    }
    if (memchr(b.p ? b.p : "", '\0', b.n)) {
        free(strbuf_take(&b));
        util_err(err, "%s:1: a binary file, not a Markdown lesson", path);
        return NULL;
    }
    char *s = strbuf_take(&b);
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
    FILE *f = util_open_file(path, NULL);
    if (!f)
        return false;
    char line[1024], raw[256];
    bool found = false, in_fence = false;
    char fch = 0;
    size_t flen = 0;
    for (int k = 0; !found && k < 2000 && fgets(line, sizeof line, f); k++) {
        const char *info;
        if (in_fence)
            in_fence = !md_fence_close(line, fch, flen);
        else if (md_fence_open(line, &fch, &flen, &info))
            in_fence = true;
        else
            found = heading1(line, raw, sizeof raw);
    }
    fclose(f);
    if (found)
        md_plain_text(raw, buf, n);
    return found;
}
