/* cmd_sched.c — `set schedule` and `set clip`: the learning-rate schedule
 * stepped at each epoch's end and gradient clipping between backward and
 * update, their lines in `hypers`, and their Tab completion. The kinds,
 * options, defaults and checks are schedule.c's and clip.c's descriptors;
 * the session runs them. cmd_set.c's table of settable names points here. */
#include "cmd_handlers.h"
#include "cmd_sched.h"

#include <string.h>

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

/* "set schedule step size=10" with every required option given an example. */
static void sched_example(SchedKind k, char *buf, size_t n)
{
    const SchedDesc *d = sched_desc(k);
    size_t len = (size_t)snprintf(buf, n, "set schedule %s", d->name);
    for (int i = 0; i < d->n_opts && len < n; i++)
        if (d->opts[i].required)
            len += (size_t)snprintf(buf + len, n - len, " %s=%s", d->opts[i].name,
                                    d->opts[i].is_long ? "10" : "0.9");
}

int cmd_set_schedule(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    SchedConfig cfg;
    const char *const *words = (const char *const *)argv + 2;
    if (sched_parse(words, argc - 2, &cfg, c->err) != 0) {
        SchedKind k;
        char ex[96];
        if (argc > 2 && sched_kind_parse(argv[2], &k, NULL) == 0) {
            sched_example(k, ex, sizeof ex);
            size_t len = strlen(c->err);
            snprintf(c->err + len, ERR_LEN - len, " (as in `%s`)", ex);
        } else {
            const char *names[SCHED_COUNT + 1];
            for (int q = 0; q < SCHED_COUNT; q++)
                names[q] = sched_desc((SchedKind)q)->name;
            names[SCHED_COUNT] = NULL;
            size_t len = strlen(c->err);
            if (argc > 2)
                snprintf(c->err + len, ERR_LEN - len, "%s", CMD_DYM(argv[2], names, "set schedule "));
        }
        return -1;
    }
    if (session_set_schedule(s, &cfg, c->err) != 0)
        return -1;
    const SchedDesc *d = sched_desc(cfg.kind);
    int lo = 0, hi = 0;
    if (s->data)
        data_share_rows(s->data, DATA_VAL, &lo, &hi);
    if (cfg.kind == SCHED_NONE) {
        cmd_out(c, "schedule none: the lr stays %s until you set it\n", NUM(s->opt.lr));
        return 0;
    }
    char desc[160];
    sched_describe(&cfg, desc, sizeof desc);
    cmd_out(c, "schedule %s (torch's %s): %s; stepped at each epoch's end from lr %s%s\n", desc, d->torch,
            d->about, NUM(s->opt.lr),
            d->uses_metric ? (hi > lo ? ", watching the validation loss"
                                                                       : ", watching the epoch's mean training "
                                                                         "loss (the validation loss after "
                                                                         "`data split`)")
                           : "");
    return 0;
}

int cmd_set_clip(CmdCtx *c, int argc, char **argv)
{
    Session *s = c->s;
    ClipConfig cfg;
    if (clip_parse(argv[2], &cfg, c->err) != 0) {
        size_t len = strlen(c->err);
        snprintf(c->err + len, ERR_LEN - len, " (as in `set clip norm=1`, `set clip value=0.5` or `set clip off`)");
        return -1;
    }
    if (session_set_clip(s, &cfg, c->err) != 0)
        return -1;
    switch (cfg.kind) {
    case CLIP_OFF:
        cmd_out(c, "clip off: the update uses the gradients as backward leaves them\n");
        break;
    case CLIP_NORM:
        cmd_out(c, "clip norm=%s (torch's clip_grad_norm_): after backward, when the total 2-norm of every "
                "gradient plus 1e-6 exceeds %s, each is multiplied by %s/(total + 1e-6)\n", NUM(cfg.max), NUM(cfg.max),
                NUM(cfg.max));
        break;
    case CLIP_VALUE:
        cmd_out(c, "clip value=%s (torch's clip_grad_value_): after backward, each gradient is clamped to "
                "[-%s, %s]\n", NUM(cfg.max), NUM(cfg.max), NUM(cfg.max));
        break;
    }
    return 0;
}

void cmd_sched_hypers(CmdCtx *c)
{
    const Session *s = c->s;
    if (s->sched.kind != SCHED_NONE) {
        char desc[160];
        sched_describe(&s->sched, desc, sizeof desc);
        cmd_out(c, "  %-10s %s  (torch's %s; lr now %s after %ld epoch%s of it, from %s)\n", "schedule", desc,
                sched_desc(s->sched.kind)->torch, NUM(s->opt.lr), s->sched_state.epoch,
                s->sched_state.epoch == 1 ? "" : "s", NUM(s->sched_state.base_lr));
    }
    if (s->clip.kind != CLIP_OFF) {
        char desc[64];
        clip_describe(&s->clip, desc, sizeof desc);
        cmd_out(c, "  %-10s %s  (torch's %s, between backward and update)\n", "clip", desc,
                s->clip.kind == CLIP_NORM ? "clip_grad_norm_" : "clip_grad_value_");
    }
}

CmdComplete cmd_complete_schedule(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    SchedKind k;
    if (argi == 2) {
        for (int q = 0; q < SCHED_COUNT; q++)
            add(ctx, sched_desc((SchedKind)q)->name);
    } else if (sched_kind_parse(w[2], &k, NULL) == 0) {
        const SchedDesc *d = sched_desc(k);
        char buf[32];
        for (int i = 0; i < d->n_opts; i++) {
            snprintf(buf, sizeof buf, "%s=", d->opts[i].name);
            add(ctx, buf);
        }
    }
    return COMPLETE_WORDS;
}

CmdComplete cmd_complete_clip(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    static const char *const kinds[] = {"norm=", "value=", "off", NULL};
    if (argi == 2)
        cmd_add_list(kinds, add, ctx);
    return COMPLETE_WORDS;
}
