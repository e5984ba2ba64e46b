/* inspect.h — two instruments that look at a session without changing it:
 * a gradient check by central differences, and a per-layer diagnosis
 * (activation statistics, dead and saturated units, gradient norms,
 * update-to-weight ratios, and findings about them). Both work on a copy
 * of the model for the current batch, so they run in any phase once data
 * and a model exist, and leave the session byte for byte as it was. They
 * return numbers in structs and never print; the command layer
 * (cmd_inspect.c) words them. */
#ifndef PARAMLAB_INSPECT_H
#define PARAMLAB_INSPECT_H

#include <stdbool.h>
#include <stddef.h>

#include "nn.h"
#include "session.h"

/* ---- gradcheck ---- */

#define INSPECT_GC_STEP 1e-6      /* h of the central difference (L(p+h) - L(p-h)) / 2h */
#define INSPECT_GC_THRESHOLD 1e-5 /* a tensor passes when its max relative error is below this */
#define INSPECT_GC_FLOOR 1e-3     /* times max(1, |loss|): smaller gradients are compared absolutely */
#define INSPECT_GC_SAMPLE 100     /* elements checked per tensor; larger tensors are sampled */
#define INSPECT_GC_SEED 20240601u /* seed of that sample, fixed so a check repeats exactly */

/* What made a difference quotient meaningless: a kink of the function
 * between p - h and p + h. */
typedef enum Kink {
    KINK_NONE,
    KINK_RELU,     /* a relu pre-activation Z changed sign */
    KINK_LEAKY,    /* a leaky_relu pre-activation Z changed sign */
    KINK_SOFTPLUS, /* a softplus Z crossed PyTorch's threshold 20 */
    KINK_HINGE,    /* a hinge margin 1 - y'f crossed 0 */
    KINK_MAE,      /* an mae residual f - y crossed 0 */
    KINK_HUBER,    /* a huber residual |f - y| crossed delta */
    KINK_L1,       /* the weight itself crossed 0 under an l1 penalty (|w| < h, w != 0) */
    KINK_POOL      /* a 2x2 max pool's maximum moved to another place in its window */
} Kink;

/* One element of a parameter, checked or skipped. */
typedef struct GcElement {
    int row, col;       /* index in the tensor (row 0 for a bias) */
    double analytic;    /* backward's dL/dp */
    double numeric;     /* (L(p+h) - L(p-h)) / 2h */
    double abs_err;     /* |analytic - numeric| (also at a kink, where it means nothing) */
    double rel_err;     /* abs_err / max(|analytic|, |numeric|, floor) */
    Kink kink;          /* KINK_NONE when compared; else why it was skipped */
    int kink_layer;     /* layer whose Z crossed (the last layer for a loss kink, the weight's for l1) */
    int kink_row;       /* sample of the batch where it happened */
    int kink_col;       /* unit (or output) where it happened */
} GcElement;

/* One parameter tensor's check. */
typedef struct GcTensor {
    char name[16];      /* "W1", "b2", "K1" */
    int layer;          /* k of Wk / bk / Kk / ck */
    int rows, cols;     /* shape as a matrix; a bias is 1 x n_out, a conv kernel (c_out, c_in·k·k) */
    size_t off;         /* where it starts in the parameters */
    int ndim;           /* 4 for a conv kernel (dims (c_out, c_in, k, k)), else 2 or 1 */
    int dims[4];
    bool vector;        /* a bias */
    size_t total;       /* elements in the tensor */
    size_t evaluated;   /* elements looked at (total, or the sample) */
    size_t skipped;     /* of those, skipped at a kink */
    size_t failed;      /* of those, with rel_err >= threshold */
    double max_abs;     /* over the compared elements (0 when none) */
    double max_rel;
    int worst;          /* index into el of the largest rel_err, -1 when none */
    GcElement *el;      /* (evaluated) in index order; points into the result's array */
} GcTensor;

typedef struct GradcheckResult {
    double step;        /* h */
    double threshold;   /* relative-error threshold */
    double floor;       /* denominator floor used: INSPECT_GC_FLOOR * max(1, |loss|) */
    double loss;        /* loss of the batch at the current parameters, penalty included */
    int rows;           /* rows of the batch */
    int n_tensors;
    GcTensor tensor[2 * NN_MAX_LAYERS]; /* W1 b1 W2 b2 ... (or the one asked for) */
    GcElement *elements; /* owned: every GcTensor's el lives here */
    size_t evaluated, skipped, failed; /* totals over the tensors */
    bool interrupted;   /* Ctrl-C stopped it: the tensors hold what was done */
} GradcheckResult;

/* Checks every parameter's gradient (param NULL) or one ("W1", "b2") by
 * central differences of the whole loss (data term plus the session's
 * penalties) on the current batch, on a copy of the model with this step's
 * dropout masks held fixed; a
 * tensor of more than INSPECT_GC_SAMPLE elements is checked at a fixed
 * random sample of that many. Elements where a kink lies between p - h and
 * p + h are skipped, not compared. Stops between two elements when
 * *s->interrupt is set (r->interrupted, the tensors cut to what was done).
 * Fills r (free it with inspect_gradcheck_free); -1 with err (and r empty)
 * when there is no data or model, the name is not a parameter, or memory
 * runs out. */
int inspect_gradcheck(Session *s, const char *param, GradcheckResult *r, char *err);
void inspect_gradcheck_free(GradcheckResult *r);
/* The comparison used for one element: fills the absolute and relative
 * error of analytic against numeric (relative to the larger magnitude, or
 * floor when both are smaller) and says whether it passes threshold. */
bool inspect_gc_compare(double analytic, double numeric, double floor, double threshold,
                        double *abs_err, double *rel_err);
const char *inspect_kink_name(Kink k); /* "relu", "hinge", ... */

/* ---- diagnose ---- */

#define INSPECT_DEAD_SHARE 0.25     /* a layer with this share of dead units or more is reported */
#define INSPECT_SAT_SHARE 0.25      /* the same for saturated units */
#define INSPECT_SAT_SAMPLES 0.5     /* a unit is saturated for more than this share of the batch */
#define INSPECT_VANISH 1e-2         /* ||dW1|| below this times ||dW_last||: vanishing */
#define INSPECT_EXPLODE 1e2         /* ||dW1|| above this times ||dW_last||: exploding */
#define INSPECT_GRAD_BIG 1e3        /* any ||dW_k|| above this: exploding (unless the loss is falling) */
#define INSPECT_TARGET_BIG 1e2      /* a regression target's std above this, inputs standardized: large targets */
#define INSPECT_RATIO_GOOD 1e-3     /* the update-to-weight ratio to aim at */
#define INSPECT_RATIO_HIGH 1e-1     /* above (100 times ~1e-3): lr too high */
#define INSPECT_RATIO_LOW 1e-5      /* below (100 times less): lr too low */
#define INSPECT_SIGNAL_VANISH 1e-2  /* std A of the last hidden layer below this times layer 1's */
#define INSPECT_SIGNAL_EXPLODE 1e2  /* above this times layer 1's: the signal explodes */
#define INSPECT_LOGIT_BIG 1e2       /* classification logits with an rms above this: huge */
#define INSPECT_DZ_VANISH 1e-2      /* rms dZ1 below this times the last hidden layer's */
#define INSPECT_LR_MAX 10.0         /* a learning rate advised is never above this */
#define INSPECT_LR_MIN 1e-6         /* nor below this */
#define INSPECT_DUP_LIST 8          /* units of a group of identical units listed */
#define INSPECT_UNSCALED 100.0      /* feature standard deviations this many times apart: unscaled */
#define INSPECT_OVERFIT_EPOCHS 3    /* validation loss above its best for this many epochs: overfitting */
#define INSPECT_OVERFIT_RISE 0.01   /* ... and at least this share above it */
#define INSPECT_FLAT_EPOCHS 5       /* training loss over this many epochs ... */
#define INSPECT_FLAT 0.01           /* ... changed by less than this share: flat */
#define INSPECT_PARAM_HUGE 1e12    /* a weight or bias above this (or NaN, Inf) swamps its unit */
#define INSPECT_UNDERFIT 0.5        /* flat and closing less than this share of the gap from chance */

/* One layer's numbers on the current batch. */
typedef struct LayerDiag {
    int n_in, n_out;      /* W is (n_in, n_out); a conv layer's kernel as (c_in·k·k, c_out): units are filters */
    int ndim;             /* 4 for a conv kernel, with its shape in dims; else 2 */
    int dims[4];
    Act act;              /* activation (identity for the output layer) */
    double a_mean, a_std; /* mean and standard deviation of A over batch and units */
    int dead;             /* units never active on the batch (relu: A = 0, leaky_relu: Z < 0) */
    int saturated;        /* units saturated for most samples (sigmoid, tanh) */
    double grad_norm;     /* ||dW_k|| on the current batch */
    double weight_norm;   /* ||W_k|| */
    double update_ratio;  /* ||dW_k applied||/||W_k||, NaN when ||W_k|| = 0 */
    bool symmetric;       /* hidden layer, n_out >= 2, all columns of W_k and all b_k equal */
    double bias_grad_norm; /* ||db_k|| on the current batch */
    double dz_rms;        /* root mean square of dZ_k over batch and units */
    int n_dup;            /* units in the first group of identical units (0: none), not all */
    int dup[INSPECT_DUP_LIST]; /* the first of them (0-based, as in W1[i,j]) */
    int dup_more;         /* units of further groups of identical units */
} LayerDiag;

typedef enum FindingKind {
    FIND_HUGE_PARAM,  /* a parameter is NaN, Inf or above INSPECT_PARAM_HUGE: value it, at its index
                       * among all parameters, layer its layer, since how many such the model holds */
    FIND_LOSS_NONFINITE, /* the loss of the batch is Inf or NaN (value): the gradients mean nothing */
    FIND_VANISHING,   /* value: ||dW1|| / ||dW_L||, layer 1 */
    FIND_EXPLODING,   /* value: the largest ||dW_k|| or the ratio, at layer; at (for ||dW_k||):
                       * 1 the run's loss is rising, -1 it is not (large, not exploding), 0 no run to tell */
    FIND_TARGET_SCALE, /* ||dW_k|| large (at layer) with standardized inputs because the regression
                        * targets are: value the largest target std (training rows), at its column */
    FIND_ZERO_GRAD,   /* every gradient is zero (value 0) */
    FIND_DEAD,        /* value: share of dead units of layer */
    FIND_SATURATED,   /* value: share of saturated units of layer */
    FIND_SYMMETRY,    /* layer's units are identical; value ||W_k|| (0: all zero) */
    FIND_DUPLICATE,   /* some (not all) units of layer are identical; value: how many */
    FIND_SIGNAL_VANISH,  /* value: std A_{L-1} / std A_1, layer L-1 */
    FIND_SIGNAL_EXPLODE, /* value: that ratio (layer L-1), or the rms of huge logits (layer L) */
    FIND_DZ_VANISH,   /* value: rms dZ_1 / rms dZ_{L-1}, layer 1 (only without FIND_VANISHING) */
    FIND_UPDATE_HIGH, /* value: the largest update ratio, at layer */
    FIND_UPDATE_LOW,  /* value: the largest update ratio, at layer */
    FIND_UNSCALED,    /* value: largest / smallest feature std; at: the widest feature (from 0) */
    FIND_OVERFIT,     /* value: validation loss now / its best; at: epochs since the best,
                       * since: updates since that epoch ended */
    FIND_UNDERFIT,    /* value: share of the gap from chance to perfect closed on the training rows
                       * (accuracy, or R² for regression); at: epochs of the flat stretch */
    FIND_HEALTHY      /* nothing stood out */
} FindingKind;

typedef struct Finding {
    FindingKind kind;
    int layer;        /* layer it is about (1-based), 0 for the whole model */
    double value;     /* see FindingKind */
    long at, since;   /* see FindingKind (0 when unused) */
} Finding;

#define INSPECT_MAX_FINDINGS (4 * NN_MAX_LAYERS + 8)

typedef struct Diagnosis {
    int n_layers;
    LayerDiag layer[NN_MAX_LAYERS]; /* layer[k-1] is layer k */
    int rows;                       /* rows of the batch */
    double loss;                    /* its loss */
    bool classification;            /* the logits feed a sigmoid or softmax */
    bool measured;                  /* update ratios from the last update (else lr*||dW||/||W||) */
    long update_step;               /* the step that update was, when measured */
    double lr;                      /* the learning rate in force */
    int n_findings;
    Finding finding[INSPECT_MAX_FINDINGS]; /* most important first */
} Diagnosis;

/* Measures every layer on the current batch with a copy of the model and
 * draws the findings. -1 with err (d untouched) when there is no data or
 * model, or memory runs out. */
int inspect_diagnose(Session *s, Diagnosis *d, char *err);

#endif
