/* The one walk of a translation unit and the services rules use during it (rule.h). */
#include "walk.h"

#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "registry.h"
#include "rule.h"
#include "xalloc.h"

/* Cursor kinds are below 1024 in every libclang we support (the largest is ~700). */
#define CL_KIND_SLOTS 1024

struct cl_rule_ctx {
    CXTranslationUnit tu;
    const cl_config *cfg;
    bool has_errors;
    const char *only_file;
    size_t rule_index; /* the rule being called */
    CXCursor function;
    CXCursor *stack; /* ancestors of the cursor being visited, outermost first */
    size_t depth, cap;
    uint64_t kind_mask[CL_KIND_SLOTS];
    size_t enabled[64];
    size_t n_enabled;
    void *states[64];
    cl_unit_result *out;
};

const cl_model *cl_model_of(const cl_rule_ctx *rc)
{
    return rc->cfg->model;
}

CXTranslationUnit cl_tu_of(const cl_rule_ctx *rc)
{
    return rc->tu;
}

CXCursor cl_current_function(const cl_rule_ctx *rc)
{
    return rc->function;
}

CXCursor cl_ancestor(const cl_rule_ctx *rc, unsigned up)
{
    /* stack[depth-1] is the visited cursor itself. */
    if ((size_t)up + 2 > rc->depth)
        return clang_getNullCursor();
    return rc->stack[rc->depth - 2 - up];
}

bool cl_option(const cl_rule_ctx *rc, const char *name)
{
    return cl_config_option(rc->cfg, rc->rule_index, name);
}

bool cl_tu_has_errors(const cl_rule_ctx *rc)
{
    return rc->has_errors;
}

char *cl_file_path(CXFile f)
{
    if (!f)
        return cl_xstrdup("");
    CXString s = clang_File_tryGetRealPathName(f);
    const char *p = clang_getCString(s);
    char *out = NULL;
    if (p && *p) {
        out = cl_xstrdup(p);
    } else {
        CXString n = clang_getFileName(f);
        const char *name = clang_getCString(n) ? clang_getCString(n) : "";
        char buf[PATH_MAX];
        out = cl_xstrdup(realpath(name, buf) ? buf : name);
        clang_disposeString(n);
    }
    clang_disposeString(s);
    return out;
}

static cl_pos pos_of(CXSourceLocation loc)
{
    cl_pos p = {0};
    CXFile f = NULL;
    clang_getFileLocation(loc, &f, &p.line, &p.col, &p.offset);
    p.file = cl_file_path(f);
    return p;
}

static cl_finding *report_range(cl_rule_ctx *rc, CXSourceRange r, const char *fmt, va_list ap)
{
    CXSourceLocation b = clang_getRangeStart(r);
    if (clang_Location_isInSystemHeader(b))
        return NULL;
    cl_pos begin = pos_of(b);
    if (!begin.file[0] || (rc->only_file && strcmp(begin.file, rc->only_file) != 0)) {
        free(begin.file);
        return NULL;
    }
    cl_pos end = pos_of(clang_getRangeEnd(r));
    if (strcmp(end.file, begin.file) != 0 || end.offset < begin.offset) {
        free(end.file);
        end = begin;
        end.file = cl_xstrdup(begin.file);
    }
    const cl_rule *rule = cl_rules[rc->rule_index];
    cl_finding *f = cl_findings_push(&rc->out->findings);
    f->rule = rule->id;
    f->severity = rc->cfg->rules[rc->rule_index].severity;
    va_list aq;
    va_copy(aq, ap);
    int n = vsnprintf(NULL, 0, fmt, aq);
    va_end(aq);
    f->message = cl_xmalloc((size_t)(n > 0 ? n : 0) + 1);
    vsnprintf(f->message, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    f->begin = begin;
    f->end = end;
    return f;
}

cl_finding *cl_report_range(cl_rule_ctx *rc, CXSourceRange r, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cl_finding *f = report_range(rc, r, fmt, ap);
    va_end(ap);
    return f;
}

cl_finding *cl_report(cl_rule_ctx *rc, CXCursor at, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cl_finding *f = report_range(rc, clang_getCursorExtent(at), fmt, ap);
    va_end(ap);
    return f;
}

cl_finding *cl_report_if(cl_rule_ctx *rc, const char *kind, const char *key, int index, CXCursor at,
                         const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cl_finding *f = report_range(rc, clang_getCursorExtent(at), fmt, ap);
    va_end(ap);
    if (f) {
        f->cond_kind = cl_xstrdup(kind);
        f->cond_key = cl_xstrdup(key);
        f->cond_index = index;
    }
    return f;
}

void cl_add_note(cl_rule_ctx *rc, cl_finding *f, CXCursor at, const char *fmt, ...)
{
    (void)rc;
    if (!f)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *msg = cl_xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(msg, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    cl_finding_add_note(f, pos_of(clang_getCursorLocation(at)), msg);
}

void cl_add_fix(cl_rule_ctx *rc, cl_finding *f, CXSourceRange r, const char *text)
{
    if (!f)
        return;
    cl_pos b = pos_of(clang_getRangeStart(r)), e = pos_of(clang_getRangeEnd(r));
    if (b.file[0] && strcmp(b.file, e.file) == 0 && e.offset >= b.offset) {
        cl_finding_add_fix(f, b.file, b.offset, e.offset - b.offset, text);
        CXFile file = NULL;
        clang_getFileLocation(clang_getRangeStart(r), &file, NULL, NULL, NULL);
        size_t size = 0;
        const char *content = file ? clang_getFileContents(rc->tu, file, &size) : NULL;
        if (content) {
            f->fixes[f->n_fixes - 1].content_hash = XXH64(content, size, 0);
            f->fixes[f->n_fixes - 1].has_content_hash = true;
        }
    }
    free(b.file);
    free(e.file);
}

void cl_add_fact(cl_rule_ctx *rc, const char *kind, const char *key, int index, const char *data)
{
    cl_facts_add(&rc->out->facts, cl_rules[rc->rule_index]->id, kind, key, index, data);
}

static void push(cl_rule_ctx *rc, CXCursor c)
{
    if (rc->depth == rc->cap) {
        rc->cap = rc->cap ? 2 * rc->cap : 256;
        rc->stack = cl_xrealloc(rc->stack, rc->cap * sizeof *rc->stack);
    }
    rc->stack[rc->depth++] = c;
}

static enum CXChildVisitResult visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    cl_rule_ctx *rc = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    /* Nothing in system headers is ours to report, and skipping their declarations early is
     * most of the speed (the lesson of clang-tidy's llvm#128150). */
    if (clang_isDeclaration(k) && clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;

    push(rc, c);
    uint64_t mask = (unsigned)k < CL_KIND_SLOTS ? rc->kind_mask[k] : 0;
    for (size_t i = 0; mask && i < rc->n_enabled; i++) {
        if (!(mask & (UINT64_C(1) << i)))
            continue;
        rc->rule_index = rc->enabled[i];
        cl_rules[rc->rule_index]->visit(rc, rc->states[i], c);
    }

    bool is_fn = cl_is_function_definition(c);
    CXCursor saved = rc->function;
    if (is_fn)
        rc->function = c;
    clang_visitChildren(c, visit, rc);
    if (is_fn) {
        for (size_t i = 0; i < rc->n_enabled; i++) {
            const cl_rule *r = cl_rules[rc->enabled[i]];
            if (r->end_function) {
                rc->rule_index = rc->enabled[i];
                r->end_function(rc, rc->states[i], c);
            }
        }
        rc->function = saved;
    }
    rc->depth--;
    return CXChildVisit_Continue;
}

void cl_walk_unit(CXTranslationUnit tu, const cl_config *cfg, bool has_errors,
                  const char *only_file, cl_unit_result *out)
{
    cl_rule_ctx *rc = cl_xcalloc(1, sizeof *rc);
    rc->tu = tu;
    rc->cfg = cfg;
    rc->has_errors = has_errors;
    rc->only_file = only_file;
    rc->out = out;
    rc->function = clang_getNullCursor();
    for (size_t ri = 0; ri < cl_n_rules && rc->n_enabled < 64; ri++) {
        if (!cfg->rules[ri].enabled)
            continue;
        const cl_rule *r = cl_rules[ri];
        size_t slot = rc->n_enabled++;
        rc->enabled[slot] = ri;
        rc->states[slot] = r->state_size ? cl_xcalloc(1, r->state_size) : NULL;
        for (size_t k = 0; r->visit && k < r->n_kinds; k++)
            if ((unsigned)r->kinds[k] < CL_KIND_SLOTS)
                rc->kind_mask[r->kinds[k]] |= UINT64_C(1) << slot;
    }
    for (size_t i = 0; i < rc->n_enabled; i++) {
        const cl_rule *r = cl_rules[rc->enabled[i]];
        if (r->begin_tu) {
            rc->rule_index = rc->enabled[i];
            r->begin_tu(rc, rc->states[i]);
        }
    }
    push(rc, clang_getTranslationUnitCursor(tu));
    clang_visitChildren(clang_getTranslationUnitCursor(tu), visit, rc);
    for (size_t i = 0; i < rc->n_enabled; i++) {
        const cl_rule *r = cl_rules[rc->enabled[i]];
        if (r->end_tu) {
            rc->rule_index = rc->enabled[i];
            r->end_tu(rc, rc->states[i]);
        }
        free(rc->states[i]);
    }
    free(rc->stack);
    free(rc);
}
