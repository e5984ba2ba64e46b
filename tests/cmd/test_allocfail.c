/* test_allocfail.c — allocation-failure injection. The Makefile links this
 * test with ld's --wrap for malloc, calloc, realloc, aligned_alloc,
 * posix_memalign, strdup and strndup, so every allocation the code makes
 * lands in a counter below. A scripted session is run once to count its
 * allocations (T), then T more times, the Nth allocation failing in run
 * N: no crash, every failed command has one line saying what is wrong,
 * and the session still works afterwards (fresh data, a model, training).
 * Under `make asan`, LeakSanitizer checks that nothing leaked on any path.
 * ALLOCFAIL_SHOW=1 prints every refusal it met. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

/* ---- the failing wrappers (ld --wrap=NAME routes NAME here) ---- */

void *__real_malloc(size_t n);
void *__real_calloc(size_t m, size_t n);
void *__real_realloc(void *p, size_t n);
void *__real_aligned_alloc(size_t a, size_t n);
int __real_posix_memalign(void **p, size_t a, size_t n);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t n);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t m, size_t n);
void *__wrap_realloc(void *p, size_t n);
void *__wrap_aligned_alloc(size_t a, size_t n);
int __wrap_posix_memalign(void **p, size_t a, size_t n);
char *__wrap_strdup(const char *s);
char *__wrap_strndup(const char *s, size_t n);

static bool armed;   /* counting (only while a scripted line runs) */
static long count;   /* allocations counted since the script began */
static long fail_at; /* the allocation that fails (1-based); 0: none */

/* True when this allocation is the one to fail. */
static bool fails(void)
{
    if (!armed)
        return false;
    return ++count == fail_at;
}

void *__wrap_malloc(size_t n) { return fails() ? NULL : __real_malloc(n); }
void *__wrap_calloc(size_t m, size_t n) { return fails() ? NULL : __real_calloc(m, n); }
void *__wrap_realloc(void *p, size_t n) { return fails() ? NULL : __real_realloc(p, n); }
void *__wrap_aligned_alloc(size_t a, size_t n) { return fails() ? NULL : __real_aligned_alloc(a, n); }
int __wrap_posix_memalign(void **p, size_t a, size_t n) { return fails() ? 12 : __real_posix_memalign(p, a, n); }
char *__wrap_strdup(const char *s) { return fails() ? NULL : __real_strdup(s); }
char *__wrap_strndup(const char *s, size_t n) { return fails() ? NULL : __real_strndup(s, n); }

/* ---- the sessions ---- */

static const char *const setup_session[] = {
    "data blobs n=30 classes=3 features=2",
    "data split 0.2",
    "model mlp 4 act=tanh",
    "set optimizer adam",
    "set lr 0.05",
    "set batch 8; train 2",
    "undo",
    "forward; loss; backward; update",
    "W1[0,0] = 0.5; b1 = [0.1, 0.2, 0.3, 0.4]",
    "show W1",
    NULL,
};

static const char *const inspect_session[] = {
    "data moons n=24",
    "model mlp 3",
    "set schedule step size=1 gamma=0.5",
    "set clip norm=1",
    "set l2 0.01",
    "set batch 6; train 2",
    "metrics",
    "gradcheck",
    "diagnose",
    "explain W1[0,0]",
    "state W1",
    "undo",
    NULL,
};

static const char *const names_session[] = {
    "data line n=12",
    "model linear",
    "step",
    "params",
    "names",
    "predict 0.5",
    "data split 0.25 0.25; evaluate test",
    "expect error frobnicate",
    "init",
    "help train",
    NULL,
};

/* Runs a script with allocation `at` failing (0: none) and returns how
 * many allocations it made. */
static long run_script(const char *const *lines, long at)
{
    Fx *x = fx_new();
    count = 0;
    fail_at = at;
    for (int i = 0; lines[i]; i++) {
        x->c.err[0] = '\0';
        armed = true;
        int rc = cmd_exec_line(&x->c, lines[i]);
        armed = false;
        if (rc != 0 && at == 0)
            fail_msg("`%s` fails even without a failing allocation: %s", lines[i], x->c.err);
        if (rc == -1 && getenv("ALLOCFAIL_SHOW"))
            fprintf(stderr, "%ld %s: %s\n", at, lines[i], x->c.err);
        if (rc == -1) {
            if (!x->c.err[0])
                fail_msg("allocation %ld failing: `%s` failed without a message", at, lines[i]);
            if (strchr(x->c.err, '\n'))
                fail_msg("allocation %ld failing: `%s` said more than one line: %s", at, lines[i], x->c.err);
        }
    }
    long total = count;
    /* still usable: the same context takes fresh data, a model, a step */
    if (run(x, "data blobs n=12; model mlp 2; set batch 4; train 1; show b1") != 0)
        fail_msg("allocation %ld failing: the session does not work afterwards: %s", at, x->c.err);
    fx_free(x);
    return total;
}

static void every_allocation(const char *const *lines)
{
    long total = run_script(lines, 0);
    assert_true(total > 0);
    print_message("%ld allocations, each failed in turn\n", total);
    for (long n = 1; n <= total; n++)
        run_script(lines, n);
}

static void test_setup_session(void **state)
{
    (void)state;
    every_allocation(setup_session);
}

static void test_inspect_session(void **state)
{
    (void)state;
    every_allocation(inspect_session);
}

static void test_names_session(void **state)
{
    (void)state;
    every_allocation(names_session);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_setup_session),
        cmocka_unit_test(test_inspect_session),
        cmocka_unit_test(test_names_session),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
