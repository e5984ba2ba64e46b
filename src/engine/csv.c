/* csv.c — the engine's CSV reader: a file read line by line through a
 * fixed chunk (a huge line or a binary file is refused before it fills
 * memory), each line split into trimmed cells at the separator (detected
 * from the first line when not given), quoted cells allowed; and what a
 * cell holds (a number, a missing value, an infinity, text). Errors are
 * "FILE:LINE: what is wrong and what to do"; nothing here prints. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "util.h"

/* ---- CSV reader ---------------------------------------------------------- */


/* Reads the next line into c->line; 1 read, 0 at the end of the file, -1
 * with err on a read error, an overlong line or no memory. Lines end with
 * "\n", "\r\n" or "\r". */
static int csv_read_line(Csv *c, char *err)
{
    bool any = false;
    c->n = 0;
    for (;;) {
        if (c->pos == c->len) {
            if (c->eof)
                break;
            c->len = fread(c->chunk, 1, CSV_CHUNK, c->f);
            c->pos = 0;
            if (c->len == 0) {
                if (ferror(c->f))
                    return util_err(err, "%s: cannot read: %s; check that it "
                                    "is a readable file", c->path,
                                    strerror(errno));
                c->eof = true;
                break;
            }
        }
        char ch = c->chunk[c->pos++];
        if (c->skip_lf) {
            c->skip_lf = false;
            if (ch == '\n')
                continue;
        }
        any = true;
        if (ch == '\n' || ch == '\r') {
            c->skip_lf = ch == '\r';
            break;
        }
        if (c->n >= CSV_MAX_LINE)
            return util_err(err, "%s:%ld: line is longer than 1 MB; this is "
                            "not a CSV file paramlab can read", c->path,
                            c->lineno + 1);
        if (c->n + 1 >= c->cap) {
            size_t cap = c->cap ? 2 * c->cap : 4096;
            char *p = realloc(c->line, cap);
            if (!p)
                return util_err(err, "%s:%ld: out of memory", c->path,
                                c->lineno + 1);
            c->line = p;
            c->cap = cap;
        }
        c->line[c->n++] = ch;
    }
    if (!any)
        return 0;
    c->lineno++;
    if (!c->line) { /* an empty first line */
        if (!(c->line = malloc(4096)))
            return util_err(err, "%s:%ld: out of memory", c->path, c->lineno);
        c->cap = 4096;
    }
    c->line[c->n] = '\0';
    return 1;
}

/* Refuses a line holding a NUL or a control byte other than tab. */
static int csv_check_text(const Csv *c, char *err)
{
    for (size_t i = 0; i < c->n; i++) {
        unsigned char b = (unsigned char)c->line[i];
        if ((b < 0x20 && b != '\t') || b == 0x7f)
            return util_err(err, "%s:%ld: byte 0x%02x, character %zu of the "
                            "line: not a text CSV file; give a text file of "
                            "comma-separated values", c->path, c->lineno, b, i + 1);
    }
    return 0;
}

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
}

/* A blank around a cell: a space, or a tab unless tabs separate cells. */
static bool csv_blank(const Csv *c, char ch)
{
    return ch == ' ' || (ch == '\t' && c->sep != '\t');
}

static int csv_add_cell(Csv *c, char *s, char *err)
{
    if (c->ncell >= CSV_MAX_COLS)
        return util_err(err, "%s:%ld: more than %d columns; this is not a "
                        "CSV file paramlab can read", c->path, c->lineno,
                        CSV_MAX_COLS);
    if (c->ncell == c->capcell) {
        int cap = c->capcell ? 2 * c->capcell : 64;
        char **p = realloc(c->cell, (size_t)cap * sizeof *p);
        if (!p)
            return util_err(err, "%s:%ld: out of memory", c->path, c->lineno);
        c->cell = p;
        c->capcell = cap;
    }
    c->cell[c->ncell++] = s;
    return 0;
}

/* Splits c->line in place into trimmed cells; a cell may be quoted
 * ("a b", with "" for a quote) so header names can hold spaces or commas. */
static int csv_split(Csv *c, char *err)
{
    char *p = c->line, *end = c->line + c->n;
    c->ncell = 0;
    for (;;) {
        while (p < end && csv_blank(c, *p))
            p++;
        char *start = p, *stop;
        if (p < end && *p == '"') {
            char *out = start;
            bool closed = false;
            for (p++; p < end; p++) {
                if (*p == '"') {
                    if (p + 1 < end && p[1] == '"') {
                        *out++ = '"';
                        p++;
                        continue;
                    }
                    closed = true;
                    p++;
                    break;
                }
                *out++ = *p;
            }
            if (!closed)
                return util_err(err, "%s:%ld: the cell at index %d has an opening quote "
                                "but no closing one on this line; a quoted "
                                "cell must end on the line it starts on: "
                                "close the quote there or remove the line "
                                "break inside it",
                                c->path, c->lineno, c->ncell);
            while (p < end && csv_blank(c, *p))
                p++;
            if (p < end && *p != c->sep)
                return util_err(err, "%s:%ld: the cell at index %d has text after its "
                                "closing quote; quote the whole cell",
                                c->path, c->lineno, c->ncell);
            stop = out;
        } else {
            while (p < end && *p != c->sep)
                p++;
            stop = p;
            while (stop > start && csv_blank(c, stop[-1]))
                stop--;
        }
        bool more = p < end; /* p is at a comma */
        *stop = '\0';        /* stop <= p: overwrites the comma or the end */
        if (csv_add_cell(c, start, err) < 0)
            return -1;
        if (!more)
            return 0;
        p++;
    }
}

/* The separator of a first line: ';' when it holds at least as many
 * semicolons as commas (a decimal-comma file), a tab when tabs outnumber
 * both, else ','. Quoted text does not count. */
static char csv_detect_sep(const char *line, size_t n)
{
    size_t comma = 0, semi = 0, tab = 0;
    bool quoted = false;
    for (size_t i = 0; i < n; i++) {
        if (line[i] == '"')
            quoted = !quoted;
        else if (!quoted)
            comma += line[i] == ',', semi += line[i] == ';', tab += line[i] == '\t';
    }
    if (tab > comma && tab > semi)
        return '\t';
    if (semi > 0 && semi >= comma)
        return ';';
    return ',';
}

/* Reads the next non-blank line and splits it; 1, 0 at the end, -1 with
 * err. */
int csv_next_row(Csv *c, char *err)
{
    for (;;) {
        int r = csv_read_line(c, err);
        if (r <= 0)
            return r;
        if (c->lineno == 1 && c->n >= 3 &&
            memcmp(c->line, "\xEF\xBB\xBF", 3) == 0) { /* UTF-8 BOM */
            memmove(c->line, c->line + 3, c->n - 2);
            c->n -= 3;
        }
        if (csv_check_text(c, err) < 0)
            return -1;
        size_t i = 0;
        while (i < c->n && is_blank(c->line[i]))
            i++;
        if (i < c->n) {
            if (!c->sep)
                c->sep = csv_detect_sep(c->line, c->n);
            return csv_split(c, err) < 0 ? -1 : 1;
        }
    }
}

/* ---- cells --------------------------------------------------------------- */

/* What a cell holds: a number (into *v), a missing value ("", NA, NaN,
 * N/A), an infinity, or text. */
int csv_cell(const char *s, double *v)
{
    if (!*s || strcmp(s, "NA") == 0 || strcmp(s, "N/A") == 0)
        return CELL_MISSING;
    if (util_parse_double(s, v))
        return CELL_NUMBER;
    char *end;
    double w = strtod(s, &end);
    if (end != s && *end == '\0') {
        if (isnan(w))
            return CELL_MISSING;
        if (isinf(w))
            return CELL_INF;
    }
    return CELL_TEXT;
}

/* True for "17,99" or "-0,5": a number written with a decimal comma. */
bool csv_decimal_comma(const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t a = strspn(p, "0123456789");
    if (a == 0 || p[a] != ',')
        return false;
    size_t b = strspn(p + a + 1, "0123456789");
    return b > 0 && p[a + 1 + b] == '\0';
}

const char *csv_cell_shown(const char *s, char buf[24])
{
    snprintf(buf, 24, "%.20s", s);
    return util_clean_text(buf);
}
