/* data.c — the data sets a learner trains on: nine built-in generators
 * (regression: line, plane, sine; classification: xor, circles, moons,
 * spirals, gauss, blobs) and the fixed digits (compiled in), the training/validation/test split and
 * standardization (data_csv.c reads CSV files). Every random draw comes
 * from one Rng seeded with the caller's seed, so a seed reproduces a data
 * set exactly. Errors are one-line messages in the caller's buffer that say
 * what is wrong and what to do; nothing here prints or exits. */
#include "data.h"
#include "data_limits.h"
#include "util.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>


/* ---- data sets ---------------------------------------------------------- */

void data_free(Dataset *ds)
{
    if (!ds)
        return;
    if (ds->feature_names)
        for (int j = 0; j < ds->d; j++)
            free(ds->feature_names[j]);
    if (ds->target_names)
        for (int j = 0; j < ds->t; j++)
            free(ds->target_names[j]);
    if (ds->class_names)
        for (int k = 0; k < ds->n_classes; k++)
            free(ds->class_names[k]);
    free(ds->class_names);
    free(ds->feature_cols);
    free(ds->feature_names);
    free(ds->target_names);
    free(ds->x);
    free(ds->y);
    free(ds->mean);
    free(ds->std);
    free(ds);
}

const char *data_class_name(const Dataset *ds, int k, char *buf, size_t size)
{
    if (ds->class_names && k >= 0 && k < ds->n_classes)
        return ds->class_names[k];
    snprintf(buf, size, "%d", k);
    return buf;
}

bool data_labels_numeric(const Dataset *ds)
{
    if (!ds->classification || !ds->class_names)
        return false;
    for (int k = 0; k < ds->n_classes; k++) {
        const char *name = ds->class_names[k];
        char *end;
        if (!name || !*name)
            return false;
        (void)strtod(name, &end);
        if (*end)
            return false;
    }
    return true;
}

/* A zeroed data set of n rows, d features and t targets with all rows in
 * training; names are left NULL for the caller. NULL when out of memory. */
Dataset *data_alloc(const char *name, int n, int d, int t)
{
    Dataset *ds = util_calloc(1, sizeof *ds);
    if (!ds)
        return NULL;
    snprintf(ds->name, sizeof ds->name, "%s", name);
    ds->n = n;
    ds->d = d;
    ds->t = t;
    ds->n_train = n;
    ds->x = util_calloc((size_t)n * (size_t)d, sizeof(double));
    ds->y = util_calloc((size_t)n * (size_t)t, sizeof(double));
    ds->feature_names = util_calloc((size_t)d, sizeof(char *));
    ds->target_names = util_calloc((size_t)t, sizeof(char *));
    if (!ds->x || !ds->y || !ds->feature_names || !ds->target_names) {
        data_free(ds);
        return NULL;
    }
    return ds;
}

Dataset *data_clone(const Dataset *ds)
{
    Dataset *c = data_alloc(ds->name, ds->n, ds->d, ds->t);
    if (!c)
        return NULL;
    memcpy(c->x, ds->x, sizeof(double) * (size_t)ds->n * (size_t)ds->d);
    memcpy(c->y, ds->y, sizeof(double) * (size_t)ds->n * (size_t)ds->t);
    c->classification = ds->classification;
    c->n_classes = ds->n_classes;
    c->n_train = ds->n_train;
    c->n_test = ds->n_test;
    c->standardized = ds->standardized;
    memcpy(c->recipe, ds->recipe, sizeof c->recipe);
    bool ok = true;
    for (int j = 0; j < ds->d; j++)
        ok = ok && (c->feature_names[j] = util_strdup(ds->feature_names[j])) != NULL;
    for (int j = 0; j < ds->t; j++)
        ok = ok && (c->target_names[j] = util_strdup(ds->target_names[j])) != NULL;
    c->sep = ds->sep;
    c->header = ds->header;
    c->file_cols = ds->file_cols;
    c->img_c = ds->img_c;
    c->img_h = ds->img_h;
    c->img_w = ds->img_w;
    if (ok && ds->class_names) {
        ok = (c->class_names = util_calloc((size_t)ds->n_classes, sizeof(char *))) != NULL;
        for (int k = 0; ok && k < ds->n_classes; k++)
            ok = (c->class_names[k] = util_strdup(ds->class_names[k])) != NULL;
    }
    if (ok && ds->feature_cols) {
        ok = (c->feature_cols = util_calloc((size_t)ds->d, sizeof(int))) != NULL;
        if (ok)
            memcpy(c->feature_cols, ds->feature_cols, sizeof(int) * (size_t)ds->d);
    }
    if (ok && ds->mean) {
        c->mean = util_calloc((size_t)ds->d, sizeof(double));
        c->std = util_calloc((size_t)ds->d, sizeof(double));
        ok = c->mean && c->std;
        if (ok) {
            memcpy(c->mean, ds->mean, sizeof(double) * (size_t)ds->d);
            memcpy(c->std, ds->std, sizeof(double) * (size_t)ds->d);
        }
    }
    if (!ok) {
        data_free(c);
        return NULL;
    }
    return c;
}

/* Names features x1..xd and the single target y; -1 when out of memory. */
static int ds_name_generated(Dataset *ds)
{
    char buf[32];
    for (int j = 0; j < ds->d; j++) {
        snprintf(buf, sizeof buf, "x%d", j + 1);
        if (!(ds->feature_names[j] = util_strdup(buf)))
            return -1;
    }
    return (ds->target_names[0] = util_strdup("y")) ? 0 : -1;
}

/* ---- digits: a fixed data set --------------------------------------------- */

/* The 1797 handwritten digits of scikit-learn's load_digits (UCI optdigits),
 * each an 8x8 image of pixel counts 0..16 labelled 0..9. The rows are
 * compiled in: the Makefile makes a C table from lessons/data/digits.csv
 * with src/engine/digits_table.awk, so the data set exists wherever the
 * binary runs. Pixels stay raw (0..16) as scikit-learn hands them out;
 * standardizing is the learner's step. */
#define DIGITS_SIDE 8
#define DIGITS_D (DIGITS_SIDE * DIGITS_SIDE)
#define DIGITS_CLASSES 10

/* The generated table: rows of 64 pixels then the digit. */
extern const unsigned char data_digits_cells[];
extern const size_t data_digits_len;

static Dataset *make_digits(const DataGenOpts *o, char *err)
{
    if (o && (o->n || o->noise >= 0 || o->classes || o->features)) {
        util_err(err, "digits is a fixed set of 1797 scanned 8x8 digits: it takes no n=, noise=, classes= or "
                      "features= (hold rows out with a split instead)");
        return NULL;
    }
    size_t row = DIGITS_D + 1;
    if (data_digits_len == 0 || data_digits_len % row != 0) {
        util_err(err, "the built-in digits table is damaged (%zu cells)", data_digits_len);
        return NULL;
    }
    int n = (int)(data_digits_len / row);
    Dataset *ds = data_alloc("digits", n, DIGITS_D, 1);
    bool ok = ds != NULL;
    for (int j = 0; ok && j < DIGITS_D; j++) {
        char name[16];
        snprintf(name, sizeof name, "p%d", j);
        ok = (ds->feature_names[j] = util_strdup(name)) != NULL;
    }
    if (!ok || !(ds->target_names[0] = util_strdup("digit"))) {
        data_free(ds);
        util_fail(err, ERR_NOMEM, "out of memory making the digits");
        return NULL;
    }
    for (int i = 0; i < n; i++) {
        const unsigned char *cell = data_digits_cells + (size_t)i * row;
        for (int j = 0; j < DIGITS_D; j++)
            ds->x[(size_t)i * DIGITS_D + j] = cell[j];
        ds->y[i] = cell[DIGITS_D];
    }
    ds->classification = true;
    ds->n_classes = DIGITS_CLASSES;
    ds->img_c = 1;
    ds->img_h = DIGITS_SIDE;
    ds->img_w = DIGITS_SIDE;
    snprintf(ds->recipe, sizeof ds->recipe, "digits");
    return ds;
}

/* ---- generators --------------------------------------------------------- */

/* What a generator's point function may draw on. */
typedef struct GenCtx {
    Rng *rng;              /* the data set's generator */
    double noise;          /* noise level in effect */
    int d;                 /* features */
    const double *centres; /* (K, d) cluster centres, blobs only */
} GenCtx;

/* Writes the features x (d) of point j of m in class k; a regression
 * generator (k = 0, m = n) also writes its target y, a classifier gets
 * y = NULL and the caller stores the label k. */
typedef void (*GenPoint)(const GenCtx *c, int k, int j, int m, double *x,
                         double *y);

typedef struct Gen {
    const char *name;  /* as typed after `data` */
    const char *about; /* one line for help; states the true function */
    double noise;      /* default noise */
    int classes;       /* 0 regression, else default number of classes */
    int d;             /* default features */
    bool takes_features; /* features= allowed */
    bool takes_classes;  /* classes= allowed */
    GenPoint point;
} Gen;

static double uniform(Rng *r, double lo, double hi)
{
    return lo + (hi - lo) * rng_uniform(r);
}

/* Fills out (n) with standard normals, two per draw (Marsaglia's polar
 * method): the blobs generator needs millions of them quickly. */
static void normal_fill(Rng *r, double *out, int n)
{
    for (int i = 0; i < n; i += 2) {
        double u, v, s;
        do {
            u = 2.0 * rng_uniform(r) - 1.0;
            v = 2.0 * rng_uniform(r) - 1.0;
            s = u * u + v * v;
        } while (s >= 1.0 || s == 0.0);
        double f = sqrt(-2.0 * log(s) / s);
        out[i] = u * f;
        if (i + 1 < n)
            out[i + 1] = v * f;
    }
}

/* Adds noise * N(0, 1) to each of the n values of x. */
static void jitter(const GenCtx *c, double *x, int n)
{
    if (c->noise > 0)
        for (int i = 0; i < n; i++)
            x[i] += c->noise * rng_normal(c->rng);
}

static void line_point(const GenCtx *c, int k, int j, int m, double *x,
                       double *y)
{
    x[0] = uniform(c->rng, -1, 1);
    y[0] = 2 * x[0] + 1;
    jitter(c, y, 1);
}

static void plane_point(const GenCtx *c, int k, int j, int m, double *x,
                        double *y)
{
    double s = 0.5;
    for (int i = 0; i < c->d; i++) {
        x[i] = uniform(c->rng, -1, 1);
        s += (i % 2 ? -(i + 1) : (i + 1)) * x[i]; /* w = 1, -2, 3, -4, ... */
    }
    y[0] = s;
    jitter(c, y, 1);
}

static void sine_point(const GenCtx *c, int k, int j, int m, double *x,
                       double *y)
{
    x[0] = uniform(c->rng, -M_PI, M_PI);
    y[0] = sin(x[0]);
    jitter(c, y, 1);
}

/* Label 1 in the quadrants where x1 * x2 < 0: the point is drawn inside its
 * class's two quadrants, so classes stay balanced. */
static void xor_point(const GenCtx *c, int k, int j, int m, double *x,
                      double *y)
{
    double a = 1.0 - rng_uniform(c->rng), b = 1.0 - rng_uniform(c->rng);
    double s = rng_uniform(c->rng) < 0.5 ? 1.0 : -1.0;
    x[0] = s * a;
    x[1] = (k ? -s : s) * b;
    jitter(c, x, 2);
}

/* sklearn's make_circles(factor=0.5): evenly spaced angles, outer circle
 * of radius 1 is class 0, inner circle of radius 0.5 class 1. */
static void circles_point(const GenCtx *c, int k, int j, int m, double *x,
                          double *y)
{
    double t = 2 * M_PI * j / m, r = k ? 0.5 : 1.0;
    x[0] = r * cos(t);
    x[1] = r * sin(t);
    jitter(c, x, 2);
}

/* sklearn's make_moons: the upper half of the unit circle is class 0, the
 * lower half of the unit circle around (1, 0.5) class 1. */
static void moons_point(const GenCtx *c, int k, int j, int m, double *x,
                        double *y)
{
    double t = m > 1 ? M_PI * j / (m - 1) : 0;
    x[0] = k ? 1 - cos(t) : cos(t);
    x[1] = k ? 0.5 - sin(t) : sin(t);
    jitter(c, x, 2);
}

/* Two Archimedean spirals of 1.5 turns, radius 0.1 to 1, the second turned
 * by half a turn: neighbouring arms are 0.3 apart. */
static void spirals_point(const GenCtx *c, int k, int j, int m, double *x,
                          double *y)
{
    double u = m > 1 ? (double)j / (m - 1) : 0;
    double r = 0.1 + 0.9 * u, t = 3 * M_PI * u + k * M_PI;
    x[0] = r * cos(t);
    x[1] = r * sin(t);
    jitter(c, x, 2);
}

static void gauss_point(const GenCtx *c, int k, int j, int m, double *x,
                        double *y)
{
    double centre = k ? 2.0 : -2.0, sd = 1.0 + c->noise;
    x[0] = centre + sd * rng_normal(c->rng);
    x[1] = centre + sd * rng_normal(c->rng);
}

static void blobs_point(const GenCtx *c, int k, int j, int m, double *x,
                        double *y)
{
    const double *centre = c->centres + (size_t)k * (size_t)c->d;
    double sd = 1.0 + c->noise;
    normal_fill(c->rng, x, c->d);
    for (int i = 0; i < c->d; i++)
        x[i] = centre[i] + sd * x[i];
}

static const Gen gens[] = {
    {"line", "regression, 1 feature: y = 2x + 1 + noise*N(0,1), x ~ U(-1,1) "
             "(true slope 2, intercept 1; noise 0.1)",
     0.1, 0, 1, false, false, line_point},
    {"plane", "regression, features=D (2): y = x1 - 2x2 + 3x3 - 4x4 ... + 0.5 "
              "+ noise*N(0,1), x ~ U(-1,1)^D (noise 0.1)",
     0.1, 0, 2, true, false, plane_point},
    {"sine", "regression, 1 feature: y = sin(x) + noise*N(0,1), x ~ U(-pi,pi) "
             "(noise 0.1)",
     0.1, 0, 1, false, false, sine_point},
    {"xor", "2 classes: x ~ U(-1,1)^2, label 1 where x1*x2 < 0, then "
            "noise*N(0,1) added to the points (noise 0)",
     0.0, 2, 2, false, false, xor_point},
    {"circles", "2 classes: outer circle radius 1 (label 0), inner radius 0.5 "
                "(label 1), plus noise*N(0,1) (noise 0.05)",
     0.05, 2, 2, false, false, circles_point},
    {"moons", "2 classes: two interleaving half circles as sklearn's "
              "make_moons, plus noise*N(0,1) (noise 0.1)",
     0.1, 2, 2, false, false, moons_point},
    {"spirals", "2 classes: two interleaved spirals of 1.5 turns, radius 0.1 "
                "to 1, plus noise*N(0,1) (noise 0.05)",
     0.05, 2, 2, false, false, spirals_point},
    {"gauss", "2 classes: Gaussian clouds around (-2,-2) label 0 and (2,2) "
              "label 1, std 1 + noise (noise 0)",
     0.0, 2, 2, false, false, gauss_point},
    {"blobs", "classes=K (3) Gaussian clusters in features=D (2) dimensions, "
              "centres ~ U(-10,10)^D, std 1 + noise (noise 0)",
     0.0, 3, 2, true, true, blobs_point},
    /* a fixed set, not drawn: make_digits reads it */
    {"digits", "10 classes, 64 features: the 1797 handwritten 8x8 digits (sklearn's load_digits), "
               "images of 1x8x8 pixels p0..p63 from 0 (white) to 16 (black), kept raw",
     0.0, 10, 64, false, false, NULL},
};
#define N_GENS ((int)(sizeof gens / sizeof gens[0]))

const char *const *data_generators(void)
{
    static const char *names[N_GENS + 1];
    if (!names[0])
        for (int i = 0; i < N_GENS; i++)
            names[i] = gens[i].name;
    return names;
}

static const Gen *gen_find(const char *name)
{
    for (int i = 0; name && i < N_GENS; i++)
        if (strcmp(gens[i].name, name) == 0)
            return &gens[i];
    return NULL;
}

const char *data_generator_about(const char *name)
{
    const Gen *g = gen_find(name);
    return g ? g->about : NULL;
}

bool data_generator_fixed(const char *name)
{
    const Gen *g = gen_find(name);
    return g && !g->point;
}

/* Writes "plane and blobs" (the generators taking features=, or classes=). */
static void gens_taking(bool features, char *buf, size_t size)
{
    int count = 0, total = 0;
    for (int i = 0; i < N_GENS; i++)
        total += features ? gens[i].takes_features : gens[i].takes_classes;
    buf[0] = '\0';
    for (int i = 0; i < N_GENS; i++) {
        if (!(features ? gens[i].takes_features : gens[i].takes_classes))
            continue;
        size_t len = strlen(buf);
        snprintf(buf + len, size - len, "%s%s",
                 count == 0 ? "" : count == total - 1 ? " and " : ", ",
                 gens[i].name);
        count++;
    }
}

static int gen_unknown(const char *name, char *err)
{
    const char *best = NULL;
    int best_d = 3;
    char list[256] = "";
    for (int i = 0; i < N_GENS; i++) {
        int dist = util_edit_distance(name ? name : "", gens[i].name);
        if (dist < best_d && 2 * dist <= (int)strlen(name ? name : "")) {
            best_d = dist;
            best = gens[i].name;
        }
        size_t len = strlen(list);
        snprintf(list + len, sizeof list - len, "%s%s", i ? ", " : "",
                 gens[i].name);
    }
    if (best)
        return util_err(err, "unknown data set '%s'; did you mean '%s'? "
                        "(built-in: %s)", name ? name : "", best, list);
    return util_err(err, "unknown data set '%s'; built-in generators are %s, "
                    "or use data load FILE.csv", name ? name : "", list);
}

/* Checks the options against the generator and fills in defaults; -1 with
 * err when one is out of range. */
static int gen_options(const Gen *g, const DataGenOpts *o, int *n, int *d,
                       int *k, double *noise, char *err)
{
    char list[128];
    if (o->n < 0 || o->n > MAX_ROWS)
        return util_err(err, "n=%d is out of range; use n=1 to n=%d", o->n,
                        MAX_ROWS);
    *n = o->n ? o->n : 200;
    *noise = o->noise < 0 ? g->noise : o->noise;
    if (!isfinite(*noise))
        return util_err(err, "noise must be a finite number >= 0, such as "
                        "noise=0.1");
    if (o->features && !g->takes_features) {
        gens_taking(true, list, sizeof list);
        return util_err(err, "%s always has %d feature%s; features= applies "
                        "only to %s", g->name, g->d, g->d == 1 ? "" : "s",
                        list);
    }
    if (o->classes && !g->takes_classes) {
        gens_taking(false, list, sizeof list);
        return util_err(err, "%s %s; classes= applies only to %s", g->name,
                        g->classes ? "always has 2 classes"
                                   : "is a regression task",
                        list);
    }
    *d = o->features ? o->features : g->d;
    if (*d < 1 || *d > MAX_FEATURES)
        return util_err(err, "features=%d is out of range; use features=1 "
                        "to features=%d", *d, MAX_FEATURES);
    *k = o->classes ? o->classes : g->classes;
    if (g->takes_classes && (*k < 2 || *k > MAX_CLASSES))
        return util_err(err, "classes=%d is out of range; use classes=2 to "
                        "classes=%d", *k, MAX_CLASSES);
    if (*k && *n < *k)
        return util_err(err, "n=%d is fewer rows than the %d classes of %s; "
                        "use n=%d or more", *n, *k, g->name, *k);
    long long cells = (long long)*n * (*d + 1);
    if (cells > MAX_CELLS)
        return util_err(err, "n=%d with %d feature%s makes %lld values, more "
                        "than 100 million; use fewer rows or features", *n,
                        *d, *d == 1 ? "" : "s", cells);
    return 0;
}

/* True at row i when Ctrl-C was pressed (looked at every 4096 rows). */
static bool gen_stopped(volatile sig_atomic_t *interrupt, int i)
{
    return (i & 4095) == 0 && interrupt && *interrupt;
}

Dataset *data_generate(const char *name, const DataGenOpts *o, char *err)
{
    return data_generate_until(name, o, NULL, err);
}

Dataset *data_generate_until(const char *name, const DataGenOpts *o, volatile sig_atomic_t *interrupt, char *err)
{
    static const DataGenOpts unset = {0, -1.0, 0, 0, 0};
    const Gen *g = gen_find(name);
    if (!g) {
        gen_unknown(name, err);
        return NULL;
    }
    if (!g->point)
        return make_digits(o, err);
    if (!o)
        o = &unset;
    int n = 0, d = 0, k = 0;
    double noise = 0;
    if (gen_options(g, o, &n, &d, &k, &noise, err) < 0)
        return NULL;

    Dataset *ds = data_alloc(g->name, n, d, 1);
    int *perm = k ? util_calloc((size_t)n, sizeof *perm) : NULL;
    double *centres = g->takes_classes
                          ? util_calloc((size_t)k * (size_t)d, sizeof(double))
                          : NULL;
    if (!ds || ds_name_generated(ds) < 0 || (k && !perm) ||
        (g->takes_classes && !centres)) {
        data_free(ds);
        free(perm);
        free(centres);
        util_err(err, "out of memory making %d rows of %s", n, g->name);
        return NULL;
    }

    Rng rng;
    rng_seed(&rng, o->seed);
    GenCtx c = {&rng, noise, d, centres};
    bool stopped = false;
    if (!k) {
        for (int i = 0; i < n && !(stopped = gen_stopped(interrupt, i)); i++)
            g->point(&c, 0, i, n, ds->x + (size_t)i * (size_t)d, ds->y + i);
    } else {
        /* point j of class c goes to the shuffled row perm[row]: the
         * classes come out interleaved without a copy */
        rng_permutation(&rng, perm, n);
        for (size_t i = 0; centres && i < (size_t)k * (size_t)d; i++)
            centres[i] = uniform(&rng, -10, 10);
        int row = 0;
        for (int cls = 0; cls < k; cls++) {
            int m = n / k + (cls < n % k);
            for (int j = 0; j < m && !(stopped = gen_stopped(interrupt, row)); j++) {
                int at = perm[row++];
                g->point(&c, cls, j, m, ds->x + (size_t)at * (size_t)d, NULL);
                ds->y[at] = cls;
            }
        }
        ds->classification = true;
        ds->n_classes = k;
    }
    int at = snprintf(ds->recipe, sizeof ds->recipe, "%s n=%d noise=%.15g seed=%llu", g->name, n, noise,
                      (unsigned long long)o->seed);
    if (at > 0 && (size_t)at < sizeof ds->recipe && (g->takes_classes || g->takes_features))
        snprintf(ds->recipe + at, sizeof ds->recipe - (size_t)at, g->takes_classes ? " classes=%d features=%d"
                 : " features=%d", g->takes_classes ? k : d, d);
    free(perm);
    free(centres);
    if (stopped) {
        data_free(ds);
        util_err(err, "interrupted: no %s data made", g->name);
        return NULL;
    }
    return ds;
}

/* ---- split and standardize ----------------------------------------------- */

/* Puts ds's rows in the order given by order (n row indices; freed here,
 * whatever happens). -1 with err when out of memory, ds unchanged. */
static int reorder_rows(Dataset *ds, int *order, char *err)
{
    size_t d = (size_t)ds->d, t = (size_t)ds->t;
    double *x = util_calloc((size_t)ds->n * d, sizeof *x);
    double *y = util_calloc((size_t)ds->n * t, sizeof *y);
    if (!order || !x || !y) {
        free(order);
        free(x);
        free(y);
        return util_err(err, "out of memory splitting %d rows", ds->n);
    }
    for (int i = 0; i < ds->n; i++) {
        size_t from = (size_t)order[i];
        memcpy(x + (size_t)i * d, ds->x + from * d, d * sizeof *x);
        memcpy(y + (size_t)i * t, ds->y + from * t, t * sizeof *y);
    }
    free(order);
    free(ds->x);
    free(ds->y);
    ds->x = x;
    ds->y = y;
    return 0;
}

static int split_standardized(char *err)
{
    return util_err(err, "the data is already standardized; split before "
                    "standardizing, so the statistics come from training "
                    "rows only (reload the data to split again)");
}

/* How many of n rows a share of frac holds: ceil(frac * n), as
 * scikit-learn's train_test_split computes test_size * n_samples. */
static long share_rows(double frac, int n)
{
    return frac > 0 ? (long)ceil(frac * (double)n) : 0;
}

int data_split(Dataset *ds, double frac, uint64_t seed, char *err)
{
    if (!(frac > 0 && frac < 1))
        return util_err(err, "split fraction %g is out of range; hold out a "
                        "fraction between 0 and 1, such as 0.2", frac);
    if (ds->standardized)
        return split_standardized(err);
    long n_val = share_rows(frac, ds->n);
    if (n_val >= ds->n)
        return util_err(err, "holding out %g of %d rows leaves no training "
                        "rows; use a smaller fraction", frac, ds->n);

    int *perm = util_calloc((size_t)ds->n, sizeof *perm);
    if (perm) {
        Rng rng;
        rng_seed(&rng, seed);
        rng_permutation(&rng, perm, ds->n);
    }
    if (reorder_rows(ds, perm, err))
        return -1;
    ds->n_train = ds->n - (int)n_val;
    ds->n_test = 0;
    return 0;
}

#define DATA_SPLIT_STREAM 0x5851f42d4c957f2dULL /* what a stratified split's seed is mixed with */

/* scikit-learn's _approximate_mode: draws rows out of classes of count[k]
 * rows (k < groups) in proportion, out[k] = floor(count[k] / total *
 * draws), then one more row each to the classes with the largest
 * remainders (the lower class first on a tie, where sklearn draws at
 * random) until draws rows are taken. rem is (groups) scratch. */
static void approximate_mode(const long *count, int groups, long draws, long *out, double *rem)
{
    long total = 0, taken = 0;
    for (int k = 0; k < groups; k++)
        total += count[k];
    for (int k = 0; k < groups; k++) {
        double share = total > 0 ? (double)count[k] / (double)total * (double)draws : 0;
        out[k] = (long)floor(share);
        rem[k] = share - floor(share);
        taken += out[k];
    }
    for (; taken < draws; taken++) {
        int best = -1;
        for (int k = 0; k < groups; k++)
            if (out[k] < count[k] && (best < 0 || rem[k] > rem[best]))
                best = k;
        if (best < 0)
            break; /* cannot happen while draws <= total */
        out[best]++;
        rem[best] = -1; /* a class's extra row comes before anyone's second */
    }
}

int data_stratum(const Dataset *ds, int r, int groups)
{
    double label = ds->y[(size_t)r * (size_t)ds->t];
    return groups > 1 && label >= 0 && label < groups ? (int)label : 0;
}

/* Check of data_split3's fractions; 0, or -1 with err. */
static int split3_check(const Dataset *ds, double val, double test, char *err)
{
    if (!(val > 0 && val < 1))
        return util_err(err, "validation fraction %g is out of range; hold "
                        "out a fraction between 0 and 1, such as 0.2", val);
    if (!(test >= 0 && test < 1))
        return util_err(err, "test fraction %g is out of range; give 0 for "
                        "none or a fraction between 0 and 1, such as 0.1", test);
    if (!(val + test < 1))
        return util_err(err, "holding out %g for validation and %g for test "
                        "leaves nothing to train on; keep their sum below 1, "
                        "such as 0.2 and 0.1", val, test);
    if (ds->standardized)
        return split_standardized(err);
    long held = share_rows(val, ds->n) + share_rows(test, ds->n);
    if (held >= ds->n && test > 0)
        return util_err(err, "holding out %g and %g of %d rows (%ld and %ld, "
                        "each rounded up) leaves no training rows; use smaller "
                        "fractions or more rows", val, test, ds->n,
                        share_rows(val, ds->n), share_rows(test, ds->n));
    if (held >= ds->n)
        return util_err(err, "holding out %g of %d rows leaves no training "
                        "rows; use a smaller fraction or more rows", val, ds->n);
    return 0;
}

int data_split3(Dataset *ds, double val, double test, uint64_t seed, char *err)
{
    if (split3_check(ds, val, test, err))
        return -1;
    int n = ds->n;
    int groups = ds->classification && ds->n_classes > 0 ? ds->n_classes : 1;
    long n_val = share_rows(val, n), n_test = share_rows(test, n);
    long n_train = n - n_val - n_test;
    int *perm = util_calloc((size_t)n, sizeof *perm);
    int *order = util_calloc((size_t)n, sizeof *order);
    long *count = util_calloc((size_t)groups * 4, sizeof *count); /* count | train | val | kept, then seen */
    double *rem = util_calloc((size_t)groups, sizeof *rem);
    if (!perm || !order || !count || !rem) {
        free(perm);
        free(order);
        free(count);
        free(rem);
        return util_err(err, "out of memory splitting %d rows", n);
    }
    long *k_train = count + groups, *k_val = count + 2 * groups, *seen = count + 3 * groups;
    for (int r = 0; r < n; r++)
        count[data_stratum(ds, r, groups)]++;
    /* two train_test_split calls, as StratifiedShuffleSplit allocates
     * each: the test share off all rows (the n - n_test rows kept are
     * drawn, test has the rest), then validation off the rows kept
     * (training's n_train rows are drawn, validation has the rest) */
    long *kept = seen;
    approximate_mode(count, groups, n - n_test, kept, rem);
    approximate_mode(kept, groups, n_train, k_train, rem);
    for (int g = 0; g < groups; g++)
        k_val[g] = kept[g] - k_train[g];
    memset(seen, 0, (size_t)groups * sizeof *seen);

    /* one permutation; each row goes to its class's next place. A
     * generator with classes scattered its rows by the first permutation
     * its seed draws; the same seed here would gather them straight back
     * into generation order (each class's held-out rows one arc of the
     * moons, say), so classes draw from a stream of their own.
     * Regression keeps the seed's own stream: data_split's numbers. */
    Rng rng;
    rng_seed(&rng, groups > 1 ? seed ^ DATA_SPLIT_STREAM : seed);
    rng_permutation(&rng, perm, n);
    int at[3] = {0, (int)n_train, (int)(n_train + n_val)}; /* next slot of each share */
    for (int i = 0; i < n; i++) {
        int g = data_stratum(ds, perm[i], groups);
        long place = seen[g]++;
        int share = place < k_train[g] ? 0 : place < k_train[g] + k_val[g] ? 1 : 2;
        order[at[share]++] = perm[i];
    }
    int rc = reorder_rows(ds, order, err); /* frees order */
    if (rc == 0) {
        ds->n_train = (int)n_train;
        ds->n_test = (int)n_test;
    }
    free(perm);
    free(count);
    free(rem);
    return rc;
}

void data_share_rows(const Dataset *ds, DataShare share, int *lo, int *hi)
{
    int val_end = ds->n - ds->n_test;
    switch (share) {
    case DATA_TRAIN:
        *lo = 0;
        *hi = ds->n_train;
        break;
    case DATA_VAL:
        *lo = ds->n_train;
        *hi = val_end;
        break;
    default:
        *lo = val_end;
        *hi = ds->n;
        break;
    }
}

int data_standardize(Dataset *ds, char *err)
{
    if (ds->standardized)
        return util_err(err, "the data is already standardized; reload it to "
                        "start again from the raw values");
    size_t d = (size_t)ds->d;
    int n = ds->n_train;
    if (n < 1 || d < 1)
        return util_err(err, "there are no training rows or features to "
                        "standardize");
    double *mean = util_calloc(d, sizeof *mean);
    double *sd = util_calloc(d, sizeof *sd);
    double *lo = util_calloc(d, sizeof *lo), *hi = util_calloc(d, sizeof *hi);
    if (!mean || !sd || !lo || !hi) {
        free(mean);
        free(sd);
        free(lo);
        free(hi);
        return util_err(err, "out of memory standardizing %zu features", d);
    }
    /* two passes over the training rows, row by row for the cache */
    memcpy(lo, ds->x, d * sizeof *lo);
    memcpy(hi, ds->x, d * sizeof *hi);
    for (int i = 0; i < n; i++) {
        const double *row = ds->x + (size_t)i * d;
        for (size_t j = 0; j < d; j++) {
            mean[j] += row[j];
            if (row[j] < lo[j])
                lo[j] = row[j];
            if (row[j] > hi[j])
                hi[j] = row[j];
        }
    }
    for (size_t j = 0; j < d; j++)
        mean[j] /= n;
    for (int i = 0; i < n; i++) {
        const double *row = ds->x + (size_t)i * d;
        for (size_t j = 0; j < d; j++)
            sd[j] += (row[j] - mean[j]) * (row[j] - mean[j]);
    }
    for (size_t j = 0; j < d; j++) {
        sd[j] = sqrt(sd[j] / n);
        if (lo[j] == hi[j]) /* constant: only centred, exactly to 0 */
            mean[j] = lo[j];
        if (lo[j] == hi[j] || !(sd[j] > 0) || !isfinite(sd[j]))
            sd[j] = 1.0;
    }
    for (int i = 0; i < ds->n; i++) {
        double *row = ds->x + (size_t)i * d;
        for (size_t j = 0; j < d; j++)
            row[j] = (row[j] - mean[j]) / sd[j];
    }
    free(lo);
    free(hi);
    free(ds->mean);
    free(ds->std);
    ds->mean = mean;
    ds->std = sd;
    ds->standardized = true;
    return 0;
}

void data_unstandardize(const Dataset *ds, double *x, size_t n, int first)
{
    if (!ds->standardized || ds->d < 1)
        return;
    size_t j = (size_t)first % (size_t)ds->d;
    for (size_t i = 0; i < n; i++) {
        x[i] = x[i] * ds->std[j] + ds->mean[j];
        j = j + 1 < (size_t)ds->d ? j + 1 : 0;
    }
}
