/* data_io.c — a data set as one binary record for a saved session (see
 * data.h): the rows as they stand (split order, standardized values), so a
 * loaded session trains on exactly the same numbers. */
#include "data.h"

#include <math.h>
#include <stdlib.h>

#include "data_limits.h"
#include "util.h"

void data_write(const Dataset *ds, BinBuf *b)
{
    bin_str(b, ds->name);
    bin_i64(b, ds->n);
    bin_i64(b, ds->d);
    bin_i64(b, ds->t);
    bin_u8(b, ds->classification);
    bin_i64(b, ds->n_classes);
    bin_i64(b, ds->n_train);
    bin_i64(b, ds->n_test);
    bin_u8(b, ds->standardized);
    bin_u8(b, ds->mean != NULL);
    for (int j = 0; j < ds->d; j++)
        bin_str(b, ds->feature_names[j]);
    for (int j = 0; j < ds->t; j++)
        bin_str(b, ds->target_names[j]);
    bin_f64s(b, ds->x, (size_t)ds->n * (size_t)ds->d);
    bin_f64s(b, ds->y, (size_t)ds->n * (size_t)ds->t);
    if (ds->mean) {
        bin_f64s(b, ds->mean, (size_t)ds->d);
        bin_f64s(b, ds->std, (size_t)ds->d);
    }
    /* a loaded file's way of reading and its class names; a record that
     * ends before them (written before they existed) reads as none */
    bin_i64(b, ds->file_cols);
    bin_u8(b, (unsigned char)ds->sep);
    bin_u8(b, ds->header);
    bin_u8(b, ds->feature_cols != NULL);
    for (int j = 0; ds->feature_cols && j < ds->d; j++)
        bin_i64(b, ds->feature_cols[j]);
    bin_u8(b, ds->class_names != NULL);
    for (int k = 0; ds->class_names && k < ds->n_classes; k++)
        bin_str(b, ds->class_names[k]);
    /* how it was made and whether rows are images; a record ending before
     * them (written before they existed) reads as no recipe, no images */
    bin_str(b, ds->recipe);
    bin_i64(b, ds->img_c);
    bin_i64(b, ds->img_h);
    bin_i64(b, ds->img_w);
}

/* The recipe and image shape after the file part; false when the shape
 * is not one of d pixels. */
static bool read_image_part(BinIn *r, Dataset *ds)
{
    bin_get_str(r, ds->recipe, sizeof ds->recipe);
    ds->img_c = bin_get_int(r, 0, MAX_FEATURES * 100);
    ds->img_h = bin_get_int(r, 0, MAX_FEATURES * 100);
    ds->img_w = bin_get_int(r, 0, MAX_FEATURES * 100);
    if (r->bad)
        return false;
    if (ds->img_c == 0 && ds->img_h == 0 && ds->img_w == 0)
        return true;
    return ds->img_c > 0 && ds->img_h > 0 && ds->img_w > 0 &&
           (long long)ds->img_c * ds->img_h * ds->img_w == ds->d;
}

/* s with control bytes and broken UTF-8 made '?' (NULL stays NULL): the
 * names are printed, and a damaged file must not send raw bytes to the
 * terminal. */
static char *clean(char *s)
{
    return s ? util_clean_text(s) : NULL;
}

/* The file columns and class names after the rest; -1 when out of memory. */
static int read_file_part(BinIn *r, Dataset *ds)
{
    ds->file_cols = bin_get_int(r, 0, 1000000);
    int sep = bin_get_u8(r);
    ds->sep = sep == ',' || sep == ';' || sep == '\t' ? (char)sep : 0;
    ds->header = bin_get_bool(r);
    if (bin_get_bool(r) && !r->bad) {
        if (!(ds->feature_cols = util_calloc((size_t)ds->d, sizeof(int))))
            return -1;
        for (int j = 0; j < ds->d && !r->bad; j++)
            ds->feature_cols[j] = bin_get_int(r, 0, ds->file_cols > 0 ? ds->file_cols - 1 : 0);
    }
    if (bin_get_bool(r) && !r->bad && ds->classification) {
        if (!(ds->class_names = util_calloc((size_t)ds->n_classes, sizeof(char *))))
            return -1;
        for (int k = 0; k < ds->n_classes && !r->bad; k++)
            ds->class_names[k] = clean(bin_get_strdup(r));
    }
    return 0;
}

/* Whether every label is a class index below n_classes. */
static bool labels_fit(const Dataset *ds)
{
    if (!ds->classification)
        return true;
    for (int i = 0; i < ds->n; i++) {
        double v = ds->y[i];
        if (!(v >= 0 && v < ds->n_classes && v == floor(v)))
            return false;
    }
    return true;
}

static Dataset *refuse(Dataset *ds, char *err, const char *why)
{
    data_free(ds);
    util_err(err, "its data %s", why);
    return NULL;
}

Dataset *data_read(BinIn *r, char *err)
{
    char name[64];
    bin_get_str(r, name, sizeof name);
    util_clean_text(name);
    int n = bin_get_int(r, 1, MAX_ROWS);
    int d = bin_get_int(r, 1, MAX_FEATURES * 100);
    int t = bin_get_int(r, 1, MAX_FEATURES * 100);
    if (r->bad || (long long)n * (d + t) > MAX_CELLS || !bin_has(r, (size_t)n * (size_t)(d + t), 8))
        return refuse(NULL, err, "record is cut short or larger than any data set");
    Dataset *ds = data_alloc(name, n, d, t);
    if (!ds) {
        util_fail(err, ERR_NOMEM, "out of memory for its data (%d rows)", n);
        return NULL;
    }
    ds->classification = bin_get_bool(r);
    ds->n_classes = bin_get_int(r, 0, MAX_CLASSES);
    ds->n_train = bin_get_int(r, 1, n);
    ds->n_test = bin_get_int(r, 0, n - 1);
    ds->standardized = bin_get_bool(r);
    bool stats = bin_get_bool(r);
    for (int j = 0; j < d && !r->bad; j++)
        ds->feature_names[j] = clean(bin_get_strdup(r));
    for (int j = 0; j < t && !r->bad; j++)
        ds->target_names[j] = clean(bin_get_strdup(r));
    bin_get_f64s(r, ds->x, (size_t)n * (size_t)d);
    bin_get_f64s(r, ds->y, (size_t)n * (size_t)t);
    if (stats && !r->bad) {
        ds->mean = util_calloc((size_t)d, sizeof(double));
        ds->std = util_calloc((size_t)d, sizeof(double));
        if (!ds->mean || !ds->std)
            return refuse(ds, err, "does not fit in memory");
        bin_get_f64s(r, ds->mean, (size_t)d);
        bin_get_f64s(r, ds->std, (size_t)d);
    }
    if (!r->bad && bin_has(r, 1, 1) && read_file_part(r, ds) != 0)
        return refuse(ds, err, "does not fit in memory");
    for (int k = 0; ds->class_names && k < ds->n_classes && !r->bad; k++)
        if (!ds->class_names[k])
            r->bad = true;
    if (!r->bad && bin_has(r, 1, 1) && !read_image_part(r, ds))
        return refuse(ds, err, "record gives an image shape that is not its features");
    if (r->bad)
        return refuse(ds, err, "record is cut short");
    if (ds->n_train + ds->n_test > n || (ds->classification && (t != 1 || ds->n_classes < 1)) ||
        ds->standardized != stats || !labels_fit(ds))
        return refuse(ds, err, "record holds shares or labels no data set can have");
    return ds;
}
