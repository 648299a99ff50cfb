/* async-capture: a request-scoped context handed to work that outlives the request.
 *
 * A context is request-scoped when it is a context parameter of the function or was derived
 * from one (model DERIVE) in it. The walk records, per function, every definition of a local
 * variable (initialisers, assignments, stores into a struct it holds or points to) and every
 * call; end_function then asks, for each argument of a fire-and-forget spawn and of each call to
 * a plain function, which request contexts may reach it. Definitions are ordered by the walk
 * (pre-order), and a later unconditional assignment in an enclosing block replaces the earlier
 * value, so `c = ctx_without_cancel(c)` cleans `c`; everything else is a may-union.
 *
 * Who is to blame: a spawn that receives a parameter unchanged only makes the function a spawner
 * (a fact for other units); the bug is reported where the request context is handed to it, at
 * the call site, once every unit's facts are merged (resolve). A context derived in the
 * function itself is reported at the spawn. */
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

#define RULE_ID "async-capture"
#define MAX_PARAMS 64

typedef enum via_kind { VIA_NONE, VIA_STORED, VIA_LITERAL, VIA_BLOCK, VIA_LAMBDA } via_kind;

/* What may reach an expression: parameters unchanged, or a context derived here. */
typedef struct taint {
    uint64_t params;  /* parameters (contexts and blocks) that flow here unchanged */
    bool derived;     /* derived in this function from a request context */
    CXCursor witness; /* the context variable carrying it, for the message */
    CXCursor via;     /* the struct variable holding it, or the block or lambda capturing it */
    via_kind via_kind;
} taint;

typedef struct def {
    CXCursor fn;
    CXCursor var;   /* the VarDecl/ParmDecl whose value (or pointee, or fields) changes */
    CXCursor at;    /* the VarDecl or the assignment */
    CXCursor src;   /* the value; null for a declaration without initialiser */
    CXCursor block; /* the CompoundStmt it runs unconditionally in, or null */
    unsigned idx;   /* pre-order position in the walk */
    bool strong;    /* replaces the variable's value (not a store into a field) */
    int memo;       /* 0 not computed, 1 in progress, 2 done */
    taint t;
} def;

/* What a C++ thread object's construction is followed by, when visible from the ancestors. */
typedef enum temp_fate { FATE_UNKNOWN, FATE_DETACHED, FATE_JOINED, FATE_VAR } temp_fate;

typedef struct call {
    CXCursor fn;
    CXCursor call;
    unsigned idx;
    const cl_api_fn *spawn, *join, *tdetach;
    temp_fate fate;  /* SPAWN with handle_arg -1 */
    CXCursor object; /* FATE_VAR: the thread variable */
} call;

/* A goto target, with the position of the first goto that jumps to it (UINT_MAX: none yet). */
typedef struct label {
    CXCursor fn;
    CXCursor at;
    unsigned idx;
    unsigned first_goto;
} label;

typedef struct state {
    unsigned idx;
    def *defs;
    size_t n_defs, cap_defs;
    call *calls;
    size_t n_calls, cap_calls;
    label *labels; /* goto targets: a definition before one does not dominate what follows */
    size_t n_labels, cap_labels;
    /* The function being analysed by end_function. */
    CXCursor fn;
    CXCursor params[MAX_PARAMS];
    unsigned n_params;
    uint64_t context_params; /* parameters that are contexts (the reportable sources) */
    def *fdefs;              /* this function's definitions, in walk order */
    size_t n_fdefs;
    call *fcalls;
    size_t n_fcalls;
} state;

/* ---- Collection during the walk ------------------------------------------------------------- */

/* Types worth tracking: whatever can hold or point to a context (not plain numbers). */
static bool trackable(CXType t)
{
    switch (clang_getCanonicalType(t).kind) {
    case CXType_Pointer:
    case CXType_BlockPointer:
    case CXType_Record:
    case CXType_ConstantArray:
    case CXType_IncompleteArray:
    case CXType_VariableArray:
    case CXType_LValueReference:
    case CXType_RValueReference:
        return true;
    default:
        return false;
    }
}

static bool is_variable(CXCursor d)
{
    enum CXCursorKind k = clang_getCursorKind(d);
    return k == CXCursor_VarDecl || k == CXCursor_ParmDecl;
}

/* The variable whose storage an lvalue or handle expression names: `x`, `x.f`, `x->f`, `x[i]`,
 * `*x`, `&x`, through any nesting of those. */
static CXCursor base_variable(CXCursor e)
{
    for (int guard = 0; guard < 32; guard++) {
        e = cl_strip_casts(e);
        switch (clang_getCursorKind(e)) {
        case CXCursor_DeclRefExpr: {
            CXCursor d = clang_getCursorReferenced(e);
            return is_variable(d) ? d : clang_getNullCursor();
        }
        case CXCursor_MemberRefExpr:
        case CXCursor_ArraySubscriptExpr:
        case CXCursor_UnaryOperator:
            if (cl_num_children(e) == 0)
                return clang_getNullCursor();
            e = cl_child(e, 0);
            break;
        default:
            return clang_getNullCursor();
        }
    }
    return clang_getNullCursor();
}

/* The block a definition runs in on every path through it: its statement is a direct child of
 * a CompoundStmt (anything else between them, an if, a loop, a label, makes it conditional). */
static CXCursor unconditional_block(cl_rule_ctx *rc)
{
    for (unsigned up = 0; up < 8; up++) {
        CXCursor a = cl_ancestor(rc, up);
        switch (clang_getCursorKind(a)) {
        case CXCursor_CompoundStmt:
            return a;
        case CXCursor_DeclStmt:
        case CXCursor_UnexposedExpr:
        case CXCursor_ParenExpr:
            continue;
        default:
            return clang_getNullCursor();
        }
    }
    return clang_getNullCursor();
}

static void add_def(cl_rule_ctx *rc, state *st, CXCursor var, CXCursor at, CXCursor src,
                    bool strong)
{
    if (st->n_defs == st->cap_defs) {
        st->cap_defs = st->cap_defs ? 2 * st->cap_defs : 32;
        st->defs = cl_xrealloc(st->defs, st->cap_defs * sizeof *st->defs);
    }
    def *d = &st->defs[st->n_defs++];
    memset(d, 0, sizeof *d);
    d->fn = cl_current_function(rc);
    d->var = var;
    d->at = at;
    d->src = src;
    d->block = unconditional_block(rc);
    d->idx = st->idx;
    d->strong = strong;
}

static void visit_var(cl_rule_ctx *rc, state *st, CXCursor c)
{
    if (!trackable(clang_getCursorType(c)))
        return;
    /* The initialiser is the last child when it is an expression. */
    unsigned n = cl_num_children(c);
    CXCursor init = n ? cl_child(c, n - 1) : clang_getNullCursor();
    if (!clang_Cursor_isNull(init) && !clang_isExpression(clang_getCursorKind(init)))
        init = clang_getNullCursor();
    add_def(rc, st, c, c, init, true);
}

static void visit_assign(cl_rule_ctx *rc, state *st, CXCursor c)
{
    /* Comparisons and arithmetic on numbers have a number type: no operator lookup needed. */
    if (!trackable(clang_getCursorType(c)))
        return;
    CXCursor lhs = cl_strip(cl_child(c, 0));
    enum CXCursorKind lk = clang_getCursorKind(lhs);
    if (lk != CXCursor_DeclRefExpr && lk != CXCursor_MemberRefExpr &&
        lk != CXCursor_ArraySubscriptExpr && lk != CXCursor_UnaryOperator)
        return;
    if (cl_binary_op(c) != CL_OP_ASSIGN)
        return;
    CXCursor var = base_variable(lhs);
    if (clang_Cursor_isNull(var))
        return;
    add_def(rc, st, var, c, cl_child(c, 1), lk == CXCursor_DeclRefExpr);
}

/* For a C++ thread object built by a constructor: is the temporary detached or joined on the
 * spot (`std::thread(f).detach()`), or does it initialise a variable? */
static void object_fate(cl_rule_ctx *rc, call *k)
{
    const cl_model *m = cl_model_of(rc);
    for (unsigned up = 0; up < 12; up++) {
        CXCursor a = cl_ancestor(rc, up);
        switch (clang_getCursorKind(a)) {
        case CXCursor_UnexposedExpr:
        case CXCursor_ParenExpr:
        case CXCursor_CXXFunctionalCastExpr:
            continue;
        case CXCursor_VarDecl:
            k->fate = FATE_VAR;
            k->object = a;
            return;
        case CXCursor_MemberRefExpr: {
            CXCursor outer = cl_ancestor(rc, up + 1);
            if (cl_call_api(m, outer, CL_ROLE_THREAD_DETACH))
                k->fate = FATE_DETACHED;
            else if (cl_call_api(m, outer, CL_ROLE_JOIN))
                k->fate = FATE_JOINED;
            return;
        }
        default:
            return;
        }
    }
}

static void visit_call(cl_rule_ctx *rc, state *st, CXCursor c)
{
    const cl_model *m = cl_model_of(rc);
    call k = {0};
    k.fn = cl_current_function(rc);
    k.call = c;
    k.idx = st->idx;
    /* One name lookup per call: most calls are neither the model's nor interesting. */
    char name[256];
    if (!cl_callee_name(c, name, sizeof name)[0])
        return;
    bool api = cl_model_is_api(m, name);
    CXCursor callee = cl_callee(c);
    bool scoped = !api && !clang_Cursor_isNull(callee) &&
                  clang_getCursorKind(clang_getCursorSemanticParent(callee)) !=
                      CXCursor_TranslationUnit; /* C++: the model may name it qualified */
    if (api) {
        k.spawn = cl_model_find(m, CL_ROLE_SPAWN, name);
        k.join = cl_model_find(m, CL_ROLE_JOIN, name);
        k.tdetach = cl_model_find(m, CL_ROLE_THREAD_DETACH, name);
    } else if (scoped) {
        k.spawn = cl_call_api(m, c, CL_ROLE_SPAWN);
        k.join = cl_call_api(m, c, CL_ROLE_JOIN);
        k.tdetach = cl_call_api(m, c, CL_ROLE_THREAD_DETACH);
    }
    if (k.spawn && k.spawn->spawn_kind == CL_SPAWN_JOINED)
        return; /* joined by the group's (or the future's) wait: nothing to do */
    /* A plain call (not the model's) matters if a context or a block may be handed to it. */
    if (!k.spawn && !k.join && !k.tdetach &&
        (api || clang_Cursor_isNull(callee) || cl_in_system_header(callee)))
        return;
    if (k.spawn && k.spawn->handle_arg < 0)
        object_fate(rc, &k);
    if (st->n_calls == st->cap_calls) {
        st->cap_calls = st->cap_calls ? 2 * st->cap_calls : 32;
        st->calls = cl_xrealloc(st->calls, st->cap_calls * sizeof *st->calls);
    }
    st->calls[st->n_calls++] = k;
}

/* The label at `at` (by location: a LabelRef's target is not an equal cursor). */
static label *find_label(state *st, CXCursor at)
{
    for (size_t i = 0; i < st->n_labels; i++)
        if (clang_equalLocations(clang_getCursorLocation(st->labels[i].at),
                                 clang_getCursorLocation(at)))
            return &st->labels[i];
    if (st->n_labels == st->cap_labels) {
        st->cap_labels = st->cap_labels ? 2 * st->cap_labels : 8;
        st->labels = cl_xrealloc(st->labels, st->cap_labels * sizeof *st->labels);
    }
    label *l = &st->labels[st->n_labels++];
    *l = (label){clang_getNullCursor(), at, 0, UINT_MAX};
    return l;
}

/* Labels and the gotos that reach them (a goto may come before or after its label). */
static void visit_label(cl_rule_ctx *rc, state *st, CXCursor c)
{
    if (clang_getCursorKind(c) == CXCursor_LabelStmt) {
        label *l = find_label(st, c);
        l->fn = cl_current_function(rc);
        l->idx = st->idx;
        return;
    }
    CXCursor ref = cl_child(c, 0);
    if (clang_getCursorKind(ref) != CXCursor_LabelRef)
        return;
    label *l = find_label(st, clang_getCursorReferenced(ref));
    if (st->idx < l->first_goto)
        l->first_goto = st->idx;
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    state *st = vs;
    st->idx++;
    if (clang_Cursor_isNull(cl_current_function(rc)))
        return;
    switch (clang_getCursorKind(c)) {
    case CXCursor_VarDecl:
        visit_var(rc, st, c);
        break;
    case CXCursor_BinaryOperator:
        visit_assign(rc, st, c);
        break;
    case CXCursor_CallExpr:
        visit_call(rc, st, c);
        break;
    case CXCursor_LabelStmt:
    case CXCursor_GotoStmt:
        visit_label(rc, st, c);
        break;
    default:
        break;
    }
}

/* ---- Analysis at the end of a function ------------------------------------------------------ */

/* A point of the function: where a value is used (a call, a definition). */
typedef struct pos {
    unsigned idx;
    CXCursor at;
} pos;

static taint clean(void)
{
    taint t = {0};
    t.witness = t.via = clang_getNullCursor();
    return t;
}

static void join_into(taint *a, taint b)
{
    a->params |= b.params;
    a->derived = a->derived || b.derived;
    if (clang_Cursor_isNull(a->witness))
        a->witness = b.witness;
    if (a->via_kind == VIA_NONE) {
        a->via = b.via;
        a->via_kind = b.via_kind;
    }
}

static bool any(taint t)
{
    return t.params || t.derived;
}

static bool reportable(const state *st, taint t)
{
    return (t.params & st->context_params) || t.derived;
}

static int param_index(const state *st, CXCursor d)
{
    for (unsigned i = 0; i < st->n_params; i++)
        if (clang_equalCursors(st->params[i], d))
            return (int)i;
    return -1;
}

/* A definition takes effect after its whole extent: a use inside it does not see it. */
static bool reaches(const def *d, pos p)
{
    return d->idx < p.idx && !cl_extent_contains(d->at, p.at);
}

static bool dominates(const state *st, const def *d, pos p)
{
    if (!d->strong || clang_Cursor_isNull(d->block) || !reaches(d, p) ||
        !cl_extent_contains(d->block, p.at))
        return false;
    /* A label in between, reached by a goto from before the definition, skips it. */
    for (size_t i = 0; i < st->n_labels; i++) {
        const label *l = &st->labels[i];
        if (l->idx > d->idx && l->idx < p.idx && l->first_goto < d->idx &&
            clang_equalCursors(l->fn, st->fn) && cl_extent_contains(d->block, l->at))
            return false;
    }
    return true;
}

static taint eval(cl_rule_ctx *rc, state *st, CXCursor e, pos p);

static taint def_taint(cl_rule_ctx *rc, state *st, def *d)
{
    if (d->memo == 2)
        return d->t;
    if (d->memo == 1)
        return clean(); /* a cycle; cannot happen with walk order, but stay safe */
    d->memo = 1;
    taint t = clean();
    if (!clang_Cursor_isNull(d->src))
        t = eval(rc, st, d->src, (pos){d->idx, d->at});
    d->t = t;
    d->memo = 2;
    return t;
}

/* The value of variable `v` at `p`: the last assignment that runs on every path to `p`, joined
 * with every conditional assignment or field store after it. */
static taint var_taint(cl_rule_ctx *rc, state *st, CXCursor v, pos p)
{
    int pi = param_index(st, v);
    size_t last = SIZE_MAX;
    for (size_t i = 0; i < st->n_fdefs; i++)
        if (clang_equalCursors(st->fdefs[i].var, v) && dominates(st, &st->fdefs[i], p))
            last = i;
    taint t = clean();
    if (last == SIZE_MAX && pi >= 0) {
        t.params = UINT64_C(1) << pi;
        t.witness = v;
    }
    for (size_t i = last == SIZE_MAX ? 0 : last; i < st->n_fdefs; i++) {
        def *d = &st->fdefs[i];
        if (clang_equalCursors(d->var, v) && reaches(d, p))
            join_into(&t, def_taint(rc, st, d));
    }
    return t;
}

static taint eval_var_ref(cl_rule_ctx *rc, state *st, CXCursor ref, pos p)
{
    CXCursor v = clang_getCursorReferenced(ref);
    if (!is_variable(v))
        return clean();
    taint t = var_taint(rc, st, v, p);
    if (!any(t))
        return t;
    CXType ty = clang_getCursorType(v);
    if (cl_type_is_context(cl_model_of(rc), ty)) {
        t.witness = v; /* the nearest name the reader knows it by */
    } else if (clang_getCanonicalType(ty).kind != CXType_BlockPointer &&
               (t.via_kind == VIA_NONE || t.via_kind == VIA_STORED || t.via_kind == VIA_LITERAL)) {
        t.via = v; /* the outermost holder: the one the reader sees handed over */
        t.via_kind = VIA_STORED;
    }
    return t;
}

typedef struct capture_walk {
    cl_rule_ctx *rc;
    state *st;
    CXCursor closure;
    pos p;
    taint t;
} capture_walk;

static enum CXChildVisitResult find_captures(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    capture_walk *w = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor v = clang_getCursorReferenced(c);
        /* A variable declared outside the block or lambda is captured; its value is the one
         * at the point the closure is made. */
        if (is_variable(v) && !cl_extent_contains(w->closure, v))
            join_into(&w->t, eval_var_ref(w->rc, w->st, c, w->p));
    }
    return CXChildVisit_Recurse;
}

static taint eval_closure(cl_rule_ctx *rc, state *st, CXCursor e, pos p)
{
    capture_walk w = {rc, st, e, p, clean()};
    clang_visitChildren(e, find_captures, &w);
    if (any(w.t)) {
        w.t.via = e;
        w.t.via_kind = clang_getCursorKind(e) == CXCursor_BlockExpr ? VIA_BLOCK : VIA_LAMBDA;
    }
    return w.t;
}

static taint eval_children(cl_rule_ctx *rc, state *st, CXCursor e, pos p)
{
    taint t = clean();
    unsigned n = cl_num_children(e);
    for (unsigned i = 0; i < n; i++)
        join_into(&t, eval(rc, st, cl_child(e, i), p));
    return t;
}

static taint eval_call(cl_rule_ctx *rc, state *st, CXCursor e, pos p)
{
    const cl_model *m = cl_model_of(rc);
    const cl_api_fn *f = cl_call_api(m, e, CL_ROLE_RETAIN);
    if (f)
        return eval(rc, st, cl_call_arg(e, f->context_arg), p); /* the same context */
    if (cl_call_api(m, e, CL_ROLE_DETACH) || cl_call_api(m, e, CL_ROLE_ROOT) ||
        cl_call_api(m, e, CL_ROLE_TODO))
        return clean();
    f = cl_call_api(m, e, CL_ROLE_DERIVE);
    if (!f)
        return clean(); /* an unknown function's result: unsure, so not request-scoped */
    taint parent = eval(rc, st, cl_call_arg(e, f->context_arg), p);
    taint t = clean();
    if (reportable(st, parent)) {
        t.derived = true;
        t.witness = parent.witness;
    }
    return t;
}

static taint eval(cl_rule_ctx *rc, state *st, CXCursor e, pos p)
{
    e = cl_strip_casts(e);
    switch (clang_getCursorKind(e)) {
    case CXCursor_DeclRefExpr:
        return eval_var_ref(rc, st, e, p);
    case CXCursor_MemberRefExpr:
    case CXCursor_ArraySubscriptExpr:
        /* A field or element of a struct or array that holds a request context. */
        return cl_num_children(e) ? eval(rc, st, cl_child(e, 0), p) : clean();
    case CXCursor_UnaryOperator: {
        cl_op op = cl_unary_op(e);
        return op == CL_OP_ADDR || op == CL_OP_DEREF ? eval(rc, st, cl_child(e, 0), p) : clean();
    }
    case CXCursor_BinaryOperator: {
        cl_op op = cl_binary_op(e);
        return op == CL_OP_ASSIGN || op == CL_OP_COMMA ? eval(rc, st, cl_child(e, 1), p) : clean();
    }
    case CXCursor_ConditionalOperator: {
        taint t = eval(rc, st, cl_child(e, 1), p);
        join_into(&t, eval(rc, st, cl_child(e, 2), p));
        return t;
    }
    case CXCursor_CallExpr:
        return eval_call(rc, st, e, p);
    case CXCursor_CompoundLiteralExpr: {
        unsigned n = cl_num_children(e);
        taint t = n ? eval(rc, st, cl_child(e, n - 1), p) : clean();
        if (any(t) && t.via_kind == VIA_NONE)
            t.via_kind = VIA_LITERAL;
        return t;
    }
    case CXCursor_InitListExpr:
    case CXCursor_UnexposedExpr: /* a designated initialiser: `.ctx = c` */
        return eval_children(rc, st, e, p);
    case CXCursor_BlockExpr:
    case CXCursor_LambdaExpr:
        return eval_closure(rc, st, e, p);
    default:
        return clean();
    }
}

/* ---- Spawns --------------------------------------------------------------------------------- */

static CXCursor method_object(CXCursor c)
{
    CXCursor callee = cl_child(c, 0);
    if (clang_getCursorKind(callee) != CXCursor_MemberRefExpr || cl_num_children(callee) == 0)
        return clang_getNullCursor();
    return base_variable(cl_child(callee, 0));
}

/* The variable a JOIN or THREAD_DETACH call acts on. */
static CXCursor handle_of(const call *k)
{
    const cl_api_fn *f = k->join ? k->join : k->tdetach;
    if (!f)
        return clang_getNullCursor();
    return f->handle_arg >= 0 ? base_variable(cl_call_arg(k->call, f->handle_arg))
                              : method_object(k->call);
}

typedef struct ref_count {
    CXCursor var;
    unsigned n;
} ref_count;

static enum CXChildVisitResult count_refs(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    ref_count *r = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr &&
        clang_equalCursors(clang_getCursorReferenced(c), r->var))
        r->n++;
    return CXChildVisit_Recurse;
}

typedef enum outlives { OUTLIVES_NO, OUTLIVES_DETACHED, OUTLIVES_UNJOINED } outlives;

/* Does the work started by spawn `k` outlive the function? Unsure means no. */
static outlives spawn_outlives(const state *st, const call *k)
{
    const cl_api_fn *f = k->spawn;
    if (f->spawn_kind == CL_SPAWN_DETACHED)
        return OUTLIVES_DETACHED;
    if (f->spawn_kind != CL_SPAWN_THREAD)
        return OUTLIVES_NO;
    CXCursor h;
    if (f->handle_arg < 0) {
        if (k->fate == FATE_DETACHED)
            return OUTLIVES_DETACHED;
        if (k->fate != FATE_VAR)
            return OUTLIVES_NO;
        h = k->object;
    } else {
        h = base_variable(cl_call_arg(k->call, f->handle_arg));
    }
    if (clang_Cursor_isNull(h))
        return OUTLIVES_NO;
    unsigned known = 1; /* the spawn's own mention of the handle */
    bool joined = false;
    for (size_t i = 0; i < st->n_fcalls; i++) {
        const call *o = &st->fcalls[i];
        if ((!o->join && !o->tdetach) || !clang_equalCursors(handle_of(o), h))
            continue;
        if (o->tdetach)
            return OUTLIVES_DETACHED;
        known++;
        joined = joined || o->idx > k->idx;
    }
    if (joined || f->handle_arg < 0)
        return OUTLIVES_NO; /* a C++ thread neither joined nor detached here was moved away */
    /* Never joined: only a local handle that goes nowhere else can be judged. */
    if (clang_getCursorKind(h) != CXCursor_VarDecl ||
        clang_Cursor_getStorageClass(h) != CX_SC_None || !cl_extent_contains(st->fn, h))
        return OUTLIVES_NO;
    ref_count r = {h, 0};
    clang_visitChildren(st->fn, count_refs, &r);
    return r.n <= known ? OUTLIVES_UNJOINED : OUTLIVES_NO;
}

/* The sentence's second half: how to hand the work a context that survives the request. */
static const char *remedy(const cl_model *m, const char *name, char *buf, size_t size)
{
    const char *detach = NULL, *root = NULL;
    for (size_t i = 0; i < m->n_fns; i++) {
        if (!detach && m->fns[i].role == CL_ROLE_DETACH)
            detach = m->fns[i].name;
        if (!root && m->fns[i].role == CL_ROLE_ROOT)
            root = m->fns[i].name;
    }
    if (detach && root)
        snprintf(buf, size, "pass %s(%s) (or a context rooted in %s())", detach, name, root);
    else if (detach)
        snprintf(buf, size, "pass %s(%s)", detach, name);
    else if (root)
        snprintf(buf, size, "pass a context rooted in %s()", root);
    else
        snprintf(buf, size, "pass a context that the request does not cancel");
    return buf;
}

static const char *how(taint t, char *buf, size_t size)
{
    char name[128];
    switch (t.via_kind) {
    case VIA_STORED:
        snprintf(buf, size, ", stored in '%s',", cl_spelling(t.via, name, sizeof name));
        break;
    case VIA_LITERAL:
        snprintf(buf, size, ", stored in a compound literal,");
        break;
    case VIA_BLOCK:
        snprintf(buf, size, ", captured by a block,");
        break;
    case VIA_LAMBDA:
        snprintf(buf, size, ", captured by a lambda,");
        break;
    default:
        buf[0] = '\0';
    }
    return buf;
}

static void report(cl_rule_ctx *rc, taint t, CXCursor at, const char *target, const char *kind,
                   const char *key, int index)
{
    char name[128], fix[256], via[160];
    if (clang_Cursor_isNull(t.witness))
        snprintf(name, sizeof name, "ctx");
    else
        cl_spelling(t.witness, name, sizeof name);
    remedy(cl_model_of(rc), name, fix, sizeof fix);
    how(t, via, sizeof via);
#define ASYNC_FMT                                                                                  \
    "request context '%s'%s is handed to %s; %s so the work is not cancelled when the "            \
    "request ends"
    if (kind)
        cl_report_if(rc, kind, key, index, at, ASYNC_FMT, name, via, target, fix);
    else
        cl_report(rc, at, ASYNC_FMT, name, via, target, fix);
#undef ASYNC_FMT
}

static void record_param_facts(cl_rule_ctx *rc, const char *usr, uint64_t params, uint64_t *done,
                               const char *kind, const char *data)
{
    for (unsigned i = 0; i < MAX_PARAMS; i++) {
        uint64_t bit = UINT64_C(1) << i;
        if (!(params & bit) || (done && (*done & bit)))
            continue;
        if (done)
            *done |= bit;
        cl_add_fact(rc, kind, usr, (int)i, data);
    }
}

static void check_spawn(cl_rule_ctx *rc, state *st, const call *k, const char *fn_usr,
                        uint64_t *spawning)
{
    outlives o = spawn_outlives(st, k);
    if (o == OUTLIVES_NO)
        return;
    const cl_api_fn *f = k->spawn;
    char target[300];
    if (o == OUTLIVES_DETACHED && f->spawn_kind == CL_SPAWN_THREAD)
        snprintf(target, sizeof target, "a detached thread started by %s that outlives the request",
                 f->name);
    else if (o == OUTLIVES_DETACHED)
        snprintf(target, sizeof target, "work started by %s that outlives the request", f->name);
    else
        snprintf(target, sizeof target,
                 "a thread started by %s that is never joined, so it outlives the request",
                 f->name);
    int n = cl_call_num_args(k->call);
    for (int i = 0; i < n; i++) {
        if (i != f->callback_arg && (f->data_arg < 0 || i < f->data_arg))
            continue;
        CXCursor arg = cl_call_arg(k->call, i);
        taint t = eval(rc, st, arg, (pos){k->idx, k->call});
        /* A parameter handed on unchanged makes this function a spawner: its callers are
         * where the request context comes from, and where it is reported. */
        record_param_facts(rc, fn_usr, t.params, spawning, "param-spawns", NULL);
        if (t.derived)
            report(rc, t, arg, target, NULL, NULL, 0);
    }
}

static bool may_carry(const cl_model *m, CXType t)
{
    return cl_type_is_context(m, t) || clang_getCanonicalType(t).kind == CXType_BlockPointer;
}

/* A call of a plain function: if a request context reaches its parameter j, the callee may be
 * a spawner (decided across units by resolve). */
static void check_call(cl_rule_ctx *rc, state *st, const call *k, const char *fn_usr)
{
    const cl_model *m = cl_model_of(rc);
    CXCursor callee = cl_callee(k->call);
    char usr[512], name[256], target[320], data[540];
    cl_usr(callee, usr, sizeof usr);
    if (!usr[0])
        return;
    int n = cl_call_num_args(k->call);
    for (int j = 0; j < n; j++) {
        CXCursor arg = cl_call_arg(k->call, j);
        if (!may_carry(m, clang_getCursorType(arg)))
            continue;
        taint t = eval(rc, st, arg, (pos){k->idx, k->call});
        if (!any(t))
            continue;
        snprintf(data, sizeof data, "%s#%d", usr, j);
        record_param_facts(rc, fn_usr, t.params, NULL, "param-flows", data);
        if (reportable(st, t)) {
            snprintf(target, sizeof target, "%s, which starts work that outlives the request",
                     cl_spelling(callee, name, sizeof name));
            report(rc, t, arg, target, "spawns", usr, j);
        }
    }
}

static bool same_fn(CXCursor a, CXCursor b)
{
    return clang_equalCursors(a, b) != 0;
}

static void end_function(cl_rule_ctx *rc, void *vs, CXCursor fn)
{
    state *st = vs;
    const cl_model *m = cl_model_of(rc);
    /* Move this function's items to the front (a C++ local class's methods, finished earlier,
     * have taken theirs already, so this is almost always the whole list). */
    size_t nd = 0, nc = 0;
    for (size_t i = 0; i < st->n_defs; i++)
        if (same_fn(st->defs[i].fn, fn)) {
            def d = st->defs[i];
            memmove(&st->defs[nd + 1], &st->defs[nd], (i - nd) * sizeof *st->defs);
            st->defs[nd++] = d;
        }
    for (size_t i = 0; i < st->n_calls; i++)
        if (same_fn(st->calls[i].fn, fn)) {
            call k = st->calls[i];
            memmove(&st->calls[nc + 1], &st->calls[nc], (i - nc) * sizeof *st->calls);
            st->calls[nc++] = k;
        }
    st->fn = fn;
    st->fdefs = st->defs;
    st->n_fdefs = nd;
    st->fcalls = st->calls;
    st->n_fcalls = nc;
    st->n_params = 0;
    st->context_params = 0;
    int np = clang_Cursor_getNumArguments(fn);
    for (int i = 0; i < np && i < MAX_PARAMS; i++) {
        CXCursor prm = clang_Cursor_getArgument(fn, (unsigned)i);
        st->params[st->n_params++] = prm;
        if (cl_type_is_context(m, clang_getCursorType(prm)))
            st->context_params |= UINT64_C(1) << i;
    }
    if (nc > 0 && !cl_tu_has_errors(rc)) {
        char fn_usr[512];
        cl_usr(fn, fn_usr, sizeof fn_usr);
        uint64_t spawning = 0;
        for (size_t i = 0; i < nc; i++) {
            const call *k = &st->fcalls[i];
            if (k->spawn)
                check_spawn(rc, st, k, fn_usr, &spawning);
            else if (!k->join && !k->tdetach)
                check_call(rc, st, k, fn_usr);
        }
    }
    /* Drop this function's items. */
    if (nd) /* memmove on the NULL array of a unit with no items yet is undefined */
        memmove(st->defs, st->defs + nd, (st->n_defs - nd) * sizeof *st->defs);
    st->n_defs -= nd;
    if (nc)
        memmove(st->calls, st->calls + nc, (st->n_calls - nc) * sizeof *st->calls);
    st->n_calls -= nc;
    size_t nl = 0;
    for (size_t i = 0; i < st->n_labels; i++)
        if (!same_fn(st->labels[i].fn, fn))
            st->labels[nl++] = st->labels[i];
    st->n_labels = nl;
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    state *st = vs;
    free(st->defs);
    free(st->calls);
    free(st->labels);
}

/* ---- Cross-file: does (function, parameter) reach a spawn through other functions? ---------- */

#define MAX_VISITED 256

static bool seen(char **keys, const int *idx, size_t n, const char *key, int index)
{
    for (size_t i = 0; i < n; i++)
        if (idx[i] == index && strcmp(keys[i], key) == 0)
            return true;
    return false;
}

static bool resolve(const cl_facts *facts, const char *kind, const char *key, int index)
{
    if (strcmp(kind, "spawns") != 0)
        return false;
    char *keys[MAX_VISITED];
    int idx[MAX_VISITED];
    size_t n = 0, next = 0;
    keys[n] = cl_xstrdup(key);
    idx[n++] = index;
    bool found = false;
    while (next < n && !found) {
        const char *k = keys[next];
        int i = idx[next++];
        size_t cnt;
        const cl_fact *fs = cl_facts_find(facts, RULE_ID, "param-spawns", k, &cnt);
        for (size_t j = 0; j < cnt && !found; j++)
            found = fs[j].index == i;
        fs = cl_facts_find(facts, RULE_ID, "param-flows", k, &cnt);
        for (size_t j = 0; j < cnt && !found; j++) {
            if (fs[j].index != i || !fs[j].data)
                continue;
            const char *hash = strrchr(fs[j].data, '#');
            if (!hash || n == MAX_VISITED)
                continue;
            char *callee = cl_xstrdup(fs[j].data);
            callee[hash - fs[j].data] = '\0';
            int ci = atoi(hash + 1);
            if (seen(keys, idx, n, callee, ci)) {
                free(callee);
                continue;
            }
            keys[n] = callee;
            idx[n++] = ci;
        }
    }
    for (size_t i = 0; i < n; i++)
        free(keys[i]);
    return found;
}

static const enum CXCursorKind kinds[] = {CXCursor_CallExpr, CXCursor_VarDecl,
                                          CXCursor_BinaryOperator, CXCursor_LabelStmt,
                                          CXCursor_GotoStmt};

const cl_rule cl_rule_async_capture = {
    .id = RULE_ID,
    .summary = "A request-scoped context handed to asynchronous work that outlives the request.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_function = end_function,
    .end_tu = end_tu,
    .resolve = resolve,
};
