/* cmd_util.c — the handlers' toolbox: printing results and failing with
 * a message, numbers in the session's precision, key=value options,
 * "did you mean", completion lists, optimizer options (shared by `set
 * optimizer` and `compare`) and files found beside the lesson running.
 * It calls nothing else of the command layer. */
#include "cmd_util.h"
#include "lesson.h"
#include "text.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

/* ---- output helpers ---- */

void cmd_out(CmdCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vfprintf(c->out, fmt, ap);
    va_end(ap);
}

void cmd_out_wrapped(CmdCtx *c, const char *fmt, ...)
{
    char text[2048];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(text, sizeof text, fmt, ap);
    va_end(ap);
    int width = lesson_width(c->out), col = 0;
    for (const char *p = text; *p;) {
        if (*p == '\n') { /* a break the text asks for */
            fputc('\n', c->out);
            col = 0;
            p++;
            continue;
        }
        while (*p == ' ')
            p++;
        size_t len = 0; /* a `command` in backticks is one word */
        for (bool tick = false; p[len] && p[len] != '\n' && (tick || p[len] != ' '); len++)
            if (p[len] == '`')
                tick = !tick;
        if (!len)
            continue;
        char word[512];
        snprintf(word, sizeof word, "%.*s", (int)(len < sizeof word ? len : sizeof word - 1), p);
        int w = text_cols(word);
        if (col > 0 && col + 1 + w > width) {
            fputc('\n', c->out);
            col = 0;
        } else if (col > 0) {
            fputc(' ', c->out);
            col++;
        }
        fputs(word, c->out);
        col += w;
        p += len;
    }
}

int cmd_fail(CmdCtx *c, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(c->err, ERR_LEN, fmt, ap);
    va_end(ap);
    return -1;
}

const char *cmd_num(const CmdCtx *c, double v, char *buf, size_t n)
{
    if (v == 0)
        v = 0;
    snprintf(buf, n, "%.*g", c->s->precision, v);
    return buf;
}

const char *cmd_factor(const CmdCtx *c, double v, char *buf, size_t n)
{
    int prec = c->s->precision;
    do
        snprintf(buf, n, "%.*g", prec, v);
    while (v != 1 && strcmp(buf, "1") == 0 && ++prec <= 17);
    return buf;
}

bool cmd_split_opt(char *word, char **key, char **val)
{
    char *eq = strchr(word, '=');
    if (!eq || eq == word)
        return false;
    *eq = '\0';
    *key = word;
    *val = eq + 1;
    return true;
}

int cmd_parse_num(CmdCtx *c, const char *what, const char *s, double *v)
{
    if (!util_parse_double(s, v))
        return cmd_fail(c, "%s must be a finite number (like 0.1 or 1e-3), got '%s'", what, s);
    return 0;
}

int cmd_parse_int(CmdCtx *c, const char *what, const char *s, long lo, long hi, long *v)
{
    if (!util_parse_long(s, lo, hi, v))
        return cmd_fail(c, "%s must be a whole number from %ld to %ld, got '%s'", what, lo, hi, s);
    return 0;
}

const char *cmd_did_you_mean(const char *word, const char *const *list, const char *prefix, char *buf, size_t n)
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

void cmd_nearest_init(CmdNearest *g, const char *word, int max_dist)
{
    g->word = word;
    g->best = NULL;
    g->best_buf[0] = '\0';
    g->dist = max_dist;
}

void cmd_nearest_add(void *ctx, const char *cand)
{
    CmdNearest *g = ctx;
    int d = strcasecmp(g->word, cand) == 0 ? 1 : util_edit_distance(g->word, cand);
    if (d < g->dist) {
        g->dist = d;
        snprintf(g->best_buf, sizeof g->best_buf, "%s", cand);
        g->best = g->best_buf;
    }
}

void cmd_add_list(const char *const *list, CmdAddFn add, void *ctx)
{
    for (; *list; list++)
        add(ctx, *list);
}

void cmd_print_opt(CmdCtx *c, const OptConfig *o)
{
    int n;
    char num[40];
    const OptHyper *h = optim_hypers(o->kind, &n);
    cmd_out(c, "%s", optim_name(o->kind));
    for (int i = 0; i < n; i++) {
        const char *p = (const char *)o + h[i].offset;
        if (h[i].is_bool)
            cmd_out(c, " %s=%s", h[i].name, *(const bool *)(const void *)p ? "on" : "off");
        else
            cmd_out(c, " %s=%s", h[i].name, cmd_num(c, *(const double *)(const void *)p, num, sizeof num));
    }
}

int cmd_opt_options(CmdCtx *c, OptConfig *o, int argc, char **argv)
{
    OptKind kind = o->kind;
    int n;
    const OptHyper *h = optim_hypers(kind, &n);
    for (int i = 0; i < argc; i++) {
        char *k, *v;
        if (!cmd_split_opt(argv[i], &k, &v))
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
            return cmd_fail(c, "%s has no option '%s'%s; it takes:%s", optim_name(kind), k, CMD_DYM(k, names, ""), list);
        }
        char *p = (char *)o + h[f].offset;
        if (h[f].is_bool) {
            if (!util_parse_bool(v, (bool *)p))
                return cmd_fail(c, "%s is a switch: on or off, got '%s'", k, v);
        } else if (cmd_parse_num(c, k, v, (double *)p) != 0) {
            return -1;
        }
    }
    return 0;
}

const char *cmd_path(const CmdCtx *c, const char *path, char *buf, size_t n)
{
    if (!c->base_dir || !path[0] || path[0] == '/' || access(path, F_OK) == 0)
        return path;
    if ((size_t)snprintf(buf, n, "%s/%s", c->base_dir, path) >= n || access(buf, F_OK) != 0)
        return path;
    return buf;
}

const char *cmd_layers_shape(const Layer *layers, int n_layers, char *buf, size_t n)
{
    const Layer *l0 = &layers[0];
    size_t l = l0->kind == LAYER_CONV ? (size_t)snprintf(buf, n, "%d×%d×%d", l0->c_in, l0->h_in, l0->w_in)
                                      : (size_t)snprintf(buf, n, "%d", l0->n_in);
    for (int k = 0; k < n_layers && l < n; k++) {
        const Layer *ly = &layers[k];
        if (ly->kind == LAYER_CONV)
            l += (size_t)snprintf(buf + l, n - l, " → conv %d:%d%s → %d×%d×%d", ly->c_out, ly->ksize,
                                  ly->pool ? " + pool" : "", ly->c_out, ly->h_pool, ly->w_pool);
        else
            l += (size_t)snprintf(buf + l, n - l, " → %d", ly->n_out);
    }
    return buf;
}

const char *cmd_model_shape(const Model *m, char *buf, size_t n)
{
    return cmd_layers_shape(m->layer, m->n_layers, buf, n);
}

const char *cmd_layers_words(const char *kind, const Layer *layers, int n_layers, const char *act, char *buf,
                             size_t n)
{
    char shape[256];
    size_t l = (size_t)snprintf(buf, n, "%s %s", kind, cmd_layers_shape(layers, n_layers, shape, sizeof shape));
    if (n_layers > 1 && l < n)
        snprintf(buf + l, n - l, " %s", act);
    return buf;
}

const char *cmd_model_words(const Session *s, char *buf, size_t n)
{
    const Model *m = s->model;
    return cmd_layers_words(s->model_kind, m->layer, m->n_layers, act_name(s->act), buf, n);
}

const char *cmd_training_words(const Session *s, char *buf, size_t n)
{
    Hypers h;
    session_hypers(s, &h); /* lr: where a schedule started, not where it has brought the lr */
    char sched[160] = "";
    if (s->sched.kind != SCHED_NONE)
        sched_describe(&s->sched, sched, sizeof sched);
    snprintf(buf, n, "%s lr=%g, %s%sbatch %d", optim_name(h.opt.kind), h.opt.lr, sched, sched[0] ? ", " : "",
             s->batch);
    return buf;
}

#define ADD(...) (l += l < n ? (size_t)snprintf(buf + l, n - l, __VA_ARGS__) : 0)

const char *cmd_model_command(const char *kind, const ConvSpec *conv, const int *hidden, int n_hidden, Act act,
                              const double *dropout, char *buf, size_t n)
{
    size_t l = 0;
    buf[0] = '\0';
    ADD("%s", kind);
    if (strcmp(kind, "cnn") == 0) {
        for (int i = 0; i < conv->n_conv; i++)
            ADD("%s%d:%d", i ? "," : " conv=", conv->filters[i], conv->ksize[i]);
        if (conv->pool)
            ADD(" pool=%d", conv->pool);
        for (int i = 0; i < n_hidden; i++)
            ADD("%s%d", i ? "," : " hidden=", hidden[i]);
        if (act != ACT_RELU)
            ADD(" act=%s", act_name(act));
        if (conv->same)
            ADD(" pad=same");
        return buf;
    }
    for (int i = 0; i < n_hidden; i++)
        ADD(" %d", hidden[i]);
    if (n_hidden)
        ADD(" act=%s", act_name(act));
    bool drop = false, same = true;
    for (int i = 0; dropout && i < n_hidden; i++) {
        drop = drop || dropout[i] > 0;
        same = same && dropout[i] == dropout[0];
    }
    for (int i = 0; drop && i < (same ? 1 : n_hidden); i++)
        ADD("%s%.6g", i ? "," : " dropout=", dropout[i]);
    return buf;
}

#undef ADD

void cmd_cell(CmdCtx *c, const char *s, int w)
{
    int n = text_cols(s);
    cmd_out(c, "%s%*s", s, w > n ? w - n : 0, "");
}

void cmd_param_row(CmdCtx *c, const char *name, const char *shape, size_t count, const char *init)
{
    cmd_cell(c, name, 7);
    cmd_cell(c, shape, 13);
    cmd_out(c, "%10zu  %s\n", count, init);
}

const char *cmd_class_ref(const Dataset *ds, int k, char *buf, size_t n)
{
    char b[16];
    const char *name = data_class_name(ds, k, b, sizeof b);
    if (!ds->class_names || data_labels_numeric(ds))
        snprintf(buf, n, "%s", name);
    else
        snprintf(buf, n, "%d, %s", k, name);
    return buf;
}

const char *cmd_class_legend(const Dataset *ds, char *buf, size_t n)
{
    size_t at = 0;
    buf[0] = '\0';
    if (!ds || !ds->classification || !ds->class_names)
        return buf;
    at += (size_t)snprintf(buf, n, "class index: ");
    for (int k = 0; k < ds->n_classes && at < n; k++) {
        if (ds->n_classes > 4 && k == 2) { /* the first two and the last */
            at += (size_t)snprintf(buf + at, n - at, "..., ");
            k = ds->n_classes - 1;
        }
        char b[16];
        at += (size_t)snprintf(buf + at, n - at, "%d = '%s'%s", k, data_class_name(ds, k, b, sizeof b),
                               k + 1 < ds->n_classes ? ", " : "");
    }
    return buf;
}
