/* cmd_cnn.c — `model cnn conv=C:K[,C:K...] [pool=2] [hidden=H[,H...]]
 * [act=NAME] [pad=0|same]`: a convolutional network on image data, and
 * what `params` says about its conv layers (each beside the dense layer
 * that would map the same input to the same output: the sharing made
 * visible). The layers themselves are the engine's (layer.c). */
#include "cmd_cnn.h"

#include <stdlib.h>
#include <string.h>

#include "cmd_util.h"

#define NUM(v) cmd_num(c, (v), (char[40]){0}, 40)

static const char *const cnn_opts[] = {"conv=", "pool=", "hidden=", "act=", "pad=", NULL};

/* conv=8:3,16:3 into spec; -1 with the fix. */
static int parse_conv(CmdCtx *c, const char *arg, ConvSpec *spec)
{
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
        return cmd_fail(c, "conv= is too long: give at most %d FILTERS:KERNEL pairs, as in conv=8:3,16:3",
                        LAYER_MAX_CONV);
    spec->n_conv = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        if (spec->n_conv >= LAYER_MAX_CONV)
            return cmd_fail(c, "at most %d conv layers: give fewer FILTERS:KERNEL pairs", LAYER_MAX_CONV);
        char *colon = strchr(tok, ':');
        long f, k;
        if (!colon)
            return cmd_fail(c, "conv= takes FILTERS:KERNEL pairs, as in conv=8:3 (8 filters of 3×3) or "
                            "conv=8:3,16:3; got '%s'", tok);
        *colon = '\0';
        if (!util_parse_long(tok, 1, LAYER_MAX_CHANNELS, &f))
            return cmd_fail(c, "the number of filters in conv= must be 1 to %d, got '%s': as in conv=8:3",
                            LAYER_MAX_CHANNELS, tok);
        if (!util_parse_long(colon + 1, 1, LAYER_MAX_KERNEL, &k))
            return cmd_fail(c, "the kernel side in conv= must be 1 to %d, got '%s': as in conv=8:3",
                            LAYER_MAX_KERNEL, colon + 1);
        spec->filters[spec->n_conv] = (int)f;
        spec->ksize[spec->n_conv++] = (int)k;
    }
    if (spec->n_conv == 0)
        return cmd_fail(c, "conv= needs FILTERS:KERNEL pairs, as in conv=8:3");
    return 0;
}

/* hidden=32 or hidden=32,16 into hidden; -1 with the fix. */
static int parse_hidden(CmdCtx *c, const char *arg, int *hidden, int *nh)
{
    char buf[256];
    if (snprintf(buf, sizeof buf, "%s", arg) >= (int)sizeof buf)
        return cmd_fail(c, "hidden= is too long: give the widths of the dense layers, as in hidden=32,16");
    *nh = 0;
    for (char *save = NULL, *tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
        long h;
        if (*nh >= NN_MAX_LAYERS - 1 - LAYER_MAX_CONV)
            return cmd_fail(c, "at most %d dense hidden layers in a cnn", NN_MAX_LAYERS - 1 - LAYER_MAX_CONV);
        if (cmd_parse_int(c, "a hidden layer width", tok, 1, 100000, &h) != 0)
            return -1;
        hidden[(*nh)++] = (int)h;
    }
    return 0;
}

/* The shape of what layer k (1-based) reads or gives, "1×8×8" or "32". */
static const char *map_shape(const Layer *l, bool out, char *buf, size_t n)
{
    if (l->kind != LAYER_CONV)
        snprintf(buf, n, "%d", out ? l->n_out : l->n_in);
    else if (out)
        snprintf(buf, n, "%d×%d×%d", l->c_out, l->h_pool, l->w_pool);
    else
        snprintf(buf, n, "%d×%d×%d", l->c_in, l->h_in, l->w_in);
    return buf;
}

int cmd_model_cnn(CmdCtx *c, int argc, char **argv)
{
    ConvSpec spec = {0};
    int hidden[NN_MAX_LAYERS], nh = 0;
    Act act = ACT_RELU;
    bool have_conv = false;
    for (int i = 2; i < argc; i++) {
        char *k, *v;
        if (!cmd_split_opt(argv[i], &k, &v))
            return cmd_fail(c, "unexpected '%s': model cnn takes conv=C:K[,C:K...] pool=2 hidden=H[,H...] act=NAME "
                            "pad=0|same", argv[i]);
        if (strcmp(k, "conv") == 0) {
            if (parse_conv(c, v, &spec) != 0)
                return -1;
            have_conv = true;
        } else if (strcmp(k, "pool") == 0) {
            if (strcmp(v, "2") != 0 && strcmp(v, "0") != 0)
                return cmd_fail(c, "pool= is 2 (a 2×2 max pool after each conv layer) or 0 (none), got '%s'", v);
            spec.pool = atoi(v);
        } else if (strcmp(k, "hidden") == 0) {
            if (parse_hidden(c, v, hidden, &nh) != 0)
                return -1;
        } else if (strcmp(k, "act") == 0) {
            if (act_parse(v, &act) != 0)
                return cmd_fail(c, "no activation '%s': use identity, sigmoid, tanh, relu, leaky_relu, elu, softplus "
                                "or gelu", v);
        } else if (strcmp(k, "pad") == 0) {
            if (strcmp(v, "same") != 0 && strcmp(v, "0") != 0)
                return cmd_fail(c, "pad= is 0 (the map shrinks by K-1) or same (zeros around it keep its size), "
                                "got '%s'", v);
            spec.same = strcmp(v, "same") == 0;
        } else {
            return cmd_fail(c, "unknown option '%s'%s: model cnn takes conv= pool= hidden= act= pad=", k,
                            CMD_DYM(argv[i], cnn_opts, ""));
        }
    }
    if (!have_conv)
        return cmd_fail(c, "model cnn needs its conv layers, as in `model cnn conv=8:3 pool=2 hidden=32`");
    const Dataset *ds = c->s->data;
    if (ds && !ds->img_c)
        return cmd_fail(c, "model cnn needs images: data digits, or data load FILE image=8x8");
    int rc = session_build_cnn(c->s, &spec, hidden, nh, act, c->err);
    if (rc != 0)
        return cmd_hint_add(c->s, rc, false, c->err);
    const Model *m = c->s->model;
    char shape[256];
    cmd_out(c, "model cnn: %s", cmd_model_shape(m, shape, sizeof shape));
    cmd_out(c, "  (%zu parameters, %s after each hidden layer, padding %s, output through %s)\n", m->n_params,
            act_name(act), spec.same ? "same" : "0", loss_desc(c->s->loss.kind)->link_name);
    cmd_out(c, "loss %s, optimizer %s lr=%s; `params` shows every tensor (conv layers beside their dense "
            "equivalent), `forward` starts the loop\n", loss_name(c->s->loss.kind), optim_name(c->s->opt.kind),
            NUM(c->s->opt.lr));
    return 0;
}

void cmd_params_conv(CmdCtx *c, int k)
{
    const Layer *l = &c->s->model->layer[k - 1];
    const LayerDesc *d = layer_desc(l);
    char name[16], shape[48];
    size_t nk = layer_weights(l), nc = layer_biases(l);
    snprintf(name, sizeof name, "%c%d", d->weight, k);
    snprintf(shape, sizeof shape, "%d×%d×%d×%d", l->c_out, l->c_in, l->ksize, l->ksize);
    cmd_param_row(c, name, shape, nk, init_name(c->s->used_init[2 * (k - 1)]));
    snprintf(name, sizeof name, "%c%d", d->bias, k);
    snprintf(shape, sizeof shape, "%d", l->c_out);
    cmd_param_row(c, name, shape, nc, init_name(c->s->used_init[2 * (k - 1) + 1]));
    double in = l->n_in, out = (double)l->c_out * l->h_out * l->w_out;
    char a[32];
    cmd_out(c, "        conv layer %d: %d·%d·%d·%d + %d = %zu parameters, the same filters at all %d×%d positions\n", k,
            l->c_out, l->c_in, l->ksize, l->ksize, l->c_out, nk + nc, l->h_out, l->w_out);
    cmd_out(c, "        dense instead: %.0f inputs (%s) to %.0f outputs (%d×%d×%d) would need %.0f·%.0f + %.0f = %.0f\n",
            in, map_shape(l, false, a, sizeof a), out, l->c_out, l->h_out, l->w_out, in, out, out, in * out + out);
}

CmdComplete cmd_complete_cnn(const CmdCtx *c, int argi, char **w, int n, CmdAddFn add, void *ctx)
{
    (void)c;
    (void)argi;
    (void)w;
    (void)n;
    cmd_add_list(cnn_opts, add, ctx);
    return COMPLETE_WORDS;
}
