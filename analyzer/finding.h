/* Findings: what a rule reports, with its position, notes and fix-its, and the list the driver
 * collects, de-duplicates (a header's finding once per run) and sorts (file, line, column). */
#ifndef CL_FINDING_H
#define CL_FINDING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum cl_severity { CL_SEV_NOTE, CL_SEV_WARNING, CL_SEV_ERROR } cl_severity;

const char *cl_severity_name(cl_severity s);
/* Parses "note" / "warning" / "error"; false if it is none of them. */
bool cl_severity_parse(const char *s, cl_severity *out);

/* A position in a file: `file` is the canonical (realpath) path, lines and columns 1-based,
 * columns and offsets in bytes. */
typedef struct cl_pos {
    char *file;
    unsigned line, col;
    unsigned offset;
} cl_pos;

typedef struct cl_note {
    cl_pos pos;
    char *message;
} cl_note;

/* Replace `length` bytes at `offset` of `file` by `text`. */
typedef struct cl_fix {
    char *file;
    unsigned offset, length;
    char *text;
    /* XXH64 of the file's content as libclang parsed it, so --fix never edits a file that
     * changed since; has_content_hash is false when unknown. */
    uint64_t content_hash;
    bool has_content_hash;
} cl_fix;

typedef struct cl_finding {
    const char *rule; /* the rule's id: static storage */
    cl_severity severity;
    char *message;
    cl_pos begin;
    cl_pos end; /* exclusive end of the flagged range; same file as begin */
    cl_note *notes;
    size_t n_notes;
    cl_fix *fixes;
    size_t n_fixes;
    /* Cross-file condition: reported only if the rule's resolver accepts (kind, key, index)
     * once every unit has been summarised. NULL for an unconditional finding. */
    char *cond_kind, *cond_key;
    int cond_index;
} cl_finding;

typedef struct cl_findings {
    cl_finding *v;
    size_t n, cap;
} cl_findings;

/* Appends a zeroed finding and returns it (valid until the next append). */
cl_finding *cl_findings_push(cl_findings *l);
/* Moves every finding of `from` to the end of `to`, leaving `from` empty. */
void cl_findings_move(cl_findings *to, cl_findings *from);
/* Sorts by file, line, column, rule, message and removes exact duplicates. */
void cl_findings_sort_unique(cl_findings *l);
/* Removes findings[i] for which keep(i) is false, preserving order. */
void cl_findings_filter(cl_findings *l, bool (*keep)(const cl_finding *, void *), void *arg);
void cl_finding_free(cl_finding *f);
void cl_findings_free(cl_findings *l);

void cl_finding_add_note(cl_finding *f, cl_pos pos, char *message_owned);
void cl_finding_add_fix(cl_finding *f, const char *file, unsigned offset, unsigned length,
                        const char *text);

#endif
