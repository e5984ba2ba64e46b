/* test_data.c — the data module: every generator's shape, task, balance,
 * shuffling, reproducibility and the function it draws from (least squares
 * recovers line's slope and intercept, circles' radii, spirals a 1-NN can
 * separate), its option refusals and blobs' speed; the CSV loader on good
 * files (header detection, targets by name and index, CRLF, quoting, task
 * detection, iris) and on a corpus of malformed ones in tests/data/bad/,
 * each refused with its FILE:LINE prefix; split and standardize. Runs from
 * the repository root; leaks show under the sanitizer build. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <sys/stat.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "data.h"
#include "util.h"

static DataGenOpts opts(int n, double noise, uint64_t seed)
{
    DataGenOpts o = {n, noise, seed, 0, 0};
    return o;
}

static Dataset *gen(const char *name, DataGenOpts o)
{
    char err[ERR_LEN] = "";
    Dataset *ds = data_generate(name, &o, err);
    if (!ds)
        fail_msg("data_generate(%s): %s", name, err);
    return ds;
}

/* The generator's refusal message; fails when it accepts the options. */
static void refused(const char *name, DataGenOpts o, const char *part)
{
    char err[ERR_LEN] = "";
    Dataset *ds = data_generate(name, &o, err);
    if (ds) {
        data_free(ds);
        fail_msg("data_generate(%s) accepted bad options", name);
    }
    assert_true(strlen(err) > 0);
    assert_null(strchr(err, '\n'));
    assert_contains(err, part);
}

/* ---- generators ---------------------------------------------------------- */

static const struct {
    const char *name;
    int d, classes; /* default features; 0 for regression */
} expected[] = {
    {"line", 1, 0},  {"plane", 2, 0},   {"sine", 1, 0},
    {"xor", 2, 2},   {"circles", 2, 2}, {"moons", 2, 2},
    {"spirals", 2, 2}, {"gauss", 2, 2}, {"blobs", 2, 3},
};
#define N_EXPECTED ((int)(sizeof expected / sizeof expected[0]))

static void test_generator_list(void **state)
{
    const char *const *names = data_generators();
    int i = 0;
    for (; names[i]; i++) {
        assert_true(i <= N_EXPECTED);
        /* the generators, then the one fixed set */
        assert_string_equal(names[i], i < N_EXPECTED ? expected[i].name : "digits");
        assert_int_equal(data_generator_fixed(names[i]), i == N_EXPECTED);
        const char *about = data_generator_about(names[i]);
        assert_non_null(about);
        assert_null(strchr(about, '\n'));
    }
    assert_int_equal(i, N_EXPECTED + 1);
    assert_false(data_generator_fixed("nope"));
    assert_null(data_generator_about("nope"));
    assert_non_null(strstr(data_generator_about("line"), "slope 2"));
    assert_non_null(strstr(data_generator_about("line"), "intercept 1"));
}

/* digits: the compiled-in table as 1x8x8 images, whatever the seed; no options. */
static void test_digits(void **state)
{
    char err[ERR_LEN];
    Dataset *ds = data_generate("digits", NULL, err);
    assert_non_null(ds);
    assert_int_equal(ds->n, 1797);
    assert_int_equal(ds->d, 64);
    assert_int_equal(ds->n_classes, 10);
    assert_int_equal(ds->img_c * ds->img_h * ds->img_w, 64);
    assert_string_equal(ds->recipe, "digits");
    /* the first row of lessons/data/digits.csv, a 0 */
    static const double row0[8] = {0, 0, 5, 13, 9, 1, 0, 0};
    for (int j = 0; j < 8; j++)
        assert_true(ds->x[j] == row0[j]);
    assert_true(ds->y[0] == 0);
    long counts[10] = {0};
    for (int i = 0; i < ds->n; i++)
        counts[(int)ds->y[i]]++;
    assert_int_equal(counts[0], 178);
    assert_int_equal(counts[9], 180);
    Dataset *again = data_generate("digits", &(DataGenOpts){0, -1, 99, 0, 0}, err);
    assert_non_null(again);
    assert_memory_equal(again->x, ds->x, sizeof(double) * 1797 * 64);
    Dataset *cl = data_clone(ds);
    assert_non_null(cl);
    assert_int_equal(cl->img_h, 8);
    data_free(cl);
    data_free(again);
    data_free(ds);
    assert_null(data_generate("digits", &(DataGenOpts){50, -1, 1, 0, 0}, err));
    assert_non_null(strstr(err, "fixed set"));
}

/* Defaults: 200 rows, names, task, all rows training. */
static void test_generator_shapes(void **state)
{
    for (int g = 0; g < N_EXPECTED; g++) {
        Dataset *ds = gen(expected[g].name, opts(0, -1, 1));
        assert_string_equal(ds->name, expected[g].name);
        assert_int_equal(ds->n, 200);
        assert_int_equal(ds->d, expected[g].d);
        assert_int_equal(ds->t, 1);
        assert_int_equal(ds->n_train, 200);
        assert_false(ds->standardized);
        assert_null(ds->mean);
        assert_string_equal(ds->target_names[0], "y");
        assert_string_equal(ds->feature_names[0], "x1");
        if (ds->d > 1)
            assert_string_equal(ds->feature_names[1], "x2");
        assert_int_equal(ds->classification, expected[g].classes > 0);
        assert_int_equal(ds->n_classes, expected[g].classes);
        for (int i = 0; i < ds->n * ds->d; i++)
            assert_true(isfinite(ds->x[i]));
        data_free(ds);
    }
    /* no options at all: the defaults */
    char err[ERR_LEN];
    Dataset *ds = data_generate("moons", NULL, err);
    assert_non_null(ds);
    assert_int_equal(ds->n, 200);
    data_free(ds);
    data_free(NULL);
}

/* Classes split evenly, the remainder spread, rows interleaved. */
static void test_generator_balance(void **state)
{
    for (int g = 0; g < N_EXPECTED; g++) {
        if (!expected[g].classes)
            continue;
        Dataset *ds = gen(expected[g].name, opts(301, -1, 7));
        int k = ds->n_classes, count[3] = {0}, first_half[3] = {0};
        for (int i = 0; i < ds->n; i++) {
            double v = ds->y[i];
            assert_true(v == floor(v) && v >= 0 && v < k);
            count[(int)v]++;
            if (i < ds->n / 2)
                first_half[(int)v]++;
        }
        for (int c = 0; c < k; c++) {
            assert_true(count[c] == 301 / k || count[c] == 301 / k + 1);
            /* shuffled: each class has a fair share of the first half */
            assert_true(first_half[c] > count[c] / 4);
        }
        data_free(ds);
    }
}

static void test_generator_seeds(void **state)
{
    for (int g = 0; g < N_EXPECTED; g++) {
        const char *name = expected[g].name;
        Dataset *a = gen(name, opts(100, 0.1, 42));
        Dataset *b = gen(name, opts(100, 0.1, 42));
        Dataset *c = gen(name, opts(100, 0.1, 43));
        size_t nx = (size_t)a->n * (size_t)a->d * sizeof(double);
        size_t ny = (size_t)a->n * sizeof(double);
        assert_memory_equal(a->x, b->x, nx);
        assert_memory_equal(a->y, b->y, ny);
        assert_true(memcmp(a->x, c->x, nx) != 0);
        data_free(a);
        data_free(b);
        data_free(c);
    }
}

static void test_line(void **state)
{
    Dataset *ds = gen("line", opts(5000, -1, 3));
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n = ds->n;
    for (int i = 0; i < ds->n; i++) {
        double x = ds->x[i], y = ds->y[i];
        assert_true(x >= -1 && x < 1);
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
    }
    double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);
    double intercept = (sy - slope * sx) / n;
    assert_near(slope, 2.0, 0.02);
    assert_near(intercept, 1.0, 0.01);
    /* residual std is the noise */
    double ss = 0;
    for (int i = 0; i < ds->n; i++) {
        double r = ds->y[i] - slope * ds->x[i] - intercept;
        ss += r * r;
    }
    assert_near(sqrt(ss / n), 0.1, 0.01);
    data_free(ds);
}

static void test_plane_and_sine(void **state)
{
    DataGenOpts o = opts(500, 0, 5);
    o.features = 5;
    Dataset *ds = gen("plane", o);
    assert_int_equal(ds->d, 5);
    assert_string_equal(ds->feature_names[4], "x5");
    for (int i = 0; i < ds->n; i++) {
        const double *x = ds->x + i * 5;
        double y = x[0] - 2 * x[1] + 3 * x[2] - 4 * x[3] + 5 * x[4] + 0.5;
        assert_near(ds->y[i], y, 1e-12);
    }
    data_free(ds);

    ds = gen("sine", opts(500, 0, 5));
    for (int i = 0; i < ds->n; i++) {
        assert_true(fabs(ds->x[i]) <= M_PI);
        assert_near(ds->y[i], sin(ds->x[i]), 1e-15);
    }
    data_free(ds);
    ds = gen("sine", opts(5000, 0.5, 5));
    double ss = 0;
    for (int i = 0; i < ds->n; i++)
        ss += pow(ds->y[i] - sin(ds->x[i]), 2);
    assert_near(sqrt(ss / ds->n), 0.5, 0.03);
    data_free(ds);
}

static void test_xor(void **state)
{
    Dataset *ds = gen("xor", opts(1000, -1, 9));
    for (int i = 0; i < ds->n; i++) {
        double a = ds->x[2 * i], b = ds->x[2 * i + 1];
        assert_true(fabs(a) <= 1 && fabs(b) <= 1);
        assert_int_equal((int)ds->y[i], a * b < 0);
    }
    data_free(ds);
    /* noise jitters points after labelling: some cross their quadrant */
    ds = gen("xor", opts(1000, 0.3, 9));
    int wrong = 0;
    for (int i = 0; i < ds->n; i++)
        wrong += (int)ds->y[i] != (ds->x[2 * i] * ds->x[2 * i + 1] < 0);
    assert_true(wrong > 10 && wrong < 300);
    data_free(ds);
}

static double radius(const Dataset *ds, int i)
{
    return hypot(ds->x[2 * i], ds->x[2 * i + 1]);
}

static void test_circles(void **state)
{
    Dataset *ds = gen("circles", opts(400, 0, 1));
    for (int i = 0; i < ds->n; i++)
        assert_near(radius(ds, i), ds->y[i] == 1 ? 0.5 : 1.0, 1e-12);
    data_free(ds);
    ds = gen("circles", opts(400, -1, 1));
    double r[2] = {0}, rmax_inner = 0;
    for (int i = 0; i < ds->n; i++) {
        r[(int)ds->y[i]] += radius(ds, i) / 200;
        if (ds->y[i] == 1 && radius(ds, i) > rmax_inner)
            rmax_inner = radius(ds, i);
    }
    assert_near(r[0], 1.0, 0.02);
    assert_near(r[1], 0.5, 0.02);
    assert_true(rmax_inner < 0.9); /* noise 0.05 keeps the rings apart */
    data_free(ds);
}

static void test_moons(void **state)
{
    Dataset *ds = gen("moons", opts(200, 0, 1));
    for (int i = 0; i < ds->n; i++) {
        double a = ds->x[2 * i], b = ds->x[2 * i + 1];
        if (ds->y[i] == 0) { /* upper half of the unit circle */
            assert_near(hypot(a, b), 1.0, 1e-12);
            assert_true(b >= -1e-12);
        } else { /* lower half of the unit circle around (1, 0.5) */
            assert_near(hypot(a - 1, b - 0.5), 1.0, 1e-12);
            assert_true(b <= 0.5 + 1e-12);
        }
    }
    data_free(ds);
}

/* Leave-one-out 1-nearest-neighbour accuracy. */
static double nn1_accuracy(const Dataset *ds)
{
    int right = 0;
    for (int i = 0; i < ds->n; i++) {
        double best = INFINITY;
        int label = -1;
        for (int j = 0; j < ds->n; j++) {
            if (j == i)
                continue;
            double dist = 0;
            for (int c = 0; c < ds->d; c++)
                dist += pow(ds->x[i * ds->d + c] - ds->x[j * ds->d + c], 2);
            if (dist < best) {
                best = dist;
                label = (int)ds->y[j];
            }
        }
        right += label == (int)ds->y[i];
    }
    return (double)right / ds->n;
}

static void test_spirals(void **state)
{
    Dataset *ds = gen("spirals", opts(400, 0, 2));
    for (int i = 0; i < ds->n; i++)
        assert_true(radius(ds, i) >= 0.1 - 1e-12 && radius(ds, i) <= 1 + 1e-12);
    data_free(ds);
    ds = gen("spirals", opts(600, -1, 2));
    assert_true(nn1_accuracy(ds) > 0.95); /* the arms stay apart */
    data_free(ds);
}

/* Per class: the mean and the pooled standard deviation of every feature. */
static void class_stats(const Dataset *ds, int k, double *mean, double *sd)
{
    int count = 0;
    double ss = 0;
    for (int c = 0; c < ds->d; c++)
        mean[c] = 0;
    for (int i = 0; i < ds->n; i++)
        if ((int)ds->y[i] == k) {
            count++;
            for (int c = 0; c < ds->d; c++)
                mean[c] += ds->x[i * ds->d + c];
        }
    for (int c = 0; c < ds->d; c++)
        mean[c] /= count;
    for (int i = 0; i < ds->n; i++)
        if ((int)ds->y[i] == k)
            for (int c = 0; c < ds->d; c++) {
                double e = ds->x[i * ds->d + c] - mean[c];
                ss += e * e;
            }
    *sd = sqrt(ss / ((double)count * ds->d));
}

static void test_gauss(void **state)
{
    double mean[2], sd;
    Dataset *ds = gen("gauss", opts(8000, -1, 4));
    class_stats(ds, 1, mean, &sd);
    assert_near(mean[0], 2, 0.05);
    assert_near(mean[1], 2, 0.05);
    assert_near(sd, 1, 0.03);
    class_stats(ds, 0, mean, &sd);
    assert_near(mean[0], -2, 0.05);
    assert_near(mean[1], -2, 0.05);
    data_free(ds);
    ds = gen("gauss", opts(8000, 1, 4)); /* noise adds to the std */
    class_stats(ds, 0, mean, &sd);
    assert_near(sd, 2, 0.06);
    data_free(ds);
}

static void test_blobs(void **state)
{
    DataGenOpts o = opts(6000, -1, 11);
    o.classes = 4;
    o.features = 3;
    Dataset *ds = gen("blobs", o);
    assert_int_equal(ds->d, 3);
    assert_int_equal(ds->n_classes, 4);
    assert_string_equal(ds->feature_names[2], "x3");
    for (int k = 0; k < 4; k++) {
        double mean[3], sd;
        class_stats(ds, k, mean, &sd);
        assert_near(sd, 1, 0.05);
        for (int c = 0; c < 3; c++)
            assert_true(fabs(mean[c]) < 10.1);
    }
    data_free(ds);
    o.noise = 0.5;
    ds = gen("blobs", o);
    double mean[3], sd;
    class_stats(ds, 2, mean, &sd);
    assert_near(sd, 1.5, 0.08);
    data_free(ds);
}

static void test_blobs_scale(void **state)
{
    DataGenOpts o = opts(50000, -1, 1);
    o.features = 500;
    double t0 = util_now();
    Dataset *ds = gen("blobs", o);
    double elapsed = util_now() - t0;
    assert_int_equal(ds->n, 50000);
    assert_int_equal(ds->d, 500);
    assert_string_equal(ds->feature_names[499], "x500");
    assert_true(elapsed < 5.0);
    data_free(ds);
}

static void test_generator_refusals(void **state)
{
    refused("moon", opts(0, -1, 0), "did you mean 'moons'");
    refused("zzzzzz", opts(0, -1, 0), "line, plane");
    refused(NULL, opts(0, -1, 0), "unknown");
    refused("line", opts(-5, -1, 0), "n=-5");
    refused("line", opts(10000001, -1, 0), "n=10000001");
    refused("moons", opts(1, -1, 0), "classes");
    refused("line", opts(0, NAN, 0), "noise");
    refused("line", opts(0, INFINITY, 0), "noise");
    DataGenOpts o = opts(0, -1, 0);
    o.features = 3;
    refused("moons", o, "only to plane and blobs");
    refused("line", o, "only to plane and blobs");
    o = opts(0, -1, 0);
    o.classes = 3;
    refused("moons", o, "only to blobs");
    refused("plane", o, "only to blobs");
    o.classes = 1;
    refused("blobs", o, "classes=1");
    o.classes = 1001;
    refused("blobs", o, "classes=1001");
    o.classes = 0;
    o.features = 10001;
    refused("blobs", o, "features=10001");
    o.features = -1;
    refused("plane", o, "features=-1");
    o = opts(10000000, -1, 0);
    o.features = 10;
    refused("blobs", o, "100 million");
    /* the largest accepted: a single row, and negative noise is unset */
    Dataset *ds = gen("line", opts(1, -3, 0));
    assert_int_equal(ds->n, 1);
    data_free(ds);
}

/* ---- CSV ----------------------------------------------------------------- */

static Dataset *load(const char *path, const char *target, DataHeader h)
{
    char err[ERR_LEN] = "";
    Dataset *ds = data_load_csv(path, target, h, err);
    if (!ds)
        fail_msg("data_load_csv(%s): %s", path, err);
    return ds;
}

/* The loader's refusal of path; fails when it loads. */
static void load_refused(const char *path, const char *target, DataHeader h,
                         const char *prefix, const char *part)
{
    char err[ERR_LEN] = "";
    Dataset *ds = data_load_csv(path, target, h, err);
    if (ds) {
        data_free(ds);
        fail_msg("data_load_csv(%s) accepted a bad file", path);
    }
    assert_null(strchr(err, '\n'));
    assert_prefix(err, prefix);
    if (part)
        assert_contains(err, part);
}

static void test_csv_iris(void **state)
{
    Dataset *ds = load("lessons/data/iris.csv", NULL, DATA_HEADER_AUTO);
    assert_string_equal(ds->name, "iris.csv");
    assert_int_equal(ds->n, 150);
    assert_int_equal(ds->d, 4);
    assert_int_equal(ds->t, 1);
    assert_true(ds->classification);
    assert_int_equal(ds->n_classes, 3);
    assert_int_equal(ds->n_train, 150);
    assert_string_equal(ds->feature_names[0], "sepal_length");
    assert_string_equal(ds->target_names[0], "species");
    assert_near(ds->x[0], 5.1, 0);
    assert_near(ds->x[3], 0.2, 0);
    data_free(ds);

    ds = load("lessons/data/wine.csv", NULL, DATA_HEADER_AUTO);
    assert_int_equal(ds->n, 178);
    assert_int_equal(ds->d, 13);
    assert_int_equal(ds->n_classes, 3);
    data_free(ds);
    ds = load("lessons/data/digits.csv", NULL, DATA_HEADER_AUTO);
    assert_int_equal(ds->n, 1797);
    assert_int_equal(ds->d, 64);
    assert_int_equal(ds->n_classes, 10);
    data_free(ds);
}

/* CRLF, a blank line, a missing final newline, spaces, a quoted name. */
static void test_csv_header_and_targets(void **state)
{
    const char *f = "tests/data/mixed.csv";
    Dataset *ds = load(f, NULL, DATA_HEADER_AUTO);
    assert_int_equal(ds->n, 4);
    assert_int_equal(ds->d, 3);
    assert_string_equal(ds->feature_names[2], "the target");
    assert_string_equal(ds->target_names[0], "label");
    assert_false(ds->classification); /* 0, 1, 2, 1: three labels in four rows are too few rows each */
    double x[] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};
    double y[] = {0, 1, 2, 1};
    assert_memory_equal(ds->x, x, sizeof x);
    assert_memory_equal(ds->y, y, sizeof y);
    data_free(ds);

    /* by name, a quoted one; 3, 6, 9, 12, a value per row: a regression */
    ds = load(f, "the target", DATA_HEADER_YES);
    assert_int_equal(ds->d, 3);
    assert_string_equal(ds->feature_names[2], "label");
    assert_false(ds->classification);
    assert_near(ds->y[1], 6, 0);
    data_free(ds);

    /* by index, and several targets in the order given: regression */
    ds = load(f, "3, x1", DATA_HEADER_AUTO);
    assert_int_equal(ds->d, 2);
    assert_int_equal(ds->t, 2);
    assert_false(ds->classification);
    assert_int_equal(ds->n_classes, 0);
    assert_string_equal(ds->feature_names[0], "x2");
    assert_string_equal(ds->feature_names[1], "the target");
    assert_string_equal(ds->target_names[0], "label");
    assert_string_equal(ds->target_names[1], "x1");
    assert_near(ds->y[2], 1, 0);
    assert_near(ds->y[3], 4, 0);
    assert_near(ds->x[2], 5, 0);
    data_free(ds);

    /* header=no on a file with a header: the first row is data */
    load_refused(f, NULL, DATA_HEADER_NO, "tests/data/mixed.csv:1: column 'col0' (index 0) holds 'x1'",
                 "header=yes");
}

static void test_csv_no_header(void **state)
{
    const char *f = "tests/data/noheader.csv";
    Dataset *ds = load(f, NULL, DATA_HEADER_AUTO);
    assert_int_equal(ds->n, 3);
    assert_int_equal(ds->d, 2);
    assert_false(ds->classification); /* 0.5 is no label */
    assert_string_equal(ds->feature_names[0], "col0");
    assert_string_equal(ds->target_names[0], "col2");
    assert_near(ds->y[2], 2.5, 0);
    data_free(ds);

    ds = load(f, "0", DATA_HEADER_NO);
    assert_int_equal(ds->d, 2);
    assert_string_equal(ds->target_names[0], "col0");
    assert_near(ds->y[1], 3, 0);
    assert_false(ds->classification); /* 1, 3, 5: a value per row, no classes */
    data_free(ds);

    /* header=yes takes a numeric first row as names */
    ds = load(f, NULL, DATA_HEADER_YES);
    assert_int_equal(ds->n, 2);
    assert_string_equal(ds->feature_names[0], "1");
    data_free(ds);

    /* one distinct value leaves nothing to learn, whatever the task */
    load_refused("tests/data/one_label.csv", NULL, DATA_HEADER_AUTO, "tests/data/one_label.csv: ",
                 "target column 'label' (index 2) holds one value only, 1, in all 2 rows: there is nothing to "
                 "learn; choose another column to predict with target=");
}

/* Writes text to path and loads it with the defaults. */
static Dataset *load_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return load(path, NULL, DATA_HEADER_AUTO);
}

/* The classes of ds are labels[0..k) of the file, renumbered (and named
 * by their values) when given. */
static void assert_classes(const Dataset *ds, int k, const double *labels)
{
    assert_true(ds->classification);
    assert_int_equal(ds->n_classes, k);
    if (!labels) {
        assert_null(ds->class_names);
        return;
    }
    assert_non_null(ds->class_names);
    for (int i = 0; i < k; i++)
        assert_true(atof(ds->class_names[i]) == labels[i]);
}

/* Whole-number labels make classes when they are few for the rows (2 to
 * 20 values, each seen twice on average): 0..K-1 as they are, any others
 * ({999, 0, 5}, {2, 4}, {-1, 1}) numbered in increasing order, never
 * max + 1 classes. More values, or about one a row (a count, a price),
 * stay a regression, and the note says which was chosen and how to have
 * the other. */
static void test_csv_classification_rule(void **state)
{
    Dataset *ds;
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    ds = load_text(path, "a,y\n1,999\n2,0\n3,5\n4,0\n5,5\n6,999\n");
    assert_classes(ds, 3, (const double[]){0, 5, 999});
    assert_true(ds->y[0] == 2 && ds->y[1] == 0 && ds->y[2] == 1 && ds->y[3] == 0);
    data_free(ds);
    ds = load_text(path, "a,y\n1,2\n2,4\n3,4\n4,2\n");
    assert_classes(ds, 2, (const double[]){2, 4});
    data_free(ds);
    ds = load_text(path, "a,y\n1,-1\n2,1\n3,1\n4,-1\n");
    assert_classes(ds, 2, (const double[]){-1, 1});
    assert_true(ds->y[0] == 0 && ds->y[1] == 1);
    Dataset *copy = data_clone(ds); /* the labels go with a copy */
    assert_non_null(copy);
    assert_classes(copy, 2, (const double[]){-1, 1});
    data_free(copy);
    data_free(ds);
    ds = load_text(path, "a,y\n1,1.0\n2,0e0\n3,-0\n4,1\n"); /* integral values count; -0 is 0 */
    assert_classes(ds, 2, NULL);
    assert_true(ds->y[2] == 0 && !signbit(ds->y[2]));
    data_free(ds);
    ds = load_text(path, "a,y\n1,0\n2,1.5\n"); /* a fraction: regression */
    assert_false(ds->classification);
    data_free(ds);
    /* a small regression file of whole numbers, a value per row: not 12 classes */
    ds = load_text(path, "a,y\n1,3\n2,7\n3,12\n4,15\n5,20\n6,23\n7,31\n8,36\n9,40\n10,44\n11,51\n12,58\n");
    assert_false(ds->classification);
    data_free(ds);
    /* each value twice on average: 3 values in 6 rows are classes, in 5 rows not */
    ds = load_text(path, "a,y\n1,0\n2,1\n3,2\n4,0\n5,1\n6,2\n");
    assert_classes(ds, 3, NULL);
    data_free(ds);
    ds = load_text(path, "a,y\n1,0\n2,1\n3,2\n4,0\n5,1\n");
    assert_false(ds->classification);
    data_free(ds);
    /* at most 20 values: 20 each seen 3 times are classes, 21 are a count */
    for (int k = 20; k <= 21; k++) {
        char text[2048] = "a,y\n";
        for (int i = 0; i < 3 * k; i++)
            snprintf(text + strlen(text), sizeof text - strlen(text), "%d,%d\n", i, i % k);
        ds = load_text(path, text);
        assert_int_equal(ds->classification, k == 20);
        data_free(ds);
    }
    /* 30 whole numbers (prices) in 100 rows: a quantity, not 30 classes */
    char text[2048] = "a,y\n";
    for (int i = 0; i < 100; i++)
        snprintf(text + strlen(text), sizeof text - strlen(text), "%d,%d\n", i, 100 + 3 * (i % 30));
    ds = load_text(path, text);
    assert_false(ds->classification);
    data_free(ds);
    unlink(path);
}

static void test_csv_target_refusals(void **state)
{
    const char *f = "tests/data/mixed.csv";
    load_refused(f, "lable", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "did you mean 'label'");
    load_refused(f, "zzzzzzz", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "x1, x2, the target, label");
    load_refused(f, "4", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "out of range");
    load_refused(f, "-1", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "out of range");
    load_refused(f, "label,3", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "twice");
    load_refused(f, "0,1,2,3", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "no features");
    load_refused(f, "x1,", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "empty");
    load_refused(f, "", DATA_HEADER_AUTO, "tests/data/mixed.csv:1: ",
                 "empty");
    load_refused("tests/data/dup_names.csv", "a", DATA_HEADER_AUTO,
                 "tests/data/dup_names.csv:1: ", "index");
    Dataset *ds = load("tests/data/dup_names.csv", "1", DATA_HEADER_AUTO);
    assert_near(ds->y[0], 2, 0); /* the second 'a': 2, 4, a value per row */
    assert_false(ds->classification);
    data_free(ds);
}


/* ---- real files: separators, labels, columns, missing cells -------------- */

static Dataset *load_o(const char *path, DataLoadOpts o, char *note)
{
    char err[ERR_LEN] = "";
    Dataset *ds = data_load_file(path, &o, note, note ? ERR_LEN : 0, err);
    if (!ds)
        fail_msg("data_load_file(%s): %s", path, err);
    return ds;
}

static void load_o_refused(const char *path, DataLoadOpts o, const char *part)
{
    char err[ERR_LEN] = "";
    Dataset *ds = data_load_file(path, &o, NULL, 0, err);
    if (ds) {
        data_free(ds);
        fail_msg("data_load_file(%s) accepted a bad file", path);
    }
    assert_null(strchr(err, '\n'));
    assert_prefix(err, path);
    assert_contains(err, part);
}

/* The note says which task whole numbers made, and how to have the other;
 * task= both ways. */
static void test_csv_task_note(void **state)
{
    (void)state;
    char note[ERR_LEN];
    Dataset *ds = load_o("lessons/data/iris.csv", (DataLoadOpts){0}, note);
    assert_true(ds->classification);
    assert_contains(note, "target 'species' holds 3 different whole numbers in 150 rows: taken as 3 class labels "
                    "(classification); task=regression predicts it as a number instead");
    data_free(ds);
    ds = load_o("lessons/data/iris.csv", (DataLoadOpts){.task = DATA_TASK_REGRESSION}, note);
    assert_false(ds->classification);
    assert_string_equal(note, "");
    data_free(ds);
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("x,price\n", f);
    for (int i = 0; i < 100; i++)
        fprintf(f, "%d.5,%d\n", i, 100 + 3 * (i % 30));
    fclose(f);
    ds = load_o(path, (DataLoadOpts){0}, note);
    assert_false(ds->classification);
    assert_contains(note, "target 'price' holds 30 different whole numbers in 100 rows, more than 20 for class "
                    "labels: predicted as a number (regression); task=classification makes them 30 classes");
    data_free(ds);
    ds = load_o(path, (DataLoadOpts){.task = DATA_TASK_CLASSIFICATION}, note);
    assert_true(ds->classification);
    assert_int_equal(ds->n_classes, 30);
    assert_string_equal(note, "");
    data_free(ds);
    f = fopen(path, "w");
    fputs("x,y\n0.5,0\n1.5,1\n2.5,2\n3.5,0\n4.5,1\n", f);
    fclose(f);
    ds = load_o(path, (DataLoadOpts){0}, note);
    assert_false(ds->classification);
    assert_contains(note, "target 'y' holds 3 different whole numbers in 5 rows, too few rows each for class "
                    "labels: predicted as a number (regression); task=classification makes them 3 classes");
    data_free(ds);
    f = fopen(path, "w");
    fputs("x,y\n0.5,3\n1.5,7\n2.5,12\n", f);
    fclose(f);
    ds = load_o(path, (DataLoadOpts){0}, note);
    assert_contains(note, "target 'y' holds a different whole number in each of the 3 rows: a quantity to "
                    "predict (regression), not class labels");
    data_free(ds);
    unlink(path);
}

static void test_csv_real_semicolons_labels(void **state)
{
    (void)state;
    const char *f = "tests/data/real/semi_labels.csv";
    char note[ERR_LEN];
    /* the separator is detected; the text labels make two sorted classes;
     * the id column is noted */
    Dataset *ds = load_o(f, (DataLoadOpts){.target = "diagnosis"}, note);
    assert_int_equal(ds->sep, ';');
    assert_int_equal(ds->d, 3);
    assert_true(ds->classification);
    assert_int_equal(ds->n_classes, 2);
    assert_string_equal(ds->class_names[0], "B");
    assert_string_equal(ds->class_names[1], "M");
    assert_true(ds->y[0] == 1 && ds->y[1] == 0);
    assert_string_equal(ds->feature_names[0], "id");
    assert_contains(note, "drop=id");
    data_free(ds);
    /* drop= by name, features= by index */
    ds = load_o(f, (DataLoadOpts){.target = "1", .drop = "id"}, note);
    assert_int_equal(ds->d, 2);
    assert_string_equal(ds->feature_names[0], "radius");
    assert_string_equal(note, "");
    assert_int_equal(ds->feature_cols[1], 3);
    Dataset *c = data_clone(ds);
    assert_string_equal(c->class_names[1], "M");
    assert_int_equal(c->feature_cols[0], 2);
    data_free(c);
    data_free(ds);
    ds = load_o(f, (DataLoadOpts){.target = "diagnosis", .features = "3"}, NULL);
    assert_int_equal(ds->d, 1);
    assert_string_equal(ds->feature_names[0], "texture");
    data_free(ds);
    /* without target= the last column is the target, and the text column
     * is refused with the way out */
    load_o_refused(f, (DataLoadOpts){0}, "target=diagnosis");
    load_o_refused(f, (DataLoadOpts){.sep = ','}, "single column");
    load_o_refused(f, (DataLoadOpts){.target = "diagnosis", .drop = "diagnosis"}, "is the target");
    load_o_refused(f, (DataLoadOpts){.drop = "id", .features = "radius"}, "not both");
    load_o_refused(f, (DataLoadOpts){.target = "diagnosis", .drop = "idd"}, "did you mean 'id'");
    load_o_refused(f, (DataLoadOpts){.target = "diagnosis", .task = DATA_TASK_REGRESSION},
                   "task=regression");
    /* a headerless file of labels is not taken for a header */
    ds = load_o("tests/data/real/noheader_labels.csv", (DataLoadOpts){.target = "1"}, NULL);
    assert_int_equal(ds->n, 3);
    assert_false(ds->header);
    assert_string_equal(ds->class_names[0], "B");
    data_free(ds);
    /* tabs */
    ds = load_o("tests/data/real/tabs.csv", (DataLoadOpts){0}, NULL);
    assert_int_equal(ds->sep, '\t');
    assert_int_equal(ds->d, 2);
    assert_string_equal(ds->class_names[1], "dog");
    data_free(ds);
}

static void test_csv_real_missing_task(void **state)
{
    (void)state;
    const char *f = "tests/data/real/missing.csv";
    char note[ERR_LEN];
    load_o_refused(f, (DataLoadOpts){0}, ":3: column 'texture' (index 2) holds 'NA', a missing value: fill it in, or load with "
                   "missing=drop (skip such rows) or missing=mean (the column's mean)");
    Dataset *ds = load_o(f, (DataLoadOpts){.missing = DATA_MISSING_DROP, .drop = "id"}, note);
    assert_int_equal(ds->n, 3);
    assert_contains(note, "left out 2 rows");
    data_free(ds);
    ds = load_o(f, (DataLoadOpts){.missing = DATA_MISSING_MEAN, .drop = "id"}, note);
    assert_int_equal(ds->n, 5);
    assert_near(ds->x[2 * 2], (17.99 + 13.54 + 12.45 + 11.42) / 4, 1e-12);
    assert_near(ds->x[1 * 2 + 1], (10.38 + 17.77 + 15.7 + 20.38) / 4, 1e-12);
    assert_contains(note, "filled 2 missing cells");
    data_free(ds);
    load_o_refused("tests/data/real/decimal_comma.csv", (DataLoadOpts){0}, "decimal comma");
    /* numbers forced to classes: the distinct values, sorted, named */
    const char *q = "tests/data/real/quality.csv";
    ds = load_o(q, (DataLoadOpts){0}, NULL);
    assert_true(ds->classification); /* 3, 5, 8 in 6 rows: three classes named by the labels, not 0..8 */
    assert_int_equal(ds->n_classes, 3);
    assert_string_equal(ds->class_names[1], "5");
    data_free(ds);
    ds = load_o(q, (DataLoadOpts){.task = DATA_TASK_REGRESSION}, NULL);
    assert_false(ds->classification);
    data_free(ds);
    DataLoadOpts o = {.task = DATA_TASK_CLASSIFICATION, .target = "q"};
    ds = load_o(q, o, NULL);
    assert_int_equal(ds->n_classes, 3); /* 3, 5, 8: named by their labels */
    assert_string_equal(ds->class_names[0], "3");
    data_free(ds);
    /* task=classification on what is no label: a value per row, or not whole */
    o.target = "a";
    load_o_refused(q, o, "each of the 6 rows of the target 'a' has a value of its own: 6 classes of one row "
                   "each leave nothing to learn a class from; load it with task=regression");
    load_o_refused("tests/data/noheader.csv", (DataLoadOpts){.task = DATA_TASK_CLASSIFICATION},
                   "holds values that are not whole numbers (such as 0.5), a quantity to predict: load it "
                   "with task=regression");
}

static void test_csv_trailing_comma_and_ids(void **state)
{
    (void)state;
    char note[ERR_LEN];
    /* a comma at the end of every line: a nameless, empty column, left out */
    Dataset *ds = load_o("tests/data/real/trailing_comma.csv", (DataLoadOpts){.drop = "id, diagnosis"}, note);
    assert_int_equal(ds->d, 1);
    assert_string_equal(ds->target_names[0], "texture_mean"); /* the last named column */
    assert_contains(note, "left out 1 column with no name");
    data_free(ds);
    ds = load_o("tests/data/real/trailing_comma.csv", (DataLoadOpts){.target = "diagnosis"}, note);
    assert_int_equal(ds->d, 3);
    assert_string_equal(ds->class_names[1], "M");
    assert_contains(note, "column 'id' holds distinct whole numbers in order");
    data_free(ds);
    /* a nameless column with some values is a column like any other */
    load_o_refused("tests/data/real/unnamed_gap.csv", (DataLoadOpts){.target = "diagnosis"},
                   ":3: column 'col3' (index 3) is empty, a missing value");
    ds = load_o("tests/data/real/unnamed_gap.csv", (DataLoadOpts){.target = "diagnosis", .missing = DATA_MISSING_DROP}, note);
    assert_int_equal(ds->n, 2);
    assert_contains(note, "left out 1 row");
    data_free(ds);
    ds = load_o("tests/data/real/unnamed_gap.csv", (DataLoadOpts){.target = "diagnosis", .missing = DATA_MISSING_MEAN}, NULL);
    assert_near(ds->x[1 * ds->d + 2], 2, 0);
    data_free(ds);
}

static void test_csv_features_like(void **state)
{
    (void)state;
    Dataset *ds = load_o("tests/data/real/semi_labels.csv",
                         (DataLoadOpts){.target = "diagnosis", .drop = "id"}, NULL);
    double *x;
    int n;
    char err[ERR_LEN];
    /* the same file: features by name */
    assert_int_equal(data_load_features("tests/data/real/semi_labels.csv", ds, &x, &n, err), 0);
    assert_int_equal(n, 5);
    assert_near(x[0], 17.99, 0);
    assert_near(x[1], 10.38, 0);
    free(x);
    assert_int_equal(data_load_features("tests/data/real/tabs.csv", ds, &x, &n, err), -1);
    assert_contains(err, "no column 'radius'");
    data_free(ds);
}

static void test_csv_bad_corpus(void **state)
{
    static const struct {
        const char *file, *prefix, *part;
    } bad[] = {
        {"ragged.csv", ":3: ", "row has 2 cells, the header has 3"},
        {"text_cell.csv", ":3: ", "column 'b' (index 1) holds 'abc', text, not a number"},
        {"nan.csv", ":4: ", "column 'b' (index 1) holds 'NaN', a missing value: fill it in, or load with missing=drop"},
        {"inf.csv", ":3: ", "column 'a' (index 0) holds '-inf', an infinite value"},
        {"empty.csv", ":1: ", "empty"},
        {"blank.csv", ":1: ", "empty"},
        {"header_only.csv", ":1: ", "no data rows"},
        {"nul.csv", ":3: ", "not a text CSV file"},
        {"binary.csv", ":1: ", "not a text CSV file"},
        {"unterminated_quote.csv", ":1: ", "quote"},
        {"empty_cell.csv", ":3: ", "column 'b' (index 1) is empty"},
        {"text_noheader.csv", ":2: ", "target column 'col2' (index 2) holds 'x', text, not a number; the rows above hold numbers"},
    };
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        char path[128], prefix[160];
        snprintf(path, sizeof path, "tests/data/bad/%s", bad[i].file);
        snprintf(prefix, sizeof prefix, "%s%s", path, bad[i].prefix);
        load_refused(path, NULL, DATA_HEADER_AUTO, prefix, bad[i].part);
    }
    load_refused("tests/data/no_such.csv", NULL, DATA_HEADER_AUTO,
                 "tests/data/no_such.csv: ", "No such file");
    load_refused("tests/data", NULL, DATA_HEADER_AUTO, "tests/data: ",
                 "it is a directory");
    /* a pipe is refused at once, not waited on for a writer */
    char fifo[64];
    snprintf(fifo, sizeof fifo, "/tmp/paramlab-fifo-%d.csv", (int)getpid());
    unlink(fifo);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    load_refused(fifo, NULL, DATA_HEADER_AUTO, fifo, "not a regular file (a pipe or a device)");
    unlink(fifo);
}

/* Writes text to path. */
static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* A missing target cell: the refusal offers only what works for a target
 * (fill it in, missing=drop), and missing=mean is refused for a target,
 * never called a label, for whole numbers and fractions alike. */
static void test_csv_missing_target(void **state)
{
    (void)state;
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char err[ERR_LEN];
    static const char *const files[] = {"a,b,y\n1,2,0\n2,3,\n3,4,1\n4,5,0\n5,6,1\n",
                                        "a,b,y\n1,2,0.5\n2,3,NA\n3,4,1.5\n4,5,0.25\n"};
    for (int i = 0; i < 2; i++) {
        write_text(path, files[i]);
        for (int mean = 0; mean <= 1; mean++) {
            DataLoadOpts o = {.missing = mean ? DATA_MISSING_MEAN : DATA_MISSING_ERROR};
            assert_null(data_load_file(path, &o, NULL, 0, err));
            assert_contains(err, ":3: target column 'y' (index 2) ");
            assert_contains(err, i ? "holds 'NA', a missing value" : "is empty, a missing value");
            assert_contains(err, ": fill it in, or load with missing=drop (skip such rows)");
            assert_lacks(err, "label");
            if (mean)
                assert_contains(err, "missing=mean fills features only, never a target");
            else
                assert_lacks(err, "missing=mean");
        }
        DataLoadOpts o = {.missing = DATA_MISSING_DROP};
        Dataset *ds = load_o(path, o, NULL);
        assert_int_equal(ds->n, i ? 3 : 4);
        data_free(ds);
    }
    unlink(path);
}

/* A target with one value in every row is refused in one wording for
 * text labels, whole numbers and fractions, under any task=. */
static void test_csv_constant_target(void **state)
{
    (void)state;
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    static const struct {
        const char *text, *value;
        DataTask task;
    } one[] = {
        {"a,y\n1,3\n2,3\n3,3\n4,3\n", "3, in all 4 rows", DATA_TASK_AUTO},
        {"a,y\n1,3\n2,3\n3,3\n4,3\n", "3, in all 4 rows", DATA_TASK_CLASSIFICATION},
        {"a,y\n1,cat\n2,cat\n3,cat\n", "'cat', in all 3 rows", DATA_TASK_AUTO},
        {"a,y\n1,0.5\n2,0.5\n", "0.5, in all 2 rows", DATA_TASK_REGRESSION},
    };
    char part[200];
    for (size_t i = 0; i < sizeof one / sizeof one[0]; i++) {
        write_text(path, one[i].text);
        snprintf(part, sizeof part, "target column 'y' (index 1) holds one value only, %s: there is nothing to "
                 "learn; choose another column to predict with target=", one[i].value);
        load_o_refused(path, (DataLoadOpts){.task = one[i].task, .missing = DATA_MISSING_DROP}, part);
    }
    /* one row left (the other dropped): the row count is the trouble, not the column */
    write_text(path, "a,y\n1,2\n2,\n");
    load_o_refused(path, (DataLoadOpts){.missing = DATA_MISSING_DROP}, ": only one data row to learn from: there is nothing "
                   "to learn from one example; give it more rows");
    write_text(path, "a,y,z\n1,3,0\n2,3,1\n");
    load_o_refused(path, (DataLoadOpts){.target = "y,z"}, "target column 'y' (index 1) holds one value only, 3, "
                   "in all 2 rows: there is nothing to learn; leave it out of target=");
    unlink(path);
}

/* Messages name a column so that the advice they give can be typed: a
 * long or comma-holding name is shown cut with "..." and given to drop=
 * and target= by its index; text in one of two targets, an infinite cell,
 * a lone row and a control byte each say what is wrong. */
static void test_csv_wording(void **state)
{
    (void)state;
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char text[400], want[300];
    snprintf(text, sizeof text, "a,%0100d,y\n1,x,0\n2,w,1\n3,v,0\n", 0);
    write_text(path, text);
    snprintf(want, sizeof want, "column '%037d...' (index 1) holds 'x', text, not a number; if column '%037d...' "
             "holds the labels, load with target=1; else leave it out with drop=1", 0, 0);
    load_o_refused(path, (DataLoadOpts){0}, want);
    write_text(path, "a,\"y,z\",t\n1,2,0\n2,x,1\n3,4,0\n");
    load_o_refused(path, (DataLoadOpts){0}, "load with target=1; else leave it out with drop=1");
    write_text(path, "a,y,z\n1,cat,2\n2,3,4\n3,5,6\n");
    load_o_refused(path, (DataLoadOpts){.target = "y,z"}, "holds 'cat', text, not a number; text labels make a "
                   "classification, which takes one target column");
    write_text(path, "a,y\n1,inf\n2,3\n3,4\n");
    load_o_refused(path, (DataLoadOpts){0}, "holds 'inf', an infinite value; edit that row or delete it from the "
                   "file (missing= handles empty and NA cells only)");
    write_text(path, "a,y\n1,3\n");
    load_o_refused(path, (DataLoadOpts){0}, ": only one data row to learn from");
    write_text(path, "a,y\n1,\x01\n");
    load_o_refused(path, (DataLoadOpts){0}, "byte 0x01, character 3 of the line: not a text CSV file; give a text "
                   "file of comma-separated values");
    unlink(path);
}

/* A target of text labels must be labels in every row; header=no takes
 * text in the first row's target for a label. */
static void test_csv_target_text(void **state)
{
    (void)state;
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    char part[200];
    write_text(path, "a,b,y\n1,2,1\n2,3,2\n3,4,three\n");
    snprintf(part, sizeof part, "%s:4: target column 'y' (index 2) holds 'three', text, not a number; the rows "
             "above hold numbers, and a target of text labels (a classification) needs a label in every row",
             path);
    load_o_refused(path, (DataLoadOpts){0}, part);
    write_text(path, "1,2,cat\n2,3,dog\n3,4,cat\n4,5,dog\n");
    Dataset *ds = load(path, NULL, DATA_HEADER_NO);
    assert_int_equal(ds->n, 4);
    assert_string_equal(ds->class_names[0], "cat");
    data_free(ds);
    unlink(path);
}

/* Files too big to keep in the repository, written at test time. */
static void test_csv_huge_lines(void **state)
{
    char path[] = "/tmp/paramlab_test_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    FILE *f = fdopen(fd, "w");
    fputs("a,b\n1,2\n", f);
    for (int i = 0; i < 2 * 1024 * 1024; i++)
        fputc('7', f);
    fputs("\n", f);
    fclose(f);
    char prefix[64];
    snprintf(prefix, sizeof prefix, "%s:3: ", path);
    load_refused(path, NULL, DATA_HEADER_AUTO, prefix, "longer than 1 MB");

    f = fopen(path, "w");
    for (int i = 0; i <= 100000; i++)
        fputs(i ? ",0" : "0", f);
    fputs("\n", f);
    fclose(f);
    snprintf(prefix, sizeof prefix, "%s:1: ", path);
    load_refused(path, NULL, DATA_HEADER_AUTO, prefix, "100000 columns");

    /* 100000 columns are accepted */
    f = fopen(path, "w");
    for (int r = 0; r < 2; r++) {
        for (int i = 0; i < 99999; i++)
            fputs(i ? ",1" : "1", f);
        fprintf(f, ",%d\n", r); /* a target of two values */
    }
    fclose(f);
    Dataset *ds = load(path, NULL, DATA_HEADER_AUTO);
    assert_int_equal(ds->d, 99999);
    assert_string_equal(ds->feature_names[99998], "col99998");
    data_free(ds);
    unlink(path);
}

/* ---- split and standardize ----------------------------------------------- */

static void test_split(void **state)
{
    char err[ERR_LEN];
    Dataset *a = gen("line", opts(200, 0, 1));
    Dataset *b = gen("line", opts(200, 0, 1));
    assert_int_equal(data_split(a, 0.25, 9, err), 0);
    assert_int_equal(data_split(b, 0.25, 9, err), 0);
    assert_int_equal(a->n_train, 150);
    assert_int_equal(a->n, 200);
    assert_memory_equal(a->x, b->x, 200 * sizeof(double));
    for (int i = 0; i < a->n; i++) /* rows stay paired */
        assert_near(a->y[i], 2 * a->x[i] + 1, 1e-15);
    /* a different seed, a different order; a second split re-splits */
    assert_int_equal(data_split(b, 0.1, 10, err), 0);
    assert_int_equal(b->n_train, 180);
    assert_true(memcmp(a->x, b->x, 200 * sizeof(double)) != 0);
    for (int i = 0; i < b->n; i++)
        assert_near(b->y[i], 2 * b->x[i] + 1, 1e-15);
    /* rows are permuted, not lost: the sums agree */
    double sa = 0, sb = 0;
    for (int i = 0; i < 200; i++) {
        sa += a->x[i];
        sb += b->x[i];
    }
    assert_near(sa, sb, 1e-12);
    /* ceil(frac * n), as scikit-learn's train_test_split: 66.6 and 0.2 round up */
    assert_int_equal(data_split(b, 0.333, 1, err), 0);
    assert_int_equal(b->n_train, 200 - 67);
    assert_int_equal(data_split(b, 0.001, 1, err), 0);
    assert_int_equal(b->n_train, 199);

    /* refusals leave the data as it was */
    double before = b->x[0];
    int n_train = b->n_train;
    double bad[] = {0, 1, -0.5, 1.5, NAN, 0.999};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        err[0] = '\0';
        assert_int_equal(data_split(b, bad[i], 1, err), -1);
        assert_true(strlen(err) > 0);
        assert_int_equal(b->n_train, n_train);
        assert_near(b->x[0], before, 0);
    }
    data_free(a);
    data_free(b);

    /* multiple targets travel with their row */
    Dataset *ds = load("tests/data/mixed.csv", "x1,x2", DATA_HEADER_AUTO);
    assert_int_equal(data_split(ds, 0.5, 3, err), 0);
    assert_int_equal(ds->n_train, 2);
    for (int i = 0; i < ds->n; i++) {
        assert_near(ds->y[2 * i + 1], ds->y[2 * i] + 1, 0);
        assert_near(ds->x[2 * i], ds->y[2 * i] + 2, 0);
    }
    data_free(ds);
}

static void test_standardize(void **state)
{
    char err[ERR_LEN];
    DataGenOpts o = opts(1000, -1, 2);
    o.features = 3;
    Dataset *ds = gen("blobs", o);
    assert_int_equal(data_split(ds, 0.2, 5, err), 0);
    int n = ds->n, nt = ds->n_train, d = ds->d;
    /* a constant column, to check that it is only centred */
    for (int i = 0; i < n; i++)
        ds->x[i * d + 1] = 0.1;
    double *raw = malloc((size_t)n * d * sizeof *raw);
    memcpy(raw, ds->x, (size_t)n * d * sizeof *raw);
    assert_int_equal(data_standardize(ds, err), 0);
    assert_true(ds->standardized);
    assert_non_null(ds->mean);
    assert_non_null(ds->std);
    for (int c = 0; c < d; c++) {
        double mean = 0, var = 0;
        for (int i = 0; i < nt; i++)
            mean += raw[i * d + c] / nt;
        for (int i = 0; i < nt; i++)
            var += pow(raw[i * d + c] - mean, 2) / nt; /* population */
        assert_near(ds->mean[c], mean, 1e-12);
        if (c == 1) {
            assert_near(ds->std[c], 1, 0);
            for (int i = 0; i < n; i++)
                assert_near(ds->x[i * d + c], 0, 0);
            continue;
        }
        assert_near(ds->std[c], sqrt(var), 1e-12);
        /* training rows: mean 0, std 1 */
        double m2 = 0, v2 = 0;
        for (int i = 0; i < nt; i++)
            m2 += ds->x[i * d + c] / nt;
        for (int i = 0; i < nt; i++)
            v2 += pow(ds->x[i * d + c] - m2, 2) / nt;
        assert_near(m2, 0, 1e-12);
        assert_near(v2, 1, 1e-12);
        /* validation rows use the training statistics */
        for (int i = nt; i < n; i++)
            assert_near(ds->x[i * d + c], (raw[i * d + c] - mean) / sqrt(var),
                        1e-12);
    }
    /* the labels are untouched, a second standardize and a re-split are
     * refused, and neither changes anything */
    double x0 = ds->x[0];
    assert_int_equal(data_standardize(ds, err), -1);
    assert_contains(err, "already standardized");
    assert_int_equal(data_split(ds, 0.5, 1, err), -1);
    assert_contains(err, "split before standardizing");
    assert_int_equal(ds->n_train, nt);
    assert_near(ds->x[0], x0, 0);
    free(raw);
    data_free(ds);

    /* without a split, the statistics come from every row */
    ds = gen("line", opts(100, -1, 3));
    assert_int_equal(data_standardize(ds, err), 0);
    double m = 0;
    for (int i = 0; i < ds->n; i++)
        m += ds->x[i];
    assert_near(m, 0, 1e-12);
    data_free(ds);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_generator_list),
        cmocka_unit_test(test_digits),
        cmocka_unit_test(test_generator_shapes),
        cmocka_unit_test(test_generator_balance),
        cmocka_unit_test(test_generator_seeds),
        cmocka_unit_test(test_line),
        cmocka_unit_test(test_plane_and_sine),
        cmocka_unit_test(test_xor),
        cmocka_unit_test(test_circles),
        cmocka_unit_test(test_moons),
        cmocka_unit_test(test_spirals),
        cmocka_unit_test(test_gauss),
        cmocka_unit_test(test_blobs),
        cmocka_unit_test(test_blobs_scale),
        cmocka_unit_test(test_generator_refusals),
        cmocka_unit_test(test_csv_iris),
        cmocka_unit_test(test_csv_header_and_targets),
        cmocka_unit_test(test_csv_no_header),
        cmocka_unit_test(test_csv_classification_rule),
        cmocka_unit_test(test_csv_task_note),
        cmocka_unit_test(test_csv_target_refusals),
        cmocka_unit_test(test_csv_bad_corpus),
        cmocka_unit_test(test_csv_real_semicolons_labels),
        cmocka_unit_test(test_csv_real_missing_task),
        cmocka_unit_test(test_csv_features_like),
        cmocka_unit_test(test_csv_trailing_comma_and_ids),
        cmocka_unit_test(test_csv_missing_target),
        cmocka_unit_test(test_csv_constant_target),
        cmocka_unit_test(test_csv_target_text),
        cmocka_unit_test(test_csv_wording),
        cmocka_unit_test(test_csv_huge_lines),
        cmocka_unit_test(test_split),
        cmocka_unit_test(test_standardize),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
