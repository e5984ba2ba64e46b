/* runlog.c — writes the run log (runlog.h): the JSON line of a run, its
 * CSV of epochs, and the append that never leaves half a line. */
#include "runlog.h"
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

RunCurve *run_curve_new(long epochs)
{
    long cap = epochs < 1 ? 1 : epochs > RUN_MAX_EPOCHS ? RUN_MAX_EPOCHS : epochs;
    RunCurve *c = calloc(1, sizeof *c);
    if (!c)
        return NULL;
    c->cap = cap;
    c->epoch = calloc((size_t)cap, sizeof *c->epoch);
    double *mem = calloc((size_t)cap * 4, sizeof *mem);
    if (!c->epoch || !mem) {
        free(c->epoch);
        free(mem);
        free(c);
        return NULL;
    }
    c->train_loss = mem;
    c->val_loss = mem + cap;
    c->train_acc = mem + 2 * cap;
    c->val_acc = mem + 3 * cap;
    return c;
}

void run_curve_free(RunCurve *c)
{
    if (!c)
        return;
    free(c->epoch);
    free(c->train_loss);
    free(c);
}

void run_curve_epoch(RunCurve *c, Session *s, long epoch, double train_loss, double val_loss)
{
    if (!c || c->n >= c->cap)
        return;
    double acc = s->last_epoch_accuracy; /* as the epoch's loss: the rows as they were trained on */
    long i = c->n++;
    c->epoch[i] = epoch;
    c->train_loss[i] = train_loss;
    c->val_loss[i] = val_loss;
    c->train_acc[i] = acc;
    c->val_acc[i] = isnan(val_loss) ? NAN : s->last_val_accuracy;
}

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const unsigned char *b = p;
    for (size_t i = 0; i < n; i++) {
        h ^= b[i];
        h *= 0x100000001b3ULL;
    }
    return h;
}

/* FNV-1a's step over the values as 64-bit words in four interleaved
 * lanes, folded together with FNV-1a at the end: the lanes' multiplies do
 * not wait on each other, so 376 MB of features take the time of reading
 * them (about 0.1 s here) instead of one multiply per byte (about 0.5 s,
 * at every `train`). */
static uint64_t fnv_words(uint64_t h, const double *v, size_t n)
{
    const uint64_t prime = 0x100000001b3ULL;
    uint64_t lane[4] = {h, h ^ 1, h ^ 2, h ^ 3}, w[4];
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(w, v + i, sizeof w);
        for (int k = 0; k < 4; k++)
            lane[k] = (lane[k] ^ w[k]) * prime;
    }
    for (; i < n; i++) {
        memcpy(w, v + i, sizeof w[0]);
        lane[i % 4] = (lane[i % 4] ^ w[0]) * prime;
    }
    return fnv(h, lane, sizeof lane);
}

uint64_t run_fingerprint(const Dataset *ds)
{
    uint64_t h = 0xcbf29ce484222325ULL;
    int shape[6] = {ds->n, ds->d, ds->t, ds->n_train, ds->n_test, ds->standardized};
    h = fnv(h, shape, sizeof shape);
    h = fnv_words(h, ds->x, (size_t)ds->n * (size_t)ds->d);
    return fnv_words(h, ds->y, (size_t)ds->n * (size_t)ds->t);
}

void run_new_id(char *id)
{
    static unsigned counter;
    struct timeval tv;
    gettimeofday(&tv, NULL);
    struct tm tm;
    time_t t = tv.tv_sec;
    gmtime_r(&t, &tm);
    char when[32];
    strftime(when, sizeof when, "%Y%m%d-%H%M%S", &tm);
    /* the process and a counter keep ids made in the same second apart */
    unsigned tag = (unsigned)((uint64_t)getpid() * 2654435761u + ++counter * 40503u + (unsigned)tv.tv_usec) & 0xffffu;
    snprintf(id, RUN_ID_LEN, "%s-%04x", when, tag);
}

static void json_data(JsonBuf *b, const Dataset *ds)
{
    json_obj(b, "data");
    json_str(b, "name", ds->name);
    json_str(b, "recipe", ds->recipe);
    char fp[20];
    snprintf(fp, sizeof fp, "%016llx", (unsigned long long)run_fingerprint(ds));
    json_str(b, "fingerprint", fp);
    json_str(b, "task", ds->classification ? "classification" : "regression");
    json_int(b, "classes", ds->classification ? ds->n_classes : 0);
    json_int(b, "rows", ds->n);
    json_int(b, "features", ds->d);
    json_int(b, "targets", ds->t);
    json_int(b, "train_rows", ds->n_train);
    json_int(b, "val_rows", ds->n - ds->n_train - ds->n_test);
    json_int(b, "test_rows", ds->n_test);
    json_bool(b, "standardized", ds->standardized);
    json_end(b);
}

/* The model's layer widths: "widths" the inputs, then what each layer
 * puts out ([2, 16, 16, 1]; a conv layer's maps flattened), and for a
 * first conv layer the image it reads, "input" [C, H, W]: with the conv
 * spec, what a reader needs to draw the layers as `model` does. */
static void json_widths(JsonBuf *b, const Model *m)
{
    if (!m || m->n_layers < 1)
        return;
    const Layer *l0 = &m->layer[0];
    if (l0->kind == LAYER_CONV) {
        json_arr(b, "input");
        json_int(b, NULL, l0->c_in);
        json_int(b, NULL, l0->h_in);
        json_int(b, NULL, l0->w_in);
        json_end(b);
    }
    json_arr(b, "widths");
    json_int(b, NULL, l0->n_in);
    for (int k = 0; k < m->n_layers; k++)
        json_int(b, NULL, m->layer[k].n_out);
    json_end(b);
}

static void json_model(JsonBuf *b, const Session *s)
{
    json_obj(b, "model");
    json_str(b, "kind", s->model_kind);
    json_widths(b, s->model);
    if (s->conv.n_conv) {
        json_arr(b, "conv");
        for (int i = 0; i < s->conv.n_conv; i++) {
            json_obj(b, NULL);
            json_int(b, "filters", s->conv.filters[i]);
            json_int(b, "kernel", s->conv.ksize[i]);
            json_end(b);
        }
        json_end(b);
        json_int(b, "pool", s->conv.pool);
        json_str(b, "pad", s->conv.same ? "same" : "0");
    }
    json_arr(b, "hidden");
    for (int i = 0; i < s->n_hidden; i++)
        json_int(b, NULL, s->hidden[i]);
    json_end(b);
    json_str(b, "act", act_name(s->act));
    json_arr(b, "dropout");
    for (int i = 0; i < s->n_hidden; i++)
        json_num(b, NULL, s->dropout[i]);
    json_end(b);
    json_int(b, "params", s->model ? (long long)s->model->n_params : 0);
    json_end(b);
}

static void json_hypers(JsonBuf *b, const Session *s)
{
    Hypers h;
    session_hypers(s, &h);
    json_obj(b, "hypers");
    json_str(b, "optimizer", optim_name(h.opt.kind));
    int n = 0;
    const OptHyper *oh = optim_hypers(h.opt.kind, &n);
    for (int i = 0; i < n; i++) {
        const char *at = (const char *)&h.opt + oh[i].offset;
        if (oh[i].is_bool)
            json_bool(b, oh[i].name, *(const bool *)(const void *)at);
        else
            json_num(b, oh[i].name, *(const double *)(const void *)at);
    }
    json_int(b, "batch", h.batch);
    json_bool(b, "shuffle", s->shuffle);
    json_str(b, "loss", loss_name(s->loss.kind));
    json_num(b, "huber_delta", s->loss.delta);
    json_num(b, "l1", h.pen.l1);
    json_num(b, "l2", h.pen.l2);
    json_str(b, "init", init_name(h.init.kind));
    char buf[160];
    sched_describe(&s->sched, buf, sizeof buf);
    json_str(b, "schedule", buf);
    clip_describe(&s->clip, buf, sizeof buf);
    json_str(b, "clip", buf);
    json_end(b);
}

static void json_curve(JsonBuf *b, const RunCurve *c)
{
    long n = c ? c->n : 0;
    json_obj(b, "curve");
    json_arr(b, "epoch");
    for (long i = 0; i < n; i++)
        json_int(b, NULL, c->epoch[i]);
    json_end(b);
    const char *names[4] = {"train_loss", "val_loss", "train_accuracy", "val_accuracy"};
    for (int k = 0; k < 4; k++) {
        const double *v = !c ? NULL : k == 0 ? c->train_loss : k == 1 ? c->val_loss : k == 2 ? c->train_acc
                                                                                               : c->val_acc;
        json_arr(b, names[k]);
        for (long i = 0; i < n; i++)
            json_num(b, NULL, v[i]);
        json_end(b);
    }
    json_end(b);
}

long run_kept_index(const RunInfo *ri, const RunCurve *c)
{
    long n = c ? c->n : 0;
    for (long i = n - 1; i >= 0 && ri->restored && ri->best_epoch; i--)
        if (c->epoch[i] == ri->best_epoch)
            return i;
    return n - 1;
}

void run_json(JsonBuf *b, const char *id, const Session *s, const RunInfo *ri, const RunCurve *c)
{
    char when[32];
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    strftime(when, sizeof when, "%Y-%m-%dT%H:%M:%SZ", &tm);
    json_obj(b, NULL);
    json_int(b, "version", 1);
    json_str(b, "id", id);
    json_str(b, "time", when);
    json_str(b, "kind", ri->kind);
    json_str(b, "group", ri->group ? ri->group : "");
    json_int(b, "fold", ri->fold);
    json_int(b, "trial", ri->trial);
    json_str(b, "status", ri->status);
    json_data(b, s->data);
    json_model(b, s);
    json_hypers(b, s);
    json_int(b, "seed", (long long)s->seed);
    long n = c ? c->n : 0;
    json_int(b, "epochs", n);
    json_int(b, "best_epoch", ri->best_epoch);
    json_int(b, "steps", ri->steps);
    json_num(b, "wall_s", ri->wall_s);
    long k = run_kept_index(ri, c); /* the model the session kept */
    json_obj(b, "final");
    json_int(b, "epoch", k >= 0 ? c->epoch[k] : 0);
    /* the curve's training numbers are means over the batches as they
     * were trained on; the kept model's come from ri, in evaluation mode */
    json_num(b, "train_loss", ri->measured ? ri->train_loss : NAN);
    json_num(b, "val_loss", k >= 0 ? c->val_loss[k] : NAN);
    json_num(b, "train_accuracy", ri->measured ? ri->train_acc : NAN);
    json_num(b, "val_accuracy", k >= 0 ? c->val_acc[k] : NAN);
    json_end(b);
    char csv[RUN_ID_LEN + 8];
    snprintf(csv, sizeof csv, "%s.csv", id);
    json_str(b, "csv", csv);
    json_curve(b, c);
    json_end(b);
}

/* The value of a CSV cell: empty for NaN. */
static void csv_num(FILE *f, double v, const char *sep)
{
    if (isfinite(v))
        fprintf(f, "%.17g%s", v, sep);
    else
        fputs(sep, f);
}

static int write_csv(const char *dir, const char *id, const RunCurve *c, char *err)
{
    char path[4096];
    if ((size_t)snprintf(path, sizeof path, "%s/%s.csv", dir, id) >= sizeof path)
        return util_err(err, "the run folder's name is too long");
    AFile a;
    if (afile_open(&a, path, err) != 0)
        return -1;
    fputs("epoch,train_loss,val_loss,train_accuracy,val_accuracy\n", a.f);
    for (long i = 0; c && i < c->n; i++) {
        fprintf(a.f, "%ld,", c->epoch[i]);
        csv_num(a.f, c->train_loss[i], ",");
        csv_num(a.f, c->val_loss[i], ",");
        csv_num(a.f, c->train_acc[i], ",");
        csv_num(a.f, c->val_acc[i], "\n");
    }
    return afile_commit(&a, err);
}

/* Makes dir and its missing parents (mode 0700). */
static int make_dirs(const char *dir, char *err)
{
    char p[4096];
    if (snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return util_err(err, "the run folder's name is too long");
    for (char *q = p + 1;; q++) {
        if (*q == '/' || *q == '\0') {
            char keep = *q;
            *q = '\0';
            if (mkdir(p, 0700) != 0 && errno != EEXIST)
                return util_err(err, "cannot make the run folder %s: %s", p, strerror(errno));
            *q = keep;
            if (!keep)
                break;
        }
    }
    struct stat st;
    if (stat(dir, &st) != 0 || !S_ISDIR(st.st_mode))
        return util_err(err, "%s is not a folder", dir);
    return 0;
}

/* Whether a file can be made in the folder path: a folder is made there
 * and removed again (permission bits alone do not tell: root, read-only
 * mounts, /proc). 0, or errno. */
static int probe_folder(const char *path)
{
    char t[4200];
    if (snprintf(t, sizeof t, "%s/.paramlab-probe-XXXXXX", path) >= (int)sizeof t)
        return ENAMETOOLONG;
    if (!mkdtemp(t))
        return errno;
    rmdir(t);
    return 0;
}

int run_dir_usable(const char *dir, char *err)
{
    char p[4096];
    if (!dir[0] || snprintf(p, sizeof p, "%s", dir) >= (int)sizeof p)
        return util_err(err, "the run folder's name is empty or too long");
    struct stat st;
    if (stat(p, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return util_err(err, "%s is a file, not a folder; runs need a folder of their own", dir);
        int e = probe_folder(p);
        if (e)
            return util_err(err, "the folder %s cannot be written (%s); name one you may write to", dir,
                            strerror(e));
        return 0;
    }
    if (errno != ENOENT)
        return util_err(err, "cannot use %s as the run folder: %s", dir, strerror(errno));
    /* missing: the nearest part of the path that exists must be a folder
     * that can be written, so the rest can be made at the first run */
    for (;;) {
        char *slash = strrchr(p, '/');
        while (slash && slash > p && slash[-1] == '/') /* "a//b" */
            slash--;
        if (!slash)
            snprintf(p, sizeof p, ".");
        else if (slash == p)
            p[1] = '\0';
        else
            *slash = '\0';
        if (stat(p, &st) == 0)
            break;
        if (errno != ENOENT || strcmp(p, ".") == 0 || strcmp(p, "/") == 0)
            return util_err(err, "cannot make the run folder %s: %s", dir, strerror(errno));
    }
    if (!S_ISDIR(st.st_mode))
        return util_err(err, "cannot make the run folder %s: %s is a file, not a folder", dir, p);
    int e = probe_folder(p);
    if (e)
        return util_err(err, "cannot make the run folder %s: %s cannot be written (%s)", dir, p, strerror(e));
    return 0;
}

int run_append(const char *dir, const Session *s, const RunInfo *ri, const RunCurve *c, char *id, char *err)
{
    if (!s->data || !s->model)
        return util_err(err, "a run needs data and a model");
    if (make_dirs(dir, err) != 0)
        return -1;
    run_new_id(id);
    if (write_csv(dir, id, c, err) != 0)
        return -1;
    JsonBuf b;
    json_init(&b);
    run_json(&b, id, s, ri, c);
    char *line = b.s.oom ? NULL : malloc(b.s.n + 1);
    if (!line) {
        json_free(&b);
        return util_fail(err, ERR_NOMEM, "out of memory writing the run log");
    }
    memcpy(line, b.s.p, b.s.n);
    line[b.s.n] = '\n';
    size_t len = b.s.n + 1;
    json_free(&b);
    char path[4096];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    /* one write() of the whole line on an O_APPEND file: readers see the
     * line whole or not at all, and lines from two sessions never mix */
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    int rc = 0;
    if (fd < 0) {
        rc = util_err(err, "cannot open %s: %s", path, strerror(errno));
    } else {
        ssize_t w = write(fd, line, len);
        if (w != (ssize_t)len) {
            /* a short write (the disk full): cut the partial line off again;
             * if even that fails, readers skip the broken line */
            if (w > 0 && ftruncate(fd, lseek(fd, 0, SEEK_END) - w) != 0)
                w = -1;
            rc = util_err(err, "cannot write %s: %s%s", path, w < 0 ? strerror(errno) : "the disk is full",
                          util_write_advice(w < 0 ? errno : ENOSPC));
        }
        if (close(fd) != 0 && rc == 0)
            rc = util_err(err, "cannot write %s: %s", path, strerror(errno));
    }
    free(line);
    return rc;
}
