/* Parsing one job with libclang: the builtin headers are found (or the error names the Debian
 * package that has them), GCC-only flags do not stop the analysis, and a unit that fails to
 * parse is reported with its first error. */
#ifndef CL_PARSE_H
#define CL_PARSE_H

#include <clang-c/Index.h>
#include <stdbool.h>

#include "compdb.h"

typedef struct cl_parse_result {
    CXTranslationUnit tu; /* NULL when libclang produced nothing */
    bool has_errors;      /* error-severity diagnostics (ignoring unknown-argument ones) */
    char *first_error;    /* "path:line:col: error: message" of the first error, malloc'd */
} cl_parse_result;

/* Parses `job` in `idx` with the given unsaved buffers (editors, --stdin-filename). Returns 0
 * when a unit was produced (possibly with errors: see has_errors), 2 when none was, with
 * first_error saying why. */
int cl_parse_job(CXIndex idx, const cl_job *job, struct CXUnsavedFile *unsaved, unsigned n_unsaved,
                 cl_parse_result *out);
/* The same with the caller's libclang parse options (the language server's editing options:
 * a precompiled preamble that later reparses reuse). */
int cl_parse_job_ex(CXIndex idx, const cl_job *job, struct CXUnsavedFile *unsaved,
                    unsigned n_unsaved, unsigned options, cl_parse_result *out);
/* Reparses out->tu (from cl_parse_job_ex on the same job) with the current unsaved buffers and
 * collects its errors afresh. Returns 0, or 2 with the unit disposed (out->tu NULL) and
 * first_error set: the caller parses anew. */
int cl_reparse_job(const cl_job *job, struct CXUnsavedFile *unsaved, unsigned n_unsaved,
                   cl_parse_result *out);
void cl_parse_result_free(cl_parse_result *r);

/* The clang resource directory ctxlint uses, or NULL when libclang's own is fine. Decided once
 * per process (thread-safe): the compiled-in CTXLINT_RESOURCE_DIR is passed as -resource-dir
 * only when it exists and libclang alone cannot find stddef.h. */
const char *cl_resource_dir(void);

/* The error text to show if the builtin headers (stddef.h) are missing: names the Debian
 * package that provides them. cl_parse_job puts it in first_error when that happens. */
const char *cl_builtin_headers_error(void);

#endif
