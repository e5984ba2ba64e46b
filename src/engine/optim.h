/* optim.h — the optimizers of torch.optim 1.13, with its update rules,
 * defaults and argument checks. An optimizer works on the flat parameter
 * and gradient buffers, so one step is one flat loop; its state lives in
 * one allocation of n_slots * n values. No printing, no allocation in
 * optim_step. */
#ifndef PARAMLAB_OPTIM_H
#define PARAMLAB_OPTIM_H

#include <stdbool.h>
#include <stddef.h>

typedef enum OptKind {
    OPT_SGD,
    OPT_ADAGRAD,
    OPT_RMSPROP,
    OPT_ADADELTA,
    OPT_ADAM,
    OPT_ADAMW,
    OPT_ADAMAX,
    OPT_NADAM,
    OPT_COUNT
} OptKind;

typedef struct OptConfig {
    OptKind kind;
    double lr;                        /* every optimizer */
    double weight_decay;              /* every optimizer */
    double momentum;                  /* sgd, rmsprop */
    double dampening;                 /* sgd */
    bool nesterov;                    /* sgd */
    double lr_decay;                  /* adagrad */
    double initial_accumulator_value; /* adagrad */
    double alpha;                     /* rmsprop smoothing constant */
    bool centered;                    /* rmsprop */
    double rho;                       /* adadelta */
    double beta1, beta2;              /* adam, adamw, adamax, nadam */
    bool amsgrad;                     /* adam, adamw */
    double momentum_decay;            /* nadam */
    double eps;                       /* all but sgd */
} OptConfig;

/* One hyperparameter an optimizer takes: its name as typed in
 * `set optimizer NAME key=value`, where it lives in OptConfig, whether it is
 * a switch, and a one-line description. */
typedef struct OptHyper {
    const char *name;  /* "lr", "beta1", "nesterov" ... */
    size_t offset;     /* offsetof(OptConfig, field) */
    bool is_bool;      /* on/off switch rather than a number */
    const char *about; /* one line for `hypers` and help */
} OptHyper;

const char *optim_name(OptKind k);
int optim_parse(const char *s, OptKind *out); /* 0, or -1 if unknown */
/* PyTorch's defaults for kind (sgd: lr 0.01). */
void optim_defaults(OptKind k, OptConfig *c);
/* The hyperparameters kind takes, in a fixed order; *n receives the count. */
const OptHyper *optim_hypers(OptKind k, int *n);
/* PyTorch's argument checks: 0, or -1 with PyTorch's reason in err
 * ("Invalid learning rate: -1", "Nesterov momentum requires a momentum
 * and zero dampening", ...). */
int optim_check(const OptConfig *c, char *err);

typedef struct Optim {
    OptConfig cfg;     /* hyperparameters in force */
    size_t n;          /* parameters it updates */
    long step;         /* updates taken so far */
    int n_slots;       /* state vectors per parameter for this kind */
    double *state;     /* (n_slots, n): slot s of parameter i at s*n+i */
    double mu_product; /* nadam's running product of mu (1 at start) */
} Optim;

/* A new optimizer for n parameters, state zeroed as PyTorch initialises it
 * (adagrad: initial_accumulator_value). NULL with err on a failed check or
 * when memory runs out. Caller owns; optim_free it. */
Optim *optim_new(const OptConfig *c, size_t n, char *err);
void optim_free(Optim *o);
/* Forget every step: state back to its initial values, step 0. */
void optim_reset(Optim *o);
/* Copies o's state (step, mu_product, state values) into dst, which must
 * have the same kind and n. */
void optim_copy_state(Optim *dst, const Optim *o);
/* One update of params from grads (both length n). No allocation. */
void optim_step(Optim *o, double *params, const double *grads);
/* Name of state slot s as in the optimizer's formula ("momentum_buffer",
 * "exp_avg" shown as "m", ...). */
const char *optim_slot_name(const Optim *o, int s);

#endif
