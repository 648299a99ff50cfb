/* context-not-first: a function whose first context parameter is not its first parameter
 * (revive's context-as-argument).
 *
 * Functions, C++ methods and constructors are checked on their explicit parameters (`this` is
 * not one); overriding methods and overloaded operators are not, because their signature is
 * decided elsewhere (the base class, the language). Each function is reported once per unit, at
 * its first declaration in the unit (the header's prototype, usually).
 *
 * A function whose address is handed to a function-pointer type that a system header declares
 * (a qsort comparator, a pthread start routine, a field of struct sigaction) did not choose its
 * signature and stays silent. That use may be in another file than the declaration, so the
 * finding is conditional on the function's USR, every such use records an "imposed" fact, and
 * `resolve` keeps the finding only when no unit of the run recorded one. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

#define RULE_ID "context-not-first"

typedef struct state {
    char **reported; /* USRs of functions already judged in this unit */
    size_t n_reported;
} state;

/* The index of the function's first context parameter, or -1. */
static int first_context_param(const cl_model *m, CXCursor fn)
{
    int n = clang_Cursor_getNumArguments(fn);
    for (int i = 0; i < n; i++)
        if (cl_type_is_context(m, clang_getCursorType(clang_Cursor_getArgument(fn, (unsigned)i))))
            return i;
    return -1;
}

/* Signatures decided elsewhere: an override follows its base, an operator the language. */
static bool signature_is_free(CXCursor fn)
{
    if (clang_getCursorKind(fn) == CXCursor_CXXMethod) {
        CXCursor *over = NULL;
        unsigned n = 0;
        clang_getOverriddenCursors(fn, &over, &n);
        clang_disposeOverriddenCursors(over);
        if (n > 0)
            return false;
    }
    char name[256];
    cl_spelling(fn, name, sizeof name);
    /* `operator+`, `operator()`, `operator new`, but not a function named `operators`. */
    return strncmp(name, "operator", 8) != 0 || name[8] == '_' || isalnum((unsigned char)name[8]);
}

static bool first_time(state *st, const char *usr)
{
    for (size_t i = 0; i < st->n_reported; i++)
        if (strcmp(st->reported[i], usr) == 0)
            return false;
    st->reported = cl_xrealloc(st->reported, (st->n_reported + 1) * sizeof *st->reported);
    st->reported[st->n_reported++] = cl_xstrdup(usr);
    return true;
}

static void check_decl(cl_rule_ctx *rc, state *st, CXCursor fn)
{
    int index = first_context_param(cl_model_of(rc), fn);
    if (index <= 0 || !signature_is_free(fn))
        return;
    char usr[512];
    if (!cl_usr(fn, usr, sizeof usr)[0] || !first_time(st, usr))
        return;
    char fname[256], pname[256];
    CXCursor p = clang_Cursor_getArgument(fn, (unsigned)index);
    cl_spelling(fn, fname, sizeof fname);
    cl_spelling(p, pname, sizeof pname);
    cl_report_if(rc, "not-imposed", usr, -1, p,
                 "context parameter '%s' of '%s' is parameter %d; make the context the first "
                 "parameter, so that it reads the same at every call site",
                 pname[0] ? pname : "(unnamed)", fname, index + 1);
}

/* True when `t`, or a typedef it is spelled through, is declared in a system header. */
static bool type_from_system(CXType t)
{
    for (int guard = 0; guard < 16; guard++) {
        if (t.kind == CXType_Elaborated) {
            t = clang_Type_getNamedType(t);
            continue;
        }
        if (t.kind != CXType_Typedef)
            return false;
        CXCursor td = clang_getTypeDeclaration(t);
        if (cl_in_system_header(td))
            return true;
        t = clang_getTypedefDeclUnderlyingType(td);
    }
    return false;
}

static bool same_extent(CXCursor a, CXCursor b)
{
    return cl_extent_contains(a, b) && cl_extent_contains(b, a);
}

/* The type of the parameter that `arg` is passed to. */
static CXType param_type(CXCursor call, CXCursor arg)
{
    CXType none = {CXType_Invalid, {NULL, NULL}};
    CXCursor callee = cl_callee(call);
    CXType ft = clang_Cursor_isNull(callee) ? clang_getCursorType(cl_child(call, 0))
                                            : clang_getCursorType(callee);
    if (clang_getCanonicalType(ft).kind == CXType_Pointer)
        ft = clang_getPointeeType(clang_getCanonicalType(ft));
    int n = clang_Cursor_getNumArguments(call);
    for (int i = 0; i < n; i++)
        if (same_extent(clang_Cursor_getArgument(call, (unsigned)i), arg))
            return i < clang_getNumArgTypes(ft) ? clang_getArgType(ft, (unsigned)i) : none;
    return none;
}

static bool is_value_wrapper(cl_rule_ctx *rc, unsigned up)
{
    CXCursor a = cl_ancestor(rc, up);
    switch (clang_getCursorKind(a)) {
    case CXCursor_UnexposedExpr:
    case CXCursor_ParenExpr:
    case CXCursor_CStyleCastExpr:
    case CXCursor_CXXStaticCastExpr:
    case CXCursor_CXXReinterpretCastExpr:
        return true;
    case CXCursor_UnaryOperator:
        return cl_unary_op(a) == CL_OP_ADDR;
    default:
        return false;
    }
}

/* Whether the function named by the DeclRefExpr being visited is converted to a function
 * pointer type that a system header fixes: an argument of a system function or of a parameter
 * typed by a system typedef, the right side of an assignment to a system struct's field or to
 * a system-typed object, an initialiser of one, or an element of a system struct's initialiser. */
static bool imposed_by_system(cl_rule_ctx *rc, CXCursor ref)
{
    unsigned up = 0;
    CXCursor child = ref;
    while (is_value_wrapper(rc, up))
        child = cl_ancestor(rc, up++);
    CXCursor owner = cl_ancestor(rc, up);
    switch (clang_getCursorKind(owner)) {
    case CXCursor_CallExpr: {
        if (clang_equalCursors(cl_child(owner, 0), child))
            return false; /* the callee of a direct call */
        CXCursor callee = cl_callee(owner);
        if (!clang_Cursor_isNull(callee) && cl_in_system_header(callee))
            return true;
        return type_from_system(param_type(owner, child));
    }
    case CXCursor_BinaryOperator: {
        if (cl_binary_op(owner) != CL_OP_ASSIGN)
            return false;
        CXCursor lhs = cl_child(owner, 0);
        CXCursor target = cl_referenced_decl(lhs);
        return (!clang_Cursor_isNull(target) && cl_in_system_header(target)) ||
               type_from_system(clang_getCursorType(lhs));
    }
    case CXCursor_VarDecl:
    case CXCursor_FieldDecl:
        return type_from_system(clang_getCursorType(owner));
    case CXCursor_InitListExpr: {
        CXType t = clang_getCanonicalType(clang_getCursorType(owner));
        CXCursor rec = clang_getTypeDeclaration(t);
        return t.kind == CXType_Record && cl_in_system_header(rec);
    }
    default:
        return false;
    }
}

static void note_function_use(cl_rule_ctx *rc, CXCursor ref)
{
    CXCursor fn = clang_getCursorReferenced(ref);
    enum CXCursorKind k = clang_getCursorKind(fn);
    if (k != CXCursor_FunctionDecl && k != CXCursor_CXXMethod)
        return;
    if (first_context_param(cl_model_of(rc), fn) <= 0 || !imposed_by_system(rc, ref))
        return;
    char usr[512];
    if (cl_usr(fn, usr, sizeof usr)[0])
        cl_add_fact(rc, "imposed", usr, -1, NULL);
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr)
        note_function_use(rc, c);
    else
        check_decl(rc, vs, c);
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    state *st = vs;
    for (size_t i = 0; i < st->n_reported; i++)
        free(st->reported[i]);
    free(st->reported);
}

static bool resolve(const cl_facts *facts, const char *kind, const char *key, int index)
{
    (void)index;
    if (strcmp(kind, "not-imposed") != 0)
        return true;
    return !cl_facts_has(facts, RULE_ID, "imposed", key);
}

static const enum CXCursorKind kinds[] = {CXCursor_FunctionDecl, CXCursor_CXXMethod,
                                          CXCursor_Constructor, CXCursor_DeclRefExpr};

const cl_rule cl_rule_context_not_first = {
    .id = RULE_ID,
    .summary = "A context parameter that is not the function's first parameter.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_tu = end_tu,
    .resolve = resolve,
};
