/* Unit tests for --fix and --fix-dry-run (fix.c) on real files with synthetic findings:
 * applying keeps the mode and removes the fixed findings, overlapping fixes are skipped and
 * reported, duplicates applied once, files outside the root, read-only files and files that
 * changed since they were parsed are never touched, and the dry run prints a unified diff that
 * names the right lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <xxhash.h>

#include "fix.h"
#include "findings_fixture.h"
#include "source.h"
#include "testfs.h"

static const char ten[] = "l1\nl2\nl3\nl4\nf(NULL);\nl6\nl7\nl8\nl9\nl10\n";

typedef struct fixture {
    char *root, *path;
    cl_findings l;
    char *log;
    size_t log_len;
    FILE *logf;
} fixture;

static int setup(void **state)
{
    fixture *fx = cl_xcalloc(1, sizeof *fx);
    fx->root = tfs_mkdtemp();
    free(tfs_mkdir(fx->root, ".git"));
    fx->path = tfs_write(fx->root, "src/a.c", ten);
    fx->logf = open_memstream(&fx->log, &fx->log_len);
    *state = fx;
    return 0;
}

static int teardown(void **state)
{
    fixture *fx = *state;
    fclose(fx->logf);
    free(fx->log);
    cl_findings_free(&fx->l);
    chmod(fx->path, 0644);
    tfs_rm_r(fx->root);
    free(fx->path);
    free(fx->root);
    free(fx);
    return 0;
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *t;
    size_t n;
    assert_int_equal(cl_read_stream(f, &t, &n), 0);
    fclose(f);
    return t;
}

/* A finding with one fix replacing `len` bytes at `off` of `path` by `text`, hashed against
 * the content `parsed` as libclang would have. */
static cl_finding *add(fixture *fx, const char *path, unsigned line, unsigned off, unsigned len,
                       const char *text, const char *parsed)
{
    cl_finding *f = ff_add(&fx->l, path, "nil-context", CL_SEV_WARNING, line, 3, line, 7, "m");
    cl_finding_add_fix(f, path, off, len, text);
    if (parsed) {
        f->fixes[0].content_hash = XXH64(parsed, strlen(parsed), 0);
        f->fixes[0].has_content_hash = true;
    }
    return f;
}

static const char *log_text(fixture *fx)
{
    fflush(fx->logf);
    return fx->log ? fx->log : "";
}

static void test_apply_keeps_mode_and_removes_findings(void **state)
{
    fixture *fx = *state;
    chmod(fx->path, 0640);
    unsigned off = (unsigned)(strstr(ten, "NULL") - ten);
    add(fx, fx->path, 5, off, 4, "ctx_todo()", ten);
    ff_add(&fx->l, fx->path, "other", CL_SEV_WARNING, 1, 1, 1, 2, "no fix");
    cl_fix_plan *p = cl_fix_plan_build(&fx->l, fx->root, fx->logf);
    assert_int_equal(cl_fix_plan_count(p), 1);
    size_t n = 0;
    assert_int_equal(cl_fix_plan_apply(p, &fx->l, fx->logf, &n), 0);
    cl_fix_plan_free(p);
    assert_int_equal(n, 1);
    assert_int_equal(fx->l.n, 1);
    assert_string_equal(fx->l.v[0].rule, "other");
    char *now = slurp(fx->path);
    assert_string_equal(now, "l1\nl2\nl3\nl4\nf(ctx_todo());\nl6\nl7\nl8\nl9\nl10\n");
    struct stat st;
    stat(fx->path, &st);
    assert_int_equal(st.st_mode & 07777, 0640);

    /* The same fix again, as a stale run would offer it: the content no longer matches what
     * was parsed, so nothing changes. */
    cl_findings_free(&fx->l);
    add(fx, fx->path, 5, off, 4, "ctx_todo()", ten);
    p = cl_fix_plan_build(&fx->l, fx->root, fx->logf);
    assert_int_equal(cl_fix_plan_count(p), 0);
    assert_int_equal(cl_fix_plan_apply(p, &fx->l, fx->logf, &n), 0);
    cl_fix_plan_free(p);
    assert_int_equal(n, 0);
    char *again = slurp(fx->path);
    assert_string_equal(again, now);
    assert_non_null(strstr(log_text(fx), "changed since it was parsed"));
    free(again);
    free(now);
}

static void test_overlap_and_duplicates(void **state)
{
    fixture *fx = *state;
    unsigned off = (unsigned)(strstr(ten, "NULL") - ten);
    add(fx, fx->path, 5, off, 4, "ctx_todo()", ten);
    add(fx, fx->path, 5, off, 4, "ctx_todo()", ten); /* the same edit: applied once */
    add(fx, fx->path, 5, off + 1, 2, "XX", ten);     /* overlaps: skipped */
    add(fx, fx->path, 1, 0, 2, "L1", ten);           /* elsewhere: applied */
    cl_fix_plan *p = cl_fix_plan_build(&fx->l, fx->root, fx->logf);
    assert_int_equal(cl_fix_plan_count(p), 3);
    size_t n = 0;
    assert_int_equal(cl_fix_plan_apply(p, &fx->l, fx->logf, &n), 0);
    cl_fix_plan_free(p);
    assert_int_equal(n, 3);
    assert_int_equal(fx->l.n, 1);
    assert_string_equal(fx->l.v[0].fixes[0].text, "XX");
    assert_non_null(strstr(log_text(fx), "overlaps another fix"));
    char *now = slurp(fx->path);
    assert_string_equal(now, "L1\nl2\nl3\nl4\nf(ctx_todo());\nl6\nl7\nl8\nl9\nl10\n");
    free(now);
}

static void test_refusals(void **state)
{
    fixture *fx = *state;
    /* Outside the project root. */
    char *outside_dir = tfs_mkdtemp();
    char *outside = tfs_write(outside_dir, "o.c", "f(NULL);\n");
    add(fx, outside, 1, 2, 4, "ctx_todo()", "f(NULL);\n");
    /* Read-only. */
    char *ro = tfs_write(fx->root, "ro.c", "f(NULL);\n");
    chmod(ro, 0444);
    add(fx, ro, 1, 2, 4, "ctx_todo()", "f(NULL);\n");
    /* Changed since it was parsed. */
    add(fx, fx->path, 5, 14, 4, "ctx_todo()", "something else\n");
    /* A range past the end of the file. */
    add(fx, fx->path, 5, 1000, 4, "x", NULL);
    cl_fix_plan *p = cl_fix_plan_build(&fx->l, fx->root, fx->logf);
    assert_int_equal(cl_fix_plan_count(p), 0);
    size_t n = 0;
    assert_int_equal(cl_fix_plan_apply(p, &fx->l, fx->logf, &n), 0);
    cl_fix_plan_free(p);
    assert_int_equal(fx->l.n, 4);
    const char *log = log_text(fx);
    assert_non_null(strstr(log, "outside the project root"));
    assert_non_null(strstr(log, "read-only"));
    assert_non_null(strstr(log, "changed since it was parsed"));
    assert_non_null(strstr(log, "outside the file"));
    char *t = slurp(outside);
    assert_string_equal(t, "f(NULL);\n");
    free(t);
    t = slurp(ro);
    assert_string_equal(t, "f(NULL);\n");
    free(t);
    t = slurp(fx->path);
    assert_string_equal(t, ten);
    free(t);
    chmod(ro, 0644);
    tfs_rm_r(outside_dir);
    free(outside);
    free(outside_dir);
    free(ro);
}

static char *diff_of(fixture *fx)
{
    cl_fix_plan *p = cl_fix_plan_build(&fx->l, fx->root, fx->logf);
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    assert_int_equal(cl_fix_plan_diff(p, out), 0);
    fclose(out);
    cl_fix_plan_free(p);
    return buf;
}

static void test_diff_one_hunk(void **state)
{
    fixture *fx = *state;
    unsigned off = (unsigned)(strstr(ten, "NULL") - ten);
    add(fx, fx->path, 5, off, 4, "ctx_todo()", ten);
    char *d = diff_of(fx);
    assert_string_equal(d, "--- a/src/a.c\n+++ b/src/a.c\n"
                           "@@ -2,7 +2,7 @@\n"
                           " l2\n l3\n l4\n-f(NULL);\n+f(ctx_todo());\n l6\n l7\n l8\n");
    free(d);
    /* A dry run writes nothing. */
    char *t = slurp(fx->path);
    assert_string_equal(t, ten);
    free(t);
}

static void test_diff_hunks_and_line_changes(void **state)
{
    fixture *fx = *state;
    /* Line 1 gains a line; line 10 is changed: 8 unchanged lines apart, so two hunks, and the
     * second hunk's new line numbers are shifted by one. */
    add(fx, fx->path, 1, 0, 2, "l0\nl1", ten);
    unsigned off = (unsigned)(strstr(ten, "l10") - ten);
    add(fx, fx->path, 10, off, 3, "LAST", ten);
    char *d = diff_of(fx);
    assert_string_equal(d, "--- a/src/a.c\n+++ b/src/a.c\n"
                           "@@ -1,4 +1,5 @@\n"
                           "-l1\n+l0\n+l1\n l2\n l3\n l4\n"
                           "@@ -7,4 +8,4 @@\n"
                           " l7\n l8\n l9\n-l10\n+LAST\n");
    free(d);
}

static void test_diff_no_final_newline(void **state)
{
    fixture *fx = *state;
    char *path = tfs_write(fx->root, "n.c", "a\nf(NULL);");
    add(fx, path, 2, 4, 4, "ctx_todo()", "a\nf(NULL);");
    char *d = diff_of(fx);
    assert_string_equal(d, "--- a/n.c\n+++ b/n.c\n"
                           "@@ -1,2 +1,2 @@\n"
                           " a\n-f(NULL);\n\\ No newline at end of file\n"
                           "+f(ctx_todo());\n\\ No newline at end of file\n");
    free(d);
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_apply_keeps_mode_and_removes_findings, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_overlap_and_duplicates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_refusals, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_one_hunk, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_hunks_and_line_changes, setup, teardown),
        cmocka_unit_test_setup_teardown(test_diff_no_final_newline, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
