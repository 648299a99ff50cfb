/* Unit tests for the path engine (cfg.h): small functions parsed from unsaved files, each asking
 * the one question the path rules ask: from the call to make(), is there a path to an exit on
 * which no call to consume() happens? A later make() on the path is a HIT (the handle is
 * overwritten). The same tests run on libclang 14 and 19. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "ast.h"
#include "cfg.h"

static const char prelude[] = "#include <assert.h>\n"
                              "#include <stdlib.h>\n"
                              "int *make(void);\n"
                              "int consume(int *p);\n"
                              "void other(void);\n"
                              "_Noreturn void die(const char *why);\n"
                              "static void done(int **p) { consume(*p); }\n"
                              "static void ignore(int **p) { (void)p; }\n";

typedef struct fixture {
    CXIndex idx;
    CXTranslationUnit tu;
} fixture;

static fixture parse(const char *body)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", prelude, body);
    struct CXUnsavedFile f = {"/tmp/ctxlint_test_cfg.c", text, (unsigned long)strlen(text)};
    const char *args[] = {"-std=gnu11"};
    fixture fx;
    fx.idx = clang_createIndex(0, 0);
    fx.tu = clang_parseTranslationUnit(fx.idx, f.Filename, args, 1, &f, 1, CXTranslationUnit_None);
    assert_non_null(fx.tu);
    for (unsigned i = 0; i < clang_getNumDiagnostics(fx.tu); i++) {
        CXDiagnostic d = clang_getDiagnostic(fx.tu, i);
        if (clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error) {
            CXString s = clang_formatDiagnostic(d, 0);
            fprintf(stderr, "%s\n", clang_getCString(s));
            clang_disposeString(s);
        }
        assert_true(clang_getDiagnosticSeverity(d) < CXDiagnostic_Error);
        clang_disposeDiagnostic(d);
    }
    return fx;
}

static void dispose(fixture *fx)
{
    clang_disposeTranslationUnit(fx->tu);
    clang_disposeIndex(fx->idx);
}

typedef struct finder {
    enum CXCursorKind kind;
    const char *name;
    unsigned nth, seen;
    CXCursor found;
} finder;

static enum CXChildVisitResult find_visit(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    finder *f = data;
    if (clang_Location_isInSystemHeader(clang_getCursorLocation(c)))
        return CXChildVisit_Continue;
    char buf[256];
    if (clang_getCursorKind(c) == f->kind &&
        strcmp(cl_spelling(c, buf, sizeof buf), f->name) == 0 && f->seen++ == f->nth) {
        f->found = c;
        return CXChildVisit_Break;
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

/* ---- the query the tests ask ---- */

typedef struct calls {
    bool consume, make;
} calls;

static enum CXChildVisitResult see_calls(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    calls *k = d;
    if (clang_getCursorKind(c) == CXCursor_CallExpr) {
        char buf[64];
        cl_callee_name(c, buf, sizeof buf);
        k->consume |= strcmp(buf, "consume") == 0;
        k->make |= strcmp(buf, "make") == 0;
    }
    return CXChildVisit_Recurse;
}

typedef struct probe {
    CXCursor var; /* the variable make() initialises, for the null-branch cut */
    bool use_cut;
} probe;

static cl_cfg_verdict visit(const cl_cfg *g, unsigned e, void *data)
{
    probe *p = data;
    CXCursor c = cl_cfg_elem_cursor(g, e);
    if (cl_cfg_elem_kind(g, e) == CL_CFG_SCOPE_END) {
        /* The cleanup consumes when the cleanup function calls consume(). */
        CXCursor fn = cl_cfg_cleanup_fn(c);
        calls k = {false, false};
        if (!clang_Cursor_isNull(fn))
            clang_visitChildren(fn, see_calls, &k);
        return clang_equalCursors(c, p->var) && k.consume ? CL_CFG_STOP : CL_CFG_PASS;
    }
    calls k = {false, false};
    see_calls(c, clang_getNullCursor(), &k);
    clang_visitChildren(c, see_calls, &k);
    if (k.consume)
        return CL_CFG_STOP;
    return k.make ? CL_CFG_HIT : CL_CFG_PASS;
}

static bool cut(const cl_cfg *g, unsigned cond, bool when, void *data)
{
    probe *p = data;
    return p->use_cut &&
           cl_cfg_null_branch(cl_cfg_elem_cursor(g, cond), when, p->var, clang_getNullCursor());
}

typedef struct result {
    int elem;
    cl_cfg_kind kind;
    unsigned line;
    bool is_start;
} result;

/* Builds the graph of `fn` and searches from its first make(). */
static result search_in(fixture *fx, const char *fn, bool use_cut)
{
    finder fd = {CXCursor_FunctionDecl, fn, 0, 0, clang_getNullCursor()};
    clang_visitChildren(clang_getTranslationUnitCursor(fx->tu), find_visit, &fd);
    CXCursor def = clang_getCursorDefinition(fd.found);
    cl_cfg_memo *memo = cl_cfg_memo_new();
    cl_cfg *g = cl_cfg_build(cl_cfg_body_of(def), memo);
    finder mk = {CXCursor_CallExpr, "make", 0, 0, clang_getNullCursor()};
    clang_visitChildren(def, find_visit, &mk);
    assert_false(clang_Cursor_isNull(mk.found));
    int start = cl_cfg_find(g, mk.found);
    assert_true(start >= 0);
    probe p = {clang_getNullCursor(), use_cut};
    finder var = {CXCursor_VarDecl, "h", 0, 0, clang_getNullCursor()};
    clang_visitChildren(def, find_visit, &var);
    p.var = var.found;
    cl_cfg_query q = {visit, cut, &p};
    if (getenv("CFG_DUMP"))
        cl_cfg_dump(g, stderr);
    result r = {cl_cfg_search(g, (unsigned)start, &q), CL_CFG_STMT, 0, false};
    if (r.elem >= 0) {
        r.kind = cl_cfg_elem_kind(g, (unsigned)r.elem);
        r.is_start = r.elem == start;
        CXSourceRange range = cl_cfg_exit_range(g, (unsigned)r.elem);
        clang_getFileLocation(clang_getRangeStart(range), NULL, &r.line, NULL, NULL);
    }
    cl_cfg_free(g);
    cl_cfg_memo_free(memo);
    return r;
}

/* The line of the first occurrence of `marker` in the parsed text (prelude included). */
static unsigned line_of(const char *body, const char *marker)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", prelude, body);
    const char *at = strstr(text, marker);
    assert_non_null(at);
    unsigned line = 1;
    for (const char *p = text; p < at; p++)
        line += *p == '\n';
    return line;
}

#define SAFE(src, fn)                                                                              \
    do {                                                                                           \
        fixture fx = parse(src);                                                                   \
        result sr_ = search_in(&fx, fn, true);                                                     \
        assert_int_equal(sr_.elem, -1);                                                            \
        dispose(&fx);                                                                              \
    } while (0)

static result leaks(const char *src, const char *fn, bool use_cut)
{
    fixture fx = parse(src);
    result r = search_in(&fx, fn, use_cut);
    assert_true(r.elem >= 0);
    dispose(&fx);
    return r;
}

/* ---- tests ---- */

static void straight_line(void **state)
{
    (void)state;
    SAFE("int f(void) { int *h = make(); consume(h); return 0; }\n", "f");
    const char *src = "int f(void) { int *h = make(); other();\n return 0; /*R*/ }\n";
    result r = leaks(src, "f", true);
    assert_int_equal(r.kind, CL_CFG_RETURN);
    assert_int_equal(r.line, line_of(src, "return 0; /*R*/"));
}

static void falls_off_the_end(void **state)
{
    (void)state;
    const char *src = "void f(void) { int *h = make(); other();\n}\n";
    result r = leaks(src, "f", true);
    assert_int_equal(r.kind, CL_CFG_END);
    assert_int_equal(r.line, line_of(src, "other();") + 1); /* the closing brace */
}

static void if_else(void **state)
{
    (void)state;
    SAFE("void f(int x) { int *h = make(); if (x) consume(h); else consume(h); }\n", "f");
    const char *src = "int f(int x) { int *h = make(); if (x) consume(h);\n return 1; }\n";
    assert_int_equal(leaks(src, "f", true).line, line_of(src, "return 1"));
    /* An early return before the consume. */
    src = "int f(int x) { int *h = make(); if (x)\n return -1;\n consume(h); return 0; }\n";
    assert_int_equal(leaks(src, "f", true).line, line_of(src, "return -1"));
}

static void short_circuit(void **state)
{
    (void)state;
    /* consume() on the right of && runs only when x holds. */
    leaks("int f(int x) { int *h = make(); if (x && consume(h)) other(); return 0; }\n", "f", true);
    SAFE("int f(int x) { int *h = make(); if (consume(h) && x) other(); return 0; }\n", "f");
    leaks("int f(int x) { int *h = make(); if (x || consume(h)) other(); return 0; }\n", "f", true);
    leaks("int f(int x) { int *h = make(); x ? consume(h) : 0; return 0; }\n", "f", true);
    SAFE("int f(int x) { int *h = make(); x ? consume(h) : consume(h); return 0; }\n", "f");
    /* As a statement, && is control flow too. */
    leaks("int f(int x) { int *h = make(); x && consume(h); return 0; }\n", "f", true);
    /* !: the branches swap. */
    leaks("int f(int x) { int *h = make(); if (!x) consume(h); return 0; }\n", "f", true);
}

static void switch_fallthrough(void **state)
{
    (void)state;
    SAFE("void f(int x) { int *h = make();\n switch (x) {\n case 0: abort();\n case 1: "
         "consume(h); break;\n case 2: other(); /* falls through */\n default: die(\"x\"); } }\n",
         "f");
    /* Without the default, a value matching no case leaves the switch. */
    leaks("void f(int x) { int *h = make();\n switch (x) {\n case 1: consume(h); break;\n case 2: "
          "consume(h); break; } }\n",
          "f", true);
    /* case 2 falls out of the switch to the end without consuming. */
    leaks("void f(int x) { int *h = make();\n switch (x) {\n case 1: consume(h); break;\n case 2: "
          "other(); break;\n default: abort(); } }\n",
          "f", true);
    /* Fall-through into a consuming case. */
    SAFE("void f(int x) { int *h = make();\n switch (x) {\n case 1: other();\n case 2: "
         "consume(h); break;\n default: consume(h); } }\n",
         "f");
}

static void loops(void **state)
{
    (void)state;
    /* The body of a while may never run. */
    leaks("void f(int x) { int *h = make(); while (x--) consume(h); }\n", "f", true);
    SAFE("void f(int x) { int *h = make(); do consume(h); while (x--); }\n", "f");
    /* for (;;) only leaves through the return. */
    SAFE(
        "void f(int x) { int *h = make(); for (;;) { if (x) { consume(h); return; } other(); } }\n",
        "f");
    SAFE("void f(int x) { int *h = make(); while (1) { if (x) { consume(h); return; } } }\n", "f");
    /* break leaves the loop; continue goes round. */
    leaks("void f(int x) { int *h = make(); for (;;) { if (x) break; consume(h); return; } }\n",
          "f", true);
    SAFE("void f(int x) { int *h = make(); for (;;) { if (x) continue; consume(h); return; } }\n",
         "f");
    /* do { } while (0): the break skips the consume. */
    leaks("void f(int x) { int *h = make(); do { if (x) break; consume(h); } while (0); }\n", "f",
          true);
    /* A counted loop may run zero times. */
    leaks("void f(int n) { int *h = make(); for (int i = 0; i < n; i++) consume(h); }\n", "f",
          true);
}

static void loop_recreation(void **state)
{
    (void)state;
    result r = leaks(
        "void f(int n) { for (int i = 0; i < n; i++) { int *h = make(); other(); } }\n", "f", true);
    assert_true(r.is_start); /* the next iteration's make() overwrites the live handle */
    SAFE("void f(int n) { for (int i = 0; i < n; i++) { int *h = make(); consume(h); } }\n", "f");
}

static void gotos(void **state)
{
    (void)state;
    SAFE("int f(int x) { int r = 0; int *h = make();\n if (x) { r = -1; goto out; }\n other();\n"
         "out:\n consume(h);\n return r; }\n",
         "f");
    const char *src = "int f(int x) { int *h = make();\n if (x) goto out;\n consume(h);\n"
                      "out:\n return 0; }\n";
    assert_int_equal(leaks(src, "f", true).line, line_of(src, "return 0"));
    /* A backward goto is a loop. */
    result r = leaks("void f(int x) {\nagain:;\n int *h = make();\n if (x--) goto again;\n "
                     "consume(h); }\n",
                     "f", true);
    assert_true(r.is_start);
}

static void noreturn_calls(void **state)
{
    (void)state;
    SAFE("void f(int x) { int *h = make(); if (x) abort(); consume(h); }\n", "f");
    SAFE("void f(int x) { int *h = make(); if (x) exit(1); consume(h); }\n", "f");
    SAFE("void f(int x) { int *h = make(); if (x) die(\"no\"); consume(h); }\n", "f");
    /* assert(0) does not return (gnu11: a statement expression around __assert_fail). */
    SAFE(
        "int f(int x) { int *h = make(); if (x) { assert(0); return 1; } consume(h); return 0; }\n",
        "f");
    leaks("int f(int x) { int *h = make(); if (x) { assert(x); return 1; } consume(h); return 0; "
          "}\n",
          "f", true);
    /* assert()'s shape: cond ? (void)0 : fail(). */
    SAFE("void f(int x) { int *h = make(); x ? (void)0 : abort(); consume(h); }\n", "f");
}

static void cleanup_attribute(void **state)
{
    (void)state;
    /* The cleanup runs on every path out of the scope: returns, gotos, the end. */
    SAFE("int f(int x) { __attribute__((cleanup(done))) int *h = make();\n if (x) return 1;\n "
         "other(); return 0; }\n",
         "f");
    SAFE("void f(int x) { for (;;) { __attribute__((cleanup(done))) int *h = make();\n if (x) "
         "break; } }\n",
         "f");
    /* A cleanup that does not consume is no use. */
    leaks("int f(int x) { __attribute__((cleanup(ignore))) int *h = make();\n if (x) return 1;\n "
          "return 0; }\n",
          "f", true);
    fixture fx = parse("void f(void) { __attribute__((cleanup(done))) int *h = 0; (void)h; }\n");
    CXCursor fn = cl_cfg_cleanup_fn(find(&fx, CXCursor_VarDecl, "h", 0));
    char buf[32];
    assert_string_equal(cl_spelling(fn, buf, sizeof buf), "done");
    assert_true(clang_isCursorDefinition(fn));
    dispose(&fx);
}

static void null_branch(void **state)
{
    (void)state;
    /* Where make() failed there is nothing to consume. */
    SAFE("int f(void) { int *h = make(); if (!h) return -1; consume(h); return 0; }\n", "f");
    SAFE("int f(void) { int *h = make(); if (h == NULL) return -1; consume(h); return 0; }\n", "f");
    SAFE("int f(void) { int *h; if ((h = make()) == NULL) return -1; consume(h); return 0; }\n",
         "f");
    SAFE("int f(void) { int *h = make(); if (h) { consume(h); } return 0; }\n", "f");
    /* Without the cut, the failure path is a path. */
    leaks("int f(void) { int *h = make(); if (!h) return -1; consume(h); return 0; }\n", "f",
          false);
    /* A test of something else is no cut. */
    leaks("int f(int x) { int *h = make(); if (!x) return -1; consume(h); return 0; }\n", "f",
          true);
}

static void graph_shape(void **state)
{
    (void)state;
    fixture fx = parse("int g(int x) { other(); if (x) other(); else x++; return x; }\n");
    CXCursor fn = clang_getCursorDefinition(find(&fx, CXCursor_FunctionDecl, "g", 0));
    cl_cfg *g = cl_cfg_build(cl_cfg_body_of(fn), NULL);
    /* other(); [cond x] -> then | else -> join: return */
    int cond = cl_cfg_find(g, find(&fx, CXCursor_IfStmt, "", 0));
    assert_int_equal(cond, -1); /* the if is no element, its condition is */
    unsigned n_cond = 0, n_ret = 0, n_end = 0;
    for (unsigned e = 0; e < cl_cfg_num_elems(g); e++) {
        n_cond += cl_cfg_elem_kind(g, e) == CL_CFG_COND;
        n_ret += cl_cfg_elem_kind(g, e) == CL_CFG_RETURN;
        n_end += cl_cfg_elem_kind(g, e) == CL_CFG_END;
    }
    assert_int_equal(n_cond, 1);
    assert_int_equal(n_ret, 1);
    assert_int_equal(n_end, 1);
    /* entry -> then, entry -> else, then -> join, else -> join */
    assert_int_equal(cl_cfg_num_edges(g), 4);
    cl_cfg_free(g);
    dispose(&fx);
}

static void statement_expressions(void **state)
{
    (void)state;
    /* A GNU statement expression is walked as statements. */
    leaks("void f(int x) { int *h = make(); ({ if (x) consume(h); }); }\n", "f", true);
    SAFE("void f(int x) { int *h = make(); ({ if (x) consume(h); else consume(h); }); }\n", "f");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(straight_line),
        cmocka_unit_test(falls_off_the_end),
        cmocka_unit_test(if_else),
        cmocka_unit_test(short_circuit),
        cmocka_unit_test(switch_fallthrough),
        cmocka_unit_test(loops),
        cmocka_unit_test(loop_recreation),
        cmocka_unit_test(gotos),
        cmocka_unit_test(noreturn_calls),
        cmocka_unit_test(cleanup_attribute),
        cmocka_unit_test(null_branch),
        cmocka_unit_test(graph_shape),
        cmocka_unit_test(statement_expressions),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
