/* cmd_page.c — long text shown a screen at a time (see cmd_page.h). The
 * person answers through c->read_line, so nothing here touches the
 * terminal itself; how tall it is (0 for a straight run, where no one
 * reads along), the caller says. */
#include "cmd_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lesson.h"

/* Waits at prompt for Enter; what was pressed. */
static CmdPageKey wait_key(CmdCtx *c, const char *prompt)
{
    fflush(c->out);
    char *got = c->read_line(c->read_ctx, prompt);
    if (got) {
        free(got);
        return CMD_PAGE_ON;
    }
    if (c->interrupt && *c->interrupt)
        return CMD_PAGE_STOP;
    cmd_out(c, "\n"); /* Ctrl-D left the cursor on the prompt's line */
    return CMD_PAGE_LEAVE;
}

int cmd_page_text(CmdCtx *c, const char *text, int rows, CmdPageKey *key)
{
    int page = rows - 2, lines = 0, on_page = 0;
    bool paging = c->read_line && page >= 3;
    CmdPageKey k = CMD_PAGE_ON;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fwrite(p, 1, n + (p[n] == '\n'), c->out);
        p += n + (p[n] == '\n');
        lines++;
        if (paging && ++on_page == page && *p) {
            k = wait_key(c, "-- more: Enter --");
            if (k != CMD_PAGE_ON)
                break;
            on_page = 0;
        }
    }
    if (key)
        *key = k;
    return lines;
}

CmdPageKey cmd_page_hold(CmdCtx *c, int lines, int rows)
{
    if (!c->read_line || rows <= 0 || 2 * lines <= rows)
        return CMD_PAGE_ON;
    return wait_key(c, "-- Enter runs the commands --");
}

int cmd_page_rows(const CmdCtx *c)
{
    return c->page_rows > 0 ? c->page_rows : lesson_height(c->out);
}
