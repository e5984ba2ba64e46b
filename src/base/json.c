/* json.c — the run log's JSON: a writer into a growing buffer and a
 * reader that walks the text (json.h says what each does). */
#include "json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void json_init(JsonBuf *b)
{
    memset(b, 0, sizeof *b);
    b->first[0] = true;
}

void json_free(JsonBuf *b)
{
    strbuf_free(&b->s);
    json_init(b);
}

static void put(JsonBuf *b, const char *s, size_t n)
{
    strbuf_add(&b->s, s, n);
}

static void puts_(JsonBuf *b, const char *s)
{
    put(b, s, strlen(s));
}

static void quoted(JsonBuf *b, const char *s)
{
    put(b, "\"", 1);
    for (const unsigned char *q = (const unsigned char *)s; *q; q++) {
        char esc[8];
        if (*q == '"' || *q == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*q;
            put(b, esc, 2);
        } else if (*q < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", *q);
            put(b, esc, 6);
        } else {
            put(b, (const char *)q, 1);
        }
    }
    put(b, "\"", 1);
}

/* The comma before an item, and its key when inside an object. */
static void item(JsonBuf *b, const char *key)
{
    if (!b->first[b->depth])
        put(b, ",", 1);
    b->first[b->depth] = false;
    if (key) {
        quoted(b, key);
        put(b, ":", 1);
    }
}

static void open_(JsonBuf *b, const char *key, const char *bracket)
{
    item(b, key);
    puts_(b, bracket);
    if (b->depth < JSON_MAX_DEPTH) {
        b->first[++b->depth] = true;
        b->close[b->depth] = bracket[0] == '{' ? '}' : ']';
    }
    else
        b->s.oom = true; /* too deep: mark the text unusable */
}

void json_obj(JsonBuf *b, const char *key)
{
    open_(b, key, "{");
}

void json_arr(JsonBuf *b, const char *key)
{
    open_(b, key, "[");
}

void json_end(JsonBuf *b)
{
    if (b->depth == 0)
        return;
    put(b, &b->close[b->depth], 1);
    b->depth--;
}

void json_str(JsonBuf *b, const char *key, const char *v)
{
    item(b, key);
    quoted(b, v ? v : "");
}

void json_num(JsonBuf *b, const char *key, double v)
{
    item(b, key);
    char buf[40];
    if (isfinite(v))
        snprintf(buf, sizeof buf, "%.17g", v);
    else
        snprintf(buf, sizeof buf, "null");
    puts_(b, buf);
}

void json_int(JsonBuf *b, const char *key, long long v)
{
    item(b, key);
    char buf[32];
    snprintf(buf, sizeof buf, "%lld", v);
    puts_(b, buf);
}

void json_bool(JsonBuf *b, const char *key, bool v)
{
    item(b, key);
    puts_(b, v ? "true" : "false");
}

/* ---- reading ---- */

static const char *blank(const char *p)
{
    while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
        p++;
    return p;
}

static const char *skip_str(const char *p)
{
    if (*p != '"')
        return NULL;
    for (p++; *p && *p != '"'; p++)
        if (*p == '\\' && !*++p)
            return NULL;
    return *p == '"' ? p + 1 : NULL;
}

static const char *skip_at(const char *p, int depth)
{
    p = blank(p);
    if (depth > JSON_MAX_DEPTH)
        return NULL;
    if (*p == '"')
        return skip_str(p);
    if (*p == '{' || *p == '[') {
        char close = *p == '{' ? '}' : ']';
        p = blank(p + 1);
        if (*p == close)
            return p + 1;
        for (;;) {
            if (close == '}') {
                p = skip_str(blank(p));
                if (!p || *(p = blank(p)) != ':')
                    return NULL;
                p++;
            }
            p = skip_at(p, depth + 1);
            if (!p)
                return NULL;
            p = blank(p);
            if (*p == close)
                return p + 1;
            if (*p != ',')
                return NULL;
            p++;
        }
    }
    if (strncmp(p, "true", 4) == 0 || strncmp(p, "null", 4) == 0)
        return p + 4;
    if (strncmp(p, "false", 5) == 0)
        return p + 5;
    char *end;
    strtod(p, &end);
    return end == p ? NULL : end;
}

const char *json_skip(const char *p)
{
    return skip_at(p, 0);
}

bool json_valid_object(const char *text)
{
    const char *p = blank(text);
    if (*p != '{')
        return false;
    p = json_skip(p);
    return p && *blank(p) == '\0';
}

void json_each(const char *obj, void (*fn)(void *ctx, const char *key, const char *value), void *ctx)
{
    const char *p = blank(obj);
    if (*p != '{')
        return;
    p = blank(p + 1);
    while (*p == '"') {
        char key[64];
        const char *end = skip_str(p);
        if (!end || !json_get_str(p, key, sizeof key))
            return;
        p = blank(end);
        if (*p != ':')
            return;
        const char *v = blank(p + 1), *after = json_skip(v);
        if (!after)
            return;
        fn(ctx, key, v);
        p = blank(after);
        if (*p != ',')
            return;
        p = blank(p + 1);
    }
}

typedef struct Find {
    const char *key;
    size_t len;
    const char *found;
} Find;

static void find_one(void *ctx, const char *key, const char *value)
{
    Find *f = ctx;
    if (!f->found && strlen(key) == f->len && strncmp(key, f->key, f->len) == 0)
        f->found = value;
}

const char *json_get(const char *obj, const char *key)
{
    while (obj && *key) {
        const char *dot = strchr(key, '.');
        Find f = {key, dot ? (size_t)(dot - key) : strlen(key), NULL};
        json_each(obj, find_one, &f);
        obj = f.found;
        key = dot ? dot + 1 : "";
    }
    return obj;
}

bool json_get_str(const char *v, char *out, size_t n)
{
    if (!v || *(v = blank(v)) != '"' || !skip_str(v) || n == 0)
        return false;
    size_t at = 0;
    for (v++; *v != '"'; v++) {
        char ch = *v;
        if (ch == '\\') {
            ch = *++v;
            if (ch == 'n')
                ch = '\n';
            else if (ch == 't')
                ch = '\t';
            else if (ch == 'u') { /* the writer's \u00XX; others become '?' */
                unsigned code = 0;
                int k = 0;
                for (; k < 4 && v[1]; k++) {
                    char h = *++v;
                    code = code * 16 + (unsigned)(h >= '0' && h <= '9' ? h - '0' : (h | 32) - 'a' + 10);
                }
                ch = code < 0x80 ? (char)code : '?';
            }
        }
        if (at + 1 < n)
            out[at++] = ch;
    }
    out[at] = '\0';
    return true;
}

bool json_get_num(const char *v, double *out)
{
    if (!v)
        return false;
    v = blank(v);
    if (strncmp(v, "null", 4) == 0) {
        *out = NAN;
        return true;
    }
    char *end;
    double x = strtod(v, &end);
    if (end == v || *v == '"')
        return false;
    *out = x;
    return true;
}

int json_get_nums(const char *v, double *out, int max)
{
    if (!v || *(v = blank(v)) != '[' || !json_skip(v))
        return -1;
    v = blank(v + 1);
    int n = 0;
    while (*v != ']') {
        double x;
        if (!json_get_num(v, &x))
            return -1;
        if (n < max)
            out[n] = x;
        n++;
        v = blank(json_skip(v));
        if (*v == ',')
            v = blank(v + 1);
        else if (*v != ']')
            return -1;
    }
    return n;
}
