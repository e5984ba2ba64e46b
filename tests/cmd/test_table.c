/* test_table.c — the command framework itself: the table's rows are well
 * formed and their flags consistent, aliases resolve, hooks registered
 * with a context see every command with its row's flags (an assignment as
 * one that changes the model), the around hook sees every segment, the
 * names `set` sets are refused as assignment targets, and the one grammar
 * of tensor names (tensor_name_parse) with session_tensor's refusal
 * codes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "cmd_handlers.h"
#include "session.h"

#include "fixture.h"

static void test_rows(void **state)
{
    (void)state;
    int n = 0;
    for (const Cmd *c = cmd_table; c->name; c++, n++) {
        assert_non_null(c->run);
        assert_non_null(c->summary);
        assert_non_null(c->help);
        if (strncmp(c->usage, c->name, strlen(c->name)) != 0)
            fail_msg("the usage of %s does not start with its name: %s", c->name, c->usage);
        if (c->max_args >= 0 && c->max_args < c->min_args)
            fail_msg("%s takes at most fewer words than at least", c->name);
        if ((c->flags & CMD_TRAINS) && !(c->flags & CMD_CHANGES_MODEL))
            fail_msg("%s trains but does not change the model", c->name);
        if ((c->flags & CMD_NOT_ECHOED) && !(c->flags & CMD_NOT_RECORDED))
            fail_msg("%s presents itself but is recorded", c->name);
        for (const Cmd *d = cmd_table; d < c; d++)
            if (strcmp(d->name, c->name) == 0)
                fail_msg("two rows called %s", c->name);
        assert_ptr_equal(cmd_find(c->name), c);
    }
    assert_true(n > 30);
    assert_ptr_equal(cmd_find("exit"), cmd_find("quit"));
    assert_null(cmd_find("W1"));
    assert_null(cmd_find(""));
}

typedef struct Seen {
    int before, after, around; /* calls of each hook */
    unsigned flags;            /* flags the last after got */
    int rc;                    /* rc the last after got */
    const char *name;          /* the command before last saw */
} Seen;

static Seen seen;

static void before(CmdCtx *c, const Cmd *cmd)
{
    (void)c;
    seen.before++;
    seen.name = cmd->name;
}

static void after(CmdCtx *c, unsigned flags, int rc)
{
    (void)c;
    seen.after++;
    seen.flags = flags;
    seen.rc = rc;
}

static int around(CmdCtx *c, char *seg, int (*exec)(CmdCtx *c, char *seg))
{
    seen.around++;
    return exec(c, seg);
}

static const CmdHooks probe = {before, after, NULL};

static void test_hooks(void **state)
{
    (void)state;
    Fx *x = fx_new();
    assert_int_equal(cmd_hook_add(&x->c, &probe), 0);
    assert_int_equal(cmd_hook_add(&x->c, &probe), 0); /* once only */
    memset(&seen, 0, sizeof seen);
    ok(x, "data line n=20 seed=1");
    assert_int_equal(seen.before, 1);
    assert_int_equal(seen.after, 1);
    assert_string_equal(seen.name, "data");
    assert_true(seen.flags & CMD_CHANGES_MODEL);
    ok(x, "model linear; step 2");
    assert_int_equal(seen.after, 3);
    assert_true(seen.flags & CMD_TRAINS);
    ok(x, "W1[0,0] = 0.5"); /* an assignment: after only, as a change of the model */
    assert_int_equal(seen.before, 3);
    assert_int_equal(seen.after, 4);
    assert_int_equal(seen.flags, CMD_CHANGES_MODEL);
    ok(x, "help step");
    assert_true(seen.flags & CMD_NOT_RECORDED);
    refused(x, "set lr nope"); /* ran and failed: after sees the failure */
    assert_int_equal(seen.rc, -1);
    int afters = seen.after;
    refused(x, "nosuchcommand");
    refused(x, "step 1 2"); /* refused before it ran: no hooks */
    ok(x, "W1");            /* a bare name shows it: no hooks */
    assert_int_equal(seen.after, afters);
    fx_free(x);
}

static void test_around(void **state)
{
    (void)state;
    Fx *x = fx_new();
    CmdCtx *c = &x->c;
    /* fx_new gave the context its lesson state, whose hook is the around
     * one; a context of its own shows the framework calling a new one */
    CmdCtx bare = {.s = c->s, .out = c->out};
    static const CmdHooks wrap = {NULL, NULL, around};
    assert_int_equal(cmd_hook_add(&bare, &wrap), 0);
    memset(&seen, 0, sizeof seen);
    assert_int_equal(cmd_exec_line(&bare, "data line n=10; model linear ;; names # comment; step"), 0);
    assert_int_equal(seen.around, 4); /* the empty segment counts; the comment does not */
    fx_free(x);
}

static void test_hyperparameters_not_assignable(void **state)
{
    (void)state;
    assert_true(cmd_set_sets("lr"));
    assert_true(cmd_set_sets("shuffle"));
    assert_true(cmd_set_sets("plot"));
    assert_true(cmd_set_sets("dampening")); /* sgd's, whatever optimizer is in force */
    assert_true(cmd_set_sets("amsgrad"));
    assert_false(cmd_set_sets("W1"));
    assert_false(cmd_set_sets("lr="));
    Fx *x = fx_new();
    ok(x, "data line n=20; model linear");
    assert_contains(refused(x, "lr = 0.1"), "set it with `set lr 0.1`");
    assert_contains(refused(x, "amsgrad = 1"), "hyperparameter");
    /* names with an underscore are names too */
    assert_string_equal(refused(x, "momentum_decay = 1"),
                        "momentum_decay is a hyperparameter: set it with `set momentum_decay 1`");
    assert_contains(refused(x, "set = 3"), "is a command");
    fx_free(x);
}

static void test_name_grammar(void **state)
{
    (void)state;
    static const struct { const char *name; char kind; bool grad; int layer; } good[] = {
        {"W1", 'W', false, 1}, {"b2", 'b', false, 2}, {"dW1", 'W', true, 1}, {"db12", 'b', true, 12},
        {"Z3", 'Z', false, 3}, {"dA999", 'A', true, 999}, {"X", 'X', false, 0}, {"Y", 'Y', false, 0},
        {"yhat", 'y', false, 0}, {"loss", 'l', false, 0},
    };
    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
        TensorName tn;
        if (!tensor_name_parse(good[i].name, &tn))
            fail_msg("%s was not read as a name", good[i].name);
        assert_int_equal(tn.kind, good[i].kind);
        assert_int_equal(tn.grad, good[i].grad);
        assert_int_equal(tn.layer, good[i].layer);
    }
    static const char *const bad[] = {"", "W", "W0", "W01", "W1000", "W+1", "W 1", "W1x", "dX", "dyhat", "d",
                                      "w1", "V1", "loss2", "yhat1", "dd W1", NULL};
    for (const char *const *b = bad; *b; b++) {
        TensorName tn;
        if (tensor_name_parse(*b, &tn))
            fail_msg("'%s' was read as a name", *b);
    }
    assert_true(cmd_known_name("W1[0,2]"));
    assert_false(cmd_known_name("W0[0]"));
}

static void test_refusal_codes(void **state)
{
    (void)state;
    Session *s = session_new();
    assert_non_null(s);
    char err[ERR_LEN];
    Tensor t;
    assert_int_equal(session_tensor(s, "nope", &t, err), ERR_UNKNOWN_NAME);
    assert_int_equal(session_tensor(s, "X", &t, err), ERR_NO_DATA);
    Fx *x = fx_new();
    ok(x, "data line n=20");
    assert_int_equal(session_tensor(x->c.s, "W1", &t, err), ERR_NO_MODEL);
    ok(x, "model linear");
    assert_int_equal(session_tensor(x->c.s, "W2", &t, err), ERR_NO_LAYER);
    assert_int_equal(session_tensor(x->c.s, "Z1", &t, err), ERR_NEEDS_FORWARD);
    assert_int_equal(session_tensor(x->c.s, "loss", &t, err), ERR_NEEDS_LOSS);
    assert_int_equal(session_tensor(x->c.s, "dW1", &t, err), ERR_NEEDS_BACKWARD);
    assert_lacks(err, "`"); /* the engine names no command; the command layer advises */
    assert_int_equal(session_tensor(x->c.s, "W1", &t, err), 0);
    fx_free(x);
    session_free(s);
}

int main(void)
{
    cmd_register(cmd_table);
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rows),
        cmocka_unit_test(test_hooks),
        cmocka_unit_test(test_around),
        cmocka_unit_test(test_hyperparameters_not_assignable),
        cmocka_unit_test(test_name_grammar),
        cmocka_unit_test(test_refusal_codes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
