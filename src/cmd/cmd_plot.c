/* cmd_plot.c — the pictures a learner asks for: the loss curve, decision
 * regions, a fitted curve, the loss landscape over two parameters with
 * the path taken, histograms of tensors, gradient norms per layer, and
 * optimizer races. Each command gathers the numbers from the session and
 * hands them to plot.c; pictures the learner asked for are redrawn after
 * the commands that change the model, and (in a window) while training
 * runs, at most ten times a second. */
#include "cmd_plot.h"
#include "cmd_policy.h"
#include "cmd_search.h"
#include "cmd_hint.h"
#include "cmd_images.h"
#include "landscape.h"
#include "plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

typedef enum Kind { K_LOSS, K_BOUNDARY, K_FIT, K_SURFACE, K_HIST, K_GRADS, K_COMPARE, K_LR, K_VACC, K_IMAGES,
                    K_FILTERS, K_MAPS, K_SEARCH, K_COUNT } Kind; /* images, filters, maps: grids drawn once
                                                                    (cmd_images.c); search: `plot search` */

_Static_assert(K_COMPARE == CMD_PLOT_WINDOW_COMPARE, "a race's window is its kind");

static const char *const kind_names[K_COUNT] = {"loss", "boundary", "fit", "surface", "hist", "grads", "compare",
                                                "lr", "val_accuracy", "images", "filters", "maps", "search"};

typedef struct CmdPlots {
    Plot *plot;         /* owned; gnuplot starts on the first picture */
    unsigned live;      /* bit per Kind: redrawn as the model changes */
    unsigned by_part;   /* of those, the ones a lesson's block (or a script) asked for */
    bool logy;          /* plot loss log */
    char hist[32];      /* the tensor `plot hist` shows */
    char surf[2][32];   /* the two parameters `plot surface` shows */
    double surf_range;  /* half-width of its window; 0: from the path */
    int surf_grid;      /* points per axis; 0: automatic */
    bool surf_contour;  /* contour lines instead of a heat map */
    double *buf;        /* scratch for series and grids, grown as needed */
    size_t cap;         /* doubles in buf */
    bool drawing;       /* a picture is being drawn (no live frame inside it) */
    char file[4096];    /* the file= of `set plot png|svg`, or "" for KIND.png */
    char file_owner[CMD_PLOT_STEM]; /* the stem of the picture file= holds (the first drawn after `set plot`), "": none yet */
    char stem[K_COUNT][CMD_PLOT_STEM]; /* each kind's file stem, after its arguments (cmd_plot_stem) */
    const char *race;   /* the command the last race's picture is from ("compare", "runs compare") */
    int bound[2];       /* plot boundary's features (x=, y=) */
    bool bound_set;     /* x= and y= were given (else the data's two features) */
} CmdPlots;

static void before_command(CmdCtx *c, const Cmd *cmd);
static void after_command(CmdCtx *c, unsigned flags, int rc);
static const CmdHooks plot_hooks = {before_command, after_command, NULL};

/* c's plot state, made (with the hooks that keep pictures live) on the
 * first picture; NULL when out of memory. */
static CmdPlots *plots(CmdCtx *c)
{
    if (!c->plots) {
        CmdPlots *p = calloc(1, sizeof *p);
        if (!p || cmd_hook_add(c, &plot_hooks) != 0) {
            free(p);
            return NULL;
        }
        p->plot = plot_new(NULL, c->out);
        if (!p->plot) {
            free(p);
            return NULL;
        }
        /* scripts and checks draw in the text they print, never a window
         * that pops up; `set plot window` still opens one */
        if (!c->interactive)
            plot_set_target(p->plot, PLOT_TERMINAL, NULL, c->err);
        for (int k = 0; k < K_COUNT; k++)
            snprintf(p->stem[k], sizeof p->stem[k], "%s", kind_names[k]);
        c->plots = p;
    }
    return c->plots;
}

void cmd_plot_part_begins(CmdCtx *c)
{
    CmdPlots *p = c->plots;
    if (p) {
        p->live &= ~p->by_part;
        p->by_part = 0;
    }
}

void cmd_plot_free(CmdCtx *c)
{
    CmdPlots *p = c->plots;
    if (!p)
        return;
    plot_free(p->plot);
    free(p->buf);
    free(p);
    c->plots = NULL;
}

/* At least n doubles of scratch; NULL when out of memory. */
static double *scratch(CmdPlots *p, size_t n)
{
    if (n > p->cap) {
        double *b = realloc(p->buf, n * sizeof *b);
        if (!b)
            return NULL;
        p->buf = b;
        p->cap = n;
    }
    return p->buf;
}

static int need_model(CmdCtx *c)
{
    if (!c->s->data)
        return cmd_fail(c, "no data yet: make some with `data moons` (or `data load FILE.csv`), then `model ...`");
    if (!c->s->model)
        return cmd_fail(c, "no model yet: build one with `model linear` or `model mlp 8`");
    return 0;
}

/* ---- the pictures ---- */

#define DRAWABLE 1e150 /* larger values overflow the ranges gnuplot computes */

/* -1 with a message when a value of t cannot be drawn (NaN, Inf, or so
 * large that an axis range overflows), naming the first such element. */
static int drawable(CmdCtx *c, const Tensor *t)
{
    for (int i = 0; i < t->rows * t->cols; i++)
        if (!(fabs(t->data[i]) <= DRAWABLE)) {
            char where[64];
            if (t->vector)
                snprintf(where, sizeof where, "%s[%d]", t->name, i);
            else
                snprintf(where, sizeof where, "%s[%d,%d]", t->name, i / t->cols, i % t->cols);
            return cmd_fail(c, "%s is %g: too large to draw; `undo` or `init` brings the model back", where,
                            t->data[i]);
        }
    return 0;
}

static int draw_loss(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    const Trace *t = s->trace;
    double *b = scratch(p, 2 * (size_t)t->len + 3 * (size_t)t->e_len + 3);
    if (!b)
        return cmd_fail(c, "out of memory for the loss curve");
    double *xs = b, *ys = b + t->len, *xe = ys + t->len, *ye = xe + t->e_len, *yv = ye + t->e_len;
    for (int i = 0; i < t->len; i++) {
        xs[i] = (double)t->step[i];
        ys[i] = t->loss[i];
    }
    bool has_val = false;
    for (int i = 0; i < t->e_len; i++) {
        xe[i] = (double)t->e_step[i];
        ye[i] = t->e_train[i];
        yv[i] = t->e_val[i];
        has_val = has_val || isfinite(yv[i]);
    }
    char step_title[64];
    if (t->stride > 1)
        snprintf(step_title, sizeof step_title, "batch loss (mean of %ld updates)", t->stride);
    else
        snprintf(step_title, sizeof step_title, "batch loss (each update)");
    PlotSeries ser[4] = {
        {step_title, xs, ys, t->len, PLOT_LINES, 0, true},
        {"training loss (epoch mean)", xe, ye, t->e_len, PLOT_LINESPOINTS, 0, false},
        {"validation loss", xe, yv, t->e_len, PLOT_LINESPOINTS, 1, false},
        {NULL, NULL, NULL, 0, PLOT_POINTS, 2, false},
    };
    /* early stopping's best epoch, where the trace still has it */
    char best_title[64];
    double *bx = yv + t->e_len, *by = bx + 1;
    for (int i = 0; has_val && s->best_epoch && i < t->e_len; i++)
        if (t->e_epoch[i] == s->best_epoch) {
            *bx = xe[i];
            *by = yv[i];
            snprintf(best_title, sizeof best_title, "best epoch (%ld, early stopping)", s->best_epoch);
            ser[3] = (PlotSeries){best_title, bx, by, 1, PLOT_POINTS, 2, false};
        }
    char mw[96], tw[224], title[384], ylabel[64];
    long last = t->len ? t->step[t->len - 1] : s->steps; /* early stopping put back an earlier update */
    char back[48] = "";
    if (last > s->steps)
        snprintf(back, sizeof back, " (now back at %ld)", s->steps);
    snprintf(title, sizeof title, "Training loss over %ld update%s%s — %s, %s", last > s->steps ? last : s->steps,
             CMD_S(last > s->steps ? last : s->steps), back, cmd_training_words(s, tw, sizeof tw),
             cmd_model_words(s, mw, sizeof mw));
    snprintf(ylabel, sizeof ylabel, "%s loss%s", loss_name(s->loss.kind), p->logy ? " (log scale)" : "");
    PlotFrame f = {title, "update (step)", ylabel, p->stem[K_LOSS], K_LOSS, p->logy, live};
    return plot_lines(p->plot, &f, ser, has_val ? (ser[3].n ? 4 : 3) : 2, c->err);
}

/* The lr in force during each epoch (a schedule changes it). */
static int draw_lr(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    const Trace *t = s->trace;
    double *b = scratch(p, 2 * (size_t)t->e_len + 1);
    if (!b)
        return cmd_fail(c, "out of memory for the lr curve");
    double *xe = b, *ye = b + t->e_len;
    for (int i = 0; i < t->e_len; i++) {
        xe[i] = (double)t->e_epoch[i];
        ye[i] = t->e_lr[i];
    }
    char sched[160], title[256], mw[96];
    if (s->sched.kind == SCHED_NONE)
        snprintf(sched, sizeof sched, "no schedule");
    else
        sched_describe(&s->sched, sched, sizeof sched);
    snprintf(title, sizeof title, "Learning rate per epoch — %s, %s, %s", optim_name(s->opt.kind), sched,
             cmd_model_words(s, mw, sizeof mw));
    PlotSeries ser = {"lr in force", xe, ye, t->e_len, PLOT_STEPS, 0, false};
    PlotFrame f = {title, "epoch", "learning rate", p->stem[K_LR], K_LR, false, live};
    return plot_lines(p->plot, &f, &ser, 1, c->err);
}

/* Validation accuracy at each epoch's end, in percent. */
static int draw_vacc(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    const Trace *t = s->trace;
    double now;
    int rc = session_scalar_value(s, session_scalar_find(kind_names[K_VACC]), &now, c->err);
    if (rc != 0) /* no split, or no classes: the name's own refusal */
        return cmd_hint_add(s, rc, true, c->err);
    double *b = scratch(p, 2 * (size_t)t->e_len + 1);
    if (!b)
        return cmd_fail(c, "out of memory for the accuracy curve");
    double *xe = b, *ye = b + t->e_len;
    for (int i = 0; i < t->e_len; i++) {
        xe[i] = (double)t->e_epoch[i];
        ye[i] = 100 * t->e_vacc[i];
    }
    char title[384], mw[96], tw[224];
    snprintf(title, sizeof title, "Validation accuracy per epoch — %s, %s", cmd_training_words(s, tw, sizeof tw),
             cmd_model_words(s, mw, sizeof mw));
    PlotSeries ser = {"validation accuracy (%)", xe, ye, t->e_len, PLOT_LINESPOINTS, 1, false};
    PlotFrame f = {title, "epoch", "validation accuracy (%)", p->stem[K_VACC], K_VACC, false, live};
    return plot_lines(p->plot, &f, &ser, 1, c->err);
}

static int draw_grads(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    const Trace *t = s->trace;
    int L = t->n_layers;
    double *b = scratch(p, (size_t)(L + 1) * (size_t)t->len + 1);
    if (!b)
        return cmd_fail(c, "out of memory for the gradient norms");
    PlotSeries ser[NN_MAX_LAYERS];
    char names[NN_MAX_LAYERS][64];
    for (int i = 0; i < t->len; i++)
        b[i] = (double)t->step[i];
    for (int k = 0; k < L; k++) {
        double *y = b + (size_t)(k + 1) * t->len;
        for (int i = 0; i < t->len; i++)
            y[i] = t->gnorm[(size_t)i * L + k];
        snprintf(names[k], sizeof names[k], "layer %d: ‖dW%d, db%d‖", k + 1, k + 1, k + 1);
        ser[k] = (PlotSeries){names[k], b, y, t->len, PLOT_LINES, k, false};
    }
    char mw[96], title[256];
    snprintf(title, sizeof title, "Gradient norm per layer over %ld updates%s — %s", s->steps,
             t->stride > 1 ? " (averaged)" : "", cmd_model_words(s, mw, sizeof mw));
    PlotFrame f = {title, "update (step)", "gradient norm (log scale)", p->stem[K_GRADS], K_GRADS, true, live};
    return plot_lines(p->plot, &f, ser, L, c->err);
}

static int draw_boundary(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    const Dataset *ds = s->data;
    if (!ds->classification || ds->d < 2 || (ds->d > 2 && !p->bound_set))
        return cmd_fail(c, ds->classification && ds->d > 2
                        ? "plot boundary draws two features at a time; this data has %d: choose them, as in `plot "
                          "boundary x=%s y=%s` (the others are held at their mean)%.0s"
                        : "plot boundary draws 2-D classification; this data has %d feature%s and %s: %s",
                        ds->d, ds->d > 2 ? ds->feature_names[0] : ds->d == 1 ? "" : "s",
                        ds->d > 2 ? ds->feature_names[1] : ds->classification ? "classes" : "real-valued targets",
                        ds->d == 1 && !ds->classification ? "`plot fit` draws its fitted curve" :
                                                            "try `data moons` or `data circles`");
    int fx = p->bound_set ? p->bound[0] : 0, fy = p->bound_set ? p->bound[1] : 1, d = ds->d;
    if (fx >= d || fy >= d)
        return cmd_fail(c, "the data changed: choose the features again with `plot boundary x=... y=...`");
    /* a live frame is drawn ten times a second while training: a coarser grid */
    const int G = live ? 60 : 100;
    int k = nn_outputs(s->model), K = ds->n_classes;
    size_t cells = (size_t)G * G;
    double *b = scratch(p, cells * (2 + (size_t)d + (size_t)k) + 2 * (size_t)ds->n + (size_t)d);
    if (!b)
        return cmd_fail(c, "out of memory for the decision regions");
    double *z = b, *conf = z + cells, *x = conf + cells, *out = x + (size_t)d * cells, *pts = out + cells * k;
    double *mean = pts + 2 * (size_t)ds->n;
    double x0, x1, y0, y1;
    cmd_plot_feature_means(ds, mean);
    cmd_plot_feature_range(ds, fx, &x0, &x1);
    cmd_plot_feature_range(ds, fy, &y0, &y1);
    for (int j = 0; j < G; j++)
        for (int i = 0; i < G; i++) {
            double *row = x + (size_t)d * ((size_t)j * G + i);
            memcpy(row, mean, sizeof(double) * (size_t)d);
            row[fx] = x0 + (x1 - x0) * i / (G - 1);
            row[fy] = y0 + (y1 - y0) * j / (G - 1);
        }
    session_eval_outputs(s, x, (int)cells, out);
    bool hinge = loss_desc(s->loss.kind)->margin; /* a margin, not a probability */
    for (size_t q = 0; q < cells; q++) {
        const double *o = out + q * k;
        int cls = session_predicted_class(s, o, k);
        double pr;
        if (k == 1)
            pr = hinge ? 0.5 + 0.5 * fmin(1.0, fabs(o[0])) : (cls ? o[0] : 1 - o[0]);
        else
            pr = o[cls];
        /* 1/K (a guess) shows white, certainty the class's full colour */
        double lo = 1.0 / (K > 1 ? K : 2);
        z[q] = cls;
        conf[q] = fmin(1.0, fmax(0.0, (pr - lo) / (1 - lo)));
    }
    /* the training points, grouped by class */
    PlotSeries ser[8];
    char names[8][48];
    int ns = 0, n_tr = ds->n_train;
    double *px = pts, *py = pts + ds->n;
    int at = 0;
    for (int cl = 0; cl < K && ns < 8; cl++) {
        int start = at;
        for (int i = 0; i < n_tr; i++)
            if ((int)ds->y[i] == cl) {
                px[at] = ds->x[(size_t)i * d + fx];
                py[at] = ds->x[(size_t)i * d + fy];
                at++;
            }
        char cb[16];
        snprintf(names[ns], sizeof names[ns], "class %.36s", data_class_name(ds, cl, cb, sizeof cb));
        ser[ns] = (PlotSeries){names[ns], px + start, py + start, at - start, PLOT_POINTS, cl, false};
        ns++;
    }
    double acc;
    session_eval_loss(s, true, &acc);
    char mw[96], title[320], xl[96], yl[96];
    snprintf(title, sizeof title, "Decision regions after %ld update%s, accuracy %.1f%% — %s%s", s->steps,
             CMD_S(s->steps), 100 * acc,
             cmd_model_words(s, mw, sizeof mw), d > 2 ? " (other features at their mean)" : "");
    PlotMap m = {G, G, x0, x1, y0, y1, z, conf, K, hinge ? "class (shade: margin)" : "class (shade: probability)",
                 PLOT_CLASSES, false, 0, NULL, ds->class_names};
    PlotFrame f = {title, cmd_plot_feature_label(ds, fx, xl, sizeof xl), cmd_plot_feature_label(ds, fy, yl, sizeof yl),
                   p->stem[K_BOUNDARY], K_BOUNDARY, false, live};
    return plot_map(p->plot, &f, &m, ser, ns, c->err);
}

static int draw_fit(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    const Dataset *ds = s->data;
    if (ds->classification || ds->d != 1 || ds->t != 1)
        return cmd_fail(c, "plot fit draws a curve over one input for a real-valued target; this data has %d feature%s "
                        "and %s: %s", ds->d, ds->d == 1 ? "" : "s", ds->classification ? "classes" : "targets",
                        ds->classification && ds->d == 2 ? "`plot boundary` draws its decision regions" :
                                                           "try `data line` or `data sine`");
    enum { G = 300 };
    int n = ds->n, n_tr = ds->n_train, vlo, vhi;
    data_share_rows(ds, DATA_VAL, &vlo, &vhi); /* the test share stays unseen */
    int n_val = vhi - vlo;
    double *b = scratch(p, 2 * (size_t)G + 2 * (size_t)n);
    if (!b)
        return cmd_fail(c, "out of memory for the fitted curve");
    double *gx = b, *gy = gx + G, *dx = gy + G, *dy = dx + n;
    double x0, x1;
    cmd_plot_feature_range(ds, 0, &x0, &x1);
    for (int i = 0; i < G; i++)
        gx[i] = x0 + (x1 - x0) * i / (G - 1);
    session_eval_outputs(s, gx, G, gy);
    for (int i = 0; i < n; i++) {
        dx[i] = ds->x[i];
        dy[i] = ds->y[i];
    }
    double acc;
    double tl = session_eval_loss(s, true, &acc);
    char mw[96], title[256], xl[96], curve[64];
    snprintf(curve, sizeof curve, "model after %ld update%s", s->steps, CMD_S(s->steps));
    PlotSeries ser[3] = {
        {"training data", dx, dy, n_tr, PLOT_POINTS, 0, false},
        {curve, gx, gy, G, PLOT_LINES, 1, false},
        {"validation data", dx + n_tr, dy + n_tr, n_val, PLOT_POINTS, 2, false},
    };
    snprintf(title, sizeof title, "Fitted curve, training loss %.4g (%s) — %s", tl, loss_name(s->loss.kind),
             cmd_model_words(s, mw, sizeof mw));
    PlotFrame f = {title, cmd_plot_feature_label(ds, 0, xl, sizeof xl), ds->target_names[0], p->stem[K_FIT], K_FIT,
                   false, live};
    return plot_lines(p->plot, &f, ser, n > n_tr ? 3 : 2, c->err);
}

static int draw_hist(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    Tensor t;
    long at;
    if (cmd_ref(c, p->hist, &t, &at) != 0)
        return -1;
    int n = t.rows * t.cols;
    if (n == 0)
        return cmd_fail(c, "%s is empty: there is nothing to count", t.name);
    if (drawable(c, &t) != 0)
        return -1;
    /* the sample standard deviation (n - 1), as torch's tensor.std() and the key */
    double mean = 0, var = 0, lo = t.data[0], hi = t.data[0];
    for (int i = 0; i < n; i++)
        mean += t.data[i] / n;
    for (int i = 0; i < n; i++) {
        var += n > 1 ? (t.data[i] - mean) * (t.data[i] - mean) / (n - 1) : 0;
        lo = fmin(lo, t.data[i]);
        hi = fmax(hi, t.data[i]);
    }
    char title[256], shape[32];
    if (t.vector)
        snprintf(shape, sizeof shape, "%d value%s", n, n == 1 ? "" : "s");
    else
        snprintf(shape, sizeof shape, "%d×%d = %d values", t.rows, t.cols, n);
    snprintf(title, sizeof title, "Histogram of %s (%s) after %ld update%s", t.name, shape, s->steps,
             CMD_S(s->steps));
    char xl[64];
    snprintf(xl, sizeof xl, "value of an element of %s", t.name);
    PlotFrame f = {title, xl, "number of elements", p->stem[K_HIST], K_HIST, false, live};
    if (plot_hist(p->plot, &f, t.data, n, c->err) != 0)
        return -1;
    if (!live) {
        char a[40], b2[40], m1[40], sd[40];
        cmd_out(c, "%s: %d value%s, mean %s, std %s, min %s, max %s\n", t.name, n, n == 1 ? "" : "s", cmd_num(c, mean, m1, sizeof m1),
                cmd_num(c, sqrt(var), sd, sizeof sd), cmd_num(c, lo, a, sizeof a), cmd_num(c, hi, b2, sizeof b2));
    }
    return 0;
}

/* Flat parameter index of an element reference like W1[0,1]. */
static int param_index(CmdCtx *c, const char *ref, size_t *idx)
{
    Tensor t;
    long at;
    if (cmd_ref(c, ref, &t, &at) != 0)
        return -1;
    if (!t.editable)
        return cmd_fail(c, "%s is not a parameter: the landscape is drawn over two parameter elements, as in "
                        "`plot surface W1[0,0] W1[1,0]`", ref);
    if (at < 0)
        return cmd_fail(c, "%s is a whole tensor: pick one element of it, as in %s[0%s]", ref, ref,
                        t.vector ? "" : ",0");
    *idx = (size_t)(t.data - c->s->model->params) + (size_t)at;
    return 0;
}

/* What the progress line needs: where to write, the percent last shown. */
typedef struct SurfProgress {
    CmdCtx *c;
    int shown;
} SurfProgress;

/* "plot surface: 40% done" on the line being typed over, when it changes. */
static void surface_progress(void *ctx, long done, long total)
{
    SurfProgress *sp = ctx;
    int pct = (int)(100.0 * (double)done / (double)total);
    if (pct == sp->shown)
        return;
    sp->shown = pct;
    cmd_out(sp->c, "\rplot surface: %3d%% done", pct);
    fflush(sp->c->out);
}

static int draw_surface(CmdCtx *c, CmdPlots *p, bool live)
{
    Session *s = c->s;
    size_t i1, i2;
    if (param_index(c, p->surf[0], &i1) != 0 || param_index(c, p->surf[1], &i2) != 0)
        return -1;
    double *w = s->model->params;
    int n_path = s->hist_len + 1;
    int G = p->surf_grid;
    if (!G) { /* about four million row evaluations at most */
        double rows = s->data->n_train > 0 ? s->data->n_train : 1;
        G = (int)fmin(41, fmax(15, sqrt(4e6 / rows)));
    }
    size_t cells = (size_t)G * G;
    double *b = scratch(p, 3 * cells + 2 * (size_t)n_path + 4);
    if (!b)
        return cmd_fail(c, "out of memory for the loss landscape");
    double *z = b, *px = z + cells, *py = px + n_path, *mark = py + n_path, *gx = mark + 4, *gy = gx + cells;
    int updates = n_path - 1; /* a run keeps a copy of some updates only: those are the points */
    n_path = 1;
    for (int k = updates - 1; k >= 0; k--)
        if (session_snapshot(s, k)) {
            px[n_path - 1] = session_snapshot(s, k)->params[i1];
            py[n_path++ - 1] = session_snapshot(s, k)->params[i2];
        }
    px[n_path - 1] = w[i1];
    py[n_path - 1] = w[i2];
    for (int k = 0; k < n_path; k++)
        if (!(fabs(px[k]) <= DRAWABLE && fabs(py[k]) <= DRAWABLE)) {
            bool first = !(fabs(px[k]) <= DRAWABLE);
            return cmd_fail(c, "%s %s %g: too large to draw a landscape around; `undo` or `init` brings the model "
                            "back", p->surf[first ? 0 : 1], k == n_path - 1 ? "is" : "was, on the path,",
                            first ? px[k] : py[k]);
        }
    double lo[2] = {INFINITY, INFINITY}, hi[2] = {-INFINITY, -INFINITY};
    for (int k = 0; k < n_path; k++) {
        lo[0] = fmin(lo[0], px[k]);
        hi[0] = fmax(hi[0], px[k]);
        lo[1] = fmin(lo[1], py[k]);
        hi[1] = fmax(hi[1], py[k]);
    }
    for (int a = 0; a < 2; a++) {
        double mid = 0.5 * (lo[a] + hi[a]), half = p->surf_range;
        if (half <= 0)
            half = fmax(0.65 * (hi[a] - lo[a]), 1.0);
        lo[a] = mid - half;
        hi[a] = mid + half;
    }
    double zmin = INFINITY, zmax = -INFINITY;
    for (int j = 0; j < G; j++)
        for (int i = 0; i < G; i++) {
            gx[(size_t)j * G + i] = lo[0] + (hi[0] - lo[0]) * i / (G - 1);
            gy[(size_t)j * G + i] = lo[1] + (hi[1] - lo[1]) * j / (G - 1);
        }
    SurfProgress sp = {c, -1};
    int rc = session_loss_grid(s, i1, i2, gx, gy, (int)cells, z, c->interactive && !live ? surface_progress : NULL,
                               &sp, c->err);
    if (c->interactive && !live)
        cmd_out(c, "\r%*s\r", 60, "");
    if (rc == 1)
        return cmd_fail(c, "plot surface interrupted; the parameters are as they were");
    if (rc != 0)
        return -1;
    for (size_t k = 0; k < cells; k++) {
        if (!isfinite(z[k]))
            z[k] = NAN;
        else {
            zmin = fmin(zmin, z[k]);
            zmax = fmax(zmax, z[k]);
        }
    }
    double save1 = w[i1], save2 = w[i2];
    mark[0] = px[0];
    mark[1] = py[0];
    mark[2] = save1;
    mark[3] = save2;
    char path_title[64];
    snprintf(path_title, sizeof path_title, "path over the last %d update%s%s", updates, CMD_S(updates),
             n_path - 1 < updates ? " (the kept copies)" : "");
    PlotSeries ser[3] = {
        {path_title, px, py, n_path, PLOT_LINESPOINTS, 3, false},
        {"start of the path", mark, mark + 1, 1, PLOT_POINTS, 1, false},
        {"now", mark + 2, mark + 3, 1, PLOT_POINTS, 2, false},
    };
    char title[256];
    snprintf(title, sizeof title, "Training loss over %s and %s, other parameters as now", p->surf[0],
             p->surf[1]);
    bool logz = zmin > 0 && zmax / zmin > 100;
    PlotMap m = {G, G, lo[0], hi[0], lo[1], hi[1], z, NULL, 0, logz ? "training loss (log scale)" : "training loss",
                 p->surf_contour ? PLOT_CONTOUR : PLOT_HEAT, logz,
                 plot_target(p->plot) == PLOT_TERMINAL ? 6 : 12, NULL, NULL};
    PlotFrame f = {title, p->surf[0], p->surf[1], p->stem[K_SURFACE], K_SURFACE, false, live};
    /* without updates there is no path: only where the parameters are now */
    return n_path > 1 ? plot_map(p->plot, &f, &m, ser, 3, c->err) : plot_map(p->plot, &f, &m, ser + 2, 1, c->err);
}

/* Points the plotter at kind k's file: file= for the first picture drawn
 * after `set plot png|svg file=`, STEM.png (its kind and arguments) for
 * every other. */
static int claim_file(CmdCtx *c, CmdPlots *p, Kind k)
{
    PlotTarget t = plot_target(p->plot);
    if (!p->file[0] || (t != PLOT_PNG && t != PLOT_SVG))
        return 0;
    if (!p->file_owner[0])
        snprintf(p->file_owner, sizeof p->file_owner, "%s", p->stem[k]);
    return plot_set_target(p->plot, t, strcmp(p->file_owner, p->stem[k]) == 0 ? p->file : NULL, c->err);
}

static int draw(CmdCtx *c, CmdPlots *p, Kind k, bool live)
{
    if (need_model(c) != 0)
        return -1;
    plot_set_echo(p->plot, c->out);
    if (claim_file(c, p, k) != 0)
        return -1;
    p->drawing = true;
    int rc;
    switch (k) {
    case K_LOSS: rc = draw_loss(c, p, live); break;
    case K_BOUNDARY: rc = draw_boundary(c, p, live); break;
    case K_FIT: rc = draw_fit(c, p, live); break;
    case K_SURFACE: rc = draw_surface(c, p, live); break;
    case K_HIST: rc = draw_hist(c, p, live); break;
    case K_GRADS: rc = draw_grads(c, p, live); break;
    case K_LR: rc = draw_lr(c, p, live); break;
    case K_VACC: rc = draw_vacc(c, p, live); break;
    default: rc = 0; break;
    }
    p->drawing = false;
    return rc;
}

/* ---- live pictures ---- */

static void file_written(CmdCtx *c, CmdPlots *p, Kind k);

/* Draws every live picture; a failure switches live plotting off with a note. */
static void redraw(CmdCtx *c, CmdPlots *p, bool live)
{
    for (int k = 0; k < K_COUNT; k++) {
        if (!(p->live & (1u << k)))
            continue;
        if (live && k == K_SURFACE)
            continue; /* a whole grid of evaluations: drawn when the command ends */
        if (plot_is_live(p->plot) && (k == K_LOSS ? c->s->trace->len : k == K_LR || k == K_VACC ? c->s->trace->e_len
                                                                                                   : 1) == 0)
            continue; /* a window keeps its last curve rather than come back empty (after init, undo) */
        char saved[ERR_LEN];
        memcpy(saved, c->err, ERR_LEN);
        if (draw(c, p, (Kind)k, live) != 0) {
            if (plot_failure(p->plot) == PLOT_FAIL_STOPPED) /* the message says plotting is off */
                cmd_out(c, "plot %s: %s\n", kind_names[k], c->err);
            else
                cmd_out(c, "plot %s: %s; live plotting is off (`plot %s` starts it again)\n", kind_names[k],
                        c->err, kind_names[k]);
            p->live = 0;
            memcpy(c->err, saved, ERR_LEN);
            return;
        }
        memcpy(c->err, saved, ERR_LEN);
        if (!live)
            file_written(c, p, (Kind)k);
    }
    if (!live)
        plot_live_began(p->plot, 0); /* a whole picture, waited for: live frames pace from here */
}

/* A live frame when plot_live_due says its cost leaves room for one. */
static void on_update(void *ctx)
{
    CmdCtx *c = ctx;
    CmdPlots *p = c->plots;
    char why[ERR_LEN];
    int due = p && !p->drawing && p->live ? plot_live_due(p->plot, why) : 0;
    if (due < 0) {
        cmd_out(c, "plot: %s; live plotting is off (`plot KIND` starts it again)\n", why);
        p->live = 0;
    }
    if (due > 0) {
        double t = util_now();
        redraw(c, p, true);
        plot_live_began(p->plot, t);
    }
}

/* Before a command runs: lets training redraw the live pictures (a window
 * only, at most ten frames a second). */
static void before_command(CmdCtx *c, const Cmd *cmd)
{
    CmdPlots *p = c->plots;
    bool on = p && p->live && plot_is_live(p->plot);
    c->s->on_update = on ? on_update : NULL;
    c->s->on_update_ctx = on ? c : NULL;
}

/* After a command (flags of its row, rc its result): redraws the pictures
 * that follow the model. A failure to draw turns live plotting off with a
 * note; it never fails the command. */
static void after_command(CmdCtx *c, unsigned flags, int rc)
{
    CmdPlots *p = c->plots;
    c->s->on_update = NULL;
    c->s->on_update_ctx = NULL;
    if (!p || !p->live)
        return;
    if (!c->s->model) {
        p->live = 0; /* the model the pictures showed is gone */
        return;
    }
    /* a window follows every change; the terminal and files get a picture
     * when a run of training ends, so the phase-by-phase walk stays readable */
    unsigned redraws = plot_is_live(p->plot) ? CMD_CHANGES_MODEL : CMD_TRAINS;
    if (!(flags & redraws) || (rc < 0 && !(flags & CMD_TRAINS)))
        return;
    redraw(c, p, false);
}

/* ---- commands ---- */

static int parse_kind(CmdCtx *c, const char *w, Kind *k)
{
    for (int i = 0; i < K_COUNT; i++)
        if (i != K_COMPARE && i != K_SEARCH && strcmp(w, kind_names[i]) == 0) {
            *k = (Kind)i;
            return 0;
        }
    /* a scalar name draws its curve over the epochs: the losses on `plot
     * loss`, the lr on `plot lr`, validation accuracy on its own */
    int sc = session_scalar_find(w);
    if (sc >= 0) {
        const ScalarDesc *d = session_scalar(sc);
        if (d->value)
            return cmd_fail(c, "%s is one measurement, not kept per epoch: `show %s` gives it", w, w);
        if (d->hyper || !d->accuracy) {
            *k = d->hyper ? K_LR : K_LOSS;
            return 0;
        }
        if (d->share == DATA_VAL) {
            *k = K_VACC;
            return 0;
        }
        return cmd_fail(c, "%s is measured on the whole training share when asked (`show %s`); per epoch paramlab "
                        "keeps the validation accuracy: `plot val_accuracy`", w, w);
    }
    return cmd_fail(c, "no plot '%s': choose loss, boundary, fit, surface P1 P2, hist NAME, grads, lr, "
                    "val_accuracy, images, filters K1, maps A1 or off (`help plot`)", w);
}

/* "plot loss: wrote loss.png" when pictures go to files (a redrawn file
 * says so, since nothing else shows that it changed). */
/* What the messages call kind k's picture: a race's by its command. */
static const char *kind_word(const CmdPlots *p, Kind k)
{
    return k == K_COMPARE && p->race ? p->race : kind_names[k];
}

static void file_written(CmdCtx *c, CmdPlots *p, Kind k)
{
    PlotTarget t = plot_target(p->plot);
    if (t != PLOT_PNG && t != PLOT_SVG)
        return;
    const char *ext = t == PLOT_PNG ? "png" : "svg";
    if (p->file[0] && strcmp(p->file_owner, p->stem[k]) == 0)
        cmd_out(c, "plot %s: wrote %s\n", kind_word(p, k), p->file);
    else if (p->file[0] && p->file_owner[0])
        cmd_out(c, "plot %s: wrote %s.%s (%s holds the %s picture; `set plot %s file=NAME` names another file)\n",
                kind_word(p, k), p->stem[k], ext, p->file, p->file_owner, ext);
    else
        cmd_out(c, "plot %s: wrote %s.%s\n", kind_word(p, k), p->stem[k], ext);
}

/* What was drawn, for the window and file targets (the terminal shows it). */
static void drawn(CmdCtx *c, CmdPlots *p, Kind k);

Plot *cmd_plot_for_race(CmdCtx *c, const char *what, const char *kind, int argc, char **argv, const char **stem)
{
    CmdPlots *p = plots(c);
    if (!p)
        return NULL;
    plot_set_echo(p->plot, c->out);
    p->race = what;
    *stem = cmd_plot_stem(kind, argc, argv, p->stem[K_COMPARE], sizeof p->stem[K_COMPARE]);
    if (claim_file(c, p, K_COMPARE) != 0)
        return NULL;
    return p->plot;
}

void cmd_plot_race_drawn(CmdCtx *c)
{
    if (c->plots)
        drawn(c, c->plots, K_COMPARE);
}

static void drawn(CmdCtx *c, CmdPlots *p, Kind k)
{
    char where[160];
    PlotTarget t = plot_target(p->plot);
    if (t == PLOT_TERMINAL)
        return;
    if (t == PLOT_WINDOW) {
        cmd_out(c, "plot %s: %s%s\n", kind_word(p, k), plot_describe(p->plot, where, sizeof where),
                k == K_COMPARE || k >= K_IMAGES ? "" : "; redrawn as the model learns (`plot off` stops that)");
        return;
    }
    file_written(c, p, k);
}

/* The file policy for a picture with file stem stem about to go to a
 * file: 0 when the picture may be written (and it is remembered as
 * paramlab's), -1 with c->err when a lesson or script may not write it. */
static int picture_allowed(CmdCtx *c, CmdPlots *p, const char *stem)
{
    PlotTarget t = plot_target(p->plot);
    if (t != PLOT_PNG && t != PLOT_SVG)
        return 0;
    char name[4200];
    if (p->file[0] && (!p->file_owner[0] || strcmp(p->file_owner, stem) == 0)) /* has file= (claim_file) */
        snprintf(name, sizeof name, "%s", p->file);
    else
        snprintf(name, sizeof name, "%s.%s", stem, t == PLOT_PNG ? "png" : "svg");
    if (cmd_policy_may_write(c, name) != 0)
        return -1;
    cmd_policy_wrote(c, name);
    return 0;
}

/* The feature x= or y= of `plot boundary` names (a name or an index); -1
 * with c->err. */
static int boundary_feature(CmdCtx *c, const char *v)
{
    const Dataset *ds = c->s->data;
    long idx;
    for (int j = 0; j < ds->d; j++)
        if (strcmp(ds->feature_names[j], v) == 0)
            return j;
    if (util_parse_long(v, 0, ds->d - 1, &idx))
        return (int)idx;
    CmdNearest g;
    cmd_nearest_init(&g, v, strlen(v) <= 3 ? 1 : 3);
    for (int j = 0; j < ds->d; j++)
        cmd_nearest_add(&g, ds->feature_names[j]);
    char dym[64] = "";
    if (g.best)
        snprintf(dym, sizeof dym, " (did you mean %.40s?)", g.best);
    return cmd_fail(c, "no feature '%s'%s; the features are %s, %s%s (or indices 0 to %d)", v, dym,
                    ds->feature_names[0], ds->feature_names[ds->d > 1], ds->d > 2 ? ", ..." : "", ds->d - 1);
}

/* The options after `plot KIND ...` (from argv[first]) of plot. */
typedef struct PlotOpts {
    bool logy;      /* loss: log scale */
    double range;   /* surface: half-width, 0 automatic */
    long grid;      /* surface: points per axis, 0 automatic */
    bool contour;   /* surface: contour lines */
    int bound[2];   /* boundary: x= and y= features */
    int nbound;     /* bit 1: x= given, bit 2: y= given */
} PlotOpts;

/* Reads the options into o (which holds the defaults); -1 with c->err. */
static int plot_options(CmdCtx *c, Kind k, int argc, char **argv, int first, PlotOpts *o)
{
    for (int i = first; i < argc; i++) {
        char *w = argv[i];
        if (k == K_LOSS && strcmp(w, "log") == 0) {
            o->logy = true;
        } else if (k == K_LOSS && strcmp(w, "linear") == 0) {
            o->logy = false;
        } else if (k == K_BOUNDARY && (strncmp(w, "x=", 2) == 0 || strncmp(w, "y=", 2) == 0)) {
            int f = boundary_feature(c, w + 2);
            if (f < 0)
                return -1;
            o->bound[w[0] == 'y'] = f;
            o->nbound |= w[0] == 'y' ? 2 : 1;
        } else if (k == K_SURFACE && strncmp(w, "range=", 6) == 0) {
            if (!util_parse_double(w + 6, &o->range) || o->range <= 0)
                return cmd_fail(c, "range= is the half-width of the window around the path, a number above 0, "
                                "as in range=2");
        } else if (k == K_SURFACE && strncmp(w, "grid=", 5) == 0) {
            if (!util_parse_long(w + 5, 5, 201, &o->grid))
                return cmd_fail(c, "grid= is the number of points per axis, from 5 to 201, as in grid=41");
        } else if (k == K_SURFACE && strncmp(w, "style=", 6) == 0) {
            if (strcmp(w + 6, "contour") != 0 && strcmp(w + 6, "heat") != 0)
                return cmd_fail(c, "style= is heat or contour");
            o->contour = strcmp(w + 6, "contour") == 0;
        } else {
            static const char *const opts[K_COUNT] = {"log or linear", "x=FEATURE y=FEATURE", "",
                                                      "range=, grid= or style=", "", "", "", "", "", "", "", "",
                                                      ""};
            return cmd_fail(c, "plot %s does not take '%s'%s%s", kind_names[k], w, opts[k][0] ? "; it takes " : "",
                            opts[k]);
        }
    }
    if (o->nbound == 1 || o->nbound == 2)
        return cmd_fail(c, "plot boundary takes both x= and y=, as in `plot boundary x=%s y=%s`",
                        c->s->data->feature_names[0], c->s->data->feature_names[c->s->data->d > 1]);
    if (o->nbound && o->bound[0] == o->bound[1])
        return cmd_fail(c, "plot boundary needs two different features for x= and y=");
    return 0;
}

/* `plot` alone: where pictures go and which are redrawn. */
static int plot_where(CmdCtx *c, CmdPlots *p)
{
    char where[160];
    cmd_out(c, "pictures go to: %s\n", plot_describe(p->plot, where, sizeof where));
    cmd_out(c, "redrawn as the model learns:");
    int shown = 0;
    for (int k = 0; k < K_COUNT; k++)
        if (p->live & (1u << k))
            cmd_out(c, " %s", kind_names[k]), shown++;
    cmd_out(c, "%s\n", shown ? "" : " nothing (plot loss, boundary, fit, surface, hist, grads or lr)");
    return 0;
}

static int drawn_once(CmdCtx *c, CmdPlots *p, Kind k, int rc);

/* `plot search [NAME NAME]`: the last search's validation losses, a map
 * over two names of a grid (the best trial in each cell) or a random
 * search's trials as points (cmd_search_pic.c). */
static int plot_search(CmdCtx *c, CmdPlots *p, int argc, char **argv)
{
    SearchPicture pic;
    if (cmd_search_picture(c, argc, argv, &pic) != 0)
        return -1;
    plot_set_echo(p->plot, c->out);
    cmd_plot_stem(kind_names[K_SEARCH], argc - 1, argv + 1, p->stem[K_SEARCH], sizeof p->stem[K_SEARCH]);
    if (claim_file(c, p, K_SEARCH) != 0 || picture_allowed(c, p, p->stem[K_SEARCH]) != 0) {
        free(pic.x);
        return -1;
    }
    char title[160];
    snprintf(title, sizeof title, "Search: validation loss over %s%s%s", pic.xname, pic.yname[0] ? " and " : "",
             pic.yname);
    int rc;
    if (pic.map) { /* a cell per pair of values tried, ticked with the values */
        double lo = INFINITY, hi = -INFINITY;
        for (int i = 0; i < pic.nx * pic.ny; i++)
            if (isfinite(pic.z[i])) {
                lo = fmin(lo, pic.z[i]);
                hi = fmax(hi, pic.z[i]);
            }
        PlotCells m = {pic.nx, pic.ny, pic.z, pic.xnames, pic.ynames, pic.zlabel, pic.missing, lo > 0 && hi / lo > 100};
        PlotFrame f = {title, pic.xname, pic.yname, p->stem[K_SEARCH], K_SEARCH, false, false};
        rc = plot_cells(p->plot, &f, &m, c->err);
    } else { /* a point per trial, coloured by its score (one name: at its score), the best ringed */
        PlotFrame f = {title, pic.xlabel, pic.ylabel, p->stem[K_SEARCH], K_SEARCH, false, false};
        rc = plot_points(p->plot, &f, &pic.pts, c->err);
    }
    free(pic.x);
    return drawn_once(c, p, K_SEARCH, rc);
}

/* After a picture drawn once (rc its result): a missing gnuplot is a note,
 * so lessons and scripts go on; else where it went. */
static int drawn_once(CmdCtx *c, CmdPlots *p, Kind k, int rc)
{
    if (rc != 0) {
        bool missing = plot_failure(p->plot) == PLOT_FAIL_MISSING;
        if (missing) {
            cmd_out(c, "no picture: %s\n", c->err);
            c->err[0] = '\0';
        }
        return missing ? 0 : -1;
    }
    drawn(c, p, k);
    return 0;
}

/* A grid of small images (cmd_images.h) as kind k, drawn once: data rows,
 * a layer's filters or one input's maps as they are now, its file named
 * after the argc arguments argv. Frees ci. */
static int plot_grid(CmdCtx *c, CmdPlots *p, Kind k, CmdImages *ci, int argc, char **argv)
{
    plot_set_echo(p->plot, c->out);
    cmd_plot_stem(kind_names[k], argc, argv, p->stem[k], sizeof p->stem[k]);
    if (claim_file(c, p, k) != 0 || picture_allowed(c, p, p->stem[k]) != 0) {
        cmd_images_free(ci);
        return -1;
    }
    PlotFrame f = {ci->title, ci->caption, "", p->stem[k], k, false, false};
    int rc = plot_images(p->plot, &f, &ci->im, c->err);
    cmd_images_free(ci);
    return drawn_once(c, p, k, rc);
}

int cmd_plot(CmdCtx *c, int argc, char **argv)
{
    CmdPlots *p = plots(c);
    if (!p)
        return cmd_fail(c, "out of memory for plotting");
    if (argc == 1)
        return plot_where(c, p);
    if (strcmp(argv[1], "off") == 0) {
        if (argc > 2)
            return cmd_fail(c, "plot off takes nothing more");
        p->live = 0;
        cmd_out(c, "live plotting is off; pictures already drawn stay where they are\n");
        return 0;
    }
    if (strcmp(argv[1], "search") == 0)
        return plot_search(c, p, argc - 1, argv + 1);
    for (int g = K_IMAGES; g <= K_MAPS; g++) {
        CmdImages imgs;
        if (strcmp(argv[1], kind_names[g]) == 0)
            return cmd_images_plot(c, argc - 1, argv + 1, &imgs) != 0 ? -1
                                                                       : plot_grid(c, p, (Kind)g, &imgs, argc - 2, argv + 2);
    }
    Kind k = K_LOSS;
    if (parse_kind(c, argv[1], &k) != 0)
        return -1;
    char stem[CMD_PLOT_STEM]; /* its file: boundary alone keeps the features it shows */
    cmd_plot_stem(kind_names[k], argc - 2, argv + 2, stem, sizeof stem);
    if (k == K_BOUNDARY && argc == 2 && p->bound_set)
        memcpy(stem, p->stem[k], sizeof stem);
    if (need_model(c) != 0 || picture_allowed(c, p, stem) != 0)
        return -1;
    bool logy = k == K_LOSS ? false : p->logy; /* `plot loss` draws linear; `plot loss log` asks */
    char hist[32] = "", surf[2][32] = {"", ""};
    double range = 0;
    long grid = 0;
    bool contour;
    int first = 2;
    if (k == K_HIST || k == K_SURFACE) {
        int need = k == K_HIST ? 1 : 2;
        if (argc < 2 + need)
            return cmd_fail(c, k == K_HIST ? "plot hist needs a tensor, as in `plot hist W1` or `plot hist dW1`" :
                                             "plot surface needs two parameter elements, as in "
                                             "`plot surface W1[0,0] W1[1,0]`");
        for (int i = 0; i < need; i++) {
            Tensor t;
            long at;
            if (strlen(argv[2 + i]) >= sizeof surf[0])
                return cmd_fail(c, "'%.40s...' is not a name; `names` lists what exists now", argv[2 + i]);
            if (cmd_ref(c, argv[2 + i], &t, &at) != 0)
                return -1;
            if (k == K_HIST && at >= 0)
                return cmd_fail(c, "plot hist counts the values of a whole tensor: write `plot hist %s`", t.name);
        }
        if (k == K_HIST)
            snprintf(hist, sizeof hist, "%s", argv[2]);
        else {
            snprintf(surf[0], sizeof surf[0], "%s", argv[2]);
            snprintf(surf[1], sizeof surf[1], "%s", argv[3]);
            if (strcmp(surf[0], surf[1]) == 0)
                return cmd_fail(c, "plot surface needs two different parameters");
        }
        first = 2 + need;
    }
    PlotOpts o = {logy, 0, 0, plot_target(p->plot) == PLOT_TERMINAL, {0, 1}, 0};
    if (plot_options(c, k, argc, argv, first, &o) != 0)
        return -1;
    logy = o.logy, range = o.range, grid = o.grid, contour = o.contour;
    int *bound = o.bound, nbound = o.nbound;
    /* draw with the new settings; keep the old ones when drawing fails */
    CmdPlots old = *p;
    p->logy = logy;
    memcpy(p->stem[k], stem, sizeof stem);
    if (nbound) {
        memcpy(p->bound, bound, sizeof p->bound);
        p->bound_set = true;
    }
    if (k == K_HIST)
        memcpy(p->hist, hist, sizeof hist);
    if (k == K_SURFACE) {
        memcpy(p->surf, surf, sizeof surf);
        p->surf_range = range;
        p->surf_grid = (int)grid;
        p->surf_contour = contour;
    }
    if (draw(c, p, k, false) != 0) {
        /* without gnuplot a picture is a note, so lessons and scripts go on */
        bool missing = plot_failure(p->plot) == PLOT_FAIL_MISSING;
        if (missing)
            cmd_out(c, "no picture: %s\n", c->err);
        p->logy = old.logy;
        memcpy(p->hist, old.hist, sizeof p->hist);
        memcpy(p->bound, old.bound, sizeof p->bound);
        p->bound_set = old.bound_set;
        memcpy(p->surf, old.surf, sizeof p->surf);
        p->surf_range = old.surf_range;
        p->surf_grid = old.surf_grid;
        p->surf_contour = old.surf_contour;
        memcpy(p->stem[k], old.stem[k], sizeof stem);
        if (missing)
            c->err[0] = '\0';
        return missing ? 0 : -1;
    }
    /* in the terminal one picture follows the model; a window each its own */
    if (!plot_is_live(p->plot))
        p->live = 0;
    p->live |= 1u << k;
    p->by_part = c->scripted > 0 ? p->by_part | 1u << k : p->by_part & ~(1u << k);
    drawn(c, p, k);
    if ((k == K_LOSS && c->s->trace->len == 0) || ((k == K_LR || k == K_VACC) && c->s->trace->e_len == 0))
        cmd_out(c, "(no updates yet: the curve grows with `step` and `train`)\n");
    if (k == K_SURFACE && c->s->hist_len > 0)
        cmd_out(c, "the path shows %s and %s over the last %d update%s; the other parameters moved too,\n"
                "so the path need not run downhill on this slice\n", p->surf[0], p->surf[1], c->s->hist_len,
                CMD_S(c->s->hist_len));
    return 0;
}

/* Where `set plot` sends pictures. */
static const char *const target_names[] = {"window", "terminal", "png", "svg", NULL};

int cmd_set_plot(CmdCtx *c, int argc, char **argv)
{
    CmdPlots *p = plots(c);
    if (!p)
        return cmd_fail(c, "out of memory for plotting");
    if (argc < 3)
        return cmd_fail(c, "set plot needs a target: window, terminal, png or svg (png/svg take file=NAME)");
    const char *const *names = target_names;
    static const PlotTarget targets[] = {PLOT_WINDOW, PLOT_TERMINAL, PLOT_PNG, PLOT_SVG};
    int t = 0;
    while (names[t] && strcmp(names[t], argv[2]) != 0)
        t++;
    if (!names[t])
        return cmd_fail(c, "plots go to a window, the terminal, png or svg, not '%s'", argv[2]);
    const char *file = NULL;
    for (int i = 3; i < argc; i++) {
        if (targets[t] != PLOT_PNG && targets[t] != PLOT_SVG)
            return cmd_fail(c, "unexpected '%s': only png and svg take file=NAME", argv[i]);
        if (strncmp(argv[i], "file=", 5) != 0 || file)
            return cmd_fail(c, "unexpected '%s': write one file=NAME (a name with spaces in quotes: "
                            "\"file=my plot.%s\")", argv[i], names[t]);
        file = argv[i] + 5;
        if (!*file)
            return cmd_fail(c, "file= needs a file name, as in file=loss.%s", names[t]);
    }
    if (file && (cmd_policy_check_file(c, file, names[t]) != 0 || cmd_policy_may_write(c, file) != 0))
        return -1;
    if (plot_set_target(p->plot, targets[t], file, c->err) != 0)
        return -1;
    if (file)
        cmd_policy_wrote(c, file);
    snprintf(p->file, sizeof p->file, "%s", file ? file : "");
    p->file_owner[0] = '\0';
    char where[160];
    cmd_out(c, "plots go to: %s\n", plot_describe(p->plot, where, sizeof where));
    return 0;
}

/* ---- completion ---- */

typedef struct AddCtx {
    void (*add)(void *ctx, const char *word);
    void *ctx;
} AddCtx;

/* Passes on W1, b2 ... but not X, Y or the results of a pass. */
static void add_param(void *ctx, const char *name)
{
    const AddCtx *a = ctx;
    TensorName tn;
    if (tensor_name_parse(name, &tn) && tensor_is_param(&tn) && !tn.grad)
        a->add(a->ctx, name);
}

CmdComplete cmd_complete_plot(const CmdCtx *c, int argi, char **words, int n,
                              void (*add)(void *ctx, const char *word), void *ctx)
{
    Session *s = c->s;
    (void)n;
    if (argi == 1) {
        for (int k = 0; k < K_COUNT; k++)
            if (k != K_COMPARE)
                add(ctx, kind_names[k]);
        add(ctx, "off");
        return COMPLETE_WORDS;
    }
    if (strcmp(words[1], "filters") == 0 || strcmp(words[1], "maps") == 0)
        return cmd_images_complete(c, argi, words, add, ctx);
    if (strcmp(words[1], "hist") == 0) {
        session_names(s, add, ctx);
    } else if (strcmp(words[1], "surface") == 0 && argi <= 3) {
        AddCtx a = {add, ctx}; /* only parameters have a landscape */
        session_names(s, add_param, &a);
    } else if (strcmp(words[1], "boundary") == 0 && s->data) {
        for (int j = 0; j < s->data->d && j < 200; j++) { /* x=FEATURE y=FEATURE */
            char w[80];
            snprintf(w, sizeof w, "%c=%.70s", argi % 2 ? 'y' : 'x', s->data->feature_names[j]);
            add(ctx, w);
        }
    } else if (strcmp(words[1], "loss") == 0) {
        add(ctx, "log");
        add(ctx, "linear");
    } else if (strcmp(words[1], "surface") == 0) {
        add(ctx, "range=");
        add(ctx, "grid=");
        add(ctx, "style=heat");
        add(ctx, "style=contour");
    }
    return COMPLETE_WORDS;
}

CmdComplete cmd_complete_set_plot(const CmdCtx *c, int argi, char **words, int n,
                                  void (*add)(void *ctx, const char *word), void *ctx)
{
    if (argi == 2)
        cmd_add_list(target_names, add, ctx);
    else
        add(ctx, "file=");
    return COMPLETE_WORDS;
}
