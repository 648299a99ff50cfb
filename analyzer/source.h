/* Source texts by canonical path, read once per run: suppressions, carets, fixes, baselines and
 * --verify all need the text of the files that have findings. An editor's unsaved buffer
 * (--stdin-filename, the language server) is registered in place of the file on disk. */
#ifndef CL_SOURCE_H
#define CL_SOURCE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cl_source {
    char *path;
    char *text; /* NUL-terminated; may contain other NULs */
    size_t len;
    size_t *line_starts; /* offset of each line's first byte */
    size_t n_lines;
    bool ok; /* false when the file could not be read */
} cl_source;

typedef struct cl_sources cl_sources;

cl_sources *cl_sources_new(void);
void cl_sources_free(cl_sources *s);
/* Registers `text` (copied) as the contents of `path`. */
void cl_sources_put(cl_sources *s, const char *path, const char *text, size_t len);
/* The source for `path`, read on first use. Never NULL; check ->ok. */
const cl_source *cl_sources_get(cl_sources *s, const char *path);
/* Line `line` (1-based) without its newline: *len receives its length. NULL if out of range. */
const char *cl_source_line(const cl_source *src, unsigned line, size_t *len);

#include <stdio.h>
/* Reads a whole stream into a new NUL-terminated buffer. Returns 0, or -1 with errno set. */
int cl_read_stream(FILE *f, char **text, size_t *len);

#endif
