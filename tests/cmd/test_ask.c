/* test_ask.c — `ask` and `pause` with a scripted person at the keyboard
 * (the read_line hook, as the REPL gives it): what a person types counts
 * (case, spaces, thousands separators, %, tol=, synonyms); a wrong answer
 * gets a hint and a second try, a second wrong one the answer and its why;
 * `skip`, Enter, Ctrl-D and Ctrl-C; malformed lines refused by the line
 * check. Inside a lesson: `redo` at an answer prompt runs the block again
 * from the lesson's state, `quit` there leaves the lesson, and the next
 * part says so when the learner changed the state between parts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd.h"
#include "cmd_lesson.h"
#include "cmd_page.h"
#include "session.h"
#include "util.h"

#include "fixture.h"
#include "keys.h"
#include "lesson_files.h"


/* ---- what counts as right ---- */

static void test_ask_nobody(void **state)
{
    (void)state;
    Fx *x = fx_new();
    /* nobody to answer: the question and its answer, and on */
    ok(x, "ask \"How many? (a; b # c)\" 55");
    assert_string_equal(x->last, "? How many? (a; b # c)\nanswer: 55\n");
    ok(x, "ask \"Loss?\" 0.69 tol=0.01 hint=\"ln 2\" why=\"a coin flip.\"");
    assert_string_equal(x->last, "? Loss?\nanswer: 0.69\n");
    fx_free(x);
}

static void test_ask_accepts(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const typed[] = {"55.0000000000001", "  SIGMOID ", "less likely", "4,417", "4 417",
                                        "4_417", "4417.0", "0.7", "87 %", "87", "N", "ADAM", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    ok(x, "ask \"How many?\" 55");
    assert_string_equal(x->last, "? How many?\nRight: 55.\n");
    assert_string_equal(k.prompts[0], "your answer> ");
    ok(x, "ask \"Which squashes to (0, 1)?\" sigmoid|logistic");
    assert_contains(x->last, "Right: sigmoid.");
    ok(x, "ask \"More or less?\" less|less likely");
    assert_contains(x->last, "Right: less.");
    for (int i = 0; i < 4; i++) {
        ok(x, "ask \"Rows?\" 4417");
        assert_contains(x->last, "Right: 4417.");
    }
    ok(x, "ask \"Loss?\" 0.69 tol=0.01");
    assert_contains(x->last, "Right: 0.69.");
    ok(x, "ask \"Accuracy in %?\" 87");
    assert_contains(x->last, "Right: 87.");
    ok(x, "ask \"Accuracy?\" 87%");
    assert_contains(x->last, "Right: 87%.");
    ok(x, "ask \"Will it converge?\" no|n why=\"lr is past 2/L.\"");
    assert_contains(x->last, "Right: no. lr is past 2/L.\n");
    ok(x, "ask \"Which wins?\" adam");
    assert_contains(x->last, "Right: adam.");
    assert_int_equal(k.next, 12);
    fx_free(x);
}

/* The minus sign a lesson's prose prints (U+2212) and its look-alikes,
 * and small whole numbers as words ("none" for 0). */
static void test_ask_minus_and_words(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const typed[] = {"\xe2\x88\x92" "1.31", "\xe2\x80\x93" "1.31", "\xef\xbc\x8d" "2",
                                        "zero", "None", "Twelve", "twenty", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    ok(x, "ask \"The bias?\" -1.31 tol=0.01");
    assert_contains(x->last, "Right: -1.31.");
    ok(x, "ask \"The bias?\" -1.31");
    assert_contains(x->last, "Right: -1.31.");
    ok(x, "ask \"The slope?\" -2");
    assert_contains(x->last, "Right: -2.");
    ok(x, "ask \"How many?\" 0");
    assert_contains(x->last, "Right: 0.");
    ok(x, "ask \"How many?\" 0");
    assert_contains(x->last, "Right: 0.");
    ok(x, "ask \"How many?\" 12");
    assert_contains(x->last, "Right: 12.");
    ok(x, "ask \"How many?\" 20");
    assert_contains(x->last, "Right: 20.");
    assert_int_equal(k.next, 7);
    fx_free(x);
}

/* A wrong answer: a hint and a second try; two: the answer and why. */
static void test_ask_second_try(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const typed[] = {
        "54", "55",                /* higher, then right */
        "60", "58",                /* lower, then shown */
        "0.71", "0.70",            /* outside tol, then within */
        "44,17", "4,4170",         /* not numbers as a person groups them */
        "2", "4",                  /* the line's hint, then its why */
        "rmsprop", "sgd",          /* the question's choices */
        "maybe", "yes",            /* nothing to go on: a generic nudge */
        NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    ok(x, "ask \"How many?\" 55");
    assert_string_equal(x->last, "? How many?\nNot quite: the answer is higher than 54.\nRight: 55.\n");
    assert_string_equal(k.prompts[1], "second try> ");
    ok(x, "ask \"How many?\" 55");
    assert_string_equal(x->last, "? How many?\nNot quite: the answer is lower than 60.\n"
                                 "The answer is 55 (you said 58).\n");
    ok(x, "ask \"Loss?\" 0.69 tol=0.01");
    assert_contains(x->last, "lower than 0.71");
    assert_contains(x->last, "Right: 0.69.");
    ok(x, "ask \"Rows?\" 4417");
    assert_contains(x->last, "Not quite: the answer is a number.\n");
    assert_contains(x->last, "The answer is 4417 (you said 4,4170).\n");
    ok(x, "ask \"Parameters of a 2->1 layer?\" 3 hint=\"count the bias too\" why=\"2 weights + 1 bias.\"");
    assert_string_equal(x->last, "? Parameters of a 2->1 layer?\nNot quite. Hint: count the bias too\n"
                                 "The answer is 3 (you said 4). 2 weights + 1 bias.\n");
    ok(x, "ask \"Which wins (sgd, adam or rmsprop)?\" adam");
    assert_contains(x->last, "Not quite: the choices are sgd, adam or rmsprop.\n");
    assert_contains(x->last, "The answer is adam (you said sgd).");
    ok(x, "ask \"Does it stay stuck?\" no|n");
    assert_contains(x->last, "Not quite. Read the question again.\n");
    assert_int_equal(k.next, 14);
    fx_free(x);
}

static void test_ask_skip_and_keys(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const typed[] = {"skip", "", "^D", "redo", "quit", "^C", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    ok(x, "ask \"Skip me\" 1 why=\"one.\"");
    assert_string_equal(x->last, "? Skip me\nThe answer: 1. one.\n");
    ok(x, "ask \"Enter alone\" 1");
    assert_contains(x->last, "The answer: 1.");
    ok(x, "ask \"Ctrl-D\" 1");
    assert_contains(x->last, "The answer: 1.");
    /* outside a lesson's block, redo and quit are only words */
    ok(x, "ask \"Word\" 1");
    assert_contains(x->last, "Not quite: the answer is a number.");
    assert_false(x->c.quit);
    assert_int_equal(run(x, "ask \"Ctrl-C\" 1; step"), 1); /* stops, and the rest of the line */
    assert_int_equal(k.next, 6);
    fx_free(x);
}

static void test_ask_refused(void **state)
{
    (void)state;
    static const char *const cases[][2] = {
        {"ask what 5", "ask needs its question in double quotes"},
        {"ask \"  \" 3", "ask needs a question between the quotes"},
        {"ask \"Loss?\" 0.69 tol=abc", "tol= must be a number 0 or more"},
        {"ask \"Loss?\" 0.69 tol=-1", "tol= must be a number 0 or more"},
        {"ask \"Which?\" adam tol=0.1", "tol= is for a numeric answer"},
        {"ask \"Which?\" adam hint=\"the one with moments", "unclosed quote in hint="},
        {"ask \"Which?\" adam hint=", "hint= needs a sentence in double quotes"},
        {"ask \"Which?\" adam why=\"\"", "why= needs a sentence"},
        {"ask \"Which?\" adam hint=\"a\" sgd", "'sgd' after the options"},
        {"ask \"Which?\" tol=1", "ask needs the answer after the question"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char err[ERR_LEN] = "";
        if (cmd_check_line(cases[i][0], err) == 0)
            fail_msg("accepted: %s", cases[i][0]);
        if (!strstr(err, cases[i][1]))
            fail_msg("%s: got \"%s\", want \"%s\"", cases[i][0], err, cases[i][1]);
    }
    char err[ERR_LEN] = "";
    assert_int_equal(cmd_check_line("ask \"Loss (in %)?\" 0.69 tol=0.01 hint=\"a; b # c\" why=\"x\"", err), 0);
    /* at load time, with FILE:LINE */
    Fx *x = fx_new();
    const char *bad = put("bad.md", "# Bad\n\n```paramlab\ndata line\nask \"Loss?\" 0.69 tol=x\n```\n");
    char line[300], want[300];
    snprintf(line, sizeof line, "lesson %s", bad);
    snprintf(want, sizeof want, "%s:5: ask: tol= must be a number", bad);
    assert_contains(refused(x, line), want);
    fx_free(x);
}

static void test_pause(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "pause");
    assert_string_equal(x->last, "");
    static const char *const typed[] = {"", "^C", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    ok(x, "pause");
    assert_contains(k.prompts[0], "Enter");
    assert_int_equal(run(x, "pause; data line"), 1);
    assert_null(x->c.s->data);
    fx_free(x);
}

/* ---- inside a lesson ---- */

static const char *ask_lesson(void)
{
    return put("05-asks.md", "# Asking\n\nThe data.\n\n"
                             "```paramlab\ndata line n=20 seed=1\nmodel linear\n```\n\n"
                             "Predict, then run.\n\n"
                             "```paramlab\nstep 2\nask \"How many parameters?\" 2 hint=\"a slope and a bias\"\n"
                             "step 1\nexpect steps == 3\n```\n\nThe end.\n\n```paramlab\nstep 1\n```\n");
}

/* `redo` at an answer prompt runs the block again from the lesson's
 * state before it, instead of counting as an answer. */
static void test_ask_redo_in_lesson(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const typed[] = {"3", "redo", "three", "2", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    char line[300];
    snprintf(line, sizeof line, "lesson %s", ask_lesson());
    ok(x, line);
    ok(x, "next");
    const char *out = x->last;
    assert_contains(out, "Not quite. Hint: a slope and a bias\n");
    assert_contains(out, "redo: part 2 again");
    assert_contains(strstr(out, "redo: part 2 again"), "Not quite. Hint: a slope"); /* asked afresh */
    assert_contains(out, "Right: 2.");
    assert_contains(out, "ok: steps = 3 == 3");
    assert_contains(out, "[part 2 of 3]");
    assert_int_equal(x->c.s->steps, 3); /* 2 + 1: the first, interrupted go left nothing behind */
    assert_int_equal(k.next, 4);
    ok(x, "next; next");
    assert_contains(x->last, "That is the end");
    fx_free(x);
}

/* `quit` (or Ctrl-D) at an answer prompt leaves the lesson, as at the
 * prompt: the learner's session comes back, the rest of the block does
 * not run. */
static void test_ask_quit_in_lesson(void **state)
{
    (void)state;
    static const char *const ends[] = {"quit", "^D"};
    for (int i = 0; i < 2; i++) {
        Fx *x = fx_new();
        ok(x, "data moons n=40 seed=2");
        Session *mine = x->c.s;
        const char *typed[] = {ends[i], NULL};
        Keys k = {typed, 0, {{0}}, 0};
        keys_attach(x, &k);
        char line[300];
        snprintf(line, sizeof line, "lesson %s", ask_lesson());
        ok(x, line);
        ok(x, "next");
        assert_contains(x->last, "your own session is back");
        assert_null(strstr(x->last, "ok: steps"));
        assert_false(cmd_lesson_active(&x->c));
        assert_ptr_equal(x->c.s, mine);
        assert_false(x->c.quit);
        fx_free(x);
    }
}

/* Between parts: a command that changed the state makes the next part
 * say so once and offer `redo`; one that only looks does not. */
static void test_changed_between_parts(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const typed[] = {"2", "2", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    char line[300];
    snprintf(line, sizeof line, "lesson %s", ask_lesson());
    ok(x, line);
    ok(x, "W1; show b1; params");
    ok(x, "next");
    assert_null(strstr(x->last, "You changed"));
    assert_contains(x->last, "Right: 2.");
    ok(x, "redo"); /* back to part 2 */
    ok(x, "set lr 0.5; step 4");
    ok(x, "next");
    assert_contains(x->last, "You changed the lesson's state since part 2 ran");
    assert_contains(x->last, "`redo` runs part 2 again");
    assert_null(strstr(x->last, "The end."));
    ok(x, "next"); /* said once: Enter goes on with the learner's state */
    assert_contains(x->last, "The end.");
    fx_free(x);
}

/* Prose taller than the screen waits for Enter after each screen; Ctrl-D
 * or Ctrl-C there stops it and says which; without a person nothing waits. */
static void test_page(void **state)
{
    (void)state;
    Fx *x = fx_new();
    const char *text = "1\n2\n3\n4\n5\n6\n7\n8\n9\n10\n";
    CmdPageKey key = CMD_PAGE_STOP;
    assert_int_equal(cmd_page_text(&x->c, text, 5, &key), 10); /* no read_line: no pages */
    assert_int_equal(key, CMD_PAGE_ON);
    assert_int_equal(cmd_page_hold(&x->c, 10, 5), CMD_PAGE_ON);
    static const char *const typed[] = {"", "^D", "^C", "", "^D", "^C", NULL};
    Keys k = {typed, 0, {{0}}, 0};
    keys_attach(x, &k);
    assert_int_equal(cmd_page_text(&x->c, text, 5, &key), 6); /* after lines 3 and 6; ^D: no more */
    assert_int_equal(key, CMD_PAGE_LEAVE);
    assert_int_equal(k.next, 2);
    assert_string_equal(k.prompts[0], "-- more: Enter --");
    assert_int_equal(cmd_page_text(&x->c, text, 5, &key), 3); /* ^C after line 3 */
    assert_int_equal(key, CMD_PAGE_STOP);
    k.flag = 0;
    assert_int_equal(cmd_page_text(&x->c, "1\n2\n3\n", 5, &key), 3); /* one screen: no wait */
    assert_int_equal(cmd_page_text(&x->c, text, 0, NULL), 10);         /* not a terminal */
    assert_int_equal(k.next, 3);
    fflush(x->f);
    assert_contains(x->buf, "1\n2\n3\n4\n5\n6\n\n1\n2\n3\n1\n2\n3\n1\n2\n3\n4");
    assert_int_equal(cmd_page_hold(&x->c, 2, 40), CMD_PAGE_ON); /* short: no wait */
    assert_int_equal(k.next, 3);
    assert_int_equal(cmd_page_hold(&x->c, 30, 40), CMD_PAGE_ON);
    assert_int_equal(k.next, 4);
    assert_string_equal(k.prompts[3], "-- Enter runs the commands --");
    assert_int_equal(cmd_page_hold(&x->c, 30, 40), CMD_PAGE_LEAVE);
    assert_int_equal(cmd_page_hold(&x->c, 30, 40), CMD_PAGE_STOP);
    fx_free(x);
}

/* In a lesson, the keys at every page break and prompt do what they do
 * at the learner's prompt: Ctrl-C stops what is shown (the part's
 * commands do not run), Ctrl-D leaves the lesson as `quit` does. */
static void test_keys_at_page_breaks(void **state)
{
    (void)state;
    char prose[600] = "# Keys\n\n";
    for (int i = 1; i <= 12; i++)
        snprintf(prose + strlen(prose), sizeof prose - strlen(prose), "Line %d of the prose.\n\n", i);
    char md[1200];
    snprintf(md, sizeof md, "%s```paramlab\ndata line n=20 seed=1\nmodel linear\n```\n\nMore.\n\n"
                            "```paramlab\npause\nstep 1\n```\n", prose);
    const char *file = put("07-keys.md", md);
    /* where the key is pressed: 1st "more", "Enter runs", pause (2nd part) */
    static const char *const cases[][5] = {
        {"^D", NULL}, {"^C", NULL}, {"", "", "", "^D", NULL}, {"", "", "", "^C", NULL},
        {"", "", "", "", "^D"},
    };
    for (int i = 0; i < 5; i++) {
        Fx *x = fx_new();
        ok(x, "data moons n=40 seed=2");
        Session *mine = x->c.s;
        const char *typed[8] = {0};
        for (int j = 0; j < 5 && cases[i][j]; j++)
            typed[j] = cases[i][j];
        Keys k = {typed, 0, {{0}}, 0};
        keys_attach(x, &k);
        x->c.page_rows = 10;
        char line[300];
        snprintf(line, sizeof line, "lesson %s", file);
        int rc = cmd_exec_line(&x->c, line);
        if (i == 4) { /* ^D at pause, in part 2 */
            assert_int_equal(rc, 0);
            assert_true(cmd_lesson_active(&x->c));
            rc = cmd_exec_line(&x->c, "next");
        }
        fflush(x->f);
        assert_null(typed[k.next]); /* every key read, no more */
        bool leave = strcmp(typed[k.next - 1], "^D") == 0;
        if (leave) {
            assert_int_equal(rc, 0);
            assert_false(cmd_lesson_active(&x->c));
            assert_ptr_equal(x->c.s, mine);
            assert_false(x->c.quit);
            assert_contains(x->buf, "you left the lesson");
        } else {
            assert_int_equal(rc, 1);
            assert_true(cmd_lesson_active(&x->c));
            assert_null(x->c.s->data); /* the part's commands did not run */
            assert_contains(x->buf, "Stopped by Ctrl-C: part 1's commands did not run");
        }
        if (i < 2) /* stopped at the first screen: the rest of the prose is not shown */
            assert_null(strstr(x->buf, "Line 12 of the prose"));
        if (i < 4)
            assert_null(strstr(x->buf, "[part 1 of 2]"));
        assert_null(strstr(x->buf, "> step 1"));
        fx_free(x);
    }
}

/* A picture a part asked for does not follow the later parts (in a window
 * it would pop up again, empty, at their `init`); one the learner asked
 * for between parts does. */
static void test_plot_between_parts(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char line[300];
    snprintf(line, sizeof line, "lesson %s",
             put("06-plot.md", "# Plot\n\n```paramlab\ndata line n=20 seed=1\nmodel linear\nplot loss\n"
                               "train 2\n```\n\nLater.\n\n```paramlab\ninit\ntrain 2\n```\n\n"
                               "Again.\n\n```paramlab\ntrain 1\n```\n"));
    ok(x, line);
    if (strstr(x->last, "no picture: gnuplot"))
        skip(); /* nothing to draw with */
    assert_contains(x->last, "Training loss over 2 updates");
    ok(x, "next");
    assert_contains(x->last, "trained 2 epochs");
    assert_null(strstr(x->last, "Training loss over"));
    ok(x, "plot loss");
    ok(x, "next");
    assert_contains(x->last, "Training loss over 3 updates");
    fx_free(x);
}

int main(void)
{
    cmd_register(cmd_table);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ask_nobody),
        cmocka_unit_test(test_ask_accepts),
        cmocka_unit_test(test_ask_second_try),
        cmocka_unit_test(test_ask_skip_and_keys),
        cmocka_unit_test(test_ask_refused),
        cmocka_unit_test(test_pause),
        cmocka_unit_test(test_ask_minus_and_words),
        cmocka_unit_test(test_ask_redo_in_lesson),
        cmocka_unit_test(test_ask_quit_in_lesson),
        cmocka_unit_test(test_changed_between_parts),
        cmocka_unit_test(test_page),
        cmocka_unit_test(test_keys_at_page_breaks),
        cmocka_unit_test(test_plot_between_parts),
    };
    return cmocka_run_group_tests(tests, setup_dir, remove_dir);
}
