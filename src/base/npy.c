/* npy.c — NumPy's .npy format for float64 arrays (see npy.h). */
#include "npy.h"

#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

#define NPY_ALIGN 64  /* numpy pads the header so the data starts at a multiple of this */
#define NPY_GROWTH 21 /* numpy leaves room for the first axis to grow to this many digits */

int npy_write(FILE *f, const double *v, int rows, int cols, bool vector)
{
    int dims[2] = {vector ? cols : rows, cols};
    return npy_write_shape(f, v, vector ? 1 : 2, dims);
}

int npy_write_shape(FILE *f, const double *v, int ndim, const int *dims)
{
    char head[256], shape[128];
    size_t total = 1, sl = 0;
    for (int i = 0; i < ndim; i++) {
        sl += (size_t)snprintf(shape + sl, sizeof shape - sl, "%s%d", i ? ", " : "", dims[i]);
        total *= (size_t)dims[i];
    }
    if (ndim == 1)
        snprintf(shape + sl, sizeof shape - sl, ",");
    int n = snprintf(head, sizeof head, "{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", shape);
    char first[24];
    int digits = snprintf(first, sizeof first, "%d", dims[0]);
    for (int i = digits; i < NPY_GROWTH; i++)
        head[n++] = ' ';
    int pad = NPY_ALIGN - (10 + n + 1) % NPY_ALIGN;
    memset(head + n, ' ', (size_t)pad);
    n += pad;
    head[n++] = '\n';
    unsigned char pre[10] = {0x93, 'N', 'U', 'M', 'P', 'Y', 1, 0, (unsigned char)(n & 0xff), (unsigned char)(n >> 8)};
    if (fwrite(pre, 1, 10, f) != 10 || fwrite(head, 1, (size_t)n, f) != (size_t)n)
        return -1;
    for (size_t i = 0; i < total; i++) {
        uint64_t u;
        memcpy(&u, &v[i], 8);
        unsigned char b[8];
        for (int k = 0; k < 8; k++)
            b[k] = (unsigned char)(u >> (8 * k));
        if (fwrite(b, 1, 8, f) != 8)
            return -1;
    }
    return 0;
}

/* ---- reading ---- */

/* Skips spaces. */
static const char *skip(const char *p)
{
    while (*p == ' ')
        p++;
    return p;
}

/* Reads a quoted key or value ('descr') into buf; NULL when malformed. */
static const char *quoted(const char *p, char *buf, size_t n)
{
    if (*p != '\'' && *p != '"')
        return NULL;
    char q = *p++;
    size_t i = 0;
    while (*p && *p != q && i + 1 < n)
        buf[i++] = *p++;
    if (*p != q)
        return NULL;
    buf[i] = '\0';
    return p + 1;
}

/* Reads the shape tuple "(3, 2)" / "(3,)" / "()"; NULL when malformed. */
static const char *shape_of(const char *p, NpyArray *a)
{
    if (*p++ != '(')
        return NULL;
    a->ndim = 0;
    p = skip(p);
    while (*p != ')') {
        if (!isdigit((unsigned char)*p) || a->ndim == 4)
            return NULL;
        char *end;
        errno = 0;
        long v = strtol(p, &end, 10);
        if (errno || v > NPY_MAX_VALUES)
            return NULL;
        a->dims[a->ndim++] = v;
        p = skip(end);
        if (*p == ',')
            p = skip(p + 1);
        else if (*p != ')')
            return NULL;
    }
    return p + 1;
}

/* Parses the header dictionary; -1 with err naming what is refused. */
static int parse_header(const char *path, const char *h, NpyArray *a, char *err)
{
    char key[32], descr[32] = "";
    int fortran = -1;
    bool have_shape = false;
    const char *p = skip(h);
    if (*p++ != '{')
        return util_err(err, "%s: its .npy header is not a dictionary", path);
    for (p = skip(p); *p != '}';) {
        if (!(p = quoted(p, key, sizeof key)) || *(p = skip(p)) != ':')
            return util_err(err, "%s: its .npy header is damaged", path);
        p = skip(p + 1);
        if (!strcmp(key, "descr")) {
            if (!(p = quoted(p, descr, sizeof descr)))
                return util_err(err, "%s: its .npy header is damaged", path);
        } else if (!strcmp(key, "fortran_order")) {
            fortran = !strncmp(p, "True", 4) ? 1 : !strncmp(p, "False", 5) ? 0 : -1;
            if (fortran < 0)
                return util_err(err, "%s: its .npy header is damaged", path);
            p += fortran ? 4 : 5;
        } else if (!strcmp(key, "shape")) {
            if (!(p = shape_of(p, a)))
                return util_err(err, "%s: its .npy shape is damaged or too large", path);
            have_shape = true;
        } else {
            return util_err(err, "%s: its .npy header has a key this reader does not know (%s)", path,
                            util_clean_text(key));
        }
        p = skip(p);
        if (*p == ',')
            p = skip(p + 1);
        else if (*p != '}')
            return util_err(err, "%s: its .npy header is damaged", path);
    }
    if (!descr[0] || fortran < 0 || !have_shape)
        return util_err(err, "%s: its .npy header lacks descr, fortran_order or shape", path);
    if (strcmp(descr, "<f8") != 0)
        return util_err(err, "%s: dtype '%s': only float64 ('<f8', little-endian) is read; "
                        "convert with a.astype('<f8')", path, util_clean_text(descr));
    if (fortran)
        return util_err(err, "%s: the array is in Fortran order; save it with np.ascontiguousarray(a)", path);
    if (a->ndim < 1 || a->ndim == 3 || a->ndim > 4)
        return util_err(err, "%s: the array has %d dimensions; a tensor here has 1, 2 or 4", path, a->ndim);
    a->shape[0] = a->dims[0];
    a->shape[1] = 1;
    for (int i = 1; i < a->ndim; i++) {
        a->shape[1] *= a->dims[i];
        if (a->shape[1] > NPY_MAX_VALUES)
            return util_err(err, "%s: the array is too large", path);
    }
    if (a->shape[0] * a->shape[1] > NPY_MAX_VALUES)
        return util_err(err, "%s: the array is too large", path);
    return 0;
}

/* Reads the data after the header: exactly the values the shape says. */
static int read_values(FILE *f, const char *path, NpyArray *a, char *err)
{
    size_t n = (size_t)a->shape[0] * (size_t)a->shape[1];
    a->data = util_calloc(n ? n : 1, sizeof(double));
    if (!a->data)
        return util_fail(err, ERR_NOMEM, "%s: out of memory for %zu values", path, n);
    for (size_t i = 0; i < n; i++) {
        unsigned char b[8];
        if (fread(b, 1, 8, f) != 8) {
            free(a->data);
            a->data = NULL;
            return util_err(err, "%s: the .npy data is shorter than its shape says", path);
        }
        uint64_t u = 0;
        for (int k = 0; k < 8; k++)
            u |= (uint64_t)b[k] << (8 * k);
        memcpy(&a->data[i], &u, 8);
    }
    if (fgetc(f) != EOF) {
        free(a->data);
        a->data = NULL;
        return util_err(err, "%s: the .npy data is longer than its shape says", path);
    }
    return 0;
}

int npy_read(const char *path, NpyArray *out, char *err)
{
    FILE *f = util_open_file(path, err);
    if (!f)
        return -1;
    unsigned char pre[12];
    NpyArray a = {0};
    int rc = -1;
    char *head = NULL;
    if (fread(pre, 1, 10, f) != 10 || memcmp(pre, "\x93NUMPY", 6) != 0) {
        util_err(err, "%s: not a .npy file (it does not start with \\x93NUMPY)", path);
    } else if (pre[6] < 1 || pre[6] > 3 || pre[7] != 0) {
        util_err(err, "%s: .npy format version %d.%d; versions 1.0 to 3.0 are read", path, pre[6], pre[7]);
    } else {
        size_t hlen = pre[8] | (size_t)pre[9] << 8;
        if (pre[6] > 1 && fread(pre + 10, 1, 2, f) == 2)
            hlen |= (size_t)pre[10] << 16 | (size_t)pre[11] << 24;
        head = hlen < 1000000 ? malloc(hlen + 1) : NULL;
        if (!head || fread(head, 1, hlen, f) != hlen || !hlen || head[hlen - 1] != '\n') {
            util_err(err, "%s: its .npy header is damaged", path);
        } else {
            head[hlen] = '\0';
            rc = parse_header(path, head, &a, err);
            if (rc == 0)
                rc = read_values(f, path, &a, err);
        }
    }
    free(head);
    fclose(f);
    if (rc == 0)
        *out = a;
    return rc;
}
