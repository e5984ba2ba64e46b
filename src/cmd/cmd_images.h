/* cmd_images.h — grids of small images (cmd_images.c) that `plot` hands
 * to plot.c's plot_images: rows of a data set whose rows are images
 * (`data digits`, `data load ... image=`), a conv layer's kernels, the
 * feature maps of one input; `data show` drawing the first rows in the
 * terminal, and `data show row=N` one image beside its pixel values. */
#ifndef PARAMLAB_CMD_IMAGES_H
#define PARAMLAB_CMD_IMAGES_H

#include "cmd.h"
#include "plot.h"

#define CMD_IMAGES_DEFAULT 16 /* rows `plot images` draws without a number */
#define CMD_IMAGES_MAX 400    /* rows one grid draws at most */

/* A grid ready for plot_images, owning its numbers and words. */
typedef struct CmdImages {
    PlotImages im;     /* points into v and titles */
    double *v;         /* (im.n, im.h, im.w) owned; with sizes, each image's own size */
    char **titles;     /* (im.n) owned */
    int *sizes;        /* (im.n, 2) owned, or NULL: every image im.h × im.w */
    char title[200];   /* the picture's title */
    char caption[200]; /* under the grid: what the shades mean */
} CmdImages;

/* The grid of `plot images|filters|maps ...` (argv[0] is the kind):
 *   images [N]   the first N rows of the image data (default
 *                CMD_IMAGES_DEFAULT), one image per row and channel,
 *                each titled with its row and label;
 *   filters K1   each kernel K1[f,c,:,:] of a conv layer, titled "f0 c0",
 *                on one scale symmetric around 0;
 *   maps A1 [row=N] [train|val|test]   Z, A or P of a conv layer for one
 *                input: the input image first, then each channel's map.
 *                N is a row of the current batch when the loop has run
 *                forward on it (dZ1, dA1, dP1 after backward), else (or
 *                with a share named) row N of that share (training by
 *                default) run through a copy of the model.
 * -1 with one line in c->err (no image data, no model or no conv layer,
 * a name that is not a conv kernel or map, a row past the rows); fills
 * *out (free with cmd_images_free) on success. */
int cmd_images_plot(CmdCtx *c, int argc, char **argv, CmdImages *out);
void cmd_images_free(CmdImages *ci);
/* Completion after `plot filters` (the conv kernels) and `plot maps` (the
 * conv layers' Z, A, P, then row=, train, val, test). */
CmdComplete cmd_images_complete(const CmdCtx *c, int argi, char **words, CmdAddFn add, void *ctx);

/* `data show [ROWS]` on image data: the first rows drawn in the terminal,
 * as many to a line as fit. -1 with c->err when out of memory. */
int cmd_images_show_rows(CmdCtx *c, long rows);
/* `data show row=N`: row N (any data) with every feature; an image row as
 * a picture beside its pixel values laid out as the image. -1 with
 * c->err. */
int cmd_images_show_row(CmdCtx *c, long row);

#endif
