/* cmd_policy.c — the file policy for lessons and scripts (see cmd_policy.h).
 * A file is named by the real path of its folder and its own name, so
 * "a.csv", "./a.csv" and "sub/../a.csv" are the same file. Also the check
 * that a picture file gnuplot is to write can be written at all. */
#include "cmd_policy.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cmd_util.h"

/* The files paramlab wrote in this context. */
typedef struct CmdWritten {
    char **names; /* (n) owned: real folder + "/" + name */
    size_t n, cap;
} CmdWritten;

/* The real name of path into buf (PATH_MAX + NAME_MAX bytes): its
 * folder's real path, '/', its last component. false when the folder
 * does not exist or the name is "." or "..". */
static bool real_name(const char *path, char *buf, size_t n)
{
    const char *slash = strrchr(path, '/');
    const char *base = slash ? slash + 1 : path;
    if (!*base || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return false;
    char dir[PATH_MAX], real[PATH_MAX];
    if (slash)
        snprintf(dir, sizeof dir, "%.*s", slash == path ? 1 : (int)(slash - path), path);
    else
        snprintf(dir, sizeof dir, ".");
    if (!realpath(dir, real))
        return false;
    snprintf(buf, n, "%s/%s", strcmp(real, "/") == 0 ? "" : real, base);
    return true;
}

static bool wrote_before(const CmdWritten *f, const char *name)
{
    for (size_t i = 0; f && i < f->n; i++)
        if (strcmp(f->names[i], name) == 0)
            return true;
    return false;
}

int cmd_policy_may_write(CmdCtx *c, const char *path)
{
    if (!path[0])
        return cmd_fail(c, "the file name is empty: give one");
    if (c->scripted <= 0)
        return 0;
    char name[PATH_MAX + 300], here[PATH_MAX];
    if (!realpath(".", here))
        return cmd_fail(c, "a lesson or script may write files only under the current folder, which cannot be "
                        "found now; run the command yourself");
    if (!real_name(path, name, sizeof name))
        return 0; /* no such folder: the writer says so */
    size_t h = strlen(here);
    if (strcmp(here, "/") != 0 && (strncmp(name, here, h) != 0 || name[h] != '/'))
        return cmd_fail(c, "a lesson or script may create files only under the current folder: %s is outside it; "
                        "give a name here, or run the command yourself", path);
    struct stat st;
    if (lstat(path, &st) == 0 && !wrote_before(c->written, name)) {
        cmd_fail(c, "%s exists and paramlab did not write it: a lesson or script never replaces such a file; "
                 "give another name, or run the command yourself", path);
        return S_ISREG(st.st_mode) ? 1 : -1;
    }
    return 0;
}

int cmd_policy_same(CmdCtx *c, const char *path, const void *bytes, size_t n)
{
    struct stat st;
    if (lstat(path, &st) != 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != n)
        return -1;
    FILE *f = fopen(path, "rb");
    if (!f)
        return -1;
    unsigned char buf[4096];
    const unsigned char *want = bytes;
    size_t at = 0, got;
    bool same = true;
    while (same && (got = fread(buf, 1, sizeof buf, f)) > 0) {
        same = at + got <= n && memcmp(buf, want + at, got) == 0;
        at += got;
    }
    same = same && at == n && !ferror(f);
    fclose(f);
    if (!same)
        return -1;
    cmd_policy_wrote(c, path);
    return 0;
}

void cmd_policy_wrote(CmdCtx *c, const char *path)
{
    char name[PATH_MAX + 300];
    if (!real_name(path, name, sizeof name) || wrote_before(c->written, name))
        return;
    CmdWritten *f = c->written;
    if (!f && !(f = c->written = calloc(1, sizeof *f)))
        return;
    if (f->n == f->cap) {
        size_t cap = f->cap ? 2 * f->cap : 8;
        char **p = realloc(f->names, cap * sizeof *p);
        if (!p)
            return;
        f->names = p;
        f->cap = cap;
    }
    char *copy = util_strdup(name);
    if (copy)
        f->names[f->n++] = copy;
}

void cmd_policy_free(CmdCtx *c)
{
    CmdWritten *f = c->written;
    if (!f)
        return;
    for (size_t i = 0; i < f->n; i++)
        free(f->names[i]);
    free(f->names);
    free(f);
    c->written = NULL;
}

/* Refuses a picture file (`set plot png|svg file=`) that cannot be written
 * now, not at the first picture, without creating or opening anything: a directory, a device or
 * a pipe (writing to one would fail unnoticed or block), a symbolic link
 * (gnuplot would write through it), a file or folder without write permission. */
int cmd_policy_check_file(CmdCtx *c, const char *file, const char *ext)
{
    struct stat st, lst;
    bool existed = stat(file, &st) == 0;
    if (!existed && lstat(file, &lst) == 0)
        return cmd_fail(c, "%s is a symbolic link to a file that does not exist: give another name, as in "
                        "file=plot.%s", file, ext);
    /* gnuplot opens the name itself: a link would be written through */
    if (existed && lstat(file, &lst) == 0 && S_ISLNK(lst.st_mode))
        return cmd_fail(c, "%s is a symbolic link: pictures are not written through one; give the file's own "
                        "name or another, as in file=plot.%s", file, ext);
    if (existed && S_ISDIR(st.st_mode))
        return cmd_fail(c, "%s is a directory: give a file name, as in file=%s/plot.%s", file, file, ext);
    if (existed && !S_ISREG(st.st_mode))
        return cmd_fail(c, "%s is not a regular file (a device or a pipe): give a file name, as in file=plot.%s",
                        file, ext);
    char dir[4096];
    const char *slash = strrchr(file, '/');
    snprintf(dir, sizeof dir, "%.*s", slash ? (int)(slash - file) + 1 : 1, slash ? file : ".");
    const char *target = existed ? file : dir;
    if (access(target, W_OK) != 0)
        return cmd_fail(c, "cannot write %s: %s", file, strerror(errno));
    return 0;
}
