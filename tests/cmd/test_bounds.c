/* test_bounds.c — every command bounded or interruptible: a model past
 * the memory limit is refused with the estimate and nothing changes;
 * Ctrl-C during data generation leaves the old data; diagnose on a wide
 * layer compares units in O(n log n) and still finds duplicate units;
 * the gradcheck and diagnose tables widen for large tensors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <time.h>
#include <unistd.h>

static void test_memory_limit(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons n=50; model mlp 4");
    setenv("PARAMLAB_MAX_MEMORY", "100M", 1);
    const char *e = refused(x, "model mlp 2000 2000");
    assert_contains(e, "about");
    assert_contains(e, "more than the limit of 100 MB");
    assert_contains(e, "PARAMLAB_MAX_MEMORY");
    assert_null(strchr(e, '\n'));
    assert_int_equal(x->c.s->model->layer[0].n_out, 4); /* the old model stays */
    ok(x, "model mlp 16");
    setenv("PARAMLAB_MAX_MEMORY", "off", 1);
    assert_true(util_memory_limit() == SIZE_MAX);
    setenv("PARAMLAB_MAX_MEMORY", "2G", 1);
    assert_true(util_memory_limit() == (size_t)2 << 30);
    unsetenv("PARAMLAB_MAX_MEMORY");
    assert_true(util_memory_limit() > 0);
    fx_free(x);
}

static void test_data_interrupted(void **state)
{
    (void)state;
    Fx *x = fx_new();
    volatile sig_atomic_t flag = 0;
    x->c.interrupt = &flag;
    x->c.s->interrupt = &flag;
    ok(x, "data moons n=50");
    flag = 1; /* Ctrl-C pressed while generating */
    assert_contains(refused(x, "data blobs n=100000"), "interrupted");
    flag = 0;
    assert_int_equal(x->c.s->data->n, 50);
    assert_string_equal(x->c.s->data->name, "moons");
    fx_free(x);
}

/* 20,000 hidden units, units 3, 7 and 11 made identical: found at once */
static void test_diagnose_wide(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data line n=8; model mlp 20000; forward; loss; backward");
    Model *m = x->c.s->model;
    double *w1 = m->params + m->layer[0].w_off, *b1 = m->params + m->layer[0].b_off;
    double *w2 = m->params + m->layer[1].w_off;
    for (int u = 7; u <= 11; u += 4) {
        w1[u] = w1[3];
        b1[u] = b1[3];
        w2[u] = w2[3];
    }
    struct timespec t0, t1;
    clock_gettime(CLOCK_MONOTONIC, &t0);
    ok(x, "diagnose");
    clock_gettime(CLOCK_MONOTONIC, &t1);
    double secs = (double)(t1.tv_sec - t0.tv_sec) + 1e-9 * (double)(t1.tv_nsec - t0.tv_nsec);
    assert_true(secs < 5); /* all pairs took seconds at this width */
    assert_contains(x->last, "units 3, 7, 11 of layer 1 are identical");
    assert_contains(x->last, " 1×20000 "); /* the table's columns widen, never run together */
    fx_free(x);
}

/* gradcheck's table widens its columns for a tensor of a million elements */
static void test_gradcheck_wide(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data line n=4; model mlp 1000 1000; forward; loss; backward");
    ok(x, "gradcheck");
    assert_contains(x->last, "100 of 1000000 (sampled) ");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_memory_limit),
        cmocka_unit_test(test_data_interrupted),
        cmocka_unit_test(test_diagnose_wide),
        cmocka_unit_test(test_gradcheck_wide),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
