/* util.h — small shared pieces: error buffers, the seeded random generator,
 * number parsing and string helpers. Everything else in paramlab builds on
 * this file; it depends on nothing but the C library. */
#ifndef PARAMLAB_UTIL_H
#define PARAMLAB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#define ERR_LEN 512 /* size of every error buffer a caller passes down */

/* What kind of refusal an error is. A failing function returns one of these
 * (all negative) and writes a sentence for the person into its error
 * buffer; callers decide by the code, never by the words, and the command
 * layer adds the advice on what to type next (the engine's sentences name no
 * command). */
typedef enum ErrCode {
    ERR_INPUT = -1,        /* a value, name or file is refused; the sentence says why */
    ERR_NOMEM = -2,        /* memory ran out; nothing changed */
    ERR_NO_DATA = -3,      /* there is no data yet */
    ERR_NO_MODEL = -4,     /* there is no model yet */
    ERR_NEEDS_FORWARD = -5,  /* the current batch has not been through the model yet */
    ERR_NEEDS_LOSS = -6,     /* ... nor its loss computed */
    ERR_NEEDS_BACKWARD = -7, /* ... nor its gradients */
    ERR_NONFINITE = -8,    /* a NaN or Inf appeared while training */
    ERR_DIVERGED = -9,     /* the loss grew past the divergence bound */
    ERR_TASK = -10,        /* the model or loss does not fit the data's task */
    ERR_UNDO_RANGE = -11,  /* undo further back than the history holds */
    ERR_BATCH_MEM = -12,   /* the batch buffers do not fit in memory */
    ERR_UNKNOWN_NAME = -13, /* not a name paramlab knows (W1, dZ2, yhat ...) */
    ERR_NO_LAYER = -14,    /* a layer number the model does not have */
    ERR_LOSS_OUTPUTS = -15, /* the model's outputs do not fit the loss: build it after choosing the loss */
    ERR_NO_SPLIT = -16,    /* the data has no validation share */
    ERR_NO_TEST = -17,     /* the data has no test share */
    ERR_NO_CLASSES = -18,  /* a class measure (accuracy) asked of a regression task */
    ERR_NO_DROPOUT = -19,  /* a dropout mask of a layer without dropout */
    ERR_TOO_BIG = -20,     /* it would take more memory than the limit (util_memory_limit) */
    ERR_NO_CV = -21,       /* a cross-validation result asked before any cross-validation ran */
    ERR_NO_TEST_LOOK = -22, /* a test-share result asked before the test share was evaluated */
    ERR_NOT_REGRESSION = -23, /* a regression measure (MAE, R²) asked of a classification task */
    ERR_UNDO_OFF = -24,    /* undo asked while the session keeps no undo history */
    ERR_UNDO_EMPTY = -25,  /* undo asked when no update was made since the history started */
} ErrCode;

/* Formats a message into err (ERR_LEN bytes, may be NULL) and returns
 * ERR_INPUT (-1), so a failing function can end with
 * `return util_err(err, "...", ...);`. */
int util_err(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* The same with another code: returns code. */
int util_fail(char *err, ErrCode code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* xoshiro256** seeded through splitmix64: one generator drives every random
 * draw of a session (initializers, data, shuffling), so a seed reproduces it. */
typedef struct Rng {
    uint64_t s[4]; /* generator state, never all zero */
} Rng;

void rng_seed(Rng *r, uint64_t seed);
uint64_t rng_next(Rng *r);
double rng_uniform(Rng *r);                 /* [0, 1), 53 random bits */
double rng_normal(Rng *r);                  /* standard normal (Box-Muller) */
uint64_t rng_below(Rng *r, uint64_t n);     /* uniform integer in [0, n), unbiased */
void rng_permutation(Rng *r, int *perm, int n); /* Fisher-Yates: perm = shuffled 0..n-1 */

/* Parses a whole string as a finite double ("1e-3", "-2.5"); false on
 * trailing junk, empty input, NaN or Inf. */
bool util_parse_double(const char *s, double *out);
/* Parses a whole string as a long in [lo, hi]; false otherwise. */
bool util_parse_long(const char *s, long lo, long hi, long *out);
/* on/off, true/false, yes/no, 1/0; false when it is none of them. */
bool util_parse_bool(const char *s, bool *out);

/* Levenshtein distance, for "did you mean ...?" (strings up to 63 chars). */
int util_edit_distance(const char *a, const char *b);

/* malloc/calloc that never return NULL for n == 0 and abort-free: they
 * return NULL on failure and the caller reports it. */
void *util_calloc(size_t n, size_t size);
char *util_strdup(const char *s);
/* Bytes one model may take: $PARAMLAB_MAX_MEMORY (a number of bytes with
 * an optional K, M, G or T: 16G; 0 or off: no limit), else three quarters
 * of the machine's memory; SIZE_MAX when neither is known. */
size_t util_memory_limit(void);
/* Makes text from a file safe to print, in place: an invalid UTF-8 byte,
 * a control character and a character that reorders text (U+202E and the
 * other bidirectional controls) each become '?'. Returns s. */
char *util_clean_text(char *s);
/* What to do when writing failed with errno e: "; free some space or
 * write somewhere else" when the disk or the quota is full, else "". */
const char *util_write_advice(int e);
/* bytes as "10.7 GB", "512 MB", "3 KB" into buf (n bytes); returns buf. */
char *util_format_bytes(double bytes, char *buf, size_t n);

/* Opens a file to read, refusing what is not a regular file (a pipe would
 * block until someone writes to it, a device may never end) without
 * blocking on it. NULL with err ("PATH: cannot open: why"). */
FILE *util_open_file(const char *path, char *err);

/* Monotonic clock in seconds, for timing `train`. */
double util_now(void);

#endif
