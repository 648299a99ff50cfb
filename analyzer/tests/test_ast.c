/* Unit tests for the AST helpers (ast.h): parsed from small unsaved files with the real runtime
 * header, so they hold on libclang 14 and 19 alike. Operator kinds are tested through both the
 * LLVM 17+ API (where built) and the token path that LLVM 14 needs. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "model.h"

static const char prelude[] = "#include <ctx/ctx.h>\n"
                              "#include <stddef.h>\n"
                              "#include <stdlib.h>\n";

typedef struct fixture {
    CXIndex idx;
    CXTranslationUnit tu;
} fixture;

static fixture parse(const char *body)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", prelude, body);
    struct CXUnsavedFile f = {"/tmp/ctxlint_test_ast.c", text, (unsigned long)strlen(text)};
    const char *args[] = {"-std=c11", "-I" CTXLINT_RUNTIME_INCLUDE};
    fixture fx;
    fx.idx = clang_createIndex(0, 0);
    fx.tu = clang_parseTranslationUnit(fx.idx, f.Filename, args, 2, &f, 1, CXTranslationUnit_None);
    assert_non_null(fx.tu);
    for (unsigned i = 0; i < clang_getNumDiagnostics(fx.tu); i++) {
        CXDiagnostic d = clang_getDiagnostic(fx.tu, i);
        assert_true(clang_getDiagnosticSeverity(d) < CXDiagnostic_Error);
        clang_disposeDiagnostic(d);
    }
    return fx;
}

static void done(fixture *fx)
{
    clang_disposeTranslationUnit(fx->tu);
    clang_disposeIndex(fx->idx);
}

typedef struct finder {
    enum CXCursorKind kind;
    const char *name; /* spelling to match, or NULL for the n-th of the kind */
    unsigned nth, seen;
    CXCursor found;
} finder;

static enum CXChildVisitResult find_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    finder *f = data;
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;
    if (clang_getCursorKind(c) == f->kind) {
        char buf[256];
        if (!f->name || strcmp(cl_spelling(c, buf, sizeof buf), f->name) == 0) {
            if (f->seen++ == f->nth) {
                f->found = c;
                return CXChildVisit_Break;
            }
        }
    }
    return CXChildVisit_Recurse;
}

static CXCursor find(fixture *fx, enum CXCursorKind kind, const char *name, unsigned nth)
{
    finder f = {kind, name, nth, 0, clang_getNullCursor()};
    clang_visitChildren(clang_getTranslationUnitCursor(fx->tu), find_visit, &f);
    assert_false(clang_Cursor_isNull(f.found));
    return f.found;
}

/* The argument of the nth call to `callee`. */
static CXCursor arg_of(fixture *fx, const char *callee, unsigned nth, int arg)
{
    return cl_call_arg(find(fx, CXCursor_CallExpr, callee, nth), arg);
}

static void test_null_constants(void **state)
{
    (void)state;
    fixture fx = parse("#define NO_CTX NULL\n"
                       "void use(ctx_t *c);\n"
                       "void f(ctx_t *p) {\n"
                       "  use(NULL); use(0); use((void *)0); use(NO_CTX); use((ctx_t *)0);\n"
                       "  use(p); use(ctx_todo());\n"
                       "}\n");
    for (unsigned i = 0; i < 5; i++)
        assert_true(cl_is_null_constant(arg_of(&fx, "use", i, 0)));
    assert_false(cl_is_null_constant(arg_of(&fx, "use", 5, 0)));
    assert_false(cl_is_null_constant(arg_of(&fx, "use", 6, 0)));
    done(&fx);
}

static void test_types_match_the_model(void **state)
{
    (void)state;
    const cl_model *m = cl_model_default();
    fixture fx = parse("typedef ctx_t *ctx_ref;\n"
                       "typedef ctx_t my_ctx;\n"
                       "struct holder { ctx_t *a; const ctx_t *b; struct ctx *c; ctx_ref d;\n"
                       "  my_ctx *e; ctx_t **f; ctx_t *g[4]; int h; ctx_cancel_t i; void *j; };\n");
    static const struct {
        const char *field;
        bool is_ctx, holds;
    } cases[] = {
        {"a", true, true},   {"b", true, true},   {"c", true, true},  {"d", true, true},
        {"e", true, true},   {"f", false, true},  {"g", false, true}, {"h", false, false},
        {"i", false, false}, {"j", false, false},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        CXType t = clang_getCursorType(find(&fx, CXCursor_FieldDecl, cases[i].field, 0));
        assert_int_equal(cl_type_is_context(m, t), cases[i].is_ctx);
        assert_int_equal(cl_type_holds_context(m, t), cases[i].holds);
    }
    assert_true(cl_type_is_cancel(m, clang_getCursorType(find(&fx, CXCursor_FieldDecl, "i", 0))));
    assert_false(cl_type_is_cancel(m, clang_getCursorType(find(&fx, CXCursor_FieldDecl, "a", 0))));
    done(&fx);
}

static void test_callee_and_model_lookup(void **state)
{
    (void)state;
    const cl_model *m = cl_model_default();
    fixture fx = parse("#define my_with_cancel ctx_with_cancel\n"
                       "void f(ctx_t *p) {\n"
                       "  ctx_cancel_t cancel;\n"
                       "  ctx_t *c = my_with_cancel(p, &cancel);\n"
                       "  (void)c;\n"
                       "  ctx_cancel(&cancel);\n"
                       "}\n");
    CXCursor call = find(&fx, CXCursor_CallExpr, "ctx_with_cancel", 0);
    char name[64];
    assert_string_equal(cl_callee_name(call, name, sizeof name), "ctx_with_cancel");
    const cl_api_fn *d = cl_call_api(m, call, CL_ROLE_DERIVE);
    assert_non_null(d);
    assert_int_equal(d->cancel_shape, CL_CANCEL_OUT_PARAM);
    assert_int_equal(d->cancel_arg, 1);
    assert_null(cl_call_api(m, call, CL_ROLE_CANCEL));
    CXCursor decl = cl_address_of_decl(cl_call_arg(call, 1));
    assert_string_equal(cl_spelling(decl, name, sizeof name), "cancel");
    assert_false(clang_Cursor_isNull(cl_referenced_decl(cl_call_arg(call, 0))));
    done(&fx);
}

static void check_operators(void)
{
    fixture fx = parse("void f(ctx_t *p, int x, int y) {\n"
                       "  ctx_t *c = NULL; int *q = &x;\n"
                       "  c = p; c = NULL; x += y; (void)(x == y); (void)(x && y);\n"
                       "  (void)(x != y); (void)*q; (void)!x; (void)(x, y);\n"
                       "}\n");
    static const cl_op bins[] = {CL_OP_ASSIGN, CL_OP_ASSIGN, CL_OP_EQ,
                                 CL_OP_LAND,   CL_OP_NE,     CL_OP_COMMA};
    for (unsigned i = 0; i < sizeof bins / sizeof bins[0]; i++)
        assert_int_equal(cl_binary_op(find(&fx, CXCursor_BinaryOperator, NULL, i)), bins[i]);
    assert_int_equal(cl_binary_op(find(&fx, CXCursor_CompoundAssignOperator, NULL, 0)),
                     CL_OP_COMPOUND);
    static const cl_op unary[] = {CL_OP_ADDR, CL_OP_DEREF, CL_OP_NOT};
    for (unsigned i = 0; i < 3; i++)
        assert_int_equal(cl_unary_op(find(&fx, CXCursor_UnaryOperator, NULL, i)), unary[i]);
    done(&fx);
}

static void test_operators(void **state)
{
    (void)state;
    check_operators();
}

static void test_operators_token_path(void **state)
{
    (void)state;
    cl_ast_force_token_ops(true);
    check_operators();
    cl_ast_force_token_ops(false);
}

static void test_noreturn_calls(void **state)
{
    (void)state;
    fixture fx = parse("_Noreturn void die(void);\n"
                       "void fail(void) __attribute__((noreturn));\n"
                       "void fine(void);\n"
                       "void f(void) { die(); fail(); exit(1); abort(); fine(); }\n");
    assert_true(cl_call_is_noreturn(find(&fx, CXCursor_CallExpr, "die", 0)));
    assert_true(cl_call_is_noreturn(find(&fx, CXCursor_CallExpr, "fail", 0)));
    assert_true(cl_call_is_noreturn(find(&fx, CXCursor_CallExpr, "exit", 0)));
    assert_true(cl_call_is_noreturn(find(&fx, CXCursor_CallExpr, "abort", 0)));
    assert_false(cl_call_is_noreturn(find(&fx, CXCursor_CallExpr, "fine", 0)));
    done(&fx);
}

static void test_strip_and_extent(void **state)
{
    (void)state;
    fixture fx = parse("void use(const ctx_t *c);\n"
                       "void f(ctx_t *p) { use(((p))); { int inner = 1; (void)inner; } }\n");
    CXCursor a = arg_of(&fx, "use", 0, 0);
    assert_int_equal(clang_getCursorKind(a), CXCursor_DeclRefExpr);
    CXCursor fn = find(&fx, CXCursor_FunctionDecl, "f", 0);
    assert_true(cl_is_function_definition(fn));
    assert_false(cl_is_function_definition(find(&fx, CXCursor_FunctionDecl, "use", 0)));
    assert_true(cl_extent_contains(fn, find(&fx, CXCursor_VarDecl, "inner", 0)));
    assert_false(cl_extent_contains(find(&fx, CXCursor_VarDecl, "inner", 0), fn));
    unsigned line, col;
    cl_cursor_line_col(find(&fx, CXCursor_VarDecl, "inner", 0), &line, &col);
    assert_int_equal(line, 5);
    done(&fx);
}

static void test_attributes_and_lvalue_bases(void **state)
{
    (void)state;
    fixture fx = parse("static ctx_t *g; static ctx_t *arr[2]; static ctx_t **gp;\n"
                       "struct s { ctx_t *c; }; static struct s gs; struct s *sp;\n"
                       "__attribute__((constructor)) static void setup(void) {}\n"
                       "void f(ctx_t *a __attribute__((__unused__)), ctx_t *b) {\n"
                       "  g = b; arr[1] = b; *gp = b; gs.c = b; sp->c = b; }\n");
    static const char *const unused[] = {"unused", "maybe_unused"};
    static const char *const ctor[] = {"constructor"};
    assert_true(cl_has_attribute(find(&fx, CXCursor_ParmDecl, "a", 0), unused, 2));
    assert_false(cl_has_attribute(find(&fx, CXCursor_ParmDecl, "b", 0), unused, 2));
    assert_true(cl_has_attribute(find(&fx, CXCursor_FunctionDecl, "setup", 0), ctor, 1));
    assert_false(cl_has_attribute(find(&fx, CXCursor_FunctionDecl, "setup", 0), unused, 2));
    static const char *const bases[] = {"g", "arr", "gp", "gs"};
    for (unsigned i = 0; i < 4; i++) {
        CXCursor lhs = cl_child(find(&fx, CXCursor_BinaryOperator, NULL, i), 0);
        char buf[64];
        CXCursor d = cl_lvalue_base_decl(lhs, false);
        assert_false(clang_Cursor_isNull(d));
        assert_string_equal(cl_spelling(d, buf, sizeof buf), bases[i]);
    }
    CXCursor arrow = cl_child(find(&fx, CXCursor_BinaryOperator, NULL, 4), 0);
    assert_true(clang_Cursor_isNull(cl_lvalue_base_decl(arrow, false)));
    char buf[64];
    assert_string_equal(cl_spelling(cl_lvalue_base_decl(arrow, true), buf, sizeof buf), "sp");
    done(&fx);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_null_constants),
        cmocka_unit_test(test_types_match_the_model),
        cmocka_unit_test(test_callee_and_model_lookup),
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_operators_token_path),
        cmocka_unit_test(test_noreturn_calls),
        cmocka_unit_test(test_strip_and_extent),
        cmocka_unit_test(test_attributes_and_lvalue_bases),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
