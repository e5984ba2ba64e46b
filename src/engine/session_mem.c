/* session_mem.c — what a model would take in memory, estimated before it
 * is built, so a model too large for the machine is refused with the
 * estimate instead of swapping or being killed mid-step. */
#include "session.h"

#include "optim.h"

/* The undo history: it fills up to its bound as the model learns. */
static double undo_bytes(const Session *s, double params, int n_slots)
{
    double one = params * (1.0 + n_slots) * 8.0, undo = one * s->undo_keep;
    double bound = one > (double)s->undo_bytes ? one : (double)s->undo_bytes; /* one copy at least */
    return undo < bound ? undo : bound;
}

double session_layers_bytes(const Session *s, const Layer *layers, int n_layers)
{
    double params = 0, units = layers[0].n_in, scratch = 0;
    for (int k = 0; k < n_layers; k++) {
        params += (double)layer_weights(&layers[k]) + (double)layer_biases(&layers[k]);
        units += layers[k].n_map + (layers[k].pool ? 0.75 * layers[k].n_out : 0.0) + 0.25 * (double)layer_keep(&layers[k]);
        double sc = (double)layer_scratch(&layers[k], 1);
        scratch = sc > scratch ? sc : scratch;
    }
    OptSlot slots[OPT_MAX_SLOTS];
    int ns = optim_desc(s->opt.kind)->slots(&s->opt, slots);
    double values = params * (4.0 + ns);
    /* Z, A, dZ, dA (and P, dP and the maxima after a pool), and the conv scratch */
    values += (4.0 * units + scratch) * ((double)s->batch + SESSION_EVAL_ROWS);
    return values * 8.0 + undo_bytes(s, params, ns);
}

double session_model_bytes(const Session *s, const int *sizes, int n_layers)
{
    double params = 0, units = 0;
    for (int k = 0; k < n_layers; k++) {
        params += (double)sizes[k] * sizes[k + 1] + sizes[k + 1];
        units += sizes[k + 1];
    }
    units += sizes[0];
    OptSlot slots[OPT_MAX_SLOTS];
    int ns = optim_desc(s->opt.kind)->slots(&s->opt, slots);
    /* parameters and gradients of the model and of its evaluation copy,
     * the optimizer's state vectors */
    double values = params * (4.0 + ns);
    /* activations of a batch and of an evaluation block: Z, A, dZ, dA */
    values += 4.0 * units * ((double)s->batch + SESSION_EVAL_ROWS);
    return values * 8.0 + undo_bytes(s, params, ns);
}
