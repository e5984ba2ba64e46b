/* cmd_tensor4.c — printing a 4-D tensor (a conv kernel K (c_out, c_in,
 * k, k), or a conv layer's maps Z A P (rows, channels, h, w)) as the
 * small 2-D grids a learner reads: one block per pair of the first two
 * indices, labelled "K1[f,c,:,:]", as many side by side as the terminal
 * holds, and only the first blocks that fit the screen unless all. */
#include "cmd_tensor.h"
#include "cmd_util.h"

#include <stdio.h>
#include <string.h>

#define GAP 3 /* blanks between blocks side by side */

/* The widest number of t as cmd_num writes it (at most the first limit values). */
static int widest(CmdCtx *c, const Tensor *t, size_t limit)
{
    size_t n = (size_t)t->dims[0] * (size_t)t->dims[1] * (size_t)t->dims[2] * (size_t)t->dims[3];
    char buf[64];
    int w = 1;
    for (size_t i = 0; i < n && i < limit; i++) {
        int l = (int)strlen(cmd_num(c, t->data[i], buf, sizeof buf));
        w = l > w ? l : w;
    }
    return w;
}

void cmd_print_4d(CmdCtx *c, const Tensor *t, const char *what, bool all)
{
    const int *d = t->dims;
    cmd_out(c, "%s  (%d×%d×%d×%d)", t->name, d[0], d[1], d[2], d[3]);
    if (what)
        cmd_out(c, "  %s", what);
    cmd_out(c, "\n");
    int tw, th;
    cmd_term_size(c, &tw, &th);
    int blocks = d[0] * d[1], per = d[2] * d[3];
    int shown = blocks;
    if (!all) { /* about a screen of lines */
        int lines_per = d[2] + 1, across = 1;
        int w0 = widest(c, t, (size_t)per * 64);
        int bw0 = d[3] * (w0 + 1) - 1;
        across = (tw - 2 + GAP) / (bw0 + GAP);
        across = across < 1 ? 1 : across;
        int fit = (th - 4) / lines_per * across;
        shown = fit < 1 ? 1 : fit < blocks ? fit : blocks;
    }
    int w = widest(c, t, (size_t)shown * (size_t)per);
    char label[96];
    snprintf(label, sizeof label, "%s[%d,%d,:,:]", t->name, d[0] - 1, d[1] - 1);
    int bw = d[3] * (w + 1) - 1;
    if ((int)strlen(label) > bw)
        bw = (int)strlen(label);
    int across = (tw - 2 + GAP) / (bw + GAP);
    across = across < 1 ? 1 : across;
    char buf[64];
    for (int b0 = 0; b0 < shown; b0 += across) {
        int b1 = b0 + across < shown ? b0 + across : shown;
        cmd_out(c, "  ");
        for (int b = b0; b < b1; b++) {
            snprintf(label, sizeof label, "%s[%d,%d,:,:]", t->name, b / d[1], b % d[1]);
            cmd_out(c, "%-*s%*s", bw, label, b + 1 < b1 ? GAP : 0, "");
        }
        cmd_out(c, "\n");
        for (int i = 0; i < d[2]; i++) {
            cmd_out(c, "  ");
            for (int b = b0; b < b1; b++) {
                const double *blk = t->data + (size_t)b * (size_t)per + (size_t)i * (size_t)d[3];
                for (int j = 0; j < d[3]; j++)
                    cmd_out(c, "%s%*s", j ? " " : "", w, cmd_num(c, blk[j], buf, sizeof buf));
                if (b + 1 < b1)
                    cmd_out(c, "%*s", bw - (d[3] * (w + 1) - 1) + GAP, "");
            }
            cmd_out(c, "\n");
        }
    }
    if (shown < blocks)
        cmd_out(c, "  (%d more block%s of %d×%d: `show %s all` shows every one)\n", blocks - shown,
                blocks - shown == 1 ? "" : "s", d[2], d[3], t->name);
}
