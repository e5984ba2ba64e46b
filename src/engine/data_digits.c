/* data_digits.c — `digits`: the 1797 handwritten digits of scikit-learn's
 * load_digits (UCI optdigits test set), each an 8x8 image of pixel counts
 * 0..16, labelled 0..9. The rows are compiled in (the table the Makefile
 * makes from lessons/data/digits.csv with digits_table.awk), so the data
 * set exists wherever the binary runs. Pixels stay raw (0..16), as
 * scikit-learn hands them out; standardizing is the learner's step. */
#include "data.h"
#include "data_limits.h"
#include "util.h"

#include <stdio.h>
#include <string.h>

#define DIGITS_SIDE 8
#define DIGITS_D (DIGITS_SIDE * DIGITS_SIDE)
#define DIGITS_CLASSES 10

/* The generated table: rows of 64 pixels then the digit. */
extern const unsigned char data_digits_cells[];
extern const size_t data_digits_len;

Dataset *data_digits(const DataGenOpts *o, char *err)
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
        char name[8];
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
