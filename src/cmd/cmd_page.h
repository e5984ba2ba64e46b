/* cmd_page.h — long text shown a screen at a time, so that a lesson's
 * prose does not scroll away before the learner has read it. */
#ifndef PARAMLAB_CMD_PAGE_H
#define PARAMLAB_CMD_PAGE_H

#include "cmd.h"

/* What the person pressed at a page break. The keys mean what they mean
 * at every prompt of a lesson: Ctrl-C stops what is being shown, Ctrl-D
 * leaves the lesson (as `quit`). */
typedef enum CmdPageKey {
    CMD_PAGE_ON = 0,   /* Enter (or no one to ask): go on */
    CMD_PAGE_STOP = 1, /* Ctrl-C: stop here, back to the prompt */
    CMD_PAGE_LEAVE = 2 /* Ctrl-D: leave the lesson */
} CmdPageKey;

/* Prints text to c->out. When rows > 0 (the caller gives 0 where no one
 * reads along) and a person can answer (the read_line hook), a text
 * taller than the screen stops after each rows - 2 lines until Enter;
 * Ctrl-C or Ctrl-D there stops printing, and *key (may be NULL) says
 * which (else CMD_PAGE_ON). Returns the number of lines printed. */
int cmd_page_text(CmdCtx *c, const char *text, int rows, CmdPageKey *key);

/* When a person can answer and the last text printed took more than
 * half of rows: waits for Enter before a block's commands run, so their
 * output does not push the text off the screen unread. What was pressed
 * (CMD_PAGE_ON when it did not wait). */
CmdPageKey cmd_page_hold(CmdCtx *c, int lines, int rows);

/* The rows a lesson pages by: c->page_rows when set (tests), else the
 * terminal's (0 when out is not one). */
int cmd_page_rows(const CmdCtx *c);

#endif
