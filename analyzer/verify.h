/* `ctxlint --verify`: checks a run's findings against annotations in the linted files, so rule
 * tests are annotated C run through the real binary (Go's analysistest, clang -verify).
 *   // expect: RULE                 a finding of RULE on this line
 *   // expect: RULE "regex"         ... whose message matches the POSIX extended regex
 *   // expect@+N: RULE / expect@-N  ... on the line N below / above
 *   several `expect` directives may share one comment
 *   // expect-no-diagnostics        the file must produce no finding
 *   // expect-known-failure: why    the file is a known gap: it fails when it starts passing
 * Every finding must match an expectation and every expectation must be met. */
#ifndef CL_VERIFY_H
#define CL_VERIFY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "finding.h"

typedef struct cl_expect_file cl_expect_file;

/* Parses the directives of one file's text. Returns NULL and sets *err (malloc'd, naming the
 * line) for a malformed directive: unknown form, bad offset, a regex that does not compile. */
cl_expect_file *cl_expect_parse(const char *text, size_t len, char **err);
void cl_expect_free(cl_expect_file *ef);

/* True when the file has at least one directive (expectations or expect-no-diagnostics). */
bool cl_expect_has_directives(const cl_expect_file *ef);
bool cl_expect_known_failure(const cl_expect_file *ef);
/* The reason given by expect-known-failure (owned by ef), NULL when the file has none. */
const char *cl_expect_known_failure_reason(const cl_expect_file *ef);

/* Matches the findings of this file (each finding's begin.file is this file) against its
 * expectations; writes one line per mismatch to `out` in the gcc form
 * ("path:line:col: error: unexpected finding: ... [rule]" / "path:line: error: expected RULE
 * \"re\" was not reported"). Returns the number of mismatches. */
size_t cl_expect_check(cl_expect_file *ef, const char *path, const cl_finding *findings, size_t n,
                       FILE *out);

#endif
