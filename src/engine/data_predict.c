/* data_predict.c — the rows of a file to predict, read the way the
 * model's data was read (data_csv.c): the same separator, the feature
 * columns by header name or else by position, every cell a number.
 * Errors are "FILE:LINE: what is wrong and what to do"; nothing here
 * prints or exits. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "data.h"
#include "csv.h"
#include "data_limits.h"
#include "util.h"

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
        header |= csv_cell(c.cell[i], &v) == CELL_TEXT;
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
            int kind = csv_cell(s, &vals[(size_t)rows * (size_t)like->d + (size_t)j]);
            if (kind != CELL_NUMBER) {
                char cut[24];
                util_err(err, "%s:%ld: column '%.40s' (index %d) holds '%s', "
                         "not a number%s; every feature needs a value", path,
                         c.lineno, like->feature_names[j], col[j], csv_cell_shown(s, cut),
                         csv_decimal_comma(s) ? " (a decimal comma: use '.')" : "");
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
