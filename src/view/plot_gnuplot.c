/* plot_gnuplot.c — gnuplot itself, for the plot module. It runs as a child
 * process in its own process group (so Ctrl-C at the terminal never
 * reaches it) and talks to us through three pipes. Each picture is written
 * whole: datablocks of numbers, then settings and one plot command, then a
 * sync marker (`print 'PLOTSYNC-n'`, which gnuplot writes to its stderr).
 * We read its stdout and stderr with poll() until the marker comes back,
 * so a call never hangs (a timeout kills gnuplot), a dead gnuplot is
 * noticed and reaped, anything gnuplot complained about is returned as the
 * error, and a file or terminal picture is finished when the call returns.
 * A live frame (a window during training) is only queued and fed to
 * gnuplot as its pipe takes it, one frame at a time: frames that come
 * while gnuplot is busy are dropped. Every piece of user text is written
 * as a gnuplot single-quoted string, where gnuplot performs no backquote,
 * macro or backslash substitution. This file also chooses where pictures
 * go (window, terminal, PNG, SVG). */
#include "plot_gnuplot.h"

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

/* Okabe and Ito's colour-blind-safe palette, ordered so that two classes
 * get blue and vermillion and yellow (weak on white) comes last. */
static const unsigned palette[8] = {
    0x0072B2, 0xD55E00, 0x009E73, 0xCC79A7, 0xE69F00, 0x56B4E9, 0x000000, 0xF0E442,
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
void plot_put_q(FILE *c, const char *text)
{
    char q[PLOT_TEXT_MAX];
    fputs(plot_quote(text, q, sizeof q), c);
}

/* text cut to at most width characters into buf (n bytes), on a UTF-8
 * boundary and ending in "…" when it was longer: the dumb terminal drops
 * a centred title wider than the picture altogether. */
const char *plot_fit_width(const char *text, int width, char *buf, size_t n)
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
void plot_put_num(FILE *c, double v)
{
    if (isfinite(v))
        fprintf(c, "%.17g", v);
    else
        fputs("NaN", c);
}

/* "#rrggbb" of palette colour k blended toward white: s = 1 is the colour
 * itself, s = 0 white. */
void plot_color_hex(int k, double s, char out[8])
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

/* Stops a gnuplot that did not answer in time: -1 with err saying so. */
int plot_gp_timed_out(Plot *p, char *err)
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
int plot_gp_pump(Plot *p, bool block, bool wait, char *err)
{
    double deadline = util_now() + p->timeout_ms / 1000.0;
    for (;;) {
        bool writing = p->pend_off < p->pend.len;
        bool last = !block || (!writing && !(wait && p->acked < p->sent));
        int ms = 0;
        if (!last) {
            double left = deadline - util_now();
            if (left <= 0)
                return plot_gp_timed_out(p, err);
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
int plot_gp_queue(Plot *p, const char *s, size_t len, char *err)
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
int plot_gp_start(Plot *p, char *err)
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
    rc = plot_gp_queue(p, hello, (size_t)n, err) || plot_gp_pump(p, true, true, err) ? -1 : 0;
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
        if (plot_gp_start(p, err) != 0)
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
    if (!p->terms_known && plot_gp_start(p, NULL) != 0)
        return PLOT_TERMINAL;
    return p->window_term[0] ? PLOT_WINDOW : PLOT_TERMINAL;
}

bool plot_is_live(Plot *p)
{
    return plot_target(p) == PLOT_WINDOW;
}

/* The dumb terminal's size: the terminal behind echo, else $COLUMNS and
 * $LINES, else 80x24; two rows are left for the prompt. */
void plot_dumb_size(const Plot *p, int *cols, int *rows)
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
void plot_out_name(const Plot *p, const PlotFrame *f, PlotTarget t, char *buf, size_t n)
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
            snprintf(buf, n, "%s files named after each plot and its arguments (loss.%s, maps-A1.%s ...)",
                     t == PLOT_PNG ? "png" : "svg", t == PLOT_PNG ? "png" : "svg", t == PLOT_PNG ? "png" : "svg");
        break;
    default:
        plot_dumb_size(p, &cols, &rows);
        snprintf(buf, n, "terminal (%dx%d)", cols, rows);
        break;
    }
    return buf;
}

