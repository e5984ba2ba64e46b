/* data.h — data sets: the built-in generators, the CSV loader, the
 * training/validation/test split and standardization. A Dataset owns all its
 * memory; functions that fail leave their input as it was. No printing. */
#ifndef PARAMLAB_DATA_H
#define PARAMLAB_DATA_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

typedef struct Dataset {
    char name[64];          /* "moons", or the file's base name */
    int n;                  /* rows */
    int d;                  /* feature columns */
    int t;                  /* target columns */
    double *x;              /* (n, d) features */
    double *y;              /* (n, t) targets; class index when classification */
    char **feature_names;   /* d names ("x1", or the CSV header) */
    char **target_names;    /* t names */
    bool classification;    /* y is one column of integer labels */
    int n_classes;          /* classes 0..n_classes-1 when classification */
    double *class_labels;   /* (n_classes) the label in the file each class stands for when the
                             * file's labels were not 0..K-1 ({2, 4}: classes 0, 1); NULL: class k
                             * is label k */
    int n_train;            /* rows 0..n_train-1 train, */
    int n_test;             /* the last n_test rows are the test share, and the
                             * rows between validate (data_share_rows) */
    bool standardized;      /* features were standardized */
    double *mean, *std;     /* (d) training statistics when standardized */
} Dataset;

/* Options of a generator; a field left at its "unset" value (n = 0,
 * noise < 0, classes = 0, features = 0) takes the generator's default. */
typedef struct DataGenOpts {
    int n;          /* rows */
    double noise;   /* noise level */
    uint64_t seed;  /* generator seed */
    int classes;    /* blobs: K */
    int features;   /* blobs, plane: D */
} DataGenOpts;

/* Names of the generators, NULL-terminated ("line", "plane", ...). */
const char *const *data_generators(void);
/* A one-line description of a generator (for help), or NULL. */
const char *data_generator_about(const char *name);
/* Makes a data set; NULL with err on an unknown name, bad options or no
 * memory. Caller owns; data_free it. */
Dataset *data_generate(const char *name, const DataGenOpts *o, char *err);
/* The same, looking at the Ctrl-C flag *interrupt (may be NULL) every few
 * thousand rows: NULL with err and nothing made when it is set. */
Dataset *data_generate_until(const char *name, const DataGenOpts *o, volatile sig_atomic_t *interrupt, char *err);

typedef enum DataHeader { DATA_HEADER_AUTO, DATA_HEADER_YES, DATA_HEADER_NO } DataHeader;
/* Loads a numeric CSV. target is NULL (last column) or a comma-separated
 * list of header names or 0-based column indices. Errors name the place:
 * "FILE:LINE: row has 3 cells, the header has 5" and say what to do.
 * NULL with err on any problem. Caller owns. */
Dataset *data_load_csv(const char *path, const char *target, DataHeader h,
                       char *err);
/* Holds out round(frac * n) rows as validation, rows shuffled with seed;
 * 0 < frac < 1 and both parts non-empty, else -1 with err. A second split
 * re-splits from all rows (and drops a test share). */
int data_split(Dataset *ds, double frac, uint64_t seed, char *err);
/* Splits into training, validation and test shares (val > 0, test >= 0,
 * val + test < 1), rows shuffled with seed, stratified by class for
 * classification: each class's rows, in the order one permutation of all
 * rows puts them, are cut into train | val | test. A class of m rows gives
 * round(val * m) to validation and round(test * m) to test (halves away
 * from zero); when it has a row for every share with a nonzero fraction
 * (m >= 2, or 3 with a test share), each of those shares gets at least one
 * row and training keeps at least one, taking rows back from the larger
 * held-out share (test on a tie); a smaller class gives its first row to
 * training and a second to validation. Regression data is one class, so
 * with test = 0 this is data_split whenever round(val * n) >= 1. Each
 * share keeps the permutation's order, so classes stay mixed. -1 with err
 * (and ds unchanged) on bad fractions, standardized data, an empty share
 * or no memory. A second split re-splits from all rows. With classes the
 * permutation comes from seed mixed with a constant, so data a generator
 * scattered with the same seed is not gathered back into its order. */
int data_split3(Dataset *ds, double val, double test, uint64_t seed, char *err);

typedef enum DataShare { DATA_TRAIN, DATA_VAL, DATA_TEST } DataShare;
/* The rows [*lo, *hi) of a share (empty when it has none). */
void data_share_rows(const Dataset *ds, DataShare share, int *lo, int *hi);
/* Standardizes every feature (all shares) with the mean and (population)
 * standard deviation of the training rows only; a constant column is
 * only centred.
 * -1 with err if already standardized. */
int data_standardize(Dataset *ds, char *err);
/* A deep copy of ds (rows, split, statistics, names); NULL when out of
 * memory. Caller owns. */
Dataset *data_clone(const Dataset *ds);
void data_free(Dataset *ds);

#endif
