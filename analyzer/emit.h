/* Output formats: one emitter per format, each writing a whole report to a stream. */
#ifndef CL_EMIT_H
#define CL_EMIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include <jansson.h>

#include "finding.h"
#include "source.h"

typedef struct cl_emit_ctx {
    const cl_findings *findings; /* sorted */
    cl_sources *sources;
    FILE *out;
    bool color;       /* colour and a caret under the source line, as clang prints on a terminal */
    const char *cwd;  /* paths under it are printed relative to it */
    const char *root; /* the project root (root.h): SARIF URIs are relative to it; may be NULL */
} cl_emit_ctx;

/* `path` relative to `cwd` when it lies under it; else `path` itself. */
const char *cl_display_path(const char *path, const char *cwd);

/* gcc/clang text: `path:line:col: warning: message [rule-id]`. */
int cl_emit_text(const cl_emit_ctx *e);
/* One JSON array of findings (file, line, column, end_line, end_column, rule, severity,
 * message, notes, fixes). */
int cl_emit_json(const cl_emit_ctx *e);
/* SARIF 2.1.0 for GitHub code scanning and other SARIF consumers. */
int cl_emit_sarif(const cl_emit_ctx *e);
/* GitHub Actions workflow commands (`::warning file=…,line=…::message`). */
int cl_emit_github(const cl_emit_ctx *e);

/* The rule's page (rules/<id>.md): from $CTXLINT_DOC_DIR, the installed pages, then the source
 * tree. False (and *text NULL) when none is readable. */
bool cl_rule_page(const char *id, char **text, size_t *len);

/* A JSON string for `s` (invalid UTF-8 replaced by U+FFFD: JSON strings must be UTF-8, paths
 * and source text are not always); a new reference. */
json_t *cl_json_text(const char *s);
/* Dumps `doc` (steals the reference) to `out`, indented, with a final newline; 0 or -1. */
int cl_json_dump(json_t *doc, FILE *out);

/* GitHub workflow-command escaping (exposed for tests); malloc'd results. Data (the message):
 * `%` `\r` `\n`; a property value additionally `:` and `,`. */
char *cl_github_escape_data(const char *s);
char *cl_github_escape_property(const char *s);

/* GitHub's primaryLocationLineHash for every line of `text` (codeql-action's
 * src/fingerprints.ts): returns an array indexed by line - 1 of "hex:N" strings, *n_lines its
 * length; free with cl_line_hashes_free. Lines are counted as GitHub counts them (CR, LF and
 * CRLF each end a line). */
char **cl_line_hashes(const char *text, size_t len, size_t *n_lines);
void cl_line_hashes_free(char **hashes, size_t n_lines);

/* The 1-based UTF-16 column of 1-based byte column `byte_col` in `line` (`len` bytes of UTF-8;
 * invalid bytes count as one unit each, as U+FFFD). A column past the end counts the missing
 * bytes as one unit each. */
unsigned cl_utf16_column(const char *line, size_t len, unsigned byte_col);

#endif
