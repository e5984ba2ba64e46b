/* layer.h — what one layer of a network is and what each kind of layer
 * does. A layer kind (dense, conv) is one descriptor: its name, the letters
 * of its weight and bias, its parameter shapes, and the affine part of its
 * forward and backward pass (Z from the input; dW, db and the input's
 * gradient from dZ). The activation and the 2×2 max pool that may follow a
 * conv layer are the network's (nn.c), the same for every kind. Nothing
 * here allocates; products are mat_gemm calls. */
#ifndef PARAMLAB_LAYER_H
#define PARAMLAB_LAYER_H

#include <stdbool.h>
#include <stddef.h>

typedef enum Act {
    ACT_IDENTITY,
    ACT_SIGMOID,
    ACT_TANH,
    ACT_RELU,
    ACT_LEAKY_RELU, /* slope 0.01 (PyTorch default) */
    ACT_ELU,        /* alpha 1 */
    ACT_SOFTPLUS,   /* beta 1, threshold 20 as PyTorch */
    ACT_GELU,       /* exact: x * Phi(x) with erf */
    ACT_COUNT
} Act;

typedef enum LayerKind {
    LAYER_DENSE, /* Z = X W + b, W (n_in, n_out) */
    LAYER_CONV,  /* Z = conv2d(X, K) + c, K (c_out, c_in, k, k) as torch's Conv2d.weight */
    LAYER_KIND_COUNT
} LayerKind;

#define LAYER_MAX_CHANNELS 1024 /* largest c_in / c_out of a conv layer */
#define LAYER_MAX_KERNEL 32     /* largest kernel side */
#define LAYER_MAX_SIDE 1024     /* largest image side */

typedef struct Layer {
    int n_in, n_out; /* flattened widths: what the layer reads, what the next layer reads */
    Act act;         /* applied to Z; the last layer is always ACT_IDENTITY */
    size_t w_off;    /* offset of W (or K) in params / grads */
    size_t b_off;    /* offset of b (or c) in params / grads */
    LayerKind kind;  /* dense or conv */
    int n_map;       /* width of one row of Z and A: n_out for dense, c_out*h_out*w_out for conv */
    /* conv geometry (0 for dense); maps are (channel, row, column) row-major */
    int c_in, h_in, w_in;    /* the input image */
    int c_out, ksize;        /* filters and kernel side */
    int pad_top, pad_left;   /* zeros before the first row / column (after: the rest of k-1 for same) */
    int h_out, w_out;        /* the map Z and A: h_in + pads - k + 1 */
    int pool;                /* 0 or 2: 2×2 max pool with stride 2 after the activation */
    int h_pool, w_pool;      /* the pooled map P (what the next layer reads) */
} Layer;

typedef struct LayerDesc {
    const char *name;  /* "dense", "conv" */
    char weight, bias; /* letters of its parameters: 'W' 'b' or 'K' 'c' */
    /* Z (rows, n_map) from in (rows, n_in); what backward will need besides
     * the input into keep (rows, layer_keep); scratch as layer_scratch says. */
    void (*forward)(const Layer *l, const double *params, const double *in, int rows, double *z,
                    double *keep, double *scratch);
    /* The weight and bias gradients (written, not added, into grads at the
     * layer's offsets) and, when din is not NULL, din (rows, n_in) = dL/dIn,
     * from dz (rows, n_map), the input in of the forward pass and what that
     * forward pass left in keep. */
    void (*backward)(const Layer *l, const double *params, double *grads, const double *in,
                     const double *dz, int rows, double *din, const double *keep, double *scratch);
} LayerDesc;

/* The descriptor of a layer's kind. */
const LayerDesc *layer_desc(const Layer *l);
/* The descriptor of a parameter letter ('W', 'b', 'K', 'c'), or NULL; *bias says which it is. */
const LayerDesc *layer_desc_of_letter(char letter, bool *bias);

/* A dense layer n_in -> n_out (offsets and act left to the caller). */
void layer_dense(Layer *l, int n_in, int n_out);
/* A conv layer: c_out filters of k×k over a c_in×h×w image, padding 0
 * (same false) or same (same true: k-1 zeros in all, half of them, rounded
 * down, before, as torch's padding='same'), then a 2×2 max pool when pool is
 * 2. 0, or -1 with err (a sentence naming no command) when a size is out of
 * bounds, the kernel is larger than the padded image, or pooling meets an
 * odd map. */
int layer_conv(Layer *l, int c_in, int h, int w, int c_out, int k, bool same, int pool, char *err);

#define LAYER_MAX_CONV 8 /* conv layers a cnn may have */

/* What `model cnn` asks for: its conv layers (each followed by the hidden
 * activation and, when pool is 2, a 2×2 max pool), then dense layers. */
typedef struct ConvSpec {
    int n_conv;                    /* conv layers; 0: not a cnn */
    int filters[LAYER_MAX_CONV];   /* (n_conv) c_out of each */
    int ksize[LAYER_MAX_CONV];     /* (n_conv) kernel side of each */
    int pool;                      /* 0 or 2, after every conv layer */
    bool same;                     /* padding same (else 0) */
} ConvSpec;

/* The layers of a cnn over c×h×w images: spec's conv layers, dense layers
 * of the n_hidden widths, and a dense output of out units, into layers
 * (room for max); their count, or -1 with err (the first conv layer that
 * cannot be built, naming it, or too many layers). */
int layer_cnn(const ConvSpec *spec, int c, int h, int w, const int *hidden, int n_hidden, int out,
              Layer *layers, int max, char *err);

/* Weight and bias counts, and the weight's shape: 2 dims (n_in, n_out) for
 * dense, 4 dims (c_out, c_in, k, k) for conv; returns the number of dims. */
size_t layer_weights(const Layer *l);
size_t layer_biases(const Layer *l);
int layer_weight_shape(const Layer *l, int dims[4]);
/* fan_in and fan_out of the weight as torch.nn.init computes them. */
void layer_fans(const Layer *l, double *fan_in, double *fan_out);
/* Doubles per row that forward leaves for backward (a conv layer's im2col
 * patches, P·c_in·k·k; 0 for dense): the layer's own, not shared. */
size_t layer_keep(const Layer *l);
/* Doubles of scratch the layer's forward and backward need at rows rows
 * (0 for dense), shared by every layer; the caller checks against its own
 * bound first. */
size_t layer_scratch(const Layer *l, int rows);

/* The 2×2 max pool of a (rows, c_out*h_out*w_out) into p (rows, n_out),
 * the flat index within the row of each maximum into idx (the first
 * maximum in scan order, as torch's CPU kernel; NaN wins). */
void layer_pool_forward(const Layer *l, const double *a, int rows, double *p, double *idx);
/* da (rows, n_map) = the gradient dp (rows, n_out) sent back to each maximum. */
void layer_pool_backward(const Layer *l, const double *dp, const double *idx, int rows, double *da);

#endif
