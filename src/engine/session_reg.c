/* session_reg.c — the session's regularization settings: the weight
 * penalties in force and the key dropout's masks are drawn from. The
 * penalties themselves are penalty.c, the masks nn.c; session.c calls
 * these while it walks the loop. */
#include "session.h"

int session_set_penalty(Session *s, const Penalty *p, char *err)
{
    if (penalty_check(p, err) != 0)
        return -1;
    s->pen = *p;
    s->loss_fail = 0; /* another penalty: the failure was the old loss's */
    if (s->phase > PHASE_FORWARD)
        s->phase = PHASE_FORWARD; /* the loss and gradients of the batch are stale */
    return 0;
}

uint64_t session_mask_key(const Session *s, long steps)
{
    Rng r; /* seeded through splitmix64 from the seed mixed with the step: another seed or step, another key */
    rng_seed(&r, s->seed ^ (0x9e3779b97f4a7c15ULL * (uint64_t)(steps + 1)));
    return rng_next(&r);
}
