/* cmd_page.c — long text shown a screen at a time (see cmd_page.h). The
 * person answers through c->read_line, so nothing here touches the
 * terminal itself; how tall it is (0 for a straight run, where no one
 * reads along), the caller says. */
#include "cmd_page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>


int cmd_page_text(CmdCtx *c, const char *text, int rows)
{
    int page = rows - 2, lines = 0, on_page = 0;
    bool paging = c->read_line && page >= 3;
    for (const char *p = text; *p;) {
        size_t n = strcspn(p, "\n");
        fwrite(p, 1, n + (p[n] == '\n'), c->out);
        p += n + (p[n] == '\n');
        lines++;
        if (paging && ++on_page == page && *p) {
            fflush(c->out);
            char *got = c->read_line(c->read_ctx, "-- more: Enter --");
            paging = got != NULL; /* Ctrl-D or Ctrl-C: the rest at once */
            if (c->interrupt)
                *c->interrupt = 0;
            free(got);
            on_page = 0;
        }
    }
    return lines;
}

int cmd_page_hold(CmdCtx *c, int lines, int rows)
{
    if (!c->read_line || rows <= 0 || 2 * lines <= rows)
        return 0;
    fflush(c->out);
    char *got = c->read_line(c->read_ctx, "-- Enter runs the commands --");
    bool stop = !got && c->interrupt && *c->interrupt;
    free(got);
    return stop;
}
