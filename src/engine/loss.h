/* loss.h — the losses, with PyTorch's definitions and 'mean' reduction.
 * Each loss takes the logits of the last layer and applies its own output
 * link (mse/mae/huber/hinge: identity, bce: sigmoid, ce: softmax), as
 * BCEWithLogitsLoss and CrossEntropyLoss do. No printing, no allocation.
 *
 * Everything about one loss — its name, its link, how its mean is taken,
 * which shapes it fits, its value and gradient, where it has a kink, and
 * the formulas `explain` writes — is one LossDesc in loss.c. Other code
 * asks the descriptor (loss_desc) and keeps no list of names and no switch
 * on the kind of its own. */
#ifndef PARAMLAB_LOSS_H
#define PARAMLAB_LOSS_H

#include <stdbool.h>
#include <stddef.h>

#include "text.h"

typedef enum LossKind {
    LOSS_MSE,   /* mean((f - y)^2) */
    LOSS_MAE,   /* mean(|f - y|)   (L1Loss) */
    LOSS_HUBER, /* HuberLoss(delta) */
    LOSS_BCE,   /* BCEWithLogitsLoss, targets 0/1 */
    LOSS_CE,    /* CrossEntropyLoss, integer class targets */
    LOSS_HINGE, /* mean(max(0, 1 - y'f)), y' = 2y - 1 for labels 0/1 */
    LOSS_COUNT
} LossKind;

typedef struct Loss {
    LossKind kind;
    double delta; /* huber threshold, default 1.0 */
} Loss;

/* The output link a loss applies to the logits. */
typedef enum LossLink {
    LINK_IDENTITY, /* yhat = logits */
    LINK_SIGMOID,  /* yhat = sigmoid(logit): the probability of class 1 */
    LINK_SOFTMAX   /* yhat = softmax(logits of a row): one probability per class */
} LossLink;

/* How targets are laid out: y is (B, n_targets). For regression n_targets
 * equals the output width. For classification y is one column of class
 * indices 0..n_classes-1; bce and hinge need 1 output and 2 classes, ce
 * needs n_outputs == n_classes >= 2, and mse/mae/huber compare against
 * the label itself (1 output) or a one-hot row (n_classes outputs). */
typedef struct LossShape {
    int n_outputs;       /* width of the logits */
    int n_targets;       /* columns of y */
    bool classification; /* y holds class indices */
    int n_classes;       /* when classification */
} LossShape;

/* One sample (and one output j of it) as explain writes its loss and the
 * loss's derivative: the numbers the session holds, and how to name them. */
typedef struct LossSample {
    int L;             /* the output layer: the logits are Z<L> */
    int K;             /* outputs */
    int B;             /* rows of the batch */
    int b;             /* the sample */
    int j;             /* the output (0 where the whole sample is meant) */
    const double *z;   /* (K) its logits */
    const double *p;   /* (K) its yhat */
    double y;          /* the target output j is compared with */
    int label;         /* its class, for a loss over classes */
    const char *yname; /* that target written with b and j: "Y[b]", "onehot(Y[b])[j]" */
    double loss;       /* loss[b] */
    double dz;         /* dL/dZ<L>[b,j] as backward computed it */
} LossSample;

/* Everything about one loss. */
typedef struct LossDesc {
    const char *name;      /* as typed after `set loss` */
    LossLink link;         /* its output link */
    const char *link_name; /* "identity", "sigmoid", "softmax" */
    bool per_row;          /* the mean runs over rows (ce), not over every output */
    bool margin;           /* one output is a signed margin: class 1 above 0 (hinge), not above 0.5 */
    bool has_delta;        /* takes delta= (huber) */
    /* 0 when the loss fits the shape, else -1 and why (what to use instead) */
    int (*check)(const struct LossDesc *d, const Loss *l, const LossShape *s, char *err);
    /* an elementwise loss: one output f against target t, and d/df; NULL
     * for a loss over whole rows (ce), which has rows instead: the mean
     * over the batch, and dLoss/dlogits (B, K) when dlogits is not NULL */
    double (*value)(const Loss *l, double f, double t, double *grad);
    double (*rows)(const LossShape *s, const double *logits, const double *y, int batch, double *dlogits);
    /* the side of its kink f lies on against target t (-1, 0, 1); NULL when smooth */
    int (*kink_side)(const Loss *l, double f, double t);
    /* explain: the formula of loss[b]; its numbers (false: write the
     * elementwise sum of `piece`s instead); one output's term with numbers */
    void (*formula)(const Loss *l, const LossSample *x, const TextSink *w);
    bool (*numbers)(const Loss *l, const LossSample *x, const TextSink *w);
    void (*piece)(const Loss *l, double f, double y, const TextSink *w, char *buf, size_t n);
    /* explain: the formula of dZ<L>[b,j], then its numbers for x's b and j */
    void (*dz_formula)(const Loss *l, const LossSample *x, const TextSink *w);
    void (*dz_numbers)(const Loss *l, const LossSample *x, const TextSink *w);
} LossDesc;

/* The descriptor of kind; NULL when k is not a kind. */
const LossDesc *loss_desc(LossKind k);
const char *loss_name(LossKind k);
int loss_parse(const char *s, LossKind *out); /* 0, or -1 if unknown */
/* Every name in kind order, separated by sep and the last by last, into buf. */
void loss_names(char *buf, size_t n, const char *sep, const char *last);

/* 0 when this loss fits the shape; otherwise -1 and a message saying why
 * and what to use instead. */
int loss_check(const Loss *l, const LossShape *s, char *err);

/* The loss of a batch of B rows. logits (B, K), y (B, n_targets).
 * yhat (B, K) receives the link applied to the logits; dlogits (B, K), if
 * not NULL, receives dLoss/dlogits (with the 1/N of the mean). */
double loss_eval(const Loss *l, const LossShape *s, const double *logits,
                 const double *y, int batch, double *yhat, double *dlogits);
/* The link alone: yhat = link(logits) for B rows. */
void loss_link(const Loss *l, const LossShape *s, const double *logits,
               int batch, double *yhat);
/* The task's default loss (mse, bce for two classes, ce for more). */
LossKind loss_default(const LossShape *s);

#endif
