/* trace.c — fixed-size history of a training run (see trace.h). A full
 * series halves itself by averaging neighbouring step points (keeping
 * every second epoch point), and records at half the rate from then on. */
#include "trace.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

Trace *trace_new(int n_layers)
{
    Trace *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->n_layers = n_layers;
    t->step = malloc(sizeof(long) * TRACE_CAP);
    t->loss = malloc(sizeof(double) * TRACE_CAP);
    t->gnorm = malloc(sizeof(double) * TRACE_CAP * (size_t)(n_layers > 0 ? n_layers : 1));
    t->acc_gnorm = calloc((size_t)(n_layers > 0 ? n_layers : 1), sizeof(double));
    t->e_step = malloc(sizeof(long) * TRACE_CAP);
    t->e_epoch = malloc(sizeof(long) * TRACE_CAP);
    t->e_train = malloc(sizeof(double) * TRACE_CAP);
    t->e_val = malloc(sizeof(double) * TRACE_CAP);
    t->e_lr = malloc(sizeof(double) * TRACE_CAP);
    t->e_vacc = malloc(sizeof(double) * TRACE_CAP);
    if (!t->step || !t->loss || !t->gnorm || !t->acc_gnorm || !t->e_step || !t->e_epoch ||
        !t->e_train || !t->e_val || !t->e_lr || !t->e_vacc) {
        trace_free(t);
        return NULL;
    }
    trace_clear(t);
    return t;
}

void trace_free(Trace *t)
{
    if (!t)
        return;
    free(t->step);
    free(t->loss);
    free(t->gnorm);
    free(t->acc_gnorm);
    free(t->e_step);
    free(t->e_epoch);
    free(t->e_train);
    free(t->e_val);
    free(t->e_lr);
    free(t->e_vacc);
    free(t);
}

void trace_clear(Trace *t)
{
    t->len = 0;
    t->stride = 1;
    t->acc_n = 0;
    t->acc_loss = 0;
    memset(t->acc_gnorm, 0, sizeof(double) * (size_t)t->n_layers);
    t->e_len = 0;
    t->e_stride = 1;
    t->e_acc_n = 0;
}

/* Averages step points in pairs: TRACE_CAP points become TRACE_CAP/2. */
static void halve_steps(Trace *t)
{
    int L = t->n_layers;
    for (int i = 0; i < t->len / 2; i++) {
        t->step[i] = t->step[2 * i + 1];
        t->loss[i] = 0.5 * (t->loss[2 * i] + t->loss[2 * i + 1]);
        for (int k = 0; k < L; k++)
            t->gnorm[(size_t)i * L + k] =
                0.5 * (t->gnorm[(size_t)2 * i * L + k] + t->gnorm[(size_t)(2 * i + 1) * L + k]);
    }
    t->len /= 2;
    t->stride *= 2;
}

void trace_step(Trace *t, long step, double loss, const double *gnorm)
{
    int L = t->n_layers;
    t->acc_loss += loss;
    for (int k = 0; k < L; k++)
        t->acc_gnorm[k] += gnorm[k];
    if (++t->acc_n < t->stride)
        return;
    t->step[t->len] = step;
    t->loss[t->len] = t->acc_loss / (double)t->acc_n;
    for (int k = 0; k < L; k++) {
        t->gnorm[(size_t)t->len * L + k] = t->acc_gnorm[k] / (double)t->acc_n;
        t->acc_gnorm[k] = 0;
    }
    t->len++;
    t->acc_n = 0;
    t->acc_loss = 0;
    if (t->len == TRACE_CAP)
        halve_steps(t);
}

void trace_epoch(Trace *t, long step, long epoch, double train, double val, double vacc, double lr)
{
    if (++t->e_acc_n < t->e_stride)
        return;
    t->e_acc_n = 0;
    t->e_step[t->e_len] = step;
    t->e_epoch[t->e_len] = epoch;
    t->e_train[t->e_len] = train;
    t->e_val[t->e_len] = val;
    t->e_lr[t->e_len] = lr;
    t->e_vacc[t->e_len] = vacc;
    if (++t->e_len == TRACE_CAP) { /* keep every second epoch point */
        for (int i = 0; i < TRACE_CAP / 2; i++) {
            t->e_step[i] = t->e_step[2 * i + 1];
            t->e_epoch[i] = t->e_epoch[2 * i + 1];
            t->e_train[i] = t->e_train[2 * i + 1];
            t->e_val[i] = t->e_val[2 * i + 1];
            t->e_lr[i] = t->e_lr[2 * i + 1];
            t->e_vacc[i] = t->e_vacc[2 * i + 1];
        }
        t->e_len = TRACE_CAP / 2;
        t->e_stride *= 2;
    }
}

void trace_truncate(Trace *t, long step)
{
    while (t->len > 0 && t->step[t->len - 1] > step)
        t->len--;
    while (t->e_len > 0 && t->e_step[t->e_len - 1] > step)
        t->e_len--;
    t->acc_n = 0;
    t->acc_loss = 0;
    memset(t->acc_gnorm, 0, sizeof(double) * (size_t)t->n_layers);
    t->e_acc_n = 0;
}

void trace_write(const Trace *t, BinBuf *b)
{
    size_t nl = (size_t)t->n_layers;
    bin_i64(b, t->n_layers);
    bin_i64(b, t->len);
    bin_i64(b, t->stride);
    for (int i = 0; i < t->len; i++)
        bin_i64(b, t->step[i]);
    bin_f64s(b, t->loss, (size_t)t->len);
    bin_f64s(b, t->gnorm, (size_t)t->len * nl);
    bin_i64(b, t->acc_n);
    bin_f64(b, t->acc_loss);
    bin_f64s(b, t->acc_gnorm, nl);
    bin_i64(b, t->e_len);
    bin_i64(b, t->e_stride);
    for (int i = 0; i < t->e_len; i++) {
        bin_i64(b, t->e_step[i]);
        bin_i64(b, t->e_epoch[i]);
    }
    bin_f64s(b, t->e_train, (size_t)t->e_len);
    bin_f64s(b, t->e_val, (size_t)t->e_len);
    bin_f64s(b, t->e_lr, (size_t)t->e_len);
    bin_f64s(b, t->e_vacc, (size_t)t->e_len);
    bin_i64(b, t->e_acc_n);
}

void trace_read(Trace *t, BinIn *r)
{
    size_t nl = (size_t)t->n_layers;
    if (bin_get_int(r, t->n_layers, t->n_layers) != t->n_layers)
        r->bad = true;
    t->len = bin_get_int(r, 0, TRACE_CAP);
    t->stride = bin_get_long(r, 1, LONG_MAX);
    for (int i = 0; i < t->len; i++)
        t->step[i] = bin_get_long(r, 0, LONG_MAX);
    bin_get_f64s(r, t->loss, (size_t)t->len);
    bin_get_f64s(r, t->gnorm, (size_t)t->len * nl);
    t->acc_n = bin_get_long(r, 0, LONG_MAX);
    t->acc_loss = bin_get_f64(r);
    bin_get_f64s(r, t->acc_gnorm, nl);
    t->e_len = bin_get_int(r, 0, TRACE_CAP);
    t->e_stride = bin_get_long(r, 1, LONG_MAX);
    for (int i = 0; i < t->e_len; i++) {
        t->e_step[i] = bin_get_long(r, 0, LONG_MAX);
        t->e_epoch[i] = bin_get_long(r, 0, LONG_MAX);
    }
    bin_get_f64s(r, t->e_train, (size_t)t->e_len);
    bin_get_f64s(r, t->e_val, (size_t)t->e_len);
    bin_get_f64s(r, t->e_lr, (size_t)t->e_len);
    bin_get_f64s(r, t->e_vacc, (size_t)t->e_len);
    t->e_acc_n = bin_get_long(r, 0, LONG_MAX);
    if (r->bad)
        trace_clear(t);
}
