/* inspect_dup.c — identical hidden units without comparing every pair.
 * Two units are the same when their column of W, their bias and their row
 * of the next layer's W agree up to rounding (1e-9 relative). Each unit is
 * reduced to one number, a fixed random projection of that vector; equal
 * units have projections within a bound of each other, so after sorting
 * by projection each unit is compared only with the few whose projection
 * lies that close (58,000 units: milliseconds instead of a minute). */
#include "inspect_dup.h"

#include <math.h>
#include <stdlib.h>

#include "util.h"

#define SAME_TOL 1e-9 /* relative tolerance of "the same value" */
#define SAME(u, v) (fabs((u) - (v)) <= SAME_TOL * (1.0 + fabs(u)))

/* True when units i and j of a layer are the same unit: equal columns of
 * W (n_in, n_out), equal entries of b, and equal rows of the next layer's
 * W (n_out, n_next). */
static bool units_equal(const double *w, const double *b, int n_in, int n_out, const double *next, int n_next,
                        int i, int j)
{
    if (!SAME(b[i], b[j]))
        return false;
    for (int r = 0; r < n_in; r++)
        if (!SAME(w[(size_t)r * (size_t)n_out + (size_t)i], w[(size_t)r * (size_t)n_out + (size_t)j]))
            return false;
    for (int c = 0; c < n_next; c++)
        if (!SAME(next[(size_t)i * (size_t)n_next + (size_t)c], next[(size_t)j * (size_t)n_next + (size_t)c]))
            return false;
    return true;
}

typedef struct Proj {
    double s;   /* the projection */
    double tol; /* how far an equal unit's projection can be */
    int unit;
} Proj;

static int by_projection(const void *a, const void *b)
{
    const Proj *x = a, *y = b;
    if (x->s != y->s)
        return x->s < y->s ? -1 : 1;
    return x->unit - y->unit;
}

/* The projections of the n units, sorted; NULL out of memory. */
static Proj *project(const double *w, const double *b, int n_in, int n, const double *next, int n_next)
{
    Proj *p = calloc((size_t)n, sizeof *p);
    double *r = malloc(((size_t)n_in + (size_t)n_next + 1) * sizeof *r); /* the random direction */
    if (!p || !r) {
        free(p);
        free(r);
        return NULL;
    }
    Rng g;
    rng_seed(&g, 0x5eed);
    for (int q = 0; q < n_in + n_next + 1; q++)
        r[q] = rng_uniform(&g) + 0.5;
    for (int i = 0; i < n; i++) {
        double s = r[0] * b[i], t = r[0] * (1.0 + fabs(b[i]));
        for (int q = 0; q < n_in; q++) {
            double v = w[(size_t)q * (size_t)n + (size_t)i];
            s += r[1 + q] * v;
            t += r[1 + q] * (1.0 + fabs(v));
        }
        for (int c = 0; c < n_next; c++) {
            double v = next[(size_t)i * (size_t)n_next + (size_t)c];
            s += r[1 + n_in + c] * v;
            t += r[1 + n_in + c] * (1.0 + fabs(v));
        }
        /* rounding of the sums themselves: a few ulps of the terms' size */
        p[i] = (Proj){s, 2.0 * SAME_TOL * t + 64 * 2.3e-16 * t, i};
    }
    free(r);
    qsort(p, (size_t)n, sizeof *p, by_projection);
    return p;
}

void inspect_find_duplicates(const Model *m, int k, LayerDiag *ld)
{
    const Layer *ly = &m->layer[k], *nx = &m->layer[k + 1];
    int n = ly->n_out;
    const double *w = m->params + ly->w_off, *b = m->params + ly->b_off, *next = m->params + nx->w_off;
    ld->n_dup = 0;
    ld->dup_more = 0;
    Proj *p = project(w, b, ly->n_in, n, next, nx->n_out);
    int *group = malloc((size_t)n * sizeof *group); /* (n) the leader of each unit's group, -1: none yet */
    int *size = calloc((size_t)n, sizeof *size);    /* (n) by leader: units in its group */
    if (!p || !group || !size) {
        free(p);
        free(group);
        free(size);
        return;
    }
    for (int i = 0; i < n; i++)
        group[i] = -1;
    /* a unit not yet in a group leads one: the units just after it in the
     * sorted order, as far as an equal projection can reach, that are equal */
    for (int a = 0; a < n; a++) {
        int u = p[a].unit;
        if (group[u] >= 0)
            continue;
        group[u] = u;
        size[u] = 1;
        for (int c = a + 1; c < n && p[c].s - p[a].s <= p[a].tol + p[c].tol; c++) {
            int v = p[c].unit;
            if (group[v] < 0 && units_equal(w, b, ly->n_in, n, next, nx->n_out, u, v)) {
                group[v] = u;
                size[u]++;
            }
        }
    }
    /* the first group is the one whose smallest unit comes first */
    int first = -1, others = 0;
    for (int i = 0; i < n; i++) {
        int g = group[i];
        if (size[g] < 2)
            continue;
        if (first < 0)
            first = g;
        if (g == first) {
            if (ld->n_dup < INSPECT_DUP_LIST)
                ld->dup[ld->n_dup] = i;
            ld->n_dup++;
        } else {
            others++;
        }
    }
    if (ld->n_dup >= n) { /* all of them: that is the symmetry finding */
        ld->n_dup = 0;
        others = 0;
    }
    ld->dup_more = others;
    free(p);
    free(group);
    free(size);
}
