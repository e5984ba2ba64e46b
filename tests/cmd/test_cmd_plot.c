/* test_cmd_plot.c — the plot commands through the command layer with the
 * real gnuplot: every kind writes a valid PNG; pictures the learner asked
 * for are redrawn when training ends and stop with `plot off`; wrong
 * requests are refused with a message and change nothing; a race leaves
 * the learner's model untouched and matches training by hand; a file
 * name cannot make gnuplot run a command; a missing gnuplot only turns
 * plots off. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fixture.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/paramlab-plot-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    return system(cmd) == 0 ? 0 : -1;
}

/* True when path is a whole PNG: the signature and an IEND chunk at the end. */
static bool valid_png(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    unsigned char head[8], tail[12];
    bool ok = fread(head, 1, 8, f) == 8 && memcmp(head, "\x89PNG\r\n\x1a\n", 8) == 0 &&
              fseek(f, -12, SEEK_END) == 0 && fread(tail, 1, 12, f) == 12 && memcmp(tail + 4, "IEND", 4) == 0;
    fclose(f);
    return ok;
}

static void png_target(Fx *x, const char *name, char *path, size_t n)
{
    snprintf(path, n, "%s/%s", dir, name);
    char line[256];
    snprintf(line, sizeof line, "set plot png \"file=%s\"", path);
    ok(x, line);
    unlink(path);
}

static void every_kind_renders(const char *setup, const char *const *kinds)
{
    Fx *x = fx_new();
    ok(x, setup);
    for (; *kinds; kinds++) {
        char path[128], line[128];
        png_target(x, *kinds[0] == 's' ? "surface.png" : "pic.png", path, sizeof path);
        snprintf(line, sizeof line, "plot %s", *kinds);
        ok(x, line);
        if (!valid_png(path))
            fail_msg("`%s` wrote no valid PNG at %s", line, path);
        assert_contains(x->last, "png");
    }
    fx_free(x);
}

static void test_classification_kinds(void **state)
{
    (void)state;
    static const char *const kinds[] = {"loss", "loss log", "boundary", "grads", "hist W1", "hist dW2",
                                        "surface W1[0,0] W1[1,0]", "surface W2[0,0] b2[0] style=contour grid=15",
                                        "val_accuracy", "lr", "val_loss", NULL};
    every_kind_renders("data moons n=120 seed=2; data split 0.25; model mlp 6 act=tanh; set lr 0.1; train 5", kinds);
    static const char *const multi[] = {"boundary", NULL};
    every_kind_renders("data blobs n=90 classes=3 seed=1; model softmax; train 3", multi);
    /* a scalar name that is measured only when asked has no curve */
    Fx *x = fx_new();
    ok(x, "data moons n=60; data split 0.25; model logistic; train 2");
    assert_contains(refused(x, "plot accuracy"), "`plot val_accuracy`");
    ok(x, "data line n=40; data split 0.25; model linear; train 2");
    assert_contains(refused(x, "plot val_accuracy"), "regression");
    fx_free(x);
}

/* The image grids of a cnn: each a valid PNG; an SVG holds the pictures'
 * titles and its pixels; the kinds keep their own files. */
static void test_image_grids(void **state)
{
    (void)state;
    static const char *const kinds[] = {"images 4", "filters K1", "maps A1 row=3", "maps P1 row=0 val", NULL};
    every_kind_renders("data digits; data split 0.2; model cnn conv=4:3 pool=2 hidden=8; step 2", kinds);
    Fx *x = fx_new();
    ok(x, "data digits; model cnn conv=3:3 pool=2 hidden=8; forward");
    char path[128], line[256];
    snprintf(path, sizeof path, "%s/maps.svg", dir);
    snprintf(line, sizeof line, "set plot svg \"file=%s\"", path);
    ok(x, line);
    ok(x, "plot maps Z1 row=1");
    assert_contains(x->last, "wrote");
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    static char svg[1 << 20];
    size_t n = fread(svg, 1, sizeof svg - 1, f);
    fclose(f);
    svg[n] = '\0';
    assert_contains(svg, "<svg");
    assert_contains(svg, "channel 2");
    assert_contains(svg, "batch row 1");
    assert_contains(svg, "</svg>");
    fx_free(x);
}

static void test_regression_kinds(void **state)
{
    (void)state;
    static const char *const kinds[] = {"fit", "loss", "surface W1[0,0] b1[0]", NULL};
    every_kind_renders("data line n=40 seed=3; model linear; set lr 0.05; train 10", kinds);
}

static void test_redrawn_after_training_until_off(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char path[128];
    ok(x, "data moons n=60 seed=1; model mlp 4");
    png_target(x, "live.png", path, sizeof path);
    ok(x, "plot loss");
    assert_true(valid_png(path));
    unlink(path);
    ok(x, "forward; loss; backward"); /* files follow runs of training, not each phase */
    assert_false(valid_png(path));
    ok(x, "step 3");
    assert_true(valid_png(path));
    assert_contains(x->last, "plot loss: wrote "); /* a rewritten file says so */
    ok(x, "plot");
    assert_contains(x->last, "loss");
    ok(x, "plot off");
    unlink(path);
    ok(x, "train 1");
    assert_false(valid_png(path));
    fx_free(x);
}

static void test_refusals_change_nothing(void **state)
{
    (void)state;
    Fx *x = fx_new();
    assert_contains(refused(x, "plot loss"), "no data yet");
    ok(x, "data line n=30; model linear");
    assert_contains(refused(x, "plot boundary"), "plot fit");
    assert_contains(refused(x, "plot banana"), "choose loss, boundary");
    assert_contains(refused(x, "plot hist"), "needs a tensor");
    assert_contains(refused(x, "plot hist W1[0,0]"), "whole tensor");
    assert_contains(refused(x, "plot hist Q7"), "unknown name");
    assert_contains(refused(x, "plot surface W1[0,0]"), "two parameter");
    assert_contains(refused(x, "plot surface W1[0,0] W1[0,0]"), "two different");
    assert_contains(refused(x, "plot surface X[0,0] W1[0,0]"), "not a parameter");
    assert_contains(refused(x, "plot surface W1 b1"), "pick one element");
    assert_contains(refused(x, "plot surface W1[0,0] b1[0] range=-1"), "range=");
    assert_contains(refused(x, "plot surface W1[0,0] b1[0] grid=2"), "grid=");
    assert_contains(refused(x, "plot loss sideways"), "log or linear");
    assert_contains(refused(x, "plot off now"), "nothing more");
    assert_contains(refused(x, "set plot paper"), "window, the terminal, png or svg");
    assert_contains(refused(x, "set plot terminal file=a.txt"), "only png and svg");
    assert_contains(refused(x, "set plot png file="), "file name");
    assert_contains(refused(x, "set plot png file=/nonexistent/dir/x.png"), "cannot write /nonexistent/dir/x.png");
    assert_contains(refused(x, "set plot png file=/tmp"), "/tmp is a directory");
    assert_contains(refused(x, "set plot svg file=a.svg file=b.svg"), "one file=NAME");
    ok(x, "data moons n=40; model logistic");
    assert_contains(refused(x, "plot fit"), "plot boundary");
    /* values gnuplot cannot draw are named, not passed on */
    ok(x, "step 2; W1[1,0] = 1e308");
    assert_contains(refused(x, "plot hist W1"), "W1[1,0] is 1e+308: too large to draw");
    assert_contains(refused(x, "plot surface W1[0,0] W1[1,0]"), "W1[1,0] is 1e+308");
    assert_contains(refused(x, "compare optimizer sgd epochs=1"), "training loss is");
    ok(x, "plot");
    assert_contains(x->last, "nothing");
    fx_free(x);
}

static void test_race_leaves_the_model_and_matches_training(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char path[128];
    ok(x, "data moons n=80 seed=5; data split 0.25; model mlp 5; set batch 16; set shuffle on; step 3; "
          "set precision 15");
    png_target(x, "race.png", path, sizeof path);
    Session *s = x->c.s;
    size_t np = s->model->n_params;
    double *before = malloc(sizeof(double) * np);
    assert_non_null(before);
    memcpy(before, s->model->params, sizeof(double) * np);
    long steps = s->steps;
    ok(x, "compare optimizer sgd momentum nesterov adam,lr=0.01 epochs=3");
    assert_true(valid_png(path));
    assert_memory_equal(before, s->model->params, sizeof(double) * np);
    assert_int_equal(s->steps, steps);
    assert_contains(x->last, "nesterov");
    assert_contains(x->last, "adam,lr=0.01");
    assert_contains(x->last, "val loss");
    assert_contains(x->last, "your own model is unchanged");
    /* the momentum racer's final loss is what the same training by hand gives */
    const char *row = strstr(x->last, "  momentum ");
    assert_non_null(row);
    double lr, start, fin;
    assert_int_equal(sscanf(row, " momentum %lf %lf %lf", &lr, &start, &fin), 3);
    assert_true(lr == 0.01);
    ok(x, "set optimizer sgd momentum=0.9; train 3");
    double acc;
    double mine = session_eval_loss(s, true, &acc);
    assert_true(fabs(mine - fin) <= 1e-12 * fabs(fin));
    free(before);
    assert_contains(refused(x, "compare optimizer"), "name the optimizers");
    assert_contains(refused(x, "compare optimizer adamm"), "no optimizer 'adamm'");
    assert_contains(refused(x, "compare optimizer adam,beta9=1"), "no option 'beta9'");
    assert_contains(refused(x, "compare optimizer sgd,lr=-1"), "learning rate");
    assert_contains(refused(x, "compare optimizer sgd epochs=0"), "epochs=");
    assert_contains(refused(x, "compare init sgd"), "races optimizers");
    fx_free(x);
}

static void test_race_survives_divergence(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char path[128];
    ok(x, "data line n=40 seed=1; model linear");
    png_target(x, "div.png", path, sizeof path);
    ok(x, "compare optimizer sgd,lr=5 sgd,lr=0.05 epochs=30");
    assert_contains(x->last, "diverged");
    assert_contains(x->last, "lowest training loss after 30 epochs: sgd,lr=0.05");
    assert_true(valid_png(path));
    fx_free(x);
}

/* Ctrl-C stops every racer after the same epoch: all start from one loss. */
static void test_interrupted_race_is_fair(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char path[128];
    ok(x, "data moons n=60 seed=2; model mlp 4; set precision 12");
    png_target(x, "stop.png", path, sizeof path);
    volatile sig_atomic_t stop = 1;
    x->c.interrupt = &stop;
    assert_int_equal(run(x, "compare optimizer sgd adam rmsprop epochs=50"), 1);
    assert_contains(x->last, "interrupted: every racer stopped after epoch 0");
    double start[3], fin[3];
    const char *names[3] = {"sgd ", "adam ", "rmsprop "};
    for (int i = 0; i < 3; i++) {
        const char *row = strstr(x->last, names[i]);
        assert_non_null(row);
        double lr;
        assert_int_equal(sscanf(row + strlen(names[i]), "%lf %lf %lf", &lr, &start[i], &fin[i]), 3);
        assert_true(start[i] > 0.1 && start[i] == start[0] && fin[i] == start[i]);
    }
    x->c.interrupt = NULL;
    fx_free(x);
}

static void test_file_names_cannot_run_commands(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char cwd[512];
    assert_non_null(getcwd(cwd, sizeof cwd));
    assert_int_equal(chdir(dir), 0); /* gnuplot runs its commands here */
    ok(x, "data moons n=40; model logistic; step 2");
    const char *name = "a'; system('touch pwned'); x='`touch pwned2` @x \\n.png";
    char line[256];
    snprintf(line, sizeof line, "set plot png \"file=%s\"; plot boundary", name);
    ok(x, line);
    assert_true(valid_png(name));
    assert_int_equal(access("pwned", F_OK), -1);
    assert_int_equal(access("pwned2", F_OK), -1);
    unlink(name);
    assert_int_equal(chdir(cwd), 0);
    fx_free(x);
}

/* A picture file is checked when it is chosen, without opening or
 * creating anything: a device (/dev/full would swallow the picture with
 * no error), a pipe (opening it would block), a symbolic link to nothing
 * (the check used to create its target and then delete the link) and a
 * directory are refused, and the session's target stays as it was. */
static void test_picture_files_that_cannot_be_pictures(void **state)
{
    (void)state;
    Fx *x = fx_new();
    char fifo[128], link[128], target[128], line[400];
    snprintf(fifo, sizeof fifo, "%s/pipe.svg", dir);
    snprintf(link, sizeof link, "%s/link.svg", dir);
    snprintf(target, sizeof target, "%s/nothing-here.svg", dir);
    assert_int_equal(mkfifo(fifo, 0600), 0);
    assert_int_equal(symlink(target, link), 0);
    ok(x, "set plot terminal");
    if (access("/dev/full", W_OK) == 0)
        assert_contains(refused(x, "set plot svg file=/dev/full"), "is not a regular file (a device or a pipe)");
    snprintf(line, sizeof line, "set plot svg file=%s", fifo);
    assert_contains(refused(x, line), "is not a regular file (a device or a pipe)");
    snprintf(line, sizeof line, "set plot png file=%s", link);
    assert_contains(refused(x, line), "is a symbolic link to a file that does not exist");
    struct stat st;
    assert_int_equal(lstat(link, &st), 0); /* the link is still there */
    assert_int_equal(access(target, F_OK), -1); /* and nothing was made through it */
    snprintf(line, sizeof line, "set plot png file=%s", dir);
    assert_contains(refused(x, line), "is a directory");
    ok(x, "plot");
    assert_contains(x->last, "pictures go to: terminal");
    unlink(fifo);
    unlink(link);
    fx_free(x);
}

static void test_missing_gnuplot_only_turns_plots_off(void **state)
{
    (void)state;
    setenv("PARAMLAB_GNUPLOT", "/nonexistent/gnuplot", 1);
    Fx *x = fx_new();
    ok(x, "data moons n=40; model logistic; set plot terminal");
    ok(x, "plot loss"); /* a note, so a lesson or script goes on */
    assert_contains(x->last, "no picture: gnuplot is not installed");
    assert_contains(x->last, "apt-get install gnuplot");
    ok(x, "plot");
    assert_contains(x->last, "nothing");
    ok(x, "step 3; W1");
    ok(x, "compare optimizer sgd adam epochs=1");
    assert_contains(x->last, "no chart: gnuplot is not installed");
    fx_free(x);
    unsetenv("PARAMLAB_GNUPLOT");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_classification_kinds),
        cmocka_unit_test(test_regression_kinds),
        cmocka_unit_test(test_image_grids),
        cmocka_unit_test(test_redrawn_after_training_until_off),
        cmocka_unit_test(test_refusals_change_nothing),
        cmocka_unit_test(test_race_leaves_the_model_and_matches_training),
        cmocka_unit_test(test_race_survives_divergence),
        cmocka_unit_test(test_interrupted_race_is_fair),
        cmocka_unit_test(test_file_names_cannot_run_commands),
        cmocka_unit_test(test_picture_files_that_cannot_be_pictures),
        cmocka_unit_test(test_missing_gnuplot_only_turns_plots_off),
    };
    return cmocka_run_group_tests(tests, make_dir, remove_dir);
}
