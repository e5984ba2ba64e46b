/* nn.h — activations and the dense network: parameters in one flat buffer,
 * gradients in a second with the same layout, activation buffers sized for
 * a batch capacity. Forward and backward allocate nothing and do their
 * matrix work in mat_gemm. The engine never prints and never exits. */
#ifndef PARAMLAB_NN_H
#define PARAMLAB_NN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "layer.h"
#include "mat.h"


const char *act_name(Act a);             /* "relu", ... */
int act_parse(const char *s, Act *out);  /* 0, or -1 for an unknown name */
/* a[i] = act(z[i]) for n values. */
void act_forward(Act a, const double *z, double *out, size_t n);
/* dz[i] = da[i] * act'(z[i]); a holds act(z) (used where cheaper). */
void act_backward(Act a, const double *z, const double *out,
                  const double *da, double *dz, size_t n);
/* act'(z) for one value (used by explain and tests). */
double act_derivative(Act a, double z);
double act_apply(Act a, double z);

#define NN_MAX_LAYERS 16


typedef struct Model {
    int n_layers;                 /* dense layers, numbered 1..n_layers for users */
    Layer layer[NN_MAX_LAYERS];   /* layer[k-1] is layer k */
    size_t n_params;              /* total parameter count */
    double *params;               /* (n_params) W1 b1 W2 b2 ... back to back */
    double *grads;                /* (n_params) same layout as params */
    int cap;                      /* rows the activation buffers hold */
    int rows;                     /* rows of the batch last run forward */
    double *buf;                  /* one allocation for the four below and p, dp, pidx */
    double *z[NN_MAX_LAYERS];     /* (cap, n_map) pre-activation of layer k */
    double *a[NN_MAX_LAYERS];     /* (cap, n_map) activation (== z for the last layer) */
    double *dz[NN_MAX_LAYERS];    /* (cap, n_map) dL/dZ */
    double *da[NN_MAX_LAYERS];    /* (cap, n_map) dL/dA */
    double drop[NN_MAX_LAYERS];   /* dropout probability after layer k's activation; 0: none */
    double *dbuf;                 /* one allocation for the two below; NULL without dropout */
    double *mask[NN_MAX_LAYERS];  /* (cap, n_out) 0 or 1/(1-p) where drop[k] > 0, else NULL */
    double *h[NN_MAX_LAYERS];     /* (cap, n_out) A ⊙ mask, the next layer's input; else NULL */
    /* a conv layer k with pool: P = pool(A) is what layer k+1 reads */
    double *p[NN_MAX_LAYERS];     /* (cap, n_out) pooled maps; NULL without pool */
    double *dp[NN_MAX_LAYERS];    /* (cap, n_out) dL/dP; NULL without pool */
    double *pidx[NN_MAX_LAYERS];  /* (cap, n_out) index within A's row of each maximum */
    double *keep[NN_MAX_LAYERS];  /* (cap, layer_keep) what forward leaves for backward (a conv
                                     layer's im2col patches); NULL for dense layers */
    double *scratch;              /* conv layers' scratch, shared (NULL without conv) */
} Model;

/* A new model: sizes[0] inputs, then n_layers widths (the last is the
 * output). Hidden layers use `hidden`; the last is identity. Parameters and
 * gradients start at zero, buffers hold `cap` rows. Returns NULL with err
 * filled on bad sizes or when memory runs out. Caller owns; nn_free it. */
Model *nn_new(const int *sizes, int n_layers, Act hidden, int cap, char *err);
/* nn_new's checks of the widths: 0, or -1 with err naming the bad one. */
int nn_check_sizes(const int *sizes, int n_layers, char *err);
/* A new model from layers already shaped (layer_dense, layer_conv; each
 * layer's n_in the previous one's n_out); offsets and activations are set
 * here as nn_new does. Conv layers cannot have dropout. NULL with err. */
Model *nn_new_layers(const Layer *layers, int n_layers, Act hidden, int cap, char *err);
/* Whether any layer is a conv layer. */
bool nn_has_conv(const Model *m);
void nn_free(Model *m);
/* A deep copy (parameters, gradients and buffers). NULL when out of memory. */
Model *nn_clone(const Model *m);
/* Resizes the activation buffers to hold cap rows; -1 and err if it cannot,
 * leaving the model as it was. */
int nn_set_capacity(Model *m, int cap, char *err);

#define NN_DROP_MAX 0.999999 /* largest dropout probability accepted (p < 1) */

/* Turns inverted dropout (torch.nn.Dropout) on after the activation of
 * each hidden layer k (1-based) with p[k-1] > 0, and allocates its masks
 * and dropped activations. p holds n_layers - 1 values in [0, 1); -1 with
 * err (the model unchanged) for a value out of range or no memory. The
 * masks start at 1/(1-p); nn_dropout_masks draws them. */
int nn_set_dropout(Model *m, const double *p, char *err);
/* Whether any layer has dropout. */
bool nn_has_dropout(const Model *m);
/* Draws every dropout mask for `rows` rows from key: each value is 0 with
 * probability p, else 1/(1-p), from a generator seeded by key and the
 * layer, so the same key gives the same masks. No allocation. */
void nn_dropout_masks(Model *m, int rows, uint64_t key);
/* What layer k+1 (0-based k+1) reads from layer k (0-based): P after a
 * pool, A ⊙ mask with dropout, A otherwise. (cap, n_out) */
const double *nn_output_of(const Model *m, int k);

/* Views of W_k / b_k / dW_k / db_k, k counted from 1. */
Mat nn_weight(const Model *m, int k);
Mat nn_bias(const Model *m, int k);   /* a 1 x n_out view */
Mat nn_dweight(const Model *m, int k);
Mat nn_dbias(const Model *m, int k);

/* Runs x (rows <= cap, cols == input width) through every layer, filling
 * z and a (and h = a ⊙ mask with the current masks where a layer has
 * dropout); the logits are then a[n_layers-1]. No allocation. */
void nn_forward(Model *m, const Mat *x);
/* The same through the first `layers` layers only (0 runs none); the input
 * of layer layers+1 is then nn_output_of(m, layers - 1), or x. */
void nn_forward_to(Model *m, const Mat *x, int layers);
/* With dz[n_layers-1] filled by the loss, fills every gradient (grads,
 * dz, da) for the batch x of the last forward. No allocation. */
void nn_backward(Model *m, const Mat *x);
/* Output width (units of the last layer) and input width. */
int nn_inputs(const Model *m);
int nn_outputs(const Model *m);

#endif
