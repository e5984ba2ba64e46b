/* cmd_search_pic.c — what `plot search [NAME NAME]` draws of the last
 * search (cmd_search.h: SearchPicture). A grid search becomes a table of
 * cells, one per pair of values tried, holding the best trial there. A
 * random search becomes points, one per trial, at its values of the two
 * names and coloured by its score (one name: at its value and its score),
 * the best ringed. How a name's values lie on an axis is decided here,
 * from the search itself: ranges on a linear or (:log) log axis, lists of
 * numbers at their values ticked with them, words and widths as names. */
#include "cmd_search.h"
#include "cmd_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int dim_named(CmdCtx *c, const CmdSearch *q, const char *name)
{
    for (int j = 0; j < q->n_dims; j++)
        if (strcmp(q->dim[j].name->name, name) == 0)
            return j;
    char varied[SEARCH_MAX_NAMES * 24] = ""; /* every name varied: "lr", "lr and l2", "lr, l2 and hidden" */
    size_t len = 0;
    for (int j = 0; j < q->n_dims && len < sizeof varied; j++)
        len += (size_t)snprintf(varied + len, sizeof varied - len, "%s%s",
                                j == 0 ? "" : j == q->n_dims - 1 ? " and " : ", ", q->dim[j].name->name);
    return cmd_fail(c, "the last search did not vary '%.30s'; it varied %s", name, varied);
}

/* Where v is in d's list; -1 when it is not there. */
static int list_index(const SearchDim *d, const SearchVal *v)
{
    for (int i = 0; i < d->n; i++)
        if (strcmp(d->val[i].text, v->text) == 0)
            return i;
    return -1;
}

/* ---- a grid: cells ---- */

static void grid_picture(const CmdSearch *q, int jx, int jy, SearchPicture *pic)
{
    int nx = q->dim[jx].n, ny = jy >= 0 ? q->dim[jy].n : 1;
    for (int i = 0; i < nx * ny; i++)
        pic->z[i] = NAN;
    pic->nx = nx;
    pic->ny = ny;
    for (int i = 0; i < nx; i++)
        pic->xnames[i] = q->dim[jx].val[i].text;
    for (int i = 0; i < ny; i++)
        pic->ynames[i] = jy >= 0 ? q->dim[jy].val[i].text : "";
    bool several = false; /* a cell holds several trials: it shows the best */
    for (int j = 0; j < q->n_dims; j++)
        several = several || (j != jx && j != jy && q->dim[j].n != 1);
    snprintf(pic->zlabel, sizeof pic->zlabel, "%svalidation loss%s", q->cv ? "cv mean " : "",
             several ? " (the best trial of each cell)" : "");
    pic->missing = q->n_done < q->n_trials ? "none" : "failed"; /* after Ctrl-C some cells never ran */
    for (int i = 0; i < q->n_done; i++) { /* each cell: the best trial there over the names not drawn */
        const SearchTrial *t = &q->trial[i];
        double score = t->failed ? NAN : t->score;
        int ix = list_index(&q->dim[jx], &t->val[jx]), iy = jy >= 0 ? list_index(&q->dim[jy], &t->val[jy]) : 0;
        if (ix < 0 || iy < 0)
            continue;
        double *z = &pic->z[(size_t)iy * (size_t)nx + (size_t)ix];
        if (!isnan(score) && (isnan(*z) || score < *z))
            *z = score;
    }
}

/* ---- a random search: points ---- */

/* How d's values lie on an axis: a range linear or (:log) log; words and
 * widths as names; a list of numbers on a log axis when they are all
 * above 0 and span two decades or more, or are spread more evenly in log
 * terms than in plain ones (8, 32, 128), else linear (0, 0.2, 0.5). */
static PlotAxisKind dim_axis(const SearchDim *d)
{
    if (d->n == 0)
        return d->log ? PLOT_AXIS_LOG : PLOT_AXIS_LINEAR;
    if (d->name->type == SEARCH_WORD || d->name->type == SEARCH_WIDTHS)
        return PLOT_AXIS_NAMES;
    double v[SEARCH_MAX_VALUES];
    int n = 0;
    for (int i = 0; i < d->n; i++) { /* the distinct values, ascending */
        int k = n;
        while (k > 0 && v[k - 1] > d->val[i].num)
            k--;
        if (k > 0 && v[k - 1] == d->val[i].num)
            continue;
        memmove(v + k + 1, v + k, sizeof *v * (size_t)(n - k));
        v[k] = d->val[i].num;
        n++;
    }
    if (n < 2 || !(v[0] > 0))
        return PLOT_AXIS_LINEAR;
    if (v[n - 1] / v[0] >= 100)
        return PLOT_AXIS_LOG;
    double lin_lo = INFINITY, lin_hi = 0, log_lo = INFINITY, log_hi = 0; /* the narrowest and widest gaps */
    for (int i = 1; i < n; i++) {
        double a = v[i] - v[i - 1], b = log(v[i] / v[i - 1]);
        lin_lo = fmin(lin_lo, a);
        lin_hi = fmax(lin_hi, a);
        log_lo = fmin(log_lo, b);
        log_hi = fmax(log_hi, b);
    }
    return n >= 3 && log_hi / log_lo < lin_hi / lin_lo ? PLOT_AXIS_LOG : PLOT_AXIS_LINEAR;
}

/* Axis a for dim j, ticked at the values it lists (names: at 0, 1, ...),
 * and its label. */
static void dim_axis_of(const CmdSearch *q, int j, PlotAxis *a, double *at, const char **names, char *label,
                        size_t n)
{
    const SearchDim *d = &q->dim[j];
    a->kind = dim_axis(d);
    a->n_ticks = d->n;
    for (int i = 0; i < d->n; i++) {
        at[i] = a->kind == PLOT_AXIS_NAMES ? i : d->val[i].num;
        names[i] = d->val[i].text;
    }
    a->tick_at = at;
    a->tick_names = names;
    snprintf(label, n, a->kind == PLOT_AXIS_LOG ? "%s (log scale)" : "%s", d->name->name);
}

/* Where trial t is on dim j's axis: its value, or its name's place. */
static double dim_pos(const CmdSearch *q, int j, const PlotAxis *a, const SearchTrial *t)
{
    if (a->kind != PLOT_AXIS_NAMES)
        return t->val[j].num;
    int i = list_index(&q->dim[j], &t->val[j]);
    return i >= 0 ? i : NAN;
}

static void points_picture(CmdCtx *c, const CmdSearch *q, int jx, int jy, SearchPicture *pic)
{
    PlotPoints *m = &pic->pts;
    snprintf(pic->zlabel, sizeof pic->zlabel, "%svalidation loss", q->cv ? "cv mean " : "");
    dim_axis_of(q, jx, &m->ax, pic->xat, pic->xnames, pic->xlabel, sizeof pic->xlabel);
    if (jy >= 0)
        dim_axis_of(q, jy, &m->ay, pic->yat, pic->ynames, pic->ylabel, sizeof pic->ylabel);
    else
        snprintf(pic->ylabel, sizeof pic->ylabel, "%s", pic->zlabel);
    int best = -1;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < q->n_done; i++) {
        const SearchTrial *t = &q->trial[i];
        double score = t->failed ? NAN : t->score;
        pic->x[i] = dim_pos(q, jx, &m->ax, t);
        pic->y[i] = jy >= 0 ? dim_pos(q, jy, &m->ay, t) : score;
        pic->z[i] = score;
        if (isfinite(score)) {
            best = best < 0 || score < pic->z[best] ? i : best;
            lo = fmin(lo, score);
            hi = fmax(hi, score);
        }
    }
    pic->n_points = q->n_done;
    if (best >= 0)
        snprintf(pic->best, sizeof pic->best, "best: trial %d, %s %s", best + 1, pic->zlabel,
                 cmd_num(c, pic->z[best], (char[40]){0}, 40));
    m->n = q->n_done;
    m->x = pic->x;
    m->y = pic->y;
    m->z = jy >= 0 ? pic->z : NULL; /* one name: the score is the height */
    m->best = best;
    m->best_name = pic->best;
    m->zlabel = pic->zlabel;
    m->missing = pic->missing = "failed";
    m->logz = lo > 0 && hi / lo > 100;
    m->title = "trials";
}

int cmd_search_picture(CmdCtx *c, int argc, char **argv, SearchPicture *pic)
{
    const CmdSearch *q = c->search;
    memset(pic, 0, sizeof *pic);
    if (!q || q->n_done == 0)
        return cmd_fail(c, "no search to draw: run `search grid ...` or `search random N ...` first");
    if (argc > 3)
        return cmd_fail(c, "plot search takes at most two names, as in `plot search lr batch`");
    int jx = 0, jy = q->n_dims > 1 ? 1 : -1;
    if (argc >= 2 && (jx = dim_named(c, q, argv[1])) < 0)
        return -1;
    if (argc == 3 && (jy = dim_named(c, q, argv[2])) < 0)
        return -1;
    if (argc == 3 && jx == jy)
        return cmd_fail(c, "plot search needs two different names");
    if (argc == 2)
        jy = -1; /* one name: the scores over it */
    pic->map = !q->random; /* a grid: a cell per value tried (one row of them for one name) */
    snprintf(pic->xname, sizeof pic->xname, "%s", q->dim[jx].name->name);
    snprintf(pic->yname, sizeof pic->yname, "%s", jy >= 0 ? q->dim[jy].name->name : "");
    size_t cells = pic->map ? (size_t)q->dim[jx].n * (size_t)(jy >= 0 ? q->dim[jy].n : 1) : 0;
    pic->x = calloc(3 * (size_t)q->n_done + cells + 1, sizeof *pic->x);
    if (!pic->x)
        return cmd_fail(c, "out of memory for the picture");
    pic->y = pic->x + q->n_done;
    pic->z = pic->y + q->n_done;
    if (pic->map)
        grid_picture(q, jx, jy, pic);
    else
        points_picture(c, q, jx, jy, pic);
    return 0;
}
