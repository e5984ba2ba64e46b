/* util.h — small shared pieces: error buffers, the seeded random generator,
 * number parsing and string helpers. Everything else in paramlab builds on
 * this file; it depends on nothing but the C library. */
#ifndef PARAMLAB_UTIL_H
#define PARAMLAB_UTIL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ERR_LEN 512 /* size of every error buffer a caller passes down */

/* Formats a message into err (ERR_LEN bytes, may be NULL) and returns -1,
 * so a failing function can end with `return util_err(err, "...", ...);`. */
int util_err(char *err, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

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

/* Monotonic clock in seconds, for timing `train`. */
double util_now(void);

#endif
