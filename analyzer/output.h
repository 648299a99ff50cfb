/* Writing the report: picks the emitter for --format (or, with --fix-dry-run, the diff) and
 * writes to standard output or, with --output FILE, to a temporary file renamed over FILE once
 * complete (never half a report). */
#ifndef CL_OUTPUT_H
#define CL_OUTPUT_H

#include <stdbool.h>

#include "config.h"
#include "finding.h"
#include "fix.h"
#include "options.h"
#include "source.h"

typedef struct cl_output_request {
    const cl_options *opt;
    const cl_config *cfg;
    const cl_findings *findings;
    cl_sources *sources;
    const char *cwd;
    bool color;
    const char *root;            /* the project root (root.h); NULL: found from cwd */
    const cl_fix_plan *fix_plan; /* with --fix-dry-run: the diff is the report */
} cl_output_request;

/* Returns 0, or -1 after printing what failed (with the path) on standard error. */
int cl_output_write(const cl_output_request *req);

/* Writes `len` bytes to `path` atomically: a temporary file beside it, fsync, rename; an
 * existing file's mode is kept. Returns 0 or -1 with errno set. */
int cl_write_file_atomic(const char *path, const char *data, size_t len);

#endif
