/* cmd_look.c — looking at the numbers: `show` and the optimizer's
 * `state` of a parameter (its slots named as `export` takes them:
 * exp_avg:W1). */
#include "cmd_handlers.h"

#include <math.h>
#include <stdlib.h>
#include <inttypes.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* ---- looking and editing ---- */

/* Checks that ref names something that exists now, without printing. */
static int check_ref(CmdCtx *c, const char *ref)
{
    char name[32];
    CmdRef r;
    CmdView v;
    Tensor t;
    if (cmd_parse_slice(c, ref, name, sizeof name, &r) != 0)
        return -1;
    int rc = session_tensor(c->s, name, &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, name, rc);
    if (cmd_ref_sliced(&r))
        return cmd_ref_view(c, &t, &r, &v);
    size_t at;
    return r.n == 0 ? 0 : cmd_ref_index(c, &t, &r, &at);
}

/* show NAME [all] ...: every name given, "all" after one showing all of it. */
/* `show count`: the total of the last `count`, which the commands keep
 * (not the session), as `expect count` checks it. */
static bool show_count(CmdCtx *c, const char *name, int *rc)
{
    if (strcmp(name, "count") != 0)
        return false;
    if (!c->counted)
        *rc = cmd_fail(c, "count: nothing has been counted yet; `count dense 784 256` counts a layer's parameters");
    else
        cmd_out(c, "count = %" PRIu64 "  (the total of the last `count`)\n", c->count_total);
    return true;
}

int cmd_show(CmdCtx *c, int argc, char **argv)
{
    int rc = 0;
    if (argc == 2 && show_count(c, argv[1], &rc))
        return rc;
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "all") == 0) {
            if (i == 1)
                return cmd_fail(c, "`all` follows a name: `show W1 all` shows every row and column of W1");
            continue;
        }
        if (check_ref(c, argv[i]) != 0)
            return -1;
    }
    for (int i = 1; i < argc; i++) {
        bool all = i + 1 < argc && strcmp(argv[i + 1], "all") == 0;
        if (strcmp(argv[i], "all") != 0 && cmd_show_ref(c, argv[i], all) != 0)
            return -1;
    }
    return 0;
}

int cmd_state(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    Tensor t;
    int rc = session_tensor(s, argv[1], &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, argv[1], rc);
    if (!t.editable)
        return cmd_fail(c, "%s is not a parameter; the optimizer keeps state for W1, b1, ...", argv[1]);
    const Optim *o = s->optim;
    size_t off = (size_t)(t.data - s->model->params);
    cmd_out(c, "%s state for %s after %ld step%s", optim_name(o->cfg.kind), t.name, o->step, o->step == 1 ? "" : "s");
    const OptDesc *d = optim_desc(o->cfg.kind);
    if (d->scalar)
        cmd_out(c, "; %s = %s", d->scalar, NUM(o->mu_product));
    cmd_out(c, "\n");
    if (o->n_slots == 0) {
        cmd_out(c, "%s\n", d->stateless ? d->stateless : "(it keeps no state)");
        return 0;
    }
    if (o->step == 0)
        cmd_out(c, "(no update yet: the state holds its starting values)\n");
    for (int k = 0; k < o->n_slots; k++) {
        Tensor v = t;
        const char *slot = optim_slot_name(o, k);
        cmd_state_name(v.name, sizeof v.name, slot, t.name);
        v.data = o->state + (size_t)k * o->n + off;
        cmd_print_tensor(c, &v, optim_slot_symbol(o, k));
    }
    OptView views[OPT_MAX_VIEWS];
    int nv = optim_views(o, views);
    if (nv > 0) {
        /* what the formula uses, made from a slot (adam's bias-corrected moments) */
        size_t n = (size_t)t.rows * t.cols;
        double *buf = malloc(sizeof(double) * n);
        if (!buf)
            return cmd_fail(c, "out of memory");
        Tensor v = t;
        v.data = buf;
        for (int q = 0; q < nv; q++) {
            for (size_t i = 0; i < n; i++)
                buf[i] = o->state[(size_t)views[q].slot * o->n + off + i] / views[q].divisor;
            cmd_state_name(v.name, sizeof v.name, views[q].name, t.name);
            cmd_print_tensor(c, &v, views[q].about);
        }
        free(buf);
    }
    return 0;
}

/* ---- completion ---- */

typedef struct FnAdd {
    CmdAddFn add;
    void *ctx;
} FnAdd;

/* A name, and each function of it when it is a tensor: W1, norm_W1, std_W1. */
static void add_with_fns(void *p, const char *name)
{
    FnAdd *a = p;
    a->add(a->ctx, name);
    TensorName tn;
    if (!tensor_name_parse(name, &tn) || tn.kind == 's' || tn.kind == 'f')
        return;
    const TensorFnDesc *f;
    for (int i = 0; (f = session_tensor_fn(i)) != NULL; i++) {
        char buf[64];
        snprintf(buf, sizeof buf, "%s%s", f->prefix, name);
        a->add(a->ctx, buf);
    }
}

CmdComplete cmd_complete_names(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    Session *s = c->s;
    FnAdd a = {add, ctx};
    session_names(s, add_with_fns, &a);
    if (argi >= 2 && strcmp(w[argi - 1], "all") != 0) /* `show W1 all`: after a name */
        add(ctx, "all");
    return COMPLETE_WORDS;
}
