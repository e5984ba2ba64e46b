/* cmd_runs_show.c — `runs`, `runs show ID`, `runs compare ID ID...` and
 * `runs dir [DIR]`: the run log read back (json.c) as tables and one
 * chart of loss curves. */
#include "cmd_plot.h"
#include "cmd_runs.h"
#include "cmd_util.h"
#include "json.h"
#include "plot.h"
#include "text.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)
#define RUNS_SHOWN 40     /* the latest runs `runs` lists */
#define RUNS_COMPARED 8   /* runs `runs compare` takes at once */
#define MODEL_WORDS 320   /* a model in words, as `runs` lists it */

/* ---- reading the log ---- */

/* Calls fn for each well-formed line of the log, in order; the number of
 * lines that were not JSON objects goes to *bad. -1 with c->err when the
 * log cannot be read (0 lines and no error when there is none yet). */
static int each_run(CmdCtx *c, void (*fn)(void *ctx, long i, const char *line), void *ctx, long *bad)
{
    char dir[1024], path[1100];
    *bad = 0;
    if (!cmd_runs_dir(c, dir, sizeof dir))
        return cmd_fail(c, "no run folder: set HOME or PARAMLAB_RUNS, or name one with `runs dir DIR`");
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    FILE *f = fopen(path, "re");
    if (!f)
        return 0;
    char *line = NULL;
    size_t cap = 0;
    long i = 0;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        if (!json_valid_object(line))
            ++*bad;
        else
            fn(ctx, i++, line);
    }
    free(line);
    fclose(f);
    return 0;
}

static void count_one(void *ctx, long i, const char *line)
{
    (void)i;
    (void)line;
    ++*(long *)ctx;
}

/* A string of the run at key into out (n bytes), made safe to print: the
 * log may be hand-edited or shared, and an escape sequence, a newline or
 * a character that reorders text must not reach the terminal (each
 * becomes '?'). false when there is no such string. */
static bool log_text(const char *run, const char *key, char *out, size_t n)
{
    if (!json_get_str(json_get(run, key), out, n)) {
        out[0] = '\0';
        return false;
    }
    util_clean_text(out);
    return true;
}

/* A cnn's conv layers from a run's model.conv (an array of objects
 * {"filters":F,"kernel":K}) into spec; false when there is none. */
static bool conv_from_run(const char *run, ConvSpec *spec)
{
    memset(spec, 0, sizeof *spec);
    const char *p = json_get(run, "model.conv");
    if (!p || *p != '[')
        return false;
    for (p++; spec->n_conv < LAYER_MAX_CONV;) {
        while (isspace((unsigned char)*p) || *p == ',')
            p++;
        if (*p != '{')
            break;
        double f = NAN, k = NAN;
        json_get_num(json_get(p, "filters"), &f);
        json_get_num(json_get(p, "kernel"), &k);
        if (!(f >= 1 && f <= 1e6 && k >= 1 && k <= 1e6) || !(p = json_skip(p)))
            return false;
        spec->filters[spec->n_conv] = (int)f;
        spec->ksize[spec->n_conv++] = (int)k;
    }
    double pool = 0;
    char pad[8] = "";
    json_get_num(json_get(run, "model.pool"), &pool);
    json_get_str(json_get(run, "model.pad"), pad, sizeof pad);
    spec->pool = pool == 2 ? 2 : 0;
    spec->same = strcmp(pad, "same") == 0;
    return spec->n_conv > 0;
}

/* A run's layers rebuilt from model.widths (the inputs, then each
 * layer's outputs) and, for a cnn, model.input (C, H, W) and its conv
 * spec, into ly (NN_MAX_LAYERS); their number, or 0 for a run logged
 * before the widths were, or one whose numbers do not fit together. */
static int layers_from_run(const char *run, Layer *ly)
{
    double w[NN_MAX_LAYERS + 1];
    int nw = json_get_nums(json_get(run, "model.widths"), w, NN_MAX_LAYERS + 1);
    if (nw < 2 || nw > NN_MAX_LAYERS + 1)
        return 0;
    for (int i = 0; i < nw; i++)
        if (!(w[i] >= 1 && w[i] <= 1e9 && w[i] == floor(w[i])))
            return 0;
    char kind[32] = "";
    json_get_str(json_get(run, "model.kind"), kind, sizeof kind);
    ConvSpec spec;
    int k = 0;
    if (strcmp(kind, "cnn") == 0) {
        double in[3];
        char err[ERR_LEN];
        if (!conv_from_run(run, &spec) || spec.n_conv >= nw - 1 ||
            json_get_nums(json_get(run, "model.input"), in, 3) != 3)
            return 0;
        for (int i = 0; i < 3; i++)
            if (!(in[i] >= 1 && in[i] <= 1e6))
                return 0;
        int ch = (int)in[0], h = (int)in[1], wd = (int)in[2];
        for (; k < spec.n_conv; k++) {
            if (layer_conv(&ly[k], ch, h, wd, spec.filters[k], spec.ksize[k], spec.same, spec.pool, err) != 0 ||
                ly[k].n_in != w[k] || ly[k].n_out != w[k + 1])
                return 0;
            ch = ly[k].c_out, h = ly[k].h_pool, wd = ly[k].w_pool;
        }
    }
    for (; k < nw - 1; k++)
        layer_dense(&ly[k], (int)w[k], (int)w[k + 1]);
    return nw - 1;
}

/* "mlp 2 → 16 → 8 → 1 relu" from a run's model object, its layers as
 * `model` shows them; a run logged without its widths in the words it
 * was shown in before: "mlp 16x8 relu", a cnn in the words of its
 * command, "cnn conv=4:3,4:3 pool=2 hidden=16". */
static void model_words(const char *run, char *buf, size_t n)
{
    char kind[32] = "?", act[32] = "";
    if (!log_text(run, "model.kind", kind, sizeof kind))
        snprintf(kind, sizeof kind, "?");
    log_text(run, "model.act", act, sizeof act);
    Layer ly[NN_MAX_LAYERS];
    int nl = layers_from_run(run, ly);
    if (nl > 0) {
        cmd_layers_words(kind, ly, nl, act, buf, n);
        return;
    }
    double h[16];
    int nh = json_get_nums(json_get(run, "model.hidden"), h, 16);
    ConvSpec spec;
    Act a = ACT_RELU;
    if (strcmp(kind, "cnn") == 0 && conv_from_run(run, &spec) && (!act[0] || act_parse(act, &a) == 0)) {
        int hidden[16];
        for (int i = 0; i < nh && i < 16; i++)
            hidden[i] = (int)h[i];
        cmd_model_command(kind, &spec, hidden, nh < 0 ? 0 : nh > 16 ? 16 : nh, a, NULL, buf, n);
        return;
    }
    size_t l = (size_t)snprintf(buf, n, "%s", kind);
    for (int i = 0; i < nh && i < 16 && l < n; i++)
        l += (size_t)snprintf(buf + l, n - l, "%s%.0f", i ? "x" : " ", h[i]);
    if (nh > 0 && l < n)
        snprintf(buf + l, n - l, " %s", act);
}

/* The printf width that pads s to cols columns on screen (a → or a ×
 * is one column of several bytes). */
static int byte_w(const char *s, int cols)
{
    return cols + (int)strlen(s) - text_cols(s);
}

static double num_at(const char *run, const char *key)
{
    double v = NAN;
    json_get_num(json_get(run, key), &v);
    return v;
}

/* Whether the run's data had a validation share (without one its
 * validation loss is not a number, and "nan" would read as divergence). */
static bool had_val(const char *run)
{
    return num_at(run, "data.val_rows") > 0;
}

/* The epochs column: "27", or "27 (24)" when early stopping put epoch
 * 24's parameters back, so the losses beside it are epoch 24's. True for
 * the latter. */
static bool epochs_words(const char *run, char *buf, size_t n)
{
    double ran = num_at(run, "epochs"), kept = num_at(run, "final.epoch"), last = NAN;
    const char *arr = json_get(run, "curve.epoch");
    int k = json_get_nums(arr, NULL, 0);
    if (k > 0 && k <= RUN_MAX_EPOCHS) { /* the last epoch trained, to tell a restored one */
        double *all = calloc((size_t)k, sizeof *all);
        if (all && json_get_nums(arr, all, k) == k)
            last = all[k - 1];
        free(all);
    }
    bool restored = kept > 0 && !isnan(last) && kept != last;
    if (restored)
        snprintf(buf, n, "%.0f (%.0f)", ran, kept);
    else
        snprintf(buf, n, "%.0f", ran);
    return restored;
}

/* Whether the run failed (diverged, or its loss went non-finite): its
 * last epoch's losses are no result, so the tables show "failed". */
static bool run_failed(const char *run)
{
    char status[16] = "";
    json_get_str(json_get(run, "status"), status, sizeof status);
    return strcmp(status, "failed") == 0;
}

/* The note under a table with a failed run in it. */
static void failed_note(CmdCtx *c)
{
    cmd_out(c, "failed: training diverged or its loss became NaN, so the run has no result (`runs show ID` has "
            "its curve up to then)\n");
}

/* The note under a table with a restored run in it. */
static void restored_note(CmdCtx *c)
{
    cmd_out(c, "epochs N (B): N epochs run, then early stopping put epoch B's parameters back; the losses are "
            "epoch B's\n");
}

/* ---- tables sized to their cells ---- */

#define RUN_COLS 12       /* columns a table of runs has at most */
#define CELL MODEL_WORDS  /* bytes a cell holds */

typedef struct RunRow {
    char cell[RUN_COLS][CELL]; /* the row's cells, as printed */
} RunRow;

/* Fills row with the n words. */
static void row_words(RunRow *row, int n, const char *const *words)
{
    for (int k = 0; k < n; k++)
        snprintf(row->cell[k], CELL, "%s", words[k]);
}

/* Widens w[k] to the screen columns of the row's cell k. */
static void row_widen(int *w, int n, const RunRow *row)
{
    for (int k = 0; k < n; k++)
        if (text_cols(row->cell[k]) > w[k])
            w[k] = text_cols(row->cell[k]);
}

/* Prints the row indented, each cell but the last padded to w[k] screen
 * columns and a space. */
static void row_print(CmdCtx *c, int n, const int *w, const RunRow *row)
{
    cmd_out(c, " ");
    for (int k = 0; k < n - 1; k++)
        cmd_out(c, " %-*s", byte_w(row->cell[k], w[k]), row->cell[k]);
    cmd_out(c, " %s", row->cell[n - 1]);
    cmd_out(c, "\n");
}

/* A loss cell: "-" for a loss not measured (no split, a run that did
 * not finish), as "nan" would read as divergence. */
static void loss_cell(CmdCtx *c, char *cell, double v, bool had)
{
    snprintf(cell, CELL, "%s", had && !isnan(v) ? NUM(v) : "-");
}

/* A run's training and validation loss cells: "failed" and "-" for a
 * failed run, whose last losses are no result. */
static void loss_cells(CmdCtx *c, const char *run, char *train, char *val)
{
    bool failed = run_failed(run);
    if (failed)
        snprintf(train, CELL, "failed");
    else
        loss_cell(c, train, num_at(run, "final.train_loss"), true);
    loss_cell(c, val, num_at(run, "final.val_loss"), had_val(run) && !failed);
}

/* ---- runs ---- */

enum { LIST_COLS = 12 };
static const char *const list_head[LIST_COLS] = {"id", "time (UTC)", "kind", "data", "model", "optim", "lr",
                                                 "batch", "epochs", "train loss", "val loss", "accuracy"};
static const int list_min[LIST_COLS] = {21, 16, 9, 9, 16, 8, 9, 5, 9, 11, 11, 0}; /* the narrowest columns */

typedef struct ListCtx {
    CmdCtx *c;
    bool restored;     /* a run listed kept an earlier epoch than its last */
    bool failed;       /* a run listed failed */
    long from;         /* the first line listed */
    int w[LIST_COLS];  /* each column's width: its widest cell, at least list_min */
} ListCtx;

/* The cells of a run's row in `runs`; true when early stopping put an
 * earlier epoch's parameters back. */
static bool list_cells(CmdCtx *c, const char *run, RunRow *row)
{
    char (*cell)[CELL] = row->cell;
    char kind[16] = "", when[32] = "";
    log_text(run, "id", cell[0], RUN_ID_LEN);
    log_text(run, "time", when, sizeof when);
    if (strlen(when) >= 16) /* 2026-12-01T22:30:15Z: the date and the minute */
        when[10] = ' ', when[16] = '\0';
    snprintf(cell[1], CELL, "%s", when);
    log_text(run, "kind", kind, sizeof kind);
    double fold = num_at(run, "fold"), trial = num_at(run, "trial");
    if (fold > 0)
        snprintf(cell[2], CELL, "%s %.0f", kind, fold);
    else if (trial > 0)
        snprintf(cell[2], CELL, "%s %.0f", kind, trial);
    else
        snprintf(cell[2], CELL, "%s", kind);
    log_text(run, "data.name", cell[3], 40);
    model_words(run, cell[4], CELL);
    log_text(run, "hypers.optimizer", cell[5], 24);
    snprintf(cell[6], CELL, "%s", NUM(num_at(run, "hypers.lr")));
    snprintf(cell[7], CELL, "%d", (int)num_at(run, "hypers.batch"));
    bool restored = epochs_words(run, cell[8], CELL);
    loss_cells(c, run, cell[9], cell[10]);
    double va = num_at(run, "final.val_accuracy"), ta = num_at(run, "final.train_accuracy");
    cell[11][0] = '\0';
    if (!run_failed(run) && (!isnan(va) || !isnan(ta)))
        snprintf(cell[11], CELL, "%.1f%%%s", 100 * (isnan(va) ? ta : va), isnan(va) ? " (train)" : "");
    return restored;
}

/* Sizes the columns to the rows listed. */
static void measure_one(void *ctx, long i, const char *run)
{
    ListCtx *l = ctx;
    RunRow row;
    if (i < l->from)
        return;
    list_cells(l->c, run, &row);
    row_widen(l->w, LIST_COLS, &row);
}

static void list_one(void *ctx, long i, const char *run)
{
    ListCtx *l = ctx;
    RunRow row;
    if (i < l->from)
        return;
    l->restored |= list_cells(l->c, run, &row);
    l->failed |= run_failed(run);
    row_print(l->c, LIST_COLS, l->w, &row);
}

static int runs_list(CmdCtx *c, bool all)
{
    long bad = 0, n = 0;
    char dir[1024];
    ListCtx l = {c, false, false, 0, {0}};
    if (each_run(c, count_one, &n, &bad) != 0)
        return -1;
    cmd_runs_dir(c, dir, sizeof dir);
    if (n == 0) {
        cmd_out(c, "no runs logged in %s yet: every `train`, `cv` fold and `search` trial is one%s\n", dir,
                c->tracking_off ? " (tracking is off: `set tracking on`)" : "");
        return 0;
    }
    l.from = !all && n > RUNS_SHOWN ? n - RUNS_SHOWN : 0;
    memcpy(l.w, list_min, sizeof l.w);
    each_run(c, measure_one, &l, &bad);
    cmd_out(c, "%ld run%s in %s/runs.jsonl%s\n", n, n == 1 ? "" : "s", dir,
            l.from ? " (the latest 40 shown; `runs all` lists every one)" : "");
    RunRow head;
    row_words(&head, LIST_COLS, list_head);
    row_print(c, LIST_COLS, l.w, &head);
    each_run(c, list_one, &l, &bad);
    if (l.restored)
        restored_note(c);
    if (l.failed)
        failed_note(c);
    if (bad)
        cmd_out(c, "note: %ld line%s of the log %s not a run and %s skipped\n", bad, bad == 1 ? "" : "s",
                bad == 1 ? "is" : "are", bad == 1 ? "was" : "were");
    cmd_out(c, "`runs show ID` shows one, `runs compare ID ID` sets them side by side\n");
    return 0;
}

typedef struct FindCtx {
    const char *id;    /* as typed: the whole id or its unique start */
    char *line;        /* owned copy of the run found */
    int matches;
    long at;           /* >= 0: the run at this place in the log instead (from -N) */
} FindCtx;

static void find_one(void *ctx, long i, const char *run)
{
    FindCtx *f = ctx;
    char id[RUN_ID_LEN];
    if (f->at >= 0) {
        if (i == f->at && f->matches++ == 0)
            f->line = strdup(run);
        return;
    }
    if (!json_get_str(json_get(run, "id"), id, sizeof id) || strncmp(id, f->id, strlen(f->id)) != 0)
        return;
    if (strcmp(id, f->id) == 0 && f->matches) { /* an exact match wins over earlier prefixes */
        free(f->line);
        f->line = NULL;
        f->matches = 0;
    }
    if (f->matches++ == 0)
        f->line = strdup(run);
}

/* The run whose id is id or starts with it, or -N: the N-th latest (-1
 * the latest); owned, NULL with c->err. */
static char *find_run(CmdCtx *c, const char *id)
{
    FindCtx f = {id, NULL, 0, -1};
    long bad, back;
    if (id[0] == '-') {
        long n = 0;
        if (!util_parse_long(id + 1, 1, 1000000000L, &back))
            return cmd_fail(c, "'%s': -N names the N-th latest run (-1 the latest, -2 the one before)", id), NULL;
        if (each_run(c, count_one, &n, &bad) != 0)
            return NULL;
        if (back > n)
            return cmd_fail(c, "there %s only %ld run%s in the log, so no %s", n == 1 ? "is" : "are", n,
                            n == 1 ? "" : "s", id), NULL;
        f.at = n - back;
    }
    if (each_run(c, find_one, &f, &bad) != 0)
        return NULL;
    if (f.matches == 1 && f.line)
        return f.line;
    free(f.line);
    if (f.matches > 1)
        cmd_fail(c, "%d runs have ids starting '%s'; give more of the id (`runs` lists them)", f.matches, id);
    else
        cmd_fail(c, "no run '%s' in the log; `runs` lists the ids", id);
    return NULL;
}

typedef struct ShowCtx {
    CmdCtx *c;
    const char *run;  /* the whole run */
    char prefix[64];
} ShowCtx;

/* A number of the log as `runs show` prints it: "-" for null (not
 * measured: no split, no classes, a run that did not get there; "nan"
 * would read as divergence), a whole number in full (4349962, not
 * 4.34996e+06), else as the session's precision shows it. */
static const char *show_num(const CmdCtx *c, double x, char *buf, size_t n)
{
    if (isnan(x))
        snprintf(buf, n, "-");
    else if (x == floor(x) && fabs(x) < 1e15)
        snprintf(buf, n, "%.0f", x);
    else
        cmd_num(c, x, buf, n);
    return buf;
}
#define SHOW_NUM(v) show_num(c, (v), (char[40]){0}, 40)

/* Whether the value at v is a JSON integer token: then it is printed as
 * written (a seed keeps every digit). */
static bool int_token(const char *v, size_t *len)
{
    size_t i = *v == '-', d0 = i;
    while (isdigit((unsigned char)v[i]))
        i++;
    *len = i;
    return i > d0 && i - d0 <= 20 && v[i] != '.' && v[i] != 'e' && v[i] != 'E';
}

/* Why the member name of run is null, as a note after "-": no validation
 * share, or no accuracy for a regression; "" otherwise. */
static const char *null_note(const char *run, const char *name)
{
    char task[32] = "";
    json_get_str(json_get(run, "data.task"), task, sizeof task);
    if (strstr(name, "accuracy") && strcmp(task, "regression") == 0)
        return " (a regression has no accuracy)";
    if (strstr(name, "val_") && !had_val(run))
        return " (no validation share)";
    return "";
}

static void show_member(void *ctx, const char *key, const char *v)
{
    ShowCtx *sc = ctx;
    CmdCtx *c = sc->c;
    char name[128], str[256];
    snprintf(name, sizeof name, "%s%s", sc->prefix, key);
    util_clean_text(name); /* a key of a hand-edited log: no escape sequence to the terminal */
    if (*v == '{') {
        ShowCtx in = {c, sc->run, ""};
        snprintf(in.prefix, sizeof in.prefix, "%.50s.", name);
        if (strcmp(key, "curve") != 0) /* the curve is the table below */
            json_each(v, show_member, &in);
        return;
    }
    double x;
    size_t len;
    ConvSpec spec;
    Layer ly[NN_MAX_LAYERS];
    int nl = strcmp(name, "model.widths") == 0 || strcmp(name, "model.input") == 0 ? layers_from_run(sc->run, ly) : 0;
    if (nl > 0 && name[6] == 'i') /* the image is the start of the widths' line */
        return;
    if (nl > 0) {
        char shape[MODEL_WORDS];
        cmd_out(c, "  %-24s %s (the layers, as `model` shows them)\n", name, cmd_layers_shape(ly, nl, shape, sizeof shape));
    } else if (strcmp(name, "model.conv") == 0 && conv_from_run(sc->run, &spec)) { /* [{"filters":4,"kernel":3}, ...] */
        cmd_out(c, "  %-24s ", name);
        for (int i = 0; i < spec.n_conv; i++)
            cmd_out(c, "%s%d:%d", i ? "," : "", spec.filters[i], spec.ksize[i]);
        cmd_out(c, " (filters:kernel, as conv= takes them)\n");
    } else if (json_get_str(v, str, sizeof str))
        cmd_out(c, "  %-24s %s\n", name, util_clean_text(str));
    else if (*v == '[') {
        double a[16];
        int n = json_get_nums(v, a, 16);
        cmd_out(c, "  %-24s [", name);
        for (int i = 0; i < n && i < 16; i++)
            cmd_out(c, "%s%s", i ? ", " : "", SHOW_NUM(a[i]));
        cmd_out(c, "]\n");
    } else if (strncmp(v, "true", 4) == 0 || strncmp(v, "false", 5) == 0)
        cmd_out(c, "  %-24s %s\n", name, *v == 't' ? "on" : "off");
    else if (strncmp(v, "null", 4) == 0)
        cmd_out(c, "  %-24s -%s\n", name, null_note(sc->run, name));
    else if (int_token(v, &len))
        cmd_out(c, "  %-24s %.*s\n", name, (int)len, v);
    else if (json_get_num(v, &x))
        cmd_out(c, "  %-24s %s\n", name, SHOW_NUM(x));
}

/* A run's curve: its epochs (up to RUN_MAX_EPOCHS) into owned arrays. */
typedef struct Curve {
    int n;
    double *epoch, *train, *val, *tacc, *vacc;
} Curve;

static bool curve_read(const char *run, Curve *k)
{
    memset(k, 0, sizeof *k);
    int n = json_get_nums(json_get(run, "curve.epoch"), NULL, 0);
    if (n <= 0 || n > RUN_MAX_EPOCHS)
        return false;
    double *m = calloc((size_t)n * 5, sizeof *m);
    if (!m)
        return false;
    k->n = n;
    k->epoch = m;
    k->train = m + n;
    k->val = m + 2 * n;
    k->tacc = m + 3 * n;
    k->vacc = m + 4 * n;
    const char *names[5] = {"curve.epoch", "curve.train_loss", "curve.val_loss", "curve.train_accuracy",
                            "curve.val_accuracy"};
    double *to[5] = {k->epoch, k->train, k->val, k->tacc, k->vacc};
    for (int i = 0; i < 5; i++)
        if (json_get_nums(json_get(run, names[i]), to[i], n) != n)
            for (int e = 0; e < n; e++)
                to[i][e] = NAN;
    return true;
}

static int runs_show(CmdCtx *c, const char *id)
{
    char *run = find_run(c, id);
    if (!run)
        return -1;
    ShowCtx sc = {c, run, ""};
    json_each(run, show_member, &sc);
    Curve k;
    if (curve_read(run, &k)) {
        cmd_out(c, "  %-8s %-13s %-13s %-14s %s\n", "epoch", "train loss", "val loss", "train accuracy",
                "val accuracy");
        int step = k.n > 20 ? k.n / 10 : 1;
        char words[48];
        double kept = epochs_words(run, words, sizeof words) ? num_at(run, "final.epoch") : NAN;
        for (int e = 0; e < k.n; e++)
            if (e % step == 0 || e == k.n - 1 || k.epoch[e] == kept)
                cmd_out(c, "  %-8.0f %-13s %-13s %-14s %s%s\n", k.epoch[e], SHOW_NUM(k.train[e]), SHOW_NUM(k.val[e]),
                        SHOW_NUM(k.tacc[e]), SHOW_NUM(k.vacc[e]),
                        k.epoch[e] == kept ? "   <- kept: early stopping put this epoch's parameters back" : "");
        free(k.epoch);
    }
    free(run);
    return 0;
}

static int runs_compare(CmdCtx *c, int argc, char **argv)
{
    int n = argc - 2;
    if (n < 1 || n > RUNS_COMPARED)
        return cmd_fail(c, "name 1 to %d runs to compare, as in `runs compare ID ID` (`runs` lists the ids)",
                        RUNS_COMPARED);
    char *run[RUNS_COMPARED] = {NULL};
    Curve k[RUNS_COMPARED];
    memset(k, 0, sizeof k);
    for (int i = 0; i < n; i++)
        if (!(run[i] = find_run(c, argv[i + 2]))) {
            for (int j = 0; j < i; j++)
                free(run[j]);
            return -1;
        }
    enum { COMPARE_COLS = 11 };
    static const char *const head[COMPARE_COLS] = {"id", "model", "optim", "lr", "batch", "l1", "l2", "epochs",
                                                   "train loss", "val loss", "val accuracy"};
    int w[COMPARE_COLS] = {21, 16, 8, 9, 5, 8, 8, 9, 11, 11, 0}; /* at least; then the widest cell */
    RunRow *row = calloc((size_t)n + 1, sizeof *row); /* the header, then a row a run */
    if (!row) {
        for (int i = 0; i < n; i++)
            free(run[i]);
        return cmd_fail(c, "out of memory for the table of runs");
    }
    row_words(&row[0], COMPARE_COLS, head);
    bool restored = false, failed = false;
    for (int i = 0; i < n; i++) {
        char (*cell)[CELL] = row[i + 1].cell;
        log_text(run[i], "id", cell[0], RUN_ID_LEN);
        model_words(run[i], cell[1], CELL);
        log_text(run[i], "hypers.optimizer", cell[2], 24);
        snprintf(cell[3], CELL, "%s", NUM(num_at(run[i], "hypers.lr")));
        snprintf(cell[4], CELL, "%d", (int)num_at(run[i], "hypers.batch"));
        snprintf(cell[5], CELL, "%s", NUM(num_at(run[i], "hypers.l1")));
        snprintf(cell[6], CELL, "%s", NUM(num_at(run[i], "hypers.l2")));
        restored |= epochs_words(run[i], cell[7], CELL);
        loss_cells(c, run[i], cell[8], cell[9]);
        failed |= run_failed(run[i]);
        double va = num_at(run[i], "final.val_accuracy");
        if (!isnan(va) && !run_failed(run[i]))
            snprintf(cell[10], CELL, "%.1f%%", 100 * va);
        row_widen(w, COMPARE_COLS, &row[i + 1]);
    }
    for (int i = 0; i <= n; i++)
        row_print(c, COMPARE_COLS, w, &row[i]);
    PlotSeries ser[2 * RUNS_COMPARED];
    char label[RUNS_COMPARED][2][64], *ids[RUNS_COMPARED];
    int ns = 0;
    for (int i = 0; i < n; i++) {
        const char *id = ids[i] = row[i + 1].cell[0];
        if (curve_read(run[i], &k[i])) {
            snprintf(label[i][0], sizeof label[i][0], "%.40s", id);
            snprintf(label[i][1], sizeof label[i][1], "%.40s (validation)", id);
            ser[ns++] = (PlotSeries){label[i][0], k[i].epoch, k[i].train, k[i].n, PLOT_LINESPOINTS, i, false};
            if (had_val(run[i]))
                ser[ns++] = (PlotSeries){label[i][1], k[i].epoch, k[i].val, k[i].n, PLOT_DASHED, i, false};
        }
    }
    if (restored)
        restored_note(c);
    if (failed)
        failed_note(c);
    const char *stem = "runs"; /* the file named after the runs' ids, not -1 -2 (which move on) */
    Plot *plot = ns ? cmd_plot_for_race(c, "runs compare", "runs", n, ids, &stem) : NULL;
    PlotFrame f = {"Runs compared: training (solid) and validation (dashed) loss", "epoch", "loss", stem,
                   CMD_PLOT_WINDOW_COMPARE, false, false};
    if (plot && plot_lines(plot, &f, ser, ns, c->err) == 0)
        cmd_plot_race_drawn(c);
    else if (ns)
        cmd_out(c, "no chart: %s\n", plot ? c->err : "out of memory for plotting");
    else /* failed or interrupted before its first epoch ended: its curve is empty */
        cmd_out(c, "no chart: %s, so there is no curve to draw\n",
                n == 1 ? "this run finished no epoch" : "none of these runs finished an epoch");
    c->err[0] = '\0';
    for (int i = 0; i < n; i++) {
        free(run[i]);
        free(k[i].epoch);
    }
    free(row);
    return 0;
}

static int runs_dir(CmdCtx *c, int argc, char **argv)
{
    char dir[1024];
    if (argc == 3) {
        if (!argv[2][0] || strlen(argv[2]) >= sizeof c->runs_dir - 16)
            return cmd_fail(c, "the run folder's name must be 1 to %zu characters", sizeof c->runs_dir - 17);
        if (run_dir_usable(argv[2], c->err) != 0) { /* the folder in use stays */
            size_t at = strlen(c->err);
            cmd_runs_dir(c, dir, sizeof dir);
            snprintf(c->err + at, ERR_LEN - at, "; runs still go to %s", dir[0] ? dir : "no folder");
            return -1;
        }
        snprintf(c->runs_dir, sizeof c->runs_dir, "%s", argv[2]);
    }
    if (!cmd_runs_dir(c, dir, sizeof dir))
        return cmd_fail(c, "no run folder: set HOME or PARAMLAB_RUNS, or name one with `runs dir DIR`");
    const char *env = getenv("PARAMLAB_RUNS");
    cmd_out(c, "runs are logged in %s%s (runs.jsonl, one line a run, and ID.csv per run)%s\n", dir,
            c->runs_dir[0] ? "" : env && env[0] ? " (from PARAMLAB_RUNS)" : "",
            c->tracking_off ? "; tracking is off" : "");
    return 0;
}

int cmd_runs(CmdCtx *c, int argc, char **argv)
{
    if (argc == 1 || (argc == 2 && strcmp(argv[1], "all") == 0))
        return runs_list(c, argc == 2);
    if (strcmp(argv[1], "show") == 0) {
        if (argc != 3)
            return cmd_fail(c, "runs show takes one id, as in `runs show 20261201-2230` (`runs` lists them)");
        return runs_show(c, argv[2]);
    }
    if (strcmp(argv[1], "compare") == 0)
        return runs_compare(c, argc, argv);
    if (strcmp(argv[1], "dir") == 0) {
        if (argc > 3)
            return cmd_fail(c, "runs dir takes at most one folder, as in `runs dir ./runs`");
        return runs_dir(c, argc, argv);
    }
    return cmd_fail(c, "runs lists the run log; `runs all`, `runs show ID`, `runs compare ID ID...` or `runs dir [DIR]`, "
                    "not '%.40s'", argv[1]);
}

CmdComplete cmd_complete_runs(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx)
{
    (void)c;
    (void)words;
    (void)n;
    static const char *const subs[] = {"all", "show", "compare", "dir", NULL};
    if (argi == 1) {
        cmd_add_list(subs, add, ctx);
        return COMPLETE_WORDS;
    }
    return argi == 2 && strcmp(words[1], "dir") == 0 ? COMPLETE_FILES : COMPLETE_WORDS;
}
