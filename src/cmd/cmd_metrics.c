/* cmd_metrics.c — how good the model is on held-out rows: `metrics
 * [train|val]` (loss, accuracy, confusion matrix and per-class scores, or
 * MSE, MAE and R²) and `evaluate test` (the same for the test share, with
 * a count of how often it has been looked at). The numbers come from the
 * session (session_eval_report); these words only print them. */
#include "cmd_metrics.h"

#include <math.h>
#include <string.h>

#include "cmd_hint.h"

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* One score column: 3 decimals, as scikit-learn's classification_report;
 * note ("" for none) follows the row. */
static void score_row(CmdCtx *c, int lw, const char *label, double p, double r, double f1, long support,
                      const char *note)
{
    cmd_out(c, "  %-*.*s %9.3f %7.3f %7.3f", lw, lw, label, p, r, f1);
    if (support >= 0)
        cmd_out(c, " %8ld", support);
    cmd_out(c, "%s\n", note);
}

/* Which classes the macro averages cover: as scikit-learn's default
 * (labels=None), those found in the true or the predicted labels. */
static void macro_note(CmdCtx *c, int k, int n_present)
{
    if (n_present == k)
        cmd_out(c, "macro: the plain mean over all %d classes (each is in the true or predicted labels)\n", k);
    else
        cmd_out(c, "macro: the mean over the %d of %d classes in the true or predicted labels (scikit-learn's\n"
                   "default); a class in neither is marked absent and left out\n", n_present, k);
}

static void print_classes(CmdCtx *c, const EvalReport *r)
{
    int k = c->s->data->n_classes, lw = 8; /* the class column: the longest name, 8 to 16 */
    for (int i = 0; i < k && k <= 20; i++) {
        char b[16];
        int l = (int)strlen(data_class_name(c->s->data, i, b, sizeof b));
        lw = l > lw ? (l > 16 ? 16 : l) : lw;
    }
    cmd_out(c, "accuracy %.1f%% (%ld of %ld row%s right)\n", 100 * r->cls.accuracy,
            (long)lround(r->cls.accuracy * (double)r->n), r->n, CMD_S(r->n));
    if (k > 20) {
        cmd_out(c, "(%d classes: the confusion matrix and per-class table are left out above 20)\n", k);
    } else {
        const Dataset *ds = c->s->data;
        char b[16];
        int cw = 6; /* a column: the widest class name, at most 12 */
        for (int j = 0; j < k; j++) {
            int l = (int)strlen(data_class_name(ds, j, b, sizeof b));
            cw = l > cw ? (l > 12 ? 12 : l) : cw;
        }
        cmd_out(c, "confusion matrix (rows: true class, columns: predicted class)\n  %*s", lw, "true\\pred");
        for (int j = 0; j < k; j++)
            cmd_out(c, " %*.*s", cw, cw, data_class_name(ds, j, b, sizeof b));
        cmd_out(c, "\n");
        for (int i = 0; i < k; i++) {
            cmd_out(c, "  %*.*s ", lw > 8 ? lw : 8, lw > 8 ? lw : 8, data_class_name(ds, i, b, sizeof b));
            for (int j = 0; j < k; j++)
                cmd_out(c, " %*ld", cw, r->cm[(size_t)i * k + j]);
            cmd_out(c, "\n");
        }
        cmd_out(c, "  %-*s %9s %7s %7s %8s\n", lw, "class", "precision", "recall", "f1", "support");
        for (int i = 0; i < k; i++) {
            char label[16];
            score_row(c, lw, data_class_name(ds, i, label, sizeof label), r->per[i].precision, r->per[i].recall,
                      r->per[i].f1, r->per[i].support, r->per[i].present ? "" : "  (absent: not in the mean)");
        }
    }
    score_row(c, lw, "macro", r->cls.macro_precision, r->cls.macro_recall, r->cls.macro_f1, -1, "");
    cmd_out(c, "precision: of the rows predicted as the class, the share truly in it; recall: of the\n"
               "rows in the class, the share found; f1: their harmonic mean\n");
    macro_note(c, k, r->cls.n_present);
}

static void print_regression(CmdCtx *c, const EvalReport *r)
{
    const Dataset *ds = c->s->data;
    cmd_out(c, "MSE %s, MAE %s, R² %s", NUM(r->regm.mse), NUM(r->regm.mae), NUM(r->regm.r2));
    cmd_out(c, ds->t > 1 ? " (means over the %d targets)\n" : "\n", ds->t);
    for (int j = 0; ds->t > 1 && j < ds->t; j++)
        cmd_out(c, "  %-10s MSE %s, MAE %s, R² %s\n", ds->target_names[j], NUM(r->reg[j].mse), NUM(r->reg[j].mae),
                NUM(r->reg[j].r2));
    cmd_out(c, "R² is 1 for a perfect fit and 0 for always predicting the mean\n");
}

static int report(CmdCtx *c, DataShare share)
{
    EvalReport r;
    int rc = session_eval_report(c->s, share, &r, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, true, c->err);
    cmd_out(c, "%s share, %ld row%s, model in evaluation mode: loss %s (%s)\n", session_share_name(share), r.n,
            CMD_S(r.n), NUM(r.loss), loss_name(c->s->loss.kind));
    if (r.classification)
        print_classes(c, &r);
    else
        print_regression(c, &r);
    session_report_free(&r);
    return 0;
}

int cmd_metrics(CmdCtx *c, int argc, char **argv)
{
    DataShare share = session_has_share(c->s, DATA_VAL) ? DATA_VAL : DATA_TRAIN;
    if (argc == 2) {
        if (strcmp(argv[1], "train") == 0)
            share = DATA_TRAIN;
        else if (strcmp(argv[1], "val") == 0)
            share = DATA_VAL;
        else if (strcmp(argv[1], "test") == 0)
            return cmd_fail(c, "the test share is looked at with `evaluate test`, which counts each look");
        else
            return cmd_fail(c, "metrics takes train or val, not '%s' (default: val when there is a split)", argv[1]);
    }
    return report(c, share);
}

int cmd_evaluate(CmdCtx *c, int argc, char **argv)
{
    if (strcmp(argv[1], "test") != 0)
        return cmd_fail(c, "evaluate takes only test (`metrics train` and `metrics val` measure the other shares)");
    if (report(c, DATA_TEST) != 0)
        return -1;
    int n = c->s->test_looks;
    if (n == 1)
        cmd_out(c, "the test share has now been looked at once: this is the unbiased estimate of how the model "
                   "does on new data\n");
    else
        cmd_out(c, "the test share has now been looked at %d times: every choice made after a look fits the "
                   "model to these rows too, so its numbers grow optimistic; choose with `metrics val`, test once\n",
                n);
    return 0;
}

CmdComplete cmd_complete_metrics(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const shares[] = {"train", "val", NULL};
    static const char *const test[] = {"test", NULL};
    if (argi == 1)
        cmd_add_list(strcmp(w[0], "evaluate") == 0 ? test : shares, add, ctx);
    return COMPLETE_WORDS;
}
