/* test_clip.c — gradient clipping against PyTorch 1.13.
 * tests/golden/clip.txt (gen_generalize_golden.py) holds clip_grad_norm_
 * and clip_grad_value_ on small and large sets of tensors: totals below,
 * equal to and just above max_norm, the 1e-6 epsilon (a total within 1e-6
 * under max_norm is still scaled), zero and infinite gradients, values on
 * the clamp's edges and signed zeros. The total norm, the norm of the
 * per-tensor norms, is torch's exactly when every tensor is shorter than a
 * vector of four doubles (torch sums longer ones in vector lanes) and
 * within 1e-12 otherwise; the factor from torch's total is torch's bit for
 * bit, and clipped gradients match to 1e-12 (by value: exactly). Run from
 * the repository root. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "clip.h"
#define GL_FILE "tests/golden/clip.txt"
#define GOLDEN GL_FILE
#include "golden_lines.h"
#include "util.h"

#define REL_TOL 1e-12
#define MAXN 8192

static double grad[MAXN], want[MAXN], sizes[64];
static size_t sz[64];

static void test_golden(void **state)
{
    (void)state;
    int cases = 0, exact_totals = 0;
    double worst = 0;
    for (int i = 0; i < gl_n; i++) {
        bool norm = gl_is(gl_lines[i], "norm");
        if (!norm && !gl_is(gl_lines[i], "value"))
            continue;
        char name[64];
        double mx;
        assert_int_equal(sscanf(gl_lines[i], "%*s %63s %lf", name, &mx), 2);
        int ns = gl_nums(gl_lines[i + 1], "sizes", sizes, 64);
        int n = gl_nums(gl_lines[i + 2], "grad", grad, MAXN);
        assert_true(ns >= 1 && n >= 1);
        double total = NAN, coef = NAN;
        int j = i + 3;
        if (norm) {
            assert_int_equal(gl_nums(gl_lines[j++], "total", &total, 1), 1);
            assert_int_equal(gl_nums(gl_lines[j++], "coef", &coef, 1), 1);
        }
        assert_int_equal(gl_nums(gl_lines[j], "out", want, MAXN), n);

        bool short_tensors = true; /* torch sums these one by one, as clip does */
        for (int k = 0; k < ns; k++) {
            sz[k] = (size_t)sizes[k];
            short_tensors = short_tensors && sz[k] < 4;
        }
        ClipConfig c = {norm ? CLIP_NORM : CLIP_VALUE, mx};
        ClipGrads b = {grad, (size_t)n, sz, ns};
        ClipReport r;
        clip_apply(&c, &b, &r);
        if (norm) {
            double e = gl_rel(r.total_norm, total);
            if (e > (short_tensors ? 0 : REL_TOL))
                fail_msg("%s: total %.17g, torch %.17g", name, r.total_norm, total);
            worst = e > worst ? e : worst;
            exact_totals += e == 0;
            /* the factor from torch's total is torch's factor, bit for bit:
             * torch divides as reciprocal(total + 1e-6) * max_norm */
            double f = (1.0 / (total + CLIP_EPS)) * mx;
            f = f > 1.0 ? 1.0 : f;
            assert_true(gl_same(f, coef));
            if (gl_rel(r.factor, coef) > REL_TOL)
                fail_msg("%s: factor %.17g, torch %.17g", name, r.factor, coef);
            assert_int_equal(r.clipped, coef < 1.0);
        } else {
            assert_true(r.factor == 1.0);
        }
        for (int k = 0; k < n; k++) {
            double e = gl_rel(grad[k], want[k]);
            if (e > (norm ? REL_TOL : 0))
                fail_msg("%s: gradient %d is %.17g, torch %.17g", name, k, grad[k], want[k]);
            if (want[k] == 0) /* signed zeros too */
                assert_int_equal(signbit(grad[k]), signbit(want[k]));
            worst = e > worst ? e : worst;
        }
        cases++;
    }
    assert_true(cases >= 15);
    print_message("clip: %d cases, %d totals exact, largest relative error %.2g\n",
                  cases, exact_totals, worst);
}

/* The epsilon: a total equal to max_norm, or up to 1e-6 under it, is scaled
 * (torch multiplies by max_norm / (total + 1e-6)); 1e-6 over it is not. */
static void test_epsilon(void **state)
{
    (void)state;
    double g[3] = {3, 0, 4};
    ClipGrads b = {g, 3, NULL, 0};
    ClipReport r;
    clip_grad_norm(&b, 5.0, &r);
    assert_true(r.total_norm == 5.0);
    assert_true(r.factor == (1.0 / (5.0 + 1e-6)) * 5.0);
    assert_true(r.factor < 1.0);
    assert_true(r.clipped && r.n_clipped == 3);
    assert_true(g[0] == 3 * r.factor && g[2] == 4 * r.factor);

    double h[3] = {3, 0, 4};
    b.g = h;
    clip_grad_norm(&b, 5.0 + 1e-6, &r);
    assert_true(r.factor == 1.0 && !r.clipped && r.n_clipped == 0);
    assert_true(h[0] == 3 && h[1] == 0 && h[2] == 4);
}

static void test_value_report(void **state)
{
    (void)state;
    double g[5] = {-2, 0.5, 2, NAN, -0.5};
    ClipGrads b = {g, 5, NULL, 0};
    ClipReport r;
    clip_grad_value(&b, 1.0, &r);
    assert_true(g[0] == -1 && g[1] == 0.5 && g[2] == 1 && isnan(g[3]) && g[4] == -0.5);
    assert_int_equal(r.n_clipped, 2);
    assert_true(r.clipped);
    assert_true(isnan(r.total_norm));

    double h[2] = {0.1, -0.2};
    ClipGrads hb = {h, 2, NULL, 0};
    ClipConfig off = {CLIP_OFF, 0};
    clip_apply(&off, &hb, &r);
    assert_true(h[0] == 0.1 && h[1] == -0.2 && !r.clipped && r.factor == 1.0);
    assert_true(r.total_norm == sqrt(0.1 * 0.1 + 0.2 * 0.2));

    /* two tensors: the norm of their norms */
    size_t two[2] = {1, 1};
    ClipGrads tb = {h, 2, two, 2};
    double n1 = sqrt(0.1 * 0.1), n2 = sqrt(0.2 * 0.2);
    assert_true(clip_total_norm(&tb) == sqrt(n1 * n1 + n2 * n2));

    ClipGrads none = {h, 0, NULL, 0};
    clip_grad_norm(&none, 1.0, &r); /* no parameters: total 0, nothing to do */
    assert_true(r.total_norm == 0 && r.factor == 1.0 && !r.clipped);
    assert_true(h[0] == 0.1);
}

static void parse_ok(const char *word, ClipKind kind, double mx, const char *shown)
{
    char err[ERR_LEN] = "", buf[64];
    ClipConfig c;
    if (clip_parse(word, &c, err) != 0)
        fail_msg("'%s' refused: %s", word, err);
    assert_int_equal(c.kind, kind);
    assert_true(c.max == mx);
    clip_describe(&c, buf, sizeof buf);
    assert_string_equal(buf, shown);
}

static void refused(const char *word, const char *frag)
{
    char err[ERR_LEN] = "";
    ClipConfig c = {CLIP_VALUE, 7}, before = c;
    if (clip_parse(word, &c, err) != -1)
        fail_msg("'%s' was accepted", word);
    assert_memory_equal(&c, &before, sizeof c);
    if (!strstr(err, frag))
        fail_msg("'%s' gives '%s'", word, err);
}

static void test_parse(void **state)
{
    (void)state;
    parse_ok("off", CLIP_OFF, 0, "off");
    parse_ok("norm=1", CLIP_NORM, 1, "norm=1");
    parse_ok("value=0.5", CLIP_VALUE, 0.5, "value=0.5");
    parse_ok("norm=1e-3", CLIP_NORM, 1e-3, "norm=0.001");
    refused("norm=0", "zero every gradient");
    refused("value=0", "greater than 0");
    refused("norm=-1", "greater than 0");
    refused("norm=inf", "not a number");
    refused("norm=", "not a number");
    refused("value=abc", "'abc' is not a number");
    refused("max=1", "norm=X, value=X or off");
    refused("on", "norm=X, value=X or off");
    ClipConfig bad = {CLIP_NORM, NAN};
    assert_int_equal(clip_check(&bad, NULL), -1);
    ClipConfig off = {CLIP_OFF, -1};
    assert_int_equal(clip_check(&off, NULL), 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_epsilon),
        cmocka_unit_test(test_value_report),
        cmocka_unit_test(test_parse),
    };
    return cmocka_run_group_tests_name("clip", tests, gl_setup, gl_teardown);
}
