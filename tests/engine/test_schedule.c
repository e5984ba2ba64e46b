/* test_schedule.c — the learning-rate schedules against PyTorch 1.13.
 * tests/golden/schedule.txt (gen_generalize_golden.py) holds torch's lr
 * after each of 35-40 epochs for every kind under several option sets,
 * plateau with metric sequences that sit exactly on and one ulp below the
 * threshold, NaN and infinite metrics and reductions smaller than eps; all
 * must match to the last bit. Also the option parser's refusals,
 * defaults, describe, and copying the state mid-run. Run from the
 * repository root. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#define GL_FILE "tests/golden/schedule.txt"
#define GOLDEN GL_FILE
#include "golden_lines.h"
#include "schedule.h"
#include "util.h"

#define MAXE 64  /* epochs of a case, at most */
#define MAXW 16  /* words of a case line */

/* Splits a copy of line into words (buf keeps them). */
static int split_words(const char *line, char *buf, size_t n, const char **w, int max)
{
    snprintf(buf, n, "%s", line);
    int k = 0;
    for (char *t = strtok(buf, " \t"); t && k < max; t = strtok(NULL, " \t"))
        w[k++] = t;
    return k;
}

static void parse_or_fail(const char *const *words, int n, SchedConfig *c)
{
    char err[ERR_LEN];
    if (sched_parse(words, n, c, err) != 0)
        fail_msg("sched_parse refused %s: %s", words[0], err);
}

/* Every case of the golden file, epoch by epoch, exactly. */
static void test_lr_sequences_match_torch(void **state)
{
    (void)state;
    int cases = 0, kinds[SCHED_COUNT] = {0};
    for (int i = 0; i < gl_n; i++) {
        if (!gl_is(gl_lines[i], "sched"))
            continue;
        char buf[512];
        const char *w[MAXW];
        int nw = split_words(gl_lines[i], buf, sizeof buf, w, MAXW);
        assert_true(nw >= 4);
        double lr = strtod(w[2], NULL);
        SchedConfig c;
        parse_or_fail(w + 3, nw - 3, &c);
        kinds[c.kind]++;
        double metric[MAXE], want[MAXE];
        int nm = gl_nums(gl_lines[i + 1], "metric", metric, MAXE);
        int j = i + (nm >= 0 ? 2 : 1);
        int ne = gl_nums(gl_lines[j], "lr", want, MAXE);
        assert_true(ne >= 30);
        assert_true(nm < 0 || nm == ne);
        assert_int_equal(sched_desc(c.kind)->uses_metric, nm >= 0);
        SchedState s;
        sched_start(&s, lr);
        for (int e = 0; e < ne; e++) {
            lr = sched_step(&c, &s, lr, nm >= 0 ? metric[e] : NAN);
            if (!gl_same(lr, want[e]))
                fail_msg("%s epoch %d: lr %.17g, torch %.17g", w[1], e + 1, lr, want[e]);
        }
        assert_int_equal(s.epoch, ne);
        cases++;
    }
    assert_true(cases >= 20);
    for (int k = SCHED_STEP; k < SCHED_COUNT; k++)
        assert_true(kinds[k] >= 4);
    print_message("schedules: %d lr sequences match torch exactly\n", cases);
}

/* torch's recursive cosine is not its closed form: they differ in the
 * last bits, which is why cosine_step follows get_lr. */
static void test_cosine_is_recursive(void **state)
{
    (void)state;
    const char *words[] = {"cosine", "tmax=30", "min=1e-4"};
    SchedConfig c;
    parse_or_fail(words, 3, &c);
    SchedState s;
    sched_start(&s, 1.0);
    double lr = 1.0;
    int differ = 0;
    for (int e = 1; e <= 30; e++) {
        lr = sched_step(&c, &s, lr, NAN);
        double closed = 1e-4 + (1.0 - 1e-4) * (1 + cos(M_PI * e / 30)) / 2;
        differ += lr != closed;
        assert_true(fabs(lr - closed) <= 1e-12 * closed);
    }
    assert_true(differ > 0);
}

/* The plateau's ValueError of torch, with the fix after it. */
static void test_check_messages(void **state)
{
    (void)state;
    int checks = 0;
    for (int i = 0; i < gl_n; i++) {
        if (!gl_is(gl_lines[i], "check"))
            continue;
        char buf[512];
        const char *tab = strchr(gl_lines[i], '\t');
        assert_non_null(tab);
        snprintf(buf, sizeof buf, "%.*s", (int)(tab - gl_lines[i]), gl_lines[i]);
        const char *w[MAXW];
        char wbuf[512];
        int nw = split_words(buf, wbuf, sizeof wbuf, w, MAXW);
        char err[ERR_LEN] = "";
        SchedConfig c, before;
        sched_defaults(SCHED_EXP, &c);
        before = c;
        assert_int_equal(sched_parse(w + 1, nw - 1, &c, err), -1);
        assert_memory_equal(&c, &before, sizeof c);
        if (!strstr(err, tab + 1))
            fail_msg("'%s' gives '%s', torch says '%s'", buf, err, tab + 1);
        checks++;
    }
    assert_true(checks >= 1);
}

/* One refusal: words are refused, err holds every fragment. */
static void refused(const char *line, const char *frag1, const char *frag2)
{
    char buf[256], err[ERR_LEN] = "";
    const char *w[MAXW];
    int nw = split_words(line, buf, sizeof buf, w, MAXW);
    SchedConfig c;
    sched_defaults(SCHED_NONE, &c);
    if (sched_parse(w, nw, &c, err) != -1)
        fail_msg("'%s' was accepted", line);
    assert_int_equal(c.kind, SCHED_NONE);
    if (!strstr(err, frag1) || (frag2 && !strstr(err, frag2)))
        fail_msg("'%s' gives '%s'", line, err);
    assert_null(strchr(err, '\n'));
    assert_null(strstr(err, "set schedule")); /* the command layer adds such advice */
}

static void test_refusals(void **state)
{
    (void)state;
    refused("linear", "no schedule called 'linear'", "none, step, exp, cosine or plateau");
    refused("step", "needs size=", NULL);
    refused("step size=0", "size=0 is out of range", "from 1 to");
    refused("step size=-3 gamma=0.5", "size=-3", NULL);
    refused("step size=2.5", "not a whole number", NULL);
    refused("step size=10 gamma=-0.5", "gamma=-0.5", "greater than 0");
    refused("step size=10 gamma=0", "gamma=0", "greater than 0");
    refused("step size=10 gamma=abc", "gamma=abc is not a number", NULL);
    refused("step size=10 gamma=nan", "not a number", NULL);
    refused("step size=10 size=3", "given twice", NULL);
    refused("step size=10 gama=0.5", "no option 'gama'", "did you mean gamma=");
    refused("step size", "size needs a value", NULL);
    refused("step size=", "size needs a value", NULL);
    refused("exp", "needs gamma=", NULL);
    refused("exp gamma=-1", "gamma=-1", NULL);
    refused("cosine tmax=0", "tmax=0 is out of range", NULL);
    refused("cosine", "needs tmax=", NULL);
    refused("cosine tmax=10 min=-0.1", "min=-0.1 is negative", NULL);
    refused("cosine tmx=10", "did you mean tmax=", "tmax= or min=");
    refused("cosine tmax=10000000000", "out of range", NULL);
    refused("plateau factor=1", "Factor should be < 1.0.", "such as 0.5");
    refused("plateau factor=0", "factor=0", NULL);
    refused("plateau factor=-0.5", "negative", NULL);
    refused("plateau patience=-1", "patience=-1 is out of range", NULL);
    refused("plateau threshold=-0.1", "threshold=-0.1 is out of range", NULL);
    refused("plateau threshold=1", "threshold=1 is out of range", NULL);
    refused("plateau mode=max", "no option 'mode'", "factor=, patience= or threshold=");
    refused("none gamma=0.5", "takes no options", NULL);
    char err[ERR_LEN] = "";
    SchedConfig c;
    assert_int_equal(sched_parse(NULL, 0, &c, err), -1);
    assert_non_null(strstr(err, "plateau"));
}

static void test_defaults_and_describe(void **state)
{
    (void)state;
    const char *plateau[] = {"plateau"};
    SchedConfig c;
    parse_or_fail(plateau, 1, &c);
    assert_true(c.factor == 0.1 && c.patience == 10 && c.threshold == 1e-4);
    char buf[128];
    sched_describe(&c, buf, sizeof buf);
    assert_string_equal(buf, "plateau factor=0.1 patience=10 threshold=0.0001");

    const char *step[] = {"step", "size=5"};
    parse_or_fail(step, 2, &c);
    assert_true(c.kind == SCHED_STEP && c.size == 5 && c.gamma == 0.1);
    sched_describe(&c, buf, sizeof buf);
    assert_string_equal(buf, "step size=5 gamma=0.1");

    const char *cosine[] = {"cosine", "min=1e-4", "tmax=20"};
    parse_or_fail(cosine, 3, &c);
    assert_true(c.tmax == 20 && c.min == 1e-4);
    sched_describe(&c, buf, sizeof buf);
    assert_string_equal(buf, "cosine tmax=20 min=0.0001");

    /* describe reads back to the same config, to the last bit */
    const char *exp[] = {"exp", "gamma=0.30000000000000004"};
    parse_or_fail(exp, 2, &c);
    sched_describe(&c, buf, sizeof buf);
    const char *w[MAXW];
    char wbuf[128];
    int nw = split_words(buf, wbuf, sizeof wbuf, w, MAXW);
    SchedConfig back;
    parse_or_fail(w, nw, &back);
    assert_true(back.gamma == c.gamma);

    const char *none[] = {"none"};
    parse_or_fail(none, 1, &c);
    sched_describe(&c, buf, sizeof buf);
    assert_string_equal(buf, "none");
    SchedState s;
    sched_start(&s, 0.3);
    for (int e = 0; e < 5; e++)
        assert_true(sched_step(&c, &s, 0.3, 1.0) == 0.3);

    /* every descriptor is complete and its defaults pass its checks */
    for (int k = 0; k < SCHED_COUNT; k++) {
        const SchedDesc *d = sched_desc((SchedKind)k);
        assert_non_null(d);
        assert_non_null(d->name);
        assert_non_null(d->torch);
        assert_non_null(d->formula);
        assert_true(d->n_opts <= SCHED_MAX_OPTS);
        SchedKind back_kind;
        assert_int_equal(sched_kind_parse(d->name, &back_kind, NULL), 0);
        assert_int_equal(back_kind, k);
    }
    assert_null(sched_desc(SCHED_COUNT));
}

/* A snapshot taken mid-run and put back repeats the run exactly, as undo
 * needs; sched_state_equal sees the difference a step makes. */
static void test_state_copy(void **state)
{
    (void)state;
    const char *w[] = {"plateau", "patience=1", "factor=0.5"};
    SchedConfig c;
    parse_or_fail(w, 3, &c);
    double metrics[12] = {1, 0.9, 0.9, 0.9, 0.8, 0.8, 0.8, 0.8, 0.7, 0.7, 0.7, 0.7};
    SchedState s, snap;
    sched_start(&s, 0.1);
    double lr = 0.1, lr_snap = 0, first[12];
    for (int e = 0; e < 12; e++) {
        if (e == 5) {
            snap = s;
            lr_snap = lr;
            assert_true(sched_state_equal(&snap, &s));
        }
        lr = first[e] = sched_step(&c, &s, lr, metrics[e]);
    }
    assert_false(sched_state_equal(&snap, &s));
    s = snap;
    lr = lr_snap;
    for (int e = 5; e < 12; e++) {
        lr = sched_step(&c, &s, lr, metrics[e]);
        assert_true(lr == first[e]);
    }
    SchedState a, b;
    sched_start(&a, NAN);
    sched_start(&b, NAN);
    assert_true(sched_state_equal(&a, &b));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_lr_sequences_match_torch),
        cmocka_unit_test(test_cosine_is_recursive),
        cmocka_unit_test(test_check_messages),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_defaults_and_describe),
        cmocka_unit_test(test_state_copy),
    };
    return cmocka_run_group_tests_name("schedule", tests, gl_setup, gl_teardown);
}
