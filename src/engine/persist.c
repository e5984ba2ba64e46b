/* persist.c — writing a saved session (see persist.h for the format). Each
 * part of the session is asked for its record (data_write,
 * optim_config_write, optim_state_write, trace_write); this file adds the
 * settings, the model's shape and the loop's position, and frames them. */
#include "persist.h"

#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include "afile.h"
#include "binio.h"

/* Starts a section: its tag and a length filled in by sect_end. */
static size_t sect_begin(BinBuf *b, const char *tag, int *count)
{
    bin_bytes(b, tag, 4);
    size_t at = b->len;
    bin_u64(b, 0);
    (*count)++;
    return at;
}

static void sect_end(BinBuf *b, size_t at)
{
    bin_put_u64_at(b, at, (uint64_t)(b->len - at - 8));
}

/* Every setting, whether or not there is data or a model. */
static void write_settings(const Session *s, BinBuf *b)
{
    bin_u64(b, s->seed);
    for (int i = 0; i < 4; i++)
        bin_u64(b, s->rng.s[i]);
    bin_i64(b, s->batch);
    bin_u8(b, s->shuffle);
    bin_i64(b, s->precision);
    bin_str(b, loss_name(s->loss.kind));
    bin_f64(b, s->loss.delta);
    bin_u8(b, s->loss_auto);
    bin_str(b, init_name(s->init.kind));
    bin_f64s(b, (const double[]){s->init.value, s->init.a, s->init.b, s->init.mean, s->init.std, s->init.gain}, 6);
    bin_str(b, act_name(s->act));
    optim_config_write(&s->opt, b);
    bin_f64(b, s->pen.l1);
    bin_f64(b, s->pen.l2);
    const SchedDesc *sd = sched_desc(s->sched.kind);
    bin_str(b, sd->name);
    bin_u32(b, (uint32_t)sd->n_opts);
    for (int i = 0; i < sd->n_opts; i++) {
        const char *at = (const char *)&s->sched + sd->opts[i].offset;
        bin_str(b, sd->opts[i].name);
        bin_f64(b, sd->opts[i].is_long ? (double)*(const long *)at : *(const double *)at);
    }
    bin_i64(b, s->sched_state.epoch);
    bin_f64(b, s->sched_state.base_lr);
    bin_f64(b, s->sched_state.best);
    bin_i64(b, s->sched_state.bad_epochs);
    bin_i64(b, s->clip.kind);
    bin_f64(b, s->clip.max);
    bin_i64(b, s->test_looks);
    bin_f64(b, s->last_val_loss);
    bin_f64(b, s->last_val_accuracy);
    bin_i64(b, s->best_epoch);
    bin_f64(b, s->best_val);
    bin_f64(b, s->first_loss);
}

/* The model's shape, parameters, gradients and what initialised them. */
static void write_model(const Session *s, BinBuf *b)
{
    const Model *m = s->model;
    bin_str(b, s->model_kind);
    bin_i64(b, s->n_hidden);
    for (int i = 0; i < s->n_hidden; i++) {
        bin_i64(b, s->hidden[i]);
        bin_f64(b, s->dropout[i]);
    }
    bin_u64(b, m->n_params);
    bin_f64s(b, m->params, m->n_params);
    bin_f64s(b, m->grads, m->n_params);
    for (int i = 0; i < 2 * m->n_layers; i++)
        bin_str(b, init_name(s->used_init[i]));
    bin_u8(b, s->grads_valid);
    bin_f64s(b, s->gnorm, (size_t)m->n_layers);
}

/* A cnn's conv layers (version 3: the image shape they read is the data's,
 * written with it in section DATA). */
static void write_conv(const Session *s, BinBuf *b)
{
    const ConvSpec *cs = &s->conv;
    bin_i64(b, cs->n_conv);
    for (int i = 0; i < cs->n_conv; i++) {
        bin_i64(b, cs->filters[i]);
        bin_i64(b, cs->ksize[i]);
    }
    bin_i64(b, cs->pool);
    bin_u8(b, cs->same);
}

/* Where the loop stands. */
static void write_loop(const Session *s, BinBuf *b)
{
    bin_i64(b, s->epoch);
    bin_i64(b, s->batch_index);
    bin_i64(b, s->steps);
    bin_u64(b, s->perm_seed);
    bin_u8(b, s->perm_shuffle);
    bin_f64(b, s->epoch_loss_sum);
    bin_i64(b, s->epoch_rows);
    bin_f64(b, s->last_epoch_loss);
    bin_i64(b, s->epoch_right);
    bin_f64(b, s->last_epoch_accuracy);
    bin_i64(b, s->phase);
    bin_f64(b, s->clip_report.total_norm);
    bin_f64(b, s->clip_report.factor);
    bin_i64(b, s->clip_report.n_clipped);
    bin_u8(b, s->clip_report.clipped);
}

/* The whole file into b. */
static void write_all(const Session *s, BinBuf *b)
{
    int count = 0;
    bin_bytes(b, PERSIST_MAGIC, 8);
    bin_u32(b, s->model && s->conv.n_conv ? PERSIST_VERSION : 1u); /* older readers read what has no cnn */
    bin_u32(b, 0); /* sections, filled in below */
    bin_u64(b, 0); /* the file's length, filled in below */
    size_t at = sect_begin(b, "SETS", &count);
    write_settings(s, b);
    sect_end(b, at);
    if (s->data) {
        at = sect_begin(b, "DATA", &count);
        data_write(s->data, b);
        sect_end(b, at);
    }
    if (s->model) {
        if (s->conv.n_conv) {
            at = sect_begin(b, "CONV", &count);
            write_conv(s, b);
            sect_end(b, at);
        }
        at = sect_begin(b, "MODL", &count);
        write_model(s, b);
        sect_end(b, at);
        at = sect_begin(b, "OPTS", &count);
        optim_state_write(s->optim, b);
        sect_end(b, at);
        at = sect_begin(b, "LOOP", &count);
        write_loop(s, b);
        sect_end(b, at);
        at = sect_begin(b, "TRCE", &count);
        trace_write(s->trace, b);
        sect_end(b, at);
    }
    if (b->oom)
        return;
    b->p[12] = (unsigned char)count; /* fewer than 256 sections */
    bin_put_u64_at(b, 16, (uint64_t)b->len + 8);
    bin_u64(b, bin_fnv1a(b->p, b->len));
}

int persist_bytes(const Session *s, unsigned char **p, size_t *n, char *err)
{
    BinBuf b = {0};
    write_all(s, &b);
    if (b.oom) {
        bin_free(&b);
        return util_fail(err, ERR_NOMEM, "out of memory for the saved session");
    }
    *p = b.p;
    *n = b.len;
    return 0;
}

int persist_save(const Session *s, const char *path, char *err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return util_err(err, "%s is a directory: give a file name inside it", path);
    BinBuf b = {0};
    write_all(s, &b);
    if (b.oom) {
        bin_free(&b);
        return util_fail(err, ERR_NOMEM, "out of memory for the saved session");
    }
    AFile a;
    int rc = afile_open(&a, path, err);
    if (rc != 0) {
        bin_free(&b);
        return rc;
    }
    size_t wrote = fwrite(b.p, 1, b.len, a.f);
    int werr = errno;
    size_t len = b.len;
    bin_free(&b);
    if (wrote != len) {
        afile_abort(&a);
        return util_err(err, "%s: cannot write: %s; any earlier file is as it was%s", path, strerror(werr),
                        util_write_advice(werr));
    }
    return afile_commit(&a, err);
}
