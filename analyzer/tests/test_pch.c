/* Unit tests for pch.c: which leading includes of a unit go into the shared precompiled header
 * (system headers before anything else; comments may come between), and that a unit parsed
 * with its PCH sees the same declarations as one parsed without. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compdb.h"
#include "pch.h"
#include "testfs.h"

static size_t prefix_of(const char *text, char **argv, int argc, char ***names)
{
    return cl_pch_prefix(text, strlen(text), argv, argc, names);
}

static void free_list(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

static void test_prefix_stops_at_code_and_quotes(void **state)
{
    (void)state;
    char *argv[] = {"cc", "/x.c"};
    char **names = NULL;
    size_t n = prefix_of("/* licence\n * text */\n// note\n\n#include <stdio.h>\n"
                         "#  include\t<sys/types.h> // why\n"
                         "#include <string.h> /* c */\n"
                         "#include \"local.h\"\n#include <stdlib.h>\n",
                         argv, 2, &names);
    assert_int_equal(n, 3);
    assert_string_equal(names[0], "stdio.h");
    assert_string_equal(names[1], "sys/types.h");
    assert_string_equal(names[2], "string.h");
    free_list(names, n);

    /* A macro before the includes changes what they mean: nothing is shared. */
    n = prefix_of("#define _GNU_SOURCE\n#include <stdio.h>\n", argv, 2, &names);
    assert_int_equal(n, 0);
    free_list(names, n);
    n = prefix_of("int x;\n#include <stdio.h>\n", argv, 2, &names);
    assert_int_equal(n, 0);
    free_list(names, n);
    n = prefix_of("#include <stdio.h> int x;\n#include <stdlib.h>\n", argv, 2, &names);
    assert_int_equal(n, 1);
    free_list(names, n);
    n = prefix_of("#include <stdio.h\n", argv, 2, &names);
    assert_int_equal(n, 0);
    free_list(names, n);
}

static void test_prefix_stops_at_project_headers(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    free(tfs_write(root, "inc/ctx/ctx.h", "int f(void);\n"));
    char *inc = cl_xasprintf("%s/inc", root);
    char *joined = cl_xasprintf("-I%s", inc);
    char *argv[] = {"cc", "-I", inc, "/x.c"};
    char *argv2[] = {"cc", joined, "/x.c"};
    const char *text = "#include <stdio.h>\n#include <ctx/ctx.h>\n#include <stdlib.h>\n";
    char **names = NULL;
    size_t n = prefix_of(text, argv, 4, &names);
    assert_int_equal(n, 1);
    assert_string_equal(names[0], "stdio.h");
    free_list(names, n);
    n = prefix_of(text, argv2, 3, &names);
    assert_int_equal(n, 1);
    free_list(names, n);
    free(inc);
    free(joined);
    tfs_rmtree(root);
}

static enum CXChildVisitResult count(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)c;
    (void)parent;
    ++*(unsigned long *)data;
    return CXChildVisit_Recurse;
}

static unsigned long count_cursors_in(CXTranslationUnit tu)
{
    unsigned long n = 0;
    clang_visitChildren(clang_getTranslationUnitCursor(tu), count, &n);
    return n;
}

/* Four units with the same system prefix: they share one PCH, parse cleanly with it, and
 * their ASTs have as many cursors as without it. A unit alone with its prefix gets none. */
static void test_units_share_a_pch(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    const char *body = "#include <stdio.h>\n#include <stdlib.h>\n"
                       "int main(void) { printf(\"%d\", abs(-1)); return 0; }\n";
    char *files[6] = {tfs_write(root, "a.c", body),
                      tfs_write(root, "b.c", body),
                      tfs_write(root, "c.c", body),
                      tfs_write(root, "d.c", body),
                      tfs_write(root, "alone.c", "#include <string.h>\nint g;\n"),
                      NULL};
    char *extra[] = {"-std=c11"};
    cl_options opt = {0};
    opt.files = files;
    opt.n_files = 5;
    opt.extra_args = extra;
    opt.n_extra_args = 1;
    opt.have_extra_args = true;
    opt.quiet = true;
    cl_jobs jobs = {0};
    char *err = NULL;
    assert_int_equal(cl_jobs_build(&opt, &jobs, &err), 0);
    assert_int_equal(jobs.n, 5);

    cl_pch *p = cl_pch_new(&jobs);
    CXIndex idx = clang_createIndex(0, 0);
    const char *shared = NULL;
    for (size_t i = 0; i < jobs.n; i++) {
        char *const *deps = NULL;
        size_t n_deps = 0;
        const char *pch = cl_pch_for(p, idx, i, &deps, &n_deps);
        if (strstr(jobs.v[i].file, "alone.c")) {
            assert_null(pch);
            continue;
        }
        assert_non_null(pch);
        if (shared)
            assert_string_equal(pch, shared);
        shared = pch;
        bool has_stdio = false;
        for (size_t d = 0; d < n_deps; d++)
            has_stdio |= strstr(deps[d], "stdio.h") != NULL;
        assert_true(has_stdio);

        cl_parse_result with = {0}, without = {0};
        assert_int_equal(cl_pch_parse(p, idx, i, &with, &deps, &n_deps), 0);
        assert_false(with.has_errors);
        assert_true(n_deps > 0); /* the PCH was really used */
        assert_int_equal(cl_parse_job(idx, &jobs.v[i], NULL, 0, &without), 0);
        assert_int_equal(count_cursors_in(with.tu), count_cursors_in(without.tu));
        cl_parse_result_free(&with);
        cl_parse_result_free(&without);
    }
    char *dir = cl_xstrndup(shared, (size_t)(strrchr(shared, '/') - shared));
    cl_pch_free(p);
    struct stat st;
    assert_int_not_equal(stat(dir, &st), 0); /* the run's PCH folder is gone */
    free(dir);
    clang_disposeIndex(idx);
    cl_jobs_free(&jobs);
    for (int i = 0; i < 5; i++)
        free(files[i]);
    tfs_rmtree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_prefix_stops_at_code_and_quotes),
        cmocka_unit_test(test_prefix_stops_at_project_headers),
        cmocka_unit_test(test_units_share_a_pch),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
