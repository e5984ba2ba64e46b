/* test_inspect.c — gradcheck and diagnose, through inspect.c and through
 * the commands: the check passes for every activation with every loss,
 * its comparison flags a wrong gradient, kinks of relu, leaky_relu, hinge,
 * mae and huber are skipped rather than failed, large tensors are sampled
 * (and say so), nothing in the session changes in any phase, and the
 * diagnosis finds symmetry, identical units, dead units, saturation,
 * vanishing and exploding signals and gradients and update ratios far from
 * ~1e-3, never advises an init already in use nor an absurd learning rate,
 * and says nothing about healthy networks. Fixed seeds. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "inspect.h"
#include "session.h"
#include "util.h"

#include "fixture.h"

static void gradcheck(Fx *x, const char *param, GradcheckResult *r)
{
    char err[ERR_LEN] = "";
    if (inspect_gradcheck(x->c.s, param, r, err) != 0)
        fail_msg("inspect_gradcheck: %s", err);
}

static void diagnose(Fx *x, Diagnosis *d)
{
    char err[ERR_LEN] = "";
    if (inspect_diagnose(x->c.s, d, err) != 0)
        fail_msg("inspect_diagnose: %s", err);
}

static const Finding *finding(const Diagnosis *d, FindingKind k)
{
    for (int i = 0; i < d->n_findings; i++)
        if (d->finding[i].kind == k)
            return &d->finding[i];
    return NULL;
}

static const GcTensor *gc_tensor(const GradcheckResult *r, const char *name)
{
    for (int i = 0; i < r->n_tensors; i++)
        if (strcmp(r->tensor[i].name, name) == 0)
            return &r->tensor[i];
    fail_msg("no tensor %s in the gradcheck result", name);
    return NULL;
}

/* Every tensor passed, most elements were compared, and the check was not
 * trivial: each layer's dW has a gradient clearly above round-off. */
static void assert_all_pass(const GradcheckResult *r, const char *what)
{
    size_t compared = 0;
    for (int i = 0; i < r->n_tensors; i++) {
        const GcTensor *t = &r->tensor[i];
        if (t->failed || !(t->max_rel < r->threshold))
            fail_msg("%s: %s failed: max rel %.3g (threshold %g), %zu failed", what, t->name, t->max_rel,
                     r->threshold, t->failed);
        compared += t->evaluated - t->skipped;
        if (!t->vector) {
            double big = 0;
            for (size_t q = 0; q < t->evaluated; q++)
                big = fmax(big, fabs(t->el[q].analytic));
            if (big < 1e-6)
                fail_msg("%s: %s has no gradient to check (max %.3g)", what, t->name, big);
        }
    }
    if (compared * 10 < r->evaluated * 9)
        fail_msg("%s: only %zu of %zu elements compared", what, compared, r->evaluated);
}

/* ---- gradcheck ---- */

/* `help gradcheck` states the floor the check divides by as the code
 * forms it, 1e-3·max(1, |loss|), here with a loss above 1 where the floor
 * is not 1e-3; the output shows that floor. */
static void test_gradcheck_help_floor(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "help gradcheck");
    assert_contains(x->last, "max(|backward|, |numeric|, floor)");
    assert_contains(x->last, "floor = 1e-3·max(1, |loss|)");
    assert_null(strstr(x->last, "compared absolutely"));
    ok(x, "data line n=50; model linear; step 3");
    GradcheckResult r;
    gradcheck(x, NULL, &r);
    assert_true(r.loss > 1);
    assert_true(r.floor == INSPECT_GC_FLOOR * fabs(r.loss));
    ok(x, "gradcheck");
    char want[96];
    snprintf(want, sizeof want, "max(|backward|, |numeric|, %.3g)", 1e-3 * r.loss);
    inspect_gradcheck_free(&r);
    assert_contains(x->last, want);
    fx_free(x);
}

static void test_every_act_and_loss(void **state)
{
    (void)state;
    static const char *const acts[] = {"identity", "sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus",
                                       "gelu"};
    static const struct {
        const char *loss, *data;
    } cases[] = {
        {"mse", "line"}, {"mae", "plane features=3"}, {"huber", "plane features=3"},
        {"bce", "moons"}, {"hinge", "moons"}, {"ce", "blobs classes=3"},
        {"mse", "blobs classes=3"}, /* one-hot targets through a regression loss */
    };
    char line[256], what[128];
    for (size_t a = 0; a < sizeof acts / sizeof *acts; a++)
        for (size_t l = 0; l < sizeof cases / sizeof *cases; l++) {
            Fx *x = fx_new();
            snprintf(line, sizeof line, "data %s n=120; set loss %s; set batch 24; model mlp 6 5 act=%s",
                     cases[l].data, cases[l].loss, acts[a]);
            ok(x, line);
            for (int pass = 0; pass < 2; pass++) {
                GradcheckResult r;
                gradcheck(x, NULL, &r);
                snprintf(what, sizeof what, "%s/%s on %s, %s", acts[a], cases[l].loss, cases[l].data,
                         pass ? "after 7 steps" : "at init");
                assert_int_equal(r.n_tensors, 6);
                assert_true(r.step == INSPECT_GC_STEP);
                assert_all_pass(&r, what);
                inspect_gradcheck_free(&r);
                ok(x, "step 7");
            }
            fx_free(x);
        }
}

/* The comparison used for every element flags a wrong gradient. */
static void test_compare_flags_wrong_gradient(void **state)
{
    (void)state;
    double ae, re;
    double th = INSPECT_GC_THRESHOLD, fl = INSPECT_GC_FLOOR;
    /* agreement up to round-off passes */
    assert_true(inspect_gc_compare(0.25, 0.25 + 1e-11, fl, th, &ae, &re));
    assert_true(fabs(ae - 1e-11) < 1e-15);
    /* a factor 2 (a forgotten 1/2 or a missed mean) fails */
    assert_false(inspect_gc_compare(0.5, 0.25, fl, th, &ae, &re));
    assert_true(fabs(re - 0.5) < 1e-15);
    /* a wrong sign fails */
    assert_false(inspect_gc_compare(-0.1, 0.1, fl, th, &ae, &re));
    assert_true(fabs(re - 2.0) < 1e-15);
    /* tiny gradients are compared against the floor, not against themselves */
    assert_true(inspect_gc_compare(1e-12, 3e-12, fl, th, &ae, &re));
    assert_true(fabs(re - 2e-12 / fl) < 1e-20);
    /* ... but a missing gradient of a visible size fails */
    assert_false(inspect_gc_compare(0.0, 1e-3, fl, th, &ae, &re));
    /* NaN never passes; zero against zero does */
    assert_false(inspect_gc_compare(NAN, 0.1, fl, th, &ae, &re));
    assert_true(inspect_gc_compare(0.0, 0.0, fl, th, &ae, &re));
    assert_true(re == 0);
}

/* A relu (and a leaky_relu) pre-activation put 1e-9 from 0: perturbing
 * its bias by ±h crosses the kink; the element is skipped (and would have
 * been a false failure), nothing fails. */
static void kink_at_hidden_unit(const char *act)
{
    Fx *x = fx_new();
    char line[128];
    snprintf(line, sizeof line, "data moons; model mlp 4 act=%s; forward", act);
    ok(x, line);
    Session *s = x->c.s;
    Model *m = s->model;
    int i = 3, j = 1;
    double z = m->z[0][(size_t)i * 4 + (size_t)j];
    m->params[m->layer[0].b_off + (size_t)j] += -z + 1e-9;
    session_params_changed(s);
    GradcheckResult r;
    gradcheck(x, NULL, &r);
    assert_int_equal(r.failed, 0);
    const GcTensor *b1 = gc_tensor(&r, "b1");
    assert_int_equal(b1->skipped, 1);
    const GcElement *e = &b1->el[j];
    assert_int_equal(e->col, j);
    assert_int_equal(e->kink, strcmp(act, "relu") == 0 ? KINK_RELU : KINK_LEAKY);
    assert_int_equal(e->kink_layer, 1);
    assert_int_equal(e->kink_row, i);
    assert_int_equal(e->kink_col, j);
    if (strcmp(act, "relu") == 0 && !(e->rel_err > r.threshold))
        fail_msg("the kink should have made a false failure: rel %.3g", e->rel_err);
    /* the other units of b1 were compared and agree */
    assert_true(b1->max_rel < r.threshold);
    assert_int_equal(b1->evaluated - b1->skipped, 3);
    inspect_gradcheck_free(&r);

    ok(x, "gradcheck b1");
    assert_contains(x->last, "skipped at a kink");
    assert_contains(x->last, "Z1[3,1] changes sign between p-h and p+h");
    assert_contains(x->last, "1 skipped at kinks");
    fx_free(x);
}

static void test_relu_kink_skipped(void **state)
{
    (void)state;
    kink_at_hidden_unit("relu");
    kink_at_hidden_unit("leaky_relu");
}

/* A loss kink at row 0 of a one-layer model: the logit is moved (through
 * the bias) so that the kink lies 1e-9 away. */
static void loss_kink(const char *setup, Kink want, double (*logit_for)(double t))
{
    Fx *x = fx_new();
    ok(x, setup);
    ok(x, "forward");
    Session *s = x->c.s;
    Model *m = s->model;
    double f = m->z[0][0], t = s->yb[0];
    m->params[m->layer[0].b_off] += logit_for(t) - f;
    session_params_changed(s);
    GradcheckResult r;
    gradcheck(x, "b1", &r);
    assert_int_equal(r.n_tensors, 1);
    assert_int_equal(r.failed, 0);
    const GcElement *e = &r.tensor[0].el[0];
    if (e->kink != want)
        fail_msg("%s: kink %s, expected %s", setup, inspect_kink_name(e->kink), inspect_kink_name(want));
    assert_int_equal(e->kink_layer, 1);
    assert_int_equal(e->kink_row, 0);
    assert_int_equal(r.skipped, 1);
    inspect_gradcheck_free(&r);
    fx_free(x);
}

static double hinge_logit(double t)
{
    double yp = 2 * t - 1;
    return yp * (1 - 1e-9); /* margin 1 - y'f = 1e-9 */
}

static double mae_logit(double t)
{
    return t + 1e-9;
}

static double huber_logit(double t)
{
    return t + 1.0 + 1e-9; /* |f - y| = delta + 1e-9 */
}

static void test_loss_kinks_skipped(void **state)
{
    (void)state;
    loss_kink("data moons; set loss hinge; model logistic", KINK_HINGE, hinge_logit);
    loss_kink("data line; set loss mae; model linear", KINK_MAE, mae_logit);
    loss_kink("data line; set loss huber; model linear", KINK_HUBER, huber_logit);
}

/* Everything gradcheck and diagnose could touch, copied. */
typedef struct Saved {
    double *params, *grads, *buf, *yhat, *xb, *yb, *opt;
    size_t n_params, n_buf, n_yhat, n_xb, n_yb, n_opt;
    int model_rows, rows, batch_index, hist_len;
    Phase phase;
    double loss_value;
    long steps, epoch, opt_step;
    bool grads_valid;
    Rng rng;
} Saved;

static double *dup(const double *p, size_t n)
{
    double *q = malloc(n * sizeof *q + 1);
    assert_non_null(q);
    memcpy(q, p, n * sizeof *q);
    return q;
}

static void save(const Session *s, Saved *v)
{
    const Model *m = s->model;
    size_t units = 0;
    for (int k = 0; k < m->n_layers; k++)
        units += (size_t)m->layer[k].n_out;
    v->n_params = m->n_params;
    v->n_buf = 4 * (size_t)m->cap * units;
    v->n_yhat = (size_t)s->batch * (size_t)nn_outputs(m);
    v->n_xb = (size_t)s->batch * (size_t)s->data->d;
    v->n_yb = (size_t)s->batch * (size_t)s->data->t;
    v->n_opt = s->optim->n * (size_t)s->optim->n_slots;
    v->params = dup(m->params, v->n_params);
    v->grads = dup(m->grads, v->n_params);
    v->buf = dup(m->buf, v->n_buf);
    v->yhat = dup(s->yhat, v->n_yhat);
    v->xb = dup(s->xb, v->n_xb);
    v->yb = dup(s->yb, v->n_yb);
    v->opt = dup(s->optim->state, v->n_opt);
    v->model_rows = m->rows;
    v->rows = s->rows;
    v->batch_index = s->batch_index;
    v->hist_len = s->hist_len;
    v->phase = s->phase;
    v->loss_value = s->loss_value;
    v->steps = s->steps;
    v->epoch = s->epoch;
    v->opt_step = s->optim->step;
    v->grads_valid = s->grads_valid;
    v->rng = s->rng;
}

static void assert_same(const Session *s, Saved *v, const char *when)
{
    const Model *m = s->model;
    if (memcmp(v->params, m->params, v->n_params * sizeof(double)) ||
        memcmp(v->grads, m->grads, v->n_params * sizeof(double)) ||
        memcmp(v->buf, m->buf, v->n_buf * sizeof(double)) ||
        memcmp(v->yhat, s->yhat, v->n_yhat * sizeof(double)) ||
        memcmp(v->xb, s->xb, v->n_xb * sizeof(double)) || memcmp(v->yb, s->yb, v->n_yb * sizeof(double)) ||
        memcmp(v->opt, s->optim->state, v->n_opt * sizeof(double)))
        fail_msg("%s: a tensor of the session changed", when);
    assert_int_equal(v->model_rows, m->rows);
    assert_int_equal(v->rows, s->rows);
    assert_int_equal(v->batch_index, s->batch_index);
    assert_int_equal(v->hist_len, s->hist_len);
    assert_int_equal(v->phase, s->phase);
    assert_memory_equal(&v->loss_value, &s->loss_value, sizeof(double));
    assert_int_equal(v->steps, s->steps);
    assert_int_equal(v->epoch, s->epoch);
    assert_int_equal(v->opt_step, s->optim->step);
    assert_int_equal(v->grads_valid, s->grads_valid);
    assert_memory_equal(&v->rng, &s->rng, sizeof(Rng));
    free(v->params);
    free(v->grads);
    free(v->buf);
    free(v->yhat);
    free(v->xb);
    free(v->yb);
    free(v->opt);
}

static void test_session_unchanged(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons; set optimizer adam; model mlp 8 6 act=tanh; set batch 20");
    static const char *const phases[] = {"# ready", "forward", "loss", "backward", "update", "step 3; forward; loss"};
    for (size_t p = 0; p < sizeof phases / sizeof *phases; p++) {
        ok(x, phases[p]);
        Saved v;
        save(x->c.s, &v);
        ok(x, "gradcheck");
        ok(x, "gradcheck W2");
        ok(x, "diagnose");
        assert_same(x->c.s, &v, phases[p]);
    }
    fx_free(x);
}

static void test_large_tensor_sampled(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons; model mlp 64 64");
    GradcheckResult r, again;
    gradcheck(x, NULL, &r);
    const GcTensor *w2 = gc_tensor(&r, "W2");
    assert_int_equal(w2->total, 4096);
    assert_int_equal(w2->evaluated, INSPECT_GC_SAMPLE);
    const GcTensor *b2 = gc_tensor(&r, "b2");
    assert_int_equal(b2->total, 64);
    assert_int_equal(b2->evaluated, 64);
    /* distinct, increasing, spread over the tensor, and the same next time */
    gradcheck(x, NULL, &again);
    const GcTensor *w2b = gc_tensor(&again, "W2");
    int first_half = 0;
    for (size_t q = 0; q < w2->evaluated; q++) {
        const GcElement *e = &w2->el[q];
        assert_int_equal(e->row, w2b->el[q].row);
        assert_int_equal(e->col, w2b->el[q].col);
        if (q > 0) {
            const GcElement *p = &w2->el[q - 1];
            assert_true(e->row * 64 + e->col > p->row * 64 + p->col);
        }
        first_half += e->row < 32;
    }
    assert_in_range(first_half, 25, 75);
    assert_all_pass(&r, "mlp 64 64");
    inspect_gradcheck_free(&r);
    inspect_gradcheck_free(&again);

    ok(x, "gradcheck");
    assert_contains(x->last, "W2: sampled 100 of 4096 elements");
    assert_contains(x->last, "W1: sampled 100 of 128 elements");
    assert_contains(x->last, "step h = 1e-06");
    assert_contains(x->last, "max rel error < 1e-05");
    assert_contains(x->last, "ok: all");
    fx_free(x);
}

static void test_refusals_and_one_param(void **state)
{
    (void)state;
    Fx *x = fx_new();
    assert_contains(refused(x, "gradcheck"), "needs data and a model");
    assert_contains(refused(x, "diagnose"), "needs data and a model");
    ok(x, "data moons");
    assert_contains(refused(x, "gradcheck"), "`model");
    ok(x, "model mlp 5");
    assert_contains(refused(x, "gradcheck Z1"), "'Z1' is not one");
    assert_contains(refused(x, "gradcheck W3"), "parameters go from W1 to W2");
    assert_contains(refused(x, "gradcheck W1 b1"), "too many words");
    assert_contains(refused(x, "diagnose now"), "too many words");

    GradcheckResult r;
    gradcheck(x, "dW2", &r); /* the gradient's name means its parameter */
    assert_int_equal(r.n_tensors, 1);
    assert_string_equal(r.tensor[0].name, "W2");
    assert_int_equal(r.evaluated, 5);
    inspect_gradcheck_free(&r);

    ok(x, "gradcheck b1");
    assert_contains(x->last, "element");
    assert_contains(x->last, "b1[4]");
    ok(x, "help gradcheck");
    assert_contains(x->last, "gradcheck [PARAM]");
    assert_contains(x->last, "Example:");
    ok(x, "help diagnose");
    assert_contains(x->last, "Example:");
    fx_free(x);
}

/* Ctrl-C stops the check between two elements; the command says so and
 * returns 1, as an interrupted `train` does. */
static void test_interrupt(void **state)
{
    (void)state;
    Fx *x = fx_new();
    volatile sig_atomic_t flag = 0;
    x->c.s->interrupt = &flag;
    ok(x, "data moons; model mlp 8");
    flag = 1;
    GradcheckResult r;
    gradcheck(x, NULL, &r);
    assert_true(r.interrupted);
    assert_int_equal(r.evaluated, 0);
    inspect_gradcheck_free(&r);
    assert_int_equal(run(x, "gradcheck"), 1);
    assert_contains(x->last, "interrupted after 0 elements");
    assert_contains(x->last, "not reached");
    flag = 0;
    ok(x, "gradcheck");
    assert_contains(x->last, "ok: all");
    fx_free(x);
}

typedef struct Names {
    char all[512];
} Names;

static void add_name(void *ctx, const char *word)
{
    Names *n = ctx;
    size_t len = strlen(n->all);
    snprintf(n->all + len, sizeof n->all - len, "%s ", word);
}

static void test_completion(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons; model mlp 5 3; forward");
    Names n = {""};
    cmd_complete(&x->c, "gradcheck ", 10, "", add_name, &n);
    assert_string_equal(n.all, "W1 b1 W2 b2 W3 b3 ");
    fx_free(x);
}

/* ---- diagnose ---- */

static void test_symmetry_after_constant_init(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons; set init zeros; model mlp 8");
    diagnose(x, &d);
    const Finding *f = finding(&d, FIND_SYMMETRY);
    assert_non_null(f);
    assert_int_equal(f->layer, 1);
    assert_true(f->value == 0);
    assert_non_null(finding(&d, FIND_ZERO_GRAD));
    assert_null(finding(&d, FIND_DEAD)); /* all-zero weights: the symmetry line says why */

    /* constant weights with tanh learn, but the units stay the same */
    ok(x, "set init constant value=0.3; model mlp 8 6 act=tanh; step 10");
    diagnose(x, &d);
    assert_true(d.layer[0].grad_norm > 0);
    assert_true(d.layer[0].symmetric);
    assert_true(d.layer[1].symmetric);
    f = finding(&d, FIND_SYMMETRY);
    assert_non_null(f);
    assert_int_equal(f->layer, 1);
    ok(x, "diagnose");
    assert_contains(x->last, "symmetry: the 8 units of layer 1 are identical");
    assert_contains(x->last, "set init auto");

    /* random init: no symmetry */
    ok(x, "set init auto; init");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_SYMMETRY));
    fx_free(x);
}

static void test_dead_relu_units(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons; model mlp 8");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_DEAD));
    ok(x, "b1 = [-50, -50, -50, -50, -50, -50, 0, 0]");
    diagnose(x, &d);
    assert_int_equal(d.layer[0].dead, 6);
    const Finding *f = finding(&d, FIND_DEAD);
    assert_non_null(f);
    assert_int_equal(f->layer, 1);
    assert_true(fabs(f->value - 0.75) < 1e-12);
    ok(x, "diagnose");
    assert_contains(x->last, "6/8");
    assert_contains(x->last, "dead units: 6 of 8 relu units of layer 1 (75%)");
    assert_contains(x->last, "leaky_relu");
    fx_free(x);
}

static void test_vanishing_in_deep_sigmoid(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons; model mlp 32 32 32 32 32 act=sigmoid");
    diagnose(x, &d);
    assert_int_equal(d.n_layers, 6);
    const Finding *f = finding(&d, FIND_VANISHING);
    assert_non_null(f);
    assert_true(f->value < INSPECT_VANISH);
    assert_true(d.layer[0].grad_norm < d.layer[5].grad_norm * INSPECT_VANISH);
    ok(x, "diagnose");
    assert_contains(x->last, "vanishing gradients: |dW1| is");
    /* the same depth with relu does not vanish */
    ok(x, "model mlp 32 32 32 32 32 act=relu");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_VANISHING));
    fx_free(x);
}

static void test_update_ratio(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons; model mlp 8");
    diagnose(x, &d);
    assert_false(d.measured);
    /* before an update: lr |dW| / |W| */
    for (int k = 0; k < 2; k++)
        assert_true(fabs(d.layer[k].update_ratio - 0.01 * d.layer[k].grad_norm / d.layer[k].weight_norm) <
                    1e-15);
    assert_non_null(finding(&d, FIND_HEALTHY));
    ok(x, "diagnose");
    assert_contains(x->last, "lr|dW|/|W|");
    assert_contains(x->last, "expected for sgd");
    assert_contains(x->last, "nothing stands out");

    /* a big learning rate: measured from the last update */
    ok(x, "set lr 5; step");
    diagnose(x, &d);
    assert_true(d.measured);
    assert_int_equal(d.update_step, 1);
    const Snapshot *h = session_snapshot(x->c.s, 0);
    const Model *m = x->c.s->model;
    for (int k = 1; k <= 2; k++) {
        const Layer *ly = &m->layer[k - 1];
        double dw = 0, w = 0;
        for (size_t i = 0; i < (size_t)ly->n_in * (size_t)ly->n_out; i++) {
            double v = m->params[ly->w_off + i], b = h->params[ly->w_off + i];
            dw += (v - b) * (v - b);
            w += v * v;
        }
        assert_true(fabs(d.layer[k - 1].update_ratio - sqrt(dw) / sqrt(w)) < 1e-12);
    }
    const Finding *f = finding(&d, FIND_UPDATE_HIGH);
    assert_non_null(f);
    assert_true(f->value > INSPECT_RATIO_HIGH);
    ok(x, "diagnose");
    assert_contains(x->last, "|ΔW|/|W|");
    assert_contains(x->last, "update too large");
    assert_contains(x->last, "set lr");

    /* a tiny one */
    ok(x, "set lr 1e-7; init; step 2");
    diagnose(x, &d);
    f = finding(&d, FIND_UPDATE_LOW);
    assert_non_null(f);
    assert_true(f->value < INSPECT_RATIO_LOW);
    assert_null(finding(&d, FIND_UPDATE_HIGH));
    fx_free(x);
}

static void test_saturation_and_exploding(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons; set init normal std=10; model mlp 16 16 act=tanh");
    diagnose(x, &d);
    const Finding *f = finding(&d, FIND_SATURATED);
    assert_non_null(f);
    assert_int_equal(f->layer, 1);
    assert_true(d.layer[0].saturated >= 12);
    ok(x, "diagnose");
    assert_contains(x->last, "saturation:");
    assert_contains(x->last, "data standardize");

    ok(x, "set init normal std=3; model mlp 32 32 32 32");
    diagnose(x, &d);
    assert_non_null(finding(&d, FIND_EXPLODING));
    assert_null(finding(&d, FIND_UPDATE_HIGH)); /* the exploding line covers it */

    ok(x, "set init auto; model mlp 16 16 act=tanh; data standardize");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_SATURATED));
    assert_null(finding(&d, FIND_EXPLODING));
    fx_free(x);
}

/* out with every run of white space (a wrapped line's break and indent)
 * made one space, in a static buffer. */
static const char *unwrapped(const char *out)
{
    static char buf[16384];
    size_t n = 0;
    for (const char *p = out; *p && n + 1 < sizeof buf; p++)
        if (!strchr(" \n", *p) || (n > 0 && buf[n - 1] != ' '))
            buf[n++] = strchr(" \n", *p) ? ' ' : *p;
    buf[n] = '\0';
    return buf;
}

/* Fails unless out says text, wherever its lines were wrapped. */
static void assert_says(const char *out, const char *text)
{
    if (!strstr(unwrapped(out), text))
        fail_msg("expected \"%s\" in:\n%s", text, out);
}

/* Fails when out says text. */
static void assert_says_not(const char *out, const char *text)
{
    if (strstr(unwrapped(out), text))
        fail_msg("did not expect \"%s\" in:\n%s", text, out);
}

#define DEEP_SETUP(std, act)                                                                               \
    "data circles n=200 seed=1; set init normal std=" std "; set seed 1; "                                  \
    "model mlp 32 32 32 32 32 act=" act "; forward; loss; backward"

static void test_vanishing_signal(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, DEEP_SETUP("0.01", "tanh"));
    diagnose(x, &d);
    const Finding *f = finding(&d, FIND_SIGNAL_VANISH);
    assert_non_null(f);
    assert_int_equal(f->layer, 5);
    assert_true(f->value < INSPECT_SIGNAL_VANISH);
    assert_true(fabs(f->value - d.layer[4].a_std / d.layer[0].a_std) < 1e-12);
    /* |dW| stays level, but dZ vanishes toward the input */
    assert_null(finding(&d, FIND_VANISHING));
    f = finding(&d, FIND_DZ_VANISH);
    assert_non_null(f);
    assert_true(f->value < INSPECT_DZ_VANISH);
    assert_true(d.layer[0].bias_grad_norm < 1e-6 && d.layer[4].bias_grad_norm > 1e-3);
    assert_null(finding(&d, FIND_UPDATE_LOW)); /* the signal explains the small update */
    ok(x, "diagnose");
    assert_says(x->last, "vanishing signal: the std of the activations falls from 0.00973 in layer 1 to");
    assert_says(x->last, "8.52e-08");
    assert_says(x->last, "vanishing gradients: the gradient shrinks toward the input");
    assert_says(x->last, "`set init xavier_normal`, then `init`");
    assert_says_not(x->last, "set lr");

    /* xavier keeps the signal: nothing to say about it */
    ok(x, "set init xavier_normal; set seed 1; init; forward; loss; backward");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_SIGNAL_VANISH));
    assert_null(finding(&d, FIND_DZ_VANISH));
    assert_non_null(finding(&d, FIND_HEALTHY));
    fx_free(x);
}

static void test_exploding_signal(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, DEEP_SETUP("1", "relu"));
    diagnose(x, &d);
    const Finding *f = finding(&d, FIND_SIGNAL_EXPLODE);
    assert_non_null(f);
    assert_int_equal(f->layer, 5);
    assert_true(f->value > INSPECT_SIGNAL_EXPLODE);
    assert_null(finding(&d, FIND_UPDATE_HIGH)); /* the signal explains the large update */
    ok(x, "diagnose");
    assert_says(x->last, "exploding signal: the std of the activations grows from 0.587 in layer 1");
    assert_says(x->last, "the logits are");
    assert_says(x->last, "the wrong ones cost a huge loss (the loss is");
    assert_says(x->last, "`set init he_normal`, then `init`");
    assert_says(x->last, "data standardize");
    assert_says_not(x->last, "set lr");

    /* huge logits alone, in a shallow net */
    ok(x, "set init normal std=30; set seed 1; model mlp 8; forward");
    diagnose(x, &d);
    f = finding(&d, FIND_SIGNAL_EXPLODE);
    assert_non_null(f);
    assert_int_equal(f->layer, 2);
    assert_true(f->value > INSPECT_LOGIT_BIG);

    /* he_normal: no explosion, and the dead-unit advice does not repeat it */
    ok(x, DEEP_SETUP("1", "relu") "; set init he_normal; set seed 1; init; forward; loss; backward");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_SIGNAL_EXPLODE));
    assert_non_null(finding(&d, FIND_DEAD));
    ok(x, "diagnose");
    assert_says(x->last, "dead units:");
    assert_says(x->last, "The init (he_normal) already suits relu");
    assert_says_not(x->last, "set init he_normal");
    fx_free(x);

    /* huge logits that are right: no loss now, but a wrong one would cost a lot */
    x = fx_new();
    ok(x, "data blobs n=200 features=20 classes=3 seed=2; model mlp 16; set optimizer adam lr=0.5; train 300");
    ok(x, "diagnose");
    assert_says(x->last, "a wrong one would cost a huge loss (the loss is");
    assert_says_not(x->last, "the wrong ones cost");
    fx_free(x);
}

static void test_zero_grad_names_activation(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons n=200 seed=1; set init zeros; model mlp 4 act=tanh; train 50");
    diagnose(x, &d);
    assert_non_null(finding(&d, FIND_ZERO_GRAD));
    assert_non_null(finding(&d, FIND_SYMMETRY));
    ok(x, "diagnose");
    assert_says(x->last, "every tanh unit outputs tanh(0) = 0");
    assert_says(x->last, "(symmetry)");
    assert_says(x->last, "`set init auto`, then `init`");
    assert_says_not(x->last, "relu");
    /* a random init is set already: `init` is enough */
    ok(x, "set init xavier_uniform");
    ok(x, "diagnose");
    assert_says(x->last, "Start from random weights: `init`.");
    fx_free(x);
}

static void test_identical_units(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    ok(x, "data moons n=200 seed=1; set init zeros; model mlp 4 act=tanh; W1[0,0] = 0.5; train 50");
    diagnose(x, &d);
    assert_false(d.layer[0].symmetric);
    const Finding *f = finding(&d, FIND_DUPLICATE);
    assert_non_null(f);
    assert_int_equal(f->layer, 1);
    assert_int_equal(d.layer[0].n_dup, 3);
    assert_int_equal(d.layer[0].dup[0], 1);
    assert_int_equal(d.layer[0].dup[1], 2);
    assert_int_equal(d.layer[0].dup[2], 3);
    assert_int_equal(d.layer[0].dup_more, 0);
    assert_null(finding(&d, FIND_HEALTHY));
    ok(x, "diagnose");
    assert_says(x->last, "units 1, 2, 3 of layer 1 are identical");
    assert_says(x->last, "will stay identical (symmetry)");

    /* equal incoming weights but different outgoing ones: they will part */
    ok(x, "W2[2,0] = 0.1");
    diagnose(x, &d);
    assert_int_equal(d.layer[0].n_dup, 2);
    assert_int_equal(d.layer[0].dup[0], 1);
    assert_int_equal(d.layer[0].dup[1], 3);

    /* a random init has none */
    ok(x, "set init auto; init; train 5");
    diagnose(x, &d);
    assert_null(finding(&d, FIND_DUPLICATE));
    fx_free(x);
}

/* Healthy networks stay healthy, and a learning rate is only advised within
 * [INSPECT_LR_MIN, INSPECT_LR_MAX]. */
static void test_healthy_and_sane_lr(void **state)
{
    (void)state;
    Fx *x = fx_new();
    Diagnosis d;
    static const char *const healthy[] = {
        "data moons; model mlp 8",
        "data moons n=200 seed=1; set seed 1; model mlp 16 16 act=tanh; set lr 0.1; train 30",
        "data moons; model mlp 32 32 32 32 act=tanh; set lr 0.1; train 30",
        "data blobs classes=3; model mlp 16 16 act=gelu; set optimizer adam; train 30",
    };
    for (size_t i = 0; i < sizeof healthy / sizeof *healthy; i++) {
        ok(x, healthy[i]);
        diagnose(x, &d);
        if (!finding(&d, FIND_HEALTHY))
            fail_msg("%s: expected nothing to stand out, found kind %d", healthy[i], d.finding[0].kind);
    }
    /* converged: a tiny update, but no learning rate above 10 */
    fx_free(x);
    x = fx_new();
    ok(x, "data line noise=0; model linear; set lr 0.1; train 300");
    diagnose(x, &d);
    assert_non_null(finding(&d, FIND_UPDATE_LOW));
    ok(x, "diagnose");
    assert_says(x->last, "update too small");
    assert_says(x->last, "training has converged");
    assert_says_not(x->last, "set lr");
    fx_free(x);
}

/* Columns a UTF-8 line takes. */
static int columns(const char *s, size_t n)
{
    int w = 0;
    for (size_t i = 0; i < n; i++)
        w += ((unsigned char)s[i] & 0xC0) != 0x80;
    return w;
}

static void test_output_fits(void **state)
{
    (void)state;
    Fx *x = fx_new();
    static const char *const lines[][2] = {
        {"data moons; set init normal std=10; model mlp 100 100 100 act=sigmoid; step 2", "diagnose"},
        {"data blobs classes=3 features=200; model mlp 1000 act=leaky_relu", "gradcheck"},
        {"data moons; set init zeros; model mlp 8", "gradcheck; diagnose"},
        {DEEP_SETUP("0.01", "tanh"), "diagnose"},
        {DEEP_SETUP("1", "relu"), "diagnose"},
        {DEEP_SETUP("1", "relu") "; set init he_normal; set seed 1; init", "diagnose"},
        {"data moons; set init zeros; model mlp 4 act=tanh; W1[0,0] = 0.5; train 5", "diagnose"},
    };
    for (size_t i = 0; i < sizeof lines / sizeof *lines; i++) {
        ok(x, lines[i][0]);
        ok(x, lines[i][1]);
        for (const char *p = x->last; *p;) {
            size_t n = strcspn(p, "\n");
            if (columns(p, n) > 100)
                fail_msg("line wider than 100 columns: %.*s", (int)n, p);
            p += n + (p[n] != '\0');
        }
    }
    fx_free(x);
}

/* Fails unless every row of diagnose's table (after the header, up to the
 * blank line) has its ten cells apart. */
static void assert_table_apart(const char *out)
{
    const char *p = strstr(out, "  layer ");
    assert_non_null(p);
    p = strchr(p, '\n') + 1;
    while (*p && *p != '\n') {
        size_t n = strcspn(p, "\n"), words = 0;
        for (size_t i = 0; i < n; i++)
            words += p[i] != ' ' && (i == 0 || p[i - 1] == ' ');
        if (words != 10)
            fail_msg("a row of %zu cells, not 10: %.*s", words, (int)n, p);
        p += n + (p[n] != '\0');
    }
}

/* A weight of 1e308, a loss of Inf: findings, not "nothing stands out";
 * huge numbers keep their columns apart. */
static void test_broken_values(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data digits; data standardize; model mlp 16; W1[0,0] = 1e308; step 5; diagnose");
    assert_says(x->last, "broken parameter: W1[0,0] = 1e+308 (beyond ±1e+12). A value like that swamps");
    assert_says(x->last, "`undo` takes back updates that made it, `init` draws every weight anew, or set it back "
                         "by hand (`W1[0,0] = 0`).");
    assert_says_not(x->last, "nothing stands out");
    fx_free(x);

    x = fx_new(); /* an Inf loss: said, and no gradient finding read from Inf */
    ok(x, "data line n=20 seed=1; model linear; W1[0,0] = -1.23456e305; b1[0] = -1.11e306; diagnose");
    assert_says(x->last, "broken parameter: W1[0,0] = -1.23e+305 (beyond ±1e+12), and 1 more value of the model "
                         "is too.");
    assert_says(x->last, "the loss is Inf on this batch, so every gradient");
    assert_says_not(x->last, "not rising");
    assert_says_not(x->last, "gradients:");
    assert_contains(x->last, "-1.11e+306 inf ");
    assert_table_apart(x->last);
    fx_free(x);

    x = fx_new(); /* large gradients, standardized inputs: "A smaller init" */
    ok(x, "data line n=100; data standardize; set init normal std=3000; set batch 100; model linear; "
          "set lr 0.001; train 3; diagnose");
    assert_says(x->last, "so they are not exploding; they leave little room for the learning rate. A smaller init "
                         "(`set init auto`, then `init`) brings them down.");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_act_and_loss),
        cmocka_unit_test(test_compare_flags_wrong_gradient),
        cmocka_unit_test(test_relu_kink_skipped),
        cmocka_unit_test(test_loss_kinks_skipped),
        cmocka_unit_test(test_session_unchanged),
        cmocka_unit_test(test_large_tensor_sampled),
        cmocka_unit_test(test_refusals_and_one_param),
        cmocka_unit_test(test_interrupt),
        cmocka_unit_test(test_completion),
        cmocka_unit_test(test_symmetry_after_constant_init),
        cmocka_unit_test(test_dead_relu_units),
        cmocka_unit_test(test_vanishing_in_deep_sigmoid),
        cmocka_unit_test(test_update_ratio),
        cmocka_unit_test(test_saturation_and_exploding),
        cmocka_unit_test(test_vanishing_signal),
        cmocka_unit_test(test_exploding_signal),
        cmocka_unit_test(test_zero_grad_names_activation),
        cmocka_unit_test(test_identical_units),
        cmocka_unit_test(test_healthy_and_sane_lr),
        cmocka_unit_test(test_output_fits),
        cmocka_unit_test(test_gradcheck_help_floor),
        cmocka_unit_test(test_broken_values),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
