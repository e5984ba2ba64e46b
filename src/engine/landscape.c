/* landscape.c — the training loss over a grid of values of two parameter
 * elements (what `plot surface` draws), computed for many grid points at
 * once. Each chunk of training rows goes once through the layers below the
 * lowest layer holding either element. That layer's Z is computed once per
 * chunk too: a point differs from it only in one column, by the element's
 * change times one input column (an axpy per point instead of a product).
 * From there the points go through the remaining layers stacked one above
 * the other, so each layer is one product for a whole block of points.
 * The session's own parameters are never changed. */
#include "landscape.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define GRID_DOUBLES (1u << 20) /* doubles in one stacked buffer (8 MiB): bounds the points per block */

/* Where flat parameter index idx lies: its layer (0-based), whether it is a
 * weight, its row (weights) and column. false when past the parameters. */
static bool locate(const Model *m, size_t idx, GridElem *e)
{
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *l = &m->layer[k];
        size_t nw = (size_t)l->n_in * (size_t)l->n_out;
        if (idx >= l->w_off && idx < l->w_off + nw) {
            *e = (GridElem){k, true, (int)((idx - l->w_off) / (size_t)l->n_out),
                            (int)((idx - l->w_off) % (size_t)l->n_out)};
            return true;
        }
        if (idx >= l->b_off && idx < l->b_off + (size_t)l->n_out) {
            *e = (GridElem){k, false, 0, (int)(idx - l->b_off)};
            return true;
        }
    }
    return false;
}

/* Adds point q's change of element e to the block of Z it owns: z holds
 * np blocks of `rows` rows of `cols` columns; in holds the layer's input,
 * either one block shared by every point (shared) or one block per point. */
static void add_change(double *z, int cols, const double *in, int n_in, bool shared, int rows, int q,
                       const GridElem *e, double change)
{
    double *zb = z + (size_t)q * rows * cols;
    const double *ib = shared ? in : in + (size_t)q * rows * n_in;
    if (!e->weight) {
        for (int r = 0; r < rows; r++)
            zb[(size_t)r * cols + e->col] += change;
        return;
    }
    for (int r = 0; r < rows; r++)
        zb[(size_t)r * cols + e->col] += ib[(size_t)r * n_in + e->row] * change;
}

/* The buffers one evaluation needs, allocated together and freed together. */
typedef struct Work {
    double *zbase; /* (chunk, n_out of the lowest layer) that layer's Z at the current parameters */
    double *z;     /* (block rows, widest layer) a layer's Z for a block of points */
    double *a[2];  /* (block rows, widest layer) activations, alternating */
    double *yhat;  /* (chunk, outputs) loss_eval's output after the link */
    double *sum;   /* (n) each point's loss times rows, so far */
} Work;

static void work_free(Work *w)
{
    free(w->zbase);
    free(w->z);
    free(w->a[0]);
    free(w->a[1]);
    free(w->yhat);
    free(w->sum);
}

/* Runs one chunk of rows for the points p0 .. p0+np-1 from the lowest
 * changed layer up and adds their losses to w->sum. */
static void run_block(Session *s, const Model *m, const GridElem e[2], const double *base, const double *in,
                      int rows, int p0, int np, const double *xs, const double *ys, const double *y, Work *w)
{
    int lo = e[0].layer < e[1].layer ? e[0].layer : e[1].layer;
    const Layer *l = &m->layer[lo];
    size_t blk = (size_t)rows * l->n_out;
    for (int q = 0; q < np; q++) {
        memcpy(w->z + q * blk, w->zbase, blk * sizeof(double));
        for (int t = 0; t < 2; t++)
            if (e[t].layer == lo)
                add_change(w->z, l->n_out, in, l->n_in, true, rows, q, &e[t],
                           (t ? ys : xs)[p0 + q] - base[t]);
    }
    act_forward(l->act, w->z, w->a[0], (size_t)np * blk);
    int cur = 0;
    for (int k = lo + 1; k < m->n_layers; k++) {
        const Layer *h = &m->layer[k];
        Mat ain = mat_view(w->a[cur], np * rows, h->n_in);                   /* (np·rows, n_in) */
        Mat wk = mat_view(m->params + h->w_off, h->n_in, h->n_out);           /* (n_in, n_out) */
        Mat zk = mat_view(w->z, np * rows, h->n_out);                         /* (np·rows, n_out) */
        mat_set_rows(&zk, m->params + h->b_off);
        mat_gemm(false, false, 1.0, &ain, &wk, 1.0, &zk);                    /* every point at once */
        for (int t = 0; t < 2; t++)
            if (e[t].layer == k)
                for (int q = 0; q < np; q++)
                    add_change(w->z, h->n_out, w->a[cur], h->n_in, false, rows, q, &e[t],
                               (t ? ys : xs)[p0 + q] - base[t]);
        cur ^= 1;
        act_forward(h->act, w->z, w->a[cur], mat_size(&zk));
    }
    const Dataset *ds = s->data;
    int k_out = nn_outputs(m);
    LossShape sh = {k_out, ds->t, ds->classification, ds->n_classes};
    size_t out = (size_t)rows * k_out;
    for (int q = 0; q < np; q++)
        w->sum[p0 + q] += rows * loss_eval(&s->loss, &sh, w->a[cur] + q * out, y, rows, w->yhat, NULL);
}

/* The grid of a model with conv layers, one point at a time: the point's
 * two values put into the evaluation copy, every training row run through
 * it. Slower than the stacked path, which knows only dense layers. */
static int grid_each(Session *s, size_t i1, size_t i2, const double *xs, const double *ys, int n, double *z,
                     GridProgress progress, void *ctx, char *err)
{
    Model *m = s->model, *ev = s->eval;
    const Dataset *ds = s->data;
    int lo_rows, hi_rows, k_out = nn_outputs(m);
    data_share_rows(ds, DATA_TRAIN, &lo_rows, &hi_rows);
    if (hi_rows <= lo_rows)
        return util_err(err, "the training share is empty");
    double *yhat = malloc(sizeof(double) * (size_t)ev->cap * (size_t)k_out);
    if (!yhat)
        return util_fail(err, ERR_NOMEM, "out of memory for the landscape");
    memcpy(ev->params, m->params, sizeof(double) * m->n_params);
    LossShape sh = {k_out, ds->t, ds->classification, ds->n_classes};
    for (int k = 0; k < n; k++) {
        if (s->interrupt && *s->interrupt) {
            memcpy(ev->params, m->params, sizeof(double) * m->n_params);
            free(yhat);
            return 1;
        }
        ev->params[i1] = xs[k];
        ev->params[i2] = ys[k];
        double sum = 0;
        for (int r = lo_rows; r < hi_rows; r += ev->cap) {
            if (s->interrupt && *s->interrupt) {
                memcpy(ev->params, m->params, sizeof(double) * m->n_params);
                free(yhat);
                return 1;
            }
            int rows = hi_rows - r < ev->cap ? hi_rows - r : ev->cap;
            Mat x = mat_view(ds->x + (size_t)r * ds->d, rows, ds->d);
            nn_forward(ev, &x);
            sum += rows * loss_eval(&s->loss, &sh, ev->z[ev->n_layers - 1], ds->y + (size_t)r * ds->t, rows, yhat,
                                    NULL);
        }
        z[k] = sum / (hi_rows - lo_rows);
        if (progress)
            progress(ctx, k + 1, n);
    }
    memcpy(ev->params, m->params, sizeof(double) * m->n_params);
    free(yhat);
    return 0;
}

int session_loss_grid(Session *s, size_t i1, size_t i2, const double *xs, const double *ys, int n, double *z,
                      GridProgress progress, void *ctx, char *err)
{
    Model *m = s->model, *ev = s->eval;
    GridElem e[2];
    if (!m || !s->data)
        return util_fail(err, ERR_NO_MODEL, "no model yet");
    if (nn_has_conv(m)) {
        if (i1 >= m->n_params || i2 >= m->n_params || i1 == i2 || n < 1)
            return util_err(err, "the landscape needs two different elements of the parameters");
        return grid_each(s, i1, i2, xs, ys, n, z, progress, ctx, err);
    }
    if (!locate(m, i1, &e[0]) || !locate(m, i2, &e[1]) || i1 == i2 || n < 1)
        return util_err(err, "the landscape needs two different elements of the parameters");
    int lo_rows, hi_rows;
    data_share_rows(s->data, DATA_TRAIN, &lo_rows, &hi_rows);
    if (hi_rows <= lo_rows)
        return util_err(err, "the training share is empty");
    int lo = e[0].layer < e[1].layer ? e[0].layer : e[1].layer, wide = 1;
    for (int k = lo; k < m->n_layers; k++)
        wide = m->layer[k].n_out > wide ? m->layer[k].n_out : wide;
    const int R = SESSION_EVAL_ROWS;
    int per = (int)(GRID_DOUBLES / ((size_t)R * wide)), block = per < 1 ? 1 : per < n ? per : n;
    Work w = {0};
    w.zbase = malloc(sizeof(double) * (size_t)R * m->layer[lo].n_out);
    w.z = malloc(sizeof(double) * (size_t)block * R * wide);
    w.a[0] = malloc(sizeof(double) * (size_t)block * R * wide);
    w.a[1] = malloc(sizeof(double) * (size_t)block * R * wide);
    w.yhat = malloc(sizeof(double) * (size_t)R * nn_outputs(m));
    w.sum = calloc((size_t)n, sizeof(double));
    if (!w.zbase || !w.z || !w.a[0] || !w.a[1] || !w.yhat || !w.sum) {
        work_free(&w);
        return util_fail(err, ERR_NOMEM, "out of memory for the landscape of %d points", n);
    }
    memcpy(ev->params, m->params, sizeof(double) * m->n_params);
    double base[2] = {m->params[i1], m->params[i2]};
    const Dataset *ds = s->data;
    const Layer *l = &m->layer[lo];
    for (int r = lo_rows; r < hi_rows; r += R) {
        if (s->interrupt && *s->interrupt) {
            work_free(&w);
            return 1;
        }
        int rows = hi_rows - r < R ? hi_rows - r : R;
        Mat x = mat_view(ds->x + (size_t)r * ds->d, rows, ds->d);
        nn_forward_to(ev, &x, lo);                             /* the layers below, once */
        const double *in = lo == 0 ? x.data : nn_output_of(ev, lo - 1); /* (rows, n_in) */
        Mat inm = mat_view((double *)in, rows, l->n_in);
        Mat wl = mat_view(m->params + l->w_off, l->n_in, l->n_out);
        Mat zb = mat_view(w.zbase, rows, l->n_out);
        mat_set_rows(&zb, m->params + l->b_off);
        mat_gemm(false, false, 1.0, &inm, &wl, 1.0, &zb);     /* the lowest changed layer, once */
        for (int p0 = 0; p0 < n; p0 += block) { /* a block of a big model takes a while: look at Ctrl-C each */
            if (s->interrupt && *s->interrupt) {
                work_free(&w);
                return 1;
            }
            int np = n - p0 < block ? n - p0 : block;
            run_block(s, m, e, base, in, rows, p0, np, xs, ys, ds->y + (size_t)r * ds->t, &w);
            if (progress)
                progress(ctx, (long)(r - lo_rows) * n + (long)rows * (p0 + np), (long)(hi_rows - lo_rows) * n);
        }
    }
    for (int k = 0; k < n; k++)
        z[k] = w.sum[k] / (hi_rows - lo_rows);
    work_free(&w);
    return 0;
}
