/* cmd_hint.h — what to type next after the engine refused. The engine says
 * what is wrong with an error code and a sentence that names no command;
 * this file turns the code, with the session as it is now, into the advice
 * that names commands ("run `loss` first", "`undo 3` goes back as far as
 * that"). */
#ifndef PARAMLAB_CMD_HINT_H
#define PARAMLAB_CMD_HINT_H

#include <stdbool.h>
#include <stddef.h>

#include "session.h"

/* Writes the advice for code into buf (n bytes), starting with the
 * punctuation that joins it to the engine's sentence (": ", "; ", ", "),
 * or "" when the code needs none. needs_model says whether the refused
 * command works on a model that exists (false for `model`, which builds
 * one): the advice for ERR_NO_DATA and ERR_LOSS_OUTPUTS depends on it.
 * Returns buf. */
const char *cmd_hint(const Session *s, int code, bool needs_model, char *buf, size_t n);

/* The advice after a trial of the session's own settings failed (a cv
 * fold): for a diverging one (ERR_DIVERGED, ERR_NONFINITE) what to change,
 * then the command again (`again`, as in "cv 5"), since the learner's
 * model was not touched; other codes as cmd_hint. Returns buf. */
const char *cmd_hint_again(const Session *s, int code, const char *again, char *buf, size_t n);

/* Appends cmd_hint's advice to err (ERR_LEN bytes) when it fits and
 * returns -1 (a failed command), so a handler can end with
 * `return cmd_hint_add(s, rc, true, c->err);`. */
int cmd_hint_add(const Session *s, int code, bool needs_model, char *err);

#endif
