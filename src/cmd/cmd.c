/* cmd.c — the command table and every command's handler. Parsing of words,
 * options (key=value), tensor names and literals happens here; the work is
 * done by the session; results are printed to the context's stream. A
 * command checks all of its input before it changes anything. */
#include "cmd.h"
#include "cmd_hint.h"
#include "cmd_inspect.h"
#include "cmd_lesson.h"
#include "cmd_plot.h"
#include "explain.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#define MAX_WORDS 256

typedef struct Cmd {
    const char *name;
    int min_args, max_args; /* words after the name; -1: no upper bound */
    const char *usage;      /* the syntax, first line of `help NAME` */
    const char *summary;    /* one line for `help` */
    const char *help;       /* the full text */
    int (*run)(CmdCtx *c, int argc, char **argv);
    /* candidates for word argi (1-based) given the words before it */
    CmdComplete (*complete)(Session *s, int argi, char **words, int n,
                            void (*add)(void *, const char *), void *ctx);
} Cmd;

static const Cmd *find_cmd(const char *name);
static int exec_segment(CmdCtx *c, char *seg);
static int check_segment(char *seg, char *err);
static int name_refused(CmdCtx *c, const char *name);
static const Cmd *command_list(void);

/* ---- output helpers ---- */

void cmd_out(CmdCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
}

int cmd_fail(CmdCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

/* One number with the session's precision ("-0" shown as "0"). */
const char *cmd_num(const CmdCtx *c, double v, char *buf, size_t n)
{
    if (v == 0)
        v = 0;
    snprintf(buf, n, "%.*g", c->s->precision, v);
    return buf;
}

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* Splits `key=value`; false when the word has no '='. */
static bool split_opt(char *word, char **key, char **val)
{
    char *eq = strchr(word, '=');
    if (!eq || eq == word)
        return false;
    *eq = '\0';
    *key = word;
    *val = eq + 1;
    return true;
}

static int parse_num(CmdCtx *c, const char *what, const char *s, double *v)
{
    if (!util_parse_double(s, v))
        return cmd_fail(c, "%s must be a finite number (like 0.1 or 1e-3), got '%s'", what, s);
    return 0;
}

static int parse_int(CmdCtx *c, const char *what, const char *s, long lo, long hi, long *v)
{
    if (!util_parse_long(s, lo, hi, v))
        return cmd_fail(c, "%s must be a whole number from %ld to %ld, got '%s'", what, lo, hi, s);
    return 0;
}

/* " (did you mean `PREFIXWORD`?)" for the entry of the NULL-terminated list
 * closest to word (a typo or another case), or "" when none is close. */
static const char *did_you_mean(const char *word, const char *const *list, const char *prefix, char *buf,
                                size_t n)
{
    const char *best = NULL;
    int bd = strlen(word) <= 3 ? 2 : 3;
    for (; *list; list++) {
        int d = strcasecmp(word, *list) == 0 ? 1 : util_edit_distance(word, *list);
        if (d < bd) {
            bd = d;
            best = *list;
        }
    }
    buf[0] = '\0';
    if (best)
        snprintf(buf, n, " (did you mean `%s%s`?)", prefix, best);
    return buf;
}

#define DYM(word, list, prefix) did_you_mean((word), (list), (prefix), (char[128]){0}, 128)

/* Prints the tensor t, abridged past 20 rows or 12 columns, with row and
 * column indices. */
static void print_tensor(CmdCtx *c, const Tensor *t, const char *what)
{
    int rows = t->rows, cols = t->cols;
    cmd_out(c, "%s  ", t->name);
    if (t->vector)
        cmd_out(c, "(%d)", cols);
    else
        cmd_out(c, "(%d×%d)", rows, cols);
    if (what)
        cmd_out(c, "  %s", what);
    cmd_out(c, "\n");
    if (rows == 0 || cols == 0) {
        cmd_out(c, "  (empty)\n");
        return;
    }
    int show_r[32], nr = 0, show_c[32], nc = 0;
    bool cut_r = rows > 20, cut_c = cols > 12;
    for (int i = 0; i < rows; i++)
        if (!cut_r || i < 10 || i >= rows - 5)
            show_r[nr++] = i;
    for (int j = 0; j < cols; j++)
        if (!cut_c || j < 8 || j >= cols - 3)
            show_c[nc++] = j;
    int width = 1;
    char buf[64];
    for (int a = 0; a < nr; a++)
        for (int b = 0; b < nc; b++) {
            int w = (int)strlen(cmd_num(c, t->data[(size_t)show_r[a] * cols + show_c[b]], buf, sizeof buf));
            if (w > width)
                width = w;
        }
    int lw = snprintf(buf, sizeof buf, "%d", rows - 1);
    if (t->vector)
        lw = 0;
    cmd_out(c, "%*s", lw + 2, "");
    for (int b = 0; b < nc; b++) {
        if (cut_c && b == 8)
            cmd_out(c, "  ...");
        cmd_out(c, "  %*d", width, show_c[b]);
    }
    cmd_out(c, "\n");
    for (int a = 0; a < nr; a++) {
        if (cut_r && a == 10)
            cmd_out(c, "%*s  ... %d more rows ...\n", lw, "", rows - 15);
        if (t->vector)
            cmd_out(c, "  ");
        else
            cmd_out(c, "  %*d", lw, show_r[a]);
        for (int b = 0; b < nc; b++) {
            if (cut_c && b == 8)
                cmd_out(c, "  ...");
            cmd_out(c, "  %*s", width, cmd_num(c, t->data[(size_t)show_r[a] * cols + show_c[b]], buf, sizeof buf));
        }
        cmd_out(c, "\n");
    }
    if (cut_c)
        cmd_out(c, "  (%d columns; `export %s FILE.csv` writes them all)\n", cols, t->name);
}

/* What the rows and columns of a named tensor mean, for the heading. */
static const char *tensor_meaning(const Tensor *t)
{
    switch (t->name[0] == 'd' ? t->name[1] : t->name[0]) {
    case 'W': return t->name[0] == 'd' ? "dL/dW: row = input, column = neuron" : "row = input, column = neuron";
    case 'b': return t->name[0] == 'd' ? "dL/db: one per neuron" : "one per neuron";
    case 'Z': return t->name[0] == 'd' ? "dL/dZ: row = sample in the batch, column = neuron"
                                       : "Z = X·W + b: row = sample in the batch, column = neuron";
    case 'A': return t->name[0] == 'd' ? "dL/dA: row = sample in the batch, column = neuron"
                                       : "A = act(Z): row = sample in the batch, column = neuron";
    case 'X': return "current batch: row = sample, column = feature";
    case 'Y': return "current batch: targets";
    case 'y': return "model output after the link: row = sample";
    default: return NULL;
    }
}

int cmd_parse_ref(CmdCtx *c, const char *ref, char *name, size_t n, long *i, long *j)
{
    *i = *j = -1;
    const char *br = strchr(ref, '[');
    size_t len = br ? (size_t)(br - ref) : strlen(ref);
    if (len == 0 || len >= n)
        return cmd_fail(c, "'%s' is not a name; `names` lists what exists now", ref);
    memcpy(name, ref, len);
    name[len] = '\0';
    for (size_t k = 0; k < len; k++)
        if (!isalnum((unsigned char)name[k]))
            return cmd_fail(c, "'%s' is not a name; `names` lists what exists now", ref);
    if (!br)
        return 0;
    const char *close = strchr(br, ']');
    if (!close || close[1] != '\0')
        return cmd_fail(c, "'%s': write an element as NAME[i,j] or NAME[i] (0-based)", ref);
    char idx[64];
    size_t il = (size_t)(close - br - 1);
    if (il == 0 || il >= sizeof idx)
        return cmd_fail(c, "'%s': write an element as NAME[i,j] or NAME[i] (0-based)", ref);
    memcpy(idx, br + 1, il);
    idx[il] = '\0';
    char *comma = strchr(idx, ',');
    if (comma)
        *comma = '\0';
    char *a = idx, *b = comma ? comma + 1 : NULL;
    while (isspace((unsigned char)*a))
        a++;
    while (b && isspace((unsigned char)*b))
        b++;
    for (char *e = a + strlen(a); e > a && isspace((unsigned char)e[-1]);)
        *--e = '\0';
    if (b)
        for (char *e = b + strlen(b); e > b && isspace((unsigned char)e[-1]);)
            *--e = '\0';
    if (!util_parse_long(a, 0, 100000000, i) || (b && !util_parse_long(b, 0, 100000000, j)))
        return cmd_fail(c, "'%s': indices are whole numbers from 0, as in %s[0,1]", ref, name);
    return 0;
}

int cmd_element_index(CmdCtx *c, const Tensor *t, long i, long j, size_t *at)
{
    if (t->vector && j < 0) {
        j = i;
        i = 0;
    }
    if (j < 0) {
        if (t->rows == 1) {
            j = i;
            i = 0;
        } else if (t->cols == 1) {
            j = 0;
        } else {
            return cmd_fail(c, "%s is %d×%d: give both indices, as in %s[%ld,0]", t->name, t->rows, t->cols,
                        t->name, i);
        }
    }
    if (i >= t->rows || j >= t->cols) {
        if (t->vector)
            return cmd_fail(c, "%s has %d values, so its index goes from 0 to %d", t->name, t->cols, t->cols - 1);
        return cmd_fail(c, "%s is %d×%d, so [i,j] needs i from 0 to %d and j from 0 to %d", t->name, t->rows,
                    t->cols, t->rows - 1, t->cols - 1);
    }
    *at = (size_t)i * (size_t)t->cols + (size_t)j;
    return 0;
}

int cmd_ref(CmdCtx *c, const char *ref, Tensor *t, long *at)
{
    char name[32];
    long i, j;
    if (cmd_parse_ref(c, ref, name, sizeof name, &i, &j) != 0)
        return -1;
    if (session_tensor(c->s, name, t, c->err) != 0)
        return name_refused(c, name);
    *at = -1;
    size_t k;
    if (i >= 0) {
        if (cmd_element_index(c, t, i, j, &k) != 0)
            return -1;
        *at = (long)k;
    }
    return 0;
}

/* Shows a name or one element of it. */
static int show_ref(CmdCtx *c, const char *ref)
{
    char name[32];
    long i, j;
    if (cmd_parse_ref(c, ref, name, sizeof name, &i, &j) != 0)
        return -1;
    Tensor t;
    if (session_tensor(c->s, name, &t, c->err) != 0)
        return name_refused(c, name);
    if (i < 0) {
        if (strcmp(name, "loss") == 0) {
            cmd_out(c, "loss = %s\n", NUM(t.data[0]));
            return 0;
        }
        print_tensor(c, &t, tensor_meaning(&t));
        return 0;
    }
    size_t at;
    if (cmd_element_index(c, &t, i, j, &at) != 0)
        return -1;
    cmd_out(c, "%s = %s\n", ref, NUM(t.data[at]));
    return 0;
}

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
        if (!split_opt(argv[i], &k, &v))
            return cmd_fail(c, "unexpected '%s': data %s takes n= noise= seed= classes= features=", argv[i], argv[1]);
        if (strcmp(k, "n") == 0) {
            if (parse_int(c, "n", v, 1, 10000000, &n) != 0)
                return -1;
            o.n = (int)n;
        } else if (strcmp(k, "noise") == 0) {
            if (parse_num(c, "noise", v, &o.noise) != 0)
                return -1;
            if (o.noise < 0)
                return cmd_fail(c, "noise must be 0 or more, got %s", v);
        } else if (strcmp(k, "seed") == 0) {
            if (parse_int(c, "seed", v, 0, 0x7fffffffffffffffL, &n) != 0)
                return -1;
            o.seed = (uint64_t)n;
        } else if (strcmp(k, "classes") == 0) {
            if (parse_int(c, "classes", v, 2, 1000, &n) != 0)
                return -1;
            o.classes = (int)n;
        } else if (strcmp(k, "features") == 0) {
            if (parse_int(c, "features", v, 1, 10000, &n) != 0)
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

static int cmd_data(CmdCtx *c, int argc, char **argv)
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
            if (!split_opt(argv[i], &k, &v))
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
            if (parse_num(c, "the fraction", argv[2], &f) != 0)
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
        if (argc == 3 && parse_int(c, "ROWS", argv[2], 1, 1000000, &rows) != 0)
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
    const char *dym = DYM(sub, words, "data ");
    if (*dym)
        return cmd_fail(c, "no data set called '%s'%s; `help data` lists them", sub, dym);
    return cmd_fail(c, "no data set called '%s': `help data` lists the generators; `data load FILE.csv` reads a file", sub);
}

/* ---- model ---- */

static int cmd_model(CmdCtx *c, int argc, char **argv)
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
                    DYM(kind, kinds, "model "));
    for (int i = 2; i < argc; i++) {
        char *k, *v;
        long h;
        if (split_opt(argv[i], &k, &v)) {
            if (strcmp(k, "act") != 0)
                return cmd_fail(c, "unknown option '%s': model takes act=NAME", k);
            if (!is_mlp)
                return cmd_fail(c, "a %s model has no hidden layer, so no activation: use `model mlp H act=%s`", kind, v);
            if (act_parse(v, &act) != 0)
                return cmd_fail(c, "no activation '%s'%s: use identity, sigmoid, tanh, relu, leaky_relu, elu, softplus or gelu",
                            v, DYM(v, acts, "act="));
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
        if (parse_int(c, "a hidden layer width", argv[i], 1, 100000, &h) != 0)
            return -1;
        hidden[nh++] = (int)h;
    }
    if (is_mlp && nh == 0)
        return cmd_fail(c, "mlp needs the width of at least one hidden layer, as in `model mlp 8` or `model mlp 16 8`");
    int rc = session_build_model(c->s, kind, hidden, nh, act, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, false, c->err);
    const Model *m = c->s->model;
    cmd_out(c, "model %s: %d", kind, nn_inputs(m));
    for (int k = 0; k < m->n_layers; k++)
        cmd_out(c, " → %d", m->layer[k].n_out);
    cmd_out(c, "  (%zu parameters", m->n_params);
    if (is_mlp)
        cmd_out(c, ", %s hidden", act_name(act));
    cmd_out(c, ", output through %s)\n", loss_desc(c->s->loss.kind)->link_name);
    cmd_out(c, "loss %s, optimizer %s lr=%s; `params` shows every tensor, `forward` starts the loop\n",
        loss_name(c->s->loss.kind), optim_name(c->s->opt.kind), NUM(c->s->opt.lr));
    return 0;
}

static int cmd_params(CmdCtx *c, int argc, char **argv)
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
    return parse_num(c, key, v, init_field(ic, key));
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

static int cmd_hypers(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    cmd_out(c, "hyperparameters (what you set; `params` shows what the model learns):\n");
    cmd_out(c, "  %-10s ", "optimizer");
    print_opt(c, &s->opt);
    cmd_out(c, "\n  %-10s %s", "loss", loss_name(s->loss.kind));
    if (loss_desc(s->loss.kind)->has_delta)
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

static int cmd_names(CmdCtx *c, int argc, char **argv)
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

int cmd_opt_options(CmdCtx *c, OptConfig *o, int argc, char **argv)
{
    OptKind kind = o->kind;
    int n;
    const OptHyper *h = optim_hypers(kind, &n);
    for (int i = 0; i < argc; i++) {
        char *k, *v;
        if (!split_opt(argv[i], &k, &v))
            return cmd_fail(c, "unexpected '%s': write options as key=value, as in `set optimizer adam lr=0.01`", argv[i]);
        int f = 0;
        while (f < n && strcmp(h[f].name, k) != 0)
            f++;
        if (f == n) {
            char list[256] = "";
            for (int q = 0; q < n; q++) {
                strncat(list, " ", sizeof list - strlen(list) - 1);
                strncat(list, h[q].name, sizeof list - strlen(list) - 1);
            }
            const char *names[32];
            for (int q = 0; q < n && q < 31; q++)
                names[q] = h[q].name;
            names[n < 31 ? n : 31] = NULL;
            return cmd_fail(c, "%s has no option '%s'%s; it takes:%s", optim_name(kind), k, DYM(k, names, ""), list);
        }
        char *p = (char *)o + h[f].offset;
        if (h[f].is_bool) {
            if (!util_parse_bool(v, (bool *)p))
                return cmd_fail(c, "%s is a switch: on or off, got '%s'", k, v);
        } else if (parse_num(c, k, v, (double *)p) != 0) {
            return -1;
        }
    }
    return 0;
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

static int cmd_set(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const char *what = argv[1];
    long n;
    if (strcmp(what, "plot") == 0)
        return cmd_set_plot(c, argc, argv);
    if (strcmp(what, "optimizer") == 0) {
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
            return cmd_fail(c, "no optimizer '%s'%s: use %s", argv[2], DYM(argv[2], names, "set optimizer "), all);
        }
        return set_optimizer(c, argc, argv, 3, k);
    }
    if (strcmp(what, "loss") == 0) {
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
                        DYM(argv[2], names, "set loss "), all);
        }
        for (int i = 3; i < argc; i++) {
            const char *v = argv[i] + 6;
            if (!loss_desc(l.kind)->has_delta || automatic)
                return cmd_fail(c, "unexpected '%s': only huber takes an option (delta=)", argv[i]);
            if (strncmp(argv[i], "delta=", 6) != 0)
                return cmd_fail(c, "unexpected '%s': huber takes only delta=, as in `set loss huber delta=1`", argv[i]);
            if (parse_num(c, "delta", v, &l.delta) != 0)
                return -1;
            if (!(l.delta > 0))
                return cmd_fail(c, "huber's delta must be greater than 0, got %s", v);
        }
        if (session_set_loss(s, &l, automatic, c->err) != 0)
            return -1;
        cmd_out(c, "loss %s", loss_name(s->loss.kind));
        if (loss_desc(s->loss.kind)->has_delta)
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
            return cmd_fail(c, "no initializer '%s'%s: `help set` lists them", argv[2], DYM(argv[2], inits, "set init "));
        }
        init_defaults(k, &ic);
        for (int i = 3; i < argc; i++) {
            char *key, *v;
            if (!split_opt(argv[i], &key, &v))
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
                       "precision, init, plot and the current optimizer's options", what, DYM(what, names, "set "));
    }
    if (argc != 3)
        return cmd_fail(c, "set %s takes one value, as in `set %s %s`", what, what,
                    strcmp(what, "shuffle") == 0 || (hyper >= 0 && h[hyper].is_bool) ? "on" : "1");
    const char *v = argv[2];
    if (strcmp(what, "lr") == 0) {
        OptConfig o = s->opt;
        if (parse_num(c, "lr", v, &o.lr) != 0)
            return -1;
        bool fresh;
        if (session_set_optimizer(s, &o, &fresh, c->err) != 0)
            return optim_refused(c);
        cmd_out(c, "lr %s (%s)\n", NUM(o.lr), optim_name(o.kind));
        return 0;
    }
    if (strcmp(what, "batch") == 0) {
        if (parse_int(c, "the batch size", v, 1, 1000000, &n) != 0)
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
    if (strcmp(what, "shuffle") == 0) {
        bool b;
        if (!util_parse_bool(v, &b))
            return cmd_fail(c, "shuffle is a switch: on or off, got '%s'", v);
        s->shuffle = b;
        cmd_out(c, "shuffle %s (from the next epoch)\n", b ? "on" : "off");
        return 0;
    }
    if (strcmp(what, "seed") == 0) {
        if (parse_int(c, "the seed", v, 0, 0x7fffffffffffffffL, &n) != 0)
            return -1;
        session_set_seed(s, (uint64_t)n);
        cmd_out(c, "seed %ld (for the next `data`, `model`, `init` and shuffles)\n", n);
        return 0;
    }
    if (strcmp(what, "precision") == 0) {
        if (parse_int(c, "precision", v, 1, 17, &n) != 0)
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

/* ---- the loop ---- */

static void print_position(CmdCtx *c)
{
    Session *s = c->s;
    cmd_out(c, "epoch %ld, batch %d/%d", s->epoch, s->batch_index + 1, session_batches(s));
}

static int cmd_forward(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int rc = session_forward(s, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    const Model *m = s->model;
    cmd_out(c, "forward: ");
    print_position(c);
    cmd_out(c, ", %d rows: X (%d×%d)", s->rows, s->rows, s->data->d);
    for (int k = 1; k <= m->n_layers; k++) {
        if (k < m->n_layers)
            cmd_out(c, " → Z%d, A%d = %s(Z%d) (%d×%d)", k, k, act_name(m->layer[k - 1].act), k, s->rows,
                m->layer[k - 1].n_out);
        else
            cmd_out(c, " → Z%d = logits (%d×%d)", k, s->rows, m->layer[k - 1].n_out);
    }
    cmd_out(c, " → yhat = %s(logits)\n", loss_desc(s->loss.kind)->link_name);
    return 0;
}

static int cmd_loss(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int rc = session_loss(s, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    cmd_out(c, "loss = %s  (%s, mean over the %d rows of batch %d)", NUM(s->loss_value), loss_name(s->loss.kind),
        s->rows, s->batch_index + 1);
    double acc = session_batch_accuracy(s);
    if (!isnan(acc))
        cmd_out(c, "; accuracy on this batch %.1f%%", 100 * acc);
    cmd_out(c, "\n");
    return 0;
}

static int cmd_backward(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int rc = session_backward(s, c->err);
    if (rc != 0 && s->phase < PHASE_BACKWARD)
        return cmd_hint_add(s, rc, true, c->err);
    const Model *m = s->model;
    cmd_out(c, "backward: gradients");
    for (int k = 1; k <= m->n_layers; k++) {
        Mat w = nn_dweight(m, k), b = nn_dbias(m, k);
        cmd_out(c, " dW%d (|dW%d| = %s) db%d (|db%d| = %s)%s", k, k, NUM(mat_norm(w.data, mat_size(&w))), k, k,
            NUM(mat_norm(b.data, mat_size(&b))), k < m->n_layers ? "," : "");
    }
    cmd_out(c, "\n");
    return rc != 0 ? cmd_hint_add(s, rc, true, c->err) : 0;
}

static int cmd_update(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long e = s->epoch, steps = s->steps;
    int rc = session_update(s, c->err);
    if (rc != 0 && (s->steps == steps || !s->model)) /* refused: no step was taken */
        return cmd_hint_add(s, rc, true, c->err);
    const Snapshot *h = session_snapshot(s, 0);
    size_t changed = 0, where = 0;
    double big = -1;
    for (size_t i = 0; h && i < s->model->n_params; i++) {
        double d = fabs(s->model->params[i] - h->params[i]);
        if (d > 0)
            changed++;
        if (d > big) {
            big = d;
            where = i;
        }
    }
    cmd_out(c, "update %ld (%s, lr=%s): %zu of %zu values changed", s->steps, optim_name(s->opt.kind), NUM(s->opt.lr),
        changed, s->model->n_params);
    if (h && changed) {
        char name[48];
        session_param_name(s, where, name, sizeof name);
        cmd_out(c, ", the most %s by %s", name, NUM(s->model->params[where] - h->params[where]));
    }
    cmd_out(c, "; now ");
    print_position(c);
    if (s->epoch != e)
        cmd_out(c, " (epoch %ld done, mean loss %s)", e, NUM(s->last_epoch_loss));
    cmd_out(c, "\n");
    return rc != 0 ? cmd_hint_add(s, rc, true, c->err) : 0;
}

static int cmd_step(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long n = 1;
    if (argc == 2 && parse_int(c, "the number of steps", argv[1], 1, 100000000, &n) != 0)
        return -1;
    long every = n <= 20 ? 1 : n / 10;
    double t0 = util_now();
    for (long i = 1; i <= n; i++) {
        if (c->interrupt && *c->interrupt) {
            cmd_out(c, "%sinterrupted after %ld step%s; the model is consistent at ", c->interactive ? "\n" : "", i - 1,
                i == 2 ? "" : "s");
            print_position(c);
            cmd_out(c, "\n");
            return 1;
        }
        long e = s->epoch;
        int b = s->batch_index;
        int rc = session_step(s, c->err);
        if (rc != 0)
            return cmd_hint_add(s, rc, true, c->err);
        if (i % every == 0 || i == n)
            cmd_out(c, "step %ld  epoch %ld batch %d  loss %s\n", s->steps, e, b + 1, NUM(s->loss_value));
    }
    if (n > 1)
        cmd_out(c, "%ld steps in %.3g s\n", n, util_now() - t0);
    return 0;
}

typedef struct TrainPrint {
    CmdCtx *c;
    long every;  /* print every this many epochs */
    long first;  /* first epoch of this run */
    long last;   /* last epoch of this run */
    double loss; /* training loss of the last epoch */
    double val;  /* validation loss of the last epoch */
} TrainPrint;

static void train_epoch(void *ctx, long epoch, double train_loss, double val_loss)
{
    TrainPrint *p = ctx;
    CmdCtx *c = p->c;
    p->loss = train_loss;
    p->val = val_loss;
    if ((epoch - p->first + 1) % p->every != 0 && epoch != p->last && epoch != p->first)
        return;
    cmd_out(c, "epoch %4ld  loss %s", epoch, NUM(train_loss));
    if (!isnan(val_loss))
        cmd_out(c, "  val %s", NUM(val_loss));
    cmd_out(c, "\n");
    fflush(c->out);
}

static int cmd_train(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long n = 1, steps;
    if (argc == 2 && parse_int(c, "the number of epochs", argv[1], 1, 10000000, &n) != 0)
        return -1;
    TrainPrint p = {c, n <= 20 ? 1 : n / 10, s->epoch, s->epoch + n - 1, NAN, NAN};
    double t0 = util_now();
    int rc = session_train(s, n, train_epoch, &p, &steps, c->err);
    double dt = util_now() - t0;
    if (rc < 0)
        return cmd_hint_add(s, rc, true, c->err);
    if (rc == 1)
        cmd_out(c, "%sinterrupted: stopped at a step boundary, the model consistent; ", c->interactive ? "\n" : "");
    else
        cmd_out(c, "trained %ld epoch%s: ", n, n == 1 ? "" : "s");
    cmd_out(c, "%ld steps in %.3g s (%.0f steps/s)", steps, dt, dt > 0 ? steps / dt : 0.0);
    if (rc == 1) {
        cmd_out(c, "; now ");
        print_position(c);
    } else {
        double acc;
        double tl = session_eval_loss(s, true, &acc);
        cmd_out(c, "; training loss %s", NUM(tl));
        if (!isnan(acc))
            cmd_out(c, ", accuracy %.1f%%", 100 * acc);
        double vl = session_eval_loss(s, false, &acc);
        if (!isnan(vl)) {
            cmd_out(c, "; validation loss %s", NUM(vl));
            if (!isnan(acc))
                cmd_out(c, ", accuracy %.1f%%", 100 * acc);
        }
    }
    cmd_out(c, "\n");
    return rc;
}

static int cmd_init(CmdCtx *c, int argc, char **argv)
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
        } else if (split_opt(argv[i], &key, &v)) {
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
                        argv[i], DYM(argv[i], inits, "init "));
        }
    }
    int rc = session_init(s, &ic, param, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    if (param) /* what the session used: auto means zeros for a bias, He or Xavier for a weight */
        cmd_out(c, "%s re-initialised with %s\n", param,
                init_name(s->used_init[2 * (atoi(param + 1) - 1) + (param[0] == 'b')]));
    else
        cmd_out(c, "every parameter re-initialised (%s weights, zero biases); optimizer state cleared, back to epoch 1, batch 1\n",
            init_name(ic.kind));
    return 0;
}

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
    if (session_tensor(c->s, name, &t, c->err) != 0)
        return name_refused(c, name);
    return i < 0 ? 0 : cmd_element_index(c, &t, i, j, &at);
}

static int cmd_show(CmdCtx *c, int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (check_ref(c, argv[i]) != 0)
            return -1;
    for (int i = 1; i < argc; i++)
        if (show_ref(c, argv[i]) != 0)
            return -1;
    return 0;
}

static int cmd_export(CmdCtx *c, int argc, char **argv)
{
    Tensor t;
    if (strchr(argv[1], '['))
        return cmd_fail(c, "export writes a whole tensor: `export %.*s FILE.csv`", (int)(strchr(argv[1], '[') - argv[1]), argv[1]);
    if (session_tensor(c->s, argv[1], &t, c->err) != 0)
        return -1;
    if (!argv[2][0])
        return cmd_fail(c, "export needs a file name, as in `export %s %s.csv`", t.name, t.name);
    struct stat st;
    bool exists = stat(argv[2], &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return cmd_fail(c, "%s is a directory: give a file name, as in `export %s %s/%s.csv`", argv[2], t.name, argv[2],
                    t.name);
    bool special = exists && !S_ISREG(st.st_mode); /* /dev/stdout, a pipe: write in place */
    size_t len = strlen(argv[2]);
    char *tmp = malloc(len + 16);
    if (!tmp)
        return cmd_fail(c, "out of memory");
    snprintf(tmp, len + 16, special ? "%s" : "%s.tmp", argv[2]);
    FILE *f = fopen(tmp, "w");
    if (!f) {
        cmd_fail(c, "cannot write %s: %s; check that the directory exists and is writable", argv[2], strerror(errno));
        free(tmp);
        return -1;
    }
    for (int i = 0; i < t.rows; i++)
        for (int j = 0; j < t.cols; j++)
            fprintf(f, "%.17g%c", t.data[(size_t)i * t.cols + j], j + 1 < t.cols ? ',' : '\n');
    bool bad = ferror(f) != 0;
    if (fclose(f) != 0 || bad || (!special && rename(tmp, argv[2]) != 0)) {
        cmd_fail(c, "cannot write %s: %s", argv[2], strerror(errno));
        if (!special)
            remove(tmp);
        free(tmp);
        return -1;
    }
    free(tmp);
    cmd_out(c, "wrote %s (%d×%d) to %s with full precision\n", t.name, t.rows, t.cols, argv[2]);
    return 0;
}

static int cmd_predict(CmdCtx *c, int argc, char **argv)
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
        if (parse_num(c, s->data->feature_names[j], argv[j + 1], &x[j]) != 0) {
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
        cmd_out(c, "  → class %d", session_predicted_class(s, y, k));
        if (k == 1 && loss_desc(s->loss.kind)->link == LINK_SIGMOID)
            cmd_out(c, " (probability of class 1: %s)", NUM(y[0]));
    }
    if (s->data->standardized)
        cmd_out(c, "  (input standardized with the training statistics first)");
    cmd_out(c, "\n");
    free(x);
    return 0;
}

/* Parses a literal `[..]` or `[[..],[..]]` into vals (cap values); returns
 * the count of rows and columns found, or -1 with err when malformed. */
static int parse_literal(CmdCtx *c, const char *text, double *vals, size_t cap, int *rows, int *cols)
{
    const char *p = text;
    size_t n = 0;
    int depth = 0, nrows = 0, ncols = -1, rowlen = 0;
    bool two_d = false;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '[')
        return cmd_fail(c, "write a tensor as [v, v, ...] or [[v, v], [v, v]], or one element as NAME[i,j] = v");
    while (*p) {
        if (*p == '[') {
            if (++depth > 2)
                return cmd_fail(c, "too many brackets: a tensor literal has at most two levels, [[..],[..]]");
            if (depth == 2) {
                if (!two_d && rowlen > 0)
                    return cmd_fail(c, "mixed numbers and rows: write [[v, v], [v, v]]");
                two_d = true;
                rowlen = 0;
            }
            p++;
        } else if (*p == ']') {
            if (depth == 2 || (depth == 1 && !two_d)) {
                if (ncols >= 0 && rowlen != ncols)
                    return cmd_fail(c, "rows of different lengths (%d and %d values): every row needs the same count", ncols,
                                rowlen);
                ncols = rowlen;
                nrows++;
                rowlen = 0;
            }
            depth--;
            p++;
            if (depth == 0) {
                while (isspace((unsigned char)*p))
                    p++;
                if (*p)
                    return cmd_fail(c, "unexpected text after the closing bracket: '%s'", p);
                break;
            }
        } else if (*p == ',' || isspace((unsigned char)*p)) {
            p++;
        } else {
            if (depth == 1 && two_d)
                return cmd_fail(c, "mixed numbers and rows: write [[v, v], [v, v]]");
            const char *q = p;
            while (*q && !strchr(",] \t[", *q))
                q++;
            char word[64];
            size_t wl = (size_t)(q - p);
            if (wl >= sizeof word)
                return cmd_fail(c, "'%.20s...' is not a number: write numbers like 0.5 or -1e-3", p);
            memcpy(word, p, wl);
            word[wl] = '\0';
            double v;
            if (!util_parse_double(word, &v))
                return cmd_fail(c, "'%s' is not a finite number: write numbers like 0.5 or -1e-3", word);
            if (n < cap)
                vals[n] = v;
            n++;
            rowlen++;
            p = q;
        }
    }
    if (depth != 0)
        return cmd_fail(c, "unclosed bracket: every [ needs its ]");
    if (n != (size_t)nrows * (size_t)(ncols < 0 ? 0 : ncols))
        return cmd_fail(c, "mixed numbers and rows: write [v, v, ...] or [[v, v], [v, v]]");
    *rows = nrows;
    *cols = ncols < 0 ? 0 : ncols;
    return 0;
}

/* NAME[i,j] = v  or  NAME = literal. */
static int assign(CmdCtx *c, char *lhs, char *rhs)
{
    char name[32];
    long i, j;
    if (cmd_parse_ref(c, lhs, name, sizeof name, &i, &j) != 0)
        return -1;
    Tensor t;
    if (session_tensor(c->s, name, &t, c->err) != 0)
        return -1;
    if (!t.editable)
        return cmd_fail(c, "%s cannot be edited: only parameters (W1, b1, ...) can; %s is computed from them", name, name);
    if (i >= 0) {
        size_t at;
        double v;
        if (cmd_element_index(c, &t, i, j, &at) != 0)
            return -1;
        if (!util_parse_double(rhs, &v))
            return cmd_fail(c, "%s needs a finite number, got '%s'", lhs, rhs);
        double old = t.data[at];
        t.data[at] = v;
        session_params_changed(c->s);
        cmd_out(c, "%s = %s  (was %s)\n", lhs, NUM(v), NUM(old));
        return 0;
    }
    size_t n = (size_t)t.rows * t.cols;
    double *vals = malloc(sizeof(double) * n);
    if (!vals)
        return cmd_fail(c, "out of memory");
    int r = 0, k = 0;
    if (parse_literal(c, rhs, vals, n, &r, &k) != 0) {
        free(vals);
        return -1;
    }
    bool ok = (size_t)r * k == n && (r == t.rows || (t.vector && r == 1)) && k == t.cols;
    if (!ok) {
        free(vals);
        if (t.vector)
            return cmd_fail(c, "%s has %d values, but the literal has %d×%d; write [v, v, ...] with %d numbers", name,
                        t.cols, r, k, t.cols);
        return cmd_fail(c, "%s is %d×%d, but the literal is %d×%d; write %d rows of %d numbers", name, t.rows, t.cols,
                    r, k, t.rows, t.cols);
    }
    memcpy(t.data, vals, sizeof(double) * n);
    free(vals);
    session_params_changed(c->s);
    cmd_out(c, "%s set (%zu value%s)\n", name, n, n == 1 ? "" : "s");
    return 0;
}

/* ---- undo and optimizer state ---- */

static int cmd_undo(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    long n = 1;
    if (argc == 2 && parse_int(c, "the number of updates", argv[1], 1, 1000000, &n) != 0)
        return -1;
    int rc = session_undo(s, (int)n, c->err);
    if (rc != 0)
        return cmd_hint_add(s, rc, true, c->err);
    cmd_out(c, "undid %ld update%s: parameters, optimizer state and position are as they were; now ", n,
        n == 1 ? "" : "s");
    print_position(c);
    cmd_out(c, " (%d more update%s can be undone)\n", s->hist_len, s->hist_len == 1 ? "" : "s");
    return 0;
}

static int cmd_state(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    Tensor t;
    if (session_tensor(s, argv[1], &t, c->err) != 0)
        return -1;
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
        print_tensor(c, &v, optim_slot_symbol(o, k));
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
            print_tensor(c, &v, views[q].about);
        }
        free(buf);
    }
    return 0;
}

/* ---- expect ---- */

/* The value of a quantity expect can check; -1 with err when it has none. */
static int expect_value(CmdCtx *c, const char *what, double *v)
{
    Session *s = c->s;
    double acc;
    if (strcmp(what, "params") == 0) {
        if (!s->model)
            return cmd_fail(c, "params: there is no model yet");
        *v = (double)s->model->n_params;
        return 0;
    }
    if (strcmp(what, "steps") == 0 || strcmp(what, "epoch") == 0) {
        *v = what[0] == 's' ? (double)s->steps : (double)s->epoch;
        return 0;
    }
    if (strcmp(what, "loss") == 0 && s->model && s->phase < PHASE_LOSS) {
        *v = session_eval_loss(s, true, &acc);
        return isnan(*v) ? cmd_fail(c, "loss: there is no data to evaluate") : 0;
    }
    if (strcmp(what, "accuracy") == 0 || strcmp(what, "val_accuracy") == 0 || strcmp(what, "val_loss") == 0) {
        double l = session_eval_loss(s, what[0] != 'v', &acc);
        *v = strcmp(what, "val_loss") == 0 ? l : acc;
        if (isnan(*v))
            return cmd_fail(c, "%s does not exist here: %s", what,
                        !s->model ? "build a model first"
                        : strncmp(what, "val", 3) == 0 && s->data->n_train == s->data->n ? "hold out data with `data split 0.2` first"
                        : "accuracy needs a classification task");
        return 0;
    }
    char name[32];
    long i, j;
    if (cmd_parse_ref(c, what, name, sizeof name, &i, &j) != 0)
        return -1;
    Tensor t;
    if (session_tensor(s, name, &t, c->err) != 0)
        return -1;
    size_t at = 0;
    if (i >= 0) {
        if (cmd_element_index(c, &t, i, j, &at) != 0)
            return -1;
    } else if ((size_t)t.rows * t.cols != 1) {
        return cmd_fail(c, "%s has %d values; expect compares one number, as in %s[0,0]", name, t.rows * t.cols, name);
    }
    *v = t.data[at];
    return 0;
}

/* Reads expect's comparison, number and tol= (argv as for cmd_expect);
 * -1 with err when one is malformed. Also checks lessons before they run. */
static int expect_args(CmdCtx *c, int argc, char **argv, int *op, double *want, double *tol)
{
    static const char *const ops[] = {"<", "<=", ">", ">=", "==", "!=", "~", NULL};
    *op = 0;
    while (ops[*op] && strcmp(ops[*op], argv[2]) != 0)
        ++*op;
    if (!ops[*op])
        return cmd_fail(c, "'%s' is not a comparison: use < <= > >= == != or ~ (with tol=)", argv[2]);
    *tol = 1e-6;
    if (parse_num(c, "the expected value", argv[3], want) != 0)
        return -1;
    if (argc == 5) {
        char *word = argv[4], *eq = strchr(word, '=');
        if (!eq || (size_t)(eq - word) != 3 || strncmp(word, "tol", 3) != 0)
            return cmd_fail(c, "unexpected '%s': expect takes only tol= (with ~)", argv[4]);
        if (parse_num(c, "tol", eq + 1, tol) != 0)
            return -1;
        if (*tol < 0)
            return cmd_fail(c, "tol must be 0 or more, as in tol=1e-3");
    }
    return 0;
}

/* The command of `expect error COMMAND ...` as one line into buf; -1 with
 * err when it is missing, nested or too long. */
static int expect_error_line(CmdCtx *c, int argc, char **argv, char *buf, size_t n)
{
    if (argc < 3)
        return cmd_fail(c, "expect error needs the command that must fail, as in `expect error train 30`");
    if (strcmp(argv[2], "expect") == 0)
        return cmd_fail(c, "expect error takes a command other than expect");
    size_t len = 0;
    buf[0] = '\0';
    for (int i = 2; i < argc; i++) {
        bool space = strpbrk(argv[i], " \t") != NULL;
        int w = snprintf(buf + len, n - len, "%s%s%s%s", i > 2 ? " " : "", space ? "\"" : "", argv[i],
                         space ? "\"" : "");
        if (w < 0 || (size_t)w >= n - len)
            return cmd_fail(c, "the command after expect error is too long");
        len += (size_t)w;
    }
    return 0;
}

/* expect error COMMAND ...: the command must be refused; its message is
 * shown, as a lesson shows an alarm going off. */
static int expect_error(CmdCtx *c, int argc, char **argv)
{
    char line[1024], run[1024];
    if (expect_error_line(c, argc, argv, line, sizeof line) != 0)
        return -1;
    memcpy(run, line, sizeof run); /* exec_segment cuts its copy into words */
    if (exec_segment(c, run) == 0)
        return cmd_fail(c, "expectation failed: `%s` succeeded, expected it to be refused", line);
    cmd_out(c, "ok: `%s` was refused, as expected: %s\n", line, c->err);
    c->err[0] = '\0';
    return 0;
}

static int cmd_expect(CmdCtx *c, int argc, char **argv)
{
    int op;
    double want, tol, v = 0;
    if (strcmp(argv[1], "error") == 0)
        return expect_error(c, argc, argv);
    if (argc > 5)
        return cmd_fail(c, "too many words for expect: expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...");
    if (argc < 4)
        return cmd_fail(c, "expect needs more: expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...");
    if (expect_args(c, argc, argv, &op, &want, &tol) != 0)
        return -1;
    if (expect_value(c, argv[1], &v) != 0)
        return -1;
    bool ok;
    switch (op) {
    case 0: ok = v < want; break;
    case 1: ok = v <= want; break;
    case 2: ok = v > want; break;
    case 3: ok = v >= want; break;
    case 4: ok = v == want; break;
    case 5: ok = v != want; break;
    default: ok = fabs(v - want) <= tol; break;
    }
    char shown[40];
    snprintf(shown, sizeof shown, "%.*g", c->s->precision > 10 ? c->s->precision : 10, v);
    if (!ok) {
        if (op == 6)
            return cmd_fail(c, "expectation failed: %s is %s, expected %s within %g", argv[1], shown, argv[3], tol);
        return cmd_fail(c, "expectation failed: %s is %s, expected %s %s", argv[1], shown, argv[2], argv[3]);
    }
    cmd_out(c, "ok: %s = %s %s %s\n", argv[1], NUM(v), argv[2], argv[3]);
    return 0;
}

/* ---- help and quit ---- */

/* A help text, with what the descriptors say put in for "{optimizers}"
 * (one line of defaults each), "{optimizer names}" and "{loss names}". */
static void help_out(CmdCtx *c, const char *text)
{
    static const char *const marks[] = {"{optimizers}", "{optimizer names}", "{loss names}"};
    for (;;) {
        const char *at = NULL;
        int which = 0;
        for (int q = 0; q < 3; q++) {
            const char *f = strstr(text, marks[q]);
            if (f && (!at || f < at)) {
                at = f;
                which = q;
            }
        }
        if (!at)
            break;
        cmd_out(c, "%.*s", (int)(at - text), text);
        text = at + strlen(marks[which]);
        if (which > 0) {
            char all[256];
            if (which == 1)
                optim_names(all, sizeof all, " ", " ");
            else
                loss_names(all, sizeof all, "|", "|");
            cmd_out(c, "%s", all);
            continue;
        }
        for (int k = 0; k < OPT_COUNT; k++) {
            OptConfig o;
            optim_defaults((OptKind)k, &o);
            int n;
            const OptHyper *h = optim_hypers((OptKind)k, &n);
            cmd_out(c, "    %-8s", optim_name((OptKind)k));
            for (int i = 0; i < n; i++) {
                const char *f = (const char *)&o + h[i].offset;
                if (h[i].is_bool)
                    cmd_out(c, " %s=%s", h[i].name, *(const bool *)(const void *)f ? "on" : "off");
                else
                    cmd_out(c, " %s=%g", h[i].name, *(const double *)(const void *)f);
            }
            cmd_out(c, "\n");
        }
    }
    cmd_out(c, "%s", text);
}

static int cmd_help(CmdCtx *c, int argc, char **argv)
{
    if (argc == 2) {
        const Cmd *cmd = find_cmd(argv[1]);
        if (!cmd) {
            const char *names[64];
            int k = 0;
            for (const Cmd *q = command_list(); q->name && k < 63; q++)
                names[k++] = q->name;
            names[k] = NULL;
            Tensor t;
            if (session_tensor(c->s, argv[1], &t, c->err) == 0 || strncmp(c->err, "unknown name", 12) != 0)
                return cmd_fail(c, "%s is a name, not a command: type `%s` to see it (`help` lists the commands)",
                            argv[1], argv[1]);
            return cmd_fail(c, "no command '%s'%s; `help` lists them all", argv[1], DYM(argv[1], names, "help "));
        }
        cmd_out(c, "%s\n  %s\n\n", cmd->usage, cmd->summary);
        help_out(c, cmd->help);
        cmd_out(c, "\n");
        return 0;
    }
    cmd_out(c, "Commands (`help NAME` for the details of one):\n");
    for (const Cmd *cmd = command_list(); cmd->name; cmd++)
        cmd_out(c, "  %-10s %s\n", cmd->name, cmd->summary);
    cmd_out(c, "\nA name shows a tensor: W1, b1, dW1, Z1, A1, dZ1, dA1, X, Y, yhat, loss; W1[0,2] one element.\n"
           "W1[0,2] = 0.5 edits one number; b1 = [0, 0.1] replaces a whole tensor.\n"
           "Start with: data moons; model mlp 8; forward; loss; backward; update\n");
    return 0;
}

static int cmd_quit(CmdCtx *c, int argc, char **argv)
{
    c->quit = true;
    return 0;
}

/* ---- completion helpers ---- */

typedef void (*AddFn)(void *, const char *);

static void add_list(const char *const *list, AddFn add, void *ctx)
{
    for (; *list; list++)
        add(ctx, *list);
}

static CmdComplete complete_data(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    static const char *const subs[] = {"load", "split", "standardize", "show", NULL};
    static const char *const gen_opts[] = {"n=", "noise=", "seed=", "classes=", "features=", NULL};
    static const char *const load_opts[] = {"target=", "header=auto", "header=yes", "header=no", NULL};
    if (argi == 1) {
        add_list(subs, add, ctx);
        add_list(data_generators(), add, ctx);
        return COMPLETE_WORDS;
    }
    if (strcmp(w[1], "load") == 0) {
        if (argi == 2)
            return COMPLETE_FILES;
        add_list(load_opts, add, ctx);
    } else if (data_generator_about(w[1])) {
        add_list(gen_opts, add, ctx);
    }
    return COMPLETE_WORDS;
}

static void add_acts(AddFn add, void *ctx)
{
    char buf[32];
    for (int a = 0; a < ACT_COUNT; a++) {
        snprintf(buf, sizeof buf, "act=%s", act_name((Act)a));
        add(ctx, buf);
    }
}

static CmdComplete complete_model(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    static const char *const kinds[] = {"linear", "logistic", "softmax", "mlp", NULL};
    if (argi == 1)
        add_list(kinds, add, ctx);
    else if (strcmp(w[1], "mlp") == 0)
        add_acts(add, ctx);
    return COMPLETE_WORDS;
}

static void add_inits(AddFn add, void *ctx)
{
    for (int k = 0; k < INIT_COUNT; k++)
        add(ctx, init_name((InitKind)k));
}

static void add_init_opts(const char *kind, AddFn add, void *ctx)
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

static void add_opt_hypers(OptKind k, bool eq, AddFn add, void *ctx)
{
    int nh;
    char buf[48];
    const OptHyper *h = optim_hypers(k, &nh);
    for (int i = 0; i < nh; i++) {
        snprintf(buf, sizeof buf, "%s%s", h[i].name, eq ? "=" : "");
        add(ctx, buf);
    }
}

static CmdComplete complete_set(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    static const char *const what[] = {"loss", "optimizer", "lr", "batch", "shuffle", "seed", "precision", "init",
                                       "plot", NULL};
    static const char *const onoff[] = {"on", "off", NULL};
    static const char *const targets[] = {"window", "terminal", "png", "svg", NULL};
    if (argi == 1) {
        add_list(what, add, ctx);
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
            add_list(targets, add, ctx);
        else
            add(ctx, "file=");
    } else if (argi == 2 && strcmp(w[1], "shuffle") == 0) {
        add_list(onoff, add, ctx);
    } else if (argi == 2) {
        int nh;
        const OptHyper *h = optim_hypers(s->opt.kind, &nh);
        for (int i = 0; i < nh; i++)
            if (h[i].is_bool && strcmp(h[i].name, w[1]) == 0)
                add_list(onoff, add, ctx);
    }
    return COMPLETE_WORDS;
}

typedef struct AddTo {
    AddFn add; /* where candidates go */
    void *ctx; /* its context */
} AddTo;

static void add_param(void *ctx, const char *name)
{
    AddTo *to = ctx;
    if (name[0] == 'W' || name[0] == 'b')
        to->add(to->ctx, name);
}

static CmdComplete complete_init(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    add_inits(add, ctx);
    if (argi > 1)
        add_init_opts(w[argi - 1], add, ctx);
    AddTo to = {add, ctx};
    session_names(s, add_param, &to);
    return COMPLETE_WORDS;
}

static CmdComplete complete_names(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    session_names(s, add, ctx);
    return COMPLETE_WORDS;
}

static CmdComplete complete_export(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    if (argi == 2)
        return COMPLETE_FILES;
    session_names(s, add, ctx);
    return COMPLETE_WORDS;
}

static CmdComplete complete_help(Session *s, int argi, char **w, int n, AddFn add, void *ctx)
{
    for (const Cmd *cmd = command_list(); cmd->name; cmd++)
        add(ctx, cmd->name);
    return COMPLETE_WORDS;
}

/* ---- the table ---- */

static const Cmd commands[] = {
    {"help", 0, 1, "help [COMMAND]", "list the commands, or explain one",
     "Without a name, lists every command with a one-line summary. With one,\n"
     "shows its syntax, options and an example.", cmd_help, complete_help},
    {"data", 0, -1, "data NAME [n=N] [noise=X] [seed=S] [classes=K] [features=D] | data load FILE.csv | data split F | data standardize | data show [ROWS]",
     "make, load, split, standardize or show the data",
     "Generators (n= rows, noise=, seed= default the session seed):\n"
     "  line     y = 2x + 1 + noise: learn a slope and an intercept (regression)\n"
     "  plane    y = x1 - 2 x2 + ... + 0.5 + noise (regression; features=D)\n"
     "  sine     y = sin(x) + noise on [-pi, pi] (regression)\n"
     "  xor, circles, moons, spirals, gauss   2-D two-class problems\n"
     "  blobs    K Gaussian clusters (classes=K, features=D)\n"
     "data load FILE.csv [target=COL[,COL...]] [header=auto|yes|no]\n"
     "  A numeric CSV. target= names columns by header or 0-based index (default:\n"
     "  the last). Integer labels in one target column make a classification task.\n"
     "  A broken file is refused with FILE:LINE and the data already loaded stays.\n"
     "data split 0.2       hold out 20% of the rows for validation (shuffled with the seed)\n"
     "data standardize     zero mean, unit variance, from the training rows\n"
     "data                 summary: rows, features, targets, task, split\n"
     "data show [ROWS]     the first rows (default 10)\n"
     "Example: data moons n=300 noise=0.2", cmd_data, complete_data},
    {"model", 1, -1, "model linear | logistic | softmax | mlp H1 [H2 ...] [act=NAME]",
     "build a model sized from the data",
     "linear     one dense layer (regression, or raw scores for classes)\n"
     "logistic   one dense layer, one output, for two classes (bce loss)\n"
     "softmax    one dense layer, one output per class (ce loss)\n"
     "mlp H1 H2  hidden layers of those widths, then the output layer\n"
     "act=NAME   hidden activation: identity, sigmoid, tanh, relu (default),\n"
     "           leaky_relu (slope 0.01), elu (alpha 1), softplus (beta 1), gelu (erf form)\n"
     "The last layer is linear (logits); the loss supplies the link: mse identity,\n"
     "bce sigmoid, ce softmax. Layer k computes Z = X·W + b, A = act(Z); Wk is\n"
     "(inputs × outputs). Parameters start from `set init` (default auto: He before\n"
     "relu-like layers, Xavier otherwise; biases zero) and the optimizer starts fresh.\n"
     "Example: model mlp 16 8 act=tanh", cmd_model, complete_model},
    {"params", 0, 0, "params", "table of parameters: name, shape, count, initializer, total",
     "Every parameter tensor with its shape, how many numbers it holds and how\n"
     "it was initialised. A dense 10→5 layer is W 10×5 = 50 plus b 5: 55.", cmd_params, NULL},
    {"hypers", 0, 0, "hypers", "every hyperparameter and its value",
     "Hyperparameters are what you choose (optimizer and its settings, loss, batch\n"
     "size, shuffling, seed, initializer, architecture); parameters are what the\n"
     "model learns (`params`).", cmd_hypers, NULL},
    {"names", 0, 0, "names", "every inspectable name that exists right now",
     "Lists X Y and, with a model, W1 b1 ...; after forward Z1 A1 ... yhat;\n"
     "after loss: loss; after backward the gradients dW1 db1 dZ1 dA1 ...", cmd_names, NULL},
    {"set", 1, -1, "set loss|optimizer|lr|batch|shuffle|seed|precision|init|plot ...", "choose a hyperparameter",
     "set loss {loss names}|auto [delta=1.0]\n"
     "set optimizer NAME [key=value ...]   defaults are PyTorch 1.13's:\n"
     "{optimizers}"
     "  A new optimizer starts with fresh state; naming the current one again keeps\n"
     "  its state and changes only the options given.\n"
     "set lr X | set momentum X | set OPTION X   one option of the current optimizer\n"
     "set batch N          mini-batch size (default 32); the epoch starts over\n"
     "set shuffle on|off   reshuffle the training rows each epoch (default off)\n"
     "set seed N           seed for data, initializers and shuffling (default 42)\n"
     "set precision N      significant digits shown (default 6)\n"
     "set init NAME [options]   initializer for `model` and `init`:\n"
     "    auto, zeros, ones, constant value=, uniform a= b=, normal mean= std=,\n"
     "    xavier_uniform gain=, xavier_normal gain=, he_uniform, he_normal,\n"
     "    lecun_normal, orthogonal gain=   (fan_in = inputs, fan_out = outputs)\n"
     "set plot window|terminal|png|svg [file=NAME]   where pictures go (`help plot`)",
     cmd_set, complete_set},
    {"forward", 0, 0, "forward", "run the current mini-batch through the model",
     "Computes Zk = A(k-1)·Wk + bk and Ak = act(Zk) for every layer, then yhat,\n"
     "the output through the loss's link. Then: `loss`.", cmd_forward, NULL},
    {"loss", 0, 0, "loss", "the loss of the current batch (needs forward)",
     "Compares yhat with Y using the loss in force (mean over the batch, as\n"
     "PyTorch's reduction='mean'). Then: `backward`.", cmd_loss, NULL},
    {"backward", 0, 0, "backward", "gradients of the loss for every parameter (needs loss)",
     "Backpropagation: fills dW1 db1 ... and dZ1 dA1 ... for the current batch.\n"
     "Then: `update`.", cmd_backward, NULL},
    {"update", 0, 0, "update", "one optimizer step (needs backward); then the next batch",
     "Applies the optimizer to every parameter with its gradient, then makes the\n"
     "next mini-batch current (a new epoch after the last one).", cmd_update, NULL},
    {"step", 0, 1, "step [N]", "N whole iterations: forward, loss, backward, update",
     "Runs N iterations (default 1) from wherever the current batch stands and\n"
     "prints the loss of each. Ctrl-C stops at the next step boundary.", cmd_step, NULL},
    {"train", 0, 1, "train [N]", "N epochs; prints the loss as it goes, then time and steps/s",
     "Trains until N epochs have finished (an epoch already started counts as the\n"
     "first), printing the mean training loss per epoch (and the validation loss\n"
     "after `data split`), compactly for many epochs. Ctrl-C stops at the next step\n"
     "boundary with the model consistent.", cmd_train, NULL},
    {"init", 0, 3, "init [NAME [key=value]] [PARAM]", "re-initialise all parameters, or one",
     "init                  every parameter again from `set init` (optimizer state\n"
     "                      cleared, back to epoch 1 batch 1)\n"
     "init he_normal        every weight with that initializer, biases zero\n"
     "init normal std=0.1 W1   one tensor only\n"
     "init ones b2", cmd_init, complete_init},
    {"show", 1, -1, "show NAME | NAME[i,j] | NAME[i]", "print a tensor or one element",
     "Names: W1 b1 ... (parameters), dW1 db1 ... (gradients), Z1 A1 dZ1 dA1 ...\n"
     "(this batch), X Y (the batch), yhat, loss. Indices are 0-based; layers count\n"
     "from 1. A bare name does the same: `W1`, `dW1[0,2]`.", cmd_show, complete_names},
    {"export", 2, 2, "export NAME FILE.csv", "write a tensor as CSV with full precision",
     "One line per row, values with 17 significant digits (%.17g), so the file\n"
     "reads back exactly.", cmd_export, complete_export},
    {"predict", 1, -1, "predict X1 X2 ...", "the model's output for one input",
     "Give one number per feature, in the data's own units (standardization is\n"
     "applied for you). Prints yhat and, for classes, the predicted class.", cmd_predict, NULL},
    {"undo", 0, 1, "undo [N]", "put the model back as it was N updates ago (default 1)",
     "Restores the parameters, the optimizer's state, the step and epoch counters\n"
     "and the position in the data as they were before the last N updates, so the\n"
     "next `step` repeats exactly. The last 1000 updates are kept (fewer for a\n"
     "model so large that they would pass 256 MB). A new model, optimizer, batch\n"
     "size or data starts the history afresh.", cmd_undo, NULL},
    {"state", 1, 1, "state PARAM", "the optimizer's state for a parameter, named as in its formula",
     "Shows what the optimizer remembers for one parameter tensor: sgd's momentum\n"
     "buffer, adagrad's sum of squared gradients, rmsprop's square_avg (and grad_avg,\n"
     "momentum buffer), adadelta's square_avg and acc_delta, adam's m and v (v_max\n"
     "with amsgrad) with their bias-corrected values, adamax's exp_inf, nadam's\n"
     "mu_product, and the step count.\n"
     "Example: set optimizer adam; step 3; state W1", cmd_state, complete_names},
    {"gradcheck", 0, 1, "gradcheck [PARAM]", "check every gradient against central differences",
     "For each parameter p, compares backward's dL/dp with the difference quotient\n"
     "(L(p+h) - L(p-h)) / 2h on the current batch (h = 1e-6), and prints per tensor\n"
     "the largest absolute and relative error and a verdict: ok when the relative\n"
     "error stays below 1e-5 (gradients under 1e-3 are compared absolutely; the\n"
     "output states h, the threshold and that floor). A tensor of more than 100\n"
     "numbers is checked at a fixed random sample of 100. Where a relu/leaky_relu\n"
     "pre-activation changes sign between p-h and p+h, or a loss kink lies there\n"
     "(hinge margin 1 - y'f at 0, mae residual at 0, huber |f - y| at delta), the\n"
     "quotient means nothing: such elements are listed as skipped, not failed.\n"
     "Works in any phase on a copy of the model: nothing in the session changes.\n"
     "PARAM (W1, b2 ...) checks one tensor and lists its elements. Ctrl-C stops it.\n"
     "Example: data moons; model mlp 8; gradcheck      gradcheck W1",
     cmd_gradcheck, cmd_complete_param},
    {"diagnose", 0, 0, "diagnose", "per layer: activations, dead/saturated units, gradients, update ratio",
     "Runs the current batch through a copy of the model and prints per layer: the\n"
     "mean and spread of its activations, dead relu units (Z <= 0 for every sample)\n"
     "and saturated sigmoid/tanh units (flat part for most samples), |dWk|, |Wk| and\n"
     "the update-to-weight ratio |ΔWk|/|Wk| of the last update (before any update:\n"
     "lr·|dWk|/|Wk|, what sgd would do). Then one line per finding: vanishing or\n"
     "exploding gradients, many dead or saturated units, identical units (the\n"
     "symmetry problem after `set init zeros`), an update ratio far from ~1e-3\n"
     "(learning rate too high or too low), with what to try. Nothing in the session\n"
     "changes.\n"
     "Example: model mlp 32 32 32 32 act=sigmoid; step 5; diagnose",
     cmd_diagnose, NULL},
    {"explain", 1, -1, "explain NAME[i,j]", "how one number is made: its gradient and its update, formula first",
     "For a weight or bias after `backward` (W1[0,1], b2[0]): its gradient written out\n"
     "as the sum over the batch, dW[i,j] = Σ_b X[b,i]·dZ[b,j] (A of the layer before for\n"
     "layers > 1), and where dZ comes from (the loss's derivative at the logits, or the\n"
     "layer above through W and act'); then the optimizer's update of that one number,\n"
     "its formula and then this step's numbers (state such as m and v, bias corrections,\n"
     "the new value). Before `update` it is the step `update` will take; after it, the\n"
     "step that was taken. The numbers are the session's, as `show` prints them.\n"
     "  explain Z1[b,j] | A1[b,j]    Z = X·W + b of sample b written out, then A = act(Z)\n"
     "  explain dZ1[b,j] | dA1[b,j]  where that gradient of sample b comes from\n"
     "  explain yhat[b,j]            the output through the loss's link\n"
     "  explain loss[b] | loss       one sample's loss, and how the batch's mean is formed\n"
     "Long sums are abridged; a note says what the terms left out add up to.\n"
     "Example: set optimizer adam; forward; loss; backward; explain W1[0,1]; update; explain W1[0,1]",
     explain_cmd, complete_names},
    {"plot", 0, -1, "plot loss|boundary|fit|surface P1 P2|hist NAME|grads|off", "draw the model learning with gnuplot",
     "plot loss [log]      training loss per update, the epoch mean, and validation\n"
     "                     loss when there is a split (`data split 0.2`)\n"
     "plot boundary        2-D classification: decision regions (paler where the model\n"
     "                     is less sure) with the training points by class\n"
     "plot fit             1-D regression: the model's curve over the data\n"
     "plot surface P1 P2 [range=R] [grid=N] [style=heat|contour]\n"
     "                     training loss over a grid of two parameter elements\n"
     "                     (as in W1[0,0] b1[0]), every other parameter fixed, with\n"
     "                     the path they took over the updates `undo` keeps\n"
     "plot hist NAME       histogram of a tensor: W1, dW1, Z1, A1 ...\n"
     "plot grads           gradient norm of every layer per update (log scale):\n"
     "                     vanishing gradients fall toward 0, exploding ones grow\n"
     "plot off             stop redrawing; `plot` alone says what is live\n"
     "A picture you asked for is redrawn as the model learns: in a window after every\n"
     "change and up to ten times a second while `train` runs; in the terminal and in\n"
     "files when `step` or `train` ends. `set plot` chooses where pictures go: a\n"
     "window (when there is a display), the terminal (gnuplot's dumb terminal, sized\n"
     "to the window), or png/svg files (file=NAME; default KIND.png, as in loss.png).\n"
     "Needs gnuplot (`sudo apt-get install gnuplot`); without it everything else works.\n"
     "Examples: plot loss log    plot boundary    plot surface W1[0,0] W1[1,0] range=3",
     cmd_plot, cmd_complete_plot},
    {"compare", 1, -1, "compare optimizer NAME NAME ... [epochs=N] [lr=X]", "race optimizers from the same start",
     "Copies of the current model train side by side from the same parameters over\n"
     "the same batches, one copy per optimizer; your own model is left as it was.\n"
     "Prints a table (loss at start, final training loss, validation loss when there\n"
     "is a split, accuracy) and draws every training-loss curve on one chart.\n"
     "NAME is an optimizer with PyTorch's defaults:\n"
     "  {optimizer names}\n"
     "or momentum (sgd momentum=0.9), nesterov (sgd momentum=0.9 nesterov=on), with\n"
     "options after commas: adam,lr=0.01  rmsprop,alpha=0.9.\n"
     "epochs=N (default 20); lr=X sets every racer's learning rate first.\n"
     "Example: compare optimizer sgd momentum nesterov adam epochs=30 lr=0.05",
     cmd_compare, cmd_complete_compare},
    {"expect", 2, -1, "expect VALUE OP NUMBER [tol=X] | expect error COMMAND ...",
     "check a number, or that a command is refused; a failed check is an error",
     "VALUE is loss (this batch's after `loss`, otherwise over the training rows),\n"
     "params (the count), accuracy, val_loss, val_accuracy, steps, epoch, or one\n"
     "element such as W1[0,1]. OP is < <= > >= == != or ~ (equal within tol=,\n"
     "default 1e-6). In scripts and lessons a failed expect stops with FILE:LINE.\n"
     "expect error COMMAND ... runs the command and checks that it is refused (an\n"
     "alarm a lesson wants to show, such as divergence); its message is printed.\n"
     "Examples: expect params == 55    expect loss < 0.05    expect W1[0,1] ~ 0.37 tol=1e-3\n"
     "          expect error train 30",
     cmd_expect, NULL},
    {"lesson", 0, 1, "lesson [N | FILE.md]", "list the lessons, or start lesson N",
     "Without a number, lists the lessons (and, during one, where you are). `lesson N`\n"
     "or `lesson FILE.md` starts one in a fresh session: its text, then its first block\n"
     "of commands, run with their output. Between blocks the prompt is yours: try\n"
     "anything. Enter on an empty line (or `next`) goes on; `redo` runs the block\n"
     "again from the state it started from. The lessons are ./lessons, else the\n"
     "installed ones.\n"
     "Example: lesson 1", cmd_lesson, cmd_complete_lesson},
    {"next", 0, 0, "next", "the lesson's next part: its text, then its block (also Enter)",
     "During a lesson: shows the text up to the next block of commands and runs\n"
     "that block. An empty line does the same. After the last block it ends the\n"
     "lesson and says how to start another.", cmd_next, NULL},
    {"redo", 0, 0, "redo", "run the lesson's current block again, from the state it started from",
     "During a lesson: rebuilds the session as it was when the current block began\n"
     "(by replaying the lesson up to there in a fresh session, silently) and runs the\n"
     "block again. What you tried since is gone, so it is the way back when an\n"
     "experiment broke the model.", cmd_redo, NULL},
    {"run", 1, 1, "run FILE", "run a lesson (.md) or a script of commands inside this session",
     "A script (.plab, or what `record` wrote) runs line by line; a lesson (.md) runs\n"
     "every block straight through: `pause` does not wait and `ask` is answered with\n"
     "its recorded answer. Each command is shown as it runs. The first failing\n"
     "command stops it with FILE:LINE and the message. `data load` in the file also\n"
     "looks beside the file. Files may run files, up to 8 deep.\n"
     "Example: run lessons/01-parameters.md      run my-session.plab", cmd_run, cmd_complete_file},
    {"record", 1, 1, "record FILE | record stop", "write what succeeds, from the start, as a script for `run`",
     "record FILE writes every command that has succeeded since the session began\n"
     "(lesson blocks and `run` included; help, lesson, next, redo, run, ask and\n"
     "pause left out), then adds each further one as it succeeds, so `run FILE` in a\n"
     "fresh session replays it to the same state. A `train` or `step` stopped by\n"
     "Ctrl-C is written as `step N`, the steps it took. `record stop` closes the file\n"
     "and says how many commands it holds. Starting a lesson (or `redo`) begins a\n"
     "fresh session, and the file starts over with it.\n"
     "Example: record my-session.plab ... record stop", cmd_record, cmd_complete_file},
    {"ask", 2, -1, "ask \"QUESTION\" ANSWER", "ask the learner a question (in lessons)",
     "Shows the question and reads one answer: a number counts as right within a\n"
     "relative 1e-9, text when it matches ignoring case and surrounding spaces.\n"
     "ANSWER is the rest of the line and may list alternatives separated by |, as\n"
     "in less|less likely. Right or wrong, the reply is short and gives the answer.\n"
     "Where no one can answer (--check, run, batch) it prints the question and its\n"
     "answer and goes on.\n"
     "Example: ask \"How many parameters does a dense 10->5 layer have?\" 55", cmd_ask, NULL},
    {"pause", 0, 0, "pause", "wait for Enter (in lessons)",
     "Waits until the learner presses Enter, so a block can be taken in steps.\n"
     "Where no one can answer (--check, run, batch) it does nothing.", cmd_pause, NULL},
    {"quit", 0, 0, "quit", "leave paramlab (also Ctrl-D)", "Leaves paramlab.", cmd_quit, NULL},
    {NULL, 0, 0, NULL, NULL, NULL, NULL, NULL},
};

static const Cmd *command_list(void)
{
    return commands;
}

static const Cmd *find_cmd(const char *name)
{
    for (const Cmd *cmd = commands; cmd->name; cmd++)
        if (strcmp(cmd->name, name) == 0)
            return cmd;
    if (strcmp(name, "exit") == 0)
        return find_cmd("quit");
    return NULL;
}

/* ---- dispatch ---- */

/* Splits s into words in place: whitespace separates, "..." groups. */
static int tokenize(CmdCtx *c, char *s, char **words, int *n)
{
    *n = 0;
    while (*s) {
        while (isspace((unsigned char)*s))
            s++;
        if (!*s)
            break;
        if (*n == MAX_WORDS)
            return cmd_fail(c, "too many words on one line (at most %d)", MAX_WORDS);
        if (*s == '"') {
            char *end = strchr(s + 1, '"');
            if (!end)
                return cmd_fail(c, "unclosed quote: a \" needs its closing \"");
            *end = '\0';
            words[(*n)++] = s + 1;
            s = end + 1;
            continue;
        }
        words[(*n)++] = s;
        while (*s && !isspace((unsigned char)*s))
            s++;
        if (*s)
            *s++ = '\0';
    }
    return 0;
}

typedef struct Suggest {
    const char *word;
    const char *best;
    char best_buf[32];
    int dist;
} Suggest;

static void consider(void *ctx, const char *cand)
{
    Suggest *g = ctx;
    int d = strcasecmp(g->word, cand) == 0 ? 1 : util_edit_distance(g->word, cand);
    if (d < g->dist) {
        g->dist = d;
        snprintf(g->best_buf, sizeof g->best_buf, "%s", cand);
        g->best = g->best_buf;
    }
}

/* session_tensor refused name (c->err says why): adds the closest name
 * that exists when name was a typo or a layer the model lacks. Returns -1. */
static int name_refused(CmdCtx *c, const char *name)
{
    if (strncmp(c->err, "unknown name", 12) != 0 && !strstr(c->err, "layer numbers go from"))
        return -1;
    Suggest g = {name, NULL, "", strlen(name) <= 3 ? 2 : 3};
    session_names(c->s, consider, &g);
    if (g.best && strcmp(g.best, name) != 0) {
        size_t l = strlen(c->err);
        snprintf(c->err + l, ERR_LEN - l, " (did you mean `%s`?)", g.best);
    }
    return -1;
}

static int unknown_word(CmdCtx *c, const char *word)
{
    if (word[0] == '=')
        return cmd_fail(c, "an assignment needs a name on the left, as in `W1[0,0] = 0.5` or `b1 = [0, 0]`");
    if (!isalpha((unsigned char)word[0]))
        return cmd_fail(c, "'%s' is not a command: a command or a name starts with a letter (`help` lists every "
                       "command, `names` every name)", word);
    Suggest g = {word, NULL, "", strlen(word) <= 3 ? 2 : 3};
    for (const Cmd *cmd = commands; cmd->name; cmd++)
        consider(&g, cmd->name);
    session_names(c->s, consider, &g);
    static const char *const known[] = {"W1", "b1", "dW1", "db1", "Z1", "A1", "dZ1", "dA1", "yhat", NULL};
    for (const char *const *k = known; *k; k++)
        consider(&g, *k);
    if (g.best)
        return cmd_fail(c, "unknown command '%s'; did you mean `%s`? (`help` lists every command)", word, g.best);
    return cmd_fail(c, "unknown command '%s'; `help` lists every command, `names` every name", word);
}

/* True when the segment is NAME = ... or NAME[i,j] = ... */
static bool is_assignment(const char *seg, const char **eq)
{
    const char *p = seg;
    while (isspace((unsigned char)*p))
        p++;
    if (!isalpha((unsigned char)*p))
        return false;
    while (isalnum((unsigned char)*p))
        p++;
    const char *name_end = p;
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '[')
        p = name_end;
    if (*p == '[') {
        const char *close = strchr(p, ']');
        if (!close)
            return false;
        p = close + 1;
    }
    while (isspace((unsigned char)*p))
        p++;
    if (*p != '=')
        return false;
    *eq = p;
    return true;
}

static int exec_segment(CmdCtx *c, char *seg)
{
    const char *eq;
    if (is_assignment(seg, &eq)) {
        char *e = seg + (eq - seg);
        *e = '\0';
        char *lhs = seg, *rhs = e + 1;
        while (isspace((unsigned char)*lhs))
            lhs++;
        for (char *t = lhs + strlen(lhs); t > lhs && isspace((unsigned char)t[-1]);)
            *--t = '\0';
        while (isspace((unsigned char)*rhs))
            rhs++;
        for (char *t = rhs + strlen(rhs); t > rhs && isspace((unsigned char)t[-1]);)
            *--t = '\0';
        /* NAME [i,j] written with a space: join */
        char joined[64];
        char *sp = strchr(lhs, ' ');
        if (sp) {
            size_t a = (size_t)(sp - lhs);
            const char *rest = sp;
            while (isspace((unsigned char)*rest))
                rest++;
            if (a + strlen(rest) + 1 > sizeof joined)
                return cmd_fail(c, "'%s' is not a name", lhs);
            snprintf(joined, sizeof joined, "%.*s%s", (int)a, lhs, rest);
            lhs = joined;
        }
        if (strcmp(lhs, "loss") == 0)
            return cmd_fail(c, "loss is computed from the model and cannot be edited; `set loss NAME` chooses the loss "
                           "function");
        if (find_cmd(lhs))
            return cmd_fail(c, "'%s' is a command; to choose a hyperparameter use `set`, as in `set lr 0.1`", lhs);
        static const char *const hypers[] = {"lr", "batch", "shuffle", "seed", "precision", "optimizer", "init",
                                             "momentum", "beta1", "beta2", "eps", "weight_decay", NULL};
        for (const char *const *h = hypers; *h; h++)
            if (strcmp(lhs, *h) == 0)
                return cmd_fail(c, "%s is a hyperparameter: set it with `set %s %s`", lhs, lhs,
                            *rhs && !strpbrk(rhs, " \t=") ? rhs : "VALUE");
        int rc = assign(c, lhs, rhs);
        cmd_plot_after(c, "=", rc);
        return rc;
    }
    char *words[MAX_WORDS];
    int n;
    if (tokenize(c, seg, words, &n) != 0)
        return -1;
    if (n == 0)
        return 0;
    const Cmd *cmd = find_cmd(words[0]);
    if (!cmd) {
        /* a bare name or element prints it */
        char name[32];
        size_t nl = strcspn(words[0], "[");
        bool is_name = nl > 0 && nl < sizeof name;
        if (is_name) {
            Tensor t;
            memcpy(name, words[0], nl);
            name[nl] = '\0';
            /* a name that exists, or is known but absent, explains itself */
            is_name = session_tensor(c->s, name, &t, c->err) == 0 || strncmp(c->err, "unknown name", 12) != 0;
        }
        if (is_name && n == 1) {
            if (show_ref(c, words[0]) == 0)
                return 0;
            /* W11 on a two-layer model: the layer is out of range, offer the nearest name */
            Suggest g = {name, NULL, "", 2};
            session_names(c->s, consider, &g);
            if (strstr(c->err, "layer numbers go from") && g.best && !strstr(c->err, "did you mean")) {
                size_t len = strlen(c->err);
                snprintf(c->err + len, ERR_LEN - len, "; did you mean `%s`?", g.best);
            }
            return -1;
        }
        if (is_name)
            return cmd_fail(c, "%s is a name, not a command: `%s` shows it, `show %s ...` several, `%s[i,j] = v` "
                           "edits one number", name, name, name, name);
        return unknown_word(c, words[0]);
    }
    int argc = n - 1;
    if (argc < cmd->min_args || (cmd->max_args >= 0 && argc > cmd->max_args)) {
        if (argc < cmd->min_args)
            return cmd_fail(c, "%s needs more: %s", cmd->name, cmd->usage);
        return cmd_fail(c, "too many words for %s: %s", cmd->name, cmd->usage);
    }
    cmd_plot_before(c);
    int rc = cmd->run(c, n, words);
    cmd_plot_after(c, cmd->name, rc);
    return rc;
}

/* Cuts the line at '#' (outside quotes) and splits it at ';'. */
int cmd_exec_line(CmdCtx *c, const char *line)
{
    char *buf = util_strdup(line);
    if (!buf)
        return cmd_fail(c, "out of memory");
    bool quote = false;
    for (char *p = buf; *p; p++) {
        if (*p == '"')
            quote = !quote;
        else if (*p == '#' && !quote) {
            *p = '\0';
            break;
        } else if ((unsigned char)*p < 32 && *p != '\t') {
            *p = ' ';
        }
    }
    int rc = 0;
    char *seg = buf;
    quote = false;
    for (char *p = buf;; p++) {
        if (*p == '"')
            quote = !quote;
        if ((*p == ';' && !quote) || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            rc = cmd_lesson_exec(c, seg, exec_segment);
            if (rc != 0 || c->quit || end)
                break;
            seg = p + 1;
        }
    }
    free(buf);
    fflush(c->out);
    return rc;
}

/* ---- checking a line without running it ---- */

/* A name that may exist in some session: X Y yhat loss, or W b dW db Z A
 * dZ dA with a layer number (an element NAME[...] counts by its name). */
static bool known_name(const char *word)
{
    size_t n = strcspn(word, "[");
    if ((n == 1 && (word[0] == 'X' || word[0] == 'Y')) || (n == 4 && (strncmp(word, "yhat", 4) == 0 ||
                                                                       strncmp(word, "loss", 4) == 0)))
        return true;
    size_t i = word[0] == 'd' ? 1 : 0;
    if (i >= n || !strchr("WbZA", word[i]))
        return false;
    size_t digits = strspn(word + i + 1, "0123456789");
    return digits > 0 && i + 1 + digits == n;
}

static int check_segment(char *seg, char *err)
{
    CmdCtx tmp = {0}; /* only its error buffer is used */
    const char *eq;
    if (is_assignment(seg, &eq))
        return 0;
    char *raw = util_strdup(seg);
    char *words[MAX_WORDS];
    int n, rc = 0;
    if (!raw)
        return util_err(err, "out of memory");
    if (tokenize(&tmp, seg, words, &n) != 0) {
        rc = -1;
    } else if (n == 0) {
        rc = 0;
    } else if (!find_cmd(words[0])) {
        const char *names[96];
        int k = 0;
        for (const Cmd *q = command_list(); q->name && k < 95; q++)
            names[k++] = q->name;
        names[k] = NULL;
        if (n == 1 && known_name(words[0]))
            rc = 0;
        else if (known_name(words[0]))
            rc = cmd_fail(&tmp, "%.*s is a name, not a command: write it alone to show it", (int)strcspn(words[0], "["),
                          words[0]);
        else
            rc = cmd_fail(&tmp, "unknown command '%s'%s; `help` lists every command", words[0],
                          DYM(words[0], names, ""));
    } else {
        const Cmd *cmd = find_cmd(words[0]);
        int argc = n - 1, op;
        double want, tol;
        if (argc < cmd->min_args)
            rc = cmd_fail(&tmp, "%s needs more: %s", cmd->name, cmd->usage);
        else if (cmd->max_args >= 0 && argc > cmd->max_args)
            rc = cmd_fail(&tmp, "too many words for %s: %s", cmd->name, cmd->usage);
        else if (cmd->run == cmd_expect && strcmp(words[1], "error") == 0) {
            char line[1024];
            rc = expect_error_line(&tmp, n, words, line, sizeof line) != 0 ? -1 : check_segment(line, tmp.err);
        } else if (cmd->run == cmd_expect && (argc < 3 || argc > 4))
            rc = cmd_fail(&tmp, "expect takes VALUE OP NUMBER [tol=X], or error COMMAND ...");
        else if (cmd->run == cmd_expect && expect_args(&tmp, n, words, &op, &want, &tol) != 0)
            rc = -1;
        else if (cmd->run == cmd_expect && !known_name(words[1]) && strcmp(words[1], "params") != 0 &&
                 strcmp(words[1], "steps") != 0 && strcmp(words[1], "epoch") != 0 &&
                 strcmp(words[1], "accuracy") != 0 && strcmp(words[1], "val_accuracy") != 0 &&
                 strcmp(words[1], "val_loss") != 0)
            rc = cmd_fail(&tmp, "expect cannot check '%s': use loss, params, accuracy, val_loss, val_accuracy, "
                          "steps, epoch or an element such as W1[0,1]", words[1]);
        else if (cmd->run == cmd_ask)
            rc = cmd_ask_check(raw, tmp.err);
    }
    free(raw);
    if (rc != 0)
        snprintf(err, ERR_LEN, "%s", tmp.err);
    return rc;
}

int cmd_check_line(const char *line, char *err)
{
    char *buf = util_strdup(line);
    if (!buf)
        return util_err(err, "out of memory");
    bool quote = false;
    int rc = 0;
    char *seg = buf;
    for (char *p = buf;; p++) {
        if (*p == '"')
            quote = !quote;
        if (*p == '#' && !quote)
            *p = '\0';
        if ((*p == ';' && !quote) || *p == '\0') {
            bool end = *p == '\0';
            *p = '\0';
            rc = check_segment(seg, err);
            if (rc != 0 || end)
                break;
            seg = p + 1;
        }
    }
    free(buf);
    return rc;
}

/* ---- completion ---- */

CmdComplete cmd_complete(Session *s, const char *line, int start, const char *text, AddFn add, void *ctx)
{
    /* words before the one being completed, in the last ';' segment */
    char *buf = util_strdup(line);
    if (!buf)
        return COMPLETE_WORDS;
    if (start < (int)strlen(buf))
        buf[start] = '\0';
    char *seg = strrchr(buf, ';');
    seg = seg ? seg + 1 : buf;
    char *words[MAX_WORDS];
    int n = 0;
    for (char *tok = strtok(seg, " \t"); tok && n < MAX_WORDS; tok = strtok(NULL, " \t"))
        words[n++] = tok;
    CmdComplete rc = COMPLETE_WORDS;
    if (n == 0) {
        for (const Cmd *cmd = commands; cmd->name; cmd++)
            add(ctx, cmd->name);
        session_names(s, add, ctx);
    } else {
        const Cmd *cmd = find_cmd(words[0]);
        if (cmd && cmd->complete)
            rc = cmd->complete(s, n, words, n, add, ctx);
    }
    free(buf);
    return rc;
}

void cmd_prompt(const Session *s, char *buf, size_t n)
{
    static const char *const next[] = {"forward", "loss", "backward", "update"};
    if (!s->model || !s->data) {
        snprintf(buf, n, "paramlab> ");
        return;
    }
    snprintf(buf, n, "paramlab e%ld b%d/%d next:%s> ", s->epoch, s->batch_index + 1, session_batches(s),
             next[s->phase]);
}
