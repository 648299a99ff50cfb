/* context-not-first: a function whose context parameter is not its first parameter.
 *
 * Functions that declare the parameter elsewhere are reported once, at their first declaration
 * in this unit (the header's prototype, usually). A function whose address is handed to a
 * function-pointer type that a system header declares (a qsort comparator, a pthread start
 * routine) did not choose its signature and stays silent, so the decision waits for the end of
 * the unit, when every such use has been seen. */
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

typedef struct candidate {
    char *usr;
    CXCursor decl;
    int index;
} candidate;

typedef struct state {
    candidate *cands;
    size_t n_cands;
    char **imposed; /* USRs of functions used where a system header fixes the signature */
    size_t n_imposed;
} state;

static bool listed(char **v, size_t n, const char *s)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(v[i], s) == 0)
            return true;
    return false;
}

static void check_decl(cl_rule_ctx *rc, state *st, CXCursor fn)
{
    const cl_model *m = cl_model_of(rc);
    int n = clang_Cursor_getNumArguments(fn);
    int first_ctx = -1;
    for (int i = 0; i < n; i++)
        if (cl_type_is_context(m, clang_getCursorType(clang_Cursor_getArgument(fn, (unsigned)i)))) {
            first_ctx = i;
            break;
        }
    if (first_ctx <= 0)
        return;
    char usr[512];
    cl_usr(fn, usr, sizeof usr);
    for (size_t i = 0; i < st->n_cands; i++)
        if (strcmp(st->cands[i].usr, usr) == 0)
            return;
    st->cands = cl_xrealloc(st->cands, (st->n_cands + 1) * sizeof *st->cands);
    st->cands[st->n_cands++] = (candidate){cl_xstrdup(usr), fn, first_ctx};
}

/* The declaration that fixes the type a function value is converted to, when the use is an
 * argument of a call or the right side of an assignment or initialisation. */
static bool imposed_by_system(CXCursor use, CXCursor parent, CXCursor grand)
{
    enum CXCursorKind pk = clang_getCursorKind(parent);
    if (pk == CXCursor_UnexposedExpr || pk == CXCursor_ParenExpr || pk == CXCursor_CStyleCastExpr ||
        pk == CXCursor_UnaryOperator) {
        parent = grand;
        pk = clang_getCursorKind(parent);
    }
    CXType target = {CXType_Invalid, {NULL, NULL}};
    if (pk == CXCursor_CallExpr) {
        CXCursor callee = cl_callee(parent);
        if (!clang_Cursor_isNull(callee) && cl_in_system_header(callee))
            return true;
        CXType ft = clang_getCursorType(callee);
        int nargs = clang_Cursor_getNumArguments(parent);
        for (int i = 0; i < nargs; i++)
            if (cl_extent_contains(clang_Cursor_getArgument(parent, (unsigned)i), use))
                target = clang_getArgType(ft, (unsigned)i);
    } else if (pk == CXCursor_BinaryOperator || pk == CXCursor_VarDecl ||
               pk == CXCursor_FieldDecl) {
        target = clang_getCursorType(pk == CXCursor_BinaryOperator ? cl_child(parent, 0) : parent);
        if (pk == CXCursor_BinaryOperator) {
            CXCursor member = cl_referenced_decl(cl_child(parent, 0));
            if (!clang_Cursor_isNull(member) && cl_in_system_header(member))
                return true;
        }
    }
    if (target.kind == CXType_Invalid)
        return false;
    CXCursor td = clang_getTypeDeclaration(target);
    if (target.kind == CXType_Elaborated)
        td = clang_getTypeDeclaration(clang_Type_getNamedType(target));
    return !clang_Cursor_isNull(td) && clang_getCursorKind(td) != CXCursor_NoDeclFound &&
           cl_in_system_header(td);
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    state *st = vs;
    if (clang_getCursorKind(c) == CXCursor_FunctionDecl) {
        check_decl(rc, st, c);
        return;
    }
    /* A DeclRefExpr naming a function outside the callee position: its address is taken. */
    CXCursor fn = clang_getCursorReferenced(c);
    if (clang_getCursorKind(fn) != CXCursor_FunctionDecl)
        return;
    CXCursor parent = cl_ancestor(rc, 0), grand = cl_ancestor(rc, 1);
    if (clang_getCursorKind(grand) == CXCursor_CallExpr &&
        clang_equalCursors(cl_child(grand, 0), parent))
        return; /* the callee of a direct call */
    if (!imposed_by_system(c, parent, grand))
        return;
    char usr[512];
    cl_usr(fn, usr, sizeof usr);
    if (!listed(st->imposed, st->n_imposed, usr)) {
        st->imposed = cl_xrealloc(st->imposed, (st->n_imposed + 1) * sizeof *st->imposed);
        st->imposed[st->n_imposed++] = cl_xstrdup(usr);
    }
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    state *st = vs;
    for (size_t i = 0; i < st->n_cands; i++) {
        candidate *cd = &st->cands[i];
        if (!listed(st->imposed, st->n_imposed, cd->usr)) {
            char fname[256], pname[256];
            CXCursor p = clang_Cursor_getArgument(cd->decl, (unsigned)cd->index);
            cl_spelling(cd->decl, fname, sizeof fname);
            cl_spelling(p, pname, sizeof pname);
            cl_report(rc, p,
                      "context parameter '%s' of '%s' is parameter %d; make the context the "
                      "first parameter, so that it reads the same at every call site",
                      pname[0] ? pname : "(unnamed)", fname, cd->index + 1);
        }
        free(cd->usr);
    }
    for (size_t i = 0; i < st->n_imposed; i++)
        free(st->imposed[i]);
    free(st->cands);
    free(st->imposed);
}

static const enum CXCursorKind kinds[] = {CXCursor_FunctionDecl, CXCursor_DeclRefExpr};

const cl_rule cl_rule_context_not_first = {
    .id = "context-not-first",
    .summary = "A context parameter that is not the function's first parameter.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_tu = end_tu,
};
