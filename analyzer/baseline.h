/* Baselines: adopting ctxlint on an old codebase without fixing everything first.
 * --write-baseline FILE records today's findings; --baseline FILE reports only the others.
 * A finding is matched by its rule, its file (relative to the project root) and a hash of the
 * flagged line's text together with the lines before and after it, whitespace collapsed; never
 * by line number, so edits elsewhere that move it do not bring it back. Entries carry counts:
 * two identical findings need two. The file is JSON, sorted, for reviewable diffs. */
#ifndef CL_BASELINE_H
#define CL_BASELINE_H

#include <stdint.h>

#include "finding.h"
#include "source.h"

typedef struct cl_baseline cl_baseline;

/* Reads a baseline. Returns 0, or -1 with *err (malloc'd) naming the file and what is wrong
 * ("FILE:LINE:COL: ..." for bad JSON, "FILE: findings[3]: ..." for a bad entry). */
int cl_baseline_read(const char *path, cl_baseline **out, char **err);
/* Removes from `findings` those the baseline covers, consuming its counts; returns how many. */
size_t cl_baseline_filter(cl_baseline *b, cl_findings *findings, cl_sources *sources,
                          const char *root);
/* Writes `findings` as a baseline, atomically. 0, or -1 with *err (malloc'd). */
int cl_baseline_write(const char *path, const cl_findings *findings, cl_sources *sources,
                      const char *root, char **err);
void cl_baseline_free(cl_baseline *b);

#include "options.h"
/* The driver's step after suppressions: with --write-baseline, records `findings` and empties
 * the list (they are all accepted now); with --baseline, removes those it covers. Returns 0, or
 * -1 after printing what is wrong with which file on standard error. */
int cl_baseline_run(const cl_options *opt, cl_findings *findings, cl_sources *sources,
                    const char *root);

/* The matching hash of `line` (1-based) of `src`: XXH64 of it and its two neighbours, each with
 * whitespace runs collapsed to one space and trimmed. Exposed for tests. */
uint64_t cl_baseline_line_hash(const cl_source *src, unsigned line);

#endif
