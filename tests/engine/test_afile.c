/* test_afile.c — files written whole or not at all: a new file, a file
 * replaced with its mode kept, a planted link under a temporary-looking
 * name left alone, a full disk reported with the old file untouched, a
 * directory and a missing folder refused, nothing left behind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "check.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "afile.h"
#include "util.h"

static char dir[64];

static int make_dir(void **state)
{
    (void)state;
    snprintf(dir, sizeof dir, "/tmp/paramlab-afile-XXXXXX");
    return mkdtemp(dir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    return system(cmd) == 0 ? 0 : -1;
}

static const char *at(const char *name)
{
    static char paths[4][256];
    static int k;
    char *p = paths[k++ % 4];
    snprintf(p, 256, "%s/%s", dir, name);
    return p;
}

static char *slurp(const char *path)
{
    static char buf[256];
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    return buf;
}

static int write_text(const char *path, const char *text, char *err)
{
    AFile a;
    int rc = afile_open(&a, path, err);
    if (rc != 0)
        return rc;
    fputs(text, a.f);
    return afile_commit(&a, err);
}

/* Only the named files are in the folder: no temporary file is left. */
static void only(int n)
{
    DIR *d = opendir(dir);
    assert_non_null(d);
    int count = 0;
    for (struct dirent *e; (e = readdir(d));)
        count += e->d_name[0] != '.' || (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."));
    closedir(d);
    assert_int_equal(count, n);
}

static void test_new_and_replaced(void **state)
{
    (void)state;
    char err[ERR_LEN];
    const char *f = at("new.csv");
    assert_int_equal(write_text(f, "1,2\n", err), 0);
    assert_string_equal(slurp(f), "1,2\n");
    assert_int_equal(chmod(f, 0600), 0);
    assert_int_equal(write_text(f, "3,4\n", err), 0);
    assert_string_equal(slurp(f), "3,4\n");
    struct stat st;
    assert_int_equal(stat(f, &st), 0);
    assert_int_equal(st.st_mode & 0777, 0600); /* the replaced file's mode is kept */
    only(1);
    unlink(f);
}

static void test_planted_link_untouched(void **state)
{
    (void)state;
    char err[ERR_LEN];
    const char *victim = at("victim"), *f = at("out.csv"), *tmp = at("out.csv.tmp");
    assert_int_equal(write_text(victim, "precious\n", err), 0);
    assert_int_equal(symlink(victim, tmp), 0); /* the old fixed temporary name */
    assert_int_equal(write_text(f, "5\n", err), 0);
    assert_string_equal(slurp(victim), "precious\n");
    assert_string_equal(slurp(f), "5\n");
    only(3);
    unlink(victim);
    unlink(f);
    unlink(tmp);
}

static void test_refusals(void **state)
{
    (void)state;
    char err[ERR_LEN];
    AFile a;
    assert_int_equal(afile_open(&a, dir, err), ERR_INPUT);
    assert_contains(err, "is a directory");
    assert_int_equal(afile_open(&a, at("no-such-folder/x.csv"), err), ERR_INPUT);
    assert_contains(err, "check that the folder exists");
    /* given up half-way: nothing is left */
    const char *f = at("gone.csv");
    assert_int_equal(afile_open(&a, f, err), 0);
    fputs("half", a.f);
    afile_abort(&a);
    assert_int_equal(access(f, F_OK), -1);
    only(0);
    if (access("/dev/full", W_OK) == 0) { /* a device is written in place, and its failure said */
        assert_int_equal(write_text("/dev/full", "x\n", err), ERR_INPUT);
        assert_contains(err, "cannot write /dev/full");
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_new_and_replaced),
        cmocka_unit_test(test_planted_link_untouched),
        cmocka_unit_test(test_refusals),
    };
    return cmocka_run_group_tests_name("afile", tests, make_dir, remove_dir);
}
