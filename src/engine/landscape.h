/* landscape.h — the training loss over a grid of two parameter elements,
 * for many grid points at once (landscape.c says how). */
#ifndef PARAMLAB_LANDSCAPE_H
#define PARAMLAB_LANDSCAPE_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* One parameter element as the landscape sees it: its layer (0-based),
 * whether it is a weight (else a bias), its row (weights) and column. */
typedef struct GridElem {
    int layer;
    bool weight;
    int row, col;
} GridElem;

/* Called after each block of points (each point, for a model with conv
 * layers): done/total is the share of the work finished so far. */
typedef void (*GridProgress)(void *ctx, long done, long total);

/* The training loss (the data term, in evaluation mode, as
 * session_eval_share computes it) at n points: point k puts parameter
 * element i1 (a flat index into the parameters) at xs[k] and i2 at ys[k],
 * every other parameter as now; z (n) receives the losses. The session's
 * parameters never change. 0; 1 when *s->interrupt stopped it (z is then
 * untouched); or an ErrCode with err (no model, not two elements, out of
 * memory). Allocates its buffers (a few MiB) for the call. */
int session_loss_grid(Session *s, size_t i1, size_t i2, const double *xs, const double *ys, int n, double *z,
                      GridProgress progress, void *ctx, char *err);

#endif
