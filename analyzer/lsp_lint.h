/* Linting one open document for the language server, the way the command line lints a named
 * file: flags from the nearest compile_commands.json (cl_jobs_build), the nearest
 * .ctxlint.yaml (re-read when it changes), the editor's buffer as an unsaved file, one walk.
 * The parsed unit is kept and reparsed (precompiled preamble), so that later lints cost a
 * fraction of the first. Which findings are shown is decided separately (cl_lsp_resolve), so
 * that facts arriving from the background summaries re-decide them without a reparse. */
#ifndef CL_LSP_LINT_H
#define CL_LSP_LINT_H

#include <clang-c/Index.h>

#include "facts.h"
#include "lsp_docs.h"

/* What the client (initializationOptions, workspace/didChangeConfiguration) or the command
 * line chose; each NULL when unset. Paths are absolute. */
typedef struct cl_lsp_settings {
    char *compile_commands_dir; /* as -p DIR */
    char *config;               /* as --config FILE */
    char *checks;               /* as --checks GLOBS */
} cl_lsp_settings;

/* Lints `doc` from its current text in `idx` and clears its dirty flag. Returns 0 when it was
 * parsed and walked, -1 when it could not be (*log, malloc'd, says why). *show (malloc'd or
 * NULL) is a message for the user: a configuration that could not be read (shown once). */
int cl_lsp_lint(cl_lsp_doc *doc, CXIndex idx, const cl_lsp_settings *set, char **log, char **show);

/* Decides what `doc` shows from its last lint: its findings in its own file whose cross-file
 * condition holds in `facts` (sorted) and that no NOLINT in its buffer suppresses, plus the
 * suppressions' own problems. */
void cl_lsp_resolve(cl_lsp_doc *doc, const cl_facts *facts);

/* The configuration a file gets under `set` (the nearest .ctxlint.yaml, --config, --checks).
 * On an error, *err is set and the defaults (with the checks) are returned instead. */
cl_config *cl_lsp_config_for(const char *file, const cl_lsp_settings *set, char **err);

#endif
