/* repl.c — reading commands. The interactive loop wraps GNU Readline
 * behind a few calls (prompt, completion, history, signals); batch mode
 * reads plain lines, so scripts and tests never need a terminal. The
 * SIGINT handler sets a flag: at the prompt it clears the line,
 * during `train` or `step` the loop stops at the next step boundary; the
 * third Ctrl-C during one command quits (the command did not stop). */
#include "repl.h"
#include "cmd_lesson.h"

#include <errno.h>
#include <fcntl.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <sys/stat.h>
#include <unistd.h>

volatile sig_atomic_t repl_interrupted = 0;
static volatile sig_atomic_t sigint_count = 0; /* Ctrl-C in a row at the prompt, or during one command */
static volatile sig_atomic_t in_command = 0;   /* a command typed at the prompt is running */

/* The first Ctrl-C during a command asks it to stop at its next step; when
 * it has not stopped by the third, paramlab quits (as three at the prompt
 * do), saying so with write(), which a handler may call. */
static void on_sigint(int sig)
{
    (void)sig;
    repl_interrupted = 1;
    sigint_count++;
    if (!in_command || sigint_count < 2)
        return;
    static const char once_more[] = "\n(Ctrl-C once more quits)\n", quits[] = "\nthree Ctrl-C: quitting\n";
    if (sigint_count == 2) {
        ssize_t w = write(STDOUT_FILENO, once_more, sizeof once_more - 1);
        (void)w;
        return;
    }
    ssize_t w = write(STDOUT_FILENO, quits, sizeof quits - 1);
    (void)w;
    _exit(130);
}

void repl_signals(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_sigint;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = 0; /* no SA_RESTART: a blocked read returns EINTR */
    sigaction(SIGINT, &sa, NULL);
}

/* ---- batch ---- */

/* Where a failed command of a -c line is: "-c:LINE:K:" (K-th command). */
typedef struct SegPlace {
    const char *name;
    long lineno;
} SegPlace;

static void report_segment(CmdCtx *c, int k, const char *text, void *ctx)
{
    const SegPlace *at = ctx;
    (void)text;
    fflush(c->out);
    if (cmd_lesson_err_located(c)) /* "FILE:LINE:" of the file it ran, once */
        fprintf(stderr, "%s\n", c->err);
    else
        fprintf(stderr, "%s:%ld:%d: %s\n", at->name, at->lineno, k, c->err);
}

static int run_line(CmdCtx *c, const char *line, const char *name, long lineno, bool *failed, bool each, bool bail)
{
    if (each) { /* -c: every command is its own line, as --batch has them */
        SegPlace at = {name, lineno};
        int rc = cmd_exec_each(c, line, bail, report_segment, &at);
        *failed |= rc < 0;
        return rc;
    }
    int rc = cmd_exec_line(c, line);
    if (rc < 0) {
        fflush(c->out);
        if (cmd_lesson_err_located(c)) /* "FILE:LINE:" of the file it ran, once */
            fprintf(stderr, "%s\n", c->err);
        else
            fprintf(stderr, "%s:%ld: %s\n", name, lineno, c->err);
        *failed = true;
    }
    return rc;
}

#define REPL_MAX_LINE (16u << 20) /* bytes of one line kept; the rest is refused */

/* Reads one line (without its '\n') into *line, keeping at most
 * REPL_MAX_LINE bytes and reading past the rest (*too_long then), so
 * endless input cannot fill memory. -1 at the end of the input, on a read
 * error or when Ctrl-C interrupts a long line. */
static int batch_line(FILE *in, char **line, size_t *cap, bool *too_long)
{
    size_t n = 0;
    int ch = EOF;
    *too_long = false;
    while ((ch = getc(in)) != EOF && ch != '\n') {
        if (n >= REPL_MAX_LINE) {
            *too_long = true;
            if (repl_interrupted)
                return -1;
            continue;
        }
        if (n + 1 >= *cap) {
            size_t nc = *cap ? 2 * *cap : 256;
            char *p = realloc(*line, nc);
            if (!p) {
                *too_long = true;
                continue;
            }
            *line = p;
            *cap = nc;
        }
        (*line)[n++] = (char)ch;
    }
    if (ch == EOF && n == 0 && !*too_long)
        return -1;
    if (!*line && !(*line = malloc(*cap = 1)))
        return -1;
    (*line)[n] = '\0';
    return 0;
}

/* repl_batch; each: a line's commands run (and fail) one by one, as -c's. */
static int batch_run(CmdCtx *c, FILE *in, const char *name, bool bail, bool each)
{
    char *line = NULL;
    size_t cap = 0;
    long lineno = 0;
    bool failed = false, too_long;
    int code = 0;
    while (!c->quit && batch_line(in, &line, &cap, &too_long) == 0) {
        lineno++;
        int rc = -1;
        if (too_long) {
            fflush(c->out);
            fprintf(stderr, "%s:%ld: the line is longer than %u MB: split it into shorter lines\n", name, lineno,
                    REPL_MAX_LINE >> 20);
            failed = true;
        } else {
            rc = run_line(c, line, name, lineno, &failed, each, bail);
        }
        if (repl_interrupted) {
            code = 130;
            break;
        }
        if (rc < 0 && bail)
            break;
    }
    free(line);
    if (repl_interrupted)
        code = 130;
    if (!code && ferror(in)) {
        fflush(c->out);
        fprintf(stderr, "%s:%ld: cannot read: %s; give a file of commands\n", name, lineno + 1, strerror(errno));
        failed = true;
    }
    if (code)
        return code;
    return failed ? 1 : 0;
}

int repl_batch(CmdCtx *c, FILE *in, const char *name, bool bail)
{
    return batch_run(c, in, name, bail, false);
}

int repl_string(CmdCtx *c, const char *text, const char *name, bool bail)
{
    FILE *f = fmemopen((void *)text, strlen(text), "r");
    if (!f) {
        fprintf(stderr, "%s: %s\n", name, strerror(errno));
        return 1;
    }
    int rc = batch_run(c, f, name, bail, true);
    fclose(f);
    return rc;
}

/* ---- history ---- */

/* The history file: $PARAMLAB_HISTORY, else $XDG_STATE_HOME/paramlab/history,
 * else ~/.local/state/paramlab/history. Creates the directory; "" when no
 * place is known. */
static void history_path(char *buf, size_t n)
{
    const char *env = getenv("PARAMLAB_HISTORY");
    buf[0] = '\0';
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return;
    }
    char dir[4096];
    const char *xdg = getenv("XDG_STATE_HOME");
    const char *home = getenv("HOME");
    if (xdg && *xdg)
        snprintf(dir, sizeof dir, "%s", xdg);
    else if (home && *home)
        snprintf(dir, sizeof dir, "%s/.local/state", home);
    else
        return;
    /* mkdir -p dir/paramlab */
    char path[4300];
    snprintf(path, sizeof path, "%s/paramlab", dir);
    for (char *p = path + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0700);
            *p = '/';
        }
    mkdir(path, 0700);
    snprintf(buf, n, "%s/history", path);
}

static char hist_file[4400];

static void history_open(void)
{
    history_path(hist_file, sizeof hist_file);
    if (!hist_file[0])
        return;
    /* O_NONBLOCK: a pipe is refused below instead of waiting for a reader */
    int fd = open(hist_file, O_CREAT | O_WRONLY | O_APPEND | O_NONBLOCK | O_CLOEXEC, 0600);
    if (fd < 0) {
        fprintf(stderr, "paramlab: history not kept: cannot open %s: %s\n", hist_file, strerror(errno));
        hist_file[0] = '\0';
        return;
    }
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        fprintf(stderr, "paramlab: history not kept: %s is not a regular file (a device or a pipe)\n", hist_file);
        close(fd);
        hist_file[0] = '\0';
        return;
    }
    fchmod(fd, 0600);
    close(fd);
    read_history(hist_file);
    stifle_history(1000);
}

static void history_save(const char *line)
{
    HIST_ENTRY *last = history_length > 0 ? history_get(history_base + history_length - 1) : NULL;
    if (last && strcmp(last->line, line) == 0)
        return;
    add_history(line);
    if (hist_file[0]) {
        int e = append_history(1, hist_file);
        if (e == 0)
            e = history_truncate_file(hist_file, 1000);
        if (e != 0) { /* said once; the session goes on without */
            fprintf(stderr, "paramlab: history not kept from now on: cannot write %s: %s\n", hist_file, strerror(e));
            hist_file[0] = '\0';
        }
    }
}

/* ---- completion ---- */

static CmdCtx *complete_ctx; /* the context Tab completes in (its session c->s may be swapped) */
static char **cands;
static size_t n_cands, cap_cands;
static const char *cand_prefix;

static void add_cand(void *ctx, const char *word)
{
    (void)ctx;
    if (strncmp(word, cand_prefix, strlen(cand_prefix)) != 0)
        return;
    for (size_t i = 0; i < n_cands; i++)
        if (strcmp(cands[i], word) == 0)
            return;
    if (n_cands == cap_cands) {
        size_t nc = cap_cands ? 2 * cap_cands : 32;
        char **p = realloc(cands, nc * sizeof *p);
        if (!p)
            return;
        cands = p;
        cap_cands = nc;
    }
    char *w = strdup(word);
    if (w)
        cands[n_cands++] = w;
}

static char *cand_generator(const char *text, int state)
{
    static size_t i;
    (void)text;
    if (state == 0)
        i = 0;
    return i < n_cands ? strdup(cands[i++]) : NULL;
}

/* File names for the word being typed, after the words cmd_complete gave
 * (predict's `row`): readline's, less those cmd_complete_file_fits leaves
 * out for file_kind. */
static CmdComplete file_kind;

static char *file_generator(const char *text, int state)
{
    static size_t i;
    static int files;
    if (state == 0)
        i = 0, files = 0;
    if (i < n_cands)
        return strdup(cands[i++]);
    char *name;
    while ((name = rl_filename_completion_function(text, files++)) != NULL) {
        if (cmd_complete_file_fits(file_kind, name))
            return name;
        free(name);
    }
    return NULL;
}

static char **complete(const char *text, int start, int end)
{
    (void)end;
    for (size_t i = 0; i < n_cands; i++)
        free(cands[i]);
    n_cands = 0;
    cand_prefix = text;
    rl_attempted_completion_over = 1;
    CmdComplete kind = cmd_complete(complete_ctx, rl_line_buffer, start, text, add_cand, NULL);
    if (kind != COMPLETE_WORDS) {
        file_kind = kind;
        rl_filename_completion_desired = 1;
        return rl_completion_matches(text, file_generator);
    }
    bool all_eq = n_cands > 0;
    for (size_t i = 0; i < n_cands; i++)
        if (cands[i][strlen(cands[i]) - 1] != '=')
            all_eq = false;
    rl_completion_append_character = all_eq ? '\0' : ' ';
    return rl_completion_matches(text, cand_generator);
}

/* Readline's callback interface: the line arrives here. */
static char *got_line;  /* the line read, NULL at end of input */
static bool line_done;  /* a line (or end of input) arrived */

static void on_line(char *line)
{
    got_line = line;
    line_done = true;
    rl_callback_handler_remove();
}

/* Reads one line at the prompt. Returns the line (caller frees), NULL at
 * Ctrl-D; *interrupted is set when Ctrl-C discarded the line instead. */
static char *read_line(const char *prompt, bool *interrupted)
{
    *interrupted = false;
    line_done = false;
    got_line = NULL;
    repl_interrupted = 0;
#ifdef RL_STATE_EOF
    /* readline keeps the Ctrl-D of the last line read (a lesson's prompt
     * or answer) and would print an extra newline after every line */
    rl_eof_found = 0;
    RL_UNSETSTATE(RL_STATE_EOF);
#endif
    rl_callback_handler_install(prompt, on_line);
    while (!line_done) {
        fd_set fds;
        FD_ZERO(&fds);
        FD_SET(fileno(rl_instream), &fds);
        int r = select(fileno(rl_instream) + 1, &fds, NULL, NULL, NULL);
        if (r < 0) {
            if (errno != EINTR)
                break;
            if (repl_interrupted) {
                /* drop what was typed, keep it visible, start a fresh line */
                rl_point = rl_end;
                rl_redisplay();
                fputs("^C\n", rl_outstream);
                fflush(rl_outstream);
                rl_replace_line("", 0);
                rl_free_line_state();
                rl_callback_sigcleanup();
                rl_callback_handler_remove();
                *interrupted = true;
                return NULL;
            }
            continue;
        }
        rl_callback_read_char();
    }
    return got_line;
}

/* The read_line hook of the commands (an `ask` answer, Enter at `pause`):
 * no completion, no history. NULL at Ctrl-D or Ctrl-C (repl_interrupted
 * says which). */
static char *hook_read_line(void *ctx, const char *prompt)
{
    (void)ctx;
    bool interrupted;
    int inhibit = rl_inhibit_completion;
    rl_inhibit_completion = 1;
    sig_atomic_t was = in_command;
    sigint_count = 0; /* the command is waiting for an answer: it heard any Ctrl-C before */
    in_command = 0;
    char *line = read_line(prompt, &interrupted);
    in_command = was;
    rl_inhibit_completion = inhibit;
    if (interrupted)
        repl_interrupted = 1;
    return line;
}

int repl_interactive(CmdCtx *c, bool quiet, const char *lesson)
{
    complete_ctx = c;
    c->read_line = hook_read_line;
    c->read_ctx = NULL;
    rl_readline_name = "paramlab";
    rl_attempted_completion_function = complete;
    rl_basic_word_break_characters = " \t;";
    rl_catch_signals = 0;
    history_open();
    int code = 0;
    if (lesson) {
        repl_interrupted = 0;
        int rc = cmd_lesson_start(c, lesson, false);
        if (rc < 0 && !cmd_lesson_active(c)) { /* refused before anything ran */
            fprintf(stderr, "%s\n", c->err);
            code = 1;
            c->quit = true;
        } else if (rc < 0) {
            fprintf(stderr, "%s\n", c->err);
        }
    } else if (!quiet) {
        printf("paramlab %s — watch a model learn its parameters, one number at a time.\n"
               "New here? Type `lesson 1` to start the first lesson (`lesson` lists them all),\n"
               "or try: data line; model linear; forward; loss; backward; update\n"
               "`help` lists every command; Tab completes; Ctrl-D quits.\n",
               PARAMLAB_VERSION);
    }
    while (!c->quit) {
        char prompt[192];
        bool interrupted;
        cmd_lesson_prompt(c, prompt, sizeof prompt);
        char *line = read_line(prompt, &interrupted);
        if (interrupted) {
            if (sigint_count >= 3) {
                code = 130;
                break;
            }
            if (sigint_count == 2)
                printf("(Ctrl-C once more quits; Ctrl-D or `quit` leaves)\n");
            continue;
        }
        if (!line) { /* Ctrl-D */
            printf("\n");
            if (cmd_lesson_leave(c, "you left the lesson"))
                continue; /* inside a lesson: back to the learner's own session */
            break;
        }
        sigint_count = 0;
        const char *p = line;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p)
            history_save(line);
        repl_interrupted = 0;
        in_command = 1;
        /* during a lesson, Enter on an empty line goes on */
        int rc = cmd_exec_line(c, !*p && cmd_lesson_active(c) ? "next" : line);
        in_command = 0;
        free(line);
        if (rc < 0)
            fprintf(stderr, "%s\n", c->err);
        if (repl_interrupted && sigint_count < 2)
            sigint_count = 0; /* a stopped command is not a request to quit (a second Ctrl-C was told it is) */
        if (c->quit)
            break;
    }
    for (size_t i = 0; i < n_cands; i++)
        free(cands[i]);
    free(cands);
    cands = NULL;
    n_cands = cap_cands = 0;
    rl_clear_history();
    c->read_line = NULL;
    return code;
}
