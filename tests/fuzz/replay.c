/* replay.c — the main a fuzz harness gets outside libFuzzer: runs it on
 * each file named, or with no argument on every file of the corpus folder
 * the build names (FUZZ_CORPUS), so `make test` replays every committed
 * input through the ordinary build (and `make asan` under sanitizers).
 * Prints "N inputs" and exits 0; a crash is the failure. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"

static int replay_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        return -1;
    }
    size_t cap = 4096, n = 0;
    unsigned char *buf = malloc(cap);
    size_t got;
    while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
        n += got;
        if (n == cap) {
            unsigned char *nb = realloc(buf, cap *= 2);
            if (!nb)
                free(buf);
            buf = nb;
        }
    }
    fclose(f);
    if (!buf) {
        fprintf(stderr, "out of memory reading %s\n", path);
        return -1;
    }
    LLVMFuzzerTestOneInput(buf, n);
    free(buf);
    return 0;
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(int argc, char **argv)
{
    int count = 0;
    if (argc > 1) {
        for (int i = 1; i < argc; i++) {
            if (replay_file(argv[i]) != 0)
                return 1;
            count++;
        }
        printf("%d inputs\n", count);
        return 0;
    }
    DIR *d = opendir(FUZZ_CORPUS);
    if (!d) {
        fprintf(stderr, "cannot open %s\n", FUZZ_CORPUS);
        return 1;
    }
    char **names = NULL;
    int n = 0;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char **nn = realloc(names, (size_t)(n + 1) * sizeof *names);
        if (!nn)
            return 1;
        names = nn;
        names[n] = malloc(strlen(FUZZ_CORPUS) + strlen(e->d_name) + 2);
        if (!names[n])
            return 1;
        sprintf(names[n++], "%s/%s", FUZZ_CORPUS, e->d_name);
    }
    closedir(d);
    qsort(names, (size_t)n, sizeof *names, cmp_names); /* a fixed order */
    for (int i = 0; i < n; i++) {
        if (replay_file(names[i]) != 0)
            return 1;
        free(names[i]);
    }
    free(names);
    printf("%d inputs from %s\n", n, FUZZ_CORPUS);
    return n > 0 ? 0 : 1;
}
