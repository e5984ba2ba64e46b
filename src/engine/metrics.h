/* metrics.h — how good a model's predictions are, as scikit-learn 1.2
 * computes it: for classification the accuracy (a fraction in [0, 1]), the
 * confusion matrix and per-class precision, recall and F1 with their macro
 * averages (precision_recall_fscore_support, zero_division=0); for
 * regression MSE, MAE and R² (multi-output: the uniform average). Pure
 * functions over arrays the caller owns; the sums run in numpy's order, so
 * the numbers are scikit-learn's to the last bit. No printing, no
 * allocation. */
#ifndef PARAMLAB_METRICS_H
#define PARAMLAB_METRICS_H

#include <stdbool.h>

/* Adds n (true, predicted) label pairs to cm, a (k, k) row-major matrix of
 * counts: rows are true classes, columns predicted ones. Start from a
 * zeroed cm; call again to add more rows (one chunk at a time). -1 with err
 * when a label is outside [0, k), cm then holds the pairs before it. */
int metrics_confusion(long *cm /* (k, k) */, int k, const int *truth,
                      const int *pred, long n, char *err);

/* One class's scores. A score whose denominator is 0 is 0 (zero_division=0). */
typedef struct ClassScore {
    double precision; /* tp / predicted */
    double recall;    /* tp / support */
    double f1;        /* 2·P·R / (P + R), 0 when P + R = 0 */
    long support;     /* rows whose true class this is */
    long predicted;   /* rows predicted as this class */
    bool present;     /* in the truth or the predictions (support or predicted > 0) */
} ClassScore;

typedef struct ClassMetrics {
    long n;                 /* rows counted */
    double accuracy;        /* right / n in [0, 1]; NaN when n = 0 */
    double macro_precision; /* unweighted means over the present classes, */
    double macro_recall;    /* as scikit-learn's labels=None takes the labels */
    double macro_f1;        /* found in y_true or y_pred; NaN when none */
    int n_present;          /* classes the macro averages run over */
} ClassMetrics;

/* Scores from a confusion matrix: per (k), owned by the caller, receives
 * each class's scores, *m the summary. */
void metrics_classify(const long *cm /* (k, k) */, int k, ClassScore *per,
                      ClassMetrics *m);

/* One regression output's scores. */
typedef struct RegScore {
    double mse; /* mean of (y - yhat)² */
    double mae; /* mean of |y - yhat| */
    double r2;  /* 1 - Σ(y - yhat)² / Σ(y - ȳ)²; 1 when both sums are 0, 0 when
                 * only the second is (scikit-learn's force_finite) */
} RegScore;

typedef struct RegMetrics {
    double mse, mae, r2; /* uniform averages over the t outputs */
} RegMetrics;

/* Scores of yhat against y, both (n, t) row-major. per (t), owned by the
 * caller, receives each output's scores; *m their averages. n < 1 gives
 * NaN for all; n < 2 gives NaN for R² (scikit-learn: not well-defined). */
void metrics_regress(const double *y /* (n, t) */, const double *yhat /* (n, t) */,
                     long n, int t, RegScore *per /* (t) */, RegMetrics *m);

#endif
