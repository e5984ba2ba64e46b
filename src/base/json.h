/* json.h — just enough JSON for the run log: a writer that builds one
 * object into a growing buffer (commas, escaping and number formats
 * handled), and a reader that finds a value by its key inside the text of
 * an object without building a tree. Numbers are written with 17
 * significant digits so they read back bit for bit; NaN and infinities are
 * written as null (JSON has no such numbers) and read back as NaN. */
#ifndef PARAMLAB_JSON_H
#define PARAMLAB_JSON_H

#include "strbuf.h"

#include <stdbool.h>
#include <stddef.h>

#define JSON_MAX_DEPTH 16 /* objects and arrays nested, at most */

typedef struct JsonBuf {
    StrBuf s;          /* the text (s.p, s.n); s.oom: an append ran out of memory or
                        * the nesting went too deep, so the text is unusable */
    int depth;         /* open objects and arrays */
    bool first[JSON_MAX_DEPTH + 1]; /* nothing written yet at that depth */
    char close[JSON_MAX_DEPTH + 1]; /* the bracket that closes that depth */
} JsonBuf;

/* An empty buffer (no allocation until the first append). */
void json_init(JsonBuf *b);
void json_free(JsonBuf *b);
/* Opens an object or array: as a member named key inside an object, or
 * (key NULL) as an array element or the top level. */
void json_obj(JsonBuf *b, const char *key);
void json_arr(JsonBuf *b, const char *key);
/* Closes the innermost open object or array. */
void json_end(JsonBuf *b);
/* A member (key non-NULL) or an array element (key NULL). */
void json_str(JsonBuf *b, const char *key, const char *v);
void json_num(JsonBuf *b, const char *key, double v);
void json_int(JsonBuf *b, const char *key, long long v);
void json_bool(JsonBuf *b, const char *key, bool v);

/* ---- reading ---- */

/* The end of the JSON value starting at p (after leading blanks), or NULL
 * when it is not one well-formed value. Never reads past a NUL. */
const char *json_skip(const char *p);
/* Whether text is exactly one JSON object (blanks around allowed). */
bool json_valid_object(const char *text);
/* The value of member key in the object at obj (key may be a path
 * "data.name" through nested objects); NULL when there is none. */
const char *json_get(const char *obj, const char *key);
/* A string value into out (n bytes, truncated, escapes undone); false
 * when v is not a string. */
bool json_get_str(const char *v, char *out, size_t n);
/* A number value (null reads as NaN); false when v is neither. */
bool json_get_num(const char *v, double *out);
/* Up to max numbers of an array value into out; the array's length, or
 * -1 when v is not an array of numbers and nulls. */
int json_get_nums(const char *v, double *out, int max);
/* Calls fn for each member of the object at obj with its key (unescaped,
 * truncated to 63 bytes) and the start of its value. */
void json_each(const char *obj, void (*fn)(void *ctx, const char *key, const char *value), void *ctx);

#endif
