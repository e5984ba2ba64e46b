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
    if (share == DATA_TEST)
        s->test_looks++;
    return 0;
}

/* ---- scalar names ---- */

/* The scalars, one row each: what the number is and where it comes from. */
static const ScalarDesc scalars[] = {
    {"train_loss", "the loss over the whole training share, in evaluation mode", DATA_TRAIN, false, false},
    {"val_loss", "the loss over the whole validation share, in evaluation mode", DATA_VAL, false, false},
    {"accuracy", "the share of training rows classified right, shown as a percentage", DATA_TRAIN,
     true, false},
    {"val_accuracy", "the share of validation rows classified right, shown as a percentage",
     DATA_VAL, true, false},
    {"lr", "the learning rate in force", DATA_TRAIN, false, true},
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

int session_scalar_value(Session *s, int i, double *v, char *err)
{
    const ScalarDesc *d = &scalars[i];
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
