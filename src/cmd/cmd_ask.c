/* cmd_ask.c — `ask` and `pause`, the two commands of a lesson block that
 * wait for the learner. An ask line is
 *     ask "QUESTION" ANSWER[|SYNONYM...] [tol=X] [hint="..."] [why="..."]
 * and takes what a person types: words in any case, spaces around, numbers
 * with thousands separators (4,417  4 417  4_417), a trailing % when the
 * answer is a percentage, a unicode minus (−1.31), small whole numbers as
 * words (zero to twenty, none for 0), numbers within tol=. A wrong answer gets a hint
 * and a second try; a second wrong one gets the answer and its why.
 * `redo` and `quit` (or Ctrl-D) typed at the prompt are passed to the lesson (which
 * acts on them once the block has stopped); `skip` or an empty line shows
 * the answer. Where no one can answer (--check, `run`, batch) the
 * recorded answer answers itself. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "cmd_lesson.h"

#define ASK_REL_TOL 1e-9 /* without tol=, a numeric answer counts within this relative error */
#define ASK_TEXT 512

/* One ask line, parsed. */
typedef struct AskSpec {
    const char *question;
    char answers[ASK_TEXT]; /* |-separated; the first is the one shown */
    char first[ASK_TEXT];
    double tol;             /* < 0: none given */
    const char *hint, *why; /* NULL when not given */
    bool percent;           /* the answer is a percentage: a trailing % is fine */
} AskSpec;

static const char *const ask_usage = "ask \"How many parameters?\" 55 [tol=X] [hint=\"...\"] [why=\"...\"]";

/* s without the spaces around it, into buf. */
static const char *trimmed(const char *s, size_t len, char *buf, size_t n)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    snprintf(buf, n, "%.*s", (int)len, s);
    return buf;
}

static bool has_prefix(const char *s, const char *p)
{
    return strncmp(s, p, strlen(p)) == 0;
}

/* Whether s contains word, ignoring case. */
static bool contains_nocase(const char *s, const char *word)
{
    for (size_t n = strlen(word); *s; s++)
        if (strncasecmp(s, word, n) == 0)
            return true;
    return false;
}

static bool is_option(const char *w)
{
    return has_prefix(w, "tol=") || has_prefix(w, "hint=") || has_prefix(w, "why=");
}

/* The minus signs a person may type or copy from a lesson's prose, as
 * UTF-8: U+2212 minus, U+2012 figure dash, U+2013 en dash, U+2010 and
 * U+2011 hyphens, U+FE63 small and U+FF0D fullwidth hyphen-minus. */
static const char *const minus_signs[] = {"\xe2\x88\x92", "\xe2\x80\x92", "\xe2\x80\x93", "\xe2\x80\x90",
                                          "\xe2\x80\x91", "\xef\xb9\xa3", "\xef\xbc\x8d", NULL};

/* s with each of those as '-', into buf. */
static void ascii_minus(const char *s, char *buf, size_t n)
{
    size_t k = 0;
    while (*s && k + 1 < n) {
        const char *const *m = minus_signs;
        while (*m && strncmp(s, *m, strlen(*m)) != 0)
            m++;
        if (*m) {
            buf[k++] = '-';
            s += strlen(*m);
        } else {
            buf[k++] = *s++;
        }
    }
    buf[k] = '\0';
}

/* A small whole number written as a word ("zero" to "twenty", "none" for
 * 0), ignoring case. */
static bool number_word(const char *s, double *v)
{
    static const char *const words[] = {"zero", "one", "two", "three", "four", "five", "six", "seven", "eight",
                                        "nine", "ten", "eleven", "twelve", "thirteen", "fourteen", "fifteen",
                                        "sixteen", "seventeen", "eighteen", "nineteen", "twenty", NULL};
    if (strcasecmp(s, "none") == 0) {
        *v = 0;
        return true;
    }
    for (int i = 0; words[i]; i++)
        if (strcasecmp(s, words[i]) == 0) {
            *v = i;
            return true;
        }
    return false;
}

/* A number as a person writes it: thousands grouped by ',' ' ' or '_'
 * (groups of three digits after the first), a trailing % when percent,
 * a unicode minus sign, a small whole number as a word. false when s is
 * not one. */
static bool person_number(const char *s, bool percent, double *v)
{
    char buf[ASK_TEXT], clean[ASK_TEXT];
    ascii_minus(s, buf, sizeof buf);
    size_t len = strlen(trimmed(buf, strlen(buf), clean, sizeof clean));
    if (number_word(clean, v))
        return true;
    if (percent && len && clean[len - 1] == '%')
        len--;
    len = strlen(trimmed(clean, len, buf, sizeof buf));
    size_t k = 0;
    for (size_t i = 0; i < len && k + 1 < sizeof clean; i++) {
        char ch = buf[i];
        if ((ch == ',' || ch == ' ' || ch == '_') && i > 0 && isdigit((unsigned char)buf[i - 1])) {
            /* a separator: exactly three digits follow, then no digit */
            size_t d = 0;
            while (d < 4 && isdigit((unsigned char)buf[i + 1 + d]))
                d++;
            if (d != 3)
                return false;
            continue;
        }
        clean[k++] = ch;
    }
    clean[k] = '\0';
    return util_parse_double(clean, v);
}

/* Parses words[2..n) of an ask line (words[1] is the question) into sp.
 * 0, or -1 with err. */
static int ask_parse(int n, char **words, AskSpec *sp, char *err)
{
    memset(sp, 0, sizeof *sp);
    sp->question = words[1];
    sp->tol = -1;
    int i = 2;
    for (; i < n && !is_option(words[i]); i++) /* the answer: the words before the first option */
        snprintf(sp->answers + strlen(sp->answers), sizeof sp->answers - strlen(sp->answers), "%s%s",
                 i > 2 ? " " : "", words[i]);
    trimmed(sp->answers, strcspn(sp->answers, "|"), sp->first, sizeof sp->first);
    if (!sp->first[0])
        return util_err(err, "ask needs the answer after the question: %s", ask_usage);
    for (; i < n; i++) {
        const char *w = words[i];
        if (has_prefix(w, "tol=")) {
            if (!util_parse_double(w + 4, &sp->tol) || !isfinite(sp->tol) || sp->tol < 0)
                return util_err(err, "ask: tol= must be a number 0 or more, as in tol=0.01 (got '%s')", w + 4);
        } else if (has_prefix(w, "hint=") || has_prefix(w, "why=")) {
            const char *v = strchr(w, '=') + 1;
            if (!*v)
                return util_err(err, "ask: %.*s= needs a sentence in double quotes, as in hint=\"count the biases "
                                     "too\"", (int)(strchr(w, '=') - w), w);
            *(w[0] == 'h' ? &sp->hint : &sp->why) = v;
        } else {
            return util_err(err, "ask: '%s' after the options; the answer comes first, then tol=, hint=\"...\", "
                                 "why=\"...\": %s", w, ask_usage);
        }
    }
    size_t fl = strlen(sp->first);
    sp->percent = (fl && sp->first[fl - 1] == '%') || strchr(sp->question, '%') ||
                  contains_nocase(sp->question, "percent");
    double v;
    if (sp->tol >= 0 && !person_number(sp->first, true, &v))
        return util_err(err, "ask: tol= is for a numeric answer, and '%s' is not a number", sp->first);
    return 0;
}

int cmd_ask_check(const char *segment, int n, char **words, char *err)
{
    const char *p = segment + strspn(segment, " \t");
    p += strcspn(p, " \t");
    p += strspn(p, " \t");
    if (*p != '"')
        return util_err(err, "ask needs its question in double quotes, then the answer: %s", ask_usage);
    const char *q = words[1] + strspn(words[1], " \t");
    if (!*q)
        return util_err(err, "ask needs a question between the quotes: %s", ask_usage);
    AskSpec sp;
    return ask_parse(n, words, &sp, err);
}

/* Whether given matches one of the |-separated answers: numbers within
 * tol (else a relative ASK_REL_TOL), text ignoring case and spaces. */
static bool answer_matches(const AskSpec *sp, const char *given)
{
    char a[ASK_TEXT];
    double x, y;
    bool gnum = person_number(given, sp->percent, &x);
    for (const char *p = sp->answers;;) {
        size_t n = strcspn(p, "|");
        trimmed(p, n, a, sizeof a);
        if (gnum && person_number(a, true, &y)) {
            double tol = sp->tol >= 0 ? sp->tol * (1 + 1e-12) : ASK_REL_TOL * fmax(fabs(x), fabs(y));
            if (x == y || fabs(x - y) <= tol)
                return true;
        } else if (a[0] && strcasecmp(given, a) == 0) {
            return true;
        }
        if (!p[n])
            return false;
        p += n + 1;
    }
}

/* The choices a question offers in its last parentheses, "(sgd, adam or
 * rmsprop)" → "sgd, adam or rmsprop", into buf; false when none. */
static bool question_choices(const char *q, char *buf, size_t n)
{
    const char *open = strrchr(q, '(');
    const char *close = open ? strchr(open, ')') : NULL;
    if (!close)
        return false;
    trimmed(open + 1, (size_t)(close - open - 1), buf, n);
    return strchr(buf, ',') || strstr(buf, " or ") || strchr(buf, '/');
}

/* The hint after a first wrong answer: the line's own, else a generic one. */
static void say_hint(CmdCtx *c, const AskSpec *sp, const char *given)
{
    double x, y;
    char choices[ASK_TEXT];
    if (sp->hint)
        cmd_out(c, "Not quite. Hint: %s\n", sp->hint);
    else if (person_number(sp->first, true, &y) && person_number(given, sp->percent, &x))
        cmd_out(c, "Not quite: the answer is %s than %s.\n", y > x ? "higher" : "lower", given);
    else if (person_number(sp->first, true, &y))
        cmd_out(c, "Not quite: the answer is a number.\n");
    else if (question_choices(sp->question, choices, sizeof choices))
        cmd_out(c, "Not quite: the choices are %s.\n", choices);
    else
        cmd_out(c, "Not quite. Read the question again.\n");
}

/* The answer, with its why when the line has one. */
static void say_answer(CmdCtx *c, const char *lead, const AskSpec *sp)
{
    cmd_out(c, "%s%s.%s%s\n", lead, sp->first, sp->why ? " " : "", sp->why ? sp->why : "");
}

/* No one to wait for: batch, tests, or inside `run` and --check. */
static bool nobody(CmdCtx *c)
{
    return !c->read_line || cmd_lesson_straight(c);
}

static bool interrupted(const CmdCtx *c)
{
    return c->interrupt && *c->interrupt;
}

int cmd_ask(CmdCtx *c, int argc, char **argv)
{
    AskSpec sp;
    if (!argv[1][0])
        return cmd_fail(c, "ask needs a question in quotes: %s", ask_usage);
    if (ask_parse(argc, argv, &sp, c->err) != 0)
        return -1;
    cmd_out(c, "? %s\n", sp.question);
    if (nobody(c)) {
        cmd_out(c, "answer: %s\n", sp.first);
        return 0;
    }
    bool in_block = cmd_lesson_in_block(c);
    for (int try = 0; try < 2; try++) {
        fflush(c->out);
        char *got = c->read_line(c->read_ctx, try == 0 ? "your answer> " : "second try> ");
        if (!got && interrupted(c))
            return 1;
        char given[ASK_TEXT];
        bool eof = !got;
        trimmed(got ? got : "", got ? strlen(got) : 0, given, sizeof given);
        free(got);
        if (in_block && (eof || strcasecmp(given, "quit") == 0 || strcasecmp(given, "exit") == 0)) {
            cmd_out(c, "%s", eof ? "\n" : "");
            cmd_lesson_want(c, CMD_LESSON_LEAVE);
            return 1;
        }
        if (in_block && strcasecmp(given, "redo") == 0) {
            cmd_lesson_want(c, CMD_LESSON_REDO);
            return 1;
        }
        if (eof || !given[0] || strcasecmp(given, "skip") == 0) {
            say_answer(c, eof ? "\nThe answer: " : "The answer: ", &sp);
            return 0;
        }
        if (answer_matches(&sp, given)) {
            say_answer(c, "Right: ", &sp);
            return 0;
        }
        if (try == 0)
            say_hint(c, &sp, given);
        else
            cmd_out(c, "The answer is %s (you said %s).%s%s\n", sp.first, given, sp.why ? " " : "",
                    sp.why ? sp.why : "");
    }
    return 0;
}

int cmd_pause(CmdCtx *c, int argc, char **argv)
{
    if (nobody(c))
        return 0;
    fflush(c->out);
    char *got = c->read_line(c->read_ctx, "(press Enter to go on) ");
    if (!got && interrupted(c))
        return 1;
    if (!got && cmd_lesson_in_block(c)) { /* Ctrl-D: leave the lesson, as at an answer */
        cmd_out(c, "\n");
        cmd_lesson_want(c, CMD_LESSON_LEAVE);
        return 1;
    }
    free(got);
    return 0;
}
