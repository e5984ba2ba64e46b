/* session_eval.c — the model in evaluation mode over a share of the data:
 * its outputs, its loss and accuracy, scikit-learn's metrics of a share,
 * and the scalar names (train_loss val_loss accuracy val_accuracy lr)
 * that hold such numbers. Everything here runs the session's evaluation
 * copy of the model, so the current batch and its results stay as they
 * are. It asks nothing of session.c (session.c asks it), so the two never
 * call each other. */
#include "session.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "metrics.h"

static LossShape eval_shape(const Dataset *ds, int n_outputs)
{
    LossShape sh = {n_outputs, ds->t, ds->classification, ds->n_classes};
    return sh;
}

/* Predicted class of one output row: threshold for one unit, argmax else. */
int session_predicted_class(const Session *s, const double *yhat, int k)
{
    if (k == 1)
        return yhat[0] > (loss_desc(s->loss.kind)->margin ? 0.0 : 0.5);
    int best = 0;
    for (int j = 1; j < k; j++)
        if (yhat[j] > yhat[best])
            best = j;
    return best;
}

bool session_has_share(const Session *s, DataShare share)
{
    if (!s->data)
        return false;
    int lo, hi;
    data_share_rows(s->data, share, &lo, &hi);
    return hi > lo;
}

double session_eval_share(Session *s, DataShare share, double *accuracy)
{
    *accuracy = NAN;
    if (!s->model || !s->data)
        return NAN;
    const Dataset *ds = s->data;
    int lo, hi;
    data_share_rows(ds, share, &lo, &hi);
    if (hi <= lo)
        return NAN;
    Model *ev = s->eval;
    int k = nn_outputs(ev);
    memcpy(ev->params, s->model->params, sizeof(double) * s->model->n_params);
    LossShape sh = eval_shape(ds, k);
    double sum = 0;
    long right = 0;
    /* the link output lands in the gradient buffer of the copy, unused here */
    double *yhat = ev->dz[ev->n_layers - 1];
    for (int r = lo; r < hi; r += SESSION_EVAL_ROWS) {
        int rows = hi - r < SESSION_EVAL_ROWS ? hi - r : SESSION_EVAL_ROWS;
        Mat x = mat_view(ds->x + (size_t)r * ds->d, rows, ds->d);
        nn_forward(ev, &x);
        const double *y = ds->y + (size_t)r * ds->t;
        sum += rows * loss_eval(&s->loss, &sh, ev->a[ev->n_layers - 1], y, rows, yhat, NULL);
        if (ds->classification)
            for (int i = 0; i < rows; i++)
                right += session_predicted_class(s, yhat + (size_t)i * k, k) == (int)y[i];
    }
    if (ds->classification)
        *accuracy = (double)right / (hi - lo);
    return sum / (hi - lo);
}

double session_eval_loss(Session *s, bool train, double *accuracy)
{
    return session_eval_share(s, train ? DATA_TRAIN : DATA_VAL, accuracy);
}

double session_batch_accuracy(const Session *s)
{
    if (!s->data || !s->data->classification || s->phase < PHASE_FORWARD)
        return NAN;
    int k = nn_outputs(s->model), right = 0;
    for (int i = 0; i < s->rows; i++)
        right += session_predicted_class(s, s->yhat + (size_t)i * k, k) == (int)s->yb[i];
    return (double)right / s->rows;
}

void session_eval_outputs(Session *s, const double *x, int n, double *out)
{
    Model *ev = s->eval;
    int d = nn_inputs(ev), k = nn_outputs(ev);
    memcpy(ev->params, s->model->params, sizeof(double) * s->model->n_params);
    LossShape sh = eval_shape(s->data, k);
    for (int r = 0; r < n; r += SESSION_EVAL_ROWS) {
        int rows = n - r < SESSION_EVAL_ROWS ? n - r : SESSION_EVAL_ROWS;
        Mat xm = mat_view((double *)x + (size_t)r * d, rows, d);
        nn_forward(ev, &xm);
        loss_link(&s->loss, &sh, ev->a[ev->n_layers - 1], rows, out + (size_t)r * k);
    }
}

const double *session_row_maps(Session *s, int row, int k, char kind)
{
    if (!s->model || !s->data || row < 0 || row >= s->data->n || k < 1 || k > s->model->n_layers ||
        s->model->layer[k - 1].kind != LAYER_CONV || (kind == 'P' && !s->model->layer[k - 1].pool))
        return NULL;
    Model *ev = s->eval;
    memcpy(ev->params, s->model->params, sizeof(double) * s->model->n_params);
    Mat x = mat_view(s->data->x + (size_t)row * s->data->d, 1, s->data->d);
    nn_forward_to(ev, &x, k);
    return kind == 'Z' ? ev->z[k - 1] : kind == 'A' ? ev->a[k - 1] : kind == 'P' ? ev->p[k - 1] : NULL;
}

/* ---- the metrics of a share ---- */

static const char *const share_names[] = {"training", "validation", "test"};

const char *session_share_name(DataShare share)
{
    return share_names[share];
}

void session_report_free(EvalReport *r)
{
    free(r->cm);
    free(r->per);
    free(r->reg);
    r->cm = NULL;
    r->per = NULL;
    r->reg = NULL;
}

/* A share's rows, or the refusal: no data, no model, or an empty share. */
static int share_ready(const Session *s, DataShare share, char *err)
{
    if (!s->data)
        return util_fail(err, ERR_NO_DATA, "there is no data to evaluate");
    if (!s->model)
        return util_fail(err, ERR_NO_MODEL, "there is no model to evaluate");
    if (share == DATA_TRAIN || session_has_share(s, share))
        return 0;
    if (share == DATA_VAL)
        return util_fail(err, ERR_NO_SPLIT, "the data has no validation share");
    return util_fail(err, ERR_NO_TEST, "the data has no test share");
}

/* Confusion matrix and class scores of rows [lo, hi). */
static int classify_rows(Session *s, int lo, int hi, EvalReport *r, char *err)
{
    const Dataset *ds = s->data;
    int k = ds->n_classes, out = nn_outputs(s->model);
    r->cm = calloc((size_t)k * (size_t)k, sizeof *r->cm);
    r->per = calloc((size_t)k, sizeof *r->per);
    double *yhat = malloc(sizeof(double) * SESSION_EVAL_ROWS * (size_t)out);
    int *truth = malloc(sizeof(int) * SESSION_EVAL_ROWS), *pred = malloc(sizeof(int) * SESSION_EVAL_ROWS);
    int rc = 0;
    if (!r->cm || !r->per || !yhat || !truth || !pred) {
        rc = util_fail(err, ERR_NOMEM, "out of memory for the confusion matrix");
        goto done;
    }
    for (int at = lo; at < hi && rc == 0; at += SESSION_EVAL_ROWS) {
        int rows = hi - at < SESSION_EVAL_ROWS ? hi - at : SESSION_EVAL_ROWS;
        session_eval_outputs(s, ds->x + (size_t)at * ds->d, rows, yhat);
        for (int i = 0; i < rows; i++) {
            truth[i] = (int)ds->y[at + i];
            pred[i] = session_predicted_class(s, yhat + (size_t)i * out, out);
        }
        rc = metrics_confusion(r->cm, k, truth, pred, rows, err);
    }
    if (rc == 0)
        metrics_classify(r->cm, k, r->per, &r->cls);
done:
    free(yhat);
    free(truth);
    free(pred);
    return rc;
}

/* MSE, MAE and R² of rows [lo, hi). */
static int regress_rows(Session *s, int lo, int hi, EvalReport *r, char *err)
{
    const Dataset *ds = s->data;
    size_t n = (size_t)(hi - lo);
    double *yhat = malloc(sizeof(double) * n * (size_t)ds->t);
    r->reg = calloc((size_t)ds->t, sizeof *r->reg);
    if (!yhat || !r->reg) {
        free(yhat);
        return util_fail(err, ERR_NOMEM, "out of memory for the predictions");
    }
    session_eval_outputs(s, ds->x + (size_t)lo * ds->d, hi - lo, yhat);
    metrics_regress(ds->y + (size_t)lo * ds->t, yhat, (long)n, ds->t, r->reg, &r->regm);
    free(yhat);
    return 0;
}

int session_eval_report(Session *s, DataShare share, EvalReport *r, char *err)
{
    memset(r, 0, sizeof *r);
    int rc = share_ready(s, share, err);
    if (rc != 0)
        return rc;
    const Dataset *ds = s->data;
    int lo, hi;
    data_share_rows(ds, share, &lo, &hi);
    r->share = share;
    r->n = hi - lo;
    r->classification = ds->classification;
    r->loss = session_eval_share(s, share, &r->accuracy);
    rc = ds->classification ? classify_rows(s, lo, hi, r, err) : regress_rows(s, lo, hi, r, err);
    if (rc != 0) {
        session_report_free(r);
        return rc;
    }
    if (share == DATA_TEST) {
        s->test_looks++;
        s->test_loss = r->loss;
        s->test_accuracy = r->accuracy;
    }
    return 0;
}

/* ---- scalar names ---- */

/* The share `metrics` reports by default: validation with a split, else training. */
static DataShare metrics_share(const Session *s)
{
    return session_has_share(s, DATA_VAL) ? DATA_VAL : DATA_TRAIN;
}

/* Room for n values of a per-class scalar in the session. */
static int scalar_room(Session *s, int n, char *err)
{
    if (n <= s->scalar_vec_cap)
        return 0;
    double *v = realloc(s->scalar_vec, sizeof *v * (size_t)n);
    if (!v)
        return util_fail(err, ERR_NOMEM, "out of memory for the scores");
    s->scalar_vec = v;
    s->scalar_vec_cap = n;
    return 0;
}

static bool ready_test(const Session *s)
{
    return s->test_looks > 0;
}

static bool ready_cv(const Session *s)
{
    return s->cv_folds > 0;
}

static bool ready_classes(const Session *s)
{
    return s->data && s->model && s->data->classification;
}

static bool ready_regression(const Session *s)
{
    return s->data && s->model && !s->data->classification;
}

static bool ready_always(const Session *s)
{
    (void)s;
    return true;
}

static bool ready_model(const Session *s)
{
    return s->model != NULL;
}

/* steps, epoch, params: counts the session keeps. */
static int value_count(Session *s, const ScalarDesc *d, double **v, int *n, char *err)
{
    if (d->field == 2 && !s->model)
        return util_fail(err, ERR_NO_MODEL, "params counts the model's parameters, and there is no model yet");
    s->scalar_value = d->field == 0 ? (double)s->steps : d->field == 1 ? (double)s->epoch
                                                                      : (double)s->model->n_params;
    *v = &s->scalar_value;
    *n = 1;
    return 0;
}

/* test_loss, test_accuracy: kept from the last evaluation of the test share. */
static int value_test(Session *s, const ScalarDesc *d, double **v, int *n, char *err)
{
    if (!ready_test(s))
        return util_fail(err, ERR_NO_TEST_LOOK, "%s is measured when the test share is evaluated, and it has not "
                         "been yet", d->name);
    if (d->accuracy && !s->data->classification)
        return util_fail(err, ERR_NO_CLASSES, "%s counts classes, and this is a regression task", d->name);
    s->scalar_value = d->field == 0 ? s->test_loss : s->test_accuracy;
    *v = &s->scalar_value;
    *n = 1;
    return 0;
}

/* cv_loss, cv_std: kept from the last cross-validation. */
static int value_cv(Session *s, const ScalarDesc *d, double **v, int *n, char *err)
{
    if (!ready_cv(s))
        return util_fail(err, ERR_NO_CV, "%s is the result of a cross-validation, and none has run yet", d->name);
    s->scalar_value = d->field == 0 ? s->cv_loss : s->cv_std;
    *v = &s->scalar_value;
    *n = 1;
    return 0;
}

/* The report of the default share; 0, or the refusal (r freed). */
static int default_report(Session *s, const ScalarDesc *d, EvalReport *r, char *err)
{
    int rc = share_ready(s, DATA_TRAIN, err);
    if (rc != 0)
        return util_fail(err, rc, "%s needs %s", d->name, s->data ? "a model" : "data and a model");
    return session_eval_report(s, metrics_share(s), r, err);
}

/* precision, recall, f1: one per class, as metrics reports them. */
static int value_class(Session *s, const ScalarDesc *d, double **v, int *n, char *err)
{
    if (s->data && !s->data->classification)
        return util_fail(err, ERR_NO_CLASSES, "%s counts classes, and this is a regression task", d->name);
    EvalReport r;
    int rc = default_report(s, d, &r, err);
    if (rc != 0)
        return rc;
    int k = s->data->n_classes;
    rc = scalar_room(s, k, err);
    for (int i = 0; rc == 0 && i < k; i++) {
        const ClassScore *c = &r.per[i];
        s->scalar_vec[i] = d->field == 0 ? c->precision : d->field == 1 ? c->recall : c->f1;
    }
    session_report_free(&r);
    if (rc != 0)
        return rc;
    *v = s->scalar_vec;
    *n = k;
    return 0;
}

/* mae, r2: averaged over the targets, as metrics reports them. */
static int value_regress(Session *s, const ScalarDesc *d, double **v, int *n, char *err)
{
    if (s->data && s->data->classification)
        return util_fail(err, ERR_NOT_REGRESSION, "%s measures a regression, and this task has classes", d->name);
    EvalReport r;
    int rc = default_report(s, d, &r, err);
    if (rc != 0)
        return rc;
    s->scalar_value = d->field == 0 ? r.regm.mae : r.regm.r2;
    session_report_free(&r);
    *v = &s->scalar_value;
    *n = 1;
    return 0;
}

/* The scalars, one row each: what the number is and where it comes from. */
static const ScalarDesc scalars[] = {
    {"train_loss", "the loss over the whole training share, in evaluation mode", DATA_TRAIN, false, false,
     NULL, NULL, 0, false, false},
    {"val_loss", "the loss over the whole validation share, in evaluation mode", DATA_VAL, false, false, NULL,
     NULL, 0, false, false},
    {"accuracy", "the share of training rows classified right, shown as a percentage", DATA_TRAIN,
     true, false, NULL, NULL, 0, false, false},
    {"val_accuracy", "the share of validation rows classified right, shown as a percentage",
     DATA_VAL, true, false, NULL, NULL, 0, false, false},
    {"lr", "the learning rate in force", DATA_TRAIN, false, true, NULL, NULL, 0, false, false},
    {"test_loss", "the loss over the test share at its last evaluation", DATA_TEST, false, false, value_test,
     ready_test, 0, false, false},
    {"test_accuracy", "the share of test rows classified right at its last evaluation, shown as a percentage",
     DATA_TEST, true, false, value_test, ready_test, 1, false, false},
    {"cv_loss", "the mean validation loss over the folds of the last cross-validation", DATA_TRAIN, false, false,
     value_cv, ready_cv, 0, false, false},
    {"cv_std", "the sample standard deviation (n-1) of those folds' validation losses", DATA_TRAIN, false, false,
     value_cv, ready_cv, 1, false, false},
    {"precision", "per class: the share of rows predicted as the class that are in "
     "it, on the validation share when there is one, else the training rows", DATA_TRAIN, false, false,
     value_class, ready_classes, 0, true, false},
    {"recall", "per class: the share of the class's rows predicted as it, on the validation share when there is "
     "one, else the training rows", DATA_TRAIN, false, false, value_class, ready_classes, 1, true, false},
    {"f1", "per class: 2·P·R / (P + R) of its precision and recall, on the validation share when there is one, "
     "else the training rows", DATA_TRAIN, false, false, value_class, ready_classes, 2, true, false},
    {"mae", "the mean absolute error (averaged over the targets), on the validation share when there is one, "
     "else the training rows", DATA_TRAIN, false, false, value_regress, ready_regression, 0, false, false},
    {"r2", "R², the share of the targets' variance the model explains, on the validation share when there is "
     "one, else the training rows", DATA_TRAIN, false, false, value_regress, ready_regression, 1, false, false},
    {"steps", "the updates made since the model was made", DATA_TRAIN, false, false, value_count, ready_always, 0,
     false, true},
    {"epoch", "the epoch training is in, counting from 1", DATA_TRAIN, false, false, value_count, ready_always, 1,
     false, true},
    {"params", "the number of the model's parameters", DATA_TRAIN, false, false, value_count, ready_model, 2, false,
     true},
};

int session_scalar_find(const char *name)
{
    for (size_t i = 0; i < sizeof scalars / sizeof scalars[0]; i++)
        if (strcmp(scalars[i].name, name) == 0)
            return (int)i;
    return -1;
}

const ScalarDesc *session_scalar(int i)
{
    return i >= 0 && (size_t)i < sizeof scalars / sizeof scalars[0] ? &scalars[i] : NULL;
}

bool session_scalar_ready(const Session *s, int i)
{
    const ScalarDesc *d = &scalars[i];
    if (d->ready)
        return d->ready(s);
    return d->hyper || (s->data && session_has_share(s, d->share) && (!d->accuracy || s->data->classification));
}

int session_scalar_value(Session *s, int i, double *v, char *err)
{
    const ScalarDesc *d = &scalars[i];
    if (d->value) {
        double *p;
        int n, rc = d->value(s, d, &p, &n, err);
        if (rc == 0 && n != 1)
            return util_fail(err, ERR_INPUT, "%s has one value per class, as in %s[0]", d->name, d->name);
        if (rc == 0)
            *v = p[0];
        return rc;
    }
    if (d->hyper) {
        *v = s->opt.lr;
        return 0;
    }
    int rc = share_ready(s, d->share, err);
    if (rc == ERR_NO_SPLIT)
        return util_fail(err, rc, "%s needs a validation share, and the data has none", d->name);
    if (rc != 0)
        return util_fail(err, rc, "%s needs %s", d->name, s->data ? "a model" : "data and a model");
    if (d->accuracy && !s->data->classification)
        return util_fail(err, ERR_NO_CLASSES, "%s counts classes, and this is a regression task", d->name);
    double acc, loss = session_eval_share(s, d->share, &acc);
    *v = d->accuracy ? acc : loss;
    return 0;
}

int session_scalar_values(Session *s, int i, double **v, int *n, char *err)
{
    const ScalarDesc *d = &scalars[i];
    if (d->value)
        return d->value(s, d, v, n, err);
    *n = 1;
    *v = &s->scalar_value;
    return session_scalar_value(s, i, &s->scalar_value, err);
}
