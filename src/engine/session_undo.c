/* session_undo.c — `undo` and the end of a run. An entry of the undo
 * history either holds a copy of the parameters and optimizer state as
 * they were before its update, or (inside a run, see session.c's
 * hist_alloc) only the counters and the settings the update was made
 * with; such an entry is rebuilt by putting back the nearest older copy
 * and making the updates between again with the same settings, batches,
 * dropout masks and schedule. A training step is a function of exactly
 * those, so the rebuilt state is the one the update saw, bit for bit
 * (tests/engine/test_undo_replay.c compares every entry). Recomputing
 * takes no snapshot and draws no live frame; it allocates nothing.
 * session.c's functions are called from here; nothing there calls back. */
#include "session.h"

/* The nearest entry at or before k that holds its copy (the oldest entry
 * always does). */
static int copy_at_or_before(const Session *s, int k)
{
    while (k < s->hist_len - 1 && !session_hist_entry(s, k)->params)
        k++;
    return k;
}

/* Puts back entry from (which has its copy) and makes the updates between
 * it and entry to (to < from) again with from's settings; then the
 * learner's own settings are back in force. On return the state is the
 * one before entry to's update (when to >= 0) or the state after the
 * newest update (to = -1). err when an update failed (it did not before:
 * the settings are the same), the state is then entry from's. */
static int recompute(Session *s, int from, int to, char *err)
{
    const Snapshot *base = session_hist_entry(s, from);
    StepRecipe mine;
    session_recipe_take(s, &mine);
    SchedState sched = s->sched_state;
    session_recipe_put(s, &base->recipe);
    session_snapshot_put(s, base);
    trace_truncate(s->trace, s->steps);
    s->replaying = true;
    int rc = 0;
    for (int k = from; k > to && rc == 0; k--) {
        if (k == 0 && to < 0) /* the newest update: its copy first */
            session_hist_copy_newest(s);
        rc = session_step(s, err);
    }
    s->replaying = false;
    session_recipe_put(s, &mine);
    if (s->sched.kind == SCHED_NONE)
        s->sched_state = sched; /* as undo leaves it without a schedule */
    if (rc != 0)
        session_snapshot_put(s, session_hist_entry(s, from));
    return rc;
}

int session_undo(Session *s, int n, char *err)
{
    if (!s->model)
        return util_err(err, "no model yet: there is nothing to undo");
    if (n < 1)
        return util_err(err, "undo takes a number of updates of 1 or more");
    if (s->undo_keep == 0)
        return util_fail(err, ERR_UNDO_OFF, "undo is off: updates take no snapshot");
    if (s->hist_len == 0)
        return util_err(err, "nothing to undo: no update since the model, optimizer, batch size or data last changed "
                        "(or the session was loaded)");
    if (n > s->hist_len)
        return util_fail(err, ERR_UNDO_RANGE, "only the last %d update%s can be undone%s", s->hist_len,
                         s->hist_len == 1 ? "" : "s",
                         s->hist_len < s->hist_cap - s->hist_every + 1 ? ""
                         : s->hist_cap == s->undo_keep && s->undo_keep < SESSION_UNDO_MAX ? " (as many as the history keeps)"
                                                                                            : " (the history's memory bound)");
    int from = copy_at_or_before(s, n - 1);
    if (from == n - 1) {
        session_snapshot_put(s, session_hist_entry(s, n - 1));
    } else {
        char why[ERR_LEN];
        if (recompute(s, from, n - 1, why) != 0) {
            /* cannot happen with the same settings; the state is entry from's */
            s->hist_head = (s->hist_head - (from + 1) + s->hist_cap) % s->hist_cap;
            s->hist_len -= from + 1;
            trace_truncate(s->trace, s->steps);
            return util_err(err, "undo went back %d updates instead of %d: making the updates between again "
                            "failed (%s)", from + 1, n, why);
        }
        session_snapshot_put(s, session_hist_entry(s, n - 1)); /* its counters, lr and batch as a copy's */
    }
    s->hist_head = (s->hist_head - n + s->hist_cap) % s->hist_cap;
    s->hist_len -= n;
    trace_truncate(s->trace, s->steps);
    return 0;
}

void session_run_end(Session *s, int rc)
{
    bool was = s->run_on;
    s->run_on = false;
    s->run_left = 0;
    if (!was || rc < 0 || s->hist_len < 2 || session_hist_entry(s, 0)->params)
        return;
    char err[ERR_LEN];
    if (recompute(s, copy_at_or_before(s, 0), -1, err) != 0)
        s->hist_len = 0; /* cannot happen: the same updates again; the history is not to be trusted */
}
