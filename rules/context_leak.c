/* context-leak: a context reference the function owns (from a derivation, detachment or
 * retain that the model marks `owns_ref`) that some path out of the function neither releases,
 * returns, stores nor hands on.
 *
 * Same machinery as lost-cancel: candidates are collected while the walk visits the body, and
 * only a function that made one gets a graph (analyzer/cfg.h) at its end. Unlike a cancel
 * handle, a context is mostly passed to functions that only borrow it, so "passed to a
 * function" is judged by the callee: the model's queries, derivations (the child keeps its
 * parent alive, but the caller still owns its own reference) and cancels borrow; a release, a
 * spawn's data argument, a store, a return or a capture take it; a visible callee in the same
 * unit is read one level deep; anything else might keep it, and the rule stays silent. */
#include <stdlib.h>
#include <string.h>

#include "cfg.h"
#include "rule.h"

typedef struct state {
    cl_cfg_sites sites;
} state;

typedef struct search {
    cl_rule_ctx *rc;
    const cl_cfg_site *cd; /* NULL when reading a callee's body */
    int start;
    bool pre;    /* scanning the creating element itself */
    int depth;   /* 1 inside a callee: no deeper */
    int cleanup; /* -1 unknown, 0 no, 1 the cleanup attribute releases */
    CXCursor hit_at;
} search;

typedef enum arg_fate { ARG_BORROWED, ARG_KEPT, ARG_UNSURE } arg_fate;

static const cl_api_fn *owning_api(const cl_model *m, CXCursor call)
{
    static const cl_role roles[] = {CL_ROLE_DERIVE, CL_ROLE_DETACH, CL_ROLE_RETAIN};
    for (size_t i = 0; i < CL_COUNT(roles); i++) {
        const cl_api_fn *api = cl_call_api(m, call, roles[i]);
        if (api && api->owns_ref)
            return api;
    }
    return NULL;
}

static const char *release_fn_name(const cl_model *m)
{
    for (size_t i = 0; i < m->n_fns; i++)
        if (m->fns[i].role == CL_ROLE_RELEASE)
            return m->fns[i].name;
    return "its release function";
}

static cl_cfg_verdict classify(const cl_cfg_use *u, void *data);

/* What a call does with the context at argument `i`. */
static arg_fate arg_fate_of(cl_rule_ctx *rc, CXCursor call, int i, int depth)
{
    const cl_model *m = cl_model_of(rc);
    const cl_api_fn *f = cl_call_api(m, call, CL_ROLE_RELEASE);
    if (f && f->context_arg == i)
        return ARG_KEPT;
    f = cl_call_api(m, call, CL_ROLE_SPAWN);
    if (f && f->data_arg == i)
        return ARG_KEPT;
    static const cl_role borrowing[] = {CL_ROLE_QUERY,  CL_ROLE_VALUE_GET, CL_ROLE_VALUE_SET,
                                        CL_ROLE_DERIVE, CL_ROLE_DETACH,    CL_ROLE_RETAIN,
                                        CL_ROLE_CANCEL};
    for (size_t r = 0; r < CL_COUNT(borrowing); r++) {
        f = cl_call_api(m, call, borrowing[r]);
        if (f && f->context_arg == i)
            return ARG_BORROWED;
    }
    char name[256];
    if (cl_model_is_api(m, cl_callee_name(call, name, sizeof name)))
        return ARG_UNSURE; /* another argument of an API function: the value of a with_value */
    CXCursor callee = cl_callee(call);
    if (clang_Cursor_isNull(callee) || depth > 0)
        return ARG_UNSURE;
    CXCursor def = clang_getCursorDefinition(callee);
    if (clang_Cursor_isNull(def) || cl_in_system_header(def) ||
        i >= clang_Cursor_getNumArguments(def))
        return ARG_UNSURE;
    /* A visible callee, one level deep: does its body keep the parameter? */
    search inner = {rc, NULL, -1, false, depth + 1, -1, clang_getNullCursor()};
    CXCursor param = clang_Cursor_getArgument(def, (unsigned)i);
    cl_cfg_verdict v = cl_cfg_each_use(cl_cfg_body_of(def), param, classify, &inner);
    return v == CL_CFG_PASS ? ARG_BORROWED : ARG_KEPT;
}

static cl_cfg_verdict classify(const cl_cfg_use *u, void *data)
{
    search *s = data;
    if (u->captured)
        return CL_CFG_STOP;
    if (u->discarded)
        return CL_CFG_PASS;
    if (u->address || u->deref || !clang_Cursor_isNull(u->member))
        return CL_CFG_STOP; /* &v, *p: someone else may release it */
    if (clang_Cursor_isNull(u->parent))
        return CL_CFG_PASS; /* the element is `v` alone: a condition */
    switch (clang_getCursorKind(u->parent)) {
    case CXCursor_CallExpr:
        if (u->arg < 0)
            return CL_CFG_STOP;
        return arg_fate_of(s->rc, u->parent, u->arg, s->depth) == ARG_BORROWED ? CL_CFG_PASS
                                                                               : CL_CFG_STOP;
    case CXCursor_BinaryOperator: {
        cl_op op = cl_binary_op(u->parent);
        if (op == CL_OP_EQ || op == CL_OP_NE)
            return CL_CFG_PASS;
        if (u->lhs && s->cd) {
            CXCursor rhs = cl_strip_casts(cl_child(u->parent, 1));
            if (clang_getCursorKind(rhs) == CXCursor_CallExpr &&
                owning_api(cl_model_of(s->rc), rhs)) {
                if (s->pre && cl_cfg_same(rhs, s->cd->call))
                    return CL_CFG_PASS;
                s->hit_at = rhs;
                return CL_CFG_HIT;
            }
        }
        return CL_CFG_STOP; /* stored, aliased, or overwritten with something we cannot judge */
    }
    case CXCursor_UnaryOperator:
        return cl_unary_op(u->parent) == CL_OP_NOT ? CL_CFG_PASS : CL_CFG_STOP;
    case CXCursor_IfStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_ForStmt:
    case CXCursor_ConditionalOperator:
        return CL_CFG_PASS; /* tested */
    default:
        return CL_CFG_STOP; /* returned, stored, initialising another variable, ... */
    }
}

/* Whether the variable's cleanup function releases it: an invisible one might (yes). */
static bool cleanup_releases(search *s)
{
    if (s->cleanup >= 0)
        return s->cleanup;
    s->cleanup = 0;
    CXCursor fn = cl_cfg_cleanup_fn(s->cd->var);
    if (clang_Cursor_isNull(fn))
        return false;
    if (!clang_isCursorDefinition(fn) || clang_Cursor_getNumArguments(fn) < 1) {
        s->cleanup = !clang_isCursorDefinition(fn);
        return s->cleanup;
    }
    search inner = {s->rc, NULL, -1, false, 1, -1, clang_getNullCursor()};
    s->cleanup = cl_cfg_each_use(cl_cfg_body_of(fn), clang_Cursor_getArgument(fn, 0), classify,
                                 &inner) == CL_CFG_STOP;
    return s->cleanup;
}

static cl_cfg_verdict visit_elem(const cl_cfg *g, unsigned e, void *data)
{
    search *s = data;
    CXCursor c = cl_cfg_elem_cursor(g, e);
    if (cl_cfg_elem_kind(g, e) == CL_CFG_SCOPE_END)
        return clang_equalCursors(c, s->cd->var) && cleanup_releases(s) ? CL_CFG_STOP : CL_CFG_PASS;
    if (!s->pre && (int)e == s->start) {
        s->hit_at = s->cd->call; /* round a loop to the same creation */
        return CL_CFG_HIT;
    }
    return cl_cfg_each_use(c, s->cd->var, classify, s);
}

static bool cut(const cl_cfg *g, unsigned cond, bool when, void *data)
{
    const search *s = data;
    return cl_cfg_null_branch(cl_cfg_elem_cursor(g, cond), when, s->cd->var, s->cd->call);
}

static void check(cl_rule_ctx *rc, const cl_cfg *g, const cl_cfg_site *cd)
{
    int start = cl_cfg_find(g, cd->call);
    if (start < 0)
        return;
    search s = {rc, cd, start, true, 0, -1, clang_getNullCursor()};
    if (cl_cfg_each_use(cl_cfg_elem_cursor(g, (unsigned)start), cd->var, classify, &s) ==
        CL_CFG_STOP)
        return;
    s.pre = false;
    cl_cfg_query q = {visit_elem, cut, &s};
    int bad = cl_cfg_search(g, (unsigned)start, &q);
    if (bad < 0)
        return;
    const char *release = release_fn_name(cl_model_of(rc));
    char var[256];
    cl_spelling(cd->var, var, sizeof var);
    unsigned line, col;
    cl_cursor_line_col(cd->call, &line, &col);
    cl_finding *f;
    cl_cfg_kind k = cl_cfg_elem_kind(g, (unsigned)bad);
    if (k == CL_CFG_RETURN || k == CL_CFG_END) {
        f = cl_report_range(rc, cl_cfg_exit_range(g, (unsigned)bad),
                            "the context reference '%s' from %s at line %u is not released on "
                            "the path that %s; call %s(%s) on every path (a goto to a cleanup "
                            "label works) or hand it to something that keeps it, or the context "
                            "leaks",
                            var, cd->api->name, line,
                            k == CL_CFG_RETURN ? "returns here" : "reaches the end here", release,
                            var);
    } else {
        f = cl_report(rc, s.hit_at,
                      "the context reference '%s' from %s at line %u is overwritten %s while "
                      "still owned; call %s(%s) before reusing the variable, or the context "
                      "leaks",
                      var, cd->api->name, line, bad == start ? "by the next iteration" : "here",
                      release, var);
    }
    cl_add_note(rc, f, cd->call, "the reference '%s' is made here", var);
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor call)
{
    state *st = vs;
    const cl_model *m = cl_model_of(rc);
    const cl_api_fn *api = owning_api(m, call);
    if (!api)
        return;
    CXCursor fnlike = cl_cfg_enclosing_fnlike(rc);
    cl_cfg_flow fl = cl_cfg_value_flow(rc, call, fnlike);
    const char *release = release_fn_name(m);
    if (fl.kind == CL_FLOW_DROPPED && api->role == CL_ROLE_RETAIN) {
        /* `retain(c);` returns c itself: the new reference is owned through the argument, so
         * that variable is followed when it is a local or a parameter; an array element, a
         * field or a global cannot be followed, and the rule stays silent. */
        CXCursor v = cl_referenced_decl(cl_call_arg(call, api->context_arg));
        enum CXCursorKind vk = clang_getCursorKind(v);
        bool local =
            vk == CXCursor_ParmDecl ||
            (vk == CXCursor_VarDecl && clang_Cursor_getStorageClass(v) != CX_SC_Static &&
             clang_Cursor_getStorageClass(v) != CX_SC_Extern &&
             clang_getCursorKind(clang_getCursorSemanticParent(v)) != CXCursor_TranslationUnit);
        if (local) {
            cl_cfg_site site = {.call = call, .var = v, .aux = clang_getNullCursor(), .api = api};
            cl_cfg_sites_add(&st->sites, rc, site);
        }
        return;
    }
    if (fl.kind == CL_FLOW_DROPPED) {
        cl_report(rc, call,
                  "the context reference returned by %s is dropped here, so nothing can release "
                  "it; keep it in a variable and call %s on it when done, or the context leaks",
                  api->name, release);
        return;
    }
    if (fl.kind == CL_FLOW_ARG) {
        if (arg_fate_of(rc, fl.parent, fl.arg, 0) == ARG_BORROWED) {
            char callee[256];
            cl_callee_name(fl.parent, callee, sizeof callee);
            cl_report(rc, call,
                      "the context reference returned by %s is passed straight to %s, which only "
                      "borrows it, so nothing releases it; keep it in a variable and call %s on "
                      "it after the call, or the context leaks",
                      api->name, callee, release);
        }
        return;
    }
    if (fl.kind != CL_FLOW_LOCAL)
        return;
    cl_cfg_site site = {.call = call, .var = fl.var, .aux = clang_getNullCursor(), .api = api};
    cl_cfg_sites_add(&st->sites, rc, site);
}

static void end_function(cl_rule_ctx *rc, void *vs, CXCursor fn)
{
    /* Returning from main ends the process, which drops every reference. */
    cl_cfg_sites_flush(&((state *)vs)->sites, rc, fn, check, true);
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    cl_cfg_sites_free(&((state *)vs)->sites);
}

static const enum CXCursorKind kinds[] = {CXCursor_CallExpr};

const cl_rule cl_rule_context_leak = {
    .id = "context-leak",
    .summary = "A context reference the function owns that some path out of it neither "
               "releases, returns, stores nor hands on.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_function = end_function,
    .end_tu = end_tu,
};
