/* --fix and --fix-dry-run: applying the fix-its rules attach to findings (only safe ones, e.g.
 * NULL -> ctx_todo()). Per file the fixes must not overlap (a conflicting one is skipped and
 * reported: run --fix again), must lie in the project root, in a writable file whose content
 * is still the content libclang parsed. Files are replaced atomically with their mode kept, so
 * an interrupted run leaves each file either old or new. */
#ifndef CL_FIX_H
#define CL_FIX_H

#include <stdio.h>

#include "finding.h"

typedef struct cl_fix_plan cl_fix_plan;

/* Decides which fixes of `findings` can be applied, reading each file once. Every fix that
 * cannot be applied is reported on `log` with its reason. Never NULL. */
cl_fix_plan *cl_fix_plan_build(const cl_findings *findings, const char *root, FILE *log);
/* The number of findings the plan fixes. */
size_t cl_fix_plan_count(const cl_fix_plan *p);
/* Prints the plan as a unified diff (`--- a/path`, `+++ b/path`, paths relative to the root,
 * hunks with 3 lines of context) that `git apply` and `patch -p1` accept. 0 or -1. */
int cl_fix_plan_diff(const cl_fix_plan *p, FILE *out);
/* Writes the fixed files and removes the findings they fix from `findings` (the same list the
 * plan was built from, unchanged since). A file that changed since the plan was made, or that
 * cannot be written, is reported on `log` and keeps its findings. *n_fixed receives the number
 * of findings removed. Returns 0, or -1 when some file could not be written. */
int cl_fix_plan_apply(cl_fix_plan *p, cl_findings *findings, FILE *log, size_t *n_fixed);
void cl_fix_plan_free(cl_fix_plan *p);

#include "options.h"
/* The driver's step after suppressions and the baseline: with --fix, applies the plan (remaining
 * findings stay in `findings`) and says how many were fixed on standard error unless quiet;
 * with --fix-dry-run, returns the plan for the report (cl_output_request.fix_plan). NULL when
 * neither was asked for. Sets *failed when a file could not be written. */
cl_fix_plan *cl_fix_run(const cl_options *opt, cl_findings *findings, const char *root,
                        bool *failed);

#endif
