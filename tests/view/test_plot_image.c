/* test_plot_image.c — grids of small images (plot_image.c): the terminal
 * drawing (shades, two characters a pixel, layout by width, titles, each
 * range mode, '?' for what is not a number), the command stream for
 * windows and files (pixels, palette, scale, escaped titles), refusals,
 * and real gnuplot writing a PNG and an SVG of a grid whose titles try to
 * run commands. */
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

/* Two 2x3 images: a ramp 0..5 and its negative. */
static const double TWO[12] = {0, 1, 2, 3, 4, 5, 0, -1, -2, -3, -4, -5};

static void test_text_shared_scale(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    const char *titles[] = {"ramp", "neg"};
    PlotImages im = {TWO, 1, 2, 3, titles, PLOT_RANGE_SHARED, "pixel", NULL};
    char *t = plot_images_text(&im, 80, err);
    assert_non_null(t);
    /* 0 is blank, 5 the darkest '@'; each pixel two characters */
    assert_string_equal(t, "ramp\n"
                           "  ::==\n"
                           "++##@@\n"
                           "shades \" .:-=+*#%@\" from 0 to 5 (pixel)\n");
    free(t);
}

static void test_text_layout_by_width(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    double v[5 * 4];
    for (int i = 0; i < 20; i++)
        v[i] = i % 4;
    const char *titles[] = {"0", "1", "2", "3", "4"};
    PlotImages im = {v, 5, 2, 2, titles, PLOT_RANGE_SHARED, NULL, NULL};
    /* a tile is 4 characters and 2 between: 14 columns hold 2 images a row */
    char *t = plot_images_text(&im, 14, err);
    assert_non_null(t);
    assert_string_equal(t, "0     1\n"
                           "  --    --\n"
                           "**@@  **@@\n"
                           "\n"
                           "2     3\n"
                           "  --    --\n"
                           "**@@  **@@\n"
                           "\n"
                           "4\n"
                           "  --\n"
                           "**@@\n"
                           "shades \" .:-=+*#%@\" from 0 to 3 (value)\n");
    free(t);
    /* narrower than two characters a pixel: one character a pixel */
    PlotImages wide = {v, 1, 1, 20, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    t = plot_images_text(&wide, 30, err);
    assert_non_null(t);
    assert_string_equal(t, " -*@ -*@ -*@ -*@ -*@\nshades \" .:-=+*#%@\" from 0 to 3 (value)\n");
    free(t);
}

static void test_text_signed_and_each(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    PlotImages im = {TWO, 2, 2, 3, NULL, PLOT_RANGE_SYMMETRIC, "weight", NULL};
    char *t = plot_images_text(&im, 80, err);
    assert_non_null(t);
    /* -5..5 in 7 shades: 0 blank, 1 and 2 '+', 5 '#', -3 and -4 '=', -5 '%' */
    assert_string_equal(t, "  ++++    ----\n"
                           "****##  ====%%\n"
                           "shades \"%=- +*#\" from -5 to 5 (weight), blank near 0\n");
    free(t);
    /* each image on its own scale: the second image 0..-5 spans the ramp too */
    PlotImages each = {TWO, 2, 2, 3, NULL, PLOT_RANGE_EACH, NULL, NULL};
    t = plot_images_text(&each, 80, err);
    assert_non_null(t);
    assert_string_equal(t, "  ::==  @@##++\n"
                           "++##@@  ==::\n"
                           "shades \" .:-=+*#%@\" from each image's smallest to its largest value\n");
    free(t);
}

static void test_text_odd_values(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    double v[4] = {NAN, 2, 2, INFINITY};
    PlotImages im = {v, 1, 2, 2, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    char *t = plot_images_text(&im, 80, err);
    assert_non_null(t);
    /* not a number: '?'; a constant image sits mid-scale */
    assert_string_equal(t, "??++\n++??\nshades \" .:-=+*#%@\" from 1.5 to 2.5 (value)\n");
    free(t);
    /* long and UTF-8 titles are cut to the tile, on a character boundary */
    const char *titles[] = {"ÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿÿ"};
    double one[1] = {1};
    PlotImages tiny = {one, 1, 1, 1, titles, PLOT_RANGE_SHARED, NULL, NULL};
    t = plot_images_text(&tiny, 80, err);
    assert_non_null(t);
    assert_contains(t, "ÿÿÿÿÿÿÿÿÿÿÿ…\n");
    free(t);
}

static void test_refusals(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    PlotImages none = {TWO, 0, 2, 3, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    assert_null(plot_images_text(&none, 80, err));
    assert_contains(err, "1 to 4096 images");
    PlotImages big = {TWO, 1, 2, PLOT_IMAGE_MAX_SIDE + 1, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    assert_null(plot_images_text(&big, 80, err));
    PlotImages nodata = {NULL, 1, 2, 3, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    assert_null(plot_images_text(&nodata, 80, err));
}

/* Images of different sizes in one grid (an input beside its smaller
 * maps): each drawn at its tile's top left, a grid row as tall as its
 * tallest image, the values read one image after another; sizes larger
 * than the tile are refused. */
static void test_text_mixed_sizes(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    /* a 2x3 ramp 0..5, then a 1x2 image -5 -4, then a 2x1 image 1 2 */
    const double v[10] = {0, 1, 2, 3, 4, 5, -5, -4, 1, 2};
    const int sizes[6] = {2, 3, 1, 2, 2, 1};
    const char *titles[] = {"in", "a", "b"};
    PlotImages im = {v, 3, 2, 3, titles, PLOT_RANGE_SYMMETRIC_EACH, "A1", sizes};
    char *t = plot_images_text(&im, 80, err);
    assert_non_null(t);
    assert_string_equal(t, "in      a       b\n"
                           "  ++++  %%==    **\n"
                           "****##          ##\n"
                           "shades \"%=- +*#\" from -m to +m, m the largest |A1| of each image, blank near 0\n");
    free(t);
    /* two to a line: the second grid row holds the 2x1 image alone */
    t = plot_images_text(&im, 14, err);
    assert_non_null(t);
    assert_string_equal(t, "in      a\n"
                           "  ++++  %%==\n"
                           "****##\n"
                           "\n"
                           "b\n"
                           "**\n"
                           "##\n"
                           "shades \"%=- +*#\" from -m to +m, m the largest |A1| of each image, blank near 0\n");
    free(t);
    const int too_big[6] = {3, 3, 1, 2, 2, 1};
    PlotImages bad = {v, 3, 2, 3, titles, PLOT_RANGE_SHARED, NULL, too_big};
    assert_null(plot_images_text(&bad, 80, err));
    assert_contains(err, "1 to 4096 images");
}

/* ---- the command stream (no gnuplot) ---- */

static char *stream_of(PlotTarget target, const PlotImages *im, int *rc, char *err)
{
    Capture k;
    PlotFrame fr = {"Filters of K1", "each square is one weight", "", "filters", 7, false, false};
    *rc = plot_images(capture_begin(&k, target, false), &fr, im, err);
    capture_end(&k);
    return k.cmds;
}

static void test_stream_window(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    const char *titles[] = {"it's", "b'; system('touch PWN') #"};
    PlotImages im = {TWO, 2, 2, 3, titles, PLOT_RANGE_SYMMETRIC, "weight", NULL};
    int rc;
    char *t = stream_of(PLOT_PNG, &im, &rc, err);
    assert_int_equal(rc, 0);
    assert_contains(t, "set title 'Filters of K1'");
    /* image 0 at x 0..2, image 1 beside it after a gap of 1 pixel */
    assert_contains(t, "$px << EOD\n0 0 0\n1 0 1\n2 0 2\n0 -1 3\n1 -1 4\n2 -1 5\n4 0 0\n5 0 -1\n");
    assert_contains(t, "set palette defined (-1 '#2166ac', 0 '#ffffff', 1 '#b2182b')");
    assert_contains(t, "set cbrange [-5:5]");
    assert_contains(t, "set cblabel 'weight' noenhanced");
    assert_contains(t, "set label 1 'it''s' at 1,1.4 center front noenhanced");
    assert_contains(t, "set label 2 'b''; system(''touch PWN'') #' at 5,1.4");
    assert_contains(t, "with boxxyerror lc palette notitle");
    free(t);
    /* each image its own scale: 0..1 per image, no colour bar */
    PlotImages each = {TWO, 2, 2, 3, NULL, PLOT_RANGE_EACH, NULL, NULL};
    t = stream_of(PLOT_SVG, &each, &rc, err);
    assert_int_equal(rc, 0);
    assert_contains(t, "set palette defined (0 '#ffffff', 1 '#000000')");
    assert_contains(t, "unset colorbox");
    assert_contains(t, "\n2 -1 1\n");  /* 5 of 0..5 */
    assert_contains(t, "\n4 0 1\n");   /* 0 of -5..0 */
    assert_contains(t, "\n6 -1 0\n");  /* -5 of -5..0 */
    free(t);
    /* nothing finite: refused, not an empty picture */
    double nan4[4] = {NAN, NAN, NAN, NAN};
    PlotImages bad = {nan4, 1, 2, 2, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    t = stream_of(PLOT_PNG, &bad, &rc, err);
    assert_int_equal(rc, -1);
    assert_contains(err, "no pixel");
    free(t);
}

static void test_terminal_goes_to_echo(void **st)
{
    (void)st;
    char err[ERR_LEN] = "";
    Capture k;
    const char *titles[] = {"ramp"};
    PlotImages im = {TWO, 1, 2, 3, titles, PLOT_RANGE_SHARED, "pixel", NULL};
    PlotFrame fr = {"Rows of digits", "0 white to 16 black", "", "images", 8, false, false};
    assert_int_equal(plot_images(capture_begin(&k, PLOT_TERMINAL, true), &fr, &im, err), 0);
    capture_end(&k);
    assert_string_equal(k.echo, "Rows of digits\nramp\n  ::==\n++##@@\n"
                              "shades \" .:-=+*#%@\" from 0 to 5 (pixel)\n0 white to 16 black\n");
    assert_true(k.cmds == NULL || strstr(k.cmds, "$px") == NULL); /* gnuplot gets nothing */
    capture_free(&k);
}

/* ---- real gnuplot ---- */

static void test_real_files(void **st)
{
    (void)st;
    SKIP_WITHOUT_GNUPLOT();
    char dir[] = "/tmp/paramlab-img-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char png[300], svg[300], pwn[300];
    snprintf(png, sizeof png, "%s/grid.png", dir);
    snprintf(svg, sizeof svg, "%s/grid.svg", dir);
    snprintf(pwn, sizeof pwn, "%s/PWN", dir);
    char evil[400];
    snprintf(evil, sizeof evil, "'; system('touch %s') #", pwn);
    const char *titles[] = {evil, "`touch PWN`"};
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    assert_non_null(p);
    PlotImages im = {TWO, 2, 2, 3, titles, PLOT_RANGE_SYMMETRIC, "weight\nsystem('x')", NULL};
    PlotFrame fr = {"grid", "caption", "", "grid", 0, false, false};
    assert_int_equal(plot_set_target(p, PLOT_PNG, png, err), 0);
    if (plot_images(p, &fr, &im, err) != 0)
        fail_msg("png: %s", err);
    assert_int_equal(plot_set_target(p, PLOT_SVG, svg, err), 0);
    /* a 1-pixel-high image draws too */
    PlotImages flat = {TWO, 1, 1, 12, NULL, PLOT_RANGE_SHARED, NULL, NULL};
    if (plot_images(p, &fr, &flat, err) != 0)
        fail_msg("svg: %s", err);
    plot_free(p);
    assert_png(png);
    assert_int_equal(access(svg, R_OK), 0);
    assert_int_not_equal(access(pwn, F_OK), 0);
    remove_dir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_text_shared_scale),
        cmocka_unit_test(test_text_layout_by_width),
        cmocka_unit_test(test_text_signed_and_each),
        cmocka_unit_test(test_text_odd_values),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_text_mixed_sizes),
        cmocka_unit_test(test_stream_window),
        cmocka_unit_test(test_terminal_goes_to_echo),
        cmocka_unit_test(test_real_files),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
