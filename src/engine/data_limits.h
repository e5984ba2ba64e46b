/* data_limits.h — what data.c and data_csv.c share: the bounds every data
 * set is held to, and the allocator of an empty data set. Private to the
 * data files; other modules use data.h. */
#ifndef PARAMLAB_DATA_LIMITS_H
#define PARAMLAB_DATA_LIMITS_H

#include "data.h"

#define MAX_ROWS 10000000      /* rows of any data set */
#define MAX_CELLS 100000000LL  /* rows * (features + targets) of any data set */
#define MAX_CLASSES 1000       /* blobs' classes=, and CSV labels below this */
#define MAX_FEATURES 10000     /* generators' features= */

/* A zeroed data set of n rows, d features and t targets with all rows in
 * training; names are left NULL for the caller. NULL when out of memory. */
Dataset *data_alloc(const char *name, int n, int d, int t);

#endif
