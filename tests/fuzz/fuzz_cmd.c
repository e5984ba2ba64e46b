/* fuzz_cmd.c — the command line parser and executor: an input is up to 16
 * lines run one by one through cmd_exec_line on a fresh session. Cost
 * caps keep each input cheap: numbers of three digits or more and
 * exponents are skipped (no n=100000, no width 1e6), and commands that
 * touch files or start gnuplot (plot, record, export, run, lesson, load,
 * save, file=) are left to their own tests; the watchdog (session_fx.h)
 * interrupts whatever still runs long. */
#include <ctype.h>

#include "session_fx.h"

/* True when the input asks for more than the caps allow. */
static int too_costly(const char *s, size_t n)
{
    static const char *const skip[] = {"plot", "record", "export", "run", "lesson", "load", "save",
                                       "file", "pause", "ask", "quit", "exit", "history"};
    for (size_t i = 0; i < sizeof skip / sizeof *skip; i++)
        if (strstr(s, skip[i]))
            return 1;
    int digits = 0;
    for (size_t i = 0; i < n; i++) {
        if (isdigit((unsigned char)s[i])) {
            if (++digits >= 3)
                return 1;
        } else {
            if (digits && strchr("eExXpP", s[i]))
                return 1;
            digits = 0;
        }
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 512)
        return 0;
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    if (strlen(text) != size || too_costly(text, size)) {
        free(text);
        return 0;
    }
    CmdCtx c;
    if (fx_open(&c) == 0) {
        int lines = 0;
        for (char *save = NULL, *line = strtok_r(text, "\n", &save); line && lines < 16;
             line = strtok_r(NULL, "\n", &save), lines++)
            fx_line(&c, line);
        fx_close(&c);
    }
    free(text);
    return 0;
}
