/* test_conv_cmd.c — `model cnn` through the commands on image data (the
 * digits CSV with its rows marked as 1×8×8 images, as `data digits` gives
 * them): the parameter counts beside the dense comparison, the refusals,
 * names, show and element references of 4-D tensors, assignment,
 * gradcheck, init, state, undo, save and load, export and import of
 * kernels as .npy, compare and cv, and a short training run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"
#include "complete.h"

#include <math.h>
#include <unistd.h>


/* The digits as 1×8×8 images. */
static void load_digits(Fx *x)
{
    ok(x, "data load lessons/data/digits.csv target=digit");
    Dataset *ds = x->c.s->data;
    ds->img_c = 1;
    ds->img_h = 8;
    ds->img_w = 8;
}

static char dir[64];

static const char *path(const char *name)
{
    static char buf[128];
    snprintf(buf, sizeof buf, "%s/%s", dir, name);
    return buf;
}

/* Runs "WORDS FILE" with FILE in the test's folder. */
static void run_path(Fx *x, const char *words, const char *file)
{
    char line[256];
    snprintf(line, sizeof line, "%s %s", words, path(file));
    ok(x, line);
}

static void counts_and_refusals(void **state)
{
    (void)state;
    Fx *x = fx_new();
    refused(x, "model cnn conv=8:3"); /* no data */
    ok(x, "data moons");
    assert_contains(refused(x, "model cnn conv=8:3"), "model cnn needs images: data digits, or data load FILE image=8x8");
    load_digits(x);
    ok(x, "model cnn conv=16:3");
    ok(x, "params");
    assert_contains(x->last, "16·1·3·3 + 16 = 160");
    assert_contains(x->last, "64 inputs (1×8×8) to 576 outputs (16×6×6) would need 64·576 + 576 = 37440");
    assert_contains(x->last, "K1     16×1×3×3            144  ");
    assert_contains(x->last, "K1     16×1×3×3");
    assert_int_equal((int)x->c.s->model->n_params, 160 + 576 * 10 + 10);
    /* each refusal is one line naming the fix, and leaves the model alone */
    const char *why = refused(x, "model cnn conv=8:9");
    assert_contains(why, "larger than the 8x8 map");
    assert_contains(why, "same padding");
    assert_null(strchr(why, '\n'));
    why = refused(x, "model cnn conv=8:4 pool=2");
    assert_contains(why, "even map");
    assert_contains(why, "no pooling");
    assert_contains(refused(x, "model cnn conv=8x3"), "FILTERS:KERNEL pairs");
    assert_contains(refused(x, "model cnn conv=8:"), "kernel side");
    assert_contains(refused(x, "model cnn conv=5000:3"), "filters in conv= must be 1 to 1024");
    assert_contains(refused(x, "model cnn conv=8:33"), "kernel side in conv= must be 1 to 32");
    assert_contains(refused(x, "model cnn conv=8:3 hidden=0"), "hidden layer width");
    assert_contains(refused(x, "model cnn conv=8:3 pool=3"), "pool= is 2");
    assert_contains(refused(x, "model cnn conv=8:3 pad=1"), "pad= is 0");
    assert_contains(refused(x, "model cnn pool=2"), "needs its conv layers");
    assert_contains(refused(x, "model cnn conv=8:3 dropout=0.5"), "unknown option");
    assert_contains(refused(x, "model cnn conv=8:3,8:3,8:3,8:3 pool=2"), "conv layer 2");
    assert_int_equal((int)x->c.s->model->n_params, 160 + 576 * 10 + 10); /* unchanged */
    /* pad=same with an even kernel pads as torch: the map keeps its size */
    ok(x, "model cnn conv=4:4,6:3 pad=same pool=2 hidden=12,8");
    const Model *m = x->c.s->model;
    assert_int_equal(m->n_layers, 5);
    assert_int_equal(m->layer[0].h_pool, 4);
    assert_int_equal(m->layer[1].n_out, 6 * 2 * 2);
    ok(x, "params");
    assert_contains(x->last, "K2     6×4×3×3");
    assert_contains(x->last, "W3     24×12");
    ok(x, "hypers");
    assert_contains(x->last, "cnn conv=4:4,6:3 pool=2 pad=same hidden=12,8 act=relu");
    static Cands cd;
    complete(&x->c, "model c", &cd);
    assert_true(has(&cd, "cnn"));
    complete(&x->c, "model cnn conv=8:3 ", &cd);
    assert_true(has(&cd, "pool=") && has(&cd, "hidden=") && has(&cd, "pad="));
    complete(&x->c, "gradcheck ", &cd);
    assert_true(has(&cd, "K1") && has(&cd, "c2") && has(&cd, "W3") && !has(&cd, "W1"));
    complete(&x->c, "show ", &cd);
    assert_true(has(&cd, "K2") && has(&cd, "b5"));
    fx_free(x);
}

static void names_show_and_edit(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "model cnn conv=8:3 pool=2 hidden=32");
    ok(x, "names");
    assert_contains(x->last, "K1 W2 W3 c1 b2 b3");
    ok(x, "show K1");
    assert_contains(x->last, "K1  (8×1×3×3)");
    assert_contains(x->last, "K1[0,0,:,:]");
    ok(x, "show K1 all");
    assert_contains(x->last, "K1[7,0,:,:]");
    Session *s = x->c.s;
    double k0111 = s->model->params[4]; /* K1[0,0,1,1]: (c_out, c_in, k, k) row-major */
    ok(x, "show K1[0,0,1,1]");
    char want[64];
    snprintf(want, sizeof want, "K1[0,0,1,1] = %.6g", k0111);
    assert_contains(x->last, want);
    ok(x, "K1[0,0,1,1] = 0.5");
    assert_true(s->model->params[4] == 0.5);
    ok(x, "K1[7,0,2,2] = -0.25");
    assert_true(s->model->params[71] == -0.25);
    ok(x, "c1[3] = 0.125");
    assert_true(s->model->params[72 + 3] == 0.125);
    assert_contains(refused(x, "show K1[0,0,1]"), "one, two or four indices");
    assert_contains(refused(x, "show K1[0,1]"), "give four indices");
    assert_contains(refused(x, "show K1[0,0,3,0]"), "index 3 goes from 0 to 2");
    assert_contains(refused(x, "show K1[0:2, 0]"), "slices of a 4-D tensor");
    assert_contains(refused(x, "show W1"), "layer 1 is a conv layer");
    assert_contains(refused(x, "show P2"), "no pooling");
    refused(x, "show Z1");
    ok(x, "forward");
    assert_contains(x->last, "A1 = relu(Z1) (32×8×6×6) → P1 = maxpool(A1) (32×8×3×3)");
    ok(x, "show Z1");
    assert_contains(x->last, "Z1  (32×8×6×6)");
    ok(x, "show P1[31,7,2,2]");
    ok(x, "show A1[0,0,0,0]");
    /* P is the max of its window of A */
    const Model *m = s->model;
    for (int f = 0; f < 8; f++) {
        const double *a = m->a[0] + 2 * 288 + f * 36, p = m->p[0][2 * 72 + f * 9 + 4]; /* row 2, P[f,1,1] */
        double mx = fmax(fmax(a[2 * 6 + 2], a[2 * 6 + 3]), fmax(a[3 * 6 + 2], a[3 * 6 + 3]));
        assert_true(p == mx);
    }
    ok(x, "loss");
    ok(x, "backward");
    assert_contains(x->last, "dK1 (|dK1|");
    ok(x, "show dK1");
    assert_contains(x->last, "dK1[0,0,:,:]");
    ok(x, "names");
    assert_contains(x->last, "P1");
    assert_contains(x->last, "dP1");
    /* explain: the formula, the terms over every position, their sum = backward's */
    ok(x, "explain K1[2,0,1,0]");
    char g[64];
    snprintf(g, sizeof g, "%.6g", m->grads[2 * 9 + 3]);
    char line[256];
    snprintf(line, sizeof line, "summing all 1152: %s\n  backward's dK1[2,0,1,0] = %s\n", g, g);
    assert_contains(x->last, "dK1[2,0,1,0] = Σ_r Σ_(p,q) dZ1[r,2,p,q]·X[r,0,p+1,q+0]");
    assert_contains(x->last, "1152 terms (32 rows × 36 positions)");
    assert_contains(x->last, line);
    assert_contains(x->last, "What `update` will do to K1[2,0,1,0]");
    ok(x, "explain dc1[2]");
    snprintf(g, sizeof g, "%.6g", m->grads[72 + 2]);
    snprintf(line, sizeof line, "backward's dc1[2] = %s", g);
    assert_contains(x->last, line);
    assert_contains(refused(x, "explain Z1[0,0,0,0]"), "shown whole by `show`");
    ok(x, "update");
    ok(x, "explain K1[2,0,1,0]");
    assert_contains(x->last, "What `update` did to K1[2,0,1,0]");
    fx_free(x);
}

/* What `show ref` prints after "= ", without the newline. */
static char *shown_value(Fx *x, const char *ref)
{
    char line[64];
    snprintf(line, sizeof line, "show %s", ref);
    ok(x, line);
    const char *eq = strstr(x->last, "= ");
    assert_non_null(eq);
    char *v = strdup(eq + 2);
    assert_non_null(v);
    v[strcspn(v, "\n")] = '\0';
    return v;
}

/* explain of a dense layer that reads a conv layer's map names each input
 * by the map's four indices (what `show` takes), says how the map is
 * flattened, and heads with the sum it writes out. */
static void explain_after_conv(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "data standardize");
    ok(x, "model cnn conv=2:3 pool=2 hidden=4");
    ok(x, "forward; loss; backward");
    char *p = shown_value(x, "P1[0,1,2,2]"), *w = shown_value(x, "W2[17,1]");
    ok(x, "explain Z2[0,1]");
    assert_contains(x->last, "Z2[b,j] = Σ_f P1[b,c,y,x]·W2[f,j] + b2[j]");
    assert_contains(x->last, "P1[b,c,y,x] of the 2×3×3 map is input f = c·9 + y·3 + x");
    assert_contains(x->last, "P1[0,1,2,2]·W2[17,1]");
    assert_null(strstr(x->last, "P1[0,17]"));
    char term[96];
    snprintf(term, sizeof term, "%s·%s", p, w);
    assert_contains(x->last, term);
    free(p);
    free(w);
    /* the header names what the gradient below sums over */
    ok(x, "explain W2[3,1]");
    assert_contains(x->last, "W2[3,1] weighs P1[b,0,1,0]");
    assert_contains(x->last, "Z2[b,1] = Σ_f P1[b,c,y,x]·W2[f,1] + b2[1]");
    assert_contains(x->last, "dW2[3,1] = P1[0,0,1,0]·dZ2[0,1]");
    assert_null(strstr(x->last, "A1[b,i]"));
    ok(x, "show P1[0,0,1,0]");
    fx_free(x);
}

/* Under clipping, a conv parameter's gradient shows the clipping factor as
 * a dense one does, ending at backward's gradient. */
static void explain_conv_clip(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "data standardize");
    ok(x, "model cnn conv=2:3 pool=2 hidden=4");
    ok(x, "set clip norm=0.5; forward; loss; backward");
    static const char *const refs[] = {"c1[1]", "K1[1,0,1,1]", "W2[3,1]"};
    for (size_t k = 0; k < 3; k++) {
        char cmd[64], dref[32];
        snprintf(cmd, sizeof cmd, "explain %s", refs[k]);
        snprintf(dref, sizeof dref, "d%s", refs[k]);
        char *g = shown_value(x, dref);
        char f[40];
        cmd_factor(&x->c, x->c.s->clip_report.factor, f, sizeof f);
        ok(x, cmd);
        assert_contains(x->last, "every gradient times factor");
        char want[128];
        snprintf(want, sizeof want, "·%s = %s\n", f, g);
        assert_contains(x->last, want);
        free(g);
    }
    ok(x, "update");
    ok(x, "explain c1[1]");
    assert_contains(x->last, "(clipped: times factor");
    fx_free(x);
}

/* gradcheck, init by name with conv fans, state */
static void instruments(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "data standardize");
    ok(x, "model cnn conv=4:3,3:2 pool=2 hidden=8");
    ok(x, "init constant value=0.75 c1"); /* away from relu's kink at the zero border */
    ok(x, "init constant value=0.75 c2");
    ok(x, "forward");
    ok(x, "gradcheck");
    assert_contains(x->last, "K1     4×1×3×3 ");
    assert_contains(x->last, "K2     3×4×2×2 ");
    assert_null(strstr(x->last, "FAIL"));
    ok(x, "gradcheck K2");
    assert_contains(x->last, "ok");
    assert_contains(refused(x, "gradcheck W1"), "layer 1 is a conv layer");
    /* he_uniform with fan_in = C_in·K·K = 4·2·2 for K2: bound sqrt(6/16) */
    ok(x, "init he_uniform K2");
    assert_contains(x->last, "K2 re-initialised with he_uniform");
    const Model *m = x->c.s->model;
    double bound = sqrt(6.0 / 16), big = 0;
    for (size_t i = 0; i < 48; i++)
        big = fmax(big, fabs(m->params[m->layer[1].w_off + i]));
    assert_true(big <= bound && big > 0.6 * bound);
    ok(x, "init xavier_uniform K1"); /* fans 9 and 36: bound sqrt(6/45) */
    big = 0;
    for (size_t i = 0; i < 36; i++)
        big = fmax(big, fabs(m->params[i]));
    assert_true(big <= sqrt(6.0 / 45) && big > 0.6 * sqrt(6.0 / 45));
    ok(x, "init orthogonal K1"); /* (4, 9): orthonormal rows */
    for (int a = 0; a < 4; a++)
        for (int b = 0; b < 4; b++) {
            double dot = 0;
            for (int j = 0; j < 9; j++)
                dot += m->params[a * 9 + j] * m->params[b * 9 + j];
            assert_true(fabs(dot - (a == b)) < 1e-12);
        }
    ok(x, "diagnose");
    assert_contains(x->last, "4×1×3×3");
    assert_contains(x->last, "3×4×2×2");
    assert_contains(x->last, "|grad|    |weight|"); /* not |dW|: layer 1's weights are K1 */
    assert_contains(x->last, "K for a conv layer, W for a dense");
    /* an l2 penalty counts every weight, K's included, and no bias */
    ok(x, "set l2 0.1");
    ok(x, "forward");
    ok(x, "loss");
    double sq = 0;
    for (int k = 0; k < m->n_layers; k++)
        for (size_t i = 0; i < layer_weights(&m->layer[k]); i++)
            sq += m->params[m->layer[k].w_off + i] * m->params[m->layer[k].w_off + i];
    assert_true(fabs(x->c.s->loss_l2 - 0.05 * sq) <= 1e-12 * sq);
    ok(x, "set l2 0");
    ok(x, "set optimizer adam");
    ok(x, "step");
    ok(x, "state K1");
    assert_contains(x->last, "exp_avg:K1  (4×1×3×3)");
    assert_contains(x->last, "exp_avg:K1[3,0,:,:]");
    fx_free(x);
}

/* undo puts a cnn back exactly; the step after repeats exactly */
static void undo_exact(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "data split 0.2");
    ok(x, "set optimizer adam lr=0.01");
    ok(x, "model cnn conv=6:3 pool=2 hidden=16");
    ok(x, "step 3");
    const Model *m = x->c.s->model;
    size_t n = m->n_params;
    double *before = malloc(n * sizeof *before), *after = malloc(n * sizeof *after);
    memcpy(before, m->params, n * sizeof *before);
    ok(x, "step");
    memcpy(after, x->c.s->model->params, n * sizeof *after);
    ok(x, "undo");
    assert_memory_equal(x->c.s->model->params, before, n * sizeof *before);
    ok(x, "step");
    assert_memory_equal(x->c.s->model->params, after, n * sizeof *after);
    free(before);
    free(after);
    fx_free(x);
}

/* save and load a cnn: the same numbers, the same next step */
static void save_load_npy(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "data split 0.2");
    ok(x, "set optimizer adam lr=0.01");
    ok(x, "model cnn conv=6:3 pool=2 hidden=16 act=tanh");
    ok(x, "step 4");
    ok(x, "forward");
    run_path(x, "save", "cnn.plsave");
    Fx *y = fx_new();
    run_path(y, "load", "cnn.plsave");
    const Model *a = x->c.s->model, *b = y->c.s->model;
    assert_string_equal(y->c.s->model_kind, "cnn");
    assert_int_equal((int)a->n_params, (int)b->n_params);
    assert_memory_equal(a->params, b->params, a->n_params * sizeof(double));
    assert_int_equal(b->layer[0].kind, LAYER_CONV);
    assert_int_equal(y->c.s->data->img_h, 8);
    ok(x, "step 2");
    ok(y, "step 2");
    assert_memory_equal(x->c.s->model->params, y->c.s->model->params, a->n_params * sizeof(double));
    ok(y, "show K1[5,0,2,2]");
    fx_free(y);
    /* export K1 as a 4-D .npy, spoil it, import it back */
    run_path(x, "export K1", "k1.npy");
    assert_contains(x->last, "(6×1×3×3)");
    FILE *f = fopen(path("k1.npy"), "rb");
    assert_non_null(f);
    char head[128] = {0};
    assert_true(fread(head, 1, sizeof head - 1, f) > 64);
    fclose(f);
    assert_non_null(strstr(head + 10, "'shape': (6, 1, 3, 3), }"));
    double k = x->c.s->model->params[13];
    ok(x, "K1[1,0,1,1] = 42");
    run_path(x, "import K1", "k1.npy");
    assert_true(x->c.s->model->params[13] == k);
    run_path(x, "export W2", "w2.npy");
    char line[256];
    snprintf(line, sizeof line, "import K1 %s", path("w2.npy"));
    assert_contains(refused(x, line), "has shape (6, 1, 3, 3), as torch's Conv2d.weight");
    /* a 4-D kernel numpy wrote imports exactly and exports byte for byte */
    ok(x, "import K1 tests/golden/npy/k4.npy");
    for (int i = 0; i < 54; i++)
        assert_true(x->c.s->model->params[i] == (double)i / 7 - 3);
    run_path(x, "export K1", "k4.npy");
    FILE *ours = fopen(path("k4.npy"), "rb"), *np = fopen("tests/golden/npy/k4.npy", "rb");
    assert_non_null(ours);
    assert_non_null(np);
    static unsigned char bo[4096], bn[4096];
    size_t no = fread(bo, 1, sizeof bo, ours), nn = fread(bn, 1, sizeof bn, np);
    fclose(ours);
    fclose(np);
    assert_int_equal(no, nn);
    assert_memory_equal(bo, bn, no);
    run_path(x, "export c1", "c1.npy");
    run_path(x, "import c1", "c1.npy");
    fx_free(x);
}

/* Save files of a cnn in every form load to the same session: version 2
 * with the image shape in CONV and at the end of DATA, version 2 with it
 * in CONV only (the first cnn files), and version 3 (shape in DATA only,
 * as written now); each rebuilds the same model over the same data shape
 * and takes the same next step. */
static void save_forms(void **state)
{
    (void)state;
    const char *files[] = {"tests/golden/saves/cnn_v2_both.plsave", "tests/golden/saves/cnn_v2_conv.plsave"};
    Fx *ref = fx_new();
    char line[256];
    snprintf(line, sizeof line, "load %s", files[0]);
    ok(ref, line);
    run_path(ref, "save", "v3.plsave");
    FILE *f = fopen(path("v3.plsave"), "rb");
    assert_non_null(f);
    unsigned char head[12];
    assert_int_equal(fread(head, 1, sizeof head, f), sizeof head);
    fclose(f);
    assert_int_equal(head[8], 3); /* the version written now */
    ok(ref, "step");
    const Model *a = ref->c.s->model;
    for (int i = 0; i < 3; i++) {
        Fx *y = fx_new();
        if (i < 2) {
            snprintf(line, sizeof line, "load %s", files[i]);
            ok(y, line);
        } else {
            run_path(y, "load", "v3.plsave");
        }
        const Session *s = y->c.s;
        assert_string_equal(s->model_kind, "cnn");
        assert_int_equal(s->data->img_c, 1);
        assert_int_equal(s->data->img_h, 4);
        assert_int_equal(s->data->img_w, 4);
        assert_int_equal(s->conv.n_conv, 1);
        assert_int_equal(s->conv.filters[0], 2);
        assert_int_equal(s->conv.ksize[0], 3);
        assert_int_equal(s->model->layer[0].kind, LAYER_CONV);
        assert_int_equal((int)s->model->n_params, (int)a->n_params);
        ok(y, "step");
        assert_memory_equal(y->c.s->model->params, a->params, a->n_params * sizeof(double));
        fx_free(y);
    }
    fx_free(ref);
}

/* Counts the lines of text from the first line that starts with from up
 * to (not counting) the next empty line or line starting with "shades". */
static int block_lines(const char *text, const char *from)
{
    const char *p = strstr(text, from);
    int n = 0;
    if (!p)
        return -1;
    p = strchr(p, '\n');
    while (p && p[1] && p[1] != '\n' && strncmp(p + 1, "shades", 6) != 0) {
        n++;
        p = strchr(p + 1, '\n');
    }
    return n;
}

/* plot filters and plot maps in the terminal (a script draws there): the
 * grid's shape, which row is drawn, the refusals and the completion. */
static void conv_pictures(void **state)
{
    (void)state;
    setenv("COLUMNS", "80", 1);
    Fx *x = fx_new();
    assert_contains(refused(x, "plot filters K1"), "no model yet");
    load_digits(x);
    ok(x, "model mlp 8");
    assert_contains(refused(x, "plot filters W1"), "this mlp model has no conv layer, so no filters");
    assert_contains(refused(x, "plot maps A1"), "no conv layer, so no feature maps");
    ok(x, "model cnn conv=4:3 pool=2 hidden=8");
    ok(x, "plot filters K1");
    assert_contains(x->last, "K1: the 4 filters of conv layer 1 (1 input channel, 3×3), after 0 updates\n"
                             "f0 c0   f1 c0   f2 c0   f3 c0\n");
    assert_int_equal(block_lines(x->last, "f0 c0"), 3); /* 3 lines of 3×3 kernels, then the scale */
    assert_contains(x->last, "shades \"%=- +*#\" from -");
    assert_contains(x->last, "(weight), blank near 0\n");
    /* before forward: training row 3 through a copy; the batch is untouched */
    ok(x, "plot maps A1 row=3");
    assert_contains(x->last, "A1 of conv layer 1 for training row 3, class 3: 4 maps of 6×6\n"
                             "input             channel 0         channel 1         channel 2\n");
    assert_int_equal(block_lines(x->last, "input "), 8); /* the 8×8 input is the tallest of the row */
    assert_int_equal(block_lines(x->last, "channel 3"), 6);
    assert_contains(x->last, "run on a copy");
    assert_int_equal(x->c.s->phase < PHASE_FORWARD, 1);
    assert_contains(refused(x, "plot maps P1 row=5 val"), "no validation share");
    ok(x, "set shuffle on");
    ok(x, "step 58"); /* epoch 2, batch 2: its row 2 is not data row 2 */
    ok(x, "forward");
    ok(x, "plot maps P1 row=2");
    assert_contains(x->last, "P1 of conv layer 1 for batch row 2 (data row ");
    assert_contains(x->last, "then P1[2,ch,:,:] for each channel");
    assert_int_equal(block_lines(x->last, "channel 3"), 3);
    /* the batch's row 2 drawn from the forward pass and its data row run
     * on the copy are the same picture */
    char grid[4096], line[64];
    const char *g = strstr(x->last, "\ninput "), *e = strstr(x->last, "\nshades");
    assert_true(g && e && e - g < (long)sizeof grid);
    snprintf(grid, sizeof grid, "%.*s", (int)(e - g), g);
    int data_row = x->c.s->perm[x->c.s->batch_index * x->c.s->batch + 2];
    assert_true(data_row != 2 + x->c.s->batch_index * x->c.s->batch);
    snprintf(line, sizeof line, "plot maps P1 row=%d train", data_row);
    ok(x, line);
    assert_contains(x->last, grid);
    ok(x, "plot maps Z1 row=0 train"); /* a share named: that row, not the batch's */
    assert_contains(x->last, "Z1 of conv layer 1 for training row 0, class 0");
    assert_contains(x->last, "blank near 0");
    /* refusals, one line each */
    assert_contains(refused(x, "plot maps dA1"), "exists after the backward pass");
    assert_contains(refused(x, "plot maps A2"), "'A2' is not a conv layer's maps: plot maps draws A1");
    assert_contains(refused(x, "plot maps K1"), "'K1' is not a conv layer's maps");
    assert_contains(refused(x, "plot filters W2"), "'W2' is not a conv kernel: plot filters draws K1");
    assert_contains(refused(x, "plot filters dK1"), "is not a conv kernel");
    assert_contains(refused(x, "plot filters"), "as in `plot filters K1`");
    assert_contains(refused(x, "plot maps A1 row=32"), "past this batch: its rows are 0 to 31");
    assert_contains(refused(x, "plot maps A1 row=x"), "row=");
    assert_contains(refused(x, "plot maps A1 tset"), "did you mean `test`?");
    ok(x, "loss");
    ok(x, "backward");
    ok(x, "plot maps dA1 row=1");
    assert_contains(x->last, "dA1 of conv layer 1 for batch row 1");
    assert_contains(refused(x, "plot maps dA1 val"), "a gradient of the current batch");
    ok(x, "model cnn conv=2:3 hidden=4");
    assert_contains(refused(x, "plot maps P1"), "layer 1 has no pooling, so no P1");
    Cands cd;
    complete(&x->c, "plot ", &cd);
    assert_true(has(&cd, "filters") && has(&cd, "maps"));
    complete(&x->c, "plot filters ", &cd);
    assert_true(has(&cd, "K1") && cd.n == 1);
    complete(&x->c, "plot maps ", &cd);
    assert_true(has(&cd, "Z1") && has(&cd, "A1") && !has(&cd, "P1") && !has(&cd, "A2"));
    complete(&x->c, "plot maps A1 ", &cd);
    assert_true(has(&cd, "row=") && has(&cd, "val"));
    fx_free(x);
}

/* compare and cv rebuild the same cnn; a short training run learns */
static void compare_cv_train(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    ok(x, "data split 0.2");
    ok(x, "data standardize");
    ok(x, "set optimizer adam lr=0.003");
    ok(x, "model cnn conv=8:3 pool=2 hidden=32");
    ok(x, "compare optimizer adam sgd epochs=1");
    assert_contains(x->last, "adam");
    ok(x, "cv 2 epochs=1");
    ok(x, "train 4");
    double acc = x->c.s->last_val_accuracy;
    if (!(acc >= 0.9))
        fail_msg("validation accuracy %.3f after 4 epochs", acc);
    fx_free(x);
}

static int setup(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/paramlab-conv.XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
    (void)state;
    const char *names[] = {"cnn.plsave", "k1.npy", "w2.npy", "c1.npy", "k4.npy", "v3.plsave"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++)
        unlink(path(names[i]));
    return rmdir(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(counts_and_refusals), cmocka_unit_test(names_show_and_edit),
        cmocka_unit_test(instruments),         cmocka_unit_test(explain_after_conv),
        cmocka_unit_test(explain_conv_clip),         cmocka_unit_test(undo_exact),
        cmocka_unit_test(save_load_npy),       cmocka_unit_test(compare_cv_train),
        cmocka_unit_test(save_forms),          cmocka_unit_test(conv_pictures),
    };
    return cmocka_run_group_tests_name("conv_cmd", tests, setup, teardown);
}
