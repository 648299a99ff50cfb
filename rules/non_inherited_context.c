/* non-inherited-context: a new root context (the model's ROOT and TODO calls) started in a
 * function that received a context it could derive from, and the same one call away: a call
 * that hands the caller's context to a callee which ignores that parameter and starts a root.
 *
 * Each function definition gets a frame that collects, during the one walk, its root calls,
 * the data arguments of its spawns, the writes to its locals, its calls and how its parameters
 * are used; the decision is taken at end_function. Silent on purpose:
 * - a root that flows (through locals, struct fields, initializers) into a spawn's data
 *   argument: detached work that must outlive the request (async-capture's business);
 * - an unnamed parameter, one marked unused (`(void)ctx;`, `__attribute__((unused))`,
 *   `[[maybe_unused]]`): an explicit choice;
 * - the NULL fallback `if (!ctx) ctx = root;` / `ctx ? ctx : root`, and roots inside lambdas
 *   and blocks (their lifetime is not the function's);
 * - main.
 * The callee side is a cross-file fact ("ignores-ctx-roots", callee USR, parameter index),
 * recorded where the callee is defined and checked by `resolve` for the call site. */
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

static const char rule_id[] = "non-inherited-context";
#define FACT_IGNORES "ignores-ctx-roots"
#define MAX_PARAMS 32

typedef struct flow {
    CXCursor var; /* a local or parameter */
    CXCursor rhs; /* an expression stored into it (or into a field/element of it) */
} flow;

typedef struct param {
    CXCursor decl;
    bool reads;    /* mentioned other than as the target of `p = ...` */
    bool written;  /* assigned, or its address taken */
    bool voided;   /* `(void)p;` */
    bool shadowed; /* a local of the same name exists somewhere in the body */
} param;

typedef struct frame {
    CXCursor fn;
    bool relevant; /* has a context parameter and is not main: otherwise nothing is recorded */
    param params[MAX_PARAMS];
    int n_params;
    CXCursor *roots;
    size_t n_roots;
    CXCursor *spawn_args;    /* data arguments of spawns whose work may outlive the call */
    CXCursor *spawn_handles; /* ... and the handle variable of each (null cursor if none) */
    size_t n_spawn_args;
    CXCursor *joined; /* handle variables joined in this function */
    size_t n_joined;
    flow *flows;
    size_t n_flows;
    CXCursor *calls;
    size_t n_calls;
} frame;

typedef struct state {
    frame *frames; /* a stack: a local class's methods nest inside their function */
    size_t n_frames;
} state;

static void push_cursor(CXCursor **v, size_t *n, CXCursor c)
{
    *v = cl_xrealloc(*v, (*n + 1) * sizeof **v);
    (*v)[(*n)++] = c;
}

static frame *top(state *st, cl_rule_ctx *rc)
{
    if (!st->n_frames ||
        !clang_equalCursors(st->frames[st->n_frames - 1].fn, cl_current_function(rc)))
        return NULL;
    return &st->frames[st->n_frames - 1];
}

static bool is_main(CXCursor fn)
{
    char name[64];
    return clang_getCursorKind(fn) == CXCursor_FunctionDecl &&
           strcmp(cl_spelling(fn, name, sizeof name), "main") == 0;
}

static void push_frame(const cl_model *m, state *st, CXCursor fn)
{
    st->frames = cl_xrealloc(st->frames, (st->n_frames + 1) * sizeof *st->frames);
    frame *f = &st->frames[st->n_frames++];
    memset(f, 0, sizeof *f);
    f->fn = fn;
    int n = clang_Cursor_getNumArguments(fn);
    for (int i = 0; i < n && i < MAX_PARAMS; i++)
        f->params[f->n_params++].decl = clang_Cursor_getArgument(fn, (unsigned)i);
    for (int i = 0; i < f->n_params && !f->relevant; i++)
        f->relevant = cl_type_is_context(m, clang_getCursorType(f->params[i].decl));
    f->relevant = f->relevant && !is_main(fn);
}

static void free_frame(frame *f)
{
    free(f->roots);
    free(f->spawn_args);
    free(f->spawn_handles);
    free(f->joined);
    free(f->flows);
    free(f->calls);
}

static param *param_of(frame *f, CXCursor decl)
{
    for (int i = 0; i < f->n_params; i++)
        if (clang_equalCursors(f->params[i].decl, decl))
            return &f->params[i];
    return NULL;
}

/* Inside a lambda or block of the current function: work whose lifetime is not the call's. */
static bool in_closure(cl_rule_ctx *rc)
{
    CXCursor fn = cl_current_function(rc);
    for (unsigned up = 0;; up++) {
        CXCursor a = cl_ancestor(rc, up);
        if (clang_Cursor_isNull(a) || clang_equalCursors(a, fn))
            return false;
        enum CXCursorKind k = clang_getCursorKind(a);
        if (k == CXCursor_LambdaExpr || k == CXCursor_BlockExpr)
            return true;
    }
}

/* The variable a spawn stores its handle in (`&t`), or a join waits on (`t`). */
static CXCursor handle_var(CXCursor call, int arg)
{
    CXCursor a = cl_call_arg(call, arg);
    CXCursor d = cl_address_of_decl(a);
    return clang_Cursor_isNull(d) ? cl_referenced_decl(a) : d;
}

static void visit_call(cl_rule_ctx *rc, frame *f, CXCursor call)
{
    const cl_model *m = cl_model_of(rc);
    const cl_api_fn *spawn = cl_call_api(m, call, CL_ROLE_SPAWN);
    if (spawn) {
        CXCursor data = cl_call_arg(call, spawn->data_arg);
        if (!clang_Cursor_isNull(data) && spawn->spawn_kind != CL_SPAWN_JOINED) {
            size_t n = f->n_spawn_args;
            push_cursor(&f->spawn_args, &f->n_spawn_args, data);
            push_cursor(&f->spawn_handles, &n, handle_var(call, spawn->handle_arg));
        }
        return;
    }
    const cl_api_fn *join = cl_call_api(m, call, CL_ROLE_JOIN);
    if (join) {
        push_cursor(&f->joined, &f->n_joined, handle_var(call, join->handle_arg));
        return;
    }
    if (in_closure(rc))
        return;
    if (cl_call_api(m, call, CL_ROLE_ROOT) || cl_call_api(m, call, CL_ROLE_TODO)) {
        push_cursor(&f->roots, &f->n_roots, call);
        return;
    }
    char name[256];
    if (!clang_Cursor_isNull(cl_callee(call)) &&
        !cl_model_is_api(m, cl_callee_name(call, name, sizeof name)))
        push_cursor(&f->calls, &f->n_calls, call);
}

static void add_flow(frame *f, CXCursor var, CXCursor rhs)
{
    f->flows = cl_xrealloc(f->flows, (f->n_flows + 1) * sizeof *f->flows);
    f->flows[f->n_flows++] = (flow){var, rhs};
}

static void visit_var(frame *f, CXCursor var)
{
    char name[256], pname[256];
    cl_spelling(var, name, sizeof name);
    for (int i = 0; i < f->n_params; i++)
        if (strcmp(name, cl_spelling(f->params[i].decl, pname, sizeof pname)) == 0)
            f->params[i].shadowed = true;
    CXCursor init = clang_Cursor_getVarDeclInitializer(var);
    if (!clang_Cursor_isNull(init))
        add_flow(f, var, init);
}

static void visit_assign(frame *f, CXCursor op)
{
    if (cl_binary_op(op) != CL_OP_ASSIGN)
        return;
    CXCursor lhs = cl_child(op, 0);
    CXCursor base = cl_lvalue_base_decl(lhs, true);
    if (!clang_Cursor_isNull(base))
        add_flow(f, base, cl_child(op, 1));
    param *p = param_of(f, cl_referenced_decl(lhs));
    if (p)
        p->written = true;
}

static bool is_void_cast(CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    return (k == CXCursor_CStyleCastExpr || k == CXCursor_CXXStaticCastExpr) &&
           clang_getCursorType(c).kind == CXType_Void;
}

static void visit_ref(cl_rule_ctx *rc, frame *f, CXCursor ref)
{
    param *p = param_of(f, clang_getCursorReferenced(ref));
    if (!p)
        return;
    CXCursor parent = cl_ancestor(rc, 0);
    if (clang_getCursorKind(parent) == CXCursor_BinaryOperator &&
        cl_binary_op(parent) == CL_OP_ASSIGN && clang_equalCursors(cl_child(parent, 0), ref))
        return; /* `p = ...`: a write, not a read */
    if (clang_getCursorKind(parent) == CXCursor_UnaryOperator && cl_unary_op(parent) == CL_OP_ADDR)
        p->written = true;
    if (is_void_cast(parent) ||
        (clang_getCursorKind(parent) == CXCursor_UnexposedExpr && is_void_cast(cl_ancestor(rc, 1))))
        p->voided = true;
    p->reads = true;
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    state *st = vs;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (cl_is_function_definition(c)) {
        push_frame(cl_model_of(rc), st, c);
        return;
    }
    frame *f = top(st, rc);
    if (!f || !f->relevant)
        return;
    switch (k) {
    case CXCursor_CallExpr:
        visit_call(rc, f, c);
        break;
    case CXCursor_VarDecl:
        visit_var(f, c);
        break;
    case CXCursor_BinaryOperator:
        visit_assign(f, c);
        break;
    case CXCursor_DeclRefExpr:
        visit_ref(rc, f, c);
        break;
    default:
        break;
    }
}

/* ---- decisions at the end of the function ------------------------------------------------- */

static bool explicitly_unused(const param *p)
{
    static const char *const words[] = {"unused", "maybe_unused"};
    char name[256];
    return !cl_spelling(p->decl, name, sizeof name)[0] || p->voided ||
           cl_has_attribute(p->decl, words, CL_COUNT(words));
}

/* A context parameter the function could derive from. */
static bool is_candidate(const cl_model *m, const param *p)
{
    return cl_type_is_context(m, clang_getCursorType(p->decl)) && !explicitly_unused(p);
}

typedef struct reach {
    const CXCursor *targets; /* expressions (root calls) */
    size_t n_targets;
    const CXCursor *vars; /* variables holding them */
    size_t n_vars;
    bool found;
} reach;

static enum CXChildVisitResult find_reach(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    reach *r = data;
    for (size_t i = 0; i < r->n_targets && !r->found; i++)
        r->found = clang_equalCursors(c, r->targets[i]);
    if (!r->found && clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        for (size_t i = 0; i < r->n_vars && !r->found; i++)
            r->found = clang_equalCursors(d, r->vars[i]);
    }
    if (!r->found)
        clang_visitChildren(c, find_reach, r);
    return r->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* True when `e` contains one of targets[] or mentions a variable of vars[]. */
static bool reaches(CXCursor e, const CXCursor *targets, size_t n_targets, const CXCursor *vars,
                    size_t n_vars)
{
    reach r = {targets, n_targets, vars, n_vars, false};
    find_reach(e, clang_getNullCursor(), &r);
    return r.found;
}

/* The root flows into the data argument of a spawn that is not joined here (a group's tasks
 * and a thread joined before returning are part of the request): detached work that must
 * outlive the request.
 * Over-approximate on purpose (anything mentioning a holder counts): errs towards silence. */
static bool feeds_spawn(const frame *f, CXCursor root)
{
    CXCursor *vars = NULL;
    size_t n_vars = 0;
    for (bool changed = true; changed;) {
        changed = false;
        for (size_t i = 0; i < f->n_flows; i++) {
            bool known = false;
            for (size_t v = 0; v < n_vars && !known; v++)
                known = clang_equalCursors(vars[v], f->flows[i].var);
            if (!known && reaches(f->flows[i].rhs, &root, 1, vars, n_vars)) {
                push_cursor(&vars, &n_vars, f->flows[i].var);
                changed = true;
            }
        }
    }
    bool found = false;
    for (size_t i = 0; i < f->n_spawn_args && !found; i++) {
        bool joined = false;
        for (size_t j = 0; j < f->n_joined && !joined; j++)
            joined = !clang_Cursor_isNull(f->spawn_handles[i]) &&
                     clang_equalCursors(f->spawn_handles[i], f->joined[j]);
        found = !joined && reaches(f->spawn_args[i], &root, 1, vars, n_vars);
    }
    free(vars);
    return found;
}

static bool mentions(CXCursor e, CXCursor var)
{
    return reaches(e, NULL, 0, &var, 1);
}

typedef struct branch_search {
    CXCursor root, param;
    bool found;
} branch_search;

static enum CXChildVisitResult find_guarded(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    branch_search *b = data;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (!cl_extent_contains(c, b->root))
        return CXChildVisit_Continue;
    if (k == CXCursor_IfStmt || k == CXCursor_ConditionalOperator) {
        CXCursor cond = cl_child(c, 0);
        if (!cl_extent_contains(cond, b->root) && mentions(cond, b->param)) {
            b->found = true;
            return CXChildVisit_Break;
        }
    }
    clang_visitChildren(c, find_guarded, b);
    return b->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

/* `if (!ctx) ctx = root;`, `c = ctx ? ctx : root`: a fallback for a NULL parameter (nil-context
 * judges the callers that pass one). */
static bool guarded_by(CXCursor fn, CXCursor root, CXCursor param_decl)
{
    branch_search b = {root, param_decl, false};
    clang_visitChildren(fn, find_guarded, &b);
    return b.found;
}

/* The fix replaces the root call by the parameter's name, when that is plainly the same type
 * and the name means the parameter everywhere in the body. */
static void add_fix(cl_rule_ctx *rc, cl_finding *fd, CXCursor root, const param *p,
                    const char *pname)
{
    CXType t = clang_getCanonicalType(clang_getCursorType(p->decl));
    if (!fd || p->written || p->shadowed || t.kind != CXType_Pointer ||
        clang_isConstQualifiedType(clang_getPointeeType(t)))
        return;
    /* Written out in the source (not produced by a macro): `name ( )`. */
    CXTranslationUnit tu = cl_tu_of(rc);
    CXToken *toks = NULL;
    unsigned n = 0;
    CXSourceRange r = clang_getCursorExtent(root);
    clang_tokenize(tu, r, &toks, &n);
    bool plain = false;
    if (n >= 3) {
        char callee[256];
        CXString first = clang_getTokenSpelling(tu, toks[0]);
        CXString last = clang_getTokenSpelling(tu, toks[n - 1]);
        plain = clang_getTokenKind(toks[0]) == CXToken_Identifier &&
                strcmp(clang_getCString(first), cl_callee_name(root, callee, sizeof callee)) == 0 &&
                strcmp(clang_getCString(last), ")") == 0;
        clang_disposeString(first);
        clang_disposeString(last);
    }
    clang_disposeTokens(tu, toks, n);
    if (plain)
        cl_add_fix(rc, fd, r, pname);
}

static bool derives_from(const cl_model *m, const frame *f, CXCursor e, CXCursor p, int depth)
{
    if (depth > 8 || clang_Cursor_isNull(e))
        return false;
    e = cl_strip_casts(e);
    if (clang_getCursorKind(e) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(e);
        if (clang_equalCursors(d, p))
            return true;
        if (clang_getCursorKind(d) != CXCursor_VarDecl)
            return false;
        /* A local every write of which derives from p. */
        size_t writes = 0;
        for (size_t i = 0; i < f->n_flows; i++) {
            if (!clang_equalCursors(f->flows[i].var, d))
                continue;
            if (!derives_from(m, f, f->flows[i].rhs, p, depth + 1))
                return false;
            writes++;
        }
        return writes > 0;
    }
    if (clang_getCursorKind(e) != CXCursor_CallExpr)
        return false;
    static const cl_role derivations[] = {CL_ROLE_DERIVE, CL_ROLE_DETACH, CL_ROLE_RETAIN};
    for (size_t i = 0; i < CL_COUNT(derivations); i++) {
        const cl_api_fn *api = cl_call_api(m, e, derivations[i]);
        if (api)
            return derives_from(m, f, cl_call_arg(e, api->context_arg), p, depth + 1);
    }
    return false;
}

static void check_calls(cl_rule_ctx *rc, const frame *f, const param *cand)
{
    const cl_model *m = cl_model_of(rc);
    char pname[256];
    cl_spelling(cand->decl, pname, sizeof pname);
    for (size_t i = 0; i < f->n_calls; i++) {
        CXCursor call = f->calls[i];
        CXCursor callee = clang_getCanonicalCursor(cl_callee(call));
        char usr[512], name[256];
        if (!cl_usr(callee, usr, sizeof usr)[0])
            continue;
        cl_spelling(callee, name, sizeof name);
        int n = cl_call_num_args(call);
        for (int j = 0; j < n; j++)
            if (derives_from(m, f, clang_Cursor_getArgument(call, (unsigned)j), cand->decl, 0))
                cl_report_if(rc, FACT_IGNORES, usr, j, call,
                             "'%s' ignores the context passed as its argument %d and starts a new "
                             "root, so cancellation and deadlines of '%s' never reach its work; "
                             "make '%s' derive from its context parameter",
                             name, j + 1, pname, name);
    }
}

static void decide(cl_rule_ctx *rc, frame *f)
{
    const cl_model *m = cl_model_of(rc);
    if (is_main(f->fn))
        return;
    const param *cand = NULL;
    for (int i = 0; i < f->n_params && !cand; i++)
        if (is_candidate(m, &f->params[i]))
            cand = &f->params[i];

    bool starts_root = false;
    for (size_t i = 0; i < f->n_roots; i++) {
        CXCursor root = f->roots[i];
        if (feeds_spawn(f, root))
            continue;
        starts_root = true;
        if (!cand || guarded_by(f->fn, root, cand->decl))
            continue;
        char callee[256], fname[256], pname[256];
        cl_callee_name(root, callee, sizeof callee);
        cl_spelling(f->fn, fname, sizeof fname);
        cl_spelling(cand->decl, pname, sizeof pname);
        cl_finding *fd = cl_report(rc, root,
                                   "%s() starts a new root context although '%s' received the "
                                   "context '%s', so its cancellation and deadline never reach "
                                   "this work; derive from '%s' instead",
                                   callee, fname, pname, pname);
        add_fix(rc, fd, root, cand, pname);
    }

    /* The callee side, for callers in any unit: a context parameter never read while a new
     * root is started. Unnamed and explicitly unused parameters are a deliberate choice. */
    if (starts_root) {
        char usr[512];
        cl_usr(clang_getCanonicalCursor(f->fn), usr, sizeof usr);
        for (int i = 0; i < f->n_params && usr[0]; i++)
            if (is_candidate(m, &f->params[i]) && !f->params[i].reads)
                cl_add_fact(rc, FACT_IGNORES, usr, i, NULL);
    }
    if (cand)
        check_calls(rc, f, cand);
}

static void end_function(cl_rule_ctx *rc, void *vs, CXCursor fn)
{
    state *st = vs;
    if (!st->n_frames || !clang_equalCursors(st->frames[st->n_frames - 1].fn, fn))
        return;
    frame *f = &st->frames[st->n_frames - 1];
    decide(rc, f);
    free_frame(f);
    st->n_frames--;
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    state *st = vs;
    for (size_t i = 0; i < st->n_frames; i++)
        free_frame(&st->frames[i]);
    free(st->frames);
}

static bool resolve(const cl_facts *facts, const char *kind, const char *key, int index)
{
    size_t n = 0;
    const cl_fact *v = cl_facts_find(facts, rule_id, kind, key, &n);
    for (size_t i = 0; i < n; i++)
        if (v[i].index == index)
            return true;
    return false;
}

static const enum CXCursorKind kinds[] = {
    CXCursor_FunctionDecl,       CXCursor_CXXMethod,
    CXCursor_Constructor,        CXCursor_Destructor,
    CXCursor_ConversionFunction, CXCursor_FunctionTemplate,
    CXCursor_CallExpr,           CXCursor_VarDecl,
    CXCursor_BinaryOperator,     CXCursor_DeclRefExpr,
};

const cl_rule cl_rule_non_inherited_context = {
    .id = rule_id,
    .summary = "A new root context started in a function that received a context it could "
               "derive from, directly or one call away.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_function = end_function,
    .end_tu = end_tu,
    .resolve = resolve,
};
