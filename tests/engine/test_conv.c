/* test_conv.c — conv layers and max pooling against PyTorch 1.13 float64
 * (tests/golden/conv.txt from tests/gen_conv_golden.py): every map, the
 * logits, the loss, every gradient and three steps of sgd with momentum
 * and of adam, to 1e-9 relative; then every gradient of conv nets (pad 0
 * and same, odd and even kernels, pools with ties) against central
 * differences, the geometry and its refusals, and partial batches. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "loss.h"
#include "nn.h"
#include "optim.h"
#include "util.h"

#define GL_FILE "tests/golden/conv.txt"
#include "golden_lines.h"

#define TOL 1e-9
#define MAXV 20000

static double worst; /* the largest relative error seen */

/* Every value of got against want to TOL relative (floor 1e-3 as test_golden). */
static void close_all(const char *what, const double *got, const double *want, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        double d = fabs(got[i] - want[i]) / fmax(fabs(want[i]), 1e-3);
        worst = fmax(worst, d);
        if (!(d <= TOL))
            fail_msg("%s[%zu]: %.17g, torch %.17g", what, i, got[i], want[i]);
    }
}

/* One golden case, read from line *at on. */
typedef struct Case {
    char name[64];
    Act act;
    Layer layers[NN_MAX_LAYERS];
    int n_layers;
    int rows;
    double x[MAXV], y[64];
    int start; /* line of "params" */
} Case;

static double vals[MAXV];

static int read_case(int *at, Case *c)
{
    while (*at < gl_n && !gl_is(gl_lines[*at], "case"))
        (*at)++;
    if (*at >= gl_n)
        return 0;
    memset(c, 0, sizeof *c);
    sscanf(gl_lines[*at] + 5, "%63s", c->name);
    char act[32] = "";
    int cin = 0, h = 0, w = 0;
    for ((*at)++; !gl_is(gl_lines[*at], "params"); (*at)++) {
        const char *l = gl_lines[*at];
        char err[256];
        if (gl_is(l, "act")) {
            sscanf(l + 4, "%31s", act);
            assert_int_equal(act_parse(act, &c->act), 0);
        } else if (gl_is(l, "input")) {
            assert_int_equal(sscanf(l + 6, "%d %d %d", &cin, &h, &w), 3);
        } else if (gl_is(l, "conv")) {
            int f, k, same, pool;
            assert_int_equal(sscanf(l + 5, "%d %d %d %d", &f, &k, &same, &pool), 4);
            Layer *ly = &c->layers[c->n_layers++];
            if (layer_conv(ly, cin, h, w, f, k, same, pool, err) != 0)
                fail_msg("%s: %s", c->name, err);
            cin = f;
            h = ly->h_pool;
            w = ly->w_pool;
        } else if (gl_is(l, "dense")) {
            int n = gl_nums(l, "dense", vals, MAXV), in = cin * h * w;
            for (int i = 0; i < n; i++) {
                layer_dense(&c->layers[c->n_layers++], in, (int)vals[i]);
                in = (int)vals[i];
            }
        } else if (gl_is(l, "rows")) {
            c->rows = atoi(l + 5);
        } else if (gl_is(l, "x")) {
            gl_nums(l, "x", c->x, MAXV);
        } else if (gl_is(l, "y")) {
            gl_nums(l, "y", c->y, 64);
        }
    }
    c->start = *at;
    return 1;
}

static Model *build(const Case *c, int cap)
{
    char err[256];
    Model *m = nn_new_layers(c->layers, c->n_layers, c->act, cap, err);
    if (!m)
        fail_msg("%s: %s", c->name, err);
    int n = gl_nums(gl_lines[c->start], "params", vals, MAXV);
    assert_int_equal((size_t)n, m->n_params);
    memcpy(m->params, vals, (size_t)n * sizeof(double));
    return m;
}

static LossShape shape_of(const Model *m)
{
    LossShape sh = {nn_outputs(m), 1, true, nn_outputs(m)};
    return sh;
}

/* forward, cross-entropy, backward on the case's batch; the loss. */
static double pass(Model *m, const Case *c, double *yhat)
{
    Mat x = mat_view((double *)c->x, c->rows, nn_inputs(m));
    nn_forward(m, &x);
    Loss l = {LOSS_CE, 1.0};
    LossShape sh = shape_of(m);
    int L = m->n_layers - 1;
    double v = loss_eval(&l, &sh, m->z[L], c->y, c->rows, yhat, m->dz[L]);
    nn_backward(m, &x);
    return v;
}

static void golden_case(const Case *c)
{
    Model *m = build(c, c->rows + 3);
    double yhat[1024];
    double loss = pass(m, c, yhat);
    char what[96];
    for (int i = c->start + 1; !gl_is(gl_lines[i], "end"); i++) {
        const char *l = gl_lines[i];
        int k;
        char kind = l[0];
        if ((kind == 'z' || kind == 'a' || kind == 'p') && l[1] == ' ' && sscanf(l + 2, "%d", &k) == 1) {
            char key[16];
            snprintf(key, sizeof key, "%c %d", kind, k);
            int n = gl_nums(l, key, vals, MAXV);
            const Layer *ly = &m->layer[k - 1];
            const double *got = kind == 'z' ? m->z[k - 1] : kind == 'a' ? m->a[k - 1] : m->p[k - 1];
            assert_non_null(got);
            assert_int_equal(n, c->rows * (kind == 'p' ? ly->n_out : ly->n_map));
            snprintf(what, sizeof what, "%s %s", c->name, key);
            close_all(what, got, vals, (size_t)n);
        } else if (gl_is(l, "logits")) {
            int n = gl_nums(l, "logits", vals, MAXV);
            snprintf(what, sizeof what, "%s logits", c->name);
            close_all(what, m->z[m->n_layers - 1], vals, (size_t)n);
        } else if (gl_is(l, "loss")) {
            gl_nums(l, "loss", vals, 1);
            snprintf(what, sizeof what, "%s loss", c->name);
            close_all(what, &loss, vals, 1);
        } else if (gl_is(l, "grads")) {
            int n = gl_nums(l, "grads", vals, MAXV);
            assert_int_equal((size_t)n, m->n_params);
            snprintf(what, sizeof what, "%s grads", c->name);
            close_all(what, m->grads, vals, (size_t)n);
        }
    }
    nn_free(m);
}

/* The optimizer steps: the same batch, OPT's torch settings, 3 steps. */
static void golden_steps(const Case *c, const char *opt)
{
    char err[256];
    OptConfig cfg;
    bool adam = strcmp(opt, "adam") == 0;
    optim_defaults(adam ? OPT_ADAM : OPT_SGD, &cfg);
    cfg.lr = adam ? 0.01 : 0.1;
    if (!adam)
        cfg.momentum = 0.9;
    Model *m = build(c, c->rows);
    Optim *o = optim_new(&cfg, m->n_params, err);
    assert_non_null(o);
    double yhat[1024];
    int done = 0;
    for (int i = c->start + 1; !gl_is(gl_lines[i], "end"); i++) {
        char key[32];
        snprintf(key, sizeof key, "step %s %d", opt, done + 1);
        int n = gl_nums(gl_lines[i], key, vals, MAXV);
        if (n < 0)
            continue;
        pass(m, c, yhat);
        optim_step(o, m->params, m->grads);
        char what[96];
        snprintf(what, sizeof what, "%s %s", c->name, key);
        close_all(what, m->params, vals, (size_t)n);
        done++;
    }
    assert_int_equal(done, 3);
    optim_free(o);
    nn_free(m);
}

static void conv_matches_torch(void **state)
{
    (void)state;
    static Case c;
    int at = 0, cases = 0;
    while (read_case(&at, &c)) {
        golden_case(&c);
        golden_steps(&c, "sgd");
        golden_steps(&c, "adam");
        cases++;
        at++;
    }
    assert_true(cases >= 6);
    print_message("conv golden: %d cases, largest relative error %.2g\n", cases, worst);
}

/* A loss with every gradient nonzero: sum of (logits · g) for a fixed g. */
static double probe_loss(Model *m, const Mat *x, const double *g, bool back)
{
    nn_forward(m, x);
    int L = m->n_layers - 1;
    size_t n = (size_t)x->rows * (size_t)m->layer[L].n_out;
    double v = 0;
    for (size_t i = 0; i < n; i++)
        v += m->z[L][i] * g[i];
    if (back) {
        memcpy(m->dz[L], g, n * sizeof(double));
        nn_backward(m, x);
    }
    return v;
}

/* Every parameter's gradient and the input's (through layer 1's cols) by
 * central differences. */
static void check_grads(Model *m, int rows, uint64_t seed, bool int_inputs)
{
    Rng r;
    rng_seed(&r, seed);
    int d = nn_inputs(m), k = nn_outputs(m);
    double *x = malloc(sizeof(double) * (size_t)rows * (size_t)d);
    double *g = malloc(sizeof(double) * (size_t)rows * (size_t)k);
    for (int i = 0; i < rows * d; i++)
        x[i] = int_inputs ? (double)(int)(rng_uniform(&r) * 4) : rng_normal(&r);
    for (int i = 0; i < rows * k; i++)
        g[i] = rng_normal(&r);
    for (size_t i = 0; i < m->n_params; i++)
        m->params[i] = rng_uniform(&r) - 0.5;
    Mat xm = mat_view(x, rows, d);
    probe_loss(m, &xm, g, true);
    double *grad = malloc(sizeof(double) * m->n_params);
    memcpy(grad, m->grads, sizeof(double) * m->n_params);
    const double h = 1e-6;
    for (size_t i = 0; i < m->n_params; i++) {
        double p = m->params[i];
        m->params[i] = p + h;
        double up = probe_loss(m, &xm, g, false);
        m->params[i] = p - h;
        double down = probe_loss(m, &xm, g, false);
        m->params[i] = p;
        double num = (up - down) / (2 * h);
        double e = fabs(num - grad[i]) / fmax(fmax(fabs(num), fabs(grad[i])), 1e-4);
        if (!(e < 1e-5))
            fail_msg("param %zu: backward %.12g, central difference %.12g", i, grad[i], num);
    }
    free(grad);
    free(x);
    free(g);
}

static void conv_gradients_central(void **state)
{
    (void)state;
    char err[256];
    struct {
        int cin, h, w, f, k, same, pool, f2, k2, same2, pool2;
        Act act;
    } nets[] = {
        {1, 6, 6, 3, 3, 0, 2, 0, 0, 0, 0, ACT_TANH},
        {2, 5, 5, 2, 2, 1, 0, 3, 3, 1, 0, ACT_TANH},  /* even kernel, same */
        {2, 8, 4, 3, 4, 1, 2, 2, 1, 0, 2, ACT_SIGMOID},
        {1, 7, 7, 2, 2, 0, 2, 2, 3, 1, 0, ACT_ELU},
    };
    for (size_t t = 0; t < sizeof nets / sizeof nets[0]; t++) {
        Layer ls[4];
        int n = 0;
        if (layer_conv(&ls[n++], nets[t].cin, nets[t].h, nets[t].w, nets[t].f, nets[t].k, nets[t].same,
                       nets[t].pool, err) != 0)
            fail_msg("net %zu: %s", t, err);
        if (nets[t].f2 &&
            layer_conv(&ls[n], ls[n - 1].c_out, ls[n - 1].h_pool, ls[n - 1].w_pool, nets[t].f2, nets[t].k2,
                       nets[t].same2, nets[t].pool2, err) != 0)
            fail_msg("net %zu layer 2: %s", t, err);
        n += nets[t].f2 ? 1 : 0;
        layer_dense(&ls[n], ls[n - 1].n_out, 4);
        n++;
        layer_dense(&ls[n], 4, 3);
        n++;
        Model *m = nn_new_layers(ls, n, nets[t].act, 5, err);
        assert_non_null(m);
        check_grads(m, 3, 100 + t, false);
        nn_free(m);
    }
}

/* Pooling with ties: identity activation, a 1x1 kernel, integer inputs, so
 * windows hold equal maxima; the gradient goes to the first in scan order
 * (torch's CPU kernel), and the central difference agrees away from ties. */
static void pool_ties_go_to_first(void **state)
{
    (void)state;
    char err[256];
    Layer ls[2];
    assert_int_equal(layer_conv(&ls[0], 1, 2, 2, 1, 1, false, 2, err), 0);
    layer_dense(&ls[1], 1, 1);
    Model *m = nn_new_layers(ls, 2, ACT_IDENTITY, 1, err);
    assert_non_null(m);
    double x[4] = {1, 3, 3, 2}, g = 1;
    m->params[0] = 1; /* K1 */
    m->params[1] = 0; /* c1 */
    m->params[2] = 1; /* W2 */
    m->params[3] = 0; /* b2 */
    Mat xm = mat_view(x, 1, 4);
    probe_loss(m, &xm, &g, true);
    assert_true(m->p[0][0] == 3.0);
    assert_true(m->pidx[0][0] == 1.0);
    assert_true(m->da[0][1] == 1.0 && m->da[0][2] == 0.0);
    assert_true(m->grads[0] == 3.0); /* dK = dZ · x at the winner */
    nn_free(m);
    assert_int_equal(layer_conv(&ls[0], 1, 4, 4, 2, 1, false, 2, err), 0);
    layer_dense(&ls[1], 8, 2);
    m = nn_new_layers(ls, 2, ACT_RELU, 4, err);
    check_grads(m, 4, 7, false);
    nn_free(m);
}

/* NaN wins a window (torch's CPU rule: a later value wins when larger or
 * NaN), so of two NaNs the later; an odd number of windows per row (the
 * last one alone in its pair), maps of 3 channels. */
static void pool_nan_and_odd_windows(void **state)
{
    (void)state;
    char err[256];
    Layer l;
    assert_int_equal(layer_conv(&l, 1, 2, 6, 3, 1, false, 2, err), 0); /* map 3x2x6, pooled 3x1x3 */
    double a[2 * 36], p[2 * 9], idx[2 * 9];
    for (int i = 0; i < 2 * 36; i++)
        a[i] = (double)((i * 7) % 11) - 5;
    a[0] = NAN;               /* first window: the NaN first, then larger values: NaN stays */
    a[12] = NAN, a[19] = NAN; /* channel 1, window 0: two NaNs, the later wins */
    layer_pool_forward(&l, a, 2, p, idx);
    for (int r = 0; r < 2; r++)
        for (int o = 0; o < 9; o++) {
            int c = o / 3, j = o % 3;
            int at[4] = {c * 12 + 2 * j, c * 12 + 2 * j + 1, c * 12 + 6 + 2 * j, c * 12 + 7 + 2 * j};
            const double *ar = a + 36 * r;
            int best = at[0];
            for (int q = 1; q < 4; q++)
                if (ar[at[q]] > ar[best] || isnan(ar[at[q]]))
                    best = at[q];
            assert_true(idx[9 * r + o] == (double)best);
            assert_true(isnan(ar[best]) ? isnan(p[9 * r + o]) : p[9 * r + o] == ar[best]);
        }
    assert_true(idx[0] == 0.0 && isnan(p[0]));
    assert_true(idx[3] == 19.0);
}

static void geometry_and_refusals(void **state)
{
    (void)state;
    char err[256];
    Layer l;
    assert_int_equal(layer_conv(&l, 1, 8, 8, 16, 3, false, 0, err), 0);
    assert_int_equal(l.n_in, 64);
    assert_int_equal(l.n_out, 16 * 6 * 6);
    assert_int_equal((int)(layer_weights(&l) + layer_biases(&l)), 160);
    assert_int_equal(layer_conv(&l, 1, 8, 8, 8, 3, false, 2, err), 0);
    assert_int_equal(l.n_out, 8 * 3 * 3);
    assert_int_equal(l.n_map, 8 * 6 * 6);
    assert_int_equal(layer_conv(&l, 1, 8, 8, 8, 4, true, 2, err), 0);
    assert_int_equal(l.pad_top, 1); /* torch: 3 zeros, 1 before and 2 after */
    assert_int_equal(l.h_out, 8);
    double fi, fo;
    assert_int_equal(layer_conv(&l, 3, 8, 8, 5, 3, false, 0, err), 0);
    layer_fans(&l, &fi, &fo);
    assert_true(fi == 27 && fo == 45);
    int dims[4];
    assert_int_equal(layer_weight_shape(&l, dims), 4);
    assert_true(dims[0] == 5 && dims[1] == 3 && dims[2] == 3 && dims[3] == 3);
    assert_int_equal(layer_conv(&l, 1, 8, 8, 8, 9, false, 0, err), -1);
    assert_contains(err, "larger than the 8x8 map");
    assert_int_equal(layer_conv(&l, 1, 8, 8, 8, 4, false, 2, err), -1); /* 5x5 map */
    assert_contains(err, "even map");
    assert_int_equal(layer_conv(&l, 1, 8, 8, 0, 3, false, 0, err), -1);
    assert_int_equal(layer_conv(&l, 1, 8, 8, 4, 33, true, 0, err), -1);
    assert_int_equal(layer_conv(&l, 1, 8, 8, 4, 3, false, 3, err), -1);
    assert_int_equal(layer_conv(&l, 1, 5000, 8, 4, 3, false, 0, err), -1);
    /* the output layer must be dense; dropout after a conv layer is refused */
    assert_int_equal(layer_conv(&l, 1, 4, 4, 2, 3, false, 0, err), 0);
    assert_null(nn_new_layers(&l, 1, ACT_RELU, 2, err));
    Layer ls[2] = {l};
    layer_dense(&ls[1], l.n_out, 2);
    Model *m = nn_new_layers(ls, 2, ACT_RELU, 2, err);
    assert_non_null(m);
    assert_true(nn_has_conv(m));
    double p[2] = {0.5, 0};
    assert_int_equal(nn_set_dropout(m, p, err), -1);
    nn_free(m);
}

/* A partial batch, a capacity change and a clone give the same numbers. */
static void capacity_and_clone(void **state)
{
    (void)state;
    static Case c;
    int at = 0;
    assert_true(read_case(&at, &c));
    Model *m = build(&c, 2);
    char err[256];
    assert_int_equal(nn_set_capacity(m, c.rows, err), 0);
    double yhat[256];
    pass(m, &c, yhat);
    Model *k = nn_clone(m);
    assert_non_null(k);
    pass(k, &c, yhat);
    close_all("clone grads", k->grads, m->grads, m->n_params);
    assert_int_equal(nn_set_capacity(k, 64, err), 0);
    close_all("kept P", k->p[0], m->p[0], (size_t)c.rows * (size_t)m->layer[0].n_out);
    pass(k, &c, yhat);
    close_all("grads at 64", k->grads, m->grads, m->n_params);
    nn_free(k);
    nn_free(m);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conv_matches_torch),
        cmocka_unit_test(conv_gradients_central),
        cmocka_unit_test(pool_ties_go_to_first),
        cmocka_unit_test(pool_nan_and_odd_windows),
        cmocka_unit_test(geometry_and_refusals),
        cmocka_unit_test(capacity_and_clone),
    };
    return cmocka_run_group_tests_name("conv", tests, gl_setup, gl_teardown);
}
