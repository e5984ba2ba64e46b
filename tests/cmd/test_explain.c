/* test_explain.c — the `explain` command through cmd_exec_line, output
 * captured in a memory stream: for every optimizer (and its options) the
 * gradient explain writes out is the one `show` prints, the update it
 * predicts is the one `update` makes, and after `update` it ends at the
 * parameter's value, bit for bit at precision 17; Adam's m and v agree with
 * a recomputation from the gradients alone; Z, A, yhat, loss, dZ and dA end
 * at the values `show` prints; phases before backward and bad references are
 * refused with a message and nothing changes. Fixed seeds. */
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

#include "cmd.h"
#include "session.h"
#include "util.h"

#include "fixture.h"
#include "complete.h"

/* What `show`ing ref prints, without the newline ("dW1[0,1] = -0.03"). */
static char *shown(Fx *x, const char *ref)
{
    char line[64];
    snprintf(line, sizeof line, "show %s", ref);
    ok(x, line);
    char *s = strdup(x->last);
    assert_non_null(s);
    s[strcspn(s, "\n")] = '\0';
    return s;
}

/* The number after the last "= " on the last line of text that starts
 * with prefix (leading spaces ignored): the numbers follow the formula. */
static double value_on(const char *text, const char *prefix)
{
    double v = NAN;
    bool found = false;
    for (const char *p = text; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL) {
        const char *q = p;
        while (*q == ' ')
            q++;
        if (strncmp(q, prefix, strlen(prefix)) != 0)
            continue;
        const char *end = strchr(q, '\n');
        size_t n = end ? (size_t)(end - q) : strlen(q);
        char line[512];
        snprintf(line, sizeof line, "%.*s", (int)n, q);
        char *eq = NULL;
        for (char *e = strstr(line, "= "); e; e = strstr(e + 1, "= "))
            eq = e;
        assert_non_null(eq);
        v = strtod(eq + 2, NULL);
        found = true;
    }
    if (!found)
        fail_msg("no line starting with \"%s\" in \"%s\"", prefix, text);
    return v;
}

/* The value the update gives, from explain's last sentence: "`update`
 * will move P from A to B (by D)." or "`update` left P at A: ...". */
static double concluded(const char *text)
{
    static const char *const verbs[] = {"`update` will move", "`update` moved", "`update` will leave",
                                        "`update` left"};
    const char *p = NULL;
    for (size_t k = 0; k < 4 && !p; k++)
        p = strstr(text, verbs[k]);
    if (!p)
        fail_msg("no concluding sentence in \"%s\"", text);
    const char *to = strstr(p, " to "), *at = strstr(p, " at ");
    const char *nl = strchr(p, '\n');
    if (to && (!nl || to < nl))
        return strtod(to + 4, NULL);
    assert_true(at && (!nl || at < nl));
    return strtod(at + 4, NULL);
}

/* The last line of text. */
static const char *last_line(const char *text, char *buf, size_t n)
{
    size_t len = strlen(text);
    while (len > 0 && text[len - 1] == '\n')
        len--;
    size_t start = len;
    while (start > 0 && text[start - 1] != '\n')
        start--;
    snprintf(buf, n, "%.*s", (int)(len - start), text + start);
    return buf;
}

static const char *const setup = "data moons n=60 seed=3; model mlp 3; set batch 8";

/* ---- the gradient and the update, every optimizer ---- */

static const char *const optimizers[] = {
    "sgd",
    "sgd momentum=0.9",
    "sgd momentum=0.9 dampening=0.3 weight_decay=0.01",
    "sgd momentum=0.8 nesterov=on weight_decay=0.1",
    "adagrad",
    "adagrad lr_decay=0.1 weight_decay=0.01 initial_accumulator_value=0.2",
    "rmsprop",
    "rmsprop centered=on",
    "rmsprop momentum=0.5 weight_decay=0.01",
    "rmsprop momentum=0.5 centered=on",
    "adadelta",
    "adadelta weight_decay=0.1 rho=0.8",
    "adam",
    "adam amsgrad=on weight_decay=0.01",
    "adamw",
    "adamw amsgrad=on weight_decay=0.1",
    "adamax",
    "adamax weight_decay=0.01",
    "nadam",
    "nadam weight_decay=0.01 momentum_decay=0.01",
    NULL,
};

/* For one parameter element: after backward, explain contains what `show
 * dP` prints and predicts the value `update` gives; after update it ends at
 * the value the parameter has, exactly (precision 17). */
static void check_element(const char *opt, const char *param)
{
    Fx *x = fx_new();
    char line[256];
    ok(x, setup);
    snprintf(line, sizeof line, "set optimizer %s", opt);
    ok(x, line);
    ok(x, "step 2; forward; loss; backward");

    char dref[32];
    snprintf(dref, sizeof dref, "d%s", param);
    char *dshow = shown(x, dref);
    snprintf(line, sizeof line, "explain %s", param);
    ok(x, line);
    assert_contains(x->last, dshow);
    assert_contains(x->last, "will move");

    /* at full precision the predicted value is the engine's, bit for bit */
    ok(x, "set precision 17");
    ok(x, line);
    char *before = strdup(x->last);
    ok(x, "update");
    char *pshow = shown(x, param);
    double now = strtod(strrchr(pshow, '=') + 2, NULL);
    double predicted = concluded(before);
    if (predicted != now)
        fail_msg("%s, %s: explain predicted %.17g, update gave %.17g", opt, param, predicted, now);

    /* after the update: the step taken, ending at the value it has now */
    ok(x, line);
    char tail[512];
    last_line(x->last, tail, sizeof tail);
    assert_contains(tail, "that is its value now");
    char to[96];
    snprintf(to, sizeof to, "to %s", strrchr(pshow, '=') + 2);
    assert_contains(tail, to);
    assert_true(concluded(x->last) == now);
    /* and the same at the default precision, as `show` prints it */
    ok(x, "set precision 6");
    free(pshow);
    pshow = shown(x, param);
    ok(x, line);
    snprintf(to, sizeof to, "to %s", strrchr(pshow, '=') + 2);
    assert_contains(last_line(x->last, tail, sizeof tail), to);

    free(before);
    free(pshow);
    free(dshow);
    fx_free(x);
}

static void test_every_optimizer(void **state)
{
    (void)state;
    for (const char *const *o = optimizers; *o; o++) {
        check_element(*o, "W1[0,1]");
        check_element(*o, "b1[2]");
        check_element(*o, "W2[1,0]");
    }
}

/* Explaining changes nothing: parameters, gradients, optimizer state. */
static void test_changes_nothing(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, setup);
    ok(x, "set optimizer nadam; step 3; forward; loss; backward");
    const Session *s = x->c.s;
    size_t n = s->model->n_params, ns = (size_t)s->optim->n_slots * n;
    double *p = malloc(n * sizeof *p), *g = malloc(n * sizeof *g), *st = malloc(ns * sizeof *st);
    assert_non_null(p);
    assert_non_null(g);
    assert_non_null(st);
    memcpy(p, s->model->params, n * sizeof *p);
    memcpy(g, s->model->grads, n * sizeof *g);
    memcpy(st, s->optim->state, ns * sizeof *st);
    long step = s->optim->step;
    double mu = s->optim->mu_product;
    ok(x, "explain W1[1,2]");
    /* nadam's formula says how stock torch's float32 mu_product differs */
    assert_contains(x->last, "(mu_product in float64: torch 1.13 agrees after torch.set_default_dtype(torch.float64)");
    ok(x, "explain b2[0]; explain Z1[0,0]; explain A1[1,1]; explain dZ1[2,0]; explain dA1[0,0]; "
          "explain yhat[3,0]; explain loss[2]; explain loss");
    assert_memory_equal(p, s->model->params, n * sizeof *p);
    assert_memory_equal(g, s->model->grads, n * sizeof *g);
    assert_memory_equal(st, s->optim->state, ns * sizeof *st);
    assert_int_equal(step, s->optim->step);
    assert_true(mu == s->optim->mu_product);
    assert_int_equal(s->phase, PHASE_BACKWARD);
    free(p);
    free(g);
    free(st);
    fx_free(x);
}

/* ---- Adam's m and v from the gradients alone ---- */

static void test_adam_moments(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, setup);
    ok(x, "set optimizer adam beta1=0.5 beta2=0.75; set precision 17"); /* exact in binary */
    const Session *s = x->c.s;
    double m = 0, v = 0;
    for (int t = 1; t <= 4; t++) {
        ok(x, "forward; loss; backward");
        double g = s->model->grads[s->model->layer[0].w_off + 1]; /* dW1[0,1] */
        m = 0.5 * m + (1 - 0.5) * g;
        v = 0.75 * v + (1 - 0.75) * g * g;
        ok(x, "explain W1[0,1]");
        double em = value_on(x->last, "m = "), ev = value_on(x->last, "v = ");
        if (fabs(em - m) > 1e-15 * fabs(m) || fabs(ev - v) > 1e-15 * fabs(v))
            fail_msg("step %d: explain has m = %.17g, v = %.17g; expected %.17g, %.17g", t, em, ev, m, v);
        /* its bias corrections, as the formula has them */
        char want[64];
        snprintf(want, sizeof want, "(1 - 0.5^%d)", t);
        assert_contains(x->last, want);
        double mhat = value_on(x->last, "m_hat = ");
        assert_true(fabs(mhat - m / (1 - pow(0.5, t))) <= 1e-14 * fabs(mhat));
        ok(x, "update");
        /* after the update, the same numbers from the snapshot */
        ok(x, "explain W1[0,1]");
        assert_true(fabs(value_on(x->last, "m = ") - m) <= 1e-15 * fabs(m));
        assert_true(fabs(value_on(x->last, "v = ") - v) <= 1e-15 * fabs(v));
    }
    fx_free(x);
}

/* ---- the gradient written out ---- */

static void test_gradient_sum(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons n=100 seed=2; model mlp 4 act=tanh; forward; loss; backward");
    ok(x, "explain W1[1,3]");
    assert_contains(x->last, "dW1[i,j] = Σ_b X[b,i]·dZ1[b,j]");
    assert_contains(x->last, "B = 32");
    assert_contains(x->last, "(4 of 32 terms shown; the 28 left out add up to");
    assert_contains(x->last, "tanh'(z) = 1 - tanh(z)²");
    assert_contains(x->last, "dA1[b,j] = Σ_m dZ2[b,m]·W2[j,m]");
    assert_contains(x->last, "b = 0:");
    assert_contains(x->last, "b = 1:");
    ok(x, "explain W2[2,0]");
    assert_contains(x->last, "dW2[i,j] = Σ_b A1[b,i]·dZ2[b,j]");
    assert_contains(x->last, "dZ2[b,0] = (sigmoid(Z2[b,0]) - Y[b]) / B");
    ok(x, "explain b2[0]");
    assert_contains(x->last, "db2[j] = Σ_b dZ2[b,j]");
    /* a short batch is written out whole */
    ok(x, "set batch 3; forward; loss; backward; explain W1[0,0]");
    assert_true(strstr(x->last, "terms shown") == NULL);
    assert_contains(x->last, "B = 3");
    fx_free(x);
}

/* The loss's derivative for every loss. */
static void test_every_loss(void **state)
{
    (void)state;
    static const struct {
        const char *setup, *formula;
    } cases[] = {
        {"data moons n=40; model logistic", "(sigmoid(Z1[b,0]) - Y[b]) / B"},
        {"data moons n=40; set loss hinge; model logistic", "y' = 2·Y[b] - 1"},
        {"data blobs n=40 classes=3; model softmax", "(softmax(Z1[b])[j] - onehot(Y[b])[j]) / B"},
        {"data blobs n=40 classes=3; model softmax; set loss mse", "2·(Z1[b,j] - onehot(Y[b])[j]) / (B·K), K = 3"},
        {"data line n=40; model linear", "2·(Z1[b,j] - Y[b]) / B"},
        {"data line n=40; model linear; set loss mae", "sign(Z1[b,j] - Y[b]) / B"},
        {"data line n=40; model linear; set loss huber delta=0.5", "clamp(Z1[b,j] - Y[b], -delta, delta) / B"},
    };
    for (size_t k = 0; k < sizeof cases / sizeof cases[0]; k++) {
        Fx *x = fx_new();
        ok(x, cases[k].setup);
        ok(x, "set batch 5; forward; loss; backward");
        ok(x, "explain W1[0,0]");
        assert_contains(x->last, cases[k].formula);
        /* dZ of one sample ends at what `show` prints */
        char *dz = shown(x, "dZ1[2,0]");
        ok(x, "explain dZ1[2,0]");
        assert_contains(x->last, "b = 2:");
        char want[64];
        snprintf(want, sizeof want, "= %s\n", strrchr(dz, '=') + 2);
        assert_contains(x->last, want);
        /* one sample's loss, and the mean ending at the batch's loss */
        char *loss = shown(x, "loss");
        ok(x, "explain loss[1]");
        assert_contains(x->last, "loss[1] = ");
        snprintf(want, sizeof want, "= %s\n", strrchr(loss, '=') + 2);
        assert_contains(x->last, want);
        assert_contains(x->last, "mean over its 5 samples");
        free(dz);
        free(loss);
        fx_free(x);
    }
}

/* The numbers of a line of text after its first "= " (after the "=" of
 * "lead ... ="), parsed as a sum "a + b + ... " (wrapped or not) possibly in "( ... ) / n"
 * or a product "a·b" (with "(x/2)" read as x/2): what the written
 * arithmetic computes. */
static double arith(const char *expr)
{
    double total = 0, div = 1;
    const char *p = expr;
    while (*p == ' ' || *p == '(')
        p++;
    for (;;) {
        char *end;
        double v = strtod(p, &end);
        assert_true(end != p);
        p = end;
        if (strncmp(p, "/2)", 3) == 0) {
            v /= 2;
            p += 3;
        }
        if (strncmp(p, "·", strlen("·")) == 0) {
            double w = strtod(p + strlen("·"), &end);
            v *= w;
            p = end;
        }
        total += v;
        while (*p == ' ' || *p == '\n') /* a long sum wraps */
            p++;
        if (strncmp(p, "+ ", 2) != 0)
            break;
        p += 2;
    }
    if (strncmp(p, ") / ", 4) == 0)
        div = strtod(p + 4, NULL);
    return total / div;
}

/* a and b within tol of each other, saying both when not. */
static void near(double a, double b, double tol)
{
    if (!(fabs(a - b) <= tol))
        fail_msg("%.17g and %.17g differ by more than %g", a, b, tol);
}

/* Every "X = arithmetic = value" of explain loss with a penalty holds, and
 * the total is the loss `show` prints: the data term is the samples' mean,
 * each penalty its own term. */
static void test_loss_penalty(void **state)
{
    (void)state;
    static const char *const pens[] = {"set l2 1", "set l1 0.1", "set l1 0.1; set l2 0.5"};
    for (size_t k = 0; k < sizeof pens / sizeof pens[0]; k++)
        for (int one = 0; one < 2; one++) {
            Fx *x = fx_new();
            ok(x, "data line n=4 seed=1; model mlp 2; set precision 17");
            ok(x, pens[k]);
            ok(x, "forward; loss");
            double loss = x->c.s->loss_value, data = x->c.s->loss_data;
            ok(x, one ? "explain loss[1]" : "explain loss");
            const char *t = x->last;
            /* the mean of the samples, ending at the data term, not the loss */
            const char *mean = strstr(t, "Σ_b loss[b]\n       = (");
            assert_non_null(mean);
            mean = strstr(mean, "= (");
            near(arith(mean + 2), data, 1e-12 * fabs(data));
            near(value_on(mean, "= "), data, 0);
            /* each penalty: its formula, and its product equal to its value */
            if (x->c.s->pen.l1 != 0) {
                const char *l = strstr(t, "l1·Σ|w| = ");
                assert_non_null(l);
                near(arith(l + strlen("l1·Σ|w| = ")), x->c.s->loss_l1, 1e-12);
                near(value_on(l, "l1·Σ|w| = "), x->c.s->loss_l1, 0);
            }
            if (x->c.s->pen.l2 != 0) {
                const char *l = strstr(t, "(l2/2)·Σw² = ");
                assert_non_null(l);
                near(arith(l + strlen("(l2/2)·Σw² = ")), x->c.s->loss_l2, 1e-12);
                near(value_on(l, "(l2/2)·Σw² = "), x->c.s->loss_l2, 0);
            }
            /* the total: data term plus penalties, equal to the loss */
            const char *sum = strstr(t, "  loss = ");
            assert_non_null(sum);
            sum = strstr(sum + 1, "  loss = ");
            assert_non_null(sum);
            near(arith(sum + strlen("  loss = ")), loss, 1e-12 * loss);
            near(value_on(sum, "loss = "), loss, 0);
            fx_free(x);
        }
}

/* ---- Z, A, yhat and the gradients of the batch ---- */

static void test_activations(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "data moons n=40; model mlp 5 3 act=gelu; set batch 4; forward");
    static const char *const refs[] = {"Z1[1,2]", "A1[1,2]", "Z2[3,0]", "A2[3,2]", "Z3[0,0]", "yhat[0,0]"};
    for (size_t k = 0; k < sizeof refs / sizeof refs[0]; k++) {
        char line[64], want[64];
        char *v = shown(x, refs[k]);
        snprintf(line, sizeof line, "explain %s", refs[k]);
        ok(x, line);
        snprintf(want, sizeof want, "= %s\n", strrchr(v, '=') + 2);
        assert_contains(x->last, want);
        free(v);
    }
    ok(x, "explain A1[1,2]");
    assert_contains(x->last, "Z1[b,j] = Σ_i X[b,i]·W1[i,j] + b1[j]");
    assert_contains(x->last, "gelu(z) = z·Φ(z)");
    ok(x, "explain A2[0,0]");
    assert_contains(x->last, "Σ_i A1[b,i]·W2[i,j] + b2[j]");
    ok(x, "explain A3[0,0]");
    assert_contains(x->last, "the output layer is linear");
    assert_contains(x->last, "sigmoid");
    ok(x, "loss; backward");
    static const char *const grads[] = {"dA1[2,1]", "dZ1[2,1]", "dA2[0,2]", "dZ3[1,0]", "dA3[1,0]"};
    for (size_t k = 0; k < sizeof grads / sizeof grads[0]; k++) {
        char line[64], want[64];
        char *v = shown(x, grads[k]);
        snprintf(line, sizeof line, "explain %s", grads[k]);
        ok(x, line);
        snprintf(want, sizeof want, "= %s\n", strrchr(v, '=') + 2);
        assert_contains(x->last, want);
        free(v);
    }
    /* the precision is the session's, as `show` uses it */
    ok(x, "set precision 3");
    char *v = shown(x, "Z1[1,2]");
    ok(x, "explain Z1[1,2]");
    char want[64];
    snprintf(want, sizeof want, "= %s\n", strrchr(v, '=') + 2);
    assert_contains(x->last, want);
    free(v);
    fx_free(x);
}

/* ---- refusals ---- */

static void test_phases(void **state)
{
    (void)state;
    Fx *x = fx_new();
    assert_contains(refused(x, "explain W1[0,0]"), "there is none yet");
    ok(x, "data moons n=40");
    assert_contains(refused(x, "explain W1[0,0]"), "model mlp 4");
    ok(x, "model mlp 3");
    assert_contains(refused(x, "explain W1[0,1]"), "run `forward`, `loss`, then `backward` first");
    assert_contains(refused(x, "explain Z1[0,1]"), "run `forward` first");
    assert_contains(refused(x, "explain loss"), "run `forward`, then `loss` first");
    ok(x, "forward");
    assert_contains(refused(x, "explain W1[0,1]"), "run `loss`, then `backward` first");
    assert_contains(refused(x, "explain dZ1[0,1]"), "run `loss`, then `backward` first");
    assert_contains(refused(x, "explain loss[0]"), "run `loss` first");
    ok(x, "loss");
    assert_contains(refused(x, "explain b1[0]"), "run `backward` first");
    assert_contains(refused(x, "explain dW1[0,0]"), "run `backward` first");
    ok(x, "backward; explain W1[0,1]; update; explain W1[0,1]");
    /* a new batch's forward keeps the last update explainable */
    ok(x, "forward; explain W1[0,1]; loss; explain W1[0,1]");
    assert_contains(x->last, "that is its value now");
    /* an edit after the update: that step cannot be replayed */
    ok(x, "W1[0,1] = 0.5");
    assert_contains(refused(x, "explain W1[0,1]"), "can no longer be replayed");
    assert_contains(x->c.err, "run `forward`, `loss`, then `backward` first");
    /* undo forgets the gradients */
    ok(x, "step; undo");
    assert_contains(refused(x, "explain W1[0,1]"), "run `forward`, `loss`, then `backward` first");
    /* a new optimizer: the snapshot's state no longer fits */
    ok(x, "step; set optimizer adam");
    assert_contains(refused(x, "explain W1[0,1]"), "run `forward`, `loss`, then `backward` first");
    /* new settings of the same optimizer: the step taken cannot be replayed */
    ok(x, "step; set lr 0.5");
    assert_contains(refused(x, "explain W1[0,1]"), "can no longer be replayed");
    fx_free(x);
}

static void test_bad_refs(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, setup);
    ok(x, "forward; loss; backward");
    assert_contains(refused(x, "explain W9[0,0]"), "layer numbers go from 1 to 2");
    assert_contains(refused(x, "explain X[0,0]"), "is input data");
    assert_contains(refused(x, "explain Y[0]"), "is input data");
    assert_contains(refused(x, "explain W1[99,0]"), "W1 is 2×3");
    assert_contains(refused(x, "explain W1[0,99]"), "j from 0 to 2");
    assert_contains(refused(x, "explain b1[3]"), "index goes from 0 to 2");
    assert_contains(refused(x, "explain W1[1]"), "give both indices");
    assert_contains(refused(x, "explain W1"), "give its index");
    assert_contains(refused(x, "explain Z1[8,0]"), "Z1 is 8×3");
    assert_contains(refused(x, "explain loss[8]"), "b from 0 to 7");
    assert_contains(refused(x, "explain loss[0,1]"), "one index");
    assert_contains(refused(x, "explain W1[0,x]"), "whole numbers");
    assert_contains(refused(x, "explain W1[0,1"), "NAME[i,j]");
    assert_contains(refused(x, "explain W0[0,0]"), "nothing called 'W0'");
    assert_contains(refused(x, "explain foo"), "nothing called 'foo'");
    assert_contains(refused(x, "explain W1[0,1] W1[0,0]"), "one number at a time");
    assert_contains(refused(x, "explain"), "explain NAME[i,j]");
    /* written with spaces it is still one element */
    ok(x, "explain W1[0, 1]");
    assert_contains(x->last, "dW1[0,1] = ");
    ok(x, "explain W1 [0,1]");
    assert_contains(x->last, "dW1[0,1] = ");
    fx_free(x);
}

/* Runs `explain ref`: it explains (printing something) or refuses in one
 * line; a refusal that suggests an `explain ...` gives one that works. */
static bool explains_ref(Fx *x, const char *ref)
{
    char line[96];
    snprintf(line, sizeof line, "explain %s", ref);
    int rc = run(x, line);
    if (rc == 0) {
        if (!x->last[0])
            fail_msg("`%s` printed nothing", line);
        return true;
    }
    if (rc != -1 || !x->c.err[0] || strchr(x->c.err, '\n'))
        fail_msg("`%s`: rc %d, not a one-line refusal: '%s'", line, rc, x->c.err);
    const char *hint = strstr(x->c.err, "as in `explain ");
    if (hint) {
        char again[96];
        snprintf(again, sizeof again, "%.*s", (int)strcspn(hint + 7, "`"), hint + 7);
        if (run(x, again) != 0 && !strstr(x->c.err, "` first")) /* only the loop's phase may stop it */
            fail_msg("`%s` suggests `%s`, which is refused: %s", line, again, x->c.err);
    }
    return false;
}

/* Every name `names` lists (parameters, gradients, Z A P M and their
 * gradients, yhat, loss, every scalar name, per class or not), functions
 * of a tensor and the optimizer's state names, bare and with indices:
 * explained or refused in one line, never a crash. A scalar name is
 * refused saying what explain writes out; the names Tab offers after
 * `explain ` are those whose elements it explains (now, or once the loop
 * has reached backward). */
static void check_every_name(const char *setup_line)
{
    Fx *x = fx_new();
    x->c.tracking_off = true;
    ok(x, setup_line);
    Cands names, offered;
    names.n = 0;
    session_names(x->c.s, add_cand, &names);
    static const char *const more[] = {"norm_W2", "norm_dW2", "std_A1", "std_X", "exp_avg:W2", "m_hat:b2",
                                       "exp_avg_sq:W2", "nosuch"};
    for (size_t i = 0; i < sizeof more / sizeof more[0]; i++)
        add_cand(&names, more[i]);
    complete(&x->c, "explain ", &offered);
    static const char *const idx[] = {"", "[0]", "[0,0]", "[1]", "[-1]", "[0,1]", "[0,0,1,1]", "[-1,-1]", "[x]"};
    for (int i = 0; i < names.n; i++) {
        const char *name = names.w[i];
        bool any = false;
        for (size_t k = 0; k < sizeof idx / sizeof idx[0]; k++) {
            char ref[64];
            snprintf(ref, sizeof ref, "%s%s", name, idx[k]);
            any = explains_ref(x, ref) || strstr(x->c.err, "` first") || any; /* or will after the loop's next step */
        }
        TensorName tn;
        if (tensor_name_parse(name, &tn) && (tn.kind == 's' || tn.kind == 'f')) {
            explains_ref(x, name);
            assert_contains(x->c.err, "explain writes out one number of W1 b1");
        }
        if (strchr(name, ':') && has(&names, strchr(name, ':') + 1)) /* the state of a parameter that exists */
            assert_contains(x->c.err, "`state ");
        if (any != has(&offered, name))
            fail_msg("after `%s`: explain %s %s, but Tab %s it", setup_line, name,
                     any ? "explains an element" : "explains nothing", has(&offered, name) ? "offers" : "leaves out");
    }
    fx_free(x);
}

static void test_every_name(void **state)
{
    (void)state;
    check_every_name("data moons n=60 seed=2; data split 0.2 0.1; model mlp 4 3 dropout=0.5,0; "
                     "set optimizer adam; step 2; evaluate test; cv 2 epochs=1; forward; loss; backward");
    check_every_name("data line n=30; data split 0.2; model mlp 3; forward; loss; backward"); /* mae r2 */
    check_every_name("data blobs n=40 classes=3 seed=1; model softmax; forward"); /* before backward */
    check_every_name("data digits; model cnn conv=2:3 pool=2 hidden=4; set batch 8; forward; loss; backward");
}

static void test_help(void **state)
{
    (void)state;
    Fx *x = fx_new();
    ok(x, "help explain");
    assert_contains(x->last, "explain NAME[i,j]");
    assert_contains(x->last, "Example:");
    ok(x, "help");
    assert_contains(x->last, "explain");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_every_optimizer), cmocka_unit_test(test_changes_nothing),
        cmocka_unit_test(test_adam_moments),    cmocka_unit_test(test_gradient_sum),
        cmocka_unit_test(test_every_loss),      cmocka_unit_test(test_loss_penalty),      cmocka_unit_test(test_activations),
        cmocka_unit_test(test_phases),          cmocka_unit_test(test_bad_refs),
        cmocka_unit_test(test_every_name),      cmocka_unit_test(test_help),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
