/* test_golden.c — whole training runs of the engine (nn, loss, optim)
 * checked against PyTorch 1.13, number by number.
 *
 * tests/gen_golden.py (run by hand with /usr/bin/python3; CI has no Python)
 * builds each case in torch float64: it draws the data and the initial
 * parameters, runs S optimizer steps over mini-batches taken in row order
 * (shuffle off, last batch of an epoch smaller, then the next epoch), and
 * writes everything to tests/golden/model_<case>.txt. This test loads the
 * same data and initial parameters (no reliance on paramlab's RNG), runs the
 * same steps through nn_forward / loss_eval / nn_backward / optim_step, and
 * compares at every step: the loss, yhat (the link applied to the logits),
 * dLoss/dlogits, every dW_k and db_k, and every W_k and b_k after the step.
 * A further test compares optim_defaults with torch.optim's constructor
 * defaults (tests/golden/model_optim_defaults.txt).
 *
 * Tolerance: actual a and expected b agree when
 *     |a - b| <= 1e-9 * max(|b|, 1e-3)
 * i.e. 1e-9 relative, with values below 1e-3 held to 1e-12 absolute. NaN
 * never agrees. The largest relative error seen is printed per case.
 *
 * File format (whitespace-separated tokens, '#' comments to end of line;
 * gen_golden.py documents it in full):
 *     case NAME / arch L s0..sL / act NAME / loss NAME DELTA /
 *     shape NOUT NTARGET CLASSIF NCLASSES / opt KIND key=value ... /
 *     data N / batch B / steps S /
 *     tensor NAME ROWS COLS v... for X, Y, then W1 b1 ... WL bL (initial);
 *     per step: step K start R rows C / loss V / tensor yhat / tensor dlogits /
 *     tensor dW1 db1 ... dWL dbL / tensor W1 b1 ... WL bL (after the step);
 *     end
 * Layout: W_k is (n_in x n_out), Z = X.W + b, as in paramlab (torch's
 * Linear.weight transposed). Run from the repository root. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "mat.h"
#include "nn.h"
#include "optim.h"
#include "util.h"

#define REL_TOL 1e-9
#define ABS_FLOOR 1e-3
#define TOK_LEN 128

typedef struct GoldenCase {
    const char *name;
    double max_err; /* largest relative error seen */
    size_t n_checked;
} GoldenCase;

/* One cmocka test per entry; the names are those of CASES in gen_golden.py
 * (tests/golden/model_<name>.txt). */
static GoldenCase cases[] = {
    {"sgd_plain", 0, 0},     {"sgd_momentum", 0, 0}, {"sgd_nesterov", 0, 0},
    {"adagrad", 0, 0},       {"rmsprop", 0, 0},      {"adadelta", 0, 0},
    {"adam", 0, 0},          {"adam_amsgrad", 0, 0}, {"adamw", 0, 0},
    {"adamax", 0, 0},        {"nadam", 0, 0},        {"radam", 0, 0},
    {"rprop", 0, 0},
};
#define N_CASES (sizeof cases / sizeof cases[0])

/* Everything a case owns, freed by the teardown even when a check fails
 * (cmocka leaves the test through longjmp). */
static struct {
    FILE *f;
    Model *model;
    Optim *optim;
    double *x, *y, *yhat, *tensor;
    char path[256];
    long line;
} g;

static void release(void)
{
    if (g.f)
        fclose(g.f);
    nn_free(g.model);
    optim_free(g.optim);
    free(g.x);
    free(g.y);
    free(g.yhat);
    free(g.tensor);
    memset(&g, 0, sizeof g);
}

static int teardown(void **state)
{
    (void)state;
    release();
    return 0;
}

/* ---- reading the golden file ---------------------------------------- */

/* The next token into buf; false at end of file. */
static bool token(char *buf)
{
    int c;
    size_t n = 0;
    for (;;) {
        c = fgetc(g.f);
        if (c == '#') {
            while (c != EOF && c != '\n')
                c = fgetc(g.f);
        }
        if (c == '\n')
            g.line++;
        if (c == EOF)
            return false;
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r')
            break;
    }
    while (c != EOF && c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        if (n + 1 >= TOK_LEN)
            fail_msg("%s:%ld: token too long", g.path, g.line);
        buf[n++] = (char)c;
        c = fgetc(g.f);
    }
    if (c != EOF)
        ungetc(c, g.f); /* the delimiter stays for the next read */
    buf[n] = '\0';
    return true;
}

static void need(char *buf)
{
    if (!token(buf))
        fail_msg("%s:%ld: unexpected end of file", g.path, g.line);
}

static void expect(const char *word)
{
    char buf[TOK_LEN];
    need(buf);
    if (strcmp(buf, word) != 0)
        fail_msg("%s:%ld: expected '%s', found '%s'", g.path, g.line, word,
                 buf);
}

static double read_double(void)
{
    char buf[TOK_LEN], *end;
    need(buf);
    double v = strtod(buf, &end);
    if (end == buf || *end != '\0')
        fail_msg("%s:%ld: '%s' is not a number", g.path, g.line, buf);
    return v;
}

static long read_long(void)
{
    double v = read_double();
    if (v != floor(v) || fabs(v) > 1e9)
        fail_msg("%s:%ld: %g is not an integer", g.path, g.line, v);
    return (long)v;
}

/* Reads "tensor NAME ROWS COLS v..." into a fresh buffer (owned by the
 * caller), checking the name and shape. */
static double *read_tensor(const char *name, int rows, int cols)
{
    char buf[TOK_LEN];
    expect("tensor");
    need(buf);
    if (strcmp(buf, name) != 0)
        fail_msg("%s:%ld: expected tensor %s, found %s", g.path, g.line, name,
                 buf);
    long r = read_long(), c = read_long();
    if (r != rows || c != cols)
        fail_msg("%s:%ld: tensor %s is %ldx%ld, expected %dx%d", g.path,
                 g.line, name, r, c, rows, cols);
    double *t = util_calloc((size_t)rows * (size_t)cols, sizeof *t);
    assert_non_null(t);
    for (size_t i = 0; i < (size_t)rows * (size_t)cols; i++)
        t[i] = read_double();
    return t;
}

/* ---- comparing ------------------------------------------------------ */

static void check_value(GoldenCase *gc, long step, const char *what, int i,
                        int j, double actual, double expected)
{
    double scale = fabs(expected) > ABS_FLOOR ? fabs(expected) : ABS_FLOOR;
    double err = fabs(actual - expected) / scale;
    gc->n_checked++;
    if (!(err <= REL_TOL))
        fail_msg("case %s, step %ld, tensor %s, index [%d,%d]: expected "
                 "%.17g, actual %.17g (relative error %.3g > %g)",
                 gc->name, step, what, i, j, expected, actual, err, REL_TOL);
    if (err > gc->max_err)
        gc->max_err = err;
}

/* Reads tensor `name` from the file and compares the matrix `actual`
 * (row-major, rows x cols, row stride ld) with it. */
static void check_tensor(GoldenCase *gc, long step, const char *name,
                         const double *actual, int rows, int cols, int ld)
{
    free(g.tensor);
    g.tensor = read_tensor(name, rows, cols);
    for (int i = 0; i < rows; i++)
        for (int j = 0; j < cols; j++)
            check_value(gc, step, name, i, j,
                        actual[(size_t)i * (size_t)ld + (size_t)j],
                        g.tensor[(size_t)i * (size_t)cols + (size_t)j]);
    free(g.tensor);
    g.tensor = NULL;
}

static void check_mat(GoldenCase *gc, long step, const char *name, Mat m,
                      int rows, int cols)
{
    if (m.rows != rows || m.cols != cols)
        fail_msg("case %s: %s is %dx%d, expected %dx%d", gc->name, name,
                 m.rows, m.cols, rows, cols);
    check_tensor(gc, step, name, m.data, rows, cols, m.cols);
}

/* ---- optimizer hyperparameters by their torch names ------------------ */

typedef struct Field {
    const char *name;
    size_t offset;
    bool is_bool;
} Field;

static const Field fields[] = {
    {"lr", offsetof(OptConfig, lr), false},
    {"weight_decay", offsetof(OptConfig, weight_decay), false},
    {"momentum", offsetof(OptConfig, momentum), false},
    {"dampening", offsetof(OptConfig, dampening), false},
    {"nesterov", offsetof(OptConfig, nesterov), true},
    {"lr_decay", offsetof(OptConfig, lr_decay), false},
    {"initial_accumulator_value",
     offsetof(OptConfig, initial_accumulator_value), false},
    {"alpha", offsetof(OptConfig, alpha), false},
    {"centered", offsetof(OptConfig, centered), true},
    {"rho", offsetof(OptConfig, rho), false},
    {"beta1", offsetof(OptConfig, beta1), false},
    {"beta2", offsetof(OptConfig, beta2), false},
    {"amsgrad", offsetof(OptConfig, amsgrad), true},
    {"momentum_decay", offsetof(OptConfig, momentum_decay), false},
    {"eps", offsetof(OptConfig, eps), false},
    {"eta_minus", offsetof(OptConfig, eta_minus), false},
    {"eta_plus", offsetof(OptConfig, eta_plus), false},
    {"step_min", offsetof(OptConfig, step_min), false},
    {"step_max", offsetof(OptConfig, step_max), false},
};

/* Splits "key=value" and finds the field; fails on anything else. */
static const Field *parse_setting(char *tok, double *value)
{
    char *eq = strchr(tok, '=');
    if (!eq)
        fail_msg("%s:%ld: expected key=value, found '%s'", g.path, g.line,
                 tok);
    *eq = '\0';
    char *end;
    *value = strtod(eq + 1, &end);
    if (end == eq + 1 || *end != '\0')
        fail_msg("%s:%ld: bad value for %s", g.path, g.line, tok);
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        if (strcmp(fields[i].name, tok) == 0)
            return &fields[i];
    fail_msg("%s:%ld: unknown hyperparameter '%s'", g.path, g.line, tok);
    return NULL;
}

static void open_golden(const char *file)
{
    snprintf(g.path, sizeof g.path, "tests/golden/%s", file);
    g.f = fopen(g.path, "r");
    g.line = 1;
    if (!g.f)
        fail_msg("cannot open %s (run the tests from the repository root)",
                 g.path);
}

/* ---- one whole training run ------------------------------------------ */

static void golden_case(void **state)
{
    GoldenCase *gc = *state;
    char buf[TOK_LEN], err[ERR_LEN] = "";
    char file[128];
    snprintf(file, sizeof file, "model_%s.txt", gc->name);
    open_golden(file);

    expect("case");
    need(buf);
    assert_string_equal(buf, gc->name);

    expect("arch");
    long n_layers = read_long();
    assert_true(n_layers >= 1 && n_layers <= NN_MAX_LAYERS);
    int sizes[NN_MAX_LAYERS + 1];
    for (long k = 0; k <= n_layers; k++)
        sizes[k] = (int)read_long();

    expect("act");
    need(buf);
    Act act;
    if (act_parse(buf, &act) != 0)
        fail_msg("case %s: act_parse does not know '%s'", gc->name, buf);

    expect("loss");
    need(buf);
    Loss loss = {LOSS_MSE, 1.0};
    if (loss_parse(buf, &loss.kind) != 0)
        fail_msg("case %s: loss_parse does not know '%s'", gc->name, buf);
    loss.delta = read_double();

    expect("shape");
    LossShape shape;
    shape.n_outputs = (int)read_long();
    shape.n_targets = (int)read_long();
    shape.classification = read_long() != 0;
    shape.n_classes = (int)read_long();
    assert_int_equal(shape.n_outputs, sizes[n_layers]);
    if (loss_check(&loss, &shape, err) != 0)
        fail_msg("case %s: loss_check refuses: %s", gc->name, err);

    expect("opt");
    need(buf);
    OptKind kind;
    if (optim_parse(buf, &kind) != 0)
        fail_msg("case %s: optim_parse does not know '%s'", gc->name, buf);
    OptConfig cfg;
    optim_defaults(kind, &cfg);
    cfg.kind = kind;
    for (;;) {
        need(buf);
        if (strcmp(buf, "data") == 0)
            break;
        double v;
        const Field *fd = parse_setting(buf, &v);
        if (fd->is_bool)
            *(bool *)(void *)((char *)&cfg + fd->offset) = v != 0;
        else
            *(double *)(void *)((char *)&cfg + fd->offset) = v;
    }
    int n_rows = (int)read_long();
    expect("batch");
    int batch = (int)read_long();
    expect("steps");
    long steps = read_long();
    assert_true(n_rows > 0 && batch > 0 && steps > 0);

    int n_in = sizes[0], n_out = sizes[n_layers], n_t = shape.n_targets;
    g.x = read_tensor("X", n_rows, n_in);
    g.y = read_tensor("Y", n_rows, n_t);
    g.yhat = util_calloc((size_t)batch * (size_t)n_out, sizeof *g.yhat);
    assert_non_null(g.yhat);

    g.model = nn_new(sizes, (int)n_layers, act, batch, err);
    if (!g.model)
        fail_msg("case %s: nn_new failed: %s", gc->name, err);
    Model *m = g.model;
    assert_int_equal(m->n_layers, n_layers);
    assert_int_equal(nn_inputs(m), n_in);
    assert_int_equal(nn_outputs(m), n_out);

    char name[32];
    for (int k = 1; k <= n_layers; k++) {
        Mat w = nn_weight(m, k), b = nn_bias(m, k);
        assert_int_equal(w.rows, sizes[k - 1]);
        assert_int_equal(w.cols, sizes[k]);
        assert_int_equal(b.rows, 1);
        assert_int_equal(b.cols, sizes[k]);
        snprintf(name, sizeof name, "W%d", k);
        g.tensor = read_tensor(name, w.rows, w.cols);
        for (int i = 0; i < w.rows; i++)
            for (int j = 0; j < w.cols; j++)
                *mat_at(&w, i, j) =
                    g.tensor[(size_t)i * (size_t)w.cols + (size_t)j];
        free(g.tensor);
        g.tensor = NULL;
        snprintf(name, sizeof name, "b%d", k);
        g.tensor = read_tensor(name, 1, b.cols);
        for (int j = 0; j < b.cols; j++)
            *mat_at(&b, 0, j) = g.tensor[j];
        free(g.tensor);
        g.tensor = NULL;
    }

    g.optim = optim_new(&cfg, m->n_params, err);
    if (!g.optim)
        fail_msg("case %s: optim_new refuses the configuration: %s",
                 gc->name, err);

    int start = 0;
    for (long s = 1; s <= steps; s++) {
        /* Row order, last batch smaller, then the next epoch from row 0. */
        if (start >= n_rows)
            start = 0;
        int rows = n_rows - start < batch ? n_rows - start : batch;
        expect("step");
        assert_int_equal(read_long(), s);
        expect("start");
        assert_int_equal(read_long(), start);
        expect("rows");
        assert_int_equal(read_long(), rows);

        Mat xb = mat_view(g.x + (size_t)start * (size_t)n_in, rows, n_in);
        const double *yb = g.y + (size_t)start * (size_t)n_t;
        int last = (int)n_layers - 1;
        nn_forward(m, &xb);
        double l = loss_eval(&loss, &shape, m->a[last], yb, rows, g.yhat,
                             m->dz[last]);
        expect("loss");
        check_value(gc, s, "loss", 0, 0, l, read_double());
        check_tensor(gc, s, "yhat", g.yhat, rows, n_out, n_out);
        check_tensor(gc, s, "dlogits", m->dz[last], rows, n_out, n_out);

        nn_backward(m, &xb);
        for (int k = 1; k <= n_layers; k++) {
            snprintf(name, sizeof name, "dW%d", k);
            check_mat(gc, s, name, nn_dweight(m, k), sizes[k - 1], sizes[k]);
            snprintf(name, sizeof name, "db%d", k);
            check_mat(gc, s, name, nn_dbias(m, k), 1, sizes[k]);
        }

        optim_step(g.optim, m->params, m->grads);
        for (int k = 1; k <= n_layers; k++) {
            snprintf(name, sizeof name, "W%d", k);
            check_mat(gc, s, name, nn_weight(m, k), sizes[k - 1], sizes[k]);
            snprintf(name, sizeof name, "b%d", k);
            check_mat(gc, s, name, nn_bias(m, k), 1, sizes[k]);
        }
        start += rows;
    }
    expect("end");
    print_message("golden %-13s %ld steps, %zu values, max relative error "
                  "%.3g\n", gc->name, steps, gc->n_checked, gc->max_err);
}

/* ---- torch.optim's defaults ---------------------------------------- */

static void optim_defaults_match_torch(void **state)
{
    (void)state;
    char buf[TOK_LEN];
    int seen = 0;
    open_golden("model_optim_defaults.txt");
    for (;;) {
        need(buf);
        if (strcmp(buf, "end") == 0)
            break;
        if (strcmp(buf, "defaults") != 0)
            fail_msg("%s:%ld: expected 'defaults', found '%s'", g.path,
                     g.line, buf);
        need(buf);
        OptKind kind;
        if (optim_parse(buf, &kind) != 0)
            fail_msg("optim_parse does not know '%s'", buf);
        char kname[TOK_LEN];
        strcpy(kname, buf);
        OptConfig c;
        memset(&c, 0, sizeof c);
        optim_defaults(kind, &c);
        assert_int_equal(c.kind, kind);
        /* key=value up to the end of the line */
        int ch;
        while ((ch = fgetc(g.f)) == ' ' || ch == '\t') {
            ungetc(ch, g.f);
            need(buf);
            double v;
            const Field *fd = parse_setting(buf, &v);
            double actual = fd->is_bool
                ? (*(const bool *)(const void *)((const char *)&c + fd->offset) ? 1.0 : 0.0)
                : *(const double *)(const void *)((const char *)&c + fd->offset);
            if (actual != v)
                fail_msg("optim_defaults(%s): %s is %.17g, torch.optim 1.13 "
                         "has %.17g", kname, fd->name, actual, v);
        }
        if (ch == '\n')
            g.line++;
        seen++;
    }
    assert_int_equal(seen, OPT_COUNT);
}

int main(void)
{
    struct CMUnitTest tests[N_CASES + 1];
    static char names[N_CASES][48];
    for (size_t i = 0; i < N_CASES; i++) {
        snprintf(names[i], sizeof names[i], "golden_%s", cases[i].name);
        tests[i].name = names[i];
        tests[i].test_func = golden_case;
        tests[i].setup_func = NULL;
        tests[i].teardown_func = teardown;
        tests[i].initial_state = &cases[i];
    }
    tests[N_CASES].name = "optim_defaults_match_torch";
    tests[N_CASES].test_func = optim_defaults_match_torch;
    tests[N_CASES].setup_func = NULL;
    tests[N_CASES].teardown_func = teardown;
    tests[N_CASES].initial_state = NULL;

    int failed = _cmocka_run_group_tests("golden (PyTorch 1.13)", tests,
                                         N_CASES + 1, NULL, NULL);
    double worst = 0;
    for (size_t i = 0; i < N_CASES; i++)
        if (cases[i].max_err > worst)
            worst = cases[i].max_err;
    printf("golden: tolerance |a-b| <= %g * max(|b|, %g); largest relative "
           "error seen %.3g\n", REL_TOL, ABS_FLOOR, worst);
    return failed;
}
