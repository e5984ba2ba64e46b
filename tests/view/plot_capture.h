/* plot_capture.h — what the picture tests of src/view share: a Plot whose
 * gnuplot commands (and, on the terminal, its picture) go into memory, a
 * look for gnuplot, and a scratch folder for real files. Include after
 * cmocka.h. */
#ifndef PLOT_CAPTURE_H
#define PLOT_CAPTURE_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "plot.h"
#include "util.h"

/* The commands a Plot sent and, with an echo, the picture it drew. */
typedef struct Capture {
    char *cmds, *echo; /* NUL-terminated once capture_end ran; free with capture_free */
    size_t nc, ne;
    FILE *fc, *fe;
    Plot *p;
} Capture;

/* A Plot for target writing into k; echo: a terminal's picture into k->echo. */
static inline Plot *capture_begin(Capture *k, PlotTarget target, bool echo)
{
    memset(k, 0, sizeof *k);
    k->fc = open_memstream(&k->cmds, &k->nc);
    assert_non_null(k->fc);
    k->p = plot_new_stream(k->fc, target);
    assert_non_null(k->p);
    if (echo) {
        k->fe = open_memstream(&k->echo, &k->ne);
        assert_non_null(k->fe);
        plot_set_echo(k->p, k->fe);
    }
    return k->p;
}

/* Frees the Plot and closes the streams, so k->cmds and k->echo hold all. */
static inline void capture_end(Capture *k)
{
    plot_free(k->p);
    fclose(k->fc);
    if (k->fe)
        fclose(k->fe);
}

static inline void capture_free(Capture *k)
{
    free(k->cmds);
    free(k->echo);
}

/* Skips the calling test when gnuplot is not installed. */
#define SKIP_WITHOUT_GNUPLOT()                                              \
    do {                                                                    \
        if (system("command -v gnuplot >/dev/null 2>&1") != 0) {            \
            print_message("gnuplot is not installed: skip\n");              \
            skip();                                                         \
        }                                                                   \
    } while (0)

/* path begins as a PNG does. */
static inline void assert_png(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    unsigned char head[8];
    assert_int_equal(fread(head, 1, 8, f), 8);
    assert_memory_equal(head, "\x89PNG\r\n\x1a\n", 8);
    fclose(f);
}

/* A plot that writes PNG files: dir (a mkdtemp template, made here) gets
 * search.png, whose path goes into png. */
static inline Plot *png_plot(char *dir, char *png, size_t n)
{
    assert_non_null(mkdtemp(dir));
    snprintf(png, n, "%s/search.png", dir);
    char err[ERR_LEN] = "";
    Plot *p = plot_new(NULL, NULL);
    assert_non_null(p);
    assert_int_equal(plot_set_target(p, PLOT_PNG, png, err), 0);
    return p;
}

/* Removes a scratch folder made with mkdtemp. */
static inline void remove_dir(const char *dir)
{
    char rm[400];
    snprintf(rm, sizeof rm, "rm -rf '%s'", dir);
    assert_int_equal(system(rm), 0);
}

#endif
