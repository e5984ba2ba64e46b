/* runlog.h — the run log: every training run (a `train`, a cross-validation
 * fold, a search trial) becomes one JSON line appended to DIR/runs.jsonl
 * and a CSV of its epochs, DIR/ID.csv. The line holds the run's id, time,
 * data (name, recipe, fingerprint, shares), model, every hyperparameter,
 * seed, per-epoch curves, steps and wall time; README.md documents the
 * fields. A line is written with one write() on a file opened O_APPEND,
 * so an interruption or a crash never leaves half a line. */
#ifndef PARAMLAB_RUNLOG_H
#define PARAMLAB_RUNLOG_H

#include <stdbool.h>
#include <stdint.h>

#include "json.h"
#include "session.h"

#define RUN_MAX_EPOCHS 100000 /* epochs a run's curve keeps */
#define RUN_ID_LEN 40

/* A run's per-epoch measurements, sized before training so recording
 * never allocates. */
typedef struct RunCurve {
    long cap, n;          /* epochs it can hold, epochs held */
    long *epoch;          /* (cap) the epoch that ended */
    double *train_loss;   /* (cap) its mean training loss over the batches (the data term, as the epoch line prints) */
    double *val_loss;     /* (cap) validation loss then (evaluation mode); NaN without a split */
    double *train_acc;    /* (cap) its training accuracy over the batches as they were trained on; NaN for regression */
    double *val_acc;      /* (cap) validation accuracy then (evaluation mode); NaN without a split or classes */
} RunCurve;

/* A curve for up to epochs epochs (capped at RUN_MAX_EPOCHS); NULL when
 * out of memory. */
RunCurve *run_curve_new(long epochs);
void run_curve_free(RunCurve *c);
/* Records the end of an epoch of session s: its training loss and
 * accuracy as the rows were trained on (the means over the epoch's
 * batches, as the epoch lines show), the validation loss and accuracy.
 * Past the cap the epoch is not kept. Allocates nothing. */
void run_curve_epoch(RunCurve *c, Session *s, long epoch, double train_loss, double val_loss);

/* What kind of run, and where it belongs. */
typedef struct RunInfo {
    const char *kind;     /* "train", "cv" or "search" */
    const char *group;    /* the cv or search it belongs to ("" for a train) */
    int fold;             /* cv fold from 1, or 0 */
    int trial;            /* search trial from 1, or 0 */
    long steps;           /* updates made */
    double wall_s;        /* wall time in seconds */
    const char *status;   /* "done", "interrupted" or "failed" */
    long best_epoch;      /* early stopping's best epoch (0: none, or no early stopping) */
    bool restored;        /* the best epoch's parameters came back: `final` is that epoch's, not the last's */
    bool measured;        /* the kept model was measured over the training rows after the run (false: interrupted, failed) */
    double train_loss;    /* when measured: its loss there in evaluation mode (the data term), as the run's closing line prints */
    double train_acc;     /* when measured: its accuracy there in evaluation mode; NaN for regression */
} RunInfo;

/* A 64-bit FNV-1a hash of the data's shape, split and values (the values
 * as words in four lanes): two data sets with the same rows in the same
 * shares have the same fingerprint; one value changed changes it. */
uint64_t run_fingerprint(const Dataset *ds);
/* A new run id ("20261201-223015-1a2b") into id (RUN_ID_LEN bytes). */
void run_new_id(char *id);
/* The curve index of the epoch whose model the session kept: the best
 * epoch when early stopping restored it (and the curve holds it), else the
 * last; -1 for an empty curve. */
long run_kept_index(const RunInfo *ri, const RunCurve *c);
/* Writes the JSON line of a run of session s into b (json_init'ed):
 * "epochs" the epochs run, "best_epoch" early stopping's best (0: none),
 * "final" the kept model (final.epoch): its validation loss and accuracy
 * at that epoch's end, its training loss and accuracy in evaluation mode
 * from ri (null when ri->measured is false). */
void run_json(JsonBuf *b, const char *id, const Session *s, const RunInfo *ri, const RunCurve *c);
/* Whether dir can hold the run log: an existing folder that can be
 * written, or a missing one whose nearest existing parent is such a folder
 * (run_append makes the rest), as a folder made and removed there shows.
 * Nothing is left behind. 0, or -1 with err saying
 * why (a regular file, a folder that cannot be written, a path through a
 * file). */
int run_dir_usable(const char *dir, char *err);
/* Appends the run to DIR/runs.jsonl and writes DIR/ID.csv, making DIR
 * (mode 0700) if needed; the new id goes into id. 0, or -1 with err (the
 * folder cannot be made or written, the disk is full). */
int run_append(const char *dir, const Session *s, const RunInfo *ri, const RunCurve *c, char *id, char *err);

#endif
