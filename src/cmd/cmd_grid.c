/* cmd_grid.c — printing a tensor as a table: rows and columns labelled
 * with their indices and, where the data gives them, names (W1's rows are
 * the features, the output layer's columns the classes or targets); a
 * slice [r0,r1) × [c0,c1) of it; columns wrapped in blocks to the
 * terminal's width, and by default only the rows that fit the screen. */
#include "cmd_grid.h"
#include "cmd_util.h"

#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#define LABEL_MAX 18 /* characters of a row name shown */
#define HEAD_MAX 12  /* characters of a column name shown */

void cmd_term_size(const CmdCtx *c, int *cols, int *rows)
{
    long w = 0, h = 0;
    int fd = c->out ? fileno(c->out) : -1;
    struct winsize ws;
    if (fd >= 0 && isatty(fd) && ioctl(fd, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0) {
        w = ws.ws_col;
        h = ws.ws_row;
    }
    if (w <= 0 && (!getenv("COLUMNS") || !util_parse_long(getenv("COLUMNS"), 1, 100000, &w)))
        w = 80;
    if (h <= 0 && (!getenv("LINES") || !util_parse_long(getenv("LINES"), 1, 100000, &h)))
        h = 24;
    *cols = w < 40 ? 40 : w > 1000 ? 1000 : (int)w;
    *rows = h < 12 ? 12 : h > 10000 ? 10000 : (int)h;
}

/* The kind of tensor t is for labelling: W b X y (yhat), or 0. State
 * views carry a parameter's layer and editability under another name. */
static char grid_kind(const Tensor *t)
{
    TensorName tn;
    if (tensor_name_parse(t->name, &tn))
        return tn.kind;
    if (t->editable)
        return t->vector ? 'b' : 'W';
    return 0;
}

/* The names of the model's outputs: class names, or target names. */
static const char *output_name(const Session *s, int j, char *buf, size_t n)
{
    const Dataset *ds = s->data;
    if (ds->classification) {
        int outs = s->model ? nn_outputs(s->model) : ds->n_classes;
        return data_class_name(ds, outs == 1 ? 1 : j, buf, n);
    }
    return j < ds->t ? ds->target_names[j] : NULL;
}

const char *cmd_grid_row_label(const CmdCtx *c, const Tensor *t, int i)
{
    const Session *s = c->s;
    char k = grid_kind(t);
    if (!s->data || !s->data->file_cols || t->vector || i >= s->data->d || t->rows != s->data->d)
        return NULL;
    if (k == 'W' && t->layer == 1)
        return s->data->feature_names[i];
    return NULL;
}

const char *cmd_grid_col_label(const CmdCtx *c, const Tensor *t, int j, char *buf, size_t n)
{
    const Session *s = c->s;
    const Dataset *ds = s->data;
    char k = grid_kind(t);
    if (!ds || !(ds->class_names || (ds->file_cols && !ds->classification)))
        return NULL; /* generated data's names (x1, class 1) say nothing new */
    if (k == 'X')
        return t->cols == ds->d && j < ds->d ? ds->feature_names[j] : NULL;
    if (!s->model || t->cols != nn_outputs(s->model))
        return NULL;
    if (k == 'y' || ((k == 'W' || k == 'b') && t->layer == s->model->n_layers))
        return output_name(s, j, buf, n);
    return NULL;
}

/* The widest number among the rows and columns shown. */
static int grid_width(CmdCtx *c, const Tensor *t, const int *rw, int nr, int c0, int c1)
{
    char buf[64];
    int width = 1;
    for (int a = 0; a < nr; a++)
        for (int j = c0; j < c1; j++) {
            int w = (int)strlen(cmd_num(c, t->data[(size_t)rw[a] * t->cols + j], buf, sizeof buf));
            if (w > width)
                width = w;
        }
    return width;
}

/* Prints columns [b0,b1) of the rows shown. */
static void grid_block(CmdCtx *c, const Tensor *t, const int *rw, int nr, int cut_at, int b0, int b1, int width,
                       int lw, int nw, bool named_cols)
{
    char buf[64], lb[64];
    int prefix = t->vector ? 2 : 2 + lw + (nw ? nw + 1 : 0);
    cmd_out(c, "%*s", prefix, "");
    for (int j = b0; j < b1; j++)
        cmd_out(c, "  %*d", width, j);
    cmd_out(c, "\n");
    if (named_cols) {
        cmd_out(c, "%*s", prefix, "");
        for (int j = b0; j < b1; j++) {
            const char *l = cmd_grid_col_label(c, t, j, lb, sizeof lb);
            cmd_out(c, "  %*.*s", width, width, l ? l : "");
        }
        cmd_out(c, "\n");
    }
    for (int a = 0; a < nr; a++) {
        if (a == cut_at)
            cmd_out(c, "%*s  ... %d more row%s ...\n", lw, "", rw[a] - rw[a - 1] - 1, CMD_S(rw[a] - rw[a - 1] - 1));
        if (t->vector) {
            cmd_out(c, "  ");
        } else {
            cmd_out(c, "  %*d", lw, rw[a]);
            if (nw) {
                const char *l = cmd_grid_row_label(c, t, rw[a]);
                cmd_out(c, " %-*.*s", nw, nw, l ? l : "");
            }
        }
        for (int j = b0; j < b1; j++)
            cmd_out(c, "  %*s", width, cmd_num(c, t->data[(size_t)rw[a] * t->cols + j], buf, sizeof buf));
        cmd_out(c, "\n");
    }
}

void cmd_print_view(CmdCtx *c, const Tensor *t, const char *what, const CmdView *v)
{
    int r0 = 0, r1 = t->rows, c0 = 0, c1 = t->cols;
    if (v && v->sliced)
        r0 = (int)v->r0, r1 = (int)v->r1, c0 = (int)v->c0, c1 = (int)v->c1;
    cmd_out(c, "%s", t->name);
    if (v && v->sliced && t->vector)
        cmd_out(c, "[%d:%d]", c0, c1);
    else if (v && v->sliced)
        cmd_out(c, "[%d:%d, %d:%d]", r0, r1, c0, c1);
    cmd_out(c, t->vector ? "  (%d)" : "  (%d×%d)", t->vector ? c1 - c0 : r1 - r0, c1 - c0);
    if (what)
        cmd_out(c, "  %s", what);
    cmd_out(c, "\n");
    if (r1 <= r0 || c1 <= c0) {
        cmd_out(c, "  (empty)\n");
        return;
    }
    int tw, th;
    cmd_term_size(c, &tw, &th);
    bool all = v && v->all;
    int avail = th - 4, nr = r1 - r0, cut_at = -1;
    int *rw = malloc(sizeof(int) * (size_t)nr);
    if (!rw) {
        cmd_out(c, "  (out of memory)\n");
        return;
    }
    if (!all && nr > avail) { /* the first rows and the last five */
        int head = avail > 13 ? avail - 10 : 3, k = 0;
        for (int i = r0; i < r0 + head; i++)
            rw[k++] = i;
        for (int i = r1 - 5; i < r1; i++)
            rw[k++] = i;
        cut_at = head;
        nr = k;
    } else {
        for (int i = r0; i < r1; i++)
            rw[i - r0] = i;
    }
    char buf[64];
    int lw = t->vector ? 0 : snprintf(buf, sizeof buf, "%d", r1 - 1), nw = 0;
    bool named_cols = false;
    for (int a = 0; a < nr; a++) {
        const char *l = cmd_grid_row_label(c, t, rw[a]);
        int len = l ? (int)strlen(l) : 0;
        nw = len > nw ? (len > LABEL_MAX ? LABEL_MAX : len) : nw;
    }
    int width = grid_width(c, t, rw, nr, c0, c1);
    for (int j = c0; j < c1; j++) {
        const char *l = cmd_grid_col_label(c, t, j, buf, sizeof buf);
        if (l) {
            int len = (int)strlen(l);
            named_cols = true;
            width = len > width ? (len > HEAD_MAX ? (width > HEAD_MAX ? width : HEAD_MAX) : len) : width;
        }
    }
    int prefix = t->vector ? 2 : 2 + lw + (nw ? nw + 1 : 0);
    int per = (tw - prefix) / (width + 2);
    per = per < 1 ? 1 : per;
    int blocks = (c1 - c0 + per - 1) / per;
    int lines = blocks * (nr + 1 + named_cols + (cut_at >= 0)) + (blocks > 1 ? blocks : 0);
    int shown_to = c1;
    if (!all && blocks > 1 && lines > th - 2)
        shown_to = c0 + per, blocks = 1;
    for (int b = c0; b < shown_to; b += per) {
        int e = b + per < shown_to ? b + per : shown_to;
        if (shown_to - c0 > per)
            cmd_out(c, "  (columns %d to %d of %d)\n", b, e - 1, t->cols);
        grid_block(c, t, rw, nr, cut_at, b, e, width, lw, nw, named_cols);
    }
    free(rw);
    if (shown_to < c1)
        cmd_out(c, "  (%d more column%s: `show %s all` shows every one, wrapped to the screen)\n", c1 - shown_to,
                CMD_S(c1 - shown_to), t->name);
    else if (cut_at >= 0)
        cmd_out(c, "  (%d rows: `show %s all` shows every one)\n", r1 - r0, t->name);
}
