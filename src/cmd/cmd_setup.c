/* cmd_setup.c — what the training loop starts from: the data (`data`),
 * the model (`model`, `params`) and the names that exist (`names`), with
 * their completion. The hyperparameters are cmd_set.c's. */
#include "cmd_handlers.h"
#include "cmd_images.h"

#include "cmd_cnn.h"
#include "text.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* ---- data ---- */

/* What `data` does besides the generators (data_generators()). */
#define MODEL_BIG_PARAMS 10000000 /* a model this large hears what it costs */

static const char *const data_subs[] = {"load", "split", "standardize", "show", NULL};

/* The line saying the rows are images, and the range of their pixels. */
static void print_image_summary(CmdCtx *c, const Dataset *ds)
{
    double lo = ds->x[0], hi = ds->x[0];
    for (size_t i = 1; i < (size_t)ds->n * (size_t)ds->d; i++) {
        lo = ds->x[i] < lo ? ds->x[i] : lo;
        hi = ds->x[i] > hi ? ds->x[i] : hi;
    }
    cmd_out(c, "images: %d channel%s of %d×%d pixels, a feature per pixel row by row%s; pixels %s to %s",
            ds->img_c, ds->img_c == 1 ? "" : "s", ds->img_h, ds->img_w, ds->img_c > 1 ? ", channel first" : "",
            NUM(lo), NUM(hi));
    cmd_out(c, ds->standardized ? " (standardized)\n" : ", raw (`data standardize` rescales them)\n");
}

static void print_data_summary(CmdCtx *c)
{
    const Dataset *ds = c->s->data;
    cmd_out(c, "%s: %d row%s", ds->name, ds->n, CMD_S(ds->n));
    if (ds->n_train < ds->n) {
        cmd_out(c, " (%d training, %d validation", ds->n_train, ds->n - ds->n_train - ds->n_test);
        if (ds->n_test > 0)
            cmd_out(c, ", %d test", ds->n_test);
        cmd_out(c, ")");
    }
    cmd_out(c, ", %d feature%s (", ds->d, ds->d == 1 ? "" : "s");
    for (int j = 0; j < ds->d && j < 8; j++)
        cmd_out(c, "%s%s", j ? ", " : "", ds->feature_names[j]);
    cmd_out(c, "%s)\n", ds->d > 8 ? ", ..." : "");
    if (ds->img_h > 0)
        print_image_summary(c, ds);
    if (ds->classification) {
        long counts[1000] = {0};
        for (int i = 0; i < ds->n; i++)
            counts[(int)ds->y[i]]++;
        cmd_out(c, "task: %s classification, %d classes (",
            ds->n_classes == 2 ? "binary" : "multi-class", ds->n_classes);
        for (int k = 0; k < ds->n_classes && k < 10; k++) {
            if (ds->class_names && !data_labels_numeric(ds)) /* text labels: "1 M: 2" */
                cmd_out(c, "%s%d %s: %ld", k ? ", " : "", k, ds->class_names[k], counts[k]);
            else /* labels that are numbers: "7: 10" */
                cmd_out(c, "%s%s: %ld", k ? ", " : "", CMD_CLASS(ds, k), counts[k]);
        }
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
    Dataset *ds = data_generate_until(argv[1], &o, c->interrupt, c->err);
    if (!ds && c->interrupt && *c->interrupt)
        return cmd_fail(c, "data %s interrupted: the data is as it was", argv[1]);
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

/* data split VAL [TEST]: validation and test shares, stratified by class. */
/* After the data changed under a trained model: what starts over. */
static void say_restart(CmdCtx *c, long steps)
{
    if (c->s->model && steps > 0)
        cmd_out(c, "the model keeps its parameters; training starts over at epoch 1: the step count, the "
                "optimizer's state and the undo history begin afresh\n");
}

static int data_split_cmd(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    double val, test = 0;
    if (argc < 3 || argc > 4)
        return cmd_fail(c, "data split %s the fraction to hold out for validation and, optionally, for test, "
                        "as in `data split 0.2` or `data split 0.2 0.1`", argc < 3 ? "needs" : "takes only");
    if (cmd_parse_num(c, "the validation fraction", argv[2], &val) != 0 ||
        (argc == 4 && cmd_parse_num(c, "the test fraction", argv[3], &test) != 0))
        return -1;
    if (!(val > 0 && val < 1))
        return cmd_fail(c, "the validation fraction must be between 0 and 1, as in `data split 0.2`");
    if (!(test >= 0 && test < 1))
        return cmd_fail(c, "the test fraction must be 0 or more and below 1, as in `data split 0.2 0.1`");
    if (val + test >= 1)
        return cmd_fail(c, "holding out %s for validation and %s for test leaves nothing to train on; "
                        "together they must stay below 1, as in `data split 0.2 0.1`", argv[2], argv[3]);
    if (s->data->standardized)
        return cmd_fail(c, "the data is already standardized with statistics of all training rows; split first, "
                        "then standardize: reload or regenerate the data, `data split ...`, `data standardize`");
    long steps = s->steps;
    if (data_split3(s->data, val, test, s->seed, c->err) != 0)
        return -1;
    bool dropped, reset;
    Dataset *ds = s->data;
    /* hand the same data back so buffers and position follow */
    if (session_set_data(s, ds, &dropped, &reset) != 0)
        return cmd_fail(c, "out of memory for the batch buffers");
    int lo, hi;
    data_share_rows(ds, DATA_VAL, &lo, &hi);
    cmd_out(c, "split: %d training row%s, %d validation row%s", ds->n_train, CMD_S(ds->n_train), hi - lo,
            CMD_S(hi - lo));
    if (ds->n_test > 0)
        cmd_out(c, ", %d test row%s", ds->n_test, CMD_S(ds->n_test));
    cmd_out(c, " (%sshuffled with seed %llu)\n", ds->classification ? "stratified by class, " : "",
            (unsigned long long)s->seed);
    if (ds->n_test > 0)
        cmd_out(c, "the test share stays unseen until `evaluate test`: choose with validation, test once at the end\n");
    say_restart(c, steps);
    return 0;
}


#define LOAD_OPTS "target= features= drop= sep= header= missing= task= image="

/* image=HxW or image=HxWxC into o; -1 with a refusal. */
static int parse_image_shape(CmdCtx *c, const char *v, DataLoadOpts *o)
{
    long part[3] = {0, 0, 1};
    int n = 0;
    const char *p = v;
    while (n < 3) {
        char *end;
        if (*p < '0' || *p > '9')
            break;
        part[n++] = strtol(p, &end, 10);
        p = end;
        if (*p != 'x')
            break;
        p++;
    }
    if (n < 2 || *p || p[-1] == 'x')
        return cmd_fail(c, "image= takes the height and width of an image, and optionally its channels (first in "
                           "each row): image=8x8 or image=32x32x3, got '%s'", v);
    if (part[0] < 1 || part[0] > DATA_IMAGE_MAX_SIDE || part[1] < 1 || part[1] > DATA_IMAGE_MAX_SIDE ||
        part[2] < 1 || part[2] > DATA_IMAGE_MAX_C)
        return cmd_fail(c, "image=%s is out of range: 1 to %d pixels a side, 1 to %d channels", v,
                        DATA_IMAGE_MAX_SIDE, DATA_IMAGE_MAX_C);
    o->img_h = (int)part[0];
    o->img_w = (int)part[1];
    o->img_c = (int)part[2];
    return 0;
}

/* One key=value of `data load` into o; -1 with a refusal. */
static int data_load_opt(CmdCtx *c, const char *k, const char *v, DataLoadOpts *o)
{
    static const char *const headers[] = {"auto", "yes", "no", NULL};
    static const char *const missings[] = {"error", "drop", "mean", NULL};
    static const char *const tasks[] = {"auto", "regression", "classification", NULL};
    if (strcmp(k, "target") == 0 || strcmp(k, "features") == 0 || strcmp(k, "drop") == 0) {
        *(k[0] == 't' ? &o->target : k[0] == 'f' ? &o->features : &o->drop) = v;
        return 0;
    }
    if (strcmp(k, "image") == 0)
        return parse_image_shape(c, v, o);
    if (strcmp(k, "sep") == 0) {
        if (strcmp(v, "auto") == 0)
            o->sep = 0;
        else if (strcmp(v, ",") == 0 || strcmp(v, "comma") == 0)
            o->sep = ',';
        else if (strcmp(v, ";") == 0 || strcmp(v, "semicolon") == 0)
            o->sep = ';';
        else if (strcmp(v, "tab") == 0 || strcmp(v, "\\t") == 0)
            o->sep = '\t';
        else if (!*v) /* "sep=; data split": the ';' ended the command */
            return cmd_fail(c, "sep= has no value: a ';' before another command ends the command; write "
                               "sep=semicolon, or sep=; before another option or at the end of the line");
        else
            return cmd_fail(c, "sep must be auto, ',', ';' (or semicolon) or tab, got '%s'", v);
        return 0;
    }
    const char *const *words = strcmp(k, "header") == 0    ? headers
                               : strcmp(k, "missing") == 0 ? missings
                               : strcmp(k, "task") == 0    ? tasks
                                                           : NULL;
    if (!words) {
        const char *const keys[] = {"target", "features", "drop", "sep", "header", "missing", "task", "image", NULL};
        return cmd_fail(c, "unknown option '%s'%s: data load takes " LOAD_OPTS, k, CMD_DYM(k, keys, ""));
    }
    int i = 0;
    while (words[i] && strcmp(words[i], v) != 0)
        i++;
    if (!words[i] && words == headers) { /* on/true, off/false as switches */
        bool on;
        if (!util_parse_bool(v, &on))
            return cmd_fail(c, "header must be auto, yes or no, got '%s'", v);
        i = on ? 1 : 2;
    }
    if (!words[i])
        return cmd_fail(c, "%s must be %s, %s or %s, got '%s'", k, words[0], words[1], words[2], v);
    if (words == headers)
        o->header = i == 0 ? DATA_HEADER_AUTO : i == 1 ? DATA_HEADER_YES : DATA_HEADER_NO;
    else if (words == missings)
        o->missing = (DataMissing)i;
    else
        o->task = (DataTask)i;
    return 0;
}

/* data load FILE [target=] [features=|drop=] [sep=] [header=] [missing=] [task=] */
static int data_load_cmd(CmdCtx *c, int argc, char **argv)
{
    if (argc < 3 || !argv[2][0])
        return cmd_fail(c, "data load needs a file: data load FILE.csv [target=COL] [drop=COL] [sep=auto|,|;|tab]");
    DataLoadOpts o = {0};
    for (int i = 3; i < argc; i++) {
        char *k, *v;
        if (!cmd_split_opt(argv[i], &k, &v))
            return cmd_fail(c, "unexpected '%s': data load takes " LOAD_OPTS, argv[i]);
        if (data_load_opt(c, k, v, &o) != 0)
            return -1;
    }
    char found[4096]; /* inside a lesson, also beside the lesson file */
    char note[1024];
    Dataset *ds = data_load_file(cmd_path(c, argv[2], found, sizeof found), &o, note, sizeof note, c->err);
    if (ds && c->interrupt && *c->interrupt) { /* Ctrl-C while reading: keep what was there */
        data_free(ds);
        return cmd_fail(c, "data load interrupted: the data is as it was");
    }
    if (!ds)
        return -1;
    if (data_set(c, ds) != 0)
        return -1;
    for (char *line = note; *line;) {
        char *nl = strchr(line, '\n');
        if (nl)
            *nl = '\0';
        cmd_out(c, "note: %s\n", line);
        if (!nl)
            break;
        line = nl + 1;
    }
    return 0;
}

#define SHOW_FEATURES 10 /* feature columns `data show` prints before "..." */

/* Row i's cell of column j of `data show` into buf: the row number
 * (j = 0), a feature (1..), "..." for the features left out, then the
 * targets (a class by its label). */
static const char *show_cell(CmdCtx *c, const Dataset *ds, long i, int j, char *buf, size_t n)
{
    int nf = ds->d < SHOW_FEATURES ? ds->d : SHOW_FEATURES, more = ds->d > SHOW_FEATURES;
    if (j == 0)
        snprintf(buf, n, "%ld", i);
    else if (j <= nf)
        cmd_num(c, ds->x[(size_t)i * ds->d + (j - 1)], buf, n);
    else if (more && j == nf + 1)
        snprintf(buf, n, "...");
    else {
        double y = ds->y[(size_t)i * ds->t + (j - 1 - nf - more)];
        if (ds->class_names)
            snprintf(buf, n, "%s", data_class_name(ds, (int)y, (char[16]){0}, 16));
        else
            cmd_num(c, y, buf, n);
    }
    return buf;
}

/* The heading of column j of `data show` (as show_cell numbers them). */
static const char *show_head(const Dataset *ds, int j)
{
    int nf = ds->d < SHOW_FEATURES ? ds->d : SHOW_FEATURES, more = ds->d > SHOW_FEATURES;
    return j == 0 ? "row" : j <= nf ? ds->feature_names[j - 1] : more && j == nf + 1 ? "..."
                  : ds->target_names[j - 1 - nf - more];
}

/* `data show`'s table of the first rows: every column as wide as its
 * widest cell (6 for the row number, 10 for a feature, 8 for a target at
 * least), right-aligned, targets after a bar. */
static int show_table(CmdCtx *c, const Dataset *ds, long rows)
{
    int nf = ds->d < SHOW_FEATURES ? ds->d : SHOW_FEATURES, more = ds->d > SHOW_FEATURES;
    int ncol = 1 + nf + more + ds->t;
    int *w = calloc((size_t)ncol, sizeof *w);
    if (!w)
        return cmd_fail(c, "out of memory");
    char buf[256];
    for (int j = 0; j < ncol; j++) {
        w[j] = j == 0 ? 6 : j <= nf + more ? 10 : 8;
        int hw = text_cols(show_head(ds, j));
        w[j] = hw > w[j] ? hw : w[j];
        for (long i = 0; i < rows; i++) {
            int cw = text_cols(show_cell(c, ds, i, j, buf, sizeof buf));
            w[j] = cw > w[j] ? cw : w[j];
        }
    }
    for (long i = -1; i < rows; i++) {
        for (int j = 0; j < ncol; j++) {
            const char *cell = i < 0 ? show_head(ds, j) : show_cell(c, ds, i, j, buf, sizeof buf);
            cmd_out(c, "%s%*s%s", j == 0 ? "" : j == nf + more + 1 ? " | " : " ", w[j] - text_cols(cell), "", cell);
        }
        if (i >= 0)
            cmd_out(c, "%s", i >= ds->n - ds->n_test ? "  (test)" : i >= ds->n_train ? "  (validation)" : "");
        cmd_out(c, "\n");
    }
    free(w);
    return 0;
}

bool cmd_data_help_word(int i, const char **word, const char **part, char *about, size_t n)
{
    const char *const *g = data_generators();
    for (; *g; g++)
        if (!data_generator_fixed(*g) && i-- == 0) { /* digits, fixed, has a part of its own */
            *word = *g;
            *part = "NAME";
            snprintf(about, n, "%s", "");
            return true;
        }
    return false;
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
    if (strcmp(sub, "load") == 0)
        return data_load_cmd(c, argc, argv);
    if (strcmp(sub, "split") == 0 || strcmp(sub, "standardize") == 0 || strcmp(sub, "show") == 0) {
        if (!s->data)
            return cmd_fail(c, "no data yet: try `data moons` first");
        if (strcmp(sub, "split") == 0)
            return data_split_cmd(c, argc, argv);
        if (strcmp(sub, "standardize") == 0) {
            if (argc != 2)
                return cmd_fail(c, "data standardize takes no arguments");
            long steps = s->steps;
            if (data_standardize(s->data, c->err) != 0)
                return -1;
            bool dropped, reset;
            Dataset *ds = s->data;
            if (session_set_data(s, ds, &dropped, &reset) != 0)
                return cmd_fail(c, "out of memory for the batch buffers");
            cmd_out(c, "standardized %d feature%s with the mean and standard deviation of the %d training row%s\n",
                ds->d, ds->d == 1 ? "" : "s", ds->n_train, CMD_S(ds->n_train));
            say_restart(c, steps);
            return 0;
        }
        long rows = 10;
        if (argc > 3)
            return cmd_fail(c, "data show takes at most one number or row=N: data show [ROWS] | data show row=N");
        if (argc == 3 && strncmp(argv[2], "row=", 4) == 0) {
            if (cmd_parse_int(c, "row=", argv[2] + 4, 0, s->data->n - 1, &rows) != 0)
                return -1;
            return cmd_images_show_row(c, rows);
        }
        if (argc == 3 && cmd_parse_int(c, "ROWS", argv[2], 1, 1000000, &rows) != 0)
            return -1;
        const Dataset *ds = s->data;
        if (ds->img_h > 0)
            return cmd_images_show_rows(c, rows);
        if (rows > ds->n)
            rows = ds->n;
        if (show_table(c, ds, rows) != 0)
            return -1;
        if (rows < ds->n)
            cmd_out(c, "(%ld of %d rows)\n", rows, ds->n);
        return 0;
    }
    if (data_generator_about(sub))
        return data_generate_cmd(c, argc, argv);
    const char *words[48];
    int nw = 0;
    for (const char *const *q = data_subs; *q; q++)
        words[nw++] = *q;
    for (const char *const *g = data_generators(); *g && nw < 47; g++)
        words[nw++] = *g;
    words[nw] = NULL;
    const char *dym = CMD_DYM(sub, words, "data ");
    if (*dym)
        return cmd_fail(c, "no data set called '%s'%s; `help data` lists them", sub, dym);
    return cmd_fail(c, "no data set called '%s': `help data` lists the generators; `data load FILE.csv` reads a file", sub);
}

/* ---- model ---- */

/* dropout=P or dropout=P1,P2,... for nh hidden layers into drop: one value
 * for every layer or one per layer, each in [0, 1). -1 with the fix. */
static int parse_dropout(CmdCtx *c, const char *arg, int nh, double *drop)
{
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
        return cmd_fail(c, "dropout= is too long: give one probability, or one per hidden layer");
    double v[NN_MAX_LAYERS];
    int n = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (n >= nh)
            return cmd_fail(c, "dropout= lists more probabilities than the %d hidden layer%s: give one for all, or "
                            "one per hidden layer, as in dropout=%s", nh, nh == 1 ? "" : "s", nh == 1 ? "0.5" : "0.5,0.2");
        if (!util_parse_double(tok, &v[n]) || !(v[n] >= 0 && v[n] < 1))
            return cmd_fail(c, "a dropout probability must be at least 0 and below 1 (0: none, 0.5: half the units), "
                            "got '%s': as in dropout=0.5", tok);
        n++;
    }
    if (n == 0)
        return cmd_fail(c, "dropout= needs a probability, as in dropout=0.5");
    if (n != 1 && n != nh)
        return cmd_fail(c, "dropout= gives %d probabilities for %d hidden layer%s: give one for all, or one per "
                        "hidden layer", n, nh, CMD_S(nh));
    for (int k = 0; k < nh; k++)
        drop[k] = v[n == 1 ? 0 : k];
    return 0;
}

int cmd_model(CmdCtx *c, int argc, char **argv)
{
    const char *kind = argv[1];
    int hidden[NN_MAX_LAYERS];
    int nh = 0;
    Act act = ACT_RELU;
    const char *drop_arg = NULL;
    bool is_mlp = strcmp(kind, "mlp") == 0;
    static const char *const kinds[] = {"linear", "logistic", "softmax", "mlp", "cnn", NULL};
    if (strcmp(kind, "cnn") == 0)
        return cmd_model_cnn(c, argc, argv);
    const char *acts[ACT_COUNT + 1];
    for (int a = 0; a < ACT_COUNT; a++)
        acts[a] = act_name((Act)a);
    acts[ACT_COUNT] = NULL;
    if (!is_mlp && strcmp(kind, "linear") && strcmp(kind, "logistic") && strcmp(kind, "softmax"))
        return cmd_fail(c, "no model kind '%s'%s: use linear, logistic, softmax, mlp H1 [H2 ...] [act=NAME] or cnn "
                    "conv=C:K", kind,
                    CMD_DYM(kind, kinds, "model "));
    for (int i = 2; i < argc; i++) {
        char *k, *v;
        long h;
        if (cmd_split_opt(argv[i], &k, &v)) {
            if (strcmp(k, "dropout") == 0) {
                if (!is_mlp)
                    return cmd_fail(c, "a %s model has no hidden layer, so nothing to drop: dropout is for `model mlp "
                                    "H1 [H2 ...] dropout=P`", kind);
                drop_arg = v;
                continue;
            }
            if (strcmp(k, "act") != 0)
                return cmd_fail(c, "unknown option '%s': model takes act=NAME and dropout=P[,P2...]", k);
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
    double drop[NN_MAX_LAYERS] = {0};
    if (drop_arg && parse_dropout(c, drop_arg, nh, drop) != 0)
        return -1;
    int rc = session_build_model_drop(c->s, kind, hidden, nh, act, drop, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, false, c->err);
    const Model *m = c->s->model;
    char shape[256];
    cmd_out(c, "model %s: %s", kind, cmd_model_shape(m, shape, sizeof shape));
    cmd_out(c, "  (%zu parameters", m->n_params);
    if (is_mlp)
        cmd_out(c, ", %s hidden", act_name(act));
    cmd_out(c, ", output through %s)\n", loss_desc(c->s->loss.kind)->link_name);
    if (nn_has_dropout(m)) {
        cmd_out(c, "dropout after");
        for (int k = 0; k < nh; k++)
            if (drop[k] > 0)
                cmd_out(c, " A%d (p=%s)", k + 1, NUM(drop[k]));
        cmd_out(c, " in training steps only (masks M1 ... after `forward`); evaluation and plots use every unit\n");
    }
    cmd_out(c, "loss %s, optimizer %s lr=%s; `params` shows every tensor, `forward` starts the loop\n",
        loss_name(c->s->loss.kind), optim_name(c->s->opt.kind), NUM(c->s->opt.lr));
    if (m->n_params >= MODEL_BIG_PARAMS) { /* say what a large model costs */
        int sizes[NN_MAX_LAYERS + 1] = {nn_inputs(m)};
        for (int k = 0; k < m->n_layers; k++)
            sizes[k + 1] = m->layer[k].n_out;
        char a[32], b[32];
        cmd_out(c, "memory: about %s as it learns (the limit is %s: PARAMLAB_MAX_MEMORY); each step is slow\n",
                util_format_bytes(session_model_bytes(c->s, sizes, m->n_layers), a, sizeof a),
                util_format_bytes((double)util_memory_limit(), b, sizeof b));
    }
    return 0;
}

int cmd_params(CmdCtx *c, int argc, char **argv)
{
    const Model *m = c->s->model;
    if (!m)
        return cmd_fail(c, "no model yet: build one with `model linear` or `model mlp 8`");
    cmd_out(c, "%-7s%-13s%10s  %s\n", "name", "shape", "count", "initializer");
    for (int k = 1; k <= m->n_layers; k++) {
        const Layer *ly = &m->layer[k - 1];
        char name[16], shape[32];
        if (ly->kind == LAYER_CONV) {
            cmd_params_conv(c, k);
            continue;
        }
        snprintf(name, sizeof name, "W%d", k);
        snprintf(shape, sizeof shape, "%d×%d", ly->n_in, ly->n_out);
        cmd_param_row(c, name, shape, (size_t)ly->n_in * (size_t)ly->n_out, init_name(c->s->used_init[2 * (k - 1)]));
        snprintf(name, sizeof name, "b%d", k);
        snprintf(shape, sizeof shape, "%d", ly->n_out);
        cmd_param_row(c, name, shape, (size_t)ly->n_out, init_name(c->s->used_init[2 * (k - 1) + 1]));
    }
    cmd_out(c, "%-7s%-13s%10zu\n", "total", "", m->n_params);
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
    else if (c->s->phase < PHASE_BACKWARD) {
        const LayerDesc *d = layer_desc(&c->s->model->layer[0]); /* dK1 dc1 for a cnn, dW1 db1 else */
        char g[48];
        snprintf(g, sizeof g, "d%c1 d%c1 dZ1 dA1 ...", d->weight, d->bias);
        if (c->s->phase == PHASE_READY)
            cmd_out(c, "(`forward` brings Z1 A1 ... yhat; `loss` the loss; `backward` %s)\n", g);
        else
            cmd_out(c, "(%s the gradients %s)\n",
                    c->s->phase == PHASE_FORWARD ? "`loss` brings loss; `backward`" : "`backward` brings", g);
    }
    return 0;
}

/* ---- completion ---- */

CmdComplete cmd_complete_data(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const gen_opts[] = {"n=", "noise=", "seed=", "classes=", "features=", NULL};
    static const char *const load_opts[] = {"target=", "features=", "drop=", "sep=auto", "sep=,", "sep=;",
                                            "sep=tab", "header=auto", "header=yes", "header=no", "missing=error",
                                            "missing=drop", "missing=mean", "task=regression",
                                            "task=classification", "image=", NULL};
    if (argi == 1) {
        cmd_add_list(data_subs, add, ctx);
        cmd_add_list(data_generators(), add, ctx);
        return COMPLETE_WORDS;
    }
    if (strcmp(w[1], "load") == 0) {
        if (argi == 2)
            return COMPLETE_DATA_FILES;
        cmd_add_list(load_opts, add, ctx);
    } else if (data_generator_about(w[1]) && !data_generator_fixed(w[1])) {
        cmd_add_list(gen_opts, add, ctx);
    } else if (strcmp(w[1], "show") == 0 && argi == 2) {
        add(ctx, "row=");
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

CmdComplete cmd_complete_model(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const kinds[] = {"linear", "logistic", "softmax", "mlp", "cnn", NULL};
    if (argi == 1)
        cmd_add_list(kinds, add, ctx);
    else if (strcmp(w[1], "cnn") == 0)
        return cmd_complete_cnn(c, argi, w, n, add, ctx);
    else if (strcmp(w[1], "mlp") == 0) {
        add_acts(add, ctx);
        add(ctx, "dropout=");
    }
    return COMPLETE_WORDS;
}
