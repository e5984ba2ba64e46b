/* loss.h — the losses, with PyTorch's definitions and 'mean' reduction.
 * Each loss takes the logits of the last layer and applies its own output
 * link (mse/mae/huber/hinge: identity, bce: sigmoid, ce: softmax), as
 * BCEWithLogitsLoss and CrossEntropyLoss do. No printing, no allocation. */
#ifndef PARAMLAB_LOSS_H
#define PARAMLAB_LOSS_H

#include <stdbool.h>

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

const char *loss_name(LossKind k);
int loss_parse(const char *s, LossKind *out); /* 0, or -1 if unknown */

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
