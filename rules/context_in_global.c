/* context-in-global: a context kept in a global, file-static, function-static or thread-local
 * variable, or stored into one.
 *
 * The one legitimate global context is the process's root, set up once where the process
 * starts: in main, in a function the model names as an init function, or in an
 * __attribute__((constructor)) function. So the rule judges the writes, not the declarations:
 * - a write of a context to global storage is reported unless it happens in main/init and the
 *   value is a root (no context parameter, and no local fed by one, flows into it: in main
 *   there is no request context, so whatever main stores descends from a root);
 * - a declaration is reported only when no unit writes the variable at all (cross-file, via
 *   facts): nothing visible sets it up as a root, so whatever puts a context there is hidden.
 * Writes are judged at the end of their function, once every local's writes have been seen. */
#include <stdlib.h>
#include <string.h>

#include "rule.h"
#include "xalloc.h"

static const char rule_id[] = "context-in-global";
#define FACT_WRITTEN "global-written"
#define COND_UNWRITTEN "global-never-written"

typedef struct write {
    CXCursor fn;  /* the function definition it happens in */
    CXCursor at;  /* what is reported: the assignment, or the VarDecl with an initializer */
    CXCursor var; /* the global-storage variable written */
    CXCursor rhs;
} write;

typedef struct local_write {
    CXCursor fn;
    CXCursor var; /* a local variable (or parameter) of the function */
    CXCursor rhs;
} local_write;

typedef struct state {
    char **declared; /* USRs of the global context variables already judged */
    size_t n_declared;
    write *writes; /* writes to global storage in the current function */
    size_t n_writes;
    local_write *locals;
    size_t n_locals;
} state;

static bool is_local_var(CXCursor d)
{
    enum CXCursorKind k = clang_getCursorKind(d);
    return k == CXCursor_ParmDecl ||
           (k == CXCursor_VarDecl && !clang_Cursor_hasVarDeclGlobalStorage(d));
}

static bool is_global_var(CXCursor d)
{
    return clang_getCursorKind(d) == CXCursor_VarDecl && clang_Cursor_hasVarDeclGlobalStorage(d);
}

/* Words for messages: what kind of storage outlives the request. */
static const char *storage_word(CXCursor var)
{
    if (clang_getCursorTLSKind(var) != CXTLS_None)
        return "thread-local";
    enum CXCursorKind pk = clang_getCursorKind(clang_getCursorSemanticParent(var));
    if (pk == CXCursor_StructDecl || pk == CXCursor_ClassDecl || pk == CXCursor_UnionDecl)
        return "static member";
    if (pk != CXCursor_TranslationUnit && pk != CXCursor_Namespace && pk != CXCursor_LinkageSpec)
        return "function-static";
    return clang_Cursor_getStorageClass(var) == CX_SC_Static ? "file-static" : "global";
}

static bool is_setup_function(const cl_model *m, CXCursor fn)
{
    static const char *const ctor[] = {"constructor"};
    char name[256];
    cl_spelling(fn, name, sizeof name);
    if (clang_getCursorKind(fn) == CXCursor_FunctionDecl && strcmp(name, "main") == 0)
        return true;
    if (cl_model_find(m, CL_ROLE_INIT, name))
        return true;
    /* The attribute may sit on a prototype only, so look at every redeclaration we can. */
    return cl_has_attribute(fn, ctor, 1) || cl_has_attribute(clang_getCanonicalCursor(fn), ctor, 1);
}

static void note_written(cl_rule_ctx *rc, CXCursor var)
{
    char usr[512];
    if (cl_usr(var, usr, sizeof usr)[0])
        cl_add_fact(rc, FACT_WRITTEN, usr, -1, NULL);
}

/* A declaration of global context storage: reported at its definition when no unit writes it. */
static void judge_declaration(cl_rule_ctx *rc, state *st, CXCursor var)
{
    /* C's tentative definitions (`ctx_t *g;`) are not "definitions" to libclang; an extern
     * declaration or a static member's in-class declaration is left to the defining unit. */
    enum CXCursorKind pk = clang_getCursorKind(clang_getCursorSemanticParent(var));
    bool in_record =
        pk == CXCursor_StructDecl || pk == CXCursor_ClassDecl || pk == CXCursor_UnionDecl;
    if (!clang_isCursorDefinition(var) &&
        (in_record || clang_Cursor_getStorageClass(var) == CX_SC_Extern))
        return;
    char usr[512];
    if (!cl_usr(var, usr, sizeof usr)[0])
        return;
    for (size_t i = 0; i < st->n_declared; i++)
        if (strcmp(st->declared[i], usr) == 0)
            return;
    st->declared = cl_xrealloc(st->declared, (st->n_declared + 1) * sizeof *st->declared);
    st->declared[st->n_declared++] = cl_xstrdup(usr);
    char name[256];
    cl_spelling(var, name, sizeof name);
    cl_report_if(rc, COND_UNWRITTEN, usr, -1, var,
                 "%s variable '%s' holds a context that nothing sets up as a root in main or an "
                 "init function, so whatever fills it lets a context outlive its request; pass "
                 "the context down as the first parameter instead and keep one root in main",
                 storage_word(var), name);
}

static void add_write(cl_rule_ctx *rc, state *st, CXCursor at, CXCursor var, CXCursor rhs)
{
    st->writes = cl_xrealloc(st->writes, (st->n_writes + 1) * sizeof *st->writes);
    st->writes[st->n_writes++] = (write){cl_current_function(rc), at, var, rhs};
}

static void add_local(cl_rule_ctx *rc, state *st, CXCursor var, CXCursor rhs)
{
    st->locals = cl_xrealloc(st->locals, (st->n_locals + 1) * sizeof *st->locals);
    st->locals[st->n_locals++] = (local_write){cl_current_function(rc), var, rhs};
}

/* A write of a context value: not a null constant (clearing a global at shutdown is fine). */
static bool stores_context(const cl_model *m, CXCursor lhs_or_var, CXCursor rhs)
{
    return cl_type_holds_context(m, clang_getCursorType(lhs_or_var)) && !clang_Cursor_isNull(rhs) &&
           !cl_is_null_constant(rhs);
}

static void visit_var(cl_rule_ctx *rc, state *st, CXCursor var)
{
    const cl_model *m = cl_model_of(rc);
    if (!cl_type_holds_context(m, clang_getCursorType(var)))
        return;
    CXCursor init = clang_Cursor_getVarDeclInitializer(var);
    bool in_function = !clang_Cursor_isNull(cl_current_function(rc));
    if (!is_global_var(var)) {
        if (in_function && !clang_Cursor_isNull(init))
            add_local(rc, st, var, init);
        return;
    }
    judge_declaration(rc, st, var);
    if (clang_Cursor_isNull(init) || !stores_context(m, var, init))
        return;
    note_written(rc, var);
    /* A file-scope initializer runs before main (C++ dynamic or C constant initialization),
     * which is where a root belongs. */
    if (in_function)
        add_write(rc, st, var, var, init);
}

static void visit_assign(cl_rule_ctx *rc, state *st, CXCursor op)
{
    const cl_model *m = cl_model_of(rc);
    /* An assignment has its left side's type: test that before reading the operator, which
     * costs a tokenization on libclang < 17. */
    if (clang_Cursor_isNull(cl_current_function(rc)) ||
        !cl_type_holds_context(m, clang_getCursorType(op)) || cl_binary_op(op) != CL_OP_ASSIGN)
        return;
    CXCursor lhs = cl_child(op, 0), rhs = cl_child(op, 1);
    if (!stores_context(m, lhs, rhs))
        return;
    CXCursor local = cl_lvalue_base_decl(lhs, true);
    if (is_local_var(local))
        add_local(rc, st, local, rhs);
    CXCursor var = cl_lvalue_base_decl(lhs, false);
    if (!is_global_var(var))
        return;
    note_written(rc, var);
    add_write(rc, st, op, var, rhs);
}

static void note_if_global_context(cl_rule_ctx *rc, CXCursor var)
{
    if (is_global_var(var) && cl_type_holds_context(cl_model_of(rc), clang_getCursorType(var)))
        note_written(rc, var);
}

/* `&g` or a global array handed on: a write we cannot see may follow, so the declaration is no
 * longer "never written". */
static void visit_escape(cl_rule_ctx *rc, CXCursor e)
{
    if (clang_getCursorKind(e) == CXCursor_UnaryOperator) {
        CXCursor var = cl_lvalue_base_decl(cl_child(e, 0), false);
        if (is_global_var(var) && cl_unary_op(e) == CL_OP_ADDR)
            note_if_global_context(rc, var);
        return;
    }
    for (int i = 0; i < cl_call_num_args(e); i++) {
        CXCursor d = cl_referenced_decl(cl_call_arg(e, i));
        CXType t = clang_getCanonicalType(clang_getCursorType(d));
        if (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
            note_if_global_context(rc, d);
    }
}

static void visit(cl_rule_ctx *rc, void *vs, CXCursor c)
{
    state *st = vs;
    switch (clang_getCursorKind(c)) {
    case CXCursor_VarDecl:
        visit_var(rc, st, c);
        break;
    case CXCursor_BinaryOperator:
        visit_assign(rc, st, c);
        break;
    case CXCursor_UnaryOperator:
    case CXCursor_CallExpr:
        visit_escape(rc, c);
        break;
    default:
        break;
    }
}

typedef struct taint_walk {
    const cl_model *m;
    const state *st;
    const bool *tainted; /* per entry of st->locals: that write is not rooted */
    CXCursor fn;
    bool found;
} taint_walk;

static bool local_tainted(const taint_walk *w, CXCursor var)
{
    for (size_t i = 0; i < w->st->n_locals; i++)
        if (w->tainted[i] && clang_equalCursors(w->st->locals[i].var, var) &&
            clang_equalCursors(w->st->locals[i].fn, w->fn))
            return true;
    return false;
}

/* A value is not a root when a context parameter, or a local written from one, flows into it. */
static enum CXChildVisitResult find_taint(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    taint_walk *w = data;
    if (clang_getCursorKind(c) == CXCursor_DeclRefExpr) {
        CXCursor d = clang_getCursorReferenced(c);
        if ((clang_getCursorKind(d) == CXCursor_ParmDecl &&
             cl_type_holds_context(w->m, clang_getCursorType(d))) ||
            (is_local_var(d) && local_tainted(w, d))) {
            w->found = true;
            return CXChildVisit_Break;
        }
    }
    clang_visitChildren(c, find_taint, w);
    return w->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

static bool expr_tainted(taint_walk *w, CXCursor e)
{
    w->found = false;
    find_taint(e, clang_getNullCursor(), w);
    return w->found;
}

static void report_write(cl_rule_ctx *rc, const write *wr, bool in_setup)
{
    char name[256];
    cl_spelling(wr->var, name, sizeof name);
    cl_report(rc, wr->at,
              "%s %s variable '%s' makes it outlive the request it belongs to; pass the context "
              "down as the first parameter instead and keep one root in main",
              in_setup ? "storing a context that is not a root in" : "storing a context in",
              storage_word(wr->var), name);
}

static void end_function(cl_rule_ctx *rc, void *vs, CXCursor fn)
{
    state *st = vs;
    const cl_model *m = cl_model_of(rc);
    bool setup = is_setup_function(m, fn);
    bool *tainted = cl_xcalloc(st->n_locals + 1, sizeof *tainted);
    taint_walk w = {m, st, tainted, fn, false};
    for (bool changed = setup; changed;) {
        changed = false;
        for (size_t i = 0; i < st->n_locals; i++)
            if (!tainted[i] && clang_equalCursors(st->locals[i].fn, fn) &&
                expr_tainted(&w, st->locals[i].rhs))
                tainted[i] = changed = true;
    }
    /* Judge this function's writes; a local class's methods end before their enclosing
     * function, whose entries stay. */
    size_t keep = 0;
    for (size_t i = 0; i < st->n_writes; i++) {
        if (!clang_equalCursors(st->writes[i].fn, fn))
            st->writes[keep++] = st->writes[i];
        else if (!setup || expr_tainted(&w, st->writes[i].rhs))
            report_write(rc, &st->writes[i], setup);
    }
    st->n_writes = keep;
    keep = 0;
    for (size_t i = 0; i < st->n_locals; i++)
        if (!clang_equalCursors(st->locals[i].fn, fn))
            st->locals[keep++] = st->locals[i];
    st->n_locals = keep;
    free(tainted);
}

static void end_tu(cl_rule_ctx *rc, void *vs)
{
    (void)rc;
    state *st = vs;
    for (size_t i = 0; i < st->n_declared; i++)
        free(st->declared[i]);
    free(st->declared);
    free(st->writes);
    free(st->locals);
}

static bool resolve(const cl_facts *facts, const char *kind, const char *key, int index)
{
    (void)index;
    if (strcmp(kind, COND_UNWRITTEN) != 0)
        return true;
    return !cl_facts_has(facts, rule_id, FACT_WRITTEN, key);
}

static const enum CXCursorKind kinds[] = {CXCursor_VarDecl, CXCursor_BinaryOperator,
                                          CXCursor_UnaryOperator, CXCursor_CallExpr};

const cl_rule cl_rule_context_in_global = {
    .id = rule_id,
    .summary = "A context kept in a global, static or thread-local variable, or stored into one, "
               "other than a root set up in main or an init function.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .state_size = sizeof(state),
    .visit = visit,
    .end_function = end_function,
    .end_tu = end_tu,
    .resolve = resolve,
};
