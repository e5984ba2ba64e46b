/* plot.c — pictures: lines, histograms and maps (with contours, regions
 * and paths), each composed whole as gnuplot commands from finished
 * numbers and handed to gnuplot by plot_gnuplot.c, which also says where
 * the picture goes. Every piece of user text goes through plot_put_q. */
#include "plot_gnuplot.h"

#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* Terminal pictures have no colour: a series of colour k is drawn with
 * point_char[k] (none of them is '+', the tick mark, or '.', the contour
 * lines), the decision region of class k with region_char[k]. */
static const char point_char[8] = {'o', 'x', '*', '#', '@', '%', '&', '$'};
/* A dashed series (validation beside its training curve, which has the
 * same colour) is drawn with dash_char[k] instead, every other cell. */
static const char dash_char[8] = {':', '=', '~', '^', '"', ';', '!', '?'};
static const char region_char[8] = {'.', '\'', '-', '~', ',', ':', '=', '^'};

/* ---- one picture (Pic: plot_gnuplot.h) ---- */

int plot_live_idle(Plot *p, char *err)
{
    if (p->stream || p->pid <= 0)
        return 1;
    if (plot_gp_pump(p, false, false, err) != 0)
        return -1;
    if (p->reply[0]) {
        util_err(err, "%s", p->reply);
        p->reply[0] = '\0';
        return -1;
    }
    if (p->pend.len == 0 && p->acked >= p->sent) {
        p->busy_since = 0;
        return 1;
    }
    if (p->busy_since > 0 && util_now() - p->busy_since > p->timeout_ms / 1000.0)
        return plot_gp_timed_out(p, err);
    return 0;
}

#define PLOT_FRAME_GAP 0.1   /* seconds between live frames, at least */
#define PLOT_LIVE_SHARE 0.05 /* most of the time live frames may take */
#define PLOT_LIVE_POLL 0.005 /* seconds between looks whether gnuplot finished a frame */

int plot_live_due(Plot *p, char *err)
{
    double now = util_now();
    if (now < p->live_next)
        return 0;
    if (p->live_in_flight) {
        int idle = plot_live_idle(p, err);
        if (idle <= 0) {
            p->live_next = now + PLOT_LIVE_POLL;
            return idle;
        }
        p->live_in_flight = false;
        double gap = (now - p->live_began) / PLOT_LIVE_SHARE;
        p->live_next = p->live_began + (gap > PLOT_FRAME_GAP ? gap : PLOT_FRAME_GAP);
        if (now < p->live_next)
            return 0;
    }
    return 1;
}

void plot_live_began(Plot *p, double t)
{
    p->live_in_flight = t > 0;
    p->live_began = t;
    p->live_next = util_now() + (t > 0 ? PLOT_LIVE_POLL : PLOT_FRAME_GAP);
}

/* Whether a frame is drawn: live frames only in a window, and only once
 * gnuplot has taken and finished the previous one (frames are dropped
 * rather than queued, so the window keeps up with training and a frame
 * costs the caller only its writing). 1: skip, 0: draw, -1: gnuplot
 * stopped, hung on a frame for longer than the timeout, or reported an
 * error for an earlier live frame. */
int plot_frame_skipped(Plot *p, const PlotFrame *f, char *err)
{
    p->failure = PLOT_FAIL_NONE; /* every picture starts here */
    if (!f->live)
        return 0;
    if (plot_target(p) != PLOT_WINDOW)
        return 1;
    int idle = plot_live_idle(p, err);
    return idle < 0 ? -1 : !idle;
}

/* The `set term` line for the target. */
static void term_line(const Plot *p, const Pic *pic, const PlotFrame *f, char *buf, size_t n)
{
    char title[160], name[64]; /* short enough that the line is never cut */
    switch (pic->t) {
    case PLOT_WINDOW:
        snprintf(name, sizeof name, "paramlab: %.40s", f->stem && *f->stem ? f->stem : "plot");
        plot_quote(name, title, sizeof title);
        if (strcmp(p->window_term, "x11") == 0)
            snprintf(buf, n, "set term x11 %d noraise persist noenhanced size 900,600 title %s",
                     f->window, title);
        else
            snprintf(buf, n, "set term %s %d noraise persist noenhanced size 900,600 "
                             "font 'Sans,11' title %s", p->window_term, f->window, title);
        break;
    case PLOT_PNG:
        if (p->have_pngcairo)
            snprintf(buf, n, "set term pngcairo noenhanced size 900,600 font 'Sans,11' "
                             "background '#ffffff'");
        else
            snprintf(buf, n, "set term png noenhanced size 900,600 background '#ffffff'");
        break;
    case PLOT_SVG:
        snprintf(buf, n, "set term svg noenhanced size 900,600 font 'Sans,11' "
                         "background '#ffffff'");
        break;
    default:
        snprintf(buf, n, "set term dumb noenhanced nofeed size %d,%d", pic->cols, pic->rows);
        break;
    }
}

/* Starts a picture: gnuplot running, the terminal and output file, a
 * clean state, and what every picture has (title, axis labels, grid, key). */
int plot_pic_begin(Plot *p, Pic *pic, const PlotFrame *f, char *err)
{
    memset(pic, 0, sizeof *pic);
    if (plot_gp_start(p, err) != 0)
        return -1;
    pic->t = plot_target(p);
    pic->dumb = pic->t == PLOT_TERMINAL || pic->t == PLOT_AUTO;
    if (pic->dumb) {
        pic->t = PLOT_TERMINAL;
        plot_dumb_size(p, &pic->cols, &pic->rows);
    }
    pic->c = open_memstream(&pic->buf, &pic->len);
    if (!pic->c)
        return util_err(err, "out of memory");
    FILE *c = pic->c;
    char line[sizeof p->term_line];
    term_line(p, pic, f, line, sizeof line);
    fputs("set encoding utf8\n", c);
    if (strcmp(line, p->term_line) != 0) {
        fprintf(c, "%s\n", line);
        snprintf(p->term_line, sizeof p->term_line, "%s", line);
    }
    if (pic->t == PLOT_PNG || pic->t == PLOT_SVG) {
        char name[PLOT_NAME_MAX + 8];
        plot_out_name(p, f, pic->t, name, sizeof name);
        size_t qn = 10 * strlen(name) + 3; /* a quote takes at most 10 bytes */
        char *q = malloc(qn);
        if (!q) {
            fclose(pic->c);
            free(pic->buf);
            pic->buf = NULL;
            return util_err(err, "out of memory");
        }
        fprintf(c, "set output %s\n", plot_quote(name, q, qn));
        free(q);
    }
    fputs("reset\n", c);
    if (pic->dumb) {
        /* the dumb terminal cannot turn the y label on its side: it goes
         * above the y axis, on a row of its own under the title */
        char fit[PLOT_TEXT_MAX];
        int width = pic->cols - 2;
        fputs("set tmargin 3\nset title ", c);
        plot_put_q(c, plot_fit_width(f->title, width, fit, sizeof fit));
        fputs(" noenhanced offset 0,1\nset xlabel ", c);
        plot_put_q(c, plot_fit_width(f->xlabel, width, fit, sizeof fit));
        fputs(" noenhanced\nset label 999 ", c);
        plot_put_q(c, plot_fit_width(f->ylabel, width, fit, sizeof fit));
        fputs(" at screen 0, graph 1 left offset 1,1 front noenhanced\n", c);
        fputs("set key bmargin center horizontal samplen 1 width 2\n", c);
    } else {
        fputs("set title ", c);
        plot_put_q(c, f->title);
        fputs(" noenhanced font ',14'\nset xlabel ", c);
        plot_put_q(c, f->xlabel);
        fputs(" noenhanced font ',12' offset 0,0.3\nset ylabel ", c);
        plot_put_q(c, f->ylabel);
        fputs(" noenhanced font ',12'\n", c);
        fputs("set key bmargin center horizontal Left reverse samplen 2 width 1 height 0.5\n", c);
        fputs("set grid xtics ytics lt 1 lw 1 lc rgb '#dcdcdc'\n", c);
        fputs("set border lw 1.2 lc rgb '#444444'\nset tics textcolor rgb '#222222'\n", c);
    }
    return 0;
}

/* Echoes a dumb picture: without form feeds, trailing blanks, and blank
 * lines above and below. */
static void echo_picture(Plot *p)
{
    if (!p->echo || !p->out.s || p->out.len == 0)
        return;
    char *s = p->out.s;
    size_t n = p->out.len;
    bool started = false;
    size_t blank = 0; /* blank lines held back until a non-blank one comes */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != '\n')
            j++;
        size_t a = i, b = j;
        while (a < b && s[a] == '\f')
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\r' || s[b - 1] == '\f'))
            b--;
        if (b == a) {
            blank += started;
        } else {
            for (; blank > 0; blank--)
                fputc('\n', p->echo);
            fwrite(s + a, 1, b - a, p->echo);
            fputc('\n', p->echo);
            started = true;
        }
        i = j + 1;
    }
    fflush(p->echo);
}

/* Ends a picture (closes the file, writes the sync marker), sends it, and
 * for a whole picture waits for gnuplot: -1 with err when it complained,
 * stopped or hung. A terminal picture is then copied to echo. */
int plot_pic_end(Plot *p, Pic *pic, const PlotFrame *f, char *err)
{
    FILE *c = pic->c;
    if (p->fault) {
        fputs("set plottest_no_such_option\n", c);
        p->fault = false;
    }
    if (pic->t == PLOT_PNG || pic->t == PLOT_SVG)
        fputs("unset output\n", c);
    fprintf(c, "print '" PLOT_SYNC "%lu'\n", ++p->sent);
    if (fclose(c) != 0) {
        free(pic->buf);
        return util_err(err, "out of memory");
    }
    int rc = 0;
    if (p->stream) {
        if (fwrite(pic->buf, 1, pic->len, p->stream) != pic->len || fflush(p->stream) != 0)
            rc = util_err(err, "cannot write the plot commands");
        free(pic->buf);
        return rc;
    }
    p->out.len = 0;
    rc = plot_gp_queue(p, pic->buf, pic->len, err);
    free(pic->buf);
    if (rc != 0)
        return -1;
    if (f->live && p->busy_since == 0)
        p->busy_since = util_now();
    if (plot_gp_pump(p, !f->live, !f->live, err) != 0)
        return -1;
    if (!f->live)
        p->busy_since = 0;
    if (p->reply[0]) {
        util_err(err, "%s", p->reply);
        p->reply[0] = '\0';
        return -1;
    }
    if (pic->dumb && !f->live)
        echo_picture(p);
    p->out.len = 0;
    return 0;
}

/* An empty frame with a word in the middle, for a picture with no data. */
static void put_empty(FILE *c, const char *what)
{
    fputs("unset logscale\nset xrange [0:1]\nset yrange [0:1]\nset label 1 ", c);
    plot_put_q(c, what);
    fputs(" at graph 0.5,0.5 center noenhanced\nplot 2 notitle\n", c);
}

/* Colours for n series: their own, or the next palette colour no series
 * asked for. */
static void pick_colors(const PlotSeries *s, int n, int *out)
{
    bool used[8] = {false};
    for (int i = 0; i < n; i++)
        if (s[i].color >= 0)
            used[s[i].color % 8] = true;
    int next = 0;
    for (int i = 0; i < n; i++) {
        if (s[i].color >= 0) {
            out[i] = s[i].color % 8;
            continue;
        }
        int tries = 0;
        while (used[next % 8] && tries++ < 8)
            next++;
        out[i] = next % 8;
        used[next % 8] = true;
        next++;
    }
}

static bool drawable(const PlotSeries *s)
{
    return s->n > 0 && s->x && s->y;
}

/* A marker at the end of an autoscaled range sits on the frame, and the
 * border hides it: a picture with markers keeps this share of each range
 * free at both ends, and the ranges end there, not at the next tic (a
 * log axis would jump a decade). In the terminal, at least a cell and a
 * half: a picture's frame, tics and labels take about 12 columns and 8
 * rows of it. */
#define PLOT_MARGIN 0.05

static void put_margin(FILE *c, const Pic *pic, const PlotSeries *s, int n_series)
{
    double mx = PLOT_MARGIN, my = PLOT_MARGIN;
    if (pic->dumb) {
        mx = fmax(mx, 1.5 / (pic->cols > 16 ? pic->cols - 12 : 4));
        my = fmax(my, 1.5 / (pic->rows > 12 ? pic->rows - 8 : 4));
    }
    for (int k = 0; k < n_series; k++)
        if (drawable(&s[k]) && (s[k].style == PLOT_POINTS || s[k].style == PLOT_LINESPOINTS ||
                                s[k].style == PLOT_DASHED)) {
            fprintf(c, "set autoscale fix\nset offsets graph %.3g, graph %.3g, graph %.3g, graph %.3g\n", mx, mx,
                    my, my);
            return;
        }
}

/* The box a terminal picture's data spans and the character cells it is
 * drawn on: a line is filled in with points about one cell apart, so each
 * curve is drawn whole in its own character (a dashed one every other cell). */
typedef struct Cells {
    double x0, x1, y0, y1; /* the data's box (y in log10 units when logy) */
    int cols, rows;        /* character cells across and down */
    bool logy;
    bool dashed;           /* fill every other cell only */
} Cells;

#define PLOT_FILL_MAX 20000 /* points added to one series at most */

static void put_xy(FILE *c, double x, double y)
{
    plot_put_num(c, x);
    fputc(' ', c);
    plot_put_num(c, y);
    fputc('\n', c);
}

/* Points strictly between (xa, ya) and (xb, yb), about one cell apart;
 * *budget is how many may still be added. */
static void put_fill(FILE *c, const Cells *b, double xa, double ya, double xb, double yb,
                     long *budget)
{
    if (b->logy) {
        ya = log10(ya);
        yb = log10(yb);
    }
    double w = b->x1 - b->x0, h = b->y1 - b->y0;
    double fx = w > 0 ? fabs(xb - xa) / w * b->cols : 0, fy = h > 0 ? fabs(yb - ya) / h * b->rows : 0;
    double steps = ceil(fmax(fx, fy));
    if (!(steps > 1))
        return;
    if (steps > b->cols + b->rows)
        steps = b->cols + b->rows;
    for (int i = 1; i < (int)steps && *budget > 0; i++, (*budget)--) {
        if (b->dashed && i % 2)
            continue;
        double t = i / steps, y = ya + t * (yb - ya);
        put_xy(c, xa + t * (xb - xa), b->logy ? pow(10, y) : y);
    }
}

/* A series as datablock $sK: x y per line; values <= 0 dropped on a log
 * axis. fill (a terminal picture's cells, or NULL) fills in the line
 * between consecutive points, or the steps, for a series drawn as a line. */
static void put_series_block(FILE *c, int k, const PlotSeries *s, bool logy, const Cells *fill)
{
    fprintf(c, "$s%d << EOD\n", k);
    if (s->style == PLOT_POINTS || s->thin)
        fill = NULL;
    long budget = PLOT_FILL_MAX;
    double px = NAN, py = NAN;
    for (int i = 0; i < s->n; i++) {
        double x = s->x[i], y = s->y[i];
        if (logy && !(y > 0))
            y = NAN;
        if (fill && isfinite(px) && isfinite(py) && isfinite(x) && isfinite(y)) {
            if (s->style == PLOT_STEPS) {
                put_fill(c, fill, px, py, x, py, &budget);
                put_xy(c, x, py);
                put_fill(c, fill, x, py, x, y, &budget);
            } else {
                put_fill(c, fill, px, py, x, y, &budget);
            }
        }
        put_xy(c, x, y);
        px = x;
        py = y;
    }
    fputs("EOD\n", c);
}

static void put_title(FILE *c, const char *title)
{
    if (title && *title) {
        fputs(" title ", c);
        plot_put_q(c, title);
        fputs(" noenhanced", c);
    } else {
        fputs(" notitle", c);
    }
}

/* One plot element for series k ("$sK with ..."), for a line chart or, on
 * a map, an overlay (points with a dark outline so they stand out on the
 * colours). In the terminal the series is drawn with the character ch
 * (its line filled in by put_series_block), faint ones with dots. */
static void put_series_elem(FILE *c, const Pic *pic, int k, const PlotSeries *s, int color,
                            bool on_map, char ch)
{
    char hex[8];
    plot_color_hex(color, s->thin ? 0.4 : 1.0, hex);
    if (on_map && !pic->dumb && s->style != PLOT_POINTS) /* a white halo: visible on any colour */
        fprintf(c, "$s%d using 1:2 with %s lw 5.5 lc rgb '#ffffff' notitle, ", k,
                s->style == PLOT_STEPS ? "steps" : "lines");
    fprintf(c, "$s%d using 1:2", k);
    if (pic->dumb) {
        if (s->thin)
            fputs(" with dots", c);
        else
            fprintf(c, " with points pt '%c'", ch);
        put_title(c, s->title);
        return;
    }
    const char *lw = s->thin ? "1" : "2.5";
    switch (s->style) {
    case PLOT_POINTS:
        fprintf(c, " with points pt 7 ps %s lc rgb '%s'", on_map ? "1.2" : "0.8", hex);
        break;
    case PLOT_LINESPOINTS: /* about 30 markers, however many points */
        fprintf(c, " with linespoints lw %s pt 7 ps 0.8 pi %d lc rgb '%s'", lw,
                s->n > 40 ? s->n / 30 : 1, hex);
        break;
    case PLOT_DASHED: /* open markers: a curve of one point shows too */
        fprintf(c, " with linespoints lw %s dt 2 pt 6 ps 0.9 pi %d lc rgb '%s'", lw,
                s->n > 40 ? s->n / 30 : 1, hex);
        break;
    case PLOT_STEPS:
        fprintf(c, " with steps lw %s lc rgb '%s'", lw, hex);
        break;
    default:
        fprintf(c, " with lines lw %s lc rgb '%s'", lw, hex);
        break;
    }
    put_title(c, s->title);
    if (on_map && s->style == PLOT_POINTS) /* a dark ring around each point */
        fprintf(c, ", $s%d using 1:2 with points pt 6 ps 1.2 lw 1 lc rgb '#202020' notitle", k);
}

int plot_lines(Plot *p, const PlotFrame *f, const PlotSeries *s, int n_series, char *err)
{
    if (!p || !f || n_series < 0 || (n_series > 0 && !s))
        return util_err(err, "plot: nothing to draw");
    int skip = plot_frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    long finite = 0, any = 0;
    for (int k = 0; k < n_series; k++) {
        if (!drawable(&s[k]))
            continue;
        for (int i = 0; i < s[k].n; i++) {
            if (!isfinite(s[k].x[i]) || !isfinite(s[k].y[i]))
                continue;
            any++;
            finite += !f->logy || s[k].y[i] > 0;
        }
    }
    if (any > 0 && finite == 0)
        return util_err(err, "nothing to draw on a logarithmic y axis: every value is 0 or "
                             "below (use a linear axis)");
    int *color = calloc((size_t)n_series + 1, sizeof *color);
    if (!color)
        return util_err(err, "out of memory");
    Pic pic;
    if (plot_pic_begin(p, &pic, f, err) != 0) {
        free(color);
        return -1;
    }
    FILE *c = pic.c;
    if (finite == 0) {
        put_empty(c, "no data yet");
    } else {
        pick_colors(s, n_series, color);
        if (f->logy)
            fputs("set logscale y\nset format y '%g'\n", c);
        put_margin(c, &pic, s, n_series);
        Cells box = {INFINITY, -INFINITY, INFINITY, -INFINITY, pic.cols, pic.rows, f->logy, false};
        for (int k = 0; k < n_series; k++)
            for (int i = 0; drawable(&s[k]) && i < s[k].n; i++) {
                double x = s[k].x[i], y = f->logy && s[k].y[i] > 0 ? log10(s[k].y[i]) : s[k].y[i];
                if (isfinite(x) && isfinite(y) && (!f->logy || s[k].y[i] > 0)) {
                    box.x0 = fmin(box.x0, x);
                    box.x1 = fmax(box.x1, x);
                    box.y0 = fmin(box.y0, y);
                    box.y1 = fmax(box.y1, y);
                }
            }
        for (int k = 0; k < n_series; k++)
            if (drawable(&s[k])) {
                box.dashed = s[k].style == PLOT_DASHED;
                put_series_block(c, k, &s[k], f->logy, pic.dumb ? &box : NULL);
            }
        if (pic.dumb && f->logy && box.y1 - box.y0 <= 2) {
            /* a log axis over two decades or less: tics at 1, 2 and 5 times
             * each power of ten, not only at the powers (often just two) */
            fputs("set ytics (", c);
            int d0 = (int)floor(box.y0), d1 = (int)ceil(box.y1);
            for (int d = d0; d <= d1; d++)
                for (int i = 0; i < 3 && (d < d1 || i == 0); i++) {
                    if (d > d0 || i > 0)
                        fputs(", ", c);
                    plot_put_num(c, (i == 0 ? 1 : i == 1 ? 2 : 5) * pow(10, d));
                }
            fputs(")\n", c);
        }
        fputs("plot ", c);
        bool first = true;
        for (int pass = 0; pass < 2; pass++) /* faint series first, under the rest */
            for (int k = 0; k < n_series; k++) {
                if (!drawable(&s[k]) || s[k].thin != (pass == 0))
                    continue;
                if (!first)
                    fputs(", \\\n     ", c);
                first = false;
                put_series_elem(c, &pic, k, &s[k], color[k], false,
                                (s[k].style == PLOT_DASHED ? dash_char : point_char)[color[k]]);
            }
        fputc('\n', c);
    }
    free(color);
    return plot_pic_end(p, &pic, f, err);
}

/* ---- histogram ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of sorted v (linear interpolation). */
static double quantile(const double *v, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)floor(pos);
    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* Bins for sorted finite v: Freedman–Diaconis, Sturges when the IQR is 0,
 * between 5 and 60; one when all values are equal. */
static int hist_bins(const double *v, int n)
{
    double range = v[n - 1] - v[0];
    if (!(range > 0))
        return 1;
    double iqr = quantile(v, n, 0.75) - quantile(v, n, 0.25);
    double k;
    if (iqr > 0)
        k = ceil(range / (2 * iqr * pow(n, -1.0 / 3)));
    else
        k = ceil(log2(n)) + 1;
    if (!(k >= 5))
        k = 5;
    if (k > 60)
        k = 60;
    return (int)k;
}

int plot_hist(Plot *p, const PlotFrame *f, const double *v, int n, char *err)
{
    if (!p || !f || n < 0 || (n > 0 && !v))
        return util_err(err, "plot: nothing to draw");
    int skip = plot_frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    double *sorted = malloc(((size_t)n + 1) * sizeof *sorted);
    if (!sorted)
        return util_err(err, "out of memory");
    int m = 0;
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]) && (!f->logy || v[i] > 0)) {
            sorted[m++] = v[i];
            sum += v[i];
        }
    Pic pic;
    if (plot_pic_begin(p, &pic, f, err) != 0) {
        free(sorted);
        return -1;
    }
    FILE *c = pic.c;
    if (m == 0) {
        put_empty(c, "no values to show");
    } else {
        qsort(sorted, (size_t)m, sizeof *sorted, cmp_double);
        double mean = sum / m, ss = 0;
        for (int i = 0; i < m; i++)
            ss += (sorted[i] - mean) * (sorted[i] - mean);
        double sd = m > 1 ? sqrt(ss / (m - 1)) : 0;
        int k = hist_bins(sorted, m);
        double lo = sorted[0], hi = sorted[m - 1], w = hi / k - lo / k; /* no overflow */
        if (k == 1) { /* all equal: one bar of a visible width */
            w = lo != 0 ? fabs(lo) * 0.2 : 1;
            lo -= w / 2;
            hi = lo + w;
        }
        fputs("$h << EOD\n", c);
        int j = 0;
        for (int b = 0; b < k; b++) {
            double top = b == k - 1 ? INFINITY : lo + (b + 1) * w;
            int count = 0;
            while (j < m && sorted[j] < top) {
                j++;
                count++;
            }
            plot_put_num(c, lo + (b + 0.5) * w);
            fprintf(c, " %d\n", count);
        }
        fputs("EOD\n", c);
        char key[160];
        snprintf(key, sizeof key, "n = %d, mean = %.4g, std = %.4g", m, mean, sd);
        if (m < n) {
            size_t kl = strlen(key);
            snprintf(key + kl, sizeof key - kl, " (%d left out%s)", n - m,
                     f->logy ? ": not finite or <= 0" : ": not finite");
        }
        fputs("set xrange [", c);
        plot_put_num(c, lo - w * 0.5);
        fputc(':', c);
        plot_put_num(c, hi + w * 0.5);
        /* headroom above the tallest bar, so it never touches the frame or the key */
        fputs("]\nset yrange [0:*]\nset offsets 0, 0, graph 0.12, 0\nset boxwidth ", c);
        plot_put_num(c, w);
        fputs(" absolute\n", c);
        if (f->logy)
            fputs("set logscale y\nset yrange [0.8:*]\nset format y '%g'\n", c);
        if (pic.dumb) {
            fputs("set style fill solid 0.25 border\n", c);
            fputs("plot $h using 1:2 with boxes", c);
        } else {
            char hex[8];
            plot_color_hex(0, 0.75, hex);
            fputs("set key top left inside opaque\n", c);
            fprintf(c, "set style fill solid 1.0 border lc rgb '#1f3f66'\n"
                       "plot $h using 1:2 with boxes lc rgb '%s'", hex);
        }
        put_title(c, key);
        fputc('\n', c);
    }
    free(sorted);
    return plot_pic_end(p, &pic, f, err);
}

/* ---- maps ---- */

/* Round contour levels strictly inside (lo, hi): about `want` of them at a
 * step of 1, 2 or 5 times a power of ten. */
static int nice_levels(double lo, double hi, int want, double *lev)
{
    if (!(hi > lo) || want < 1)
        return 0;
    static const double nice[] = {1, 2, 2.5, 5, 10};
    double raw = (hi - lo) / want, mag = pow(10, floor(log10(raw))), step = mag;
    for (int i = 1; i < 5; i++) /* the nice step nearest to raw on a log scale */
        if (fabs(log(nice[i] * mag / raw)) < fabs(log(step / raw)))
            step = nice[i] * mag;
    double first = ceil(lo / step) * step;
    int n = 0;
    for (int i = 0; n < PLOT_MAX_LEVELS && i < 4 * PLOT_MAX_LEVELS; i++) {
        double l = first + i * step;
        if (fabs(l) < step * 1e-9)
            l = 0;
        if (l >= hi)
            break;
        if (l > lo)
            lev[n++] = l;
    }
    return n;
}

/* The value contours are drawn on: z, or log10 z on a log colour scale. */
static double cz(const PlotMap *m, double z)
{
    if (!m->logz)
        return z;
    return z > 0 ? log10(z) : NAN;
}

/* Contours of $m at the given levels (in cz units) into datablock name. */
static void put_contour_table(FILE *c, const char *name, const PlotMap *m, const double *lev,
                              int n, bool dense)
{
    /* dense: for dots in the terminal, points interpolated along the
     * lines (a spline through gnuplot's points, so they stay on the level) */
    fprintf(c, "set contour base\nunset surface\nset cntrparam %s levels discrete ",
            dense ? "cubicspline points 4" : "linear");
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', c);
        plot_put_num(c, lev[i]);
    }
    fprintf(c, "\nset table %s\nsplot $m using 1:2:%s with lines notitle\nunset table\n"
               "unset contour\nset surface\n", name, m->logz ? "(log10($3))" : "3");
}

static void fmt_level(const PlotMap *m, double l, char *buf, size_t n)
{
    snprintf(buf, n, "%.3g", m->logz ? pow(10, l) : l);
}

/* The range of the map's values as drawn (cz units, class numbers as they
 * are): -1 with err when no value is finite. */
static int map_range(const PlotMap *m, double *lo, double *hi, char *err)
{
    bool classes = m->style == PLOT_CLASSES;
    size_t cells = (size_t)m->nx * (size_t)m->ny;
    double zlo = INFINITY, zhi = -INFINITY;
    for (size_t i = 0; i < cells; i++) {
        double v = classes ? m->z[i] : cz(m, m->z[i]);
        if (isfinite(v)) {
            zlo = v < zlo ? v : zlo;
            zhi = v > zhi ? v : zhi;
        }
    }
    if (!(zlo <= zhi))
        return util_err(err, m->logz ? "plot: nothing to draw on a logarithmic colour scale: "
                                       "no value of the map is above 0"
                                     : "plot: every value of the map is NaN or infinite");
    *lo = zlo;
    *hi = zhi;
    return 0;
}

/* The grid as datablock $m: x y z, one scan per row. */
static void put_grid(FILE *c, const PlotMap *m)
{
    double dx = (m->x1 - m->x0) / (m->nx - 1), dy = (m->y1 - m->y0) / (m->ny - 1);
    fputs("$m << EOD\n", c);
    for (int j = 0; j < m->ny; j++) {
        for (int i = 0; i < m->nx; i++) {
            double z = m->z[(size_t)j * m->nx + i];
            plot_put_num(c, m->x0 + i * dx);
            fputc(' ', c);
            plot_put_num(c, m->y0 + j * dy);
            fputc(' ', c);
            plot_put_num(c, m->logz && !(z > 0) ? NAN : z);
            fputc('\n', c);
        }
        fputc('\n', c);
    }
    fputs("EOD\n", c);
}

/* Terminal classes: datablocks $r0.. with one point in every character
 * cell of class k, drawn later in that class's character. */
static void put_term_regions(FILE *c, const PlotMap *m, const Pic *pic, int K)
{
    int gx = 2 * pic->cols, gy = 2 * pic->rows; /* at least one point in every cell */
    for (int k = 0; k < K && k < 8; k++) {
        fprintf(c, "$r%d << EOD\n", k);
        for (int b = 0; b < gy; b++)
            for (int a = 0; a < gx; a++) {
                int i = (int)lround((double)a * (m->nx - 1) / (gx - 1));
                int j = (int)lround((double)b * (m->ny - 1) / (gy - 1));
                double z = m->z[(size_t)j * m->nx + i];
                if (!isfinite(z) || (((long)lround(z) % 8) + 8) % 8 != k)
                    continue;
                plot_put_num(c, m->x0 + a * (m->x1 - m->x0) / (gx - 1));
                fputc(' ', c);
                plot_put_num(c, m->y0 + b * (m->y1 - m->y0) / (gy - 1));
                fputc('\n', c);
            }
        fputs("EOD\n", c);
    }
}

/* Window classes: datablock $rgb of x y r g b, each cell in its class's
 * colour, paler where the model is less sure. */
static void put_rgb_regions(FILE *c, const PlotMap *m, int K)
{
    double dx = (m->x1 - m->x0) / (m->nx - 1), dy = (m->y1 - m->y0) / (m->ny - 1);
    fputs("unset colorbox\n$rgb << EOD\n", c);
    for (int j = 0; j < m->ny; j++)
        for (int i = 0; i < m->nx; i++) {
            size_t at = (size_t)j * m->nx + i;
            double z = m->z[at], q = m->conf ? m->conf[at] : 1;
            unsigned r = 255, g = 255, b = 255;
            if (isfinite(z)) {
                /* saturation from chance (1/K: white) to sure (1: full) */
                double sat = (isfinite(q) ? q - 1.0 / K : 0) / (1 - 1.0 / K);
                char hex[8];
                plot_color_hex((int)lround(z), 0.12 + 0.6 * (sat < 0 ? 0 : sat > 1 ? 1 : sat), hex);
                unsigned long rgb = strtoul(hex + 1, NULL, 16);
                r = (unsigned)(rgb >> 16) & 255;
                g = (unsigned)(rgb >> 8) & 255;
                b = (unsigned)rgb & 255;
            }
            plot_put_num(c, m->x0 + i * dx);
            fputc(' ', c);
            plot_put_num(c, m->y0 + j * dy);
            fprintf(c, " %u %u %u\n", r, g, b);
        }
    fputs("EOD\n", c);
}

static void put_map_ranges(FILE *c, const PlotMap *m)
{
    fputs("set xrange [", c);
    plot_put_num(c, fmin(m->x0, m->x1));
    fputc(':', c);
    plot_put_num(c, fmax(m->x0, m->x1));
    fputs("]\nset yrange [", c);
    plot_put_num(c, fmin(m->y0, m->y1));
    fputc(':', c);
    plot_put_num(c, fmax(m->y0, m->y1));
    fputs("]\n", c);
}

/* Starts the next element of a plot command: nothing before the first,
 * a continued line before the others. */
static void next_elem(FILE *c, bool *first)
{
    if (*first)
        *first = false;
    else
        fputs(", \\\n     ", c);
}

/* The terminal's plot command up to the bold level: class areas in their
 * characters, then every contour level in dots, named in one key entry. */
static void put_term_elems(FILE *c, const PlotMap *m, int K, const double *lev, int n_lev, bool *first)
{
    char num[32], text[PLOT_TEXT_MAX];
    fputs("plot ", c);
    if (m->style == PLOT_CLASSES) {
        for (int k = 0; k < K && k < 8; k++) {
            next_elem(c, first);
            if (m->class_names)
                snprintf(text, sizeof text, "class %s area", m->class_names[k]);
            else
                snprintf(text, sizeof text, "class %d area", k);
            char ch[2] = {region_char[k], 0};
            fprintf(c, "$r%d using 1:2 with points pt ", k);
            plot_put_q(c, ch);
            put_title(c, text);
        }
    }
    if (n_lev > 0) {
        next_elem(c, first);
        int at = snprintf(text, sizeof text, "contours of %s at", m->zlabel && *m->zlabel ? m->zlabel : "z");
        for (int l = 0; l < n_lev && at > 0 && (size_t)at < sizeof text; l++) {
            fmt_level(m, lev[l], num, sizeof num);
            at += snprintf(text + at, sizeof text - (size_t)at, " %s", num);
        }
        fputs("$c using 1:2 with dots", c);
        put_title(c, text);
    }
}

/* A window's or file's plot command up to the bold level: class regions
 * as an image, or the values as a heat map and/or coloured contours. */
static void put_window_elems(FILE *c, const PlotMap *m, int K, int n_lev, bool *first)
{
    if (m->style == PLOT_CLASSES) {
        put_rgb_regions(c, m, K);
        fputs("plot ", c);
        next_elem(c, first);
        fputs("$rgb using 1:2:3:4:5 with rgbimage notitle", c);
        return;
    }
    fputs("set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', "
          "4 '#fde725')\nset cblabel ", c);
    plot_put_q(c, m->zlabel);
    fputs(" noenhanced font ',12'\n", c);
    if (m->logz)
        fputs("set logscale cb\nset format cb '%g'\n", c);
    fputs("plot ", c);
    if (m->style == PLOT_HEAT) {
        next_elem(c, first);
        fputs("$m using 1:2:3 with image notitle", c);
    }
    if (n_lev > 0) {
        next_elem(c, first);
        if (m->style == PLOT_HEAT)
            fputs("$c using 1:2 with lines lw 1 lc rgb '#70000000' notitle", c);
        else
            fprintf(c, "$c using 1:2:(%s) with lines lw 2 lc palette notitle", m->logz ? "10**$3" : "$3");
    }
}

/* The series over the map: in the terminal a path (a line series) is
 * drawn in 'o', unless points of colour 0 already are. */
static void put_map_series(FILE *c, const Pic *pic, const PlotSeries *s, int n_series, const int *color,
                           bool *first)
{
    char path_ch = 'o';
    for (int k = 0; k < n_series; k++)
        if (drawable(&s[k]) && s[k].style == PLOT_POINTS && point_char[color[k]] == 'o')
            path_ch = point_char[3];
    for (int k = 0; k < n_series; k++) {
        if (!drawable(&s[k]))
            continue;
        next_elem(c, first);
        put_series_elem(c, pic, k, &s[k], color[k], true,
                        s[k].style == PLOT_POINTS ? point_char[color[k]] : path_ch);
    }
}

int plot_map(Plot *p, const PlotFrame *f, const PlotMap *m, const PlotSeries *s, int n_series,
             char *err)
{
    if (!p || !f || !m || n_series < 0 || (n_series > 0 && !s))
        return util_err(err, "plot: nothing to draw");
    int skip = plot_frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    if (m->nx < 2 || m->ny < 2 || !m->z || (long)m->nx * m->ny > 4000000L)
        return util_err(err, "plot: a map needs a grid of at least 2x2 values");
    if (!(isfinite(m->x0) && isfinite(m->x1) && isfinite(m->y0) && isfinite(m->y1)) ||
        m->x0 == m->x1 || m->y0 == m->y1)
        return util_err(err, "plot: the map's x and y ranges must be finite and not empty");
    bool classes = m->style == PLOT_CLASSES;
    double zlo = 0, zhi = 0;
    if (map_range(m, &zlo, &zhi, err) != 0)
        return -1;
    int *color = calloc((size_t)n_series + 1, sizeof *color);
    if (!color)
        return util_err(err, "out of memory");
    pick_colors(s, n_series, color);
    Pic pic;
    if (plot_pic_begin(p, &pic, f, err) != 0) {
        free(color);
        return -1;
    }
    FILE *c = pic.c;
    int K = m->n_classes > 1 ? m->n_classes : 2;
    put_grid(c, m);

    /* contour levels (in cz units), and the one level drawn bold */
    double lev[PLOT_MAX_LEVELS];
    int n_lev = 0;
    if (!classes) {
        int want = m->contours > 0 ? m->contours : pic.dumb ? 4 : 8;
        n_lev = nice_levels(zlo, zhi, want > PLOT_MAX_LEVELS ? PLOT_MAX_LEVELS : want, lev);
    }
    double bold = m->level ? cz(m, *m->level) : NAN;
    bool has_bold = isfinite(bold) && bold > zlo && bold < zhi;
    if (n_lev > 0)
        put_contour_table(c, "$c", m, lev, n_lev, pic.dumb);
    if (has_bold)
        put_contour_table(c, "$b", m, &bold, 1, false);
    if (pic.dumb && classes)
        put_term_regions(c, m, &pic, K);
    Cells box = {m->x0, m->x1, m->y0, m->y1, pic.cols, pic.rows, false, false};
    for (int k = 0; k < n_series; k++)
        if (drawable(&s[k]))
            put_series_block(c, k, &s[k], false, pic.dumb ? &box : NULL);
    put_map_ranges(c, m);

    bool first = true;
    if (pic.dumb)
        put_term_elems(c, m, K, lev, n_lev, &first);
    else
        put_window_elems(c, m, K, n_lev, &first);
    if (has_bold) {
        char num[32], text[PLOT_TEXT_MAX];
        next_elem(c, &first);
        fmt_level(m, bold, num, sizeof num);
        snprintf(text, sizeof text, "%s = %s", m->zlabel && *m->zlabel ? m->zlabel : "z", num);
        if (pic.dumb) /* '=': no series uses it */
            fputs("$b using 1:2 with lines lt 7", c);
        else
            fputs("$b using 1:2 with lines lw 3.5 lc rgb '#000000'", c);
        put_title(c, text);
    }
    put_map_series(c, &pic, s, n_series, color, &first);
    if (first) /* nothing at all to draw: an empty frame */
        fputs("2 notitle", c);
    fputc('\n', c);
    free(color);
    return plot_pic_end(p, &pic, f, err);
}

