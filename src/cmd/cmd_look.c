/* cmd_look.c — looking at the numbers: `show`, `export` (CSV with full
 * precision), `predict` and the optimizer's `state` of a parameter. */
#include "cmd_handlers.h"
#include "afile.h"
#include "cmd_files.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* ---- looking and editing ---- */

/* Checks that ref names something that exists now, without printing. */
static int check_ref(CmdCtx *c, const char *ref)
{
    char name[32];
    long i, j;
    Tensor t;
    size_t at;
    if (cmd_parse_ref(c, ref, name, sizeof name, &i, &j) != 0)
        return -1;
    int rc = session_tensor(c->s, name, &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, name, rc);
    return i < 0 ? 0 : cmd_element_index(c, &t, i, j, &at);
}

int cmd_show(CmdCtx *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (check_ref(c, argv[i]) != 0)
            return -1;
    for (int i = 1; i < argc; i++)
        if (cmd_show_ref(c, argv[i]) != 0)
            return -1;
    return 0;
}

int cmd_export(CmdCtx *c, int argc, char **argv)
{
    Tensor t;
    if (strchr(argv[1], '['))
        return cmd_fail(c, "export writes a whole tensor: `export %.*s FILE.csv`", (int)(strchr(argv[1], '[') - argv[1]), argv[1]);
    int rc = session_tensor(c->s, argv[1], &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, argv[1], rc);
    if (!argv[2][0])
        return cmd_fail(c, "export needs a file name, as in `export %s %s.csv`", t.name, t.name);
    struct stat st;
    if (stat(argv[2], &st) == 0 && S_ISDIR(st.st_mode))
        return cmd_fail(c, "%s is a directory: give a file name, as in `export %s %s/%s.csv`", argv[2], t.name, argv[2],
                    t.name);
    if (cmd_files_may_write(c, argv[2]) != 0)
        return -1;
    AFile a;
    if (afile_open(&a, argv[2], c->err) != 0)
        return -1;
    for (int i = 0; i < t.rows; i++)
        for (int j = 0; j < t.cols; j++)
            fprintf(a.f, "%.17g%c", t.data[(size_t)i * t.cols + j], j + 1 < t.cols ? ',' : '\n');
    if (afile_commit(&a, c->err) != 0)
        return -1;
    cmd_files_wrote(c, argv[2]);
    cmd_out(c, "wrote %s (%d×%d) to %s with full precision\n", t.name, t.rows, t.cols, argv[2]);
    return 0;
}

int cmd_predict(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (!s->model)
        return cmd_fail(c, "no model yet: build one with `model linear` or `model mlp 8`");
    int d = s->data->d;
    if (argc - 1 != d)
        return cmd_fail(c, "predict needs %d number%s (one per feature: %s%s), got %d", d, d == 1 ? "" : "s",
                    s->data->feature_names[0], d > 1 ? ", ..." : "", argc - 1);
    double *x = malloc(sizeof(double) * (size_t)(d + nn_outputs(s->model)));
    if (!x)
        return cmd_fail(c, "out of memory");
    double *y = x + d;
    for (int j = 0; j < d; j++)
        if (cmd_parse_num(c, s->data->feature_names[j], argv[j + 1], &x[j]) != 0) {
            free(x);
            return -1;
        }
    int k = nn_outputs(s->model);
    if (session_predict(s, x, y, c->err) != 0) {
        free(x);
        return -1;
    }
    for (int j = 0; j < k; j++)
        if (!isfinite(y[j])) {
            bool nan = isnan(y[j]);
            free(x);
            return cmd_fail(c, "the output for this input is %s: the numbers overflow; use inputs and parameters of "
                           "ordinary size (`params`, `W1` show them)", nan ? "NaN" : "infinite");
        }
    cmd_out(c, "yhat =");
    for (int j = 0; j < k; j++)
        cmd_out(c, " %s", NUM(y[j]));
    if (s->data->classification) {
        int cls = session_predicted_class(s, y, k);
        cmd_out(c, "  → class %d", cls);
        if (s->data->class_labels)
            cmd_out(c, " (label %s in the file)", NUM(s->data->class_labels[cls]));
        if (k == 1 && loss_desc(s->loss.kind)->link == LINK_SIGMOID)
            cmd_out(c, " (probability of class 1: %s)", NUM(y[0]));
    }
    if (s->data->standardized)
        cmd_out(c, "  (input standardized with the training statistics first)");
    cmd_out(c, "\n");
    free(x);
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
        snprintf(v.name, sizeof v.name, "%s", slot);
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
            snprintf(v.name, sizeof v.name, "%s", views[q].name);
            cmd_print_tensor(c, &v, views[q].about);
        }
        free(buf);
    }
    return 0;
}

/* ---- completion ---- */

CmdComplete cmd_complete_names(Session *s, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    session_names(s, add, ctx);
    return COMPLETE_WORDS;
}

CmdComplete cmd_complete_export(Session *s, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    if (argi == 2)
        return COMPLETE_FILES;
    session_names(s, add, ctx);
    return COMPLETE_WORDS;
}

