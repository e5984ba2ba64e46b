/* session.h — everything one learner's session holds: data, model,
 * optimizer, loss, hyperparameters and where the training loop stands.
 * The session enforces the order of the phases (forward, loss, backward,
 * update) and knows every inspectable name. It never prints: functions
 * return 0, or -1 with a message in err that says what to do next. */
#ifndef PARAMLAB_SESSION_H
#define PARAMLAB_SESSION_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "clip.h"
#include "data.h"
#include "init.h"
#include "loss.h"
#include "metrics.h"
#include "nn.h"
#include "optim.h"
#include "penalty.h"
#include "schedule.h"
#include "trace.h"
#include "util.h"

/* Where the current batch stands in the loop: the last phase completed. */
typedef enum Phase {
    PHASE_READY,    /* a batch is current, nothing computed yet */
    PHASE_FORWARD,  /* Zk, Ak and yhat of the batch exist */
    PHASE_LOSS,     /* the loss of the batch exists */
    PHASE_BACKWARD  /* every gradient exists */
} Phase;

#define SESSION_EVAL_ROWS 256 /* rows the evaluation copy of the model holds */
#define SESSION_UNDO_BYTES (256u << 20) /* memory bound of the undo history */
#define SESSION_UNDO_MAX 1000           /* updates kept when the model is small */
#define SESSION_UNDO_EVERY_MAX 32       /* longest stretch of updates recomputed by `undo` */
#define SESSION_DIVERGE 1000.0          /* loss above this factor of its start stops training */

/* The settings a training step reads, besides the model, data and batch
 * size (which clear the undo history when they change): enough to
 * recompute an update exactly after the learner has changed them. */
typedef struct StepRecipe {
    OptConfig opt;          /* optimizer settings, the lr in force included */
    Loss loss;
    Penalty pen;
    ClipConfig clip;
    SchedConfig sched;
    bool shuffle;
    uint64_t seed;          /* dropout masks and row orders come from it */
} StepRecipe;

/* Why the undo history no longer reaches an update it once held. */
typedef enum HistLost {
    HIST_LOST_NONE,   /* it holds every update since it started */
    HIST_LOST_COUNT,  /* it keeps undo_keep updates (or its ring's worth) */
    HIST_LOST_MEMORY  /* its copies' memory bound overwrote the oldest copy */
} HistLost;

/* Everything an update changes, as it was just before that update. In the
 * undo history an entry may keep no copy of the arrays (params NULL): it
 * is recomputed from an older entry that does (see hist_every). */
typedef struct Snapshot {
    double *params;         /* (n_params) parameters, or NULL */
    double *opt_state;      /* (n_slots * n_params) optimizer state, or NULL */
    long opt_step;          /* optimizer step count */
    double mu_product;      /* nadam's running product */
    long epoch;             /* loop position */
    int batch_index;
    long steps;
    double epoch_loss_sum;
    long epoch_rows;
    double last_epoch_loss;
    long epoch_right;
    double last_epoch_accuracy;
    uint64_t perm_seed;     /* what made the epoch's row order */
    bool perm_shuffle;
    double lr;              /* the lr in force (a schedule changes it) */
    SchedState sched;       /* where the schedule stood */
    StepRecipe recipe;      /* the settings the update was made with */
} Snapshot;

typedef struct Session {
    Dataset *data;          /* owned; NULL until `data` */
    Model *model;           /* owned; NULL until `model` */
    Model *eval;            /* owned; copy for predict/validation (cap SESSION_EVAL_ROWS) */
    Optim *optim;           /* owned; exists whenever model does */
    OptConfig opt;          /* optimizer hyperparameters in force */
    Loss loss;              /* loss in force (kind, delta) */
    bool loss_auto;         /* loss follows the task until `set loss` */
    InitConfig init;        /* initializer for `model` and `init` */
    InitKind used_init[2 * NN_MAX_LAYERS]; /* resolved initializer of W1 b1 W2 ... */
    Act act;                /* hidden activation of the model */
    int hidden[NN_MAX_LAYERS]; /* widths of the hidden layers */
    int n_hidden;           /* number of hidden layers */
    char model_kind[16];    /* "linear", "logistic", "softmax", "mlp" or "cnn" */
    ConvSpec conv;          /* a cnn's conv layers (n_conv 0 for other kinds) */
    int batch;              /* mini-batch size */
    bool shuffle;           /* reshuffle the training rows each epoch */
    uint64_t seed;          /* session seed (`set seed`, --seed) */
    Rng rng;                /* draws for initializers */
    int precision;          /* significant digits shown */

    long epoch;             /* current epoch, from 1 */
    int batch_index;        /* current batch within the epoch, from 0 */
    long steps;             /* updates taken since the model was built */
    int *perm;              /* (n_train) row order of this epoch */
    double *xb;             /* (rows, d) features of the current batch: the data's own
                             * rows when they are consecutive (never written through), else xb_buf */
    double *xb_buf;         /* (batch, d) owned: the batch's rows copied when they are not */
    double *yb;             /* (batch, t) targets of the current batch */
    double *yhat;           /* (batch, outputs) link(logits) after forward */
    int rows;               /* rows in the current batch */
    double loss_value;      /* loss of the current batch after `loss`: loss_data + the penalty */
    double loss_data;       /* its data term (what the loss function gives) */
    double loss_l1, loss_l2; /* its penalty terms (0 when off) */
    int loss_fail;          /* ERR_NONFINITE or ERR_DIVERGED when the loss of this forward pass failed, else 0 */
    double loss_fail_value; /* the loss it came to then */
    long loss_fail_step;    /* the step it was computed for */
    Penalty pen;            /* l1 and l2 in force */
    double dropout[NN_MAX_LAYERS]; /* dropout after hidden layer k (dropout[k-1]); 0: none */
    Phase phase;            /* last phase completed on the current batch */
    bool grads_valid;       /* a backward ran since the model was built or initialised */
    double gnorm[NN_MAX_LAYERS]; /* each layer's gradient norm, from the last backward */
    double last_epoch_loss; /* mean training loss of the last finished epoch */
    double epoch_loss_sum;  /* sum of batch losses x rows this epoch */
    long epoch_rows;        /* rows behind epoch_loss_sum */
    long epoch_right;       /* of those rows, classified right as they were trained on */
    double last_epoch_accuracy; /* epoch_right / epoch_rows of the last finished epoch; NaN for regression */

    uint64_t perm_seed;     /* seed that made perm */
    bool perm_shuffle;      /* whether perm is shuffled */
    double first_loss;      /* first batch loss since the model was built or initialised */

    Snapshot *hist;         /* (hist_cap) ring of states before recent updates */
    double *hist_buf;       /* (hist_copies) copies of the arrays, inside hist_map */
    void *hist_map;         /* anonymous mapping reserved for them; pages fill as used */
    size_t hist_map_bytes;  /* its length */
    int hist_cap;           /* updates the ring can hold */
    int hist_len;           /* updates it holds now; the oldest always has its copy */
    int hist_head;          /* slot the next snapshot goes to */
    int hist_copies;        /* copies of the arrays undo_bytes allows (at most hist_cap) */
    int *hist_copy_owner;   /* (hist_copies) ring slot each copy belongs to, -1: none */
    int hist_every;         /* in a run (train, step N), one update in this many keeps a copy,
                             * and the run's first and last; 1: every update */
    HistLost hist_lost;     /* why the history lost its oldest updates, if it did */
    int hist_dying;         /* during an undo: the newest entries it takes back */
    bool hist_emptied;      /* undo took back every update it kept */
    long run_start;         /* steps when the run began */
    int hist_since;         /* updates without a copy since the last one, in this run */
    long run_left;          /* updates the run still plans; -1: not known */
    bool run_on;            /* inside a run */
    bool run_first;         /* its first update is still to come */
    bool replaying;         /* undo recomputes updates: no snapshots, no live frames */
    size_t undo_bytes;      /* memory bound of the copies (SESSION_UNDO_BYTES) */
    int undo_keep;          /* updates the history may keep (`set undo`; SESSION_UNDO_MAX by
                             * default, 0: none) */

    double last_val_loss;   /* validation loss at the last epoch's end; NaN without a split */
    double last_val_accuracy; /* validation accuracy then; NaN without a split or classes */
    int test_looks;         /* times the test share was evaluated since the data or split changed */
    double scalar_value;    /* the scalar name last resolved (session_tensor's view of it) */
    double *scalar_vec;     /* (scalar_vec_cap) a per-class scalar name's values, the same view; owned */
    int scalar_vec_cap;
    double test_loss;       /* the last evaluation of the test share: its loss (while test_looks > 0) */
    double test_accuracy;   /* ... and its accuracy (NaN for regression) */
    int cv_folds;           /* folds of the last cross-validation; 0: none yet */
    double cv_loss, cv_std; /* its mean validation loss over the folds and their sample std (n-1) */
    SchedConfig sched;      /* learning-rate schedule, stepped at each epoch's end (none: lr stays) */
    SchedState sched_state; /* where it stands; opt.lr is the lr in force */
    ClipConfig clip;        /* gradient clipping between backward and update */
    ClipReport clip_report; /* what clipping did in the last backward */
    long best_epoch;        /* early stopping's best epoch in the last `train` that used it; 0: none */
    double best_val;        /* its validation loss */
    Trace *trace;           /* owned with the model: losses and gradient norms per update */
    void (*on_update)(void *ctx); /* called after every update (live plots); may be NULL */
    void *on_update_ctx;

    volatile sig_atomic_t *interrupt; /* set by Ctrl-C; checked between steps */
} Session;

/* A new session with the defaults (seed 42, batch 32, sgd, auto loss and
 * init, relu, precision 6). NULL when out of memory. */
Session *session_new(void);
void session_free(Session *s);

/* Replaces the data set (the session takes ownership of ds, also on
 * failure). A model whose shape no longer fits is removed (*dropped); a
 * chosen loss that no longer fits the task goes back to following it
 * (*loss_reset). -1 only when out of memory. */
int session_set_data(Session *s, Dataset *ds, bool *dropped, bool *loss_reset);
/* Builds a model for the data: kind is "linear", "logistic", "softmax" or
 * "mlp" with hidden widths. Refused with err and nothing changed:
 * ERR_NO_DATA, ERR_TASK when the kind does not fit the task, the loss's
 * refusal when the loss does not fit, ERR_TOO_BIG past the memory limit. */
int session_build_model(Session *s, const char *kind, const int *hidden,
                        int n_hidden, Act act, char *err);
/* The same with dropout: dropout holds n_hidden probabilities in [0, 1)
 * (NULL: none), one after each hidden activation. Refused as above, and
 * with ERR_INPUT for a probability out of range. */
int session_build_model_drop(Session *s, const char *kind, const int *hidden, int n_hidden, Act act,
                             const double *dropout, char *err);
/* A cnn over the data's images: conv's layers, then dense layers of the
 * hidden widths and the output; the spec is kept in s->conv, so whatever
 * rebuilds the model from the session (model_kind "cnn") builds the same.
 * Refused as session_build_model, and ERR_TASK when the rows are not
 * images, ERR_INPUT when a conv layer does not fit its input. */
int session_build_cnn(Session *s, const ConvSpec *conv, const int *hidden, int n_hidden, Act act, char *err);
/* Bytes a model of these layers would take, as session_model_bytes. */
double session_layers_bytes(const Session *s, const Layer *layers, int n_layers);
/* Bytes a model of n_layers layers (widths sizes[0..n_layers]) would take
 * with the session's optimizer and batch, undo history included: what
 * session_build_model compares with util_memory_limit (ERR_TOO_BIG). */
double session_model_bytes(const Session *s, const int *sizes, int n_layers);
/* Re-initialises every parameter (param NULL) or one ("W1", "b2") with the
 * given initializer. Whole-model init also resets the optimizer state and
 * the loop position. -1 with err and nothing changed on refusal. */
int session_init(Session *s, const InitConfig *c, const char *param, char *err);

/* Hyperparameters. Each checks everything before changing anything. */
int session_set_loss(Session *s, const Loss *l, bool automatic, char *err);
/* Replaces the optimizer's settings. The same kind with the same state
 * layout keeps its state (like editing torch's param_groups); otherwise the
 * state starts fresh and *fresh says so. */
int session_set_optimizer(Session *s, const OptConfig *c, bool *fresh, char *err);
int session_set_batch(Session *s, int batch, char *err);
/* Sets the weight penalties (l1, l2 >= 0; 0 turns one off). The loss of the
 * current batch, if computed, is computed again by the next `loss`. */
int session_set_penalty(Session *s, const Penalty *p, char *err);
/* The key the dropout masks of the update after `steps` updates are drawn
 * from: the session seed and that step number. */
uint64_t session_mask_key(const Session *s, long steps);
void session_set_seed(Session *s, uint64_t seed);
/* Every setting back to a new session's (session_defaults.c): optimizer
 * and its hyperparameters, lr, batch, shuffle, loss (following the task),
 * initializer, l1/l2, schedule, clipping, precision, seed; the data, the
 * model and its parameters stay. 0, or an ErrCode with err (out of
 * memory for the batch: nothing changed). */
int session_reset_settings(Session *s, char *err);

/* The loop. Each phase checks that the one before it ran (ERR_NEEDS_FORWARD, _LOSS or _BACKWARD
 * when not; ERR_NO_DATA / ERR_NO_MODEL before there is anything to run). A
 * non-finite loss, gradient or parameter is ERR_NONFINITE naming the
 * tensor; a loss past the divergence bound is ERR_DIVERGED. */
int session_forward(Session *s, char *err);
int session_loss(Session *s, char *err);
/* When the loss of the current forward pass failed (Inf, NaN or past the
 * divergence bound): that code (ERR_NONFINITE, ERR_DIVERGED) with err
 * saying "WHAT: the loss of this batch is Inf at step N ..."; else 0 and
 * err untouched. */
int session_loss_failed(const Session *s, const char *what, char *err);
int session_backward(Session *s, char *err);
int session_update(Session *s, char *err);
/* 0 when a step can run: data, a model and training rows; else
 * ERR_NO_DATA, ERR_NO_MODEL or -1 with err. */
int session_ready(const Session *s, char *err);
/* One whole iteration from wherever the current batch stands. */
int session_step(Session *s, char *err);
/* Called after each epoch of session_train with the epoch number, its mean
 * training loss and the validation loss (NaN when there is no split). */
typedef void (*EpochFn)(void *ctx, long epoch, double train_loss, double val_loss);
/* Trains until `epochs` epoch boundaries have been crossed (a started
 * epoch counts as the first). *steps receives the updates made. Stops
 * cleanly at a step boundary when *interrupt is set (returns 1 then). */
int session_train(Session *s, long epochs, EpochFn fn, void *ctx,
                  long *steps, char *err);
/* Batches per epoch and the data set's training row count. */
int session_batches(const Session *s);

/* session_eval.c: the model in evaluation mode over a share. */

/* Whether the data has rows in that share. */
bool session_has_share(const Session *s, DataShare share);
/* Loss over a share's rows through the evaluation copy; *accuracy the
 * share classified right (NaN for regression); NaN when there is no
 * model, no data or no such rows. */
double session_eval_share(Session *s, DataShare share, double *accuracy);
/* The same for the validation rows, or the training rows when train is set. */
double session_eval_loss(Session *s, bool train, double *accuracy);
/* Share of the current batch classified right (after forward); NaN for
 * regression or before forward. */
double session_batch_accuracy(const Session *s);
/* The class one output row (k values after the link) stands for: the
 * threshold for one unit (0 for hinge, 0.5 otherwise), argmax for more. */
int session_predicted_class(const Session *s, const double *yhat, int k);
/* The model's outputs through the link for n inputs x (n, d), given in
 * the units the model sees (after any standardization), into out
 * (n, outputs). Runs the evaluation copy in chunks; never allocates.
 * Needs a model. */
void session_eval_outputs(Session *s, const double *x, int n, double *out);
/* The maps of conv layer k (1-based) for data row `row` alone, run
 * through the evaluation copy (the batch and its results stay as they
 * are): Z, A or P by kind ('Z' 'A' 'P'), (c_out, h, w) values borrowed
 * from the copy until its next use. NULL when there is no model or data,
 * the row is past the data, layer k is not a conv layer, or (P) it has
 * no pool. Never allocates. */
const double *session_row_maps(Session *s, int row, int k, char kind);

/* The model's output (through the link) for one input of d features in the
 * data's original units; out receives nn_outputs values. */
int session_predict(Session *s, const double *x, double *out, char *err);

/* How good the model is on one share (scikit-learn's numbers). */
typedef struct EvalReport {
    DataShare share;      /* the share measured */
    long n;               /* its rows */
    double loss;          /* the loss in force over them */
    double accuracy;      /* right / n for classification, else NaN */
    bool classification;  /* which of the two parts below is filled */
    long *cm;             /* (n_classes, n_classes) counts, rows true, columns predicted; owned */
    ClassScore *per;      /* (n_classes) per-class scores; owned */
    ClassMetrics cls;     /* accuracy and macro averages */
    RegScore *reg;        /* (t) per-target scores; owned */
    RegMetrics regm;      /* their averages */
} EvalReport;
/* Measures a share into r (the caller frees it with session_report_free).
 * Evaluating the test share counts one more look (test_looks). Refused
 * with err: ERR_NO_DATA, ERR_NO_MODEL, ERR_NO_SPLIT (no validation share),
 * ERR_NO_TEST (no test share), ERR_NOMEM. */
int session_eval_report(Session *s, DataShare share, EvalReport *r, char *err);
void session_report_free(EvalReport *r);
/* "training", "validation" or "test". */
const char *session_share_name(DataShare share);

/* A scalar name: a number about the model as a whole (or one per class). */
typedef struct ScalarDesc ScalarDesc;
struct ScalarDesc {
    const char *name;   /* "val_loss" */
    const char *about;  /* one line: what it measures */
    DataShare share;    /* the share it is measured on */
    bool accuracy;      /* a fraction in [0, 1], shown as a percentage */
    bool hyper;         /* a hyperparameter (lr), not a measurement */
    /* NULL for a loss or accuracy of a share measured now (drawn per epoch by
     * plot); else the values into *v (n of them, one per class for precision),
     * 0 or the refusal's code with err. */
    int (*value)(Session *s, const ScalarDesc *d, double **v, int *n, char *err);
    bool (*ready)(const Session *s); /* whether value would succeed now (cheaply) */
    int field;          /* which number value picks (the loss or its spread ...) */
    bool per_class;     /* one value per class: NAME[k] is class k's (data_class_name) */
    bool whole;         /* a count the session keeps (steps, epoch, params): printed with every digit */
};
/* The index of a scalar name, or -1. */
int session_scalar_find(const char *name);
/* The descriptor of scalar i, or NULL past the last (a loop's end). */
const ScalarDesc *session_scalar(int i);
/* The value of scalar i now; refused with err: ERR_NO_DATA, ERR_NO_MODEL,
 * ERR_NO_SPLIT (a validation measure without that share), ERR_NO_CLASSES
 * (accuracy of a regression). */
int session_scalar_value(Session *s, int i, double *v, char *err);
/* The values of scalar i now into *v (session storage, valid until the next
 * call), n of them: 1, or one per class (precision, recall, f1). Refused as
 * session_scalar_value, and also ERR_NO_CV, ERR_NO_TEST_LOOK (not measured
 * yet), ERR_NOT_REGRESSION (MAE or R² of classes). */
int session_scalar_values(Session *s, int i, double **v, int *n, char *err);
/* Whether scalar i has a value now (the names that exist). */
bool session_scalar_ready(const Session *s, int i);

/* A copy of the session to race (`compare`): a copy of the data, the same
 * model shape and parameters, loss, batch size, shuffle and position in
 * the data (so the same batches follow), the same schedule (started from
 * opt's lr) and clipping, with optimizer opt from a fresh state, no undo
 * history and no hooks. NULL with err. Caller frees. */
Session *session_fork(const Session *s, const OptConfig *opt, char *err);

/* Forgets the undo history and keeps none from now on (a copy that is
 * never undone). */
void session_drop_history(Session *s);

/* ---- trials: fresh copies for cross-validation and search (session_trial.c) ---- */

/* The hyperparameters a trial may vary: everything `model` and `set`
 * choose that a search can try. */
typedef struct Hypers {
    char model_kind[16];            /* "linear", "logistic", "softmax", "mlp" or "cnn" */
    ConvSpec conv;                  /* a cnn's conv layers */
    int hidden[NN_MAX_LAYERS];      /* (n_hidden) widths of the hidden layers */
    int n_hidden;
    double dropout[NN_MAX_LAYERS];  /* (n_hidden) dropout after each hidden layer */
    Act act;                        /* hidden activation */
    OptConfig opt;                  /* optimizer and its settings (lr: where a schedule starts) */
    int batch;                      /* mini-batch size */
    Penalty pen;                    /* l1, l2 */
    InitConfig init;                /* initializer */
} Hypers;

/* The session's hyperparameters now (lr: where its schedule started). */
void session_hypers(const Session *s, Hypers *h);
/* A trial: a new session on data ds (taken over, also on failure) with
 * hyperparameters h and s's loss, schedule, clipping, shuffling and seed,
 * its parameters initialised as a fresh model with the session seed, at
 * the start of the data, with no undo history and no hooks. NULL with err
 * (the model's refusal, or ERR_NOMEM). Caller frees. s is only read. */
Session *session_trial_new(const Session *s, const Hypers *h, Dataset *ds, char *err);

/* ---- schedule and clipping (session_sched.c) ---- */

/* Puts schedule c in force, starting from the lr in force now (torch's
 * scheduler made now). -1 with err and nothing changed when c is refused. */
int session_set_schedule(Session *s, const SchedConfig *c, char *err);
/* The schedule starts again from the lr in force (after the lr was set). */
void session_sched_restart(Session *s);
/* A fresh start (new model, whole init, new data): the lr goes back to
 * where the schedule started and the schedule starts again. */
void session_sched_rewind(Session *s);
/* One epoch's end: the schedule's step turns the lr in force into the
 * next epoch's; plateau reads the validation loss, or without a split the
 * epoch's mean training loss. Allocates nothing. */
void session_sched_epoch_end(Session *s);
/* Puts clipping c in force; -1 with err and nothing changed when refused. */
int session_set_clip(Session *s, const ClipConfig *c, char *err);
/* Clips the model's gradients as s->clip asks (tensors W1 b1 W2 b2 ...,
 * for torch's total norm) and records what it did in s->clip_report. */
void session_clip_grads(Session *s);

/* ---- early stopping (session_train.c) ---- */

typedef struct EarlyStop {
    long patience;    /* epochs without improvement before stopping (>= 1) */
    double min_delta; /* an improvement is val_loss < best - min_delta (>= 0) */
    bool restore;     /* put back the best epoch's parameters and state */
} EarlyStop;

/* What early stopping did. */
typedef struct EarlyResult {
    bool stopped;      /* patience ran out before the epochs did */
    long stop_epoch;   /* the last epoch trained */
    long best_epoch;   /* the epoch with the lowest validation loss (0: none finished) */
    double best_val;   /* its validation loss */
    bool restored;     /* its parameters, optimizer state and position are back */
} EarlyResult;

/* session_train with early stopping on validation loss (the Keras and
 * Lightning rule). Needs a split: ERR_NO_SPLIT without one. Allocates one
 * copy of the state before training starts (ERR_NOMEM without memory);
 * the steps themselves allocate nothing. Returns as session_train does;
 * *res says what happened (also after an interruption or a failure, when
 * restoring is left undone). */
int session_train_early(Session *s, long epochs, const EarlyStop *es, EpochFn fn, void *ctx,
                        long *steps, EarlyResult *res, char *err);

/* Puts parameters, optimizer state, counters and the position in the data
 * back as they were n updates ago, so the next step repeats exactly.
 * Refused with err and nothing changed: ERR_UNDO_RANGE when fewer than n
 * updates are kept (session's hist_len says how many), ERR_UNDO_OFF when
 * the session keeps none (undo_keep 0). */
int session_undo(Session *s, int n, char *err);
/* Keeps at most keep (0..SESSION_UNDO_MAX) updates in the undo history
 * from now on, within SESSION_UNDO_BYTES; 0 keeps none, so an update takes
 * no snapshot. The history starts afresh. Returns the updates it can hold
 * for the current model (keep when there is none yet). */
int session_set_undo(Session *s, int keep);
/* Copies the state an update changes (parameters, optimizer state, lr,
 * schedule, position) into h, whose params and opt_state arrays the
 * caller sized as session_snapshot_bytes says. Allocates nothing. */
void session_snapshot_take(const Session *s, Snapshot *h);
/* Puts the state in h back (the parameters, optimizer state, lr,
 * schedule, counters and position; the batch reloaded, gradients gone).
 * The undo history is left as it is. */
void session_snapshot_put(Session *s, const Snapshot *h);
/* session_snapshot_put of a state taken earlier in this run, and the undo
 * history forgets the updates made since, as if undone. */
void session_rewind_to(Session *s, const Snapshot *h);
/* The state before the most recent update (k = 0) or k updates earlier;
 * NULL when not kept or kept without its arrays (an update inside a run
 * that failed). Borrowed. */
const Snapshot *session_snapshot(const Session *s, int k);
/* The history's entry k, with or without its arrays; NULL past hist_len. */
const Snapshot *session_hist_entry(const Session *s, int k);
/* Gives entry k of the history (0: the newest) a copy of the arrays as
 * they are now, which must be that entry's state (session_undo.c makes it
 * by recomputing); the oldest copy makes room. Nothing when it has one. */
void session_hist_copy_at(Session *s, int k);
/* The settings a step reads now. */
void session_recipe_take(const Session *s, StepRecipe *r);
/* Puts settings taken by session_recipe_take in force (the optimizer's
 * state layout is the same: the history is cleared when it changes). */
void session_recipe_put(Session *s, const StepRecipe *r);
/* A run of updates nobody looks at in between (train, step N) starts:
 * inside it, only some updates keep a copy of the arrays (hist_every).
 * planned: the updates it will make, or -1 when that is not known. */
void session_run_begin(Session *s, long planned);
/* The run ends with rc (0 done, 1 interrupted, < 0 failed). When it
 * stopped before its planned last update (Ctrl-C, early stopping, a
 * failure) and its last update kept no copy, that copy is made by
 * recomputing the updates since the copy before it (session_undo.c), so
 * `explain`, `diagnose` and the next `undo` find it; the state is left
 * exactly as the run left it (after a failure, the failing step's phases
 * are made again up to the same failure). */
void session_run_end(Session *s, int rc);
/* The name of flat parameter i ("W2[0,3]", "b1[2]") into buf. */
void session_param_name(const Session *s, size_t i, char *buf, size_t n);
/* Memory of one snapshot in bytes. */
size_t session_snapshot_bytes(const Session *s);

/* A named tensor: a view into the session, valid until the next command. */
typedef struct Tensor {
    char name[32];   /* "W1", "dZ2", "yhat", "exp_avg:W1" ... */
    int rows, cols;  /* shape as a matrix; a vector is rows == 1 */
    bool vector;     /* shown and indexed as 1-D (biases, loss) */
    int ndim;        /* 1 (vector), 2, or 4 (a conv kernel, a conv layer's maps) */
    int dims[4];     /* the shape: (cols); (rows, cols); (c_out, c_in, k, k) or (rows, c, h, w) */
    double *data;    /* rows*cols values, row-major */
    bool editable;   /* a parameter the learner may change */
    int layer;       /* layer number (1..) or 0 */
    bool percent;    /* a fraction shown as a percentage (accuracy) */
} Tensor;

/* A tensor's name taken apart: "dW2" is kind 'W', a gradient, layer 2. */
typedef struct TensorName {
    char kind;  /* W b K c Z A P M (per layer), X Y (the batch), y (yhat), l (loss),
                 * s (a scalar name: train_loss val_loss accuracy val_accuracy lr),
                 * f (a function of a tensor: norm_dW1 std_A3, one number) */
    bool grad;  /* dW1 db1 dZ1 dA1: the gradient of the loss for it */
    int layer;  /* 1..999 for W b K c Z A P M; 0 otherwise */
    int scalar; /* kind s: the index session_scalar_find gives; kind f: the function's index */
} TensorName;
/* A function of a whole tensor, written as a prefix of its name: norm_dW1, std_A3. */
typedef struct TensorFnDesc {
    const char *prefix; /* "norm_" */
    const char *about;  /* one line: what it measures */
    double (*of)(const double *x, size_t n); /* the value of n values */
} TensorFnDesc;
/* The descriptor of function i, or NULL past the last (a loop's end). */
const TensorFnDesc *session_tensor_fn(int i);
/* Whether the name is a parameter or its gradient (W b K c). */
bool tensor_is_param(const TensorName *tn);
/* Parses a tensor's name (W1 b2 K1 c1 dW1 Z3 dA1 P1 M1 X Y yhat loss, the scalar names; a layer number
 * from 1, no leading zero) without asking whether it exists now. The one
 * grammar of names: everything that reads a name asks here. false for
 * anything else. */
bool tensor_name_parse(const char *name, TensorName *tn);

/* Resolves a name that exists now into t: 0, or the refusal's code with
 * err saying why: ERR_UNKNOWN_NAME (not a name at all), ERR_NO_DATA (X or
 * Y without data), ERR_NO_MODEL (a name of the model, and there is none),
 * ERR_NO_LAYER (the model has no such layer), ERR_NEEDS_FORWARD /
 * ERR_NEEDS_LOSS / ERR_NEEDS_BACKWARD (it exists later in the loop); a
 * scalar name also ERR_NO_SPLIT or ERR_NO_CLASSES (session_scalar_value). */
int session_tensor(Session *s, const char *name, Tensor *t, char *err);
/* Calls fn for each name that exists now, in a fixed order. */
void session_names(Session *s, void (*fn)(void *ctx, const char *name), void *ctx);
/* Called after a parameter was edited: results of the batch are stale. */
void session_params_changed(Session *s);

#endif
