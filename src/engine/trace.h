/* trace.h — the history of a training run that plots draw: the loss of
 * every update and the gradient norm of every layer, and the training and
 * validation loss at each epoch's end. Memory is fixed when the trace is
 * made: when a series is full, neighbouring points are averaged in pairs
 * and the series records every second step from then on, so a run of any
 * length keeps its whole shape and recording never allocates. */
#ifndef PARAMLAB_TRACE_H
#define PARAMLAB_TRACE_H

#include "binio.h"

#define TRACE_CAP 4096 /* points each series holds */

typedef struct Trace {
    int n_layers;     /* layers with a gradient norm */
    int len;          /* step points held */
    long stride;      /* updates averaged into one step point */
    long *step;       /* (TRACE_CAP) last update of each point */
    double *loss;     /* (TRACE_CAP) mean batch loss over the point's updates */
    double *gnorm;    /* (TRACE_CAP, n_layers) mean gradient norm of each layer */
    long acc_n;       /* updates waiting to become a point */
    double acc_loss;  /* their loss sum */
    double *acc_gnorm; /* (n_layers) their gradient norm sums */

    int e_len;        /* epoch points held */
    long e_stride;    /* epochs per epoch point */
    long *e_step;     /* (TRACE_CAP) update count at the epoch's end */
    long *e_epoch;    /* (TRACE_CAP) the epoch that ended */
    double *e_train;  /* (TRACE_CAP) its mean training loss */
    double *e_val;    /* (TRACE_CAP) validation loss then; NaN without a split */
    double *e_lr;     /* (TRACE_CAP) the lr in force during the epoch */
    double *e_vacc;   /* (TRACE_CAP) validation accuracy then (a fraction); NaN without a split or classes */
    long e_acc_n;     /* epochs waiting to become a point */
} Trace;

/* A trace for a model with n_layers layers; NULL when out of memory. */
Trace *trace_new(int n_layers);
void trace_free(Trace *t);
/* Forgets every point (a new start: whole-model init, new data). */
void trace_clear(Trace *t);
/* Records update number step with its batch loss and per-layer gradient
 * norms (n_layers values). Never allocates. */
void trace_step(Trace *t, long step, double loss, const double *gnorm);
/* Records the end of an epoch after update number step: its mean training
 * loss, the validation loss and accuracy (NaN when absent), the lr used. */
void trace_epoch(Trace *t, long step, long epoch, double train, double val, double vacc, double lr);
/* Forgets everything recorded after update number step (after `undo`). */
void trace_truncate(Trace *t, long step);

/* Appends everything t holds to b (for a saved session). */
void trace_write(const Trace *t, BinBuf *b);
/* Reads what trace_write wrote into t, made for the same number of layers;
 * a record that does not fit sets r->bad and leaves t cleared. */
void trace_read(Trace *t, BinIn *r);
#endif
