/* test_generalize.c — held-out data through the commands: `data split VAL
 * [TEST]` (stratified, refusals that change nothing), `metrics` against
 * scikit-learn's numbers (tests/golden/metrics.txt, through a model whose
 * outputs are the golden predictions), `evaluate test` and its count of
 * looks, the scalar names in show/expect/export, `compare from=init` and
 * judged by validation loss, and diagnose's fitting findings. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "complete.h"
#include "engine/golden_lines.h"

#include <math.h>
#include <unistd.h>

#define GOLDEN "tests/golden/metrics.txt"

/* The golden case `kind name` (cls or reg): its first line's index, or fails. */
static int golden_case(const char *kind, const char *name)
{
    char head[96];
    snprintf(head, sizeof head, "%s %s ", kind, name);
    for (int i = 0; i < gl_n; i++)
        if (strncmp(gl_lines[i], head, strlen(head)) == 0)
            return i;
    fail_msg("no case %s in %s", head, GOLDEN);
    return -1;
}

/* The numbers of line key within the case starting at line at. */
static int golden_nums(int at, const char *key, double *out, int max)
{
    for (int i = at + 1; i < gl_n && !gl_is(gl_lines[i], "end"); i++)
        if (gl_is(gl_lines[i], key))
            return gl_nums(gl_lines[i], key, out, max);
    fail_msg("case at line %d has no %s", at + 1, key);
    return -1;
}

/* A temporary CSV with the given text; the caller unlinks path. */
static void write_csv(char *path, const char *text)
{
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

static void count_shares(const Dataset *ds, DataShare share, long *per, int k)
{
    int lo, hi;
    data_share_rows(ds, share, &lo, &hi);
    for (int j = 0; j < k; j++)
        per[j] = 0;
    for (int i = lo; i < hi; i++)
        per[(int)ds->y[i]]++;
}

/* Each class keeps its share in each part; the summary names the parts. */
static void test_split_is_stratified(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data load lessons/data/iris.csv");
    ok(x, "data split 0.2 0.1");
    assert_contains(x->last, "105 training rows, 30 validation rows, 15 test rows (stratified by class");
    const Dataset *ds = x->c.s->data;
    long per[3];
    count_shares(ds, DATA_TRAIN, per, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(per[k], 35);
    count_shares(ds, DATA_VAL, per, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(per[k], 10);
    count_shares(ds, DATA_TEST, per, 3);
    for (int k = 0; k < 3; k++)
        assert_int_equal(per[k], 5);
    ok(x, "data");
    assert_contains(x->last, "150 rows (105 training, 30 validation, 15 test)");
    /* a generated set split with its own seed is really shuffled: the
     * validation rows of a class are not the last ones it generated */
    ok(x, "data moons n=200; data split 0.2");
    ds = x->c.s->data;
    count_shares(ds, DATA_VAL, per, 2);
    assert_int_equal(per[0], 20);
    assert_int_equal(per[1], 20);
    Dataset *fresh = data_generate("moons", &(DataGenOpts){200, -1, 42, 0, 0}, x->c.err);
    assert_non_null(fresh);
    int lo, hi, tail = 0;
    data_share_rows(ds, DATA_VAL, &lo, &hi);
    for (int i = lo; i < hi; i++)
        for (int r = 180; r < 200; r++) /* the last tenth of the generated rows */
            tail += memcmp(ds->x + 2 * i, fresh->x + 2 * r, 2 * sizeof(double)) == 0;
    assert_true(tail < 10);
    data_free(fresh);
    fx_free(x);
}

/* One fraction on regression data is the two-way split of before, row for row. */
static void test_regression_split_unchanged(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data sine n=77; data split 0.3");
    Dataset *old = data_generate("sine", &(DataGenOpts){77, -1, 42, 0, 0}, x->c.err);
    assert_non_null(old);
    assert_int_equal(data_split(old, 0.3, 42, x->c.err), 0);
    const Dataset *ds = x->c.s->data;
    assert_int_equal(ds->n_train, old->n_train);
    assert_int_equal(ds->n_test, 0);
    assert_memory_equal(ds->x, old->x, sizeof(double) * 77);
    assert_memory_equal(ds->y, old->y, sizeof(double) * 77);
    data_free(old);
    fx_free(x);
}

/* Bad fractions are refused with one line naming the fix; nothing changes. */
static void test_split_refusals_change_nothing(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=100; data split 0.2");
    Dataset *before = data_clone(x->c.s->data);
    assert_non_null(before);
    static const char *const bad[] = {"data split 0.7 0.5", "data split -0.1", "data split 0.2 -0.1",
                                      "data split 0 0.1",   "data split 1",    "data split 0.2 0.1 0.1",
                                      "data split",         "data split 0.2 1"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        const char *msg = refused(x, bad[i]);
        assert_contains(msg, "data split 0.2");
        assert_null(strchr(msg, '\n'));
        const Dataset *ds = x->c.s->data;
        assert_int_equal(ds->n_train, before->n_train);
        assert_int_equal(ds->n_test, before->n_test);
        assert_memory_equal(ds->x, before->x, sizeof(double) * 200);
    }
    assert_contains(refused(x, "data split x"), "got 'x'");
    assert_int_equal(x->c.s->data->n_train, before->n_train);
    ok(x, "data standardize");
    assert_contains(refused(x, "data split 0.3"), "split first");
    data_free(before);
    fx_free(x);
}

/* metrics through the command: a logistic model whose output is the
 * golden prediction gives scikit-learn's numbers to the last bit. */
static void test_metrics_binary_golden(void **st)
{
    (void)st;
    int at = golden_case("cls", "binary");
    double truth[16], pred[16], prec[4], rec[4], f1[4], macro[4], acc[1], cm[8];
    int n = golden_nums(at, "true", truth, 16);
    assert_int_equal(golden_nums(at, "pred", pred, 16), n);
    golden_nums(at, "precision", prec, 4);
    golden_nums(at, "recall", rec, 4);
    golden_nums(at, "f1", f1, 4);
    golden_nums(at, "macro", macro, 4);
    golden_nums(at, "accuracy", acc, 1);
    golden_nums(at, "cm", cm, 8);
    char text[512] = "x,y\n";
    for (int i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%g,%g\n", pred[i], truth[i]);
    char path[] = "/tmp/paramlab-metrics-XXXXXX.csv", line[128];
    write_csv(path, text);
    Fx *x = fx_new();
    snprintf(line, sizeof line, "data load %s", path);
    ok(x, line);
    ok(x, "model logistic; W1 = [[10]]; b1 = [-5]");
    ok(x, "metrics");
    assert_contains(x->last, "training share, 10 rows");
    assert_contains(x->last, "accuracy 70.0% (7 of 10 rows right)");
    assert_contains(x->last, "         0       3      1\n");
    assert_contains(x->last, "         1       2      4\n");
    assert_contains(x->last, "  0            0.600   0.750   0.667        4\n");
    EvalReport r;
    assert_int_equal(session_eval_report(x->c.s, DATA_TRAIN, &r, x->c.err), 0);
    for (int k = 0; k < 4; k++)
        assert_int_equal(r.cm[k], (long)cm[k]);
    for (int k = 0; k < 2; k++) {
        assert_true(gl_same(r.per[k].precision, prec[k]));
        assert_true(gl_same(r.per[k].recall, rec[k]));
        assert_true(gl_same(r.per[k].f1, f1[k]));
    }
    assert_true(gl_same(r.cls.macro_precision, macro[0]));
    assert_true(gl_same(r.cls.macro_recall, macro[1]));
    assert_true(gl_same(r.cls.macro_f1, macro[2]));
    assert_true(gl_same(r.accuracy, acc[0]));
    session_report_free(&r);
    /* the scalar name holds the fraction, printed as a percentage */
    ok(x, "expect accuracy ~ 0.7 tol=1e-12");
    assert_contains(x->last, "(70.0%)");
    ok(x, "show accuracy");
    assert_contains(x->last, "accuracy = 70.0%");
    fx_free(x);
    unlink(path);
}

/* Three classes, one never predicted: softmax over one-hot inputs. */
static void test_metrics_multiclass_golden(void **st)
{
    (void)st;
    int at = golden_case("cls", "never_predicted");
    double truth[16], pred[16], prec[4], rec[4], f1[4], macro[4], cm[9];
    int n = golden_nums(at, "true", truth, 16);
    golden_nums(at, "pred", pred, 16);
    golden_nums(at, "precision", prec, 4);
    golden_nums(at, "recall", rec, 4);
    golden_nums(at, "f1", f1, 4);
    golden_nums(at, "macro", macro, 4);
    golden_nums(at, "cm", cm, 9);
    char text[512] = "a,b,c,y\n";
    for (int i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d,%d,%d,%g\n", pred[i] == 0, pred[i] == 1,
                 pred[i] == 2, truth[i]);
    char path[] = "/tmp/paramlab-metrics-XXXXXX.csv", line[128];
    write_csv(path, text);
    Fx *x = fx_new();
    snprintf(line, sizeof line, "data load %s", path);
    ok(x, line);
    ok(x, "model softmax; W1 = [[10,0,0],[0,10,0],[0,0,10]]");
    ok(x, "metrics train");
    assert_contains(x->last, "  2            0.000   0.000   0.000        3\n");
    EvalReport r;
    assert_int_equal(session_eval_report(x->c.s, DATA_TRAIN, &r, x->c.err), 0);
    for (int k = 0; k < 9; k++)
        assert_int_equal(r.cm[k], (long)cm[k]);
    for (int k = 0; k < 3; k++) {
        assert_true(gl_same(r.per[k].precision, prec[k]));
        assert_true(gl_same(r.per[k].recall, rec[k]));
        assert_true(gl_same(r.per[k].f1, f1[k]));
    }
    assert_true(gl_same(r.cls.macro_precision, macro[0]));
    assert_true(gl_same(r.cls.macro_f1, macro[2]));
    session_report_free(&r);
    fx_free(x);
    unlink(path);
}

/* A class in neither the true nor the predicted labels of a share is
 * listed, marked absent, and left out of the macro mean (scikit-learn's
 * labels=None); the footer says how many classes the mean covers. The one
 * row of class 3 goes to the validation share; the identity-like W1
 * predicts each row's hot feature, never 3 on the training rows. */
static void test_metrics_absent_class(void **st)
{
    (void)st;
    char path[] = "/tmp/paramlab-metrics-XXXXXX.csv";
    write_csv(path, "a,b,c,d,y\n1,0,0,0,0\n0,0,1,0,1\n0,0,1,0,2\n1,0,0,0,0\n0,1,0,0,1\n0,1,0,0,2\n"
                    "0,0,1,0,2\n0,0,0,1,3\n");
    Fx *x = fx_new();
    char line[128];
    snprintf(line, sizeof line, "data load %s", path);
    ok(x, line);
    ok(x, "data split 0.5");
    ok(x, "model softmax; W1 = [[10,0,0,0],[0,10,0,0],[0,0,10,0],[0,0,0,10]]");
    EvalReport r;
    assert_int_equal(session_eval_report(x->c.s, DATA_TRAIN, &r, x->c.err), 0);
    assert_false(r.per[3].present);
    assert_int_equal(r.cls.n_present, 3);
    double sum = 0;
    for (int k = 0; k < 3; k++) {
        assert_true(r.per[k].present);
        sum += r.per[k].f1;
    }
    assert_true(fabs(r.cls.macro_f1 - sum / 3) < 1e-15);
    session_report_free(&r);
    ok(x, "metrics train");
    assert_contains(x->last, "  3            0.000   0.000   0.000        0  (absent: not in the mean)\n");
    assert_contains(x->last, "macro: the mean over the 3 of 4 classes in the true or predicted labels");
    assert_null(strstr(x->last, "  0            1.000   1.000   1.000        1  ("));
    assert_null(strstr(x->last, "plain mean"));
    ok(x, "metrics val");
    assert_null(strstr(x->last, "absent"));
    assert_contains(x->last, "macro: the plain mean over all 4 classes");
    fx_free(x);
    unlink(path);
}

/* Regression: a linear model y = x over the golden predictions. */
static void test_metrics_regression_golden(void **st)
{
    (void)st;
    int at = golden_case("reg", "one_output");
    double y[64], yhat[64], mse[2], mae[2], r2[2];
    int n = golden_nums(at, "y", y, 64);
    assert_int_equal(golden_nums(at, "yhat", yhat, 64), n);
    golden_nums(at, "mse", mse, 2);
    golden_nums(at, "mae", mae, 2);
    golden_nums(at, "r2", r2, 2);
    char text[8192] = "x,y\n";
    for (int i = 0; i < n; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%.17g,%.17g\n", yhat[i], y[i]);
    char path[] = "/tmp/paramlab-metrics-XXXXXX.csv", line[128];
    write_csv(path, text);
    Fx *x = fx_new();
    snprintf(line, sizeof line, "data load %s", path);
    ok(x, line);
    ok(x, "model linear; W1 = [[1]]; b1 = [0]");
    ok(x, "metrics");
    assert_contains(x->last, "MSE 0.190432, MAE 0.348765, R² 0.975409");
    EvalReport r;
    assert_int_equal(session_eval_report(x->c.s, DATA_TRAIN, &r, x->c.err), 0);
    assert_true(gl_same(r.regm.mse, mse[0]));
    assert_true(gl_same(r.regm.mae, mae[0]));
    assert_true(gl_same(r.regm.r2, r2[0]));
    assert_rel(r.loss, mse[0], 1e-14, 1); /* the mse loss is the same mean, summed in its own order */
    session_report_free(&r);
    /* accuracy of a regression is refused, with what to use instead */
    assert_contains(refused(x, "show accuracy"), "`metrics` shows MSE, MAE and R²");
    fx_free(x);
    unlink(path);
}

/* evaluate test: refused without a test share; counts looks; a new split resets. */
static void test_evaluate_counts_looks(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=200; model mlp 8");
    assert_contains(refused(x, "evaluate test"), "data split 0.2 0.1");
    ok(x, "data split 0.2");
    assert_contains(refused(x, "evaluate test"), "data split 0.2 0.1");
    assert_contains(refused(x, "metrics test"), "evaluate test");
    assert_int_equal(x->c.s->test_looks, 0);
    ok(x, "data split 0.2 0.1; train 3");
    ok(x, "metrics");
    assert_contains(x->last, "validation share, 40 rows");
    assert_int_equal(x->c.s->test_looks, 0);
    ok(x, "evaluate test");
    assert_contains(x->last, "test share, 20 rows");
    assert_contains(x->last, "looked at once");
    ok(x, "evaluate test");
    assert_contains(x->last, "looked at 2 times");
    assert_int_equal(x->c.s->test_looks, 2);
    ok(x, "data split 0.2 0.1");
    assert_int_equal(x->c.s->test_looks, 0);
    fx_free(x);
}

/* The scalar names: exist when they can, refused with a fix when not. */
static void test_scalar_names(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=200 noise=0.1");
    assert_contains(refused(x, "show train_loss"), "model");
    ok(x, "model mlp 8; set optimizer adam lr=0.05; train 30");
    assert_contains(refused(x, "expect val_loss < 1"), "`data split 0.2`");
    assert_contains(refused(x, "show val_accuracy"), "`data split 0.2`");
    ok(x, "lr");
    assert_contains(x->last, "lr = 0.05");
    ok(x, "data split 0.25; train 30");
    ok(x, "expect val_accuracy > 0.8");
    double acc, vl = session_eval_share(x->c.s, DATA_VAL, &acc);
    char line[96];
    snprintf(line, sizeof line, "expect val_loss ~ %.17g tol=0", vl);
    ok(x, line);
    snprintf(line, sizeof line, "expect val_accuracy ~ %.17g tol=0", acc);
    ok(x, line);
    double tacc, tl = session_eval_share(x->c.s, DATA_TRAIN, &tacc);
    snprintf(line, sizeof line, "expect train_loss ~ %.17g tol=0", tl);
    ok(x, line);
    snprintf(line, sizeof line, "expect accuracy ~ %.17g tol=0", tacc);
    ok(x, line);
    /* expect accuracy > 90 compares a fraction: it fails, saying the percentage */
    assert_contains(refused(x, "expect val_accuracy > 90"), "%)");
    ok(x, "names");
    assert_contains(x->last, "train_loss val_loss accuracy val_accuracy lr");
    char path[] = "/tmp/paramlab-scalar-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    assert_true(fd >= 0);
    close(fd);
    unlink(path);
    snprintf(line, sizeof line, "export val_loss %s", path);
    ok(x, line);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    double v = 0;
    assert_int_equal(fscanf(f, "%lf", &v), 1);
    fclose(f);
    unlink(path);
    assert_true(v == vl);
    fx_free(x);
}

/* compare from=init: every racer starts where a fresh model with the seed
 * starts; with a split the verdict follows validation loss. */
static void test_compare_from_init_by_validation(void **st)
{
    (void)st;
    Fx *fresh = fx_new();
    ok(fresh, "data moons n=60 noise=0.35; data split 0.5; model mlp 64 64; train_loss");
    char start[64];
    snprintf(start, sizeof start, "%.6g", session_eval_share(fresh->c.s, DATA_TRAIN, &(double){0}));
    fx_free(fresh);

    Fx *x = fx_new();
    ok(x, "data moons n=60 noise=0.35; data split 0.5; model mlp 64 64; train 5");
    double before[8];
    memcpy(before, x->c.s->model->params, sizeof before);
    ok(x, "compare optimizer adam,lr=0.01 sgd,lr=0.1 epochs=200 from=init");
    assert_contains(x->last, "race from one fresh initialization (seed 42)");
    assert_contains(x->last, start); /* the loss at start of a fresh model */
    assert_contains(x->last, "val loss *");
    /* adam fits the training rows best and the validation rows worst */
    assert_contains(x->last, "lowest validation loss after 200 epochs: sgd,lr=0.1");
    assert_memory_equal(x->c.s->model->params, before, sizeof before);
    assert_int_equal(x->c.s->epoch, 6);
    assert_contains(refused(x, "compare optimizer sgd from=scratch"), "from= is init");
    fx_free(x);
}

/* Each finding fires on its case and a healthy standardized model is quiet. */
static void test_diagnose_fit_findings(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data load lessons/data/wine.csv; model softmax; step; diagnose");
    assert_contains(x->last, "unscaled inputs");
    assert_contains(x->last, "`data standardize`");
    /* more features than a model has layers: the widest is named by its feature
     * index, never looked up as a layer (the sanitizer build caught p42 so) */
    ok(x, "data digits; model cnn conv=2:3; step; diagnose");
    assert_contains(x->last, "unscaled inputs");
    assert_contains(x->last, "p42), so one learning rate");
    ok(x, "data moons n=60 noise=0.35; data split 0.5; model mlp 64 64; set optimizer adam lr=0.01; train 300; "
          "diagnose");
    assert_contains(x->last, "overfitting");
    assert_contains(x->last, "patience=");
    assert_contains(x->last, "set l2");
    assert_lacks(x->last, "unscaled");
    ok(x, "data circles; data split 0.2; model logistic; set optimizer sgd; train 50; diagnose");
    assert_contains(x->last, "underfitting");
    assert_contains(x->last, "bigger model");
    ok(x, "data moons n=200 noise=0.1; data split 0.2; data standardize; model mlp 8; "
          "set optimizer adam lr=0.01; train 50; diagnose");
    assert_contains(x->last, "nothing stands out");
    assert_lacks(x->last, "overfitting");
    assert_lacks(x->last, "underfitting");
    assert_lacks(x->last, "unscaled");
    fx_free(x);
}


/* Tab offers the new words: metrics' shares, evaluate's test, from=init, the scalar names. */
static void test_completion(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data moons n=100; data split 0.2; model mlp 4");
    Words w = {""};
    cmd_complete(&x->c, "metrics ", 8, "", add_word, &w);
    assert_contains(w.all, "train val ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "evaluate ", 9, "", add_word, &w);
    assert_contains(w.all, "test ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "compare optimizer sgd ", 22, "", add_word, &w);
    assert_contains(w.all, "from=init ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "show ", 5, "", add_word, &w);
    assert_contains(w.all, "val_loss ");
    assert_contains(w.all, "val_accuracy ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "me", 0, "me", add_word, &w);
    assert_contains(w.all, "metrics");
    fx_free(x);
}

int main(void)
{
    if (gl_load(GOLDEN) != 0)
        return 1;
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_split_is_stratified),
        cmocka_unit_test(test_regression_split_unchanged),
        cmocka_unit_test(test_split_refusals_change_nothing),
        cmocka_unit_test(test_metrics_binary_golden),
        cmocka_unit_test(test_metrics_multiclass_golden),
        cmocka_unit_test(test_metrics_absent_class),
        cmocka_unit_test(test_metrics_regression_golden),
        cmocka_unit_test(test_evaluate_counts_looks),
        cmocka_unit_test(test_scalar_names),
        cmocka_unit_test(test_compare_from_init_by_validation),
        cmocka_unit_test(test_diagnose_fit_findings),
        cmocka_unit_test(test_completion),
    };
    int rc = cmocka_run_group_tests(tests, NULL, NULL);
    gl_free();
    return rc;
}
