/* plot_cells.c — a table of values over two lists of named values
 * (plot.h: PlotCells), as a grid search's validation loss over the lr and
 * batch values it tried. Each cell is one whole square at its pair of
 * values, the axes are ticked with the values' names, and every cell
 * carries its number. A window or a PNG/SVG file gets a heat map (the
 * palette of plot.c's maps, the numbers written in the squares); the
 * terminal gets a text table, one row per y value and one column per x
 * value, each number beside a shade, composed here without gnuplot. Names
 * reach gnuplot only through plot_put_q. */
#include "plot_gnuplot.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Terminal shades from the highest value ('.') to the lowest ('@'):
 * darker is lower, as the palette runs from dark (low) to light (high). */
static const char ramp[] = ".:-=+*#%@";
#define RAMP_N ((int)sizeof ramp - 1)
#define COL_GAP 3 /* blanks between columns of the terminal table */

static int check_cells(const PlotCells *m, char *err)
{
    bool ok = m && m->z && m->xnames && m->ynames && m->nx >= 1 && m->ny >= 1 && m->nx <= PLOT_CELLS_MAX &&
              m->ny <= PLOT_CELLS_MAX;
    for (int i = 0; ok && i < m->nx; i++)
        ok = m->xnames[i] != NULL;
    for (int j = 0; ok && j < m->ny; j++)
        ok = m->ynames[j] != NULL;
    if (!ok)
        return util_err(err, "plot: a table of cells has 1 to %d named columns and rows", PLOT_CELLS_MAX);
    return 0;
}

/* Where v lies in the colour scale [lo, hi] (log10 units on a log scale),
 * from 0 (lo) to 1 (hi); NaN when v is not drawn. */
static double scale_pos(const PlotCells *m, double v, double lo, double hi)
{
    if (!isfinite(v) || (m->logz && !(v > 0)))
        return NAN;
    double x = m->logz ? log10(v) : v;
    return hi > lo ? (x - lo) / (hi - lo) : 0;
}

/* The colour scale: the smallest and largest drawn value (log10 of them
 * on a log scale); false when no value is drawn. */
static bool scale_of(const PlotCells *m, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (long i = 0; i < (long)m->nx * m->ny; i++) {
        double v = m->z[i];
        if (!isfinite(v) || (m->logz && !(v > 0)))
            continue;
        double x = m->logz ? log10(v) : v;
        *lo = fmin(*lo, x);
        *hi = fmax(*hi, x);
    }
    return *lo <= *hi;
}

/* A cell's number as the picture shows it, or the word for a missing one. */
static const char *cell_text(const PlotCells *m, double v, char *buf, size_t n)
{
    if (!isfinite(v))
        return m->missing && *m->missing ? m->missing : "-";
    snprintf(buf, n, "%.4g", v == 0 ? 0.0 : v);
    return buf;
}

/* s, then blanks up to w screen columns. */
static void put_padded(FILE *o, const char *s, int w)
{
    fputs(s, o);
    for (int k = text_cols(s); k < w; k++)
        fputc(' ', o);
}

/* One block of the table: columns i0 to i1 (exclusive). */
static void put_block(FILE *o, const PlotCells *m, const char *xname, const char *yname, int i0, int i1, int lw,
                      int cw, double lo, double hi)
{
    char num[32];
    put_padded(o, "", lw);
    fprintf(o, "%s\n", xname);
    put_padded(o, yname, lw);
    for (int i = i0; i < i1; i++) {
        if (i + 1 < i1)
            put_padded(o, m->xnames[i], cw);
        else
            fputs(m->xnames[i], o);
    }
    fputc('\n', o);
    for (int j = 0; j < m->ny; j++) {
        put_padded(o, m->ynames[j], lw);
        for (int i = i0; i < i1; i++) {
            double v = m->z[(size_t)j * (size_t)m->nx + (size_t)i];
            double t = scale_pos(m, v, lo, hi);
            char cell[64];
            if (isnan(t)) {
                snprintf(cell, sizeof cell, "   %s", cell_text(m, v, num, sizeof num));
            } else {
                char sh = ramp[(int)lround((1 - t) * (RAMP_N - 1))];
                snprintf(cell, sizeof cell, "%c%c %s", sh, sh, cell_text(m, v, num, sizeof num));
            }
            if (i + 1 < i1)
                put_padded(o, cell, cw);
            else
                fputs(cell, o);
        }
        fputc('\n', o);
    }
}

char *plot_cells_text(const PlotCells *m, const char *xname, const char *yname, int cols, char *err)
{
    if (check_cells(m, err) != 0)
        return NULL;
    xname = xname ? xname : "";
    yname = yname ? yname : "";
    double lo, hi;
    bool any = scale_of(m, &lo, &hi);
    /* every column as wide as the widest name or cell, the row names' column as its widest */
    int cw = 0, lw = text_cols(yname);
    char num[32];
    for (int i = 0; i < m->nx; i++)
        cw = text_cols(m->xnames[i]) > cw ? text_cols(m->xnames[i]) : cw;
    for (long k = 0; k < (long)m->nx * m->ny; k++) {
        int w = 3 + text_cols(cell_text(m, m->z[k], num, sizeof num));
        cw = w > cw ? w : cw;
    }
    for (int j = 0; j < m->ny; j++)
        lw = text_cols(m->ynames[j]) > lw ? text_cols(m->ynames[j]) : lw;
    cw += COL_GAP;
    lw += lw > 0 ? COL_GAP : 0; /* no names beside the rows (one unnamed row): no column for them */
    int per = (cols - lw + COL_GAP) / cw; /* columns a block holds: wider tables wrap by columns */
    per = per < 1 ? 1 : per;
    char *buf = NULL;
    size_t len = 0;
    FILE *o = open_memstream(&buf, &len);
    if (!o) {
        util_err(err, "out of memory");
        return NULL;
    }
    for (int i0 = 0; i0 < m->nx; i0 += per) {
        if (i0 > 0)
            fputc('\n', o);
        put_block(o, m, xname, yname, i0, i0 + per < m->nx ? i0 + per : m->nx, lw, cw, lo, hi);
    }
    const char *what = m->zlabel && *m->zlabel ? m->zlabel : "value";
    if (any) {
        char a[32], b[32];
        char head[PLOT_TEXT_MAX], tail[128];
        snprintf(head, sizeof head, "shades \"%s\" of %s:", ramp, what);
        snprintf(tail, sizeof tail, "@@ %s (lowest) .. %s (highest)%s",
                 cell_text(m, m->logz ? pow(10, lo) : lo, a, sizeof a),
                 cell_text(m, m->logz ? pow(10, hi) : hi, b, sizeof b), m->logz ? " (on a log scale)" : "");
        bool fits = text_cols(head) + 1 + text_cols(tail) <= cols;
        fprintf(o, "%s%s%s\n", head, fits ? " " : "\n  ", tail);
    } else {
        fprintf(o, "no cell has a %s to shade\n", what);
    }
    if (fclose(o) != 0) {
        free(buf);
        util_err(err, "out of memory");
        return NULL;
    }
    return buf;
}

/* The cells' numbers as "x y \"text\"" rows of datablock name: those on
 * a dark colour (dark true) or on a light one (or none). Returns the rows. */
static int put_labels(FILE *c, const char *name, const PlotCells *m, double lo, double hi, bool dark)
{
    int rows = 0;
    char num[32];
    fprintf(c, "%s << EOD\n", name);
    for (int j = 0; j < m->ny; j++)
        for (int i = 0; i < m->nx; i++) {
            double v = m->z[(size_t)j * (size_t)m->nx + (size_t)i], t = scale_pos(m, v, lo, hi);
            if ((isfinite(t) && t < 0.6) != dark) /* the palette's lower part is dark */
                continue;
            fprintf(c, "%d %d \"", i, j);
            for (const char *s = cell_text(m, v, num, sizeof num); *s; s++)
                fputc(*s == '"' || *s == '\\' || (unsigned char)*s < ' ' ? '\'' : *s, c);
            fputs("\"\n", c);
            rows++;
        }
    fputs("EOD\n", c);
    return rows;
}

void plot_put_colorbar(FILE *c, double a, double b, bool logz, const char *label)
{
    if (!(b > a)) { /* one value: a scale around it */
        double w = a != 0 ? fabs(a) * 0.05 : 1;
        a = logz ? a / 1.1 : a - w;
        b = logz ? b * 1.1 : b + w;
    }
    fputs("set cblabel ", c);
    plot_put_q(c, label && *label ? label : "value");
    fputs(" noenhanced font ',12'\nset cbrange [", c);
    plot_put_num(c, a);
    fputc(':', c);
    plot_put_num(c, b);
    fputs("]\n", c);
    if (logz)
        fputs("set logscale cb\nset format cb '%g'\n", c);
}

/* `set xtics ('0.01' 0, '0.1' 1, ...)`: one tick per value, at its cell. */
static void put_tics(FILE *c, const char *axis, const char *const *names, int n)
{
    fprintf(c, "set %stics (", axis);
    for (int i = 0; i < n; i++) {
        if (i)
            fputs(", ", c);
        plot_put_q(c, names[i]);
        fprintf(c, " %d", i);
    }
    fprintf(c, ") scale 0 noenhanced font ',11'\n");
}

int plot_cells(Plot *p, const PlotFrame *f, const PlotCells *m, char *err)
{
    if (!p || !f || check_cells(m, err) != 0)
        return p && f ? -1 : util_err(err, "plot: nothing to draw");
    int skip = plot_frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    if (plot_target(p) == PLOT_TERMINAL) {
        int cols, rows;
        plot_dumb_size(p, &cols, &rows);
        char *text = plot_cells_text(m, f->xlabel, f->ylabel, cols, err);
        if (!text)
            return -1;
        if (p->echo) {
            fprintf(p->echo, "%s\n%s", f->title ? f->title : "", text);
            fflush(p->echo);
        }
        free(text);
        return 0;
    }
    Pic pic;
    if (plot_pic_begin(p, &pic, f, err) != 0)
        return -1;
    FILE *c = pic.c;
    double lo, hi;
    bool any = scale_of(m, &lo, &hi);
    fputs("$cells << EOD\n", c);
    for (int j = 0; j < m->ny; j++)
        for (int i = 0; i < m->nx; i++) {
            double v = m->z[(size_t)j * (size_t)m->nx + (size_t)i];
            if (isnan(scale_pos(m, v, lo, hi)))
                continue; /* left blank: its word says why */
            fprintf(c, "%d %d ", i, j);
            plot_put_num(c, v);
            fputc('\n', c);
        }
    fputs("EOD\n", c);
    int n_dark = put_labels(c, "$dark", m, lo, hi, true), n_light = put_labels(c, "$light", m, lo, hi, false);
    fprintf(c, "unset grid\nunset key\nset xrange [-0.5:%g]\nset yrange [-0.5:%g]\n", m->nx - 0.5, m->ny - 0.5);
    put_tics(c, "x", m->xnames, m->nx);
    put_tics(c, "y", m->ynames, m->ny);
    fputs(PLOT_PALETTE "set style fill solid 1.0 border lc rgb '#ffffff'\n", c);
    if (any)
        plot_put_colorbar(c, m->logz ? pow(10, lo) : lo, m->logz ? pow(10, hi) : hi, m->logz, m->zlabel);
    else
        fputs("unset colorbox\n", c);
    const char *sep = "plot ";
    if (any) {
        fprintf(c, "%s$cells using 1:2:($1-0.5):($1+0.5):($2-0.5):($2+0.5):3 with boxxyerror lc palette notitle",
                sep);
        sep = ", \\\n     ";
    }
    if (n_dark > 0) {
        fprintf(c, "%s$dark using 1:2:3 with labels tc rgb '#ffffff' font ',12' notitle", sep);
        sep = ", \\\n     ";
    }
    if (n_light > 0)
        fprintf(c, "%s$light using 1:2:3 with labels tc rgb '#000000' font ',12' notitle", sep);
    fputc('\n', c);
    return plot_pic_end(p, &pic, f, err);
}
