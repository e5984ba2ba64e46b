/* data.h — data sets: the built-in generators, the CSV loader, the
 * training/validation/test split and standardization. A Dataset owns all its
 * memory; functions that fail leave their input as it was. No printing. */
#ifndef PARAMLAB_DATA_H
#define PARAMLAB_DATA_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "binio.h"

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
    int n_train;            /* rows 0..n_train-1 train, */
    int n_test;             /* the last n_test rows are the test share, and the
                             * rows between validate (data_share_rows) */
    bool standardized;      /* features were standardized */
    double *mean, *std;     /* (d) training statistics when standardized */
    char **class_names;     /* (n_classes) names when the labels were text or
                             * were renumbered, else NULL (class k is "k") */
    char sep;               /* a loaded file's separator, else 0 */
    bool header;            /* a loaded file had a header row */
    int file_cols;          /* columns of the loaded file, else 0 */
    int *feature_cols;      /* (d) file column of each feature, or NULL */
    char recipe[192];       /* how it was made: "moons n=300 noise=0.2 seed=42", "load FILE" */
    int img_c, img_h, img_w; /* rows are images of img_c channels of img_h x img_w pixels,
                              * row-major, channel first (d == c*h*w); 0 when not images */
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

/* Names of the built-in data sets, NULL-terminated ("line", "plane", ...,
 * "digits"): generators, and digits, which is fixed. */
const char *const *data_generators(void);
/* A one-line description of a generator (for help), or NULL. */
const char *data_generator_about(const char *name);
/* True for a built-in data set that is fixed rows, not drawn (digits):
 * it takes none of a generator's options. */
bool data_generator_fixed(const char *name);
/* Makes a data set; NULL with err on an unknown name, bad options or no
 * memory. Caller owns; data_free it. */
Dataset *data_generate(const char *name, const DataGenOpts *o, char *err);
/* The same, looking at the Ctrl-C flag *interrupt (may be NULL) every few
 * thousand rows: NULL with err and nothing made when it is set. */
Dataset *data_generate_until(const char *name, const DataGenOpts *o, volatile sig_atomic_t *interrupt, char *err);

typedef enum DataHeader { DATA_HEADER_AUTO, DATA_HEADER_YES, DATA_HEADER_NO } DataHeader;
typedef enum DataMissing { DATA_MISSING_ERROR, DATA_MISSING_DROP, DATA_MISSING_MEAN } DataMissing;
typedef enum DataTask { DATA_TASK_AUTO, DATA_TASK_REGRESSION, DATA_TASK_CLASSIFICATION } DataTask;

/* How to read a CSV file; zeroed means the defaults (last column the
 * target, every other column a feature, separator detected, header
 * detected, missing cells refused, task from the values). */
typedef struct DataLoadOpts {
    const char *target;    /* NULL, or names / 0-based indices, comma-separated */
    const char *features;  /* NULL, or the feature columns (names or indices) */
    const char *drop;      /* NULL, or columns left out (names or indices) */
    char sep;              /* ',' ';' '\t', or 0 to detect from the first line */
    DataHeader header;
    DataMissing missing;   /* missing cells: "", NA, NaN */
    DataTask task;
    int img_h, img_w;      /* rows are images of img_h x img_w pixels (0: not images) */
    int img_c;             /* channels, first in each row (0 or 1: one) */
} DataLoadOpts;

#define DATA_IMAGE_MAX_SIDE 1024 /* pixels on a side of an image */
#define DATA_IMAGE_MAX_C 64      /* channels of an image */

/* Loads a CSV file as o says; with o->img_h the feature columns must be
 * the pixels of one image (h*w*c of them) and the recipe says image=.
 * Text labels in a single target column make
 * a classification task with the labels sorted as class names. note
 * (note_len bytes, may be NULL) receives sentences about what was done or
 * looks doubtful (an id-like column, rows dropped, cells filled), "" if
 * none. NULL with err (one line, "FILE:LINE: ...") on any problem. Caller
 * owns. */
Dataset *data_load_file(const char *path, const DataLoadOpts *o, char *note,
                        size_t note_len, char *err);
/* The endings of the files data_load_file and data_load_features are for,
 * NULL-terminated: text with comma, semicolon or tab separated columns
 * (".csv", ".tsv"). They read a file of any name; this is what a file
 * chooser offers. */
const char *const *data_file_endings(void);
/* Reads the feature columns of the file at path the way like's file was
 * read (separator, header; columns by name when both have a header, else
 * by position), into *x ((*n, like->d), raw values, not standardized).
 * -1 with err; the caller frees *x. */
int data_load_features(const char *path, const Dataset *like, double **x,
                       int *n, char *err);
/* The name of class k: its label text, or the number. Borrowed or buf. */
const char *data_class_name(const Dataset *ds, int k, char *buf, size_t size);
/* True when ds's classes are numbers that are not 0..K-1 (integer labels
 * such as 1, 5, 7, renumbered to the classes 0, 1, 2 in sorted order):
 * class k's label then differs from k. */
bool data_labels_numeric(const Dataset *ds);
/* Loads a numeric CSV. target is NULL (last column) or a comma-separated
 * list of header names or 0-based column indices. Errors name the place:
 * "FILE:LINE: row has 3 cells, the header has 5" and say what to do.
 * NULL with err on any problem. Caller owns. */
Dataset *data_load_csv(const char *path, const char *target, DataHeader h,
                       char *err);
/* Holds out ceil(frac * n) rows as validation (scikit-learn's
 * train_test_split size), rows shuffled with seed; 0 < frac < 1 and
 * training keeps a row, else -1 with err. A second split re-splits from
 * all rows (and drops a test share). */
int data_split(Dataset *ds, double frac, uint64_t seed, char *err);
/* Splits into training, validation and test shares (val > 0, test >= 0,
 * val + test < 1), rows shuffled with seed, sized as scikit-learn 1.2
 * sizes them: ceil(val * n) rows validate, ceil(test * n) test, the rest
 * trains. Classification is stratified as two train_test_split calls
 * with stratify= give it: the test share is split off all rows, then
 * validation off the rest. Each call allocates as StratifiedShuffleSplit
 * (sklearn's _approximate_mode): the rows kept take each class's
 * proportional share rounded down, the rows still missing go one each to
 * the classes with the largest remainders (lower class first on a tie,
 * where sklearn draws at random), and the split-off share has the rest.
 * So each class's test rows are within a row of its proportion of all
 * rows, its validation rows within a row of its proportion of the rows
 * left after the test share. Each class's rows, in the order one
 * permutation of all rows puts them, are cut into train | val | test.
 * Regression data is one class, so with test = 0 this is data_split. Each
 * share keeps the permutation's order, so classes stay mixed. -1 with err
 * (and ds unchanged) on bad fractions, standardized data, no training row
 * left or no memory. A second split re-splits from all rows. With classes
 * the permutation comes from seed mixed with a constant, so data a
 * generator scattered with the same seed is not gathered back into its
 * order. */
int data_split3(Dataset *ds, double val, double test, uint64_t seed, char *err);

/* The stratum of row r: its class when there are several groups, else 0
 * (a label outside [0, groups) joins class 0 rather than overrun). */
int data_stratum(const Dataset *ds, int r, int groups);

/* data_fold.c: k-fold cross-validation. */
/* Rows that take part in cross-validation: every row but the test share's. */
int data_fold_rows(const Dataset *ds);
/* Deals the data_fold_rows(ds) rows into k folds: fold[r] in [0, k) for
 * row r. Rows are shuffled with seed and, for classification, stratified
 * (each class dealt round-robin, so every fold holds its share of each
 * class to one row); fold sizes differ by at most one. -1 with err for
 * k < 2 or more folds than rows, ERR_NOMEM without memory. */
int data_kfold(const Dataset *ds, int k, uint64_t seed, int *fold, char *err);
/* The data set of fold f: the other folds' rows train, fold f's rows
 * validate, no test share; standardized data is standardized again from
 * the fold's training rows. NULL with err. Caller owns. */
Dataset *data_fold(const Dataset *ds, const int *fold, int f, char *err);

typedef enum DataShare { DATA_TRAIN, DATA_VAL, DATA_TEST } DataShare;
/* The rows [*lo, *hi) of a share (empty when it has none). */
void data_share_rows(const Dataset *ds, DataShare share, int *lo, int *hi);
/* Standardizes every feature (all shares) with the mean and (population)
 * standard deviation of the training rows only; a constant column is
 * only centred.
 * -1 with err if already standardized. */
int data_standardize(Dataset *ds, char *err);
/* Features back to their values before standardization, in place: x[i]
 * is feature (first + i) mod d of some row, so a run of whole rows starts
 * at first = 0 and one channel of an image at its first pixel's index.
 * Nothing changes when ds is not standardized. */
void data_unstandardize(const Dataset *ds, double *x, size_t n, int first);
/* A deep copy of ds (rows, split, statistics, names); NULL when out of
 * memory. Caller owns. */
Dataset *data_clone(const Dataset *ds);
void data_free(Dataset *ds);

/* ---- saving (data_io.c) ---- */

/* Appends the whole data set to b: name, shape, task, every row, the
 * split, the standardization statistics and the column names. */
void data_write(const Dataset *ds, BinBuf *b);
/* Reads what data_write wrote into a new data set (caller owns), each size
 * checked against the bounds of any data set and the bytes left before
 * anything is allocated. NULL with err when the record is cut short or
 * holds what no data set can. */
Dataset *data_read(BinIn *r, char *err);
#endif
