/* optim.h — the optimizers of torch.optim 1.13, with its update rules,
 * defaults and argument checks. An optimizer works on the flat parameter
 * and gradient buffers, so one step is one flat loop; its state lives in
 * one allocation of n_slots * n values. No printing, no allocation in
 * optim_step.
 *
 * Everything about one optimizer — its name, hyperparameters with their
 * defaults and checks, its state slots and what they are called, which
 * settings change the state's layout, how `state` and `explain` show it,
 * and its step — is one OptDesc in optim.c. Other code asks the descriptor
 * (optim_desc, or the functions below that read it) and keeps no list of
 * names and no switch on the kind of its own. */
#ifndef PARAMLAB_OPTIM_H
#define PARAMLAB_OPTIM_H

#include <stdbool.h>
#include <stddef.h>

#include "binio.h"
#include "text.h"

typedef enum OptKind {
    OPT_SGD,
    OPT_ADAGRAD,
    OPT_RMSPROP,
    OPT_ADADELTA,
    OPT_ADAM,
    OPT_ADAMW,
    OPT_ADAMAX,
    OPT_NADAM,
    OPT_RADAM,
    OPT_RPROP,
    OPT_COUNT
} OptKind;

typedef struct OptConfig {
    OptKind kind;
    double lr;                        /* every optimizer */
    double weight_decay;              /* all but rprop */
    double momentum;                  /* sgd, rmsprop */
    double dampening;                 /* sgd */
    bool nesterov;                    /* sgd */
    double lr_decay;                  /* adagrad */
    double initial_accumulator_value; /* adagrad */
    double alpha;                     /* rmsprop smoothing constant */
    bool centered;                    /* rmsprop */
    double rho;                       /* adadelta */
    double beta1, beta2;              /* adam, adamw, adamax, nadam, radam (torch's betas) */
    bool amsgrad;                     /* adam, adamw */
    double momentum_decay;            /* nadam */
    double eps;                       /* all but sgd and rprop */
    double eta_minus, eta_plus;       /* rprop (torch's etas) */
    double step_min, step_max;        /* rprop (torch's step_sizes) */
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

#define OPT_MAX_SLOTS 3 /* state vectors per parameter, at most */
#define OPT_MAX_VIEWS 2 /* derived quantities `state` shows, at most */

/* One state vector: its name in PyTorch's state dict, the symbol the
 * formulas use for it, and the value it starts from. */
typedef struct OptSlot {
    const char *name;   /* "exp_avg" */
    const char *symbol; /* "m (first moment)", as `state` labels it */
    double init;        /* its starting value (adagrad's sum, rprop's step_size) */
} OptSlot;

/* A quantity `state` shows beside the slots once a step was taken: slot
 * `slot` divided by `divisor` (adam's bias-corrected m_hat = m / (1 - beta1^t)). */
typedef struct OptView {
    const char *name;  /* "m_hat" */
    const char *about; /* "m / (1 - beta1^t), bias-corrected" */
    int slot;          /* the slot it is made from */
    double divisor;    /* what each value of that slot is divided by */
} OptView;

/* One element's update, made by optim_step on a one-parameter copy, as
 * the explanation's numbers come from it. */
typedef struct OptElement {
    double p0, p1;                           /* the parameter before and after */
    double g;                                /* its gradient, as backward left it */
    double s0[OPT_MAX_SLOTS], s1[OPT_MAX_SLOTS]; /* its state before and after */
    long t;                                  /* the step count this update used (1 first) */
    double mu0, mu1;                         /* the scalar state before and after */
} OptElement;

typedef struct Optim Optim;

/* Which hyperparameter a check refused, and what it allows ("0 or more",
 * "at least 0 and less than 1"); both NULL when no one value is to blame. */
typedef struct OptRefusal {
    const char *hyper;
    const char *allowed;
} OptRefusal;

/* Everything about one optimizer. Functions that take a config are given
 * one of this kind. */
typedef struct OptDesc {
    const char *name;       /* as typed: "adam" */
    const OptHyper *hypers; /* its hyperparameters, in `hypers` order */
    int n_hypers;
    void (*defaults)(OptConfig *c);                   /* PyTorch's (c zeroed, kind set) */
    int (*check)(const OptConfig *c, char *err, OptRefusal *why); /* PyTorch's checks and messages */
    int (*slots)(const OptConfig *c, OptSlot *out);   /* the state vectors, in state-dict order */
    const char *scalar;                               /* its scalar state ("mu_product"), or NULL */
    /* how its numbers compare with stock torch 1.13 where they need not agree
     * to the last bits (one sentence), or NULL when they do */
    const char *torch_note;
    const char *stateless;                            /* what `state` says when it keeps no slots */
    int (*views)(const Optim *o, OptView *out);       /* NULL: none */
    bool decoupled_decay;                             /* weight_decay shrinks p, not added to g */
    bool sgd_first_step;                              /* its first update is -lr·g */
    void (*step)(Optim *o, double *p, const double *g); /* o->step already counts this one */
    void (*formula)(const OptConfig *c, const TextSink *w);
    /* writes the numbers line by line; expr gets the right-hand side of
     * the last line "p = expr = p1" */
    void (*numbers)(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n);
} OptDesc;

/* The descriptor of kind; NULL when k is not a kind. */
const OptDesc *optim_desc(OptKind k);
const char *optim_name(OptKind k);
int optim_parse(const char *s, OptKind *out); /* 0, or -1 if unknown */
/* Every name in kind order, separated by sep and the last by last
 * (", " and " or " give "sgd, adagrad, ... or rprop"), into buf. */
void optim_names(char *buf, size_t n, const char *sep, const char *last);
/* PyTorch's defaults for kind (sgd: lr 0.01). */
void optim_defaults(OptKind k, OptConfig *c);
/* The hyperparameters kind takes, in a fixed order; *n receives the count. */
const OptHyper *optim_hypers(OptKind k, int *n);
/* How kind's numbers compare with stock torch where they need not agree to
 * the last bits (its descriptor's torch_note), or NULL. */
const char *optim_torch_note(OptKind k);
/* PyTorch's argument checks: 0, or -1 with PyTorch's reason in err
 * ("Invalid learning rate: -1", "Nesterov momentum requires a momentum
 * and zero dampening", ...) and, in *why (may be NULL), the hyperparameter
 * refused and what it allows, so a caller can advise without reading the
 * message. */
int optim_check(const OptConfig *c, char *err, OptRefusal *why);
/* True when state kept under a can go on under b: same kind and the same
 * slots (sgd's momentum on or off, rmsprop's centered, adam's amsgrad ...). */
bool optim_same_layout(const OptConfig *a, const OptConfig *b);

struct Optim {
    OptConfig cfg;     /* hyperparameters in force */
    size_t n;          /* parameters it updates */
    long step;         /* updates taken so far */
    int n_slots;       /* state vectors per parameter for this kind */
    double *state;     /* (n_slots, n): slot s of parameter i at s*n+i */
    double mu_product; /* the scalar state: nadam's running product of mu (1 at start) */
};

/* A new optimizer for n parameters, state set as PyTorch initialises it
 * (adagrad: initial_accumulator_value, rprop: lr). NULL with err on a
 * failed check or when memory runs out. Caller owns; optim_free it. */
Optim *optim_new(const OptConfig *c, size_t n, char *err);
void optim_free(Optim *o);
/* Forget every step: state back to its initial values, step 0. */
void optim_reset(Optim *o);
/* Copies o's state (step, mu_product, state values) into dst, which must
 * have the same kind and n. */
void optim_copy_state(Optim *dst, const Optim *o);
/* One update of params from grads (both length n). No allocation. */
void optim_step(Optim *o, double *params, const double *grads);
/* Name of state slot s in PyTorch's state dict ("momentum_buffer",
 * "exp_avg", ...), and the symbol the formulas use for it; NULL when s is
 * not a slot. */
const char *optim_slot_name(const Optim *o, int s);
const char *optim_slot_symbol(const Optim *o, int s);
/* The derived quantities `state` shows for o (none before a step). */
int optim_views(const Optim *o, OptView out[OPT_MAX_VIEWS]);

/* explain's text for one element's update under c: the formula, then the
 * same with e's numbers (expr receives the right-hand side of the final
 * "p = expr = p1"). Both write an L2 penalty's line first when there is one. */
void optim_explain_formula(const OptConfig *c, const TextSink *w);
void optim_explain_numbers(const OptConfig *c, const OptElement *e, const TextSink *w, char *expr, size_t n);

/* Whether kind's weight_decay is decoupled (shrinks p, as adamw) rather
 * than coupled (added to the gradient, as sgd and adam). */
bool optim_decay_decoupled(OptKind kind);

/* ---- saving (optim_io.c) ---- */

/* Appends c to b as its kind's name and each hyperparameter by name, so a
 * file does not depend on the order of kinds or fields. */
void optim_config_write(const OptConfig *c, BinBuf *b);
/* Reads what optim_config_write wrote: the kind's defaults, then the
 * values named. -1 with err for an unknown kind or name, a record that
 * runs short (r->bad) or values PyTorch's checks refuse. */
int optim_config_read(OptConfig *c, BinIn *r, char *err);
/* Appends o's state: step count, scalar state, and every slot. */
void optim_state_write(const Optim *o, BinBuf *b);
/* Reads what optim_state_write wrote into o, which must have the same
 * number of slots and parameters (r->bad otherwise, o then unchanged in
 * its shape; its values may be partly read). */
void optim_state_read(Optim *o, BinIn *r);
#endif
