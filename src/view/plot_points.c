/* plot_points.c — points at two values each, coloured by a third
 * (plot.h: PlotPoints), as a random search's trials at their lr and batch
 * coloured by validation loss, the best ringed. Each axis holds numbers
 * (linear or log, ticked at the values tried when the caller names them)
 * or names at 0..n-1. A window or a PNG/SVG file gets coloured points on
 * the palette of the maps with a colour bar; the terminal gets gnuplot's
 * dumb terminal with each point a shade character and a line naming the
 * shades. Names reach gnuplot only through plot_put_q. */
#include "plot_gnuplot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static const char shades[] = PLOT_POINT_SHADES; /* highest value first */
#define SHADES_N ((int)sizeof shades - 1)
#define BEST_CHAR 'B'    /* the terminal's best point */
#define MISSING_CHAR 'x' /* the terminal's points without a value */
#define ONE_CHAR 'o'     /* the terminal's points when there are no values */
#define MARGIN 0.05      /* share of an axis's span left free at each end */

static bool axis_ok(const PlotAxis *a)
{
    if (a->n_ticks < 0 || a->n_ticks > PLOT_TICKS_MAX || (a->kind == PLOT_AXIS_NAMES && a->n_ticks < 1))
        return false;
    if (a->n_ticks > 0 && (!a->tick_names || (a->kind != PLOT_AXIS_NAMES && !a->tick_at)))
        return false;
    for (int i = 0; i < a->n_ticks; i++)
        if (!a->tick_names[i] || (a->kind != PLOT_AXIS_NAMES && !isfinite(a->tick_at[i])))
            return false;
    return a->kind == PLOT_AXIS_LINEAR || a->kind == PLOT_AXIS_LOG || a->kind == PLOT_AXIS_NAMES;
}

static int check_points(const PlotPoints *m, char *err)
{
    bool ok = m && m->n >= 0 && (m->n == 0 || (m->x && m->y)) && m->best >= -1 && m->best < m->n &&
              axis_ok(&m->ax) && axis_ok(&m->ay);
    if (!ok)
        return util_err(err, "plot: points need their coordinates, and each axis 1 to %d names or up to %d ticks",
                        PLOT_TICKS_MAX, PLOT_TICKS_MAX);
    return 0;
}

/* Whether v can be shown on axis a. */
static bool on_axis(const PlotAxis *a, double v)
{
    return isfinite(v) && (a->kind != PLOT_AXIS_LOG || v > 0);
}

static bool drawable(const PlotPoints *m, int i)
{
    return on_axis(&m->ax, m->x[i]) && on_axis(&m->ay, m->y[i]);
}

/* Point i's value in colour-scale units (log10 on a log scale); NaN: none. */
static double value_of(const PlotPoints *m, int i)
{
    double v = m->z ? m->z[i] : NAN;
    if (!isfinite(v) || (m->logz && !(v > 0)))
        return NAN;
    return m->logz ? log10(v) : v;
}

/* One axis: its range (the points and ticks, with a margin of pad of the
 * span at each end), its scale and its ticks. */
static void put_axis(FILE *c, char name, const PlotAxis *a, const double *v, int n, double pad)
{
    if (a->kind == PLOT_AXIS_NAMES) {
        fprintf(c, "set %crange [-0.5:%g]\nset %ctics (", name, a->n_ticks - 0.5, name);
        for (int i = 0; i < a->n_ticks; i++) {
            fputs(i ? ", " : "", c);
            plot_put_q(c, a->tick_names[i]);
            fprintf(c, " %d", i);
        }
        fputs(") noenhanced\n", c);
        return;
    }
    bool lg = a->kind == PLOT_AXIS_LOG;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < n + a->n_ticks; i++) {
        double x = i < n ? v[i] : a->tick_at[i - n];
        if (on_axis(a, x)) {
            lo = fmin(lo, lg ? log10(x) : x);
            hi = fmax(hi, lg ? log10(x) : x);
        }
    }
    if (!(lo <= hi))
        lo = hi = lg ? 0 : 0.5;
    double w = hi - lo, mg = w > 0 ? w * pad : lg ? 0.5 : lo != 0 ? fabs(lo) * 0.1 : 0.5;
    bool few = lg && w <= 2; /* two decades or less: gnuplot would tick only the powers of ten */
    lo -= mg;
    hi += mg;
    if (lg)
        fprintf(c, "set logscale %c\nset format %c '%%g'\n", name, name);
    fprintf(c, "set %crange [", name);
    plot_put_num(c, lg ? pow(10, lo) : lo);
    fputc(':', c);
    plot_put_num(c, lg ? pow(10, hi) : hi);
    fputs("]\n", c);
    if (a->n_ticks > 0 || few) {
        /* the values tried; or on a log axis over two decades or less,
         * 1, 2 and 5 times each power of ten (not only the powers) */
        fprintf(c, "set %ctics (", name);
        bool first = true;
        for (int i = 0; i < a->n_ticks; i++, first = false) {
            fputs(first ? "" : ", ", c);
            plot_put_q(c, a->tick_names[i]);
            fputc(' ', c);
            plot_put_num(c, a->tick_at[i]);
        }
        for (int d = (int)floor(lo); a->n_ticks == 0 && d <= (int)ceil(hi); d++)
            for (int k = 0; k < 3; k++) {
                double t = (k == 0 ? 1 : k == 1 ? 2 : 5) * pow(10, d);
                if (log10(t) < lo || log10(t) > hi)
                    continue;
                fprintf(c, "%s%g", first ? "" : ", ", t);
                first = false;
            }
        fputs(") noenhanced\n", c);
    }
}

typedef struct Ranked {
    double z; /* colour-scale units */
    int i;
} Ranked;

static int cmp_high_first(const void *a, const void *b)
{
    const Ranked *p = a, *q = b;
    return (p->z < q->z) - (p->z > q->z);
}

/* The datablocks: $pts (x y value shade, highest value first; without
 * values, x y), $none (points without a value), $best. Returns which of
 * them hold rows (bit 0, 1, 2). */
static int put_blocks(FILE *c, const PlotPoints *m, Ranked *r, double lo, double hi)
{
    int nr = 0, rows = 0;
    fputs("$none << EOD\n", c);
    for (int i = 0; i < m->n; i++) {
        if (!drawable(m, i))
            continue;
        double z = value_of(m, i);
        if (m->z && isnan(z)) {
            fprintf(c, "%.17g %.17g\n", m->x[i], m->y[i]);
            rows |= 2;
        } else {
            r[nr++] = (Ranked){m->z ? z : 0, i};
        }
    }
    qsort(r, (size_t)nr, sizeof *r, cmp_high_first);
    fputs("EOD\n$pts << EOD\n", c);
    for (int k = 0; k < nr; k++) {
        int i = r[k].i;
        fprintf(c, "%.17g %.17g", m->x[i], m->y[i]);
        if (m->z) {
            double t = hi > lo ? (r[k].z - lo) / (hi - lo) : 0;
            fprintf(c, " %.17g \"%c\"", m->z[i], shades[(int)lround((1 - t) * (SHADES_N - 1))]);
        }
        fputc('\n', c);
        rows |= 1;
    }
    fputs("EOD\n$best << EOD\n", c);
    if (m->best >= 0 && drawable(m, m->best)) {
        fprintf(c, "%.17g %.17g\n", m->x[m->best], m->y[m->best]);
        rows |= 4;
    }
    fputs("EOD\n", c);
    return rows;
}

/* The plot command: the points without a value, under the others; the
 * points; the best ringed. */
static void put_plot(FILE *c, const PlotPoints *m, bool dumb, int rows)
{
    const char *sep = "plot ";
    char hex[8];
    if (rows & 2) {
        if (dumb)
            fprintf(c, "%s$none using 1:2 with points pt '%c' title ", sep, MISSING_CHAR);
        else
            fprintf(c, "%s$none using 1:2 with points pt 2 ps 1.4 lw 2 lc rgb '#7f7f7f' title ", sep);
        plot_put_q(c, m->missing && *m->missing ? m->missing : "no value");
        fputs(" noenhanced", c);
        sep = ", \\\n     ";
    }
    if (rows & 1) {
        plot_color_hex(0, 1.0, hex);
        if (dumb && m->z)
            fprintf(c, "%s$pts using 1:2:4 with labels notitle", sep);
        else if (dumb)
            fprintf(c, "%s$pts using 1:2 with points pt '%c'", sep, ONE_CHAR);
        else if (m->z) /* a dark ring around each: light colours show on white */
            fprintf(c, "%s$pts using 1:2:3 with points pt 7 ps 1.6 lc palette notitle, "
                       "$pts using 1:2 with points pt 6 ps 1.6 lw 1 lc rgb '#202020' notitle", sep);
        else
            fprintf(c, "%s$pts using 1:2 with points pt 7 ps 1.2 lc rgb '%s'", sep, hex);
        if (!m->z && m->title && *m->title) {
            fputs(" title ", c);
            plot_put_q(c, m->title);
            fputs(" noenhanced", c);
        } else if (!m->z) {
            fputs(" notitle", c);
        }
        sep = ", \\\n     ";
    }
    if (rows & 4) {
        plot_color_hex(1, 1.0, hex);
        if (dumb)
            fprintf(c, "%s$best using 1:2 with points pt '%c' title ", sep, BEST_CHAR);
        else
            fprintf(c, "%s$best using 1:2 with points pt 6 ps 3.2 lw 2.5 lc rgb '%s' title ", sep, hex);
        plot_put_q(c, m->best_name && *m->best_name ? m->best_name : "best");
        fputs(" noenhanced", c);
    }
    fputc('\n', c);
}

int plot_points(Plot *p, const PlotFrame *f, const PlotPoints *m, char *err)
{
    if (!p || !f || check_points(m, err) != 0)
        return p && f ? -1 : util_err(err, "plot: nothing to draw");
    int skip = plot_frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    Ranked *r = malloc(sizeof *r * ((size_t)m->n + 1));
    if (!r)
        return util_err(err, "out of memory");
    Pic pic;
    if (plot_pic_begin(p, &pic, f, err) != 0) {
        free(r);
        return -1;
    }
    FILE *c = pic.c;
    double lo = INFINITY, hi = -INFINITY;
    for (int i = 0; i < m->n; i++)
        if (drawable(m, i) && !isnan(value_of(m, i))) {
            lo = fmin(lo, value_of(m, i));
            hi = fmax(hi, value_of(m, i));
        }
    bool any = lo <= hi;
    double px = MARGIN, py = MARGIN; /* in the terminal at least a cell and a half: the frame, tics and labels
                                      * take about 12 columns and 8 rows */
    if (pic.dumb) {
        px = fmax(px, 1.5 / (pic.cols > 16 ? pic.cols - 12 : 4));
        py = fmax(py, 1.5 / (pic.rows > 12 ? pic.rows - 8 : 4));
    }
    put_axis(c, 'x', &m->ax, m->x, m->n, px);
    put_axis(c, 'y', &m->ay, m->y, m->n, py);
    if (pic.dumb) {
        fputs("unset mxtics\nunset mytics\nset tics back\n", c); /* no '+' beside or over the points */
    } else {
        fputs(PLOT_PALETTE, c);
        if (any && m->z)
            plot_put_colorbar(c, m->logz ? pow(10, lo) : lo, m->logz ? pow(10, hi) : hi, m->logz, m->zlabel);
        else
            fputs("unset colorbox\n", c);
    }
    int rows = put_blocks(c, m, r, lo, hi);
    free(r);
    if (rows == 0)
        fputs("set label 1 'nothing to draw' at graph 0.5,0.5 center\nplot NaN notitle\n", c);
    else
        put_plot(c, m, pic.dumb, rows);
    if (plot_pic_end(p, &pic, f, err) != 0)
        return -1;
    if (pic.dumb && !f->live && p->echo && any && m->z) { /* the shades, under the picture */
        double a = m->logz ? pow(10, lo) : lo, b = m->logz ? pow(10, hi) : hi;
        fprintf(p->echo, "shades \"%s\" of %s: %c %.4g (lowest) .. %c %.4g (highest)%s\n", shades,
                m->zlabel && *m->zlabel ? m->zlabel : "value", shades[SHADES_N - 1], a, shades[0], b,
                m->logz ? " (on a log scale)" : "");
        fflush(p->echo);
    }
    return 0;
}
