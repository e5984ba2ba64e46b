/* fuzz_literal.c — the literal parser: each input is the right-hand side
 * of an assignment (`W1 = [[...]]`, `b1 = ...`, `W1[0,1] = ...`, chosen by
 * its first byte) to a small model on small data; the model is shown
 * afterwards, so what the parser stored is printed. */
#include "session_fx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const lhs[] = {"W1 = ", "b1 = ", "W1[0,1] = ", "W2 = ", "b2[1] = ", "W1[1] = "};
    if (size < 1 || size > 4096 || memchr(data, '\0', size) || memchr(data, '\n', size) ||
        memchr(data, ';', size) || memchr(data, '#', size))
        return 0;
    const char *target = lhs[data[0] % (sizeof lhs / sizeof *lhs)];
    char *line = malloc(strlen(target) + size);
    if (!line)
        return 0;
    strcpy(line, target);
    memcpy(line + strlen(target), data + 1, size - 1);
    line[strlen(target) + size - 1] = '\0';
    CmdCtx c;
    if (fx_open(&c) == 0) {
        if (fx_line(&c, "data blobs n=20 classes=3 features=2; model mlp 3") == 0) {
            fx_line(&c, line);
            fx_line(&c, "show W1; show b1; show W2; forward");
        }
        fx_close(&c);
    }
    free(line);
    return 0;
}
