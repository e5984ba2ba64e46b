/* test_regularize.c — the L1/L2 penalties and dropout.
 * Against PyTorch 1.13 (tests/golden/regularize.txt, written by
 * tests/gen_regularize_golden.py): a session with `model mlp 4 3 act=tanh`
 * on 8 fixed rows (ce) takes the golden's parameters; its loss (data term
 * and penalty), every gradient and the parameters after 5 steps of sgd,
 * sgd with momentum, adam and adamw agree with torch to 1e-9 relative,
 * for l1, l2, both, dropout and dropout with each penalty. The session's
 * dropout masks (the names M1, M2) equal the golden's bit for bit, so
 * torch multiplied its activations by exactly paramlab's masks.
 * Then: SGD with l2 λ equals SGD with weight_decay λ on the weights (a
 * parameter group without decay for the biases) bit for bit, with and
 * without momentum; gradcheck passes with both penalties and dropout
 * (masks held); masks repeat after undo and differ between steps;
 * evaluation runs without dropout; bad values are refused and change
 * nothing. Run from the repository root. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "check.h"
#include "golden_lines.h"
#include "inspect.h"
#include "session.h"

#define GOLDEN "tests/golden/regularize.txt"
#define REL_TOL 1e-9
#define ROWS 8
#define STEPS 5

static double gx[ROWS * 3], gy[ROWS];
static double p0[6][64]; /* W1 b1 W2 b2 W3 b3 as the golden starts them */
static int p0n[6];
static const char *const pnames[6] = {"W1", "b1", "W2", "b2", "W3", "b3"};

static int setup(void **state)
{
    (void)state;
    if (gl_load(GOLDEN) != 0)
        return -1;
    double v[64];
    for (int i = 0; i < gl_n; i++) {
        if (gl_nums(gl_lines[i], "x", gx, ROWS * 3) == ROWS * 3)
            continue;
        if (gl_nums(gl_lines[i], "y", gy, ROWS) == ROWS)
            continue;
        if (gl_is(gl_lines[i], "p")) {
            for (int k = 0; k < 6; k++) {
                char key[8];
                snprintf(key, sizeof key, "p %s", pnames[k]);
                int n = gl_nums(gl_lines[i], key, v, 64);
                if (n > 0) {
                    memcpy(p0[k], v, sizeof(double) * (size_t)n);
                    p0n[k] = n;
                }
            }
        }
    }
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    gl_free();
    return 0;
}

/* A session on the golden's 8 rows (3 features, 3 classes), one batch of
 * all of them, optimizer o, penalties pen, `model mlp 4 3 act=tanh` with
 * dropout drop, parameters from the golden. */
static Session *golden_session(const OptConfig *o, const Penalty *pen, const double *drop)
{
    char err[ERR_LEN];
    Session *s = session_new();
    assert_non_null(s);
    DataGenOpts go = {ROWS, -1, 1, 3, 3};
    Dataset *ds = data_generate("blobs", &go, err);
    assert_non_null(ds);
    assert_int_equal(ds->d, 3);
    memcpy(ds->x, gx, sizeof gx);
    memcpy(ds->y, gy, sizeof gy);
    bool dropped, reset, fresh;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, ROWS, err), 0);
    assert_int_equal(session_set_optimizer(s, o, &fresh, err), 0);
    assert_int_equal(session_set_penalty(s, pen, err), 0);
    int hidden[] = {4, 3};
    assert_int_equal(session_build_model_drop(s, "mlp", hidden, 2, ACT_TANH, drop, err), 0);
    assert_int_equal(s->loss.kind, LOSS_CE);
    for (int k = 0; k < 6; k++) {
        Tensor t;
        assert_int_equal(session_tensor(s, pnames[k], &t, err), 0);
        assert_int_equal(t.rows * t.cols, p0n[k]);
        memcpy(t.data, p0[k], sizeof(double) * (size_t)p0n[k]);
    }
    session_params_changed(s);
    return s;
}

static double worst; /* largest relative error seen against torch */

static void check_rel(double a, double b, const char *what)
{
    double e = fabs(a - b) / fmax(fabs(b), 1e-12);
    if (e > worst)
        worst = e;
    if (!(e <= REL_TOL))
        fail_msg("%s = %.17g, torch %.17g (relative error %.3g)", what, a, b, e);
}

/* Tensor name of s against the golden line `key name v ...`. */
static void check_tensor(Session *s, const char *line, const char *key, const char *name)
{
    char err[ERR_LEN], k2[16];
    double v[64];
    snprintf(k2, sizeof k2, "%s %s", key, name);
    int n = gl_nums(line, k2, v, 64);
    assert_true(n > 0);
    Tensor t;
    assert_int_equal(session_tensor(s, name, &t, err), 0);
    assert_int_equal(t.rows * t.cols, n);
    for (int i = 0; i < n; i++) {
        char what[48];
        snprintf(what, sizeof what, "%s %s[%d]", key, name, i);
        check_rel(t.data[i], v[i], what);
    }
}

/* The session's masks of this step against the golden's `mask STEP ...`. */
static void check_masks(Session *s, const char *line, int step)
{
    char err[ERR_LEN], key[16];
    double v[64];
    snprintf(key, sizeof key, "mask %d", step);
    int n = gl_nums(line, key, v, 64), at = 0;
    assert_true(n > 0);
    for (int k = 1; k <= 2; k++) {
        char name[16];
        snprintf(name, sizeof name, "M%d", k);
        Tensor t;
        if (session_tensor(s, name, &t, err) != 0)
            continue;
        for (int i = 0; i < t.rows * t.cols; i++, at++)
            if (!(t.data[i] == v[at]))
                fail_msg("%s[%d] = %.17g at step %d, golden %.17g", name, i, t.data[i], step, v[at]);
    }
    assert_int_equal(at, n);
}

static void parse_opt(const char *line, OptConfig *o)
{
    char name[16];
    assert_int_equal(sscanf(line, "run %15s", name), 1);
    OptKind k;
    assert_int_equal(optim_parse(name, &k), 0);
    optim_defaults(k, o);
    const char *p = line + 4 + strlen(name);
    char key[32];
    double v;
    int used;
    while (sscanf(p, " %31[^=]=%lf%n", key, &v, &used) == 2) {
        if (strcmp(key, "lr") == 0)
            o->lr = v;
        else if (strcmp(key, "momentum") == 0)
            o->momentum = v;
        else if (strcmp(key, "weight_decay") == 0)
            o->weight_decay = v;
        else
            fail_msg("unknown option %s in %s", key, line);
        p += used;
    }
}

static void test_golden(void **state)
{
    (void)state;
    char err[ERR_LEN];
    int cases = 0, runs = 0;
    for (int i = 0; i < gl_n; i++) {
        if (!gl_is(gl_lines[i], "case"))
            continue;
        char name[32];
        Penalty pen;
        double drop[2];
        assert_int_equal(sscanf(gl_lines[i], "case %31s l1 %lf l2 %lf drop %lf %lf", name, &pen.l1, &pen.l2, &drop[0],
                                &drop[1]), 5);
        const char *mask_line[STEPS] = {0};
        int j = i + 1;
        for (; gl_is(gl_lines[j], "mask"); j++)
            mask_line[atoi(gl_lines[j] + 5)] = gl_lines[j];
        bool dropping = drop[0] > 0 || drop[1] > 0;
        OptConfig sgd;
        optim_defaults(OPT_SGD, &sgd);
        Session *s = golden_session(&sgd, &pen, drop);
        assert_int_equal(session_forward(s, err), 0);
        if (dropping)
            check_masks(s, mask_line[0], 0);
        assert_int_equal(session_loss(s, err), 0);
        double want[3];
        assert_int_equal(gl_nums(gl_lines[j], "loss", want, 3), 3);
        check_rel(s->loss_value, want[0], "loss");
        check_rel(s->loss_data, want[1], "data term");
        check_rel(s->loss_l1 + s->loss_l2, want[2], "penalty");
        assert_int_equal(session_backward(s, err), 0);
        j++;
        for (int k = 0; k < 6; k++, j++) {
            char dn[8];
            snprintf(dn, sizeof dn, "d%s", pnames[k]);
            char key[16];
            snprintf(key, sizeof key, "grad %s", pnames[k]);
            double v[64];
            int n = gl_nums(gl_lines[j], key, v, 64);
            Tensor t;
            assert_int_equal(session_tensor(s, dn, &t, err), 0);
            assert_int_equal(n, t.rows * t.cols);
            for (int q = 0; q < n; q++)
                check_rel(t.data[q], v[q], key);
        }
        session_free(s);
        for (; gl_is(gl_lines[j], "run"); runs++) {
            OptConfig o;
            parse_opt(gl_lines[j], &o);
            s = golden_session(&o, &pen, drop);
            for (int st = 0; st < STEPS; st++) {
                assert_int_equal(session_forward(s, err), 0);
                if (dropping)
                    check_masks(s, mask_line[st], st);
                assert_int_equal(session_step(s, err), 0);
            }
            j++;
            for (int k = 0; k < 6; k++, j++)
                check_tensor(s, gl_lines[j], "after", pnames[k]);
            session_free(s);
        }
        assert_true(gl_is(gl_lines[j], "end"));
        cases++;
    }
    assert_int_equal(cases, 6);
    assert_int_equal(runs, 24);
    print_message("regularize: %d cases, %d optimizer runs of %d steps against torch, largest relative error %.3g\n",
                  cases, runs, STEPS, worst);
}

/* moons (a split), mlp 8 8, batch 16, shuffled. */
static Session *moons(const OptConfig *o, const Penalty *pen, const double *drop)
{
    char err[ERR_LEN];
    Session *s = session_new();
    DataGenOpts go = {120, 0.2, 3, 0, 0};
    Dataset *ds = data_generate("moons", &go, err);
    assert_non_null(ds);
    assert_int_equal(data_split(ds, 0.25, 5, err), 0);
    bool dropped, reset, fresh;
    assert_int_equal(session_set_data(s, ds, &dropped, &reset), 0);
    assert_int_equal(session_set_batch(s, 16, err), 0);
    s->shuffle = true;
    assert_int_equal(session_set_optimizer(s, o, &fresh, err), 0);
    assert_int_equal(session_set_penalty(s, pen, err), 0);
    int hidden[] = {8, 8};
    assert_int_equal(session_build_model_drop(s, "mlp", hidden, 2, ACT_RELU, drop, err), 0);
    return s;
}

/* SGD with l2 λ (no weight_decay) against SGD with weight_decay λ on the
 * weights only (torch's param groups: [{weights, weight_decay: λ},
 * {biases, weight_decay: 0}]): every parameter equal bit for bit after 300
 * steps, and the one-step session with weight_decay on everything agrees
 * on every weight bit for bit. */
static void l2_is_weight_decay(double momentum, bool nesterov)
{
    char err[ERR_LEN];
    const double lambda = 0.037;
    OptConfig o;
    optim_defaults(OPT_SGD, &o);
    o.lr = 0.05;
    o.momentum = momentum;
    o.nesterov = nesterov;
    Penalty l2 = {0, lambda}, none = {0, 0};
    Session *a = moons(&o, &l2, NULL);
    Session *b = moons(&o, &none, NULL);
    Model *mb = b->model;
    /* b's update by hand: one optimizer per tensor, decay on the weights */
    OptConfig wd = o, nowd = o;
    wd.weight_decay = lambda;
    Optim *per[2 * NN_MAX_LAYERS];
    for (int k = 0; k < mb->n_layers; k++) {
        const Layer *ly = &mb->layer[k];
        per[2 * k] = optim_new(&wd, (size_t)ly->n_in * ly->n_out, err);
        per[2 * k + 1] = optim_new(&nowd, (size_t)ly->n_out, err);
        assert_non_null(per[2 * k]);
        assert_non_null(per[2 * k + 1]);
    }
    for (int st = 0; st < 300; st++) {
        assert_int_equal(session_step(a, err), 0);
        assert_int_equal(session_forward(b, err), 0);
        assert_int_equal(session_loss(b, err), 0);
        assert_int_equal(session_backward(b, err), 0);
        for (int k = 0; k < mb->n_layers; k++) {
            const Layer *ly = &mb->layer[k];
            optim_step(per[2 * k], mb->params + ly->w_off, mb->grads + ly->w_off);
            optim_step(per[2 * k + 1], mb->params + ly->b_off, mb->grads + ly->b_off);
        }
        /* the rest of b's update (position, next batch) without touching its parameters */
        double *keep = malloc(sizeof(double) * mb->n_params);
        memcpy(keep, mb->params, sizeof(double) * mb->n_params);
        OptConfig zero = o;
        zero.lr = 0;
        bool fresh;
        assert_int_equal(session_set_optimizer(b, &zero, &fresh, err), 0);
        assert_int_equal(session_update(b, err), 0);
        assert_int_equal(session_set_optimizer(b, &o, &fresh, err), 0);
        memcpy(mb->params, keep, sizeof(double) * mb->n_params);
        free(keep);
    }
    assert_memory_equal(a->model->params, mb->params, sizeof(double) * mb->n_params);
    for (int k = 0; k < 2 * mb->n_layers; k++)
        optim_free(per[k]);
    session_free(a);
    session_free(b);

    /* one step: l2 against the optimizer's own weight_decay (biases decay too there) */
    OptConfig ow = o;
    ow.weight_decay = lambda;
    a = moons(&o, &l2, NULL);
    b = moons(&ow, &none, NULL);
    assert_int_equal(session_step(a, err), 0);
    assert_int_equal(session_step(b, err), 0);
    for (int k = 1; k <= a->model->n_layers; k++) {
        Mat wa = nn_weight(a->model, k), wb = nn_weight(b->model, k);
        assert_memory_equal(wa.data, wb.data, sizeof(double) * mat_size(&wa));
    }
    session_free(a);
    session_free(b);
}

static void test_l2_is_weight_decay(void **state)
{
    (void)state;
    l2_is_weight_decay(0.0, false);
    l2_is_weight_decay(0.9, false);
    l2_is_weight_decay(0.9, true);
}

/* gradcheck of the whole loss with l1, l2 and dropout (masks held). */
static void test_gradcheck(void **state)
{
    (void)state;
    char err[ERR_LEN];
    OptConfig o;
    optim_defaults(OPT_SGD, &o);
    Penalty pen = {0.01, 0.03};
    double drop[] = {0.5, 0.2};
    for (int phase = 0; phase < 2; phase++) {
        Session *s = moons(&o, &pen, drop);
        s->model->params[s->model->layer[1].w_off + 3] = 0.0; /* sign(0) = 0 on both sides */
        s->model->params[s->model->layer[0].w_off + 1] = 4e-7; /* |w| < h: an l1 kink */
        if (phase)
            for (int i = 0; i < 7; i++)
                assert_int_equal(session_step(s, err), 0);
        assert_int_equal(session_forward(s, err), 0); /* masks of this step */
        GradcheckResult r;
        assert_int_equal(inspect_gradcheck(s, NULL, &r, err), 0);
        assert_true(r.failed == 0);
        if (!phase) {
            assert_true(r.tensor[0].skipped >= 1);
            bool l1_kink = false;
            for (size_t q = 0; q < r.tensor[0].evaluated; q++)
                l1_kink = l1_kink || r.tensor[0].el[q].kink == KINK_L1;
            assert_true(l1_kink);
        }
        assert_true(r.evaluated - r.skipped > 50);
        double lossv = r.loss;
        assert_int_equal(session_loss(s, err), 0);
        assert_true(lossv == s->loss_value); /* the loss gradcheck differentiates is the session's */
        inspect_gradcheck_free(&r);
        session_free(s);
    }
}

/* Masks: 0 or 1/(1-p); the same after undo; another step, other masks;
 * the validation loss and predictions run without dropout. */
static void test_dropout_masks(void **state)
{
    (void)state;
    char err[ERR_LEN];
    OptConfig o;
    optim_defaults(OPT_ADAM, &o);
    Penalty none = {0, 0};
    double drop[] = {0.5, 0.0};
    Session *s = moons(&o, &none, drop);
    Tensor t;
    assert_int_not_equal(session_tensor(s, "M1", &t, err), 0); /* before forward */
    assert_int_equal(session_tensor(s, "M2", &t, err), ERR_NO_DROPOUT);
    assert_int_equal(session_forward(s, err), 0);
    assert_int_equal(session_tensor(s, "M1", &t, err), 0);
    assert_int_equal(t.rows, 16);
    assert_int_equal(t.cols, 8);
    int zeros = 0;
    double first[128];
    for (int i = 0; i < 128; i++) {
        assert_true(t.data[i] == 0.0 || t.data[i] == 2.0);
        zeros += t.data[i] == 0.0;
        first[i] = t.data[i];
    }
    assert_true(zeros > 30 && zeros < 98);
    /* evaluation mode: the validation loss does not depend on the masks */
    double acc, v1 = session_eval_loss(s, false, &acc);
    for (int i = 0; i < 128; i++)
        t.data[i] = 0;
    double v2 = session_eval_loss(s, false, &acc);
    assert_true(v1 == v2);
    assert_int_equal(session_forward(s, err), 0); /* the same step draws the same masks */
    assert_memory_equal(t.data, first, sizeof first);
    for (int i = 0; i < 5; i++)
        assert_int_equal(session_step(s, err), 0);
    assert_int_equal(session_forward(s, err), 0);
    assert_int_equal(session_tensor(s, "M1", &t, err), 0);
    assert_memory_not_equal(t.data, first, sizeof first);
    double later[128], params[512];
    size_t nm = (size_t)t.rows * (size_t)t.cols; /* the epoch's last batch may be shorter */
    memcpy(later, t.data, sizeof(double) * nm);
    size_t np = s->model->n_params;
    assert_true(np <= 512);
    assert_int_equal(session_step(s, err), 0);
    memcpy(params, s->model->params, sizeof(double) * np);
    for (int i = 0; i < 10; i++)
        assert_int_equal(session_step(s, err), 0);
    assert_int_equal(session_undo(s, 11, err), 0);
    assert_int_equal(session_forward(s, err), 0);
    assert_int_equal(session_tensor(s, "M1", &t, err), 0);
    assert_int_equal((size_t)t.rows * (size_t)t.cols, nm);
    assert_memory_equal(t.data, later, sizeof(double) * nm);
    assert_int_equal(session_step(s, err), 0);
    assert_memory_equal(s->model->params, params, sizeof(double) * np);
    session_free(s);
}

/* Refusals change nothing. */
static void test_refusals(void **state)
{
    (void)state;
    char err[ERR_LEN];
    OptConfig o;
    optim_defaults(OPT_SGD, &o);
    Penalty pen = {0.01, 0.02};
    Session *s = moons(&o, &pen, NULL);
    Penalty bad[] = {{-1, 0}, {0, -1e-9}, {NAN, 0}, {0, INFINITY}};
    for (int i = 0; i < 4; i++) {
        assert_int_equal(session_set_penalty(s, &bad[i], err), ERR_INPUT);
        assert_true(s->pen.l1 == 0.01 && s->pen.l2 == 0.02);
    }
    int hidden[] = {8, 8};
    double d1[] = {1.0, 0}, d2[] = {-0.1, 0}, d3[] = {NAN, 0};
    Model *m = s->model;
    assert_int_not_equal(session_build_model_drop(s, "mlp", hidden, 2, ACT_RELU, d1, err), 0);
    assert_int_not_equal(session_build_model_drop(s, "mlp", hidden, 2, ACT_RELU, d2, err), 0);
    assert_int_not_equal(session_build_model_drop(s, "mlp", hidden, 2, ACT_RELU, d3, err), 0);
    assert_ptr_equal(s->model, m);
    assert_false(nn_has_dropout(s->model));
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_golden),
        cmocka_unit_test(test_l2_is_weight_decay),
        cmocka_unit_test(test_gradcheck),
        cmocka_unit_test(test_dropout_masks),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests_name("regularize", tests, setup, teardown);
}
