/* golden_lines.h — reading a golden file of tests/golden/ (written by a
 * tests/gen_*.py script): its lines, loaded once per test program, and the
 * numbers after a line's key. Header-only, for the engine's test files. */
#ifndef PARAMLAB_GOLDEN_LINES_H
#define PARAMLAB_GOLDEN_LINES_H

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"

static char **gl_lines; /* the file's lines, without line ends */
static int gl_n;        /* how many */

/* Loads path (relative to the repository root); 0, or -1 with a message. */
static inline int gl_load(const char *path)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        fprintf(stderr, "cannot open %s (run the tests from the repository root)\n", path);
        return -1;
    }
    static char buf[1 << 20]; /* longer than any golden line */
    int cap = 0;
    while (fgets(buf, sizeof buf, f)) {
        size_t len = strcspn(buf, "\r\n");
        if (buf[len] == '\0' && !feof(f)) {
            fprintf(stderr, "%s: line %d is too long for the reader\n", path, gl_n + 1);
            fclose(f);
            return -1;
        }
        buf[len] = '\0';
        if (gl_n == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(gl_lines, (size_t)cap * sizeof *gl_lines);
            if (!grown)
                break;
            gl_lines = grown;
        }
        gl_lines[gl_n++] = util_strdup(buf);
    }
    fclose(f);
    return gl_n > 0 ? 0 : -1;
}

static inline void gl_free(void)
{
    for (int i = 0; i < gl_n; i++)
        free(gl_lines[i]);
    free(gl_lines);
    gl_lines = NULL;
    gl_n = 0;
}

/* cmocka group setup and teardown for a suite reading one golden file,
 * whose path is GL_FILE, defined before this header is included:
 * cmocka_run_group_tests_name("clip", tests, gl_setup, gl_teardown). */
#ifdef GL_FILE
static int gl_setup(void **state)
{
    (void)state;
    return gl_load(GL_FILE);
}

static int gl_teardown(void **state)
{
    (void)state;
    gl_free();
    return 0;
}
#endif

/* True when line starts with the word key. */
static inline int gl_is(const char *line, const char *key)
{
    size_t k = strlen(key);
    return strncmp(line, key, k) == 0 && (line[k] == ' ' || line[k] == '\0');
}

/* The numbers after key on line into out (at most max); their count, or
 * -1 when the line has another key or more than max numbers. */
static inline int gl_nums(const char *line, const char *key, double *out, int max)
{
    if (!gl_is(line, key))
        return -1;
    const char *p = line + strlen(key);
    int n = 0;
    for (;;) {
        char *end;
        double v = strtod(p, &end);
        if (end == p)
            break;
        if (n == max)
            return -1;
        out[n++] = v;
        p = end;
    }
    return n;
}

/* Equal as the same double (NaN equals NaN). */
static inline int gl_same(double a, double b)
{
    return a == b || (isnan(a) && isnan(b));
}

/* |a - b| / max(|b|, tiny): 0 when the same (NaN, inf included), inf when
 * one is NaN or infinite and the other is not. */
static inline double gl_rel(double a, double b)
{
    if (gl_same(a, b))
        return 0;
    if (!isfinite(a) || !isfinite(b))
        return INFINITY;
    double s = fabs(b) > 1e-300 ? fabs(b) : 1e-300;
    return fabs(a - b) / s;
}

#endif
