/* layer.c — the layer kinds (dense, conv) as descriptors, the conv
 * geometry, and the 2×2 max pool. A conv layer's products go through
 * im2col: the input patches of every output position become the rows of
 * a matrix cols (rows·P, c_in·k·k), P = h_out·w_out, so that Z is one
 * mat_gemm with the kernels K (c_out, c_in·k·k), then permuted from
 * (row, position, filter) into torch's (row, filter, position). cols is
 * the layer's own (kept for backward), the rest of the work goes in a
 * scratch shared by every layer: backward reads forward's cols, dK = dZᵀ
 * cols and dcols = dZ K are one mat_gemm each, and col2im adds dcols back
 * into the input's gradient. Allocates nothing. */
#include "layer.h"

#include <math.h>
#include <string.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif

#include "mat.h"
#include "util.h"

/* ---- dense ---- */

static void dense_forward(const Layer *l, const double *params, const double *in, int rows, double *zd,
                          double *keep, double *scratch)
{
    (void)keep;
    (void)scratch;
    Mat x = mat_view((double *)in, rows, l->n_in);                   /* (B, n_in) */
    Mat w = mat_view((double *)params + l->w_off, l->n_in, l->n_out); /* (n_in, n_out) */
    Mat z = mat_view(zd, rows, l->n_out);                             /* (B, n_out) */
    mat_set_rows(&z, params + l->b_off);                              /* Z = b */
    mat_gemm(false, false, 1.0, &x, &w, 1.0, &z);                     /* Z += X W */
}

static void dense_backward(const Layer *l, const double *params, double *grads, const double *in,
                           const double *dzd, int rows, double *din, const double *keep, double *scratch)
{
    (void)keep;
    (void)scratch;
    Mat x = mat_view((double *)in, rows, l->n_in);                    /* (B, n_in) */
    Mat dz = mat_view((double *)dzd, rows, l->n_out);                 /* (B, n_out) */
    Mat w = mat_view((double *)params + l->w_off, l->n_in, l->n_out); /* (n_in, n_out) */
    Mat dw = mat_view(grads + l->w_off, l->n_in, l->n_out);           /* (n_in, n_out) */
    mat_gemm(true, false, 1.0, &x, &dz, 0.0, &dw);                    /* dW = X^T dZ */
    mat_sum_rows(&dz, grads + l->b_off);                              /* db = sum_rows dZ */
    if (!din)
        return;
    Mat da = mat_view(din, rows, l->n_in);                            /* (B, n_in) */
    mat_gemm(false, true, 1.0, &dz, &w, 0.0, &da);                    /* dIn = dZ W^T */
}

/* ---- conv ---- */

/* Patch width c_in·k·k and positions h_out·w_out. */
static int patch(const Layer *l)
{
    return l->c_in * l->ksize * l->ksize;
}

static int positions(const Layer *l)
{
    return l->h_out * l->w_out;
}

/* cols (rows·P, c_in·k·k): row r·P + p holds the patch of output position
 * p = (oh, ow) of input row r, column c·k·k + i·k + j the input value
 * X[r, c, oh+i-pad_top, ow+j-pad_left], 0 in the padding. Written one
 * input line at a time: for each (r, oh, c, i) the k values of every ow. */
static void im2col(const Layer *l, const double *in, int rows, double *cols)
{
    const int k = l->ksize, W = l->w_in, wo = l->w_out, pl = l->pad_left;
    const size_t hw = (size_t)l->h_in * (size_t)W, pw = (size_t)patch(l), P = (size_t)positions(l);
    for (int r = 0; r < rows; r++) {
        const double *x = in + (size_t)r * (size_t)l->n_in;
        for (int oh = 0; oh < l->h_out; oh++) {
            double *line = cols + ((size_t)r * P + (size_t)oh * (size_t)wo) * pw; /* the patches of row oh */
            for (int c = 0; c < l->c_in; c++)
                for (int i = 0; i < k; i++) {
                    int y = oh + i - l->pad_top;
                    double *dst = line + (size_t)(c * k + i) * (size_t)k;
                    if (y < 0 || y >= l->h_in) { /* a padding line */
                        for (int ow = 0; ow < wo; ow++, dst += pw)
                            memset(dst, 0, (size_t)k * sizeof *dst);
                        continue;
                    }
                    const double *src = x + (size_t)c * hw + (size_t)y * (size_t)W;
                    for (int ow = 0; ow < wo; ow++, dst += pw) {
                        int x0 = ow - pl;
                        if (x0 >= 0 && x0 + k <= W) {
                            for (int j = 0; j < k; j++)
                                dst[j] = src[x0 + j];
                        } else {
                            for (int j = 0; j < k; j++)
                                dst[j] = x0 + j >= 0 && x0 + j < W ? src[x0 + j] : 0.0;
                        }
                    }
                }
        }
    }
}

/* din (rows, n_in) = the sum of dcols over every patch each input value
 * sits in, added in the order im2col reads them. */
static void col2im(const Layer *l, const double *cols, int rows, double *din)
{
    const int k = l->ksize, W = l->w_in, wo = l->w_out, pl = l->pad_left;
    const size_t hw = (size_t)l->h_in * (size_t)W, pw = (size_t)patch(l), P = (size_t)positions(l);
    memset(din, 0, (size_t)rows * (size_t)l->n_in * sizeof *din);
    for (int r = 0; r < rows; r++) {
        double *x = din + (size_t)r * (size_t)l->n_in;
        for (int oh = 0; oh < l->h_out; oh++) {
            const double *line = cols + ((size_t)r * P + (size_t)oh * (size_t)wo) * pw;
            for (int ow = 0; ow < wo; ow++) {
                const double *src = line + (size_t)ow * pw;
                int x0 = ow - pl;
                for (int c = 0; c < l->c_in; c++)
                    for (int i = 0; i < k; i++, src += k) {
                        int y = oh + i - l->pad_top;
                        if (y < 0 || y >= l->h_in)
                            continue;
                        double *dst = x + (size_t)c * hw + (size_t)y * (size_t)W;
                        if (x0 >= 0 && x0 + k <= W) {
                            for (int j = 0; j < k; j++)
                                dst[x0 + j] += src[j];
                        } else {
                            for (int j = 0; j < k; j++)
                                if (x0 + j >= 0 && x0 + j < W)
                                    dst[x0 + j] += src[j];
                        }
                    }
            }
        }
    }
}

/* keep: cols (rows·P, c_in·k·k) for backward; scratch: zt (rows·P, c_out). */
static void conv_forward(const Layer *l, const double *params, const double *in, int rows, double *z,
                         double *keep, double *scratch)
{
    int P = positions(l), pw = patch(l), F = l->c_out;
    double *colsd = keep, *ztd = scratch;
    im2col(l, in, rows, colsd);
    Mat cols = mat_view(colsd, rows * P, pw);                       /* (B·P, c_in·k·k) */
    Mat kern = mat_view((double *)params + l->w_off, F, pw);        /* (c_out, c_in·k·k) */
    Mat zt = mat_view(ztd, rows * P, F);                            /* (B·P, c_out) */
    mat_gemm(false, true, 1.0, &cols, &kern, 0.0, &zt);             /* Zt = cols K^T */
    const double *bias = params + l->b_off;
    for (int r = 0; r < rows; r++)                                  /* Z[r,f,p] = Zt[r·P+p,f] + c[f] */
        for (int f = 0; f < F; f++) {
            double *zo = z + (size_t)r * (size_t)l->n_map + (size_t)f * (size_t)P;
            const double *zi = ztd + (size_t)r * (size_t)P * (size_t)F + (size_t)f;
            for (int p = 0; p < P; p++)
                zo[p] = zi[(size_t)p * (size_t)F] + bias[f];
        }
}

/* keep: forward's cols; scratch: dzt (rows·P, c_out), then dcols (rows·P, c_in·k·k). */
static void conv_backward(const Layer *l, const double *params, double *grads, const double *in,
                          const double *dz, int rows, double *din, const double *keep, double *scratch)
{
    (void)in; /* forward's cols hold every patch of it */
    int P = positions(l), pw = patch(l), F = l->c_out;
    double *dztd = scratch, *dcolsd = scratch + (size_t)rows * (size_t)P * (size_t)F;
    double *dc = grads + l->b_off;
    for (int f = 0; f < F; f++)
        dc[f] = 0.0;
    for (int r = 0; r < rows; r++)                                  /* dZt[r·P+p,f] = dZ[r,f,p] */
        for (int f = 0; f < F; f++) {
            const double *zi = dz + (size_t)r * (size_t)l->n_map + (size_t)f * (size_t)P;
            double *zo = dztd + (size_t)r * (size_t)P * (size_t)F + (size_t)f;
            double sum = 0.0;
            for (int p = 0; p < P; p++) {
                zo[(size_t)p * (size_t)F] = zi[p];
                sum += zi[p];
            }
            dc[f] += sum;                                           /* dc = sums of dZ */
        }
    Mat cols = mat_view((double *)keep, rows * P, pw);             /* (B·P, c_in·k·k) forward's */
    Mat dzt = mat_view(dztd, rows * P, F);                          /* (B·P, c_out) */
    Mat dk = mat_view(grads + l->w_off, F, pw);                     /* (c_out, c_in·k·k) */
    mat_gemm(true, false, 1.0, &dzt, &cols, 0.0, &dk);              /* dK = dZt^T cols */
    if (!din)
        return;
    Mat kern = mat_view((double *)params + l->w_off, F, pw);        /* (c_out, c_in·k·k) */
    Mat dcols = mat_view(dcolsd, rows * P, pw);                     /* (B·P, c_in·k·k) */
    mat_gemm(false, false, 1.0, &dzt, &kern, 0.0, &dcols);          /* dcols = dZt K */
    col2im(l, dcolsd, rows, din);
}

static const LayerDesc descs[LAYER_KIND_COUNT] = {
    [LAYER_DENSE] = {"dense", 'W', 'b', dense_forward, dense_backward},
    [LAYER_CONV] = {"conv", 'K', 'c', conv_forward, conv_backward},
};

const LayerDesc *layer_desc(const Layer *l)
{
    return &descs[(unsigned)l->kind < LAYER_KIND_COUNT ? l->kind : LAYER_DENSE];
}

const LayerDesc *layer_desc_of_letter(char letter, bool *bias)
{
    for (int i = 0; i < LAYER_KIND_COUNT; i++) {
        if (descs[i].weight == letter || descs[i].bias == letter) {
            *bias = descs[i].bias == letter;
            return &descs[i];
        }
    }
    return NULL;
}

void layer_dense(Layer *l, int n_in, int n_out)
{
    memset(l, 0, sizeof *l);
    l->kind = LAYER_DENSE;
    l->n_in = n_in;
    l->n_out = n_out;
    l->n_map = n_out;
}

int layer_conv(Layer *l, int c_in, int h, int w, int c_out, int k, bool same, int pool, char *err)
{
    if (c_in < 1 || c_in > LAYER_MAX_CHANNELS || c_out < 1 || c_out > LAYER_MAX_CHANNELS)
        return util_err(err, "a conv layer takes 1 to %d channels in and out, not %d and %d",
                        LAYER_MAX_CHANNELS, c_in, c_out);
    if (k < 1 || k > LAYER_MAX_KERNEL)
        return util_err(err, "a kernel side must be 1 to %d, not %d", LAYER_MAX_KERNEL, k);
    if (h < 1 || w < 1 || h > LAYER_MAX_SIDE || w > LAYER_MAX_SIDE)
        return util_err(err, "an image side must be 1 to %d, not %dx%d", LAYER_MAX_SIDE, h, w);
    if (pool != 0 && pool != 2)
        return util_err(err, "the pool size is 0 or 2, not %d", pool);
    memset(l, 0, sizeof *l);
    l->kind = LAYER_CONV;
    l->c_in = c_in;
    l->h_in = h;
    l->w_in = w;
    l->c_out = c_out;
    l->ksize = k;
    l->pad_top = l->pad_left = same ? (k - 1) / 2 : 0;
    l->h_out = same ? h : h - k + 1;
    l->w_out = same ? w : w - k + 1;
    if (l->h_out < 1 || l->w_out < 1)
        return util_err(err, "a %dx%d kernel is larger than the %dx%d map it slides over: use a kernel of at most %d, "
                        "or same padding", k, k, h, w, h < w ? h : w);
    if (pool && (l->h_out % 2 || l->w_out % 2))
        return util_err(err, "2x2 pooling needs an even map, and this conv layer's map is %dx%d: use same padding, "
                        "another kernel size, or no pooling", l->h_out, l->w_out);
    l->pool = pool;
    l->h_pool = pool ? l->h_out / 2 : l->h_out;
    l->w_pool = pool ? l->w_out / 2 : l->w_out;
    l->n_in = c_in * h * w;
    l->n_map = c_out * l->h_out * l->w_out;
    l->n_out = c_out * l->h_pool * l->w_pool;
    return 0;
}

int layer_cnn(const ConvSpec *spec, int c, int h, int w, const int *hidden, int n_hidden, int out,
              Layer *layers, int max, char *err)
{
    if (spec->n_conv < 1 || spec->n_conv > LAYER_MAX_CONV)
        return util_err(err, "a cnn has 1 to %d conv layers, not %d", LAYER_MAX_CONV, spec->n_conv);
    if (spec->n_conv + n_hidden + 1 > max)
        return util_err(err, "at most %d layers in all, and this cnn has %d", max, spec->n_conv + n_hidden + 1);
    int n = 0;
    for (int i = 0; i < spec->n_conv; i++, n++) {
        char why[ERR_LEN];
        if (layer_conv(&layers[n], c, h, w, spec->filters[i], spec->ksize[i], spec->same, spec->pool, why) != 0)
            return util_err(err, "conv layer %d (%d:%d on %dx%dx%d): %s", i + 1, spec->filters[i],
                            spec->ksize[i], c, h, w, why);
        c = layers[n].c_out;
        h = layers[n].h_pool;
        w = layers[n].w_pool;
    }
    int in = layers[n - 1].n_out;
    for (int i = 0; i <= n_hidden; i++, n++) {
        layer_dense(&layers[n], in, i < n_hidden ? hidden[i] : out);
        in = layers[n].n_out;
    }
    return n;
}

size_t layer_weights(const Layer *l)
{
    if (l->kind == LAYER_CONV)
        return (size_t)l->c_out * (size_t)patch(l);
    return (size_t)l->n_in * (size_t)l->n_out;
}

size_t layer_biases(const Layer *l)
{
    return l->kind == LAYER_CONV ? (size_t)l->c_out : (size_t)l->n_out;
}

int layer_weight_shape(const Layer *l, int dims[4])
{
    if (l->kind == LAYER_CONV) {
        dims[0] = l->c_out;
        dims[1] = l->c_in;
        dims[2] = dims[3] = l->ksize;
        return 4;
    }
    dims[0] = l->n_in;
    dims[1] = l->n_out;
    dims[2] = dims[3] = 1;
    return 2;
}

void layer_fans(const Layer *l, double *fan_in, double *fan_out)
{
    if (l->kind == LAYER_CONV) { /* torch: size(1)·receptive field, size(0)·receptive field */
        *fan_in = (double)patch(l);
        *fan_out = (double)l->c_out * l->ksize * l->ksize;
        return;
    }
    *fan_in = l->n_in;
    *fan_out = l->n_out;
}

size_t layer_keep(const Layer *l)
{
    return l->kind == LAYER_CONV ? (size_t)positions(l) * (size_t)patch(l) : 0;
}

size_t layer_scratch(const Layer *l, int rows)
{
    if (l->kind != LAYER_CONV)
        return 0;
    return (size_t)rows * (size_t)positions(l) * (size_t)(patch(l) + l->c_out);
}

/* The 2×2 windows of two outputs side by side, one per lane: the maximum
 * of each in torch's scan order (0,0) (0,1) (1,0) (1,1), where a later
 * value wins only when larger, or NaN (torch's CPU rule), and its index.
 * With SSE2, masks, not branches: which value wins is a coin toss. */
#ifdef __SSE2__
static void pool_pair(const double *ar, const size_t top[2], size_t W, double m_out[2], double i_out[2])
{
    const size_t off[4] = {0, 1, W, W + 1};
    __m128d m = _mm_set_pd(ar[top[1]], ar[top[0]]);
    __m128d best = _mm_set_pd((double)top[1], (double)top[0]); /* indices as doubles, as idx holds them */
    const __m128d first = best;
    for (int q = 1; q < 4; q++) {
        __m128d v = _mm_set_pd(ar[top[1] + off[q]], ar[top[0] + off[q]]);
        __m128d at = _mm_add_pd(first, _mm_set1_pd((double)off[q]));
        __m128d take = _mm_or_pd(_mm_cmpgt_pd(v, m), _mm_cmpunord_pd(v, v));
        m = _mm_or_pd(_mm_and_pd(take, v), _mm_andnot_pd(take, m));
        best = _mm_or_pd(_mm_and_pd(take, at), _mm_andnot_pd(take, best));
    }
    _mm_storeu_pd(m_out, m);
    _mm_storeu_pd(i_out, best);
}
#else
static void pool_pair(const double *ar, const size_t top[2], size_t W, double m_out[2], double i_out[2])
{
    const size_t off[4] = {0, 1, W, W + 1};
    for (int k = 0; k < 2; k++) {
        size_t best = top[k];
        for (int q = 1; q < 4; q++) {
            double v = ar[top[k] + off[q]];
            if (v > ar[best] || v != v)
                best = top[k] + off[q];
        }
        m_out[k] = ar[best];
        i_out[k] = (double)best;
    }
}
#endif

void layer_pool_forward(const Layer *l, const double *a, int rows, double *p, double *idx)
{
    size_t W = (size_t)l->w_out, HW = (size_t)l->h_out * W;
    for (int r = 0; r < rows; r++) {
        const double *ar = a + (size_t)r * (size_t)l->n_map;
        double *pr = p + (size_t)r * (size_t)l->n_out, *ir = idx + (size_t)r * (size_t)l->n_out;
        int c = 0, i = 0, j = 0; /* the channel, row and column of output o */
        for (int o = 0; o < l->n_out; o += 2) {
            size_t top[2]; /* the windows' top left corners in A's row */
            for (int q = 0; q < 2; q++) {
                top[q] = (size_t)c * HW + (size_t)(2 * i) * W + (size_t)(2 * j);
                if (o + q + 1 < l->n_out && ++j == l->w_pool) {
                    j = 0;
                    if (++i == l->h_pool)
                        i = 0, c++;
                }
            }
            double m[2], at[2];
            pool_pair(ar, top, W, m, at);
            pr[o] = m[0], ir[o] = at[0];
            if (o + 1 < l->n_out)
                pr[o + 1] = m[1], ir[o + 1] = at[1];
        }
    }
}

void layer_pool_backward(const Layer *l, const double *dp, const double *idx, int rows, double *da)
{
    memset(da, 0, (size_t)rows * (size_t)l->n_map * sizeof *da);
    for (int r = 0; r < rows; r++) {
        const double *dr = dp + (size_t)r * (size_t)l->n_out, *ir = idx + (size_t)r * (size_t)l->n_out;
        double *ar = da + (size_t)r * (size_t)l->n_map;
        for (int o = 0; o < l->n_out; o++)
            ar[(size_t)ir[o]] += dr[o];
    }
}
