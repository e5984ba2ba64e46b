/* cmd_files.c — files of numbers: `save` and `load` of the whole session
 * (persist.c does the work), `export` of a tensor or of the optimizer's
 * state as CSV or NumPy .npy, and `import` of a parameter from either. */
#include "cmd_handlers.h"
#include "afile.h"
#include "cmd_policy.h"
#include "npy.h"
#include "persist.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define STATE_SEP ':' /* "exp_avg_sq:W1": slot, then the parameter */

void cmd_state_name(char *buf, size_t n, const char *slot, const char *param)
{
    size_t k = strlen(slot);
    if (k + 2 > n) {
        snprintf(buf, n, "%s", param);
        return;
    }
    memcpy(buf, slot, k);
    buf[k] = STATE_SEP;
    snprintf(buf + k + 1, n - k - 1, "%s", param);
}

/* Whether path ends in ext (".npy"), in any case. */
static bool has_ext(const char *path, const char *ext)
{
    size_t n = strlen(path), k = strlen(ext);
    return n > k && strcasecmp(path + n - k, ext) == 0;
}

/* Resolves "SLOT:PARAM" (a state slot or a view `state` shows) into t; a
 * view's values go into *owned (the caller frees). 1 when name is not of
 * that form, 0 when found, -1 with c->err when refused. */
static int state_tensor(CmdCtx *c, const char *name, Tensor *t, double **owned)
{
    const char *sep = strchr(name, STATE_SEP);
    *owned = NULL;
    if (!sep)
        return 1;
    char slot[32];
    snprintf(slot, sizeof slot, "%.*s", (int)(sep - name), name);
    int rc = session_tensor(c->s, sep + 1, t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, sep + 1, rc);
    if (!t->editable)
        return cmd_fail(c, "%s is not a parameter; the optimizer keeps state for W1, b1, ... (`state W1` shows it)",
                        sep + 1);
    const Optim *o = c->s->optim;
    size_t off = (size_t)(t->data - c->s->model->params), n = (size_t)t->rows * t->cols;
    char names[256] = "";
    for (int k = 0; k < o->n_slots; k++) {
        if (!strcmp(optim_slot_name(o, k), slot)) {
            t->data = o->state + (size_t)k * o->n + off;
            cmd_state_name(t->name, sizeof t->name, slot, sep + 1);
            t->editable = false;
            return 0;
        }
        snprintf(names + strlen(names), sizeof names - strlen(names), "%s%s%c%s", k ? ", " : "",
                 optim_slot_name(o, k), STATE_SEP, sep + 1);
    }
    OptView views[OPT_MAX_VIEWS];
    int nv = optim_views(o, views);
    for (int q = 0; q < nv; q++)
        if (!strcmp(views[q].name, slot)) {
            if (!(*owned = malloc(sizeof(double) * n)))
                return cmd_fail(c, "out of memory");
            for (size_t i = 0; i < n; i++)
                (*owned)[i] = o->state[(size_t)views[q].slot * o->n + off + i] / views[q].divisor;
            t->data = *owned;
            cmd_state_name(t->name, sizeof t->name, slot, sep + 1);
            t->editable = false;
            return 0;
        }
    if (o->n_slots == 0)
        return cmd_fail(c, "%s keeps no state, so there is no %s", optim_name(o->cfg.kind), name);
    return cmd_fail(c, "%s keeps no '%s' state; its state for %s is %s", optim_name(o->cfg.kind), slot, sep + 1, names);
}

/* Refuses a directory where a file is wanted. */
static int not_dir(CmdCtx *c, const char *path, const char *example)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return cmd_fail(c, "%s is a directory: give a file name, as in `%s %s/%s`", path, "export", path, example);
    return 0;
}

int cmd_export(CmdCtx *c, int argc, char **argv)
{
    Tensor t;
    double *owned = NULL;
    if (strchr(argv[1], '['))
        return cmd_fail(c, "export writes a whole tensor: `export %.*s FILE.csv`", (int)(strchr(argv[1], '[') - argv[1]), argv[1]);
    int rc = state_tensor(c, argv[1], &t, &owned);
    if (rc < 0)
        return -1;
    if (rc == 1 && (rc = session_tensor(c->s, argv[1], &t, c->err)) != 0)
        return cmd_name_refused(c, argv[1], rc);
    bool npy = has_ext(argv[2], ".npy");
    char example[64];
    snprintf(example, sizeof example, "%s.%s", t.name, npy ? "npy" : "csv");
    if (!argv[2][0] || not_dir(c, argv[2], example) != 0) {
        free(owned);
        return argv[2][0] ? -1 : cmd_fail(c, "export needs a file name, as in `export %s %s`", t.name, example);
    }
    int may = cmd_policy_may_write(c, argv[2]);
    AFile a = {0};
    char *bytes = NULL;
    size_t nbytes = 0;
    if (may < 0 || (may == 0 && afile_open(&a, argv[2], c->err) != 0)) {
        free(owned);
        return -1;
    }
    FILE *to = may == 0 ? a.f : open_memstream(&bytes, &nbytes); /* there already: compared, not replaced */
    int werr = 0;
    int nd = t.ndim == 4 ? 4 : t.vector ? 1 : 2;
    int dims[4] = {t.vector ? t.cols : t.rows, t.cols, 0, 0};
    if (t.ndim == 4)
        memcpy(dims, t.dims, sizeof dims);
    if (!to)
        werr = ENOMEM;
    else if (npy && npy_write_shape(to, t.data, nd, dims) != 0)
        werr = errno ? errno : EIO;
    else if (!npy)
        for (int i = 0; i < t.rows; i++)
            for (int j = 0; j < t.cols; j++)
                fprintf(to, "%.17g%c", t.data[(size_t)i * t.cols + j], j + 1 < t.cols ? ',' : '\n');
    free(owned);
    if (may == 1) {
        char msg[ERR_LEN];
        snprintf(msg, sizeof msg, "%s", c->err);
        if (to)
            fclose(to);
        int same = !werr && bytes ? cmd_policy_same(c, argv[2], bytes, nbytes) : -1;
        free(bytes);
        if (same != 0)
            return cmd_fail(c, "%s", msg);
    } else if (werr) {
        afile_abort(&a);
        return cmd_fail(c, "%s: cannot write: %s; any earlier file is as it was%s", argv[2],
                        strerror(werr), util_write_advice(werr));
    } else if (afile_commit(&a, c->err) != 0) {
        return -1;
    }
    cmd_policy_wrote(c, argv[2]);
    if (t.ndim == 4)
        cmd_out(c, "wrote %s (%d×%d×%d×%d) to %s %s\n", t.name, t.dims[0], t.dims[1], t.dims[2], t.dims[3], argv[2],
                npy ? "as NumPy float64, C order, 4-D" : "with full precision, one row per first index");
    else if (t.vector)
        cmd_out(c, "wrote %s (%d value%s) to %s %s\n", t.name, t.cols, CMD_S(t.cols), argv[2],
                npy ? "as NumPy float64, shape (n,)" : "with full precision");
    else
        cmd_out(c, "wrote %s (%d×%d) to %s %s\n", t.name, t.rows, t.cols, argv[2],
                npy ? "as NumPy float64, C order" : "with full precision");
    return 0;
}

/* ---- import ---- */

/* Whether a CSV line is a row of names: no cell of it is a number. */
static bool header_line(const char *line)
{
    char cell[256];
    for (const char *p = line;;) {
        size_t k = strcspn(p, ",");
        snprintf(cell, sizeof cell, "%.*s", (int)(k < sizeof cell ? k : sizeof cell - 1), p);
        char *b = cell + strspn(cell, " \t\"");
        b[strcspn(b, " \t\"")] = '\0';
        double x;
        if (!*b || util_parse_double(b, &x))
            return false;
        if (!p[k])
            return true;
        p += k + 1;
    }
}

/* Reads a CSV of numbers (no header) into a: one row a line. */
static int read_csv(CmdCtx *c, const char *path, NpyArray *a)
{
    FILE *f = util_open_file(path, c->err);
    if (!f)
        return -1;
    size_t cap = 64, n = 0;
    double *v = malloc(sizeof(double) * cap);
    char line[65536];
    long rows = 0, cols = -1;
    int rc = v ? 0 : cmd_fail(c, "out of memory");
    while (rc == 0 && fgets(line, sizeof line, f)) {
        if (!strchr(line, '\n') && !feof(f)) {
            rc = cmd_fail(c, "%s:%ld: line longer than %zu characters", path, rows + 1, sizeof line - 1);
            break;
        }
        line[strcspn(line, "\r\n")] = '\0';
        if (!line[0])
            continue;
        if (rows == 0 && header_line(line)) {
            rc = cmd_fail(c, "%s: the first line ('%.40s') seems to be a header row of names; import reads numbers "
                          "only, one row of the tensor a line, as `export` writes them: delete that line", path, line);
            break;
        }
        long k = 0;
        for (char *cell = line, *end; rc == 0; cell = end + 1) {
            end = cell + strcspn(cell, ",");
            char save = *end;
            *end = '\0';
            double x;
            char *s = cell;
            while (*s == ' ')
                s++;
            if (!util_parse_double(s, &x))
                rc = cmd_fail(c, "%s:%ld: '%s' is not a finite number", path, rows + 1, s);
            else if (n == cap && n < NPY_MAX_VALUES) {
                double *w = realloc(v, sizeof(double) * (cap *= 2));
                rc = w ? 0 : cmd_fail(c, "out of memory");
                v = w ? w : v;
            } else if (n == cap) {
                rc = cmd_fail(c, "%s: too many values", path);
            }
            if (rc == 0)
                v[n++] = x, k++;
            if (!save)
                break;
        }
        if (rc == 0 && cols >= 0 && k != cols)
            rc = cmd_fail(c, "%s:%ld: %ld value%s where the first row has %ld", path, rows + 1, k, CMD_S(k), cols);
        cols = k;
        rows++;
    }
    fclose(f);
    if (rc == 0 && rows == 0)
        rc = cmd_fail(c, "%s holds no numbers", path);
    if (rc != 0) {
        free(v);
        return -1;
    }
    *a = (NpyArray){2, {rows, cols}, {rows, cols, 0, 0}, v};
    return 0;
}

int cmd_import(CmdCtx *c, int argc, char **argv)
{
    Tensor t;
    double *owned = NULL;
    int rc = state_tensor(c, argv[1], &t, &owned);
    free(owned);
    if (rc < 0)
        return -1;
    if (rc == 0) /* a name `export` knows: the optimizer's state */
        return cmd_fail(c, "%s is optimizer state, which import does not replace: the optimizer builds it from past "
                        "gradients and step counts that a file would not match; `load` brings back a whole session, "
                        "state included, and `set optimizer` starts the state afresh", argv[1]);
    rc = session_tensor(c->s, argv[1], &t, c->err);
    if (rc != 0)
        return cmd_name_refused(c, argv[1], rc);
    if (!t.editable)
        return cmd_fail(c, "%s cannot be replaced: only parameters (W1, b1, ...) can be imported", argv[1]);
    NpyArray a;
    bool npy = has_ext(argv[2], ".npy");
    if (npy ? npy_read(argv[2], &a, c->err) != 0 : read_csv(c, argv[2], &a) != 0)
        return -1;
    /* a bias is (n,): a .npy of that shape, a CSV of one line of n values
     * (as export writes it); never (n, 1) or (1, n) */
    bool fits = t.vector ? (npy ? a.ndim == 1 && a.shape[0] == t.cols : a.ndim == 2 && a.shape[0] == 1 && a.shape[1] == t.cols)
              : t.ndim == 4 ? (npy ? a.ndim == 4 && a.dims[0] == t.dims[0] && a.dims[1] == t.dims[1] &&
                                         a.dims[2] == t.dims[2] && a.dims[3] == t.dims[3]
                                   : a.ndim == 2 && a.shape[0] == t.rows && a.shape[1] == t.cols)
                            : a.ndim == 2 && a.shape[0] == t.rows && a.shape[1] == t.cols;
    char have[64];
    if (a.ndim == 1)
        snprintf(have, sizeof have, "(%ld,)", a.shape[0]);
    else if (a.ndim == 2)
        snprintf(have, sizeof have, "(%ld, %ld)", a.shape[0], a.shape[1]);
    else if (a.ndim == 3)
        snprintf(have, sizeof have, "(%ld, %ld, %ld)", a.dims[0], a.dims[1], a.dims[2]);
    else
        snprintf(have, sizeof have, "(%ld, %ld, %ld, %ld)", a.dims[0], a.dims[1], a.dims[2], a.dims[3]);
    size_t n = (size_t)t.rows * t.cols;
    for (size_t i = 0; fits && i < n; i++)
        if (!isfinite(a.data[i])) {
            const char *what = isnan(a.data[i]) ? "NaN" : a.data[i] > 0 ? "Inf" : "-Inf";
            free(a.data);
            return cmd_fail(c, "%s holds a value that is not finite (%s at index %zu, counting in C order); a "
                            "parameter must be a finite number", argv[2], what, i);
        }
    if (!fits) {
        free(a.data);
        if (t.ndim == 4 && npy)
            return cmd_fail(c, "%s has shape (%d, %d, %d, %d), as torch's Conv2d.weight, but %s holds %s; give a .npy "
                            "of that shape", t.name, t.dims[0], t.dims[1], t.dims[2], t.dims[3], argv[2], have);
        if (t.ndim == 4)
            return cmd_fail(c, "%s is %d×%d×%d×%d: a CSV holds it as %d row%s of %d value%s (or use a 4-D .npy), "
                            "but %s holds %s", t.name, t.dims[0], t.dims[1], t.dims[2], t.dims[3], t.rows,
                            CMD_S(t.rows), t.cols, CMD_S(t.cols), argv[2], have);
        if (t.vector && npy)
            return cmd_fail(c, "%s has shape (%d,), but %s holds %s; give a .npy of shape (%d,) (in NumPy: "
                            "a.reshape(%d))", t.name, t.cols, argv[2], have, t.cols, t.cols);
        if (t.vector)
            return cmd_fail(c, "%s has shape (%d,), but %s holds %s; a CSV holds a bias as one line of %d value%s, "
                            "as `export %s FILE.csv` writes it (a column of values is refused)", t.name, t.cols,
                            argv[2], have, t.cols, CMD_S(t.cols), t.name);
        return cmd_fail(c, "%s has shape (%d, %d), but %s holds %s; give a file of %d row%s of %d value%s", t.name,
                        t.rows, t.cols, argv[2], have, t.rows, CMD_S(t.rows), t.cols, CMD_S(t.cols));
    }
    memcpy(t.data, a.data, sizeof(double) * n);
    free(a.data);
    session_params_changed(c->s);
    cmd_out(c, "%s replaced from %s (%zu value%s)\n", t.name, argv[2], n, n == 1 ? "" : "s");
    return 0;
}

/* ---- the whole session ---- */

int cmd_save(CmdCtx *c, int argc, char **argv)
{
    if (!argv[1][0])
        return cmd_fail(c, "save needs a file name, as in `save session.plsave`");
    int may = cmd_policy_may_write(c, argv[1]);
    if (may == 1) { /* there already: fine when it holds exactly this session */
        unsigned char *p;
        size_t n;
        char msg[ERR_LEN];
        snprintf(msg, sizeof msg, "%s", c->err);
        if (persist_bytes(c->s, &p, &n, c->err) != 0)
            return -1;
        may = cmd_policy_same(c, argv[1], p, n);
        free(p);
        if (may != 0)
            return cmd_fail(c, "%s", msg);
    } else if (may != 0 || persist_save(c->s, argv[1], c->err) != 0) {
        return -1;
    }
    cmd_policy_wrote(c, argv[1]);
    const Session *s = c->s;
    cmd_out(c, "saved the session to %s", argv[1]);
    if (s->model)
        cmd_out(c, " (%s model, %zu parameters, %s after %ld update%s, epoch %ld batch %d)", s->model_kind,
                s->model->n_params, optim_name(s->opt.kind), s->steps, s->steps == 1 ? "" : "s", s->epoch,
                s->batch_index + 1);
    else if (s->data)
        cmd_out(c, " (data %s, no model)", s->data->name);
    cmd_out(c, "\n");
    return 0;
}

int cmd_load(CmdCtx *c, int argc, char **argv)
{
    Session *f;
    if (!argv[1][0])
        return cmd_fail(c, "load needs a file name, as in `load session.plsave`");
    if (persist_load(argv[1], &f, c->err) != 0)
        return -1;
    /* the contents change places, so whatever holds c->s (the lesson log
     * that `record` writes, the hooks) goes on holding this session; the
     * hooks stay the context's */
    Session *s = c->s, old = *s;
    *s = *f;
    s->interrupt = old.interrupt;
    s->on_update = old.on_update;
    s->on_update_ctx = old.on_update_ctx;
    *f = old;
    session_free(f);
    f = s;
    cmd_out(c, "loaded %s", argv[1]);
    if (f->data)
        cmd_out(c, ": data %s (%d row%s)", f->data->name, f->data->n, CMD_S(f->data->n));
    if (f->model)
        cmd_out(c, ", %s model, %s after %ld update%s, epoch %ld batch %d", f->model_kind, optim_name(f->opt.kind),
                f->steps, f->steps == 1 ? "" : "s", f->epoch, f->batch_index + 1);
    cmd_out(c, "\n");
    return 0;
}

/* ---- completion ---- */

/* Calls add for every state name of each parameter ("exp_avg:W1"). */
static void add_state_names(Session *s, CmdAddFn add, void *ctx)
{
    if (!s->model)
        return;
    char name[64], p[16];
    for (int k = 1; k <= s->model->n_layers; k++)
        for (int b = 0; b < 2; b++) {
            const LayerDesc *d = layer_desc(&s->model->layer[k - 1]);
            snprintf(p, sizeof p, "%c%d", b ? d->bias : d->weight, k);
            for (int q = 0; q < s->optim->n_slots; q++) {
                cmd_state_name(name, sizeof name, optim_slot_name(s->optim, q), p);
                add(ctx, name);
            }
        }
}

CmdComplete cmd_complete_export(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    Session *s = c->s;
    if (argi == 2)
        return COMPLETE_FILES;
    session_names(s, add, ctx);
    add_state_names(s, add, ctx);
    return COMPLETE_WORDS;
}

CmdComplete cmd_complete_import(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    Session *s = c->s;
    if (argi == 2)
        return COMPLETE_FILES;
    char p[16];
    for (int k = 1; s->model && k <= s->model->n_layers; k++)
        for (int b = 0; b < 2; b++) {
            const LayerDesc *d = layer_desc(&s->model->layer[k - 1]);
            snprintf(p, sizeof p, "%c%d", b ? d->bias : d->weight, k);
            add(ctx, p);
        }
    return COMPLETE_WORDS;
}
