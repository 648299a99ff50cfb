/* Unit tests for the fix-its rules attach (the --verify tests see messages and positions, not
 * fixes): nil-context replaces exactly the null the user wrote by the model's placeholder root,
 * also as a macro argument, and offers nothing when the whole call is a macro, for returns, or
 * when the model has no placeholder root. Runs one unit through the real walk. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "walk.h"

#define PATH "/tmp/ctxlint_test_rule_fixes.c"

static const char source[] = "#include <ctx/ctx.h>\n"
                             "#include <stddef.h>\n"
                             "#define FETCH_SEVEN(c) fetch((c), 7)\n"
                             "#define FETCH_NONE() fetch(NULL, 8)\n"
                             "int fetch(ctx_t *c, int id);\n"
                             "ctx_t *none(void) { return NULL; }\n"
                             "void f(void)\n"
                             "{\n"
                             "    fetch(NULL, 1);\n"
                             "    fetch((void *)0, 2);\n"
                             "    FETCH_SEVEN(NULL);\n"
                             "    FETCH_NONE();\n"
                             "}\n";

/* Lints `source` with only nil-context enabled; `no_todo` removes the model's placeholder. */
static cl_unit_result lint(bool no_todo)
{
    cl_config *cfg = cl_config_default();
    char *err = NULL;
    assert_int_equal(cl_config_apply_checks(cfg, "-*,nil-context", &err), 0);
    if (no_todo)
        for (size_t i = 0; i < cfg->model->n_fns; i++)
            if (cfg->model->fns[i].role == CL_ROLE_TODO)
                cfg->model->fns[i].role = CL_ROLE_ROOT;
    struct CXUnsavedFile f = {PATH, source, (unsigned long)strlen(source)};
    const char *args[] = {"-std=c11", "-I" CTXLINT_RUNTIME_INCLUDE};
    CXIndex idx = clang_createIndex(0, 0);
    CXTranslationUnit tu =
        clang_parseTranslationUnit(idx, PATH, args, 2, &f, 1, CXTranslationUnit_None);
    assert_non_null(tu);
    cl_unit_result r;
    memset(&r, 0, sizeof r);
    cl_walk_unit(tu, cfg, false, NULL, &r);
    clang_disposeTranslationUnit(tu);
    clang_disposeIndex(idx);
    cl_config_free(cfg);
    return r;
}

/* The source line `line` (1-based) with the finding's fixes applied. */
static void fixed_line(const cl_finding *f, unsigned line, char *out, size_t size)
{
    char text[sizeof source + 256];
    snprintf(text, sizeof text, "%s", source);
    for (size_t i = f->n_fixes; i-- > 0;) {
        const cl_fix *x = &f->fixes[i];
        assert_true(x->offset + x->length <= strlen(text));
        memmove(text + x->offset + strlen(x->text), text + x->offset + x->length,
                strlen(text + x->offset + x->length) + 1);
        memcpy(text + x->offset, x->text, strlen(x->text));
    }
    const char *p = text;
    for (unsigned l = 1; l < line; l++)
        p = strchr(p, '\n') + 1;
    snprintf(out, size, "%.*s", (int)(strchr(p, '\n') - p), p);
}

static const cl_finding *at_line(const cl_unit_result *r, unsigned line)
{
    for (size_t i = 0; i < r->findings.n; i++)
        if (r->findings.v[i].begin.line == line)
            return &r->findings.v[i];
    fail_msg("no finding on line %u", line);
    return NULL;
}

static void test_fix_replaces_the_written_null(void **state)
{
    (void)state;
    cl_unit_result r = lint(false);
    assert_int_equal(r.findings.n, 5);
    char line[256];

    const cl_finding *f = at_line(&r, 9);
    assert_int_equal(f->n_fixes, 1);
    assert_string_equal(f->fixes[0].text, "ctx_todo()");
    fixed_line(f, 9, line, sizeof line);
    assert_string_equal(line, "    fetch(ctx_todo(), 1);");

    f = at_line(&r, 10);
    assert_int_equal(f->n_fixes, 1);
    fixed_line(f, 10, line, sizeof line);
    assert_string_equal(line, "    fetch(ctx_todo(), 2);");

    /* A macro's argument is the user's text: the fix goes there. */
    f = at_line(&r, 11);
    assert_int_equal(f->n_fixes, 1);
    fixed_line(f, 11, line, sizeof line);
    assert_string_equal(line, "    FETCH_SEVEN(ctx_todo());");

    /* The whole call is a macro: no place in this file to write the fix. */
    assert_int_equal(at_line(&r, 12)->n_fixes, 0);
    /* What a caller should get instead of NULL is the author's decision. */
    assert_int_equal(at_line(&r, 6)->n_fixes, 0);
    cl_findings_free(&r.findings);
    cl_facts_free(&r.facts);
}

static void test_no_fix_without_a_placeholder_root(void **state)
{
    (void)state;
    cl_unit_result r = lint(true);
    assert_int_equal(r.findings.n, 5);
    for (size_t i = 0; i < r.findings.n; i++) {
        assert_int_equal(r.findings.v[i].n_fixes, 0);
        assert_null(strstr(r.findings.v[i].message, "todo"));
    }
    assert_non_null(strstr(at_line(&r, 9)->message, "pass the caller's context"));
    cl_findings_free(&r.findings);
    cl_facts_free(&r.facts);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_fix_replaces_the_written_null),
        cmocka_unit_test(test_no_fix_without_a_placeholder_root),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
