/* cmd_page.h — long text shown a screen at a time, so that a lesson's
 * prose does not scroll away before the learner has read it. */
#ifndef PARAMLAB_CMD_PAGE_H
#define PARAMLAB_CMD_PAGE_H

#include "cmd.h"

/* Prints text to c->out. When rows > 0 (the caller gives 0 where no one
 * reads along) and a person can answer (the read_line hook), a text taller than the screen stops after each
 * rows - 2 lines until Enter (Ctrl-D or Ctrl-C there prints the rest at
 * once). Returns the number of lines printed. */
int cmd_page_text(CmdCtx *c, const char *text, int rows);

/* When a person can answer and the last text printed took more than
 * half of rows: waits for Enter before a block's commands run, so their
 * output does not push the text off the screen unread. 1 when Ctrl-C
 * was pressed there, else 0. */
int cmd_page_hold(CmdCtx *c, int lines, int rows);

#endif
