/* data_csv.c — a strict loader for numeric CSV files: read line by line
 * through a fixed chunk (a huge line or a binary file is refused before it
 * fills memory), an optional header, target columns by name or index, and
 * the task (regression, or classification for integer labels in one
 * column) worked out from the values. Errors are "FILE:LINE: what is wrong
 * and what to do"; nothing here prints or exits. */
#include <errno.h>
#include <stdarg.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "data_limits.h"
#include "util.h"

#define CSV_MAX_LINE (1 << 20) /* bytes in one CSV line */
#define CSV_MAX_COLS 100000    /* columns of a CSV file */
#define CSV_CHUNK (1 << 16)    /* bytes read from the file at a time */

/* ---- CSV reader ---------------------------------------------------------- */

/* A CSV file read line by line through a fixed chunk, so a huge line or a
 * binary file is refused before it fills memory. */
typedef struct Csv {
    const char *path; /* as given, for messages */
    FILE *f;
    char *chunk;      /* (CSV_CHUNK) bytes read ahead */
    size_t pos, len;  /* next byte and end of the chunk */
    bool eof;         /* the file is exhausted */
    bool skip_lf;     /* the last line ended in '\r': skip a '\n' after it */
    char *line;       /* the current line, NUL-terminated */
    size_t n, cap;    /* its length and capacity */
    long lineno;      /* 1-based number of the current line */
    char **cell;      /* the current row's cells, pointing into line */
    int ncell, capcell;
    char sep;         /* the separator, or 0 to detect it from the first line */
} Csv;

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
            return util_err(err, "%s:%ld: byte 0x%02x at column %zu: not a "
                            "text CSV file; give a file of comma-separated "
                            "numbers", c->path, c->lineno, b, i + 1);
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
                return util_err(err, "%s:%ld: cell %d has an opening quote "
                                "but no closing one; close the quote",
                                c->path, c->lineno, c->ncell + 1);
            while (p < end && csv_blank(c, *p))
                p++;
            if (p < end && *p != c->sep)
                return util_err(err, "%s:%ld: cell %d has text after its "
                                "closing quote; quote the whole cell",
                                c->path, c->lineno, c->ncell + 1);
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
static int csv_next_row(Csv *c, char *err)
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

enum { CELL_NUMBER, CELL_MISSING, CELL_INF, CELL_TEXT };

/* What a cell holds: a number (into *v), a missing value ("", NA, NaN,
 * N/A), an infinity, or text. */
static int cell_parse(const char *s, double *v)
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
static bool decimal_comma(const char *s)
{
    const char *p = s + (*s == '-' || *s == '+');
    size_t a = strspn(p, "0123456789");
    if (a == 0 || p[a] != ',')
        return false;
    size_t b = strspn(p + a + 1, "0123456789");
    return b > 0 && p[a + 1 + b] == '\0';
}

/* ---- columns ------------------------------------------------------------- */

/* Writes "a, b, c (or indices 0 to 2)", shortened when long. */
static void list_columns(char *const *names, int m, char *buf, size_t size)
{
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 0; i < m; i++) {
        if (len > 200) {
            snprintf(buf + len, size - len, ", ...");
            len = strlen(buf);
            break;
        }
        snprintf(buf + len, size - len, "%s%.40s", i ? ", " : "", names[i]);
        len = strlen(buf);
    }
    snprintf(buf + len, size - len, " (or indices 0 to %d)", m - 1);
}

/* Finds the column an entry of option opt names: a header name, else a
 * 0-based index; -1 with err. */
static int find_column(const Csv *c, long line, char *const *names, int m,
                       const char *opt, const char *tok, char *err)
{
    char cols[320];
    int found = -1;
    for (int i = 0; i < m; i++) {
        if (strcmp(names[i], tok) != 0)
            continue;
        if (found >= 0)
            return util_err(err, "%s:%ld: two columns are named '%.40s'; "
                            "give %s= its index, %d or %d", c->path,
                            line, tok, opt, found, i);
        found = i;
    }
    if (found >= 0)
        return found;
    long idx;
    if (util_parse_long(tok, 0, m - 1, &idx))
        return (int)idx;
    list_columns(names, m, cols, sizeof cols);
    if (util_parse_long(tok, -1000000000L, 1000000000L, &idx))
        return util_err(err, "%s:%ld: %s column %ld is out of range; "
                        "columns are %s", c->path, line, opt, idx, cols);
    const char *best = NULL;
    int best_d = 3;
    for (int i = 0; i < m; i++) {
        int dist = util_edit_distance(tok, names[i]);
        if (dist < best_d && 2 * dist <= (int)strlen(tok)) {
            best_d = dist;
            best = names[i];
        }
    }
    if (best)
        return util_err(err, "%s:%ld: no column '%.40s'; did you mean "
                        "'%.40s'? Columns are %s", c->path, line, tok, best,
                        cols);
    return util_err(err, "%s:%ld: no column '%.40s'; columns are %s", c->path,
                    line, tok, cols);
}

/* Resolves the comma-separated list spec of option opt into order (the
 * columns in the order given; *k of them) and flags (m, set for each).
 * -1 with err on an unknown, empty or repeated entry. */
static int resolve_list(const Csv *c, long line, char *const *names, int m,
                        const char *opt, const char *spec, int *order,
                        bool *flags, int *k, char *err)
{
    *k = 0;
    char *copy = util_strdup(spec);
    if (!copy)
        return util_err(err, "%s: out of memory", c->path);
    char *p = copy;
    int rc = 0;
    for (;;) {
        char *comma = strchr(p, ',');
        if (comma)
            *comma = '\0';
        char *tok = p, *stop = p + strlen(p);
        while (is_blank(*tok))
            tok++;
        while (stop > tok && is_blank(stop[-1]))
            *--stop = '\0';
        int col;
        if (!*tok) {
            col = util_err(err, "%s:%ld: %s= has an empty entry; name "
                           "columns, as in %s=species or %s=4", c->path,
                           line, opt, opt, opt);
        } else if ((col = find_column(c, line, names, m, opt, tok, err)) >= 0 &&
                   flags[col]) {
            col = util_err(err, "%s:%ld: column '%.40s' is named twice in "
                           "%s=; name each column once", c->path, line,
                           names[col], opt);
        }
        if (col < 0) {
            rc = -1;
            break;
        }
        flags[col] = true;
        if (order)
            order[*k] = col;
        (*k)++;
        if (!comma)
            break;
        p = comma + 1;
    }
    free(copy);
    return rc;
}

/* ---- the loader's state -------------------------------------------------- */

typedef struct Load {
    Csv c;
    const DataLoadOpts *o;
    long first_line;      /* the line of the first row */
    bool header;          /* the first row names the columns */
    int m;                /* columns of the file */
    char **names;         /* (m) column names */
    int *order, t;        /* (t) target columns, in target= order */
    bool *is_target;      /* (m) */
    int *fcol, d;         /* (d) feature columns, in file order */
    int w;                /* d + t: values kept per row */
    double *vals;         /* (rows, w) features then targets; NAN = missing */
    int rows, cap;
    bool labels;          /* the single target holds text labels */
    char **lab;           /* (nlab) distinct labels in the order first seen */
    int nlab;
    long dropped, filled; /* rows dropped, cells filled (missing=) */
} Load;

/* The sentence after a text cell in a feature column. */
static void text_hint(const Load *L, int col, bool may_be_header, char *buf,
                      size_t size)
{
    const char *name = L->names[col];
    if (may_be_header)
        snprintf(buf, size, "use header=yes if this row is a header");
    else if (!L->o->target && L->t == 1)
        snprintf(buf, size, "if column '%.40s' holds the labels, load with "
                 "target=%.40s; else leave it out with drop=%.40s", name,
                 name, name);
    else
        snprintf(buf, size, "fix that row, or leave the column out with "
                 "drop=%.40s", name);
}

/* Refuses cell i (column col) of the current row, which held s of kind. */
static int cell_refused(const Load *L, int col, const char *s, int kind,
                        bool target, bool may_be_header, char *err)
{
    const Csv *c = &L->c;
    const char *name = L->names[col];
    if (kind == CELL_MISSING && target && L->o->missing == DATA_MISSING_MEAN)
        return util_err(err, "%s:%ld: cell %d is missing in the target "
                        "column '%.40s'; a label cannot be a mean: use "
                        "missing=drop", c->path, c->lineno, col + 1, name);
    if (kind == CELL_MISSING)
        return util_err(err, "%s:%ld: cell %d is %s (column '%.40s'); fill "
                        "it in, or load with missing=drop (skip such rows) "
                        "or missing=mean", c->path, c->lineno, col + 1,
                        *s ? "NaN" : "empty", name);
    if (kind == CELL_INF)
        return util_err(err, "%s:%ld: cell %d is infinite ('%.20s', column "
                        "'%.40s'); clean or drop that row", c->path,
                        c->lineno, col + 1, s, name);
    if (decimal_comma(s))
        return util_err(err, "%s:%ld: cell %d '%.20s' (column '%.40s') has "
                        "a decimal comma; paramlab reads numbers with a "
                        "decimal point: save the file with '.' as the "
                        "decimal mark", c->path, c->lineno, col + 1, s, name);
    char hint[200];
    if (target)
        snprintf(hint, sizeof hint, "%s", L->o->task == DATA_TASK_REGRESSION
                 ? "task=regression needs numbers in the target"
                 : "the target's first rows hold numbers: fix that row");
    else
        text_hint(L, col, may_be_header, hint, sizeof hint);
    return util_err(err, "%s:%ld: cell %d '%.20s%s' is not a number (column "
                    "'%.40s'); %s", c->path, c->lineno, col + 1, s,
                    strlen(s) > 20 ? "..." : "", name, hint);
}

/* The label index of text s, adding it when new; -1 with err. */
static int label_index(Load *L, const char *s, char *err)
{
    for (int k = 0; k < L->nlab; k++)
        if (strcmp(L->lab[k], s) == 0)
            return k;
    if (L->nlab >= MAX_CLASSES)
        return util_err(err, "%s:%ld: more than %d different labels in the "
                        "target; a classifier needs fewer classes",
                        L->c.path, L->c.lineno, MAX_CLASSES);
    char **p = realloc(L->lab, (size_t)(L->nlab + 1) * sizeof *p);
    if (!p)
        return util_err(err, "%s: out of memory", L->c.path);
    L->lab = p;
    if (!(L->lab[L->nlab] = util_strdup(s)))
        return util_err(err, "%s: out of memory", L->c.path);
    return L->nlab++;
}

/* Room for one more row in L->vals; -1 with err. */
static int load_grow(Load *L, char *err)
{
    const Csv *c = &L->c;
    if (L->rows >= MAX_ROWS)
        return util_err(err, "%s:%ld: more than %d rows; use a smaller file",
                        c->path, c->lineno, MAX_ROWS);
    if ((long long)(L->rows + 1) * L->w > MAX_CELLS)
        return util_err(err, "%s:%ld: more than 100 million values; use a "
                        "smaller file", c->path, c->lineno);
    if (L->rows < L->cap)
        return 0;
    long long want = L->cap ? 2LL * L->cap : 1 + 65536 / L->w;
    if (want > MAX_ROWS)
        want = MAX_ROWS;
    if (want * L->w > MAX_CELLS)
        want = MAX_CELLS / L->w;
    double *p = realloc(L->vals, (size_t)want * (size_t)L->w * sizeof *p);
    if (!p)
        return util_err(err, "%s:%ld: out of memory", c->path, c->lineno);
    L->vals = p;
    L->cap = (int)want;
    return 0;
}

/* Reads the current row's cells into a new row of L->vals; a row with a
 * missing cell is skipped under missing=drop. -1 with err. */
static int load_row(Load *L, bool may_be_header, char *err)
{
    const Csv *c = &L->c;
    if (load_grow(L, err) < 0)
        return -1;
    double *row = L->vals + (size_t)L->rows * (size_t)L->w;
    bool missing = false;
    for (int j = 0; j < L->w; j++) {
        bool target = j >= L->d;
        int col = target ? L->order[j - L->d] : L->fcol[j];
        const char *s = c->cell[col];
        int kind = cell_parse(s, &row[j]);
        if (target && L->t == 1 && L->rows == 0 && kind == CELL_TEXT &&
            !may_be_header && !decimal_comma(s) &&
            L->o->task != DATA_TASK_REGRESSION)
            L->labels = true;
        if (target && L->labels && kind != CELL_MISSING) {
            int k = label_index(L, s, err);
            if (k < 0)
                return -1;
            row[j] = k;
            continue;
        }
        if (kind == CELL_NUMBER)
            continue;
        if (kind == CELL_MISSING && L->o->missing != DATA_MISSING_ERROR &&
            !(target && L->o->missing == DATA_MISSING_MEAN)) {
            row[j] = NAN;
            missing = true;
            continue;
        }
        return cell_refused(L, col, s, kind, target, may_be_header, err);
    }
    if (missing && L->o->missing == DATA_MISSING_DROP) {
        L->dropped++;
        return 0;
    }
    L->rows++;
    return 0;
}

/* ---- columns' roles ------------------------------------------------------ */

/* Works out the target and feature columns from target=, features= and
 * drop=; -1 with err. */
static int load_roles(Load *L, char *err)
{
    const DataLoadOpts *o = L->o;
    const Csv *c = &L->c;
    int m = L->m;
    long line = L->first_line;
    L->order = util_calloc((size_t)m, sizeof *L->order);
    L->is_target = util_calloc((size_t)m, sizeof *L->is_target);
    L->fcol = util_calloc((size_t)m, sizeof *L->fcol);
    bool *sel = util_calloc((size_t)m, sizeof *sel);
    bool *dr = util_calloc((size_t)m, sizeof *dr);
    int rc = -1, k;
    if (!L->order || !L->is_target || !L->fcol || !sel || !dr) {
        util_err(err, "%s: out of memory", c->path);
        goto out;
    }
    if (m == 1 && !o->target) {
        util_err(err, "%s:%ld: the first line has a single column (nothing "
                 "separated by '%s'); give sep=, sep=; or sep=tab to say how "
                 "cells are separated", c->path, line,
                 c->sep == '\t' ? "tab" : c->sep == ';' ? ";" : ",");
        goto out;
    }
    if (o->features && o->drop) {
        util_err(err, "%s: give features= or drop=, not both", c->path);
        goto out;
    }
    if (!o->target) {
        L->order[0] = m - 1;
        L->is_target[m - 1] = true;
        L->t = 1;
    } else if (resolve_list(c, line, L->names, m, "target", o->target,
                            L->order, L->is_target, &L->t, err) < 0) {
        goto out;
    }
    if (o->features) {
        if (resolve_list(c, line, L->names, m, "features", o->features, NULL,
                         sel, &k, err) < 0)
            goto out;
    } else {
        for (int i = 0; i < m; i++)
            sel[i] = !L->is_target[i];
        if (o->drop && resolve_list(c, line, L->names, m, "drop", o->drop,
                                    NULL, dr, &k, err) < 0)
            goto out;
    }
    for (int i = 0; i < m; i++) {
        if (L->is_target[i] && (sel[i] || dr[i])) {
            util_err(err, "%s:%ld: column '%.40s' is the target%s; %s",
                     c->path, line, L->names[i],
                     o->target ? "" : " (the last column, by default)",
                     o->target ? "a column is a target or a feature, not both"
                               : "name the target with target=");
            goto out;
        }
        if (sel[i] && !dr[i])
            L->fcol[L->d++] = i;
    }
    if (L->d == 0) {
        util_err(err, "%s:%ld: %s, leaving no features; keep at least one "
                 "feature column", c->path, line, o->features || o->drop
                 ? "no feature columns are left" : "target= takes every column");
        goto out;
    }
    L->w = L->d + L->t;
    rc = 0;
out:
    free(sel);
    free(dr);
    return rc;
}

/* ---- after the rows ------------------------------------------------------ */

/* Makes the task a classification when the single target column holds
 * integer labels 0..999 with at least two distinct values. */
static void detect_task(Dataset *ds)
{
    if (ds->t != 1)
        return;
    bool *seen = util_calloc(MAX_CLASSES, sizeof *seen);
    if (!seen)
        return;
    int max = -1, distinct = 0;
    bool ok = true;
    for (int i = 0; i < ds->n && ok; i++) {
        double v = ds->y[i];
        ok = v >= 0 && v < MAX_CLASSES && v == floor(v);
        if (ok) {
            int label = (int)v;
            distinct += !seen[label];
            seen[label] = true;
            if (label > max)
                max = label;
        }
    }
    free(seen);
    if (!ok || distinct < 2)
        return;
    for (int i = 0; i < ds->n; i++)
        ds->y[i] = (int)ds->y[i]; /* -0.0 becomes 0 */
    ds->classification = true;
    ds->n_classes = max + 1;
}

typedef struct Label {
    const char *name;
    int old;  /* index in the order first seen */
} Label;

static int label_cmp(const void *a, const void *b)
{
    return strcmp(((const Label *)a)->name, ((const Label *)b)->name);
}

static int dbl_cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Makes names (n strings, taken) the data set's classes and y their
 * indices through remap (old index -> class); -1 when fewer than two. */
static int set_classes(Dataset *ds, const char *path, const char *col,
                       char **names, int n, char *err)
{
    if (n < 2) {
        for (int k = 0; k < n; k++)
            free(names[k]);
        free(names);
        return util_err(err, "%s: the target column '%.40s' holds a single "
                        "label; a classifier needs at least two classes",
                        path, col);
    }
    ds->class_names = names;
    ds->n_classes = n;
    ds->classification = true;
    return 0;
}

/* Text labels sorted into named classes. -1 with err. */
static int text_classes(Dataset *ds, Load *L, char *err)
{
    Label *lb = util_calloc((size_t)L->nlab, sizeof *lb);
    int *remap = util_calloc((size_t)L->nlab, sizeof *remap);
    char **names = util_calloc((size_t)L->nlab, sizeof *names);
    if (!lb || !remap || !names) {
        free(lb), free(remap), free(names);
        return util_err(err, "%s: out of memory", L->c.path);
    }
    for (int k = 0; k < L->nlab; k++)
        lb[k] = (Label){L->lab[k], k};
    qsort(lb, (size_t)L->nlab, sizeof *lb, label_cmp);
    for (int k = 0; k < L->nlab; k++) {
        remap[lb[k].old] = k;
        names[k] = L->lab[lb[k].old];
        L->lab[lb[k].old] = NULL;
    }
    for (int i = 0; i < ds->n; i++)
        ds->y[i] = remap[(int)ds->y[i]];
    free(lb);
    free(remap);
    return set_classes(ds, L->c.path, ds->target_names[0], names, L->nlab,
                       err);
}

/* task=classification over numbers that are not labels 0..999: the
 * distinct values, sorted, become the classes. -1 with err. */
static int value_classes(Dataset *ds, const char *path, char *err)
{
    double *v = util_calloc((size_t)ds->n, sizeof *v);
    if (!v)
        return util_err(err, "%s: out of memory", path);
    memcpy(v, ds->y, sizeof *v * (size_t)ds->n);
    qsort(v, (size_t)ds->n, sizeof *v, dbl_cmp);
    int k = 0;
    for (int i = 0; i < ds->n; i++)
        if (i == 0 || v[i] != v[k - 1])
            v[k++] = v[i];
    if (k > MAX_CLASSES) {
        free(v);
        return util_err(err, "%s: the target '%.40s' has %d different "
                        "values, too many classes (at most %d); load it as "
                        "task=regression", path, ds->target_names[0], k,
                        MAX_CLASSES);
    }
    char **names = util_calloc((size_t)k, sizeof *names);
    bool ok = names != NULL;
    for (int j = 0; ok && j < k; j++) {
        char buf[40];
        snprintf(buf, sizeof buf, "%.10g", v[j]);
        ok = (names[j] = util_strdup(buf)) != NULL;
    }
    for (int i = 0; ok && i < ds->n; i++) {
        double *hit = bsearch(&ds->y[i], v, (size_t)k, sizeof *v, dbl_cmp);
        ds->y[i] = (double)(hit - v);
    }
    free(v);
    if (!ok) {
        for (int j = 0; names && j < k; j++)
            free(names[j]);
        free(names);
        return util_err(err, "%s: out of memory", path);
    }
    return set_classes(ds, path, ds->target_names[0], names, k, err);
}

/* The task: text labels, task=, or the values. -1 with err. */
static int load_task(Dataset *ds, Load *L, char *err)
{
    if (L->labels)
        return text_classes(ds, L, err);
    if (L->o->task == DATA_TASK_REGRESSION)
        return 0;
    detect_task(ds);
    if (L->o->task != DATA_TASK_CLASSIFICATION || ds->classification)
        return 0;
    if (ds->t != 1)
        return util_err(err, "%s: task=classification needs a single "
                        "target column, not %d", L->c.path, ds->t);
    return value_classes(ds, L->c.path, err);
}

/* Fills missing feature cells with their column's mean (missing=mean).
 * -1 with err when a column has no value at all. */
static int fill_means(Load *L, char *err)
{
    for (int j = 0; j < L->d; j++) {
        double sum = 0;
        long n = 0;
        for (int i = 0; i < L->rows; i++) {
            double v = L->vals[(size_t)i * (size_t)L->w + (size_t)j];
            if (!isnan(v))
                sum += v, n++;
        }
        if (n == 0)
            return util_err(err, "%s: column '%.40s' has no values; leave it "
                            "out with drop=%.40s", L->c.path,
                            L->names[L->fcol[j]], L->names[L->fcol[j]]);
        for (int i = 0; i < L->rows; i++) {
            double *v = &L->vals[(size_t)i * (size_t)L->w + (size_t)j];
            if (isnan(*v))
                *v = sum / (double)n, L->filled++;
        }
    }
    return 0;
}

/* Appends a sentence to note. */
static void note_add(char *note, size_t size, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void note_add(char *note, size_t size, const char *fmt, ...)
{
    if (!note || size == 0)
        return;
    size_t len = strlen(note);
    if (len + 2 >= size)
        return;
    if (len)
        note[len++] = '\n', note[len] = '\0';
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(note + len, size - len, fmt, ap);
    va_end(ap);
}

/* Notes feature columns that look like a row id: whole numbers, each
 * larger than the one before. */
static void note_ids(const Dataset *ds, char *note, size_t size)
{
    if (ds->n < 3)
        return;
    for (int j = 0; j < ds->d; j++) {
        bool id = true;
        for (int i = 0; i < ds->n && id; i++) {
            double v = ds->x[(size_t)i * (size_t)ds->d + (size_t)j];
            id = v == floor(v) && (i == 0 || v > ds->x[(size_t)(i - 1) * (size_t)ds->d + (size_t)j]);
        }
        if (id)
            note_add(note, size, "column '%.40s' holds distinct whole numbers "
                     "in order, like a row id, and is used as a feature; if "
                     "it is an id, leave it out with drop=%.40s",
                     ds->feature_names[j], ds->feature_names[j]);
    }
}

/* The data set from L: features in file order, targets in target= order;
 * the column names move into it. NULL with err. */
static Dataset *load_dataset(Load *L, char *note, size_t note_len, char *err)
{
    const char *path = L->c.path, *base = strrchr(path, '/');
    if (L->rows == 0) {
        if (L->dropped)
            util_err(err, "%s: every row has a missing cell, so missing=drop "
                     "leaves none; try missing=mean", path);
        else
            util_err(err, "%s:%ld: the file has a header but no data rows; "
                     "add rows of numbers below it", path, L->first_line);
        return NULL;
    }
    if (L->o->missing == DATA_MISSING_MEAN && fill_means(L, err) < 0)
        return NULL;
    Dataset *ds = data_alloc(base ? base + 1 : path, L->rows, L->d, L->t);
    if (!ds || !(ds->feature_cols = util_calloc((size_t)L->d, sizeof(int)))) {
        data_free(ds);
        util_err(err, "%s: out of memory for %d rows", path, L->rows);
        return NULL;
    }
    for (int i = 0; i < L->rows; i++) {
        const double *row = L->vals + (size_t)i * (size_t)L->w;
        memcpy(ds->x + (size_t)i * (size_t)L->d, row, sizeof *row * (size_t)L->d);
        memcpy(ds->y + (size_t)i * (size_t)L->t, row + L->d, sizeof *row * (size_t)L->t);
    }
    for (int j = 0; j < L->d; j++) {
        ds->feature_cols[j] = L->fcol[j];
        ds->feature_names[j] = L->names[L->fcol[j]];
        L->names[L->fcol[j]] = NULL;
    }
    for (int j = 0; j < L->t; j++) {
        ds->target_names[j] = L->names[L->order[j]];
        L->names[L->order[j]] = NULL;
    }
    ds->sep = L->c.sep;
    ds->header = L->header;
    ds->file_cols = L->m;
    if (load_task(ds, L, err) < 0) {
        data_free(ds);
        return NULL;
    }
    if (L->dropped)
        note_add(note, note_len, "left out %ld row%s with a missing cell",
                 L->dropped, L->dropped == 1 ? "" : "s");
    if (L->filled)
        note_add(note, note_len, "filled %ld missing cell%s with the "
                 "column's mean", L->filled, L->filled == 1 ? "" : "s");
    note_ids(ds, note, note_len);
    return ds;
}

/* ---- loading ------------------------------------------------------------- */

/* Whether the first row (first, m cells) is a header when header=auto:
 * some cell is text, and either every cell is, or a text cell stands
 * above a number in the second row (so text labels are not a header). */
static bool is_header(char *const *first, int m, const Csv *second)
{
    double v;
    bool any = false, all = true, above = false;
    for (int i = 0; i < m; i++) {
        bool text = cell_parse(first[i], &v) == CELL_TEXT;
        any |= text;
        all &= text;
        if (text && second && i < second->ncell)
            above |= cell_parse(second->cell[i], &v) == CELL_NUMBER;
    }
    return any && (all || !second || above);
}

/* Checks the current row's width and reads it. */
static int load_next(Load *L, char *err)
{
    const Csv *c = &L->c;
    if (c->ncell != L->m) {
        const char *sep = c->sep == '\t' ? "tab" : c->sep == ';' ? "';'" : "comma";
        return util_err(err, "%s:%ld: row has %d cell%s, the %s has %d; every "
                        "row needs %d %s-separated values", c->path, c->lineno,
                        c->ncell, c->ncell == 1 ? "" : "s",
                        L->header ? "header" : "first row", L->m, L->m, sep);
    }
    return load_row(L, false, err);
}

/* Reads the first row as data: its cells were kept in first. */
static int load_first(Load *L, char **first, char *err)
{
    Csv *c = &L->c;
    char **cell = c->cell;
    int ncell = c->ncell;
    long lineno = c->lineno;
    c->cell = first, c->ncell = L->m, c->lineno = L->first_line;
    int rc = load_row(L, L->o->header == DATA_HEADER_NO, err);
    c->cell = cell, c->ncell = ncell, c->lineno = lineno;
    return rc;
}

/* Reads the first two rows, decides the header and names the columns. */
static int load_start(Load *L, char ***first, int *r2, char *err)
{
    Csv *c = &L->c;
    int r = csv_next_row(c, err);
    if (r < 0)
        return -1;
    if (r == 0)
        return util_err(err, "%s:1: the file is empty; give a CSV file of "
                        "comma-separated numbers", c->path);
    L->first_line = c->lineno;
    L->m = c->ncell;
    *first = util_calloc((size_t)L->m, sizeof **first);
    L->names = util_calloc((size_t)L->m, sizeof *L->names);
    if (!*first || !L->names)
        return util_err(err, "%s: out of memory", c->path);
    for (int i = 0; i < L->m; i++)
        if (!((*first)[i] = util_strdup(c->cell[i])))
            return util_err(err, "%s: out of memory", c->path);
    if ((*r2 = csv_next_row(c, err)) < 0)
        return -1;
    L->header = L->o->header == DATA_HEADER_YES ||
                (L->o->header == DATA_HEADER_AUTO &&
                 is_header(*first, L->m, *r2 > 0 ? c : NULL));
    for (int i = 0; i < L->m; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "col%d", i);
        if (!(L->names[i] = util_strdup(L->header && *(*first)[i] ? (*first)[i] : buf)))
            return util_err(err, "%s: out of memory", c->path);
    }
    return 0;
}

static void load_free(Load *L, char **first)
{
    for (int i = 0; i < L->m; i++) {
        if (L->names)
            free(L->names[i]);
        if (first)
            free(first[i]);
    }
    for (int k = 0; k < L->nlab; k++)
        free(L->lab[k]);
    free(L->lab);
    free(first);
    free(L->names);
    free(L->order);
    free(L->is_target);
    free(L->fcol);
    free(L->vals);
    free(L->c.cell);
    free(L->c.line);
    free(L->c.chunk);
    if (L->c.f)
        fclose(L->c.f);
}

Dataset *data_load_file(const char *path, const DataLoadOpts *o, char *note,
                        size_t note_len, char *err)
{
    static const DataLoadOpts defaults;
    Load L = {0};
    L.o = o ? o : &defaults;
    L.c.path = path;
    L.c.sep = L.o->sep;
    char **first = NULL;
    Dataset *ds = NULL;
    int r2 = 0, r;
    if (note && note_len)
        note[0] = '\0';
    if (!(L.c.f = util_open_file(path, err))) {
        size_t len = strlen(err);
        snprintf(err + len, ERR_LEN - len, "; check the file name");
        return NULL;
    }
    if (!(L.c.chunk = malloc(CSV_CHUNK))) {
        util_err(err, "%s: out of memory", path);
        goto done;
    }
    if (load_start(&L, &first, &r2, err) < 0 || load_roles(&L, err) < 0)
        goto done;
    if (!L.header && load_first(&L, first, err) < 0)
        goto done;
    if (r2 > 0 && load_next(&L, err) < 0)
        goto done;
    while (r2 > 0 && (r = csv_next_row(&L.c, err)) != 0) {
        if (r < 0 || load_next(&L, err) < 0)
            goto done;
    }
    ds = load_dataset(&L, note, note_len, err);
done:
    load_free(&L, first);
    return ds;
}

Dataset *data_load_csv(const char *path, const char *target, DataHeader h,
                       char *err)
{
    DataLoadOpts o = {.target = target, .header = h};
    return data_load_file(path, &o, NULL, 0, err);
}

/* ---- rows to predict ----------------------------------------------------- */

/* The columns of like's features in a file whose first row is first
 * (m cells, a header when header): by name, else by position. */
static int like_columns(const Csv *c, const Dataset *like, char *const *first,
                        int m, bool header, int *col, char *err)
{
    for (int j = 0; j < like->d; j++) {
        col[j] = -1;
        for (int i = 0; header && i < m && col[j] < 0; i++)
            if (strcmp(first[i], like->feature_names[j]) == 0)
                col[j] = i;
        if (header && col[j] < 0)
            return util_err(err, "%s:%ld: no column '%.40s'; the model needs "
                            "the %d features it was trained on, named as in "
                            "the data", c->path, c->lineno, like->feature_names[j],
                            like->d);
        if (!header && m == like->d)
            col[j] = j;
        else if (!header && m == like->file_cols && like->feature_cols)
            col[j] = like->feature_cols[j];
        else if (!header)
            return util_err(err, "%s:%ld: %d columns, but the model takes %d "
                            "features%s; give the features in the data's "
                            "order, or a header naming them", c->path,
                            c->lineno, m, like->d, like->file_cols ? " (the "
                            "data's file had more columns)" : "");
    }
    return 0;
}

int data_load_features(const char *path, const Dataset *like, double **x,
                       int *n, char *err)
{
    Csv c = {0};
    c.path = path;
    c.sep = like->sep;
    int *col = util_calloc((size_t)like->d, sizeof *col);
    double *vals = NULL;
    int rows = 0, cap = 0, m = 0, r, rc = -1;
    *x = NULL;
    *n = 0;
    if (!col || !(c.f = util_open_file(path, err)) ||
        !(c.chunk = malloc(CSV_CHUNK))) {
        if (c.f)
            util_err(err, "%s: out of memory", path);
        goto done;
    }
    if ((r = csv_next_row(&c, err)) <= 0) {
        if (r == 0)
            util_err(err, "%s:1: the file is empty; give rows of features",
                     path);
        goto done;
    }
    m = c.ncell;
    double v;
    bool header = false;
    for (int i = 0; i < m; i++)
        header |= cell_parse(c.cell[i], &v) == CELL_TEXT;
    if (like_columns(&c, like, c.cell, m, header, col, err) < 0)
        goto done;
    if (header)
        r = csv_next_row(&c, err);
    for (; r > 0; r = csv_next_row(&c, err)) {
        if (c.ncell != m) {
            util_err(err, "%s:%ld: row has %d cells, the first row has %d; "
                     "every row needs %d", path, c.lineno, c.ncell, m, m);
            goto done;
        }
        if (rows == cap) {
            if (rows >= MAX_ROWS / 2 || (long long)rows * like->d > MAX_CELLS / 2) {
                util_err(err, "%s:%ld: too many rows; use a smaller file",
                         path, c.lineno);
                goto done;
            }
            cap = cap ? 2 * cap : 64;
            double *p = realloc(vals, (size_t)cap * (size_t)like->d * sizeof *p);
            if (!p) {
                util_err(err, "%s: out of memory", path);
                goto done;
            }
            vals = p;
        }
        for (int j = 0; j < like->d; j++) {
            const char *s = c.cell[col[j]];
            int kind = cell_parse(s, &vals[(size_t)rows * (size_t)like->d + (size_t)j]);
            if (kind != CELL_NUMBER) {
                util_err(err, "%s:%ld: cell %d '%.20s' (column '%.40s') is "
                         "not a number%s; every feature needs a value", path,
                         c.lineno, col[j] + 1, s, like->feature_names[j],
                         decimal_comma(s) ? " (a decimal comma: use '.')" : "");
                goto done;
            }
        }
        rows++;
    }
    if (r < 0)
        goto done;
    if (rows == 0) {
        util_err(err, "%s: no rows to predict below the header", path);
        goto done;
    }
    *x = vals;
    *n = rows;
    vals = NULL;
    rc = 0;
done:
    free(col);
    free(vals);
    free(c.cell);
    free(c.line);
    free(c.chunk);
    if (c.f)
        fclose(c.f);
    return rc;
}
