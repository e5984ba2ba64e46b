/* test_json.c — the run log's JSON: the writer's commas, nesting, escapes
 * and numbers (17 digits, bit for bit; NaN as null), and the reader's
 * lookups, arrays, validation and refusal of broken or truncated text. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "json.h"

static void test_write_read(void **state)
{
    (void)state;
    JsonBuf b;
    json_init(&b);
    json_obj(&b, NULL);
    json_str(&b, "name", "a \"quoted\"\\ name\n\x01");
    json_num(&b, "third", 1.0 / 3.0);
    json_num(&b, "nan", NAN);
    json_int(&b, "big", -1234567890123LL);
    json_bool(&b, "on", true);
    json_obj(&b, "inner");
    json_arr(&b, "v");
    json_num(&b, NULL, 0.1);
    json_num(&b, NULL, INFINITY);
    json_int(&b, NULL, 3);
    json_end(&b);
    json_arr(&b, "empty");
    json_end(&b);
    json_end(&b);
    json_end(&b);
    assert_false(b.s.oom);
    assert_string_equal(b.s.p, "{\"name\":\"a \\\"quoted\\\"\\\\ name\\u000a\\u0001\",\"third\":0.33333333333333331,"
                             "\"nan\":null,\"big\":-1234567890123,\"on\":true,\"inner\":{\"v\":[0.10000000000000001,"
                             "null,3],\"empty\":[]}}");
    assert_true(json_valid_object(b.s.p));
    char s[64];
    assert_true(json_get_str(json_get(b.s.p, "name"), s, sizeof s));
    assert_string_equal(s, "a \"quoted\"\\ name\n\x01");
    double x;
    assert_true(json_get_num(json_get(b.s.p, "third"), &x));
    assert_true(x == 1.0 / 3.0); /* bit for bit */
    assert_true(json_get_num(json_get(b.s.p, "nan"), &x) && isnan(x));
    double v[4];
    assert_int_equal(json_get_nums(json_get(b.s.p, "inner.v"), v, 4), 3);
    assert_true(v[0] == 0.1 && isnan(v[1]) && v[2] == 3);
    assert_int_equal(json_get_nums(json_get(b.s.p, "inner.empty"), v, 4), 0);
    assert_null(json_get(b.s.p, "inner.nothing"));
    assert_null(json_get(b.s.p, "missing"));
    assert_false(json_get_str(json_get(b.s.p, "third"), s, sizeof s)); /* not a string */
    json_free(&b);
}

/* Every truncation of a valid line is refused, and nothing reads past it. */
static void test_truncated(void **state)
{
    (void)state;
    const char *line = "{\"a\":{\"b\":[1,2,null]},\"c\":\"x\\\"y\",\"d\":true,\"e\":-1.5e-3}";
    assert_true(json_valid_object(line));
    size_t n = strlen(line);
    for (size_t k = 0; k < n; k++) {
        char *t = strndup(line, k);
        assert_false(json_valid_object(t));
        free(t);
    }
    assert_false(json_valid_object("{\"a\":1} trailing"));
    assert_false(json_valid_object("[1,2]"));
    assert_false(json_valid_object("{\"a\" 1}"));
    assert_false(json_valid_object("{\"a\":1,}"));
    /* nesting past the bound is refused rather than recursing on */
    char deep[200];
    size_t at = 0;
    deep[at++] = '{';
    memcpy(deep + at, "\"a\":", 4);
    at += 4;
    for (int i = 0; i < 40; i++)
        deep[at++] = '[';
    for (int i = 0; i < 40; i++)
        deep[at++] = ']';
    deep[at++] = '}';
    deep[at] = '\0';
    assert_false(json_valid_object(deep));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_write_read),
        cmocka_unit_test(test_truncated),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
