/* Output formats: one emitter per format, each writing a whole report to a stream. */
#ifndef CL_EMIT_H
#define CL_EMIT_H

#include <stdbool.h>
#include <stdio.h>

#include "finding.h"
#include "source.h"

typedef struct cl_emit_ctx {
    const cl_findings *findings; /* sorted */
    cl_sources *sources;
    FILE *out;
    bool color;      /* colour and a caret under the source line, as clang prints on a terminal */
    const char *cwd; /* paths under it are printed relative to it */
} cl_emit_ctx;

/* `path` relative to `cwd` when it lies under it; else `path` itself. */
const char *cl_display_path(const char *path, const char *cwd);

int cl_emit_text(const cl_emit_ctx *e);

#endif
