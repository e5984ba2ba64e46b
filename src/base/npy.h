/* npy.h — NumPy's .npy format, version 1.0, for float64 arrays in C
 * order: written byte for byte as numpy.save writes them (the same header
 * and padding), and read strictly — anything else (another dtype, Fortran
 * order, a damaged header, more than four dimensions, data of the wrong
 * length) is refused with one sentence. */
#ifndef PARAMLAB_NPY_H
#define PARAMLAB_NPY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#define NPY_MAX_VALUES 100000000L /* values a file read may hold */

/* Writes rows x cols values (row-major) to f as a 2-D array, or as a 1-D
 * array of cols values when vector is set (rows is then 1). Returns 0, or
 * -1 when a write failed (errno says why). */
int npy_write(FILE *f, const double *v, int rows, int cols, bool vector);
/* The same for an array of ndim (1 to 4) dimensions dims. */
int npy_write_shape(FILE *f, const double *v, int ndim, const int *dims);

/* A float64 array read from a file. */
typedef struct NpyArray {
    int ndim;       /* 1 to 4 */
    long shape[2];  /* shape[0] rows (or values when 1-D), shape[1] columns (for 3 or 4
                     * dimensions, the product of all but the first) */
    long dims[4];   /* the whole shape (ndim values) */
    double *data;   /* (shape[0] * shape[1]) values, row-major; owned */
} NpyArray;

/* Reads path into a (a->data owned by the caller: free it). 0, or -1 with
 * err ("FILE: not a .npy file", "FILE: dtype '<f4' ...: only float64
 * ('<f8') is read") and a untouched. */
int npy_read(const char *path, NpyArray *a, char *err);

#endif
