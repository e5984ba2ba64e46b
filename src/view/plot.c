/* plot.c — pictures drawn by gnuplot, which runs as a child process in its
 * own process group (so Ctrl-C at the terminal never reaches it) and talks
 * to us through three pipes. Each picture is written whole: datablocks of
 * numbers, then settings and one plot command, then a sync marker
 * (`print 'PLOTSYNC-n'`, which gnuplot writes to its stderr). We read its
 * stdout and stderr with poll() until the marker comes back, so a call
 * never hangs (a timeout kills gnuplot), a dead gnuplot is noticed and
 * reaped, anything gnuplot complained about is returned as the error, and
 * a file or terminal picture is finished when the call returns. A live
 * frame (a window during training) is only queued and fed to gnuplot as
 * its pipe takes it, one frame at a time: frames that come while gnuplot
 * is busy are dropped. Every piece of user text is written as a gnuplot
 * single-quoted string, where gnuplot performs no backquote, macro or
 * backslash substitution. */
#include "plot.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <limits.h>
#include <netdb.h>
#include <stddef.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

extern char **environ;

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

/* Okabe and Ito's colour-blind-safe palette, ordered so that two classes
 * get blue and vermillion and yellow (weak on white) comes last. */
static const unsigned palette[8] = {
    0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0xF0E442,
};
/* Terminal pictures have no colour: a series of colour k is drawn with
 * point_char[k] (none of them is '+', the tick mark, or '.', the contour
 * lines), the decision region of class k with region_char[k]. */
static const char point_char[8] = {'o', 'x', '*', '#', '@', '%', '&', '$'};
static const char region_char[8] = {'.', '\'', '-', '~', ',', ':', '=', '^'};

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

/* ---- text ---- */

/* Length of the valid UTF-8 sequence at s that encodes a printable
 * character, 0 when s does not start one (bad bytes, overlong forms,
 * surrogates, C1 controls). */
static size_t utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    size_t n;
    uint32_t cp;
    if (c < 0x80)
        return 1;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
        cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        cp = c & 0x07;
    } else {
        return 0;
    }
    for (size_t i = 1; i < n; i++) {
        if ((s[i] & 0xC0) != 0x80)
            return 0; /* also stops at the terminating NUL */
        cp = (cp << 6) | (s[i] & 0x3F);
    }
    if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 || cp > 0x10FFFF)) ||
        (cp >= 0xD800 && cp <= 0xDFFF) || (cp >= 0x80 && cp <= 0x9F))
        return 0;
    return n;
}

const char *plot_quote(const char *text, char *buf, size_t n)
{
    if (!buf || n == 0)
        return buf;
    if (n < 3) {
        buf[0] = '\0';
        return buf;
    }
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t o = 0;
    bool after_quote = true; /* the opening quote */
    buf[o++] = '\'';
    while (*s) {
        size_t len = utf8_len(s);
        char one[2] = {(char)*s, 0};
        const char *piece = (const char *)s;
        size_t need = len;
        if (len == 0) { /* a byte that is not UTF-8: shown as '?' */
            one[0] = '?';
            piece = one;
            need = len = 1;
        } else if (len == 1 && (*s < 0x20 || *s == 0x7F)) {
            one[0] = ' '; /* a newline must never end the command line */
            piece = one;
        } else if (*s == '\'') {
            /* gnuplot's scanner reads '' as a quote only after another
             * character: a leading quote or two in a row would end the
             * string there. Those are spliced in as "\047" instead. */
            piece = !after_quote && s[1] != '\'' ? "''" : "'.\"\\047\".'";
            need = strlen(piece);
        }
        if (o + need + 2 > n) /* room for the closing quote and the NUL */
            break;
        memcpy(buf + o, piece, need);
        o += need;
        after_quote = *s == '\'';
        s += len;
    }
    buf[o++] = '\'';
    buf[o] = '\0';
    return buf;
}

/* Writes text to c as a quoted gnuplot string (cut to PLOT_TEXT_MAX). */
static void put_q(FILE *c, const char *text)
{
    char q[PLOT_TEXT_MAX];
    fputs(plot_quote(text, q, sizeof q), c);
}

/* text cut to at most width characters into buf (n bytes), on a UTF-8
 * boundary and ending in "…" when it was longer: the dumb terminal drops
 * a centred title wider than the picture altogether. */
static const char *fit_width(const char *text, int width, char *buf, size_t n)
{
    const unsigned char *s = (const unsigned char *)(text ? text : "");
    size_t at = 0, cut = 0;
    int chars = 0;
    while (s[at]) {
        size_t len = utf8_len(s + at);
        at += len ? len : 1;
        if (++chars == width - 1)
            cut = at; /* where "…" goes if the text does not fit */
    }
    if (chars <= width || width < 2 || cut + 4 > n)
        return (const char *)s;
    memcpy(buf, s, cut);
    memcpy(buf + cut, "\xe2\x80\xa6", 4); /* "…" and the NUL */
    return buf;
}

/* Writes v with all its digits; NaN and infinities become NaN (a gap). */
static void put_num(FILE *c, double v)
{
    if (isfinite(v))
        fprintf(c, "%.17g", v);
    else
        fputs("NaN", c);
}

/* "#rrggbb" of palette colour k blended toward white: s = 1 is the colour
 * itself, s = 0 white. */
static void color_hex(int k, double s, char out[8])
{
    unsigned rgb = palette[((k % 8) + 8) % 8];
    int ch[3] = {(int)(rgb >> 16) & 255, (int)(rgb >> 8) & 255, (int)rgb & 255};
    if (!(s >= 0))
        s = 0;
    if (s > 1)
        s = 1;
    for (int i = 0; i < 3; i++)
        ch[i] = (int)lround(255 - s * (255 - ch[i]));
    snprintf(out, 8, "#%02x%02x%02x", ch[0], ch[1], ch[2]);
}

static int buf_add(Buf *b, const char *s, size_t n, size_t max)
{
    if (b->len + n > max)
        n = b->len < max ? max - b->len : 0;
    if (b->len + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n + 1)
            cap *= 2;
        char *t = realloc(b->s, cap);
        if (!t)
            return -1;
        b->s = t;
        b->cap = cap;
    }
    memcpy(b->s + b->len, s, n);
    b->len += n;
    b->s[b->len] = '\0';
    return 0;
}

/* ---- gnuplot's replies ---- */

static bool starts_with(const char *s, const char *prefix)
{
    return strncmp(s, prefix, strlen(prefix)) == 0;
}

/* Warnings after which the picture is still right: gnuplot widens an
 * empty range itself, and a series without a valid point is just empty. */
static bool harmless(const char *msg)
{
    static const char *const ok[] = {
        "empty x range", "empty y range", "empty x2 range", "empty y2 range",
        "empty z range", "empty cb range", "skipping data file with no valid points",
        "difficulty fitting plot titles into key", /* a narrow terminal: the key is cut */
    };
    const char *w = strstr(msg, "arning:");
    if (!w || (w != msg + 1))
        return false; /* only messages that start "warning:" */
    for (size_t i = 0; i < sizeof ok / sizeof ok[0]; i++) {
        size_t n = strlen(ok[i]);
        for (const char *s = w; *s; s++)
            if (strncasecmp(s, ok[i], n) == 0)
                return true;
    }
    return false;
}

/* Lines the window terminals' helper programs (gnuplot_qt, wxt) write to
 * the same stderr about their own set-up, which say nothing about the
 * picture: Qt's logging categories and its notes on the environment. */
static bool helper_noise(const char *line)
{
    static const char *const prefixes[] = {
        "QStandardPaths:", "qt.", "Qt: Session management error", "QSocketNotifier:",
        "Warning: Ignoring XDG_SESSION_TYPE", "Gtk-Message:",
    };
    for (size_t i = 0; i < sizeof prefixes / sizeof prefixes[0]; i++)
        if (starts_with(line, prefixes[i]))
            return true;
    return false;
}

/* The terminals gnuplot lists: which windowed one to prefer, and pngcairo. */
static void read_terminals(Plot *p, const char *list)
{
    static const char *const windowed[] = {"qt", "wxt", "x11"};
    int best = 3;
    char word[32];
    p->have_pngcairo = false;
    for (const char *s = list; *s;) {
        while (*s == ' ')
            s++;
        size_t n = strcspn(s, " ");
        if (n > 0 && n < sizeof word) {
            memcpy(word, s, n);
            word[n] = '\0';
            for (int i = 0; i < 3; i++)
                if (strcmp(word, windowed[i]) == 0 && i < best)
                    best = i;
            if (strcmp(word, "pngcairo") == 0)
                p->have_pngcairo = true;
        }
        s += n;
    }
    snprintf(p->window_term, sizeof p->window_term, "%s", best < 3 ? windowed[best] : "");
    p->terms_known = true;
}

/* The display's name for messages: $DISPLAY, else $WAYLAND_DISPLAY. */
static const char *display_name(void)
{
    const char *d = getenv("DISPLAY");
    if (d && *d)
        return d;
    d = getenv("WAYLAND_DISPLAY");
    return d ? d : "";
}

/* One line gnuplot wrote to stderr: a sync marker, the terminal list, the
 * echo of a command it rejected with its caret, or a message. The first
 * message that is not a harmless warning becomes p->reply. */
static void err_line(Plot *p, char *line)
{
    size_t n = strlen(line);
    while (n > 0 && (line[n - 1] == '\r' || line[n - 1] == ' ' || line[n - 1] == '\t'))
        line[--n] = '\0';
    if (starts_with(line, PLOT_SYNC)) {
        char *end;
        unsigned long k = strtoul(line + strlen(PLOT_SYNC), &end, 10);
        if (*end == '\0' && end != line + strlen(PLOT_SYNC)) {
            if (k > p->acked)
                p->acked = k;
            return;
        }
    }
    if (starts_with(line, "PLOTTERMS ")) {
        read_terminals(p, line + 10);
        return;
    }
    char *m = line + strspn(line, " \t");
    if (strstr(m, "could not connect to display") || strstr(m, "unable to open display") ||
        strstr(m, "Unable to initialize GTK")) { /* qt, x11, wxt: no window will open */
        p->no_window = true;
        snprintf(p->reply, sizeof p->reply, "no window can open: cannot connect to display "
                 "%.200s; use `set plot terminal`, png or svg", display_name());
        return;
    }
    if (*m == '\0' || m[strspn(m, " ^")] == '\0' || starts_with(m, "gnuplot>") ||
        helper_noise(m))
        return; /* blank, the caret under a rejected command, its echo, Qt's notes */
    if (*m == '"') { /* "FILE" line N: */
        char *q = strchr(m + 1, '"');
        if (q)
            m = q + 1 + strspn(q + 1, " ");
    }
    if (starts_with(m, "line ")) {
        char *q = m + 5 + strspn(m + 5, "0123456789");
        if (*q == ':' && q > m + 5)
            m = q + 1 + strspn(q + 1, " ");
    }
    if (*m == '\0' || harmless(m) || p->reply[0])
        return;
    snprintf(p->reply, sizeof p->reply, "gnuplot: %s", m);
}

/* Splits stderr bytes into lines for err_line. */
static void err_bytes(Plot *p, const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if (s[i] == '\n' || p->errline.len >= PLOT_ERRLINE_MAX) {
            if (p->errline.len > 0)
                err_line(p, p->errline.s);
            p->errline.len = 0;
            if (p->errline.s)
                p->errline.s[0] = '\0';
            if (s[i] == '\n')
                continue;
        }
        if (buf_add(&p->errline, s + i, 1, PLOT_ERRLINE_MAX + 1) != 0)
            return;
    }
}

/* Reads everything waiting on fd (stdout into p->out, stderr to
 * err_bytes). 1 when gnuplot has closed it, else 0. */
static int drain_fd(Plot *p, int fd, bool is_err)
{
    char chunk[16384];
    for (;;) {
        ssize_t r = read(fd, chunk, sizeof chunk);
        if (r > 0) {
            if (is_err)
                err_bytes(p, chunk, (size_t)r);
            else
                buf_add(&p->out, chunk, (size_t)r, PLOT_OUT_MAX);
            continue;
        }
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        return 1;
    }
}

/* write() that cannot raise SIGPIPE: the signal is blocked in this thread
 * for the call, and one it raised is taken off the pending set, so a dead
 * gnuplot gives EPIPE and the rest of the program keeps its disposition. */
static ssize_t write_nosig(int fd, const char *s, size_t n)
{
    sigset_t pipe_set, old, pending;
    sigemptyset(&pipe_set);
    sigaddset(&pipe_set, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
    sigpending(&pending);
    bool was_pending = sigismember(&pending, SIGPIPE) == 1;
    ssize_t w = write(fd, s, n);
    int e = errno;
    if (w < 0 && e == EPIPE && !was_pending) {
        struct timespec zero = {0, 0};
        while (sigtimedwait(&pipe_set, NULL, &zero) < 0 && errno == EINTR)
            ;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = e;
    return w;
}

/* ---- the process ---- */

static void close_fd(int *fd)
{
    if (*fd >= 0)
        close(*fd);
    *fd = -1;
}

/* Ends gnuplot: closes its stdin, waits up to grace_ms for it to exit
 * (reading what it still writes so it cannot block), then kills its
 * process group; reaps it. What happened goes into why. */
static void stop_child(Plot *p, int grace_ms, char *why, size_t n)
{
    if (why && n)
        snprintf(why, n, "exit status unknown");
    if (p->pid <= 0)
        return;
    close_fd(&p->to_fd);
    int status = 0;
    pid_t r;
    double end = util_now() + grace_ms / 1000.0;
    for (;;) {
        r = waitpid(p->pid, &status, WNOHANG);
        if (r == p->pid || (r < 0 && errno != EINTR))
            break;
        if (util_now() >= end) {
            kill(-p->pid, SIGKILL);
            kill(p->pid, SIGKILL);
            while ((r = waitpid(p->pid, &status, 0)) < 0 && errno == EINTR)
                ;
            break;
        }
        struct pollfd fds[2] = {{p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}};
        if (poll(fds, 2, 10) > 0) {
            if (fds[0].revents && drain_fd(p, p->out_fd, false))
                close_fd(&p->out_fd);
            if (fds[1].revents && drain_fd(p, p->err_fd, true))
                close_fd(&p->err_fd);
        }
    }
    if (r == p->pid && why && n) {
        if (WIFEXITED(status))
            snprintf(why, n, "exit status %d", WEXITSTATUS(status));
        else if (WIFSIGNALED(status))
            snprintf(why, n, "killed by signal %d", WTERMSIG(status));
    }
    close_fd(&p->out_fd);
    close_fd(&p->err_fd);
    p->pid = 0;
    p->out.len = 0;
    p->errline.len = 0;
    p->pend.len = p->pend_off = 0;
    p->busy_since = 0;
    p->term_line[0] = '\0';
    p->sent = p->acked = 0;
}

static int not_installed(Plot *p, char *err)
{
    p->failure = PLOT_FAIL_MISSING;
    if (strcmp(p->program, "gnuplot") == 0)
        return util_err(err, "gnuplot is not installed: " INSTALL_HINT);
    return util_err(err, "gnuplot is not installed (there is no program %s): " INSTALL_HINT,
                    p->program);
}

/* gnuplot closed a pipe or refused input: it stopped. Reaps it and says so. */
static int died(Plot *p, char *err)
{
    char why[64];
    stop_child(p, PLOT_QUIT_MS, why, sizeof why);
    p->reply[0] = '\0';
    if (p->starting && strcmp(why, "exit status 127") == 0)
        return not_installed(p, err); /* the exec failed in the child */
    p->failure = PLOT_FAIL_STOPPED;
    return util_err(err, "gnuplot stopped (%s); plotting is off until the next plot command", why);
}

static int timed_out(Plot *p, char *err)
{
    stop_child(p, 0, NULL, 0);
    p->reply[0] = '\0';
    p->failure = PLOT_FAIL_STOPPED;
    return util_err(err, "gnuplot did not answer within %g s and was stopped; plotting is off "
                         "until the next plot command", p->timeout_ms / 1000.0);
}

/* Feeds the pending commands (p->pend from p->pend_off) to gnuplot while
 * reading its stdout and stderr, so neither side can block on a full pipe.
 * block: until all is written and, with wait, the last sync marker has
 * come back, within the timeout; otherwise one pass that writes what the
 * pipe takes now and reads what is there. -1 with err when gnuplot stopped
 * or took longer than the timeout (it is then killed); its error replies
 * collect in p->reply. */
static int pump(Plot *p, bool block, bool wait, char *err)
{
    double deadline = util_now() + p->timeout_ms / 1000.0;
    for (;;) {
        bool writing = p->pend_off < p->pend.len;
        bool last = !block || (!writing && !(wait && p->acked < p->sent));
        int ms = 0;
        if (!last) {
            double left = deadline - util_now();
            if (left <= 0)
                return timed_out(p, err);
            ms = (int)(left * 1000) + 1;
        }
        struct pollfd fds[3] = {
            {p->out_fd, POLLIN, 0}, {p->err_fd, POLLIN, 0}, {p->to_fd, POLLOUT, 0},
        };
        int r = poll(fds, writing ? 3 : 2, ms);
        if (r < 0) {
            if (errno == EINTR)
                continue; /* Ctrl-C is the caller's business; the timeout still holds */
            stop_child(p, 0, NULL, 0);
            return util_err(err, "cannot wait for gnuplot: %s", strerror(errno));
        }
        if (fds[0].revents && drain_fd(p, p->out_fd, false))
            return died(p, err);
        if (fds[1].revents && drain_fd(p, p->err_fd, true))
            return died(p, err);
        if (p->no_window) { /* gnuplot would wait for its window for good */
            p->no_window = false;
            util_err(err, "%s", p->reply);
            stop_child(p, 0, NULL, 0);
            p->reply[0] = '\0';
            return -1;
        }
        if (writing && fds[2].revents) {
            if (fds[2].revents & (POLLERR | POLLHUP | POLLNVAL))
                return died(p, err);
            ssize_t w = write_nosig(p->to_fd, p->pend.s + p->pend_off, p->pend.len - p->pend_off);
            if (w > 0)
                p->pend_off += (size_t)w;
            else if (w < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)
                return died(p, err);
        }
        if (p->pend_off == p->pend.len)
            p->pend.len = p->pend_off = 0;
        if (last)
            return 0;
    }
}

/* Queues len bytes of commands for pump. */
static int queue(Plot *p, const char *s, size_t len, char *err)
{
    if (buf_add(&p->pend, s, len, SIZE_MAX) != 0)
        return util_err(err, "out of memory");
    return 0;
}

static int set_cloexec(int fd, bool nonblock)
{
    int fl = fcntl(fd, F_GETFD);
    if (fl < 0 || fcntl(fd, F_SETFD, fl | FD_CLOEXEC) < 0)
        return -1;
    if (nonblock) {
        fl = fcntl(fd, F_GETFL);
        if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
            return -1;
    }
    return 0;
}

/* A pipe whose ends are both above 2 (so dup2 onto 0..2 in the child
 * always takes effect) and close-on-exec. */
static int make_pipe(int fds[2])
{
    if (pipe(fds) != 0)
        return -1;
    for (int i = 0; i < 2; i++) {
        if (fds[i] < 3) {
            int high = fcntl(fds[i], F_DUPFD_CLOEXEC, 3);
            if (high < 0)
                return -1;
            close(fds[i]);
            fds[i] = high;
        }
        if (set_cloexec(fds[i], false) != 0)
            return -1;
    }
    return 0;
}

/* Starts gnuplot when it is not running, and asks for its terminals. */
static int start(Plot *p, char *err)
{
    if (p->stream || p->pid > 0)
        return 0;
    int in[2] = {-1, -1}, out[2] = {-1, -1}, er[2] = {-1, -1};
    if (make_pipe(in) || make_pipe(out) || make_pipe(er)) {
        int e = errno;
        int *all[6] = {&in[0], &in[1], &out[0], &out[1], &er[0], &er[1]};
        for (int i = 0; i < 6; i++)
            close_fd(all[i]);
        return util_err(err, "cannot start gnuplot: %s", strerror(e));
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawn_file_actions_adddup2(&fa, er[1], 2);
    posix_spawnattr_init(&at);
    sigset_t def, none;
    sigemptyset(&none);
    sigemptyset(&def);
    int sigs[] = {SIGPIPE, SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGCHLD, SIGTSTP, SIGTTIN, SIGTTOU};
    for (size_t i = 0; i < sizeof sigs / sizeof sigs[0]; i++)
        sigaddset(&def, sigs[i]);
    posix_spawnattr_setsigdefault(&at, &def);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setpgroup(&at, 0); /* its own process group: Ctrl-C stays with us */
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGDEF |
                                      POSIX_SPAWN_SETSIGMASK);
    char *argv[] = {p->program, NULL};
    pid_t pid;
    int rc = posix_spawnp(&pid, p->program, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close_fd(&in[0]);
    close_fd(&out[1]);
    close_fd(&er[1]);
    if (rc != 0) {
        close_fd(&in[1]);
        close_fd(&out[0]);
        close_fd(&er[0]);
        if (rc == ENOENT || rc == ENOTDIR)
            return not_installed(p, err);
        return util_err(err, "cannot start gnuplot (%s): %s", p->program, strerror(rc));
    }
    p->pid = pid;
    p->to_fd = in[1];
    p->out_fd = out[0];
    p->err_fd = er[0];
    set_cloexec(p->to_fd, true);
    set_cloexec(p->out_fd, true);
    set_cloexec(p->err_fd, true);
    p->out.len = 0;
    p->errline.len = 0;
    p->reply[0] = '\0';
    p->term_line[0] = '\0';
    p->sent = p->acked = 0;

    char hello[160];
    int n = snprintf(hello, sizeof hello,
                     "set encoding utf8\nprint 'PLOTTERMS ', GPVAL_TERMINALS\nprint '" PLOT_SYNC
                     "%lu'\n", ++p->sent);
    p->pend.len = p->pend_off = 0;
    p->busy_since = 0;
    p->starting = true;
    rc = queue(p, hello, (size_t)n, err) || pump(p, true, true, err) ? -1 : 0;
    p->starting = false;
    p->reply[0] = '\0';
    return rc;
}

/* ---- the plotter ---- */

static Plot *plot_alloc(void)
{
    Plot *p = calloc(1, sizeof *p);
    if (!p)
        return NULL;
    p->to_fd = p->out_fd = p->err_fd = -1;
    p->timeout_ms = PLOT_TIMEOUT_MS;
    p->want = PLOT_AUTO;
    return p;
}

Plot *plot_new(const char *program, FILE *echo)
{
    Plot *p = plot_alloc();
    if (!p)
        return NULL;
    if (!program || !*program)
        program = getenv("PARAMLAB_GNUPLOT");
    if (!program || !*program)
        program = "gnuplot";
    p->program = util_strdup(program);
    if (!p->program) {
        free(p);
        return NULL;
    }
    p->echo = echo;
    return p;
}

Plot *plot_new_stream(FILE *cmds, PlotTarget target)
{
    Plot *p = plot_alloc();
    if (!p)
        return NULL;
    p->program = util_strdup("gnuplot");
    if (!p->program) {
        free(p);
        return NULL;
    }
    p->stream = cmds;
    p->want = target;
    snprintf(p->window_term, sizeof p->window_term, "qt");
    p->have_pngcairo = true;
    p->terms_known = true;
    return p;
}

void plot_free(Plot *p)
{
    if (!p)
        return;
    if (p->pid > 0) {
        static const char quit[] = "\nquit\n";
        (void)write_nosig(p->to_fd, quit, sizeof quit - 1);
        stop_child(p, PLOT_QUIT_MS, NULL, 0);
    }
    free(p->out.s);
    free(p->errline.s);
    free(p->pend.s);
    free(p->file);
    free(p->program);
    free(p);
}

int plot_pid(const Plot *p)
{
    return p ? (int)p->pid : 0;
}

void plot_set_timeout(Plot *p, int ms)
{
    if (p)
        p->timeout_ms = ms > 0 ? ms : PLOT_TIMEOUT_MS;
}

void plot_test_fault(Plot *p)
{
    if (p)
        p->fault = true;
}

bool plot_running(const Plot *p)
{
    return p && (p->stream || p->pid > 0);
}

static bool have_display(void)
{
    const char *d = getenv("DISPLAY"), *w = getenv("WAYLAND_DISPLAY");
    return (d && *d) || (w && *w);
}

/* Whether a stream socket at path (a leading '@': Linux's abstract
 * namespace) takes a connection. */
static bool unix_socket_answers(const char *path)
{
    struct sockaddr_un a;
    memset(&a, 0, sizeof a);
    a.sun_family = AF_UNIX;
    size_t n = strlen(path);
    if (n == 0 || n >= sizeof a.sun_path)
        return false;
    memcpy(a.sun_path, path, n);
    if (path[0] == '@')
        a.sun_path[0] = '\0';
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    bool ok = connect(fd, (struct sockaddr *)&a,
                      (socklen_t)(offsetof(struct sockaddr_un, sun_path) + n)) == 0;
    close(fd);
    return ok;
}

/* Whether host:port takes a TCP connection within PLOT_DISPLAY_MS. */
static bool tcp_answers(const char *host, int port)
{
    char serv[16];
    snprintf(serv, sizeof serv, "%d", port);
    struct addrinfo hints, *res = NULL;
    memset(&hints, 0, sizeof hints);
    hints.ai_socktype = SOCK_STREAM;
    if (getaddrinfo(host, serv, &hints, &res) != 0)
        return false;
    bool ok = false;
    for (struct addrinfo *r = res; r && !ok; r = r->ai_next) {
        int fd = socket(r->ai_family, r->ai_socktype | SOCK_CLOEXEC | SOCK_NONBLOCK, r->ai_protocol);
        if (fd < 0)
            continue;
        if (connect(fd, r->ai_addr, r->ai_addrlen) == 0) {
            ok = true;
        } else if (errno == EINPROGRESS) {
            struct pollfd pf = {fd, POLLOUT, 0};
            int e = 0;
            socklen_t el = sizeof e;
            ok = poll(&pf, 1, PLOT_DISPLAY_MS) == 1 &&
                 getsockopt(fd, SOL_SOCKET, SO_ERROR, &e, &el) == 0 && e == 0;
        }
        close(fd);
    }
    freeaddrinfo(res);
    return ok;
}

/* Whether the display named by $DISPLAY or $WAYLAND_DISPLAY takes a
 * connection (its server's socket, as a window terminal would open it;
 * not whether it would let us draw). A form this cannot check (a path,
 * as XQuartz uses) counts as reachable. */
static bool display_reachable(void)
{
    const char *w = getenv("WAYLAND_DISPLAY"), *rt = getenv("XDG_RUNTIME_DIR");
    char path[PATH_MAX];
    if (w && *w) {
        if (w[0] == '/')
            snprintf(path, sizeof path, "%s", w);
        else
            snprintf(path, sizeof path, "%s/%s", rt ? rt : "", w);
        if (unix_socket_answers(path))
            return true;
    }
    const char *d = getenv("DISPLAY");
    if (!d || !*d)
        return false;
    if (d[0] == '/')
        return true;
    const char *colon = strrchr(d, ':');
    char *end;
    long num = colon ? strtol(colon + 1, &end, 10) : -1;
    if (!colon || end == colon + 1 || num < 0 || num > 60000 || (*end && *end != '.'))
        return false;
    size_t hl = (size_t)(colon - d);
    if (hl == 0 || (hl == 4 && strncmp(d, "unix", 4) == 0)) {
        snprintf(path, sizeof path, "@/tmp/.X11-unix/X%ld", num);
        if (unix_socket_answers(path))
            return true;
        return unix_socket_answers(path + 1);
    }
    char host[256];
    if (hl >= sizeof host)
        return false;
    memcpy(host, d, hl);
    host[hl] = '\0';
    return tcp_answers(host, 6000 + (int)num);
}

/* have_display and display_reachable, the latter asked again only when
 * the display's name changed (plot_target is asked on every live frame). */
static bool window_possible(Plot *p)
{
    if (!have_display())
        return false;
    char name[sizeof p->display_seen];
    snprintf(name, sizeof name, "%s|%s", display_name(), getenv("WAYLAND_DISPLAY") ? getenv("WAYLAND_DISPLAY") : "");
    if (strcmp(name, p->display_seen) != 0) {
        p->display_ok = display_reachable();
        snprintf(p->display_seen, sizeof p->display_seen, "%s", name);
    }
    return p->display_ok;
}

void plot_set_echo(Plot *p, FILE *echo)
{
    p->echo = echo;
}

PlotFailure plot_failure(const Plot *p)
{
    return p->failure;
}

int plot_set_target(Plot *p, PlotTarget t, const char *file, char *err)
{
    if (!p)
        return util_err(err, "no plotter");
    if (t < PLOT_AUTO || t > PLOT_SVG)
        return util_err(err, "unknown plot target");
    if (t == PLOT_PNG || t == PLOT_SVG) {
        if (file) {
            size_t n = strlen(file);
            if (n == 0)
                return util_err(err, "the file name is empty: write file=NAME.%s",
                                t == PLOT_PNG ? "png" : "svg");
            if (n >= PLOT_NAME_MAX)
                return util_err(err, "the file name is too long (%zu bytes; at most %d)", n,
                                PLOT_NAME_MAX - 1);
            for (const unsigned char *s = (const unsigned char *)file; *s; s++)
                if (*s < 0x20 || *s == 0x7F)
                    return util_err(err, "a file name cannot contain control characters "
                                         "(newline, tab ...)");
        }
    } else {
        file = NULL;
    }
    if (t == PLOT_WINDOW && !p->stream) {
        if (!have_display())
            return util_err(err, "no window can open: there is no display (DISPLAY is not set); "
                                 "use `set plot terminal`, png or svg");
        if (!window_possible(p))
            return util_err(err, "no window can open: cannot connect to display %.200s; "
                                 "use `set plot terminal`, png or svg", display_name());
        if (start(p, err) != 0)
            return -1;
        if (!p->window_term[0])
            return util_err(err, "no window can open: this gnuplot has no qt, wxt or x11 "
                                 "terminal (install gnuplot-qt); use `set plot terminal`");
    }
    char *copy = NULL;
    if (file && !(copy = util_strdup(file)))
        return util_err(err, "out of memory");
    free(p->file);
    p->file = copy;
    p->want = t;
    return 0;
}

PlotTarget plot_target(Plot *p)
{
    if (!p)
        return PLOT_TERMINAL;
    if (p->want != PLOT_AUTO)
        return p->want;
    if (p->stream || !window_possible(p))
        return PLOT_TERMINAL;
    if (!p->terms_known && start(p, NULL) != 0)
        return PLOT_TERMINAL;
    return p->window_term[0] ? PLOT_WINDOW : PLOT_TERMINAL;
}

bool plot_is_live(Plot *p)
{
    return plot_target(p) == PLOT_WINDOW;
}

/* The dumb terminal's size: the terminal behind echo, else $COLUMNS and
 * $LINES, else 80x24; two rows are left for the prompt. */
static void dumb_size(const Plot *p, int *cols, int *rows)
{
    int c = 0, r = 0;
    if (p->stream) {
        *cols = 80;
        *rows = 24;
        return;
    }
    int fd = p->echo ? fileno(p->echo) : -1;
    struct winsize ws;
    if (fd >= 0 && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0 && ws.ws_row > 0) {
        c = ws.ws_col;
        r = ws.ws_row;
    } else {
        long v;
        const char *e = getenv("COLUMNS");
        if (e && util_parse_long(e, 1, 10000, &v))
            c = (int)v;
        e = getenv("LINES");
        if (e && util_parse_long(e, 1, 10000, &v))
            r = (int)v;
    }
    if (c <= 0)
        c = 80;
    if (r <= 0)
        r = 24;
    r -= 2;
    *cols = c < 60 ? 60 : c > 400 ? 400 : c;
    *rows = r < 15 ? 15 : r > 200 ? 200 : r;
}

/* The file a PNG/SVG picture goes to; a name gnuplot would read as a
 * pipe ("|cmd") is made a plain path. */
static void out_name(const Plot *p, const PlotFrame *f, PlotTarget t, char *buf, size_t n)
{
    const char *stem = f && f->stem && *f->stem ? f->stem : "plot";
    if (p->file)
        snprintf(buf, n, "%s%s", p->file[0] == '|' ? "./" : "", p->file);
    else
        snprintf(buf, n, "%s%s.%s", stem[0] == '|' ? "./" : "", stem,
                 t == PLOT_PNG ? "png" : "svg");
}

const char *plot_describe(Plot *p, char *buf, size_t n)
{
    if (!buf || n == 0)
        return buf;
    PlotTarget t = plot_target(p);
    int cols, rows;
    switch (t) {
    case PLOT_WINDOW:
        snprintf(buf, n, "window (%s)", p->window_term[0] ? p->window_term : "none");
        break;
    case PLOT_PNG:
    case PLOT_SVG:
        if (p->file)
            snprintf(buf, n, "%s file %s", t == PLOT_PNG ? "png" : "svg", p->file);
        else
            snprintf(buf, n, "%s files named after each plot (loss.%s ...)",
                     t == PLOT_PNG ? "png" : "svg", t == PLOT_PNG ? "png" : "svg");
        break;
    default:
        dumb_size(p, &cols, &rows);
        snprintf(buf, n, "terminal (%dx%d)", cols, rows);
        break;
    }
    return buf;
}

/* ---- one picture ---- */

typedef struct Pic {
    FILE *c;        /* the picture's commands (a memory stream) */
    char *buf;      /* what c holds once closed */
    size_t len;
    PlotTarget t;   /* resolved target */
    bool dumb;      /* gnuplot's dumb terminal: characters, no colour, no images */
    int cols, rows; /* size of a dumb picture */
} Pic;

/* Whether a frame is drawn: live frames only in a window, and only once
 * gnuplot has taken and finished the previous one (frames are dropped
 * rather than queued, so the window keeps up with training and a frame
 * costs the caller only its writing). 1: skip, 0: draw, -1: gnuplot
 * stopped, hung on a frame for longer than the timeout, or reported an
 * error for an earlier live frame. */
static int frame_skipped(Plot *p, const PlotFrame *f, char *err)
{
    p->failure = PLOT_FAIL_NONE; /* every picture starts here */
    if (!f->live)
        return 0;
    if (plot_target(p) != PLOT_WINDOW)
        return 1;
    if (p->stream || p->pid <= 0)
        return 0;
    if (pump(p, false, false, err) != 0)
        return -1;
    if (p->reply[0]) {
        util_err(err, "%s", p->reply);
        p->reply[0] = '\0';
        return -1;
    }
    if (p->pend.len == 0 && p->acked >= p->sent) {
        p->busy_since = 0;
        return 0;
    }
    if (p->busy_since > 0 && util_now() - p->busy_since > p->timeout_ms / 1000.0)
        return timed_out(p, err);
    return 1;
}

/* The `set term` line for the target. */
static void term_line(const Plot *p, const Pic *pic, const PlotFrame *f, char *buf, size_t n)
{
    char title[160], name[64]; /* short enough that the line is never cut */
    switch (pic->t) {
    case PLOT_WINDOW:
        snprintf(name, sizeof name, "paramlab: %.40s", f->stem && *f->stem ? f->stem : "plot");
        plot_quote(name, title, sizeof title);
        if (strcmp(p->window_term, "x11") == 0)
            snprintf(buf, n, "set term x11 %d noraise persist noenhanced size 900,600 title %s",
                     f->window, title);
        else
            snprintf(buf, n, "set term %s %d noraise persist noenhanced size 900,600 "
                             "font 'Sans,11' title %s", p->window_term, f->window, title);
        break;
    case PLOT_PNG:
        if (p->have_pngcairo)
            snprintf(buf, n, "set term pngcairo noenhanced size 900,600 font 'Sans,11' "
                             "background '#ffffff'");
        else
            snprintf(buf, n, "set term png noenhanced size 900,600 background '#ffffff'");
        break;
    case PLOT_SVG:
        snprintf(buf, n, "set term svg noenhanced size 900,600 font 'Sans,11' "
                         "background '#ffffff'");
        break;
    default:
        snprintf(buf, n, "set term dumb noenhanced nofeed size %d,%d", pic->cols, pic->rows);
        break;
    }
}

/* Starts a picture: gnuplot running, the terminal and output file, a
 * clean state, and what every picture has (title, axis labels, grid, key). */
static int pic_begin(Plot *p, Pic *pic, const PlotFrame *f, char *err)
{
    memset(pic, 0, sizeof *pic);
    if (start(p, err) != 0)
        return -1;
    pic->t = plot_target(p);
    pic->dumb = pic->t == PLOT_TERMINAL || pic->t == PLOT_AUTO;
    if (pic->dumb) {
        pic->t = PLOT_TERMINAL;
        dumb_size(p, &pic->cols, &pic->rows);
    }
    pic->c = open_memstream(&pic->buf, &pic->len);
    if (!pic->c)
        return util_err(err, "out of memory");
    FILE *c = pic->c;
    char line[sizeof p->term_line];
    term_line(p, pic, f, line, sizeof line);
    fputs("set encoding utf8\n", c);
    if (strcmp(line, p->term_line) != 0) {
        fprintf(c, "%s\n", line);
        snprintf(p->term_line, sizeof p->term_line, "%s", line);
    }
    if (pic->t == PLOT_PNG || pic->t == PLOT_SVG) {
        char name[PLOT_NAME_MAX + 8];
        out_name(p, f, pic->t, name, sizeof name);
        size_t qn = 10 * strlen(name) + 3; /* a quote takes at most 10 bytes */
        char *q = malloc(qn);
        if (!q) {
            fclose(pic->c);
            free(pic->buf);
            pic->buf = NULL;
            return util_err(err, "out of memory");
        }
        fprintf(c, "set output %s\n", plot_quote(name, q, qn));
        free(q);
    }
    fputs("reset\n", c);
    if (pic->dumb) {
        /* the dumb terminal cannot turn the y label on its side: it goes
         * above the y axis, on a row of its own under the title */
        char fit[PLOT_TEXT_MAX];
        int width = pic->cols - 2;
        fputs("set tmargin 3\nset title ", c);
        put_q(c, fit_width(f->title, width, fit, sizeof fit));
        fputs(" noenhanced offset 0,1\nset xlabel ", c);
        put_q(c, fit_width(f->xlabel, width, fit, sizeof fit));
        fputs(" noenhanced\nset label 999 ", c);
        put_q(c, fit_width(f->ylabel, width, fit, sizeof fit));
        fputs(" at screen 0, graph 1 left offset 1,1 front noenhanced\n", c);
        fputs("set key bmargin center horizontal samplen 1 width 2\n", c);
    } else {
        fputs("set title ", c);
        put_q(c, f->title);
        fputs(" noenhanced font ',14'\nset xlabel ", c);
        put_q(c, f->xlabel);
        fputs(" noenhanced font ',12' offset 0,0.3\nset ylabel ", c);
        put_q(c, f->ylabel);
        fputs(" noenhanced font ',12'\n", c);
        fputs("set key bmargin center horizontal Left reverse samplen 2 width 1 height 0.5\n", c);
        fputs("set grid xtics ytics lt 1 lw 1 lc rgb '#dcdcdc'\n", c);
        fputs("set border lw 1.2 lc rgb '#444444'\nset tics textcolor rgb '#222222'\n", c);
    }
    return 0;
}

/* Echoes a dumb picture: without form feeds, trailing blanks, and blank
 * lines above and below. */
static void echo_picture(Plot *p)
{
    if (!p->echo || !p->out.s || p->out.len == 0)
        return;
    char *s = p->out.s;
    size_t n = p->out.len;
    bool started = false;
    size_t blank = 0; /* blank lines held back until a non-blank one comes */
    for (size_t i = 0; i < n;) {
        size_t j = i;
        while (j < n && s[j] != '\n')
            j++;
        size_t a = i, b = j;
        while (a < b && s[a] == '\f')
            a++;
        while (b > a && (s[b - 1] == ' ' || s[b - 1] == '\r' || s[b - 1] == '\f'))
            b--;
        if (b == a) {
            blank += started;
        } else {
            for (; blank > 0; blank--)
                fputc('\n', p->echo);
            fwrite(s + a, 1, b - a, p->echo);
            fputc('\n', p->echo);
            started = true;
        }
        i = j + 1;
    }
    fflush(p->echo);
}

/* Ends a picture (closes the file, writes the sync marker), sends it, and
 * for a whole picture waits for gnuplot: -1 with err when it complained,
 * stopped or hung. A terminal picture is then copied to echo. */
static int pic_end(Plot *p, Pic *pic, const PlotFrame *f, char *err)
{
    FILE *c = pic->c;
    if (p->fault) {
        fputs("set plottest_no_such_option\n", c);
        p->fault = false;
    }
    if (pic->t == PLOT_PNG || pic->t == PLOT_SVG)
        fputs("unset output\n", c);
    fprintf(c, "print '" PLOT_SYNC "%lu'\n", ++p->sent);
    if (fclose(c) != 0) {
        free(pic->buf);
        return util_err(err, "out of memory");
    }
    int rc = 0;
    if (p->stream) {
        if (fwrite(pic->buf, 1, pic->len, p->stream) != pic->len || fflush(p->stream) != 0)
            rc = util_err(err, "cannot write the plot commands");
        free(pic->buf);
        return rc;
    }
    p->out.len = 0;
    rc = queue(p, pic->buf, pic->len, err);
    free(pic->buf);
    if (rc != 0)
        return -1;
    if (f->live && p->busy_since == 0)
        p->busy_since = util_now();
    if (pump(p, !f->live, !f->live, err) != 0)
        return -1;
    if (!f->live)
        p->busy_since = 0;
    if (p->reply[0]) {
        util_err(err, "%s", p->reply);
        p->reply[0] = '\0';
        return -1;
    }
    if (pic->dumb && !f->live)
        echo_picture(p);
    p->out.len = 0;
    return 0;
}

/* An empty frame with a word in the middle, for a picture with no data. */
static void put_empty(FILE *c, const char *what)
{
    fputs("unset logscale\nset xrange [0:1]\nset yrange [0:1]\nset label 1 ", c);
    put_q(c, what);
    fputs(" at graph 0.5,0.5 center noenhanced\nplot 2 notitle\n", c);
}

/* Colours for n series: their own, or the next palette colour no series
 * asked for. */
static void pick_colors(const PlotSeries *s, int n, int *out)
{
    bool used[8] = {false};
    for (int i = 0; i < n; i++)
        if (s[i].color >= 0)
            used[s[i].color % 8] = true;
    int next = 0;
    for (int i = 0; i < n; i++) {
        if (s[i].color >= 0) {
            out[i] = s[i].color % 8;
            continue;
        }
        int tries = 0;
        while (used[next % 8] && tries++ < 8)
            next++;
        out[i] = next % 8;
        used[next % 8] = true;
        next++;
    }
}

static bool drawable(const PlotSeries *s)
{
    return s->n > 0 && s->x && s->y;
}

/* The box a terminal picture's data spans and the character cells it is
 * drawn on: a line is filled in with points about one cell apart, so each
 * curve is drawn whole in its own character. */
typedef struct Cells {
    double x0, x1, y0, y1; /* the data's box (y in log10 units when logy) */
    int cols, rows;        /* character cells across and down */
    bool logy;
} Cells;

#define PLOT_FILL_MAX 20000 /* points added to one series at most */

static void put_xy(FILE *c, double x, double y)
{
    put_num(c, x);
    fputc(' ', c);
    put_num(c, y);
    fputc('\n', c);
}

/* Points strictly between (xa, ya) and (xb, yb), about one cell apart;
 * *budget is how many may still be added. */
static void put_fill(FILE *c, const Cells *b, double xa, double ya, double xb, double yb,
                     long *budget)
{
    if (b->logy) {
        ya = log10(ya);
        yb = log10(yb);
    }
    double w = b->x1 - b->x0, h = b->y1 - b->y0;
    double fx = w > 0 ? fabs(xb - xa) / w * b->cols : 0, fy = h > 0 ? fabs(yb - ya) / h * b->rows : 0;
    double steps = ceil(fmax(fx, fy));
    if (!(steps > 1))
        return;
    if (steps > b->cols + b->rows)
        steps = b->cols + b->rows;
    for (int i = 1; i < (int)steps && *budget > 0; i++, (*budget)--) {
        double t = i / steps, y = ya + t * (yb - ya);
        put_xy(c, xa + t * (xb - xa), b->logy ? pow(10, y) : y);
    }
}

/* A series as datablock $sK: x y per line; values <= 0 dropped on a log
 * axis. fill (a terminal picture's cells, or NULL) fills in the line
 * between consecutive points, or the steps, for a series drawn as a line. */
static void put_series_block(FILE *c, int k, const PlotSeries *s, bool logy, const Cells *fill)
{
    fprintf(c, "$s%d << EOD\n", k);
    if (s->style == PLOT_POINTS || s->thin)
        fill = NULL;
    long budget = PLOT_FILL_MAX;
    double px = NAN, py = NAN;
    for (int i = 0; i < s->n; i++) {
        double x = s->x[i], y = s->y[i];
        if (logy && !(y > 0))
            y = NAN;
        if (fill && isfinite(px) && isfinite(py) && isfinite(x) && isfinite(y)) {
            if (s->style == PLOT_STEPS) {
                put_fill(c, fill, px, py, x, py, &budget);
                put_xy(c, x, py);
                put_fill(c, fill, x, py, x, y, &budget);
            } else {
                put_fill(c, fill, px, py, x, y, &budget);
            }
        }
        put_xy(c, x, y);
        px = x;
        py = y;
    }
    fputs("EOD\n", c);
}

static void put_title(FILE *c, const char *title)
{
    if (title && *title) {
        fputs(" title ", c);
        put_q(c, title);
        fputs(" noenhanced", c);
    } else {
        fputs(" notitle", c);
    }
}

/* One plot element for series k ("$sK with ..."), for a line chart or, on
 * a map, an overlay (points with a dark outline so they stand out on the
 * colours). In the terminal the series is drawn with the character ch
 * (its line filled in by put_series_block), faint ones with dots. */
static void put_series_elem(FILE *c, const Pic *pic, int k, const PlotSeries *s, int color,
                            bool on_map, char ch)
{
    char hex[8];
    color_hex(color, s->thin ? 0.4 : 1.0, hex);
    if (on_map && !pic->dumb && s->style != PLOT_POINTS) /* a white halo: visible on any colour */
        fprintf(c, "$s%d using 1:2 with %s lw 5.5 lc rgb '#ffffff' notitle, ", k,
                s->style == PLOT_STEPS ? "steps" : "lines");
    fprintf(c, "$s%d using 1:2", k);
    if (pic->dumb) {
        if (s->thin)
            fputs(" with dots", c);
        else
            fprintf(c, " with points pt '%c'", ch);
        put_title(c, s->title);
        return;
    }
    const char *lw = s->thin ? "1" : "2.5";
    switch (s->style) {
    case PLOT_POINTS:
        fprintf(c, " with points pt 7 ps %s lc rgb '%s'", on_map ? "1.2" : "0.8", hex);
        break;
    case PLOT_LINESPOINTS: /* about 30 markers, however many points */
        fprintf(c, " with linespoints lw %s pt 7 ps 0.8 pi %d lc rgb '%s'", lw,
                s->n > 40 ? s->n / 30 : 1, hex);
        break;
    case PLOT_STEPS:
        fprintf(c, " with steps lw %s lc rgb '%s'", lw, hex);
        break;
    default:
        fprintf(c, " with lines lw %s lc rgb '%s'", lw, hex);
        break;
    }
    put_title(c, s->title);
    if (on_map && s->style == PLOT_POINTS) /* a dark ring around each point */
        fprintf(c, ", $s%d using 1:2 with points pt 6 ps 1.2 lw 1 lc rgb '#202020' notitle", k);
}

int plot_lines(Plot *p, const PlotFrame *f, const PlotSeries *s, int n_series, char *err)
{
    if (!p || !f || n_series < 0 || (n_series > 0 && !s))
        return util_err(err, "plot: nothing to draw");
    int skip = frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    long finite = 0, any = 0;
    for (int k = 0; k < n_series; k++) {
        if (!drawable(&s[k]))
            continue;
        for (int i = 0; i < s[k].n; i++) {
            if (!isfinite(s[k].x[i]) || !isfinite(s[k].y[i]))
                continue;
            any++;
            finite += !f->logy || s[k].y[i] > 0;
        }
    }
    if (any > 0 && finite == 0)
        return util_err(err, "nothing to draw on a logarithmic y axis: every value is 0 or "
                             "below (use a linear axis)");
    int *color = calloc((size_t)n_series + 1, sizeof *color);
    if (!color)
        return util_err(err, "out of memory");
    Pic pic;
    if (pic_begin(p, &pic, f, err) != 0) {
        free(color);
        return -1;
    }
    FILE *c = pic.c;
    if (finite == 0) {
        put_empty(c, "no data yet");
    } else {
        pick_colors(s, n_series, color);
        if (f->logy)
            fputs("set logscale y\nset format y '%g'\n", c);
        Cells box = {INFINITY, -INFINITY, INFINITY, -INFINITY, pic.cols, pic.rows, f->logy};
        for (int k = 0; k < n_series; k++)
            for (int i = 0; drawable(&s[k]) && i < s[k].n; i++) {
                double x = s[k].x[i], y = f->logy && s[k].y[i] > 0 ? log10(s[k].y[i]) : s[k].y[i];
                if (isfinite(x) && isfinite(y) && (!f->logy || s[k].y[i] > 0)) {
                    box.x0 = fmin(box.x0, x);
                    box.x1 = fmax(box.x1, x);
                    box.y0 = fmin(box.y0, y);
                    box.y1 = fmax(box.y1, y);
                }
            }
        for (int k = 0; k < n_series; k++)
            if (drawable(&s[k]))
                put_series_block(c, k, &s[k], f->logy, pic.dumb ? &box : NULL);
        if (pic.dumb && f->logy && box.y1 - box.y0 <= 2) {
            /* a log axis over two decades or less: tics at 1, 2 and 5 times
             * each power of ten, not only at the powers (often just two) */
            fputs("set ytics (", c);
            int d0 = (int)floor(box.y0), d1 = (int)ceil(box.y1);
            for (int d = d0; d <= d1; d++)
                for (int i = 0; i < 3 && (d < d1 || i == 0); i++) {
                    if (d > d0 || i > 0)
                        fputs(", ", c);
                    put_num(c, (i == 0 ? 1 : i == 1 ? 2 : 5) * pow(10, d));
                }
            fputs(")\n", c);
        }
        fputs("plot ", c);
        bool first = true;
        for (int pass = 0; pass < 2; pass++) /* faint series first, under the rest */
            for (int k = 0; k < n_series; k++) {
                if (!drawable(&s[k]) || s[k].thin != (pass == 0))
                    continue;
                if (!first)
                    fputs(", \\\n     ", c);
                first = false;
                put_series_elem(c, &pic, k, &s[k], color[k], false, point_char[color[k]]);
            }
        fputc('\n', c);
    }
    free(color);
    return pic_end(p, &pic, f, err);
}

/* ---- histogram ---- */

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* The q-quantile of sorted v (linear interpolation). */
static double quantile(const double *v, int n, double q)
{
    double pos = q * (n - 1);
    int i = (int)floor(pos);
    if (i >= n - 1)
        return v[n - 1];
    return v[i] + (pos - i) * (v[i + 1] - v[i]);
}

/* Bins for sorted finite v: Freedman–Diaconis, Sturges when the IQR is 0,
 * between 5 and 60; one when all values are equal. */
static int hist_bins(const double *v, int n)
{
    double range = v[n - 1] - v[0];
    if (!(range > 0))
        return 1;
    double iqr = quantile(v, n, 0.75) - quantile(v, n, 0.25);
    double k;
    if (iqr > 0)
        k = ceil(range / (2 * iqr * pow(n, -1.0 / 3)));
    else
        k = ceil(log2(n)) + 1;
    if (!(k >= 5))
        k = 5;
    if (k > 60)
        k = 60;
    return (int)k;
}

int plot_hist(Plot *p, const PlotFrame *f, const double *v, int n, char *err)
{
    if (!p || !f || n < 0 || (n > 0 && !v))
        return util_err(err, "plot: nothing to draw");
    int skip = frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    double *sorted = malloc(((size_t)n + 1) * sizeof *sorted);
    if (!sorted)
        return util_err(err, "out of memory");
    int m = 0;
    double sum = 0;
    for (int i = 0; i < n; i++)
        if (isfinite(v[i]) && (!f->logy || v[i] > 0)) {
            sorted[m++] = v[i];
            sum += v[i];
        }
    Pic pic;
    if (pic_begin(p, &pic, f, err) != 0) {
        free(sorted);
        return -1;
    }
    FILE *c = pic.c;
    if (m == 0) {
        put_empty(c, "no values to show");
    } else {
        qsort(sorted, (size_t)m, sizeof *sorted, cmp_double);
        double mean = sum / m, ss = 0;
        for (int i = 0; i < m; i++)
            ss += (sorted[i] - mean) * (sorted[i] - mean);
        double sd = m > 1 ? sqrt(ss / (m - 1)) : 0;
        int k = hist_bins(sorted, m);
        double lo = sorted[0], hi = sorted[m - 1], w = hi / k - lo / k; /* no overflow */
        if (k == 1) { /* all equal: one bar of a visible width */
            w = lo != 0 ? fabs(lo) * 0.2 : 1;
            lo -= w / 2;
            hi = lo + w;
        }
        fputs("$h << EOD\n", c);
        int j = 0;
        for (int b = 0; b < k; b++) {
            double top = b == k - 1 ? INFINITY : lo + (b + 1) * w;
            int count = 0;
            while (j < m && sorted[j] < top) {
                j++;
                count++;
            }
            put_num(c, lo + (b + 0.5) * w);
            fprintf(c, " %d\n", count);
        }
        fputs("EOD\n", c);
        char key[160];
        snprintf(key, sizeof key, "n = %d, mean = %.4g, std = %.4g", m, mean, sd);
        if (m < n) {
            size_t kl = strlen(key);
            snprintf(key + kl, sizeof key - kl, " (%d left out%s)", n - m,
                     f->logy ? ": not finite or <= 0" : ": not finite");
        }
        fputs("set xrange [", c);
        put_num(c, lo - w * 0.5);
        fputc(':', c);
        put_num(c, hi + w * 0.5);
        /* headroom above the tallest bar, so it never touches the frame or the key */
        fputs("]\nset yrange [0:*]\nset offsets 0, 0, graph 0.12, 0\nset boxwidth ", c);
        put_num(c, w);
        fputs(" absolute\n", c);
        if (f->logy)
            fputs("set logscale y\nset yrange [0.8:*]\nset format y '%g'\n", c);
        if (pic.dumb) {
            fputs("set style fill solid 0.25 border\n", c);
            fputs("plot $h using 1:2 with boxes", c);
        } else {
            char hex[8];
            color_hex(0, 0.75, hex);
            fputs("set key top left inside opaque\n", c);
            fprintf(c, "set style fill solid 1.0 border lc rgb '#1f3f66'\n"
                       "plot $h using 1:2 with boxes lc rgb '%s'", hex);
        }
        put_title(c, key);
        fputc('\n', c);
    }
    free(sorted);
    return pic_end(p, &pic, f, err);
}

/* ---- maps ---- */

/* Round contour levels strictly inside (lo, hi): about `want` of them at a
 * step of 1, 2 or 5 times a power of ten. */
static int nice_levels(double lo, double hi, int want, double *lev)
{
    if (!(hi > lo) || want < 1)
        return 0;
    static const double nice[] = {1, 2, 2.5, 5, 10};
    double raw = (hi - lo) / want, mag = pow(10, floor(log10(raw))), step = mag;
    for (int i = 1; i < 5; i++) /* the nice step nearest to raw on a log scale */
        if (fabs(log(nice[i] * mag / raw)) < fabs(log(step / raw)))
            step = nice[i] * mag;
    double first = ceil(lo / step) * step;
    int n = 0;
    for (int i = 0; n < PLOT_MAX_LEVELS && i < 4 * PLOT_MAX_LEVELS; i++) {
        double l = first + i * step;
        if (fabs(l) < step * 1e-9)
            l = 0;
        if (l >= hi)
            break;
        if (l > lo)
            lev[n++] = l;
    }
    return n;
}

/* The value contours are drawn on: z, or log10 z on a log colour scale. */
static double cz(const PlotMap *m, double z)
{
    if (!m->logz)
        return z;
    return z > 0 ? log10(z) : NAN;
}

/* Contours of $m at the given levels (in cz units) into datablock name. */
static void put_contour_table(FILE *c, const char *name, const PlotMap *m, const double *lev,
                              int n, bool dense)
{
    /* dense: for dots in the terminal, points interpolated along the
     * lines (a spline through gnuplot's points, so they stay on the level) */
    fprintf(c, "set contour base\nunset surface\nset cntrparam %s levels discrete ",
            dense ? "cubicspline points 4" : "linear");
    for (int i = 0; i < n; i++) {
        if (i)
            fputc(',', c);
        put_num(c, lev[i]);
    }
    fprintf(c, "\nset table %s\nsplot $m using 1:2:%s with lines notitle\nunset table\n"
               "unset contour\nset surface\n", name, m->logz ? "(log10($3))" : "3");
}

static void fmt_level(const PlotMap *m, double l, char *buf, size_t n)
{
    snprintf(buf, n, "%.3g", m->logz ? pow(10, l) : l);
}

int plot_map(Plot *p, const PlotFrame *f, const PlotMap *m, const PlotSeries *s, int n_series,
             char *err)
{
    if (!p || !f || !m || n_series < 0 || (n_series > 0 && !s))
        return util_err(err, "plot: nothing to draw");
    int skip = frame_skipped(p, f, err);
    if (skip != 0)
        return skip > 0 ? 0 : -1;
    if (m->nx < 2 || m->ny < 2 || !m->z || (long)m->nx * m->ny > 4000000L)
        return util_err(err, "plot: a map needs a grid of at least 2x2 values");
    if (!(isfinite(m->x0) && isfinite(m->x1) && isfinite(m->y0) && isfinite(m->y1)) ||
        m->x0 == m->x1 || m->y0 == m->y1)
        return util_err(err, "plot: the map's x and y ranges must be finite and not empty");
    bool classes = m->style == PLOT_CLASSES;
    size_t cells = (size_t)m->nx * (size_t)m->ny;
    double zlo = INFINITY, zhi = -INFINITY;
    for (size_t i = 0; i < cells; i++) {
        double v = classes ? m->z[i] : cz(m, m->z[i]);
        if (isfinite(v)) {
            zlo = v < zlo ? v : zlo;
            zhi = v > zhi ? v : zhi;
        }
    }
    if (!(zlo <= zhi))
        return util_err(err, m->logz ? "plot: nothing to draw on a logarithmic colour scale: "
                                       "no value of the map is above 0"
                                     : "plot: every value of the map is NaN or infinite");
    int *color = calloc((size_t)n_series + 1, sizeof *color);
    if (!color)
        return util_err(err, "out of memory");
    pick_colors(s, n_series, color);
    Pic pic;
    if (pic_begin(p, &pic, f, err) != 0) {
        free(color);
        return -1;
    }
    FILE *c = pic.c;
    double dx = (m->x1 - m->x0) / (m->nx - 1), dy = (m->y1 - m->y0) / (m->ny - 1);
    int K = m->n_classes > 1 ? m->n_classes : 2;

    /* the grid: x y z, one scan per row */
    fputs("$m << EOD\n", c);
    for (int j = 0; j < m->ny; j++) {
        for (int i = 0; i < m->nx; i++) {
            double z = m->z[(size_t)j * m->nx + i];
            put_num(c, m->x0 + i * dx);
            fputc(' ', c);
            put_num(c, m->y0 + j * dy);
            fputc(' ', c);
            put_num(c, m->logz && !(z > 0) ? NAN : z);
            fputc('\n', c);
        }
        fputc('\n', c);
    }
    fputs("EOD\n", c);

    /* contour levels (in cz units) */
    double lev[PLOT_MAX_LEVELS];
    int n_lev = 0;
    if (!classes) {
        int want = m->contours > 0 ? m->contours : pic.dumb ? 4 : 8;
        if (want > PLOT_MAX_LEVELS)
            want = PLOT_MAX_LEVELS;
        n_lev = nice_levels(zlo, zhi, want, lev);
    }
    double bold = m->level ? cz(m, *m->level) : NAN;
    bool has_bold = isfinite(bold) && bold > zlo && bold < zhi;
    char num[32], text[PLOT_TEXT_MAX];

    if (n_lev > 0)
        put_contour_table(c, "$c", m, lev, n_lev, pic.dumb);
    if (has_bold)
        put_contour_table(c, "$b", m, &bold, 1, false);

    /* terminal classes: one cell per character cell, one character per class */
    if (pic.dumb && classes) {
        int gx = 2 * pic.cols, gy = 2 * pic.rows; /* at least one point in every cell */
        for (int k = 0; k < K && k < 8; k++) {
            fprintf(c, "$r%d << EOD\n", k);
            for (int b = 0; b < gy; b++)
                for (int a = 0; a < gx; a++) {
                    int i = (int)lround((double)a * (m->nx - 1) / (gx - 1));
                    int j = (int)lround((double)b * (m->ny - 1) / (gy - 1));
                    double z = m->z[(size_t)j * m->nx + i];
                    if (!isfinite(z) || (((long)lround(z) % 8) + 8) % 8 != k)
                        continue;
                    put_num(c, m->x0 + a * (m->x1 - m->x0) / (gx - 1));
                    fputc(' ', c);
                    put_num(c, m->y0 + b * (m->y1 - m->y0) / (gy - 1));
                    fputc('\n', c);
                }
            fputs("EOD\n", c);
        }
    }
    Cells box = {m->x0, m->x1, m->y0, m->y1, pic.cols, pic.rows, false};
    for (int k = 0; k < n_series; k++)
        if (drawable(&s[k]))
            put_series_block(c, k, &s[k], false, pic.dumb ? &box : NULL);

    fputs("set xrange [", c);
    put_num(c, fmin(m->x0, m->x1));
    fputc(':', c);
    put_num(c, fmax(m->x0, m->x1));
    fputs("]\nset yrange [", c);
    put_num(c, fmin(m->y0, m->y1));
    fputc(':', c);
    put_num(c, fmax(m->y0, m->y1));
    fputs("]\n", c);

    bool first = true;
#define NEXT() (first ? (void)(first = false) : (void)fputs(", \\\n     ", c))
    if (pic.dumb) {
        fputs("plot ", c);
        if (classes) {
            for (int k = 0; k < K && k < 8; k++) {
                NEXT();
                snprintf(text, sizeof text, "class %d area", k);
                char ch[2] = {region_char[k], 0};
                fprintf(c, "$r%d using 1:2 with points pt ", k);
                put_q(c, ch);
                put_title(c, text);
            }
        }
        if (n_lev > 0) { /* every level in one plain character, named in one key entry */
            NEXT();
            int at = snprintf(text, sizeof text, "contours of %s at",
                              m->zlabel && *m->zlabel ? m->zlabel : "z");
            for (int l = 0; l < n_lev && at > 0 && (size_t)at < sizeof text; l++) {
                fmt_level(m, lev[l], num, sizeof num);
                at += snprintf(text + at, sizeof text - (size_t)at, " %s", num);
            }
            fputs("$c using 1:2 with dots", c);
            put_title(c, text);
        }
    } else {
        if (classes) {
            fputs("unset colorbox\n$rgb << EOD\n", c);
            for (int j = 0; j < m->ny; j++)
                for (int i = 0; i < m->nx; i++) {
                    size_t at = (size_t)j * m->nx + i;
                    double z = m->z[at], q = m->conf ? m->conf[at] : 1;
                    unsigned r = 255, g = 255, b = 255;
                    if (isfinite(z)) {
                        /* saturation from chance (1/K: white) to sure (1: full) */
                        double sat = (isfinite(q) ? q - 1.0 / K : 0) / (1 - 1.0 / K);
                        char hex[8];
                        color_hex((int)lround(z), 0.12 + 0.6 * (sat < 0 ? 0 : sat > 1 ? 1 : sat),
                                  hex);
                        unsigned long rgb = strtoul(hex + 1, NULL, 16);
                        r = (unsigned)(rgb >> 16) & 255;
                        g = (unsigned)(rgb >> 8) & 255;
                        b = (unsigned)rgb & 255;
                    }
                    put_num(c, m->x0 + i * dx);
                    fputc(' ', c);
                    put_num(c, m->y0 + j * dy);
                    fprintf(c, " %u %u %u\n", r, g, b);
                }
            fputs("EOD\nplot ", c);
            NEXT();
            fputs("$rgb using 1:2:3:4:5 with rgbimage notitle", c);
        } else {
            fputs("set palette defined (0 '#440154', 1 '#3b528b', 2 '#21918c', 3 '#5ec962', "
                  "4 '#fde725')\nset cblabel ", c);
            put_q(c, m->zlabel);
            fputs(" noenhanced font ',12'\n", c);
            if (m->logz)
                fputs("set logscale cb\nset format cb '%g'\n", c);
            fputs("plot ", c);
            if (m->style == PLOT_HEAT) {
                NEXT();
                fputs("$m using 1:2:3 with image notitle", c);
            }
            if (n_lev > 0) {
                NEXT();
                if (m->style == PLOT_HEAT)
                    fputs("$c using 1:2 with lines lw 1 lc rgb '#70000000' notitle", c);
                else
                    fprintf(c, "$c using 1:2:(%s) with lines lw 2 lc palette notitle",
                            m->logz ? "10**$3" : "$3");
            }
        }
    }
    if (has_bold) {
        NEXT();
        fmt_level(m, bold, num, sizeof num);
        snprintf(text, sizeof text, "%s = %s", m->zlabel && *m->zlabel ? m->zlabel : "z", num);
        if (pic.dumb) /* '=': no series uses it */
            fputs("$b using 1:2 with lines lt 7", c);
        else
            fputs("$b using 1:2 with lines lw 3.5 lc rgb '#000000'", c);
        put_title(c, text);
    }
    /* in the terminal a path (a line series) is drawn in 'o', unless points
     * of colour 0 already are */
    char path_ch = 'o';
    for (int k = 0; k < n_series; k++)
        if (drawable(&s[k]) && s[k].style == PLOT_POINTS && point_char[color[k]] == 'o')
            path_ch = point_char[3];
    for (int k = 0; k < n_series; k++) {
        if (!drawable(&s[k]))
            continue;
        NEXT();
        put_series_elem(c, &pic, k, &s[k], color[k], true,
                        s[k].style == PLOT_POINTS ? point_char[color[k]] : path_ch);
    }
    if (first) /* nothing at all to draw: an empty frame */
        fputs("2 notitle", c);
#undef NEXT
    fputc('\n', c);
    free(color);
    return pic_end(p, &pic, f, err);
}
