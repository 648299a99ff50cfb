/* The language server's cross-file knowledge: the facts (walk.h) of the workspace's other units,
 * computed once on a background thread from the files on disk, as the command line's
 * summary-only jobs are. Linting never waits for them: it uses whatever summaries exist, and the
 * server re-decides the shown findings when a batch completes (it is woken through a pipe). */
#ifndef CL_LSP_SUMMARY_H
#define CL_LSP_SUMMARY_H

#include <stdbool.h>

#include "compdb.h"
#include "facts.h"
#include "lsp_lint.h"

typedef struct cl_lsp_summaries cl_lsp_summaries;

/* One byte is written to `wake_fd` when the queue runs empty after some work, and while it is
 * worked through, now and then when new facts were found. */
cl_lsp_summaries *cl_lsp_summaries_new(int wake_fd);
/* Stops the thread (after the unit in progress) and frees everything. */
void cl_lsp_summaries_free(cl_lsp_summaries *s);

/* Queues the summary-only jobs of `jobs` (copied) whose files are neither summarised nor
 * queued; each is walked with the configuration `set` gives its file. Those in folders nearest
 * `near` (the document's path) are summarised first. */
void cl_lsp_summaries_queue(cl_lsp_summaries *s, const cl_jobs *jobs, const cl_lsp_settings *set,
                            const char *near);
/* Records `facts` (copied) as the summary of `file`, e.g. from a buffer just saved. */
void cl_lsp_summaries_put(cl_lsp_summaries *s, const char *file, const cl_facts *facts);
/* Appends copies of the facts of every summarised file except those skip(file, arg) names. */
void cl_lsp_summaries_collect(cl_lsp_summaries *s, cl_facts *out,
                              bool (*skip)(const char *file, void *arg), void *arg);
/* Forgets every summary and queued job (the databases or the configuration changed). */
void cl_lsp_summaries_clear(cl_lsp_summaries *s);

/* Copies every fact of `from` to the end of `to`. */
void cl_lsp_facts_copy(cl_facts *to, const cl_facts *from);

#endif
