/* lesson_files.h — lesson and script files for command tests: setup_dir
 * and remove_dir (cmocka group setup/teardown) make and remove a private
 * folder, put writes a file in it and returns its path. Include after
 * fixture.h. */
#ifndef PARAMLAB_TEST_LESSON_FILES_H
#define PARAMLAB_TEST_LESSON_FILES_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[64];

static int setup_dir(void **state)
{
    (void)state;
    snprintf(tmpdir, sizeof tmpdir, "/tmp/paramlab-lesson-XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int remove_dir(void **state)
{
    (void)state;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", tmpdir);
    return system(cmd) == 0 ? 0 : -1;
}

/* Writes text to tmpdir/name; returns the path (static, one of 8). */
static const char *put(const char *name, const char *text)
{
    static char paths[8][256];
    static int k;
    char *p = paths[k++ % 8];
    snprintf(p, 256, "%s/%s", tmpdir, name);
    FILE *f = fopen(p, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
    return p;
}

#endif
