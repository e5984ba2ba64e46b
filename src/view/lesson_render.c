/* lesson_render.c — Markdown prose for a terminal: headings, paragraphs,
 * lists, block quotes, tables, code blocks, rules, and inline **bold**,
 * *emphasis*, `code` and links. Inline markup becomes a styled stream
 * (lesson_md.c), which is wrapped to the width counting one column per
 * UTF-8 code point; colour only when asked. */
#include "lesson.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "lesson_md.h"
#include "util.h"

/* Style bits: the toggles, and the base style of a block. */
enum { S_BOLD = 1, S_EMPH = 2, S_CODE = 4, S_HEAD = 8, S_SUB = 16, S_VERB = 32, S_DIM = 64 };

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
            size_t u = md_unit_len(p + i, len - i);
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
    StrBuf st = {0};
    md_inline_style(&st, text, strlen(text));
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
        StrBuf st = {0};
        md_inline_style(&st, a, (size_t)(b - a));
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
    StrBuf text;         /* the Markdown of the paragraph, lines joined by spaces */
    char lead[64];    /* first-line prefix (bullet) */
    char hang[64];    /* prefix of the following lines */
} Para;

static void flush(Render *r, Para *pa)
{
    if (pa->kind == P_NONE)
        return;
    StrBuf st = {0};
    if (pa->text.p)
        md_inline_style(&st, pa->text.p, pa->text.n);
    begin(r, pa->kind == P_ITEM);
    wrap(r, st.p ? st.p : "", pa->lead, pa->hang, pa->kind == P_QUOTE ? S_DIM : 0);
    free(st.p);
    free(pa->text.p);
    *pa = (Para){.kind = P_NONE};
}

static void para_add(Para *pa, const char *s)
{
    if (pa->text.n)
        strbuf_ch(&pa->text, ' ');
    strbuf_str(&pa->text, s);
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
        if (md_fence_close(line, d->fch, d->flen))
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
    if (md_fence_open(line, &ch, &n, &info)) {
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
            char *t = md_trim(s + level);
            char *e = t + strlen(t);
            while (e > t && e[-1] == '#')
                e--;
            if (e == t || e[-1] == ' ')
                *e = '\0';
            heading(r, md_trim(t), level);
            d->item_hang = -1;
            return true;
        }
    }
    if (d->pa.kind == P_PARA && indent < 4 &&
        (strspn(s, "=") == strlen(md_trim(s)) || strspn(s, "-") == strlen(md_trim(s)))) {
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
        char *next = md_cut_line(p);
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

int lesson_height(FILE *f)
{
    int fd = fileno(f);
    struct winsize ws;
    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0)
        return ws.ws_row;
    return 0;
}
