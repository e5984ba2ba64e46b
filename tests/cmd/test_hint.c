/* test_hint.c — the advice the command layer adds to the engine's refusals:
 * chosen by the error code and the session's state, whole sentences checked
 * as a learner reads them, and cmd_hint itself for every code. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <cmocka.h>

#include "cmd_hint.h"
#include "fixture.h"

static void test_phase_advice(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data line n=20 seed=1; model linear");
    assert_string_equal(refused(x, "loss"), "the loss compares the model's output with Y, and there is no "
                                            "output for this batch yet: run `forward` first");
    assert_string_equal(refused(x, "backward"),
                        "backward needs the loss of this batch to differentiate: run `forward`, then `loss` first");
    assert_string_equal(refused(x, "update"),
                        "update needs the gradients of this batch: run `forward`, `loss`, then `backward` first");
    ok(x, "forward");
    assert_string_equal(refused(x, "backward"),
                        "backward needs the loss of this batch to differentiate: run `loss` first");
    assert_string_equal(refused(x, "update"), "update needs the gradients of this batch: run `loss`, then "
                                              "`backward` first");
    ok(x, "loss");
    assert_string_equal(refused(x, "update"), "update needs the gradients of this batch: run `backward` first");
    fx_free(x);
}

static void test_missing_data_and_model(void **st)
{
    (void)st;
    Fx *x = fx_new();
    /* a command that needs a model as well says both steps; `model` only the first */
    assert_string_equal(refused(x, "forward"),
                        "no data yet: make some with `data moons` (or `data load FILE.csv`), then `model ...`");
    assert_string_equal(refused(x, "model linear"),
                        "no data yet: make some with `data moons` (or `data load FILE.csv`) first");
    assert_string_equal(refused(x, "gradcheck"), "gradcheck needs data and a model: make some with `data moons` "
                                                 "(or `data load FILE.csv`), then `model ...`");
    ok(x, "data line n=20 seed=1");
    assert_string_equal(refused(x, "step"), "no model yet: build one with `model linear` or `model mlp 8`");
    assert_string_equal(refused(x, "init"), "no model yet: build one with `model linear` or `model mlp 8`");
    assert_string_equal(refused(x, "diagnose"), "diagnose needs a model: build one with `model linear` or "
                                                "`model mlp 8`");
    assert_string_equal(refused(x, "model logistic"),
                        "logistic regression needs a two-class task; this data is regression: use `model linear`");
    ok(x, "data moons n=20 seed=1; set loss bce");
    assert_string_equal(refused(x, "model softmax"), "bce needs 1 output for two classes, but the model has 2 outputs; "
                                                     "`set loss auto` lets the loss follow the model");
    ok(x, "set loss auto; model softmax");
    assert_string_equal(refused(x, "set loss bce"), "bce needs 1 output for two classes, but the model has 2 outputs: "
                                                    "choose the loss first, then build the model (`set loss ...`, "
                                                    "then `model ...`)");
    ok(x, "data blobs classes=3 seed=1");
    assert_string_equal(refused(x, "model logistic"),
                        "logistic regression needs a two-class task; this data is multi-class: use `model softmax`");
    fx_free(x);
}

static void test_training_alarms(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data line n=20 seed=1; model linear; set lr 100; step");
    const char *e = refused(x, "step");
    assert_contains(e, "training diverged: the loss is ");
    assert_contains(e, "the learning rate (lr=100) is probably too high, or the inputs need `data standardize`; "
                       "`undo` steps back, `set lr 10` then `init` starts over");
    assert_string_equal(refused(x, "undo 5"), "only the last 1 update can be undone; `undo 1` goes back as far as that");
    ok(x, "undo");
    ok(x, "W1[0,0] = 1e308; set lr 1e10");
    e = refused(x, "step");
    assert_contains(e, "became Inf");
    assert_contains(e, "(lr=1e+10) is too high, or the inputs need `data standardize`; `undo` steps back, "
                       "`set lr 1e+09` then `init` starts over");
    fx_free(x);
    x = fx_new(); /* inputs already standardized: only the learning rate is left to blame */
    ok(x, "data line n=20 seed=1; data standardize; model linear; set lr 100; step");
    e = refused(x, "step");
    assert_contains(e, "the learning rate (lr=100) is probably too high; `undo` steps back, `set lr 10` then "
                       "`init` starts over");
    fx_free(x);
}

static void test_name_advice(void **st)
{
    (void)st;
    Fx *x = fx_new();
    assert_string_equal(refused(x, "show X"), "X is the current batch, and there is no data yet: make some with "
                                              "`data moons` (or `data load FILE.csv`) first");
    ok(x, "data line n=20 seed=1");
    assert_string_equal(refused(x, "show W1"),
                        "W1 belongs to a model, and there is none yet: build one with `model linear` or `model mlp 8`");
    ok(x, "model linear");
    assert_string_equal(refused(x, "show Z1"), "Z1 of this batch exists after the forward pass: run `forward` first");
    assert_string_equal(refused(x, "show loss"),
                        "loss of this batch is not computed yet: run `forward`, then `loss` first");
    assert_string_equal(refused(x, "show dW1"), "dW1 is a gradient; gradients exist after the backward pass: run "
                                                "`forward`, `loss`, then `backward` first");
    assert_string_equal(refused(x, "show nope"), "unknown name 'nope'; `names` lists every name that exists now");
    assert_string_equal(refused(x, "show W2"),
                        "W2: this model has 1 layer, so layer numbers go from 1 to 1 (did you mean `W1`?)");
    ok(x, "forward; loss");
    assert_string_equal(refused(x, "state dW1"), "dW1 is a gradient; gradients exist after the backward pass: run "
                                                 "`backward` first");
    fx_free(x);
}

/* A hyperparameter PyTorch refuses: its message, then what the value may
 * be, found by the check's refusal, not by reading the message. */
static void test_optimizer_advice(void **st)
{
    (void)st;
    Fx *x = fx_new();
    assert_string_equal(refused(x, "set lr -1"), "Invalid learning rate: -1.0; lr must be 0 or more, as in `set lr 0.01`");
    assert_string_equal(refused(x, "set optimizer adam beta2=1"), "Invalid beta parameter at index 1: 1.0; beta2 must "
                                                                  "be at least 0 and less than 1, as in beta2=0.999");
    assert_string_equal(refused(x, "set optimizer sgd nesterov=on"),
                        "Nesterov momentum requires a momentum and zero dampening; nesterov must be off unless "
                        "momentum is above 0 and dampening is 0, as in nesterov=off");
    assert_string_equal(refused(x, "set optimizer rprop eta_plus=0.9"),
                        "Invalid eta values: 0.5, 0.9; eta_plus must be above 1, as in eta_plus=1.2");
    ok(x, "set optimizer adadelta");
    assert_string_equal(refused(x, "set rho 2"), "Invalid rho value: 2.0; rho must be from 0 to 1, as in `set rho 0.9`");
    fx_free(x);
}

/* Every code gets advice joined by its own punctuation, or none. */
static void test_every_code(void **st)
{
    (void)st;
    Session *s = session_new();
    char buf[ERR_LEN];
    assert_string_equal(cmd_hint(s, ERR_INPUT, true, buf, sizeof buf), "");
    assert_string_equal(cmd_hint(s, ERR_NOMEM, true, buf, sizeof buf), "");
    assert_string_equal(cmd_hint(s, ERR_TASK, true, buf, sizeof buf), ""); /* no data: nothing to advise */
    assert_string_equal(cmd_hint(s, ERR_BATCH_MEM, true, buf, sizeof buf), "; try a smaller `set batch`");
    assert_string_equal(cmd_hint(s, ERR_NEEDS_FORWARD, true, buf, sizeof buf), ": run `forward` first");
    for (int code = ERR_NOT_REGRESSION; code <= ERR_NO_DATA; code++)
        if (code != ERR_INPUT && code != ERR_NOMEM && code != ERR_TASK && code != ERR_NO_LAYER)
            assert_true(strlen(cmd_hint(s, code, true, buf, sizeof buf)) > 2);
    /* a hint too long for what the sentence left is not appended half-way */
    char err[ERR_LEN];
    memset(err, 'x', ERR_LEN - 5);
    err[ERR_LEN - 5] = '\0';
    assert_int_equal(cmd_hint_add(s, ERR_NO_MODEL, true, err), -1);
    assert_int_equal(strlen(err), ERR_LEN - 5);
    session_free(s);
}

/* After a loss that failed (Inf, NaN, diverged) the loss and backward
 * say so, and what to do, instead of sending the learner to `loss`,
 * which fails the same way again. */
static void test_failed_loss_advice(void **st)
{
    (void)st;
    Fx *x = fx_new();
    ok(x, "data line n=20 seed=1; data standardize; model linear; W1[0,0] = 1e308");
    const char *why = "the loss of this batch is Inf at step 1; this usually means the learning rate (lr=0.01) is "
                      "too high; `undo` steps back, `set lr 0.001` then `init` starts over";
    refused(x, "step");
    char want[512];
    snprintf(want, sizeof want, "loss: %s", why);
    assert_string_equal(refused(x, "show loss"), want);
    snprintf(want, sizeof want, "backward has no loss to differentiate: %s", why);
    assert_string_equal(refused(x, "backward"), want);
    /* an edit of the weights: the loss is simply not computed yet */
    ok(x, "W1[0,0] = 1");
    assert_string_equal(refused(x, "show loss"), "loss of this batch is not computed yet: run `forward`, then "
                                                 "`loss` first");
    ok(x, "forward; loss; show loss");
    fx_free(x);

    x = fx_new(); /* a loss past the divergence bound */
    ok(x, "data line n=20 seed=1; data standardize; model linear; step; W1[0,0] = 1e6");
    refused(x, "step");
    assert_contains(refused(x, "show loss"), "loss: the loss of this batch diverged at step 2 (");
    assert_contains(x->c.err, "; `undo` steps back, `set lr 0.001` then `init` starts over");
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_phase_advice),
        cmocka_unit_test(test_failed_loss_advice),
        cmocka_unit_test(test_missing_data_and_model),
        cmocka_unit_test(test_training_alarms),
        cmocka_unit_test(test_name_advice),
        cmocka_unit_test(test_optimizer_advice),
        cmocka_unit_test(test_every_code),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
