/* csv.h — the engine's CSV reader (csv.c), shared by the data loaders
 * (data_csv.c, data_predict.c): lines of cells at a separator, and what a
 * cell holds.
 * Engine-internal. */
#ifndef PARAMLAB_CSV_H
#define PARAMLAB_CSV_H

#include <stdbool.h>
#include <stdio.h>

#define CSV_MAX_LINE (1 << 20) /* bytes in one CSV line */
#define CSV_MAX_COLS 100000    /* columns of a CSV file */
#define CSV_CHUNK (1 << 16)    /* bytes read from the file at a time */

/* A CSV file read line by line through a fixed chunk, so a huge line or a
 * binary file is refused before it fills memory. */
typedef struct Csv {
    const char *path; /* as given, for messages */
    FILE *f;
    char *chunk;      /* (CSV_CHUNK) bytes read ahead */
    size_t pos, len;  /* next byte and end of the chunk */
    bool eof;         /* the file is exhausted */
    bool skip_lf;     /* the last line ended in '\r': skip a '\n' after it */
    char *line;       /* the current line, NUL-terminated */
    size_t n, cap;    /* its length and capacity */
    long lineno;      /* 1-based number of the current line */
    char **cell;      /* the current row's cells, pointing into line */
    int ncell, capcell;
    char sep;         /* the separator, or 0 to detect it from the first line */
} Csv;

/* Reads the next non-blank line (the separator detected from the first
 * one when c->sep is 0) and splits it into c->cell; 1, 0 at the end, -1
 * with err. The caller sets path, f and chunk (CSV_CHUNK bytes) and frees
 * cell, line and chunk. */
int csv_next_row(Csv *c, char *err);

/* What a cell holds. */
enum { CELL_NUMBER, CELL_MISSING, CELL_INF, CELL_TEXT };
/* The kind of cell s: a number (into *v), a missing value ("", NA, N/A,
 * NaN), an infinity, or text. */
int csv_cell(const char *s, double *v);
/* True for "17,99" or "-0,5": a number written with a decimal comma. */
bool csv_decimal_comma(const char *s);
/* At most the first 20 bytes of cell s copied into buf, for a message: a
 * character cut in two or a byte that moves the terminal's cursor shows
 * as '?'. Returns buf. */
const char *csv_cell_shown(const char *s, char buf[24]);

#endif
