/* cmd_set.c — the hyperparameters: `set` (one table of the names it sets,
 * each with its handler, word count and completion, which also drives
 * `set`'s errors, its completion and the refusal of hyperparameters as
 * assignment targets), `hypers` (every value), and `init` (parameters
 * again from an initializer). */
#include "cmd_handlers.h"
#include "cmd_plot.h"
#include "cmd_sched.h"
#include "cmd_runs.h"

#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* Where option `key` of an initializer lives in its config. */
static double *init_field(InitConfig *ic, const char *key)
{
    return strcmp(key, "value") == 0 ? &ic->value : strcmp(key, "a") == 0 ? &ic->a
         : strcmp(key, "b") == 0     ? &ic->b     : strcmp(key, "mean") == 0 ? &ic->mean
         : strcmp(key, "std") == 0   ? &ic->std   : &ic->gain;
}

/* Sets option key=v of ic's initializer; -1 with err for an option it does
 * not take or a value that is not a finite number. */
static int set_init_option(CmdCtx *c, InitConfig *ic, const char *key, const char *v)
{
    int no;
    const char *const *names = init_options(ic->kind, &no);
    int f = 0;
    while (f < no && strcmp(names[f], key) != 0)
        f++;
    if (f == no) {
        char list[128] = "";
        for (int q = 0; q < no; q++)
            snprintf(list + strlen(list), sizeof list - strlen(list), " %s=", names[q]);
        return cmd_fail(c, "%s takes no option '%s'; %s%s", init_name(ic->kind), key,
                    no ? "its options are" : "it has no options", list);
    }
    return cmd_parse_num(c, key, v, init_field(ic, key));
}

static void print_init(CmdCtx *c, const InitConfig *ic)
{
    int n;
    const char *const *names = init_options(ic->kind, &n);
    cmd_out(c, "%s", init_name(ic->kind));
    InitConfig copy = *ic;
    for (int i = 0; i < n; i++)
        cmd_out(c, " %s=%s", names[i], NUM(*init_field(&copy, names[i])));
}


/* Whether the optimizer in force has a weight_decay, and its value. */
static bool opt_weight_decay(const OptConfig *o, double *wd)
{
    int n;
    const OptHyper *h = optim_hypers(o->kind, &n);
    for (int i = 0; i < n; i++)
        if (strcmp(h[i].name, "weight_decay") == 0) {
            *wd = *(const double *)(const void *)((const char *)o + h[i].offset);
            return true;
        }
    return false;
}

/* The penalties (`set l1`, `set l2`) beside the optimizer's weight_decay,
 * saying which one is a term of the loss and how weight_decay acts; only
 * when one of them is on (the optimizer's line shows weight_decay=0). */
static void print_penalties(CmdCtx *c)
{
    Session *s = c->s;
    double wd = 0;
    bool has_wd = opt_weight_decay(&s->opt, &wd);
    if (!penalty_on(&s->pen) && wd == 0)
        return;
    cmd_out(c, "  %-10s %s%s\n", "l1", NUM(s->pen.l1),
            s->pen.l1 != 0 ? "  (adds l1·Σ|w| over the weights to the loss; gradient l1·sign(w))" : "  (off)");
    cmd_out(c, "  %-10s %s%s\n", "l2", NUM(s->pen.l2),
            s->pen.l2 != 0 ? "  (adds (l2/2)·Σw² over the weights to the loss; gradient l2·w)" : "  (off)");
    if (has_wd)
        cmd_out(c, "  %-10s %s  (%s's own, on every parameter, biases too: %s)\n", "weight_decay", NUM(wd),
                optim_name(s->opt.kind),
                optim_decay_decoupled(s->opt.kind) ? "decoupled, p shrinks by lr·weight_decay·p beside the step"
                                                  : "coupled, weight_decay·p added to the gradient");
}

static void say_undo(CmdCtx *c, int holds);

int cmd_hypers(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    cmd_out(c, "hyperparameters (what you set; `params` shows what the model learns):\n");
    cmd_out(c, "  %-10s ", "optimizer");
    cmd_print_opt(c, &s->opt);
    cmd_out(c, "\n  %-10s %s", "loss", loss_name(s->loss.kind));
    if (loss_desc(s->loss.kind)->has_delta)
        cmd_out(c, " delta=%s", NUM(s->loss.delta));
    cmd_out(c, "%s\n", s->loss_auto ? "  (follows the task; `set loss` chooses)" : "");
    cmd_out(c, "  %-10s %d", "batch", s->batch);
    if (s->data)
        cmd_out(c, "  (%d batch%s per epoch of %d training row%s)", session_batches(s),
                session_batches(s) == 1 ? "" : "es", s->data->n_train, CMD_S(s->data->n_train));
    cmd_out(c, "\n  %-10s %s\n", "shuffle", s->shuffle ? "on" : "off");
    cmd_out(c, "  %-10s %llu\n", "seed", (unsigned long long)s->seed);
    cmd_out(c, "  %-10s ", "undo");
    say_undo(c, s->hist_cap);
    cmd_out(c, "\n");
    cmd_out(c, "  %-10s ", "init");
    print_init(c, &s->init);
    if (s->init.kind == INIT_AUTO)
        cmd_out(c, "  (he_uniform before relu-like layers, xavier_uniform otherwise; biases zero)");
    cmd_out(c, "\n");
    if (s->model) {
        cmd_out(c, "  %-10s %s", "model", s->model_kind);
        for (int i = 0; i < s->conv.n_conv; i++)
            cmd_out(c, "%s%d:%d", i ? "," : " conv=", s->conv.filters[i], s->conv.ksize[i]);
        if (s->conv.n_conv)
            cmd_out(c, " pool=%d pad=%s%s", s->conv.pool, s->conv.same ? "same" : "0", s->n_hidden ? " hidden=" : "");
        for (int i = 0; i < s->n_hidden; i++)
            cmd_out(c, s->conv.n_conv ? "%s%d" : "%s %d", s->conv.n_conv && i ? "," : "", s->hidden[i]);
        if (s->n_hidden || s->conv.n_conv)
            cmd_out(c, " act=%s", act_name(s->act));
        cmd_out(c, "\n");
    }
    print_penalties(c);
    cmd_sched_hypers(c);
    cmd_out(c, "  %-10s %d significant digits\n", "precision", s->precision);
    return 0;
}


/* ---- set ---- */

/* The optimizer refused o with PyTorch's message (in c->err): adds which
 * values the refused hyperparameter allows, with its default as an
 * example written as an option (beta2=0.999) or, for `set NAME X`, as that
 * command. Returns -1. */
static int optim_refused(CmdCtx *c, const OptConfig *o, bool as_option)
{
    OptRefusal why;
    char ignored[ERR_LEN];
    if (optim_check(o, ignored, &why) == 0 || !why.hyper)
        return -1;
    OptConfig d;
    optim_defaults(o->kind, &d);
    int n;
    const OptHyper *h = optim_hypers(o->kind, &n);
    for (int i = 0; i < n; i++) {
        if (strcmp(h[i].name, why.hyper) != 0)
            continue;
        const char *f = (const char *)&d + h[i].offset;
        char example[64];
        if (h[i].is_bool)
            snprintf(example, sizeof example, "%s", *(const bool *)(const void *)f ? "on" : "off");
        else
            snprintf(example, sizeof example, "%g", *(const double *)(const void *)f);
        size_t len = strlen(c->err);
        if (as_option)
            snprintf(c->err + len, ERR_LEN - len, "; %s must be %s, as in %s=%s", why.hyper, why.allowed, why.hyper,
                     example);
        else
            snprintf(c->err + len, ERR_LEN - len, "; %s must be %s, as in `set %s %s`", why.hyper, why.allowed,
                     why.hyper, example);
        break;
    }
    return -1;
}

/* Applies key=value options from argv[first] on to kind (the current
 * settings when kind is the current optimizer); a refusal advises in the
 * form the user typed (as_option: beta2=0.999; else `set beta2 0.999`). */
static int set_optimizer(CmdCtx *c, int argc, char **argv, int first, OptKind kind, bool as_option)
{
    OptConfig o;
    if (kind == c->s->opt.kind)
        o = c->s->opt;
    else
        optim_defaults(kind, &o);
    if (cmd_opt_options(c, &o, argc - first, argv + first) != 0)
        return -1;
    bool fresh;
    if (session_set_optimizer(c->s, &o, &fresh, c->err) != 0)
        return optim_refused(c, &o, as_option);
    cmd_out(c, "optimizer ");
    cmd_print_opt(c, &c->s->opt);
    cmd_out(c, "%s\n", c->s->model && fresh ? "  (state starts fresh)" : "");
    if (optim_torch_note(kind))
        cmd_out_wrapped(c, "  note: %s\n", optim_torch_note(kind));
    return 0;
}


/* set optimizer NAME [key=value ...] */
static int set_optimizer_cmd(CmdCtx *c, int argc, char **argv)
{
    OptKind k;
    char all[256];
    optim_names(all, sizeof all, ", ", " or ");
    if (argc < 3)
        return cmd_fail(c, "set optimizer needs a name: %s", all);
    if (optim_parse(argv[2], &k) != 0) {
        const char *names[OPT_COUNT + 1];
        for (int q = 0; q < OPT_COUNT; q++)
            names[q] = optim_name((OptKind)q);
        names[OPT_COUNT] = NULL;
        return cmd_fail(c, "no optimizer '%s'%s: use %s", argv[2], CMD_DYM(argv[2], names, "set optimizer "), all);
    }
    return set_optimizer(c, argc, argv, 3, k, true);
}

/* set loss NAME|auto [delta=X] */
static int set_loss(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    char all[128];
    loss_names(all, sizeof all, ", ", ", ");
    if (argc < 3)
        return cmd_fail(c, "set loss needs a name: %s (or auto)", all);
    Loss l = {LOSS_MSE, loss_desc(s->loss.kind)->has_delta ? s->loss.delta : 1.0};
    bool automatic = strcmp(argv[2], "auto") == 0;
    if (!automatic && loss_parse(argv[2], &l.kind) != 0) {
        const char *names[LOSS_COUNT + 2];
        for (int q = 0; q < LOSS_COUNT; q++)
            names[q] = loss_name((LossKind)q);
        names[LOSS_COUNT] = "auto";
        names[LOSS_COUNT + 1] = NULL;
        return cmd_fail(c, "no loss '%s'%s: use %s, or auto to follow the task", argv[2],
                    CMD_DYM(argv[2], names, "set loss "), all);
    }
    for (int i = 3; i < argc; i++) {
        const char *v = argv[i] + 6;
        if (!loss_desc(l.kind)->has_delta || automatic)
            return cmd_fail(c, "unexpected '%s': only huber takes an option (delta=)", argv[i]);
        if (strncmp(argv[i], "delta=", 6) != 0)
            return cmd_fail(c, "unexpected '%s': huber takes only delta=, as in `set loss huber delta=1`", argv[i]);
        if (cmd_parse_num(c, "delta", v, &l.delta) != 0)
            return -1;
        if (!(l.delta > 0))
            return cmd_fail(c, "huber's delta must be greater than 0, got %s", v);
    }
    int rc = session_set_loss(s, &l, automatic, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    cmd_out(c, "loss %s", loss_name(s->loss.kind));
    if (loss_desc(s->loss.kind)->has_delta)
        cmd_out(c, " delta=%s", NUM(s->loss.delta));
    cmd_out(c, "%s\n", automatic ? " (follows the task)" : "");
    return 0;
}

/* set init NAME [key=value ...] */
static int set_init(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (argc < 3)
        return cmd_fail(c, "set init needs a name: auto, zeros, ones, constant, uniform, normal, xavier_uniform, "
                       "xavier_normal, he_uniform, he_normal, lecun_normal or orthogonal");
    InitConfig ic;
    InitKind k;
    if (init_parse(argv[2], &k) != 0) {
        const char *inits[INIT_COUNT + 1];
        for (int q = 0; q < INIT_COUNT; q++)
            inits[q] = init_name((InitKind)q);
        inits[INIT_COUNT] = NULL;
        return cmd_fail(c, "no initializer '%s'%s: `help set` lists them", argv[2], CMD_DYM(argv[2], inits, "set init "));
    }
    init_defaults(k, &ic);
    for (int i = 3; i < argc; i++) {
        char *key, *v;
        if (!cmd_split_opt(argv[i], &key, &v))
            return cmd_fail(c, "unexpected '%s': write options as key=value, as in `set init normal std=0.1`", argv[i]);
        if (set_init_option(c, &ic, key, v) != 0)
            return -1;
    }
    if (init_check(&ic, c->err) != 0)
        return -1;
    s->init = ic;
    cmd_out(c, "init ");
    print_init(c, &ic);
    cmd_out(c, "  (used by `model` and `init`)\n");
    return 0;
}

/* set lr X */
static int set_lr(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *v = argv[2];
    OptConfig o = s->opt;
    if (cmd_parse_num(c, "lr", v, &o.lr) != 0)
        return -1;
    bool fresh;
    if (session_set_optimizer(s, &o, &fresh, c->err) != 0)
        return optim_refused(c, &o, false);
    cmd_out(c, "lr %s (%s)", NUM(o.lr), optim_name(o.kind));
    if (s->sched.kind != SCHED_NONE) {
        session_sched_restart(s);
        cmd_out(c, "; the schedule %s starts again from it", sched_desc(s->sched.kind)->name);
    }
    cmd_out(c, "\n");
    return 0;
}

/* set batch N */
static int set_batch(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *v = argv[2];
    long n;
    if (cmd_parse_int(c, "the batch size", v, 1, 1000000, &n) != 0)
        return -1;
    int rc = session_set_batch(s, (int)n, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    cmd_out(c, "batch %d", s->batch);
    if (s->data)
        cmd_out(c, ": %d batch%s per epoch; the epoch starts over at batch 1", session_batches(s),
                session_batches(s) == 1 ? "" : "es");
    cmd_out(c, "\n");
    return 0;
}

/* set shuffle on|off */
static int set_shuffle(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *v = argv[2];
    bool b;
    if (!util_parse_bool(v, &b))
        return cmd_fail(c, "shuffle is a switch: on or off, got '%s'", v);
    s->shuffle = b;
    cmd_out(c, "shuffle %s (from the next epoch)\n", b ? "on" : "off");
    return 0;
}

/* What the undo history keeps, as `hypers` and `set undo` say it. */
static void say_undo(CmdCtx *c, int holds)
{
    const Session *s = c->s;
    if (s->undo_keep == 0) {
        cmd_out(c, "off (an update takes no snapshot; `undo` cannot go back)");
        return;
    }
    char one[32];
    if (s->model && s->hist_copies == 1 && s->undo_keep > 1) { /* one copy, however large */
        cmd_out(c, "the last update only (a copy of this model's parameters and optimizer state takes %s%s)",
                util_format_bytes((double)session_snapshot_bytes(s), one, sizeof one),
                session_snapshot_bytes(s) > s->undo_bytes ? ", more than the history's bound" : "");
        return;
    }
    if (!s->model || s->hist_every <= 1) {
        cmd_out(c, "the last %d update%s", s->undo_keep, s->undo_keep == 1 ? "" : "s");
        return;
    }
    cmd_out(c, "up to the last %d update%s", holds, CMD_S(holds));
    if (holds < s->undo_keep)
        cmd_out(c, " of the %d asked for", s->undo_keep);
    cmd_out(c, " (%s a copy of this model's parameters and optimizer state, %d fit in %u MB: `train` and "
            "`step N` copy one update in %d and `undo` remakes the others; updates made one at a time copy each)",
            util_format_bytes((double)session_snapshot_bytes(s), one, sizeof one), s->hist_copies,
            (unsigned)(s->undo_bytes >> 20), s->hist_every);
}

/* set undo N|on|off (on: the default 1000) */
static int set_undo(CmdCtx *c, int argc, char **argv)
{
    (void)argc;
    const char *v = argv[2];
    long n = 0;
    bool on;
    if (strcmp(v, "on") == 0 || strcmp(v, "off") == 0) /* a number is a count: `set undo 1` keeps one */
        n = strcmp(v, "on") == 0 ? SESSION_UNDO_MAX : 0;
    else if (cmd_parse_int(c, "the updates undo keeps", v, 0, SESSION_UNDO_MAX, &n) != 0) {
        if (util_parse_bool(v, &on)) /* yes/no/true/false: say the words it takes */
            snprintf(c->err, ERR_LEN, "set undo takes a number of updates (0 to %d), on or off, not '%s'",
                     SESSION_UNDO_MAX, v);
        return -1;
    }
    int holds = session_set_undo(c->s, (int)n);
    cmd_out(c, "undo: ");
    say_undo(c, holds);
    cmd_out(c, "%s\n", c->s->model && n ? "; the history starts afresh" : "");
    return 0;
}

/* set seed N */
static int set_seed(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *v = argv[2];
    long n;
    if (cmd_parse_int(c, "the seed", v, 0, 0x7fffffffffffffffL, &n) != 0)
        return -1;
    session_set_seed(s, (uint64_t)n);
    cmd_out(c, "seed %ld (for the next `data`, `model`, `init` and shuffles)\n", n);
    return 0;
}

/* set precision N */
static int set_precision(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *v = argv[2];
    long n;
    if (cmd_parse_int(c, "precision", v, 1, 17, &n) != 0)
        return -1;
    s->precision = (int)n;
    cmd_out(c, "precision %ld significant digits\n", n);
    return 0;
}

/* set l1 X | set l2 X */
static int set_penalty(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *what = argv[1], *v = argv[2];
    Penalty p = s->pen;
    double *field = strcmp(what, "l1") == 0 ? &p.l1 : &p.l2;
    if (!util_parse_double(v, field) || !(*field >= 0))
        return cmd_fail(c, "%s must be a number of 0 or more (0 turns it off), as in `set %s 1e-3`; got '%s'", what,
                        what, v);
    int rc = session_set_penalty(s, &p, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    if (*field == 0)
        cmd_out(c, "%s off\n", what);
    else if (field == &p.l1)
        cmd_out(c, "l1 %s: the loss gains l1·Σ|w| over every weight matrix (biases excluded), each gradient "
                "l1·sign(w)\n", NUM(*field));
    else
        cmd_out(c, "l2 %s: the loss gains (l2/2)·Σw² over every weight matrix (biases excluded), each gradient "
                "l2·w\n", NUM(*field));
    return 0;
}

/* set OPTION X: any hyperparameter of the current optimizer (set momentum 0.9) */
static int set_hyper(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *what = argv[1], *v = argv[2];
    char opt[128];
    if (snprintf(opt, sizeof opt, "%s=%s", what, v) >= (int)sizeof opt)
        return cmd_fail(c, "%s must be a finite number (like 0.1 or 1e-3), got '%.40s...'", what, v);
    char *args[] = {argv[0], argv[1], opt};
    return set_optimizer(c, 3, args, 2, s->opt.kind, false);
}

/* set defaults: every setting as a new session has it */
static int set_defaults(CmdCtx *c, int argc, char **argv)
{
    if (argc > 2)
        return cmd_fail(c, "set defaults takes nothing more: it puts every setting back at once");
    int rc = session_reset_settings(c->s, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, false, c->err);
    const Session *s = c->s;
    cmd_out_wrapped(c, "settings back to their defaults: optimizer %s lr=%s, batch %d, shuffle off, loss %s (follows the "
            "task), init auto, no l1/l2, no schedule, no clipping, seed %llu, undo %d, precision %d%s\n",
            optim_name(s->opt.kind), NUM(s->opt.lr), s->batch, loss_name(s->loss.kind),
            (unsigned long long)s->seed, s->undo_keep, s->precision,
            /* a fresh session (each lesson's) has neither to keep */
            s->data || s->model ? "; the data and the model stay" : "");
    return 0;
}

/* ---- the names set sets ---- */

/* One name `set` sets; the current optimizer's options are the others. */
typedef struct Settable {
    const char *name;
    int (*set)(CmdCtx *c, int argc, char **argv); /* argv[1] is the name */
    const char *one_value; /* takes exactly one value, like this example; NULL: its own words */
    /* candidates for word argi (2 and on: the values) */
    CmdComplete (*complete)(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
} Settable;

static CmdComplete complete_loss(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
static CmdComplete complete_optimizer(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
static CmdComplete complete_switch(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
static CmdComplete complete_init_kind(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

static const Settable settables[] = {
    {"loss", set_loss, NULL, complete_loss},
    {"optimizer", set_optimizer_cmd, NULL, complete_optimizer},
    {"lr", set_lr, "1", NULL},
    {"batch", set_batch, "1", NULL},
    {"shuffle", set_shuffle, "on", complete_switch},
    {"seed", set_seed, "1", NULL},
    {"undo", set_undo, "100", complete_switch},
    {"precision", set_precision, "1", NULL},
    {"init", set_init, NULL, complete_init_kind},
    {"l1", set_penalty, "1e-3", NULL},
    {"l2", set_penalty, "1e-3", NULL},
    {"schedule", cmd_set_schedule, NULL, cmd_complete_schedule},
    {"clip", cmd_set_clip, "norm=1", cmd_complete_clip},
    {"plot", cmd_set_plot, NULL, cmd_complete_set_plot},
    {"tracking", cmd_set_tracking, "on", complete_switch},
    {"defaults", set_defaults, NULL, NULL},
    {NULL, NULL, NULL, NULL},
};

static const Settable *settable(const char *name)
{
    for (const Settable *q = settables; q->name; q++)
        if (strcmp(q->name, name) == 0)
            return q;
    return NULL;
}

/* The option called name (its first len bytes) of optimizer k, or -1. */
static int opt_hyper(OptKind k, const char *name, size_t len)
{
    int n;
    const OptHyper *h = optim_hypers(k, &n);
    for (int i = 0; i < n; i++)
        if (strlen(h[i].name) == len && strncmp(h[i].name, name, len) == 0)
            return i;
    return -1;
}

/* The first optimizer with an option called name (len bytes), or -1. */
static int opt_with_hyper(const char *name, size_t len)
{
    for (int k = 0; k < OPT_COUNT; k++)
        if (opt_hyper((OptKind)k, name, len) >= 0)
            return k;
    return -1;
}

bool cmd_set_sets(const char *name)
{
    return settable(name) || opt_with_hyper(name, strlen(name)) >= 0;
}

bool cmd_set_help_word(int i, const char **word, const char **part, char *about, size_t n)
{
    for (int k = 0; k < OPT_COUNT; k++) {
        int nh;
        const OptHyper *h = optim_hypers((OptKind)k, &nh);
        if (i >= nh) {
            i -= nh;
            continue;
        }
        *word = h[i].name;
        *part = "OPTION";
        size_t len = (size_t)snprintf(about, n, "%s: %s (", h[i].name, h[i].about);
        for (int j = 0, first = 1; j < OPT_COUNT && len < n; j++)
            if (opt_hyper((OptKind)j, h[i].name, strlen(h[i].name)) >= 0) {
                len += (size_t)snprintf(about + len, n - len, "%s%s", first ? "" : ", ", optim_name((OptKind)j));
                first = 0;
            }
        if (len < n)
            snprintf(about + len, n - len, ")");
        return true;
    }
    return false;
}

/* `set what ...` where what is neither in the table nor an option of the
 * current optimizer: says what was meant. Returns -1. */
static int set_unknown(CmdCtx *c, const char *what)
{
    Session *s = c->s;
    const char *eq = strchr(what, '=');
    if (eq) {
        /* set lr=0.1: the same as set lr 0.1 would be, if lr is a thing to set */
        size_t kl = (size_t)(eq - what);
        bool one = false;
        for (const Settable *q = settables; q->name; q++)
            one = one || (q->one_value && strlen(q->name) == kl && strncmp(q->name, what, kl) == 0);
        if (one || opt_with_hyper(what, kl) >= 0)
            return cmd_fail(c, "write `set %.*s %s` with a space, not '='", (int)kl, what, eq + 1);
    }
    int k = opt_with_hyper(what, strlen(what));
    if (k >= 0)
        return cmd_fail(c, "%s has no option '%s'; choose an optimizer that has it, as in `set optimizer %s "
                       "%s=...` (`help set` lists them)", optim_name(s->opt.kind), what, optim_name((OptKind)k), what);
    int nh;
    const OptHyper *h = optim_hypers(s->opt.kind, &nh);
    const char *names[48];
    char list[160] = "";
    int n = 0;
    for (const Settable *q = settables; q->name; q++) {
        names[n++] = q->name;
        snprintf(list + strlen(list), sizeof list - strlen(list), "%s%s", n > 1 ? ", " : "", q->name);
    }
    for (int i = 0; i < nh && n < 47; i++)
        names[n++] = h[i].name;
    names[n] = NULL;
    return cmd_fail(c, "nothing called '%s' to set%s: `help set` lists %s and the current optimizer's options", what,
                    CMD_DYM(what, names, "set "), list);
}

int cmd_set(CmdCtx *c, int argc, char **argv)
{
    const char *what = argv[1];
    const Settable *st = settable(what);
    int nh;
    const OptHyper *h = optim_hypers(c->s->opt.kind, &nh);
    int hyper = opt_hyper(c->s->opt.kind, what, strlen(what));
    if (!st && hyper < 0)
        return set_unknown(c, what);
    if ((!st || st->one_value) && argc != 3)
        return cmd_fail(c, "set %s takes one value, as in `set %s %s`", what, what,
                        st ? st->one_value : h[hyper].is_bool ? "on" : "1");
    return st ? st->set(c, argc, argv) : set_hyper(c, argc, argv);
}

/* A word that names a parameter (W1 b1 K1 c1), whether or not it exists. */
static bool is_param_word(const char *w)
{
    TensorName tn;
    return tensor_name_parse(w, &tn) && tensor_is_param(&tn) && !tn.grad;
}

int cmd_init(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    InitConfig ic = s->init;
    const char *param = NULL;
    bool named = false;
    for (int i = 1; i < argc; i++) {
        InitKind k;
        char *key, *v;
        if (init_parse(argv[i], &k) == 0) {
            if (named)
                return cmd_fail(c, "two initializers given ('%s'); init takes one: init [NAME] [PARAM]", argv[i]);
            init_defaults(k, &ic);
            named = true;
        } else if (cmd_split_opt(argv[i], &key, &v)) {
            if (set_init_option(c, &ic, key, v) != 0)
                return -1;
        } else if (!param && is_param_word(argv[i])) {
            param = argv[i];
        } else if (param && is_param_word(argv[i])) {
            return cmd_fail(c, "init takes one parameter or all of them, not '%s' as well as '%s': run one `init` per "
                           "parameter", param, argv[i]);
        } else {
            const char *inits[INIT_COUNT + 1];
            for (int q = 0; q < INIT_COUNT; q++)
                inits[q] = init_name((InitKind)q);
            inits[INIT_COUNT] = NULL;
            return cmd_fail(c, "'%s' is neither an initializer nor a parameter%s: init [NAME [key=value]] [PARAM]",
                        argv[i], CMD_DYM(argv[i], inits, "init "));
        }
    }
    int rc = session_init(s, &ic, param, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    if (param) /* what the session used: auto means zeros for a bias, He or Xavier for a weight */
        cmd_out(c, "%s re-initialised with %s\n", param,
                init_name(s->used_init[2 * (atoi(param + 1) - 1) +
                                       (param[0] == layer_desc(&s->model->layer[atoi(param + 1) - 1])->bias)]));
    else
        cmd_out(c, "every parameter re-initialised (%s weights, zero biases); optimizer state cleared, back to epoch 1, batch 1\n",
            init_name(ic.kind));
    return 0;
}



/* ---- completion ---- */

static void add_inits(CmdAddFn add, void *ctx)
{
    for (int k = 0; k < INIT_COUNT; k++)
        add(ctx, init_name((InitKind)k));
}

static void add_init_opts(const char *kind, CmdAddFn add, void *ctx)
{
    InitKind k;
    char buf[32];
    int no;
    if (init_parse(kind, &k) != 0)
        return;
    const char *const *names = init_options(k, &no);
    for (int i = 0; i < no; i++) {
        snprintf(buf, sizeof buf, "%s=", names[i]);
        add(ctx, buf);
    }
}

static void add_opt_hypers(OptKind k, bool eq, CmdAddFn add, void *ctx)
{
    int nh;
    char buf[48];
    const OptHyper *h = optim_hypers(k, &nh);
    for (int i = 0; i < nh; i++) {
        snprintf(buf, sizeof buf, "%s%s", h[i].name, eq ? "=" : "");
        add(ctx, buf);
    }
}

static CmdComplete complete_loss(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    if (argi == 2) {
        for (int k = 0; k < LOSS_COUNT; k++)
            add(ctx, loss_name((LossKind)k));
        add(ctx, "auto");
    } else {
        add(ctx, "delta=");
    }
    return COMPLETE_WORDS;
}

static CmdComplete complete_optimizer(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    OptKind k;
    if (argi == 2)
        for (int o = 0; o < OPT_COUNT; o++)
            add(ctx, optim_name((OptKind)o));
    else if (optim_parse(w[2], &k) == 0)
        add_opt_hypers(k, true, add, ctx);
    return COMPLETE_WORDS;
}

static CmdComplete complete_switch(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const onoff[] = {"on", "off", NULL};
    if (argi == 2)
        cmd_add_list(onoff, add, ctx);
    return COMPLETE_WORDS;
}

static CmdComplete complete_init_kind(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    if (argi == 2)
        add_inits(add, ctx);
    else
        add_init_opts(w[2], add, ctx);
    return COMPLETE_WORDS;
}

CmdComplete cmd_complete_set(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    Session *s = c->s;
    if (argi == 1) {
        for (const Settable *q = settables; q->name; q++)
            add(ctx, q->name);
        add_opt_hypers(s->opt.kind, false, add, ctx);
        return COMPLETE_WORDS;
    }
    const Settable *st = settable(w[1]);
    if (st)
        return st->complete ? st->complete(c, argi, w, n, add, ctx) : COMPLETE_WORDS;
    int hyper = opt_hyper(s->opt.kind, w[1], strlen(w[1]));
    int nh;
    if (hyper >= 0 && optim_hypers(s->opt.kind, &nh)[hyper].is_bool)
        return complete_switch(c, argi, w, n, add, ctx);
    return COMPLETE_WORDS;
}

typedef struct AddTo {
    CmdAddFn add; /* where candidates go */
    void *ctx; /* its context */
} AddTo;

static void add_param(void *ctx, const char *name)
{
    AddTo *to = ctx;
    TensorName tn;
    if (tensor_name_parse(name, &tn) && tensor_is_param(&tn) && !tn.grad)
        to->add(to->ctx, name);
}

CmdComplete cmd_complete_init(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    /* what cmd_init takes: one initializer (then its options), one parameter */
    const char *named = NULL;
    bool param = false;
    InitKind k;
    for (int i = 1; i < argi; i++)
        if (init_parse(w[i], &k) == 0)
            named = w[i];
        else if (!strchr(w[i], '='))
            param = true;
    if (named)
        add_init_opts(named, add, ctx);
    else
        add_inits(add, ctx);
    AddTo to = {add, ctx};
    if (!param)
        session_names(c->s, add_param, &to);
    return COMPLETE_WORDS;
}


