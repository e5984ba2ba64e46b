/* cmd_util.h — the handlers' toolbox (cmd_util.c): printing results and
 * failing with a message, numbers in the session's precision, key=value
 * options, "did you mean", completion lists, optimizer options and files
 * found beside the lesson running. */
#ifndef PARAMLAB_CMD_UTIL_H
#define PARAMLAB_CMD_UTIL_H

#include "cmd_ctx.h"

/* "s" to follow a count's noun, "" when the count is 1: "%d row%s". */
#define CMD_S(n) ((n) == 1 ? "" : "s")

/* Print to c->out; set c->err and return -1; format a number with the
 * session's precision into buf ("-0" shown as "0"). */
void cmd_out(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cmd_fail(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Prints a long message (up to 2047 bytes) word by word, wrapped to the
 * terminal's width as lesson prose is (lesson_width: else $COLUMNS, else
 * 80); a `command` in backticks is never split, a newline in the text
 * breaks the line. */
void cmd_out_wrapped(CmdCtx *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *cmd_num(const CmdCtx *c, double v, char *buf, size_t n);
/* Prints s left-aligned in a cell of w screen columns (UTF-8 aware: ×
 * takes one column, so "16×1×3×3" lines up with plain text). */
void cmd_cell(CmdCtx *c, const char *s, int w);
/* One row of the `params` table: name, shape, count, initializer. */
void cmd_param_row(CmdCtx *c, const char *name, const char *shape, size_t count, const char *init);

/* A factor such as clipping's: cmd_num, with more digits when those
 * would show a factor that is not 1 as "1". */
const char *cmd_factor(const CmdCtx *c, double v, char *buf, size_t n);
#define CMD_FACTOR(v) cmd_factor(c, (v), (char[40]){0}, 40)

/* Splits `key=value` in place; false when the word has no '=' after a key. */
bool cmd_split_opt(char *word, char **key, char **val);
/* A finite number / a whole number from lo to hi, read from s; -1 with
 * c->err naming `what` otherwise. */
int cmd_parse_num(CmdCtx *c, const char *what, const char *s, double *v);
int cmd_parse_int(CmdCtx *c, const char *what, const char *s, long lo, long hi, long *v);

/* " (did you mean `PREFIXWORD`?)" for the entry of the NULL-terminated list
 * closest to word (a typo or another case), or "" when none is close;
 * written into buf. CMD_DYM gives it a buffer of its own. */
const char *cmd_did_you_mean(const char *word, const char *const *list, const char *prefix, char *buf, size_t n);
#define CMD_DYM(word, list, prefix) cmd_did_you_mean((word), (list), (prefix), (char[128]){0}, 128)

/* Finds the candidate closest to a word: start with cmd_nearest_init, pass
 * candidates to cmd_nearest_add (a CmdAddFn, so session_names can feed it). */
typedef struct CmdNearest {
    const char *word; /* the word typed */
    const char *best; /* the closest candidate so far (best_buf), or NULL */
    char best_buf[32];
    int dist;         /* its distance; only closer ones replace it */
} CmdNearest;
void cmd_nearest_init(CmdNearest *g, const char *word, int max_dist);
void cmd_nearest_add(void *g, const char *cand);

/* Class k of ds as the learner knows it, into buf: its label. That is
 * "k" for labels 0..K-1, the label alone for other numbers ("7"), and
 * "k, NAME" for text labels ("1, M"), whose index is shown beside. */
const char *cmd_class_ref(const Dataset *ds, int k, char *buf, size_t n);
#define CMD_CLASS(ds, k) cmd_class_ref((ds), (k), (char[96]){0}, 96)
/* Which label each class index of ds stands for, into buf (n bytes):
 * "class index: 0 = '1', 1 = '2'" (the first two, "...", and the last
 * when more than four); "" when ds's classes are their labels 0..K-1 or
 * it is no classification. Returns buf. */
const char *cmd_class_legend(const Dataset *ds, char *buf, size_t n);

/* The layers of m as `model` shows them, into buf: "2 → 8 → 1", or for a
 * cnn "1×8×8 → conv 4:3 + pool → 4×3×3 → 16 → 10". */
const char *cmd_model_shape(const Model *m, char *buf, size_t n);
/* The same from n_layers (at least 1) layers, such as those of a logged
 * run rebuilt from its widths. */
const char *cmd_layers_shape(const Layer *layers, int n_layers, char *buf, size_t n);
/* "adam lr=0.02, cosine tmax=20 min=0, batch 32": how the session trains,
 * into buf, with the lr its schedule started from (as `plot lr` draws it
 * falling from there), not the lr the schedule has reached. */
const char *cmd_training_words(const Session *s, char *buf, size_t n);
/* "mlp 2 → 8 → 1 tanh": the session's model in a few words (its kind,
 * cmd_model_shape, the activation), into buf. */
const char *cmd_model_words(const Session *s, char *buf, size_t n);
/* The same from a kind, layers and the activation's name. */
const char *cmd_layers_words(const char *kind, const Layer *layers, int n_layers, const char *act, char *buf,
                             size_t n);
/* The words of the `model` command that builds an architecture, into buf:
 * "cnn conv=4:3,4:3 pool=2 hidden=16" (pool=, hidden=, act= and pad= only
 * when they are not the defaults), "mlp 8 16 act=tanh dropout=0.2", or
 * the kind alone. conv is read for a cnn only; dropout may be NULL. */
const char *cmd_model_command(const char *kind, const ConvSpec *conv, const int *hidden, int n_hidden, Act act,
                              const double *dropout, char *buf, size_t n);
/* Calls add for each word of the NULL-terminated list. */
void cmd_add_list(const char *const *list, CmdAddFn add, void *ctx);

/* Prints "adam lr=0.001 beta1=0.9 ... amsgrad=off": the optimizer and
 * every setting its descriptor lists, as `hypers` shows it. */
void cmd_print_opt(CmdCtx *c, const OptConfig *o);
/* Applies optimizer options (key=value words, as after `set optimizer
 * NAME`) to o, whose kind says which options exist. -1 with c->err naming
 * the bad word and what the optimizer takes. */
int cmd_opt_options(CmdCtx *c, OptConfig *o, int argc, char **argv);

/* path itself, or c->base_dir/path into buf when path does not exist and
 * that file does (`data load data/iris.csv` inside a lesson). */
const char *cmd_path(const CmdCtx *c, const char *path, char *buf, size_t n);

#endif
