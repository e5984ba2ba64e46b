/* clip.h — gradient clipping as torch.nn.utils 1.13 does it, applied
 * between backward and the optimizer's update: clip_grad_norm_ (scale every
 * gradient by max_norm / (total + 1e-6), clamped at 1, where total is the
 * 2-norm of all gradients together) and clip_grad_value_ (clamp each
 * gradient to [-value, value]). Works on the flat gradient buffer, which
 * the caller may describe as the tensors it is carved into (W1 b1 W2 b2
 * ..., as model.parameters() lists them): torch's total is the norm of the
 * per-tensor norms, and following it keeps the total within an ulp or two
 * of torch's (exact for small tensors; torch sums large ones in vector
 * lanes). No printing, no allocation. */
#ifndef PARAMLAB_CLIP_H
#define PARAMLAB_CLIP_H

#include <stdbool.h>
#include <stddef.h>

typedef enum ClipKind {
    CLIP_OFF,   /* gradients as backward left them */
    CLIP_NORM,  /* clip_grad_norm_(max_norm=max) */
    CLIP_VALUE, /* clip_grad_value_(clip_value=max) */
} ClipKind;

typedef struct ClipConfig {
    ClipKind kind;
    double max; /* max_norm or clip_value; > 0 when not off */
} ClipConfig;

/* What one clipping did, for `backward` and `explain`. */
typedef struct ClipReport {
    double total_norm; /* 2-norm of all gradients before clipping (torch's return value) */
    double factor;     /* norm: min(max / (total + 1e-6), 1); every gradient was
                        * multiplied by it; value and off: 1 */
    long n_clipped;    /* gradients changed: all n when factor < 1, those
                        * outside [-max, max] for value, 0 when off */
    bool clipped;      /* factor < 1, or some gradient was clamped */
} ClipReport;

#define CLIP_EPS 1e-6 /* torch's: max_norm / (total_norm + 1e-6) */

/* Parses "off", "norm=X" or "value=X" (X finite and > 0) into *out; -1
 * with a one-line err naming the fix, *out unchanged. */
int clip_parse(const char *word, ClipConfig *out, char *err);
/* 0, or -1 with err when c is not off and max is not finite and > 0. */
int clip_check(const ClipConfig *c, char *err);
/* "off", "norm=1" or "value=0.5" into buf. */
void clip_describe(const ClipConfig *c, char *buf, size_t n);

/* The gradient buffer: n values, carved into n_tensors tensors of the
 * given sizes (which add up to n), or one tensor when sizes is NULL. */
typedef struct ClipGrads {
    double *g;           /* (n) gradients, changed in place */
    size_t n;
    const size_t *sizes; /* (n_tensors) sizes in buffer order, or NULL */
    int n_tensors;
} ClipGrads;

/* torch's total norm: the 2-norm of the per-tensor 2-norms (each the
 * square root of its sum of squares, in order). */
double clip_total_norm(const ClipGrads *b);
/* clip_grad_norm_: factor = max_norm / (total + 1e-6) clamped at 1 (as
 * torch computes it: (1 / (total + 1e-6)) * max_norm), and
 * every g multiplied by it (by 1.0 when not clipped, as torch does, so a
 * NaN total makes every gradient NaN as in torch). Fills *r. */
void clip_grad_norm(const ClipGrads *b, double max_norm, ClipReport *r);
/* clip_grad_value_: each g clamped to [-value, value] (NaN stays NaN). */
void clip_grad_value(const ClipGrads *b, double value, ClipReport *r);
/* The one c asks for (off: g untouched, r says so). */
void clip_apply(const ClipConfig *c, const ClipGrads *b, ClipReport *r);

#endif
