/* test_images.c — image data through the commands: `data digits` (the
 * CSV's rows exactly, classes, image shape, recipe; kept by split,
 * standardize, folds, save and load), `data load FILE image=HxW[xC]` and
 * its refusals, `data show` drawing image rows and `data show row=N`,
 * `plot images` in the terminal, and completion. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "complete.h"

#include <unistd.h>

#define DIGITS_CSV "lessons/data/digits.csv"

/* Row r of the digits CSV (64 pixels then the label) into v; false past the end. */
static bool csv_row(int r, double *v)
{
    FILE *f = fopen(DIGITS_CSV, "r");
    assert_non_null(f);
    char line[1024];
    bool found = false;
    for (int i = -1; fgets(line, sizeof line, f); i++)
        if (i == r) {
            char *p = line;
            for (int j = 0; j < 65; j++) {
                v[j] = strtod(p, &p);
                p += *p == ',';
            }
            found = true;
            break;
        }
    fclose(f);
    return found;
}

static void test_digits_is_the_csv(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data digits");
    const Dataset *ds = x->c.s->data;
    assert_int_equal(ds->n, 1797);
    assert_int_equal(ds->d, 64);
    assert_true(ds->classification);
    assert_int_equal(ds->n_classes, 10);
    assert_int_equal(ds->img_c, 1);
    assert_int_equal(ds->img_h, 8);
    assert_int_equal(ds->img_w, 8);
    assert_string_equal(ds->recipe, "digits");
    assert_string_equal(ds->feature_names[0], "p0");
    assert_string_equal(ds->feature_names[63], "p63");
    assert_string_equal(ds->target_names[0], "digit");
    int rows[] = {0, 1, 5, 1000, 1796};
    for (size_t k = 0; k < sizeof rows / sizeof rows[0]; k++) {
        double v[65];
        assert_true(csv_row(rows[k], v));
        for (int j = 0; j < 64; j++)
            assert_true(ds->x[(size_t)rows[k] * 64 + j] == v[j]);
        assert_true(ds->y[rows[k]] == v[64]);
    }
    assert_false(csv_row(1797, (double[65]){0}));
    /* the summary says what the rows are and that the pixels are raw */
    assert_contains(x->last, "images: 1 channel of 8×8 pixels");
    assert_contains(x->last, "pixels 0 to 16, raw (`data standardize` rescales them)\n");
    assert_contains(x->last, "0: 178, 1: 182, 2: 177");
    assert_contains(refused(x, "data digits n=100"), "digits is a fixed set of 1797");
    assert_contains(refused(x, "data digits noise=0.1"), "takes no n=, noise=");
    assert_contains(refused(x, "data digit"), "did you mean `data digits`");
    fx_free(x);
}

static void test_digits_like_any_data(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data digits; data split 0.2; data standardize");
    const Dataset *ds = x->c.s->data;
    assert_int_equal(ds->img_h, 8);
    assert_int_equal(ds->n - ds->n_train, 360); /* ceil(0.2 * 1797), as sklearn */
    ok(x, "data");
    assert_contains(x->last, "(standardized)");
    /* a fold is a copy: still images */
    int *fold = calloc((size_t)ds->n, sizeof *fold);
    assert_non_null(fold);
    assert_int_equal(data_kfold(ds, 5, 1, fold, x->c.err), 0);
    Dataset *f = data_fold(ds, fold, 0, x->c.err);
    assert_non_null(f);
    assert_int_equal(f->img_c * f->img_h * f->img_w, 64);
    assert_string_equal(f->recipe, "digits");
    data_free(f);
    free(fold);
    /* save and load bring back the rows, the recipe and the image shape */
    char dir[] = "/tmp/paramlab-img-XXXXXX", line[256];
    assert_non_null(mkdtemp(dir));
    ok(x, "model softmax");
    snprintf(line, sizeof line, "save %s/s.plab", dir);
    ok(x, line);
    Fx *y = fx_new();
    snprintf(line, sizeof line, "load %s/s.plab", dir);
    ok(y, line);
    const Dataset *back = y->c.s->data;
    assert_int_equal(back->img_c, 1);
    assert_int_equal(back->img_h, 8);
    assert_int_equal(back->img_w, 8);
    assert_string_equal(back->recipe, "digits");
    assert_memory_equal(back->x, ds->x, sizeof(double) * 1797 * 64);
    ok(y, "data show 1");
    assert_contains(y->last, "row 0: ");
    assert_contains(y->last, "from 0 to 16 (pixel)"); /* drawn from the pixels as loaded */
    /* one row whole: the pixels as loaded (after the split row 0 is a 7), not
     * the standardized values, and rounding near zero shown as 0 */
    ok(y, "data show row=0");
    assert_contains(y->last, " 0  0  3 11 16 13  0  0\n");
    assert_contains(y->last, "the model reads them standardized");
    assert_false(strstr(y->last, "e-1"));
    fx_free(y);
    snprintf(line, sizeof line, "rm -rf '%s'", dir);
    assert_int_equal(system(line), 0);
    fx_free(x);
}

static void test_load_image_shape(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data load " DIGITS_CSV " image=8x8");
    assert_int_equal(x->c.s->data->img_h, 8);
    assert_string_equal(x->c.s->data->recipe, "load " DIGITS_CSV " image=8x8");
    ok(x, "data load " DIGITS_CSV " image=4x4x4");
    assert_int_equal(x->c.s->data->img_c, 4);
    assert_string_equal(x->c.s->data->recipe, "load " DIGITS_CSV " image=4x4x4");
    assert_contains(x->last, "4 channels of 4×4 pixels");
    /* the shape must be the feature columns; both numbers are named, nothing changes */
    const char *e = refused(x, "data load " DIGITS_CSV " image=8x9");
    assert_contains(e, "image=8x9 is 72 pixels but the file has 64 feature columns");
    assert_int_equal(x->c.s->data->img_c, 4);
    e = refused(x, "data load " DIGITS_CSV " image=8x8 drop=p0");
    assert_contains(e, "64 pixels but the file has 63 feature columns");
    assert_contains(refused(x, "data load " DIGITS_CSV " image=8"), "image=8x8 or image=32x32x3");
    assert_contains(refused(x, "data load " DIGITS_CSV " image=8x8x"), "got '8x8x'");
    assert_contains(refused(x, "data load " DIGITS_CSV " image=0x64"), "out of range");
    assert_contains(refused(x, "data load " DIGITS_CSV " image=99999999999999999999x1"), "out of range");
    assert_contains(refused(x, "data load " DIGITS_CSV " image=1x64x65"), "1 to 64 channels");
    assert_contains(refused(x, "data load " DIGITS_CSV " imag=8x8"), "did you mean");
    /* without image= a file is not images */
    ok(x, "data load " DIGITS_CSV);
    assert_int_equal(x->c.s->data->img_h, 0);
    fx_free(x);
}

static void test_show(void **st)
{
    (void)st;
    setenv("COLUMNS", "80", 1);
    Fx *x = fx_new();
    ok(x, "data digits; data show 5");
    /* four 16-character tiles fit in 80 columns; the fifth starts a new band */
    assert_contains(x->last, "row 0: 0          row 1: 1          row 2: 2          row 3: 3\n");
    assert_contains(x->last, "    --##++..            ####--            ::%%##          ==%%##..\n");
    assert_contains(x->last, "\nrow 4: 4\n");
    assert_contains(x->last, "shades \" .:-=+*#%@\" from 0 to 16 (pixel)\n");
    assert_contains(x->last, "(5 of 1797 rows;");
    ok(x, "data show row=5");
    assert_contains(x->last, "row 5 (training): digit = 5\n");
    assert_contains(x->last, "    ##**            0  0 12 10  0  0  0  0\n");
    assert_contains(x->last, "    ++@@@@**        0  0  9 16 16 10  0  0\n");
    assert_contains(x->last, "each shade is one of these 64 numbers: p0 to p63, row by row\n");
    assert_contains(refused(x, "data show row=1797"), "from 0 to 1796");
    assert_contains(refused(x, "data show row=-1"), "from 0 to 1796");
    /* narrow: the numbers go below the picture */
    setenv("COLUMNS", "40", 1);
    ok(x, "data show row=5");
    assert_contains(x->last, "    ++@@@@**\n 0  0 12 10  0  0  0  0\n");
    setenv("COLUMNS", "80", 1);
    /* channels: one picture (and block of numbers) per channel */
    ok(x, "data load " DIGITS_CSV " image=4x4x4; data show row=0");
    assert_contains(x->last, "channel 0 (features p0 to p15):\n");
    assert_contains(x->last, "channel 3 (features p48 to p63):\n");
    assert_contains(x->last, "    --%%    0  0  5 13\n"); /* p0..p3 of row 0 */
    ok(x, "data show 1");
    assert_contains(x->last, "drawn as 4 images of 4×4, one per channel");
    assert_contains(x->last, "row 0 c0: 0  row 0 c1: 0");
    /* data that are not images: row=N shows every feature, ROWS the table */
    ok(x, "data moons n=20; data show row=3");
    assert_contains(x->last, "row 3 (training): y = ");
    assert_contains(x->last, "x1 = ");
    assert_contains(x->last, "   x2 = ");
    ok(x, "data show 2");
    assert_contains(x->last, "x1");
    assert_true(strstr(x->last, "shades") == NULL);
    fx_free(x);
}

static void test_plot_images(void **st)
{
    (void)st;
    setenv("COLUMNS", "80", 1);
    Fx *x = fx_new();
    assert_contains(refused(x, "plot images"), "no data yet");
    ok(x, "data moons");
    assert_contains(refused(x, "plot images"), "the moons data are not images");
    ok(x, "data digits");
    ok(x, "plot images 2"); /* scripts draw in the terminal */
    assert_contains(x->last, "digits: rows 0 to 1, the class above each\nrow 0: 0          row 1: 1\n");
    assert_contains(x->last, "each row's 64 features drawn as its 8×8 image, row by row\n");
    ok(x, "plot images");
    assert_contains(x->last, "row 15: 5");
    assert_true(strstr(x->last, "row 16") == NULL);
    assert_contains(refused(x, "plot images 0"), "from 1 to 400");
    assert_contains(refused(x, "plot images 401"), "from 1 to 400");
    assert_contains(refused(x, "plot images 2 3"), "at most one number");
    fx_free(x);
}


static void test_completion(void **st)
{
    (void)st;
    Fx *x = fx_new();
    Words w = {""};
    cmd_complete(&x->c, "data ", 5, "", add_word, &w);
    assert_contains(w.all, " digits ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "data digits ", 12, "", add_word, &w);
    assert_string_equal(w.all, "");
    cmd_complete(&x->c, "data show ", 10, "", add_word, &w);
    assert_string_equal(w.all, "row= ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "data load f.csv ", 16, "", add_word, &w);
    assert_contains(w.all, "image= ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "plot ", 5, "", add_word, &w);
    assert_contains(w.all, "images ");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_digits_is_the_csv),
        cmocka_unit_test(test_digits_like_any_data),
        cmocka_unit_test(test_load_image_shape),
        cmocka_unit_test(test_show),
        cmocka_unit_test(test_plot_images),
        cmocka_unit_test(test_completion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
