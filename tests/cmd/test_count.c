/* test_count.c — `count`: every kind's total against PyTorch 1.13's
 * sum(p.numel()) for the sizes in tests/golden/count.txt (made by
 * tests/gen_count_golden.py), the formula printed before the numbers,
 * `expect count` checking the last total, and the refusals: unknown kinds,
 * wrong sizes, heads that do not divide D, totals past 2^63 - 1. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "fixture.h"
#include "complete.h"

#define GOLDEN "tests/golden/count.txt"

/* Every golden line: `count WORDS` prints "= TOTAL" at the end of its first line. */
static void test_golden_totals(void **st)
{
    (void)st;
    FILE *f = fopen(GOLDEN, "r");
    assert_non_null(f);
    Fx *x = fx_new();
    char line[256];
    int cases = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        line[strcspn(line, "\n")] = '\0';
        char *last = strrchr(line, ' ');
        assert_non_null(last);
        *last = '\0';
        char cmd[300], want[64];
        snprintf(cmd, sizeof cmd, "count %s", line);
        snprintf(want, sizeof want, "= %s", last + 1);
        ok(x, cmd);
        char *nl = strchr(x->last, '\n');
        assert_non_null(nl);
        *nl = '\0';
        char *at = strstr(x->last, want);
        if (!at || (at[strlen(want)] != '\0' && at[strlen(want)] != ' '))
            fail_msg("`%s` printed '%s', PyTorch counts %s", cmd, x->last, last + 1);
        cases++;
    }
    fclose(f);
    assert_true(cases >= 12);
    fx_free(x);
}

/* The formula with names, then with numbers, then the total. */
static void test_formula_first(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "count dense 10 5");
    assert_contains(x->last, "IN·OUT + OUT = 10·5 + 5 = 55\n");
    assert_contains(x->last, "torch.nn.Linear(10, 5)");
    ok(x, "count conv 1 16 3");
    assert_contains(x->last, "COUT·CIN·K·K + COUT = 16·1·3·3 + 16 = 160\n");
    ok(x, "count attention 512");
    assert_contains(x->last, "4·(D·D + D) = 4·(512·512 + 512) = 1050624 (1.05 million)\n");
    ok(x, "count attention 512 heads=8");
    assert_contains(x->last, "= 1050624");
    assert_contains(x->last, "8 heads of 64");
    ok(x, "count embedding 10 3");
    assert_contains(x->last, "V·D = 10·3 = 30\n");
    ok(x, "count lstm 10 20");
    assert_contains(x->last, "4·(IN·H + H·H + H + H) = 4·(10·20 + 20·20 + 20 + 20) = 2560\n");
    fx_free(x);
}

/* One line for each mistake, and a total that would wrap is refused. */
static void test_refusals(void **st)
{
    (void)st;
    Fx *x = fx_new();
    assert_contains(refused(x, "count dens 10 5"), "did you mean `count dense`");
    assert_contains(refused(x, "count dense 10"), "count dense takes 2 sizes: IN OUT");
    assert_contains(refused(x, "count dense 10 5 heads=2"), "count dense takes 2 sizes");
    assert_contains(refused(x, "count dense 0 5"), "IN must be a whole number from 1");
    assert_contains(refused(x, "count conv 1 x 3"), "COUT must be a whole number");
    assert_contains(refused(x, "count attention 512 heads=5"), "heads=5 does not divide D=512");
    assert_contains(refused(x, "count attention 512 head=8"), "unknown option 'head='");
    assert_contains(refused(x, "count dense 1000000000000000 1000000000000000"), "past what a 64-bit count holds");
    /* 4·(D·D + D) past 2^63 - 1 while D·D alone fits */
    assert_contains(refused(x, "count attention 2000000000"), "past what a 64-bit count holds");
    /* the largest that fits is accepted: 3037000499² + 3037000499 < 2^63 */
    ok(x, "count embedding 3037000499 3037000499");
    assert_contains(x->last, "= 9223372030926249001");
    assert_contains(refused(x, "count embedding 3037000500 3037000500"), "past what a 64-bit count holds");
    assert_int_equal(strchr(x->c.err, '\n') == NULL, 1);
    fx_free(x);
}

/* `expect count` checks the total of the last count that succeeded; a
 * refused count leaves it, and before any count it is refused. */
static void test_expect_count(void **st)
{
    (void)st;
    Fx *x = fx_new();
    assert_contains(refused(x, "expect count == 0"), "no layer has been counted yet");
    ok(x, "count attention 512 heads=8");
    ok(x, "expect count == 1050624");
    assert_contains(x->last, "ok: count = 1050624 == 1050624"); /* every digit, not 1.05062e+06 */
    assert_contains(refused(x, "expect count == 1050625"), "expectation failed: count is 1050624");
    refused(x, "count attention 512 heads=5");
    ok(x, "expect count == 1050624");
    ok(x, "count conv 1 16 3");
    ok(x, "expect count == 160");
    ok(x, "count embedding 50000 512");
    ok(x, "expect count > 25599999");
    ok(x, "expect count ~ 2.56e7 tol=1");
    /* a total past 2^53 prints every digit, not 9e+18 nor the nearest double */
    ok(x, "count dense 1000000000000000 9000");
    assert_contains(refused(x, "expect count == 40"), "expectation failed: count is 9000000000000009000,");
    ok(x, "show count"); /* show prints what expect checks */
    assert_contains(x->last, "count = 9000000000000009000");
    fx_free(x);
    x = fx_new();
    assert_contains(refused(x, "show count"), "nothing has been counted yet");
    fx_free(x);
}


static void test_completion(void **st)
{
    (void)st;
    Fx *x = fx_new();
    Words w = {""};
    cmd_complete(&x->c, "count ", 6, "", add_word, &w);
    assert_string_equal(w.all, "dense conv attention embedding lstm ");
    w.all[0] = '\0';
    cmd_complete(&x->c, "count attention 512 ", 20, "", add_word, &w);
    assert_string_equal(w.all, "heads= ");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden_totals),
        cmocka_unit_test(test_formula_first),
        cmocka_unit_test(test_refusals),
        cmocka_unit_test(test_expect_count),
        cmocka_unit_test(test_completion),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
