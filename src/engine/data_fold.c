/* data_fold.c — k-fold cross-validation's data: which fold each row
 * belongs to (stratified by class, shuffled with the seed), and the data
 * set of one fold (the other folds train, that fold validates). The test
 * share, when there is one, stays out of every fold. */
#include "data.h"
#include "data_limits.h"
#include "util.h"

#include <stdlib.h>
#include <string.h>

#define DATA_FOLD_STREAM 0x2545f4914f6cdd1dULL /* what the fold permutation's seed is mixed with */

int data_fold_rows(const Dataset *ds)
{
    return ds->n - ds->n_test;
}

int data_kfold(const Dataset *ds, int k, uint64_t seed, int *fold, char *err)
{
    int n = data_fold_rows(ds);
    if (k < 2)
        return util_err(err, "k-fold cross-validation needs at least 2 folds, got %d", k);
    if (k > n)
        return util_err(err, "%d folds need at least %d rows outside the test share; there are %d", k, k, n);
    int groups = ds->classification && ds->n_classes > 0 ? ds->n_classes : 1;
    int *perm = util_calloc((size_t)n, sizeof *perm);
    if (!perm)
        return util_fail(err, ERR_NOMEM, "out of memory dealing %d rows into folds", n);
    Rng rng;
    rng_seed(&rng, seed ^ DATA_FOLD_STREAM);
    rng_permutation(&rng, perm, n);
    /* rows ordered by class, each class in the permutation's order, are
     * dealt round-robin: every fold gets each class's share (to one row)
     * and the folds' sizes differ by at most one */
    long at = 0;
    for (int g = 0; g < groups; g++)
        for (int i = 0; i < n; i++)
            if (data_stratum(ds, perm[i], groups) == g)
                fold[perm[i]] = (int)(at++ % k);
    free(perm);
    return 0;
}

Dataset *data_fold(const Dataset *ds, const int *fold, int f, char *err)
{
    int n = data_fold_rows(ds);
    Dataset *o = data_clone(ds);
    if (!o) {
        util_fail(err, ERR_NOMEM, "out of memory for a fold's copy of the data");
        return NULL;
    }
    size_t d = (size_t)ds->d, t = (size_t)ds->t;
    int at = 0;
    for (int pass = 0; pass < 2; pass++) /* the training rows, then the fold's own */
        for (int r = 0; r < n; r++)
            if ((fold[r] == f) == (pass == 1)) {
                double *x = o->x + (size_t)at * d;
                memcpy(x, ds->x + (size_t)r * d, d * sizeof *x);
                memcpy(o->y + (size_t)at * t, ds->y + (size_t)r * t, t * sizeof *o->y);
                data_unstandardize(ds, x, d, 0); /* back to the raw values */
                if (pass == 0)
                    o->n_train = at + 1;
                at++;
            }
    o->n = n;
    o->n_test = 0;
    if (ds->standardized) { /* again, from this fold's training rows only */
        o->standardized = false;
        if (data_standardize(o, err) != 0) {
            data_free(o);
            return NULL;
        }
    }
    if (o->n_train < 1 || o->n_train == n) {
        data_free(o);
        util_err(err, "fold %d leaves no %s rows", f + 1, o->n_train < 1 ? "training" : "validation");
        return NULL;
    }
    return o;
}
