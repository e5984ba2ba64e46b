/* fuzz_csv.c — the CSV reader: each input is written to a temporary file
 * and loaded as `data load` would, its options picked by the first two
 * bytes (header auto/yes/no; target: last column, column 0, a name, two
 * columns; separator; missing cells refused/dropped/filled; task), then
 * split and standardized as a session would. */
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
    static const char seps[] = {0, ',', ';', '\t'};
    if (size < 2 || size > 1 << 16)
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
    fwrite(data + 2, 1, size - 2, f);
    fclose(f);
    char err[ERR_LEN], note[1024];
    DataLoadOpts o = {0};
    o.header = (DataHeader)(data[0] % 3);
    o.target = targets[(data[0] / 3) % 5];
    o.sep = seps[(data[0] / 15) % 4];
    o.missing = (DataMissing)(data[1] % 3);
    o.task = (DataTask)((data[1] / 3) % 3);
    o.drop = (data[1] / 9) % 2 ? "id" : NULL;
    Dataset *ds = data_load_file(path, &o, note, sizeof note, err);
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
