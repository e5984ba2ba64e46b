/* binio.c — little-endian binary records in memory (see binio.h). */
#include "binio.h"

#include <stdlib.h>
#include <string.h>

void bin_bytes(BinBuf *b, const void *p, size_t n)
{
    if (b->oom)
        return;
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n)
            cap *= 2;
        unsigned char *q = realloc(b->p, cap);
        if (!q) {
            b->oom = true;
            return;
        }
        b->p = q;
        b->cap = cap;
    }
    if (n)
        memcpy(b->p + b->len, p, n);
    b->len += n;
}

static void put_le(unsigned char *out, uint64_t v, int n)
{
    for (int i = 0; i < n; i++)
        out[i] = (unsigned char)(v >> (8 * i));
}

void bin_u8(BinBuf *b, unsigned v)
{
    unsigned char c = (unsigned char)v;
    bin_bytes(b, &c, 1);
}

void bin_u32(BinBuf *b, uint32_t v)
{
    unsigned char out[4];
    put_le(out, v, 4);
    bin_bytes(b, out, 4);
}

void bin_u64(BinBuf *b, uint64_t v)
{
    unsigned char out[8];
    put_le(out, v, 8);
    bin_bytes(b, out, 8);
}

void bin_i64(BinBuf *b, int64_t v)
{
    bin_u64(b, (uint64_t)v);
}

void bin_f64(BinBuf *b, double v)
{
    uint64_t u;
    memcpy(&u, &v, 8);
    bin_u64(b, u);
}

void bin_f64s(BinBuf *b, const double *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        bin_f64(b, v[i]);
}

void bin_str(BinBuf *b, const char *s)
{
    size_t n = strlen(s);
    bin_u32(b, (uint32_t)n);
    bin_bytes(b, s, n);
}

void bin_put_u64_at(BinBuf *b, size_t at, uint64_t v)
{
    if (!b->oom && at + 8 <= b->len)
        put_le(b->p + at, v, 8);
}

void bin_free(BinBuf *b)
{
    free(b->p);
    *b = (BinBuf){0};
}

/* ---- reading ---- */

static uint64_t get_le(BinIn *r, int n)
{
    if (r->bad || r->len - r->at < (size_t)n) {
        r->bad = true;
        return 0;
    }
    uint64_t v = 0;
    for (int i = 0; i < n; i++)
        v |= (uint64_t)r->p[r->at + i] << (8 * i);
    r->at += (size_t)n;
    return v;
}

uint8_t bin_get_u8(BinIn *r)
{
    return (uint8_t)get_le(r, 1);
}

uint32_t bin_get_u32(BinIn *r)
{
    return (uint32_t)get_le(r, 4);
}

uint64_t bin_get_u64(BinIn *r)
{
    return get_le(r, 8);
}

int64_t bin_get_i64(BinIn *r)
{
    return (int64_t)get_le(r, 8);
}

double bin_get_f64(BinIn *r)
{
    uint64_t u = get_le(r, 8);
    double v;
    memcpy(&v, &u, 8);
    return v;
}

int bin_get_int(BinIn *r, int lo, int hi)
{
    int64_t v = bin_get_i64(r);
    if (v < lo || v > hi) {
        r->bad = true;
        return lo;
    }
    return (int)v;
}

long bin_get_long(BinIn *r, long lo, long hi)
{
    int64_t v = bin_get_i64(r);
    if (v < lo || v > hi) {
        r->bad = true;
        return lo;
    }
    return (long)v;
}

bool bin_get_bool(BinIn *r)
{
    uint8_t v = bin_get_u8(r);
    if (v > 1)
        r->bad = true;
    return v == 1;
}

bool bin_has(const BinIn *r, size_t n, size_t size)
{
    return !r->bad && size && n <= (r->len - r->at) / size;
}

void bin_get_f64s(BinIn *r, double *out, size_t n)
{
    if (n && !bin_has(r, n, 8)) {
        r->bad = true;
        return;
    }
    for (size_t i = 0; i < n; i++)
        out[i] = bin_get_f64(r);
}

void bin_get_str(BinIn *r, char *buf, size_t n)
{
    buf[0] = '\0';
    uint32_t len = bin_get_u32(r);
    if (r->bad || len >= n || len > r->len - r->at || memchr(r->p + r->at, 0, len)) {
        r->bad = true;
        return;
    }
    memcpy(buf, r->p + r->at, len);
    buf[len] = '\0';
    r->at += len;
}

char *bin_get_strdup(BinIn *r)
{
    uint32_t len = bin_get_u32(r);
    if (r->bad || len > r->len - r->at || memchr(r->p + r->at, 0, len)) {
        r->bad = true;
        return NULL;
    }
    char *s = malloc((size_t)len + 1);
    if (!s) {
        r->bad = true;
        return NULL;
    }
    memcpy(s, r->p + r->at, len);
    s[len] = '\0';
    r->at += len;
    return s;
}

uint64_t bin_fnv1a(const void *p, size_t n)
{
    const unsigned char *c = p;
    uint64_t h = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < n; i++) {
        h ^= c[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}
