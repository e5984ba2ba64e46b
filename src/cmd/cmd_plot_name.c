/* cmd_plot_name.c — the default file name of a picture: the plot's kind
 * and the arguments that choose what it shows, so that two pictures that
 * differ by their arguments never share a file ("maps-P1-row_2",
 * "surface-W1_0_0-W1_1_0"). */
#include "cmd_plot.h"

#include <stdio.h>
#include <string.h>

/* Whether argument w of `plot KIND` only says how the picture looks
 * (loss log, surface range=...), not what it shows. */
static bool looks_only(const char *kind, const char *w)
{
    if (strcmp(kind, "loss") == 0)
        return strcmp(w, "log") == 0 || strcmp(w, "linear") == 0;
    if (strcmp(kind, "surface") == 0)
        return strncmp(w, "range=", 6) == 0 || strncmp(w, "grid=", 5) == 0 || strncmp(w, "style=", 6) == 0;
    return false;
}

const char *cmd_plot_stem(const char *kind, int argc, char **argv, char *buf, size_t n)
{
    size_t l = (size_t)snprintf(buf, n, "%s", kind);
    for (int i = 0; i < argc && l + 2 < n; i++) {
        if (looks_only(kind, argv[i]) || !argv[i][0])
            continue;
        buf[l++] = '-';
        for (const unsigned char *s = (const unsigned char *)argv[i]; *s && l + 1 < n; s++) {
            bool safe = (*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') || (*s >= '0' && *s <= '9') ||
                        *s == '-' || (*s == '.' && buf[l - 1] != '-' && buf[l - 1] != '.');
            if (safe)
                buf[l++] = (char)*s;
            else if (buf[l - 1] != '_' && buf[l - 1] != '-')
                buf[l++] = '_'; /* W1[0,0] → W1_0_0, row=2 → row_2, any other byte too */
        }
        while (buf[l - 1] == '_' || buf[l - 1] == '.')
            l--;
        if (buf[l - 1] == '-') /* nothing safe in it */
            l--;
    }
    buf[l] = '\0';
    return buf;
}
