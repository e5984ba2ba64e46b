/* test_plot.c — the plot module: the command stream of every picture
 * (written to a memory stream, no gnuplot), plot_quote, and the real
 * gnuplot: titles and file names that try to run commands, every picture
 * as a valid PNG, SVG and terminal picture, a missing gnuplot, one that
 * dies (a fake that exits, the real one killed between two calls), one
 * that answers with an error, and one that never answers. Fake gnuplots
 * are small shell scripts written into a temporary directory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "plot.h"
#include "util.h"

/* ---- pictures to draw ---- */

static const double X3[] = {1, 2, 3}, Y3[] = {0.5, NAN, 2}, YNEG[] = {-1, 0.25, 4};

static PlotFrame frame(const char *title, const char *stem)
{
    PlotFrame f = {title, "step", "loss", stem, 0, false, false};
    return f;
}

/* Draws kind k (0 lines, 1 hist, 2 heat map, 3 contour map, 4 classes map)
 * with the given words. */
static int draw(Plot *p, int k, const char *title, const char *label, char *err)
{
    static double x[64], y[64], v[200], z[12 * 10], conf[12 * 10];
    for (int i = 0; i < 64; i++) {
        x[i] = i;
        y[i] = exp(-i / 20.0) + 0.01;
    }
    for (int i = 0; i < 200; i++)
        v[i] = sin(i * 0.37) + 0.1 * (i % 7);
    for (int j = 0; j < 10; j++)
        for (int i = 0; i < 12; i++) {
            double xx = -1 + 2.0 * i / 11, yy = -1 + 2.0 * j / 9;
            z[j * 12 + i] = k == 4 ? (xx * xx + yy * yy > 0.5) : xx * xx + 2 * yy * yy + 0.1;
            conf[j * 12 + i] = 0.5 + 0.5 * fabs(xx);
        }
    PlotFrame f = {title, label, label, "pic", k, false, false};
    PlotSeries s[2] = {
        {label, x, y, 64, PLOT_LINES, -1, false},
        {label, x, y, 3, PLOT_POINTS, 1, false},
    };
    if (k == 0)
        return plot_lines(p, &f, s, 2, err);
    if (k == 1)
        return plot_hist(p, &f, v, 200, err);
    double lvl = 0.5;
    PlotMap m = {12, 10, -1, 1, -1, 1, z, conf, 2, label,
                 k == 2 ? PLOT_HEAT : k == 3 ? PLOT_CONTOUR : PLOT_CLASSES, false, 0, &lvl, NULL};
    double px[3] = {-0.5, 0, 0.5}, py[3] = {0.2, -0.3, 0.1};
    PlotSeries o[2] = {
        {label, px, py, 3, k == 4 ? PLOT_POINTS : PLOT_LINESPOINTS, 1, false},
        {"start", px, py, 1, PLOT_POINTS, 2, false},
    };
    return plot_map(p, &f, &m, o, 2, err);
}

/* The command stream of one call on a stream plotter. */
typedef struct Cap {
    FILE *f;
    char *buf;
    size_t len;
    Plot *p;
} Cap;

static void cap_open(Cap *c, PlotTarget t)
{
    c->buf = NULL;
    c->len = 0;
    c->f = open_memstream(&c->buf, &c->len);
    assert_non_null(c->f);
    c->p = plot_new_stream(c->f, t);
    assert_non_null(c->p);
}

static const char *cap_text(Cap *c)
{
    fflush(c->f);
    return c->buf ? c->buf : "";
}

static void cap_close(Cap *c)
{
    plot_free(c->p);
    fclose(c->f);
    free(c->buf);
}

/* ---- (a) the command stream ---- */

static void test_stream_lines(void **state)
{
    (void)state;
    Cap c;
    cap_open(&c, PLOT_PNG);
    char err[ERR_LEN] = "";
    PlotFrame f = frame("Loss: it's {x}_1", "loss");
    PlotSeries s[2] = {
        {"train", X3, Y3, 3, PLOT_LINES, -1, false},
        {"noisy", X3, Y3, 3, PLOT_POINTS, 3, true},
    };
    assert_int_equal(plot_lines(c.p, &f, s, 2, err), 0);
    const char *t = cap_text(&c);
    assert_contains(t, "set title 'Loss: it''s {x}_1' noenhanced");
    assert_contains(t, "set xlabel 'step' noenhanced");
    assert_contains(t, "set ylabel 'loss' noenhanced");
    assert_contains(t, "$s0 << EOD\n1 0.5\n2 NaN\n3 2\nEOD\n");
    assert_contains(t, "title 'train' noenhanced");
    assert_contains(t, "title 'noisy' noenhanced");
    assert_contains(t, "set term pngcairo");
    assert_lacks(t, "logscale");
    /* the faint series is drawn first, under the other */
    assert_true(strstr(t, "$s1 using") < strstr(t, "$s0 using"));
    /* the file is opened before the picture and closed after it, then the marker */
    const char *open = strstr(t, "set output 'loss.png'"), *plot = strstr(t, "\nplot ");
    const char *close = strstr(t, "unset output"), *sync = strstr(t, "print 'PLOTSYNC-1'");
    assert_non_null(open);
    assert_non_null(plot);
    assert_non_null(close);
    assert_non_null(sync);
    assert_true(open < plot && plot < close && close < sync);
    cap_close(&c);
}

/* Markers keep a margin inside the frame (in files as in the terminal);
 * a picture of lines alone is drawn edge to edge, as before. */
static void test_stream_margin(void **state)
{
    (void)state;
    Cap c;
    cap_open(&c, PLOT_SVG);
    char err[ERR_LEN] = "";
    PlotFrame f = frame("search", "search");
    PlotSeries pts = {"trials", X3, Y3, 3, PLOT_POINTS, 0, false};
    assert_int_equal(plot_lines(c.p, &f, &pts, 1, err), 0);
    const char *t = cap_text(&c);
    const char *off = strstr(t, "set offsets graph 0.05, graph 0.05, graph 0.05, graph 0.05\n");
    assert_non_null(off);
    assert_true(off < strstr(t, "\nplot "));
    size_t before = strlen(t);
    PlotSeries line = {"loss", X3, Y3, 3, PLOT_LINES, 0, false};
    assert_int_equal(plot_lines(c.p, &f, &line, 1, err), 0);
    assert_null(strstr(cap_text(&c) + before, "set offsets"));
    cap_close(&c);
}

/* A validation curve (dashed) has open markers, so a run of one epoch
 * (one point, no line to draw) still shows in a window, a PNG and an SVG
 * as in the terminal; its markers keep the margin too. */
static void test_stream_dashed_one_point(void **state)
{
    (void)state;
    static const double one[1] = {1}, y1[1] = {0.7};
    static const PlotTarget targets[3] = {PLOT_WINDOW, PLOT_PNG, PLOT_SVG};
    for (int i = 0; i < 3; i++) {
        Cap c;
        cap_open(&c, targets[i]);
        char err[ERR_LEN] = "";
        PlotFrame f = frame("runs", "runs");
        PlotSeries s[2] = {
            {"train", one, y1, 1, PLOT_LINESPOINTS, 0, false},
            {"train (validation)", one, y1, 1, PLOT_DASHED, 0, false},
        };
        assert_int_equal(plot_lines(c.p, &f, &s[1], 1, err), 0);
        const char *t = cap_text(&c);
        assert_contains(t, "$s0 using 1:2 with linespoints lw 2.5 dt 2 pt 6 ");
        assert_contains(t, "set offsets graph 0.05");
        assert_int_equal(plot_lines(c.p, &f, s, 2, err), 0);
        assert_contains(cap_text(&c), "$s1 using 1:2 with linespoints lw 2.5 dt 2 pt 6 ");
        cap_close(&c);
    }
}

static void test_stream_logy_and_numbers(void **state)
{
    (void)state;
    Cap c;
    cap_open(&c, PLOT_SVG);
    char err[ERR_LEN] = "";
    PlotFrame f = frame("log", "grads");
    f.logy = true;
    const double x[3] = {0.1, 1e-300, 3}, y[3] = {-1, 0.25, INFINITY};
    PlotSeries s = {"g", x, y, 3, PLOT_STEPS, 0, false};
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    const char *t = cap_text(&c);
    assert_contains(t, "set logscale y");
    /* every digit of a double; values <= 0 and infinities leave a gap */
    assert_contains(t, "$s0 << EOD\n0.10000000000000001 NaN\n1e-300 0.25\n3 NaN\nEOD");
    assert_contains(t, "set output 'grads.svg'");
    assert_contains(t, "set term svg");
    assert_contains(t, "with steps");

    /* nothing above 0 on a log axis: refused with a reason, nothing sent */
    size_t before = strlen(cap_text(&c));
    PlotSeries neg = {"g", X3, YNEG, 1, PLOT_LINES, 0, false};
    assert_int_equal(plot_lines(c.p, &f, &neg, 1, err), -1);
    assert_contains(err, "logarithmic");
    assert_int_equal(strlen(cap_text(&c)), before);
    cap_close(&c);
}

static void test_stream_file_names(void **state)
{
    (void)state;
    Cap c;
    cap_open(&c, PLOT_PNG);
    char err[ERR_LEN] = "";
    PlotFrame f = frame("t", "loss");
    PlotSeries s = {"a", X3, Y3, 3, PLOT_LINES, 0, false};

    assert_int_equal(plot_set_target(c.p, PLOT_PNG, "my dir/it's.png", err), 0);
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    assert_contains(cap_text(&c), "set output 'my dir/it''s.png'");

    /* a name gnuplot would open as a pipe is made a plain path */
    assert_int_equal(plot_set_target(c.p, PLOT_PNG, "|touch PWN", err), 0);
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    assert_contains(cap_text(&c), "set output './|touch PWN'");

    /* names that cannot be written exactly are refused */
    assert_int_equal(plot_set_target(c.p, PLOT_PNG, "", err), -1);
    assert_contains(err, "empty");
    assert_int_equal(plot_set_target(c.p, PLOT_SVG, "a\nb.svg", err), -1);
    assert_contains(err, "control characters");

    char buf[128];
    assert_int_equal(plot_set_target(c.p, PLOT_SVG, NULL, err), 0);
    assert_string_equal(plot_describe(c.p, buf, sizeof buf),
                        "svg files named after each plot and its arguments (loss.svg, maps-A1.svg ...)");
    assert_int_equal(plot_set_target(c.p, PLOT_PNG, "x.png", err), 0);
    assert_string_equal(plot_describe(c.p, buf, sizeof buf), "png file x.png");
    assert_int_equal(plot_set_target(c.p, PLOT_AUTO, NULL, err), 0);
    assert_int_equal(plot_target(c.p), PLOT_TERMINAL);
    assert_string_equal(plot_describe(c.p, buf, sizeof buf), "terminal (80x24)");
    assert_false(plot_is_live(c.p));
    assert_true(plot_running(c.p));
    cap_close(&c);
}

static void test_stream_hist(void **state)
{
    (void)state;
    Cap c;
    cap_open(&c, PLOT_PNG);
    char err[ERR_LEN] = "";
    PlotFrame f = frame("Histogram of W1", "hist");
    f.xlabel = "value";
    f.ylabel = "count";
    double v[1000];
    Rng r;
    rng_seed(&r, 3);
    for (int i = 0; i < 1000; i++)
        v[i] = rng_normal(&r);
    v[7] = NAN;
    assert_int_equal(plot_hist(c.p, &f, v, 1000, err), 0);
    const char *t = cap_text(&c);
    assert_contains(t, "with boxes");
    assert_contains(t, "n = 999, mean = ");
    assert_contains(t, "(1 left out: not finite)");
    /* Freedman–Diaconis for 999 normal values: about 20 bins, counts add up */
    const char *h = strstr(t, "$h << EOD\n");
    assert_non_null(h);
    h += strlen("$h << EOD\n");
    int bins = 0, total = 0;
    while (strncmp(h, "EOD", 3) != 0) {
        double centre;
        int count;
        assert_int_equal(sscanf(h, "%lf %d", &centre, &count), 2);
        total += count;
        bins++;
        h = strchr(h, '\n') + 1;
    }
    assert_int_equal(total, 999);
    assert_in_range(bins, 15, 30);

    /* all values equal: one bin; IQR 0 (Sturges): within 5..60 */
    double same[50];
    for (int i = 0; i < 50; i++)
        same[i] = 2.5;
    size_t before = strlen(cap_text(&c));
    assert_int_equal(plot_hist(c.p, &f, same, 50, err), 0);
    t = cap_text(&c) + before;
    h = strstr(t, "$h << EOD\n") + strlen("$h << EOD\n");
    assert_contains(h, "2.5 50\nEOD");
    cap_close(&c);
}

static void test_stream_maps(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    for (int k = 2; k <= 4; k++) {
        Cap c;
        cap_open(&c, PLOT_PNG);
        assert_int_equal(draw(c.p, k, "Map", "P(class 1)", err), 0);
        const char *t = cap_text(&c);
        assert_contains(t, "$m << EOD\n-1 -1 ");
        assert_contains(t, "set title 'Map' noenhanced");
        assert_contains(t, "$b using 1:2 with lines lw 3.5"); /* the bold level */
        assert_contains(t, "title 'P(class 1) = 0.5' noenhanced");
        if (k == 2) {
            assert_contains(t, "with image");
            assert_contains(t, "set cblabel 'P(class 1)' noenhanced");
            assert_contains(t, "$c using 1:2 with lines");
        } else if (k == 3) {
            assert_lacks(t, "with image");
            assert_contains(t, "lc palette");
        } else {
            assert_contains(t, "with rgbimage");
            assert_contains(t, "pt 7"); /* data points, with a ring */
            assert_contains(t, "pt 6");
        }
        cap_close(&c);
    }

    /* log colour scale; the terminal draws every contour in dots with one
     * key entry naming the levels, classes as one character per class */
    Cap c;
    cap_open(&c, PLOT_TERMINAL);
    double z[4] = {0.01, 0.1, 1, 10};
    PlotMap m = {2, 2, 0, 1, 0, 1, z, NULL, 0, "loss", PLOT_HEAT, true, 0, NULL, NULL};
    PlotFrame f = frame("Surface", "surface");
    assert_int_equal(plot_map(c.p, &f, &m, NULL, 0, err), 0);
    const char *t = cap_text(&c);
    assert_contains(t, "set term dumb");
    assert_contains(t, "(log10($3))");
    assert_contains(t, "cubicspline");
    assert_contains(t, "$c using 1:2 with dots title 'contours of loss at 0.1 1' noenhanced");
    assert_lacks(t, "$c0");
    assert_lacks(t, "with image");
    assert_int_equal(draw(c.p, 4, "Regions", "x", err), 0);
    t = cap_text(&c);
    assert_contains(t, "$r0 << EOD");
    assert_contains(t, "$r1 using 1:2 with points pt ''.\"\\047\".''"); /* class 1: ' */
    assert_contains(t, "title 'class 0 area'");
    assert_contains(t, "pt 'x'"); /* class 1's data points */
    /* with class names the key names the areas by them, quoted like any text */
    char setosa[] = "setosa", its[] = "it's";
    char *names[2] = {setosa, its};
    double zc[4] = {0, 1, 1, 0};
    PlotMap named = {2, 2, 0, 1, 0, 1, zc, NULL, 2, "class", PLOT_CLASSES, false, 0, NULL, names};
    assert_int_equal(plot_map(c.p, &f, &named, NULL, 0, err), 0);
    t = cap_text(&c);
    assert_contains(t, "title 'class setosa area'");
    assert_contains(t, "title 'class it''s area'");
    cap_close(&c);

    /* a map that cannot be drawn */
    cap_open(&c, PLOT_PNG);
    m.logz = true;
    double neg[4] = {-1, 0, -2, NAN};
    m.z = neg;
    assert_int_equal(plot_map(c.p, &f, &m, NULL, 0, err), -1);
    assert_contains(err, "logarithmic");
    m.nx = 1;
    assert_int_equal(plot_map(c.p, &f, &m, NULL, 0, err), -1);
    assert_contains(err, "2x2");
    assert_string_equal(cap_text(&c), "");
    cap_close(&c);
}

/* How many times needle occurs in hay. */
static int count_of(const char *hay, const char *needle)
{
    int n = 0;
    for (const char *s = strstr(hay, needle); s; s = strstr(s + 1, needle))
        n++;
    return n;
}

/* Terminal pictures tell their series apart by character alone: a path on
 * a map in 'o' over contours in dots, its start 'x' and its end '*', never
 * '+' (gnuplot's tick mark); eight curves in eight characters, each line
 * filled in so it carries its character all along; a long title cut. */
static void test_stream_terminal_chars(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Cap c;
    cap_open(&c, PLOT_TERMINAL);
    static double z[20 * 20];
    for (int j = 0; j < 20; j++)
        for (int i = 0; i < 20; i++)
            z[j * 20 + i] = (i - 10) * (i - 10) + 2 * (j - 10) * (j - 10) + 1.0;
    PlotMap m = {20, 20, -1, 1, -1, 1, z, NULL, 0, "training loss", PLOT_HEAT, false, 12, NULL, NULL};
    double px[2] = {-0.75, 0.5}, py[2] = {-0.75, 0.75}, mark[4] = {-0.75, -0.75, 0.5, 0.75};
    PlotSeries ser[3] = {
        {"path", px, py, 2, PLOT_LINESPOINTS, 3, false},
        {"start of the path", mark, mark + 1, 1, PLOT_POINTS, 1, false},
        {"now", mark + 2, mark + 3, 1, PLOT_POINTS, 2, false},
    };
    PlotFrame f = frame("Surface", "surface");
    assert_int_equal(plot_map(c.p, &f, &m, ser, 3, err), 0);
    const char *t = cap_text(&c);
    assert_contains(t, "$s0 using 1:2 with points pt 'o' title 'path'");
    assert_contains(t, "$s1 using 1:2 with points pt 'x' title 'start of the path'");
    assert_contains(t, "$s2 using 1:2 with points pt '*' title 'now'");
    assert_int_equal(count_of(t, "with dots"), 1);
    assert_int_equal(count_of(t, "title 'contours of training loss at "), 1);
    assert_lacks(t, "pt '+'");
    assert_lacks(t, "using 1:2 with lines");
    assert_lacks(t, "with linespoints");
    /* the path's two points are joined by points about a cell apart */
    const char *b = strstr(t, "$s0 << EOD\n"), *e = b ? strstr(b + 11, "EOD\n") : NULL;
    assert_non_null(e);
    int rows = 0;
    for (const char *q = b; q < e; q++)
        rows += *q == '\n';
    assert_in_range(rows - 1, 40, 200);
    assert_contains(b, "EOD\n-0.75 -0.75\n");
    assert_contains(b, "\n0.5 0.75\nEOD");
    cap_close(&c);

    /* eight curves, eight characters */
    cap_open(&c, PLOT_TERMINAL);
    static const double xs[3] = {0, 1, 2}, ys[8][3] = {{1, 2, 3}};
    PlotSeries race[8];
    for (int k = 0; k < 8; k++)
        race[k] = (PlotSeries){"optimizer", xs, ys[k], 3, PLOT_LINESPOINTS, k, false};
    assert_int_equal(plot_lines(c.p, &f, race, 8, err), 0);
    t = cap_text(&c);
    static const char chars[] = "ox*#@%&$";
    for (int k = 0; k < 8; k++) {
        char want[64];
        snprintf(want, sizeof want, "$s%d using 1:2 with points pt '%c'", k, chars[k]);
        assert_contains(t, want);
    }
    assert_lacks(t, "pt '+'");
    assert_lacks(t, "linespoints");
    cap_close(&c);

    /* a log axis over two decades has tics at 1, 2 and 5 times each power */
    cap_open(&c, PLOT_TERMINAL);
    static const double yl[3] = {0.05, 0.3, 0.9};
    PlotSeries one = {"loss", xs, yl, 3, PLOT_LINES, 0, false};
    f.logy = true;
    assert_int_equal(plot_lines(c.p, &f, &one, 1, err), 0);
    assert_contains(cap_text(&c), "set ytics (0.01, 0.02, 0.05");
    assert_contains(cap_text(&c), ", 0.5, 1)\n");
    f.logy = false;
    cap_close(&c);

    /* a title wider than the terminal (80 columns) is cut, ending in "…" */
    cap_open(&c, PLOT_TERMINAL);
    char title[256], want[128];
    for (int i = 0; i < 200; i++)
        title[i] = (char)('a' + i % 26);
    title[200] = '\0';
    memcpy(title, "é", 2); /* two bytes, one character */
    f.title = title;
    assert_int_equal(plot_lines(c.p, &f, race, 1, err), 0);
    t = cap_text(&c);
    snprintf(want, sizeof want, "set title '%.78s\xe2\x80\xa6' noenhanced", title);
    assert_contains(t, want);
    cap_close(&c);
    /* in a file it is whole */
    cap_open(&c, PLOT_PNG);
    assert_int_equal(plot_lines(c.p, &f, race, 1, err), 0);
    assert_contains(cap_text(&c), title);
    cap_close(&c);
}

static void test_stream_live_frames(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    PlotFrame f = frame("Live", "loss");
    f.live = true;
    f.window = 3;
    PlotSeries s = {"a", X3, Y3, 3, PLOT_LINES, 0, false};
    /* files and the terminal draw no live frames */
    Cap c;
    cap_open(&c, PLOT_PNG);
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    assert_int_equal(plot_hist(c.p, &f, Y3, 3, err), 0);
    assert_string_equal(cap_text(&c), "");
    cap_close(&c);
    /* a window does, in window 3, and keeps it */
    cap_open(&c, PLOT_WINDOW);
    assert_true(plot_is_live(c.p));
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    const char *t = cap_text(&c);
    assert_contains(t, "set term qt 3 noraise persist");
    assert_contains(t, "title 'paramlab: loss'");
    assert_null(strstr(strstr(t, "set term qt 3") + 1, "set term")); /* said once */
    assert_contains(t, "print 'PLOTSYNC-2'");
    cap_close(&c);
}

static void test_stream_empty(void **state)
{
    (void)state;
    Cap c;
    cap_open(&c, PLOT_PNG);
    char err[ERR_LEN] = "";
    PlotFrame f = frame("Nothing yet", "loss");
    f.logy = true;
    PlotSeries s = {"a", X3, Y3, 0, PLOT_LINES, 0, false};
    assert_int_equal(plot_lines(c.p, &f, &s, 1, err), 0);
    assert_int_equal(plot_lines(c.p, &f, NULL, 0, err), 0);
    assert_contains(cap_text(&c), "'no data yet'");
    assert_lacks(cap_text(&c), "$s0");
    cap_close(&c);
}

/* ---- (b) quoting ---- */

static void test_quote(void **state)
{
    (void)state;
    char b[64];
    assert_string_equal(plot_quote("plain", b, sizeof b), "'plain'");
    assert_string_equal(plot_quote(NULL, b, sizeof b), "''");
    assert_string_equal(plot_quote("", b, sizeof b), "''");
    assert_string_equal(plot_quote("it's", b, sizeof b), "'it''s'");
    assert_string_equal(plot_quote("end'", b, sizeof b), "'end'''");
    /* where gnuplot would misread '' the quote is spliced in */
    assert_string_equal(plot_quote("'x", b, sizeof b), "''.\"\\047\".'x'");
    assert_string_equal(plot_quote("a''b", b, sizeof b), "'a'.\"\\047\".''.\"\\047\".'b'");
    assert_string_equal(plot_quote("a\nb\rc\td\x01" "e\x7f", b, sizeof b), "'a b c d e '");
    assert_string_equal(plot_quote("`x` @y \\z \"q\" #", b, sizeof b), "'`x` @y \\z \"q\" #'");
    assert_string_equal(plot_quote("bad \xff\xc3 byte", b, sizeof b), "'bad ?? byte'");

    /* cut to fit, never inside a UTF-8 character or a doubled quote */
    char s4[6];
    assert_string_equal(plot_quote("abcdef", s4, sizeof s4), "'abc'");
    assert_string_equal(plot_quote("a→b", s4, sizeof s4), "'a'"); /* → is 3 bytes */
    char s7[7];
    assert_string_equal(plot_quote("a→b", s7, sizeof s7), "'a→'");
    assert_string_equal(plot_quote("ab'c", s4, sizeof s4), "'ab'");
    char tiny[2] = "x";
    assert_string_equal(plot_quote("abc", tiny, sizeof tiny), "");

    char big[300], text[400];
    for (int i = 0; i < 133; i++)
        memcpy(text + 3 * i, "→", 3);
    text[399] = '\0';
    plot_quote(text, big, sizeof big);
    size_t n = strlen(big);
    assert_true(n < sizeof big);
    assert_int_equal((n - 2) % 3, 0); /* whole characters only */
    assert_int_equal(big[n - 1], '\'');
}

/* ---- real gnuplot ---- */

static bool have_gnuplot(void)
{
    const char *path = getenv("PATH");
    if (!path)
        return false;
    char dir[4096];
    for (const char *s = path; *s;) {
        size_t n = strcspn(s, ":");
        snprintf(dir, sizeof dir, "%.*s/gnuplot", (int)n, s);
        if (access(dir, X_OK) == 0)
            return true;
        s += n + (s[n] == ':');
    }
    return false;
}

#define NEED_GNUPLOT()                                        \
    do {                                                      \
        if (!have_gnuplot()) {                                \
            print_message("gnuplot is not installed: skip\n"); \
            skip();                                           \
        }                                                     \
    } while (0)

static char tmpdir[256];
static char oldcwd[4096];

static void enter_tmpdir(void)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/paramlab-plot-XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    assert_non_null(getcwd(oldcwd, sizeof oldcwd));
    assert_int_equal(chdir(tmpdir), 0);
}

static void leave_tmpdir(void)
{
    assert_int_equal(chdir(oldcwd), 0);
    char cmd[512];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
    assert_int_equal(system(cmd), 0);
}

static char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 4096 + 1 > cap) {
            cap = cap ? 2 * cap : 65536;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
        size_t r = fread(buf + n, 1, 4096, f);
        n += r;
        if (r == 0)
            break;
    }
    fclose(f);
    buf[n] = '\0';
    *len = n;
    return buf;
}

static void assert_png(const char *path)
{
    size_t n = 0;
    char *b = slurp(path, &n);
    if (!b)
        fail_msg("no file %s", path);
    if (n < 20 || memcmp(b, "\x89PNG\r\n\x1a\n", 8) != 0)
        fail_msg("%s is not a PNG (%zu bytes)", path, n);
    /* the last chunk: length 0, "IEND", CRC */
    if (memcmp(b + n - 12, "\0\0\0\0IEND", 8) != 0)
        fail_msg("%s has no IEND chunk at its end", path);
    free(b);
}

static void assert_svg(const char *path)
{
    size_t n = 0;
    char *b = slurp(path, &n);
    if (!b)
        fail_msg("no file %s", path);
    assert_contains(b, "<svg");
    if (n < 8 || !strstr(b + n - 16, "</svg>"))
        fail_msg("%s does not end with </svg>", path);
    free(b);
}

static void assert_no_pwn(void)
{
    const char *names[] = {"PWN", "PWN2", "PWN3", "PWN4", "PWN5", "PWN6", "PWN7"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char path[512];
        snprintf(path, sizeof path, "%s/%s", tmpdir, names[i]);
        if (access(path, F_OK) == 0)
            fail_msg("%s exists: text ran a command", path);
    }
}

/* ---- (c) injection ---- */

static const char *const evil[] = {
    "a'; system('touch PWN') #",
    "`touch PWN2`",
    "x\nsystem 'touch PWN3'",
    "@x",
    "\"`touch PWN4`\"",
    "'",
    "'') . system(\"touch PWN5\") . ('",
    "a''; system('touch PWN6'); ''b",
    "end \\",
    "{x}_1^2 & <svg> ; # $d0",
};

static void test_injection_titles(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    enter_tmpdir();
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    assert_non_null(p);
    for (size_t i = 0; i < sizeof evil / sizeof evil[0]; i++) {
        for (int k = 0; k < 5; k++) {
            char name[32];
            snprintf(name, sizeof name, "pic%zu_%d.png", i, k);
            assert_int_equal(plot_set_target(p, PLOT_PNG, name, err), 0);
            if (draw(p, k, evil[i], evil[i], err) != 0)
                fail_msg("kind %d, text %zu: %s", k, i, err);
            assert_png(name);
        }
    }
    plot_free(p);
    assert_no_pwn();
    leave_tmpdir();
}

static void test_injection_file_names(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    enter_tmpdir();
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    const char *names[] = {
        "a'; system('touch PWN') #.png", "`touch PWN2`.png", "@x.png", "'lead.png",
        "two''quotes'.png", "|touch PWN7", "$(touch PWN6).png",
    };
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        assert_int_equal(plot_set_target(p, PLOT_PNG, names[i], err), 0);
        if (draw(p, 0, "file name", "x", err) != 0)
            fail_msg("%s: %s", names[i], err);
        assert_png(names[i]); /* exactly that name */
    }
    assert_int_equal(plot_set_target(p, PLOT_PNG, "x\nsystem 'touch PWN3'", err), -1);
    /* the stem names the file when no file is given */
    PlotFrame f = frame("stem", "it's a stem");
    PlotSeries s = {"a", X3, Y3, 3, PLOT_LINES, 0, false};
    assert_int_equal(plot_set_target(p, PLOT_SVG, NULL, err), 0);
    assert_int_equal(plot_lines(p, &f, &s, 1, err), 0);
    assert_svg("it's a stem.svg");
    plot_free(p);
    assert_no_pwn();
    leave_tmpdir();
}

/* ---- (d) every picture in every target ---- */

static void test_render_files(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    enter_tmpdir();
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    for (int svg = 0; svg < 2; svg++)
        for (int k = 0; k < 5; k++) {
            char name[32];
            snprintf(name, sizeof name, "kind%d.%s", k, svg ? "svg" : "png");
            assert_int_equal(plot_set_target(p, svg ? PLOT_SVG : PLOT_PNG, name, err), 0);
            if (draw(p, k, "Picture — ünïcode → ok", "x_1", err) != 0)
                fail_msg("kind %d %s: %s", k, name, err);
            if (svg)
                assert_svg(name);
            else
                assert_png(name);
        }
    /* each call leaves a finished file: overwrite one and read it at once */
    assert_int_equal(plot_set_target(p, PLOT_PNG, "kind0.png", err), 0);
    for (int i = 0; i < 3; i++) {
        assert_int_equal(draw(p, i, "again", "x", err), 0);
        assert_png("kind0.png");
    }
    plot_free(p);
    leave_tmpdir();
}

static void test_render_terminal(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    setenv("COLUMNS", "90", 1);
    setenv("LINES", "30", 1);
    unsetenv("DISPLAY");
    unsetenv("WAYLAND_DISPLAY");
    char err[ERR_LEN] = "";
    char *buf = NULL;
    size_t len = 0;
    FILE *echo = open_memstream(&buf, &len);
    Plot *p = plot_new(NULL, echo);
    /* AUTO without a display is the terminal */
    assert_int_equal(plot_target(p), PLOT_TERMINAL);
    assert_false(plot_is_live(p));
    char d[64];
    assert_string_equal(plot_describe(p, d, sizeof d), "terminal (90x28)");
    for (int k = 0; k < 5; k++) {
        size_t before = len;
        char title[64];
        snprintf(title, sizeof title, "Terminal picture %d", k);
        if (draw(p, k, title, "axis", err) != 0)
            fail_msg("kind %d: %s", k, err);
        fflush(echo);
        const char *pic = buf + before;
        assert_contains(pic, title);
        assert_null(strstr(strstr(pic, title) + 1, title)); /* exactly once */
        assert_contains(pic, "+-----");
        assert_contains(pic, "|");
        assert_lacks(pic, "\f");
        assert_lacks(pic, "PLOTSYNC");
        int lines = 0;
        for (const char *s = pic; *s; s++)
            lines += *s == '\n';
        assert_in_range(lines, 10, 28);
    }
    /* a 200-character title at 80 columns shows its start, cut with "…" */
    setenv("COLUMNS", "80", 1);
    char longt[256];
    for (int i = 0; i < 200; i++)
        longt[i] = "Training loss over a long and winding road "[i % 43];
    longt[200] = '\0';
    fflush(echo);
    size_t at = len;
    if (draw(p, 0, longt, "axis", err) != 0)
        fail_msg("long title: %s", err);
    fflush(echo);
    assert_contains(buf + at, "Training loss over a long and winding road Training loss");
    assert_contains(buf + at, "\xe2\x80\xa6\n");
    setenv("COLUMNS", "90", 1);
    /* a live frame draws nothing in the terminal */
    PlotFrame f = frame("live", "loss");
    f.live = true;
    PlotSeries s = {"a", X3, Y3, 3, PLOT_LINES, 0, false};
    fflush(echo);
    size_t before = len;
    assert_int_equal(plot_lines(p, &f, &s, 1, err), 0);
    fflush(echo);
    assert_int_equal(len, before);
    /* no window without a display */
    assert_int_equal(plot_set_target(p, PLOT_WINDOW, NULL, err), -1);
    assert_contains(err, "no display");
    plot_free(p);
    fclose(echo);
    free(buf);
    unsetenv("COLUMNS");
    unsetenv("LINES");
}

/* Odd data gnuplot must still draw without complaint: one point, all NaN,
 * constant values, huge values, zeros on a log axis, a flat or gappy map,
 * more classes than colours, a reversed range, a narrow terminal. */
static void test_odd_data(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    enter_tmpdir();
    setenv("COLUMNS", "60", 1);
    setenv("LINES", "17", 1);
    char err[ERR_LEN] = "";
    char *buf = NULL;
    size_t len = 0;
    FILE *echo = open_memstream(&buf, &len);
    Plot *p = plot_new(NULL, echo);
    double one[1] = {2.0}, nan3[3] = {NAN, NAN, NAN}, c3[3] = {5, 5, 5};
    double big[3] = {1e300, -1e300, 0}, v[100];
    for (int i = 0; i < 100; i++)
        v[i] = i % 10 == 0 ? 0 : exp(i / 10.0);
    double flat[9] = {1, 1, 1, 1, 1, 1, 1, 1, 1}, gaps[9] = {1, NAN, 2, 3, 4, NAN, 5, 6, 7};
    double cls[9] = {0, 3, 11, 7, 8, 9, 1, 2, 5};
    for (int t = 0; t < 2; t++) {
        assert_int_equal(plot_set_target(p, t ? PLOT_TERMINAL : PLOT_PNG, "odd.png", err), 0);
        PlotFrame f = frame("odd data with a rather long title for a narrow terminal", "odd");
        PlotSeries s[4] = {
            {"one point", one, one, 1, PLOT_LINESPOINTS, -1, false},
            {"all NaN", X3, nan3, 3, PLOT_LINES, -1, false},
            {"constant", X3, c3, 3, PLOT_LINES, -1, false},
            {"huge", X3, big, 3, PLOT_STEPS, -1, false},
        };
        for (int i = 0; i < 4; i++)
            if (plot_lines(p, &f, &s[i], 1, err) != 0)
                fail_msg("series %d: %s", i, err);
        assert_int_equal(plot_lines(p, &f, s, 4, err), 0);
        assert_int_equal(plot_hist(p, &f, one, 1, err), 0);
        assert_int_equal(plot_hist(p, &f, nan3, 3, err), 0);
        assert_int_equal(plot_hist(p, &f, big, 3, err), 0);
        f.logy = true;
        if (plot_hist(p, &f, v, 100, err) != 0)
            fail_msg("log hist: %s", err);
        assert_int_equal(plot_lines(p, &f, &s[2], 1, err), 0);
        f.logy = false;
        PlotMap m = {3, 3, 0, 1, 0, 1, flat, NULL, 2, "z", PLOT_HEAT, false, 0, NULL, NULL};
        assert_int_equal(plot_map(p, &f, &m, NULL, 0, err), 0);
        m.logz = true;
        assert_int_equal(plot_map(p, &f, &m, NULL, 0, err), 0);
        m.logz = false;
        m.z = gaps;
        assert_int_equal(plot_map(p, &f, &m, NULL, 0, err), 0);
        m.style = PLOT_CONTOUR;
        assert_int_equal(plot_map(p, &f, &m, NULL, 0, err), 0);
        m.style = PLOT_CLASSES;
        m.n_classes = 12;
        m.z = cls;
        assert_int_equal(plot_map(p, &f, &m, s, 1, err), 0);
        m.x0 = 1;
        m.x1 = 0;
        m.style = PLOT_HEAT;
        m.z = gaps;
        m.contours = 30;
        assert_int_equal(plot_map(p, &f, &m, s, 1, err), 0);
    }
    fflush(echo);
    assert_contains(buf, "odd data with a rather long title");
    plot_free(p);
    fclose(echo);
    free(buf);
    unsetenv("COLUMNS");
    unsetenv("LINES");
    leave_tmpdir();
}

/* ---- (e) no gnuplot ---- */

static void test_missing_gnuplot(void **state)
{
    (void)state;
    char err[ERR_LEN] = "";
    Plot *p = plot_new("/nonexistent/gnuplot", NULL);
    assert_non_null(p);
    assert_false(plot_running(p));
    assert_int_equal(plot_set_target(p, PLOT_PNG, "/tmp/never.png", err), 0);
    for (int i = 0; i < 2; i++) {
        err[0] = '\0';
        assert_int_equal(draw(p, i, "t", "x", err), -1);
        assert_contains(err, "gnuplot is not installed");
        assert_contains(err, "sudo apt-get install gnuplot");
        assert_lacks(err, "\n");
        assert_int_equal(plot_failure(p), PLOT_FAIL_MISSING);
    }
    assert_false(plot_running(p));
    plot_free(p);
    assert_int_equal(access("/tmp/never.png", F_OK), -1);

    /* $PARAMLAB_GNUPLOT names the program when none is given */
    setenv("PARAMLAB_GNUPLOT", "/nonexistent/gp2", 1);
    p = plot_new(NULL, NULL);
    assert_int_equal(plot_set_target(p, PLOT_SVG, NULL, err), 0);
    assert_int_equal(draw(p, 0, "t", "x", err), -1);
    assert_contains(err, "/nonexistent/gp2");
    plot_free(p);
    unsetenv("PARAMLAB_GNUPLOT");
}

/* ---- (f) gnuplot that dies ---- */

/* Writes an executable shell script into the temporary directory. */
static void fake(const char *name, const char *body, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", tmpdir, name);
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fprintf(f, "#!/bin/sh\n%s\n", body);
    fclose(f);
    assert_int_equal(chmod(path, 0755), 0);
}

/* The display the tests were started with ("" when none), for the one
 * test that opens a real window. */
static char start_display[256];

/* A fake X server: a socket that takes connections where X clients look
 * for display :N (Linux's abstract namespace), and DISPLAY=:N. Returns
 * the listening socket, to close; N + 1 is free (nothing listens there). */
static int fake_display(int *n)
{
    *n = 50000 + (int)(getpid() % 9000);
    int fd = socket(AF_UNIX, SOCK_STREAM, 0);
    assert_true(fd >= 0);
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    int len = snprintf(a.sun_path + 1, sizeof a.sun_path - 1, "/tmp/.X11-unix/X%d", *n);
    assert_int_equal(bind(fd, (struct sockaddr *)&a,
                          (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)len)), 0);
    assert_int_equal(listen(fd, 16), 0);
    char d[32];
    snprintf(d, sizeof d, ":%d", *n);
    setenv("DISPLAY", d, 1);
    return fd;
}

/* Answers the start-up handshake like gnuplot would. */
#define HANDSHAKE                                                   \
    "while IFS= read -r line; do\n"                                  \
    "  case \"$line\" in \"print 'PLOTSYNC-\"*)\n"                   \
    "    n=${line#\"print 'PLOTSYNC-\"}; echo \"PLOTSYNC-${n%\\'}\" >&2; break;;\n" \
    "  esac\n"                                                       \
    "done\n"

static void test_dying_fakes(void **state)
{
    (void)state;
    enter_tmpdir();
    char err[ERR_LEN] = "", path[512];
    static double x[4096], y[4096];
    for (int i = 0; i < 4096; i++) {
        x[i] = i;
        y[i] = 1.0 / (i + 1);
    }
    PlotFrame f = frame("dies", "loss");
    PlotSeries s = {"a", x, y, 4096, PLOT_LINES, 0, false}; /* more than a pipe holds */

    /* exits at once */
    fake("exit3", "exit 3", path, sizeof path);
    Plot *p = plot_new(path, NULL);
    assert_int_equal(plot_set_target(p, PLOT_PNG, "x.png", err), 0);
    for (int i = 0; i < 2; i++) { /* and again, cleanly */
        assert_int_equal(plot_lines(p, &f, &s, 1, err), -1);
        assert_contains(err, "gnuplot stopped (exit status 3); plotting is off until the next "
                             "plot command");
        assert_int_equal(plot_failure(p), PLOT_FAIL_STOPPED);
        assert_false(plot_running(p));
    }
    plot_free(p);

    /* reads one line, then exits */
    fake("oneline", "read -r line; exit 0", path, sizeof path);
    p = plot_new(path, NULL);
    assert_int_equal(plot_lines(p, &f, &s, 1, err), -1);
    assert_contains(err, "gnuplot stopped (exit status 0)");
    plot_free(p);

    /* starts fine, then dies after the first line of a picture */
    fake("later", HANDSHAKE "read -r line; exit 5", path, sizeof path);
    p = plot_new(path, NULL);
    assert_int_equal(plot_set_target(p, PLOT_PNG, "x.png", err), 0);
    for (int i = 0; i < 2; i++) {
        assert_int_equal(plot_lines(p, &f, &s, 1, err), -1);
        assert_contains(err, "gnuplot stopped (exit status 5)");
        assert_int_equal(plot_pid(p), 0);
    }
    plot_free(p);

    /* a missing program inside the fake's own exec: exit status 127 */
    fake("exec127", "exec /nonexistent/gnuplot-too", path, sizeof path);
    p = plot_new(path, NULL);
    assert_int_equal(plot_lines(p, &f, &s, 1, err), -1);
    assert_contains(err, "gnuplot is not installed");
    assert_int_equal(plot_failure(p), PLOT_FAIL_MISSING);
    plot_free(p);
    leave_tmpdir();
}

static void test_killed_gnuplot(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    enter_tmpdir();
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    assert_int_equal(plot_set_target(p, PLOT_PNG, "k.png", err), 0);
    assert_int_equal(draw(p, 0, "first", "x", err), 0);
    pid_t pid = plot_pid(p);
    assert_true(pid > 0);
    assert_true(plot_running(p));
    assert_int_equal(kill(pid, SIGKILL), 0);
    /* the next call says what happened and reaps it; the one after restarts it */
    assert_int_equal(draw(p, 0, "second", "x", err), -1);
    assert_contains(err, "gnuplot stopped (killed by signal 9); plotting is off until the next "
                         "plot command");
    assert_false(plot_running(p));
    assert_int_equal(waitpid(pid, NULL, WNOHANG), -1); /* already reaped: no zombie */
    assert_int_equal(errno, ECHILD);
    assert_int_equal(draw(p, 1, "third", "x", err), 0);
    assert_png("k.png");
    pid_t pid2 = plot_pid(p);
    assert_true(pid2 > 0 && pid2 != pid);
    /* its own process group, so Ctrl-C at the terminal does not reach it */
    assert_int_equal(getpgid(pid2), pid2);
    assert_true(getpgid(pid2) != getpgid(0));
    plot_free(p);
    assert_int_equal(waitpid(pid2, NULL, WNOHANG), -1); /* plot_free reaped it */
    assert_int_equal(kill(pid2, 0), -1);
    leave_tmpdir();
}

/* Live frames in a window: a fake gnuplot with a qt terminal that takes
 * 0.2 s per picture. Frames are dropped while it is busy, a live call
 * never waits for it, a whole picture does. */
static void test_live_frames(void **state)
{
    (void)state;
    enter_tmpdir();
    char err[ERR_LEN] = "", path[512];
    fake("slowqt",
         "while IFS= read -r line; do\n"
         "  case \"$line\" in\n"
         "    \"print 'PLOTTERMS '\"*) echo 'PLOTTERMS  dumb png qt svg' >&2;;\n"
         "    \"print 'PLOTSYNC-\"*) n=${line#\"print 'PLOTSYNC-\"}; n=${n%\\'}\n"
         "      [ \"$n\" != 1 ] && sleep 0.2; echo \"$n\" >>frames.log; echo \"PLOTSYNC-$n\" >&2;;\n"
         "  esac\n"
         "done",
         path, sizeof path);
    int dn, xfd = fake_display(&dn);
    Plot *p = plot_new(path, NULL);
    assert_int_equal(plot_target(p), PLOT_WINDOW); /* AUTO: a display and qt */
    assert_true(plot_is_live(p));
    char d[64];
    assert_string_equal(plot_describe(p, d, sizeof d), "window (qt)");
    PlotFrame f = frame("live", "loss");
    f.live = true;
    PlotSeries s = {"a", X3, Y3, 3, PLOT_LINES, 0, false};
    int calls = 0;
    double longest = 0, t0 = util_now();
    while (util_now() - t0 < 0.7) {
        double a = util_now();
        assert_int_equal(plot_lines(p, &f, &s, 1, err), 0);
        double c = util_now() - a;
        longest = c > longest ? c : longest;
        calls++;
        usleep(2000);
    }
    assert_true(longest < 0.1); /* never waited for the 0.2 s picture */
    /* plot_live_idle says when gnuplot is done with a live frame, without
     * waiting: 0 just after one was sent, 1 about 0.2 s later */
    t0 = util_now();
    while (plot_live_idle(p, err) == 0 && util_now() - t0 < 1.0)
        usleep(2000);
    assert_int_equal(plot_live_idle(p, err), 1);
    assert_int_equal(plot_lines(p, &f, &s, 1, err), 0);
    t0 = util_now();
    assert_int_equal(plot_live_idle(p, err), 0);
    assert_true(util_now() - t0 < 0.1);
    int idle;
    while ((idle = plot_live_idle(p, err)) == 0 && util_now() - t0 < 1.0)
        usleep(2000);
    assert_int_equal(idle, 1);
    assert_in_range((long)(1000 * (util_now() - t0)), 150, 900);
    /* pacing: after a live frame that took about 0.2 s the next one is
     * not due while gnuplot draws, nor long after (20 times its time),
     * although 0.1 s, the shortest gap, has long passed */
    double began = util_now();
    plot_live_began(p, began);
    assert_int_equal(plot_lines(p, &f, &s, 1, err), 0);
    int due_seen = 0;
    while (util_now() - began < 0.6) {
        due_seen += plot_live_due(p, err) != 0;
        usleep(2000);
    }
    assert_int_equal(due_seen, 0);
    assert_int_equal(plot_live_idle(p, err), 1); /* gnuplot did finish it */
    plot_live_began(p, 0); /* a whole picture: due again after 0.1 s */
    usleep(120000);
    assert_int_equal(plot_live_due(p, err), 1);
    /* the whole picture at the end waits for its marker */
    f.live = false;
    t0 = util_now();
    assert_int_equal(plot_lines(p, &f, &s, 1, err), 0);
    assert_true(util_now() - t0 >= 0.15);
    size_t n = 0;
    char *log = slurp("frames.log", &n);
    assert_non_null(log);
    int drawn = 0;
    for (char *q = log; *q; q++)
        drawn += *q == '\n';
    free(log);
    /* the handshake, 3 to 5 live frames, the two sent one at a time above,
     * the whole picture: the rest dropped */
    assert_in_range(drawn, 6, 9);
    assert_true(calls > 50);

    /* a live frame that never finishes is reported after the timeout */
    plot_set_timeout(p, 300);
    fake("slowqt", "while IFS= read -r line; do\n"
                   "  case \"$line\" in \"print 'PLOTTERMS '\"*) echo 'PLOTTERMS  qt' >&2;;\n"
                   "    \"print 'PLOTSYNC-1'\") echo PLOTSYNC-1 >&2;; esac\n"
                   "done",
         path, sizeof path);
    plot_free(p);
    p = plot_new(path, NULL);
    plot_set_timeout(p, 300);
    f.live = true;
    int rc = 0;
    t0 = util_now();
    while (rc == 0 && util_now() - t0 < 2.0) {
        rc = plot_lines(p, &f, &s, 1, err);
        usleep(5000);
    }
    assert_int_equal(rc, -1);
    assert_contains(err, "did not answer");
    assert_false(plot_running(p));
    plot_free(p);
    close(xfd);
    unsetenv("DISPLAY");
    leave_tmpdir();
}

/* A window only where the display takes a connection: a DISPLAY nobody
 * serves (a local socket, a TCP port) is refused at once, and AUTO goes
 * to the terminal; a served one is taken; a window terminal that says it
 * cannot connect ends the picture at once instead of after the timeout;
 * and where the tests were started with a working display (xvfb-run), a
 * real window is drawn. */
static void test_window_display(void **state)
{
    (void)state;
    enter_tmpdir();
    char path[512], err[ERR_LEN] = "", want[256];
    fake(
        "qt",
        "while IFS= read -r line; do\n"
        "  case \"$line\" in\n"
        "    \"print 'PLOTTERMS '\"*) echo 'PLOTTERMS  dumb png qt svg' >&2;;\n"
        "    \"print 'PLOTSYNC-1'\") echo PLOTSYNC-1 >&2;;\n"
        "    plot*) echo \"qt.qpa.xcb: could not connect to display $DISPLAY\" >&2;;\n"
        "  esac\n"
        "done",
        path, sizeof path);
    unsetenv("WAYLAND_DISPLAY");
    int dn, xfd = fake_display(&dn);
    char d[64];
    for (int i = 0; i < 2; i++) {
        snprintf(d, sizeof d, "%s:%d", i ? "127.0.0.1" : "", dn + 1);
        setenv("DISPLAY", d, 1);
        Plot *p = plot_new(path, NULL);
        double t0 = util_now();
        assert_int_equal(plot_set_target(p, PLOT_WINDOW, NULL, err), -1);
        snprintf(want, sizeof want, "no window can open: cannot connect to display %s; use "
                 "`set plot terminal`", d);
        assert_contains(err, want);
        assert_int_equal(plot_target(p), PLOT_TERMINAL); /* AUTO */
        assert_true(util_now() - t0 < 2.5);
        plot_free(p);
    }

    /* served: taken; the window terminal then fails to connect */
    snprintf(d, sizeof d, ":%d", dn);
    setenv("DISPLAY", d, 1);
    Plot *p = plot_new(path, NULL);
    assert_int_equal(plot_target(p), PLOT_WINDOW); /* AUTO */
    assert_int_equal(plot_set_target(p, PLOT_WINDOW, NULL, err), 0);
    double t0 = util_now();
    PlotFrame f = frame("window", "loss");
    PlotSeries s = {"a", X3, Y3, 3, PLOT_LINES, 0, false};
    assert_int_equal(plot_lines(p, &f, &s, 1, err), -1);
    snprintf(want, sizeof want, "no window can open: cannot connect to display %s", d);
    assert_contains(err, want);
    assert_true(util_now() - t0 < 2.5);
    assert_false(plot_running(p));
    plot_free(p);
    close(xfd);
    unsetenv("DISPLAY");
    leave_tmpdir();

    /* a real window, where there is a display */
    if (!start_display[0] || !have_gnuplot()) {
        print_message("no display or no gnuplot: the real window is skipped\n");
        return;
    }
    setenv("DISPLAY", start_display, 1);
    p = plot_new(NULL, NULL);
    int rc = plot_set_target(p, PLOT_WINDOW, NULL, err);
    if (rc != 0 && strstr(err, "cannot connect")) {
        print_message("display %s does not answer: the real window is skipped\n", start_display);
    } else if (rc != 0 && strstr(err, "no qt, wxt or x11")) {
        print_message("gnuplot has no window terminal: the real window is skipped\n");
    } else {
        assert_int_equal(rc, 0);
        if (plot_lines(p, &f, &s, 1, err) != 0)
            fail_msg("a real window: %s", err);
    }
    plot_free(p);
    unsetenv("DISPLAY");
}

/* ---- (g) an error reply ---- */

static void test_error_reply(void **state)
{
    (void)state;
    NEED_GNUPLOT();
    enter_tmpdir();
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    assert_int_equal(plot_set_target(p, PLOT_PNG, "e.png", err), 0);
    plot_test_fault(p);
    assert_int_equal(draw(p, 0, "bad", "x", err), -1);
    assert_contains(err, "gnuplot: unrecognized option");
    assert_lacks(err, "\n");
    assert_true(plot_running(p)); /* gnuplot itself is fine */
    assert_int_equal(plot_failure(p), PLOT_FAIL_NONE);
    assert_int_equal(draw(p, 0, "good", "x", err), 0);
    assert_png("e.png");

    /* a file gnuplot cannot open is its complaint, not a hang */
    assert_int_equal(plot_set_target(p, PLOT_PNG, "no/such/dir/e.png", err), 0);
    assert_int_equal(draw(p, 1, "nowhere", "x", err), -1);
    assert_contains(err, "gnuplot: cannot open file");
    assert_int_equal(plot_set_target(p, PLOT_SVG, "ok.svg", err), 0);
    assert_int_equal(draw(p, 2, "fine again", "x", err), 0);
    assert_svg("ok.svg");
    plot_free(p);
    leave_tmpdir();
}

/* ---- (h) a gnuplot that never answers ---- */

static void test_timeout(void **state)
{
    (void)state;
    enter_tmpdir();
    char err[ERR_LEN] = "", path[512];
    fake("silent", "while read -r line; do :; done", path, sizeof path);
    Plot *p = plot_new(path, NULL);
    plot_set_timeout(p, 300);
    double t0 = util_now();
    assert_int_equal(draw(p, 0, "t", "x", err), -1);
    assert_true(util_now() - t0 < 2.0);
    assert_contains(err, "did not answer within 0.3 s");
    assert_false(plot_running(p));

    /* one that answers the handshake, then reads nothing: the write times out */
    fake("stuck", HANDSHAKE "sleep 30", path, sizeof path);
    plot_free(p);
    p = plot_new(path, NULL);
    plot_set_timeout(p, 300);
    static double x[20000], y[20000];
    for (int i = 0; i < 20000; i++) {
        x[i] = i;
        y[i] = i;
    }
    PlotFrame f = frame("big", "loss");
    PlotSeries s = {"a", x, y, 20000, PLOT_LINES, 0, false};
    t0 = util_now();
    assert_int_equal(plot_lines(p, &f, &s, 1, err), -1);
    assert_true(util_now() - t0 < 2.0);
    assert_contains(err, "did not answer");
    t0 = util_now();
    plot_free(p); /* nothing left to wait for: quick */
    assert_true(util_now() - t0 < 1.5);
    leave_tmpdir();
}

int main(void)
{
    const char *d = getenv("DISPLAY");
    snprintf(start_display, sizeof start_display, "%s", d ? d : "");
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_lines),
        cmocka_unit_test(test_stream_margin),
        cmocka_unit_test(test_stream_dashed_one_point),
        cmocka_unit_test(test_stream_logy_and_numbers),
        cmocka_unit_test(test_stream_file_names),
        cmocka_unit_test(test_stream_hist),
        cmocka_unit_test(test_stream_maps),
        cmocka_unit_test(test_stream_terminal_chars),
        cmocka_unit_test(test_stream_live_frames),
        cmocka_unit_test(test_stream_empty),
        cmocka_unit_test(test_quote),
        cmocka_unit_test(test_injection_titles),
        cmocka_unit_test(test_injection_file_names),
        cmocka_unit_test(test_render_files),
        cmocka_unit_test(test_render_terminal),
        cmocka_unit_test(test_odd_data),
        cmocka_unit_test(test_missing_gnuplot),
        cmocka_unit_test(test_dying_fakes),
        cmocka_unit_test(test_killed_gnuplot),
        cmocka_unit_test(test_live_frames),
        cmocka_unit_test(test_window_display),
        cmocka_unit_test(test_error_reply),
        cmocka_unit_test(test_timeout),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
