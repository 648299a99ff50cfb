/* lost-cancel: a cancel capability made by a derivation that some path out of the function
 * never consumes (go vet's lostcancel, in C).
 *
 * The walk collects the derivations of each function; at the end of the function, only if it
 * made one, the path engine (analyzer/cfg.h) builds the graph of the body that made it (the
 * function, or the block or lambda inside it) and searches for a path from the derivation to
 * an exit on which the handle is never consumed, or on which the same variable is derived into
 * again. Consumed means cancelled, returned, stored, passed to any function or captured, as in
 * go vet (any use counts; `(void)cancel` and `sizeof` do not). The model says how each
 * derivation hands back its capability: through an out-parameter, as a field of the returned
 * struct, or as the returned function itself. */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rule.h"
#include "xalloc.h"

typedef struct state {
    cl_cfg_sites sites;
} state;

/* The state of one search. */
typedef struct search {
    cl_rule_ctx *rc;
    const cl_cfg_site *cd;
    int start;
    bool pre;          /* scanning the creating element itself */
    bool cleanup_done; /* the cleanup attribute consumes (computed once) */
    int cleanup_known;
    CXCursor hit_at; /* where the handle is overwritten */
} search;

static const char *cancel_fn_name(const cl_model *m)
{
    for (size_t i = 0; i < m->n_fns; i++)
        if (m->fns[i].role == CL_ROLE_CANCEL)
            return m->fns[i].name;
    return NULL;
}

static void report_discarded(cl_rule_ctx *rc, CXCursor call, const cl_api_fn *api, bool null_arg)
{
    const cl_model *m = cl_model_of(rc);
    const char *cancel = cancel_fn_name(m);
    if (null_arg)
        cl_report(rc, call,
                  "%s is given NULL for its cancel handle, which throws away the only way to "
                  "cancel the derived context; pass the address of a %s and call %s on it on "
                  "every path",
                  api->name, m->n_cancel_types ? m->cancel_types[0] : "cancel handle",
                  cancel ? cancel : "its cancel function");
    else
        cl_report(rc, call,
                  "the cancel capability returned by %s is discarded here, so the derived "
                  "context can never be cancelled; keep it and call it on every path, or the "
                  "context stays alive until the parent is cancelled",
                  api->name);
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor call)
{
    state *st = vs;
    const cl_model *m = cl_model_of(rc);
    const cl_api_fn *api = cl_call_api(m, call, CL_ROLE_DERIVE);
    if (!api || api->cancel_shape == CL_CANCEL_NONE)
        return;
    CXCursor fnlike = cl_cfg_enclosing_fnlike(rc);
    cl_cfg_site site = {.call = call, .api = api};
    if (api->cancel_shape == CL_CANCEL_OUT_PARAM) {
        CXCursor arg = cl_call_arg(call, api->cancel_arg);
        if (clang_Cursor_isNull(arg))
            return;
        if (cl_is_null_constant(arg)) {
            report_discarded(rc, call, api, true);
            return;
        }
        /* Only `&local`: `&s->cancel`, `&arr[i]` and a pointer parameter store it elsewhere. */
        if (clang_getCursorKind(arg) != CXCursor_UnaryOperator || cl_unary_op(arg) != CL_OP_ADDR)
            return;
        CXCursor x = cl_strip(cl_child(arg, 0));
        if (clang_getCursorKind(x) != CXCursor_DeclRefExpr)
            return;
        CXCursor v = clang_getCursorReferenced(x);
        if (!cl_cfg_is_local(v, fnlike) || !cl_type_is_cancel(m, clang_getCursorType(v)))
            return;
        site.var = v;
        cl_cfg_flow fl = cl_cfg_value_flow(rc, call, fnlike);
        site.aux = fl.kind == CL_FLOW_LOCAL ? fl.var : clang_getNullCursor();
    } else {
        cl_cfg_flow fl = cl_cfg_value_flow(rc, call, fnlike);
        bool dropped = fl.kind == CL_FLOW_DROPPED;
        if (fl.kind == CL_FLOW_MEMBER && api->cancel_shape == CL_CANCEL_RESULT_FIELD &&
            api->cancel_field) {
            char name[256];
            dropped = strcmp(cl_spelling(fl.parent, name, sizeof name), api->cancel_field) != 0;
        }
        if (dropped)
            report_discarded(rc, call, api, false);
        if (fl.kind != CL_FLOW_LOCAL)
            return;
        site.var = fl.var;
        site.aux = clang_getNullCursor();
    }
    cl_cfg_sites_add(&st->sites, rc, site);
}

/* ---- the search ---- */

static bool is_rederive(const search *s, CXCursor call)
{
    const cl_api_fn *api = cl_call_api(cl_model_of(s->rc), call, CL_ROLE_DERIVE);
    return api && api->cancel_shape == s->cd->api->cancel_shape;
}

static cl_cfg_verdict classify(const cl_cfg_use *u, void *data)
{
    search *s = data;
    const cl_api_fn *api = s->cd->api;
    if (u->captured)
        return CL_CFG_STOP;
    if (u->discarded)
        return CL_CFG_PASS;
    enum CXCursorKind pk = clang_getCursorKind(u->parent);
    if (api->cancel_shape == CL_CANCEL_OUT_PARAM) {
        if (!clang_Cursor_isNull(u->member))
            return CL_CFG_PASS; /* reading a field of the handle */
        if (pk == CXCursor_CallExpr && u->arg >= 0 && u->address) {
            const cl_api_fn *d = cl_call_api(cl_model_of(s->rc), u->parent, CL_ROLE_DERIVE);
            if (d && d->cancel_shape == CL_CANCEL_OUT_PARAM && d->cancel_arg == u->arg) {
                if (s->pre && cl_cfg_same(u->parent, s->cd->call))
                    return CL_CFG_PASS;
                s->hit_at = u->parent;
                return CL_CFG_HIT;
            }
        }
        return CL_CFG_STOP; /* cancelled, passed, returned, stored, copied */
    }
    if (!clang_Cursor_isNull(u->member)) {
        char name[256];
        cl_spelling(u->member, name, sizeof name);
        if (!api->cancel_field || strcmp(name, api->cancel_field) != 0)
            return CL_CFG_PASS; /* r.context: using the context is not cancelling it */
        return CL_CFG_STOP;
    }
    if (u->lhs && pk == CXCursor_BinaryOperator) {
        CXCursor rhs = cl_strip_casts(cl_child(u->parent, 1));
        if (clang_getCursorKind(rhs) == CXCursor_CallExpr && is_rederive(s, rhs)) {
            if (s->pre && cl_cfg_same(rhs, s->cd->call))
                return CL_CFG_PASS;
            s->hit_at = rhs;
            return CL_CFG_HIT;
        }
    }
    return CL_CFG_STOP;
}

/* Whether the variable's cleanup function consumes what it is given: a model cancel function,
 * or a body that uses its parameter as a consumption. An invisible function might: yes. */
static bool cleanup_consumes(search *s)
{
    if (s->cleanup_known)
        return s->cleanup_done;
    s->cleanup_known = 1;
    CXCursor fn = cl_cfg_cleanup_fn(s->cd->var);
    if (clang_Cursor_isNull(fn))
        return s->cleanup_done = false;
    char name[256];
    cl_spelling(fn, name, sizeof name);
    const cl_model *m = cl_model_of(s->rc);
    const cl_api_fn *c = cl_model_find(m, CL_ROLE_CANCEL, name);
    if (c)
        return s->cleanup_done = c->cancel_arg == 0;
    if (!clang_isCursorDefinition(fn))
        return s->cleanup_done = !cl_model_is_api(m, name);
    if (clang_Cursor_getNumArguments(fn) < 1)
        return s->cleanup_done = false;
    search inner = *s;
    inner.pre = false;
    cl_cfg_verdict v =
        cl_cfg_each_use(cl_cfg_body_of(fn), clang_Cursor_getArgument(fn, 0), classify, &inner);
    return s->cleanup_done = v == CL_CFG_STOP;
}

static cl_cfg_verdict visit_elem(const cl_cfg *g, unsigned e, void *data)
{
    search *s = data;
    CXCursor c = cl_cfg_elem_cursor(g, e);
    if (cl_cfg_elem_kind(g, e) == CL_CFG_SCOPE_END)
        return clang_equalCursors(c, s->cd->var) && cleanup_consumes(s) ? CL_CFG_STOP : CL_CFG_PASS;
    if (!s->pre && (int)e == s->start) {
        s->hit_at = s->cd->call; /* round a loop to the same derivation */
        return CL_CFG_HIT;
    }
    return cl_cfg_each_use(c, s->cd->var, classify, s);
}

static bool cut(const cl_cfg *g, unsigned cond, bool when, void *data)
{
    const search *s = data;
    CXCursor c = cl_cfg_elem_cursor(g, cond);
    switch (s->cd->api->cancel_shape) {
    case CL_CANCEL_OUT_PARAM:
        return cl_cfg_null_branch(c, when, s->cd->aux, s->cd->call);
    case CL_CANCEL_RETURNED_FN:
        return cl_cfg_null_branch(c, when, s->cd->var, s->cd->call);
    default:
        return false;
    }
}

static void handle_name(const cl_cfg_site *cd, char *buf, size_t size)
{
    char v[256];
    cl_spelling(cd->var, v, sizeof v);
    if (cd->api->cancel_shape == CL_CANCEL_RESULT_FIELD && cd->api->cancel_field)
        snprintf(buf, size, "%s.%s", v, cd->api->cancel_field);
    else
        snprintf(buf, size, "%s", v);
}

static void fix_hint(const cl_model *m, const cl_cfg_site *cd, char *buf, size_t size)
{
    char v[256];
    cl_spelling(cd->var, v, sizeof v);
    const char *cancel = cancel_fn_name(m);
    switch (cd->api->cancel_shape) {
    case CL_CANCEL_OUT_PARAM:
        if (cancel)
            snprintf(buf, size, "%s(&%s)", cancel, v);
        else
            snprintf(buf, size, "the cancel function on '%s'", v);
        break;
    case CL_CANCEL_RESULT_FIELD:
        snprintf(buf, size, "%s.%s(...)", v, cd->api->cancel_field ? cd->api->cancel_field : "?");
        break;
    default:
        snprintf(buf, size, "%s(...)", v);
        break;
    }
}

static void check(cl_rule_ctx *rc, const cl_cfg *g, const cl_cfg_site *cd)
{
    int start = cl_cfg_find(g, cd->call);
    if (start < 0)
        return;
    search s = {rc, cd, start, true, false, 0, clang_getNullCursor()};
    /* The creating element may consume the handle itself: f(ctx_with_cancel(p, &c), &c). */
    if (cl_cfg_elem_kind(g, (unsigned)start) != CL_CFG_SCOPE_END &&
        cl_cfg_each_use(cl_cfg_elem_cursor(g, (unsigned)start), cd->var, classify, &s) ==
            CL_CFG_STOP)
        return;
    s.pre = false;
    cl_cfg_query q = {visit_elem, cut, &s};
    int bad = cl_cfg_search(g, (unsigned)start, &q);
    if (bad < 0)
        return;
    const cl_model *m = cl_model_of(rc);
    char handle[300], fix[300];
    handle_name(cd, handle, sizeof handle);
    fix_hint(m, cd, fix, sizeof fix);
    unsigned line, col;
    cl_cursor_line_col(cd->call, &line, &col);
    cl_finding *f;
    cl_cfg_kind k = cl_cfg_elem_kind(g, (unsigned)bad);
    if (k == CL_CFG_RETURN || k == CL_CFG_END) {
        f = cl_report_range(rc, cl_cfg_exit_range(g, (unsigned)bad),
                            "the cancel handle '%s' from %s at line %u is not cancelled on the "
                            "path that %s; call %s on every path (a goto to a cleanup label "
                            "works), or the context and any timer it has stay alive until the "
                            "parent is cancelled",
                            handle, cd->api->name, line,
                            k == CL_CFG_RETURN ? "returns here" : "reaches the end here", fix);
    } else {
        bool again = bad == start;
        f = cl_report(rc, s.hit_at,
                      "the cancel handle '%s' from %s at line %u is overwritten %s while still "
                      "live; call %s before deriving into it again, or the first context and "
                      "any timer it has stay alive until the parent is cancelled",
                      handle, cd->api->name, line, again ? "by the next iteration" : "here", fix);
    }
    cl_add_note(rc, f, cd->call, "the cancel handle '%s' is made here", handle);
}

static void end_function(cl_rule_ctx *rc, void *vs, CXCursor fn)
{
    state *st = vs;
    /* Returning from main ends the process: go vet does not ask main to cancel. */
    cl_cfg_sites_flush(&st->sites, rc, fn, check, true);
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    cl_cfg_sites_free(&((state *)vs)->sites);
}

static const enum CXCursorKind kinds[] = {CXCursor_CallExpr};

const cl_rule cl_rule_lost_cancel = {
    .id = "lost-cancel",
    .summary = "A cancel handle from a derived context that some path out of the function never "
               "cancels, returns, stores or passes on.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_function = end_function,
    .end_tu = end_tu,
};
