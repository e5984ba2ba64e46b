/* data_csv.c — the CSV loader: a file read through csv.c, an optional
 * header (detected so that a first row of text labels is not taken for
 * one), target, feature and dropped columns by name or index, missing
 * cells refused, dropped or filled, text labels made named classes, the
 * task worked out from the values or forced, notes on columns that look
 * like a row id (data_predict.c reads the rows of another file the same
 * way for prediction). Errors are "FILE:LINE: what is wrong and what to do";
 * nothing here prints or exits. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "csv.h"
#include "data_limits.h"
#include "util.h"

static bool is_blank(char ch)
{
    return ch == ' ' || ch == '\t';
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
    bool *unnamed;        /* (m) the header left the column's name empty */
    long *gap;            /* (d) first line with a missing cell in an unnamed feature column, or 0 */
    long left_out;        /* unnamed columns left out for holding nothing */
    int whole;            /* task from the values: distinct whole numbers in the target, else 0 */
} Load;

/* A column's name for a message: at most 40 characters, "..." when cut. */
static const char *col_name(const char *name, char buf[48])
{
    snprintf(buf, 48, strlen(name) > 40 ? "%.37s..." : "%s", name);
    return buf;
}

/* A column as target= and drop= take it: its name, or its index when the
 * name is long or holds what an option cannot carry (a comma, a space, a
 * quote); col < 0: the name, cut as col_name cuts it. */
static const char *col_arg(const char *name, int col, char buf[48])
{
    if (col >= 0 && (strlen(name) > 40 || strpbrk(name, ", \t\"'=;#")))
        snprintf(buf, 48, "%d", col);
    else
        col_name(name, buf);
    return buf;
}

/* The sentence after a text cell in a feature column. */
static void text_hint(const Load *L, int col, bool may_be_header, char *buf,
                      size_t size)
{
    const char *name = L->names[col];
    char shown[48], arg[48];
    col_name(name, shown);
    col_arg(name, col, arg);
    if (may_be_header)
        snprintf(buf, size, "use header=yes if this row is a header");
    else if (!L->o->target && L->t == 1)
        snprintf(buf, size, "if column '%s' holds the labels, load with "
                 "target=%s; else leave it out with drop=%s", shown, arg, arg);
    else
        snprintf(buf, size, "fix that row, or leave the column out with "
                 "drop=%s", arg);
}

/* "column 'b' (index 1)", or "target column 'y' (index 2)": a column by
 * its name and its index as target= and drop= count them (from 0). */
static const char *col_ref(const char *name, int col, bool target,
                           char *buf, size_t size)
{
    char shown[48];
    snprintf(buf, size, "%scolumn '%s' (index %d)", target ? "target " : "",
             col_name(name, shown), col);
    return buf;
}

/* Refuses a missing cell s ("", NA, NaN ...) of column col on line:
 * missing=drop for any column, missing=mean only for a feature (a target
 * is never made up). */
static int missing_refused(const Load *L, long line, int col, const char *s,
                           bool target, char *err)
{
    char ref[80], cut[24], what[40];
    col_ref(L->names[col], col, target, ref, sizeof ref);
    if (*s)
        snprintf(what, sizeof what, "holds '%s'", csv_cell_shown(s, cut));
    else
        snprintf(what, sizeof what, "is empty");
    if (target)
        return util_err(err, "%s:%ld: %s %s, a missing value%s: fill it in, "
                        "or load with missing=drop (skip such rows)",
                        L->c.path, line, ref, what,
                        L->o->missing == DATA_MISSING_MEAN
                        ? ", and missing=mean fills features only, never a "
                          "target" : "");
    return util_err(err, "%s:%ld: %s %s, a missing value: fill it in, or "
                    "load with missing=drop (skip such rows) or missing=mean "
                    "(the column's mean)", L->c.path, line, ref, what);
}

/* The sentence after text in the target column. */
static void target_text_hint(const Load *L, char *buf, size_t size)
{
    if (L->o->task == DATA_TASK_REGRESSION)
        snprintf(buf, size, "task=regression needs a number in every row of "
                 "the target");
    else if (L->t > 1)
        snprintf(buf, size, "text labels make a classification, which takes "
                 "one target column: give target= that column alone, or "
                 "numbers in every target column");
    else
        snprintf(buf, size, "%s, and a target of text labels (a "
                 "classification) needs a label in every row: fix this row, "
                 "or write every class as a text label",
                 L->c.lineno > L->first_line ? "the rows above hold numbers"
                                             : "other rows hold numbers");
}

/* Refuses cell col of the current row, which held s of kind. */
static int cell_refused(const Load *L, int col, const char *s, int kind,
                        bool target, bool may_be_header, char *err)
{
    const Csv *c = &L->c;
    char ref[80], cut[24];
    const char *full = s;
    if (kind == CELL_MISSING)
        return missing_refused(L, c->lineno, col, s, target, err);
    col_ref(L->names[col], col, target, ref, sizeof ref);
    s = csv_cell_shown(full, cut);
    if (kind == CELL_INF)
        return util_err(err, "%s:%ld: %s holds '%s', an infinite value; "
                        "edit that row or delete it from the file (missing= "
                        "handles empty and NA cells only)", c->path, c->lineno, ref, s);
    if (csv_decimal_comma(full))
        return util_err(err, "%s:%ld: %s holds '%s', a number with a decimal "
                        "comma; paramlab reads numbers with a decimal point: "
                        "save the file with '.' as the decimal mark", c->path,
                        c->lineno, ref, s);
    char hint[240];
    if (target)
        target_text_hint(L, hint, sizeof hint);
    else
        text_hint(L, col, may_be_header, hint, sizeof hint);
    return util_err(err, "%s:%ld: %s holds '%s%s', text, not a number; %s",
                    c->path, c->lineno, ref, s, strlen(full) > 20 ? "..." : "",
                    hint);
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
        int kind = csv_cell(s, &row[j]);
        if (target && L->t == 1 && L->rows == 0 && kind == CELL_TEXT &&
            !csv_decimal_comma(s) &&
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
        if (kind == CELL_MISSING && !target && L->unnamed[col]) {
            row[j] = NAN; /* a nameless column may be empty throughout (a trailing comma) */
            if (!L->gap[j])
                L->gap[j] = c->lineno;
            continue;
        }
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
    if (!o->target) { /* the last column with a name */
        int last = m - 1;
        while (last > 0 && L->unnamed[last])
            last--;
        L->order[0] = last;
        L->is_target[last] = true;
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
    if (!(L->gap = util_calloc((size_t)L->d, sizeof *L->gap))) {
        util_err(err, "%s: out of memory", c->path);
        goto out;
    }
    rc = 0;
out:
    free(sel);
    free(dr);
    return rc;
}

/* ---- after the rows ------------------------------------------------------ */

/* Whether the single target column holds class labels. Whole numbers are
 * labels when there are few of them for the rows: 2 to LABELS_MAX
 * distinct values, each seen at least twice on average (iris' 0, 1, 2
 * over 150 rows; a wine quality 3..8). More values, or about one a row,
 * are a quantity (a count, a price, a year: 3, 7, 12, 15, 20 ...) and
 * stay a regression, as an ML engineer reads them; task=classification
 * makes them classes. (scikit-learn's type_of_target calls any column of
 * integers multiclass; that gives one class per row here.) Labels
 * 0..K-1 are made the classes here (DETECT_CLASSES); any others ({2, 4},
 * {-1, 1}, {0, 5, 999}) are left to value_classes, which numbers them
 * in increasing order and keeps them as class names (DETECT_RENUMBER),
 * never max + 1 classes. *whole gets the number of distinct values when
 * they are all whole numbers (for the note saying what was chosen), else
 * 0. */
typedef enum Detected { DETECT_REGRESSION, DETECT_CLASSES, DETECT_RENUMBER } Detected;

#define LABELS_MAX 20 /* distinct whole numbers taken for class labels without task= */

static int dbl_cmp(const void *a, const void *b);

static Detected detect_task(Dataset *ds, int *whole)
{
    *whole = 0;
    if (ds->t != 1 || ds->n < 2)
        return DETECT_REGRESSION;
    for (int i = 0; i < ds->n; i++)
        if (!(fabs(ds->y[i]) < 1e15) || ds->y[i] != floor(ds->y[i]))
            return DETECT_REGRESSION;
    double *u = util_calloc((size_t)ds->n, sizeof *u); /* the labels sorted, then the distinct ones */
    if (!u)
        return DETECT_REGRESSION;
    memcpy(u, ds->y, (size_t)ds->n * sizeof *u);
    qsort(u, (size_t)ds->n, sizeof *u, dbl_cmp);
    int k = 0;
    for (int i = 0; i < ds->n; i++)
        if (k == 0 || u[i] != u[k - 1])
            u[k++] = u[i];
    *whole = k;
    bool labels = k >= 2 && k <= LABELS_MAX && 2 * k <= ds->n;
    bool in_order = u[0] == 0 && u[k - 1] == k - 1; /* distinct and sorted: exactly 0..k-1 */
    free(u);
    if (!labels)
        return DETECT_REGRESSION;
    if (!in_order)
        return DETECT_RENUMBER;
    for (int i = 0; i < ds->n; i++)
        ds->y[i] = (int)ds->y[i]; /* -0.0 becomes 0 */
    ds->classification = true;
    ds->n_classes = k;
    return DETECT_CLASSES;
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

/* Makes names (n strings, taken; n >= 2, as check_constant saw) the data
 * set's classes; y holds their indices. */
static void set_classes(Dataset *ds, char **names, int n)
{
    ds->class_names = names;
    ds->n_classes = n;
    ds->classification = true;
}

/* A target column with the same value in every row leaves nothing to
 * learn: refused alike for text labels and numbers, whatever task= says,
 * naming the column and its value. -1 with err. */
static int check_constant(const Dataset *ds, const Load *L, char *err)
{
    size_t t = (size_t)ds->t;
    if (ds->n == 1)
        return util_err(err, "%s: only one data row to learn from: there is nothing "
                        "to learn from one example; give it more rows",
                        L->c.path);
    for (size_t j = 0; j < t; j++) {
        bool same = true;
        for (size_t i = 1; i < (size_t)ds->n && same; i++)
            same = ds->y[i * t + j] == ds->y[j];
        if (!same)
            continue;
        char ref[80], cut[24], value[40];
        col_ref(ds->target_names[j], L->order[j], true, ref, sizeof ref);
        if (L->labels)
            snprintf(value, sizeof value, "'%s'", csv_cell_shown(L->lab[(int)ds->y[j]], cut));
        else
            snprintf(value, sizeof value, "%.10g", ds->y[j]);
        return util_err(err, "%s: %s holds one value only, %s, in all %d rows: there is nothing to learn; %s",
                        L->c.path, ref, value, ds->n,
                        t > 1 ? "leave it out of target=" : "choose another column to predict with target=");
    }
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
        names[k] = util_clean_text(L->lab[lb[k].old]); /* printed as class names */
        L->lab[lb[k].old] = NULL;
    }
    for (int i = 0; i < ds->n; i++)
        ds->y[i] = remap[(int)ds->y[i]];
    free(lb);
    free(remap);
    set_classes(ds, names, L->nlab);
    return 0;
}

/* Numbers that are not labels 0..K-1 (task=classification, or whole
 * numbers detect_task takes for labels): the distinct values, sorted,
 * become the classes, named by their values. -1 with err. */
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
    set_classes(ds, names, k);
    return 0;
}

/* task=classification on a numeric single target: refused (-1 with err)
 * when its values are not whole numbers or each row has a value of its
 * own, both the marks of a quantity to predict rather than class labels. */
static int check_forced_classes(const Dataset *ds, const char *path, char *err)
{
    const char *col = ds->target_names[0];
    for (int i = 0; i < ds->n; i++)
        if (ds->y[i] != floor(ds->y[i]))
            return util_err(err, "%s: task=classification needs class labels, but the target '%.40s' holds "
                            "values that are not whole numbers (such as %.6g), a quantity to predict: load "
                            "it with task=regression", path, col, ds->y[i]);
    double *v = util_calloc((size_t)ds->n, sizeof *v);
    if (!v)
        return util_err(err, "%s: out of memory", path);
    memcpy(v, ds->y, sizeof *v * (size_t)ds->n);
    qsort(v, (size_t)ds->n, sizeof *v, dbl_cmp);
    bool repeats = false;
    for (int i = 1; i < ds->n && !repeats; i++)
        repeats = v[i] == v[i - 1];
    free(v);
    if (!repeats)
        return util_err(err, "%s: task=classification, but each of the %d rows of the target '%.40s' has a "
                        "value of its own: %d classes of one row each leave nothing to learn a class from; "
                        "load it with task=regression", path, ds->n, col, ds->n);
    return 0;
}

/* The task: text labels, task=, or the values. -1 with err. */
static int load_task(Dataset *ds, Load *L, char *err)
{
    if (check_constant(ds, L, err) < 0)
        return -1;
    if (L->labels)
        return text_classes(ds, L, err);
    if (L->o->task == DATA_TASK_REGRESSION)
        return 0;
    if (L->o->task == DATA_TASK_CLASSIFICATION && ds->t == 1 && check_forced_classes(ds, L->c.path, err))
        return -1;
    int whole;
    Detected seen = detect_task(ds, &whole);
    if (L->o->task == DATA_TASK_AUTO)
        L->whole = whole;
    if (seen == DETECT_RENUMBER)
        return value_classes(ds, L->c.path, err);
    if (L->o->task != DATA_TASK_CLASSIFICATION || ds->classification)
        return 0;
    if (ds->t != 1)
        return util_err(err, "%s: task=classification needs a single "
                        "target column, not %d", L->c.path, ds->t);
    return value_classes(ds, L->c.path, err);
}

/* Removes feature j from every row of L. */
static void drop_feature(Load *L, int j)
{
    for (int i = 0; i < L->rows; i++) {
        double *src = L->vals + (size_t)i * (size_t)L->w, *dst = L->vals + (size_t)i * (size_t)(L->w - 1);
        memmove(dst, src, sizeof *src * (size_t)j);
        memmove(dst + j, src + j + 1, sizeof *src * (size_t)(L->w - j - 1));
    }
    memmove(L->fcol + j, L->fcol + j + 1, sizeof *L->fcol * (size_t)(L->d - j - 1));
    memmove(L->gap + j, L->gap + j + 1, sizeof *L->gap * (size_t)(L->d - j - 1));
    L->d--, L->w--;
}

/* A nameless feature column with no value at all (a trailing comma on
 * every line) is left out; one with some values follows missing= like
 * any other. -1 with err. */
static int settle_unnamed(Load *L, char *err)
{
    for (int j = L->d - 1; j >= 0; j--) {
        if (!L->gap[j])
            continue;
        long n = 0;
        for (int i = 0; i < L->rows; i++)
            n += !isnan(L->vals[(size_t)i * (size_t)L->w + (size_t)j]);
        if (n == 0 && L->d > 1) {
            drop_feature(L, j);
            L->left_out++;
        } else if (L->o->missing == DATA_MISSING_ERROR) {
            return missing_refused(L, L->gap[j], L->fcol[j], "", false, err);
        } else if (L->o->missing == DATA_MISSING_DROP) {
            int k = 0;
            for (int i = 0; i < L->rows; i++) {
                const double *row = L->vals + (size_t)i * (size_t)L->w;
                if (isnan(row[j]))
                    L->dropped++;
                else
                    memmove(L->vals + (size_t)k++ * (size_t)L->w, row, sizeof *row * (size_t)L->w);
            }
            L->rows = k;
        }
    }
    return 0;
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
        char shown[48], arg[48];
        if (n == 0)
            return util_err(err, "%s: column '%s' has no values; leave it "
                            "out with drop=%s", L->c.path,
                            col_name(L->names[L->fcol[j]], shown),
                            col_arg(L->names[L->fcol[j]], L->fcol[j], arg));
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
 * larger than the one before, or distinct and named like an id. */
static void note_ids(const Dataset *ds, const int *fcol, char *note, size_t size)
{
    if (ds->n < 3)
        return;
    double *v = util_calloc((size_t)ds->n, sizeof *v);
    if (!v)
        return;
    for (int j = 0; j < ds->d; j++) {
        bool whole = true, rising = true, distinct = true;
        for (int i = 0; i < ds->n && whole; i++) {
            v[i] = ds->x[(size_t)i * (size_t)ds->d + (size_t)j];
            whole = v[i] == floor(v[i]);
            rising &= i == 0 || v[i] > v[i - 1];
        }
        if (!whole)
            continue;
        if (!rising) { /* distinct, and named like an id ("id", "patient_id") */
            const char *name = ds->feature_names[j], *hit = strstr(name, "id");
            hit = hit ? hit : strstr(name, "ID");
            hit = hit ? hit : strstr(name, "Id");
            bool named = hit && (hit == name || !isalpha((unsigned char)hit[-1])) &&
                         !isalpha((unsigned char)hit[2]);
            qsort(v, (size_t)ds->n, sizeof *v, dbl_cmp);
            for (int i = 1; i < ds->n && distinct; i++)
                distinct = v[i] != v[i - 1];
            if (!named || !distinct)
                continue;
        }
        char shown[48], arg[48];
        note_add(note, size, "column '%s' holds distinct whole numbers%s, "
                 "like a row id, and is used as a feature; if it is an id, "
                 "leave it out with drop=%s", col_name(ds->feature_names[j], shown),
                 rising ? " in order" : "", col_arg(ds->feature_names[j], fcol[j], arg));
    }
    free(v);
}

/* Says which task whole numbers in the target made (task= not given),
 * and how to have the other one. */
static void note_task(const Dataset *ds, int whole, char *note, size_t size)
{
    const char *col = ds->target_names[0];
    if (whole < 2)
        return;
    if (ds->classification)
        note_add(note, size, "target '%.40s' holds %d different whole numbers in %d rows: taken as %d class "
                 "labels (classification); task=regression predicts it as a number instead", col, whole, ds->n,
                 whole);
    else if (whole == ds->n)
        note_add(note, size, "target '%.40s' holds a different whole number in each of the %d rows: a quantity "
                 "to predict (regression), not class labels", col, ds->n);
    else if (whole > LABELS_MAX)
        note_add(note, size, "target '%.40s' holds %d different whole numbers in %d rows, more than %d for "
                 "class labels: predicted as a number (regression); task=classification makes them %d classes",
                 col, whole, ds->n, LABELS_MAX, whole);
    else
        note_add(note, size, "target '%.40s' holds %d different whole numbers in %d rows, too few rows each "
                 "for class labels: predicted as a number (regression); task=classification makes them %d "
                 "classes", col, whole, ds->n, whole);
}

/* Appends to the recipe, cut at its size. */
static void recipe_put(Dataset *ds, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void recipe_put(Dataset *ds, const char *fmt, ...)
{
    size_t at = strlen(ds->recipe);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(ds->recipe + at, sizeof ds->recipe - at, fmt, ap);
    va_end(ap);
}

/* The load as one line in the command's own syntax: the file, then only
 * the options that differ from the defaults (`load f.csv drop=id
 * sep=semicolon image=8x8`), so the run log and a save file say how the
 * rows were read, not only from where. */
static void load_recipe(Dataset *ds, const char *path, const DataLoadOpts *o)
{
    static const char *const header[] = {NULL, "yes", "no"};
    static const char *const missing[] = {NULL, "drop", "mean"};
    static const char *const task[] = {NULL, "regression", "classification"};
    snprintf(ds->recipe, sizeof ds->recipe, "load %s", path);
    if (o->target)
        recipe_put(ds, " target=%s", o->target);
    if (o->features)
        recipe_put(ds, " features=%s", o->features);
    if (o->drop)
        recipe_put(ds, " drop=%s", o->drop);
    if (o->sep)
        recipe_put(ds, " sep=%s", o->sep == ';' ? "semicolon" : o->sep == '\t' ? "tab" : ",");
    if (header[o->header])
        recipe_put(ds, " header=%s", header[o->header]);
    if (missing[o->missing])
        recipe_put(ds, " missing=%s", missing[o->missing]);
    if (task[o->task])
        recipe_put(ds, " task=%s", task[o->task]);
    if (o->img_h) {
        recipe_put(ds, " image=%dx%d", o->img_h, o->img_w);
        if (o->img_c > 1)
            recipe_put(ds, "x%d", o->img_c);
    }
}

/* The data set from L: features in file order, targets in target= order;
 * the column names move into it. NULL with err. */
static Dataset *load_dataset(Load *L, char *note, size_t note_len, char *err)
{
    const char *path = L->c.path, *base = strrchr(path, '/');
    if (L->rows > 0 && settle_unnamed(L, err) < 0)
        return NULL;
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
    load_recipe(ds, path, L->o);
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
    if (L->left_out)
        note_add(note, note_len, "left out %ld column%s with no name and no "
                 "values (a comma at the end of every line)", L->left_out,
                 L->left_out == 1 ? "" : "s");
    if (L->dropped)
        note_add(note, note_len, "left out %ld row%s with a missing cell",
                 L->dropped, L->dropped == 1 ? "" : "s");
    if (L->filled)
        note_add(note, note_len, "filled %ld missing cell%s with the "
                 "column's mean", L->filled, L->filled == 1 ? "" : "s");
    note_task(ds, L->whole, note, note_len);
    note_ids(ds, L->fcol, note, note_len);
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
        bool text = csv_cell(first[i], &v) == CELL_TEXT;
        any |= text;
        all &= text;
        if (text && second && i < second->ncell)
            above |= csv_cell(second->cell[i], &v) == CELL_NUMBER;
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
                        "comma-separated values", c->path);
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
    if (!(L->unnamed = util_calloc((size_t)L->m, sizeof *L->unnamed)))
        return util_err(err, "%s: out of memory", c->path);
    for (int i = 0; i < L->m; i++) {
        char buf[32];
        snprintf(buf, sizeof buf, "col%d", i);
        L->unnamed[i] = L->header && !*(*first)[i];
        if (!(L->names[i] = util_strdup(L->header && *(*first)[i] ? (*first)[i] : buf)))
            return util_err(err, "%s: out of memory", c->path);
        util_clean_text(L->names[i]); /* names are printed: no raw bytes or reordering to the terminal */
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
    free(L->unnamed);
    free(L->gap);
    free(L->vals);
    free(L->c.cell);
    free(L->c.line);
    free(L->c.chunk);
    if (L->c.f)
        fclose(L->c.f);
}

/* With image=: the shape's pixels are the feature columns, each side
 * within DATA_IMAGE_MAX_SIDE and channels within DATA_IMAGE_MAX_C; -1 with
 * err saying both numbers. */
static int load_image_fits(const Load *L, const char *path, char *err)
{
    const DataLoadOpts *o = L->o;
    if (!o->img_h && !o->img_w && !o->img_c)
        return 0;
    int c = o->img_c ? o->img_c : 1;
    if (o->img_h < 1 || o->img_w < 1 || o->img_h > DATA_IMAGE_MAX_SIDE || o->img_w > DATA_IMAGE_MAX_SIDE ||
        c < 1 || c > DATA_IMAGE_MAX_C)
        return util_err(err, "an image is 1 to %d pixels a side and 1 to %d channels, got %dx%dx%d",
                        DATA_IMAGE_MAX_SIDE, DATA_IMAGE_MAX_C, o->img_h, o->img_w, c);
    long long px = (long long)o->img_h * o->img_w * c;
    char shape[48];
    int at = snprintf(shape, sizeof shape, "%dx%d", o->img_h, o->img_w);
    if (c > 1)
        snprintf(shape + at, sizeof shape - (size_t)at, "x%d", c);
    if (px != L->d)
        return util_err(err, "%s: image=%s is %lld pixels but the file has %d feature column%s; give the shape "
                        "of its images, or choose the pixel columns", path, shape, px, L->d, L->d == 1 ? "" : "s");
    return 0;
}

const char *const *data_file_endings(void)
{
    static const char *const endings[] = {".csv", ".tsv", NULL};
    return endings;
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
    if (load_start(&L, &first, &r2, err) < 0 || load_roles(&L, err) < 0 ||
        load_image_fits(&L, path, err) < 0)
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
    if (ds && L.o->img_h) {
        ds->img_c = L.o->img_c ? L.o->img_c : 1;
        ds->img_h = L.o->img_h;
        ds->img_w = L.o->img_w;
    }
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
