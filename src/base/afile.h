/* afile.h — files written whole or not at all. The text goes to a
 * temporary file created with O_EXCL in the same folder (so no file
 * planted under a fixed temporary name can be written through), is synced
 * to the disk, given the mode of the file it replaces (or the usual mode
 * of a new file), and renamed over the name given; a failure at any point
 * removes the temporary file and leaves the old file as it was. A device
 * or a pipe named on purpose (/dev/stdout) is written in place; a pipe no
 * program reads is refused at once. */
#ifndef PARAMLAB_AFILE_H
#define PARAMLAB_AFILE_H

#include <stdbool.h>
#include <stdio.h>

typedef struct AFile {
    FILE *f;       /* where to write */
    char *path;    /* the name given (owned) */
    char *tmp;     /* the temporary file's name (owned), NULL when written in place */
    int mode;      /* permissions the finished file gets */
} AFile;

/* Starts writing path. 0, or an ErrCode with err saying why (a directory,
 * a folder that cannot be written, out of memory); nothing is created
 * then. */
int afile_open(AFile *a, const char *path, char *err);
/* Finishes: flushes, syncs, sets the mode and renames over path. 0, or an
 * ErrCode with err (the disk full, ...) and the old file untouched. Always
 * releases a. */
int afile_commit(AFile *a, char *err);
/* Finishes as afile_commit but keeps the stream open for more: returns it
 * (the caller's to fclose; what is written later goes straight to the
 * file, which now has the name), or NULL with err. Always releases a. */
FILE *afile_publish(AFile *a, char *err);
/* Gives up: removes the temporary file, releases a. */
void afile_abort(AFile *a);

#endif
