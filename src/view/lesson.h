/* lesson.h — a lesson is a Markdown file: prose is narration, fenced blocks
 * tagged `paramlab` hold commands. This front-end module reads one into
 * prose chunks and command blocks (every command keeps its source line),
 * refuses a malformed lesson with "FILE:LINE: message" before anything
 * runs, and renders Markdown prose readably in a terminal. It knows
 * nothing of the session or the commands: the command layer passes a
 * callback that checks each command line. */
#ifndef PARAMLAB_LESSON_H
#define PARAMLAB_LESSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct LessonLine {
    long line;  /* line number in the file, from 1 */
    char *text; /* the command line, trimmed */
} LessonLine;

typedef struct LessonBlock {
    char *prose;       /* Markdown shown before the block (since the previous one); may be "" */
    long line;         /* line of the opening ```paramlab fence */
    LessonLine *lines; /* (n_lines) non-blank lines of the block */
    int n_lines;
} LessonBlock;

typedef struct Lesson {
    char *path;          /* the file, as given */
    char *title;         /* first `# ` heading, else the file's name */
    LessonBlock *blocks; /* (n_blocks) at least one */
    int n_blocks;
    char *tail;          /* prose after the last block; may be "" */
} Lesson;

/* Checks one command line of a block; returns 0, or -1 with a message in
 * err (ERR_LEN bytes) without the FILE:LINE prefix. */
typedef int (*LessonCheck)(void *ctx, const char *line, char *err);

/* Reads the lesson in path. Every block line is passed to check (when not
 * NULL). Returns an owned Lesson, or NULL with "FILE:LINE: message" in err
 * for an unreadable file, an unclosed fence, an empty block, a line check
 * refuses, or a file without any paramlab block. */
Lesson *lesson_load(const char *path, LessonCheck check, void *ctx, char *err);
/* The same from text in memory; path names it in messages. */
Lesson *lesson_parse(const char *path, const char *text, LessonCheck check, void *ctx, char *err);
void lesson_free(Lesson *l);

/* The title of the lesson in path (its first `# ` heading outside code)
 * into buf; false when the file has none or cannot be read. */
bool lesson_title(const char *path, char *buf, size_t n);

/* Writes Markdown prose to f for a terminal `width` columns wide: headings
 * set off, **bold**, *emphasis* and `code` as ANSI styles when color is
 * true (otherwise ** and * markers are dropped; `code` keeps its
 * backticks, as paramlab's own messages write commands), lists with a
 * hanging indent, paragraphs re-wrapped (one column per UTF-8 code point,
 * never splitting one), links as "text (url)", tables aligned, code blocks
 * indented verbatim. */
void lesson_render(FILE *f, const char *md, int width, bool color);

/* Whether to colour output to f: not when NO_COLOR is set, TERM is unset
 * or "dumb", or f is not a terminal. */
bool lesson_color(FILE *f);
/* Columns to render for f: the terminal's width, else $COLUMNS, else 80;
 * at most 100, at least 20. */
int lesson_width(FILE *f);
/* Rows of the terminal f is, or 0 when f is no terminal (nothing to page). */
int lesson_height(FILE *f);

#endif
