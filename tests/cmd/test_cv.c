/* test_cv.c — `cv` and the run log through the commands: the session is
 * the same bit for bit after a cv; the printed mean and sample std are the
 * fold table's; a fold is exactly what training that fold's data by hand
 * from `set seed; init` gives; every train and fold is one JSON line with
 * every field and a CSV of its epochs; tracking off and `runs dir`;
 * refusals are one line and change nothing. */
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "fixture.h"
#include "cmd_trial.h"
#include "json.h"

/* Everything cv must leave alone, copied. */
typedef struct Copy {
    double *params, *state, *x, *y;
    size_t np, ns, nx, ny;
    long epoch, steps, opt_step;
    int batch_index, phase, n_train, hist_len;
    double lr, mu;
} Copy;

static void take(const Session *s, Copy *c)
{
    c->np = s->model->n_params;
    c->ns = (size_t)s->optim->n_slots * s->optim->n;
    c->nx = (size_t)s->data->n * (size_t)s->data->d;
    c->ny = (size_t)s->data->n * (size_t)s->data->t;
    c->params = malloc(sizeof(double) * c->np);
    c->state = malloc(sizeof(double) * (c->ns + 1));
    c->x = malloc(sizeof(double) * c->nx);
    c->y = malloc(sizeof(double) * c->ny);
    memcpy(c->params, s->model->params, sizeof(double) * c->np);
    memcpy(c->state, s->optim->state, sizeof(double) * c->ns);
    memcpy(c->x, s->data->x, sizeof(double) * c->nx);
    memcpy(c->y, s->data->y, sizeof(double) * c->ny);
    c->epoch = s->epoch;
    c->steps = s->steps;
    c->opt_step = s->optim->step;
    c->batch_index = s->batch_index;
    c->phase = (int)s->phase;
    c->n_train = s->data->n_train;
    c->hist_len = s->hist_len;
    c->lr = s->opt.lr;
    c->mu = s->optim->mu_product;
}

static void same(const Session *s, Copy *c)
{
    assert_memory_equal(c->params, s->model->params, sizeof(double) * c->np);
    assert_memory_equal(c->state, s->optim->state, sizeof(double) * c->ns);
    assert_memory_equal(c->x, s->data->x, sizeof(double) * c->nx);
    assert_memory_equal(c->y, s->data->y, sizeof(double) * c->ny);
    assert_int_equal(c->epoch, s->epoch);
    assert_int_equal(c->steps, s->steps);
    assert_int_equal(c->opt_step, s->optim->step);
    assert_int_equal(c->batch_index, s->batch_index);
    assert_int_equal(c->phase, (int)s->phase);
    assert_int_equal(c->n_train, s->data->n_train);
    assert_int_equal(c->hist_len, s->hist_len);
    assert_true(c->lr == s->opt.lr && c->mu == s->optim->mu_product);
    free(c->params);
    free(c->state);
    free(c->x);
    free(c->y);
}

/* A fixture logging into a fresh folder of its own (dir, 64 bytes). */
static Fx *fx_runs(char *dir)
{
    Fx *x = fx_new();
    snprintf(dir, 64, "%s/cvtest.XXXXXX", getenv("PARAMLAB_RUNS"));
    assert_non_null(mkdtemp(dir));
    char line[128];
    snprintf(line, sizeof line, "runs dir %s", dir);
    ok(x, line);
    return x;
}

static long count_lines(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return 0;
    long n = 0;
    for (int ch; (ch = fgetc(f)) != EOF;)
        n += ch == '\n';
    fclose(f);
    return n;
}

static void test_session_unchanged(void **state)
{
    (void)state;
    char dir[64];
    Fx *x = fx_runs(dir);
    ok(x, "data moons n=120 noise=0.2; data split 0.25; data standardize; model mlp 6 dropout=0.2");
    ok(x, "set optimizer nadam lr=0.01; set schedule step size=1 gamma=0.5; train 2; step 2; forward; loss");
    Copy c;
    take(x->c.s, &c);
    ok(x, "cv 4 epochs=3");
    assert_contains(x->last, "4-fold cross-validation (stratified by class)");
    assert_contains(x->last, "your own model, optimizer state, data and position are as they were");
    same(x->c.s, &c);
    fx_free(x);
}

/* The printed fold table's validation losses give the printed mean and
 * sample std (precision 17: the numbers in full). */
static void test_mean_std(void **state)
{
    (void)state;
    char dir[64];
    Fx *x = fx_runs(dir);
    ok(x, "data blobs n=150 classes=3; model softmax; set lr 0.2; set precision 17");
    ok(x, "cv 5 epochs=4");
    double v[5], mean = NAN, sd = NAN;
    int n = 0, rows_sum = 0;
    for (char *l = x->last; (l = strchr(l, '\n')); l++) {
        int fold, tr, va;
        double tl, vl;
        if (sscanf(l + 1, " %d %d %d %lf %lf", &fold, &tr, &va, &tl, &vl) == 5) {
            assert_int_equal(fold, n + 1);
            assert_int_equal(tr + va, 150);
            rows_sum += va;
            v[n++] = vl;
        }
        sscanf(l + 1, " mean %*f %lf", &mean);
        sscanf(l + 1, " std (sample, n-1) %*f %lf", &sd);
    }
    assert_int_equal(n, 5);
    assert_int_equal(rows_sum, 150); /* every row validates exactly once */
    double m, s;
    cmd_trial_stats(v, n, &m, &s);
    assert_rel(mean, m, 1e-15, 1e-300);
    assert_rel(sd, s, 1e-15, 1e-300);
    double ss = 0;
    for (int i = 0; i < 5; i++)
        ss += (v[i] - m) * (v[i] - m);
    assert_rel(s, sqrt(ss / 4), 1e-15, 1e-300); /* n - 1 */
    assert_int_equal(count_lines(dir), 5);
    fx_free(x);
}

/* Fold 2 of a cv equals that fold's data trained by hand: a session given
 * data_fold's rows, the same model and settings, `set seed; init; train`. */
static void test_fold_by_hand(void **state)
{
    (void)state;
    char dir[64];
    Fx *x = fx_runs(dir);
    ok(x, "data circles n=90 noise=0.1; model mlp 5 act=tanh; set optimizer adam lr=0.02; set batch 16; set l2 1e-3");
    Hypers h;
    session_hypers(x->c.s, &h);
    TrialResult r[3];
    int done;
    RunInfo ri = {"cv", "t", 0, 0, 0, 0, "done", 0, false, false, NAN, NAN};
    assert_int_equal(cmd_trial_cv(&x->c, &h, 3, 5, &ri, r, &done), 0);
    assert_int_equal(done, 3);

    int fold[90];
    char err[ERR_LEN];
    assert_int_equal(data_kfold(x->c.s->data, 3, x->c.s->seed, fold, err), 0);
    Fx *y = fx_new();
    y->c.tracking_off = true;
    bool dropped, reset;
    assert_int_equal(session_set_data(y->c.s, data_fold(x->c.s->data, fold, 1, err), &dropped, &reset), 0);
    ok(y, "model mlp 5 act=tanh; set optimizer adam lr=0.02; set batch 16; set l2 1e-3; set seed 42; init; train 5");
    double acc, val = session_eval_share(y->c.s, DATA_VAL, &acc);
    assert_true(val == r[1].val_loss);          /* bit for bit */
    assert_true(acc == r[1].val_acc);
    double tacc, tl = session_eval_share(y->c.s, DATA_TRAIN, &tacc); /* evaluation mode, as `train` ends */
    assert_true(tl == r[1].train_loss);
    fx_free(y);
    fx_free(x);
}

static const char *const run_keys[] = {
    "version", "id", "time", "kind", "group", "fold", "trial", "status", "data.name", "data.recipe",
    "data.fingerprint", "data.task", "data.classes", "data.rows", "data.features", "data.targets",
    "data.train_rows", "data.val_rows", "data.test_rows", "data.standardized", "model.kind", "model.hidden",
    "model.act", "model.dropout", "model.params", "hypers.optimizer", "hypers.lr", "hypers.batch", "hypers.shuffle",
    "hypers.loss", "hypers.l1", "hypers.l2", "hypers.init", "hypers.schedule", "hypers.clip", "seed", "epochs",
    "steps", "wall_s", "final.train_loss", "final.val_loss", "final.train_accuracy", "final.val_accuracy", "csv",
    "curve.epoch", "curve.train_loss", "curve.val_loss", "curve.train_accuracy", "curve.val_accuracy", NULL};

/* Every line of the log has every field; its CSV has a header and one row
 * per epoch; the numbers agree with what `train` printed. */
static void test_run_log(void **state)
{
    (void)state;
    char dir[64];
    Fx *x = fx_runs(dir);
    ok(x, "data moons n=100; data split 0.2; model mlp 4; set lr 0.1; set precision 17; train 3");
    ok(x, "cv 2 epochs=2");
    assert_int_equal(count_lines(dir), 3);
    char path[160];
    snprintf(path, sizeof path, "%s/runs.jsonl", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    char *line = NULL;
    size_t cap = 0;
    int i = 0;
    while (getline(&line, &cap, f) > 0) {
        assert_true(json_valid_object(line));
        for (int k = 0; run_keys[k]; k++)
            if (!json_get(line, run_keys[k]))
                fail_msg("line %d has no %s", i + 1, run_keys[k]);
        char kind[16], id[64], csv[80];
        json_get_str(json_get(line, "kind"), kind, sizeof kind);
        assert_string_equal(kind, i == 0 ? "train" : "cv");
        double epochs, ep[8], tl[8], fold;
        json_get_num(json_get(line, "epochs"), &epochs);
        json_get_num(json_get(line, "fold"), &fold);
        assert_true(epochs == (i == 0 ? 3 : 2) && fold == i);
        assert_int_equal(json_get_nums(json_get(line, "curve.epoch"), ep, 8), (int)epochs);
        assert_int_equal(json_get_nums(json_get(line, "curve.train_loss"), tl, 8), (int)epochs);
        json_get_str(json_get(line, "id"), id, sizeof id);
        json_get_str(json_get(line, "csv"), csv, sizeof csv);
        assert_true(strncmp(csv, id, strlen(id)) == 0);
        char cpath[200];
        snprintf(cpath, sizeof cpath, "%s/%s", dir, csv);
        FILE *cf = fopen(cpath, "r");
        assert_non_null(cf);
        char row[512];
        assert_non_null(fgets(row, sizeof row, cf));
        assert_string_equal(row, "epoch,train_loss,val_loss,train_accuracy,val_accuracy\n");
        int rows = 0;
        while (fgets(row, sizeof row, cf)) {
            double e, t;
            assert_int_equal(sscanf(row, "%lf,%lf", &e, &t), 2);
            assert_true(e == ep[rows] && t == tl[rows]); /* the CSV holds the JSON's numbers exactly */
            rows++;
        }
        assert_int_equal(rows, (int)epochs);
        fclose(cf);
        if (i == 0) { /* final: the model kept, measured as train's last line prints it */
            double last, last_acc, acc, want = session_eval_share(x->c.s, DATA_TRAIN, &acc);
            json_get_num(json_get(line, "final.train_loss"), &last);
            json_get_num(json_get(line, "final.train_accuracy"), &last_acc);
            assert_true(last == want && last_acc == acc);
        }
        i++;
    }
    free(line);
    fclose(f);
    ok(x, "runs");
    assert_contains(x->last, "3 runs in");
    ok(x, "runs all");
    assert_contains(x->last, "cv 2 ");
    ok(x, "set tracking off; train 1; cv 2 epochs=1");
    assert_int_equal(count_lines(dir), 3);
    ok(x, "set tracking on; train 1");
    assert_int_equal(count_lines(dir), 4);
    fx_free(x);
}

static void test_refusals(void **state)
{
    (void)state;
    char dir[64];
    Fx *x = fx_runs(dir);
    assert_contains(refused(x, "cv 3"), "no data yet");
    ok(x, "data xor n=20; model logistic");
    Copy c;
    take(x->c.s, &c);
    assert_contains(refused(x, "cv 1"), "from 2 to 100");
    assert_contains(refused(x, "cv 30"), "30 folds need at least 30 rows");
    assert_contains(refused(x, "cv 3 epochs=0"), "epochs=");
    assert_contains(refused(x, "cv 3 lr=1"), "not 'lr=1'");
    assert_contains(refused(x, "runs show nosuchid"), "no run 'nosuchid'");
    assert_contains(refused(x, "set tracking maybe"), "on or off");
    for (const char *e = x->c.err; *e; e++)
        assert_true(*e != '\n');
    same(x->c.s, &c);
    assert_int_equal(count_lines(dir), 0);
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_session_unchanged),
        cmocka_unit_test(test_mean_std),
        cmocka_unit_test(test_fold_by_hand),
        cmocka_unit_test(test_run_log),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
