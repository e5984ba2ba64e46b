/* session.c — one learner's session: owns the data, the model, its
 * evaluation copy and the optimizer, and walks the training loop one phase
 * at a time. Buffers for the current batch are allocated when the data,
 * the model or the batch size change, never inside a step. */
#include "session.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>

/* Output width a task needs: one unit per regression target, one for two
 * classes, K for K > 2. */
static int task_outputs(const Dataset *ds)
{
    if (ds->classification)
        return ds->n_classes == 2 ? 1 : ds->n_classes;
    return ds->t;
}

static LossShape loss_shape(const Dataset *ds, int n_outputs)
{
    LossShape sh = {n_outputs, ds->t, ds->classification, ds->n_classes};
    return sh;
}

/* The loss that follows the task for a model with n_outputs units. */
static Loss auto_loss(const Dataset *ds, int n_outputs)
{
    LossShape sh = loss_shape(ds, n_outputs);
    Loss l = {loss_default(&sh), 1.0};
    if (ds->classification && n_outputs >= 2)
        l.kind = LOSS_CE;
    return l;
}

Session *session_new(void)
{
    Session *s = calloc(1, sizeof *s);
    if (!s)
        return NULL;
    optim_defaults(OPT_SGD, &s->opt);
    s->loss.kind = LOSS_MSE;
    s->loss.delta = 1.0;
    s->loss_auto = true;
    init_defaults(INIT_AUTO, &s->init);
    s->act = ACT_RELU;
    s->batch = 32;
    s->shuffle = false;
    s->undo_keep = SESSION_UNDO_MAX;
    s->undo_bytes = SESSION_UNDO_BYTES;
    s->precision = 6;
    session_set_seed(s, 42);
    s->epoch = 1;
    s->last_val_loss = NAN;
    s->last_val_accuracy = NAN;
    s->last_epoch_accuracy = NAN;
    return s;
}

static void load_batch(Session *s);
static void make_perm_with(Session *s, uint64_t seed, bool shuffle);

/* Forgets every snapshot (the model, optimizer or batching changed). */
static void hist_clear(Session *s)
{
    s->hist_len = 0;
    s->hist_head = 0;
    s->hist_lost = HIST_LOST_NONE;
    s->hist_emptied = false;
}

static void hist_free(Session *s)
{
    free(s->hist);
    free(s->hist_copy_owner);
    s->hist_copy_owner = NULL;
    s->hist_copies = 0;
    if (s->hist_map)
        munmap(s->hist_map, s->hist_map_bytes);
    s->hist = NULL;
    s->hist_buf = NULL;
    s->hist_map = NULL;
    s->hist_map_bytes = 0;
    s->hist_cap = s->hist_len = s->hist_head = 0;
    s->hist_lost = HIST_LOST_NONE;
    s->hist_emptied = false;
}

void session_drop_history(Session *s)
{
    hist_free(s);
}

size_t session_snapshot_bytes(const Session *s)
{
    if (!s->model || !s->optim)
        return 0;
    return sizeof(double) * s->model->n_params * (size_t)(1 + s->optim->n_slots) + sizeof(Snapshot);
}


/* (Re)makes the history ring for the current model and optimizer. Its
 * entries are small (counters and settings); the copies of the arrays
 * (parameters and optimizer state) are bounded by undo_bytes. When that
 * bound holds a copy of every update undo_keep asks for, every update
 * keeps one (hist_every 1). Otherwise, inside a run of updates (train,
 * step N), only one update in SESSION_UNDO_EVERY_MAX keeps a copy, with
 * the run's first and last (a run that stops early makes its last one's
 * at its end, see session_run_end), and `undo` recomputes
 * the others from the copy before them (session_undo.c), at most that
 * many updates less one: the step does not stream a copy of every
 * parameter to fresh memory, and the history reaches as far back for a
 * large model as for a small one in less memory (a run of 1000 updates of
 * 784-256-10 with momentum copies 105 MB instead of 256). The ring holds
 * (copies - 1) x hist_every updates at most; with room for one copy only,
 * the last update.
 *
 * The copies are one anonymous mapping reserved here, outside any step;
 * the kernel backs a page with memory only when a copy first writes to
 * it, so the history takes memory as it fills instead of all at once,
 * and a step never calls the allocator. Ordinary pages, no MADV_HUGEPAGE:
 * first writes to 256 MiB take a steady 0.1 s in 4 KiB pages, while
 * asking for huge pages made the kernel compact memory inside those
 * faults, up to 2.8 s on the first try (0.03 s when huge pages happened
 * to be free) — seconds of stall inside a learner's first epoch. Without
 * memory the history is simply empty. */
static void hist_alloc(Session *s)
{
    hist_free(s);
    size_t one = session_snapshot_bytes(s);
    if (!one || s->undo_keep <= 0)
        return;
    size_t keep = (size_t)s->undo_keep, copies = s->undo_bytes / one, every = 1, cap = keep;
    if (copies < 1)
        copies = 1;
    if (copies >= keep) {
        copies = keep;
    } else if (copies == 1) { /* one copy (however large): the last update only */
        cap = 1;
    } else {
        /* a run's copies: its first, one in `every`, its last; so
         * copies - 1 stretches of `every` updates reach back */
        every = SESSION_UNDO_EVERY_MAX;
        if ((copies - 1) * every < cap)
            cap = (copies - 1) * every;
    }
    size_t per = s->model->n_params * (size_t)(1 + s->optim->n_slots);
    size_t len = (copies * per > 0 ? copies * per : 1) * sizeof(double);
    void *map = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    s->hist = calloc(cap, sizeof *s->hist);
    s->hist_copy_owner = malloc(copies * sizeof *s->hist_copy_owner);
    if (map == MAP_FAILED || !s->hist || !s->hist_copy_owner) {
        if (map != MAP_FAILED)
            munmap(map, len);
        hist_free(s);
        return;
    }
    s->hist_map = map;
    s->hist_map_bytes = len;
    s->hist_buf = map;
    for (size_t i = 0; i < copies; i++)
        s->hist_copy_owner[i] = -1;
    s->hist_copies = (int)copies;
    s->hist_every = (int)every;
    s->hist_cap = (int)cap;
}

void session_recipe_take(const Session *s, StepRecipe *r)
{
    r->opt = s->opt;
    r->loss = s->loss;
    r->pen = s->pen;
    r->clip = s->clip;
    r->sched = s->sched;
    r->shuffle = s->shuffle;
    r->seed = s->seed;
}

void session_recipe_put(Session *s, const StepRecipe *r)
{
    s->opt = r->opt;
    if (s->optim)
        s->optim->cfg = r->opt;
    s->loss = r->loss;
    s->pen = r->pen;
    s->clip = r->clip;
    s->sched = r->sched;
    s->shuffle = r->shuffle;
    s->seed = r->seed;
}

void session_snapshot_take(const Session *s, Snapshot *h)
{
    const Optim *o = s->optim;
    if (h->params) {
        mat_copy_stream(h->params, s->model->params, s->model->n_params);
        mat_copy_stream(h->opt_state, o->state, o->n * (size_t)o->n_slots);
    }
    h->opt_step = o->step;
    h->mu_product = o->mu_product;
    h->epoch = s->epoch;
    h->batch_index = s->batch_index;
    h->steps = s->steps;
    h->epoch_loss_sum = s->epoch_loss_sum;
    h->epoch_rows = s->epoch_rows;
    h->last_epoch_loss = s->last_epoch_loss;
    h->epoch_right = s->epoch_right;
    h->last_epoch_accuracy = s->last_epoch_accuracy;
    h->perm_seed = s->perm_seed;
    h->perm_shuffle = s->perm_shuffle;
    h->lr = s->opt.lr;
    h->sched = s->sched_state;
    session_recipe_take(s, &h->recipe);
}

/* Ring slot of the entry k updates back; the map is its own inverse, so
 * hist_at(s, slot) is how many updates back a slot is (hist_len or more
 * when it holds no entry of the history now). */
static int hist_at(const Session *s, int k)
{
    return (s->hist_head - 1 - k + 2 * s->hist_cap) % s->hist_cap;
}

/* The arrays of copy c. */
static double *copy_arrays(const Session *s, int c)
{
    return s->hist_buf + (size_t)c * s->model->n_params * (size_t)(1 + s->optim->n_slots);
}

/* A copy no entry of the history uses (its entry was undone, dropped or
 * overwritten, or is being undone), else the oldest entry's, which then keeps none: the
 * memory bound, not the count, limits how far back undo goes. */
static int hist_free_copy(Session *s)
{
    int oldest = 0, oldest_age = -1;
    for (int c = 0; c < s->hist_copies; c++) {
        int o = s->hist_copy_owner[c];
        if (o < 0 || s->hist[o].params != copy_arrays(s, c))
            return c;
        int age = hist_at(s, o);
        if (age >= s->hist_len)
            return c;
        if (age < s->hist_dying) { /* an update undo is taking back */
            s->hist[o].params = s->hist[o].opt_state = NULL;
            return c;
        }
        if (age > oldest_age) {
            oldest_age = age;
            oldest = c;
        }
    }
    Snapshot *h = &s->hist[s->hist_copy_owner[oldest]];
    h->params = h->opt_state = NULL;
    s->hist_lost = HIST_LOST_MEMORY;
    return oldest;
}

/* Gives ring slot at a copy of the arrays: its own when every update keeps
 * one (as many copies as slots), else a free one or the oldest entry's. */
static void hist_give_copy(Session *s, int at)
{
    int c = s->hist_every <= 1 ? at : hist_free_copy(s);
    s->hist_copy_owner[c] = at;
    s->hist[at].params = copy_arrays(s, c);
    s->hist[at].opt_state = s->hist[at].params + s->model->n_params;
}

/* The oldest entry must have its copy (every other entry is recomputed
 * from an older one that has): entries past the oldest copy go. */
static void hist_trim(Session *s)
{
    while (s->hist_len > 0 && !s->hist[hist_at(s, s->hist_len - 1)].params)
        s->hist_len--;
}

void session_hist_copy_at(Session *s, int k)
{
    if (k < 0 || k >= s->hist_len || s->hist[hist_at(s, k)].params)
        return;
    int at = hist_at(s, k);
    hist_give_copy(s, at);
    session_snapshot_take(s, &s->hist[at]);
    hist_trim(s);
}

/* Records the state before an update; no allocation. Inside a run only
 * some updates copy the arrays (see hist_alloc). */
static void hist_push(Session *s)
{
    if (!s->hist_cap || s->replaying)
        return;
    int at = s->hist_head;
    Snapshot *h = &s->hist[at];
    bool copy = s->hist_every <= 1 || !s->run_on || s->run_first || s->hist_since + 1 >= s->hist_every ||
                s->run_left == 1;
    if (s->hist_len == s->hist_cap)
        s->hist_lost = HIST_LOST_COUNT; /* the ring drops its oldest */
    s->hist_emptied = false;
    h->params = h->opt_state = NULL;
    if (copy)
        hist_give_copy(s, at);
    session_snapshot_take(s, h);
    s->hist_since = copy ? 0 : s->hist_since + 1;
    s->run_first = false;
    if (s->run_left > 0)
        s->run_left--;
    s->hist_head = (s->hist_head + 1) % s->hist_cap;
    if (s->hist_len < s->hist_cap)
        s->hist_len++;
    hist_trim(s);
}

void session_run_begin(Session *s, long planned)
{
    s->run_on = true;
    s->run_start = s->steps;
    s->run_first = true;
    s->run_left = planned > 0 ? planned : -1;
    s->hist_since = 0;
}

int session_set_undo(Session *s, int keep)
{
    s->undo_keep = keep < 0 ? 0 : keep > SESSION_UNDO_MAX ? SESSION_UNDO_MAX : keep;
    if (!s->model)
        return s->undo_keep;
    hist_alloc(s);
    return s->hist_cap;
}

const Snapshot *session_hist_entry(const Session *s, int k)
{
    if (k < 0 || k >= s->hist_len)
        return NULL;
    return &s->hist[hist_at(s, k)];
}

const Snapshot *session_snapshot(const Session *s, int k)
{
    const Snapshot *h = session_hist_entry(s, k);
    return h && h->params ? h : NULL;
}

void session_snapshot_put(Session *s, const Snapshot *h)
{
    Optim *o = s->optim;
    if (h->params) {
        memcpy(s->model->params, h->params, sizeof(double) * s->model->n_params);
        memcpy(o->state, h->opt_state, sizeof(double) * o->n * (size_t)o->n_slots);
    }
    o->step = h->opt_step;
    o->mu_product = h->mu_product;
    s->epoch = h->epoch;
    s->batch_index = h->batch_index;
    s->steps = h->steps;
    s->epoch_loss_sum = h->epoch_loss_sum;
    s->epoch_rows = h->epoch_rows;
    s->last_epoch_loss = h->last_epoch_loss;
    s->epoch_right = h->epoch_right;
    s->last_epoch_accuracy = h->last_epoch_accuracy;
    if (s->sched.kind != SCHED_NONE) { /* the lr is the schedule's; otherwise the learner's */
        s->opt.lr = o->cfg.lr = h->lr;
        s->sched_state = h->sched;
    }
    make_perm_with(s, h->perm_seed, h->perm_shuffle);
    s->grads_valid = false;
    load_batch(s);
}

void session_rewind_to(Session *s, const Snapshot *h)
{
    long k = s->steps - h->steps; /* updates made since h */
    session_snapshot_put(s, h);
    if (k >= 0 && k <= s->hist_len) {
        s->hist_head = (int)((s->hist_head - k + s->hist_cap) % (s->hist_cap ? s->hist_cap : 1));
        s->hist_len -= (int)k;
    } else {
        hist_clear(s);
    }
}

static void drop_model(Session *s)
{
    hist_free(s);
    trace_free(s->trace);
    s->trace = NULL;
    nn_free(s->model);
    nn_free(s->eval);
    optim_free(s->optim);
    free(s->yhat);
    s->model = s->eval = NULL;
    s->optim = NULL;
    s->yhat = NULL;
    s->model_kind[0] = '\0';
    s->n_hidden = 0;
    memset(&s->conv, 0, sizeof s->conv);
    memset(s->dropout, 0, sizeof s->dropout);
}

void session_free(Session *s)
{
    if (!s)
        return;
    drop_model(s);
    data_free(s->data);
    free(s->perm);
    free(s->xb_buf);
    free(s->yb);
    free(s->scalar_vec);
    free(s);
}

void session_set_seed(Session *s, uint64_t seed)
{
    s->seed = seed;
    rng_seed(&s->rng, seed);
}

int session_batches(const Session *s)
{
    if (!s->data || s->data->n_train == 0)
        return 0;
    return (s->data->n_train + s->batch - 1) / s->batch;
}

/* The row order of the current epoch: identity, or a permutation drawn
 * from the seed and the epoch number (so any epoch can be re-created). */
static void make_perm_with(Session *s, uint64_t seed, bool shuffle)
{
    int n = s->data->n_train;
    s->perm_seed = seed;
    s->perm_shuffle = shuffle;
    if (!shuffle) {
        for (int i = 0; i < n; i++)
            s->perm[i] = i;
        return;
    }
    Rng r;
    rng_seed(&r, seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)s->epoch));
    rng_permutation(&r, s->perm, n);
}

static void make_perm(Session *s)
{
    make_perm_with(s, s->seed, s->shuffle);
}

/* Makes the rows of the current batch current: xb points at the data's
 * own rows when they follow each other there (shuffle off: every batch),
 * else they are copied into xb_buf; the targets are copied into yb. */
static void load_batch(Session *s)
{
    const Dataset *ds = s->data;
    int start = s->batch_index * s->batch;
    int end = start + s->batch;
    if (end > ds->n_train)
        end = ds->n_train;
    s->rows = end > start ? end - start : 0;
    bool consecutive = true;
    for (int i = 1; i < s->rows && consecutive; i++)
        consecutive = s->perm[start + i] == s->perm[start] + i;
    if (s->rows > 0 && consecutive)
        s->xb = ds->x + (size_t)s->perm[start] * ds->d;
    else
        s->xb = s->xb_buf;
    for (int i = 0; i < s->rows; i++) {
        int r = s->perm[start + i];
        if (s->xb == s->xb_buf)
            memcpy(s->xb_buf + (size_t)i * ds->d, ds->x + (size_t)r * ds->d, sizeof(double) * (size_t)ds->d);
        memcpy(s->yb + (size_t)i * ds->t, ds->y + (size_t)r * ds->t,
               sizeof(double) * (size_t)ds->t);
    }
    s->phase = PHASE_READY;
}

/* Back to the first batch of epoch 1, nothing computed. */
static void reset_position(Session *s)
{
    hist_clear(s);
    if (s->trace && s->steps == 0)
        trace_clear(s->trace);
    s->last_val_accuracy = NAN;
    s->last_epoch_accuracy = NAN;
    s->last_val_loss = NAN;
    s->first_loss = NAN;
    s->best_epoch = 0;
    session_sched_rewind(s);
    s->epoch = 1;
    s->batch_index = 0;
    s->epoch_loss_sum = 0;
    s->epoch_rows = 0;
    s->epoch_right = 0;
    s->grads_valid = false;
    if (s->data) {
        make_perm(s);
        load_batch(s);
    }
    s->phase = PHASE_READY;
}

/* (Re)allocates the batch buffers for data ds, batch size b and output
 * width k (0 without a model). All or nothing. */
static int alloc_buffers(Session *s, const Dataset *ds, int b, int k, char *err)
{
    int *perm = util_calloc((size_t)ds->n, sizeof *perm);
    double *xb = util_calloc((size_t)b * (size_t)ds->d, sizeof *xb);
    double *yb = util_calloc((size_t)b * (size_t)ds->t, sizeof *yb);
    double *yhat = k ? util_calloc((size_t)b * (size_t)k, sizeof *yhat) : NULL;
    if (!perm || !xb || !yb || (k && !yhat)) {
        free(perm);
        free(xb);
        free(yb);
        free(yhat);
        return util_fail(err, ERR_BATCH_MEM, "out of memory for a batch of %d rows", b);
    }
    free(s->perm);
    free(s->xb_buf);
    free(s->yb);
    free(s->yhat);
    s->perm = perm;
    s->xb_buf = xb;
    s->xb = xb;
    s->yb = yb;
    s->yhat = yhat;
    return 0;
}

/* ds may be the session's own data again (after a split or standardize):
 * then it is kept, also on failure. */
int session_set_data(Session *s, Dataset *ds, bool *dropped, bool *loss_reset)
{
    char err[ERR_LEN];
    *dropped = false;
    *loss_reset = false;
    /* decide everything first, change nothing until the buffers exist */
    bool drop = false, automatic = s->loss_auto;
    Loss loss = s->loss;
    if (s->model) {
        LossShape sh = loss_shape(ds, nn_outputs(s->model));
        Loss l = s->loss_auto ? auto_loss(ds, nn_outputs(s->model)) : s->loss;
        const Layer *l1 = &s->model->layer[0];
        bool image_moved = l1->kind == LAYER_CONV &&
                           (l1->c_in != ds->img_c || l1->h_in != ds->img_h || l1->w_in != ds->img_w);
        if (nn_inputs(s->model) != ds->d || nn_outputs(s->model) != task_outputs(ds) || image_moved ||
            loss_check(&l, &sh, err) != 0)
            drop = true;
        else
            loss = l;
    }
    int k = s->model && !drop ? nn_outputs(s->model) : 0;
    int out = k ? k : task_outputs(ds);
    if (!automatic) {
        /* an explicit loss that does not fit the new task gives way */
        LossShape sh = loss_shape(ds, out);
        if (loss_check(&loss, &sh, err) != 0) {
            automatic = true;
            *loss_reset = true;
        }
    }
    if (automatic)
        loss = auto_loss(ds, out);
    if (alloc_buffers(s, ds, s->batch, k, err) != 0) {
        *loss_reset = false;
        if (ds != s->data)
            data_free(ds);
        return -1;
    }
    if (drop) {
        drop_model(s);
        *dropped = true;
    }
    s->loss = loss;
    s->loss_auto = automatic;
    if (ds != s->data)
        data_free(s->data);
    s->data = ds;
    s->test_looks = 0;
    s->steps = 0;
    if (s->optim)
        optim_reset(s->optim);
    reset_position(s);
    return 0;
}

/* Fills one tensor of model m with initializer c; records what was used. */
static int init_tensor(Session *s, Model *m, int k, bool bias,
                       const InitConfig *c, char *err)
{
    Layer *ly = &m->layer[k - 1];
    InitConfig use = *c;
    Act act = ly->act;
    if (bias && c->kind == INIT_AUTO)
        init_defaults(INIT_ZEROS, &use);
    use.kind = init_resolve(use.kind, act);
    double *p = m->params + (bias ? ly->b_off : ly->w_off);
    int rc = ly->kind == LAYER_CONV && !bias
                 ? init_fill_conv(&use, act, p, ly->c_out, ly->c_in, ly->ksize, &s->rng, err)
                 : init_fill(&use, act, p, bias ? 1 : ly->n_in, bias ? (int)layer_biases(ly) : ly->n_out, bias,
                             &s->rng, err);
    if (rc != 0)
        return -1;
    s->used_init[2 * (k - 1) + bias] = use.kind;
    return 0;
}

/* Whole-model initialization: weights from c, biases zero. */
static int init_model(Session *s, Model *m, const InitConfig *c, char *err)
{
    InitConfig zeros;
    init_defaults(INIT_ZEROS, &zeros);
    for (int k = 1; k <= m->n_layers; k++) {
        if (init_tensor(s, m, k, false, c, err) != 0 ||
            init_tensor(s, m, k, true, &zeros, err) != 0)
            return -1;
    }
    return 0;
}

int session_build_model(Session *s, const char *kind, const int *hidden,
                        int n_hidden, Act act, char *err)
{
    return session_build_model_drop(s, kind, hidden, n_hidden, act, NULL, err);
}

/* Builds the model kind asks for (conv: the cnn's layers when kind is
 * "cnn"); nothing changes on refusal. */
static int build_model(Session *s, const char *kind, const ConvSpec *conv, const int *hidden, int n_hidden,
                       Act act, const double *dropout, char *err)
{
    const Dataset *ds = s->data;
    if (!ds)
        return util_fail(err, ERR_NO_DATA, "no data yet");
    int out = task_outputs(ds);
    bool cnn = strcmp(kind, "cnn") == 0;
    bool mlp = cnn || strcmp(kind, "mlp") == 0;
    /* a copy: conv may be &s->conv, which dropping the old model clears */
    const ConvSpec keep = cnn ? *conv : (ConvSpec){0};
    if (strcmp(kind, "logistic") == 0 && !(ds->classification && ds->n_classes == 2))
        return util_fail(err, ERR_TASK, "logistic regression needs a two-class task; this data is %s",
                         ds->classification ? "multi-class" : "regression");
    if (strcmp(kind, "softmax") == 0) {
        if (!ds->classification)
            return util_fail(err, ERR_TASK, "softmax regression needs class labels; this data is regression");
        out = ds->n_classes; /* one unit per class, also for two classes */
    }
    if (!mlp)
        n_hidden = 0;
    if (n_hidden + 1 > NN_MAX_LAYERS)
        return util_err(err, "at most %d hidden layers", NN_MAX_LAYERS - 1);
    if (cnn && !ds->img_c)
        return util_fail(err, ERR_TASK, "a cnn needs images, and these rows are plain features");

    Layer layers[NN_MAX_LAYERS];
    int n_layers = n_hidden + 1;
    if (cnn) {
        n_layers = layer_cnn(conv, ds->img_c, ds->img_h, ds->img_w, hidden, n_hidden, out, layers,
                             NN_MAX_LAYERS, err);
        if (n_layers < 0)
            return ERR_INPUT;
        for (int i = 0; dropout && i < n_hidden; i++)
            if (dropout[i] > 0)
                return util_fail(err, ERR_INPUT, "a cnn takes no dropout");
    } else {
        int sizes[NN_MAX_LAYERS + 1];
        sizes[0] = ds->d;
        for (int i = 0; i < n_hidden; i++)
            sizes[i + 1] = hidden[i];
        sizes[n_hidden + 1] = out;
        if (nn_check_sizes(sizes, n_hidden + 1, err) != 0)
            return -1;
        for (int i = 0; i <= n_hidden; i++)
            layer_dense(&layers[i], sizes[i], sizes[i + 1]);
    }
    double need = session_layers_bytes(s, layers, n_layers);
    size_t limit = util_memory_limit();
    if (need > (double)limit) {
        char a[32], b[32];
        return util_fail(err, ERR_TOO_BIG, "this model would take about %s of memory (its parameters, gradients, "
                         "optimizer state, evaluation copy and undo history), more than the limit of %s",
                         util_format_bytes(need, a, sizeof a), util_format_bytes((double)limit, b, sizeof b));
    }

    Loss l = s->loss_auto ? auto_loss(ds, out) : s->loss;
    LossShape sh = loss_shape(ds, out);
    int rc = loss_check(&l, &sh, err);
    if (rc != 0)
        return rc;

    double drop[NN_MAX_LAYERS] = {0};
    for (int i = 0; dropout && !cnn && i < n_hidden; i++)
        drop[i] = dropout[i];
    Model *m = nn_new_layers(layers, n_layers, act, s->batch, err);
    if (!m)
        return -1;
    if (nn_set_dropout(m, drop, err) != 0) {
        nn_free(m);
        return -1;
    }
    Model *ev = nn_new_layers(layers, n_layers, act, SESSION_EVAL_ROWS, err);
    Optim *o = ev ? optim_new(&s->opt, m->n_params, err) : NULL;
    double *yhat = util_calloc((size_t)s->batch * (size_t)out, sizeof *yhat);
    Trace *tr = trace_new(n_layers);
    Rng saved = s->rng;
    InitKind used[2 * NN_MAX_LAYERS];
    memcpy(used, s->used_init, sizeof used);
    if (!ev || !o || !yhat || !tr || init_model(s, m, &s->init, err) != 0) {
        if (ev && o && (!yhat || !tr))
            util_err(err, "out of memory for the model's output");
        trace_free(tr);
        s->rng = saved;
        memcpy(s->used_init, used, sizeof used);
        nn_free(m);
        nn_free(ev);
        optim_free(o);
        free(yhat);
        return -1;
    }
    drop_model(s);
    s->model = m;
    s->eval = ev;
    s->optim = o;
    s->trace = tr;
    hist_alloc(s);
    s->yhat = yhat;
    s->loss = l;
    s->act = act;
    s->n_hidden = n_hidden;
    for (int i = 0; i < n_hidden; i++)
        s->hidden[i] = hidden[i];
    memcpy(s->dropout, drop, sizeof s->dropout);
    snprintf(s->model_kind, sizeof s->model_kind, "%s", kind);
    s->conv = keep;
    s->steps = 0;
    reset_position(s);
    return 0;
}

int session_build_model_drop(Session *s, const char *kind, const int *hidden, int n_hidden, Act act,
                             const double *dropout, char *err)
{
    return build_model(s, kind, &s->conv, hidden, n_hidden, act, dropout, err);
}

int session_build_cnn(Session *s, const ConvSpec *conv, const int *hidden, int n_hidden, Act act, char *err)
{
    return build_model(s, "cnn", conv, hidden, n_hidden, act, NULL, err);
}

/* Parses "W3" / "b1" into layer number and kind; false if not a parameter. */
static bool parse_param(const char *name, const Model *m, int *k, bool *bias)
{
    TensorName tn;
    if (!tensor_name_parse(name, &tn) || tn.grad || !tensor_is_param(&tn))
        return false;
    *k = tn.layer;
    if (!m || *k > m->n_layers)
        return false;
    const LayerDesc *d = layer_desc(&m->layer[*k - 1]);
    *bias = tn.kind == d->bias;
    return tn.kind == d->weight || *bias;
}

int session_init(Session *s, const InitConfig *c, const char *param, char *err)
{
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "no model yet");
    if (init_check(c, err) != 0)
        return -1;
    Model *m = s->model;
    Rng saved = s->rng;
    InitKind used[2 * NN_MAX_LAYERS];
    memcpy(used, s->used_init, sizeof used);
    double *backup = malloc(sizeof(double) * m->n_params);
    if (!backup)
        return util_err(err, "out of memory");
    memcpy(backup, m->params, sizeof(double) * m->n_params);
    int rc;
    if (param) {
        int k;
        bool bias;
        if (!parse_param(param, m, &k, &bias)) {
            free(backup);
            char list[160] = "";
            for (int q = 1; q <= m->n_layers && strlen(list) < sizeof list - 16; q++) {
                const LayerDesc *d = layer_desc(&m->layer[q - 1]);
                snprintf(list + strlen(list), sizeof list - strlen(list), "%s%c%d %c%d", q > 1 ? ", " : "",
                         d->weight, q, d->bias, q);
            }
            return nn_has_conv(m) ? util_err(err, "'%s' is not a parameter of this model: it has %s", param, list)
                                  : util_err(err, "'%s' is not a parameter of this model: it has W1..W%d and b1..b%d",
                                             param, m->n_layers, m->n_layers);
        }
        rc = init_tensor(s, m, k, bias, c, err);
    } else {
        rc = init_model(s, m, c, err);
    }
    if (rc != 0) {
        memcpy(m->params, backup, sizeof(double) * m->n_params);
        memcpy(s->used_init, used, sizeof used);
        s->rng = saved;
        free(backup);
        return -1;
    }
    free(backup);
    if (!param) {
        optim_reset(s->optim);
        s->steps = 0;
        reset_position(s);
    } else {
        session_params_changed(s);
    }
    return 0;
}

int session_set_loss(Session *s, const Loss *l, bool automatic, char *err)
{
    Loss use = *l;
    if (s->model) {
        int out = nn_outputs(s->model);
        if (automatic)
            use = auto_loss(s->data, out);
        LossShape sh = loss_shape(s->data, out);
        int rc = loss_check(&use, &sh, err);
        if (rc != 0)
            return rc;
    } else if (s->data) {
        /* no model yet: the loss must fit the task with some model */
        int out = task_outputs(s->data);
        if (automatic)
            use = auto_loss(s->data, out);
        LossShape sh = loss_shape(s->data, out);
        LossShape wide = loss_shape(s->data, s->data->n_classes); /* softmax: one output per class */
        if (loss_check(&use, &sh, err) != 0 &&
            (!s->data->classification || loss_check(&use, &wide, NULL) != 0))
            return -1;
    } else if (!automatic && !(use.delta > 0 && isfinite(use.delta))) {
        return util_err(err, "huber's delta must be a positive number, got %g", use.delta);
    }
    s->loss = use;
    s->loss_auto = automatic;
    s->loss_fail = 0; /* another loss: the failure was the old one's */
    if (s->phase > PHASE_FORWARD)
        s->phase = PHASE_FORWARD;
    return 0;
}

int session_set_optimizer(Session *s, const OptConfig *c, bool *fresh, char *err)
{
    *fresh = false;
    if (optim_check(c, err, NULL) != 0)
        return -1;
    bool restart = s->sched.kind != SCHED_NONE && c->lr != s->opt.lr;
    if (s->optim) {
        if (optim_same_layout(&s->optim->cfg, c)) {
            s->optim->cfg = *c; /* same state layout: keep the state */
        } else {
            Optim *o = optim_new(c, s->model->n_params, err);
            if (!o)
                return -1;
            optim_free(s->optim);
            s->optim = o;
            hist_alloc(s); /* the state's layout changed */
            *fresh = true;
        }
    }
    s->opt = *c;
    if (restart || *fresh)
        session_sched_restart(s); /* a new lr: the schedule starts from it */
    return 0;
}

int session_set_batch(Session *s, int batch, char *err)
{
    if (batch < 1 || batch > 1000000)
        return util_err(err, "batch size must be between 1 and 1000000, got %d", batch);
    if (s->model) {
        Model *m = s->model;
        if (nn_set_capacity(m, batch, err) != 0)
            return -1;
        int rc = alloc_buffers(s, s->data, batch, nn_outputs(m), err);
        if (rc != 0) {
            nn_set_capacity(m, s->batch, NULL);
            return rc;
        }
    } else if (s->data) {
        int rc = alloc_buffers(s, s->data, batch, 0, err);
        if (rc != 0)
            return rc;
    }
    s->batch = batch;
    hist_clear(s);
    if (s->data) {
        /* the epoch starts over with the new batch size */
        s->batch_index = 0;
        s->epoch_loss_sum = 0;
        s->epoch_rows = 0;
        s->epoch_right = 0;
        make_perm(s);
        load_batch(s);
    }
    return 0;
}

int session_ready(const Session *s, char *err)
{
    if (!s->data)
        return util_fail(err, ERR_NO_DATA, "no data yet");
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "no model yet");
    if (s->rows == 0)
        return util_err(err, "the training set is empty");
    return 0;
}

/* Whether any of n values is NaN or Inf, branch-free: adding 2^52 to a
 * value's exponent field carries into the sign bit exactly when the field
 * is all ones. Four independent chains of integer and/add/or, one read. */
static bool any_nonfinite(const double *v, size_t n)
{
    const uint64_t exp_bits = 0x7ff0000000000000u, one = 0x0010000000000000u;
    uint64_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, u0, u1, u2, u3;
    size_t i = 0;
    for (; i + 4 <= n; i += 4) {
        memcpy(&u0, v + i, sizeof u0);
        memcpy(&u1, v + i + 1, sizeof u1);
        memcpy(&u2, v + i + 2, sizeof u2);
        memcpy(&u3, v + i + 3, sizeof u3);
        a0 |= (u0 & exp_bits) + one;
        a1 |= (u1 & exp_bits) + one;
        a2 |= (u2 & exp_bits) + one;
        a3 |= (u3 & exp_bits) + one;
    }
    for (; i < n; i++) {
        memcpy(&u0, v + i, sizeof u0);
        a0 |= (u0 & exp_bits) + one;
    }
    return ((a0 | a1 | a2 | a3) >> 63) != 0;
}

/* The index of the first non-finite value in n values, or -1. */
static long first_nonfinite(const double *v, size_t n)
{
    if (!any_nonfinite(v, n))
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!isfinite(v[i]))
            return (long)i;
    return -1;
}

/* Says which parameter (or gradient, with prefix "d") holds a NaN/Inf. */
static int nonfinite_params(const Session *s, const double *v, const char *prefix,
                            const char *when, long step, char *err)
{
    long i = first_nonfinite(v, s->model->n_params);
    if (i < 0)
        return 0;
    char name[48];
    session_param_name(s, (size_t)i, name, sizeof name);
    return util_fail(err, ERR_NONFINITE, "%s%s became %s %s at step %ld; this usually means the learning rate "
                     "(lr=%g) is too high", prefix, name, isnan(v[i]) ? "NaN" : "Inf", when, step, s->opt.lr);
}

int session_forward(Session *s, char *err)
{
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    Mat x = mat_view(s->xb, s->rows, s->data->d);
    if (nn_has_dropout(s->model)) /* training mode: this step's masks */
        nn_dropout_masks(s->model, s->rows, session_mask_key(s, s->steps));
    nn_forward(s->model, &x);
    LossShape sh = loss_shape(s->data, nn_outputs(s->model));
    loss_link(&s->loss, &sh, s->model->a[s->model->n_layers - 1], s->rows, s->yhat);
    s->phase = PHASE_FORWARD;
    s->loss_fail = 0;
    return 0;
}

int session_loss(Session *s, char *err)
{
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    if (s->phase < PHASE_FORWARD)
        return util_fail(err, ERR_NEEDS_FORWARD, "the loss compares the model's output with Y, and there is no output "
                         "for this batch yet");
    Model *m = s->model;
    LossShape sh = loss_shape(s->data, nn_outputs(m));
    double data = loss_eval(&s->loss, &sh, m->a[m->n_layers - 1], s->yb, s->rows,
                            s->yhat, m->dz[m->n_layers - 1]);
    double l1 = 0, l2 = 0, l = data;
    if (penalty_on(&s->pen))
        l = data + penalty_value(&s->pen, m, &l1, &l2);
    s->loss_fail = !isfinite(l) ? ERR_NONFINITE
                   : !isnan(s->first_loss) && l > SESSION_DIVERGE * fmax(s->first_loss, 1e-2) ? ERR_DIVERGED : 0;
    s->loss_fail_value = l;
    s->loss_fail_step = s->steps + 1;
    if (!isfinite(l))
        return util_fail(err, ERR_NONFINITE, "the loss became %s at step %ld; this usually means the learning "
                         "rate (lr=%g) is too high", isnan(l) ? "NaN" : "Inf", s->steps + 1, s->opt.lr);
    if (!isnan(s->first_loss) && l > SESSION_DIVERGE * fmax(s->first_loss, 1e-2))
        return util_fail(err, ERR_DIVERGED, "training diverged: the loss is %g at step %ld, more than %g times "
                         "its start (%g); the learning rate (lr=%g) is probably too high",
                         l, s->steps + 1, SESSION_DIVERGE, s->first_loss, s->opt.lr);
    if (isnan(s->first_loss))
        s->first_loss = l;
    s->loss_value = l;
    s->loss_data = data;
    s->loss_l1 = l1;
    s->loss_l2 = l2;
    if (s->phase < PHASE_LOSS)
        s->phase = PHASE_LOSS;
    return 0;
}

/* Each layer's gradient norm, for the trace; false when one is not
 * finite (a NaN or Inf gradient makes its layer's norm non-finite, so
 * only then is every gradient scanned). */
static bool layer_gnorms(Session *s)
{
    const Model *m = s->model;
    bool finite = true;
    for (int k = 0; k < m->n_layers; k++) {
        const Layer *ly = &m->layer[k];
        size_t nw = layer_weights(ly), nb = layer_biases(ly);
        s->gnorm[k] = sqrt(mat_dot(m->grads + ly->w_off, m->grads + ly->w_off, nw) +
                           mat_dot(m->grads + ly->b_off, m->grads + ly->b_off, nb));
        finite = finite && isfinite(s->gnorm[k]);
    }
    return finite;
}

int session_backward(Session *s, char *err)
{
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    int failed = s->phase < PHASE_LOSS ? session_loss_failed(s, "backward has no loss to differentiate", err) : 0;
    if (failed)
        return failed;
    if (s->phase < PHASE_LOSS)
        return util_fail(err, ERR_NEEDS_LOSS, "backward needs the loss of this batch to differentiate");
    Mat x = mat_view(s->xb, s->rows, s->data->d);
    /* `loss` wrote dL/dlogits into the last dz; an edit or `set loss` since
     * then moved the phase back, so that gradient is the current one */
    Model *m = s->model;
    nn_backward(m, &x);
    penalty_grad(&s->pen, m);
    s->phase = PHASE_BACKWARD;
    s->grads_valid = true;
    if (!layer_gnorms(s))
        return nonfinite_params(s, m->grads, "d", "in backward", s->steps + 1, err);
    /* clipping after the whole gradient exists, before the update reads it */
    if (s->clip.kind != CLIP_OFF) {
        session_clip_grads(s);
        if (s->clip_report.clipped)
            layer_gnorms(s);
    }
    return 0;
}

int session_update(Session *s, char *err)
{
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    if (s->phase < PHASE_BACKWARD) {
        return util_fail(err, ERR_NEEDS_BACKWARD, "update needs the gradients of this batch");
    }
    hist_push(s);
    Model *m = s->model;
    optim_step(s->optim, m->params, m->grads);
    s->steps++;
    if (s->best_epoch && s->trace->e_len && s->trace->e_step[s->trace->e_len - 1] >= s->steps) {
        /* training goes on after early stopping restored an epoch: the
         * curve it kept past that epoch gives way */
        trace_truncate(s->trace, s->steps - 1);
        s->best_epoch = 0;
    }
    /* the curves and epoch means hold the data term, as the validation loss does */
    trace_step(s->trace, s->steps, s->loss_data, s->gnorm); /* norms from backward */
    s->epoch_loss_sum += s->loss_data * s->rows;
    s->epoch_rows += s->rows;
    double acc = session_batch_accuracy(s); /* this batch's outputs, as trained on */
    if (!isnan(acc))
        s->epoch_right += lround(acc * s->rows);
    if (++s->batch_index >= session_batches(s)) {
        s->last_epoch_loss = s->epoch_loss_sum / (double)s->epoch_rows;
        s->last_epoch_accuracy = s->data->classification ? (double)s->epoch_right / (double)s->epoch_rows : NAN;
        s->last_val_loss = session_eval_share(s, DATA_VAL, &s->last_val_accuracy);
        trace_epoch(s->trace, s->steps, s->epoch, s->last_epoch_loss, s->last_val_loss, s->last_val_accuracy,
                    s->opt.lr);
        session_sched_epoch_end(s);
        s->batch_index = 0;
        s->epoch++;
        s->epoch_loss_sum = 0;
        s->epoch_rows = 0;
        s->epoch_right = 0;
        make_perm(s);
    }
    load_batch(s);
    if (s->on_update && !s->replaying)
        s->on_update(s->on_update_ctx);
    return nonfinite_params(s, s->model->params, "", "after the update", s->steps, err);
}

int session_step(Session *s, char *err)
{
    int rc = session_ready(s, err);
    if (rc != 0)
        return rc;
    if (s->phase < PHASE_FORWARD && (rc = session_forward(s, err)) != 0)
        return rc;
    if (s->phase < PHASE_LOSS && (rc = session_loss(s, err)) != 0)
        return rc;
    if (s->phase < PHASE_BACKWARD && (rc = session_backward(s, err)) != 0)
        return rc;
    return session_update(s, err);
}

int session_predict(Session *s, const double *x, double *out, char *err)
{
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "no model yet");
    const Dataset *ds = s->data;
    Model *ev = s->eval;
    memcpy(ev->params, s->model->params, sizeof(double) * s->model->n_params);
    double *xin = malloc(sizeof(double) * (size_t)ds->d);
    if (!xin)
        return util_err(err, "out of memory");
    for (int j = 0; j < ds->d; j++)
        xin[j] = ds->standardized ? (x[j] - ds->mean[j]) / ds->std[j] : x[j];
    Mat xm = mat_view(xin, 1, ds->d);
    nn_forward(ev, &xm);
    LossShape sh = loss_shape(ds, nn_outputs(ev));
    loss_link(&s->loss, &sh, ev->a[ev->n_layers - 1], 1, out);
    free(xin);
    return 0;
}

void session_params_changed(Session *s)
{
    if (s->phase > PHASE_READY)
        s->phase = PHASE_READY;
}

Session *session_fork(const Session *s, const OptConfig *opt, char *err)
{
    err[0] = '\0';
    if (!s->model) {
        util_fail(err, ERR_NO_MODEL, "no model yet");
        return NULL;
    }
    Session *f = session_new();
    Dataset *ds = f ? data_clone(s->data) : NULL;
    if (!f || !ds) {
        session_free(f);
        util_err(err, "out of memory for a copy of the session");
        return NULL;
    }
    bool dropped, loss_reset;
    f->batch = s->batch;
    f->shuffle = s->shuffle;
    f->seed = s->seed;
    f->loss = s->loss;
    f->loss_auto = s->loss_auto;
    f->opt = *opt;
    f->pen = s->pen;
    f->sched = s->sched; /* the same schedule, from the racer's own lr, and the same clipping */
    sched_start(&f->sched_state, opt->lr);
    f->clip = s->clip;
    f->conv = s->conv;
    if (session_set_data(f, ds, &dropped, &loss_reset) != 0 ||
        session_build_model_drop(f, s->model_kind, s->hidden, s->n_hidden, s->act, s->dropout, err) != 0) {
        if (!err[0])
            util_err(err, "out of memory for a copy of the session");
        session_free(f);
        return NULL;
    }
    hist_free(f); /* a race needs no undo history */
    f->loss = s->loss;
    memcpy(f->model->params, s->model->params, sizeof(double) * s->model->n_params);
    memcpy(f->used_init, s->used_init, sizeof f->used_init);
    f->epoch = s->epoch;
    f->batch_index = s->batch_index;
    make_perm_with(f, s->perm_seed, s->perm_shuffle);
    load_batch(f);
    return f;
}
