/* test_plot_cells.c — tables of values over two lists of named values
 * (plot_cells.c): the terminal table (values as the heads, a shade per
 * cell, the word for a missing value, wrapping by columns, a log scale),
 * the command stream for windows and files (one whole cell per value at
 * 0..n-1, the ticks named by the values and escaped, the numbers in the
 * cells), refusals, and real gnuplot writing a PNG. */
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

/* A grid search's losses over lr (across) and batch (down); one failed. */
static const double Z[6] = {0.8, 0.5, 0.4, 0.9, 0.6, NAN};
static const char *const LR[] = {"0.01", "0.1", "0.3"};
static const char *const BATCH[] = {"8", "16"};

static void test_text(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    PlotCells m = {3, 2, Z, LR, BATCH, "validation loss", "failed", false};
    char *t = plot_cells_text(&m, "lr", "batch", 80, err);
    assert_non_null(t);
    /* 0.4 the darkest, 0.9 the lightest; the failed cell has no shade */
    assert_string_equal(t, "        lr\n"
                           "batch   0.01        0.1         0.3\n"
                           "8       -- 0.8      ## 0.5      @@ 0.4\n"
                           "16      .. 0.9      ** 0.6         failed\n"
                           "shades \".:-=+*#%@\" of validation loss: @@ 0.4 (lowest) .. 0.9 (highest)\n");
    free(t);
}

static void test_text_wraps_and_log(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    PlotCells m = {3, 2, Z, LR, BATCH, NULL, NULL, false};
    /* 28 columns hold the row names and two columns: the third comes below */
    char *t = plot_cells_text(&m, "lr", "batch", 28, err);
    assert_non_null(t);
    assert_string_equal(t, "        lr\n"
                           "batch   0.01     0.1\n"
                           "8       -- 0.8   ## 0.5\n"
                           "16      .. 0.9   ** 0.6\n"
                           "\n"
                           "        lr\n"
                           "batch   0.3\n"
                           "8       @@ 0.4\n"
                           "16         -\n"
                           "shades \".:-=+*#%@\" of value:\n"
                           "  @@ 0.4 (lowest) .. 0.9 (highest)\n");
    free(t);
    /* a log scale: 1, 10, 100 evenly spaced shades; no row names, no column for them */
    double z[3] = {1, 10, 100};
    const char *blank[] = {""};
    PlotCells lg = {3, 1, z, LR, blank, "loss", NULL, true};
    t = plot_cells_text(&lg, "lr", "", 80, err);
    assert_non_null(t);
    assert_string_equal(t, "lr\n"
                           "0.01     0.1      0.3\n"
                           "@@ 1     ++ 10    .. 100\n"
                           "shades \".:-=+*#%@\" of loss: @@ 1 (lowest) .. 100 (highest) (on a log scale)\n");
    free(t);
}

static void test_refusals(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    PlotCells none = {0, 2, Z, LR, BATCH, NULL, NULL, false};
    assert_null(plot_cells_text(&none, "a", "b", 80, err));
    assert_contains(err, "1 to 256 named columns and rows");
    const char *holes[] = {"8", NULL};
    PlotCells hole = {3, 2, Z, LR, holes, NULL, NULL, false};
    assert_null(plot_cells_text(&hole, "a", "b", 80, err));
}

/* ---- the command stream (no gnuplot) ---- */

static char *stream_of(const PlotCells *m, int *rc, char *err)
{
    Capture k;
    PlotFrame fr = {"Search: validation loss over lr and batch", "lr", "batch", "search", 12, false, false};
    *rc = plot_cells(capture_begin(&k, PLOT_PNG, false), &fr, m, err);
    capture_end(&k);
    return k.cmds;
}

static void test_stream(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    const char *names[] = {"it's", "b'; system('touch PWN') #", "0.3"};
    PlotCells m = {3, 2, Z, names, BATCH, "validation loss", "failed", false};
    int rc;
    char *t = stream_of(&m, &rc, err);
    assert_int_equal(rc, 0);
    /* every cell whole: the range reaches half a cell beyond the first and last */
    assert_contains(t, "set xrange [-0.5:2.5]\nset yrange [-0.5:1.5]\n");
    assert_contains(t, "set xtics ('it''s' 0, 'b''; system(''touch PWN'') #' 1, '0.3' 2) scale 0");
    assert_contains(t, "set ytics ('8' 0, '16' 1) scale 0");
    /* the failed cell is not coloured; its word is written in black */
    assert_contains(t, "$cells << EOD\n0 0 0.80000000000000004\n1 0 0.5\n2 0 0.40000000000000002\n"
                       "0 1 0.90000000000000002\n1 1 0.59999999999999998\nEOD\n");
    assert_contains(t, "$dark << EOD\n1 0 \"0.5\"\n2 0 \"0.4\"\n1 1 \"0.6\"\nEOD\n");
    assert_contains(t, "$light << EOD\n0 0 \"0.8\"\n0 1 \"0.9\"\n2 1 \"failed\"\nEOD\n");
    assert_contains(t, "set cbrange [0.40000000000000002:0.90000000000000002]");
    assert_contains(t, "set cblabel 'validation loss'");
    assert_contains(t, "with boxxyerror lc palette notitle");
    assert_contains(t, "$dark using 1:2:3 with labels tc rgb '#ffffff'");
    assert_contains(t, "unset grid\n"); /* no grid lines across the cells */
    free(t);
    /* nothing to colour: the words alone, no colour bar */
    double nan2[2] = {NAN, NAN};
    const char *one[] = {"x"};
    PlotCells empty = {2, 1, nan2, LR, one, NULL, "failed", false};
    t = stream_of(&empty, &rc, err);
    assert_int_equal(rc, 0);
    assert_contains(t, "unset colorbox");
    assert_contains(t, "plot $light using 1:2:3 with labels");
    assert_null(strstr(t, "boxxyerror"));
    free(t);
}

static void test_terminal_goes_to_echo(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    Capture k;
    PlotCells m = {3, 2, Z, LR, BATCH, "validation loss", "failed", false};
    PlotFrame fr = {"Search: validation loss over lr and batch", "lr", "batch", "search", 12, false, false};
    assert_int_equal(plot_cells(capture_begin(&k, PLOT_TERMINAL, true), &fr, &m, err), 0);
    capture_end(&k);
    assert_true(strncmp(k.echo, "Search: validation loss over lr and batch\n        lr\nbatch   0.01", 64) == 0);
    assert_true(k.cmds == NULL || strstr(k.cmds, "$cells") == NULL); /* gnuplot gets nothing */
    capture_free(&k);
}

static void test_real_png(void **st)
{
    (void)st;
    SKIP_WITHOUT_GNUPLOT();
    char dir[] = "/tmp/paramlab-cells-XXXXXX", png[300], err[ERR_LEN] = "";
    Plot *p = png_plot(dir, png, sizeof png);
    PlotCells m = {3, 2, Z, LR, BATCH, "validation loss", "failed", true};
    PlotFrame fr = {"cells", "lr", "batch", "search", 12, false, false};
    if (plot_cells(p, &fr, &m, err) != 0)
        fail_msg("png: %s", err);
    double one = 0.5;
    const char *x[] = {"adam"}, *y[] = {""};
    PlotCells single = {1, 1, &one, x, y, NULL, NULL, false}; /* one value: a scale around it */
    if (plot_cells(p, &fr, &single, err) != 0)
        fail_msg("one cell: %s", err);
    plot_free(p);
    assert_png(png);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text),
        cmocka_unit_test(test_text_wraps_and_log),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_stream),
        cmocka_unit_test(test_terminal_goes_to_echo),
        cmocka_unit_test(test_real_png),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
