/* binio.h — little-endian binary records in memory: a growing buffer to
 * write integers, doubles (their IEEE-754 bits, so every value comes back
 * exactly) and strings into, and a bounded cursor to read them back that
 * never reads past its end. A failed read sets a sticky flag and returns
 * zeros, so a reader checks once at the end. FNV-1a 64 is the checksum. */
#ifndef PARAMLAB_BINIO_H
#define PARAMLAB_BINIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef struct BinBuf {
    unsigned char *p; /* (cap) bytes, len of them written; owned */
    size_t len;       /* bytes written */
    size_t cap;       /* bytes allocated */
    bool oom;         /* memory ran out: the buffer is incomplete */
} BinBuf;

/* Appends; on a failed allocation sets b->oom and drops the bytes. */
void bin_bytes(BinBuf *b, const void *p, size_t n);
void bin_u8(BinBuf *b, unsigned v);
void bin_u32(BinBuf *b, uint32_t v);
void bin_u64(BinBuf *b, uint64_t v);
void bin_i64(BinBuf *b, int64_t v);
void bin_f64(BinBuf *b, double v);
void bin_f64s(BinBuf *b, const double *v, size_t n);
/* A string: u32 length, then its bytes (no terminator). */
void bin_str(BinBuf *b, const char *s);
/* Writes v as u32/u64 at offset at (a length known only later). */
void bin_put_u64_at(BinBuf *b, size_t at, uint64_t v);
void bin_free(BinBuf *b);

typedef struct BinIn {
    const unsigned char *p; /* (len) bytes; borrowed */
    size_t len;             /* bytes in all */
    size_t at;              /* next byte to read */
    bool bad;               /* a read went past the end or a value was refused */
} BinIn;

uint8_t bin_get_u8(BinIn *r);
uint32_t bin_get_u32(BinIn *r);
uint64_t bin_get_u64(BinIn *r);
int64_t bin_get_i64(BinIn *r);
double bin_get_f64(BinIn *r);
/* An int in [lo, hi]; outside it sets r->bad and returns lo. */
int bin_get_int(BinIn *r, int lo, int hi);
long bin_get_long(BinIn *r, long lo, long hi);
bool bin_get_bool(BinIn *r);
/* n doubles into out; refused (bad) when fewer than 8n bytes remain. */
void bin_get_f64s(BinIn *r, double *out, size_t n);
/* Whether n more items of size bytes each remain (to bound an allocation
 * before making it). */
bool bin_has(const BinIn *r, size_t n, size_t size);
/* A string into buf (n bytes, terminated); refused when it does not fit,
 * holds a NUL byte or runs past the end. */
void bin_get_str(BinIn *r, char *buf, size_t n);
/* An owned copy of a string, NULL with r->bad (or when memory runs out). */
char *bin_get_strdup(BinIn *r);

/* FNV-1a 64 of n bytes. */
uint64_t bin_fnv1a(const void *p, size_t n);

#endif
