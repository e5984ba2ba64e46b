/* fuzz_csv.c — the CSV reader: each input is written to a temporary file
 * and loaded as `data load` would, the header rule and target picked by
 * the first byte (auto/yes/no; last column, column 0, a name, two
 * columns), then split and standardized as a session would. */
#include <stdint.h>

#include "data.h"
#include "fuzz.h"
#include "util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static char path[64];

static void cleanup(void)
{
    if (path[0])
        unlink(path);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const targets[] = {NULL, "0", "y", "0,1", "label"};
    if (size < 1 || size > 1 << 16)
        return 0;
    if (!path[0]) {
        const char *tmp = getenv("TMPDIR");
        snprintf(path, sizeof path, "%s/paramlab-fuzz-csv.XXXXXX", tmp && strlen(tmp) < 30 ? tmp : "/tmp");
        int fd = mkstemp(path);
        if (fd < 0)
            abort();
        close(fd);
        atexit(cleanup);
    }
    FILE *f = fopen(path, "wb");
    if (!f)
        abort();
    fwrite(data + 1, 1, size - 1, f);
    fclose(f);
    char err[ERR_LEN];
    DataHeader h = (DataHeader)(data[0] % 3);
    Dataset *ds = data_load_csv(path, targets[(data[0] / 3) % 5], h, err);
    if (ds) {
        Dataset *copy = data_clone(ds);
        if (data_split(ds, 0.25, 1, err) == 0)
            data_standardize(ds, err);
        if (copy && data_split3(copy, 0.2, 0.2, 2, err) == 0)
            data_standardize(copy, err);
        data_free(copy);
    }
    data_free(ds);
    return 0;
}
