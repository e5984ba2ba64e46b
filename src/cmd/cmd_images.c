/* cmd_images.c — rows of image data as pictures: the grid `plot images`
 * hands to plot_images, `data show` drawing the first rows in shades,
 * and `data show row=N`, one row with every number it holds (an image
 * row as its picture beside its pixels laid out the same way, so the
 * learner sees that the picture is those numbers). */
#include "cmd_images.h"
#include "cmd_grid.h"
#include "cmd_util.h"

#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

void cmd_images_free(CmdImages *ci)
{
    if (!ci)
        return;
    for (int k = 0; ci->titles && k < ci->im.n; k++)
        free(ci->titles[k]);
    free(ci->titles);
    free(ci->v);
    memset(ci, 0, sizeof *ci);
}

/* "7", the class name, or the target values of row r. */
static const char *row_label(CmdCtx *c, const Dataset *ds, long r, char *buf, size_t n)
{
    if (ds->classification)
        return data_class_name(ds, (int)ds->y[r], buf, n);
    buf[0] = '\0';
    for (int j = 0; j < ds->t; j++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s%s", j ? "," : "", NUM(ds->y[(size_t)r * ds->t + j]));
    return buf;
}

/* "training", "validation" or "test": the share of row r. */
static const char *row_share(const Dataset *ds, long r)
{
    return r >= ds->n - ds->n_test ? "test" : r >= ds->n_train ? "validation" : "training";
}

static int need_images(CmdCtx *c)
{
    const Dataset *ds = c->s->data;
    if (!ds)
        return cmd_fail(c, "no data yet: `data digits` gives images to look at");
    if (ds->img_h <= 0)
        return cmd_fail(c, "the %s data are not images: `data digits`, or `data load FILE image=HxW` for a file of "
                        "pixels", ds->name);
    return 0;
}

/* Rows [first, first + count) as a grid, one image per row and channel. */
static int gather(CmdCtx *c, long first, long count, CmdImages *out)
{
    const Dataset *ds = c->s->data;
    int ch = ds->img_c, h = ds->img_h, w = ds->img_w;
    memset(out, 0, sizeof *out);
    int n = (int)count * ch;
    out->v = malloc((size_t)count * (size_t)ds->d * sizeof *out->v);
    out->titles = calloc((size_t)n, sizeof *out->titles);
    if (!out->v || !out->titles) {
        cmd_images_free(out);
        return cmd_fail(c, "out of memory for %ld images", count);
    }
    memcpy(out->v, ds->x + (size_t)first * (size_t)ds->d, (size_t)count * (size_t)ds->d * sizeof *out->v);
    out->im.n = n; /* from here cmd_images_free frees the titles made so far */
    for (int k = 0; k < n; k++) {
        char lab[64], t[96];
        long r = first + k / ch;
        if (ch > 1)
            snprintf(t, sizeof t, "row %ld c%d: %s", r, k % ch, row_label(c, ds, r, lab, sizeof lab));
        else
            snprintf(t, sizeof t, "row %ld: %s", r, row_label(c, ds, r, lab, sizeof lab));
        if (!(out->titles[k] = strdup(t))) {
            cmd_images_free(out);
            return cmd_fail(c, "out of memory for %ld images", count);
        }
    }
    PlotImages im = {out->v, n, h, w, (const char *const *)out->titles, PLOT_RANGE_SHARED,
                     ds->standardized ? "pixel (standardized)" : "pixel"};
    out->im = im;
    snprintf(out->title, sizeof out->title, "%s: rows %ld to %ld, the %s above each", ds->name, first,
             first + count - 1, ds->classification ? "class" : "target");
    if (ch > 1)
        snprintf(out->caption, sizeof out->caption, "each row's %d features drawn as %d images of %d×%d, one per "
                 "channel, row by row", ds->d, ch, h, w);
    else
        snprintf(out->caption, sizeof out->caption, "each row's %d features drawn as its %d×%d image, row by row",
                 ds->d, h, w);
    return 0;
}

int cmd_images_plot_args(CmdCtx *c, int argc, char **argv, CmdImages *out)
{
    if (need_images(c) != 0)
        return -1;
    if (argc > 2)
        return cmd_fail(c, "plot images takes at most one number, the rows to draw: `plot images 32`");
    long rows = CMD_IMAGES_DEFAULT;
    const Dataset *ds = c->s->data;
    long most = CMD_IMAGES_MAX / ds->img_c;
    if (argc == 2 && cmd_parse_int(c, "the number of rows", argv[1], 1, most, &rows) != 0)
        return -1;
    return gather(c, 0, rows < ds->n ? rows : ds->n, out);
}

int cmd_images_show_rows(CmdCtx *c, long rows)
{
    const Dataset *ds = c->s->data;
    rows = rows < ds->n ? rows : ds->n;
    rows = rows < CMD_IMAGES_MAX / ds->img_c ? rows : CMD_IMAGES_MAX / ds->img_c;
    CmdImages ci;
    if (gather(c, 0, rows, &ci) != 0)
        return -1;
    int cols, lines;
    cmd_term_size(c, &cols, &lines);
    char *text = plot_images_text(&ci.im, cols, c->err);
    if (!text) {
        cmd_images_free(&ci);
        return -1;
    }
    cmd_out(c, "%s\n%s", ci.caption, text);
    free(text);
    cmd_images_free(&ci);
    cmd_out(c, "(%ld of %d rows; `data show row=N` shows one with its pixel values, `plot images %ld` in a "
            "window or file)\n", rows, ds->n, rows);
    return 0;
}

/* Every feature of a row that is not an image, as name = value, wrapped. */
static void show_features(CmdCtx *c, const Dataset *ds, long row, int cols)
{
    int at = 0;
    for (int j = 0; j < ds->d; j++) {
        char cell[128];
        int n = snprintf(cell, sizeof cell, "%s = %s", ds->feature_names[j], NUM(ds->x[(size_t)row * ds->d + j]));
        if (at > 0 && at + 3 + n > cols) {
            cmd_out(c, "\n");
            at = 0;
        }
        cmd_out(c, "%s%s", at ? "   " : "", cell);
        at += (at ? 3 : 0) + n;
    }
    cmd_out(c, "\n");
}

/* One channel of an image row: its picture on the left, its pixel values
 * on the right in the same rows and columns (below it when too wide). */
static int show_channel(CmdCtx *c, const Dataset *ds, long row, int ch, int cols)
{
    int h = ds->img_h, w = ds->img_w;
    const double *px = ds->x + (size_t)row * ds->d + (size_t)ch * (size_t)h * (size_t)w;
    PlotImages im = {px, 1, h, w, NULL, PLOT_RANGE_SHARED, ds->standardized ? "pixel (standardized)" : "pixel"};
    int width = 1; /* of the widest value */
    for (int i = 0; i < h * w; i++) {
        int n = (int)strlen(NUM(px[i]));
        width = n > width ? n : width;
    }
    int pic_w = 2 * w <= cols ? 2 * w : w;
    bool beside = pic_w + 3 + w * (width + 1) <= cols;
    char *text = plot_images_text(&im, beside ? cols - 3 - w * (width + 1) : cols, c->err);
    if (!text)
        return -1;
    char *line = text;
    for (int i = 0; i < h; i++) {
        char *nl = strchr(line, '\n');
        int len = nl ? (int)(nl - line) : (int)strlen(line);
        cmd_out(c, "%.*s", len, line);
        if (beside) {
            cmd_out(c, "%*s", pic_w - len + 3, "");
            for (int j = 0; j < w; j++)
                cmd_out(c, "%*s%s", width, NUM(px[i * w + j]), j + 1 < w ? " " : "");
        }
        cmd_out(c, "\n");
        line = nl ? nl + 1 : line + len;
    }
    for (int i = 0; !beside && i < h; i++) {
        for (int j = 0; j < w; j++)
            cmd_out(c, "%*s%s", width, NUM(px[i * w + j]), j + 1 < w ? " " : "");
        cmd_out(c, "\n");
    }
    cmd_out(c, "%s", line); /* the scale line */
    free(text);
    return 0;
}

int cmd_images_show_row(CmdCtx *c, long row)
{
    const Dataset *ds = c->s->data;
    if (row < 0 || row >= ds->n)
        return cmd_fail(c, "row=%ld is past the data: rows are 0 to %d", row, ds->n - 1);
    char lab[256];
    cmd_out(c, "row %ld (%s): %s = %s\n", row, row_share(ds, row), ds->t == 1 ? ds->target_names[0] : "targets",
            row_label(c, ds, row, lab, sizeof lab));
    int cols, lines;
    cmd_term_size(c, &cols, &lines);
    if (ds->img_h <= 0) {
        show_features(c, ds, row, cols);
        return 0;
    }
    for (int ch = 0; ch < ds->img_c; ch++) {
        if (ds->img_c > 1)
            cmd_out(c, "channel %d (features %s to %s):\n", ch, ds->feature_names[ch * ds->img_h * ds->img_w],
                    ds->feature_names[(ch + 1) * ds->img_h * ds->img_w - 1]);
        if (show_channel(c, ds, row, ch, cols) != 0)
            return -1;
    }
    if (ds->img_c == 1)
        cmd_out(c, "each shade is one of these %d numbers: %s to %s, row by row\n", ds->d, ds->feature_names[0],
                ds->feature_names[ds->d - 1]);
    return 0;
}
