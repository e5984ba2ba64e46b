/* cmd_search.h — hyperparameter search: `search grid ...`, `search random
 * N ...`, the last table (`search`), applying a trial (`search use`), and
 * the numbers `plot search` draws. The search space (which names can be
 * searched, how values are read, sampled and applied) is
 * cmd_search_space.c's; the trials themselves are cmd_trial.c's. */
#ifndef PARAMLAB_CMD_SEARCH_H
#define PARAMLAB_CMD_SEARCH_H

#include "cmd_ctx.h"
#include "cmd_trial.h"
#include "plot.h"

#define SEARCH_MAX_NAMES 8      /* names one search varies */
#define SEARCH_MAX_VALUES 64    /* values one name lists */
#define SEARCH_MAX_TRIALS 10000 /* trials one search runs */
#define SEARCH_TEXT 24          /* a value as shown ("0.01", "16x16", "adam") */
#define SEARCH_WHY 256          /* a failed trial's reason, kept with it */

/* How a name's values are read. */
typedef enum SearchType { SEARCH_REAL, SEARCH_INT, SEARCH_WORD, SEARCH_WIDTHS } SearchType;

/* One searchable name: the single place that knows it. */
typedef struct SearchName {
    const char *name;    /* as typed: "lr" */
    SearchType type;
    double lo, hi;       /* SEARCH_REAL, SEARCH_INT: the values allowed */
    bool lo_open;        /* lo itself is not allowed (lr > 0) */
    bool hi_open;        /* hi itself is not allowed (dropout < 1) */
    bool arch;           /* changes the model's shape or activation: `search use` rebuilds */
    const char *example; /* "lr=0.001,0.01,0.1" */
} SearchName;

/* One value of a name: its number (REAL, INT; WIDTHS: the layer count),
 * and its text. */
typedef struct SearchVal {
    double num;
    char text[SEARCH_TEXT];
} SearchVal;

/* A name as a search varies it: a list of values, or (random search) a
 * range sampled uniformly or log-uniformly. */
typedef struct SearchDim {
    const SearchName *name;
    int n;                             /* values listed; 0 for a range */
    SearchVal val[SEARCH_MAX_VALUES];
    double lo, hi;                     /* the range */
    bool log;                          /* :log, sampled log-uniformly */
} SearchDim;

/* One trial: its values, hyperparameters and result. */
typedef struct SearchTrial {
    SearchVal val[SEARCH_MAX_NAMES];   /* (n_dims) */
    Hypers h;                          /* what it trained with */
    double score;                      /* validation loss, or the CV mean; NaN: failed */
    double score_std;                  /* CV: the sample std of the folds' validation losses */
    double train_loss;                 /* mean training loss of the last epoch (CV: the mean) */
    double val_acc;                    /* validation accuracy (CV: the mean); NaN for regression */
    bool failed;                       /* refused, or diverged (or a fold did) */
    char why[SEARCH_WHY];              /* why it failed, as the engine said it; "" otherwise */
    bool done;                         /* it ran */
    char run_id[RUN_ID_LEN];           /* its run (the first fold's under CV) */
} SearchTrial;

/* The last search: kept in the context for `search`, `search use` and
 * `plot search`. */
typedef struct CmdSearch {
    bool random;                       /* random search (else grid) */
    int n_dims;
    SearchDim dim[SEARCH_MAX_NAMES];
    int n_trials;                      /* planned */
    int n_done;                        /* finished (fewer after Ctrl-C) */
    SearchTrial *trial;                /* (n_trials) owned */
    long epochs;
    int cv;                            /* folds, or 0: scored on the validation share */
    uint64_t seed;                     /* random search's sampling seed */
    uint64_t init_seed;                /* the session seed the trials started from: their
                                        * initial parameters, shuffles and dropout masks */
    char data_name[64];                /* what it searched on */
    bool classes;                      /* a classification task: accuracy is shown */
} CmdSearch;

/* ---- the search space (cmd_search_space.c) ---- */

/* The searchable name called name, or NULL. */
const SearchName *search_name(const char *name);
/* The searchable names, NULL-terminated, for completion and messages. */
const char *const *search_names(void);
/* Reads NAME=V1,V2,... or (range_ok) NAME=LO..HI[:log] into d, checking
 * every value; -1 with c->err naming what is wrong. */
int search_parse_dim(CmdCtx *c, const char *word, bool range_ok, SearchDim *d);
/* Draws a value of d (a range or a list) with rng into v. */
void search_sample(const SearchDim *d, Rng *rng, SearchVal *v);
/* Applies value v of name n to h. The words (optimizer, init) start from
 * their defaults, as `set optimizer NAME` and `set init NAME` do, so
 * callers apply words before numbers. */
void search_apply(const SearchName *n, const SearchVal *v, const Hypers *base, Hypers *h);
/* Refuses (-1 with c->err naming the name, the optimizers that lack it
 * and what to do) a search that varies an optimizer's hyperparameter
 * (momentum, weight_decay ...) where some optimizer it tries has no such
 * setting: those trials would differ only in a value that is ignored.
 * The optimizers tried are q's optimizer= values, or base. */
int search_optimizers_fit(CmdCtx *c, const CmdSearch *q, OptKind base);
/* Checks a trial's hyperparameters as `set` would (the optimizer's
 * settings, the penalties, dropout in [0, 1), an mlp for act and dropout);
 * -1 with err. */
int search_check(const Hypers *h, char *err);

/* ---- the command (cmd_search.c) ---- */

int cmd_search(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_search(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx);
/* Frees the last search (at the end of the context). */
void cmd_search_free(CmdCtx *c);

/* ---- what `plot search` draws (cmd_search_pic.c) ---- */

/* A grid search: a table of validation loss over two names (z (ny, nx),
 * NaN where a trial failed; one name: one row). A random search: each
 * trial a point at its values of the two names, coloured by its score (one
 * name: at its value and its score), the best ringed; lists of numbers on
 * a numeric axis (log when their values are spread evenly in log terms)
 * ticked at the values tried, words and widths on an axis of their names,
 * ranges on a linear or (:log) log axis. */
typedef struct SearchPicture {
    bool map;              /* a grid's cells (else a random search's points) */
    int nx, ny;            /* map: cells across and down */
    double *x, *y, *z;     /* owned (free x only: one block). map: z (ny, nx); points: (n_points) each
                            * trial's place and z its score */
    int n_points;
    char xname[24], yname[24];
    char xlabel[48], ylabel[96];           /* points: the axes' labels ("lr (log scale)", "validation loss") */
    const char *xnames[SEARCH_MAX_VALUES]; /* (nx) map: the values tried, as typed (borrowed from the
                                            * search); points: the x axis's ticks */
    const char *ynames[SEARCH_MAX_VALUES]; /* (ny) */
    double xat[SEARCH_MAX_VALUES], yat[SEARCH_MAX_VALUES]; /* points: where those ticks are */
    PlotPoints pts;        /* points: what plot_points draws (pointing into this picture) */
    char best[160];        /* points: the best trial's key entry */
    char zlabel[96];       /* what a cell holds ("validation loss") */
    const char *missing;   /* what a cell without a score says ("failed") */
} SearchPicture;
/* Fills pic for `plot search [NAME NAME]` (argv from "search"); -1 with
 * c->err when there is no search or the names do not fit. */
int cmd_search_picture(CmdCtx *c, int argc, char **argv, SearchPicture *pic);

#endif
