/* Unit tests for the output formats: JSON parses back with every field, GitHub workflow
 * commands escape data and properties as GitHub requires and leave columns out of multi-line
 * ranges, SARIF carries every rule and resolves URIs, columns and fingerprints, and the
 * fingerprint is codeql-action's (src/fingerprints.ts): checked against values from an
 * independent reimplementation (tests/integration/line_hashes.py) and against the polynomial
 * written out by hand. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "emit.h"
#include "findings_fixture.h"
#include "registry.h"

/* Runs an emitter into a string. */
static char *emit_to_string(int (*emit)(const cl_emit_ctx *), const cl_findings *l, cl_sources *src,
                            const char *cwd, const char *root)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = open_memstream(&buf, &len);
    cl_emit_ctx e = {l, src, out, false, cwd, root};
    assert_int_equal(emit(&e), 0);
    fclose(out);
    return buf;
}

static void test_github_escape(void **state)
{
    (void)state;
    char *d = cl_github_escape_data("100% done\r\nnext: a,b");
    assert_string_equal(d, "100%25 done%0D%0Anext: a,b");
    char *p = cl_github_escape_property("src/a:b,c%d\n");
    assert_string_equal(p, "src/a%3Ab%2Cc%25d%0A");
    free(d);
    free(p);
}

static void test_github_commands(void **state)
{
    (void)state;
    cl_sources *src = cl_sources_new();
    const char *text = "int a;\n\xc3\xa9 = f(x);\nint c;\n";
    cl_sources_put(src, "/r/s/a,b.c", text, strlen(text));
    cl_findings l = {0};
    ff_add(&l, "/r/s/a,b.c", "nil-context", CL_SEV_WARNING, 2, 7, 2, 9, "50% bad\nreally");
    ff_add(&l, "/r/s/a,b.c", "lost-cancel", CL_SEV_ERROR, 1, 1, 3, 2, "spans lines");
    cl_finding *n = ff_add(&l, "/r/s/a,b.c", "x-y", CL_SEV_NOTE, 3, 1, 3, 1, "a note");
    cl_finding_add_note(n, (cl_pos){cl_xstrdup("/r/s/a,b.c"), 1, 5, 4}, cl_xstrdup("here"));
    char *out = emit_to_string(cl_emit_github, &l, src, "/r/s", "/r");
    /* Line 2: "é" is 2 bytes but one UTF-16 unit: byte columns 7 and 9 are 6 and 8. */
    assert_string_equal(out, "::warning file=s/a%2Cb.c,line=2,col=6,endLine=2,endColumn=8,"
                             "title=ctxlint (nil-context)::50%25 bad%0Areally\n"
                             "::error file=s/a%2Cb.c,line=1,endLine=3,"
                             "title=ctxlint (lost-cancel)::spans lines\n"
                             "::notice file=s/a%2Cb.c,line=3,col=1,endLine=3,"
                             "title=ctxlint (x-y)::a note%0Anote: s/a,b.c:1:5: here\n");
    free(out);
    cl_findings_free(&l);
    cl_sources_free(src);
}

static void test_json_round_trip(void **state)
{
    (void)state;
    cl_sources *src = cl_sources_new();
    cl_findings l = {0};
    cl_finding *f =
        ff_add(&l, "/w/src/a.c", "nil-context", CL_SEV_WARNING, 3, 5, 3, 9, "bad \xff byte \"q\"");
    cl_finding_add_note(f, (cl_pos){cl_xstrdup("/w/src/b.h"), 7, 2, 0}, cl_xstrdup("declared"));
    cl_finding_add_fix(f, "/w/src/a.c", 40, 4, "ctx_todo()");
    ff_add(&l, "/elsewhere/c.c", "context-not-first", CL_SEV_ERROR, 1, 1, 2, 3, "m");
    char *out = emit_to_string(cl_emit_json, &l, src, "/w", "/w");
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    assert_true(json_is_array(doc));
    assert_int_equal(json_array_size(doc), 2);
    json_t *a = json_array_get(doc, 0);
    assert_string_equal(json_string_value(json_object_get(a, "file")), "src/a.c");
    assert_int_equal(json_integer_value(json_object_get(a, "line")), 3);
    assert_int_equal(json_integer_value(json_object_get(a, "column")), 5);
    assert_int_equal(json_integer_value(json_object_get(a, "end_line")), 3);
    assert_int_equal(json_integer_value(json_object_get(a, "end_column")), 9);
    assert_string_equal(json_string_value(json_object_get(a, "rule")), "nil-context");
    assert_string_equal(json_string_value(json_object_get(a, "severity")), "warning");
    /* Invalid UTF-8 becomes U+FFFD instead of breaking the document. */
    assert_string_equal(json_string_value(json_object_get(a, "message")),
                        "bad \xef\xbf\xbd byte \"q\"");
    json_t *note = json_array_get(json_object_get(a, "notes"), 0);
    assert_string_equal(json_string_value(json_object_get(note, "file")), "src/b.h");
    assert_int_equal(json_integer_value(json_object_get(note, "line")), 7);
    assert_int_equal(json_integer_value(json_object_get(note, "column")), 2);
    assert_string_equal(json_string_value(json_object_get(note, "message")), "declared");
    json_t *fix = json_array_get(json_object_get(a, "fixes"), 0);
    assert_string_equal(json_string_value(json_object_get(fix, "file")), "src/a.c");
    assert_int_equal(json_integer_value(json_object_get(fix, "offset")), 40);
    assert_int_equal(json_integer_value(json_object_get(fix, "length")), 4);
    assert_string_equal(json_string_value(json_object_get(fix, "replacement")), "ctx_todo()");
    json_t *b = json_array_get(doc, 1);
    assert_string_equal(json_string_value(json_object_get(b, "file")), "/elsewhere/c.c");
    assert_string_equal(json_string_value(json_object_get(b, "severity")), "error");
    assert_int_equal(json_array_size(json_object_get(b, "notes")), 0);
    json_decref(doc);
    free(out);
    /* No findings: still one document. */
    cl_findings none = {0};
    out = emit_to_string(cl_emit_json, &none, src, "/w", "/w");
    assert_string_equal(out, "[]\n");
    free(out);
    cl_findings_free(&l);
    cl_sources_free(src);
}

static void expect_hashes(const char *text, size_t len, const char *const *want, size_t n_want)
{
    size_t n = 0;
    char **h = cl_line_hashes(text, len, &n);
    assert_int_equal(n, n_want);
    for (size_t i = 0; i < n; i++)
        assert_string_equal(h[i], want[i]);
    cl_line_hashes_free(h, n);
}

/* Values printed by tests/integration/line_hashes.py, a Python reimplementation written
 * separately from the TypeScript. */
static void test_line_hashes_reference(void **state)
{
    (void)state;
    expect_hashes("", 0, (const char *const[]){"c129715d7a2bc9a3:1"}, 1);
    expect_hashes("a", 1, (const char *const[]){"53b5d4aabe50d64:1"}, 1);
    const char *const two[] = {"96499790c59d72a3:1", "22bd3bea0af67823:1", "c129715d7a2bc9a3:1"};
    expect_hashes("int x;\nint x;\n", 14, two, 3);
    /* CRLF and LF give the same hashes; spaces and tabs are skipped. */
    expect_hashes("int x;\r\nint x;\r\n", 16, two, 3);
    expect_hashes("int\tx ;\r\n  int x;\n", 18, two, 3);
    expect_hashes(
        "  a\tb\n\nc", 8,
        (const char *const[]){"3c200a954436a5c9:1", "1c206f60a702cfe8:1", "188ff2f224477a1e:1"}, 3);
    /* é (2 bytes), 😀 (4 bytes: 2 UTF-16 units), an invalid byte, a truncated sequence. */
    const char odd[] = "\xc3\xa9\xf0\x9f\x98\x80\nx\xff\xe2\x82\n";
    expect_hashes(
        odd, sizeof odd - 1,
        (const char *const[]){"b1e743b284d89b0f:1", "40b983a278363efb:1", "c129715d7a2bc9a3:1"}, 3);
}

/* Two lines whose next 100 characters are the same get :1 and :2. */
static void test_line_hashes_identical_windows(void **state)
{
    (void)state;
    char text[2 * 151 + 1];
    for (int l = 0; l < 2; l++) {
        memset(text + l * 151, 'x', 150);
        text[l * 151 + 150] = '\n';
    }
    expect_hashes(
        text, 302,
        (const char *const[]){"52b56201ffb58620:1", "52b56201ffb58620:2", "c129715d7a2bc9a3:1"}, 3);
}

/* For a one-line file the window of line 1 is its characters, the EOF unit 65535, then
 * zeros: the hash is sum(c_i * 37^(99 - i)) modulo 2^64, written out here directly. */
static void test_line_hashes_formula(void **state)
{
    (void)state;
    const char *line = "ctx_t *c = NULL;";
    uint32_t units[100] = {0};
    size_t k = 0;
    for (const char *p = line; *p; p++)
        if (*p != ' ')
            units[k++] = (unsigned char)*p;
    units[k] = 65535;
    uint64_t h = 0;
    for (size_t i = 0; i < 100; i++) {
        uint64_t pow = 1;
        for (size_t j = 0; j < 99 - i; j++)
            pow *= 37u;
        h += units[i] * pow;
    }
    char want[40];
    snprintf(want, sizeof want, "%llx:1", (unsigned long long)h);
    size_t n;
    char **got = cl_line_hashes(line, strlen(line), &n);
    assert_int_equal(n, 1);
    assert_string_equal(got[0], want);
    cl_line_hashes_free(got, n);
}

static void test_utf16_column(void **state)
{
    (void)state;
    const char *line = "\xc3\xa9\xf0\x9f\x98\x80x\xffy";
    assert_int_equal(cl_utf16_column(line, strlen(line), 1), 1);
    assert_int_equal(cl_utf16_column(line, strlen(line), 3), 2);  /* after é */
    assert_int_equal(cl_utf16_column(line, strlen(line), 7), 4);  /* after 😀 (2 units) */
    assert_int_equal(cl_utf16_column(line, strlen(line), 9), 6);  /* after x and \xff */
    assert_int_equal(cl_utf16_column(line, strlen(line), 12), 9); /* past the end */
}

static json_t *get_path(json_t *o, const char *const *keys, size_t n)
{
    for (size_t i = 0; i < n && o; i++)
        o = json_is_array(o) ? json_array_get(o, (size_t)atoi(keys[i]))
                             : json_object_get(o, keys[i]);
    return o;
}
#define AT(o, ...)                                                                                 \
    get_path((o), (const char *const[]){__VA_ARGS__},                                              \
             sizeof((const char *const[]){__VA_ARGS__}) / sizeof(const char *))

static void test_sarif_document(void **state)
{
    (void)state;
    cl_sources *src = cl_sources_new();
    const char *text = "int a;\n  \xc3\xa9 = f(NULL);\nint c;\n";
    cl_sources_put(src, "/repo/dir/my file.c", text, strlen(text));
    cl_sources_put(src, "/other/x.c", "x\n", 2);
    cl_findings l = {0};
    cl_finding *f =
        ff_add(&l, "/repo/dir/my file.c", cl_rules[0]->id, CL_SEV_WARNING, 2, 10, 2, 14, "bad");
    cl_finding_add_note(f, (cl_pos){cl_xstrdup("/repo/dir/my file.c"), 1, 1, 0},
                        cl_xstrdup("from here"));
    cl_finding_add_fix(f, "/repo/dir/my file.c", 17, 4, "ctx_todo()");
    ff_add(&l, "/other/x.c", "nolint", CL_SEV_WARNING, 1, 1, 1, 1, "unused NOLINT");
    char *out = emit_to_string(cl_emit_sarif, &l, src, "/repo/dir", "/repo");
    json_error_t je;
    json_t *doc = json_loads(out, 0, &je);
    assert_non_null(doc);
    assert_string_equal(json_string_value(AT(doc, "version")), "2.1.0");
    assert_non_null(json_string_value(AT(doc, "$schema")));
    json_t *run = AT(doc, "runs", "0");
    assert_string_equal(json_string_value(AT(run, "tool", "driver", "name")), "ctxlint");
    json_t *rules = AT(run, "tool", "driver", "rules");
    /* Every registered rule, then the driver's own "nolint". */
    assert_int_equal(json_array_size(rules), cl_n_rules + 1);
    for (size_t i = 0; i < json_array_size(rules); i++) {
        json_t *r = json_array_get(rules, i);
        const char *id = json_string_value(AT(r, "id"));
        char *uri = cl_xasprintf("%s.md", id);
        const char *help_uri = json_string_value(AT(r, "helpUri"));
        assert_non_null(strstr(help_uri, uri));
        free(uri);
        assert_true(strlen(json_string_value(AT(r, "shortDescription", "text"))) > 0);
        assert_true(strlen(json_string_value(AT(r, "fullDescription", "text"))) <= 1024);
        assert_non_null(json_string_value(AT(r, "help", "text")));
        assert_non_null(json_string_value(AT(r, "help", "markdown")));
        assert_non_null(json_string_value(AT(r, "defaultConfiguration", "level")));
        assert_string_equal(json_string_value(AT(r, "properties", "precision")), "high");
    }
    assert_string_equal(json_string_value(AT(run, "originalUriBaseIds", "%SRCROOT%", "uri")),
                        "file:///repo/");
    assert_string_equal(json_string_value(AT(run, "columnKind")), "utf16CodeUnits");
    json_t *r0 = AT(run, "results", "0");
    size_t idx = (size_t)json_integer_value(AT(r0, "ruleIndex"));
    assert_string_equal(json_string_value(AT(rules, "0", "id")), cl_rules[0]->id);
    assert_int_equal(idx, 0);
    json_t *pl = AT(r0, "locations", "0", "physicalLocation");
    assert_string_equal(json_string_value(AT(pl, "artifactLocation", "uri")), "dir/my%20file.c");
    assert_string_equal(json_string_value(AT(pl, "artifactLocation", "uriBaseId")), "%SRCROOT%");
    /* "  é = f(NULL);": byte column 10 (N) is UTF-16 column 9. */
    assert_int_equal(json_integer_value(AT(pl, "region", "startLine")), 2);
    assert_int_equal(json_integer_value(AT(pl, "region", "startColumn")), 9);
    assert_int_equal(json_integer_value(AT(pl, "region", "endColumn")), 13);
    assert_string_equal(json_string_value(AT(r0, "relatedLocations", "0", "message", "text")),
                        "from here");
    size_t n;
    char **hashes = cl_line_hashes(text, strlen(text), &n);
    assert_string_equal(json_string_value(AT(r0, "partialFingerprints", "primaryLocationLineHash")),
                        hashes[1]);
    cl_line_hashes_free(hashes, n);
    json_t *rep = AT(r0, "fixes", "0", "artifactChanges", "0", "replacements", "0");
    assert_int_equal(json_integer_value(AT(rep, "deletedRegion", "byteOffset")), 17);
    assert_int_equal(json_integer_value(AT(rep, "deletedRegion", "byteLength")), 4);
    assert_string_equal(json_string_value(AT(rep, "insertedContent", "text")), "ctx_todo()");
    json_t *r1 = AT(run, "results", "1");
    assert_string_equal(json_string_value(AT(r1, "ruleId")), "nolint");
    assert_int_equal(json_integer_value(AT(r1, "ruleIndex")), (json_int_t)cl_n_rules);
    assert_string_equal(
        json_string_value(AT(r1, "locations", "0", "physicalLocation", "artifactLocation", "uri")),
        "file:///other/x.c");
    assert_null(AT(r1, "locations", "0", "physicalLocation", "artifactLocation", "uriBaseId"));
    /* An empty range still covers one character. */
    assert_int_equal(
        json_integer_value(AT(r1, "locations", "0", "physicalLocation", "region", "endColumn")), 2);
    json_decref(doc);
    free(out);
    cl_findings_free(&l);
    cl_sources_free(src);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_github_escape),
        cmocka_unit_test(test_github_commands),
        cmocka_unit_test(test_json_round_trip),
        cmocka_unit_test(test_line_hashes_reference),
        cmocka_unit_test(test_line_hashes_identical_windows),
        cmocka_unit_test(test_line_hashes_formula),
        cmocka_unit_test(test_utf16_column),
        cmocka_unit_test(test_sarif_document),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
