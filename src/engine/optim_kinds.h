/* optim_kinds.h — what the optimizer descriptors share, for the files
 * that define them (optim_classic.c: sgd, adagrad, rmsprop, adadelta,
 * rprop; optim_adam.c: adam, adamw, adamax, nadam, radam) and optim.c,
 * which lists them. Not for other modules: they ask optim.h. */
#ifndef PARAMLAB_OPTIM_KINDS_H
#define PARAMLAB_OPTIM_KINDS_H

#include <stddef.h>

#include "optim.h"
#include "text.h"

#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The explanations write into a TextSink: tx appends a formatted line,
 * NUM and PAR give a number as the reader sees numbers. */
#define tx text_out
#define NUM TEXT_NUM
#define PAR TEXT_PAR

/* The hyperparameter tables share these words. */
#define H(field, about) {#field, offsetof(OptConfig, field), false, about}
#define HB(field, about) {#field, offsetof(OptConfig, field), true, about}

#define ABOUT_LR "learning rate: how far each update moves a parameter"
#define ABOUT_WD "L2 penalty: adds weight_decay * parameter to the gradient, pulling weights towards 0"
#define ABOUT_EPS "tiny number added to the denominator so it is never zero"
#define ABOUT_B1 "how much of the running average of gradients (m) is kept each step"
#define ABOUT_B2 "how much of the running average of squared gradients (v) is kept each step"
#define ABOUT_AMSGRAD "divide by the largest v seen so far, so steps never grow from a shrinking v"

/* The slots' symbols where several optimizers share a slot. */
#define SYM_M "m (first moment)"
#define SYM_V "v (second moment)"
#define SYM_SQ "v (running mean of g²)"

/* x as Python's repr(float) writes it ("-1.0", "1e-05", "-1.5e+16"). */
void optim_py_repr(double x, char *buf, size_t len);
/* Fails with PyTorch's "Invalid LABEL: VALUE" message about hyperparameter
 * hyper, whose allowed values are `allowed` (into *why); returns -1. */
int optim_bad(char *err, OptRefusal *why, const char *hyper, const char *allowed, const char *label, double v);
/* "m = 0.9·m0 + 0.1·g = m1" — a running average's update with numbers;
 * sq squares the new value. */
void optim_write_avg(const TextSink *w, const char *name, double keep, double old, double g, bool sq, double now);

/* Each update follows the _single_tensor_* function of the same optimizer
 * in torch 1.13 line by line; the comments quote it. PyTorch's kernels
 * compute add(x, alpha) as a + alpha*x, addcmul as a + value*t1*t2 and
 * addcdiv as a + value*t1/t2, left to right, and so does this code.
 * o->step already counts the step being taken, as torch's step_t += 1
 * does first. */

extern const OptDesc optim_sgd, optim_adagrad, optim_rmsprop, optim_adadelta, optim_rprop;
extern const OptDesc optim_adam, optim_adamw, optim_adamax, optim_nadam, optim_radam;

#endif
