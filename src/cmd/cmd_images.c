/* cmd_images.c — grids of small images for plot_images: the rows of
 * image data (`plot images`), a conv layer's kernels (`plot filters K1`)
 * and the feature maps of one input (`plot maps A1 row=3`); `data show`
 * drawing the first rows in shades, and `data show row=N`, one row with
 * every number it holds (an image row as its picture beside its pixels
 * laid out the same way, so the learner sees that the picture is those
 * numbers). */
#include "cmd_images.h"
#include "cmd_grid.h"
#include "cmd_util.h"

#include <stdint.h>
#include <math.h>
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
    free(ci->sizes);
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

/* The pixels as loaded: v (n values from feature `first` on) undone from
 * standardization, and a value within rounding of zero for its feature's
 * scale (mean and std) shown as the 0 it was, not as -8.9e-16. */
static void raw_pixels(const Dataset *ds, double *v, size_t n, int first)
{
    if (!ds->standardized)
        return;
    data_unstandardize(ds, v, n, first);
    for (size_t i = 0; i < n; i++) {
        size_t j = ((size_t)first + i) % (size_t)ds->d;
        if (fabs(v[i]) <= 1e-12 * (fabs(ds->mean[j]) + ds->std[j]))
            v[i] = 0.0;
    }
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
    raw_pixels(ds, out->v, (size_t)count * (size_t)ds->d, 0); /* pictures show the pixels as loaded */
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
    PlotImages im = {out->v, n, h, w, (const char *const *)out->titles, PLOT_RANGE_SHARED, "pixel", NULL};
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

static int plot_rows(CmdCtx *c, int argc, char **argv, CmdImages *out)
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

/* ---- a conv layer's filters and maps ---- */

/* "K1" or "K1, K2" (letter 'K'), "A1 or A2" ...: the conv layers' names. */
static const char *conv_names(const Model *m, const char *prefix, char *buf, size_t n)
{
    buf[0] = '\0';
    int count = 0;
    for (int k = 1; k <= m->n_layers; k++)
        if (m->layer[k - 1].kind == LAYER_CONV)
            snprintf(buf + strlen(buf), n - strlen(buf), "%s%s%d", count++ ? ", " : "", prefix, k);
    return buf;
}

/* The conv layer a name of kind letter (K for filters; Z, A or P for maps)
 * names: its number, or -1 with c->err. */
static int conv_layer(CmdCtx *c, const char *cmd, const char *name, const char *letters)
{
    const Model *m = c->s->model;
    char list[160];
    if (!m)
        return cmd_fail(c, "no model yet: `model cnn conv=8:3 pool=2 hidden=32` builds one with a conv layer");
    if (!nn_has_conv(m))
        return cmd_fail(c, "this %s model has no conv layer, so no %s to draw: `model cnn conv=8:3 pool=2 "
                        "hidden=32` builds one (on image data)", c->s->model_kind,
                        letters[0] == 'K' ? "filters" : "feature maps");
    TensorName tn;
    bool ok = tensor_name_parse(name, &tn) && strchr(letters, tn.kind) && tn.layer >= 1 &&
              (letters[0] != 'K' || !tn.grad);
    if (!ok || tn.layer > m->n_layers || m->layer[tn.layer - 1].kind != LAYER_CONV)
        return letters[0] == 'K'
                   ? cmd_fail(c, "'%s' is not a conv kernel: plot filters draws %s", name, conv_names(m, "K", list,
                                                                                                     sizeof list))
                   : cmd_fail(c, "'%s' is not a conv layer's maps: plot %s draws %s (Z, A, or P after a pool)", name,
                              cmd, conv_names(m, "A", list, sizeof list));
    if (tn.kind == 'P' && !m->layer[tn.layer - 1].pool)
        return cmd_fail(c, "layer %d has no pooling, so no P%d: draw Z%d or A%d", tn.layer, tn.layer, tn.layer,
                        tn.layer);
    return tn.layer;
}

/* Room for n images of up to `values` numbers in all, with titles and sizes. */
static int grid_alloc(CmdCtx *c, CmdImages *out, int n, size_t values)
{
    memset(out, 0, sizeof *out);
    out->v = malloc(values * sizeof *out->v);
    out->titles = calloc((size_t)n, sizeof *out->titles);
    out->sizes = malloc(2 * (size_t)n * sizeof *out->sizes);
    out->im.n = n; /* cmd_images_free frees the titles made so far */
    if (!out->v || !out->titles || !out->sizes) {
        cmd_images_free(out);
        return cmd_fail(c, "out of memory for %d images", n);
    }
    return 0;
}

static int set_title(CmdCtx *c, CmdImages *out, int k, const char *t)
{
    if (!(out->titles[k] = strdup(t))) {
        cmd_images_free(out);
        return cmd_fail(c, "out of memory for the images' titles");
    }
    return 0;
}

/* `plot filters K1`: each kernel (f, c) as a k×k image. */
static int plot_filters(CmdCtx *c, int argc, char **argv, CmdImages *out)
{
    if (argc != 2)
        return cmd_fail(c, "plot filters takes one conv layer's kernels, as in `plot filters K1`");
    int k = conv_layer(c, "filters", argv[1], "K");
    if (k < 0)
        return -1;
    const Session *s = c->s;
    const Layer *l = &s->model->layer[k - 1];
    int total = l->c_out * l->c_in, n = total < CMD_IMAGES_MAX ? total : CMD_IMAGES_MAX, side = l->ksize;
    if (grid_alloc(c, out, n, (size_t)n * (size_t)side * (size_t)side) != 0)
        return -1;
    memcpy(out->v, s->model->params + l->w_off, (size_t)n * (size_t)side * (size_t)side * sizeof *out->v);
    for (int i = 0; i < n; i++) {
        char t[32];
        snprintf(t, sizeof t, "f%d c%d", i / l->c_in, i % l->c_in);
        out->sizes[2 * i] = out->sizes[2 * i + 1] = side;
        if (set_title(c, out, i, t) != 0)
            return -1;
    }
    PlotImages im = {out->v, n, side, side, (const char *const *)out->titles, PLOT_RANGE_SYMMETRIC, "weight", NULL};
    out->im = im;
    snprintf(out->title, sizeof out->title, "K%d: the %d filter%s of conv layer %d (%d input channel%s, %d×%d), "
             "after %ld update%s", k, l->c_out, l->c_out == 1 ? "" : "s", k, l->c_in, l->c_in == 1 ? "" : "s", side,
             side, s->steps, s->steps == 1 ? "" : "s");
    snprintf(out->caption, sizeof out->caption, "each K%d[f,c,:,:] drawn as its %d×%d weights, one scale symmetric "
             "around 0 for all%s", k, side, side, n < total ? " (the first ones only)" : "");
    return 0;
}

/* Where `plot maps` finds one input's maps: the current batch's row, or a
 * data row run through the evaluation copy. */
typedef struct MapsSource {
    const double *maps;  /* (c_out, h, w) */
    const double *input; /* (img_c, img_h, img_w) the input image */
    int data_row;        /* its row in the data */
    int row;             /* N of row=N */
    bool batch;          /* the current batch's row N (else a data row run on the copy) */
    char where[96];      /* "training row 3", "batch row 3 (data row 812)" */
} MapsSource;

/* Reads [row=N] [train|val|test] and finds the maps of name (layer k): -1 with c->err. */
static int maps_source(CmdCtx *c, int argc, char **argv, int k, MapsSource *src)
{
    static const char *const shares[] = {"train", "val", "test", NULL};
    static const char *const share_words[] = {"training", "validation", "test"};
    Session *s = c->s;
    const Dataset *ds = s->data;
    long row = 0;
    int share = -1;
    for (int i = 2; i < argc; i++) {
        int w = 0;
        while (shares[w] && strcmp(shares[w], argv[i]) != 0)
            w++;
        if (shares[w] && share >= 0) {
            return cmd_fail(c, "plot maps takes one share, train, val or test, not both %s and %s", shares[share],
                            shares[w]);
        } else if (shares[w]) {
            share = w;
        } else if (strncmp(argv[i], "row=", 4) == 0) {
            if (cmd_parse_int(c, "row=", argv[i] + 4, 0, INT32_MAX, &row) != 0)
                return -1;
        } else {
            return cmd_fail(c, "plot maps takes row=N and train, val or test, not '%s'%s", argv[i],
                            CMD_DYM(argv[i], shares, ""));
        }
    }
    TensorName tn;
    tensor_name_parse(argv[1], &tn);
    bool batch = share < 0 && (s->phase >= PHASE_FORWARD || tn.grad);
    src->batch = batch;
    src->row = (int)row;
    if (tn.grad && share >= 0)
        return cmd_fail(c, "%s is a gradient of the current batch: drop '%s' to draw it for batch row N",
                        argv[1], shares[share]);
    if (batch) {
        Tensor t;
        long at;
        if (cmd_ref(c, argv[1], &t, &at) != 0)
            return -1;
        if (row >= s->rows)
            return cmd_fail(c, "row=%ld is past this batch: its rows are 0 to %d (name train, val or test for a "
                            "row of the data)", row, s->rows - 1);
        src->maps = t.data + (size_t)row * (size_t)t.cols;
        src->input = s->xb + (size_t)row * (size_t)ds->d;
        src->data_row = s->perm[s->batch_index * s->batch + (int)row];
        snprintf(src->where, sizeof src->where, "batch row %ld (data row %d)", row, src->data_row);
        return 0;
    }
    int lo, hi;
    data_share_rows(ds, share < 0 ? DATA_TRAIN : (DataShare)share, &lo, &hi);
    if (hi <= lo)
        return cmd_fail(c, "there is no %s share: `data split 0.2 0.1` holds out validation and test rows",
                        share_words[share < 0 ? 0 : share]);
    if (row >= hi - lo)
        return cmd_fail(c, "row=%ld is past the %s rows: they are 0 to %d", row, share_words[share < 0 ? 0 : share],
                        hi - lo - 1);
    src->data_row = lo + (int)row;
    src->maps = session_row_maps(s, src->data_row, k, tn.kind);
    src->input = ds->x + (size_t)src->data_row * (size_t)ds->d;
    snprintf(src->where, sizeof src->where, "%s row %ld", share_words[share < 0 ? 0 : share], row);
    if (!src->maps)
        return cmd_fail(c, "%s cannot be computed for %s", argv[1], src->where);
    return 0;
}

/* `plot maps A1 [row=N] [train|val|test]`: the input image, then each channel's map. */
static int plot_maps(CmdCtx *c, int argc, char **argv, CmdImages *out)
{
    if (argc < 2)
        return cmd_fail(c, "plot maps needs a conv layer's maps, as in `plot maps A1 row=3`");
    int k = conv_layer(c, "maps", argv[1], "ZAP");
    MapsSource src;
    if (k < 0 || maps_source(c, argc, argv, k, &src) != 0)
        return -1;
    const Session *s = c->s;
    const Dataset *ds = s->data;
    const Layer *l = &s->model->layer[k - 1];
    bool pooled = strchr(argv[1], 'P') != NULL;
    int h = pooled ? l->h_pool : l->h_out, w = pooled ? l->w_pool : l->w_out;
    /* a grid holds CMD_IMAGES_MAX images: the first channels of each when there are more */
    int ci = ds->img_c < CMD_IMAGES_MAX / 2 ? ds->img_c : CMD_IMAGES_MAX / 2;
    int n = ci + (l->c_out < CMD_IMAGES_MAX - ci ? l->c_out : CMD_IMAGES_MAX - ci);
    size_t px = (size_t)h * (size_t)w, ipx = (size_t)ds->img_h * (size_t)ds->img_w;
    if (grid_alloc(c, out, n, (size_t)ci * ipx + (size_t)(n - ci) * px) != 0)
        return -1;
    memcpy(out->v, src.input, (size_t)ci * ipx * sizeof *out->v);
    raw_pixels(ds, out->v, (size_t)ci * ipx, 0); /* the input as loaded: standardized it reads as noise */
    memcpy(out->v + (size_t)ci * ipx, src.maps, (size_t)(n - ci) * px * sizeof *out->v);
    bool sgn = false;
    for (size_t i = 0; i < (size_t)(n - ci) * px; i++)
        sgn = sgn || src.maps[i] < 0;
    for (int i = 0; i < n; i++) {
        char t[32];
        if (i < ci)
            snprintf(t, sizeof t, ci > 1 ? "input c%d" : "input", i);
        else
            snprintf(t, sizeof t, "channel %d", i - ci);
        out->sizes[2 * i] = i < ci ? ds->img_h : h;
        out->sizes[2 * i + 1] = i < ci ? ds->img_w : w;
        if (set_title(c, out, i, t) != 0)
            return -1;
    }
    PlotImages im = {out->v, n, ds->img_h > h ? ds->img_h : h, ds->img_w > w ? ds->img_w : w,
                     (const char *const *)out->titles, sgn ? PLOT_RANGE_SYMMETRIC_EACH : PLOT_RANGE_EACH, argv[1],
                     out->sizes};
    out->im = im;
    char lab[64];
    snprintf(out->title, sizeof out->title, "%s of conv layer %d for %s, %s %s: %d map%s of %d×%d", argv[1], k,
             src.where, ds->classification ? "class" : "target", row_label(c, ds, src.data_row, lab, sizeof lab),
             l->c_out, l->c_out == 1 ? "" : "s", h, w);
    if (src.batch)
        snprintf(out->caption, sizeof out->caption, "the input X[%d] (%d×%d), then %s[%d,ch,:,:] for each channel ch, "
                 "each on its own scale", src.row, ds->img_h, ds->img_w, argv[1], src.row);
    else
        snprintf(out->caption, sizeof out->caption, "the input (%d×%d), then each channel of %s for it, each on its "
                 "own scale (run on a copy: the batch is untouched)", ds->img_h, ds->img_w, argv[1]);
    return 0;
}

int cmd_images_plot(CmdCtx *c, int argc, char **argv, CmdImages *out)
{
    if (strcmp(argv[0], "filters") == 0) /* a cnn's data are images */
        return plot_filters(c, argc, argv, out);
    if (strcmp(argv[0], "maps") == 0)
        return plot_maps(c, argc, argv, out);
    return need_images(c) != 0 ? -1 : plot_rows(c, argc, argv, out);
}

CmdComplete cmd_images_complete(const CmdCtx *c, int argi, char **words, CmdAddFn add, void *ctx)
{
    Session *s = c->s;
    static const char *const opts[] = {"row=", "train", "val", "test", NULL};
    const Model *m = s->model;
    bool filters = strcmp(words[1], "filters") == 0;
    if (!m || (filters && argi > 2))
        return COMPLETE_WORDS;
    if (argi > 2) {
        cmd_add_list(opts, add, ctx);
        return COMPLETE_WORDS;
    }
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *l = &m->layer[k - 1];
        if (l->kind != LAYER_CONV)
            continue;
        static const char *const maps[] = {"Z", "A", "P", "dZ", "dA", "dP"};
        char w[16];
        for (int i = 0; i < (filters ? 1 : 6); i++) {
            if (!filters && ((maps[i][i >= 3] == 'P' && !l->pool) || (i >= 3 && s->phase < PHASE_BACKWARD)))
                continue;
            snprintf(w, sizeof w, "%s%d", filters ? "K" : maps[i], k);
            add(ctx, w);
        }
    }
    return COMPLETE_WORDS;
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
 * (as loaded, before any standardization) on the right in the same rows
 * and columns (below it when too wide). */
static int show_channel(CmdCtx *c, const Dataset *ds, long row, int ch, int cols)
{
    int h = ds->img_h, w = ds->img_w;
    size_t first = (size_t)ch * (size_t)h * (size_t)w;
    double *px = malloc((size_t)h * (size_t)w * sizeof *px);
    if (!px)
        return cmd_fail(c, "out of memory for a %d×%d image", h, w);
    memcpy(px, ds->x + (size_t)row * ds->d + first, (size_t)h * (size_t)w * sizeof *px);
    raw_pixels(ds, px, (size_t)h * (size_t)w, (int)first);
    PlotImages im = {px, 1, h, w, NULL, PLOT_RANGE_SHARED, "pixel", NULL};
    int width = 1; /* of the widest value */
    for (int i = 0; i < h * w; i++) {
        int n = (int)strlen(NUM(px[i]));
        width = n > width ? n : width;
    }
    int pic_w = 2 * w <= cols ? 2 * w : w;
    bool beside = pic_w + 3 + w * (width + 1) <= cols;
    char *text = plot_images_text(&im, beside ? cols - 3 - w * (width + 1) : cols, c->err);
    if (!text) {
        free(px);
        return -1;
    }
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
    free(px);
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
    if (ds->standardized)
        cmd_out(c, "these are the pixels as loaded; the model reads them standardized, (x - mean)/std per "
                   "feature (`show X` after `forward`)\n");
    return 0;
}
