/* fuzz_lesson.c — the lesson parser and renderer: each input is a lesson's
 * Markdown, parsed with every command line checked as `lesson` checks it,
 * and rendered at a width (from the input's length) with and without
 * colour. */
#include "lesson.h"
#include "session_fx.h"

static int check_line(void *ctx, const char *line, char *err)
{
    (void)ctx;
    return cmd_check_line(line, err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size > 1 << 16)
        return 0;
    fx_setup();
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    char err[ERR_LEN];
    Lesson *l = lesson_parse("fuzz.md", text, check_line, NULL, err);
    lesson_free(l);
    int width = 10 + (int)(size % 150);
    lesson_render(fx_sink, text, width, false);
    lesson_render(fx_sink, text, width, true);
    free(text);
    return 0;
}
