/* cmd_search.c — `search grid ...`, `search random N ...`, `search`,
 * and `search use BEST|N` (what `plot search` draws: cmd_search_pic.c).
 * Each trial is a fresh session from cmd_trial.c (the session seed's initialization, the
 * session's loss, schedule and clipping) scored by validation loss or the
 * cross-validation mean; the learner's session is only read until `search
 * use` applies a trial. The trial table is allocated once per search, so
 * the trials themselves take no memory that stays. */
#include "cmd_search.h"
#include "cmd_hint.h"
#include "cmd_util.h"

#include <limits.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

void cmd_search_free(CmdCtx *c)
{
    if (c->search) {
        free(c->search->trial);
        free(c->search);
        c->search = NULL;
    }
}

/* Reads the words after `search grid` / `search random N` into q. */
static int search_args(CmdCtx *c, int argc, char **argv, int first, CmdSearch *q)
{
    for (int i = first; i < argc; i++) {
        const char *w = argv[i];
        if (strncmp(w, "epochs=", 7) == 0) {
            if (!util_parse_long(w + 7, 1, 100000, &q->epochs))
                return cmd_fail(c, "epochs= must be a whole number from 1 to 100000, got '%.40s'", w + 7);
        } else if (strncmp(w, "cv=", 3) == 0) {
            long k;
            if (!util_parse_long(w + 3, 2, CV_MAX_FOLDS, &k))
                return cmd_fail(c, "cv= is the number of folds, from 2 to %d, got '%.40s'", CV_MAX_FOLDS, w + 3);
            q->cv = (int)k;
        } else if (strncmp(w, "seed=", 5) == 0) {
            long sd;
            if (!q->random || !util_parse_long(w + 5, 0, LONG_MAX, &sd))
                return cmd_fail(c, q->random ? "seed= must be a whole number 0 or more, got '%.40s'"
                                             : "seed= is for `search random` (a grid tries every value): '%.40s'",
                                w + 5);
            q->seed = (uint64_t)sd;
        } else {
            if (q->n_dims == SEARCH_MAX_NAMES)
                return cmd_fail(c, "a search varies at most %d names", SEARCH_MAX_NAMES);
            SearchDim *d = &q->dim[q->n_dims];
            if (search_parse_dim(c, w, q->random, d) != 0)
                return -1;
            for (int j = 0; j < q->n_dims; j++)
                if (q->dim[j].name == d->name)
                    return cmd_fail(c, "%s is named twice; list all its values once, as in %s", d->name->name,
                                    d->name->example);
            q->n_dims++;
        }
    }
    if (q->n_dims == 0)
        return cmd_fail(c, "name what to search, as in `search %s lr=0.001,0.01,0.1`", q->random ? "random 20" : "grid");
    return 0;
}

static const char *trial_words(const CmdSearch *q, const SearchTrial *t, char *buf, size_t n);

/* Refusals that depend on the session, before any trial runs: a split to
 * score on, hidden layers for act and dropout, no dropout in a cnn, and
 * optimizer settings only with the optimizers that have them. */
static int search_fits(CmdCtx *c, const CmdSearch *q)
{
    const Session *s = c->s;
    if (!q->cv && !session_has_share(s, DATA_VAL)) {
        snprintf(c->err, ERR_LEN, "a search is scored on validation loss and the data has no validation share: "
                 "`data split 0.2` first, or score by cross-validation with cv=5");
        return -1;
    }
    bool widths = false, cnn = strcmp(s->model_kind, "cnn") == 0;
    for (int j = 0; j < q->n_dims; j++)
        widths = widths || strcmp(q->dim[j].name->name, "hidden") == 0;
    for (int j = 0; j < q->n_dims; j++) {
        const char *k = q->dim[j].name->name;
        bool drop = strcmp(k, "dropout") == 0;
        if (drop && cnn)
            return cmd_fail(c, "a cnn takes no dropout (`model cnn` has no dropout=), so every dropout= trial would "
                            "be refused: leave dropout= out, or search it on an mlp (`model mlp 16`)");
        if ((drop || (strcmp(k, "act") == 0 && !cnn)) && !widths && s->n_hidden == 0)
            return cmd_fail(c, "%s needs hidden layers: build an mlp (`model mlp 8`) or search hidden= too", k);
    }
    return search_optimizers_fit(c, q, s->opt.kind);
}

/* Every planned trial's settings pass the checks `set` makes (PyTorch's
 * optimizer checks, the penalties), or the search is refused before any
 * trial runs, naming the first trial refused and why. */
static int trials_fit(CmdCtx *c, const CmdSearch *q)
{
    char why[ERR_LEN], w[256];
    for (int i = 0; i < q->n_trials; i++)
        if (search_check(&q->trial[i].h, why) != 0)
            return cmd_fail(c, "trial %d (%s) would be refused: %.300s; leave that value out", i + 1,
                            trial_words(q, &q->trial[i], w, sizeof w), why);
    return 0;
}

/* The hyperparameters of a trial with values v: the session's, then the
 * words (optimizer, init, act, hidden), then the numbers. */
static void trial_hypers(const CmdSearch *q, const Hypers *base, const SearchVal *v, Hypers *h)
{
    *h = *base;
    for (int pass = 0; pass < 2; pass++)
        for (int j = 0; j < q->n_dims; j++) {
            const SearchName *n = q->dim[j].name;
            bool word = n->type == SEARCH_WORD || n->type == SEARCH_WIDTHS;
            if (word == (pass == 0))
                search_apply(n, &v[j], base, h);
        }
}

/* Every trial's values: the grid in order (the first name slowest), or
 * draws from the seed. -1 with c->err when the grid is too large. */
static int plan(CmdCtx *c, CmdSearch *q, const Hypers *base)
{
    if (!q->random) {
        double total = 1;
        for (int j = 0; j < q->n_dims; j++)
            total *= q->dim[j].n;
        if (total > SEARCH_MAX_TRIALS)
            return cmd_fail(c, "that grid has %.0f trials; at most %d: list fewer values, or `search random N`",
                            total, SEARCH_MAX_TRIALS);
        q->n_trials = (int)total;
    }
    q->trial = calloc((size_t)q->n_trials, sizeof *q->trial);
    if (!q->trial)
        return cmd_fail(c, "out of memory for %d trials", q->n_trials);
    Rng rng;
    rng_seed(&rng, q->seed);
    for (int i = 0; i < q->n_trials; i++) {
        SearchTrial *t = &q->trial[i];
        int rest = i;
        for (int j = q->n_dims - 1; j >= 0; j--) {
            if (q->random)
                continue;
            t->val[j] = q->dim[j].val[rest % q->dim[j].n];
            rest /= q->dim[j].n;
        }
        for (int j = 0; q->random && j < q->n_dims; j++)
            search_sample(&q->dim[j], &rng, &t->val[j]);
        trial_hypers(q, base, t->val, &t->h);
        t->score = t->score_std = t->train_loss = t->val_acc = NAN;
    }
    return 0;
}

/* "lr=0.01 batch=32" of trial t into buf. */
static const char *trial_words(const CmdSearch *q, const SearchTrial *t, char *buf, size_t n)
{
    size_t l = 0;
    buf[0] = '\0';
    for (int j = 0; j < q->n_dims && l < n; j++)
        l += (size_t)snprintf(buf + l, n - l, "%s%s=%s", j ? " " : "", q->dim[j].name->name, t->val[j].text);
    return buf;
}

/* Keeps why (the engine's sentence) as trial t's reason for failing, cut
 * on a character boundary when it is longer than the room for it. */
static void keep_why(SearchTrial *t, const char *why)
{
    size_t n = strlen(why);
    if (n >= sizeof t->why) {
        n = sizeof t->why - 1;
        while (n > 0 && ((unsigned char)why[n] & 0xC0) == 0x80)
            n--;
    }
    memcpy(t->why, why, n);
    t->why[n] = '\0';
}

/* Runs trial i of q; its result goes into q->trial[i]. false when Ctrl-C
 * stopped it: then it is thrown away (not done; its run is logged as
 * interrupted). */
static bool run_trial(CmdCtx *c, CmdSearch *q, int i, const char *group)
{
    Session *s = c->s;
    SearchTrial *t = &q->trial[i];
    RunInfo ri = {"search", group, 0, i + 1, 0, 0, "done", 0, false, false, NAN, NAN};
    char why[ERR_LEN];
    t->done = true;
    if (search_check(&t->h, why) != 0) {
        t->failed = true;
        keep_why(t, why);
        return true;
    }
    if (!q->cv) {
        Dataset *ds = data_clone(s->data);
        TrialResult r;
        if (!ds || cmd_trial_run(c, &t->h, ds, q->epochs, &ri, &r) != 0) {
            t->failed = true; /* cmd_trial_run took ds */
            keep_why(t, ds ? c->err : "out of memory for the trial's copy of the data");
            c->err[0] = '\0';
            return true;
        }
        if (r.interrupted)
            return t->done = false;
        t->failed = r.failed;
        keep_why(t, r.why);
        t->score = r.failed ? NAN : r.val_loss;
        t->train_loss = r.train_loss;
        t->val_acc = r.val_acc;
        memcpy(t->run_id, r.run_id, sizeof t->run_id);
        return true;
    }
    TrialResult r[CV_MAX_FOLDS];
    int done = 0;
    int rc = cmd_trial_cv(c, &t->h, q->cv, q->epochs, &ri, r, &done);
    if (rc == 1 && c->interrupt && *c->interrupt) { /* Ctrl-C in a fold: the whole trial goes */
        c->err[0] = '\0';
        return t->done = false;
    }
    double vl[CV_MAX_FOLDS] = {0}, tl[CV_MAX_FOLDS] = {0}, va[CV_MAX_FOLDS] = {0}, sd;
    for (int f = 0; f < done; f++) {
        vl[f] = r[f].val_loss;
        tl[f] = r[f].train_loss;
        va[f] = r[f].val_acc;
        if (r[f].failed && !t->failed) {
            char fw[ERR_LEN + 32];
            snprintf(fw, sizeof fw, "fold %d: %s", f + 1, r[f].why);
            keep_why(t, fw);
        }
        t->failed = t->failed || r[f].failed;
    }
    if (!t->failed && (rc != 0 || done < q->cv)) {
        char fw[ERR_LEN + 32];
        snprintf(fw, sizeof fw, "fold %d: %s", done + 1, c->err[0] ? c->err : "it did not run");
        keep_why(t, fw);
    }
    t->failed = t->failed || rc != 0 || done < q->cv;
    c->err[0] = '\0';
    if (t->failed)
        return true;
    cmd_trial_stats(vl, done, &t->score, &t->score_std);
    cmd_trial_stats(tl, done, &t->train_loss, &sd);
    cmd_trial_stats(va, done, &t->val_acc, &sd);
    memcpy(t->run_id, r[0].run_id, sizeof t->run_id);
    return true;
}

/* Whether trial a ranks before trial b: the lower score, failures last,
 * then the earlier trial. */
static bool better(const SearchTrial *a, int ia, const SearchTrial *b, int ib)
{
    bool fa = a->failed || isnan(a->score), fb = b->failed || isnan(b->score);
    if (fa != fb)
        return fb;
    if (!fa && a->score != b->score)
        return a->score < b->score;
    return ia < ib;
}

static void progress(CmdCtx *c, const CmdSearch *q, int i, int best)
{
    char w[256], bw[256];
    const SearchTrial *t = &q->trial[i], *b = best >= 0 ? &q->trial[best] : NULL;
    const char *what = q->cv ? "cv mean val loss" : "val loss";
    bool none = !b || b->failed;
    if (c->interactive) { /* one line rewritten in place; a failure keeps a line of its own */
        if (t->failed)
            cmd_out(c, "\rtrial %d of %d (%s) failed: %s\n", i + 1, q->n_trials, trial_words(q, t, w, sizeof w),
                    t->why);
        if (none)
            cmd_out(c, "\rtrial %d of %d; no trial finished yet   ", i + 1, q->n_trials);
        else
            cmd_out(c, "\rtrial %d of %d; best so far: %s %s (trial %d)   ", i + 1, q->n_trials, what,
                    NUM(b->score), best + 1);
        fflush(c->out);
        return;
    }
    cmd_out(c, "trial %d of %d: %s → ", i + 1, q->n_trials, trial_words(q, t, w, sizeof w));
    if (t->failed)
        cmd_out(c, "failed: %s", t->why);
    else
        cmd_out(c, "%s %s", what, NUM(t->score));
    if (none)
        cmd_out(c, "; no trial finished yet\n");
    else
        cmd_out(c, "; best so far %s (trial %d: %s)\n", NUM(b->score), best + 1, trial_words(q, b, bw, sizeof bw));
}

/* The order of the finished trials, best first, into order (n_done). */
static void ranking(const CmdSearch *q, int *order)
{
    for (int i = 0; i < q->n_done; i++) {
        int at = i;
        while (at > 0 && better(&q->trial[i], i, &q->trial[order[at - 1]], order[at - 1])) {
            order[at] = order[at - 1];
            at--;
        }
        order[at] = i;
    }
}

/* Whether trials ran and every one failed: no trial to rank or apply. */
static bool all_failed(const CmdSearch *q)
{
    for (int i = 0; i < q->n_done; i++)
        if (!q->trial[i].failed)
            return false;
    return q->n_done > 0;
}

/* What to change when every trial failed: the first one's reason, which
 * names its cause, into c->err; -1. */
static int all_failed_fail(CmdCtx *c, const CmdSearch *q)
{
    return cmd_fail(c, "every trial of the last search failed, so there is no trial to apply (trial 1: %.300s); "
                    "search again with the values that made them fail changed", q->trial[0].why);
}

static int print_table(CmdCtx *c, const CmdSearch *q)
{
    int *order = calloc((size_t)(q->n_done ? q->n_done : 1), sizeof *order);
    if (!order)
        return cmd_fail(c, "out of memory for the table");
    ranking(q, order);
    cmd_out(c, "%s search on %s, %ld epoch%s a trial, scored by %s; %d of %d trials, %s:\n",
            q->random ? "random" : "grid", q->data_name, q->epochs, q->epochs == 1 ? "" : "s",
            q->cv ? "the cross-validation mean of the validation loss" : "validation loss", q->n_done, q->n_trials,
            all_failed(q) ? "every one failed (why is beside it)" : "best first");
    cmd_out(c, "  %-5s %-6s", "rank", "trial");
    for (int j = 0; j < q->n_dims; j++)
        cmd_out(c, " %-12s", q->dim[j].name->name);
    cmd_out(c, " %-13s%s %s\n", q->cv ? "cv val loss" : "val loss", q->cv ? " ± std       " : "",
            q->classes ? "train loss    val accuracy" : "train loss");
    for (int r = 0; r < q->n_done; r++) {
        const SearchTrial *t = &q->trial[order[r]];
        cmd_out(c, "  %-5d %-6d", r + 1, order[r] + 1);
        for (int j = 0; j < q->n_dims; j++)
            cmd_out(c, " %-12s", t->val[j].text);
        if (t->failed) {
            cmd_out(c, " failed: %s\n", t->why);
            continue;
        }
        cmd_out(c, " %-13s", NUM(t->score));
        if (q->cv)
            cmd_out(c, " ± %-11s", NUM(t->score_std));
        cmd_out(c, " %s", NUM(t->train_loss));
        if (!isnan(t->val_acc))
            cmd_out(c, "%*s", (int)(13 - strlen(NUM(t->train_loss)) > 0 ? 13 - strlen(NUM(t->train_loss)) : 0), "");
        if (!isnan(t->val_acc))
            cmd_out(c, " %.1f%%", 100 * t->val_acc);
        cmd_out(c, "\n");
    }
    free(order);
    return 0;
}

static int search_run(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (!s->data || !s->model) {
        snprintf(c->err, ERR_LEN, "no %s yet", s->data ? "model" : "data");
        return cmd_hint_add(s, s->data ? ERR_NO_MODEL : ERR_NO_DATA, true, c->err);
    }
    CmdSearch *q = calloc(1, sizeof *q);
    if (!q)
        return cmd_fail(c, "out of memory for a search");
    q->random = strcmp(argv[1], "random") == 0;
    q->epochs = 20;
    q->seed = q->init_seed = s->seed;
    int first = 2;
    long n = 0;
    if (q->random && (argc < 3 || cmd_parse_int(c, "the number of trials", argv[2], 1, SEARCH_MAX_TRIALS, &n) != 0)) {
        if (argc < 3)
            cmd_fail(c, "search random takes the number of trials first, as in `search random 20 lr=1e-4..1:log`");
        free(q);
        return -1;
    }
    q->n_trials = (int)n;
    first += q->random;
    Hypers base;
    session_hypers(s, &base);
    if (search_args(c, argc, argv, first, q) != 0 || search_fits(c, q) != 0 || plan(c, q, &base) != 0 ||
        trials_fit(c, q) != 0) {
        free(q->trial);
        free(q);
        return -1;
    }
    snprintf(q->data_name, sizeof q->data_name, "%s", s->data->name);
    q->classes = s->data->classification;
    cmd_search_free(c);
    c->search = q;
    char group[RUN_ID_LEN + 8];
    memcpy(group, "search-", 7);
    run_new_id(group + 7);
    int best = -1, rc = 0;
    for (int i = 0; i < q->n_trials; i++) {
        if (c->interrupt && *c->interrupt) {
            rc = 1;
            break;
        }
        if (!run_trial(c, q, i, group)) {
            cmd_out(c, "%sCtrl-C: stopping the search; trial %d of %d was interrupted and thrown away\n",
                    c->interactive ? "\n" : "", i + 1, q->n_trials);
            rc = 1;
            break;
        }
        q->n_done = i + 1;
        if (best < 0 || better(&q->trial[i], i, &q->trial[best], best))
            best = i;
        progress(c, q, i, best);
    }
    if (c->interactive)
        cmd_out(c, "\n");
    print_table(c, q);
    if (rc == 1)
        cmd_out(c, "interrupted after %d of %d trials: the table holds the trials finished\n", q->n_done, q->n_trials);
    char w[256];
    if (best >= 0 && !q->trial[best].failed)
        cmd_out(c, "your own model and settings are as they were; `search use %d` applies the best trial's settings "
                "(%s)\n", best + 1, trial_words(q, &q->trial[best], w, sizeof w));
    else if (all_failed(q))
        cmd_out(c, "your own model and settings are as they were; every trial failed, so there is nothing to apply: "
                "search again with the values that made them fail changed\n");
    else
        cmd_out(c, "your own model and settings are as they were; no trial finished, so there is nothing to apply\n");
    return rc;
}

/* Whether b's model is another architecture than a's (kind, conv
 * layers, widths, activation, dropout): then it is built anew. */
static bool arch_differs(const Hypers *a, const Hypers *b)
{
    bool arch = strcmp(a->model_kind, b->model_kind) != 0 || a->n_hidden != b->n_hidden || a->act != b->act;
    for (int i = 0; i < b->n_hidden && !arch; i++)
        arch = a->hidden[i] != b->hidden[i] || a->dropout[i] != b->dropout[i];
    if (!arch && strcmp(b->model_kind, "cnn") == 0) {
        const ConvSpec *p = &a->conv, *q = &b->conv;
        arch = p->n_conv != q->n_conv || p->pool != q->pool || p->same != q->same;
        for (int i = 0; i < q->n_conv && !arch; i++)
            arch = p->filters[i] != q->filters[i] || p->ksize[i] != q->ksize[i];
    }
    return arch;
}

/* Says what changed from a to b, and whether the model must be rebuilt. */
static bool say_changes(CmdCtx *c, const Hypers *a, const Hypers *b)
{
    bool arch = arch_differs(a, b);
    int n = 0;
    const OptHyper *oh = optim_hypers(b->opt.kind, &n);
    if (a->opt.kind != b->opt.kind) { /* another optimizer: its settings, not changes from the old one's */
        cmd_out(c, "  optimizer %s → ", optim_name(a->opt.kind));
        cmd_print_opt(c, &b->opt);
        cmd_out(c, " (its state starts fresh)\n");
        n = 0;
    }
    for (int i = 0; i < n; i++) {
        const char *pa = (const char *)&a->opt + oh[i].offset, *pb = (const char *)&b->opt + oh[i].offset;
        if (oh[i].is_bool && *(const bool *)(const void *)pa != *(const bool *)(const void *)pb)
            cmd_out(c, "  %s %s → %s\n", oh[i].name, *(const bool *)(const void *)pa ? "on" : "off",
                    *(const bool *)(const void *)pb ? "on" : "off");
        else if (!oh[i].is_bool && *(const double *)(const void *)pa != *(const double *)(const void *)pb)
            cmd_out(c, "  %s %s → %s\n", oh[i].name, NUM(*(const double *)(const void *)pa),
                    NUM(*(const double *)(const void *)pb));
    }
    if (a->batch != b->batch)
        cmd_out(c, "  batch %d → %d\n", a->batch, b->batch);
    if (a->pen.l1 != b->pen.l1)
        cmd_out(c, "  l1 %s → %s\n", NUM(a->pen.l1), NUM(b->pen.l1));
    if (a->pen.l2 != b->pen.l2)
        cmd_out(c, "  l2 %s → %s\n", NUM(a->pen.l2), NUM(b->pen.l2));
    if (a->init.kind != b->init.kind)
        cmd_out(c, "  init %s → %s\n", init_name(a->init.kind), init_name(b->init.kind));
    if (arch) {
        char w[256];
        cmd_out(c, "  model rebuilt: %s\n",
                cmd_model_command(b->model_kind, &b->conv, b->hidden, b->n_hidden, b->act, b->dropout, w, sizeof w));
    }
    return arch;
}

static int search_use(CmdCtx *c, const char *which)
{
    Session *s = c->s;
    CmdSearch *q = c->search;
    if (!q || q->n_done == 0)
        return cmd_fail(c, "no search yet: run `search grid lr=0.01,0.1` or `search random 20 lr=1e-4..1:log` first");
    int i;
    if (strcmp(which, "BEST") == 0 || strcmp(which, "best") == 0) {
        int *all = calloc((size_t)q->n_done, sizeof *all);
        if (!all)
            return cmd_fail(c, "out of memory");
        ranking(q, all);
        i = all[0];
        free(all);
    } else {
        long k;
        if (!util_parse_long(which, 1, q->n_done, &k))
            return cmd_fail(c, "search use takes BEST or a trial number from 1 to %d, got '%.40s'", q->n_done, which);
        i = (int)k - 1;
    }
    const SearchTrial *t = &q->trial[i];
    if (all_failed(q))
        return all_failed_fail(c, q);
    if (t->failed) {
        int *all = calloc((size_t)q->n_done, sizeof *all);
        if (!all)
            return cmd_fail(c, "out of memory");
        ranking(q, all);
        int best = all[0] + 1;
        free(all);
        return cmd_fail(c, "trial %d failed (%.300s); choose one that finished, as `search use %d` (the best)", i + 1,
                        t->why, best);
    }
    if (!s->data || !s->model)
        return cmd_fail(c, "no model to apply it to: build one with `model ...` first");
    Hypers now, h = t->h;
    session_hypers(s, &now);
    bool fresh, arch = arch_differs(&now, &h);
    /* everything is checked before anything changes: the optimizer and
     * penalty checks, then the model on a trial copy */
    if (search_check(&h, c->err) != 0)
        return -1;
    if (arch) {
        Session *f = session_trial_new(s, &h, data_clone(s->data), c->err);
        if (!f)
            return -1;
        session_free(f);
    }
    char w[256];
    cmd_out(c, "trial %d (%s):\n", i + 1, trial_words(q, t, w, sizeof w));
    if (!say_changes(c, &now, &h) && memcmp(&now.opt, &h.opt, sizeof h.opt) == 0 && now.batch == h.batch &&
        now.pen.l1 == h.pen.l1 && now.pen.l2 == h.pen.l2 && now.init.kind == h.init.kind && s->seed == q->init_seed)
        cmd_out(c, "  no setting changes: these are the settings in force\n");
    if (s->seed != q->init_seed)
        cmd_out(c, "  seed %llu → %llu (the trial's: it drew its initial parameters and its shuffles)\n",
                (unsigned long long)s->seed, (unsigned long long)q->init_seed);
    s->init = h.init;
    if (session_set_batch(s, h.batch, c->err) != 0 || session_set_penalty(s, &h.pen, c->err) != 0 ||
        session_set_optimizer(s, &h.opt, &fresh, c->err) != 0)
        return -1;
    session_sched_restart(s);
    if (arch && (strcmp(h.model_kind, "cnn") == 0
                     ? session_build_cnn(s, &h.conv, h.hidden, h.n_hidden, h.act, c->err)
                     : session_build_model_drop(s, h.model_kind, h.hidden, h.n_hidden, h.act, h.dropout, c->err)) != 0)
        return -1;
    /* the trial's own start: its seed, then its initializer drawn afresh
     * (session_trial_new), the optimizer state and position reset */
    session_set_seed(s, q->init_seed);
    if (session_init(s, &s->init, NULL, c->err) != 0)
        return -1;
    if (q->cv)
        cmd_out(c, "%s, with the initial parameters each of the trial's folds started from (seed %llu); `train %ld` "
                "trains it on the whole training share\n", arch ? "a new model" : "the model starts afresh",
                (unsigned long long)q->init_seed, q->epochs);
    else
        cmd_out(c, "%s, with the trial's initial parameters (seed %llu): `train %ld` reproduces its validation loss "
                "%s\n", arch ? "a new model" : "the model starts afresh", (unsigned long long)q->init_seed, q->epochs,
                NUM(t->score));
    return 0;
}

int cmd_search(CmdCtx *c, int argc, char **argv)
{
    if (argc == 1) {
        if (!c->search)
            return cmd_fail(c, "no search yet: `search grid lr=0.01,0.1 batch=16,32` or `search random 20 "
                            "lr=1e-4..1:log`");
        return print_table(c, c->search);
    }
    if (strcmp(argv[1], "grid") == 0 || strcmp(argv[1], "random") == 0)
        return search_run(c, argc, argv);
    if (strcmp(argv[1], "use") == 0) {
        if (argc != 3)
            return cmd_fail(c, "search use takes BEST or a trial number, as in `search use BEST`");
        return search_use(c, argv[2]);
    }
    return cmd_fail(c, "search grid NAME=V1,V2 ..., search random N NAME=LO..HI[:log] ..., search, or search use "
                    "BEST|N; not '%.40s'", argv[1]);
}

CmdComplete cmd_complete_search(const CmdCtx *c, int argi, char **words, int n, CmdAddFn add, void *ctx)
{
    (void)n;
    static const char *const subs[] = {"grid", "random", "use", NULL}, *const opts[] = {"epochs=", "cv=", "seed=", NULL};
    int n_opts = strcmp(words[1], "random") == 0 ? 3 : 2; /* seed= draws a random search's values */
    if (argi == 1) {
        cmd_add_list(subs, add, ctx);
        return COMPLETE_WORDS;
    }
    char buf[32];
    if (strcmp(words[1], "use") == 0) {
        /* the trials search_use accepts: those finished, not failed */
        for (int i = 0; argi == 2 && c->search && i < c->search->n_done; i++) {
            if (c->search->trial[i].failed)
                continue;
            snprintf(buf, sizeof buf, "%d", i + 1);
            add(ctx, buf);
        }
        return COMPLETE_WORDS;
    }
    for (const char *const *k = search_names(); *k; k++) {
        snprintf(buf, sizeof buf, "%s=", *k);
        add(ctx, buf);
    }
    for (int i = 0; i < n_opts; i++)
        add(ctx, opts[i]);
    return COMPLETE_WORDS;
}
