/* The language server's open documents: each one's URI, path and current text as the editor
 * holds it, and what linting it keeps between edits (its job, its parsed unit for reparses, its
 * configuration, its last findings and cross-file facts). Also file: URI <-> path. */
#ifndef CL_LSP_DOCS_H
#define CL_LSP_DOCS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "compdb.h"
#include "config.h"
#include "facts.h"
#include "finding.h"
#include "parse.h"

typedef struct cl_lsp_doc {
    char *uri;  /* as the client sent it: diagnostics go back under the same string */
    char *path; /* canonical path (realpath; the decoded path if the file does not exist) */
    char *text; /* the editor's buffer, NUL-terminated */
    size_t len;
    int64_t version;
    bool dirty; /* the text changed since the last lint */

    /* Linting state (lsp_lint.c). */
    bool have_job;
    cl_jobs jobs;       /* jobs.v[0] is this document's; the rest are summary-only */
    cl_parse_result pr; /* the unit kept for reparses (pr.tu NULL before the first parse) */
    cl_config *cfg;
    char *cfg_file; /* the .ctxlint.yaml cfg was read from, NULL for none */
    struct timespec cfg_mtime;
    char *cfg_error;      /* the last configuration error shown, to show each once */
    cl_findings raw;      /* the walk's findings (sorted), before resolution and NOLINT */
    bool *shown;          /* raw.n flags: published (resolved, in this file, not suppressed) */
    cl_findings problems; /* NOLINT problems (pseudo-rule "nolint") */
    cl_facts facts;       /* the facts of this document's unit, from its buffer */
    unsigned queued_gen;  /* the summaries generation its database was queued in (lsp.c) */
} cl_lsp_doc;

typedef struct cl_lsp_docs {
    cl_lsp_doc **v;
    size_t n, cap;
} cl_lsp_docs;

/* Opens (or re-opens, replacing) the document `uri` with `text`. NULL if the URI is not a
 * file: URI. */
cl_lsp_doc *cl_lsp_docs_open(cl_lsp_docs *d, const char *uri, const char *text, size_t len,
                             int64_t version);
cl_lsp_doc *cl_lsp_docs_find(const cl_lsp_docs *d, const char *uri);
/* Replaces the text (full synchronisation) and marks the document dirty. */
void cl_lsp_doc_set_text(cl_lsp_doc *doc, const char *text, size_t len, int64_t version);
/* Forgets what linting kept (the unit, the job, the configuration): the next lint starts over,
 * e.g. after compile_commands.json changed. */
void cl_lsp_doc_reset(cl_lsp_doc *doc);
void cl_lsp_docs_close(cl_lsp_docs *d, const char *uri);
void cl_lsp_docs_free(cl_lsp_docs *d);

/* The path of a file: URI (percent-decoded), malloc'd; NULL for any other scheme. */
char *cl_lsp_uri_to_path(const char *uri);
/* The file: URI of an absolute path, percent-encoding what RFC 3986 requires. malloc'd. */
char *cl_lsp_path_to_uri(const char *path);

#endif
