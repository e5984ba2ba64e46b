/* cmd_grid.h — printing a tensor, or a slice of it, as a table
 * (cmd_grid.c): indices and names on the rows and columns, columns
 * wrapped to the terminal's width, rows cut to the screen unless all. */
#ifndef PARAMLAB_CMD_GRID_H
#define PARAMLAB_CMD_GRID_H

#include "cmd_ctx.h"

/* What part of a tensor to print. */
typedef struct CmdView {
    bool all;       /* every row and column, however long */
    bool sliced;    /* only [r0,r1) × [c0,c1) */
    long r0, r1;    /* rows, end excluded */
    long c0, c1;    /* columns, end excluded */
} CmdView;

/* The terminal's size for c->out: the terminal itself, else $COLUMNS and
 * $LINES, else 80×24 (at least 40×12). */
void cmd_term_size(const CmdCtx *c, int *cols, int *rows);
/* The name of row i / column j of t where the data gives one (W1's rows
 * are features; the output layer's columns, yhat's and X's name classes,
 * targets or features); NULL otherwise. Borrowed, or in buf. */
const char *cmd_grid_row_label(const CmdCtx *c, const Tensor *t, int i);
const char *cmd_grid_col_label(const CmdCtx *c, const Tensor *t, int j, char *buf, size_t n);
/* Prints t (v NULL: all of it, rows cut to the screen) with what in the
 * heading. */
void cmd_print_view(CmdCtx *c, const Tensor *t, const char *what, const CmdView *v);

#endif
