/* test_persist.c — save and load of the whole session (persist.c): for
 * every optimizer, with shuffling, dropout, a schedule, clipping and a
 * penalty on, `step k; save; load; step N-k` ends bit for bit where `step
 * N` does; a save at each phase of a batch comes back in that phase; every
 * truncation and every flipped byte of a valid file is refused with the
 * session untouched; a file whose checksum was made to fit its damage is
 * refused or loaded without harm (run under the sanitizers); a foreign or
 * newer file is refused naming why; a save that fails (file size limit,
 * /dev/full, a missing folder) leaves an earlier file as it was. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <dirent.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "binio.h"
#include "data.h"
#include "persist.h"
#include "session.h"
#include "util.h"

static char dir_[64];

static int make_dir(void **state)
{
    snprintf(dir_, sizeof dir_, "/tmp/plab_persist_XXXXXX");
    return mkdtemp(dir_) ? 0 : -1;
}

static int remove_dir(void **state)
{
    DIR *d = opendir(dir_);
    struct dirent *e;
    char p[512];
    while (d && (e = readdir(d)))
        if (e->d_name[0] != '.') {
            snprintf(p, sizeof p, "%s/%s", dir_, e->d_name);
            unlink(p);
        }
    if (d)
        closedir(d);
    return rmdir(dir_);
}

static const char *path(const char *name)
{
    static char buf[4][256];
    static int k;
    k = (k + 1) % 4;
    snprintf(buf[k], sizeof buf[k], "%s/%s", dir_, name);
    return buf[k];
}

static void ok(int rc, const char *what, const char *err)
{
    if (rc != 0)
        fail_msg("%s failed: %s", what, err);
}

#define OK(call) ok((call), #call, err)

/* moons split and standardized, shuffled, an mlp with dropout, optimizer
 * c, a step schedule, norm clipping and an l2 penalty. n rows. */
static Session *busy(const OptConfig *c, int n)
{
    char err[ERR_LEN] = "";
    bool dropped, reset, fresh;
    Session *s = session_new();
    DataGenOpts o = {n, 0.2, 7, 0, 0};
    Dataset *ds = data_generate("moons", &o, err);
    assert_non_null(ds);
    OK(session_set_batch(s, 16, err));
    OK(session_set_data(s, ds, &dropped, &reset));
    OK(data_split3(s->data, 0.2, 0.1, 5, err));
    OK(data_standardize(s->data, err));
    OK(session_set_data(s, s->data, &dropped, &reset));
    s->shuffle = true;
    OK(session_set_optimizer(s, c, &fresh, err));
    SchedConfig sc;
    const char *words[] = {"step", "size=2", "gamma=0.5"};
    OK(sched_parse(words, 3, &sc, err));
    OK(session_set_schedule(s, &sc, err));
    ClipConfig cc = {CLIP_NORM, 0.5};
    OK(session_set_clip(s, &cc, err));
    Penalty p = {0, 1e-3};
    OK(session_set_penalty(s, &p, err));
    int hidden[2] = {6, 4};
    double drop[2] = {0.3, 0.1};
    OK(session_build_model_drop(s, "mlp", hidden, 2, ACT_TANH, drop, err));
    return s;
}

static void steps(Session *s, int n)
{
    char err[ERR_LEN] = "";
    for (int i = 0; i < n; i++)
        OK(session_step(s, err));
}

static Session *reload(const Session *s, const char *name)
{
    char err[ERR_LEN] = "";
    Session *f;
    OK(persist_save(s, path(name), err));
    OK(persist_load(path(name), &f, err));
    return f;
}

/* Everything training goes on from is equal, bit for bit. */
static void assert_same(const Session *a, const Session *b)
{
    const Model *ma = a->model, *mb = b->model;
    assert_int_equal(ma->n_params, mb->n_params);
    assert_memory_equal(ma->params, mb->params, sizeof(double) * ma->n_params);
    assert_memory_equal(ma->grads, mb->grads, sizeof(double) * ma->n_params);
    assert_int_equal(a->optim->step, b->optim->step);
    assert_int_equal(a->optim->n_slots, b->optim->n_slots);
    assert_memory_equal(a->optim->state, b->optim->state, sizeof(double) * ma->n_params * (size_t)a->optim->n_slots);
    assert_memory_equal(&a->optim->mu_product, &b->optim->mu_product, sizeof(double));
    assert_memory_equal(&a->opt.lr, &b->opt.lr, sizeof(double));
    assert_memory_equal(&a->optim->cfg.lr, &b->optim->cfg.lr, sizeof(double));
    assert_true(sched_state_equal(&a->sched_state, &b->sched_state));
    assert_int_equal(a->epoch, b->epoch);
    assert_int_equal(a->batch_index, b->batch_index);
    assert_int_equal(a->steps, b->steps);
    assert_int_equal(a->phase, b->phase);
    assert_memory_equal(a->perm, b->perm, sizeof(int) * (size_t)a->data->n_train);
    assert_memory_equal(&a->epoch_loss_sum, &b->epoch_loss_sum, sizeof(double));
    assert_memory_equal(&a->last_val_loss, &b->last_val_loss, sizeof(double));
    assert_memory_equal(a->rng.s, b->rng.s, sizeof a->rng.s);
    assert_int_equal(a->trace->len, b->trace->len);
    assert_memory_equal(a->trace->loss, b->trace->loss, sizeof(double) * (size_t)a->trace->len);
    assert_int_equal(a->trace->e_len, b->trace->e_len);
    assert_memory_equal(a->trace->e_val, b->trace->e_val, sizeof(double) * (size_t)a->trace->e_len);
}

/* Every optimizer (and the variants with more state): N steps straight,
 * or k steps, a save and a load, then N-k, end in the same place. */
static void test_continue_exact(void **state)
{
    OptConfig cs[OPT_COUNT + 4];
    int n = 0;
    for (int k = 0; k < OPT_COUNT; k++)
        optim_defaults((OptKind)k, &cs[n++]);
    optim_defaults(OPT_SGD, &cs[n]);
    cs[n].momentum = 0.9, cs[n++].nesterov = true;
    optim_defaults(OPT_ADAM, &cs[n]);
    cs[n++].amsgrad = true;
    optim_defaults(OPT_RMSPROP, &cs[n]);
    cs[n].centered = true, cs[n++].momentum = 0.5;
    optim_defaults(OPT_SGD, &cs[n]);
    cs[n].weight_decay = 0.01, cs[n++].momentum = 0.8;
    for (int i = 0; i < n; i++) {
        Session *a = busy(&cs[i], 120), *b = busy(&cs[i], 120);
        steps(a, 23);
        steps(b, 9);
        Session *f = reload(b, "run.plsave");
        assert_same(b, f);
        steps(f, 14);
        assert_same(a, f);
        session_free(a);
        session_free(b);
        session_free(f);
    }
}

/* Saved after forward, loss and backward: the load stands at that phase
 * with the same batch outputs, loss and gradients, and goes on exactly. */
static void test_each_phase(void **state)
{
    char err[ERR_LEN] = "";
    OptConfig c;
    optim_defaults(OPT_ADAM, &c);
    int (*phase[3])(Session *, char *) = {session_forward, session_loss, session_backward};
    for (int p = 0; p < 3; p++) {
        Session *a = busy(&c, 120);
        steps(a, 5);
        for (int q = 0; q <= p; q++)
            OK(phase[q](a, err));
        Session *f = reload(a, "phase.plsave");
        assert_same(a, f);
        int m = nn_outputs(a->model);
        assert_memory_equal(a->yhat, f->yhat, sizeof(double) * (size_t)a->rows * (size_t)m);
        if (p >= 1)
            assert_memory_equal(&a->loss_value, &f->loss_value, sizeof(double));
        steps(a, 7);
        steps(f, 7);
        assert_same(a, f);
        session_free(a);
        session_free(f);
    }
}

/* A session with settings only, and one with data and no model. */
static void test_without_model(void **state)
{
    char err[ERR_LEN] = "";
    Session *s = session_new();
    session_set_seed(s, 99);
    s->batch = 7;
    s->precision = 9;
    Session *f = reload(s, "empty.plsave");
    assert_null(f->data);
    assert_null(f->model);
    assert_int_equal(f->seed, 99);
    assert_int_equal(f->batch, 7);
    assert_int_equal(f->precision, 9);
    session_free(f);
    DataGenOpts o = {30, -1, 3, 0, 0};
    bool dropped, reset;
    OK(session_set_data(s, data_generate("line", &o, err), &dropped, &reset));
    f = reload(s, "data.plsave");
    assert_non_null(f->data);
    assert_null(f->model);
    assert_memory_equal(s->data->x, f->data->x, sizeof(double) * 30);
    assert_string_equal(f->data->feature_names[0], "x1");
    session_free(f);
    session_free(s);
}

static unsigned char *slurp(const char *p, size_t *n)
{
    FILE *f = fopen(p, "rb");
    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *n = (size_t)ftell(f);
    rewind(f);
    unsigned char *b = malloc(*n ? *n : 1);
    assert_int_equal(fread(b, 1, *n, f), *n);
    fclose(f);
    return b;
}

static void spill(const char *p, const unsigned char *b, size_t n)
{
    FILE *f = fopen(p, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* A small valid file: a few steps of sgd on 24 rows. */
static unsigned char *small_file(size_t *n)
{
    OptConfig c;
    optim_defaults(OPT_NADAM, &c);
    Session *s = busy(&c, 24);
    steps(s, 3);
    char err[ERR_LEN] = "";
    OK(persist_save(s, path("small.plsave"), err));
    session_free(s);
    return slurp(path("small.plsave"), n);
}

static void refused(const char *p, const char *why)
{
    char err[ERR_LEN] = "";
    Session *f = (Session *)1;
    assert_int_not_equal(persist_load(p, &f, err), 0);
    assert_null(f);
    assert_null(strchr(err, '\n'));
    if (why)
        assert_contains(err, why);
}

/* Every truncation, and every byte flipped. */
static void test_truncated_and_flipped(void **state)
{
    size_t n;
    unsigned char *b = small_file(&n);
    for (size_t k = 0; k < n; k++) {
        spill(path("cut.plsave"), b, k);
        refused(path("cut.plsave"), k < 8 ? "not a paramlab save file" : k < 24 ? "truncated" : "truncated");
    }
    for (size_t k = 0; k < n; k++) {
        b[k] ^= 0x20;
        spill(path("flip.plsave"), b, k + 1 < n ? n : n);
        refused(path("flip.plsave"), NULL);
        b[k] ^= 0x20;
    }
    free(b);
}

/* Whether s would reach a terminal as it is: no control byte, no broken
 * UTF-8 (cleaning leaves it unchanged). */
static bool is_clean(const char *s)
{
    char buf[ERR_LEN];
    snprintf(buf, sizeof buf, "%s", s ? s : "");
    return strcmp(util_clean_text(buf), s ? s : "") == 0;
}

/* The names a loaded session prints are clean, whatever its file held. */
static void assert_names_clean(const Session *f)
{
    const Dataset *d = f->data;
    if (!d)
        return;
    assert_true(is_clean(d->name));
    for (int j = 0; j < d->d; j++)
        assert_true(is_clean(d->feature_names[j]));
    for (int j = 0; j < d->t; j++)
        assert_true(is_clean(d->target_names[j]));
    for (int k = 0; d->class_names && k < d->n_classes; k++)
        assert_true(is_clean(d->class_names[k]));
}

/* The checksum made to fit a flipped byte: what the sections hold is then
 * checked by the reader itself; it refuses or loads, and never reads out
 * of bounds (the sanitizer build runs this). What it names from the file
 * (a setting, a kind, a data set or column) reaches the message or the
 * session cleaned. */
static void test_damage_behind_checksum(void **state)
{
    size_t n;
    unsigned char *b = small_file(&n);
    const unsigned char flips[] = {0x01, 0x80, 0xff};
    for (size_t k = 24; k + 8 < n; k++)
        for (int q = 0; q < 3; q++) {
            b[k] ^= flips[q];
            uint64_t h = bin_fnv1a(b, n - 8);
            for (int i = 0; i < 8; i++)
                b[n - 8 + i] = (unsigned char)(h >> (8 * i));
            spill(path("fuzz.plsave"), b, n);
            char err[ERR_LEN] = "";
            Session *f = NULL;
            if (persist_load(path("fuzz.plsave"), &f, err) == 0) {
                assert_names_clean(f);
                session_free(f);
            } else {
                assert_null(f);
                if (!is_clean(err))
                    fail_msg("byte %zu ^ 0x%02x: raw bytes in the message: %s", k, flips[q], err);
            }
            b[k] ^= flips[q];
        }
    free(b);
}

static void test_foreign_and_newer(void **state)
{
    spill(path("foreign.csv"), (const unsigned char *)"x,y\n1,2\n", 8);
    refused(path("foreign.csv"), "is not a paramlab save file");
    size_t n;
    unsigned char *b = small_file(&n);
    b[8] = 4; /* version 4, checksum made to fit */
    uint64_t h = bin_fnv1a(b, n - 8);
    for (int i = 0; i < 8; i++)
        b[n - 8 + i] = (unsigned char)(h >> (8 * i));
    spill(path("newer.plsave"), b, n);
    refused(path("newer.plsave"), "saved by a newer paramlab (format version 4; this one reads version 3)");
    free(b);
    refused(dir_, NULL);
    refused(path("missing.plsave"), "cannot open");
}

/* A save that fails leaves the earlier file as it was, and no
 * temporary file behind. */
static void test_failed_save_keeps_old(void **state)
{
    size_t n;
    unsigned char *old = small_file(&n);
    OptConfig c;
    optim_defaults(OPT_ADAM, &c);
    Session *s = busy(&c, 400);
    steps(s, 2);
    char err[ERR_LEN] = "";
    struct rlimit was, small = {(rlim_t)n / 2, 0};
    getrlimit(RLIMIT_FSIZE, &was);
    small.rlim_max = was.rlim_max;
    void (*h)(int) = signal(SIGXFSZ, SIG_IGN);
    setrlimit(RLIMIT_FSIZE, &small);
    int rc = persist_save(s, path("small.plsave"), err);
    setrlimit(RLIMIT_FSIZE, &was);
    signal(SIGXFSZ, h);
    assert_int_not_equal(rc, 0);
    assert_null(strchr(err, '\n'));
    size_t m;
    unsigned char *now = slurp(path("small.plsave"), &m);
    assert_int_equal(m, n);
    assert_memory_equal(now, old, n);
    free(now);
    free(old);
    DIR *d = opendir(dir_);
    struct dirent *e;
    int files = 0;
    while ((e = readdir(d)))
        files += e->d_name[0] != '.';
    closedir(d);
    assert_int_equal(files, 1);
    assert_int_not_equal(persist_save(s, path("no/such/folder.plsave"), err), 0);
    if (access("/dev/full", W_OK) == 0)
        assert_int_not_equal(persist_save(s, "/dev/full", err), 0);
    assert_int_not_equal(persist_save(s, dir_, err), 0);
    assert_contains(err, "is a directory");
    session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_continue_exact, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_each_phase, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_without_model, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_truncated_and_flipped, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_damage_behind_checksum, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_foreign_and_newer, make_dir, remove_dir),
        cmocka_unit_test_setup_teardown(test_failed_save_keeps_old, make_dir, remove_dir),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
