/* explain_names.c — which names `explain` writes out one element of (a
 * parameter or its gradient, Z A M dZ dA of a dense layer, yhat, loss, a
 * conv layer's K and c), and for every other name a refusal that says
 * what the name is and where to see it. */
#include "explain_names.h"

#include <string.h>

#include "session.h"

/* Whether ref names a conv layer's kernel or bias (K c, or their
 * gradients): explain_conv_param writes those out. */
bool explain_names_conv_param(const Session *s, const char *ref)
{
    char name[16];
    size_t n = strcspn(ref, "[");
    TensorName tn;
    if (n >= sizeof name || !s->model)
        return false;
    memcpy(name, ref, n);
    name[n] = '\0';
    if (!tensor_name_parse(name, &tn) || !tensor_is_param(&tn) || tn.layer < 1 || tn.layer > s->model->n_layers)
        return false;
    return s->model->layer[tn.layer - 1].kind == LAYER_CONV;
}

/* Whether explain writes out the elements of the tensor tn names: a
 * parameter or its gradient, Z A M dZ dA of a dense layer, yhat and loss;
 * not input data, a scalar name, a function of a whole tensor, or a conv
 * layer's maps. By the name alone: whether it exists now is asked later. */
bool explain_names_explains(const Session *s, const TensorName *tn)
{
    if (tn->kind == 'y' || tn->kind == 'l' || tensor_is_param(tn))
        return true;
    if (tn->layer < 1 || tn->kind == 'P') /* X Y, the scalar names, norm_ std_; pooled maps */
        return false;
    const Model *m = s->model;
    return !(m && tn->layer <= m->n_layers && m->layer[tn->layer - 1].kind == LAYER_CONV);
}

/* Refuses a name whose elements explain does not write out (explain_names_explains()
 * is false), saying what the name is and where to see it. Returns -1. */
int explain_names_refuse(CmdCtx *c, const char *ref, const char *name, const TensorName *tn)
{
    switch (tn->kind) {
    case 'X':
        return cmd_fail(c, "%s is input data, a feature of the current batch read from the data set: nothing "
                        "computes it, so there is nothing to explain; `explain Z1[b,j]` shows how layer 1 uses it", ref);
    case 'Y':
        return cmd_fail(c, "%s is input data, a target of the current batch read from the data set: nothing "
                        "computes it, so there is nothing to explain; `explain loss[b]` shows how the loss uses it", ref);
    case 's':
        if (session_scalar(tn->scalar)->whole)
            return cmd_fail(c, "%s is a count the session keeps (`show %s` prints it); " EXPLAIN_NAMES_WHAT, name,
                            name);
        if (session_scalar(tn->scalar)->hyper)
            return cmd_fail(c, "%s is a hyperparameter, set rather than computed (`show %s` prints it); " EXPLAIN_NAMES_WHAT,
                            name, name);
        return cmd_fail(c, "%s is measured on whole shares of the data, not computed in one batch (`show %s` prints "
                        "it); " EXPLAIN_NAMES_WHAT, name, name);
    case 'f':
        return cmd_fail(c, "%s sums up all of %s in one number (`show %s` prints it); " EXPLAIN_NAMES_WHAT, name,
                        name + strlen(session_tensor_fn(tn->scalar)->prefix), name);
    default:
        return cmd_fail(c, "explain writes out a conv layer's kernel and bias elements (`explain K1[0,0,1,1]`); its "
                        "maps Z A P are shown whole by `show`, one element by `show NAME[r,c,i,j]`");
    }
}

/* ref is the optimizer's state of a parameter ("exp_avg:W1", "m_hat:b2[0]"):
 * refuses it (-1) pointing to `state` and to the update explain writes
 * out; 0 for anything else. */
int explain_names_refuse_state(CmdCtx *c, const char *ref)
{
    const char *colon = strchr(ref, ':'), *br = strchr(ref, '[');
    if (!colon || (br && br < colon))
        return 0;
    char p[16];
    size_t n = br ? (size_t)(br - colon - 1) : strlen(colon + 1);
    Tensor t;
    char err[ERR_LEN];
    if (n >= sizeof p)
        return 0;
    memcpy(p, colon + 1, n);
    p[n] = '\0';
    if (session_tensor(c->s, p, &t, err) != 0 || !t.editable)
        return 0;
    return cmd_fail(c, "%.*s names the optimizer's state, which explain does not write out: `state %s` shows %s's, "
                    "`explain %s%s` the update that uses it", (int)(br ? br - ref : (long)strlen(ref)), ref, p, p, p,
                    cmd_index_example(&t));
}
