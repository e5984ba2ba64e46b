/* cmd_hint.c — the advice after a refusal, chosen by the engine's error
 * code and the session's state, never by the words of its sentence. */
#include "cmd_hint.h"

#include <stdio.h>
#include <string.h>

/* The phases' commands in loop order; a phase code names the last one
 * that has to run. */
static const char *const phase_cmds[] = {"forward", "loss", "backward"};

/* "run `a` first", "run `a`, then `b` first", "run `a`, `b`, then `c` first":
 * every phase from the one after the session's up to the one needed. */
static void phase_hint(const Session *s, int needed, char *buf, size_t n)
{
    int from = (int)s->phase; /* PHASE_READY needs forward first */
    size_t len = (size_t)snprintf(buf, n, ": run ");
    for (int p = from; p <= needed && len < n; p++) {
        const char *sep = p == from ? "" : p == needed ? ", then " : ", ";
        len += (size_t)snprintf(buf + len, n - len, "%s`%s`", sep, phase_cmds[p]);
    }
    if (len < n)
        snprintf(buf + len, n - len, " first");
}

/* The other cause of a diverging run: raw inputs, unless already standardized. */
static const char *raw_inputs(const Session *s)
{
    return s->data && s->data->standardized ? "" : ", or the inputs need `data standardize`";
}

const char *cmd_hint(const Session *s, int code, bool needs_model, char *buf, size_t n)
{
    buf[0] = '\0';
    switch ((ErrCode)code) {
    case ERR_NO_DATA:
        snprintf(buf, n, ": make some with `data moons` (or `data load FILE.csv`)%s",
                 needs_model ? ", then `model ...`" : " first");
        break;
    case ERR_NO_MODEL:
        snprintf(buf, n, ": build one with `model linear` or `model mlp 8`");
        break;
    case ERR_NEEDS_FORWARD:
    case ERR_NEEDS_LOSS:
    case ERR_NEEDS_BACKWARD:
        phase_hint(s, ERR_NEEDS_FORWARD - code, buf, n);
        break;
    case ERR_NONFINITE:
    case ERR_DIVERGED:
        snprintf(buf, n, "%s; `undo` steps back, `set lr %g` then `init` starts over", raw_inputs(s),
                 s->opt.lr / 10);
        break;
    case ERR_TASK:
        if (s->data)
            snprintf(buf, n, ": use `model %s`", s->data->classification ? "softmax" : "linear");
        break;
    case ERR_UNDO_RANGE:
        snprintf(buf, n, "; `undo %d` goes back as far as that", s->hist_len);
        break;
    case ERR_UNDO_EMPTY:
        snprintf(buf, n, " (it does with a new model, optimizer, batch size, data or split, `init`, `set undo` "
                 "and `load`)");
        break;
    case ERR_UNDO_OFF:
        snprintf(buf, n, "; `set undo 1000` keeps the next updates again");
        break;
    case ERR_BATCH_MEM:
        snprintf(buf, n, "; try a smaller `set batch`");
        break;
    case ERR_LOSS_OUTPUTS:
        if (needs_model) /* the loss changes under a model built for another */
            snprintf(buf, n, ": choose the loss first, then build the model (`set loss ...`, then `model ...`)");
        else /* a model built under a loss that does not fit it */
            snprintf(buf, n, "; `set loss auto` lets the loss follow the model");
        break;
    case ERR_UNKNOWN_NAME:
        snprintf(buf, n, "; `names` lists every name that exists now");
        break;
    case ERR_NO_SPLIT:
        snprintf(buf, n, ": hold out one with `data split 0.2`");
        break;
    case ERR_NO_TEST:
        snprintf(buf, n, ": hold one out with `data split 0.2 0.1` (validation, then test)");
        break;
    case ERR_NO_CLASSES:
        snprintf(buf, n, "; for regression `metrics` shows MSE, MAE and R²");
        break;
    case ERR_NO_DROPOUT:
        snprintf(buf, n, "; dropout comes with the model, as in `model mlp 16 dropout=0.2`");
        break;
    case ERR_TOO_BIG:
        snprintf(buf, n, "; use fewer or narrower layers (`model mlp 64`), or allow more with the environment "
                 "variable PARAMLAB_MAX_MEMORY (as in PARAMLAB_MAX_MEMORY=16G)");
        break;
    case ERR_NO_CV:
        snprintf(buf, n, ": run one with `cv 5`");
        break;
    case ERR_NO_TEST_LOOK:
        snprintf(buf, n, ": `evaluate test` measures it, once, at the end");
        break;
    case ERR_NOT_REGRESSION:
        snprintf(buf, n, "; for classes `metrics` shows accuracy, precision, recall and F1");
        break;
    case ERR_INPUT:
    case ERR_NOMEM:
    case ERR_NO_LAYER:
        break;
    }
    return buf;
}

const char *cmd_hint_again(const Session *s, int code, const char *again, char *buf, size_t n)
{
    if (code != ERR_NONFINITE && code != ERR_DIVERGED)
        return cmd_hint(s, code, true, buf, n);
    snprintf(buf, n, "%s; `set lr %g` then `%s` tries again", raw_inputs(s), s->opt.lr / 10, again);
    return buf;
}

int cmd_hint_add(const Session *s, int code, bool needs_model, char *err)
{
    char hint[ERR_LEN];
    cmd_hint(s, code, needs_model, hint, sizeof hint);
    size_t len = strlen(err);
    if (len + strlen(hint) < ERR_LEN)
        memcpy(err + len, hint, strlen(hint) + 1);
    return -1;
}
