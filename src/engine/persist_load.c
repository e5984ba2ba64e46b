/* persist_load.c — reading a saved session (see persist.h). The whole file
 * is read and its frame checked (magic, version, length, checksum) before
 * any section is looked at; the session is then rebuilt through the
 * session's own functions (data, model, settings, each checked as if
 * typed) in a new Session that the caller swaps in only when all of it
 * read fine. */
#include "persist.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "binio.h"

#define HEAD_BYTES 24 /* magic, version, sections, length */

/* The sections of a file, found by tag; len 0 and p NULL when absent. */
typedef struct Sections {
    BinIn sets, data, modl, opts, loop, trce, conv;
    uint32_t version; /* the file's format version */
} Sections;

/* Reads path whole into *buf (owned), refusing what is not a regular file. */
static int read_whole(const char *path, unsigned char **buf, size_t *len, char *err)
{
    FILE *f = util_open_file(path, err);
    if (!f)
        return -1;
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || st.st_size < 0 || (unsigned long long)st.st_size > SIZE_MAX / 2) {
        fclose(f);
        return util_err(err, "%s: cannot tell its size", path);
    }
    size_t n = (size_t)st.st_size;
    unsigned char *p = malloc(n ? n : 1);
    if (!p) {
        fclose(f);
        return util_fail(err, ERR_NOMEM, "%s: out of memory for %zu bytes", path, n);
    }
    size_t got = fread(p, 1, n, f);
    bool more = got == n && fgetc(f) != EOF; /* it grew while read */
    fclose(f);
    if (got != n || more) {
        free(p);
        return util_err(err, "%s: changed or could not be read while loading; try again", path);
    }
    *buf = p;
    *len = n;
    return 0;
}

/* Checks the frame and finds the sections. */
static int frame(const char *path, const unsigned char *p, size_t len, Sections *sec, char *err)
{
    if (len < 8 || memcmp(p, PERSIST_MAGIC, 8) != 0)
        return util_err(err, "%s is not a paramlab save file (it does not start with %s)", path, PERSIST_MAGIC);
    BinIn r = {p, len, 8, false};
    uint32_t version = bin_get_u32(&r);
    uint32_t count = bin_get_u32(&r);
    uint64_t total = bin_get_u64(&r);
    if (r.bad)
        return util_err(err, "%s is truncated: %zu bytes, less than its header", path, len);
    if (version > PERSIST_VERSION || version == 0)
        return util_err(err, "%s was saved by a newer paramlab (format version %u; this one reads version %u)",
                        path, version, PERSIST_VERSION);
    if (total != len)
        return util_err(err, "%s is %s: %zu bytes where its header says %llu", path,
                        len < total ? "truncated" : "damaged", len, (unsigned long long)total);
    if (bin_fnv1a(p, len - 8) != (r.at = len - 8, bin_get_u64(&r)))
        return util_err(err, "%s is corrupt: its checksum does not match its contents", path);
    r = (BinIn){p, len - 8, HEAD_BYTES, false};
    memset(sec, 0, sizeof *sec);
    sec->version = version;
    for (uint32_t i = 0; i < count; i++) {
        char tag[4];
        for (int k = 0; k < 4; k++)
            tag[k] = (char)bin_get_u8(&r);
        uint64_t n = bin_get_u64(&r);
        if (r.bad || n > r.len - r.at)
            return util_err(err, "%s is damaged: section %u runs past the end", path, i + 1);
        BinIn s = {p + r.at, (size_t)n, 0, false};
        r.at += (size_t)n;
        BinIn *to = !memcmp(tag, "SETS", 4) ? &sec->sets : !memcmp(tag, "DATA", 4) ? &sec->data
                  : !memcmp(tag, "MODL", 4) ? &sec->modl : !memcmp(tag, "OPTS", 4) ? &sec->opts
                  : !memcmp(tag, "LOOP", 4) ? &sec->loop : !memcmp(tag, "TRCE", 4) ? &sec->trce
                  : !memcmp(tag, "CONV", 4) ? &sec->conv : NULL;
        if (to)
            *to = s; /* others are a later version's: skipped */
    }
    if (r.at != r.len)
        return util_err(err, "%s is damaged: bytes after its last section", path);
    if (!sec->sets.p)
        return util_err(err, "%s is damaged: it has no settings section", path);
    bool m = sec->modl.p != NULL;
    if ((m && !sec->data.p) || m != (sec->opts.p != NULL) || m != (sec->loop.p != NULL) || m != (sec->trce.p != NULL))
        return util_err(err, "%s is damaged: its model, optimizer, position and trace do not come together", path);
    return 0;
}

/* Reads a kind's name with parse; -1 (r->bad) when unknown. */
static int get_kind(BinIn *r, int (*parse)(const char *, int *), int *out)
{
    char name[64];
    bin_get_str(r, name, sizeof name);
    if (r->bad || parse(name, out) != 0) {
        r->bad = true;
        return -1;
    }
    return 0;
}

static int parse_loss(const char *s, int *k)
{
    LossKind v;
    int rc = loss_parse(s, &v);
    *k = (int)v;
    return rc;
}

static int parse_init(const char *s, int *k)
{
    InitKind v;
    int rc = init_parse(s, &v);
    *k = (int)v;
    return rc;
}

static int parse_act(const char *s, int *k)
{
    Act v;
    int rc = act_parse(s, &v);
    *k = (int)v;
    return rc;
}

static int parse_sched(const char *s, int *k)
{
    SchedKind v;
    int rc = sched_kind_parse(s, &v, NULL);
    *k = (int)v;
    return rc;
}

/* The schedule: its kind by name and each option by name. */
static int read_sched(Session *f, BinIn *r, char *err)
{
    int kind = 0;
    get_kind(r, parse_sched, &kind);
    SchedConfig c;
    sched_defaults((SchedKind)kind, &c);
    const SchedDesc *sd = sched_desc((SchedKind)kind);
    uint32_t n = bin_get_u32(r);
    for (uint32_t i = 0; i < n && !r->bad; i++) {
        char name[64];
        bin_get_str(r, name, sizeof name);
        double v = bin_get_f64(r);
        int j = 0;
        while (j < sd->n_opts && strcmp(sd->opts[j].name, name) != 0)
            j++;
        if (j == sd->n_opts || !isfinite(v) || (sd->opts[j].is_long && (v != floor(v) || fabs(v) > 1e15))) {
            r->bad = true;
            break;
        }
        char *at = (char *)&c + sd->opts[j].offset;
        if (sd->opts[j].is_long)
            *(long *)at = (long)v;
        else
            *(double *)at = v;
    }
    if (r->bad)
        return util_err(err, "its schedule's record is damaged");
    if (session_set_schedule(f, &c, err) != 0)
        return -1;
    f->sched_state.epoch = bin_get_long(r, 0, LONG_MAX);
    f->sched_state.base_lr = bin_get_f64(r);
    f->sched_state.best = bin_get_f64(r);
    f->sched_state.bad_epochs = bin_get_long(r, 0, LONG_MAX);
    return 0;
}

/* What building the model and setting the data start afresh: put back
 * after them. */
typedef struct Tail {
    int test_looks;
    double last_val_loss, last_val_accuracy;
    long best_epoch;
    double best_val, first_loss;
} Tail;

/* Everything of section SETS but the generator's state, which the caller
 * puts back last (building the model draws from it), and the tail. */
static int read_settings(Session *f, BinIn *r, Rng *rng, Loss *loss, Tail *tail, char *err)
{
    session_set_seed(f, bin_get_u64(r));
    for (int i = 0; i < 4; i++)
        rng->s[i] = bin_get_u64(r);
    f->batch = bin_get_int(r, 1, 1000000);
    f->shuffle = bin_get_bool(r);
    f->precision = bin_get_int(r, 1, 17);
    int k = 0;
    get_kind(r, parse_loss, &k);
    loss->kind = (LossKind)k;
    loss->delta = bin_get_f64(r);
    f->loss_auto = bin_get_bool(r);
    get_kind(r, parse_init, &k);
    f->init.kind = (InitKind)k;
    double iv[6];
    bin_get_f64s(r, iv, 6);
    f->init.value = iv[0], f->init.a = iv[1], f->init.b = iv[2];
    f->init.mean = iv[3], f->init.std = iv[4], f->init.gain = iv[5];
    get_kind(r, parse_act, &k);
    f->act = (Act)k;
    if (r->bad)
        return util_err(err, "its settings are damaged");
    if (optim_config_read(&f->opt, r, err) != 0)
        return -1;
    Penalty pen;
    pen.l1 = bin_get_f64(r);
    pen.l2 = bin_get_f64(r);
    if (r->bad || session_set_penalty(f, &pen, err) != 0)
        return r->bad ? util_err(err, "its settings are cut short") : -1;
    if (read_sched(f, r, err) != 0)
        return -1;
    ClipConfig clip;
    clip.kind = (ClipKind)bin_get_int(r, CLIP_OFF, CLIP_VALUE);
    clip.max = bin_get_f64(r);
    if (r->bad || session_set_clip(f, &clip, err) != 0)
        return r->bad ? util_err(err, "its settings are cut short") : -1;
    tail->test_looks = bin_get_int(r, 0, INT_MAX);
    tail->last_val_loss = bin_get_f64(r);
    tail->last_val_accuracy = bin_get_f64(r);
    tail->best_epoch = bin_get_long(r, 0, LONG_MAX);
    tail->best_val = bin_get_f64(r);
    tail->first_loss = bin_get_f64(r);
    if (r->bad)
        return util_err(err, "its settings are cut short");
    return 0;
}

/* Section CONV: a cnn's conv layers into f->conv. Version 2 began with
 * the image shape, which then is the data's (a file of the first cnns had
 * it nowhere else); from version 3 the data carry it alone. */
static int read_conv(Session *f, BinIn *r, uint32_t version, char *err)
{
    int c = f->data->img_c, h = f->data->img_h, w = f->data->img_w;
    if (version == 2) {
        c = bin_get_int(r, 1, LAYER_MAX_CHANNELS);
        h = bin_get_int(r, 1, LAYER_MAX_SIDE);
        w = bin_get_int(r, 1, LAYER_MAX_SIDE);
    }
    ConvSpec cs = {0};
    cs.n_conv = bin_get_int(r, 1, LAYER_MAX_CONV);
    for (int i = 0; i < cs.n_conv && !r->bad; i++) {
        cs.filters[i] = bin_get_int(r, 1, LAYER_MAX_CHANNELS);
        cs.ksize[i] = bin_get_int(r, 1, LAYER_MAX_KERNEL);
    }
    cs.pool = bin_get_int(r, 0, 2);
    cs.same = bin_get_bool(r);
    if (r->bad || (cs.pool != 0 && cs.pool != 2) || c < 1 || h < 1 || w < 1 ||
        (size_t)c * (size_t)h * (size_t)w != (size_t)f->data->d)
        return util_err(err, "its conv layers' record is damaged%s", c < 1 ? " (its data are not images)" : "");
    f->data->img_c = c;
    f->data->img_h = h;
    f->data->img_w = w;
    f->conv = cs;
    return 0;
}

/* Section MODL: builds the model through the session, then puts its
 * parameters and gradients in. */
static int read_model(Session *f, BinIn *r, char *err)
{
    char kind[16];
    int hidden[NN_MAX_LAYERS];
    double drop[NN_MAX_LAYERS] = {0};
    bin_get_str(r, kind, sizeof kind);
    util_clean_text(kind); /* named when this version does not know it */
    int nh = bin_get_int(r, 0, NN_MAX_LAYERS - 1);
    size_t count = 0, in = (size_t)f->data->d;
    for (int i = 0; i < nh; i++) {
        hidden[i] = bin_get_int(r, 1, 1000000);
        drop[i] = bin_get_f64(r);
        count += in * (size_t)hidden[i] + (size_t)hidden[i];
        in = (size_t)hidden[i];
    }
    uint64_t n = bin_get_u64(r);
    /* the parameters and gradients are in the file: bound the model by it */
    if (r->bad || count > r->len || n > r->len || !bin_has(r, 2 * (size_t)n, 8))
        return util_err(err, "its model's record is damaged");
    if (session_build_model_drop(f, kind, hidden, nh, f->act, drop, err) != 0)
        return -1;
    Model *m = f->model;
    if (m->n_params != n)
        return util_err(err, "its model's record is damaged: %llu parameters for a model of %zu",
                        (unsigned long long)n, m->n_params);
    bin_get_f64s(r, m->params, m->n_params);
    bin_get_f64s(r, m->grads, m->n_params);
    int k;
    for (int i = 0; i < 2 * m->n_layers; i++)
        if (get_kind(r, parse_init, &k) == 0)
            f->used_init[i] = (InitKind)k;
    f->grads_valid = bin_get_bool(r);
    bin_get_f64s(r, f->gnorm, (size_t)m->n_layers);
    if (r->bad)
        return util_err(err, "its model's record is cut short");
    return 0;
}

/* Sections OPTS and LOOP: the optimizer's state and the position, put in
 * as `undo` puts a snapshot back, then the phases of the current batch
 * run again up to where they stood. */
static int read_position(Session *f, BinIn *opts, BinIn *r, char *err)
{
    Model *m = f->model;
    Optim *o = f->optim;
    optim_state_read(o, opts);
    if (opts->bad)
        return util_err(err, "its optimizer's state is damaged or does not fit its model");
    Snapshot h = {0};
    h.params = m->params;
    h.opt_state = o->state;
    h.opt_step = o->step;
    h.mu_product = o->mu_product;
    h.epoch = bin_get_long(r, 1, LONG_MAX);
    h.batch_index = bin_get_int(r, 0, session_batches(f) - 1);
    h.steps = bin_get_long(r, 0, LONG_MAX);
    h.perm_seed = bin_get_u64(r);
    h.perm_shuffle = bin_get_bool(r);
    h.epoch_loss_sum = bin_get_f64(r);
    h.epoch_rows = bin_get_long(r, 0, LONG_MAX);
    h.last_epoch_loss = bin_get_f64(r);
    h.epoch_right = bin_get_long(r, 0, LONG_MAX);
    h.last_epoch_accuracy = bin_get_f64(r);
    Phase phase = (Phase)bin_get_int(r, PHASE_READY, PHASE_BACKWARD);
    ClipReport cr;
    cr.total_norm = bin_get_f64(r);
    cr.factor = bin_get_f64(r);
    cr.n_clipped = bin_get_long(r, 0, LONG_MAX);
    cr.clipped = bin_get_bool(r);
    if (r->bad)
        return util_err(err, "its loop position is damaged");
    h.lr = f->opt.lr;
    h.sched = f->sched_state;
    bool valid = f->grads_valid;
    session_snapshot_put(f, &h);
    f->grads_valid = valid;
    f->clip_report = cr;
    int rc = 0;
    if (phase >= PHASE_FORWARD)
        rc = session_forward(f, err);
    if (rc == 0 && phase >= PHASE_LOSS)
        rc = session_loss(f, err);
    if (rc == 0 && phase >= PHASE_BACKWARD)
        rc = session_backward(f, err);
    return rc;
}

/* Builds the session the sections describe into f. */
static int rebuild(Session *f, Sections *sec, char *err)
{
    Rng rng;
    Loss loss;
    SchedState sched;
    Tail tail = {0};
    if (read_settings(f, &sec->sets, &rng, &loss, &tail, err) != 0)
        return -1;
    f->loss = loss;
    sched = f->sched_state;
    OptConfig opt = f->opt;
    if (sec->data.p) {
        Dataset *ds = data_read(&sec->data, err);
        bool dropped, reset;
        if (!ds)
            return -1;
        if (session_set_data(f, ds, &dropped, &reset) != 0)
            return util_fail(err, ERR_NOMEM, "out of memory for the loaded data's batches");
        if (reset && !f->loss_auto)
            return util_err(err, "its loss (%s) does not fit its data", loss_name(loss.kind));
    }
    if (sec->conv.p && (!sec->modl.p || read_conv(f, &sec->conv, sec->version, err) != 0))
        return sec->modl.p ? -1 : util_err(err, "its conv layers come without a model");
    if (sec->modl.p && read_model(f, &sec->modl, err) != 0)
        return -1;
    /* building put the schedule back to its start; the file's state rules */
    f->sched_state = sched;
    f->opt = opt;
    if (f->optim)
        f->optim->cfg = opt;
    f->test_looks = tail.test_looks;
    f->last_val_loss = tail.last_val_loss;
    f->last_val_accuracy = tail.last_val_accuracy;
    f->best_epoch = tail.best_epoch;
    f->best_val = tail.best_val;
    f->first_loss = tail.first_loss;
    if (sec->modl.p && read_position(f, &sec->opts, &sec->loop, err) != 0)
        return -1;
    if (sec->trce.p) {
        trace_read(f->trace, &sec->trce);
        if (sec->trce.bad)
            return util_err(err, "its training history is damaged");
    }
    if (f->loss.kind != loss.kind || (f->loss.delta != loss.delta && !isnan(loss.delta)))
        return util_err(err, "its loss (%s) does not fit its model", loss_name(loss.kind));
    f->rng = rng;
    return 0;
}

int persist_load(const char *path, Session **out, char *err)
{
    *out = NULL;
    unsigned char *p = NULL;
    size_t len = 0;
    Sections sec;
    if (read_whole(path, &p, &len, err) != 0)
        return -1;
    if (frame(path, p, len, &sec, err) != 0) {
        free(p);
        return ERR_INPUT;
    }
    Session *f = session_new();
    if (!f) {
        free(p);
        return util_fail(err, ERR_NOMEM, "out of memory for the loaded session");
    }
    char why[ERR_LEN];
    why[0] = '\0';
    int rc = rebuild(f, &sec, why);
    free(p);
    if (rc != 0) {
        session_free(f);
        return util_fail(err, rc == ERR_NOMEM ? ERR_NOMEM : ERR_INPUT, "%s cannot be loaded: %s", path, why);
    }
    *out = f;
    return 0;
}
