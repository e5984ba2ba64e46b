/* cmd_images.h — image data shown as pictures (cmd_images.c): rows of a
 * data set whose rows are images (`data digits`, `data load ... image=`)
 * gathered into a grid for plot.c's plot_images, `data show` drawing the
 * first rows in the terminal, and `data show row=N` one image beside its
 * pixel values. Other grids (conv filters, feature maps) fill a CmdImages
 * the same way and hand it to `plot`. */
#ifndef PARAMLAB_CMD_IMAGES_H
#define PARAMLAB_CMD_IMAGES_H

#include "cmd.h"
#include "plot.h"

#define CMD_IMAGES_DEFAULT 16 /* rows `plot images` draws without a number */
#define CMD_IMAGES_MAX 400    /* rows one grid draws at most */

/* A grid ready for plot_images, owning its numbers and words. */
typedef struct CmdImages {
    PlotImages im;     /* points into v and titles */
    double *v;         /* (im.n, im.h, im.w) owned */
    char **titles;     /* (im.n) owned */
    char title[200];   /* the picture's title */
    char caption[200]; /* under the grid: what the shades mean */
} CmdImages;

/* `plot images [N]` (argv[0] is "images"): the first N rows of the image
 * data (default CMD_IMAGES_DEFAULT), one image per row and channel, each
 * titled with its row and label. -1 with c->err without image data or for
 * a bad N; fills *out (free with cmd_images_free) on success. */
int cmd_images_plot_args(CmdCtx *c, int argc, char **argv, CmdImages *out);
void cmd_images_free(CmdImages *ci);

/* `data show [ROWS]` on image data: the first rows drawn in the terminal,
 * as many to a line as fit. -1 with c->err when out of memory. */
int cmd_images_show_rows(CmdCtx *c, long rows);
/* `data show row=N`: row N (any data) with every feature; an image row as
 * a picture beside its pixel values laid out as the image. -1 with
 * c->err. */
int cmd_images_show_row(CmdCtx *c, long row);

#endif
