/* The path rules on context libraries other than ctx: lost-cancel reads the cancel shape from
 * the model, so a library whose derivation returns a struct with a cancel field
 * (CL_CANCEL_RESULT_FIELD) or returns the cancel function itself (CL_CANCEL_RETURNED_FN) is
 * checked the same way. The models are built here, as a configuration file would build them;
 * each snippet runs through the real walk with only the rule under test enabled. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include <cmocka.h>

#include "config.h"
#include "model.h"
#include "walk.h"

/* A foreign library: lib_with_cancel returns {context, cancel}; lib_with_stop returns the stop
 * function and the child through an out-parameter. */
static const char prelude[] =
    "typedef struct lctx lctx;\n"
    "typedef void (*lib_cancel_fn)(lctx *);\n"
    "typedef struct lib_derived { lctx *context; lib_cancel_fn cancel; } lib_derived;\n"
    "lib_derived lib_with_cancel(lctx *parent);\n"
    "lib_cancel_fn lib_with_stop(lctx *parent, lctx **child);\n"
    "int lib_err(lctx *c);\n"
    "void keep(lib_derived d);\n";

static cl_config *foreign_config(void)
{
    cl_config *cfg = cl_config_default();
    char *err = NULL;
    assert_int_equal(cl_config_apply_checks(cfg, "-*,lost-cancel", &err), 0);
    cl_model *m = cfg->model;
    cl_model_add_name(&m->context_types, &m->n_context_types, "lctx");
    cl_api_fn *f = cl_model_add_fn(m, "lib_with_cancel", CL_ROLE_DERIVE);
    f->context_arg = 0;
    f->cancel_shape = CL_CANCEL_RESULT_FIELD;
    f->context_field = strdup("context");
    f->cancel_field = strdup("cancel");
    f = cl_model_add_fn(m, "lib_with_stop", CL_ROLE_DERIVE);
    f->context_arg = 0;
    f->cancel_shape = CL_CANCEL_RETURNED_FN;
    cl_model_add_fn(m, "lib_err", CL_ROLE_QUERY)->context_arg = 0;
    return cfg;
}

/* Lints `body` and returns the number of findings; the first message goes to `first`. */
static size_t lint(const char *body, char *first, size_t size)
{
    static char text[8192];
    snprintf(text, sizeof text, "%s%s", prelude, body);
    struct CXUnsavedFile f = {"/tmp/ctxlint_test_path_rules.c", text, (unsigned long)strlen(text)};
    const char *args[] = {"-std=c11"};
    CXIndex idx = clang_createIndex(0, 0);
    CXTranslationUnit tu =
        clang_parseTranslationUnit(idx, f.Filename, args, 1, &f, 1, CXTranslationUnit_None);
    assert_non_null(tu);
    cl_config *cfg = foreign_config();
    cl_unit_result out;
    memset(&out, 0, sizeof out);
    cl_walk_unit(tu, cfg, false, NULL, &out);
    size_t n = out.findings.n;
    first[0] = '\0';
    if (n)
        snprintf(first, size, "%s", out.findings.v[0].message);
    cl_findings_free(&out.findings);
    cl_facts_free(&out.facts);
    cl_config_free(cfg);
    clang_disposeTranslationUnit(tu);
    clang_disposeIndex(idx);
    return n;
}

static void result_field_cancelled(void **state)
{
    (void)state;
    char msg[1024];
    assert_int_equal(lint("int f(lctx *p) { lib_derived r = lib_with_cancel(p);\n"
                          " if (lib_err(r.context)) { r.cancel(r.context); return 1; }\n"
                          " r.cancel(r.context); return 0; }\n",
                          msg, sizeof msg),
                     0);
    /* Passing the whole result on hands the capability over. */
    assert_int_equal(
        lint("void f(lctx *p) { lib_derived r = lib_with_cancel(p); keep(r); }\n", msg, sizeof msg),
        0);
    /* The capability taken straight from the call. */
    assert_int_equal(lint("void f(lctx *p) { lib_with_cancel(p).cancel(p); }\n", msg, sizeof msg),
                     0);
}

static void result_field_lost(void **state)
{
    (void)state;
    char msg[1024];
    /* Reading the context field is not cancelling. */
    assert_int_equal(lint("int f(lctx *p) { lib_derived r = lib_with_cancel(p);\n"
                          " if (lib_err(r.context)) return 1;\n"
                          " r.cancel(r.context); return 0; }\n",
                          msg, sizeof msg),
                     1);
    assert_non_null(strstr(msg, "'r.cancel' from lib_with_cancel at line 8 is not cancelled on the "
                                "path that returns here; call r.cancel(...)"));
    /* Only the context is kept: the capability is dropped at once. */
    assert_int_equal(
        lint("int f(lctx *p) { return lib_err(lib_with_cancel(p).context); }\n", msg, sizeof msg),
        1);
    assert_non_null(strstr(msg, "returned by lib_with_cancel is discarded here"));
    /* Derived again in a loop while live. */
    assert_int_equal(
        lint("void f(lctx *p, int n) { lib_derived r;\n"
             " for (int i = 0; i < n; i++) { r = lib_with_cancel(p); lib_err(r.context); }\n"
             " }\n",
             msg, sizeof msg),
        1);
    assert_non_null(strstr(msg, "overwritten by the next iteration"));
}

static void returned_fn(void **state)
{
    (void)state;
    char msg[1024];
    assert_int_equal(lint("void f(lctx *p) { lctx *c; lib_cancel_fn stop = lib_with_stop(p, &c);\n"
                          " lib_err(c); stop(c); }\n",
                          msg, sizeof msg),
                     0);
    /* A failed derivation (NULL function) owes nothing. */
    assert_int_equal(lint("int f(lctx *p) { lctx *c; lib_cancel_fn stop = lib_with_stop(p, &c);\n"
                          " if (!stop) return -1; stop(c); return 0; }\n",
                          msg, sizeof msg),
                     0);
    assert_int_equal(lint("int f(lctx *p) { lctx *c; lib_cancel_fn stop = lib_with_stop(p, &c);\n"
                          " if (lib_err(c)) return -1; stop(c); return 0; }\n",
                          msg, sizeof msg),
                     1);
    assert_non_null(strstr(msg, "'stop' from lib_with_stop"));
    assert_int_equal(
        lint("void f(lctx *p) { lctx *c; lib_with_stop(p, &c); lib_err(c); }\n", msg, sizeof msg),
        1);
    assert_non_null(strstr(msg, "discarded here"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(result_field_cancelled),
        cmocka_unit_test(result_field_lost),
        cmocka_unit_test(returned_fn),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
