/* text.h — a sink for explanation text. The engine never prints: where a
 * descriptor (an optimizer's, a loss's) writes the text `explain` shows,
 * it writes into a TextSink the command layer hands it, and the command
 * layer decides where the text goes and how numbers look. */
#ifndef PARAMLAB_TEXT_H
#define PARAMLAB_TEXT_H

#include <stddef.h>

typedef struct TextSink {
    void (*put)(void *ctx, const char *text);                    /* appends text */
    const char *(*num)(void *ctx, double v, char *buf, size_t n); /* v as numbers are shown */
    void *ctx;                                                    /* the caller's, passed back */
} TextSink;

/* Columns a UTF-8 string takes on screen: one per character (×, Δ, ‖ are
 * one; continuation bytes take none). */
int text_cols(const char *s);

/* Appends the formatted text (up to 511 bytes). */
void text_out(const TextSink *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* v as the sink shows numbers, into buf; text_par puts it in parentheses
 * when negative (a factor of a product). Both return buf. */
const char *text_num(const TextSink *w, double v, char *buf, size_t n);
const char *text_par(const TextSink *w, double v, char *buf, size_t n);

/* Shorthands for a function whose sink is called w. */
#define TEXT_NUM(v) text_num(w, (v), (char[40]){0}, 40)
#define TEXT_PAR(v) text_par(w, (v), (char[44]){0}, 44)

#endif
