/* Unit tests for baselines (baseline.c): findings recorded and matched by rule, file and the
 * text around them, not by line number; counts; whitespace-only edits; malformed files named
 * with the reason. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <jansson.h>

#include "baseline.h"
#include "findings_fixture.h"
#include "testfs.h"

static const char original[] = "int a;\n"
                               "void f(void) {\n"
                               "    call(NULL);\n"
                               "}\n"
                               "void g(void) {\n"
                               "    call(NULL);\n"
                               "}\n";

/* Findings on the two `call(NULL)` lines of `text`, wherever they are. */
static void find_calls(cl_findings *l, const char *path, const char *text)
{
    unsigned line = 1;
    for (const char *p = text; *p; p++) {
        if (strncmp(p, "    call(NULL);", 15) == 0 && (p == text || p[-1] == '\n'))
            ff_add(l, path, "nil-context", CL_SEV_WARNING, line, 10, line, 14, "m");
        line += *p == '\n';
    }
}

/* Writes a baseline for `text`, then filters the findings of `edited`; returns how many stay. */
static size_t survivors(const char *text, const char *edited)
{
    char *dir = tfs_mkdtemp();
    char *src_path = cl_xasprintf("%s/src/a.c", dir);
    char *bl = cl_xasprintf("%s/baseline.json", dir);
    cl_sources *s1 = cl_sources_new();
    cl_sources_put(s1, src_path, text, strlen(text));
    cl_findings before = {0};
    find_calls(&before, src_path, text);
    char *err = NULL;
    assert_int_equal(cl_baseline_write(bl, &before, s1, dir, &err), 0);

    cl_sources *s2 = cl_sources_new();
    cl_sources_put(s2, src_path, edited, strlen(edited));
    cl_findings after = {0};
    find_calls(&after, src_path, edited);
    cl_baseline *b = NULL;
    assert_int_equal(cl_baseline_read(bl, &b, &err), 0);
    size_t n = after.n;
    size_t removed = cl_baseline_filter(b, &after, s2, dir);
    assert_int_equal(removed + after.n, n);
    size_t left = after.n;
    cl_baseline_free(b);
    cl_findings_free(&before);
    cl_findings_free(&after);
    cl_sources_free(s1);
    cl_sources_free(s2);
    tfs_rm_r(dir);
    free(bl);
    free(src_path);
    free(dir);
    return left;
}

static void test_same_code_is_baselined(void **state)
{
    (void)state;
    assert_int_equal(survivors(original, original), 0);
}

static void test_lines_inserted_above(void **state)
{
    (void)state;
    char *edited = cl_xasprintf("#include <stdio.h>\n/* new */\nint b;\n\n%s", original);
    assert_int_equal(survivors(original, edited), 0);
    free(edited);
}

static void test_reindented(void **state)
{
    (void)state;
    const char *edited = "int a;\n"
                         "void f(void)  {\n"
                         "\tcall(NULL);\n"
                         "}\n"
                         "void g(void) {\n"
                         "        call(NULL);   \n"
                         "}\n";
    assert_int_equal(survivors(original, edited), 0);
}

/* A new finding is reported: here a third copy of a baselined pattern (counts), and a finding
 * whose surrounding code changed. */
static void test_new_findings_survive(void **state)
{
    (void)state;
    char *third = cl_xasprintf("%svoid g(void) {\n    call(NULL);\n}\n", original);
    /* f's and g's lines differ by their neighbours; the copy of g matches g's entry, whose
     * count is 1, so exactly one of the two g findings survives. */
    assert_int_equal(survivors(original, third), 1);
    free(third);
    const char *changed = "int a;\n"
                          "void f(int x) {\n"
                          "    call(NULL);\n"
                          "}\n"
                          "void g(void) {\n"
                          "    call(NULL);\n"
                          "}\n";
    assert_int_equal(survivors(original, changed), 1);
}

static void test_counts_for_identical_findings(void **state)
{
    (void)state;
    /* Two findings with the same rule, file and text around them need two entries. */
    const char *twice = "{\n    call(NULL);\n}\n{\n    call(NULL);\n}\n";
    char *dir = tfs_mkdtemp();
    char *path = cl_xasprintf("%s/t.c", dir);
    char *bl = cl_xasprintf("%s/b.json", dir);
    cl_sources *s = cl_sources_new();
    cl_sources_put(s, path, twice, strlen(twice));
    cl_findings l = {0};
    find_calls(&l, path, twice);
    assert_int_equal(l.n, 2);
    char *err = NULL;
    assert_int_equal(cl_baseline_write(bl, &l, s, dir, &err), 0);
    json_t *doc = json_load_file(bl, 0, NULL);
    json_t *entries = json_object_get(doc, "findings");
    assert_int_equal(json_array_size(entries), 1);
    json_t *e = json_array_get(entries, 0);
    assert_int_equal(json_integer_value(json_object_get(e, "count")), 2);
    assert_string_equal(json_string_value(json_object_get(e, "file")), "t.c");
    assert_string_equal(json_string_value(json_object_get(e, "rule")), "nil-context");
    json_decref(doc);
    cl_findings_free(&l);
    cl_sources_free(s);
    tfs_rm_r(dir);
    free(bl);
    free(path);
    free(dir);
}

static void test_hash_uses_neighbours(void **state)
{
    (void)state;
    cl_sources *s = cl_sources_new();
    cl_sources_put(s, "/a", "x\n  mid \ny\n", 11);
    cl_sources_put(s, "/b", "x\nmid\ny\n", 8);
    cl_sources_put(s, "/c", "z\nmid\ny\n", 8);
    uint64_t a = cl_baseline_line_hash(cl_sources_get(s, "/a"), 2);
    assert_true(a == cl_baseline_line_hash(cl_sources_get(s, "/b"), 2));
    assert_true(a != cl_baseline_line_hash(cl_sources_get(s, "/c"), 2));
    /* The first line has no line before it: no crash, and a stable value. */
    assert_true(cl_baseline_line_hash(cl_sources_get(s, "/a"), 1) ==
                cl_baseline_line_hash(cl_sources_get(s, "/b"), 1));
    cl_sources_free(s);
}

/* Reads `text` as a baseline; returns the error (malloc'd). */
static char *read_error(const char *text)
{
    char *dir = tfs_mkdtemp();
    char *path = tfs_write(dir, "bl.json", text);
    cl_baseline *b = NULL;
    char *err = NULL;
    assert_int_equal(cl_baseline_read(path, &b, &err), -1);
    assert_null(b);
    assert_non_null(err);
    assert_non_null(strstr(err, path));
    char *out = cl_xstrdup(err + strlen(path));
    free(err);
    tfs_rm_r(dir);
    free(path);
    free(dir);
    return out;
}

static void expect_error(const char *text, const char *want)
{
    char *got = read_error(text);
    if (!strstr(got, want))
        fail_msg("error '%s' does not contain '%s'", got, want);
    free(got);
}

static void test_malformed(void **state)
{
    (void)state;
    expect_error("{\"version\": 1, \"findings\": [}", ":1:");
    expect_error("[]", "a baseline is a JSON object");
    expect_error("{\"version\": 2, \"findings\": []}", "'version' must be 1");
    expect_error("{\"version\": 1}", "'findings' must be an array");
    expect_error("{\"version\": 1, \"findings\": [{\"rule\": \"r\", \"file\": \"f\", "
                 "\"hash\": \"0123456789abcdef\"}]}",
                 "findings[0]: missing 'count'");
    expect_error("{\"version\": 1, \"findings\": [{\"rule\": \"r\", \"file\": \"f\", "
                 "\"hash\": \"xyz\", \"count\": 1}]}",
                 "findings[0]: 'hash' must be 16");
    expect_error("{\"version\": 1, \"findings\": [{\"rule\": \"r\", \"file\": \"f\", "
                 "\"hash\": \"0123456789abcdef\", \"count\": 0}]}",
                 "'count' must be a positive integer");
    expect_error("{\"version\": 1, \"findings\": [{\"rule\": \"r\", \"file\": \"f\", "
                 "\"hash\": \"0123456789abcdef\", \"count\": 1, \"line\": 3}]}",
                 "unknown key 'line'");
    char *dir = tfs_mkdtemp();
    char *missing = cl_xasprintf("%s/none.json", dir);
    cl_baseline *b = NULL;
    char *err = NULL;
    assert_int_equal(cl_baseline_read(missing, &b, &err), -1);
    assert_non_null(strstr(err, "cannot read"));
    free(err);
    free(missing);
    tfs_rm_r(dir);
    free(dir);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_same_code_is_baselined),
        cmocka_unit_test(test_lines_inserted_above),
        cmocka_unit_test(test_reindented),
        cmocka_unit_test(test_new_findings_survive),
        cmocka_unit_test(test_counts_for_identical_findings),
        cmocka_unit_test(test_hash_uses_neighbours),
        cmocka_unit_test(test_malformed),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
