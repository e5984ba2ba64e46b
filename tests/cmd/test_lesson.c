/* test_lesson.c — lessons and the commands around them. The parser: the
 * title, blocks with their line numbers, other fences kept as prose, and
 * every malformed lesson refused with FILE:LINE before anything runs. The
 * renderer: the wrap width kept for UTF-8 prose, no raw markers without
 * colour, headings, lists, links, tables and code. The commands, with the
 * output in a memory stream and a scripted read_line hook: `run` of
 * scripts and lessons (errors, nesting), `record` replayed bit for bit in
 * a fresh session (Ctrl-C'd training written as `step N`) and a lesson
 * walked with `next` and `redo` (the state after `redo` equal to the first
 * run, bit for bit). `ask` and `pause` are in test_ask.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_lesson.h"
#include "lesson.h"
#include "session.h"
#include "util.h"

#include "fixture.h"
#include "keys.h"
#include "lesson_files.h"

/* ---- helpers ---- */


static char *slurp(const char *path)
{
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *buf = NULL;
    size_t n = 0;
    FILE *m = open_memstream(&buf, &n);
    int ch;
    while ((ch = getc(f)) != EOF)
        putc(ch, m);
    fclose(m);
    fclose(f);
    return buf;
}

static int check(void *ctx, const char *line, char *err)
{
    (void)ctx;
    return cmd_check_line(line, err);
}

/* Renders md into an owned string. */
static char *rendered(const char *md, int width, bool color)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    lesson_render(f, md, width, color);
    fclose(f);
    char *copy = strdup(buf); /* not buf itself: gcc takes it for a pointer to a local */
    free(buf);
    assert_non_null(copy);
    return copy;
}

/* Code points of one line, failing on a broken UTF-8 sequence. */
static int line_width(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 0;
        if (len == 0 || i + len > n)
            fail_msg("broken UTF-8 at byte %zu of \"%.*s\"", i, (int)n, s);
        for (size_t k = 1; k < len; k++)
            if (((unsigned char)s[i + k] & 0xC0) != 0x80)
                fail_msg("broken UTF-8 at byte %zu of \"%.*s\"", i + k, (int)n, s);
        i += len;
        w++;
    }
    return w;
}

static void assert_width(const char *text, int width)
{
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        int w = line_width(p, n);
        if (w > width)
            fail_msg("a line of %d columns (width %d): \"%.*s\"", w, width, (int)n, p);
        p += n + (p[n] == '\n');
    }
}

static double *params_copy(const Session *s)
{
    size_t n = s->model->n_params;
    double *p = malloc(sizeof(double) * n);
    assert_non_null(p);
    memcpy(p, s->model->params, sizeof(double) * n);
    return p;
}

/* Two sessions in the same state: parameters, optimizer state, counters. */
static void assert_same_state(const Session *a, const Session *b)
{
    assert_non_null(a->model);
    assert_non_null(b->model);
    assert_int_equal(a->model->n_params, b->model->n_params);
    assert_memory_equal(a->model->params, b->model->params, sizeof(double) * a->model->n_params);
    assert_int_equal(a->optim->n_slots, b->optim->n_slots);
    if (a->optim->n_slots)
        assert_memory_equal(a->optim->state, b->optim->state,
                            sizeof(double) * (size_t)a->optim->n_slots * a->optim->n);
    assert_int_equal(a->steps, b->steps);
    assert_int_equal(a->epoch, b->epoch);
    assert_int_equal(a->batch_index, b->batch_index);
    assert_int_equal(a->phase, b->phase);
    assert_int_equal(a->seed, b->seed);
}


/* ---- parsing ---- */

static void test_parse_blocks(void **state)
{
    (void)state;
    const char *md = "# The *first* lesson #\n"  /* 1 */
                     "\n"                         /* 2 */
                     "Intro with `code`.\n"       /* 3 */
                     "\n"                         /* 4 */
                     "```paramlab\n"              /* 5 */
                     "data line n=10\n"           /* 6 */
                     "\n"                         /* 7 */
                     "  model linear   \n"        /* 8 */
                     "```\n"                      /* 9 */
                     "Between, a shown block:\n"  /* 10 */
                     "~~~python\n"                /* 11 */
                     "forward\n"                  /* 12 */
                     "```paramlab\n"              /* 13: inside ~~~, only text */
                     "~~~\n"                      /* 14 */
                     "````paramlab title\n"       /* 15 */
                     "step 2 # a comment\n"       /* 16 */
                     "````\n"                     /* 17 */
                     "~~~ paramlab\n"             /* 18 */
                     "expect steps == 2\n"        /* 19 */
                     "~~~~\n"                     /* 20 */
                     "The end.\n";                /* 21 */
    char err[ERR_LEN] = "";
    Lesson *l = lesson_parse("t.md", md, check, NULL, err);
    if (!l)
        fail_msg("refused: %s", err);
    assert_string_equal(l->title, "The first lesson");
    assert_int_equal(l->n_blocks, 3);
    assert_int_equal(l->blocks[0].line, 5);
    assert_int_equal(l->blocks[0].n_lines, 2);
    assert_int_equal(l->blocks[0].lines[0].line, 6);
    assert_string_equal(l->blocks[0].lines[0].text, "data line n=10");
    assert_int_equal(l->blocks[0].lines[1].line, 8);
    assert_string_equal(l->blocks[0].lines[1].text, "model linear");
    assert_contains(l->blocks[0].prose, "# The *first* lesson");
    assert_contains(l->blocks[0].prose, "Intro with `code`.");
    /* another fence is prose, shown and not run, with whatever it holds */
    assert_contains(l->blocks[1].prose, "~~~python\nforward\n```paramlab\n~~~\n");
    assert_int_equal(l->blocks[1].line, 15);
    assert_int_equal(l->blocks[1].lines[0].line, 16);
    assert_int_equal(l->blocks[2].line, 18);
    assert_int_equal(l->blocks[2].lines[0].line, 19);
    assert_string_equal(l->blocks[2].prose, "");
    assert_string_equal(l->tail, "The end.\n");
    lesson_free(l);

    /* no heading: the file's name is the title; CRLF and a BOM are fine */
    l = lesson_parse("dir/03-loop.md", "\xEF\xBB\xBFText\r\n```paramlab\r\nforward\r\n```\r\n", check, NULL, err);
    assert_non_null(l);
    assert_string_equal(l->title, "03-loop");
    assert_string_equal(l->blocks[0].lines[0].text, "forward");
    lesson_free(l);
    lesson_free(NULL);
}

static void test_parse_errors(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"# t\n\n```paramlab\ndata line\n\nmore prose\n", "bad.md:3: this ```paramlab block is never closed"},
        {"# t\n```paramlab\nforward\n```\n~~~~\ncode\n", "bad.md:5: this ~~~~ block is never closed"},
        {"# t\n```paramlab\ndata line\nforwrd\n```\n", "bad.md:4: unknown command 'forwrd' (did you mean `forward`?); `help` lists every command, `names` every name"},
        {"```paramlab\nmodel\n```\n", "bad.md:2: model needs more"},
        {"```paramlab\nforward now\n```\n", "bad.md:2: too many words for forward"},
        {"```paramlab\nforward\n```\n```paramlab\nexpect loss <> 3\n```\n", "bad.md:5: '<>' is not a comparison"},
        {"```paramlab\nexpect loss < lots\n```\n", "bad.md:2: the expected value must be a finite number"},
        {"```paramlab\nexpect loss ~ 3 tol=x\n```\n", "bad.md:2: tol must be a finite number"},
        {"```paramlab\nexpect loss ~ 3 tol=-1\n```\n", "bad.md:2: tol must be 0 or more"},
        {"```paramlab\nexpect loss ~ 3 tal=1\n```\n", "bad.md:2: unexpected 'tal=1'"},
        {"```paramlab\nexpect lss < 3\n```\n", "bad.md:2: expect cannot check 'lss'"},
        {"```paramlab\nask what 3\n```\n", "bad.md:2: ask needs its question in double quotes"},
        {"```paramlab\nask \"what?\"\n```\n", "bad.md:2: ask needs more"},
        {"```paramlab\nask \"  \" 3\n```\n", "bad.md:2: ask needs a question between the quotes"},
        {"```paramlab\nask \"what 3\n```\n", "bad.md:2: unclosed quote"},
        {"```paramlab\npause 2\n```\n", "bad.md:2: too many words for pause"},
        {"```paramlab\ndata line; forward; W1 x\n```\n", "bad.md:2: W1 is a name, not a command"},
        {"# t\n\nJust prose.\n\n```sh\nls\n```\n", "bad.md:1: no ```paramlab block"},
        {"", "bad.md:1: no ```paramlab block"},
        {"```paramlab\n\n```\n", "bad.md:1: this paramlab block is empty"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[ERR_LEN] = "";
        Lesson *l = lesson_parse("bad.md", cases[i][0], check, NULL, err);
        if (l)
            fail_msg("case %zu was accepted: %s", i, cases[i][0]);
        if (strncmp(err, cases[i][1], strlen(cases[i][1])) != 0)
            fail_msg("case %zu: expected \"%s...\", got \"%s\"", i, cases[i][1], err);
    }
    /* an unclosed fence wins over the nonsense that follows it */
    char err[ERR_LEN];
    assert_null(lesson_parse("u.md", "```paramlab\nforward\nThis prose is no command.\n", check, NULL, err));
    assert_string_equal(err, "u.md:1: this ```paramlab block is never closed: end it with a line of ```");
    /* a missing file */
    assert_null(lesson_load("/nonexistent/x.md", check, NULL, err));
    assert_contains(err, "/nonexistent/x.md:1: cannot open");
}

static void test_check_line(void **state)
{
    (void)state;
    char err[ERR_LEN];
    static const char *const good[] = {
        "W1", "dW2[0,1]", "yhat", "loss", "X", "W1[0,1] = 2", "b1 = [0, 1]", "data moons; model mlp 8 # comment",
        "ask \"a; b # c?\" 5", "ask \"which?\" less|less likely", "expect W1[0,1] ~ 0.3 tol=1e-3",
        "expect accuracy >= 0.9", "expect val_loss < 1", "pause", "# only a comment", "", "lesson 2",
        "run x.plab", "record stop", "next", "redo"};
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        if (cmd_check_line(good[i], err) != 0)
            fail_msg("`%s` refused: %s", good[i], err);
    static const char *const bad[] = {"forwrd", "W1 show", "expect W1 <> 1", "ask what 5", "pause 3",
                                      "data moons; nope", "3", "help me please now"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        if (cmd_check_line(bad[i], err) == 0)
            fail_msg("`%s` accepted", bad[i]);
}

/* ---- rendering ---- */

static void test_render_plain(void **state)
{
    (void)state;
    const char *md = "# A **big** title\n"
                     "\n"
                     "Some **bold**, *emphasis*, __strong__ and _em_ with weight_decay and 2 * 3,\n"
                     "`code **not bold**`, a [link](https://example.com) and \\*escaped\\*.\n"
                     "\n"
                     "## Second\n"
                     "\n"
                     "- one item that is long enough to wrap around at this narrow width of forty\n"
                     "- two\n"
                     "  1. nested\n"
                     "\n"
                     "```python\n"
                     "x  =  [1, 2]   # kept as it is\n"
                     "```\n"
                     "\n"
                     "> a quote\n"
                     "\n"
                     "---\n"
                     "Setext\n"
                     "======\n"
                     "<!-- a note for authors -->\n"
                     "Last <br> line &amp; more.\n";
    char *out = rendered(md, 40, false);
    assert_null(strstr(out, "\033"));
    /* the only ** left are the two inside the code span */
    const char *code = strstr(out, "`code **not bold**`");
    assert_non_null(code);
    size_t at = (size_t)(code - out);
    assert_int_equal((size_t)(strstr(out, "**") - out), at + 6);
    assert_null(strstr(out + at + 19, "**"));
    assert_null(strstr(out, "__"));
    assert_null(strstr(out, "<!--"));
    assert_null(strstr(out, "<br>"));
    assert_true(strncmp(out, "A big title\n===========\n\n", 25) == 0);
    assert_contains(out, "Some bold, emphasis, strong and em with");
    assert_contains(out, "weight_decay and 2 * 3,");
    assert_contains(out, "`code **not bold**`"); /* code keeps its text and its backticks */
    assert_contains(out, "a link\n(https://example.com) and");
    assert_contains(out, "*escaped*.");
    assert_contains(out, "\nSecond\n------\n");
    assert_contains(out, "\n  • one item that is long enough to wrap\n    around");
    assert_contains(out, "\n  • two\n    1. nested\n");
    assert_contains(out, "\n    x  =  [1, 2]   # kept as it is\n");
    assert_contains(out, "  │ a quote\n");
    assert_contains(out, "─────");
    assert_contains(out, "\nSetext\n======\n");
    assert_contains(out, "Last line & more.");
    assert_width(out, 40);
    free(out);
}

static void test_render_wrap_utf8(void **state)
{
    (void)state;
    const char *md = "Ünïcödé wraps by code points: ααααα βββββ γγγγγ δδδδδ εεεεε ζζζζζ ηηηηη θθθθθ ιιιιι "
                     "κκκκκ λλλλλ μμμμμ — “quotes” and × and → and a very long word "
                     "ωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωωω in **bold ωω** and `c·o·d·e`.\n"
                     "\n"
                     "- a list item with ünïcödé ααααα βββββ γγγγγ δδδδδ εεεεε ζζζζζ ηηηηη θθθθθ\n";
    static const int widths[] = {20, 23, 37, 80, 100};
    for (size_t i = 0; i < sizeof widths / sizeof widths[0]; i++) {
        char *out = rendered(md, widths[i], false);
        assert_width(out, widths[i]);
        assert_contains(out, "ζζζζζ");
        free(out);
        out = rendered(md, widths[i], true); /* styles take no columns */
        char *plain = malloc(strlen(out) + 1);
        size_t k = 0;
        for (const char *p = out; *p; p++) {
            if (*p == '\033') {
                p += strcspn(p, "m");
                continue;
            }
            plain[k++] = *p;
        }
        plain[k] = '\0';
        assert_width(plain, widths[i]);
        free(plain);
        free(out);
    }
    /* the paragraph is re-wrapped: line breaks in the source do not matter */
    char *a = rendered("one two\nthree four\n", 80, false);
    assert_string_equal(a, "one two three four\n");
    free(a);
}

static void test_render_color(void **state)
{
    (void)state;
    char *out = rendered("# Title\n\nSome **bold** and *em* and `code`.\n", 80, true);
    assert_null(strstr(out, "**"));
    assert_contains(out, "\033[0;1;4mTitle\033[0m\n");
    assert_contains(out, "\033[0;1mbold\033[0m");
    assert_contains(out, "\033[0;4mem\033[0m");
    assert_contains(out, "\033[0;36mcode\033[0m");
    assert_null(strstr(out, "`"));
    free(out);
    /* a style that spans a line break is closed at the end of the line and reopened */
    out = rendered("**aaaa bbbb cccc dddd eeee**\n", 20, true);
    assert_string_equal(out, "\033[0;1maaaa bbbb cccc dddd\033[0m\n\033[0;1meeee\033[0m\n");
    free(out);
}

static void test_render_table(void **state)
{
    (void)state;
    char *out = rendered("| name | count |\n|:-----|------:|\n| **W1** | 50 |\n| b1 | 5 |\n", 80, false);
    assert_string_equal(out, "  name  count\n"
                             "  ────  ─────\n"
                             "  W1    50\n"
                             "  b1    5\n");
    free(out);
}

static void test_color_and_width(void **state)
{
    (void)state;
    FILE *f = tmpfile();
    assert_non_null(f);
    assert_false(lesson_color(f)); /* not a terminal */
    setenv("COLUMNS", "63", 1);
    assert_int_equal(lesson_width(f), 63);
    setenv("COLUMNS", "300", 1);
    assert_int_equal(lesson_width(f), 100);
    setenv("COLUMNS", "junk", 1);
    assert_int_equal(lesson_width(f), 80);
    unsetenv("COLUMNS");
    assert_int_equal(lesson_width(f), 80);
    fclose(f);
}

/* ---- run ---- */

static void test_run_script(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char line[512];
    const char *good = put("good.plab", "# a script\n\ndata line n=20 seed=1\nmodel linear   # one layer\n"
                                        "step 3\nexpect steps == 3\n");
    snprintf(line, sizeof line, "run %s", good);
    ok(x, line);
    assert_int_equal(x->c.s->steps, 3);
    assert_contains(x->last, "  > model linear   # one layer\n");
    assert_contains(x->last, "ran ");
    assert_contains(x->last, "4 commands, 1 expectation met");

    const char *bad = put("bad.plab", "step 1\nset lr nope\nstep 1\n");
    snprintf(line, sizeof line, "run %s", bad);
    char want[300];
    snprintf(want, sizeof want, "%s:2: lr must be a finite number", bad);
    const char *msg = refused(x, line);
    if (strncmp(msg, want, strlen(want)) != 0)
        fail_msg("got %s", msg);
    assert_int_equal(x->c.s->steps, 4); /* stopped at line 2: line 3 did not run */

    /* a file that runs itself is refused, not followed forever */
    char self[300];
    snprintf(self, sizeof self, "%s/self.plab", tmpdir);
    snprintf(line, sizeof line, "step 1\nrun %s\n", self);
    put("self.plab", line);
    snprintf(line, sizeof line, "run %s", self);
    msg = refused(x, line);
    assert_contains(msg, "more than 8 deep inside one another; does a file run itself?");
    const char *at = strstr(msg, "self.plab:2: running "); /* the innermost line, once */
    assert_non_null(at);
    assert_null(strstr(at + 1, "self.plab:2:"));
    assert_int_equal(x->c.s->steps, 4 + 8);

    snprintf(line, sizeof line, "run %s/nope.plab", tmpdir);
    assert_contains(refused(x, line), "nope.plab:1: cannot open");
    snprintf(line, sizeof line, "run %s", tmpdir);
    assert_contains(refused(x, line), "is a directory");
    fx_free(x);
}

/* A recording never feeds itself: running the file being recorded, or
 * recording into a file being run, is refused at once (before, each line
 * run was written to the file again and the run never ended), also through
 * a symbolic link to it. */
static void test_record_and_run_one_file(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char line[700], rec[300], link[300];
    snprintf(rec, sizeof rec, "%s/rec.plab", tmpdir);
    snprintf(link, sizeof link, "%s/rec-link.plab", tmpdir);
    unlink(link);
    assert_int_equal(symlink(rec, link), 0);
    snprintf(line, sizeof line, "data line n=50; model linear; record %s; step", rec);
    ok(x, line);
    snprintf(line, sizeof line, "run %s", rec);
    assert_contains(refused(x, line), "is the file `record` is writing to: `record stop` first");
    snprintf(line, sizeof line, "run %s", link);
    assert_contains(refused(x, line), "is the file `record` is writing to");
    assert_int_equal(x->c.s->steps, 1);
    ok(x, "record stop");
    snprintf(line, sizeof line, "run %s", rec); /* once stopped, it replays */
    ok(x, line);

    /* a script that records into itself */
    snprintf(line, sizeof line, "data line n=20\nrecord %s/itself.plab\nstep\n", tmpdir);
    const char *me = put("itself.plab", line);
    snprintf(line, sizeof line, "run %s", me);
    assert_contains(refused(x, line), "is running now: recording to it would overwrite what is being read");
    FILE *f = fopen(me, "r");
    assert_non_null(f);
    char first[64] = "";
    assert_non_null(fgets(first, sizeof first, f));
    fclose(f);
    assert_string_equal(first, "data line n=20\n"); /* the script is as it was */
    unlink(link);
    fx_free(x);
}

/* What `record` writes is what changed the state, also when a command
 * failed after changing it: an `expect error` whose command ran is written
 * as that command, a `train` stopped by the divergence alarm after some
 * updates as `expect error train ...`, which runs into the same alarm. The
 * file replays to the same state, bit for bit. */
static void test_record_what_changed(void **state)
{
    (void)state;
    Fx *a = fx_new();
    char line[400];
    const char *path = put("changed.plab", "");
    snprintf(line, sizeof line, "data line n=50 seed=3; model linear; set lr 3; record %s", path);
    ok(a, line);
    assert_contains(refused(a, "expect error forward"), "succeeded, expected it to be refused");
    ok(a, "loss; backward; update");
    assert_contains(refused(a, "train 50"), "training diverged");
    long steps = a->c.s->steps;
    assert_true(steps > 1);
    ok(a, "record stop");
    char *text = slurp(path);
    assert_contains(text, "\nforward\nloss\nbackward\nupdate\nexpect error train 50\n");
    free(text);
    Fx *b = fx_new();
    snprintf(line, sizeof line, "run %s", path);
    ok(b, line);
    assert_int_equal(b->c.s->steps, steps);
    assert_same_state(a->c.s, b->c.s);
    fx_free(b);
    fx_free(a);
}

/* A record file that cannot take what is written (a full disk) is refused
 * when `record` starts, not found out at `record stop`. */
static void test_record_full_disk(void **state)
{
    (void)state;
    if (access("/dev/full", W_OK) != 0)
        skip();
    Fx *x = fx_new();
    ok(x, "data line n=20");
    assert_string_equal(refused(x, "record /dev/full"),
                        "cannot write /dev/full: No space left on device; free some space or write somewhere else");
    assert_contains(refused(x, "record stop"), "not recording");
    fx_free(x);
}

static void test_run_lesson(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Keys k = {(const char *const[]){NULL}, 0, {{0}}, 0};
    keys_attach(x, &k); /* `run` must never ask the person */
    const char *md = put("l.md", "# L\n\nProse.\n\n```paramlab\ndata line n=20 seed=1\nmodel linear\n```\n\n"
                                 "More.\n\n```paramlab\nstep 2\nask \"How many? (a; b # c)\" 2|two\npause\n"
                                 "expect steps == 2\n```\n");
    char line[300];
    snprintf(line, sizeof line, "run %s", md);
    ok(x, line);
    assert_int_equal(k.next, 0);
    assert_contains(x->last, "? How many? (a; b # c)\nanswer: 2\n");
    assert_contains(x->last, "in 2 blocks, 1 expectation met");
    assert_null(strstr(x->last, "Prose.")); /* `run` shows commands, not the narration */

    /* a broken expectation stops it at its line; a malformed one runs nothing */
    md = put("l2.md", "```paramlab\ndata line n=20\nmodel linear\nexpect params == 3\nstep 1\n```\n");
    snprintf(line, sizeof line, "run %s", md);
    char want[300];
    snprintf(want, sizeof want, "%s:4: expectation failed: params is 2, expected == 3", md);
    assert_string_equal(refused(x, line), want);
    assert_int_equal(x->c.s->steps, 0);
    md = put("l3.md", "```paramlab\ndata moons\n```\n```paramlab\nforwrd\n```\n");
    snprintf(line, sizeof line, "run %s", md);
    snprintf(want, sizeof want, "%s:5: unknown command 'forwrd'", md);
    assert_true(strncmp(refused(x, line), want, strlen(want)) == 0);
    assert_string_equal(x->c.s->data->name, "line"); /* data moons did not run */
    assert_null(strstr(x->last, "> data moons"));
    fx_free(x);
}

/* ---- record ---- */

static void test_record_replay(void **state)
{
    (void)state;
    Fx *a = fx_new();
    char line[300];
    const char *path = put("rec.plab", "");
    ok(a, "data moons n=60 seed=2; set batch 16; model mlp 5 act=tanh");
    ok(a, "set optimizer adam lr=0.02");
    snprintf(line, sizeof line, "record %s", path);
    ok(a, line);
    assert_contains(a->last, "the 4 commands so far");
    ok(a, "forward; loss; backward; update");
    ok(a, "W1[0,0] = 0.5");
    refused(a, "nope");              /* failed: not written */
    refused(a, "set lr -1");
    ok(a, "help step");              /* help is not part of the state */
    ok(a, "train 3");
    ok(a, "undo 2");
    ok(a, "step 2 # a comment");
    ok(a, "data split 0.25; data standardize; init; step 5");
    assert_contains(refused(a, line), "already recording");
    ok(a, "record stop");
    assert_contains(a->last, "stopped recording: 16 commands in");
    refused(a, "record stop");
    char *text = slurp(path);
    assert_true(text[0] == '#');
    assert_contains(text, "\ndata moons n=60 seed=2\nset batch 16\nmodel mlp 5 act=tanh\nset optimizer adam lr=0.02\n"
                          "forward\nloss\nbackward\nupdate\nW1[0,0] = 0.5\ntrain 3\nundo 2\nstep 2\n");
    assert_null(strstr(text, "nope"));
    assert_null(strstr(text, "help"));
    assert_null(strstr(text, "set lr -1")); /* not "-1": the folder name is random */
    assert_null(strstr(text, "\nrecord"));
    free(text);

    /* a fresh session that runs it ends in the same state, bit for bit */
    Fx *b = fx_new();
    snprintf(line, sizeof line, "run %s", path);
    ok(b, line);
    assert_same_state(a->c.s, b->c.s);
    fx_free(b);

    /* recording a replay records what the replay ran, not the `run` */
    Fx *c = fx_new();
    const char *again = put("again.plab", "");
    snprintf(line, sizeof line, "record %s", again);
    ok(c, line);
    snprintf(line, sizeof line, "run %s", path);
    ok(c, line);
    ok(c, "record stop");
    text = slurp(again);
    assert_null(strstr(text, "\nrun "));
    assert_contains(text, "\nstep 5\n");
    free(text);
    fx_free(c);
    fx_free(a);
}

/* A `train` that Ctrl-C stopped after three steps. */
static int three_steps_then_ctrl_c(CmdCtx *c, char *seg)
{
    (void)seg;
    for (int i = 0; i < 3; i++)
        assert_int_equal(session_step(c->s, c->err), 0);
    return 1;
}

static void test_record_interrupted_train(void **state)
{
    (void)state;
    Fx *a = fx_new();
    volatile sig_atomic_t flag = 0;
    a->c.interrupt = &flag;
    a->c.s->interrupt = &flag;
    ok(a, "data line n=40 seed=3; set batch 8; model linear");
    char seg[] = "train 10";
    assert_int_equal(cmd_lesson_exec(&a->c, seg, three_steps_then_ctrl_c), 1);
    flag = 1; /* Ctrl-C before the first step: nothing taken, nothing written */
    assert_int_equal(run(a, "train 4"), 1);
    assert_int_equal(run(a, "step 4"), 1);
    flag = 0;
    ok(a, "step 1");
    const char *path = put("int.plab", "");
    char line[300];
    snprintf(line, sizeof line, "record %s", path);
    ok(a, line);
    ok(a, "record stop");
    char *text = slurp(path);
    assert_contains(text, "model linear\nstep 3\nstep 1\n");
    assert_null(strstr(text, "train"));
    assert_null(strstr(text, "step 4"));
    free(text);
    Fx *b = fx_new();
    snprintf(line, sizeof line, "run %s", path);
    ok(b, line);
    assert_same_state(a->c.s, b->c.s);
    fx_free(b);
    fx_free(a);
}

/* ---- a lesson, part by part ---- */

static const char *walk_lesson(void)
{
    mkdir(tmpdir, 0700);
    char dir[200];
    snprintf(dir, sizeof dir, "%s/data", tmpdir);
    mkdir(dir, 0700);
    put("data/pts.csv", "x,y\n0,1\n1,3\n2,5\n3,7.5\n4,9\n5,11.2\n");
    return put("07-walk.md", "# Walking\n\nFirst the data.\n\n"
                             "```paramlab\ndata load data/pts.csv\nset batch 2\nmodel linear\n```\n\n"
                             "## Train\n\nThen some steps.\n\n"
                             "```paramlab\nset optimizer adam lr=0.1\nstep 4\npause\nexpect steps == 4\n```\n\n"
                             "Last part.\n\n```paramlab\nstep 1\n```\n\nTry it yourself.\n");
}

/* A lesson file without a number in its name shows its title in the
 * prompt, cut to 24 characters. */
static void test_prompt_names_unnumbered(void **state)
{
    (void)state;
    Fx *x = fx_new();
    const char *path = put("slopes.md", "# My own lesson about slopes\n\nText.\n\n```paramlab\ndata line\n```\n\n"
                                        "More.\n\n```paramlab\nmodel linear\n```\n");
    char line[300], prompt[256];
    snprintf(line, sizeof line, "lesson %s", path);
    ok(x, line);
    cmd_lesson_prompt(&x->c, prompt, sizeof prompt);
    assert_contains(prompt, "paramlab [lesson My own lesson about slop... · 1/2]");
    fx_free(x);
}

static void test_lesson_walk(void **state)
{
    (void)state;
    Fx *x = fx_new();
    const char *path = walk_lesson();
    char line[300], prompt[256];
    snprintf(line, sizeof line, "lesson %s", path);
    ok(x, line);
    assert_contains(x->last, "Walking\n=======\n\nFirst the data.\n");
    assert_contains(x->last, "  > data load data/pts.csv\n");
    assert_contains(x->last, "  > model linear\n");
    assert_contains(x->last, "[part 1 of 3]");
    assert_null(strstr(x->last, "Then some steps")); /* stops at the prompt */
    assert_true(cmd_lesson_active(&x->c));
    cmd_lesson_prompt(&x->c, prompt, sizeof prompt);
    assert_string_equal(prompt, "paramlab [lesson 7 · 1/3] e1 b1/3 next:forward> ");
    ok(x, "lesson");
    assert_contains(x->last, "You are in lesson 7, \"Walking\": part 1 of 3 done.");

    const char *rec = put("walk.plab", "");
    snprintf(line, sizeof line, "record %s", rec);
    ok(x, line);
    ok(x, "next");
    assert_contains(x->last, "Train\n-----\n\nThen some steps.\n");
    assert_contains(x->last, "ok: steps = 4 == 4");
    assert_int_equal(x->c.s->steps, 4);
    double *first = params_copy(x->c.s);

    /* the learner experiments, then takes the part again */
    ok(x, "W1[0,0] = 3; set lr 0.01; step 3");
    ok(x, "redo");
    assert_contains(x->last, "redo: part 2 again");
    assert_contains(x->last, "  > step 4\n");
    assert_int_equal(x->c.s->steps, 4);
    assert_memory_equal(x->c.s->model->params, first, sizeof(double) * x->c.s->model->n_params);
    assert_true(x->c.s->opt.lr == 0.1);
    free(first);

    /* the record file followed the redo: it replays to this state */
    Fx *b = fx_new();
    char *text = slurp(rec);
    assert_null(strstr(text, "set lr 0.01"));
    assert_contains(text, tmpdir); /* the data file by its full path */
    free(text);
    snprintf(line, sizeof line, "run %s", rec);
    ok(b, line);
    assert_same_state(x->c.s, b->c.s);
    fx_free(b);

    ok(x, "next");
    assert_contains(x->last, "[part 3 of 3, the last]");
    ok(x, "next");
    assert_contains(x->last, "Try it yourself.");
    assert_contains(x->last, "That is the end of lesson 7, \"Walking\".");
    assert_false(cmd_lesson_active(&x->c));
    assert_contains(refused(x, "next"), "no lesson is running");
    assert_contains(refused(x, "redo"), "no lesson is running");
    ok(x, "record stop");
    fx_free(x);
}

static void test_lesson_refused(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data line n=10");
    const char *bad = put("bad.md", "# Bad\n\n```paramlab\ndata moons\nmodel mlp 4\nstep\n\n"
                                    "Prose that is no command.\n```\n```paramlab\ntrain 5 please\n```\n");
    char line[300], want[300];
    snprintf(line, sizeof line, "lesson %s", bad);
    snprintf(want, sizeof want, "%s:8: unknown command 'Prose'", bad); /* the block is closed only on line 9 */
    const char *msg = refused(x, line);
    if (strncmp(msg, want, strlen(want)) != 0)
        fail_msg("got %s", msg);
    assert_string_equal(x->last, ""); /* nothing ran, nothing was shown */
    assert_string_equal(x->c.s->data->name, "line");
    assert_false(cmd_lesson_active(&x->c));
    assert_contains(refused(x, "lesson 0"), "numbered from 1");
    assert_contains(refused(x, "lesson nosuch"), "neither a lesson number nor a lesson file");
    fx_free(x);
}

static void add_word(void *ctx, const char *word)
{
    char *buf = ctx;
    strcat(buf, word);
    strcat(buf, " ");
}


/* A lesson taken in a fresh session gives the learner's back, exactly,
 * at `quit` and at its end; its settings do not leak out. */
static void test_lesson_gives_session_back(void **state)
{
    (void)state;
    Fx *x = fx_new();
    const char *path = walk_lesson();
    char line[300];
    ok(x, "data moons n=40 seed=2; model mlp 3; set optimizer sgd lr=0.3; step 2; W1[0,0] = 0.125");
    Session *mine = x->c.s;
    double *before = params_copy(mine);
    size_t n = mine->model->n_params;
    snprintf(line, sizeof line, "lesson %s", path);
    ok(x, line);
    assert_contains(x->last, "yours is put aside");
    assert_ptr_not_equal(x->c.s, mine);
    ok(x, "set seed 77; set lr 0.9; next");
    ok(x, "quit");
    assert_false(x->c.quit);
    assert_false(cmd_lesson_active(&x->c));
    assert_contains(x->last, "your own session is back as you left it: data moons");
    assert_ptr_equal(x->c.s, mine);
    assert_memory_equal(x->c.s->model->params, before, n * sizeof(double));
    assert_int_equal(x->c.s->steps, 2);
    ok(x, "hypers");
    assert_contains(x->last, "lr=0.3");
    /* to the end of the lesson: back again */
    ok(x, line);
    ok(x, "next; next; next");
    assert_contains(x->last, "That is the end");
    assert_contains(x->last, "your own session is back");
    assert_false(cmd_lesson_active(&x->c));
    assert_memory_equal(x->c.s->model->params, before, n * sizeof(double));
    /* a second quit leaves paramlab */
    ok(x, "quit");
    assert_true(x->c.quit);
    free(before);
    fx_free(x);
}

static void test_list_and_complete(void **state)
{
    (void)state;
    char dir[200];
    snprintf(dir, sizeof dir, "%s/list", tmpdir);
    mkdir(dir, 0700);
    put("list/02-loop.md", "# 02 · The loop\n```paramlab\ndata line\n```\n");
    put("list/01-first.md", "Intro\n\n```sh\n# not a title\n```\n\n# First *steps*\n```paramlab\ndata line\n```\n");
    put("list/extra.md", "```paramlab\ndata line\n```\n");
    put("list/notes.txt", "not a lesson");
    setenv("PARAMLAB_LESSONS", dir, 1);
    Fx *x = fx_new();
    ok(x, "lesson");
    assert_contains(x->last, "    1  First steps\n    2  The loop\n");
    assert_contains(x->last, "extra");
    assert_null(strstr(x->last, "notes"));
    ok(x, "lesson 2");
    assert_contains(x->last, "  > data line");
    assert_contains(refused(x, "lesson 3"), "there is no lesson 3");
    char words[256] = "";
    assert_int_equal(cmd_complete(&x->c, "lesson ", 7, "", add_word, words), COMPLETE_WORDS);
    assert_string_equal(words, "1 2 ");
    assert_int_equal(cmd_complete(&x->c, "run ", 4, "", add_word, words), COMPLETE_FILES);
    assert_int_equal(cmd_complete(&x->c, "record ", 7, "", add_word, words), COMPLETE_FILES);
    unsetenv("PARAMLAB_LESSONS");
    fx_free(x);
}

int main(void)
{
    cmd_register(cmd_table); /* the command table, as main registers it */
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse_blocks),
        cmocka_unit_test(test_parse_errors),
        cmocka_unit_test(test_check_line),
        cmocka_unit_test(test_render_plain),
        cmocka_unit_test(test_render_wrap_utf8),
        cmocka_unit_test(test_render_color),
        cmocka_unit_test(test_render_table),
        cmocka_unit_test(test_color_and_width),
        cmocka_unit_test(test_run_script),
        cmocka_unit_test(test_run_lesson),
        cmocka_unit_test(test_record_replay),
        cmocka_unit_test(test_record_interrupted_train),
        cmocka_unit_test(test_lesson_walk),
        cmocka_unit_test(test_prompt_names_unnumbered),
        cmocka_unit_test(test_record_and_run_one_file),
        cmocka_unit_test(test_record_full_disk),
        cmocka_unit_test(test_record_what_changed),
        cmocka_unit_test(test_lesson_refused),
        cmocka_unit_test(test_list_and_complete),
        cmocka_unit_test(test_lesson_gives_session_back),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
