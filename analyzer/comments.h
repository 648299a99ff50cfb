/* Internal: the comments of a C/C++ source text, found by a small lexer that knows just enough
 * of the language (string and character literals, raw strings, digit separators, line splices)
 * not to mistake a quoted "// NOLINT" for a comment. Shared by suppress.c (NOLINT) and verify.c
 * (expect directives), which must agree on what a comment is. Total over arbitrary bytes:
 * unterminated comments and literals end at the end of the text, NUL bytes and invalid UTF-8
 * are ordinary bytes. */
#ifndef CL_COMMENTS_H
#define CL_COMMENTS_H

#include <stdbool.h>
#include <stddef.h>

/* One comment, as raw bytes of the source: `text` points into the scanned buffer and includes
 * the delimiters ("//" ... up to, not including, the line break that ends it; "/" "*" ... "*" "/"
 * or up to the end of the text when unterminated). Line splices inside are left as they are. */
typedef struct cl_comment {
    const char *text;
    size_t len;
    unsigned line, col; /* of the first byte; 1-based, column in bytes */
    bool block;         /* a block comment rather than a line comment */
} cl_comment;

typedef void (*cl_comment_fn)(const cl_comment *c, void *arg);

/* Calls fn for each comment of text[0, len) in source order. Lines end at "\n", "\r\n" or a
 * lone "\r", as in clang. */
void cl_comments_each(const char *text, size_t len, cl_comment_fn fn, void *arg);

/* Turns offsets into a comment into lines and columns, for directives that apply to the
 * physical line they are written on rather than the line where their comment starts. Offsets
 * must be asked for in increasing order, so a comment full of directives stays linear. */
typedef struct cl_comment_cursor {
    const cl_comment *c;
    size_t off, line_start;
    unsigned line;
    bool moved; /* a line break has been passed: columns count from line_start */
} cl_comment_cursor;

void cl_comment_cursor_init(cl_comment_cursor *cur, const cl_comment *c);
/* The line and column of byte `off` (clamped to the comment's length). */
void cl_comment_cursor_pos(cl_comment_cursor *cur, size_t off, unsigned *line, unsigned *col);

/* Number of lines of a text: a final line break does not start a new line; empty text has 0. */
unsigned cl_text_line_count(const char *text, size_t len);

#endif
