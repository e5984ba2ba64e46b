/* cmd.c — the command framework: the registered table and its lookup,
 * splitting lines into commands and words, dispatch with argument checks
 * and the hooks other parts registered, assignments and bare names,
 * checking a line without running it, Tab completion and the prompt. It
 * knows no command by name: what a command is and does comes from its row
 * (the prompt names the loop's next phase). */
#include "cmd.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_WORDS 256

/* ---- the table ---- */

static const Cmd *table; /* the registered rows (borrowed), or NULL */

void cmd_register(const Cmd *rows)
{
    table = rows;
}

const Cmd *cmd_rows(void)
{
    static const Cmd none = {0};
    return table ? table : &none;
}

const Cmd *cmd_find(const char *name)
{
    for (const Cmd *cmd = cmd_rows(); cmd->name; cmd++)
        if (strcmp(cmd->name, name) == 0)
            return cmd;
    for (const Cmd *cmd = cmd_rows(); cmd->name; cmd++)
        if (cmd->alias && strcmp(cmd->alias, name) == 0)
            return cmd;
    return NULL;
}

/* ---- hooks ---- */

int cmd_hook_add(CmdCtx *c, const CmdHooks *h)
{
    for (int i = 0; i < c->n_hooks; i++)
        if (c->hooks[i] == h)
            return 0;
    if (c->n_hooks == CMD_MAX_HOOKS)
        return -1;
    c->hooks[c->n_hooks++] = h;
    return 0;
}

static void hooks_before(CmdCtx *c, const Cmd *cmd)
{
    for (int i = 0; i < c->n_hooks; i++)
        if (c->hooks[i]->before)
            c->hooks[i]->before(c, cmd);
}

static void hooks_after(CmdCtx *c, unsigned flags, int rc)
{
    for (int i = 0; i < c->n_hooks; i++)
        if (c->hooks[i]->after)
            c->hooks[i]->after(c, flags, rc);
}

/* ---- dispatch ---- */

/* Splits s into words in place: whitespace separates, "..." groups (also
 * inside a word: hint="a b" is the word hint=a b), and blanks inside [..]
 * stay in the word (W1[2:5, 0]). */
static int tokenize(CmdCtx *c, char *s, char **words, int *n)
{
    *n = 0;
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        if (*n == MAX_WORDS)
            return cmd_fail(c, "too many words on one line (at most %d)", MAX_WORDS);
        if (*s == '"') {
            char *end = strchr(s + 1, '"');
            if (!end)
                return cmd_fail(c, "unclosed quote: a \" needs its closing \"");
            *end = '\0';
            words[(*n)++] = s + 1;
            s = end + 1;
            continue;
        }
        char *w = s; /* a "..." inside a word is part of it, without its quotes: hint="go on" */
        const char *start = s;
        words[(*n)++] = w;
        int depth = 0; /* inside [..] blanks belong to the word: W1[2:5, 0] */
        while (*s && (depth > 0 || !isspace((unsigned char)*s))) {
            if (*s == '"') {
                char *end = strchr(s + 1, '"');
                if (!end)
                    return cmd_fail(c, "unclosed quote in %.*s...: a \" needs its closing \"", (int)(w - start),
                                    start);
                memmove(w, s + 1, (size_t)(end - s - 1));
                w += end - s - 1;
                s = end + 1;
                continue;
            }
            depth += *s == '[' ? 1 : *s == ']' && depth > 0 ? -1 : 0;
            *w++ = *s++;
        }
        bool more = *s != '\0';
        *w = '\0';
        if (more)
            s++;
    }
    return 0;
}

/* "unknown command" in one wording wherever it is said (typed, run or
 * checked in a lesson): the nearest command or name (the session's too,
 * when s is given) as a suggestion. Returns -1. */
static int unknown_command(CmdCtx *c, const char *word, Session *s)
{
    CmdNearest g;
    cmd_nearest_init(&g, word, strlen(word) <= 3 ? 2 : 3);
    for (const Cmd *cmd = cmd_rows(); cmd->name; cmd++)
        cmd_nearest_add(&g, cmd->name);
    if (s)
        session_names(s, cmd_nearest_add, &g);
    static const char *const known[] = {"W1", "b1", "dW1", "db1", "Z1", "A1", "dZ1", "dA1", "yhat", NULL};
    for (const char *const *k = known; *k; k++)
        cmd_nearest_add(&g, *k);
    char dym[64] = "";
    if (g.best)
        snprintf(dym, sizeof dym, " (did you mean `%s`?)", g.best);
    return cmd_fail(c, "unknown command '%s'%s; `help` lists every command, `names` every name", word, dym);
}

static int unknown_word(CmdCtx *c, const char *word)
{
    if (word[0] == '=')
        return cmd_fail(c, "an assignment needs a name on the left, as in `W1[0,0] = 0.5` or `b1 = [0, 0]`");
    if (!isalpha((unsigned char)word[0]))
        return cmd_fail(c, "'%s' is not a command: a command or a name starts with a letter (`help` lists every "
                       "command, `names` every name)", word);
    return unknown_command(c, word, c->s);
}

/* True when the segment is NAME = ... or NAME[i,j] = ... */
static bool is_assignment(const char *seg, const char **eq)
{
    const char *p = seg;
    while (isspace((unsigned char)*p))
        p++;
    if (!isalpha((unsigned char)*p))
        return false;
    while (isalnum((unsigned char)*p) || *p == '_')
        p++;
    const char *name_end = p;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '[')
        p = name_end;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close)
            return false;
        p = close + 1;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '=')
        return false;
    *eq = p;
    return true;
}

int cmd_exec_command(CmdCtx *c, char *seg)
{
    const char *eq;
    if (is_assignment(seg, &eq)) {
        char *e = seg + (eq - seg);
        *e = '\0';
        char *lhs = seg, *rhs = e + 1;
        while (isspace((unsigned char)*lhs))
            lhs++;
        for (char *t = lhs + strlen(lhs); t > lhs && isspace((unsigned char)t[-1]);)
            *--t = '\0';
        while (isspace((unsigned char)*rhs))
            rhs++;
        for (char *t = rhs + strlen(rhs); t > rhs && isspace((unsigned char)t[-1]);)
            *--t = '\0';
        /* NAME [i,j] written with a space: join */
        char joined[64];
        char *sp = strchr(lhs, ' ');
        if (sp) {
            size_t a = (size_t)(sp - lhs);
            const char *rest = sp;
            while (isspace((unsigned char)*rest))
                rest++;
            if (a + strlen(rest) + 1 > sizeof joined)
                return cmd_fail(c, "'%s' is not a name", lhs);
            snprintf(joined, sizeof joined, "%.*s%s", (int)a, lhs, rest);
            lhs = joined;
        }
        TensorName tn;
        if (tensor_name_parse(lhs, &tn) && tn.kind == 'l')
            return cmd_fail(c, "loss is computed from the model and cannot be edited; `set loss NAME` chooses the loss "
                           "function");
        if (cmd_find(lhs))
            return cmd_fail(c, "'%s' is a command; to choose a hyperparameter use `set`, as in `set lr 0.1`", lhs);
        for (const Cmd *cmd = cmd_rows(); cmd->name; cmd++)
            if (cmd->sets && cmd->sets(lhs))
                return cmd_fail(c, "%s is a hyperparameter: set it with `%s %s %s`", lhs, cmd->name, lhs,
                            *rhs && !strpbrk(rhs, " \t=") ? rhs : "VALUE");
        int rc = cmd_assign(c, lhs, rhs);
        hooks_after(c, CMD_CHANGES_MODEL, rc);
        return rc;
    }
    char *words[MAX_WORDS];
    int n;
    if (tokenize(c, seg, words, &n) != 0)
        return -1;
    if (n == 0)
        return 0;
    const Cmd *cmd = cmd_find(words[0]);
    if (!cmd) {
        /* a bare name or element prints it */
        char name[32];
        size_t nl = strcspn(words[0], "[");
        bool is_name = nl > 0 && nl < sizeof name;
        if (is_name) {
            Tensor t;
            memcpy(name, words[0], nl);
            name[nl] = '\0';
            /* a name that exists, or is known but absent, explains itself */
            is_name = session_tensor(c->s, name, &t, c->err) != ERR_UNKNOWN_NAME;
        }
        if (is_name && (n == 1 || (n == 2 && strcmp(words[1], "all") == 0)))
            return cmd_show_ref(c, words[0], n == 2);
        if (is_name && n == 1)
            return cmd_show_ref(c, words[0], false);
        if (is_name)
            return cmd_fail(c, "%s is a name, not a command: `%s` shows it, `show %s ...` several, `%s[i,j] = v` "
                           "edits one number", name, name, name, name);
        return unknown_word(c, words[0]);
    }
    int argc = n - 1;
    if (argc < cmd->min_args || (cmd->max_args >= 0 && argc > cmd->max_args)) {
        if (argc < cmd->min_args)
            return cmd_fail(c, "%s needs more: %s", cmd->name, cmd->usage);
        return cmd_fail(c, "too many words for %s: %s", cmd->name, cmd->usage);
    }
    hooks_before(c, cmd);
    int rc = cmd->run(c, n, words);
    hooks_after(c, cmd->flags, rc);
    return rc;
}

/* Whether the ';' at p (in buf) separates commands: not when it is an
 * option's whole value, as in `data load f.csv sep=;` (at the end of the
 * line, before another ';', or before another key=value). */
static bool separates(const char *buf, const char *p)
{
    if (!(p > buf && p[-1] == '='))
        return true;
    const char *q = p + 1; /* a value when the line ends, a ';' follows, or another key=value */
    if (*q == ';' || !*q)
        return false;
    if (!isspace((unsigned char)*q))
        return true; /* "x=;y" */
    while (isspace((unsigned char)*q))
        q++;
    size_t w = strcspn(q, " \t;");
    return *q && *q != ';' && !memchr(q, '=', w);
}

/* Adds to a failed command's message that the commands after it on its
 * line (rest, up to the line's end) did not run, when there are any. */
static void say_rest_skipped(CmdCtx *c, const char *rest)
{
    while (isspace((unsigned char)*rest) || *rest == ';')
        rest++;
    size_t n = strlen(rest);
    while (n > 0 && isspace((unsigned char)rest[n - 1]))
        n--;
    if (n == 0)
        return;
    size_t used = strlen(c->err), room = sizeof c->err - used;
    const char *more = n > 60 ? "..." : "";
    snprintf(c->err + used, room, " (the rest of the line did not run: %.*s%s)", (int)(n > 60 ? 60 : n), rest, more);
}

/* Runs the ';'-separated commands of line (cut at '#' outside quotes);
 * stops at the first failure when bail, else goes on and calls report
 * for each failure with its 1-based number in the line. -1 when any
 * failed. */
static int exec_segments(CmdCtx *c, const char *line, bool bail, CmdReportFn report, void *ctx)
{
    char *buf = util_strdup(line);
    if (!buf)
        return cmd_fail(c, "out of memory");
    bool quote = false;
    for (char *p = buf; *p; p++) {
        if (*p == '"')
            quote = !quote;
        else if (*p == '#' && !quote) {
            *p = '\0';
            break;
        } else if ((unsigned char)*p < 32 && *p != '\t') {
            *p = ' ';
        }
    }
    int (*around)(CmdCtx *, char *, int (*)(CmdCtx *, char *)) = NULL;
    for (int i = 0; i < c->n_hooks && !around; i++)
        around = c->hooks[i]->around;
    int rc = 0, k = 0;
    char *seg = buf;
    quote = false;
    for (char *p = buf;; p++) {
        if (*p == '"')
            quote = !quote;
        if ((*p == ';' && !quote && separates(buf, p)) || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            k++;
            char *text = report ? util_strdup(seg) : NULL; /* the command may cut seg up */
            int r = around ? around(c, seg, cmd_exec_command) : cmd_exec_command(c, seg);
            if (r < 0 && bail && !end)
                say_rest_skipped(c, p + 1);
            if (r < 0 && report)
                report(c, k, text ? text : "", ctx);
            free(text);
            rc = r != 0 ? r : rc;
            if ((r < 0 && bail) || r > 0 || c->quit || end)
                break;
            seg = p + 1;
        }
    }
    free(buf);
    fflush(c->out);
    return rc;
}

int cmd_exec_line(CmdCtx *c, const char *line)
{
    return exec_segments(c, line, true, NULL, NULL);
}

int cmd_exec_each(CmdCtx *c, const char *line, bool bail, CmdReportFn report, void *ctx)
{
    return exec_segments(c, line, bail, report, ctx);
}

/* ---- checking a line without running it ---- */

int cmd_check_command(char *seg, char *err)
{
    CmdCtx tmp = {0}; /* only its error buffer is used */
    const char *eq;
    if (is_assignment(seg, &eq))
        return 0;
    char *raw = util_strdup(seg);
    char *words[MAX_WORDS];
    int n, rc = 0;
    if (!raw)
        return util_err(err, "out of memory");
    const Cmd *cmd = NULL;
    if (tokenize(&tmp, seg, words, &n) != 0) {
        rc = -1;
    } else if (n == 0) {
        rc = 0;
    } else if (!(cmd = cmd_find(words[0]))) {
        if (n == 1 && cmd_known_name(words[0]))
            rc = 0;
        else if (cmd_known_name(words[0]))
            rc = cmd_fail(&tmp, "%.*s is a name, not a command: write it alone to show it", (int)strcspn(words[0], "["),
                          words[0]);
        else
            rc = unknown_command(&tmp, words[0], NULL);
    } else if (n - 1 < cmd->min_args) {
        rc = cmd_fail(&tmp, "%s needs more: %s", cmd->name, cmd->usage);
    } else if (cmd->max_args >= 0 && n - 1 > cmd->max_args) {
        rc = cmd_fail(&tmp, "too many words for %s: %s", cmd->name, cmd->usage);
    } else if (cmd->check) {
        rc = cmd->check(raw, n, words, tmp.err);
    }
    free(raw);
    if (rc != 0)
        snprintf(err, ERR_LEN, "%s", tmp.err);
    return rc;
}

int cmd_check_line(const char *line, char *err)
{
    char *buf = util_strdup(line);
    if (!buf)
        return util_err(err, "out of memory");
    bool quote = false;
    int rc = 0;
    char *seg = buf;
    for (char *p = buf;; p++) {
        if (*p == '"')
            quote = !quote;
        if (*p == '#' && !quote)
            *p = '\0';
        if ((*p == ';' && !quote && separates(buf, p)) || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            rc = cmd_check_command(seg, err);
            if (rc != 0 || end)
                break;
            seg = p + 1;
        }
    }
    free(buf);
    return rc;
}

/* ---- completion ---- */

CmdComplete cmd_complete(const CmdCtx *c, const char *line, int start, const char *text, CmdAddFn add, void *ctx)
{
    Session *s = c->s;
    /* words before the one being completed, in the last ';' segment */
    char *buf = util_strdup(line);
    if (!buf)
        return COMPLETE_WORDS;
    if (start < (int)strlen(buf))
        buf[start] = '\0';
    char *seg = strrchr(buf, ';');
    seg = seg ? seg + 1 : buf;
    char *words[MAX_WORDS];
    int n = 0;
    for (char *tok = strtok(seg, " \t"); tok && n < MAX_WORDS; tok = strtok(NULL, " \t"))
        words[n++] = tok;
    CmdComplete rc = COMPLETE_WORDS;
    if (n == 0) {
        for (const Cmd *cmd = cmd_rows(); cmd->name; cmd++)
            add(ctx, cmd->name);
        session_names(s, add, ctx);
    } else {
        const Cmd *cmd = cmd_find(words[0]);
        if (cmd && cmd->complete)
            rc = cmd->complete(c, n, words, n, add, ctx);
    }
    free(buf);
    return rc;
}

bool cmd_complete_file_fits(CmdComplete kind, const char *path)
{
    struct stat st;
    if (kind != COMPLETE_DATA_FILES || (stat(path, &st) == 0 && S_ISDIR(st.st_mode)))
        return true;
    size_t n = strlen(path);
    for (const char *const *e = data_file_endings(); *e; e++) {
        size_t k = strlen(*e);
        if (n > k && strcasecmp(path + n - k, *e) == 0)
            return true;
    }
    return false;
}

void cmd_prompt(const Session *s, char *buf, size_t n)
{
    static const char *const next[] = {"forward", "loss", "backward", "update"};
    if (!s->model || !s->data) {
        snprintf(buf, n, "paramlab> ");
        return;
    }
    snprintf(buf, n, "paramlab e%ld b%d/%d next:%s> ", s->epoch, s->batch_index + 1, session_batches(s),
             next[s->phase]);
}
