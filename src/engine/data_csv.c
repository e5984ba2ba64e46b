/* data_csv.c — a strict loader for numeric CSV files: read line by line
 * through a fixed chunk (a huge line or a binary file is refused before it
 * fills memory), an optional header, target columns by name or index, and
 * the task (regression, or classification for integer labels in one
 * column) worked out from the values. Errors are "FILE:LINE: what is wrong
 * and what to do"; nothing here prints or exits. */
#include <errno.h>
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
        while (p < end && is_blank(*p))
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
            while (p < end && is_blank(*p))
                p++;
            if (p < end && *p != ',')
                return util_err(err, "%s:%ld: cell %d has text after its "
                                "closing quote; quote the whole cell",
                                c->path, c->lineno, c->ncell + 1);
            stop = out;
        } else {
            while (p < end && *p != ',')
                p++;
            stop = p;
            while (stop > start && is_blank(stop[-1]))
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
        if (i < c->n)
            return csv_split(c, err) < 0 ? -1 : 1;
    }
}

enum { CELL_NUMBER, CELL_EMPTY, CELL_NAN, CELL_INF, CELL_TEXT };

static int cell_parse(const char *s, double *v)
{
    if (!*s)
        return CELL_EMPTY;
    if (util_parse_double(s, v))
        return CELL_NUMBER;
    char *end;
    double w = strtod(s, &end);
    if (end != s && *end == '\0') {
        if (isnan(w))
            return CELL_NAN;
        if (isinf(w))
            return CELL_INF;
    }
    return CELL_TEXT;
}

/* Parses the current row into out (ncell values); -1 with err naming the
 * first bad cell. */
static int csv_parse_row(const Csv *c, double *out, bool may_be_header,
                         char *err)
{
    for (int i = 0; i < c->ncell; i++) {
        const char *s = c->cell[i];
        switch (cell_parse(s, &out[i])) {
        case CELL_NUMBER:
            break;
        case CELL_EMPTY:
            return util_err(err, "%s:%ld: cell %d is empty; fill it in or "
                            "drop that row", c->path, c->lineno, i + 1);
        case CELL_NAN:
            return util_err(err, "%s:%ld: cell %d is NaN; clean or drop that "
                            "row", c->path, c->lineno, i + 1);
        case CELL_INF:
            return util_err(err, "%s:%ld: cell %d is infinite ('%.20s'); "
                            "clean or drop that row", c->path, c->lineno,
                            i + 1, s);
        default:
            return util_err(err, "%s:%ld: cell %d '%.20s%s' is not a number; "
                            "%s", c->path, c->lineno, i + 1, s,
                            strlen(s) > 20 ? "..." : "",
                            may_be_header ? "use header=yes if this row is a "
                                            "header"
                                          : "fix or drop that row");
        }
    }
    return 0;
}

/* ---- CSV targets --------------------------------------------------------- */

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

/* Finds the column a target entry names: a header name, else a 0-based
 * index; -1 with err. */
static int find_column(const Csv *c, long line, char *const *names, int m,
                       const char *tok, char *err)
{
    char cols[320];
    int found = -1;
    for (int i = 0; i < m; i++) {
        if (strcmp(names[i], tok) != 0)
            continue;
        if (found >= 0)
            return util_err(err, "%s:%ld: two columns are named '%.40s'; "
                            "give target= its index, %d or %d", c->path,
                            line, tok, found, i);
        found = i;
    }
    if (found >= 0)
        return found;
    long idx;
    if (util_parse_long(tok, 0, m - 1, &idx))
        return (int)idx;
    list_columns(names, m, cols, sizeof cols);
    if (util_parse_long(tok, -1000000000L, 1000000000L, &idx))
        return util_err(err, "%s:%ld: target column %ld is out of range; "
                        "columns are %s", c->path, line, idx, cols);
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

/* Resolves target= into order (the target columns, in the order given)
 * and is_target (m flags); *t is their number. -1 with err. */
static int resolve_targets(const Csv *c, long line, char *const *names, int m,
                           const char *target, int *order, bool *is_target,
                           int *t, char *err)
{
    *t = 0;
    if (!target) {
        order[(*t)++] = m - 1;
        is_target[m - 1] = true;
    } else {
        char *spec = util_strdup(target);
        if (!spec)
            return util_err(err, "%s: out of memory", c->path);
        char *p = spec;
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
                col = util_err(err, "%s:%ld: target= has an empty entry; "
                               "name columns, as in target=species or "
                               "target=4", c->path, line);
            } else if ((col = find_column(c, line, names, m, tok, err)) >= 0 &&
                       is_target[col]) {
                col = util_err(err, "%s:%ld: column '%.40s' is named twice "
                               "in target=; name each target once", c->path,
                               line, names[col]);
            }
            if (col < 0) {
                free(spec);
                return -1;
            }
            is_target[col] = true;
            order[(*t)++] = col;
            if (!comma)
                break;
            p = comma + 1;
        }
        free(spec);
    }
    if (*t == m)
        return util_err(err, "%s:%ld: target= takes every column, leaving no "
                        "features; keep at least one feature column", c->path,
                        line);
    return 0;
}

/* ---- CSV loader ---------------------------------------------------------- */

/* Appends the current row to vals (rows x m), growing it; -1 with err. */
static int csv_append(const Csv *c, double **vals, int *rows, int *cap, int m,
                      bool may_be_header, char *err)
{
    if (*rows >= MAX_ROWS)
        return util_err(err, "%s:%ld: more than %d rows; use a smaller file",
                        c->path, c->lineno, MAX_ROWS);
    if ((long long)(*rows + 1) * m > MAX_CELLS)
        return util_err(err, "%s:%ld: more than 100 million values; use a "
                        "smaller file", c->path, c->lineno);
    if (*rows == *cap) {
        long long want = *cap ? 2LL * *cap : 1 + 65536 / m;
        if (want > MAX_ROWS)
            want = MAX_ROWS;
        if (want * m > MAX_CELLS)
            want = MAX_CELLS / m;
        double *p = realloc(*vals, (size_t)want * (size_t)m * sizeof *p);
        if (!p)
            return util_err(err, "%s:%ld: out of memory", c->path, c->lineno);
        *vals = p;
        *cap = (int)want;
    }
    if (csv_parse_row(c, *vals + (size_t)*rows * (size_t)m, may_be_header,
                      err) < 0)
        return -1;
    (*rows)++;
    return 0;
}

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Makes the task a classification when the single target column holds
 * whole numbers with 2 to MAX_CLASSES distinct values, few for the rows
 * (at most 20, or at most half the rows: a count or a year column with a
 * value per row stays a regression). Labels 0..K-1 are the classes
 * themselves; other labels ({2, 4}, {-1, 1}, {0, 5, 999}) are numbered
 * 0..K-1 in increasing order, ds->class_labels saying which is which.
 * Out of memory: the task stays a regression. */
static void detect_task(Dataset *ds)
{
    if (ds->t != 1 || ds->n < 2)
        return;
    for (int i = 0; i < ds->n; i++) {
        double v = ds->y[i];
        if (!(fabs(v) < 1e15) || v != floor(v))
            return;
    }
    double *u = util_calloc((size_t)ds->n, sizeof *u); /* (n) the labels sorted, then the distinct ones */
    if (!u)
        return;
    memcpy(u, ds->y, (size_t)ds->n * sizeof *u);
    qsort(u, (size_t)ds->n, sizeof *u, cmp_double);
    int k = 0;
    for (int i = 0; i < ds->n; i++)
        if (k == 0 || u[i] != u[k - 1])
            u[k++] = u[i] + 0.0; /* -0.0 becomes 0 */
    if (k < 2 || k > MAX_CLASSES || (k > 20 && 2 * k > ds->n)) {
        free(u);
        return;
    }
    bool renumber = u[0] != 0 || u[k - 1] != k - 1; /* distinct and sorted: 0..k-1 exactly when both hold */
    for (int i = 0; i < ds->n; i++) {
        const double *at = bsearch(&ds->y[i], u, (size_t)k, sizeof *u, cmp_double);
        ds->y[i] = renumber ? (double)(at - u) : ds->y[i] + 0.0;
    }
    if (renumber) {
        double *labels = realloc(u, (size_t)k * sizeof *labels);
        ds->class_labels = labels ? labels : u;
    } else {
        free(u);
    }
    ds->classification = true;
    ds->n_classes = k;
}

/* The data set from the cells read (vals: rows × m): features in file
 * order, targets in target= order; the column names move into it (names[]
 * entries taken are set to NULL). NULL with err when out of memory. */
static Dataset *csv_dataset(const char *path, const double *vals, int rows, int m, int t, char **names,
                            const int *order, const bool *is_target, char *err)
{
    const char *base = strrchr(path, '/');
    Dataset *ds = data_alloc(base ? base + 1 : path, rows, m - t, t);
    if (!ds) {
        util_err(err, "%s: out of memory for %d rows", path, rows);
        return NULL;
    }
    int f = 0;
    for (int col = 0; col < m; col++) {
        if (is_target[col])
            continue;
        for (int i = 0; i < rows; i++)
            ds->x[(size_t)i * (size_t)ds->d + (size_t)f] = vals[(size_t)i * (size_t)m + (size_t)col];
        ds->feature_names[f++] = names[col];
        names[col] = NULL;
    }
    for (int j = 0; j < t; j++) {
        int col = order[j];
        for (int i = 0; i < rows; i++)
            ds->y[(size_t)i * (size_t)t + (size_t)j] = vals[(size_t)i * (size_t)m + (size_t)col];
        ds->target_names[j] = names[col];
        names[col] = NULL;
    }
    detect_task(ds);
    return ds;
}

Dataset *data_load_csv(const char *path, const char *target, DataHeader h,
                       char *err)
{
    Csv c = {0};
    c.path = path;
    Dataset *ds = NULL;
    char **names = NULL;
    int *order = NULL;
    bool *is_target = NULL;
    double *vals = NULL;
    int m = 0, t = 0, rows = 0, cap = 0;

    if (!(c.f = util_open_file(path, err))) {
        size_t len = strlen(err);
        snprintf(err + len, ERR_LEN - len, "; check the file name");
        return NULL;
    }
    if (!(c.chunk = malloc(CSV_CHUNK))) {
        util_err(err, "%s: out of memory", path);
        goto fail;
    }
    int r = csv_next_row(&c, err);
    if (r < 0)
        goto fail;
    if (r == 0) {
        util_err(err, "%s:1: the file is empty; give a CSV file of "
                 "comma-separated numbers", path);
        goto fail;
    }

    /* the first row: a header, or data */
    long first_line = c.lineno;
    m = c.ncell;
    bool header = h == DATA_HEADER_YES;
    if (h == DATA_HEADER_AUTO) {
        double v;
        for (int i = 0; i < m && !header; i++)
            header = cell_parse(c.cell[i], &v) == CELL_TEXT;
    }
    names = util_calloc((size_t)m, sizeof *names);
    order = util_calloc((size_t)m, sizeof *order);
    is_target = util_calloc((size_t)m, sizeof *is_target);
    if (!names || !order || !is_target) {
        util_err(err, "%s: out of memory", path);
        goto fail;
    }
    for (int i = 0; i < m; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "col%d", i);
        names[i] = util_strdup(header && *c.cell[i] ? c.cell[i] : buf);
        if (!names[i]) {
            util_err(err, "%s: out of memory", path);
            goto fail;
        }
        util_clean_text(names[i]); /* names are printed: no raw bytes or reordering to the terminal */
    }
    if (resolve_targets(&c, first_line, names, m, target, order, is_target,
                        &t, err) < 0)
        goto fail;
    if (!header && csv_append(&c, &vals, &rows, &cap, m,
                              h == DATA_HEADER_NO, err) < 0)
        goto fail;

    /* the data rows */
    while ((r = csv_next_row(&c, err)) > 0) {
        if (c.ncell != m) {
            util_err(err, "%s:%ld: row has %d cell%s, the %s has %d; every "
                     "row needs %d comma-separated values", path, c.lineno,
                     c.ncell, c.ncell == 1 ? "" : "s",
                     header ? "header" : "first row", m, m);
            goto fail;
        }
        if (csv_append(&c, &vals, &rows, &cap, m, false, err) < 0)
            goto fail;
    }
    if (r < 0)
        goto fail;
    if (rows == 0) {
        util_err(err, "%s:%ld: the file has a header but no data rows; add "
                 "rows of numbers below it", path, first_line);
        goto fail;
    }

    ds = csv_dataset(path, vals, rows, m, t, names, order, is_target, err);
    goto done;

fail:
    data_free(ds);
    ds = NULL;
done:
    for (int i = 0; names && i < m; i++)
        free(names[i]);
    free(names);
    free(order);
    free(is_target);
    free(vals);
    free(c.cell);
    free(c.line);
    free(c.chunk);
    fclose(c.f);
    return ds;
}
