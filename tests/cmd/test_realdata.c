/* test_realdata.c — a teacher's own file through the commands: `data
 * load` with its options and notes, names on W1's rows and the output's
 * columns, whole tensors and slices, `predict` of numbers, rows and
 * files, and targets shown as class indices with the labels they stand
 * for. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"

#include <unistd.h>

#define SEMI "tests/data/real/semi_labels.csv"
#define L157 "tests/data/real/labels_157.csv" /* integer labels 1, 5, 7: classes 0, 1, 2 */

static void test_load_options(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons n=40; model mlp 2");
    /* refusals leave the session as it was */
    assert_contains(refused(x, "data load " SEMI), "target=diagnosis");
    assert_contains(refused(x, "data load " SEMI " sep=|"), "sep must be");
    assert_contains(refused(x, "data load " SEMI " missing=zero"), "missing must be error, drop or mean");
    assert_contains(refused(x, "data load " SEMI " targte=diagnosis"), "did you mean `target`");
    assert_contains(refused(x, "data load tests/data/real/decimal_comma.csv"), "decimal comma");
    ok(x, "data");
    assert_contains(x->last, "moons: 40 rows");
    assert_non_null(x->c.s->model);
    /* the id column is noted; dropping it silences the note */
    ok(x, "data load " SEMI " target=diagnosis");
    assert_contains(x->last, "2 classes (0 B: 3, 1 M: 2) in target diagnosis");
    assert_contains(x->last, "note: column 'id'");
    ok(x, "data load " SEMI " target=diagnosis drop=id sep=; header=yes task=classification");
    assert_lacks(x->last, "note:");
    /* the recipe (run log, save file) says how the rows were read, in the
     * command's own words, and only what differs from the defaults */
    assert_string_equal(x->c.s->data->recipe,
                        "load " SEMI " target=diagnosis drop=id sep=semicolon header=yes task=classification");
    ok(x, "data load " SEMI " target=diagnosis drop=id sep=;; data show 1");
    assert_contains(x->last, "(1 of 5 rows)");
    ok(x, "data load " SEMI " target=diagnosis drop=id sep=;");
    assert_contains(refused(x, "data load " SEMI " target=diagnosis sep=; data show 1"), "sep=semicolon");
    ok(x, "data load " SEMI " target=diagnosis drop=id sep=semicolon");
    ok(x, "data load tests/data/real/missing.csv drop=id missing=mean");
    assert_contains(x->last, "note: filled 2 missing cells");
    assert_string_equal(x->c.s->data->recipe, "load tests/data/real/missing.csv drop=id missing=mean");
    ok(x, "data show 2");
    assert_contains(x->last, "|         M"); /* as wide as "diagnosis" */
    fx_free(x);
}

static void test_names_and_slices(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data load " SEMI " target=diagnosis drop=id; model softmax");
    ok(x, "W1");
    assert_contains(x->last, "0 radius");
    assert_contains(x->last, "1 texture");
    assert_contains(x->last, "B");
    ok(x, "show W1[:, 1]");
    assert_contains(x->last, "W1[0:2, 1:2]  (2×1)");
    ok(x, "W1[1:, 0]");
    assert_contains(x->last, "W1[1:2, 0:1]  (1×1)");
    assert_lacks(x->last, "radius");
    ok(x, "show b1[1:] all");
    assert_contains(x->last, "b1[1:2]  (1)");
    assert_contains(refused(x, "W1[0:1:2]"), "a slice is a:b");
    assert_contains(refused(x, "W1[5, 0]"), "is 2×2");
    assert_contains(refused(x, "explain W1[0:1, 0]"), "is a slice");
    ok(x, "step; metrics");
    assert_contains(x->last, "true\\pred");
    assert_contains(x->last, "  M ");
    /* a tall tensor: all rows with `all`, cut to the screen without */
    setenv("LINES", "24", 1);
    ok(x, "data blobs n=60 features=30 classes=3; model softmax; W1");
    assert_contains(x->last, "more rows");
    assert_contains(x->last, "`show W1 all`");
    ok(x, "show W1 all");
    assert_lacks(x->last, "more rows");
    assert_contains(x->last, "\n  29 ");
    setenv("LINES", "60", 1);
    ok(x, "W1");
    assert_lacks(x->last, "more rows");
    unsetenv("LINES");
    fx_free(x);
}

static void test_predict(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char dir[] = "/tmp/paramlab_predict_XXXXXX", out[64], line[256];
    assert_non_null(mkdtemp(dir));
    snprintf(out, sizeof out, "%s/p.csv", dir);
    ok(x, "data load " SEMI " target=diagnosis drop=id; data standardize; model logistic; train 20");
    ok(x, "predict 17.99,10.38");
    char first[256];
    snprintf(first, sizeof first, "%s", x->last);
    ok(x, "predict 17.99, 10.38");
    assert_string_equal(x->last, first);
    ok(x, "predict 17.99 10.38");
    assert_string_equal(x->last, first);
    assert_contains(first, "probability of class 1, M: ");
    assert_contains(refused(x, "predict 1,2,3"), "needs 2 numbers");
    ok(x, "predict row 0");
    assert_contains(x->last, "true class 1, M");
    assert_contains(refused(x, "predict row 0 val"), "no val share");
    assert_contains(refused(x, "predict row 5"), "row number");
    snprintf(line, sizeof line, "predict " SEMI " out=%s", out);
    ok(x, line);
    assert_contains(x->last, "wrote 5 predictions");
    FILE *f = fopen(out, "r");
    assert_non_null(f);
    char buf[256];
    assert_non_null(fgets(buf, sizeof buf, f));
    assert_string_equal(buf, "row,class,p_B,p_M\n");
    assert_non_null(fgets(buf, sizeof buf, f));
    assert_true(strncmp(buf, "0,B,", 4) == 0 || strncmp(buf, "0,M,", 4) == 0);
    fclose(f);
    ok(x, "predict " SEMI);
    assert_contains(x->last, "p_M");
    assert_contains(refused(x, "predict tests/data/real/tabs.csv"), "no column 'radius'");
    snprintf(line, sizeof line, "predict " SEMI " out=" SEMI);
    assert_contains(refused(x, line), "would replace");
    /* a saved session keeps the class names and how the file was read */
    char save[96];
    snprintf(save, sizeof save, "%s/s.plsave", dir);
    snprintf(line, sizeof line, "save %s", save);
    ok(x, line);
    ok(x, "data moons n=20");
    snprintf(line, sizeof line, "load %s", save);
    ok(x, line);
    assert_string_equal(x->c.s->data->class_names[1], "M");
    assert_int_equal(x->c.s->data->sep, ';');
    ok(x, "predict " SEMI);
    assert_contains(x->last, "p_M");
    remove(save);
    remove(out);
    rmdir(dir);
    fx_free(x);
}

/* Integer labels that are not 0..K-1 are shown as the labels they are,
 * never as the class index beside them ("class 0, 1"), and a per-class
 * score says which label each index is. */
static void test_numeric_labels(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data load " L157);
    assert_contains(x->last, "3 classes (1: 3, 5: 3, 7: 3) in target label");
    ok(x, "model softmax; train 2; predict row 0");
    assert_contains(x->last, "; true class 1, ");
    assert_lacks(x->last, "class 0");
    assert_lacks(x->last, "class 2");
    ok(x, "predict row 1");
    assert_contains(x->last, "; true class 5, ");
    ok(x, "predict 7,-7");
    assert_true(strstr(x->last, "→ class 1\n") || strstr(x->last, "→ class 5\n") || strstr(x->last, "→ class 7\n"));
    ok(x, "metrics train");
    assert_contains(x->last, "  true\\pred      1      5      7");
    ok(x, "precision");
    assert_contains(x->last, "precision[0] is class 1's, precision[1] is class 5's, precision[2] is class 7's");
    ok(x, "recall[1]");
    assert_contains(x->last, "  (class 5)");
    ok(x, "data show 2");
    assert_contains(x->last, "|        5");
    /* Y holds the class indices the loss takes, and says which label each is */
    ok(x, "forward; loss; show Y");
    assert_contains(x->last, "current batch: targets (class index: 0 = '1', 1 = '5', 2 = '7')");
    int k = (int)x->c.s->yb[0];
    char want[80];
    snprintf(want, sizeof want, "Y[0] = %d  (class index of label '%s')", k, x->c.s->data->class_names[k]);
    ok(x, "show Y[0]");
    assert_contains(x->last, want);
    snprintf(want, sizeof want, "  Y[0] = %d, the class index of label '%s'\n", k, x->c.s->data->class_names[k]);
    ok(x, "explain loss[0]");
    assert_contains(x->last, want);
    ok(x, "data moons n=20; model logistic; forward; loss; show Y; explain loss[0]");
    assert_contains(x->last, "current batch: targets\n"); /* labels 0, 1: their own indices */
    assert_lacks(x->last, "class index");
    /* text labels keep the index beside the name */
    ok(x, "data load " SEMI " target=diagnosis drop=id; model logistic; predict row 0; precision");
    assert_contains(x->last, "true class 1, M");
    assert_contains(x->last, "precision[1] is class M's");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_load_options),
        cmocka_unit_test(test_names_and_slices),
        cmocka_unit_test(test_predict),
        cmocka_unit_test(test_numeric_labels),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
