/* schedule.h — learning-rate schedules as torch.optim.lr_scheduler 1.13
 * makes them: StepLR, ExponentialLR, CosineAnnealingLR (its recursive
 * get_lr, which is what torch produces when step() is called once per
 * epoch) and ReduceLROnPlateau (mode min, threshold_mode rel, cooldown 0,
 * min_lr 0, eps 1e-8). A schedule is stepped once at each epoch's end and
 * turns the lr in force into the next epoch's lr, as torch rewrites the
 * optimizer's param_group['lr'].
 *
 * Everything about one kind — its name, torch's class, its options with
 * their defaults and checks, its step and its formula — is one SchedDesc
 * in schedule.c; other code asks the descriptor. The state is a plain
 * struct: copy it by assignment (undo, save), compare with
 * sched_state_equal. No printing, no allocation. */
#ifndef PARAMLAB_SCHEDULE_H
#define PARAMLAB_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>

typedef enum SchedKind {
    SCHED_NONE,    /* the lr stays as it is */
    SCHED_STEP,    /* StepLR */
    SCHED_EXP,     /* ExponentialLR */
    SCHED_COSINE,  /* CosineAnnealingLR */
    SCHED_PLATEAU, /* ReduceLROnPlateau */
    SCHED_COUNT
} SchedKind;

typedef struct SchedConfig {
    SchedKind kind;
    long size;        /* step: step_size, epochs between reductions */
    double gamma;     /* step, exp: the factor applied */
    long tmax;        /* cosine: T_max, epochs of half a cosine period */
    double min;       /* cosine: eta_min, the lowest lr */
    double factor;    /* plateau: new lr = lr * factor */
    long patience;    /* plateau: epochs without improvement tolerated */
    double threshold; /* plateau: relative improvement that counts */
} SchedConfig;

/* What a schedule remembers between epochs. Plain data: `a = b` copies it. */
typedef struct SchedState {
    long epoch;      /* torch's last_epoch: epochs stepped so far (0 at start) */
    double base_lr;  /* the lr when the schedule started (torch's base_lrs[0]) */
    double best;     /* plateau: best metric so far (+inf at start) */
    long bad_epochs; /* plateau: num_bad_epochs */
} SchedState;

/* One option a kind takes, as typed: `size=10`. */
typedef struct SchedOpt {
    const char *name;  /* "size" */
    size_t offset;     /* offsetof(SchedConfig, field) */
    bool is_long;      /* a whole number (a long field), else a double */
    bool required;     /* torch has no default for it */
    double def;        /* the default when not required */
    const char *about; /* one line for help and `hypers` */
} SchedOpt;

#define SCHED_MAX_COUNT 1000000000L /* bound on size=, tmax=, patience= */
#define SCHED_MAX_OPTS 8            /* options of one kind, at most */

/* Everything about one schedule kind. */
typedef struct SchedDesc {
    const char *name;      /* as typed: "cosine" */
    const char *torch;     /* torch's class: "CosineAnnealingLR" */
    const char *about;     /* one line for help */
    const char *formula;   /* the rule, for explain and hypers */
    const SchedOpt *opts;  /* its options, in display order */
    int n_opts;
    bool uses_metric;      /* step reads the epoch's metric (plateau) */
    /* torch's argument checks plus paramlab's bounds: 0, or -1 with err */
    int (*check)(const SchedConfig *c, char *err);
    /* one epoch's end: s->epoch already counts it; returns the new lr */
    double (*step)(const SchedConfig *c, SchedState *s, double lr, double metric);
} SchedDesc;

/* The descriptor of kind; NULL when k is not a kind. */
const SchedDesc *sched_desc(SchedKind k);
/* 0 and *out, or -1 with err naming the kinds when s is none of them. */
int sched_kind_parse(const char *s, SchedKind *out, char *err);
/* c = kind with every option at its default (required ones 0). */
void sched_defaults(SchedKind k, SchedConfig *c);
/* Parses words[0] (the kind) and words[1..n-1] (key=value options) into
 * *out. On any problem -1 with a one-line err naming the fix (unknown kind
 * or option, a value that is not a number, a missing required option, a
 * value out of range, PyTorch's own "Factor should be < 1.0.") and *out
 * unchanged. */
int sched_parse(const char *const *words, int n, SchedConfig *out, char *err);
/* The checks alone, for a config built otherwise: 0 or -1 with err. */
int sched_check(const SchedConfig *c, char *err);
/* "step size=10 gamma=0.5": the kind and every option, into buf. */
void sched_describe(const SchedConfig *c, char *buf, size_t n);

/* The state of a schedule starting now with the optimizer's lr (torch's
 * constructor: last_epoch 0, base_lr = lr, best = +inf). */
void sched_start(SchedState *s, double lr);
/* One epoch's end: advances s and returns the lr for the next epoch from
 * lr, the lr in force. metric is the epoch's validation loss (or mean
 * training loss) and is read only when the descriptor uses_metric. */
double sched_step(const SchedConfig *c, SchedState *s, double lr, double metric);
/* True when a and b hold the same values (NaN equal to NaN). */
bool sched_state_equal(const SchedState *a, const SchedState *b);

#endif
