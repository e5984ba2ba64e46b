/* metrics.c — scikit-learn 1.2's accuracy_score, confusion_matrix,
 * precision_recall_fscore_support (zero_division=0, average None and
 * 'macro'), mean_squared_error, mean_absolute_error and r2_score. numpy
 * adds a contiguous run of numbers pairwise (blocks of eight, halves above
 * 128) and a column of a wider array one row after another; np_sum below
 * does the same, so the results match scikit-learn bit for bit. */
#include "metrics.h"

#include <math.h>
#include <stddef.h>
#include <string.h>

#include "util.h"

/* ---- numpy's summation order ------------------------------------------- */

/* The i-th number of a sequence. */
typedef double (*ValueAt)(const void *ctx, long i);

/* numpy's pairwise_sum over values lo .. lo+n-1 (loops_utils.h.src). */
static double pairwise(ValueAt at, const void *ctx, long lo, long n)
{
    if (n < 8) {
        double res = 0.;
        for (long i = 0; i < n; i++)
            res += at(ctx, lo + i);
        return res;
    }
    if (n <= 128) {
        double r[8];
        long i;
        for (int j = 0; j < 8; j++)
            r[j] = at(ctx, lo + j);
        for (i = 8; i < n - (n % 8); i += 8)
            for (int j = 0; j < 8; j++)
                r[j] += at(ctx, lo + i + j);
        double res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for (; i < n; i++)
            res += at(ctx, lo + i);
        return res;
    }
    long n2 = n / 2;
    n2 -= n2 % 8;
    return pairwise(at, ctx, lo, n2) + pairwise(at, ctx, lo + n2, n - n2);
}

/* np.add.reduce of n values: the identity 0.0 plus their sum, pairwise
 * when they lie along the reduced axis (contiguous), one after another
 * when they are a column of a wider array (sequential). */
static double np_sum(ValueAt at, const void *ctx, long n, bool sequential)
{
    if (sequential) {
        double res = 0.;
        for (long i = 0; i < n; i++)
            res += at(ctx, i);
        return res;
    }
    return 0. + pairwise(at, ctx, 0, n);
}

/* ---- classification ---------------------------------------------------- */

int metrics_confusion(long *cm, int k, const int *truth, const int *pred,
                      long n, char *err)
{
    for (long i = 0; i < n; i++) {
        if (truth[i] < 0 || truth[i] >= k || pred[i] < 0 || pred[i] >= k)
            return util_err(err, "row %ld has class %d, predicted %d; classes "
                            "run from 0 to %d", i, truth[i], pred[i], k - 1);
        cm[(long)truth[i] * k + pred[i]]++;
    }
    return 0;
}

/* The present classes' scores, in class order, as numpy sees the array. */
typedef struct Present {
    const ClassScore *per;
    int k;
    size_t field; /* offsetof(ClassScore, precision / recall / f1) */
} Present;

static double present_at(const void *ctx, long i)
{
    const Present *p = ctx;
    for (int c = 0; c < p->k; c++)
        if (p->per[c].present && i-- == 0)
            return *(const double *)((const char *)&p->per[c] + p->field);
    return NAN;
}

static double macro(const ClassScore *per, int k, int n_present, size_t field)
{
    if (n_present == 0)
        return NAN;
    Present p = {per, k, field};
    return np_sum(present_at, &p, n_present, false) / n_present;
}

/* tp / denominator, 0 when the denominator is 0 (_prf_divide). */
static double prf_divide(long tp, long denominator)
{
    return denominator == 0 ? 0.0 : (double)tp / (double)denominator;
}

void metrics_classify(const long *cm, int k, ClassScore *per, ClassMetrics *m)
{
    long n = 0, right = 0;
    m->n_present = 0;
    for (int c = 0; c < k; c++) {
        long support = 0, predicted = 0, tp = cm[(long)c * k + c];
        for (int j = 0; j < k; j++) {
            support += cm[(long)c * k + j];
            predicted += cm[(long)j * k + c];
        }
        n += support;
        right += tp;
        ClassScore *s = &per[c];
        s->support = support;
        s->predicted = predicted;
        s->present = support > 0 || predicted > 0;
        s->precision = prf_divide(tp, predicted);
        s->recall = prf_divide(tp, support);
        double denom = 1.0 * s->precision + s->recall; /* beta² = 1 */
        if (denom == 0.0)
            denom = 1;
        s->f1 = (1 + 1.0) * s->precision * s->recall / denom;
        m->n_present += s->present;
    }
    m->n = n;
    m->accuracy = n > 0 ? (double)right / (double)n : NAN;
    m->macro_precision = macro(per, k, m->n_present, offsetof(ClassScore, precision));
    m->macro_recall = macro(per, k, m->n_present, offsetof(ClassScore, recall));
    m->macro_f1 = macro(per, k, m->n_present, offsetof(ClassScore, f1));
}

/* ---- regression ------------------------------------------------------------ */

/* Column j of an (n, t) quantity made from y and yhat. */
typedef struct Column {
    const double *y, *yhat;
    int t, j;
    double mean; /* for DEV2 */
    enum { SQ_ERR, ABS_ERR, Y, DEV2 } what;
} Column;

static double column_at(const void *ctx, long i)
{
    const Column *c = ctx;
    double y = c->y[i * c->t + c->j];
    switch (c->what) {
    case SQ_ERR: {
        double d = y - c->yhat[i * c->t + c->j];
        return d * d;
    }
    case ABS_ERR:
        return fabs(c->yhat[i * c->t + c->j] - y);
    case Y:
        return y;
    default:
        return (y - c->mean) * (y - c->mean);
    }
}

static double per_at(const void *ctx, long i)
{
    const double *v = ctx; /* a field of RegScore, RegScore-strided */
    return *(const double *)((const char *)v + (size_t)i * sizeof(RegScore));
}

void metrics_regress(const double *y, const double *yhat, long n, int t,
                     RegScore *per, RegMetrics *m)
{
    bool seq = t > 1; /* a column of a wider array is summed row by row */
    for (int j = 0; j < t; j++) {
        Column c = {y, yhat, t, j, 0, SQ_ERR};
        double sq = np_sum(column_at, &c, n, seq);
        c.what = ABS_ERR;
        double ab = np_sum(column_at, &c, n, seq);
        c.what = Y;
        c.mean = np_sum(column_at, &c, n, seq) / (double)n;
        c.what = DEV2;
        double den = np_sum(column_at, &c, n, seq);
        per[j].mse = sq / (double)n;
        per[j].mae = ab / (double)n;
        if (n < 2)
            per[j].r2 = NAN;
        else if (sq != 0 && den != 0)
            per[j].r2 = 1 - (sq / den);
        else
            per[j].r2 = sq != 0 ? 0.0 : 1.0;
    }
    m->mse = np_sum(per_at, &per[0].mse, t, false) / t;
    m->mae = np_sum(per_at, &per[0].mae, t, false) / t;
    m->r2 = np_sum(per_at, &per[0].r2, t, false) / t;
}
