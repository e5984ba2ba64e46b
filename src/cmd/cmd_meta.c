/* cmd_meta.c — commands about commands: `help` (from the table), `expect`
 * (a check that a lesson stops at when it fails, also checked before a
 * lesson runs) and `quit`. */
#include "cmd_handlers.h"
#include "cmd_lesson.h"

#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* ---- expect ---- */

/* The value of a quantity expect can check; -1 with err when it has none. */
static int expect_value(CmdCtx *c, const char *what, double *v)
{
    Session *s = c->s;
    double acc;
    if (strcmp(what, "count") == 0) {
        if (!c->counted)
            return cmd_fail(c, "count: no layer has been counted yet");
        *v = (double)c->count_total; /* compared as a number; printed from the integer */
        return 0;
    }
    if (strcmp(what, "loss") == 0 && s->model && s->phase < PHASE_LOSS) {
        *v = session_eval_loss(s, true, &acc);
        return isnan(*v) ? cmd_fail(c, "loss: there is no data to evaluate") : 0;
    }
    Tensor t;
    long el;
    if (cmd_ref(c, what, &t, &el) != 0)
        return -1;
    size_t at = el >= 0 ? (size_t)el : 0;
    if (el < 0 && (size_t)t.rows * t.cols != 1)
        return cmd_fail(c, "%s has %d values; expect compares one number, as in %s[0%s]", what, t.rows * t.cols, what,
                        t.vector ? "" : ",0");
    *v = t.data[at];
    return 0;
}

/* Reads expect's comparison, number and tol= (argv as for cmd_expect);
 * -1 with err when one is malformed. Also checks lessons before they run. */
static int expect_args(CmdCtx *c, int argc, char **argv, int *op, double *want, double *tol)
{
    static const char *const ops[] = {"<", "<=", ">", ">=", "==", "!=", "~", NULL};
    *op = 0;
    while (ops[*op] && strcmp(ops[*op], argv[2]) != 0)
        ++*op;
    if (!ops[*op])
        return cmd_fail(c, "'%s' is not a comparison: use < <= > >= == != or ~ (with tol=)", argv[2]);
    *tol = 1e-6;
    if (cmd_parse_num(c, "the expected value", argv[3], want) != 0)
        return -1;
    if (argc == 5) {
        char *word = argv[4], *eq = strchr(word, '=');
        if (!eq || (size_t)(eq - word) != 3 || strncmp(word, "tol", 3) != 0)
            return cmd_fail(c, "unexpected '%s': expect takes only tol= (with ~)", argv[4]);
        if (cmd_parse_num(c, "tol", eq + 1, tol) != 0)
            return -1;
        if (*tol < 0)
            return cmd_fail(c, "tol must be 0 or more, as in tol=1e-3");
    }
    return 0;
}

/* The command of `expect error COMMAND ...` as one line into buf; -1 with
 * err when it is missing, nested or too long. */
static int expect_error_line(CmdCtx *c, int argc, char **argv, char *buf, size_t n)
{
    if (argc < 3)
        return cmd_fail(c, "expect error needs the command that must fail, as in `expect error train 30`");
    const Cmd *inner = cmd_find(argv[2]);
    if (inner && (inner->flags & CMD_EXPECTATION))
        return cmd_fail(c, "expect error takes a command other than %s", inner->name);
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 2; i < argc; i++) {
        bool space = strpbrk(argv[i], " \t") != NULL;
        int w = snprintf(buf + len, n - len, "%s%s%s%s", i > 2 ? " " : "", space ? "\"" : "", argv[i],
                         space ? "\"" : "");
        if (w < 0 || (size_t)w >= n - len)
            return cmd_fail(c, "the command after expect error is too long");
        len += (size_t)w;
    }
    return 0;
}

/* expect error COMMAND ...: the command must be refused; its message is
 * shown, as a lesson shows an alarm going off. */
static int expect_error(CmdCtx *c, int argc, char **argv)
{
    char line[1024], run[1024];
    if (expect_error_line(c, argc, argv, line, sizeof line) != 0)
        return -1;
    memcpy(run, line, sizeof run); /* exec_segment cuts its copy into words */
    if (cmd_exec_command(c, run) == 0) {
        snprintf(c->record_as, sizeof c->record_as, "%s", line); /* it ran: a replay runs it too */
        return cmd_fail(c, "expectation failed: `%s` succeeded, expected it to be refused", line);
    }
    cmd_out(c, "ok: `%s` was refused, as expected: %s\n", line, c->err);
    c->err[0] = '\0';
    return 0;
}

int cmd_expect(CmdCtx *c, int argc, char **argv)
{
    int op;
    double want, tol, v = 0;
    if (strcmp(argv[1], "error") == 0)
        return expect_error(c, argc, argv);
    if (argc > 5)
        return cmd_fail(c, "too many words for expect: expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...");
    if (argc < 4)
        return cmd_fail(c, "expect needs more: expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...");
    if (expect_args(c, argc, argv, &op, &want, &tol) != 0)
        return -1;
    if (expect_value(c, argv[1], &v) != 0)
        return -1;
    bool ok;
    switch (op) {
    case 0: ok = v < want; break;
    case 1: ok = v <= want; break;
    case 2: ok = v > want; break;
    case 3: ok = v >= want; break;
    case 4: ok = v == want; break;
    case 5: ok = v != want; break;
    default: ok = fabs(v - want) <= tol; break;
    }
    char shown[64], pct[24] = "";
    int si = session_scalar_find(argv[1]);
    if (si >= 0 && session_scalar(si)->accuracy) /* a fraction, shown as the percentage it is */
        snprintf(pct, sizeof pct, " (%.1f%%)", 100 * v);
    bool whole = strcmp(argv[1], "count") == 0 || (si >= 0 && session_scalar(si)->whole); /* every digit */
    if (strcmp(argv[1], "count") == 0)
        snprintf(shown, sizeof shown, "%" PRIu64, c->count_total);
    else if (whole)
        snprintf(shown, sizeof shown, "%.0f", v);
    else
        snprintf(shown, sizeof shown, "%.*g%s", c->s->precision > 10 ? c->s->precision : 10, v, pct);
    if (!ok) {
        if (op == 6)
            return cmd_fail(c, "expectation failed: %s is %s, expected %s within %g", argv[1], shown, argv[3], tol);
        return cmd_fail(c, "expectation failed: %s is %s, expected %s %s", argv[1], shown, argv[2], argv[3]);
    }
    if (whole)
        cmd_out(c, "ok: %s = %s %s %s\n", argv[1], shown, argv[2], argv[3]);
    else
        cmd_out(c, "ok: %s = %s%s %s %s\n", argv[1], NUM(v), pct, argv[2], argv[3]);
    return 0;
}

/* What expect checks besides the names `show` takes: the total of the last
 * `count` command, a calculator's result rather than a name of the session. */
static const char *const quantities[] = {"count", NULL};

int cmd_expect_check(const char *raw, int n, char **words, char *err)
{
    CmdCtx tmp = {0}; /* only its error buffer is used */
    int argc = n - 1, op;
    double want, tol;
    int rc = 0;
    if (strcmp(words[1], "error") == 0) {
        char line[1024];
        rc = expect_error_line(&tmp, n, words, line, sizeof line) != 0 ? -1 : cmd_check_command(line, tmp.err);
    } else if (argc < 3 || argc > 4) {
        rc = cmd_fail(&tmp, "expect takes VALUE OP NUMBER [tol=X], or error COMMAND ...");
    } else if (expect_args(&tmp, n, words, &op, &want, &tol) != 0) {
        rc = -1;
    } else if (!cmd_known_name(words[1])) {
        const char *const *q = quantities;
        while (*q && strcmp(*q, words[1]) != 0)
            q++;
        if (!*q)
            rc = cmd_fail(&tmp, "expect cannot check '%s': use loss, params, count, steps, epoch, a scalar name "
                          "(train_loss val_loss accuracy val_accuracy lr) or an element such as W1[0,1]", words[1]);
    }
    if (rc != 0)
        snprintf(err, ERR_LEN, "%s", tmp.err);
    return rc;
}

/* ---- help and quit ---- */

/* A help text, with what the descriptors say put in for "{optimizers}"
 * (one line of defaults each), "{optimizer names}" and "{loss names}". */
static void help_out(CmdCtx *c, const char *text)
{
    static const char *const marks[] = {"{optimizers}", "{optimizer names}", "{loss names}"};
    for (;;) {
        const char *at = NULL;
        int which = 0;
        for (int q = 0; q < 3; q++) {
            const char *f = strstr(text, marks[q]);
            if (f && (!at || f < at)) {
                at = f;
                which = q;
            }
        }
        if (!at)
            break;
        cmd_out(c, "%.*s", (int)(at - text), text);
        text = at + strlen(marks[which]);
        if (which > 0) {
            char all[256];
            if (which == 1)
                optim_names(all, sizeof all, " ", " ");
            else
                loss_names(all, sizeof all, "|", "|");
            cmd_out(c, "%s", all);
            continue;
        }
        for (int k = 0; k < OPT_COUNT; k++) {
            OptConfig o;
            optim_defaults((OptKind)k, &o);
            int n;
            const OptHyper *h = optim_hypers((OptKind)k, &n);
            cmd_out(c, "    %-8s", optim_name((OptKind)k));
            for (int i = 0; i < n; i++) {
                const char *f = (const char *)&o + h[i].offset;
                if (h[i].is_bool)
                    cmd_out(c, " %s=%s", h[i].name, *(const bool *)(const void *)f ? "on" : "off");
                else
                    cmd_out(c, " %s=%g", h[i].name, *(const double *)(const void *)f);
            }
            cmd_out(c, "\n");
        }
    }
    cmd_out(c, "%s", text);
}

/* ---- the part of a help text on one subcommand ---- */

#define HELP_PARTS 32 /* subcommands one help text names */

/* Whether sub (len bytes) follows "NAME " at p and ends there as a word. */
static bool names_sub(const char *p, const char *end, const char *name, const char *sub, size_t len)
{
    size_t k = strlen(name);
    return (size_t)(end - p) >= k + 1 + len && strncmp(p, name, k) == 0 && p[k] == ' ' &&
           strncmp(p + k + 1, sub, len) == 0 && (p + k + 1 + len == end || strchr(" |[", p[k + 1 + len]));
}

/* Whether a line of a help text (l bytes, starting at column 0) is about
 * `name sub`: it starts with "NAME SUB" or holds "| NAME SUB". */
static bool part_line(const char *line, size_t l, const char *name, const char *sub)
{
    const char *end = line + l;
    if (names_sub(line, end, name, sub, strlen(sub)))
        return true;
    for (const char *p = line; (p = memchr(p, '|', (size_t)(end - p))) != NULL; p++)
        if (p + 2 <= end && p[1] == ' ' && names_sub(p + 2, end, name, sub, strlen(sub)))
            return true;
    return false;
}

/* The part of help text on `name sub`: from the first line at column 0
 * about it to the next line at column 0 that is not (indented lines and
 * {marks} belong to the part); its length in *len, or NULL when no line
 * is about it. */
static const char *help_part(const char *text, const char *name, const char *sub, size_t *len)
{
    const char *start = NULL;
    for (const char *line = text; *line;) {
        const char *nl = strchr(line, '\n');
        size_t l = nl ? (size_t)(nl - line) : strlen(line);
        bool top = l > 0 && line[0] != ' ' && line[0] != '{';
        bool about = top && part_line(line, l, name, sub);
        if (start && top && !about) {
            *len = (size_t)(line - start);
            return start;
        }
        if (!start && about)
            start = line;
        line += l + (nl != NULL);
    }
    if (start)
        *len = strlen(start);
    return start;
}

/* The subcommands a help text has parts on (lines at column 0 starting
 * "NAME word", word in lower case), each once, into words (HELP_PARTS,
 * 24 bytes each) and list (NULL-terminated); their number. */
static int help_parts(const Cmd *cmd, char (*words)[24], const char **list)
{
    int n = 0;
    size_t k = strlen(cmd->name);
    for (const char *line = cmd->help; *line && n < HELP_PARTS;) {
        const char *nl = strchr(line, '\n');
        size_t l = nl ? (size_t)(nl - line) : strlen(line);
        size_t w = 0;
        if (l > k + 1 && strncmp(line, cmd->name, k) == 0 && line[k] == ' ')
            while (k + 1 + w < l && w < 23 && ((line[k + 1 + w] >= 'a' && line[k + 1 + w] <= 'z') ||
                                               (w > 0 && line[k + 1 + w] >= '0' && line[k + 1 + w] <= '9')))
                w++;
        if (w > 0 && (k + 1 + w == l || strchr(" |[", line[k + 1 + w]))) {
            snprintf(words[n], 24, "%.*s", (int)w, line + k + 1);
            bool seen = false;
            for (int i = 0; i < n; i++)
                seen = seen || strcmp(words[i], words[n]) == 0;
            if (!seen)
                list[n] = words[n], n++;
        }
        line += l + (nl != NULL);
    }
    list[n] = NULL;
    return n;
}

/* The part word covering sub among cmd's help words (and a line about it
 * into about), or sub itself. */
static const char *help_alias(const Cmd *cmd, const char *sub, char *about, size_t n)
{
    const char *word, *part;
    about[0] = '\0';
    for (int i = 0; cmd->help_word && cmd->help_word(i, &word, &part, about, n); i++)
        if (strcmp(word, sub) == 0)
            return part;
    about[0] = '\0';
    return sub;
}

/* `help NAME SUB`: the part of NAME's help on SUB (an empty SUB has none). */
static int help_sub(CmdCtx *c, const Cmd *cmd, const char *sub)
{
    size_t len = 0;
    char about[256];
    const char *part = *sub ? help_part(cmd->help, cmd->name, help_alias(cmd, sub, about, sizeof about), &len) : NULL;
    if (!part) {
        char words[HELP_PARTS][24], all[HELP_PARTS * 26] = "";
        const char *list[HELP_PARTS + 1];
        int n = help_parts(cmd, words, list);
        for (int i = 0, at = 0; i < n; i++)
            at += snprintf(all + at, sizeof all - (size_t)at, "%s%s", i ? ", " : "", list[i]);
        if (n == 0)
            return cmd_fail(c, "`help %s` is not divided by subcommand: `help %s` shows all of it", cmd->name,
                            cmd->name);
        char prefix[48];
        snprintf(prefix, sizeof prefix, "help %s ", cmd->name);
        return cmd_fail(c, "`help %s` has no part on '%.40s'%s; its parts: %s (`help %s` shows them all)", cmd->name,
                        sub, CMD_DYM(sub, list, prefix), all, cmd->name);
    }
    char *text = strndup(part, len);
    if (!text)
        return cmd_fail(c, "out of memory for help");
    help_out(c, text);
    free(text);
    if (about[0])
        cmd_out(c, "%s%s\n", len && part[len - 1] == '\n' ? "" : "\n", about);
    cmd_out(c, "%s(part of `help %s`, which shows all of it)\n", len && part[len - 1] == '\n' ? "" : "\n",
            cmd->name);
    return 0;
}

int cmd_help(CmdCtx *c, int argc, char **argv)
{
    if (argc >= 2) {
        const Cmd *cmd = cmd_find(argv[1]);
        if (!cmd) {
            const char *names[64];
            int k = 0;
            for (const Cmd *q = cmd_rows(); q->name && k < 63; q++)
                names[k++] = q->name;
            names[k] = NULL;
            Tensor t;
            if (session_tensor(c->s, argv[1], &t, c->err) != ERR_UNKNOWN_NAME)
                return cmd_fail(c, "%s is a name, not a command: type `%s` to see it (`help` lists the commands)",
                            argv[1], argv[1]);
            return cmd_fail(c, "no command '%s'%s; `help` lists them all", argv[1], CMD_DYM(argv[1], names, "help "));
        }
        if (argc == 3)
            return help_sub(c, cmd, argv[2]);
        cmd_out(c, "%s\n  %s\n\n", cmd->usage, cmd->summary);
        help_out(c, cmd->help);
        cmd_out(c, "\n");
        return 0;
    }
    cmd_out(c, "Commands (`help NAME` for the details of one):\n");
    for (const Cmd *cmd = cmd_rows(); cmd->name; cmd++)
        cmd_out(c, "  %-10s %s\n", cmd->name, cmd->summary);
    cmd_out(c, "\nA name shows a tensor: W1, b1, dW1, Z1, A1, dZ1, dA1, X, Y, yhat, loss; W1[0,2] one element.\n"
           "W1[0,2] = 0.5 edits one number; b1 = [0, 0.1] replaces a whole tensor.\n"
           "Start with: data moons; model mlp 8; forward; loss; backward; update\n");
    return 0;
}

int cmd_quit(CmdCtx *c, int argc, char **argv)
{
    if (cmd_lesson_leave(c, "you left the lesson"))
        return 0; /* quit inside a lesson gives the learner's session back */
    c->quit = true;
    return 0;
}


/* ---- completion ---- */

CmdComplete cmd_complete_help(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    if (argi == 2) { /* the subcommands the command's help has parts on */
        const Cmd *cmd = n > 1 ? cmd_find(w[1]) : NULL;
        char words[HELP_PARTS][24];
        const char *list[HELP_PARTS + 1];
        if (cmd)
            help_parts(cmd, words, list);
        for (int i = 0; cmd && list[i]; i++)
            add(ctx, list[i]);
        const char *word, *part;
        char about[256];
        for (int i = 0; cmd && cmd->help_word && cmd->help_word(i, &word, &part, about, sizeof about); i++) {
            bool seen = false; /* an option of several optimizers, or a part of its own */
            for (int j = 0; list[j] && !seen; j++)
                seen = strcmp(list[j], word) == 0;
            const char *w2, *p2;
            for (int j = 0; j < i && !seen && cmd->help_word(j, &w2, &p2, about, sizeof about); j++)
                seen = strcmp(w2, word) == 0;
            if (!seen)
                add(ctx, word);
        }
        return COMPLETE_WORDS;
    }
    for (const Cmd *cmd = cmd_rows(); cmd->name && argi == 1; cmd++)
        add(ctx, cmd->name);
    return COMPLETE_WORDS;
}

