/* Shared precompiled system headers (--shared-pch): most units of a project start with the same
 * run of `#include <...>` system headers, and parsing them again for every unit is most of the
 * parse. The leading system includes of each C unit (only comments may come before them) are
 * precompiled once per distinct (flags, include list), when at least four units share it, and
 * each such unit is parsed with `-include-pch`. Only system headers go in (every file of the
 * PCH is checked), and the walk skips system declarations anyway, so the findings are the same.
 * A unit whose PCH fails to build or to load is parsed the ordinary way. */
#ifndef CL_PCH_H
#define CL_PCH_H

#include <clang-c/Index.h>
#include <stddef.h>

#include "compdb.h"
#include "parse.h"

typedef struct cl_pch cl_pch;

/* For a run over `jobs` (kept by reference). Nothing is read or built until cl_pch_for. */
cl_pch *cl_pch_new(const cl_jobs *jobs);
/* Removes the run's PCH files. */
void cl_pch_free(cl_pch *p);

/* The -include-pch file for job `i`, built on first use in `idx` (the caller's index; other
 * threads wanting the same one wait), or NULL when the job has no shared prefix or it cannot
 * be built. *deps / *n_deps receive the files precompiled in it (valid until cl_pch_free). */
const char *cl_pch_for(cl_pch *p, CXIndex idx, size_t i, char *const **deps, size_t *n_deps);

/* Parses job `i` as cl_parse_job does (no unsaved buffers), with its shared PCH when it has
 * one; a unit that does not parse cleanly with it is parsed again without. *deps / *n_deps:
 * as for cl_pch_for, empty when no PCH was used. */
int cl_pch_parse(cl_pch *p, CXIndex idx, size_t i, cl_parse_result *out, char *const **deps,
                 size_t *n_deps);

/* The leading `#include <...>` names of a C source (exposed for tests): only blank lines and
 * comments may precede or separate them. Stops at the first include found under one of the
 * `-I` folders of argv (not a system header). Returns the count; *names (malloc'd). */
size_t cl_pch_prefix(const char *text, size_t len, char **argv, int argc, char ***names);

#endif
