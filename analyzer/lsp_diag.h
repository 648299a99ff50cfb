/* Findings as LSP objects: diagnostics (ranges in UTF-16 code units, the rule id as `code`, its
 * page as `codeDescription`, notes as `relatedInformation`) and code actions (each finding's
 * fix-its as one quick fix, and "Suppress RULE on this line"). Findings carry 1-based byte
 * columns and byte offsets; LSP counts UTF-16 code units, so every position goes through the
 * text of its line. */
#ifndef CL_LSP_DIAG_H
#define CL_LSP_DIAG_H

#include <jansson.h>
#include <stddef.h>

#include "lsp_docs.h"

/* The rule pages' base URL: the page of rule ID is CTXLINT_DOCS_URL ID ".md". */
#ifndef CTXLINT_DOCS_URL
#define CTXLINT_DOCS_URL "https://github.com/ctxlint/ctxlint/blob/main/rules/"
#endif

/* The UTF-16 column (0-based) of the byte column `byte_col` (1-based) on a line of `len` bytes.
 * Bytes that are not valid UTF-8 count one unit each, as do columns past the line's end. */
unsigned cl_lsp_utf16_column(const char *line, size_t len, unsigned byte_col);

/* The params of textDocument/publishDiagnostics for what `doc` shows (cl_lsp_resolve). */
json_t *cl_lsp_publish_params(const cl_lsp_doc *doc);
/* The result of textDocument/codeAction: the actions for what `doc` shows in `range` (an LSP
 * Range). */
json_t *cl_lsp_code_actions(const cl_lsp_doc *doc, const json_t *range);

#endif
