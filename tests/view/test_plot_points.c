/* test_plot_points.c — points at two values coloured by a third
 * (plot_points.c), as a random search's trials: axes of numbers at their
 * values (linear or log, ticked at the values tried) or of names at
 * 0..n-1, the points from the highest value to the lowest, those without
 * a value apart, the best ringed; the terminal's shades, 'B' and 'x' and
 * the line naming the shades; names escaped; refusals; real gnuplot
 * writing a PNG and a terminal picture. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "plot.h"
#include "plot_capture.h"
#include "util.h"

/* Four trials of a random search over lr (a log range) and batch (8, 32, 128); the third failed. */
static const double LR[4] = {0.05, 0.002, 0.2, 0.01};
static const double BATCH[4] = {32, 8, 128, 32};
static const double LOSS[4] = {0.4, 0.7, NAN, 0.3};
static const double BATCH_AT[3] = {8, 32, 128};
static const char *const BATCH_NAMES[3] = {"8", "32", "128"};

static PlotPoints lr_batch(void)
{
    PlotPoints m = {4, LR, BATCH, LOSS, 3, "best: trial 4, validation loss 0.3", "validation loss", "failed", false,
                    {PLOT_AXIS_LOG, 0, NULL, NULL}, {PLOT_AXIS_LOG, 3, BATCH_AT, BATCH_NAMES}, NULL};
    return m;
}

static char *stream_of(const PlotPoints *m, PlotTarget t, int *rc, char **echo, char *err)
{
    Capture k;
    PlotFrame fr = {"Search: validation loss over lr and batch", "lr (log scale)", "batch (log scale)", "search", 12,
                    false, false};
    *rc = plot_points(capture_begin(&k, t, echo != NULL), &fr, m, err);
    capture_end(&k);
    if (echo)
        *echo = k.echo;
    else
        free(k.echo);
    return k.cmds;
}

static void test_stream_numbers(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    int rc;
    PlotPoints m = lr_batch();
    char *t = stream_of(&m, PLOT_PNG, &rc, NULL, err);
    assert_int_equal(rc, 0);
    /* batch at its values, on a log axis ticked with the values tried */
    assert_contains(t, "set logscale y\n");
    assert_contains(t, "set ytics ('8' 8, '32' 32, '128' 128) noenhanced\n");
    assert_contains(t, "set logscale x\n");
    /* lr over two decades: 1, 2 and 5 times each power of ten */
    assert_contains(t, "set xtics (0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2) noenhanced\n");
    /* each point at (lr, batch) with its loss, the highest first; the failed one apart */
    assert_contains(t, "$none << EOD\n0.20000000000000001 128\nEOD\n");
    assert_contains(t, "$pts << EOD\n0.002 8 0.69999999999999996 \".\"\n"
                       "0.050000000000000003 32 0.40000000000000002 \"#\"\n"
                       "0.01 32 0.29999999999999999 \"@\"\nEOD\n");
    assert_contains(t, "$best << EOD\n0.01 32\nEOD\n");
    assert_contains(t, "set cbrange [0.29999999999999999:0.69999999999999996]");
    assert_contains(t, "$pts using 1:2:3 with points pt 7 ps 1.6 lc palette notitle");
    assert_contains(t, "title 'failed'");
    assert_contains(t, "$best using 1:2 with points pt 6 ps 3.2 lw 2.5 lc rgb '#d55e00' title "
                       "'best: trial 4, validation loss 0.3'");
    /* the failed points first, under the others */
    assert_true(strstr(t, "plot $none") != NULL);
    free(t);
}

static void test_stream_names_and_one_colour(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    int rc;
    /* optimizer (names at 0, 1) against the loss: no colours, the points one colour */
    const char *names[] = {"sgd", "it's'; system('touch PWN') #"};
    double x[3] = {0, 1, 1}, y[3] = {0.5, 0.2, 0.9};
    PlotPoints m = {3, x, y, NULL, 1, "best", NULL, NULL, false, {PLOT_AXIS_NAMES, 2, NULL, names},
                    {PLOT_AXIS_LINEAR, 0, NULL, NULL}, "trials"};
    char *t = stream_of(&m, PLOT_SVG, &rc, NULL, err);
    assert_int_equal(rc, 0);
    assert_contains(t, "set xrange [-0.5:1.5]\nset xtics ('sgd' 0, 'it''s''; system(''touch PWN'') #' 1) noenhanced");
    assert_null(strstr(t, "set logscale"));
    assert_contains(t, "$pts << EOD\n0 0.5\n1 0.20000000000000001\n1 0.90000000000000002\nEOD\n");
    assert_contains(t, "with points pt 7 ps 1.2 lc rgb '#0072b2' title 'trials'");
    assert_contains(t, "unset colorbox");
    free(t);
}

static void test_stream_terminal(void **st)
{
    (void)st;
    char err[ERR_LEN] = "", *echo = NULL;
    int rc;
    PlotPoints m = lr_batch();
    char *t = stream_of(&m, PLOT_TERMINAL, &rc, &echo, err);
    assert_int_equal(rc, 0);
    assert_contains(t, "$pts using 1:2:4 with labels notitle");
    assert_contains(t, "$none using 1:2 with points pt 'x' title 'failed'");
    assert_contains(t, "$best using 1:2 with points pt 'B' title 'best: trial 4, validation loss 0.3'");
    assert_contains(t, "unset mxtics\nunset mytics\nset tics back\n");
    assert_null(strstr(t, "palette"));
    assert_string_equal(echo, "shades \".:-=*#%@\" of validation loss: @ 0.3 (lowest) .. . 0.7 (highest)\n");
    free(t);
    free(echo);
}

static void test_refusals(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    int rc;
    PlotPoints m = lr_batch();
    m.best = 4;
    free(stream_of(&m, PLOT_PNG, &rc, NULL, err));
    assert_int_equal(rc, -1);
    assert_contains(err, "each axis 1 to 256 names");
    m = lr_batch();
    m.ax.kind = PLOT_AXIS_NAMES; /* names, but none */
    free(stream_of(&m, PLOT_PNG, &rc, NULL, err));
    assert_int_equal(rc, -1);
    m = lr_batch();
    m.ay.tick_names = NULL;
    free(stream_of(&m, PLOT_PNG, &rc, NULL, err));
    assert_int_equal(rc, -1);
    /* nothing drawable: an empty picture, not an error */
    double nan4[4] = {NAN, NAN, NAN, NAN};
    m = lr_batch();
    m.x = nan4;
    char *t = stream_of(&m, PLOT_PNG, &rc, NULL, err);
    assert_int_equal(rc, 0);
    assert_contains(t, "'nothing to draw'");
    free(t);
}

static void test_real_gnuplot(void **st)
{
    (void)st;
    SKIP_WITHOUT_GNUPLOT();
    char dir[] = "/tmp/paramlab-points-XXXXXX", png[300], err[ERR_LEN] = "";
    Plot *p = png_plot(dir, png, sizeof png);
    PlotPoints m = lr_batch();
    PlotFrame fr = {"points", "lr", "batch", "search", 12, false, false};
    if (plot_points(p, &fr, &m, err) != 0)
        fail_msg("png: %s", err);
    plot_free(p);
    assert_png(png);
    remove_dir(dir);
    /* the terminal: every point in its character, the best as B, the failed as x */
    Capture k;
    memset(&k, 0, sizeof k);
    Plot *q = plot_new(NULL, NULL);
    assert_non_null(q);
    k.fe = open_memstream(&k.echo, &k.ne);
    plot_set_echo(q, k.fe);
    assert_int_equal(plot_set_target(q, PLOT_TERMINAL, NULL, err), 0);
    if (plot_points(q, &fr, &m, err) != 0)
        fail_msg("terminal: %s", err);
    plot_free(q);
    fclose(k.fe);
    assert_contains(k.echo, "B");
    assert_contains(k.echo, " 128 |");
    assert_contains(k.echo, "failed  x");
    assert_contains(k.echo, "shades \".:-=*#%@\" of validation loss");
    free(k.echo);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_stream_numbers),
        cmocka_unit_test(test_stream_names_and_one_colour),
        cmocka_unit_test(test_stream_terminal),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_real_gnuplot),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
