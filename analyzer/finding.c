/* Findings list: append, merge, sort, de-duplicate (see finding.h). */
#include "finding.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

const char *cl_severity_name(cl_severity s)
{
    switch (s) {
    case CL_SEV_NOTE:
        return "note";
    case CL_SEV_ERROR:
        return "error";
    case CL_SEV_WARNING:
        break;
    }
    return "warning";
}

bool cl_severity_parse(const char *s, cl_severity *out)
{
    static const cl_severity all[] = {CL_SEV_NOTE, CL_SEV_WARNING, CL_SEV_ERROR};
    for (size_t i = 0; i < 3; i++)
        if (strcmp(s, cl_severity_name(all[i])) == 0) {
            *out = all[i];
            return true;
        }
    return false;
}

cl_finding *cl_findings_push(cl_findings *l)
{
    if (l->n == l->cap) {
        l->cap = l->cap ? 2 * l->cap : 16;
        l->v = cl_xrealloc(l->v, l->cap * sizeof *l->v);
    }
    cl_finding *f = &l->v[l->n++];
    memset(f, 0, sizeof *f);
    return f;
}

void cl_findings_move(cl_findings *to, cl_findings *from)
{
    for (size_t i = 0; i < from->n; i++)
        *cl_findings_push(to) = from->v[i];
    free(from->v);
    memset(from, 0, sizeof *from);
}

static int cmp_str(const char *a, const char *b)
{
    return strcmp(a ? a : "", b ? b : "");
}

static int cmp_finding(const void *pa, const void *pb)
{
    const cl_finding *a = pa, *b = pb;
    int c = cmp_str(a->begin.file, b->begin.file);
    if (c)
        return c;
    if (a->begin.line != b->begin.line)
        return a->begin.line < b->begin.line ? -1 : 1;
    if (a->begin.col != b->begin.col)
        return a->begin.col < b->begin.col ? -1 : 1;
    if ((c = cmp_str(a->rule, b->rule)))
        return c;
    return cmp_str(a->message, b->message);
}

void cl_findings_sort_unique(cl_findings *l)
{
    if (l->n < 2)
        return;
    qsort(l->v, l->n, sizeof *l->v, cmp_finding);
    size_t w = 1;
    for (size_t r = 1; r < l->n; r++) {
        if (cmp_finding(&l->v[w - 1], &l->v[r]) == 0)
            cl_finding_free(&l->v[r]);
        else
            l->v[w++] = l->v[r];
    }
    l->n = w;
}

void cl_findings_filter(cl_findings *l, bool (*keep)(const cl_finding *, void *), void *arg)
{
    size_t w = 0;
    for (size_t r = 0; r < l->n; r++) {
        if (keep(&l->v[r], arg))
            l->v[w++] = l->v[r];
        else
            cl_finding_free(&l->v[r]);
    }
    l->n = w;
}

void cl_finding_free(cl_finding *f)
{
    free(f->message);
    free(f->begin.file);
    free(f->end.file);
    for (size_t i = 0; i < f->n_notes; i++) {
        free(f->notes[i].pos.file);
        free(f->notes[i].message);
    }
    free(f->notes);
    for (size_t i = 0; i < f->n_fixes; i++) {
        free(f->fixes[i].file);
        free(f->fixes[i].text);
    }
    free(f->fixes);
    free(f->cond_kind);
    free(f->cond_key);
    memset(f, 0, sizeof *f);
}

void cl_findings_free(cl_findings *l)
{
    for (size_t i = 0; i < l->n; i++)
        cl_finding_free(&l->v[i]);
    free(l->v);
    memset(l, 0, sizeof *l);
}

void cl_finding_add_note(cl_finding *f, cl_pos pos, char *message_owned)
{
    f->notes = cl_xrealloc(f->notes, (f->n_notes + 1) * sizeof *f->notes);
    f->notes[f->n_notes].pos = pos;
    f->notes[f->n_notes].message = message_owned;
    f->n_notes++;
}

void cl_finding_add_fix(cl_finding *f, const char *file, unsigned offset, unsigned length,
                        const char *text)
{
    f->fixes = cl_xrealloc(f->fixes, (f->n_fixes + 1) * sizeof *f->fixes);
    cl_fix *x = &f->fixes[f->n_fixes++];
    x->file = cl_xstrdup(file);
    x->offset = offset;
    x->length = length;
    x->text = cl_xstrdup(text);
    x->content_hash = 0;
    x->has_content_hash = false;
}
