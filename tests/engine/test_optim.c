/* test_optim.c — the optimizers against PyTorch 1.13. Reference values
 * come from tests/golden/optim_trace.txt (written by gen_optim_golden.py,
 * float64 torch): every optimizer and the interesting switch combinations
 * traced over six steps (to 1e-12 relative), random configurations over
 * twenty (to 1e-9, as hidden cases are checked), torch's constructor
 * defaults, and the ValueError messages of bad values. Also reset, copying
 * state, slots, names, the layout rule and the descriptors' explanations.
 * Run from the repository root. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "optim.h"
#include "util.h"

#define GOLDEN "tests/golden/optim_trace.txt"
#define REL_TOL 1e-12    /* the traces */
#define RANDOM_TOL 1e-9  /* the random configurations */
#define MAXN 16

/* The golden file as an array of lines, loaded once. */
static char **lines;
static int n_lines;

static int load_golden(void **state)
{
    (void)state;
    FILE *f = fopen(GOLDEN, "r");
    if (!f) {
        print_error("cannot open %s (run the tests from the repository root)\n", GOLDEN);
        return -1;
    }
    char buf[4096];
    int cap = 0;
    while (fgets(buf, sizeof buf, f)) {
        buf[strcspn(buf, "\r\n")] = '\0';
        if (n_lines == cap) {
            cap = cap ? 2 * cap : 256;
            char **grown = realloc(lines, (size_t)cap * sizeof *lines);
            if (!grown) {
                fclose(f);
                return -1;
            }
            lines = grown;
        }
        lines[n_lines++] = util_strdup(buf);
    }
    fclose(f);
    return n_lines > 0 ? 0 : -1;
}

static int free_golden(void **state)
{
    (void)state;
    for (int i = 0; i < n_lines; i++)
        free(lines[i]);
    free(lines);
    lines = NULL;
    n_lines = 0;
    return 0;
}

static bool starts(const char *s, const char *word)
{
    size_t n = strlen(word);
    return strncmp(s, word, n) == 0 && (s[n] == ' ' || s[n] == '\t' || s[n] == '\0');
}

static OptKind kind_of(const char *name)
{
    OptKind k;
    if (optim_parse(name, &k) != 0)
        fail_msg("unknown optimizer '%s' in the golden file", name);
    return k;
}

static const OptHyper *find_hyper(OptKind k, const char *name)
{
    int n;
    const OptHyper *h = optim_hypers(k, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(h[i].name, name) == 0)
            return &h[i];
    return NULL;
}

/* Sets "key=value" in c through the hyperparameter table, as `set` does. */
static void apply_kv(OptConfig *c, const char *kv)
{
    char key[64];
    const char *eq = strchr(kv, '=');
    assert_non_null(eq);
    snprintf(key, sizeof key, "%.*s", (int)(eq - kv), kv);
    const OptHyper *h = find_hyper(c->kind, key);
    if (!h)
        fail_msg("%s takes no hyperparameter '%s'", optim_name(c->kind), key);
    double v = strtod(eq + 1, NULL);
    if (h->is_bool)
        *(bool *)(void *)((char *)c + h->offset) = v != 0;
    else
        *(double *)(void *)((char *)c + h->offset) = v;
}

static double get_hyper(const OptConfig *c, const OptHyper *h)
{
    if (h->is_bool)
        return *(const bool *)(const void *)((const char *)c + h->offset) ? 1.0 : 0.0;
    return *(const double *)(const void *)((const char *)c + h->offset);
}

/* Reads the numbers after the first word of line; returns the count. */
static int read_vec(const char *line, int skip_words, double *out, int max)
{
    const char *s = line;
    for (int w = 0; w < skip_words; w++) {
        s = strchr(s, ' ');
        assert_non_null(s);
        s++;
    }
    int n = 0;
    char *end;
    for (;;) {
        double v = strtod(s, &end);
        if (end == s)
            break;
        assert_true(n < max);
        out[n++] = v;
        s = end;
    }
    return n;
}

static double tol = REL_TOL; /* what expect_vec allows */
static double worst;         /* the largest relative error it saw */

static bool close_rel(double got, double want, double rel)
{
    if (got == want)
        return true;
    double e = fabs(got - want) / fabs(want);
    if (e > worst)
        worst = e;
    return fabs(got - want) <= rel * fabs(want);
}

static void expect_vec(const char *trace, int step, const char *what, const double *got,
                       const double *want, int n)
{
    for (int i = 0; i < n; i++)
        if (!close_rel(got[i], want[i], tol))
            fail_msg("%s step %d %s[%d]: got %.17g, torch %.17g (rel %.3g)", trace, step, what,
                     i, got[i], want[i], fabs(got[i] - want[i]) / fabs(want[i]));
}

/* Builds the configuration of a "defaults/check/trace KIND k=v ..." line;
 * words before KIND are skipped. Stops at a tab. */
static OptConfig config_of(const char *line, int kind_word)
{
    char buf[1024];
    snprintf(buf, sizeof buf, "%s", line);
    buf[strcspn(buf, "\t")] = '\0';
    char *save = NULL;
    char *w = strtok_r(buf, " ", &save);
    for (int i = 0; i < kind_word; i++)
        w = strtok_r(NULL, " ", &save);
    assert_non_null(w);
    OptConfig c;
    optim_defaults(kind_of(w), &c);
    while ((w = strtok_r(NULL, " ", &save)) != NULL)
        apply_kv(&c, w);
    return c;
}

/* torch's constructor defaults, and exactly torch's set of names. */
static void test_defaults_match_torch(void **state)
{
    (void)state;
    bool seen[OPT_COUNT] = {false};
    for (int l = 0; l < n_lines; l++) {
        if (!starts(lines[l], "defaults"))
            continue;
        char buf[1024];
        snprintf(buf, sizeof buf, "%s", lines[l]);
        char *save = NULL;
        strtok_r(buf, " ", &save);
        OptKind k = kind_of(strtok_r(NULL, " ", &save));
        seen[k] = true;
        OptConfig c;
        optim_defaults(k, &c);
        assert_int_equal(c.kind, k);
        int n_torch = 0, n;
        optim_hypers(k, &n);
        char *kv;
        while ((kv = strtok_r(NULL, " ", &save)) != NULL) {
            char *eq = strchr(kv, '=');
            *eq = '\0';
            const OptHyper *h = find_hyper(k, kv);
            if (!h)
                fail_msg("%s: torch has '%s', paramlab does not", optim_name(k), kv);
            double want = strtod(eq + 1, NULL);
            if (get_hyper(&c, h) != want)
                fail_msg("%s default %s: %.17g, torch %.17g", optim_name(k), kv,
                         get_hyper(&c, h), want);
            n_torch++;
        }
        if (n != n_torch)
            fail_msg("%s: %d hyperparameters, torch has %d", optim_name(k), n, n_torch);
    }
    for (int k = 0; k < OPT_COUNT; k++)
        assert_true(seen[k]);
}

/* Every bad value is refused with torch's own ValueError text. */
static void test_check_messages_match_torch(void **state)
{
    (void)state;
    int n_checks = 0;
    for (int l = 0; l < n_lines; l++) {
        if (!starts(lines[l], "check"))
            continue;
        const char *want = strchr(lines[l], '\t');
        assert_non_null(want);
        want++;
        OptConfig c = config_of(lines[l], 1);
        char err[ERR_LEN] = "";
        assert_int_equal(optim_check(&c, err, NULL), -1);
        if (strcmp(err, want) != 0)
            fail_msg("%s\n  paramlab: %s\n  torch:    %s", lines[l], err, want);
        err[0] = '\0';
        assert_null(optim_new(&c, 4, err));
        assert_string_equal(err, want);
        n_checks++;
    }
    assert_true(n_checks >= 30);
}

/* Every run of the golden file's blocks that start with word agrees with
 * torch to within rel on parameters, every state tensor, nadam's
 * mu_product and the step count; kinds[] marks the kinds seen. Returns the
 * number of runs. */
static int check_runs(const char *word, double rel, bool kinds[OPT_COUNT])
{
    int n_traces = 0;
    tol = rel;
    worst = 0;
    for (int l = 0; l < n_lines; l++) {
        if (!starts(lines[l], word))
            continue;
        char name[128];
        sscanf(lines[l], "%*s %127s", name);
        OptConfig c = config_of(lines[l], 2);
        kinds[c.kind] = true;
        char err[ERR_LEN];
        double p[MAXN], g[MAXN], want[MAXN];
        assert_true(starts(lines[++l], "p0"));
        int n = read_vec(lines[l], 1, p, MAXN);
        Optim *o = optim_new(&c, (size_t)n, err);
        if (!o)
            fail_msg("%s: %s", name, err);
        int step = 0, slots_seen = 0;
        for (l++; l < n_lines && !starts(lines[l], "end"); l++) {
            const char *s = lines[l];
            if (starts(s, "grad")) {
                assert_int_equal(read_vec(s, 1, g, MAXN), n);
                optim_step(o, p, g);
                step++;
                slots_seen = 0;
            } else if (starts(s, "param")) {
                assert_int_equal(read_vec(s, 1, want, MAXN), n);
                expect_vec(name, step, "param", p, want, n);
            } else if (starts(s, "state")) {
                char slot[64];
                sscanf(s, "state %63s", slot);
                int k = 0;
                while (k < o->n_slots && strcmp(optim_slot_name(o, k), slot) != 0)
                    k++;
                if (k == o->n_slots)
                    fail_msg("%s: torch keeps '%s', paramlab has no such slot", name, slot);
                assert_int_equal(read_vec(s, 2, want, MAXN), n);
                expect_vec(name, step, slot, o->state + (size_t)k * o->n, want, n);
                slots_seen++;
            } else if (starts(s, "mu_product")) {
                assert_int_equal(read_vec(s, 1, want, MAXN), 1);
                expect_vec(name, step, "mu_product", &o->mu_product, want, 1);
            } else if (starts(s, "steps")) {
                assert_int_equal(o->step, atol(s + 6));
                assert_int_equal(slots_seen, o->n_slots); /* no slot torch lacks */
            } else {
                fail_msg("unexpected golden line: %s", s);
            }
        }
        assert_true(step >= 5);
        optim_free(o);
        n_traces++;
    }
    return n_traces;
}

static void test_traces_match_torch(void **state)
{
    (void)state;
    bool kinds[OPT_COUNT] = {false};
    assert_true(check_runs("trace", REL_TOL, kinds) >= 24);
    for (int k = 0; k < OPT_COUNT; k++)
        assert_true(kinds[k]);
    print_message("optim traces: largest relative error %.3g (allowed %g)\n", worst, REL_TOL);
}

/* Random configurations and gradients, longer runs: radam's both branches
 * with betas anywhere in range, rprop's clamps and sign changes. */
static void test_random_cases_match_torch(void **state)
{
    (void)state;
    bool kinds[OPT_COUNT] = {false};
    assert_true(check_runs("random", RANDOM_TOL, kinds) >= 20);
    assert_true(kinds[OPT_RADAM] && kinds[OPT_RPROP]);
    print_message("optim random cases: largest relative error %.3g (allowed %g)\n", worst, RANDOM_TOL);
}

static void expect_error_containing(OptConfig *c, const char *needle)
{
    char err[ERR_LEN] = "";
    assert_int_equal(optim_check(c, err, NULL), -1);
    if (!strstr(err, needle))
        fail_msg("message '%s' lacks '%s'", err, needle);
}

/* NaN and Inf are refused even where torch would let them through. */
static void test_check_rejects_non_finite(void **state)
{
    (void)state;
    OptConfig c;
    optim_defaults(OPT_ADAM, &c);
    c.lr = NAN;
    expect_error_containing(&c, "Invalid learning rate: nan");
    optim_defaults(OPT_ADAM, &c);
    c.lr = INFINITY;
    expect_error_containing(&c, "lr");
    expect_error_containing(&c, "inf");
    optim_defaults(OPT_SGD, &c);
    c.lr = NAN; /* torch's `lr < 0.0` is false for NaN */
    expect_error_containing(&c, "lr");
    optim_defaults(OPT_SGD, &c);
    c.dampening = -INFINITY;
    expect_error_containing(&c, "dampening value: -inf");
    optim_defaults(OPT_RMSPROP, &c);
    c.alpha = INFINITY;
    expect_error_containing(&c, "alpha");
    optim_defaults(OPT_NADAM, &c);
    c.momentum_decay = INFINITY;
    expect_error_containing(&c, "momentum_decay");
    optim_defaults(OPT_ADAGRAD, &c);
    c.lr_decay = INFINITY;
    expect_error_containing(&c, "lr_decay");

    /* fields another optimizer uses do not matter */
    optim_defaults(OPT_SGD, &c);
    c.beta1 = NAN;
    c.rho = INFINITY;
    assert_int_equal(optim_check(&c, NULL, NULL), 0);
}

/* A few edge values are accepted as torch accepts them. */
static void test_check_accepts_edges(void **state)
{
    (void)state;
    OptConfig c;
    for (int k = 0; k < OPT_COUNT; k++) {
        optim_defaults((OptKind)k, &c);
        assert_int_equal(optim_check(&c, NULL, NULL), 0);
        c.lr = 0;
        assert_int_equal(optim_check(&c, NULL, NULL), 0);
    }
    optim_defaults(OPT_SGD, &c);
    c.nesterov = true;
    c.momentum = 0.9;
    assert_int_equal(optim_check(&c, NULL, NULL), 0);
    optim_defaults(OPT_ADAM, &c);
    c.beta1 = 0;
    c.beta2 = 0.999999;
    assert_int_equal(optim_check(&c, NULL, NULL), 0);
    optim_defaults(OPT_ADADELTA, &c);
    c.rho = 1.0;
    assert_int_equal(optim_check(&c, NULL, NULL), 0);
}

static void fixed_grads(int t, double *g, int n)
{
    for (int i = 0; i < n; i++)
        g[i] = sin(0.7 * t + 1.3 * i) * (1.0 + 0.1 * t);
}

static Optim *new_or_fail(const OptConfig *c, size_t n)
{
    char err[ERR_LEN];
    Optim *o = optim_new(c, n, err);
    if (!o)
        fail_msg("optim_new: %s", err);
    return o;
}

/* After reset an optimizer retraces a fresh one exactly. */
static void test_reset(void **state)
{
    (void)state;
    enum { N = 7 };
    OptConfig cfgs[4];
    optim_defaults(OPT_NADAM, &cfgs[0]);
    optim_defaults(OPT_ADAGRAD, &cfgs[1]);
    cfgs[1].initial_accumulator_value = 0.25;
    optim_defaults(OPT_RMSPROP, &cfgs[2]);
    cfgs[2].centered = true;
    cfgs[2].momentum = 0.5;
    optim_defaults(OPT_SGD, &cfgs[3]);
    cfgs[3].momentum = 0.9;
    for (int k = 0; k < 4; k++) {
        Optim *a = new_or_fail(&cfgs[k], N), *fresh = new_or_fail(&cfgs[k], N);
        double p[N] = {0}, q[N] = {0}, g[N];
        for (int t = 0; t < 4; t++) {
            fixed_grads(t, g, N);
            optim_step(a, p, g);
        }
        optim_reset(a);
        assert_int_equal(a->step, 0);
        assert_true(a->mu_product == 1.0);
        for (size_t i = 0; i < (size_t)a->n_slots * N; i++)
            assert_true(a->state[i] == fresh->state[i]);
        if (cfgs[k].kind == OPT_ADAGRAD)
            assert_true(a->state[0] == 0.25);
        memset(p, 0, sizeof p);
        for (int t = 0; t < 5; t++) {
            fixed_grads(t + 10, g, N);
            optim_step(a, p, g);
            optim_step(fresh, q, g);
            assert_memory_equal(p, q, sizeof p);
        }
        optim_free(a);
        optim_free(fresh);
    }
}

/* A copy of the state continues exactly as the original (undo, compare). */
static void test_copy_state(void **state)
{
    (void)state;
    enum { N = 6 };
    for (int k = 0; k < OPT_COUNT; k++) {
        OptConfig c;
        optim_defaults((OptKind)k, &c);
        if (k == OPT_SGD || k == OPT_RMSPROP)
            c.momentum = 0.9;
        if (k == OPT_ADAM)
            c.amsgrad = true;
        Optim *a = new_or_fail(&c, N), *b = new_or_fail(&c, N);
        double p[N], q[N], g[N];
        for (int i = 0; i < N; i++)
            p[i] = 0.1 * i - 0.2;
        for (int t = 0; t < 3; t++) {
            fixed_grads(t, g, N);
            optim_step(a, p, g);
        }
        optim_copy_state(b, a);
        memcpy(q, p, sizeof p);
        assert_int_equal(b->step, 3);
        assert_true(b->mu_product == a->mu_product);
        for (int t = 3; t < 6; t++) {
            fixed_grads(t, g, N);
            optim_step(a, p, g);
            optim_step(b, q, g);
            assert_memory_equal(p, q, sizeof p);
            assert_memory_equal(a->state, b->state, (size_t)a->n_slots * N * sizeof(double));
        }
        optim_free(a);
        optim_free(b);
    }
}

static void expect_slots(OptKind k, void (*tweak)(OptConfig *), const char *const *names)
{
    OptConfig c;
    optim_defaults(k, &c);
    if (tweak)
        tweak(&c);
    Optim *o = new_or_fail(&c, 3);
    int n = 0;
    while (names[n])
        n++;
    assert_int_equal(o->n_slots, n);
    for (int s = 0; s < n; s++)
        assert_string_equal(optim_slot_name(o, s), names[s]);
    assert_null(optim_slot_name(o, n));
    assert_null(optim_slot_name(o, -1));
    optim_free(o);
}

static void sgd_momentum(OptConfig *c) { c->momentum = 0.9; }
static void rms_centered(OptConfig *c) { c->centered = true; }
static void rms_both(OptConfig *c) { c->centered = true; c->momentum = 0.5; }
static void amsgrad(OptConfig *c) { c->amsgrad = true; }

/* Slots are the tensors of torch's state dict, in its order. */
static void test_slot_names(void **state)
{
    (void)state;
    expect_slots(OPT_SGD, NULL, (const char *const[]){NULL});
    expect_slots(OPT_SGD, sgd_momentum, (const char *const[]){"momentum_buffer", NULL});
    expect_slots(OPT_ADAGRAD, NULL, (const char *const[]){"sum", NULL});
    expect_slots(OPT_RMSPROP, NULL, (const char *const[]){"square_avg", NULL});
    expect_slots(OPT_RMSPROP, sgd_momentum,
                 (const char *const[]){"square_avg", "momentum_buffer", NULL});
    expect_slots(OPT_RMSPROP, rms_centered, (const char *const[]){"square_avg", "grad_avg", NULL});
    expect_slots(OPT_RMSPROP, rms_both,
                 (const char *const[]){"square_avg", "momentum_buffer", "grad_avg", NULL});
    expect_slots(OPT_ADADELTA, NULL, (const char *const[]){"square_avg", "acc_delta", NULL});
    expect_slots(OPT_ADAM, NULL, (const char *const[]){"exp_avg", "exp_avg_sq", NULL});
    expect_slots(OPT_ADAMW, amsgrad,
                 (const char *const[]){"exp_avg", "exp_avg_sq", "max_exp_avg_sq", NULL});
    expect_slots(OPT_ADAMAX, NULL, (const char *const[]){"exp_avg", "exp_inf", NULL});
    expect_slots(OPT_NADAM, NULL, (const char *const[]){"exp_avg", "exp_avg_sq", NULL});
    expect_slots(OPT_RADAM, NULL, (const char *const[]){"exp_avg", "exp_avg_sq", NULL});
    expect_slots(OPT_RPROP, NULL, (const char *const[]){"prev", "step_size", NULL});
}

/* Names parse back; the tables are complete and sane. */
static void test_names_and_hypers(void **state)
{
    (void)state;
    static const char *const order[OPT_COUNT][7] = {
        {"lr", "momentum", "dampening", "nesterov", "weight_decay"},
        {"lr", "lr_decay", "weight_decay", "initial_accumulator_value", "eps"},
        {"lr", "alpha", "eps", "weight_decay", "momentum", "centered"},
        {"lr", "rho", "eps", "weight_decay"},
        {"lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"},
        {"lr", "beta1", "beta2", "eps", "weight_decay", "amsgrad"},
        {"lr", "beta1", "beta2", "eps", "weight_decay"},
        {"lr", "beta1", "beta2", "eps", "weight_decay", "momentum_decay"},
        {"lr", "beta1", "beta2", "eps", "weight_decay"},
        {"lr", "eta_minus", "eta_plus", "step_min", "step_max"},
    };
    for (int k = 0; k < OPT_COUNT; k++) {
        OptKind back;
        assert_int_equal(optim_parse(optim_name((OptKind)k), &back), 0);
        assert_int_equal(back, k);
        int n;
        const OptHyper *h = optim_hypers((OptKind)k, &n);
        for (int i = 0; i < n; i++) {
            assert_non_null(order[k][i]);
            assert_string_equal(h[i].name, order[k][i]);
            assert_true(strlen(h[i].about) > 10);
            assert_true(h[i].offset < sizeof(OptConfig));
            bool is_switch = !strcmp(h[i].name, "nesterov") || !strcmp(h[i].name, "centered") ||
                             !strcmp(h[i].name, "amsgrad");
            assert_int_equal(h[i].is_bool, is_switch);
        }
        assert_null(order[k][n]);
    }
    OptKind k;
    assert_int_equal(optim_parse("Adam", &k), -1);
    assert_int_equal(optim_parse("lbfgs", &k), -1);
    assert_int_equal(optim_parse("", &k), -1);
}

/* adamw's decay is decoupled: zero gradients still shrink the weights by
 * 1 - lr*wd, while adam with zero gradients and decay moves by the
 * Adam-normalised decay term. */
static void test_adamw_decoupled(void **state)
{
    (void)state;
    OptConfig c;
    optim_defaults(OPT_ADAMW, &c);
    c.lr = 0.1;
    c.weight_decay = 0.5;
    Optim *o = new_or_fail(&c, 2);
    double p[2] = {2.0, -4.0}, g[2] = {0, 0};
    optim_step(o, p, g);
    assert_true(p[0] == 2.0 * (1 - 0.1 * 0.5));
    assert_true(p[1] == -4.0 * (1 - 0.1 * 0.5));
    optim_free(o);
}

/* The layout rule: state carries on across a change of settings exactly
 * when the slots stay the same. */
static void test_same_layout(void **state)
{
    (void)state;
    OptConfig a, b;
    for (int k = 0; k < OPT_COUNT; k++) {
        optim_defaults((OptKind)k, &a);
        b = a;
        b.lr *= 3; /* a number that is no switch keeps the layout */
        assert_true(optim_same_layout(&a, &b));
        optim_defaults((OptKind)((k + 1) % OPT_COUNT), &b);
        assert_false(optim_same_layout(&a, &b));
    }
    optim_defaults(OPT_SGD, &a);
    b = a;
    b.momentum = 0.9; /* sgd's buffer appears */
    assert_false(optim_same_layout(&a, &b));
    a.momentum = 0.5;
    assert_true(optim_same_layout(&a, &b));
    optim_defaults(OPT_RMSPROP, &a);
    b = a;
    b.centered = true;
    assert_false(optim_same_layout(&a, &b));
    optim_defaults(OPT_ADAM, &a);
    b = a;
    b.amsgrad = true;
    assert_false(optim_same_layout(&a, &b));
    b = a;
    b.weight_decay = 0.1;
    assert_true(optim_same_layout(&a, &b));
    optim_defaults(OPT_RPROP, &a);
    b = a;
    b.eta_plus = 2; /* rprop's step sizes carry on, as torch keeps them */
    assert_true(optim_same_layout(&a, &b));
}

/* Rprop: a sign change shrinks the step, skips the move and forgets the
 * gradient; step sizes stay within step_min..step_max; the first step
 * starts from the lr in force then, as torch makes its state at the first
 * step. */
static void test_rprop_rules(void **state)
{
    (void)state;
    OptConfig c;
    optim_defaults(OPT_RPROP, &c);
    c.step_max = 0.015;
    Optim *o = new_or_fail(&c, 3);
    o->cfg.lr = 0.004; /* `set lr` before the first step */
    double p[3] = {1, 1, 1};
    double g1[3] = {2, -3, 0};
    optim_step(o, p, g1);
    assert_true(p[0] == 1 - 0.004 && p[1] == 1 + 0.004 && p[2] == 1);
    double g2[3] = {-1, -1, 5}; /* flip, same sign, after a zero */
    optim_step(o, p, g2);
    assert_true(o->state[0] == 0 && o->state[1] == -1 && o->state[2] == 5); /* prev */
    assert_true(o->state[3] == 0.004 * 0.5); /* step_size: eta_minus */
    assert_true(o->state[4] == 0.004 * 1.2); /* eta_plus */
    assert_true(o->state[5] == 0.004);       /* product 0: unchanged */
    assert_true(p[0] == 1 - 0.004);          /* no move after the flip */
    double g3[3] = {1, -1, 5};
    for (int t = 0; t < 10; t++)
        optim_step(o, p, g3);
    for (int i = 0; i < 3; i++)
        assert_true(o->state[3 + i] <= 0.015);
    optim_free(o);
}

/* RAdam: while rho_t <= 5 the step is lr times the bias-corrected mean
 * (plain momentum); beyond, the rectified adaptive step. */
static void test_radam_branches(void **state)
{
    (void)state;
    OptConfig c;
    optim_defaults(OPT_RADAM, &c);
    c.lr = 0.1;
    Optim *o = new_or_fail(&c, 1);
    double p = 0, g = 2;
    optim_step(o, &p, &g); /* t = 1: m_hat = g */
    assert_true(fabs(p - -0.2) < 1e-15);
    for (int t = 2; t <= 5; t++)
        optim_step(o, &p, &g);
    assert_true(fabs(p - -1.0) < 1e-12); /* five plain steps of lr·g */
    optim_step(o, &p, &g);               /* t = 6: rho_t > 5 */
    assert_true(fabs(p - -1.0) < 0.2 && p < -1.0);
    optim_free(o);
}

/* What a TextSink collected. */
typedef struct Collect {
    char text[8192];
    size_t len;
} Collect;

static void collect_put(void *ctx, const char *t)
{
    Collect *c = ctx;
    c->len += (size_t)snprintf(c->text + c->len, sizeof c->text - c->len, "%s", t);
}

static const char *collect_num(void *ctx, double v, char *buf, size_t n)
{
    (void)ctx;
    snprintf(buf, n, "%.6g", v);
    return buf;
}

/* Every optimizer writes a formula and its numbers, and the right-hand
 * side it gives for the new value evaluates (as written) to that value. */
static void test_explain_text(void **state)
{
    (void)state;
    for (int k = 0; k < OPT_COUNT; k++) {
        for (int variant = 0; variant < 2; variant++) {
            OptConfig c;
            optim_defaults((OptKind)k, &c);
            if (variant) {
                c.momentum = c.momentum ? c.momentum : 0.9;
                c.weight_decay = k == OPT_RPROP ? 0 : 0.1;
            }
            Optim *o = new_or_fail(&c, 1);
            double p = 0.7, g;
            for (int t = 0; t < 7; t++) { /* radam past rho_t = 5 */
                g = 0.3 - 0.1 * t;
                OptElement e = {.p0 = p, .g = g, .t = o->step + 1, .mu0 = o->mu_product};
                for (int s = 0; s < o->n_slots; s++)
                    e.s0[s] = o->state[s];
                optim_step(o, &p, &g);
                e.p1 = p;
                e.mu1 = o->mu_product;
                for (int s = 0; s < o->n_slots; s++)
                    e.s1[s] = o->state[s];
                Collect col = {.len = 0};
                TextSink w = {collect_put, collect_num, &col};
                char expr[320] = "";
                optim_explain_formula(&o->cfg, &w);
                assert_true(strstr(col.text, "p ←") != NULL);
                optim_explain_numbers(&o->cfg, &e, &w, expr, sizeof expr);
                if (!expr[0])
                    fail_msg("%s: no expression for the new value", optim_name((OptKind)k));
                char p0[40];
                collect_num(NULL, e.p0, p0, sizeof p0);
                if (strncmp(expr, p0, strlen(p0)) != 0 && k != OPT_ADAMW)
                    fail_msg("%s: '%s' does not start from p = %s", optim_name((OptKind)k), expr, p0);
            }
            optim_free(o);
        }
    }
}

/* An optimizer over no parameters works and steps. */
static void test_empty(void **state)
{
    (void)state;
    for (int k = 0; k < OPT_COUNT; k++) {
        OptConfig c;
        optim_defaults((OptKind)k, &c);
        Optim *o = new_or_fail(&c, 0);
        double dummy = 0;
        optim_step(o, &dummy, &dummy);
        assert_int_equal(o->step, 1);
        optim_reset(o);
        optim_free(o);
    }
    optim_free(NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults_match_torch),
        cmocka_unit_test(test_check_messages_match_torch),
        cmocka_unit_test(test_traces_match_torch),
        cmocka_unit_test(test_random_cases_match_torch),
        cmocka_unit_test(test_check_rejects_non_finite),
        cmocka_unit_test(test_check_accepts_edges),
        cmocka_unit_test(test_reset),
        cmocka_unit_test(test_copy_state),
        cmocka_unit_test(test_slot_names),
        cmocka_unit_test(test_names_and_hypers),
        cmocka_unit_test(test_adamw_decoupled),
        cmocka_unit_test(test_same_layout),
        cmocka_unit_test(test_rprop_rules),
        cmocka_unit_test(test_radam_branches),
        cmocka_unit_test(test_explain_text),
        cmocka_unit_test(test_empty),
    };
    return cmocka_run_group_tests_name("optim", tests, load_golden, free_golden);
}
