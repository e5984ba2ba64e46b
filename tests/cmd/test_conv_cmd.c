/* test_conv_cmd.c — `model cnn` through the commands on image data (the
 * digits CSV with its rows marked as 1×8×8 images): the parameter counts
 * and the dense comparison, the refusals, names, show and element
 * references of 4-D tensors, assignment, gradcheck, init, undo, save and
 * load, export and import of .npy kernels, and a short training run. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "fixture.h"

#include <math.h>
#include <unistd.h>

/* The digits as 1×8×8 images (what `data digits` gives). */
static void load_digits(Fx *x)
{
    ok(x, "data load lessons/data/digits.csv target=digit");
    Dataset *ds = x->c.s->data;
    ds->img_c = 1;
    ds->img_h = 8;
    ds->img_w = 8;
}

static void explore(void **state)
{
    (void)state;
    Fx *x = fx_new();
    load_digits(x);
    const char *lines[] = {"model cnn conv=16:3", "params", "model cnn conv=8:3 pool=2 hidden=32", "params",
                           "forward", "show K1", "show Z1", "show c1", "show K1[0,0,1,1]", "backward", "loss", "backward",
                           "show dK1", "gradcheck", "names", "K1[0,0,1,1] = 0.5", "show K1[0,0,1,1]", "diagnose", NULL};
    for (int i = 0; lines[i]; i++) {
        int rc = run(x, lines[i]);
        printf("> %s  (rc %d)\n%s%s\n", lines[i], rc, x->last, rc ? x->c.err : "");
    }
    fx_free(x);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(explore),
    };
    return cmocka_run_group_tests_name("conv_cmd", tests, NULL, NULL);
}
