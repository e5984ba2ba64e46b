/* cmd_setup.c — what the training loop starts from: the data (`data`),
 * the model (`model`, `params`, `init`), the hyperparameters (`set`,
 * `hypers`) and the names that exist (`names`), with their completion. */
#include "cmd_handlers.h"
#include "cmd_lesson.h"
#include "cmd_plot.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* ---- data ---- */

static void print_data_summary(CmdCtx *c)
{
    const Dataset *ds = c->s->data;
    cmd_out(c, "%s: %d rows", ds->name, ds->n);
    if (ds->n_train < ds->n)
        cmd_out(c, " (%d training, %d validation)", ds->n_train, ds->n - ds->n_train);
    cmd_out(c, ", %d feature%s (", ds->d, ds->d == 1 ? "" : "s");
    for (int j = 0; j < ds->d && j < 8; j++)
        cmd_out(c, "%s%s", j ? ", " : "", ds->feature_names[j]);
    cmd_out(c, "%s)\n", ds->d > 8 ? ", ..." : "");
    if (ds->classification) {
        long counts[1000] = {0};
        for (int i = 0; i < ds->n; i++)
            counts[(int)ds->y[i]]++;
        cmd_out(c, "task: %s classification, %d classes (",
            ds->n_classes == 2 ? "binary" : "multi-class", ds->n_classes);
        for (int k = 0; k < ds->n_classes && k < 10; k++)
            cmd_out(c, "%s%d: %ld", k ? ", " : "", k, counts[k]);
        cmd_out(c, "%s) in target %s\n", ds->n_classes > 10 ? ", ..." : "", ds->target_names[0]);
        cmd_out(c, "output: %d unit%s, default loss %s\n", ds->n_classes == 2 ? 1 : ds->n_classes,
            ds->n_classes == 2 ? "" : "s", ds->n_classes == 2 ? "bce" : "ce");
    } else {
        cmd_out(c, "task: regression of %d target%s (", ds->t, ds->t == 1 ? "" : "s");
        for (int j = 0; j < ds->t && j < 8; j++)
            cmd_out(c, "%s%s", j ? ", " : "", ds->target_names[j]);
        cmd_out(c, "%s)\noutput: %d unit%s, default loss mse\n", ds->t > 8 ? ", ..." : "", ds->t,
            ds->t == 1 ? "" : "s");
    }
    cmd_out(c, "standardized: %s; batches of %d: %d per epoch\n", ds->standardized ? "yes" : "no",
        c->s->batch, session_batches(c->s));
}

static int data_set(CmdCtx *c, Dataset *ds)
{
    bool dropped, reset;
    char name[16], loss[16];
    snprintf(name, sizeof name, "%s", c->s->model_kind);
    snprintf(loss, sizeof loss, "%s", loss_name(c->s->loss.kind));
    if (session_set_data(c->s, ds, &dropped, &reset) != 0)
        return cmd_fail(c, "out of memory for the batch buffers");
    print_data_summary(c);
    if (reset)
        cmd_out(c, "note: the %s loss does not fit this task; the loss follows the task again (%s)\n", loss,
            loss_name(c->s->loss.kind));
    if (dropped)
        cmd_out(c, "note: the %s model did not fit this data and was removed; build one with `model ...`\n", name);
    return 0;
}

static int data_generate_cmd(CmdCtx *c, int argc, char **argv)
{
    DataGenOpts o = {0, -1, c->s->seed, 0, 0};
    for (int i = 2; i < argc; i++) {
        char *k, *v;
        long n;
        if (!cmd_split_opt(argv[i], &k, &v))
            return cmd_fail(c, "unexpected '%s': data %s takes n= noise= seed= classes= features=", argv[i], argv[1]);
        if (strcmp(k, "n") == 0) {
            if (cmd_parse_int(c, "n", v, 1, 10000000, &n) != 0)
                return -1;
            o.n = (int)n;
        } else if (strcmp(k, "noise") == 0) {
            if (cmd_parse_num(c, "noise", v, &o.noise) != 0)
                return -1;
            if (o.noise < 0)
                return cmd_fail(c, "noise must be 0 or more, got %s", v);
        } else if (strcmp(k, "seed") == 0) {
            if (cmd_parse_int(c, "seed", v, 0, 0x7fffffffffffffffL, &n) != 0)
                return -1;
            o.seed = (uint64_t)n;
        } else if (strcmp(k, "classes") == 0) {
            if (cmd_parse_int(c, "classes", v, 2, 1000, &n) != 0)
                return -1;
            o.classes = (int)n;
        } else if (strcmp(k, "features") == 0) {
            if (cmd_parse_int(c, "features", v, 1, 10000, &n) != 0)
                return -1;
            o.features = (int)n;
        } else {
            return cmd_fail(c, "unknown option '%s': data %s takes n= noise= seed= classes= features=", k, argv[1]);
        }
    }
    Dataset *ds = data_generate(argv[1], &o, c->err);
    if (!ds)
        return -1;
    /* a huge noise= overflows: refuse data a model cannot compute with */
    for (size_t i = 0; i < (size_t)ds->n * (size_t)(ds->d + ds->t); i++) {
        size_t nx = (size_t)ds->n * (size_t)ds->d;
        if (!isfinite(i < nx ? ds->x[i] : ds->y[i - nx])) {
            data_free(ds);
            return cmd_fail(c, "noise=%s makes values too large to compute with; use a noise level like noise=0.1",
                        NUM(o.noise));
        }
    }
    return data_set(c, ds);
}

int cmd_data(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (argc == 1) {
        if (!s->data)
            return cmd_fail(c, "no data yet: try `data moons`, `data line` or `data load FILE.csv` (`help data`)");
        print_data_summary(c);
        return 0;
    }
    const char *sub = argv[1];
    if (strcmp(sub, "load") == 0) {
        if (argc < 3 || !argv[2][0])
            return cmd_fail(c, "data load needs a file: data load FILE.csv [target=COL] [header=auto|yes|no]");
        const char *target = NULL;
        DataHeader h = DATA_HEADER_AUTO;
        for (int i = 3; i < argc; i++) {
            char *k, *v;
            if (!cmd_split_opt(argv[i], &k, &v))
                return cmd_fail(c, "unexpected '%s': data load takes target= and header=", argv[i]);
            if (strcmp(k, "target") == 0) {
                target = v;
            } else if (strcmp(k, "header") == 0) {
                if (strcmp(v, "auto") == 0)
                    h = DATA_HEADER_AUTO;
                else if (strcmp(v, "yes") == 0 || strcmp(v, "on") == 0 || strcmp(v, "true") == 0)
                    h = DATA_HEADER_YES;
                else if (strcmp(v, "no") == 0 || strcmp(v, "off") == 0 || strcmp(v, "false") == 0)
                    h = DATA_HEADER_NO;
                else
                    return cmd_fail(c, "header must be auto, yes or no, got '%s'", v);
            } else {
                return cmd_fail(c, "unknown option '%s': data load takes target= and header=", k);
            }
        }
        char found[4096]; /* inside a lesson, also beside the lesson file */
        Dataset *ds = data_load_csv(cmd_lesson_path(c, argv[2], found, sizeof found), target, h, c->err);
        if (!ds)
            return -1;
        return data_set(c, ds);
    }
    if (strcmp(sub, "split") == 0 || strcmp(sub, "standardize") == 0 || strcmp(sub, "show") == 0) {
        if (!s->data)
            return cmd_fail(c, "no data yet: try `data moons` first");
        if (strcmp(sub, "split") == 0) {
            double f;
            if (argc != 3)
                return cmd_fail(c, "data split %s the fraction to hold out, as in `data split 0.2`",
                            argc < 3 ? "needs" : "takes only");
            if (cmd_parse_num(c, "the fraction", argv[2], &f) != 0)
                return -1;
            if (!(f > 0 && f < 1))
                return cmd_fail(c, "the fraction held out must be between 0 and 1, as in `data split 0.2`");
            if (data_split(s->data, f, s->seed, c->err) != 0)
                return -1;
            bool dropped, reset;
            Dataset *ds = s->data;
            /* hand the same data back so buffers and position follow */
            if (session_set_data(s, ds, &dropped, &reset) != 0)
                return cmd_fail(c, "out of memory for the batch buffers");
            cmd_out(c, "split: %d training rows, %d validation rows (shuffled with seed %llu)\n",
                ds->n_train, ds->n - ds->n_train, (unsigned long long)s->seed);
            return 0;
        }
        if (strcmp(sub, "standardize") == 0) {
            if (argc != 2)
                return cmd_fail(c, "data standardize takes no arguments");
            if (data_standardize(s->data, c->err) != 0)
                return -1;
            bool dropped, reset;
            Dataset *ds = s->data;
            if (session_set_data(s, ds, &dropped, &reset) != 0)
                return cmd_fail(c, "out of memory for the batch buffers");
            cmd_out(c, "standardized %d feature%s with the mean and standard deviation of the %d training rows\n",
                ds->d, ds->d == 1 ? "" : "s", ds->n_train);
            return 0;
        }
        long rows = 10;
        if (argc > 3)
            return cmd_fail(c, "data show takes at most one number: data show [ROWS]");
        if (argc == 3 && cmd_parse_int(c, "ROWS", argv[2], 1, 1000000, &rows) != 0)
            return -1;
        const Dataset *ds = s->data;
        if (rows > ds->n)
            rows = ds->n;
        cmd_out(c, "%6s", "row");
        for (int j = 0; j < ds->d && j < 10; j++)
            cmd_out(c, " %10.10s", ds->feature_names[j]);
        if (ds->d > 10)
            cmd_out(c, " %10s", "...");
        for (int j = 0; j < ds->t; j++)
            cmd_out(c, " | %8.8s", ds->target_names[j]);
        cmd_out(c, "\n");
        for (long i = 0; i < rows; i++) {
            cmd_out(c, "%6ld", i);
            for (int j = 0; j < ds->d && j < 10; j++)
                cmd_out(c, " %10s", NUM(ds->x[(size_t)i * ds->d + j]));
            if (ds->d > 10)
                cmd_out(c, " %10s", "...");
            for (int j = 0; j < ds->t; j++)
                cmd_out(c, " | %8s", NUM(ds->y[(size_t)i * ds->t + j]));
            cmd_out(c, "%s\n", i >= ds->n_train ? "  (validation)" : "");
        }
        if (rows < ds->n)
            cmd_out(c, "(%ld of %d rows)\n", rows, ds->n);
        return 0;
    }
    if (data_generator_about(sub))
        return data_generate_cmd(c, argc, argv);
    const char *words[48] = {"load", "split", "standardize", "show"};
    int nw = 4;
    for (const char *const *g = data_generators(); *g && nw < 47; g++)
        words[nw++] = *g;
    words[nw] = NULL;
    const char *dym = CMD_DYM(sub, words, "data ");
    if (*dym)
        return cmd_fail(c, "no data set called '%s'%s; `help data` lists them", sub, dym);
    return cmd_fail(c, "no data set called '%s': `help data` lists the generators; `data load FILE.csv` reads a file", sub);
}

/* ---- model ---- */

int cmd_model(CmdCtx *c, int argc, char **argv)
{
    const char *kind = argv[1];
    int hidden[NN_MAX_LAYERS];
    int nh = 0;
    Act act = ACT_RELU;
    bool is_mlp = strcmp(kind, "mlp") == 0;
    static const char *const kinds[] = {"linear", "logistic", "softmax", "mlp", NULL};
    const char *acts[ACT_COUNT + 1];
    for (int a = 0; a < ACT_COUNT; a++)
        acts[a] = act_name((Act)a);
    acts[ACT_COUNT] = NULL;
    if (!is_mlp && strcmp(kind, "linear") && strcmp(kind, "logistic") && strcmp(kind, "softmax"))
        return cmd_fail(c, "no model kind '%s'%s: use linear, logistic, softmax or mlp H1 [H2 ...] [act=NAME]", kind,
                    CMD_DYM(kind, kinds, "model "));
    for (int i = 2; i < argc; i++) {
        char *k, *v;
        long h;
        if (cmd_split_opt(argv[i], &k, &v)) {
            if (strcmp(k, "act") != 0)
                return cmd_fail(c, "unknown option '%s': model takes act=NAME", k);
            if (!is_mlp)
                return cmd_fail(c, "a %s model has no hidden layer, so no activation: use `model mlp H act=%s`", kind, v);
            if (act_parse(v, &act) != 0)
                return cmd_fail(c, "no activation '%s'%s: use identity, sigmoid, tanh, relu, leaky_relu, elu, softplus or gelu",
                            v, CMD_DYM(v, acts, "act="));
            continue;
        }
        if (!is_mlp)
            return cmd_fail(c, "unexpected '%s': `model %s` takes no sizes; hidden layers are for `model mlp H1 H2 ...`",
                        argv[i], kind);
        Act named;
        if (act_parse(argv[i], &named) == 0)
            return cmd_fail(c, "write the activation as act=%s, as in `model mlp 8 act=%s`", argv[i], argv[i]);
        if (nh >= NN_MAX_LAYERS - 1)
            return cmd_fail(c, "at most %d hidden layers: give fewer widths", NN_MAX_LAYERS - 1);
        if (cmd_parse_int(c, "a hidden layer width", argv[i], 1, 100000, &h) != 0)
            return -1;
        hidden[nh++] = (int)h;
    }
    if (is_mlp && nh == 0)
        return cmd_fail(c, "mlp needs the width of at least one hidden layer, as in `model mlp 8` or `model mlp 16 8`");
    if (session_build_model(c->s, kind, hidden, nh, act, c->err) != 0)
        return -1;
    const Model *m = c->s->model;
    cmd_out(c, "model %s: %d", kind, nn_inputs(m));
    for (int k = 0; k < m->n_layers; k++)
        cmd_out(c, " → %d", m->layer[k].n_out);
    cmd_out(c, "  (%zu parameters", m->n_params);
    if (is_mlp)
        cmd_out(c, ", %s hidden", act_name(act));
    cmd_out(c, ", output through %s)\n", c->s->loss.kind == LOSS_BCE ? "sigmoid" :
                                     c->s->loss.kind == LOSS_CE ? "softmax" : "identity");
    cmd_out(c, "loss %s, optimizer %s lr=%s; `params` shows every tensor, `forward` starts the loop\n",
        loss_name(c->s->loss.kind), optim_name(c->s->opt.kind), NUM(c->s->opt.lr));
    return 0;
}

int cmd_params(CmdCtx *c, int argc, char **argv)
{
    const Model *m = c->s->model;
    if (!m)
        return cmd_fail(c, "no model yet: build one with `model linear` or `model mlp 8`");
    cmd_out(c, "%-6s %-12s %10s  %s\n", "name", "shape", "count", "initializer");
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *ly = &m->layer[k - 1];
        char name[16], shape[32];
        snprintf(name, sizeof name, "W%d", k);
        snprintf(shape, sizeof shape, "%d×%d", ly->n_in, ly->n_out);
        cmd_out(c, "%-6s %-13s %10d  %s\n", name, shape, ly->n_in * ly->n_out,
            init_name(c->s->used_init[2 * (k - 1)]));
        snprintf(name, sizeof name, "b%d", k);
        snprintf(shape, sizeof shape, "%d", ly->n_out);
        cmd_out(c, "%-6s %-12s %10d  %s\n", name, shape, ly->n_out, init_name(c->s->used_init[2 * (k - 1) + 1]));
    }
    cmd_out(c, "%-6s %-12s %10zu\n", "total", "", m->n_params);
    return 0;
}

static void print_opt(CmdCtx *c, const OptConfig *o)
{
    int n;
    const OptHyper *h = optim_hypers(o->kind, &n);
    cmd_out(c, "%s", optim_name(o->kind));
    for (int i = 0; i < n; i++) {
        const char *p = (const char *)o + h[i].offset;
        if (h[i].is_bool)
            cmd_out(c, " %s=%s", h[i].name, *(const bool *)p ? "on" : "off");
        else
            cmd_out(c, " %s=%s", h[i].name, NUM(*(const double *)p));
    }
}

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

int cmd_hypers(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    cmd_out(c, "hyperparameters (what you set; `params` shows what the model learns):\n");
    cmd_out(c, "  %-10s ", "optimizer");
    print_opt(c, &s->opt);
    cmd_out(c, "\n  %-10s %s", "loss", loss_name(s->loss.kind));
    if (s->loss.kind == LOSS_HUBER)
        cmd_out(c, " delta=%s", NUM(s->loss.delta));
    cmd_out(c, "%s\n", s->loss_auto ? "  (follows the task; `set loss` chooses)" : "");
    cmd_out(c, "  %-10s %d", "batch", s->batch);
    if (s->data)
        cmd_out(c, "  (%d batch%s per epoch of %d training rows)", session_batches(s),
                session_batches(s) == 1 ? "" : "es", s->data->n_train);
    cmd_out(c, "\n  %-10s %s\n", "shuffle", s->shuffle ? "on" : "off");
    cmd_out(c, "  %-10s %llu\n", "seed", (unsigned long long)s->seed);
    cmd_out(c, "  %-10s ", "init");
    print_init(c, &s->init);
    if (s->init.kind == INIT_AUTO)
        cmd_out(c, "  (he_uniform before relu-like layers, xavier_uniform otherwise; biases zero)");
    cmd_out(c, "\n");
    if (s->model) {
        cmd_out(c, "  %-10s %s", "model", s->model_kind);
        for (int i = 0; i < s->n_hidden; i++)
            cmd_out(c, " %d", s->hidden[i]);
        if (s->n_hidden)
            cmd_out(c, " act=%s", act_name(s->act));
        cmd_out(c, "\n");
    }
    cmd_out(c, "  %-10s %d significant digits\n", "precision", s->precision);
    return 0;
}

static void print_name(void *ctx, const char *name)
{
    CmdCtx *c = ctx;
    cmd_out(c, " %s", name);
}

int cmd_names(CmdCtx *c, int argc, char **argv)
{
    if (!c->s->data)
        return cmd_fail(c, "nothing to inspect yet: make data with `data moons`, then `model mlp 8`");
    cmd_out(c, "names:");
    session_names(c->s, print_name, c);
    cmd_out(c, "\n");
    if (!c->s->model)
        cmd_out(c, "(build a model to get W1 b1 ...; `forward`, `loss` and `backward` bring Z, A, yhat, loss and gradients)\n");
    else if (c->s->phase < PHASE_BACKWARD)
        cmd_out(c, "(%s)\n", c->s->phase == PHASE_READY ? "`forward` brings Z1 A1 ... yhat; `loss` the loss; `backward` dW1 db1 dZ1 dA1 ..."
                        : c->s->phase == PHASE_FORWARD ? "`loss` brings loss; `backward` the gradients dW1 db1 dZ1 dA1 ..."
                                                       : "`backward` brings the gradients dW1 db1 dZ1 dA1 ...");
    return 0;
}

/* ---- set ---- */

/* The optimizer refused its options with PyTorch's message (in c->err):
 * adds what the allowed values are. Returns -1. */
static int optim_refused(CmdCtx *c)
{
    static const char *const hints[][2] = {
        {"learning rate", "lr must be 0 or more, as in `set lr 0.01`"},
        {"momentum_decay", "momentum_decay must be 0 or more"},
        {"momentum value", "momentum must be 0 or more"},
        {"weight_decay", "weight_decay must be 0 or more"},
        {"lr_decay", "lr_decay must be 0 or more"},
        {"initial_accumulator_value", "initial_accumulator_value must be 0 or more"},
        {"epsilon", "eps must be 0 or more"},
        {"alpha value", "alpha must be 0 or more"},
        {"rho value", "rho must be from 0 to 1"},
        {"index 0", "beta1 must be at least 0 and less than 1, as in beta1=0.9"},
        {"index 1", "beta2 must be at least 0 and less than 1, as in beta2=0.999"},
        {"Nesterov", "nesterov=on needs momentum= above 0 and dampening=0"},
    };
    for (size_t i = 0; i < sizeof hints / sizeof hints[0]; i++)
        if (strstr(c->err, hints[i][0])) {
            char msg[ERR_LEN];
            snprintf(msg, sizeof msg, "%s", c->err);
            return cmd_fail(c, "%s; %s", msg, hints[i][1]);
        }
    return -1;
}


static int set_optimizer(CmdCtx *c, int argc, char **argv, int first, OptKind kind)
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
        return optim_refused(c);
    cmd_out(c, "optimizer ");
    print_opt(c, &c->s->opt);
    cmd_out(c, "%s\n", c->s->model && fresh ? "  (state starts fresh)" : "");
    return 0;
}

int cmd_set(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *what = argv[1];
    long n;
    if (strcmp(what, "plot") == 0)
        return cmd_set_plot(c, argc, argv);
    if (strcmp(what, "optimizer") == 0) {
        OptKind k;
        if (argc < 3)
            return cmd_fail(c, "set optimizer needs a name: sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax or nadam");
        if (optim_parse(argv[2], &k) != 0) {
            const char *names[OPT_COUNT + 1];
            for (int q = 0; q < OPT_COUNT; q++)
                names[q] = optim_name((OptKind)q);
            names[OPT_COUNT] = NULL;
            return cmd_fail(c, "no optimizer '%s'%s: use sgd, adagrad, rmsprop, adadelta, adam, adamw, adamax or nadam",
                        argv[2], CMD_DYM(argv[2], names, "set optimizer "));
        }
        return set_optimizer(c, argc, argv, 3, k);
    }
    if (strcmp(what, "loss") == 0) {
        if (argc < 3)
            return cmd_fail(c, "set loss needs a name: mse, mae, huber, bce, ce, hinge (or auto)");
        Loss l = {LOSS_MSE, s->loss.kind == LOSS_HUBER ? s->loss.delta : 1.0};
        bool automatic = strcmp(argv[2], "auto") == 0;
        if (!automatic && loss_parse(argv[2], &l.kind) != 0) {
            const char *names[LOSS_COUNT + 2];
            for (int q = 0; q < LOSS_COUNT; q++)
                names[q] = loss_name((LossKind)q);
            names[LOSS_COUNT] = "auto";
            names[LOSS_COUNT + 1] = NULL;
            return cmd_fail(c, "no loss '%s'%s: use mse, mae, huber, bce, ce, hinge, or auto to follow the task", argv[2],
                        CMD_DYM(argv[2], names, "set loss "));
        }
        for (int i = 3; i < argc; i++) {
            const char *v = argv[i] + 6;
            if (l.kind != LOSS_HUBER || automatic)
                return cmd_fail(c, "unexpected '%s': only huber takes an option (delta=)", argv[i]);
            if (strncmp(argv[i], "delta=", 6) != 0)
                return cmd_fail(c, "unexpected '%s': huber takes only delta=, as in `set loss huber delta=1`", argv[i]);
            if (cmd_parse_num(c, "delta", v, &l.delta) != 0)
                return -1;
            if (!(l.delta > 0))
                return cmd_fail(c, "huber's delta must be greater than 0, got %s", v);
        }
        if (session_set_loss(s, &l, automatic, c->err) != 0)
            return -1;
        cmd_out(c, "loss %s", loss_name(s->loss.kind));
        if (s->loss.kind == LOSS_HUBER)
            cmd_out(c, " delta=%s", NUM(s->loss.delta));
        cmd_out(c, "%s\n", automatic ? " (follows the task)" : "");
        return 0;
    }
    if (strcmp(what, "init") == 0) {
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
    static const char *const plain[] = {"lr", "batch", "shuffle", "seed", "precision", NULL};
    int nh, hyper = -1;
    const OptHyper *h = optim_hypers(s->opt.kind, &nh);
    bool known = false;
    for (int i = 0; i < nh; i++)
        if (strcmp(h[i].name, what) == 0)
            hyper = i;
    for (const char *const *q = plain; *q; q++)
        known = known || strcmp(*q, what) == 0;
    const char *eq = strchr(what, '=');
    if (!known && hyper < 0 && eq) {
        /* set lr=0.1: the same as set lr 0.1 would be, if lr is a thing to set */
        size_t kl = (size_t)(eq - what);
        bool settable = false;
        for (const char *const *q = plain; *q; q++)
            settable = settable || (strlen(*q) == kl && strncmp(*q, what, kl) == 0);
        for (int k = 0; k < OPT_COUNT && !settable; k++) {
            int no;
            const OptHyper *oh = optim_hypers((OptKind)k, &no);
            for (int i = 0; i < no; i++)
                settable = settable || (strlen(oh[i].name) == kl && strncmp(oh[i].name, what, kl) == 0);
        }
        if (settable)
            return cmd_fail(c, "write `set %.*s %s` with a space, not '='", (int)kl, what, eq + 1);
    }
    if (!known && hyper < 0) {
        for (int k = 0; k < OPT_COUNT; k++) {
            int no;
            const OptHyper *oh = optim_hypers((OptKind)k, &no);
            for (int i = 0; i < no; i++)
                if (strcmp(oh[i].name, what) == 0)
                    return cmd_fail(c, "%s has no option '%s'; choose an optimizer that has it, as in `set optimizer %s "
                                   "%s=...` (`help set` lists them)", optim_name(s->opt.kind), what,
                                optim_name((OptKind)k), what);
        }
        const char *names[48] = {"loss", "optimizer", "init", "lr", "batch", "shuffle", "seed", "precision", "plot"};
        int k = 9;
        for (int i = 0; i < nh && k < 47; i++)
            names[k++] = h[i].name;
        names[k] = NULL;
        return cmd_fail(c, "nothing called '%s' to set%s: `help set` lists loss, optimizer, lr, batch, shuffle, seed, "
                       "precision, init, plot and the current optimizer's options", what, CMD_DYM(what, names, "set "));
    }
    if (argc != 3)
        return cmd_fail(c, "set %s takes one value, as in `set %s %s`", what, what,
                    strcmp(what, "shuffle") == 0 || (hyper >= 0 && h[hyper].is_bool) ? "on" : "1");
    const char *v = argv[2];
    if (strcmp(what, "lr") == 0) {
        OptConfig o = s->opt;
        if (cmd_parse_num(c, "lr", v, &o.lr) != 0)
            return -1;
        bool fresh;
        if (session_set_optimizer(s, &o, &fresh, c->err) != 0)
            return optim_refused(c);
        cmd_out(c, "lr %s (%s)\n", NUM(o.lr), optim_name(o.kind));
        return 0;
    }
    if (strcmp(what, "batch") == 0) {
        if (cmd_parse_int(c, "the batch size", v, 1, 1000000, &n) != 0 || session_set_batch(s, (int)n, c->err) != 0)
            return -1;
        cmd_out(c, "batch %d", s->batch);
        if (s->data)
            cmd_out(c, ": %d batch%s per epoch; the epoch starts over at batch 1", session_batches(s),
                    session_batches(s) == 1 ? "" : "es");
        cmd_out(c, "\n");
        return 0;
    }
    if (strcmp(what, "shuffle") == 0) {
        bool b;
        if (!util_parse_bool(v, &b))
            return cmd_fail(c, "shuffle is a switch: on or off, got '%s'", v);
        s->shuffle = b;
        cmd_out(c, "shuffle %s (from the next epoch)\n", b ? "on" : "off");
        return 0;
    }
    if (strcmp(what, "seed") == 0) {
        if (cmd_parse_int(c, "the seed", v, 0, 0x7fffffffffffffffL, &n) != 0)
            return -1;
        session_set_seed(s, (uint64_t)n);
        cmd_out(c, "seed %ld (for the next `data`, `model`, `init` and shuffles)\n", n);
        return 0;
    }
    if (strcmp(what, "precision") == 0) {
        if (cmd_parse_int(c, "precision", v, 1, 17, &n) != 0)
            return -1;
        s->precision = (int)n;
        cmd_out(c, "precision %ld significant digits\n", n);
        return 0;
    }
    /* any hyperparameter of the current optimizer: set momentum 0.9 */
    char opt[128];
    if (snprintf(opt, sizeof opt, "%s=%s", what, v) >= (int)sizeof opt)
        return cmd_fail(c, "%s must be a finite number (like 0.1 or 1e-3), got '%.40s...'", what, v);
    char *args[] = {argv[0], argv[1], opt};
    return set_optimizer(c, 3, args, 2, s->opt.kind);
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
        } else if (!param && (argv[i][0] == 'W' || argv[i][0] == 'b')) {
            param = argv[i];
        } else if (param && (argv[i][0] == 'W' || argv[i][0] == 'b')) {
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
    if (session_init(s, &ic, param, c->err) != 0)
        return -1;
    if (param) /* what the session used: auto means zeros for a bias, He or Xavier for a weight */
        cmd_out(c, "%s re-initialised with %s\n", param,
                init_name(s->used_init[2 * (atoi(param + 1) - 1) + (param[0] == 'b')]));
    else
        cmd_out(c, "every parameter re-initialised (%s weights, zero biases); optimizer state cleared, back to epoch 1, batch 1\n",
            init_name(ic.kind));
    return 0;
}


/* ---- completion ---- */

CmdComplete cmd_complete_data(Session *s, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const subs[] = {"load", "split", "standardize", "show", NULL};
    static const char *const gen_opts[] = {"n=", "noise=", "seed=", "classes=", "features=", NULL};
    static const char *const load_opts[] = {"target=", "header=auto", "header=yes", "header=no", NULL};
    if (argi == 1) {
        cmd_add_list(subs, add, ctx);
        cmd_add_list(data_generators(), add, ctx);
        return COMPLETE_WORDS;
    }
    if (strcmp(w[1], "load") == 0) {
        if (argi == 2)
            return COMPLETE_FILES;
        cmd_add_list(load_opts, add, ctx);
    } else if (data_generator_about(w[1])) {
        cmd_add_list(gen_opts, add, ctx);
    }
    return COMPLETE_WORDS;
}

static void add_acts(CmdAddFn add, void *ctx)
{
    char buf[32];
    for (int a = 0; a < ACT_COUNT; a++) {
        snprintf(buf, sizeof buf, "act=%s", act_name((Act)a));
        add(ctx, buf);
    }
}

CmdComplete cmd_complete_model(Session *s, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const kinds[] = {"linear", "logistic", "softmax", "mlp", NULL};
    if (argi == 1)
        cmd_add_list(kinds, add, ctx);
    else if (strcmp(w[1], "mlp") == 0)
        add_acts(add, ctx);
    return COMPLETE_WORDS;
}

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

CmdComplete cmd_complete_set(Session *s, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const what[] = {"loss", "optimizer", "lr", "batch", "shuffle", "seed", "precision", "init",
                                       "plot", NULL};
    static const char *const onoff[] = {"on", "off", NULL};
    static const char *const targets[] = {"window", "terminal", "png", "svg", NULL};
    if (argi == 1) {
        cmd_add_list(what, add, ctx);
        add_opt_hypers(s->opt.kind, false, add, ctx);
        return COMPLETE_WORDS;
    }
    if (strcmp(w[1], "loss") == 0) {
        if (argi == 2) {
            for (int k = 0; k < LOSS_COUNT; k++)
                add(ctx, loss_name((LossKind)k));
            add(ctx, "auto");
        } else {
            add(ctx, "delta=");
        }
    } else if (strcmp(w[1], "optimizer") == 0) {
        OptKind k;
        if (argi == 2)
            for (int o = 0; o < OPT_COUNT; o++)
                add(ctx, optim_name((OptKind)o));
        else if (optim_parse(w[2], &k) == 0)
            add_opt_hypers(k, true, add, ctx);
    } else if (strcmp(w[1], "init") == 0) {
        if (argi == 2)
            add_inits(add, ctx);
        else
            add_init_opts(w[2], add, ctx);
    } else if (strcmp(w[1], "plot") == 0) {
        if (argi == 2)
            cmd_add_list(targets, add, ctx);
        else
            add(ctx, "file=");
    } else if (argi == 2 && strcmp(w[1], "shuffle") == 0) {
        cmd_add_list(onoff, add, ctx);
    } else if (argi == 2) {
        int nh;
        const OptHyper *h = optim_hypers(s->opt.kind, &nh);
        for (int i = 0; i < nh; i++)
            if (h[i].is_bool && strcmp(h[i].name, w[1]) == 0)
                cmd_add_list(onoff, add, ctx);
    }
    return COMPLETE_WORDS;
}

typedef struct AddTo {
    CmdAddFn add; /* where candidates go */
    void *ctx; /* its context */
} AddTo;

static void add_param(void *ctx, const char *name)
{
    AddTo *to = ctx;
    if (name[0] == 'W' || name[0] == 'b')
        to->add(to->ctx, name);
}

CmdComplete cmd_complete_init(Session *s, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    add_inits(add, ctx);
    if (argi > 1)
        add_init_opts(w[argi - 1], add, ctx);
    AddTo to = {add, ctx};
    session_names(s, add_param, &to);
    return COMPLETE_WORDS;
}


bool cmd_set_sets(const char *name)
{
    static const char *const plain[] = {"loss", "optimizer", "lr", "batch", "shuffle", "seed", "precision", "init",
                                        "plot", NULL};
    for (const char *const *q = plain; *q; q++)
        if (strcmp(*q, name) == 0)
            return true;
    for (int k = 0; k < OPT_COUNT; k++) {
        int no;
        const OptHyper *oh = optim_hypers((OptKind)k, &no);
        for (int i = 0; i < no; i++)
            if (strcmp(oh[i].name, name) == 0)
                return true;
    }
    return false;
}
