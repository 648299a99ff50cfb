/* The one walk of a translation unit: every non-system cursor is visited once and dispatched,
 * by cursor kind, to the enabled rules that asked for it. */
#ifndef CL_WALK_H
#define CL_WALK_H

#include <clang-c/Index.h>
#include <stdbool.h>

#include "config.h"
#include "facts.h"
#include "finding.h"

typedef struct cl_unit_result {
    cl_findings findings; /* unconditional and conditional (cond_kind set) findings */
    cl_facts facts;       /* cross-file facts recorded by the rules */
} cl_unit_result;

/* Walks `tu` with the enabled rules of `cfg`. With `only_file` (a canonical path), findings
 * elsewhere are dropped (a header linted through a synthetic unit). */
void cl_walk_unit(CXTranslationUnit tu, const cl_config *cfg, bool has_errors,
                  const char *only_file, cl_unit_result *out);

/* The canonical path of a libclang file (realpath when it exists), malloc'd. */
char *cl_file_path(CXFile f);

#endif
