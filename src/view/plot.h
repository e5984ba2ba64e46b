/* plot.h — pictures drawn by gnuplot through a pipe. The plot module is
 * the only one that starts gnuplot. It knows nothing about models: callers
 * hand it finished numbers (series of points, a grid, values for a
 * histogram) and the words to show, and it writes one whole picture per
 * call to a window, the terminal (gnuplot's dumb terminal), or a PNG/SVG
 * file. Every piece of text that reaches gnuplot is escaped here, so no
 * title, label or file name can run a gnuplot or shell command. */
#ifndef PARAMLAB_PLOT_H
#define PARAMLAB_PLOT_H

#include <stdbool.h>
#include <stdio.h>

/* Where pictures go. PLOT_AUTO: a window when a display exists and the
 * installed gnuplot has qt, wxt or x11; otherwise the terminal. */
typedef enum PlotTarget { PLOT_AUTO, PLOT_WINDOW, PLOT_TERMINAL, PLOT_PNG, PLOT_SVG } PlotTarget;

typedef struct Plot Plot;

/* A plotter that starts gnuplot on first use: program is the gnuplot to
 * run (NULL: $PARAMLAB_GNUPLOT, else "gnuplot" from PATH). Terminal
 * pictures and nothing else are copied to echo (not owned; normally
 * stdout). gnuplot runs in its own process group, so Ctrl-C at the
 * terminal does not reach it. NULL only when out of memory. */
Plot *plot_new(const char *program, FILE *echo);
/* A plotter that writes its command stream to cmds (not owned) and never
 * starts gnuplot; target as given (PLOT_AUTO acts as PLOT_TERMINAL with
 * 80x24). For tests of the command stream. */
Plot *plot_new_stream(FILE *cmds, PlotTarget target);
/* Where terminal pictures go from now on (not owned; NULL: nowhere). */
void plot_set_echo(Plot *p, FILE *echo);
/* Tells gnuplot to quit, waits briefly, kills it if it lingers; frees p.
 * plot_free(NULL) is a no-op. */
void plot_free(Plot *p);

/* Chooses where pictures go. file is the output file for PNG/SVG (NULL:
 * each picture goes to "STEM.png"/"STEM.svg" after its frame's stem);
 * ignored otherwise. -1 with err when the choice is impossible (a window
 * without a display or without a windowed gnuplot; an empty file name). */
int plot_set_target(Plot *p, PlotTarget t, const char *file, char *err);
/* A window also needs a display that takes a connection: an unreachable
 * $DISPLAY is refused at once (checked within 2 s), AUTO then picks the
 * terminal, and a window terminal that reports it cannot connect ends the
 * picture with that error instead of waiting for the timeout. In the
 * terminal each series has its own character and no series uses '+' (the
 * tick mark); a map's contours are dots named in one key entry. */
/* The target in force after AUTO is resolved (starting gnuplot if needed
 * to learn its terminals); PLOT_TERMINAL when gnuplot cannot start. */
PlotTarget plot_target(Plot *p);
/* "window (qt)", "terminal (80x24)", "png file loss.png" ... into buf. */
const char *plot_describe(Plot *p, char *buf, size_t n);
/* True when live frames are drawn (a window); in the terminal and in
 * files only whole pictures are drawn, at the end of a command. */
bool plot_is_live(Plot *p);
/* Whether gnuplot has finished the live frames sent to it: 1 done (or
 * nothing sent), 0 still drawing, -1 with err when it failed or stopped.
 * Reads what gnuplot wrote; never waits. */
int plot_live_idle(Plot *p, char *err);
/* Whether a live frame may begin now: 1 yes, 0 not yet, -1 with err when
 * gnuplot failed or stopped. At most PLOT_FRAME_GAP apart, only once
 * gnuplot answered the last frame, and a frame that took T (building it,
 * gnuplot reading and plotting it) holds the next back to T /
 * PLOT_LIVE_SHARE after it began: live frames take at most that share of
 * the time however big the picture. Costs a clock read when not due. */
int plot_live_due(Plot *p, char *err);
/* A live frame began at t (util_now() before it was built); t = 0: a whole
 * picture was drawn and waited for, the next live frame paces from now. */
void plot_live_began(Plot *p, double t);
/* True when gnuplot runs (or the plotter writes to a stream). */
bool plot_running(const Plot *p);

/* How a series is drawn. */
typedef enum PlotStyle { PLOT_LINES, PLOT_POINTS, PLOT_LINESPOINTS, PLOT_STEPS,
                         PLOT_DASHED /* a dashed line with open markers (validation beside a solid
                                        training curve): one point shows */ } PlotStyle;

typedef struct PlotSeries {
    const char *title; /* legend entry; NULL or "" for none */
    const double *x;   /* (n) */
    const double *y;   /* (n); non-finite values leave a gap */
    int n;             /* points (0 is allowed: nothing drawn) */
    PlotStyle style;
    int color;         /* palette index 0..7 (class k uses k), -1 for the next free colour */
    bool thin;         /* drawn faint and thin (noisy per-step data under a smooth curve) */
} PlotSeries;

/* What every picture has. */
typedef struct PlotFrame {
    const char *title;  /* what is shown, e.g. "Training loss — mlp 2→8→1, adam lr=0.01" */
    const char *xlabel; /* axis labels (required) */
    const char *ylabel;
    const char *stem;   /* default file name stem ("loss", "boundary", ...) */
    int window;         /* window number (each plot kind keeps its own window) */
    bool logy;          /* logarithmic y axis (values <= 0 are left out) */
    bool live;          /* a frame drawn while training runs: skipped unless
                           plot_is_live, never waits for gnuplot's reply */
} PlotFrame;

/* How a grid is shown. */
typedef enum PlotMapStyle {
    PLOT_HEAT,    /* colour map of z with contour lines on top (terminal: contour lines only) */
    PLOT_CONTOUR, /* contour lines only */
    PLOT_CLASSES  /* z holds a class index per cell and conf its probability:
                     each class its palette colour, paler where less sure
                     (terminal: one character per class on a coarse grid) */
} PlotMapStyle;

typedef struct PlotMap {
    int nx, ny;          /* grid size (>= 2 each) */
    double x0, x1;       /* x of the first and last column */
    double y0, y1;       /* y of the first and last row */
    const double *z;     /* (ny, nx) row-major: z[j*nx + i] is at (x_i, y_j) */
    const double *conf;  /* (ny, nx) PLOT_CLASSES only: probability of the class, in [0, 1] */
    int n_classes;       /* PLOT_CLASSES only */
    const char *zlabel;  /* colour bar label ("loss", "P(class 1)") */
    PlotMapStyle style;
    bool logz;           /* colour on a log scale (z > 0) */
    int contours;        /* number of contour levels (0: a sensible default) */
    const double *level; /* NULL, or one extra contour level drawn bold (e.g. 0.5) */
    char *const *class_names; /* PLOT_CLASSES: (n_classes) names for the key, or NULL: the numbers */
} PlotMap;

/* One picture of line/point series on shared axes. -1 with err when
 * gnuplot is missing, died, or answered with an error (its message is in
 * err); when gnuplot is gone plotting must be started again by the caller
 * (the plotter restarts gnuplot on the next call). */
int plot_lines(Plot *p, const PlotFrame *f, const PlotSeries *s, int n_series, char *err);
/* A histogram of n values (bins chosen from the data, Freedman–Diaconis,
 * between 5 and 60; a single bin when all values are equal). */
int plot_hist(Plot *p, const PlotFrame *f, const double *v, int n, char *err);
/* A grid as a map with series (data points, a path) drawn on top. */
int plot_map(Plot *p, const PlotFrame *f, const PlotMap *m, const PlotSeries *s,
             int n_series, char *err);

/* ---- a table of values over two lists of named values (plot_cells.c) ----
 * As a grid search's validation loss over the lr and batch values tried:
 * each cell one whole square at its pair of values, the axes ticked with
 * the values' names, every cell labelled with its number. A window or a
 * PNG/SVG file gets a heat map with the numbers written in the squares;
 * the terminal gets a text table (one row per y value, one column per x
 * value, each number beside a shade; wide tables wrap by columns), made
 * without gnuplot. The frame's xlabel and ylabel name the two lists. */

#define PLOT_CELLS_MAX 256 /* names on one side of a table */

typedef struct PlotCells {
    int nx, ny;                /* 1..PLOT_CELLS_MAX each */
    const double *z;           /* (ny, nx): z[j*nx + i] belongs to xnames[i] and ynames[j]; NaN: none */
    const char *const *xnames; /* (nx) the x values as shown ("0.01") */
    const char *const *ynames; /* (ny) */
    const char *zlabel;        /* what a value is ("validation loss"); NULL: "value" */
    const char *missing;       /* what a cell without a value says ("failed"); NULL: "-" */
    bool logz;                 /* colours (and shades) on a log scale; values <= 0 are not shaded */
} PlotCells;

/* Draws the table to the plotter's target (terminal: the frame's title
 * and the text to the echo). -1 with err for a table out of bounds or
 * when gnuplot fails. */
int plot_cells(Plot *p, const PlotFrame *f, const PlotCells *m, char *err);
/* The terminal drawing alone, laid out for cols characters, with xname
 * above the columns and yname beside the rows, ending with a line naming
 * the shades. A new string (caller frees), or NULL with err. */
char *plot_cells_text(const PlotCells *m, const char *xname, const char *yname, int cols, char *err);

/* ---- trials as points (plot_points.c) ----
 * As a random search's trials: each a point at its two values, coloured
 * by its validation loss (or at its value and its loss), the best one
 * ringed and named in the key. An axis holds numbers (linear, or log for
 * values > 0), optionally ticked at the values tried, or names, one per
 * position 0..n-1. A window or a PNG/SVG file gets coloured points with a
 * colour bar; the terminal (gnuplot's dumb terminal) draws each point as
 * a shade of PLOT_POINT_SHADES (the lowest value darkest), the best as
 * 'B', points without a value as 'x', and a line naming the shades under
 * the picture. Points are drawn from the highest value to the lowest, so
 * where several coincide the lowest shows. */

#define PLOT_TICKS_MAX 256                 /* ticks one axis names */
#define PLOT_POINT_SHADES ".:-=*#%@"       /* terminal: highest to lowest; no '+' (the tick mark) */

typedef enum PlotAxisKind { PLOT_AXIS_LINEAR, PLOT_AXIS_LOG, PLOT_AXIS_NAMES } PlotAxisKind;

/* How one axis of a picture of points is drawn. */
typedef struct PlotAxis {
    PlotAxisKind kind;              /* numbers (LOG: values <= 0 are left out), or names at 0, 1, ... */
    int n_ticks;                    /* 0..PLOT_TICKS_MAX; 0: ticks chosen by gnuplot (not for NAMES) */
    const double *tick_at;          /* (n_ticks) where each tick is (NAMES: ignored, tick i at i) */
    const char *const *tick_names;  /* (n_ticks) what each tick says ("8", "adam") */
} PlotAxis;

typedef struct PlotPoints {
    int n;                 /* points, 0 or more */
    const double *x, *y;   /* (n) where each point is; a non-finite coordinate: not drawn */
    const double *z;       /* (n) each point's value, shown by its colour; NaN: none (drawn as the
                            * missing ones); NULL: no values, all points one colour */
    int best;              /* the point ringed as the best, or -1 */
    const char *best_name; /* its key entry ("best: trial 6, validation loss 0.31"); NULL: "best" */
    const char *zlabel;    /* what a value is ("validation loss"); NULL: "value" */
    const char *missing;   /* key entry of points without a value ("failed"); NULL: "no value" */
    bool logz;             /* colours (and shades) on a log scale; values <= 0 are not shaded */
    PlotAxis ax, ay;
    const char *title;     /* the points' key entry when they are one colour (z NULL): "trials"; NULL: none */
} PlotPoints;

/* Draws the points to the plotter's target (the frame's xlabel and
 * ylabel name the axes; its logy is ignored). -1 with err for points out
 * of bounds or when gnuplot fails. */
int plot_points(Plot *p, const PlotFrame *f, const PlotPoints *m, char *err);

/* ---- a grid of small grayscale images (plot_image.c) ----
 * For pixels of data rows, conv filters, feature maps: n images of h x w
 * numbers each, drawn side by side with a title above each. In a window
 * or a PNG/SVG file each image is a block of coloured pixels (gnuplot
 * `with image`, square pixels, a colour bar when the images share a
 * scale); in the terminal each pixel is two characters of a shading ramp,
 * as many images to a row as the width holds, with a line naming the
 * scale; no gnuplot is needed there. Typical call:
 *     PlotImages im = {w1, 8, 3, 3, titles, PLOT_RANGE_SYMMETRIC, "weight"};
 *     plot_images(p, &frame, &im, err);
 */

/* How the shades of an image grid are scaled. */
typedef enum PlotRange {
    PLOT_RANGE_SHARED,         /* one scale from the smallest to the largest value of all the images
                                  (pixels of data rows, feature maps after relu) */
    PLOT_RANGE_EACH,           /* each image from its own smallest to its own largest value */
    PLOT_RANGE_SYMMETRIC,      /* one scale -m..m, m the largest |value| of all: 0 is the middle
                                  (white in colour, blank in the terminal): signed data such as filters */
    PLOT_RANGE_SYMMETRIC_EACH  /* the same with each image's own m */
} PlotRange;

#define PLOT_IMAGES_MAX 4096        /* images in one grid */
#define PLOT_IMAGE_MAX_SIDE 1024    /* pixels on a side of one image */

typedef struct PlotImages {
    const double *v;           /* (n, h, w): pixel (i, j) of image k is v[(k*h + i)*w + j], row 0 at the top */
    int n, h, w;               /* images and their height and width (1..PLOT_IMAGES_MAX, 1..PLOT_IMAGE_MAX_SIDE) */
    const char *const *titles; /* (n) a short title above each image ("3", "K1[0]"), or NULL: none */
    PlotRange range;
    const char *zlabel;        /* what a value is ("pixel", "weight"), for the colour bar and the
                                  terminal's scale line; NULL: "value" */
    const int *sizes;          /* NULL: every image is h×w. Else (n, 2): image k is sizes[2k] × sizes[2k+1]
                                  (at most h × w, the tile), its pixels right after image k-1's in v,
                                  drawn at the tile's top left (an input image beside its smaller maps) */
} PlotImages;

/* Draws the grid as one picture to the plotter's target (the frame's
 * xlabel goes under the grid as a caption, its ylabel is not shown). In
 * the terminal the text goes to the echo. Non-finite values are drawn as
 * '?' in the terminal and left out in colour. -1 with err for a grid out
 * of bounds or when gnuplot fails. */
int plot_images(Plot *p, const PlotFrame *f, const PlotImages *im, char *err);
/* The terminal drawing alone: the grid in shading characters, laid out
 * for a terminal cols characters wide, ending with the scale line. A new
 * string (caller frees), or NULL with err for a grid out of bounds or no
 * memory. Does not need a plotter (`data show` prints it). */
char *plot_images_text(const PlotImages *im, int cols, char *err);

/* Why the last picture failed, so a caller can treat a missing gnuplot
 * as a note and a stopped one as the end of live plotting. */
typedef enum PlotFailure {
    PLOT_FAIL_NONE,    /* it did not fail, or gnuplot answered with an error */
    PLOT_FAIL_MISSING, /* gnuplot is not installed (or the program does not exist) */
    PLOT_FAIL_STOPPED  /* gnuplot died or hung and was stopped; the next picture restarts it */
} PlotFailure;
PlotFailure plot_failure(const Plot *p);

/* Copies text into buf as a gnuplot single-quoted string literal that
 * shows exactly that text: quotes doubled, control characters replaced by
 * spaces, cut (on a UTF-8 boundary) to fit n. For tests and for callers.
 * gnuplot reads '' as a quote only after another character, so a quote
 * at the start or next to another quote is spliced in as '."\047".'
 * instead: the result is then a string expression ('it''s', but
 * ''."\047".'x' for "'x"), accepted wherever gnuplot takes a string.
 * Bytes that are not UTF-8 become '?'. */
const char *plot_quote(const char *text, char *buf, size_t n);

/* For tests: gnuplot's process id, 0 when it is not running. */
int plot_pid(const Plot *p);
/* For tests: the longest wait for gnuplot's reply to a picture, in ms
 * (0 or less: the default, 10 s). Past it gnuplot is killed and the call
 * fails. */
void plot_set_timeout(Plot *p, int ms);
/* For tests: the next picture carries one command gnuplot rejects, so the
 * path of an error reply can be exercised. */
void plot_test_fault(Plot *p);

#endif
