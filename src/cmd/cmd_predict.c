/* cmd_predict.c — `predict`: the model's output, through the link, for
 * one input typed (numbers separated by commas or spaces, in the data's
 * own units), for a row of the data (with its true label beside it), or
 * for every row of a CSV file read the way the data was (out= writes the
 * class and probabilities as CSV). Classes are shown by name. */
#include "cmd_handlers.h"
#include "afile.h"
#include "cmd_policy.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)
#define MAX_PREDICT_PRINT 50 /* rows of a file printed when no out= is given */

/* y (k outputs) as a sentence: "yhat = 0.8  → class 1, M (probability of
 * class 1, M: 0.8)", classes as cmd_class_ref shows them. */
static void print_output(CmdCtx *c, const double *y, int k)
{
    const Session *s = c->s;
    const Dataset *ds = s->data;
    cmd_out(c, "yhat =");
    for (int j = 0; j < k; j++)
        cmd_out(c, " %s", NUM(y[j]));
    if (ds->classification) {
        cmd_out(c, "  → class %s", CMD_CLASS(ds, session_predicted_class(s, y, k)));
        if (k == 1 && loss_desc(s->loss.kind)->link == LINK_SIGMOID)
            cmd_out(c, " (probability of class %s: %s)", CMD_CLASS(ds, 1), NUM(y[0]));
    }
}

/* Refuses an output that is not finite. */
static int check_finite(CmdCtx *c, const double *y, int k)
{
    for (int j = 0; j < k; j++)
        if (!isfinite(y[j]))
            return cmd_fail(c, "the output for this input is %s: the numbers overflow; use inputs and parameters of "
                            "ordinary size (`params`, `W1` show them)", isnan(y[j]) ? "NaN" : "infinite");
    return 0;
}

/* predict X1 X2 ... or X1,X2,...: one input typed. */
static int predict_numbers(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    int d = s->data->d, k = nn_outputs(s->model), n = 0;
    double *x = malloc(sizeof(double) * (size_t)(d + k));
    if (!x)
        return cmd_fail(c, "out of memory");
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        for (char *p = argv[i], *q; p && rc == 0; p = q) {
            q = strchr(p, ',');
            if (q)
                *q++ = '\0';
            if (!*p && (q || i + 1 < argc || n > 0)) /* "1, 2" leaves an empty piece */
                continue;
            if (n == d)
                rc = cmd_fail(c, "predict needs %d number%s (one per feature: %s%s), got more", d, d == 1 ? "" : "s",
                              s->data->feature_names[0], d > 1 ? ", ..." : "");
            else
                rc = cmd_parse_num(c, s->data->feature_names[n], p, &x[n]), n++;
        }
    }
    if (rc == 0 && n != d)
        rc = cmd_fail(c, "predict needs %d number%s (one per feature: %s%s), got %d; separate them with commas or "
                      "spaces, or use `predict row N` or `predict FILE.csv`", d, d == 1 ? "" : "s",
                      s->data->feature_names[0], d > 1 ? ", ..." : "", n);
    if (rc == 0 && (session_predict(s, x, x + d, c->err) != 0 || check_finite(c, x + d, k) != 0))
        rc = -1;
    if (rc == 0) {
        print_output(c, x + d, k);
        if (s->data->standardized)
            cmd_out(c, "  (input standardized with the training statistics first)");
        cmd_out(c, "\n");
    }
    free(x);
    return rc;
}

/* predict row N [train|val|test]: a row of the data, with its label. */
static int predict_row(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    const Dataset *ds = s->data;
    static const char *const shares[] = {"train", "val", "test", NULL};
    int lo = 0, hi = ds->n, which = -1;
    if (argc < 3 || argc > 4)
        return cmd_fail(c, "predict row needs a row number: predict row N [train|val|test]");
    if (argc == 4) {
        while (shares[++which] && strcmp(shares[which], argv[3]) != 0)
            ;
        if (!shares[which])
            return cmd_fail(c, "predict row N takes train, val or test after N, got '%s'%s", argv[3],
                            CMD_DYM(argv[3], shares, ""));
        data_share_rows(ds, (DataShare)which, &lo, &hi);
        if (hi <= lo)
            return cmd_fail(c, "there is no %s share: `data split 0.2 0.1` holds out validation and test rows",
                            argv[3]);
    }
    long r;
    if (cmd_parse_int(c, "the row number", argv[2], 0, hi - lo - 1, &r) != 0)
        return -1;
    int d = ds->d, k = nn_outputs(s->model), row = lo + (int)r;
    double *x = malloc(sizeof(double) * (size_t)(d + k));
    if (!x)
        return cmd_fail(c, "out of memory");
    for (int j = 0; j < d; j++) { /* back to the data's units: session_predict standardizes */
        double v = ds->x[(size_t)row * d + j];
        x[j] = ds->standardized ? v * ds->std[j] + ds->mean[j] : v;
    }
    if (session_predict(s, x, x + d, c->err) != 0 || check_finite(c, x + d, k) != 0) {
        free(x);
        return -1;
    }
    if (which >= 0)
        cmd_out(c, "row %ld of %s (data row %d): ", r, argv[3], row);
    else
        cmd_out(c, "row %d: ", row);
    print_output(c, x + d, k);
    if (ds->classification) {
        int t = (int)ds->y[row];
        cmd_out(c, "; true class %s", CMD_CLASS(ds, t));
        cmd_out(c, t == session_predicted_class(s, x + d, k) ? ", right\n" : ", wrong\n");
    } else {
        cmd_out(c, "; true");
        for (int j = 0; j < ds->t; j++)
            cmd_out(c, " %s", NUM(ds->y[(size_t)row * ds->t + j]));
        cmd_out(c, "\n");
    }
    free(x);
    return 0;
}

/* The heading of predict FILE's table/CSV: row, class, one column per
 * output (p_CLASS for probabilities, else the target's or output's name). */
static void predict_heading(CmdCtx *c, FILE *f, bool csv, int k)
{
    const Dataset *ds = c->s->data;
    char b[16];
    fprintf(f, csv ? "row" : "%6s", "row");
    if (ds->classification)
        fprintf(f, csv ? ",class" : " %12s", "class");
    bool probs = ds->classification && loss_desc(c->s->loss.kind)->link != LINK_IDENTITY;
    if (probs && k == 1) /* sigmoid: both classes' probabilities */
        fprintf(f, csv ? ",p_%s" : " %12.12s", data_class_name(ds, 0, b, sizeof b));
    for (int j = 0; j < k; j++) {
        char name[64];
        if (ds->classification)
            snprintf(name, sizeof name, "%s%s", probs ? "p_" : "out_",
                     data_class_name(ds, k == 1 ? 1 : j, b, sizeof b));
        else
            snprintf(name, sizeof name, "%s", j < ds->t ? ds->target_names[j] : "out");
        fprintf(f, csv ? ",%s" : " %12.12s", name);
    }
    fprintf(f, "\n");
}

/* predict FILE.csv [out=FILE.csv]: every row of a file. */
static int predict_file(CmdCtx *c, const char *path, const char *out)
{
    Session *s = c->s;
    const Dataset *ds = s->data;
    if (out && strcmp(out, path) == 0)
        return cmd_fail(c, "out=%s would replace the file read; give another name", out);
    double *x, y[1024];
    int n, k = nn_outputs(s->model);
    if (k > 1024)
        return cmd_fail(c, "the model has %d outputs; predict FILE handles at most 1024", k);
    char found[4096];
    if (data_load_features(cmd_path(c, path, found, sizeof found), ds, &x, &n, c->err) != 0)
        return -1;
    AFile a = {0};
    FILE *f = c->out;
    if (out) {
        if (cmd_policy_may_write(c, out) != 0 || afile_open(&a, out, c->err) != 0) {
            free(x);
            return -1;
        }
        cmd_policy_wrote(c, out);
        f = a.f;
    }
    fflush(c->out);
    predict_heading(c, f, out != NULL, k);
    char b[40];
    int rc = 0;
    for (int i = 0; i < n && rc == 0; i++) {
        if ((rc = session_predict(s, x + (size_t)i * ds->d, y, c->err)) != 0 || (rc = check_finite(c, y, k)) != 0)
            break;
        if (!out && i == MAX_PREDICT_PRINT) {
            fprintf(f, "  ... %d more row%s: out=FILE.csv writes them all\n", n - i, CMD_S(n - i));
            break;
        }
        fprintf(f, out ? "%d" : "%6d", i);
        if (ds->classification)
            fprintf(f, out ? ",%s" : " %12.12s", data_class_name(ds, session_predicted_class(s, y, k), b, sizeof b));
        if (k == 1 && ds->classification && loss_desc(s->loss.kind)->link == LINK_SIGMOID) {
            if (out)
                fprintf(f, ",%.17g", 1 - y[0]);
            else
                fprintf(f, " %12s", cmd_num(c, 1 - y[0], b, sizeof b));
        }
        for (int j = 0; j < k; j++)
            if (out)
                fprintf(f, ",%.17g", y[j]);
            else
                fprintf(f, " %12s", cmd_num(c, y[j], b, sizeof b));
        fprintf(f, "\n");
    }
    free(x);
    if (out && rc != 0)
        afile_abort(&a);
    else if (out && (rc = afile_commit(&a, c->err)) == 0)
        cmd_out(c, "wrote %d prediction%s of %s to %s (row, %sone column per output)\n", n, n == 1 ? "" : "s", path,
                out, ds->classification ? "class, " : "");
    return rc ? -1 : 0;
}

int cmd_predict(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    if (!s->model)
        return cmd_fail(c, "no model yet: build one with `model linear` or `model mlp 8`");
    if (strcmp(argv[1], "row") == 0)
        return predict_row(c, argc, argv);
    double v;
    const char *first = argv[1];
    if (!strchr(first, ',') && !util_parse_double(first, &v) && strpbrk(first, "./")) {
        const char *out = NULL;
        for (int i = 2; i < argc; i++) {
            char *k, *val;
            bool kv = cmd_split_opt(argv[i], &k, &val);
            if (kv && strcmp(k, "out") == 0 && !*val)
                return cmd_fail(c, "out= needs a file name, as in out=predictions.csv");
            if (!kv || strcmp(k, "out") != 0)
                return cmd_fail(c, "predict FILE.csv takes out=FILE.csv, got '%s'", argv[i]);
            out = val;
        }
        return predict_file(c, first, out);
    }
    return predict_numbers(c, argc, argv);
}

CmdComplete cmd_complete_predict(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    (void)n;
    if (argi == 1) {
        add(ctx, "row");
        return COMPLETE_DATA_FILES;
    }
    const Dataset *ds = c->s->data;
    if (argi == 3 && strcmp(w[1], "row") == 0 && ds) { /* the shares there are */
        if (ds->n_train > 0)
            add(ctx, "train");
        if (ds->n - ds->n_train - ds->n_test > 0)
            add(ctx, "val");
        if (ds->n_test > 0)
            add(ctx, "test");
    }
    else if (argi >= 2 && strcmp(w[1], "row") != 0)
        add(ctx, "out=");
    return COMPLETE_WORDS;
}
