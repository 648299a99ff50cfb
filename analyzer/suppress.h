/* NOLINT suppressions with clang-tidy's meaning, read from a file's comments:
 *   // NOLINT                  every rule, this line
 *   // NOLINT(a, b-*)          these rules (globs), this line
 *   // NOLINTNEXTLINE(...)     the next line
 *   // NOLINTBEGIN(...) ... // NOLINTEND(...)   the lines between, with matching arguments
 * No space between NOLINT and "(" (else it is a bare NOLINT); free text may follow. Only real
 * comments count: text inside string literals does not. */
#ifndef CL_SUPPRESS_H
#define CL_SUPPRESS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cl_suppressions cl_suppressions;

/* Parses the suppressions of one file's text (need not be NUL-terminated). Never fails. */
cl_suppressions *cl_suppress_parse(const char *text, size_t len);
void cl_suppress_free(cl_suppressions *s);

/* True when a finding of `rule` on `line` is suppressed; marks the suppression used. */
bool cl_suppress_match(cl_suppressions *s, const char *rule, unsigned line);
/* The same for a finding at `line`:`col`, which decides NOLINTBEGIN/END exactly as clang-tidy
 * does, by position: a block covers what lies strictly between its NOLINTBEGIN and NOLINTEND.
 * Without a column (col 0, what cl_suppress_match uses) a block covers the lines after its
 * NOLINTBEGIN's line up to and including its NOLINTEND's line. */
bool cl_suppress_match_at(cl_suppressions *s, const char *rule, unsigned line, unsigned col);

/* A problem with the suppressions themselves, reported as a finding of the pseudo-rule
 * "nolint": a NOLINTBEGIN with no NOLINTEND (or the reverse, or mismatched arguments), and
 * with include_unused, a suppression that suppressed nothing. */
typedef struct cl_suppress_problem {
    unsigned line, col;
    char *message; /* malloc'd */
} cl_suppress_problem;

/* Returns the number of problems; *out is a malloc'd array the caller frees (and each message). */
size_t cl_suppress_problems(const cl_suppressions *s, bool include_unused,
                            cl_suppress_problem **out);

/* clang-tidy's glob match for check lists: `*` matches any run of characters. */
bool cl_glob_match(const char *glob, const char *s);

#endif
