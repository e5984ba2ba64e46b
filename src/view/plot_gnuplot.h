/* plot_gnuplot.h — inside the plot module, shared by its two files:
 * plot_gnuplot.c runs gnuplot (the process, its pipes, replies, sync
 * markers, timeouts, where pictures go, and the quoting of text) and
 * plot.c composes pictures (lines, histograms, maps) and hands them over.
 * Not for use outside src/view/plot*.c. */
#ifndef PARAMLAB_PLOT_GNUPLOT_H
#define PARAMLAB_PLOT_GNUPLOT_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "plot.h"
#include "util.h"

#define PLOT_TIMEOUT_MS 10000      /* longest wait for gnuplot's reply to a picture */
#define PLOT_QUIT_MS 1000          /* how long gnuplot may take to quit before it is killed */
#define PLOT_TEXT_MAX 1024         /* longest quoted title, label or legend entry (bytes) */
#define PLOT_NAME_MAX 4096         /* longest output file name (bytes) */
#define PLOT_OUT_MAX (8u << 20)    /* gnuplot stdout kept per picture */
#define PLOT_ERRLINE_MAX 4096      /* longest stderr line kept whole */
#define PLOT_SYNC "PLOTSYNC-"      /* the sync marker's prefix */
#define PLOT_MAX_LEVELS 24         /* contour levels at most */
#define PLOT_DISPLAY_MS 2000       /* longest wait for a display's server to take a connection */
#define INSTALL_HINT "install it with `sudo apt-get install gnuplot` (plots are off; everything else works)"

typedef struct Buf {
    char *s;    /* (cap) bytes, s[len] == 0 when cap > 0 */
    size_t len;
    size_t cap;
} Buf;

struct Plot {
    FILE *echo;               /* terminal pictures are copied here (not owned; may be NULL) */
    FILE *stream;             /* plot_new_stream: commands go here (not owned); NULL otherwise */
    char *program;            /* the gnuplot to run (owned) */
    pid_t pid;                /* gnuplot, 0 when it is not running */
    int to_fd;                /* gnuplot's stdin (we write; non-blocking) */
    int out_fd;               /* gnuplot's stdout (we read; non-blocking) */
    int err_fd;               /* gnuplot's stderr (we read; non-blocking) */
    bool starting;            /* inside the start-up handshake */
    Buf out;                  /* what gnuplot wrote to stdout during the current picture */
    Buf errline;              /* stderr bytes not yet ending in a newline */
    Buf pend;                 /* commands not yet taken by gnuplot's stdin */
    size_t pend_off;          /* how much of pend it has taken */
    double busy_since;        /* when the live frame gnuplot is still on was sent, 0: idle */
    double live_began;        /* util_now() when the last live frame began (plot_live_began) */
    double live_next;         /* no live frame (nor a look whether gnuplot is done) before this */
    bool live_in_flight;      /* gnuplot may still be on the last live frame */
    char reply[ERR_LEN];      /* "gnuplot: <its first complaint>", "" when none */
    unsigned long sent;       /* number of the last sync marker written */
    unsigned long acked;      /* number of the last sync marker gnuplot printed */
    PlotTarget want;          /* as chosen (PLOT_AUTO until resolved, each time) */
    char *file;               /* output file for PNG/SVG (owned), NULL: STEM.png */
    char window_term[8];      /* "qt", "wxt", "x11", or "" when gnuplot has none */
    bool have_pngcairo;       /* gnuplot lists pngcairo (else plain png) */
    bool terms_known;         /* the two fields above come from GPVAL_TERMINALS */
    char term_line[512];      /* the last `set term` written, so it is not repeated */
    int timeout_ms;           /* longest wait for a reply */
    bool fault;               /* plot_test_fault: the next picture carries a bad command */
    char display_seen[512];   /* "$DISPLAY|$WAYLAND_DISPLAY" when display_ok was found */
    bool display_ok;          /* that display took a connection */
    bool no_window;           /* the window terminal said it cannot open the display */
    PlotFailure failure;      /* why the last picture failed, for plot_failure */
};

/* Writes text to c as a quoted gnuplot string (cut to PLOT_TEXT_MAX). */
void plot_put_q(FILE *c, const char *text);

/* text cut to at most width characters into buf (n bytes), on a UTF-8
 * boundary and ending in "…" when it was longer: the dumb terminal drops
 * a centred title wider than the picture altogether. */
const char *plot_fit_width(const char *text, int width, char *buf, size_t n);

/* Writes v with all its digits; NaN and infinities become NaN (a gap). */
void plot_put_num(FILE *c, double v);

/* "#rrggbb" of palette colour k blended toward white: s = 1 is the colour
 * itself, s = 0 white. */
void plot_color_hex(int k, double s, char out[8]);

/* The colour scale of maps of values (cells, points): dark for low values, light for high. */
#define PLOT_PALETTE "set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', 4 '#fde725')\n"

/* A colour bar from a to b (one value: a scale around it) named label
 * (NULL: "value"), on a log scale when logz (plot_cells.c). */
void plot_put_colorbar(FILE *c, double a, double b, bool logz, const char *label);

/* Stops a gnuplot that did not answer in time: -1 with err saying so. */
int plot_gp_timed_out(Plot *p, char *err);

/* Feeds the pending commands (p->pend from p->pend_off) to gnuplot while
 * reading its stdout and stderr, so neither side can block on a full pipe.
 * block: until all is written and, with wait, the last sync marker has
 * come back, within the timeout; otherwise one pass that writes what the
 * pipe takes now and reads what is there. -1 with err when gnuplot stopped
 * or took longer than the timeout (it is then killed); its error replies
 * collect in p->reply. */
int plot_gp_pump(Plot *p, bool block, bool wait, char *err);

/* Queues len bytes of commands for pump. */
int plot_gp_queue(Plot *p, const char *s, size_t len, char *err);

/* Starts gnuplot when it is not running, and asks for its terminals. */
int plot_gp_start(Plot *p, char *err);

/* The dumb terminal's size: the terminal behind echo, else $COLUMNS and
 * $LINES, else 80x24; two rows are left for the prompt. */
void plot_dumb_size(const Plot *p, int *cols, int *rows);

/* The file a PNG/SVG picture goes to; a name gnuplot would read as a
 * pipe ("|cmd") is made a plain path. */
void plot_out_name(const Plot *p, const PlotFrame *f, PlotTarget t, char *buf, size_t n);

/* ---- one picture, for the files that compose pictures (plot.c, plot_image.c) ---- */

typedef struct Pic {
    FILE *c;        /* the picture's commands (a memory stream) */
    char *buf;      /* what c holds once closed */
    size_t len;
    PlotTarget t;   /* resolved target */
    bool dumb;      /* gnuplot's dumb terminal: characters, no colour, no images */
    int cols, rows; /* size of a dumb picture */
} Pic;

/* Whether a frame is drawn: 1 skip (a live frame gnuplot is not ready
 * for), 0 draw, -1 with err when gnuplot stopped or hung. */
int plot_frame_skipped(Plot *p, const PlotFrame *f, char *err);
/* Starts a picture: gnuplot running, the terminal and output file, a
 * clean state, title and axis labels. -1 with err. */
int plot_pic_begin(Plot *p, Pic *pic, const PlotFrame *f, char *err);
/* Ends, sends and (for a whole picture) waits for a picture; a terminal
 * picture is then copied to the echo. -1 with err. */
int plot_pic_end(Plot *p, Pic *pic, const PlotFrame *f, char *err);

#endif
