/* cmd_plot_feature.c — the numbers and words about the data's features
 * that the boundary and fit pictures (cmd_plot.c) put on their axes. */
#include "cmd_plot.h"

#include <math.h>
#include <stdio.h>

void cmd_plot_feature_range(const Dataset *ds, int j, double *lo, double *hi)
{
    *lo = INFINITY;
    *hi = -INFINITY;
    for (int i = 0; i < ds->n; i++) {
        double v = ds->x[(size_t)i * ds->d + j];
        *lo = fmin(*lo, v);
        *hi = fmax(*hi, v);
    }
    double pad = 0.08 * (*hi - *lo);
    if (pad == 0)
        pad = 0.5;
    *lo -= pad;
    *hi += pad;
}

const char *cmd_plot_feature_label(const Dataset *ds, int j, char *buf, size_t n)
{
    snprintf(buf, n, "%s%s", ds->feature_names[j], ds->standardized ? " (standardized)" : "");
    return buf;
}

void cmd_plot_feature_means(const Dataset *ds, double *m)
{
    for (int j = 0; j < ds->d; j++) {
        double sum = 0;
        for (int i = 0; i < ds->n_train; i++)
            sum += ds->x[(size_t)i * ds->d + j];
        m[j] = ds->n_train ? sum / ds->n_train : 0;
    }
}
