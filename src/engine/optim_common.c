/* optim_common.c — the pieces the optimizer descriptors (optim_classic.c,
 * optim_adam.c) share: PyTorch's number format and refusal for its
 * argument checks, and the text of a running average's update. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "optim_kinds.h"
#include "util.h"

/* x as Python's repr(float) writes it ("-1.0", "1e-05", "-1.5e+16"), so
 * the messages read exactly like PyTorch's. */
void optim_py_repr(double x, char *buf, size_t len)
{
    if (isnan(x)) {
        snprintf(buf, len, "nan");
        return;
    }
    if (isinf(x)) {
        snprintf(buf, len, x < 0 ? "-inf" : "inf");
        return;
    }
    if (x == 0) {
        snprintf(buf, len, signbit(x) ? "-0.0" : "0.0");
        return;
    }
    char e[40];
    for (int p = 1; p <= 17; p++) { /* shortest digits that read back as x */
        snprintf(e, sizeof e, "%.*e", p - 1, x);
        if (strtod(e, NULL) == x)
            break;
    }
    /* e is "[-]d[.ddd]e[+-]XX": split it into sign, digits and exponent */
    const char *s = e;
    bool neg = *s == '-';
    if (neg)
        s++;
    char dig[20];
    int nd = 0;
    for (; *s && *s != 'e'; s++)
        if (*s != '.')
            dig[nd++] = *s;
    int ex = atoi(s + 1);
    while (nd > 1 && dig[nd - 1] == '0')
        nd--;
    dig[nd] = '\0';

    char out[64];
    int o = 0;
    if (neg)
        out[o++] = '-';
    if (ex < -4 || ex >= 16) {
        out[o++] = dig[0];
        if (nd > 1) {
            out[o++] = '.';
            for (int i = 1; i < nd; i++)
                out[o++] = dig[i];
        }
        snprintf(out + o, sizeof out - (size_t)o, "e%c%02d", ex < 0 ? '-' : '+', abs(ex));
    } else if (ex < 0) {
        out[o++] = '0';
        out[o++] = '.';
        for (int i = 0; i < -ex - 1; i++)
            out[o++] = '0';
        for (int i = 0; i < nd; i++)
            out[o++] = dig[i];
        out[o] = '\0';
    } else {
        for (int i = 0; i <= ex; i++)
            out[o++] = i < nd ? dig[i] : '0';
        out[o++] = '.';
        if (nd > ex + 1)
            for (int i = ex + 1; i < nd; i++)
                out[o++] = dig[i];
        else
            out[o++] = '0';
        out[o] = '\0';
    }
    snprintf(buf, len, "%s", out);
}

/* Fails with PyTorch's "Invalid LABEL: VALUE" message, saying which
 * hyperparameter and what it allows. */
int optim_bad(char *err, OptRefusal *why, const char *hyper, const char *allowed, const char *label, double v)
{
    char num[64];
    optim_py_repr(v, num, sizeof num);
    *why = (OptRefusal){hyper, allowed};
    return util_err(err, "Invalid %s: %s", label, num);
}

/* "m = 0.9·m0 + 0.1·g = m1" — a running average's update with numbers;
 * sq squares the new value. */
void optim_write_avg(const TextSink *w, const char *name, double keep, double old, double g, bool sq, double now)
{
    tx(w, "  %s = %s·%s + %s·%s%s = %s\n", name, NUM(keep), PAR(old), NUM(1 - keep), PAR(g), sq ? "²" : "", NUM(now));
}
