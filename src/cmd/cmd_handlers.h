/* cmd_handlers.h — the handlers, completers and line checks that the
 * command table (cmd_table.c) points at, for the topics cmd_setup.c,
 * cmd_set.c, cmd_loop.c, cmd_look.c and cmd_meta.c. Each handler takes the command's
 * words (argv[0] its name), already counted against the row's limits, and
 * returns 0, 1 when Ctrl-C stopped it, or -1 with c->err. */
#ifndef PARAMLAB_CMD_HANDLERS_H
#define PARAMLAB_CMD_HANDLERS_H

#include "cmd.h"
#include "cmd_hint.h"

/* cmd_setup.c: data, model, params, names */
int cmd_data(CmdCtx *c, int argc, char **argv);
int cmd_model(CmdCtx *c, int argc, char **argv);
int cmd_params(CmdCtx *c, int argc, char **argv);
int cmd_names(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_data(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
CmdComplete cmd_complete_model(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

/* cmd_set.c: set, hypers, init */
int cmd_set(CmdCtx *c, int argc, char **argv);
int cmd_hypers(CmdCtx *c, int argc, char **argv);
int cmd_init(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_set(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
CmdComplete cmd_complete_init(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
/* A name `set` sets (in its table, or an option of any optimizer): the
 * set row's `sets`, so such names are refused as assignment targets. */
bool cmd_set_sets(const char *name);
/* The set row's help_word: every optimizer option, covered by the part on
 * `set OPTION X`, with its description. */
bool cmd_set_help_word(int i, const char **word, const char **part, char *about, size_t n);
/* The data row's help_word: every generator, covered by the part on
 * `data NAME`. */
bool cmd_data_help_word(int i, const char **word, const char **part, char *about, size_t n);

/* cmd_loop.c: forward, loss, backward, update, step, train, undo */
int cmd_forward(CmdCtx *c, int argc, char **argv);
int cmd_loss(CmdCtx *c, int argc, char **argv);
int cmd_backward(CmdCtx *c, int argc, char **argv);
int cmd_update(CmdCtx *c, int argc, char **argv);
int cmd_step(CmdCtx *c, int argc, char **argv);
int cmd_train(CmdCtx *c, int argc, char **argv);
int cmd_undo(CmdCtx *c, int argc, char **argv);
/* train's words checked before a lesson runs */
int cmd_train_check(const char *raw, int n, char **words, char *err);
/* train's options: patience= min_delta= restore= */
CmdComplete cmd_complete_train(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

/* cmd_look.c: show, state */
int cmd_show(CmdCtx *c, int argc, char **argv);
int cmd_state(CmdCtx *c, int argc, char **argv);
/* every name that exists now */
CmdComplete cmd_complete_names(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

/* cmd_predict.c: predict (numbers, a row, a file); completes row, shares, out= */
int cmd_predict(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_predict(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

/* cmd_files.c: export, import, save, load */
int cmd_export(CmdCtx *c, int argc, char **argv);
int cmd_import(CmdCtx *c, int argc, char **argv);
int cmd_save(CmdCtx *c, int argc, char **argv);
int cmd_load(CmdCtx *c, int argc, char **argv);
/* The name of an optimizer state slot of a parameter, as `state` shows it
 * and `export` takes it: "exp_avg_sq:W1". */
void cmd_state_name(char *buf, size_t n, const char *slot, const char *param);
/* export: every name and state name, then a file; import: a parameter,
 * then a file (save and load use cmd_lesson.h's cmd_complete_file). */
CmdComplete cmd_complete_export(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
CmdComplete cmd_complete_import(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);

/* cmd_meta.c: help, expect, quit */
int cmd_help(CmdCtx *c, int argc, char **argv);
int cmd_expect(CmdCtx *c, int argc, char **argv);
int cmd_quit(CmdCtx *c, int argc, char **argv);
CmdComplete cmd_complete_help(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx);
/* An `expect` line checked before a lesson runs: its comparison, number and
 * tol=, a quantity it can check, or (expect error) a command that checks. */
int cmd_expect_check(const char *raw, int n, char **words, char *err);

#endif
