/* inspect_dup.h — diagnose's search for identical hidden units, private to
 * inspect.c. */
#ifndef PARAMLAB_INSPECT_DUP_H
#define PARAMLAB_INSPECT_DUP_H

#include "inspect.h"

/* Groups of identical units in hidden layer k (0-based) of m when they
 * are not all identical (the symmetry finding covers that): the first
 * group (by its smallest unit) into ld->dup and ld->n_dup, the units of
 * the others counted in ld->dup_more. O(n log n) in the layer's width n,
 * not all pairs. Out of memory: no groups reported. */
void inspect_find_duplicates(const Model *m, int k, LayerDiag *ld);

#endif
