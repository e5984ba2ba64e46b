/* plot_image.c — grids of small grayscale images (plot.h: PlotImages):
 * the pixels of data rows, conv filters, feature maps. A window or a
 * PNG/SVG file gets each pixel as a filled square coloured from a palette
 * (white to black, or blue-white-red around 0 for signed data), one
 * datablock for the whole grid and a title above each image; the terminal
 * gets each pixel as two characters of a shading ramp, composed here
 * without gnuplot. Titles and labels reach gnuplot only through
 * plot_put_q. */
#include "plot_gnuplot.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Terminal shades from the low end to the high end of the scale; signed
 * scales put blank at 0, minus-like characters below, plus-like above. */
static const char ramp[] = " .:-=+*#%@";
static const char ramp_signed[] = "%=- +*#";
#define RAMP_N ((int)sizeof ramp - 1)
#define RAMP_SIGNED_N ((int)sizeof ramp_signed - 1)
#define GAP 2           /* characters between images in the terminal */
#define TITLE_MAX 12    /* a tile widens for a title up to this many characters */

static bool signed_range(PlotRange r)
{
    return r == PLOT_RANGE_SYMMETRIC || r == PLOT_RANGE_SYMMETRIC_EACH;
}

static bool each_range(PlotRange r)
{
    return r == PLOT_RANGE_EACH || r == PLOT_RANGE_SYMMETRIC_EACH;
}

static int check_images(const PlotImages *im, char *err)
{
    bool ok = im && im->v && im->n >= 1 && im->n <= PLOT_IMAGES_MAX && im->h >= 1 && im->w >= 1 &&
              im->h <= PLOT_IMAGE_MAX_SIDE && im->w <= PLOT_IMAGE_MAX_SIDE;
    for (int k = 0; ok && im->sizes && k < im->n; k++)
        ok = im->sizes[2 * k] >= 1 && im->sizes[2 * k] <= im->h && im->sizes[2 * k + 1] >= 1 &&
             im->sizes[2 * k + 1] <= im->w;
    if (!ok)
        return util_err(err, "plot: an image grid holds 1 to %d images of 1 to %d pixels a side", PLOT_IMAGES_MAX,
                        PLOT_IMAGE_MAX_SIDE);
    return 0;
}

/* One image of a grid: its size and its first pixel. */
typedef struct Img {
    int h, w;
    const double *v; /* (h, w) */
} Img;

/* Where each image starts in im->v: (n + 1) offsets, a new array (caller
 * frees), or NULL when out of memory. */
static size_t *offsets_of(const PlotImages *im)
{
    size_t *off = malloc(((size_t)im->n + 1) * sizeof *off);
    if (!off)
        return NULL;
    off[0] = 0;
    for (int k = 0; k < im->n; k++)
        off[k + 1] = off[k] + (im->sizes ? (size_t)im->sizes[2 * k] * (size_t)im->sizes[2 * k + 1]
                                         : (size_t)im->h * (size_t)im->w);
    return off;
}

static Img img_of(const PlotImages *im, const size_t *off, int k)
{
    Img g = {im->sizes ? im->sizes[2 * k] : im->h, im->sizes ? im->sizes[2 * k + 1] : im->w, im->v + off[k]};
    return g;
}

/* The scale [*lo, *hi] of the images from k0 to k1 (exclusive), finite
 * values only; symmetric scales are -m..m. Never empty: an all-equal or
 * all-missing set gets a unit-wide scale around its value. */
static void scale_of(const PlotImages *im, const size_t *off, int k0, int k1, double *lo, double *hi)
{
    double a = INFINITY, b = -INFINITY;
    for (size_t i = off[k0]; i < off[k1]; i++)
        if (isfinite(im->v[i])) {
            double v = signed_range(im->range) ? fabs(im->v[i]) : im->v[i];
            a = v < a ? v : a;
            b = v > b ? v : b;
        }
    if (!(a <= b))
        a = b = 0;
    if (signed_range(im->range)) {
        a = -b;
        if (b == 0)
            a = -1, b = 1;
    } else if (a == b) {
        a -= 0.5;
        b += 0.5;
    }
    *lo = a;
    *hi = b;
}

/* The shade of v on the scale [lo, hi]. */
static char shade(double v, double lo, double hi, bool sgn)
{
    if (!isfinite(v))
        return '?';
    double t = (v - lo) / (hi - lo);
    t = t < 0 ? 0 : t > 1 ? 1 : t;
    return sgn ? ramp_signed[(int)lround(t * (RAMP_SIGNED_N - 1))] : ramp[(int)lround(t * (RAMP_N - 1))];
}


/* Writes s cut to width characters and padded to exactly width. */
static void put_cell(FILE *o, const char *s, int width)
{
    char fit[PLOT_TEXT_MAX];
    const char *t = plot_fit_width(s ? s : "", width, fit, sizeof fit);
    fputs(t, o);
    for (int i = text_cols(t); i < width; i++)
        fputc(' ', o);
}

/* Writes the titles of images k0..k1-1, each over its tile of tw
 * characters, without trailing blanks; -1 when out of memory. */
static int put_titles(FILE *o, const PlotImages *im, int k0, int k1, int tw)
{
    char *line = NULL;
    size_t len = 0;
    FILE *l = open_memstream(&line, &len);
    if (!l)
        return -1;
    for (int k = k0; k < k1; k++) {
        if (k > k0)
            fprintf(l, "%*s", GAP, "");
        put_cell(l, im->titles[k], tw);
    }
    if (fclose(l) != 0) {
        free(line);
        return -1;
    }
    while (len > 0 && line[len - 1] == ' ')
        len--;
    fwrite(line, 1, len, o);
    fputc('\n', o);
    free(line);
    return 0;
}

/* Writes a number short and whole ("16", "-0.5213"). */
static void put_short(FILE *o, double v)
{
    fprintf(o, "%.4g", v == 0 ? 0.0 : v);
}

/* The line under the grid naming the scale. */
static void put_scale_line(FILE *o, const PlotImages *im, double lo, double hi)
{
    const char *what = im->zlabel && *im->zlabel ? im->zlabel : "value";
    bool sgn = signed_range(im->range);
    fprintf(o, "shades \"%s\" ", sgn ? ramp_signed : ramp);
    if (each_range(im->range)) {
        if (sgn)
            fprintf(o, "from -m to +m, m the largest |%s| of each image, blank near 0\n", what);
        else
            fprintf(o, "from each image's smallest to its largest %s\n", what);
        return;
    }
    fputs("from ", o);
    put_short(o, lo);
    fputs(" to ", o);
    put_short(o, hi);
    fprintf(o, " (%s)%s\n", what, sgn ? ", blank near 0" : "");
}

char *plot_images_text(const PlotImages *im, int cols, char *err)
{
    if (check_images(im, err) != 0)
        return NULL;
    int pw = 2 * im->w <= cols ? 2 : 1; /* a pixel is two characters when they fit: squarer */
    int tw = pw * im->w, title_w = 0;
    for (int k = 0; im->titles && k < im->n; k++) {
        int t = im->titles[k] ? text_cols(im->titles[k]) : 0;
        title_w = t > title_w ? t : title_w;
    }
    title_w = title_w > TITLE_MAX ? TITLE_MAX : title_w;
    tw = title_w > tw ? title_w : tw;
    int per = (cols + GAP) / (tw + GAP);
    per = per < 1 ? 1 : per;
    char *buf = NULL;
    size_t len = 0;
    size_t *off = offsets_of(im);
    FILE *o = off ? open_memstream(&buf, &len) : NULL;
    if (!o) {
        free(off);
        util_err(err, "out of memory");
        return NULL;
    }
    double lo, hi;
    scale_of(im, off, 0, im->n, &lo, &hi);
    char *line = malloc((size_t)per * (size_t)(tw + GAP) + 1); /* one row of pixels across the images */
    double *each = each_range(im->range) ? malloc(2 * (size_t)im->n * sizeof *each) : NULL; /* (n, 2) scales */
    for (int k = 0; each && k < im->n; k++)
        scale_of(im, off, k, k + 1, &each[2 * k], &each[2 * k + 1]);
    bool ok = line && (each || !each_range(im->range));
    for (int k0 = 0; ok && k0 < im->n; k0 += per) {
        int k1 = k0 + per < im->n ? k0 + per : im->n;
        if (k0 > 0)
            fputc('\n', o);
        if (im->titles && put_titles(o, im, k0, k1, tw) != 0) {
            ok = false;
            break;
        }
        int tall = 1; /* the grid row is as tall as its tallest image */
        for (int k = k0; k < k1; k++)
            tall = img_of(im, off, k).h > tall ? img_of(im, off, k).h : tall;
        for (int i = 0; i < tall; i++) {
            int at = 0;
            for (int k = k0; k < k1; k++) {
                double a = each ? each[2 * k] : lo, b = each ? each[2 * k + 1] : hi;
                Img g = img_of(im, off, k);
                const double *row = g.v + (size_t)i * (size_t)g.w;
                int wide = i < g.h ? g.w : 0; /* below a smaller image: blank */
                for (int j = 0; j < wide; j++)
                    for (int r = 0; r < pw; r++)
                        line[at++] = shade(row[j], a, b, signed_range(im->range));
                for (int r = pw * wide; r < tw + (k + 1 < k1 ? GAP : 0); r++)
                    line[at++] = ' ';
            }
            int end = at; /* the line without trailing blanks */
            while (end > 0 && line[end - 1] == ' ')
                end--;
            fwrite(line, 1, (size_t)end, o);
            fputc('\n', o);
        }
    }
    free(line);
    free(each);
    free(off);
    if (ok)
        put_scale_line(o, im, lo, hi);
    if (fclose(o) != 0 || !ok) {
        free(buf);
        util_err(err, "out of memory");
        return NULL;
    }
    return buf;
}

/* The terminal target: the frame's title, the grid, the caption, to the echo. */
static int images_to_terminal(Plot *p, const PlotFrame *f, const PlotImages *im, char *err)
{
    int cols, rows;
    plot_dumb_size(p, &cols, &rows);
    char *text = plot_images_text(im, cols, err);
    if (!text)
        return -1;
    if (p->echo) {
        fprintf(p->echo, "%s\n%s", f->title ? f->title : "", text);
        if (f->xlabel && *f->xlabel)
            fprintf(p->echo, "%s\n", f->xlabel);
        fflush(p->echo);
    }
    free(text);
    return 0;
}

/* Grid layout in a window or file: columns of images, and the gaps (in
 * pixels) beside and above each image (room for its title). */
typedef struct Layout {
    int gcols, grows;
    int gx, gy;
} Layout;

static Layout layout_of(const PlotImages *im)
{
    Layout L;
    L.gcols = (int)ceil(sqrt(1.5 * im->n * im->h / (double)im->w)); /* about 3:2 like the window */
    L.gcols = L.gcols < 1 ? 1 : L.gcols > im->n ? im->n : L.gcols;
    L.grows = (im->n + L.gcols - 1) / L.gcols;
    L.gx = im->w / 4 > 1 ? im->w / 4 : 1;
    L.gy = im->titles ? (im->h / 3 > 2 ? im->h / 3 : 2) : L.gx;
    return L;
}

/* Writes the pixels as "x y value" rows of the datablock $px, each image
 * on its own scale when the range says so (then 0..1, or -1..1). */
static void put_pixels(FILE *c, const PlotImages *im, const size_t *off, const Layout *L)
{
    fputs("$px << EOD\n", c);
    for (int k = 0; k < im->n; k++) {
        double a = 0, b = 1;
        if (each_range(im->range))
            scale_of(im, off, k, k + 1, &a, &b);
        Img g = img_of(im, off, k);
        int x0 = (k % L->gcols) * (im->w + L->gx), y0 = -(k / L->gcols) * (im->h + L->gy);
        for (int i = 0; i < g.h; i++)
            for (int j = 0; j < g.w; j++) {
                double v = g.v[(size_t)i * (size_t)g.w + j];
                if (!isfinite(v))
                    continue; /* left out: the background shows */
                if (each_range(im->range))
                    v = signed_range(im->range) ? v / b : (v - a) / (b - a);
                fprintf(c, "%d %d ", x0 + j, y0 - i);
                plot_put_num(c, v);
                fputc('\n', c);
            }
    }
    fputs("EOD\n", c);
}

int plot_images(Plot *p, const PlotFrame *f, const PlotImages *im, char *err)
{
    if (!p || !f || check_images(im, err) != 0)
        return p && f ? -1 : util_err(err, "plot: nothing to draw");
    int skip = plot_frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    if (plot_target(p) == PLOT_TERMINAL)
        return images_to_terminal(p, f, im, err);
    size_t *off = offsets_of(im), finite = 0;
    if (!off)
        return util_err(err, "out of memory");
    for (size_t i = 0; i < off[im->n]; i++)
        finite += isfinite(im->v[i]) != 0;
    Pic pic;
    if (finite == 0 || plot_pic_begin(p, &pic, f, err) != 0) {
        free(off);
        return finite ? -1 : util_err(err, "plot: no pixel of the images is a finite number; nothing to draw");
    }
    FILE *c = pic.c;
    Layout L = layout_of(im);
    bool sgn = signed_range(im->range), each = each_range(im->range);
    double lo = sgn ? -1 : 0, hi = 1;
    if (!each)
        scale_of(im, off, 0, im->n, &lo, &hi);
    put_pixels(c, im, off, &L);
    fputs("unset ylabel\nunset grid\nunset key\nunset xtics\nunset ytics\nunset border\nset size ratio -1\n", c);
    fputs("set style fill solid 1.0 noborder\n", c);
    fputs(sgn ? "set palette defined (-1 '#2166ac', 0 '#ffffff', 1 '#b2182b')\n"
              : "set palette defined (0 '#ffffff', 1 '#000000')\n", c);
    fputs("set cbrange [", c);
    plot_put_num(c, lo);
    fputc(':', c);
    plot_put_num(c, hi);
    fputs("]\n", c);
    if (each) {
        fputs("unset colorbox\n", c);
    } else {
        fputs("set cblabel ", c);
        plot_put_q(c, im->zlabel && *im->zlabel ? im->zlabel : "value");
        fputs(" noenhanced\n", c);
    }
    for (int k = 0; im->titles && k < im->n; k++) {
        if (!im->titles[k] || !*im->titles[k])
            continue;
        fprintf(c, "set label %d ", k + 1);
        plot_put_q(c, im->titles[k]);
        fprintf(c, " at %g,%g center front noenhanced\n",
                (k % L.gcols) * (im->w + L.gx) + (img_of(im, off, k).w - 1) / 2.0,
                -(k / L.gcols) * (im->h + L.gy) + 0.5 + L.gy * 0.45);
    }
    fprintf(c, "set xrange [-0.5:%g]\nset yrange [%g:%g]\n", L.gcols * (im->w + L.gx) - L.gx - 0.5,
            -(double)(L.grows - 1) * (im->h + L.gy) - im->h + 0.5, 0.5 + (im->titles ? L.gy : 0));
    fputs("plot $px using 1:2:($1-0.5):($1+0.5):($2-0.5):($2+0.5):3 with boxxyerror lc palette notitle\n", c);
    free(off);
    return plot_pic_end(p, &pic, f, err);
}
