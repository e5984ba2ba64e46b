/* afile.c — files written whole or not at all (see afile.h). */
#include "afile.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util.h"

static void release(AFile *a)
{
    free(a->path);
    free(a->tmp);
    *a = (AFile){NULL, NULL, NULL, 0};
}

/* Opens a device or a pipe for writing without waiting for a reader: a
 * pipe nobody reads is refused at once (ENXIO) instead of blocking. */
static int open_in_place(AFile *a, char *err)
{
    int fd = open(a->path, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) {
        if (errno == ENXIO)
            util_err(err, "cannot write %s: it is a pipe no program is reading; give a file name", a->path);
        else
            util_err(err, "cannot write %s: %s%s", a->path, strerror(errno), util_write_advice(errno));
        release(a);
        return ERR_INPUT;
    }
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0)
        fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    a->f = fdopen(fd, "w");
    if (!a->f) {
        close(fd);
        release(a);
        return util_fail(err, ERR_NOMEM, "out of memory");
    }
    return 0;
}

int afile_open(AFile *a, const char *path, char *err)
{
    *a = (AFile){NULL, NULL, NULL, 0};
    struct stat st;
    bool exists = stat(path, &st) == 0;
    if (exists && S_ISDIR(st.st_mode))
        return util_err(err, "%s is a directory: give a file name", path);
    a->path = util_strdup(path);
    if (!a->path)
        return util_fail(err, ERR_NOMEM, "out of memory");
    if (exists && !S_ISREG(st.st_mode)) /* a device or a pipe named on purpose */
        return open_in_place(a, err);
    mode_t mask = umask(0);
    umask(mask);
    a->mode = exists ? (int)(st.st_mode & 07777) : (int)(0666 & ~mask);
    const char *slash = strrchr(path, '/');
    size_t dir = slash ? (size_t)(slash - path) + 1 : 0;
    size_t n = strlen(path) + 16;
    a->tmp = malloc(n);
    if (!a->tmp) {
        release(a);
        return util_fail(err, ERR_NOMEM, "out of memory");
    }
    snprintf(a->tmp, n, "%.*s.%s.XXXXXX", (int)dir, path, path + dir);
    int fd = mkstemp(a->tmp); /* O_CREAT | O_EXCL: never an existing file or link */
    if (fd < 0) {
        util_err(err, "cannot write %s: %s; check that the folder exists and is writable", path, strerror(errno));
        free(a->tmp);
        a->tmp = NULL;
        release(a);
        return ERR_INPUT;
    }
    a->f = fdopen(fd, "w");
    if (!a->f) {
        close(fd);
        unlink(a->tmp);
        release(a);
        return util_fail(err, ERR_NOMEM, "out of memory");
    }
    return 0;
}

/* Flushes, syncs, sets the mode and (keep false) closes; 0 or errno. */
static int finish(AFile *a, bool keep)
{
    bool bad = fflush(a->f) != 0 || ferror(a->f);
    int e = bad ? (errno ? errno : EIO) : 0;
    if (!bad && a->tmp && (fsync(fileno(a->f)) != 0 || fchmod(fileno(a->f), (mode_t)a->mode) != 0)) {
        bad = true;
        e = errno;
    }
    if ((!keep || bad) && fclose(a->f) != 0 && !bad) {
        bad = true;
        e = errno;
    }
    if (!keep || bad)
        a->f = NULL;
    if (!bad && a->tmp && rename(a->tmp, a->path) != 0) {
        bad = true;
        e = errno;
        if (keep) {
            fclose(a->f);
            a->f = NULL;
        }
    }
    if (bad && a->tmp)
        unlink(a->tmp);
    return bad ? e : 0;
}

int afile_commit(AFile *a, char *err)
{
    int e = finish(a, false);
    int rc = e ? util_err(err, "cannot write %s: %s%s", a->path, strerror(e), util_write_advice(e)) : 0;
    release(a);
    return rc;
}

FILE *afile_publish(AFile *a, char *err)
{
    int e = finish(a, true);
    FILE *f = a->f;
    if (e)
        util_err(err, "cannot write %s: %s%s", a->path, strerror(e), util_write_advice(e));
    release(a);
    return e ? NULL : f;
}

void afile_abort(AFile *a)
{
    if (a->f)
        fclose(a->f);
    if (a->tmp)
        unlink(a->tmp);
    release(a);
}
