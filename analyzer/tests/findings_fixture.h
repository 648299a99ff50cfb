/* Building finding lists by hand for the emitter, baseline and fixer tests. Header-only
 * (static inline) because CMake builds each tests/test_*.c as its own program. */
#ifndef CL_FINDINGS_FIXTURE_H
#define CL_FINDINGS_FIXTURE_H

#include "finding.h"
#include "xalloc.h"

/* Appends a finding of `rule` from (line, col) to (eline, ecol) of `file`. */
static inline cl_finding *ff_add(cl_findings *l, const char *file, const char *rule,
                                 cl_severity sev, unsigned line, unsigned col, unsigned eline,
                                 unsigned ecol, const char *message)
{
    cl_finding *f = cl_findings_push(l);
    f->rule = rule;
    f->severity = sev;
    f->message = cl_xstrdup(message);
    f->begin.file = cl_xstrdup(file);
    f->begin.line = line;
    f->begin.col = col;
    f->end.file = cl_xstrdup(file);
    f->end.line = eline;
    f->end.col = ecol;
    return f;
}

#endif
