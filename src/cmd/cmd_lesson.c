/* cmd_lesson.c — lessons, scripts and recordings as commands. A lesson is
 * taken one part at a time: the prose up to a block, then the block's
 * commands, shown and run; between parts the prompt is the learner's.
 * `redo` rebuilds the state a block started from by replaying the lesson
 * up to it in a fresh session (lessons are seeded, so the replay is
 * exact) and swapping that session in. Every command that succeeds is
 * kept in a log from the start of the session, so `record` can write a
 * script that `run` replays to the same state. Errors inside files are
 * reported as "FILE:LINE: message"; lines a person types come through the
 * context's read_line hook, so nothing here touches the terminal. */
#include "cmd_lesson.h"

#include <ctype.h>
#include <stdarg.h>
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "cmd_policy.h"
#include "cmd_page.h"
#include "cmd_plot.h"
#include "lesson.h"

#define RUN_DEPTH 8        /* files run inside one another */

/* The lesson being taken. */
typedef struct LessonRun {
    Lesson *lesson; /* owned */
    int number;     /* the NN of its file name, 0 when it has none */
    int at;         /* blocks begun: the current block is at - 1 */
    int changed;    /* the learner changed the state since the block ran: 1, then 2 once told */
    uint64_t seed;  /* seed of the session it began in; `redo` begins there again */
    char *dir;      /* owned: the lesson file's directory (c->base_dir meanwhile) */
} LessonRun;

typedef struct CmdLessons {
    char **log;          /* (n_log) commands that succeeded since the session began */
    size_t n_log, cap_log;
    FILE *rec;           /* the record file, or NULL */
    char *rec_path;      /* its name */
    size_t rec_count;    /* commands written to it */
    bool rec_failed;     /* a write to it failed */
    int depth;           /* files and lesson blocks running inside one another */
    bool err_located;    /* the error holds its FILE:LINE already (set in a file run inside) */
    struct stat running[RUN_DEPTH]; /* (n_running) the files being run, outermost first */
    int n_running;
    int straight;        /* > 0: in `run` or --check: pause does not wait, ask answers itself */
    long expects;        /* expectations met, counted for --check */
    LessonRun *run;      /* the lesson being taken, or NULL */
    int want;            /* CMD_LESSON_REDO or _LEAVE: asked at an answer prompt, done when the block stops */
    Session *aside;      /* the learner's own session while a lesson runs in a fresh one, or NULL */
    char **aside_log;    /* (n_aside_log) its log, put aside with it */
    size_t n_aside_log, cap_aside_log;
} CmdLessons;

/* ---- state ---- */

/* A command the learner typed between blocks that changed the state:
 * the next part says so. */
static void lesson_after(CmdCtx *c, unsigned flags, int rc)
{
    CmdLessons *L = c->lessons;
    if (L && L->run && L->depth == 0 && L->run->changed == 0 && rc >= 0 &&
        (flags & (CMD_CHANGES_MODEL | CMD_TRAINS)))
        L->run->changed = 1;
}

static const CmdHooks lesson_hooks = {NULL, lesson_after, cmd_lesson_exec};

int cmd_lesson_init(CmdCtx *c)
{
    if (!c->lessons)
        c->lessons = calloc(1, sizeof *c->lessons);
    if (!c->lessons || cmd_hook_add(c, &lesson_hooks) != 0)
        return -1;
    return 0;
}

static CmdLessons *state(CmdCtx *c)
{
    cmd_lesson_init(c);
    return c->lessons;
}

static void log_clear(CmdLessons *L)
{
    for (size_t i = 0; i < L->n_log; i++)
        free(L->log[i]);
    L->n_log = 0;
}

static void run_free(CmdCtx *c, CmdLessons *L)
{
    if (!L->run)
        return;
    if (c->base_dir == L->run->dir)
        c->base_dir = NULL;
    lesson_free(L->run->lesson);
    free(L->run->dir);
    free(L->run);
    L->run = NULL;
}

static void rec_close(CmdLessons *L)
{
    if (!L->rec)
        return;
    if (fclose(L->rec) != 0)
        L->rec_failed = true;
    L->rec = NULL;
}

void cmd_lesson_free(CmdCtx *c)
{
    cmd_policy_free(c);
    CmdLessons *L = c->lessons;
    if (!L)
        return;
    rec_close(L);
    free(L->rec_path);
    run_free(c, L);
    log_clear(L);
    free(L->log);
    session_free(L->aside);
    for (size_t i = 0; i < L->n_aside_log; i++)
        free(L->aside_log[i]);
    free(L->aside_log);
    free(L);
    c->lessons = NULL;
}

/* ---- the log and the record file ---- */

/* Writes the header and the whole log to the record file from scratch,
 * atomically (a temporary file renamed over the name: never through a
 * link, an old file's mode kept), and keeps it open for what follows.
 * 0, or -1 with err (may be NULL) and recording stopped. */
static int rec_write_all(CmdLessons *L, char *err)
{
    rec_close(L);
    AFile a;
    if (afile_open(&a, L->rec_path, err) != 0) {
        L->rec_failed = true;
        return -1;
    }
    fprintf(a.f, "# paramlab session written by `record`: `run %s` in a fresh session\n"
                 "# (or `paramlab %s`) replays it to the same state.\n", L->rec_path, L->rec_path);
    for (size_t i = 0; i < L->n_log; i++)
        fprintf(a.f, "%s\n", L->log[i]);
    L->rec = afile_publish(&a, err);
    if (!L->rec) {
        L->rec_failed = true;
        return -1;
    }
    L->rec_count = L->n_log;
    return 0;
}

static void log_push(CmdLessons *L, const char *line)
{
    if (L->n_log == L->cap_log) {
        size_t cap = L->cap_log ? 2 * L->cap_log : 64;
        char **p = realloc(L->log, cap * sizeof *p);
        if (!p)
            return;
        L->log = p;
        L->cap_log = cap;
    }
    char *copy = util_strdup(line);
    if (!copy)
        return;
    L->log[L->n_log++] = copy;
    if (L->rec) {
        fprintf(L->rec, "%s\n", line);
        L->rec_count++;
        if (fflush(L->rec) != 0 || ferror(L->rec))
            L->rec_failed = true;
    }
}

void cmd_lesson_log_add(CmdCtx *c, const char *line)
{
    CmdLessons *L = c->lessons;
    if (!L)
        return;
    bool failed = L->rec_failed;
    log_push(L, line);
    if (L->rec && L->rec_failed && !failed) { /* said once, when it happens */
        cmd_out(c, "record: a write to %s failed (is the disk full?); recording stopped, the file is incomplete\n",
                L->rec_path);
        rec_close(L);
    }
}

/* `data load PATH ...` (a command whose file may be found beside the
 * lesson) that found PATH there: the log gets the full path, so a replay
 * elsewhere finds it too. */
static void log_data_load(CmdCtx *c, const char *text)
{
    char path[4096], found[4096], full[PATH_MAX];
    const char *name = text + strspn(text, " \t");
    int name_len = (int)strcspn(name, " \t");
    const char *p = name + name_len;
    p += strspn(p, " \t");
    if (strncmp(p, "load", 4) != 0 || !isspace((unsigned char)p[4])) {
        log_push(c->lessons, text);
        return;
    }
    p += 4 + strspn(p + 4, " \t");
    size_t n = strcspn(p, " \t");
    if (*p == '"' || n == 0 || n >= sizeof path) {
        log_push(c->lessons, text);
        return;
    }
    memcpy(path, p, n);
    path[n] = '\0';
    const char *used = cmd_path(c, path, found, sizeof found);
    if (used == path || !realpath(used, full)) {
        log_push(c->lessons, text);
        return;
    }
    size_t len = strlen(text) + strlen(full) + 16;
    char *line = malloc(len);
    if (!line)
        return;
    snprintf(line, len, "%.*s load %s%s", name_len, name, full, p + n);
    log_push(c->lessons, line);
    free(line);
}

int cmd_lesson_exec(CmdCtx *c, char *seg, int (*exec)(CmdCtx *c, char *seg))
{
    CmdLessons *L = c->lessons;
    const char *p = seg + strspn(seg, " \t");
    if (L)
        L->err_located = false; /* this command's error has no FILE:LINE yet */
    if (!L || !*p)
        return exec(c, seg);
    char *text = util_strdup(p);
    if (text)
        for (char *e = text + strlen(text); e > text && isspace((unsigned char)e[-1]);)
            *--e = '\0';
    Session *before = c->s;
    long steps = c->s->steps;
    c->record_as[0] = '\0';
    int rc = exec(c, seg);
    if (!text)
        return rc;
    /* the command's row says whether and how it is recorded */
    char word[32];
    size_t wl = strcspn(text, " \t");
    snprintf(word, sizeof word, "%.*s", (int)(wl < sizeof word ? wl : 0), text);
    const Cmd *cmd = cmd_find(word);
    unsigned flags = cmd ? cmd->flags : 0;
    if (c->lessons == L && c->s == before && !(flags & CMD_NOT_RECORDED)) {
        if (rc == 0 && (flags & CMD_EXPECTATION))
            L->expects++;
        if (rc == 0 && (flags & CMD_FILE_BESIDE) && c->base_dir) {
            log_data_load(c, text);
        } else if (rc == 0) {
            log_push(L, text);
        } else if (c->record_as[0]) {
            log_push(L, c->record_as);
        } else if (rc == 1 && (flags & CMD_TRAINS)) {
            /* stopped by Ctrl-C: the steps it took, so a replay stops there too */
            char line[48];
            if (c->s->steps > steps) {
                snprintf(line, sizeof line, "step %ld", c->s->steps - steps);
                log_push(L, line);
            }
        } else if (rc < 0 && (flags & CMD_TRAINS) && strlen(text) < 1000) {
            /* stopped by an alarm (divergence, NaN) after what it did: the
             * replay runs it into the same alarm and goes on */
            char line[1024];
            snprintf(line, sizeof line, "expect error %s", text);
            log_push(L, line);
        }
    }
    free(text);
    return rc;
}

void cmd_lesson_set_session(CmdCtx *c, Session *s)
{
    if (c->s)
        s->interrupt = c->s->interrupt;
    else if (!s->interrupt)
        s->interrupt = c->interrupt;
    session_free(c->s);
    c->s = s;
    CmdLessons *L = c->lessons;
    if (!L)
        return;
    log_clear(L);
    if (L->rec)
        rec_write_all(L, NULL);
}

/* Swaps the log with the one put aside. */
static void log_swap(CmdLessons *L)
{
    char **log = L->log;
    size_t n = L->n_log, cap = L->cap_log;
    L->log = L->aside_log, L->n_log = L->n_aside_log, L->cap_log = L->cap_aside_log;
    L->aside_log = log, L->n_aside_log = n, L->cap_aside_log = cap;
}

bool cmd_lesson_leave(CmdCtx *c, const char *why)
{
    CmdLessons *L = c->lessons;
    if (!L || !L->aside)
        return false;
    run_free(c, L);
    Session *mine = L->aside;
    L->aside = NULL;
    mine->interrupt = c->s->interrupt;
    session_free(c->s);
    c->s = mine;
    log_clear(L);
    log_swap(L);
    if (L->rec)
        rec_write_all(L, NULL);
    const Session *s = c->s;
    cmd_out(c, "(%s: your own session is back as you left it", why);
    if (s->data)
        cmd_out(c, ": data %s, %s", s->data->name, s->model ? "the model and its parameters" : "no model yet");
    cmd_out(c, ")\n");
    return true;
}

/* ---- paths ---- */

/* The directory of path (owned), "." when it has none. */
static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash)
        return util_strdup(".");
    if (slash == path)
        return util_strdup("/");
    char *d = malloc((size_t)(slash - path) + 1);
    if (d) {
        memcpy(d, path, (size_t)(slash - path));
        d[slash - path] = '\0';
    }
    return d;
}

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool ends_with(const char *s, const char *tail)
{
    size_t a = strlen(s), b = strlen(tail);
    return a >= b && strcmp(s + a - b, tail) == 0;
}

/* Where the lessons are: $PARAMLAB_LESSONS, ./lessons, the installed
 * copy, or lessons/ beside the directory of the binary. */
static bool lessons_dir(char *buf, size_t n)
{
    const char *env = getenv("PARAMLAB_LESSONS");
    if (env && *env) {
        snprintf(buf, n, "%s", env);
        return is_dir(buf);
    }
    snprintf(buf, n, "lessons");
    if (is_dir(buf))
        return true;
#ifdef PARAMLAB_DATADIR
    snprintf(buf, n, "%s/lessons", PARAMLAB_DATADIR);
    if (is_dir(buf))
        return true;
#endif
    char exe[PATH_MAX];
    ssize_t len = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (len <= 0)
        return false;
    exe[len] = '\0';
    for (int up = 0; up < 3; up++) { /* build/paramlab, build/asan/paramlab */
        char *slash = strrchr(exe, '/');
        if (!slash || slash == exe)
            return false;
        *slash = '\0';
        if ((size_t)snprintf(buf, n, "%s/lessons", exe) < n && is_dir(buf) && up > 0)
            return true;
    }
    return false;
}

/* The number a lesson's file name starts with ("03-loop.md" → 3), else 0. */
static int file_number(const char *name)
{
    const char *slash = strrchr(name, '/');
    name = slash ? slash + 1 : name;
    long v = 0;
    int k = 0;
    while (isdigit((unsigned char)name[k]) && k < 6)
        v = v * 10 + (name[k++] - '0');
    return k ? (int)v : 0;
}

static int md_filter(const struct dirent *e)
{
    return e->d_name[0] != '.' && ends_with(e->d_name, ".md") && strcasecmp(e->d_name, "README.md") != 0;
}

/* The lesson files of the lessons directory, sorted; n is their count.
 * NULL (and *n 0) when there is none. dir receives the directory. */
static struct dirent **lesson_files(char *dir, size_t dn, int *n)
{
    struct dirent **list = NULL;
    *n = 0;
    if (!lessons_dir(dir, dn))
        return NULL;
    int k = scandir(dir, &list, md_filter, alphasort);
    if (k < 0)
        return NULL;
    *n = k;
    return list;
}

static void files_free(struct dirent **list, int n)
{
    for (int i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

/* The file of lesson number `number` into path; false when none. */
static bool find_lesson(int number, char *path, size_t n)
{
    char dir[PATH_MAX];
    int k;
    struct dirent **list = lesson_files(dir, sizeof dir, &k);
    bool found = false;
    for (int i = 0; i < k && !found; i++)
        if (file_number(list[i]->d_name) == number)
            found = (size_t)snprintf(path, n, "%s/%s", dir, list[i]->d_name) < n;
    files_free(list, k);
    return found;
}

/* ---- showing ---- */

/* The terminal's rows for paging; 0 in a straight run. */
static int rows(const CmdCtx *c)
{
    return c->lessons && c->lessons->straight > 0 ? 0 : cmd_page_rows(c);
}

/* Shows Markdown prose, a screen at a time on a terminal; *key (may be
 * NULL) says what was pressed at a page break. Returns the lines it took. */
static int render(CmdCtx *c, const char *md, CmdPageKey *key)
{
    if (key)
        *key = CMD_PAGE_ON;
    const char *p = md;
    while (isspace((unsigned char)*p))
        p++;
    if (!*p)
        return 0;
    char *text = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&text, &len);
    if (!m) {
        lesson_render(c->out, md, lesson_width(c->out), lesson_color(c->out));
        cmd_out(c, "\n");
        return 0;
    }
    lesson_render(m, md, lesson_width(c->out), lesson_color(c->out));
    fputc('\n', m);
    fclose(m);
    int lines = cmd_page_text(c, text, rows(c), key);
    free(text);
    return lines;
}

/* A short Markdown message, wrapped to the terminal like the prose. */
static void say(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void say(CmdCtx *c, const char *fmt, ...)
{
    char msg[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    lesson_render(c->out, msg, lesson_width(c->out), lesson_color(c->out));
}

/* A block's line as it runs: "  > command", a comment as it is. Commands
 * whose row says CMD_NOT_ECHOED (`ask`, `pause`) present themselves. */
static void show_command(CmdCtx *c, const char *text, bool color)
{
    const char *w = text + strspn(text, " \t");
    char word[32];
    size_t n = strcspn(w, " \t;");
    snprintf(word, sizeof word, "%.*s", (int)(n < sizeof word ? n : 0), w);
    const Cmd *cmd = cmd_find(word);
    if (cmd && (cmd->flags & CMD_NOT_ECHOED))
        return;
    if (text[0] == '#')
        cmd_out(c, color ? "  \033[2m%s\033[0m\n" : "  %s\n", text);
    else
        cmd_out(c, color ? "  \033[2m>\033[0m \033[1m%s\033[0m\n" : "  > %s\n", text);
    fflush(c->out);
}

/* Runs line, from line lineno of path. On failure the error gets the
 * prefix "FILE:LINE: " once: the innermost file's, when the line ran
 * another file that failed. */
static int exec_located(CmdCtx *c, const char *text, const char *path, long lineno)
{
    c->lessons->err_located = false;
    int rc = cmd_exec_line(c, text);
    if (rc >= 0)
        return rc;
    if (c->lessons->err_located)
        return -1;
    char msg[ERR_LEN];
    snprintf(msg, sizeof msg, "%s", c->err);
    cmd_fail(c, "%s:%ld: %s", path, lineno, msg);
    c->lessons->err_located = true;
    return -1;
}

static bool interrupted(const CmdCtx *c)
{
    return c->interrupt && *c->interrupt;
}

static int check_line(void *ctx, const char *line, char *err)
{
    (void)ctx;
    return cmd_check_line(line, err);
}

/* Runs block k of l, each line shown first when echo. 0; -1 with
 * "FILE:LINE: message"; 1 when Ctrl-C stopped it. */
static int run_block(CmdCtx *c, const Lesson *l, int k, bool echo, bool color)
{
    const LessonBlock *b = &l->blocks[k];
    for (int i = 0; i < b->n_lines && !c->quit; i++) {
        const LessonLine *ln = &b->lines[i];
        if (echo)
            show_command(c, ln->text, color);
        int rc = exec_located(c, ln->text, l->path, ln->line);
        if (rc < 0)
            return rc;
        if (rc == 1 || interrupted(c))
            return 1;
    }
    return 0;
}

/* ---- straight runs: `run`, --check, a lesson file without a terminal ---- */

/* A lesson starts from known settings, whatever the session held: the
 * defaults, then the seed of --seed when one was given. Run as commands,
 * so that `record` writes them too. */
static int lesson_defaults(CmdCtx *c)
{
    char line[48];
    snprintf(line, sizeof line, "set defaults; set seed %ld", c->seed_option);
    if (!c->seed_given)
        line[strlen("set defaults")] = '\0';
    return cmd_exec_line(c, line);
}

static int run_lesson(CmdCtx *c, const char *path, int flags, CmdRunStats *st)
{
    char err[ERR_LEN];
    Lesson *l = lesson_load(path, check_line, NULL, err);
    if (!l)
        return cmd_fail(c, "%s", err);
    bool color = lesson_color(c->out);
    int rc = lesson_defaults(c);
    for (int k = 0; k < l->n_blocks && rc == 0 && !c->quit; k++) {
        if (flags & CMD_RUN_PROSE)
            render(c, l->blocks[k].prose, NULL);
        rc = run_block(c, l, k, flags & CMD_RUN_ECHO, color);
        st->commands += l->blocks[k].n_lines;
        if (rc == 0)
            st->blocks++;
        if (flags & CMD_RUN_PROSE)
            cmd_out(c, "\n");
    }
    if (rc == 0 && (flags & CMD_RUN_PROSE))
        render(c, l->tail, NULL);
    lesson_free(l);
    return rc;
}

static int run_script(CmdCtx *c, const char *path, int flags, CmdRunStats *st)
{
    char why[ERR_LEN];
    FILE *f = util_open_file(path, why);
    if (!f)
        return cmd_fail(c, "%s:1: %s", path, why + strlen(path) + 2); /* "PATH: why" → "PATH:1: why" */
    bool color = lesson_color(c->out);
    char *line = NULL;
    size_t cap = 0;
    ssize_t len;
    long lineno = 0;
    int rc = 0;
    while (rc == 0 && !c->quit && (len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        if (memchr(line, '\0', (size_t)len)) {
            rc = cmd_fail(c, "%s:%ld: a binary file, not a script of commands", path, lineno);
            break;
        }
        while (len > 0 && isspace((unsigned char)line[len - 1]))
            line[--len] = '\0';
        const char *t = line + strspn(line, " \t");
        if (!*t)
            continue;
        if ((flags & CMD_RUN_ECHO) && *t != '#')
            show_command(c, t, color);
        rc = exec_located(c, t, path, lineno);
        if (*t != '#')
            st->commands++;
        if (rc >= 0 && (rc == 1 || interrupted(c)))
            rc = 1;
    }
    if (rc == 0 && ferror(f))
        rc = cmd_fail(c, "%s:%ld: cannot read: %s", path, lineno + 1, strerror(errno));
    free(line);
    fclose(f);
    return rc;
}

/* a and b are one file (device and inode), whatever names reached them. */
static bool same_file(const struct stat *a, const struct stat *b)
{
    return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/* Whether the file at path is the one `record` is writing to. */
static bool is_record_file(const CmdLessons *L, const struct stat *at)
{
    struct stat r;
    return L->rec && fstat(fileno(L->rec), &r) == 0 && same_file(&r, at);
}

int cmd_lesson_run_file(CmdCtx *c, const char *path, int flags, CmdRunStats *st)
{
    *st = (CmdRunStats){0, 0, 0};
    CmdLessons *L = state(c);
    if (!L)
        return cmd_fail(c, "out of memory");
    if (L->depth >= RUN_DEPTH)
        return cmd_fail(c, "running %s would put files more than %d deep inside one another; does a file run itself?",
                        path, RUN_DEPTH);
    char found[4096];
    path = cmd_path(c, path, found, sizeof found);
    if (is_dir(path))
        return cmd_fail(c, "%s is a directory: give a lesson (.md) or a script of commands (.plab)", path);
    struct stat at;
    bool exists = stat(path, &at) == 0;
    if (exists && is_record_file(L, &at)) /* each line run would be written to it again, without end */
        return cmd_fail(c, "%s is the file `record` is writing to: `record stop` first, then run it", path);
    char *dir = dir_of(path);
    char *name = util_strdup(path); /* path may live in found, which nested runs do not touch, or argv */
    if (!dir || !name) {
        free(dir);
        free(name);
        return cmd_fail(c, "out of memory");
    }
    const char *saved = c->base_dir;
    c->base_dir = dir;
    L->depth++;
    L->straight++;
    c->scripted++;
    if (exists)
        L->running[L->n_running++] = at;
    long expects = L->expects;
    int rc = ends_with(name, ".md") ? run_lesson(c, name, flags, st) : run_script(c, name, flags, st);
    st->expects = L->expects - expects;
    if (exists)
        L->n_running--;
    L->depth--;
    L->straight--;
    c->scripted--;
    c->base_dir = saved;
    free(dir);
    free(name);
    return rc;
}

int cmd_run(CmdCtx *c, int argc, char **argv)
{
    CmdRunStats st;
    if (!argv[1][0])
        return cmd_fail(c, "run needs a file name, as in `run session.plab`");
    int rc = cmd_lesson_run_file(c, argv[1], CMD_RUN_ECHO, &st);
    if (rc == 1)
        cmd_out(c, "%s: stopped by Ctrl-C; what ran so far stays\n", argv[1]);
    if (rc != 0)
        return rc;
    cmd_out(c, "ran %s: %ld command%s", argv[1], st.commands, st.commands == 1 ? "" : "s");
    if (st.blocks)
        cmd_out(c, " in %d block%s", st.blocks, st.blocks == 1 ? "" : "s");
    if (st.expects)
        cmd_out(c, ", %ld expectation%s met", st.expects, st.expects == 1 ? "" : "s");
    cmd_out(c, "\n");
    return 0;
}

/* ---- record ---- */

int cmd_record(CmdCtx *c, int argc, char **argv)
{
    CmdLessons *L = state(c);
    if (!L)
        return cmd_fail(c, "out of memory");
    const char *path = argv[1];
    if (strcmp(path, "stop") == 0) {
        if (!L->rec)
            return cmd_fail(c, "not recording: `record FILE` starts writing what succeeds to FILE");
        rec_close(L);
        if (L->rec_failed)
            return cmd_fail(c, "%s is incomplete: a write to it failed (is the disk full?)", L->rec_path);
        cmd_out(c, "stopped recording: %zu command%s in %s; `run %s` replays them in a fresh session\n",
                L->rec_count, L->rec_count == 1 ? "" : "s", L->rec_path, L->rec_path);
        return 0;
    }
    if (L->rec)
        return cmd_fail(c, "already recording to %s: `record stop` first", L->rec_path);
    if (!path[0])
        return cmd_fail(c, "record needs a file name, as in `record my-session.plab`");
    if (is_dir(path))
        return cmd_fail(c, "%s is a directory: give a file name, as in `record %s/session.plab`", path, path);
    struct stat at;
    for (int i = 0; i < L->n_running && stat(path, &at) == 0; i++)
        if (same_file(&L->running[i], &at))
            return cmd_fail(c, "%s is running now: recording to it would overwrite what is being read; "
                            "record to another file", path);
    if (cmd_policy_may_write(c, path) != 0)
        return -1;
    char *name = util_strdup(path);
    if (!name)
        return cmd_fail(c, "out of memory");
    free(L->rec_path);
    L->rec_path = name;
    L->rec_failed = false;
    if (rec_write_all(L, c->err) != 0)
        return -1;
    cmd_policy_wrote(c, path);
    cmd_out(c, "recording to %s: the %zu command%s so far, then each one that succeeds; `record stop` ends it\n",
            path, L->rec_count, L->rec_count == 1 ? "" : "s");
    return 0;
}

/* ---- what ask asks of the lesson ---- */

bool cmd_lesson_straight(const CmdCtx *c)
{
    return c->lessons && c->lessons->straight > 0;
}

bool cmd_lesson_err_located(const CmdCtx *c)
{
    return c->lessons && c->lessons->err_located;
}

bool cmd_lesson_in_block(const CmdCtx *c)
{
    const CmdLessons *L = c->lessons;
    return L && L->run && L->depth == 1 && L->straight == 0;
}

void cmd_lesson_want(CmdCtx *c, int what)
{
    if (cmd_lesson_in_block(c))
        c->lessons->want = what;
}

/* ---- taking a lesson ---- */

bool cmd_lesson_active(const CmdCtx *c)
{
    return c->lessons && c->lessons->run;
}

void cmd_lesson_prompt(const CmdCtx *c, char *buf, size_t n)
{
    char base[160];
    cmd_prompt(c->s, base, sizeof base);
    if (!cmd_lesson_active(c) || strncmp(base, "paramlab", 8) != 0) {
        snprintf(buf, n, "%s", base);
        return;
    }
    const LessonRun *r = c->lessons->run;
    char num[48] = "";
    const char *title = r->lesson->title;
    if (r->number)
        snprintf(num, sizeof num, " %d", r->number);
    else if (title && *title) /* a file without a number: the start of its title */
        snprintf(num, sizeof num, " %.24s%s", title, strlen(title) > 24 ? "..." : "");
    snprintf(buf, n, "paramlab [lesson%s · %d/%d]%s", num, r->at, r->lesson->n_blocks, base + 8);
}

/* "lesson 3" or the lesson's file name, for messages. */
static const char *lesson_name(const LessonRun *r, char *buf, size_t n)
{
    if (r->number)
        snprintf(buf, n, "lesson %d", r->number);
    else
        snprintf(buf, n, "%s", r->lesson->path);
    return buf;
}

static int rebuild(CmdCtx *c);

/* Ctrl-D or `quit` at one of the lesson's prompts: as `quit` at the
 * learner's prompt. */
static int leave_lesson(CmdCtx *c)
{
    if (!cmd_lesson_leave(c, "you left the lesson"))
        c->quit = true;
    return 0;
}

/* Runs block k of the lesson for the learner and says what comes next.
 * `redo` typed at one of its questions runs it again from the lesson's
 * state before it; `quit` (or Ctrl-D) there leaves the lesson. */
static int play_block(CmdCtx *c, int k)
{
    CmdLessons *L = c->lessons;
    int n = L->run->lesson->n_blocks;
    bool color = lesson_color(c->out);
    int rc;
    for (;;) {
        L->want = 0;
        L->depth++;
        c->scripted++;
        rc = run_block(c, L->run->lesson, k, true, color);
        c->scripted--;
        L->depth--;
        if (L->want == CMD_LESSON_LEAVE) /* as `quit` at the prompt */
            return leave_lesson(c);
        if (L->want != CMD_LESSON_REDO || c->quit)
            break;
        cmd_out(c, "\n");
        if (rebuild(c) != 0)
            return -1;
    }
    L->run->changed = 0;
    if (c->quit)
        return rc;
    if (rc < 0) {
        char msg[ERR_LEN];
        snprintf(msg, sizeof msg, "%s", c->err);
        return cmd_fail(c, "%s  (`redo` runs part %d again; Enter goes on)", msg, k + 1);
    }
    cmd_out(c, "\n");
    if (rc == 1) {
        say(c, "*Stopped by Ctrl-C: the rest of part %d did not run. `redo` runs it again; Enter goes on.*", k + 1);
        return 1;
    }
    if (k == 0)
        say(c, "*[part 1 of %d] The prompt is yours: try anything. Enter on an empty line goes on, `redo` runs "
               "this part again, `lesson` says where you are.*", n);
    else if (k + 1 < n)
        say(c, "*[part %d of %d] Enter goes on.*", k + 1, n);
    else
        say(c, "*[part %d of %d, the last] Enter ends the lesson.*", k + 1, n);
    return 0;
}

/* After the last part: the closing prose, and what to do next. */
static int finish(CmdCtx *c)
{
    CmdLessons *L = c->lessons;
    LessonRun *r = L->run;
    CmdPageKey key;
    render(c, r->lesson->tail, &key);
    if (key != CMD_PAGE_ON && c->interrupt)
        *c->interrupt = 0; /* the lesson ends either way */
    char name[PATH_MAX + 16], next[PATH_MAX], dir[PATH_MAX], a[PATH_MAX], b[PATH_MAX];
    lesson_name(r, name, sizeof name);
    bool listed = lessons_dir(dir, sizeof dir) && realpath(dir, a) && realpath(r->dir, b) && strcmp(a, b) == 0;
    if (listed && r->number && find_lesson(r->number + 1, next, sizeof next))
        say(c, "That is the end of %s, \"%s\". `lesson %d` starts the next one; `lesson` lists them all.", name,
            r->lesson->title, r->number + 1);
    else
        say(c, "That is the end of %s, \"%s\". `lesson` lists the lessons; `lesson N` starts one.", name,
            r->lesson->title);
    run_free(c, L);
    cmd_lesson_leave(c, "the lesson is over");
    return 0;
}

/* The next part: its prose, then its block; the end after the last. */
static int advance(CmdCtx *c)
{
    LessonRun *r = c->lessons->run;
    if (r->at >= r->lesson->n_blocks)
        return finish(c);
    if (r->changed == 1 && r->at > 0) {
        r->changed = 2;
        say(c, "*You changed the lesson's state since part %d ran (data, model, settings or training), and part "
               "%d was written for the lesson's own. `redo` runs part %d again from the lesson's state, so yours "
               "is gone; Enter goes on with yours.*", r->at, r->at + 1, r->at);
        return 0;
    }
    int k = r->at++;
    cmd_plot_part_begins(c);
    if (k > 0)
        cmd_out(c, "\n"); /* set the part off from the prompt above it */
    CmdPageKey key;
    int lines = render(c, r->lesson->blocks[k].prose, &key);
    if (key == CMD_PAGE_ON)
        key = cmd_page_hold(c, lines, rows(c));
    if (key == CMD_PAGE_LEAVE)
        return leave_lesson(c);
    if (key == CMD_PAGE_STOP) {
        say(c, "*Stopped by Ctrl-C: part %d's commands did not run. `redo` runs them; Enter goes on.*", k + 1);
        return 1;
    }
    return play_block(c, k);
}

int cmd_lesson_start(CmdCtx *c, const char *which, bool fresh)
{
    CmdLessons *L = state(c);
    if (!L)
        return cmd_fail(c, "out of memory");
    if (L->depth > 0)
        return cmd_fail(c, "a lesson starts from the prompt, not inside a script or a lesson's block");
    char path[PATH_MAX], err[ERR_LEN];
    long number = 0;
    if (which[0] && strspn(which, "0123456789") == strlen(which)) {
        char dir[PATH_MAX];
        if (!util_parse_long(which, 1, 999999, &number))
            return cmd_fail(c, "lessons are numbered from 1: `lesson` lists them");
        if (!lessons_dir(dir, sizeof dir))
            return cmd_fail(c, "no lessons directory found (./lessons or the installed one); `lesson FILE.md` "
                               "starts a lesson file");
        if (!find_lesson((int)number, path, sizeof path))
            return cmd_fail(c, "there is no lesson %ld in %s: `lesson` lists them", number, dir);
    } else {
        snprintf(path, sizeof path, "%s", which);
        if (is_dir(path))
            return cmd_fail(c, "%s is a directory: give a lesson file (.md) or a lesson number", path);
        if (!ends_with(path, ".md") && access(path, F_OK) != 0)
            return cmd_fail(c, "'%s' is neither a lesson number nor a lesson file: `lesson` lists them", which);
    }
    Lesson *l = lesson_load(path, check_line, NULL, err);
    if (!l)
        return cmd_fail(c, "%s", err);
    LessonRun *r = calloc(1, sizeof *r);
    char *dir = dir_of(path);
    Session *s = fresh ? session_new() : NULL;
    if (!r || !dir || (fresh && !s)) {
        lesson_free(l);
        free(r);
        free(dir);
        session_free(s);
        return cmd_fail(c, "out of memory");
    }
    bool had_work = c->s->data != NULL, kept = fresh && !L->aside;
    run_free(c, L);
    if (kept) { /* the learner's own session waits for the lesson's end */
        s->interrupt = c->s->interrupt;
        L->aside = c->s;
        c->s = NULL;
        log_swap(L); /* the learner's log waits with the session */
        log_clear(L);
    }
    if (fresh)
        cmd_lesson_set_session(c, s);
    r->lesson = l;
    r->number = file_number(path);
    r->seed = c->s->seed;
    r->dir = dir;
    L->run = r;
    c->base_dir = dir;
    if (kept && (had_work || L->rec))
        cmd_out(c, "(a fresh session for the lesson: yours is put aside and comes back when the lesson ends, at "
                   "`quit` or Ctrl-D%s)\n", L->rec ? "; the record file follows the lesson meanwhile" : "");
    if (lesson_defaults(c) < 0)
        return -1;
    r->seed = c->s->seed; /* `redo` begins again from the seed the lesson begins with */
    return advance(c);
}

/* The title without a leading copy of its number ("01 · Optimizers"). */
static const char *bare_title(const char *title, int num)
{
    char *end;
    long v = strtol(title, &end, 10);
    if (end == title || v != num)
        return title;
    static const char *const seps[] = {"·", "—", "–", ".", ":", "-", NULL};
    const char *p = end + strspn(end, " ");
    for (const char *const *q = seps; *q; q++)
        if (strncmp(p, *q, strlen(*q)) == 0) {
            p += strlen(*q);
            break;
        }
    p += strspn(p, " ");
    return p > end && *p ? p : title;
}

/* Lists the lessons with their titles (and where the learner is). */
static int list_lessons(CmdCtx *c)
{
    CmdLessons *L = c->lessons;
    if (L && L->run) {
        LessonRun *r = L->run;
        char name[PATH_MAX + 16];
        cmd_out(c, "You are in %s, \"%s\": part %d of %d done. Enter goes on, `redo` runs part %d again.\n\n",
                lesson_name(r, name, sizeof name), r->lesson->title, r->at, r->lesson->n_blocks, r->at);
    }
    char dir[PATH_MAX];
    int n;
    struct dirent **list = lesson_files(dir, sizeof dir, &n);
    if (!list || n == 0) {
        files_free(list, n);
        if (L && L->run)
            return 0;
        return cmd_fail(c, "no lessons found (./lessons or the installed ones); `lesson FILE.md` starts a lesson "
                           "file");
    }
    cmd_out(c, "Lessons in %s/:\n", dir);
    for (int i = 0; i < n; i++) {
        char path[PATH_MAX + 300], title[256];
        snprintf(path, sizeof path, "%s/%s", dir, list[i]->d_name);
        if (!lesson_title(path, title, sizeof title))
            snprintf(title, sizeof title, "%s", list[i]->d_name);
        int num = file_number(list[i]->d_name);
        if (num)
            cmd_out(c, "  %3d  %s\n", num, bare_title(title, num));
        else
            cmd_out(c, "       %s  (lesson %s/%s)\n", title, dir, list[i]->d_name);
    }
    cmd_out(c, "`lesson N` starts one: its text, then its commands, one part at a time.\n");
    files_free(list, n);
    return 0;
}

int cmd_lesson(CmdCtx *c, int argc, char **argv)
{
    if (argc == 1)
        return list_lessons(c);
    return cmd_lesson_start(c, argv[1], true);
}

/* Refuses next/redo outside a lesson, or inside one of its blocks. */
static int need_lesson(CmdCtx *c, const char *what)
{
    if (!cmd_lesson_active(c))
        return cmd_fail(c, "no lesson is running, so nothing to %s: `lesson` lists them, `lesson 1` starts the "
                           "first", what);
    if (c->lessons->depth > 0)
        return cmd_fail(c, "%s works between a lesson's parts, not inside a block or a script", what);
    return 0;
}

int cmd_next(CmdCtx *c, int argc, char **argv)
{
    if (need_lesson(c, "go on to") != 0)
        return -1;
    return advance(c);
}

/* Rebuilds the state the current block started from: replays the parts
 * before it in a fresh session, silently, and swaps that in. 0, or -1
 * with c->err (nothing changed then). */
static int rebuild(CmdCtx *c)
{
    CmdLessons *L = c->lessons;
    LessonRun *r = L->run;
    int k = r->at - 1;
    /* replay the parts before this one in a fresh session, silently */
    FILE *sink = fopen("/dev/null", "w");
    CmdCtx t = {.s = session_new(), .out = sink, .interrupt = c->interrupt, .base_dir = r->dir};
    if (!t.s || !sink || cmd_lesson_init(&t) != 0) {
        session_free(t.s);
        if (sink)
            fclose(sink);
        cmd_lesson_free(&t);
        return cmd_fail(c, "out of memory");
    }
    t.s->interrupt = c->s->interrupt;
    if (t.s->seed != r->seed) {
        char line[48];
        snprintf(line, sizeof line, "set seed %llu", (unsigned long long)r->seed);
        session_set_seed(t.s, r->seed);
        cmd_lesson_log_add(&t, line);
    }
    t.lessons->depth = L->depth + 1;
    t.scripted = c->scripted + 1; /* the replayed parts write as a lesson does */
    if (k == 1)
        cmd_out(c, "redo: replaying part 1 to rebuild the state (Ctrl-C cancels) ...\n");
    else if (k > 1)
        cmd_out(c, "redo: replaying parts 1–%d to rebuild the state (Ctrl-C cancels) ...\n", k);
    fflush(c->out);
    int rc = 0;
    for (int b = 0; b < k && rc == 0; b++)
        rc = run_block(&t, r->lesson, b, false, false);
    cmd_plot_free(&t);
    fclose(sink);
    if (rc != 0) {
        char msg[ERR_LEN];
        snprintf(msg, sizeof msg, "%s", t.err);
        session_free(t.s);
        cmd_lesson_free(&t);
        if (rc == 1)
            return cmd_fail(c, "redo stopped by Ctrl-C; nothing changed");
        return cmd_fail(c, "redo could not rebuild the state before part %d: %s", k + 1, msg);
    }
    /* swap it in, with its log */
    cmd_lesson_set_session(c, t.s);
    char **log = L->log;
    size_t cap = L->cap_log;
    L->log = t.lessons->log;
    L->n_log = t.lessons->n_log;
    L->cap_log = t.lessons->cap_log;
    t.lessons->log = log;
    t.lessons->n_log = 0;
    t.lessons->cap_log = cap;
    if (L->rec)
        rec_write_all(L, NULL);
    cmd_lesson_free(&t);
    cmd_out(c, "redo: part %d again, from the lesson's own state before it (what you typed since is gone)\n",
            k + 1);
    return 0;
}

int cmd_redo(CmdCtx *c, int argc, char **argv)
{
    if (need_lesson(c, "redo") != 0 || rebuild(c) != 0)
        return -1;
    return play_block(c, c->lessons->run->at - 1);
}

/* ---- completion ---- */

CmdComplete cmd_complete_lesson(const CmdCtx *c, int argi, char **words, int n, void (*add)(void *, const char *),
                                void *ctx)
{
    char dir[PATH_MAX];
    int k;
    if (argi != 1)
        return COMPLETE_WORDS;
    struct dirent **list = lesson_files(dir, sizeof dir, &k);
    for (int i = 0; i < k; i++) {
        int num = file_number(list[i]->d_name);
        char buf[16];
        if (num) {
            snprintf(buf, sizeof buf, "%d", num);
            add(ctx, buf);
        }
    }
    files_free(list, k);
    return COMPLETE_WORDS;
}

CmdComplete cmd_complete_file(const CmdCtx *c, int argi, char **words, int n, void (*add)(void *, const char *),
                              void *ctx)
{
    return argi == 1 ? COMPLETE_FILES : COMPLETE_WORDS;
}
