/* nil-context: a null pointer where a context is expected (staticcheck SA1012).
 *
 * Three shapes: a null constant (NULL, 0, (void *)0, nullptr, __null, or a macro expanding to
 * one) as an argument whose parameter is a context; the same returned from a function whose
 * result is a context; and a local context variable initialised to a null constant that is
 * never written again, used as a context argument. The parameter's type is read from the
 * argument's implicit conversion, so direct calls, calls through function pointers, C++
 * methods and constructors are all covered without looking the callee up.
 *
 * The variable case is decided at the end of the function, because a later assignment (in a
 * loop, a block, a lambda) can make an earlier use non-null: any write, address-of, reference
 * binding or test of the variable anywhere in the function keeps it silent. */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

/* A local context variable initialised to a null constant. */
typedef struct null_var {
    CXCursor decl;
    CXCursor fn;       /* the function definition it belongs to */
    bool disqualified; /* written, address taken, bound to a reference or tested */
    char init[32];     /* how the null was spelled, for the message */
} null_var;

/* A read of a tracked variable as a context argument, reported if the variable stays null. */
typedef struct var_use {
    size_t var;
    CXCursor at;
    char callee[128];
} var_use;

typedef struct state {
    null_var *vars;
    size_t n_vars;
    var_use *uses;
    size_t n_uses;
} state;

static const char *todo_name(const cl_model *m)
{
    for (size_t i = 0; i < m->n_fns; i++)
        if (m->fns[i].role == CL_ROLE_TODO)
            return m->fns[i].name;
    return NULL;
}

/* The bytes of the file that `r` was written as: its expansion range, or for a macro written
 * inside another macro's argument (where libclang gives an empty range at its first token), that
 * token. False when the range is not in one file. */
static bool written_span(CXTranslationUnit tu, CXSourceRange r, CXFile *file, unsigned *b,
                         unsigned *e)
{
    CXFile f2;
    clang_getFileLocation(clang_getRangeStart(r), file, NULL, NULL, b);
    clang_getFileLocation(clang_getRangeEnd(r), &f2, NULL, NULL, e);
    if (!*file || !f2 || !clang_File_isEqual(*file, f2))
        return false;
    if (*e <= *b) {
        size_t len = 0;
        const char *text = clang_getFileContents(tu, *file, &len);
        if (!text)
            return false;
        *e = *b;
        while (*e < len && (isalnum((unsigned char)text[*e]) || text[*e] == '_'))
            ++*e;
    }
    return *e > *b;
}

/* The source text of `r` when it is short and on one line (`NULL`, `NO_CTX`, `(void *)0`),
 * else a description; `r` maps to the text the user wrote even when it comes from a macro. */
static const char *spelled(CXTranslationUnit tu, CXSourceRange r, char *buf, size_t size)
{
    CXFile f;
    unsigned b, e;
    snprintf(buf, size, "a null pointer");
    if (!written_span(tu, r, &f, &b, &e) || e - b >= size)
        return buf;
    size_t len = 0;
    const char *text = clang_getFileContents(tu, f, &len);
    if (!text || e > len || memchr(text + b, '\n', e - b))
        return buf;
    snprintf(buf, size, "%.*s", (int)(e - b), text + b);
    return buf;
}

/* Replaces the null argument by the placeholder root, only when it is written inside the call's
 * parentheses in this file: when the whole call comes from a macro, the argument's range is the
 * macro invocation itself. */
static void add_fix(cl_rule_ctx *rc, cl_finding *f, CXCursor call, CXCursor arg, const char *todo)
{
    CXTranslationUnit tu = cl_tu_of(rc);
    CXFile fc, fce, fa;
    unsigned cb, ce, ab, ae;
    CXSourceRange cr = clang_getCursorExtent(call);
    clang_getFileLocation(clang_getRangeStart(cr), &fc, NULL, NULL, &cb);
    clang_getFileLocation(clang_getRangeEnd(cr), &fce, NULL, NULL, &ce);
    if (!f || !written_span(tu, clang_getCursorExtent(arg), &fa, &ab, &ae) || !fc || !fce ||
        !clang_File_isEqual(fc, fa) || !clang_File_isEqual(fc, fce) || !(cb < ab && ae <= ce))
        return;
    char text[160];
    snprintf(text, sizeof text, "%s()", todo);
    cl_add_fix(rc, f,
               clang_getRange(clang_getLocationForOffset(tu, fa, ab),
                              clang_getLocationForOffset(tu, fa, ae)),
               text);
}

static const char *callee_or_default(CXCursor call, char *buf, size_t size)
{
    cl_callee_name(call, buf, size);
    if (!buf[0])
        snprintf(buf, size, "the callee");
    return buf;
}

static void check_call(cl_rule_ctx *rc, CXCursor call)
{
    const cl_model *m = cl_model_of(rc);
    const char *todo = todo_name(m);
    int n = clang_Cursor_getNumArguments(call);
    for (int i = 0; i < n; i++) {
        /* The argument before stripping carries its conversion to the parameter's type. */
        CXCursor arg = clang_Cursor_getArgument(call, (unsigned)i);
        if (!cl_type_is_context(m, clang_getCursorType(arg)) || !cl_is_null_constant(arg))
            continue;
        /* Inside the parentheses a macro may add (`f((c))`), where the user wrote the null. */
        CXCursor written = cl_strip(arg);
        char what[32], callee[128];
        spelled(cl_tu_of(rc), clang_getCursorExtent(written), what, sizeof what);
        callee_or_default(call, callee, sizeof callee);
        cl_finding *f;
        if (todo) {
            f = cl_report(rc, written,
                          "%s passed as the context of '%s'; pass %s() when no context is "
                          "available yet, since the callee will dereference or reject a NULL "
                          "context",
                          what, callee, todo);
        } else {
            f = cl_report(rc, written,
                          "%s passed as the context of '%s'; pass the caller's context (or a "
                          "root context when there is none), since the callee will dereference "
                          "or reject a NULL context",
                          what, callee);
        }
        if (todo)
            add_fix(rc, f, call, written, todo);
    }
}

/* A block's body hangs under an UnexposedDecl (its BlockDecl) under the BlockExpr. */
static bool is_block_decl(cl_rule_ctx *rc, unsigned up)
{
    return clang_getCursorKind(cl_ancestor(rc, up)) == CXCursor_UnexposedDecl &&
           clang_getCursorKind(cl_ancestor(rc, up + 1)) == CXCursor_BlockExpr;
}

static bool is_pointer(CXCursor e)
{
    return clang_getCanonicalType(clang_getCursorType(e)).kind == CXType_Pointer;
}

/* The condition of an error check: a pointer tested for null (`!p`, `p == NULL`, `p`) or a
 * call's result tested (`!reserve()`, `make() < 0`), also as an operand of && and ||. */
static bool failure_test(CXCursor cond)
{
    CXCursor s = cl_strip(cond);
    switch (clang_getCursorKind(s)) {
    case CXCursor_CallExpr:
        return true;
    case CXCursor_UnaryOperator: {
        CXCursor operand = cl_strip(cl_child(s, 0));
        return cl_unary_op(s) == CL_OP_NOT &&
               (clang_getCursorKind(operand) == CXCursor_CallExpr || is_pointer(operand));
    }
    case CXCursor_BinaryOperator: {
        CXCursor l = cl_strip(cl_child(s, 0)), r = cl_strip(cl_child(s, 1));
        cl_op op = cl_binary_op(s);
        if (op == CL_OP_LAND || op == CL_OP_LOR)
            return failure_test(l) || failure_test(r);
        if (op == CL_OP_ASSIGN || op == CL_OP_COMPOUND || op == CL_OP_COMMA)
            return false;
        return clang_getCursorKind(l) == CXCursor_CallExpr ||
               clang_getCursorKind(r) == CXCursor_CallExpr ||
               ((op == CL_OP_EQ || op == CL_OP_NE) && (is_pointer(l) || is_pointer(r)));
    }
    default:
        return clang_isExpression(clang_getCursorKind(s)) && is_pointer(s);
    }
}

/* `if (!node) return NULL;`, `if (!reserve_timer()) return NULL;`: a NULL handed back because
 * something the function needed is missing or could not be made is C's failure convention
 * (the runtime's own constructors do it), which callers check; the rule cannot tell it from a
 * made-up absent context and stays silent. */
static bool guarded_by_failure_test(cl_rule_ctx *rc)
{
    for (unsigned up = 0;; up++) {
        CXCursor a = cl_ancestor(rc, up);
        enum CXCursorKind k = clang_getCursorKind(a);
        if (clang_Cursor_isNull(a) || k == CXCursor_LambdaExpr || k == CXCursor_BlockExpr ||
            is_block_decl(rc, up) || clang_isDeclaration(k))
            return false;
        if (k != CXCursor_IfStmt)
            continue;
        CXCursor cond = cl_child(a, 0);
        if (clang_getCursorKind(cond) == CXCursor_DeclStmt)
            cond = cl_child(a, 1); /* C++17 `if (init; cond)` */
        if (failure_test(cond))
            return true;
    }
}

/* A return inside a block or lambda returns from it, not from the function being walked. */
static bool inside_closure(cl_rule_ctx *rc)
{
    for (unsigned up = 0;; up++) {
        enum CXCursorKind k = clang_getCursorKind(cl_ancestor(rc, up));
        if (k == CXCursor_LambdaExpr || k == CXCursor_BlockExpr || is_block_decl(rc, up))
            return true;
        if (clang_isDeclaration(k) || clang_isInvalid(k))
            return false;
    }
}

static void check_return(cl_rule_ctx *rc, CXCursor ret)
{
    const cl_model *m = cl_model_of(rc);
    CXCursor value = cl_child(ret, 0);
    if (clang_Cursor_isNull(value) || !cl_type_is_context(m, clang_getCursorType(value)) ||
        !cl_is_null_constant(value))
        return;
    char fname[128] = "";
    if (!inside_closure(rc))
        cl_spelling(cl_current_function(rc), fname, sizeof fname);
    /* The context library's own functions define what their NULL results mean. */
    if (fname[0] && cl_model_is_api(m, fname))
        return;
    if (guarded_by_failure_test(rc))
        return;
    char what[32];
    spelled(cl_tu_of(rc), clang_getCursorExtent(value), what, sizeof what);
    const char *todo = todo_name(m);
    cl_report(rc, value,
              "%s returned as a context%s%s%s; return %s%s a real context instead, since callers "
              "pass the result on and the functions they pass it to will dereference or reject a "
              "NULL context",
              what, fname[0] ? " from '" : "", fname, fname[0] ? "'" : "", todo ? todo : "",
              todo ? "() or" : "");
}

static null_var *find_var(state *st, CXCursor decl, size_t *index)
{
    for (size_t i = 0; i < st->n_vars; i++)
        if (clang_equalCursors(st->vars[i].decl, decl)) {
            *index = i;
            return &st->vars[i];
        }
    return NULL;
}

static void track_var(cl_rule_ctx *rc, state *st, CXCursor var)
{
    CXCursor fn = cl_current_function(rc);
    if (clang_Cursor_isNull(fn))
        return;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(var);
    if (sc != CX_SC_None && sc != CX_SC_Auto && sc != CX_SC_Register)
        return;
    if (!cl_type_is_context(cl_model_of(rc), clang_getCursorType(var)))
        return;
    unsigned n = cl_num_children(var);
    CXCursor init = n ? cl_child(var, n - 1) : clang_getNullCursor();
    if (clang_Cursor_isNull(init) || !clang_isExpression(clang_getCursorKind(init)) ||
        !cl_is_null_constant(init))
        return;
    st->vars = cl_xrealloc(st->vars, (st->n_vars + 1) * sizeof *st->vars);
    null_var *v = &st->vars[st->n_vars++];
    *v = (null_var){var, fn, false, ""};
    spelled(cl_tu_of(rc), clang_getCursorExtent(init), v->init, sizeof v->init);
}

static bool same_extent(CXCursor a, CXCursor b)
{
    return cl_extent_contains(a, b) && cl_extent_contains(b, a);
}

/* Classifies one mention of a tracked variable. Only a plain read (an implicit conversion,
 * then the argument of a call, a returned value or another variable's initialiser) keeps the
 * variable null; anything else (assignment, ++, &, a test, a reference binding) may change it
 * or shows the author expects it to change, and the variable is dropped. */
static void classify_use(cl_rule_ctx *rc, state *st, CXCursor ref)
{
    size_t vi;
    null_var *v = find_var(st, clang_getCursorReferenced(ref), &vi);
    if (!v || v->disqualified)
        return;
    unsigned up = 0, conversions = 0;
    CXCursor child = ref, owner;
    for (;; up++) {
        owner = cl_ancestor(rc, up);
        enum CXCursorKind k = clang_getCursorKind(owner);
        if (k == CXCursor_UnexposedExpr && cl_num_children(owner) == 1)
            conversions++;
        else if (k != CXCursor_ParenExpr)
            break;
        child = owner;
    }
    enum CXCursorKind ok = clang_getCursorKind(owner);
    if (conversions == 0) {
        v->disqualified = true;
        return;
    }
    if (ok == CXCursor_VarDecl || ok == CXCursor_ReturnStmt)
        return; /* a copy, or a return: not a context argument */
    if (ok != CXCursor_CallExpr) {
        v->disqualified = true;
        return;
    }
    int n = clang_Cursor_getNumArguments(owner), which = -1;
    for (int i = 0; i < n; i++)
        if (same_extent(clang_Cursor_getArgument(owner, (unsigned)i), child))
            which = which < 0 ? i : -2; /* -2: ambiguous (macro), not reported */
    if (which < 0 || !cl_type_is_context(cl_model_of(rc), clang_getCursorType(child)))
        return;
    st->uses = cl_xrealloc(st->uses, (st->n_uses + 1) * sizeof *st->uses);
    var_use *u = &st->uses[st->n_uses++];
    u->var = vi;
    u->at = ref;
    callee_or_default(owner, u->callee, sizeof u->callee);
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    state *st = vs;
    switch (clang_getCursorKind(c)) {
    case CXCursor_CallExpr:
        check_call(rc, c);
        break;
    case CXCursor_ReturnStmt:
        check_return(rc, c);
        break;
    case CXCursor_VarDecl:
        track_var(rc, st, c);
        break;
    case CXCursor_DeclRefExpr:
        classify_use(rc, st, c);
        break;
    default:
        break;
    }
}

static void end_function(cl_rule_ctx *rc, void *vs, CXCursor fn)
{
    state *st = vs;
    const char *todo = todo_name(cl_model_of(rc));
    size_t kept = 0;
    for (size_t i = 0; i < st->n_uses; i++) {
        var_use *u = &st->uses[i];
        null_var *v = &st->vars[u->var];
        if (!clang_equalCursors(v->fn, fn)) {
            st->uses[kept++] = *u;
            continue;
        }
        if (v->disqualified)
            continue;
        char name[128];
        cl_spelling(v->decl, name, sizeof name);
        cl_report(rc, u->at,
                  "'%s' is always NULL here (initialised to %s and never assigned) and is passed "
                  "as the context of '%s'; initialise it with %s%sa real context, since the "
                  "callee will dereference or reject a NULL context",
                  name, v->init, u->callee, todo ? todo : "", todo ? "() or " : "");
    }
    st->n_uses = kept;
    /* Variables of this function are finished; those of an enclosing function (a C++ local
     * class's method ends first) stay, and indices in `uses` must stay valid, so the array is
     * only emptied once nothing refers to it. */
    if (st->n_uses == 0)
        st->n_vars = 0;
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    state *st = vs;
    free(st->vars);
    free(st->uses);
}

static const enum CXCursorKind kinds[] = {CXCursor_CallExpr, CXCursor_ReturnStmt, CXCursor_VarDecl,
                                          CXCursor_DeclRefExpr};

const cl_rule cl_rule_nil_context = {
    .id = "nil-context",
    .summary = "A null pointer passed or returned where a context is expected.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_function = end_function,
    .end_tu = end_tu,
};
