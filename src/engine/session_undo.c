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
 *
 * After an undo, or a run that stopped early, the newest entry (the last
 * update now in effect) always has its copy: `explain`, `diagnose` and
 * `update` read it. session.c's functions are called from here; nothing
 * there calls back. */
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
 * it and entry to (to < from) again with from's settings, giving entry
 * copy_at its copy on the way (-1: none); then the learner's own settings
 * are back in force. On return the state is the one before entry to's
 * update, or the state after the newest update when to is -1. Returns
 * the failure of the last update made again when to is -1 (it failed the
 * first time too: a run that ended in a failure), else 0; an earlier one
 * cannot fail (the same updates with the same settings did not), -1 then
 * with the state entry from's. */
static int recompute(Session *s, int from, int to, int copy_at, char *err)
{
    const Snapshot *base = session_hist_entry(s, from);
    StepRecipe mine;
    session_recipe_take(s, &mine);
    SchedState sched = s->sched_state;
    session_recipe_put(s, &base->recipe);
    session_snapshot_put(s, base);
    trace_truncate(s->trace, s->steps);
    s->replaying = true;
    int rc = 0, k;
    for (k = from; k > to; k--) {
        if (k == copy_at)
            session_hist_copy_at(s, k);
        if ((rc = session_step(s, err)) != 0)
            break;
    }
    s->replaying = false;
    session_recipe_put(s, &mine);
    if (s->sched.kind == SCHED_NONE)
        s->sched_state = sched; /* as undo leaves it without a schedule */
    if (rc != 0 && !(to < 0 && k == 0)) {
        session_snapshot_put(s, session_hist_entry(s, from));
        return -1;
    }
    return rc;
}

/* Why undo cannot go further back than the history holds. */
static const char *why_not_further(const Session *s)
{
    switch (s->hist_lost) {
    case HIST_LOST_MEMORY:
        return " (the history's memory bound)";
    case HIST_LOST_COUNT:
        return " (as many as the history keeps)";
    default:
        return "";
    }
}

int session_undo(Session *s, int n, char *err)
{
    if (!s->model)
        return util_err(err, "no model yet: there is nothing to undo");
    if (n < 1)
        return util_err(err, "undo takes a number of updates of 1 or more");
    if (s->undo_keep == 0)
        return util_fail(err, ERR_UNDO_OFF, "undo is off: updates take no snapshot");
    if (s->hist_len == 0 && s->hist_emptied)
        return util_err(err, "nothing more to undo: every update the history kept has been undone");
    if (s->hist_len == 0)
        return util_fail(err, ERR_UNDO_EMPTY, "nothing to undo: no update since the history last started afresh");
    if (n > s->hist_len)
        return util_fail(err, ERR_UNDO_RANGE, "only the last %d update%s can be undone%s", s->hist_len,
                         s->hist_len == 1 ? "" : "s", why_not_further(s));
    /* the way back passes the entry that becomes the newest (n), which
     * gets its copy there when it has none */
    bool need_newest = n < s->hist_len && !session_hist_entry(s, n)->params;
    if (need_newest || !session_hist_entry(s, n - 1)->params) {
        int from = copy_at_or_before(s, need_newest ? n : n - 1);
        char why[ERR_LEN];
        s->hist_dying = n; /* their copies may serve the new newest */
        int rc = recompute(s, from, n - 1, need_newest ? n : -1, why);
        s->hist_dying = 0;
        if (rc != 0) {
            /* cannot happen with the same settings; the state is entry from's */
            s->hist_head = (s->hist_head - (from + 1) + s->hist_cap) % s->hist_cap;
            s->hist_len -= from + 1;
            trace_truncate(s->trace, s->steps);
            return util_err(err, "undo went back %d updates instead of %d: making the updates between again "
                            "failed (%s)", from + 1, n, why);
        }
    }
    /* the counters, lr and batch as a copy's (the arrays too, when n - 1 has its copy) */
    session_snapshot_put(s, session_hist_entry(s, n - 1));
    s->hist_head = (s->hist_head - n + s->hist_cap) % s->hist_cap;
    s->hist_len -= n;
    s->hist_emptied = s->hist_len == 0;
    trace_truncate(s->trace, s->steps);
    return 0;
}

/* Makes the phases of the step that failed again, up to the same failure:
 * the state the failure left (its batch's activations, loss, gradients). */
static void fail_again(Session *s)
{
    char err[ERR_LEN];
    if (session_forward(s, err) == 0 && session_loss(s, err) == 0)
        session_backward(s, err);
}

void session_run_end(Session *s, int rc)
{
    bool was = s->run_on;
    s->run_on = false;
    s->run_left = 0;
    if (!was || s->steps == s->run_start || s->hist_len < 2 || session_hist_entry(s, 0)->params)
        return;
    char err[ERR_LEN];
    int again = recompute(s, copy_at_or_before(s, 0), -1, 0, err);
    if (again == -1)
        s->hist_len = 0; /* cannot happen: the same updates again; the history is not to be trusted */
    else if (rc < 0 && again == 0)
        fail_again(s); /* the failure came after the last update, in the next step's phases */
}
