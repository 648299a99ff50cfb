/* Unit tests for parse.c: GCC-only flags do not make a unit fail, syntax errors are reported
 * with file:line:col, headers parse through their synthetic unit, missing builtin headers name
 * the package, and parsing from several threads at once works. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <pthread.h>

#include "compdb.h"
#include "parse.h"
#include "testfs.h"

/* A job for `file` with the given flags (between the compiler and the file). */
static cl_job make_job(const char *file, const char *const *flags, int n_flags)
{
    cl_job j = {0};
    j.file = cl_xstrdup(file);
    j.unit_file = cl_xstrdup(file);
    j.directory = cl_xstrdup("/");
    j.origin = cl_xstrdup("test");
    j.argc = n_flags + 2;
    j.argv = cl_xcalloc((size_t)j.argc + 1, sizeof *j.argv);
    j.argv[0] = cl_xstrdup("gcc");
    for (int i = 0; i < n_flags; i++)
        j.argv[i + 1] = cl_xstrdup(flags[i]);
    j.argv[j.argc - 1] = cl_xstrdup(file);
    return j;
}

static void free_job(cl_job *j)
{
    free(j->file);
    free(j->unit_file);
    free(j->directory);
    free(j->origin);
    cl_args_free(j->argv, j->argc);
}

/* Top-level declarations named `name` in the unit. */
static enum CXChildVisitResult count_named(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    void **d = data;
    CXString s = clang_getCursorSpelling(c);
    if (strcmp(clang_getCString(s), (const char *)d[0]) == 0)
        (*(int *)d[1])++;
    clang_disposeString(s);
    return CXChildVisit_Continue;
}

static int count_decls(CXTranslationUnit tu, const char *name)
{
    int n = 0;
    void *data[2] = {(void *)name, &n};
    clang_visitChildren(clang_getTranslationUnitCursor(tu), count_named, data);
    return n;
}

/* One source file parsed in a fresh folder and index. */
typedef struct fixture {
    char *root, *file;
    cl_job job;
    CXIndex idx;
    cl_parse_result r;
} fixture;

static fixture fixture_new(void)
{
    fixture f = {0};
    f.root = tfs_mkdtemp();
    f.idx = clang_createIndex(0, 0);
    return f;
}

/* Writes root/name, parses it with `flags`; `edited` (if not NULL) is an unsaved buffer for it
 * that replaces what is on disk. Returns cl_parse_job's result. */
static int fixture_parse(fixture *f, const char *name, const char *text, const char *const *flags,
                         int n_flags, const char *edited)
{
    f->file = tfs_write(f->root, name, text);
    f->job = make_job(f->file, flags, n_flags);
    struct CXUnsavedFile uf = {f->file, edited, edited ? (unsigned long)strlen(edited) : 0};
    return cl_parse_job(f->idx, &f->job, &uf, edited ? 1 : 0, &f->r);
}

static void fixture_free(fixture *f)
{
    cl_parse_result_free(&f->r);
    assert_null(f->r.tu);
    clang_disposeIndex(f->idx);
    free_job(&f->job);
    free(f->file);
    tfs_rmtree(f->root);
}

static void test_gcc_only_flags_still_parse(void **state)
{
    (void)state;
    /* Passed straight through (not rewritten) so that parse's own filtering is what is tested;
     * -Werror would otherwise turn the unknown-warning warning into an error. */
    const char *flags[] = {"-fanalyzer", "-mrecord-mcount", "-Wlogical-op",
                           "-Werror",    "-Wall",           "-std=gnu11"};
    fixture f = fixture_new();
    assert_int_equal(
        fixture_parse(&f, "ok.c",
                      "#include <stddef.h>\nint f(void) { size_t n = 0; return (int)n; }\n", flags,
                      6, NULL),
        0);
    assert_non_null(f.r.tu);
    if (f.r.has_errors)
        fail_msg("unexpected error: %s", f.r.first_error);
    assert_null(f.r.first_error);
    assert_int_equal(count_decls(f.r.tu, "f"), 1);
    fixture_free(&f);
}

static void test_syntax_error_reported(void **state)
{
    (void)state;
    fixture f = fixture_new();
    assert_int_equal(fixture_parse(&f, "bad.c",
                                   "int ok;\nint f(void) { return 0 }\nint g(void) { return x; }\n",
                                   NULL, 0, NULL),
                     0);
    assert_non_null(f.r.tu); /* KeepGoing: a unit with errors is still a unit */
    assert_true(f.r.has_errors);
    char *want = cl_xasprintf("%s:2:23: error: expected ';' after return statement", f.file);
    assert_string_equal(f.r.first_error, want);
    free(want);
    fixture_free(&f);
}

static void test_unsaved_buffer_wins(void **state)
{
    (void)state;
    fixture f = fixture_new();
    assert_int_equal(fixture_parse(&f, "ed.c", "int broken(\n", NULL, 0, "int edited(void);\n"), 0);
    assert_false(f.r.has_errors);
    assert_int_equal(count_decls(f.r.tu, "edited"), 1);
    fixture_free(&f);
}

/* Header jobs come from cl_jobs_build (defaults: no database in a fresh /tmp tree). */
static cl_jobs header_jobs(const char *root, const char *rel)
{
    char *path = cl_xasprintf("%s/%s", root, rel);
    char *files[] = {path};
    cl_options opt = {.files = files, .n_files = 1, .quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    if (cl_jobs_build(&opt, &jobs, &err) != 0)
        fail_msg("%s", err);
    assert_int_equal(jobs.n, 1);
    assert_true(jobs.v[0].is_header);
    free(path);
    return jobs;
}

static void test_header_job_parses(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    free(tfs_write(root, "inc/sib.h", "typedef int sib_t;\n"));
    free(tfs_write(root, "inc/api.h",
                   "#pragma once\n#include \"sib.h\"\n#include <stdbool.h>\n"
                   "sib_t api_call(bool b);\n"));
    free(tfs_write(root, "inc/broken.h", "int ok;\nint broken(;\n"));
    cl_jobs jobs = header_jobs(root, "inc/api.h");
    CXIndex idx = clang_createIndex(0, 0);
    cl_parse_result r;
    assert_int_equal(cl_parse_job(idx, &jobs.v[0], NULL, 0, &r), 0);
    if (r.has_errors)
        fail_msg("unexpected error: %s", r.first_error);
    assert_int_equal(count_decls(r.tu, "api_call"), 1);
    /* The synthetic unit is the main file; it never exists on disk. */
    CXString main_name = clang_getTranslationUnitSpelling(r.tu);
    assert_string_equal(clang_getCString(main_name), jobs.v[0].unit_file);
    clang_disposeString(main_name);
    assert_int_not_equal(access(jobs.v[0].unit_file, F_OK), 0);
    cl_parse_result_free(&r);
    cl_jobs_free(&jobs);

    /* An error inside the header is reported at the header's line. */
    jobs = header_jobs(root, "inc/broken.h");
    assert_int_equal(cl_parse_job(idx, &jobs.v[0], NULL, 0, &r), 0);
    assert_true(r.has_errors);
    char *want = cl_xasprintf("%s/inc/broken.h:2:", root);
    if (strncmp(r.first_error, want, strlen(want)) != 0)
        fail_msg("got %s", r.first_error);
    free(want);
    cl_parse_result_free(&r);
    cl_jobs_free(&jobs);
    clang_disposeIndex(idx);
    tfs_rmtree(root);
}

static void test_missing_builtin_headers_name_package(void **state)
{
    (void)state;
    /* -nobuiltininc hides clang's resource headers: what a missing libclang-common looks like. */
    const char *flags[] = {"-nobuiltininc"};
    fixture f = fixture_new();
    assert_int_equal(fixture_parse(&f, "b.c", "#include <stddef.h>\nsize_t n;\n", flags, 1, NULL),
                     0);
    assert_true(f.r.has_errors);
    assert_string_equal(f.r.first_error, cl_builtin_headers_error());
    char *pkg =
        cl_xasprintf("install the Debian package libclang-common-%d-dev", CTXLINT_LLVM_MAJOR);
    assert_non_null(strstr(f.r.first_error, pkg));
    free(pkg);
    fixture_free(&f);
}

static void test_resource_dir(void **state)
{
    (void)state;
    /* Debian's libclang finds its own headers, so none is forced; when one is, it must hold
     * stddef.h. Either way the answer is stable. */
    const char *d = cl_resource_dir();
    assert_ptr_equal(d, cl_resource_dir());
    if (d) {
        char *stddef = cl_xasprintf("%s/include/stddef.h", d);
        assert_int_equal(access(stddef, R_OK), 0);
        free(stddef);
    }
}

static void test_no_unit_is_error(void **state)
{
    (void)state;
    fixture f = fixture_new();
    /* Two inputs: libclang refuses to build a unit. */
    char *b = tfs_write(f.root, "b.c", "int b;\n");
    const char *flags[] = {b};
    assert_int_equal(fixture_parse(&f, "a.c", "int a;\n", flags, 1, NULL), 2);
    assert_null(f.r.tu);
    assert_true(f.r.has_errors);
    char *want =
        cl_xasprintf("ctxlint: error: %s: libclang produced no translation unit (CXError_", f.file);
    if (strncmp(f.r.first_error, want, strlen(want)) != 0)
        fail_msg("got %s", f.r.first_error);
    free(want);
    free(b);
    fixture_free(&f);
}

typedef struct worker {
    const cl_job *job;
    int ok;
} worker;

static pthread_mutex_t index_lock = PTHREAD_MUTEX_INITIALIZER;

static void *parse_many(void *arg)
{
    worker *w = arg;
    /* One index per thread, created under a lock (libclang notes 2.7). */
    pthread_mutex_lock(&index_lock);
    CXIndex idx = clang_createIndex(0, 0);
    pthread_mutex_unlock(&index_lock);
    for (int i = 0; i < 5; i++) {
        cl_parse_result r;
        if (cl_parse_job(idx, w->job, NULL, 0, &r) == 0 && !r.has_errors &&
            count_decls(r.tu, "f") == 1)
            w->ok++;
        cl_parse_result_free(&r);
    }
    clang_disposeIndex(idx);
    return NULL;
}

static void test_parallel_parses(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    char *file = tfs_write(root, "p.c",
                           "#include <stdarg.h>\n#include <stdio.h>\nint f(void) { return 1; }\n");
    cl_job j = make_job(file, NULL, 0);
    worker w[4];
    pthread_t t[4];
    for (int i = 0; i < 4; i++) {
        w[i] = (worker){&j, 0};
        assert_int_equal(pthread_create(&t[i], NULL, parse_many, &w[i]), 0);
    }
    for (int i = 0; i < 4; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].ok, 5);
    }
    free_job(&j);
    free(file);
    tfs_rmtree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_gcc_only_flags_still_parse),
        cmocka_unit_test(test_syntax_error_reported),
        cmocka_unit_test(test_unsaved_buffer_wins),
        cmocka_unit_test(test_header_job_parses),
        cmocka_unit_test(test_missing_builtin_headers_name_package),
        cmocka_unit_test(test_resource_dir),
        cmocka_unit_test(test_no_unit_is_error),
        cmocka_unit_test(test_parallel_parses),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
