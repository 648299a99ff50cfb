/* Unit tests for `--verify` expectations (verify.c): directive forms, relative lines, several
 * directives per comment, regexes, counts, expect-no-diagnostics, expect-known-failure, errors
 * that name the line, and the exact text of mismatch reports. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_text.h"

#include "verify.h"

static cl_expect_file *parse_ok(const char *text)
{
    char *err = (char *)"not set";
    cl_expect_file *ef = cl_expect_parse(text, strlen(text), &err);
    if (!ef)
        fail_msg("unexpected parse error: %s", err);
    assert_null(err);
    return ef;
}

/* Parses text that must be rejected, and checks the error's start. */
static void assert_parse_error(const char *text, const char *want_prefix)
{
    char *err = NULL;
    cl_expect_file *ef = cl_expect_parse(text, strlen(text), &err);
    assert_null(ef);
    assert_non_null(err);
    if (strncmp(err, want_prefix, strlen(want_prefix)) != 0)
        fail_msg("error \"%s\" does not start with \"%s\"", err, want_prefix);
    free(err);
    /* Without an err pointer it must still fail, and not leak. */
    assert_null(cl_expect_parse(text, strlen(text), NULL));
}

static cl_finding mk(const char *rule, unsigned line, unsigned col, const char *msg)
{
    cl_finding f;
    memset(&f, 0, sizeof f);
    f.rule = rule;
    f.message = (char *)msg;
    f.begin.file = (char *)"/src/t.c";
    f.begin.line = line;
    f.begin.col = col;
    return f;
}

/* Runs the check and returns the mismatch count; *report gets what it printed. */
static size_t check(cl_expect_file *ef, const cl_finding *f, size_t n, char **report)
{
    size_t size;
    FILE *out = open_memstream(report, &size);
    assert_non_null(out);
    size_t m = cl_expect_check(ef, "t.c", f, n, out);
    fclose(out);
    return m;
}

static void assert_check(cl_expect_file *ef, const cl_finding *f, size_t n, size_t want,
                         const char *want_report)
{
    char *report;
    size_t m = check(ef, f, n, &report);
    assert_string_equal(report, want_report);
    assert_int_equal(m, want);
    free(report);
}

static void test_plain_expectation(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok("c = f(); // expect: lost-cancel\nx;\n");
    assert_true(cl_expect_has_directives(ef));
    assert_false(cl_expect_known_failure(ef));
    cl_finding f = mk("lost-cancel", 1, 5, "not cancelled");
    assert_check(ef, &f, 1, 0, "");
    assert_check(ef, NULL, 0, 1, "t.c:1: error: expected lost-cancel was not reported\n");
    f.begin.line = 2;
    assert_check(ef, &f, 1, 2,
                 "t.c:1: error: expected lost-cancel was not reported\n"
                 "t.c:2:5: error: unexpected finding: not cancelled [lost-cancel]\n");
    f = mk("nil-context", 1, 5, "NULL context");
    assert_check(ef, &f, 1, 2,
                 "t.c:1:5: error: unexpected finding: NULL context [nil-context]\n"
                 "t.c:1: error: expected lost-cancel was not reported\n");
    cl_expect_free(ef);
}

static void test_regex(void **state)
{
    (void)state;
    cl_expect_file *ef =
        parse_ok("c = f(); // expect: lost-cancel \"not cancelled on (every|all) paths?\"\n");
    cl_finding f = mk("lost-cancel", 1, 1, "ctx 'c' is not cancelled on every path");
    assert_check(ef, &f, 1, 0, "");
    f.message = (char *)"ctx 'c' leaks";
    assert_check(ef, &f, 1, 2,
                 "t.c:1:1: error: unexpected finding: ctx 'c' leaks [lost-cancel]\n"
                 "t.c:1: error: expected lost-cancel \"not cancelled on (every|all) paths?\" was "
                 "not reported\n");
    cl_expect_free(ef);

    /* \" is a quote; other backslash pairs reach the regex as written. */
    ef = parse_ok("// expect: r \"say \\\"hi\\\" to a\\.b\"\n");
    f = mk("r", 1, 1, "say \"hi\" to a.b");
    assert_check(ef, &f, 1, 0, "");
    f.message = (char *)"say \"hi\" to axb";
    assert_check(ef, &f, 1, 2,
                 "t.c:1:1: error: unexpected finding: say \"hi\" to axb [r]\n"
                 "t.c:1: error: expected r \"say \\\"hi\\\" to a\\.b\" was not reported\n");
    cl_expect_free(ef);
}

static void test_relative_lines(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok("// expect@+1: nil-context\n" /* 1 */
                                  "fetch(NULL);\n"              /* 2 */
                                  "// expect@-1: lost-cancel\n" /* 3 */
                                  "x; // expect@+0: a\n");      /* 4 */
    cl_finding f[] = {mk("nil-context", 2, 7, "m"), mk("lost-cancel", 2, 1, "m"),
                      mk("a", 4, 1, "m")};
    assert_check(ef, f, 3, 0, "");
    assert_check(ef, f, 1, 2,
                 "t.c:2: error: expected lost-cancel was not reported\n"
                 "t.c:4: error: expected a was not reported\n");
    cl_expect_free(ef);
}

static void test_several_per_comment(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok("f(); // expect: a \"x\"  expect: b\n"
                                  "/* expect: c\n"
                                  " * expect: d \"y\" */\n"
                                  "g(); // NOLINT(q) expect@-1: e\n");
    cl_finding f[] = {mk("b", 1, 1, "anything"), mk("a", 1, 2, "has x"), mk("c", 2, 1, "m"),
                      mk("d", 3, 1, "y"), mk("e", 3, 2, "m")};
    assert_check(ef, f, 5, 0, "");
    cl_expect_free(ef);
}

static void test_counts(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok("f(); // expect: a expect: a\n");
    cl_finding f[] = {mk("a", 1, 1, "one"), mk("a", 1, 9, "two"), mk("a", 1, 20, "three")};
    assert_check(ef, f, 2, 0, "");
    assert_check(ef, f, 1, 1, "t.c:1: error: expected a was not reported\n");
    assert_check(ef, f, 3, 1, "t.c:1:20: error: unexpected finding: three [a]\n");
    cl_expect_free(ef);
}

static void test_matching_is_not_greedy(void **state)
{
    (void)state;
    /* The first finding fits both expectations; taking the general one would leave the second
     * finding with nothing. */
    cl_expect_file *ef = parse_ok("f(); // expect: a  expect: a \"foo\"\n");
    cl_finding f[] = {mk("a", 1, 1, "foo bar"), mk("a", 1, 2, "zzz")};
    assert_check(ef, f, 2, 0, "");
    cl_finding g[] = {mk("a", 1, 1, "zzz"), mk("a", 1, 2, "yyy")};
    assert_check(ef, g, 2, 2,
                 "t.c:1:2: error: unexpected finding: yyy [a]\n"
                 "t.c:1: error: expected a \"foo\" was not reported\n");
    cl_expect_free(ef);
}

static void test_no_diagnostics(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok("// expect-no-diagnostics\nint x;\n");
    assert_true(cl_expect_has_directives(ef));
    assert_check(ef, NULL, 0, 0, "");
    cl_finding f[] = {mk("a", 2, 5, "m1"), mk("b", 1, 1, "m2")};
    assert_check(ef, f, 2, 2,
                 "t.c:1:1: error: unexpected finding: m2 [b]\n"
                 "t.c:2:5: error: unexpected finding: m1 [a]\n");
    cl_expect_free(ef);

    assert_parse_error("// expect-no-diagnostics\nx; // expect: a\n",
                       "line 1: expect-no-diagnostics in a file that has expectations");
    assert_parse_error("x; // expect: a\n// expect-no-diagnostics\n",
                       "line 2: expect-no-diagnostics in a file that has expectations");
}

static void test_known_failure(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok(
        "// expect-known-failure: no flow analysis through loops yet  \nx; // expect: a\n");
    assert_true(cl_expect_known_failure(ef));
    assert_string_equal(cl_expect_known_failure_reason(ef), "no flow analysis through loops yet");
    /* The check itself is unchanged: the caller reports a known failure as such. */
    assert_check(ef, NULL, 0, 1, "t.c:2: error: expected a was not reported\n");
    cl_expect_free(ef);

    ef = parse_ok("x; // expect: a\n");
    assert_false(cl_expect_known_failure(ef));
    assert_null(cl_expect_known_failure_reason(ef));
    cl_expect_free(ef);

    assert_parse_error("// expect-known-failure:\n",
                       "line 1: expect-known-failure: missing reason");
    assert_parse_error("\n// expect-known-failure why\n",
                       "line 2: expect-known-failure: missing ':'");
}

static void test_not_directives(void **state)
{
    (void)state;
    /* Prose, other words, and text that is not a comment. */
    cl_expect_file *ef = parse_ok("// we expect this to work\n"
                                  "// the expected value; unexpected: yes\n"
                                  "s = \"// expect: a\";\n"
                                  "/* expectations */\n"
                                  "int expect_x;\n");
    assert_false(cl_expect_has_directives(ef));
    assert_check(ef, NULL, 0, 0, "");
    cl_finding f = mk("a", 3, 1, "m");
    assert_check(ef, &f, 1, 1, "t.c:3:1: error: unexpected finding: m [a]\n");
    cl_expect_free(ef);

    ef = parse_ok("");
    assert_false(cl_expect_has_directives(ef));
    cl_expect_free(ef);
}

static void test_malformed(void **state)
{
    (void)state;
    assert_parse_error("\n\nf(); // expect: a \"(\"\n", "line 3: bad regex \"(\"");
    assert_parse_error("// expect:\n", "line 1: expect: missing rule name");
    assert_parse_error("x;\n// expect: \"re\"\n", "line 2: expect: missing rule name");
    assert_parse_error("// expect@-1: a\n", "line 1: expect@-1 points before line 1");
    assert_parse_error("x;\n// expect@-5: a\n", "line 2: expect@-5 points before line 1");
    assert_parse_error("// expect@+2: a\nx;\n", "line 1: expect@+2 points to line 3, past the end");
    assert_parse_error("// expect@1: a\nx;\n", "line 1: expect@ needs a line offset");
    assert_parse_error("// expect@+: a\nx;\n", "line 1: expect@ needs a line offset");
    assert_parse_error("// expect@+99999999999: a\nx;\n", "line 1: expect@ needs a line offset");
    assert_parse_error("// expect@+1 a\nx;\n", "line 1: expect@+1: missing ':'");
    assert_parse_error("// expect: Lost_cancel\n", "line 1: bad rule name 'Lost_cancel'");
    assert_parse_error("// expect: lost-cancel, nil\n", "line 1: unexpected ',' after the rule");
    assert_parse_error("// expect: a \"unterminated\n", "line 1: unterminated regex for 'a'");
    assert_parse_error("// expect: a \"\"\n", "line 1: empty regex for 'a'");
    assert_parse_error("// expect: a no quotes\n",
                       "line 1: unexpected text after the directive: 'no quotes'");
    assert_parse_error("x;\n/* ok\n expect-warning: a */\n", "line 3: unknown directive "
                                                             "'expect-warning'");
    /* Regexes whose compilation would copy subexpressions exponentially (found by fuzzing). */
    assert_parse_error("// expect: a \"NULL +++++ passed\"\n",
                       "line 1: regex \"NULL +++++ passed\" repeats a repetition");
    assert_parse_error("// expect: a \"((x{99}){99}){99}\"\n",
                       "line 1: regex \"((x{99}){99}){99}\" repeats too much");
    assert_parse_error(
        "// expect: a \"(((((((((((((x+)+)+)+)+)+)+)+)+)+)+)+)+)\"\n",
        "line 1: regex \"(((((((((((((x+)+)+)+)+)+)+)+)+)+)+)+)+)\" repeats too much");
    /* What messages need stays accepted: a few quantifiers, escaped ones, small bounds. */
    cl_expect_file *ok = parse_ok("// expect: a \"cancel.* at line [0-9]+ \\+ x{2,3} y?\"\n");
    cl_expect_free(ok);
    /* The first error is reported, even when a later one exists. */
    assert_parse_error("// expect: A\n// expect: \"\"\n", "line 1: bad rule name 'A'");
}

static void test_crlf_and_nul(void **state)
{
    (void)state;
    cl_expect_file *ef = parse_ok("x;\r\ny; // expect: a \"m\"\r\n// expect@-1: b\r\n");
    cl_finding f[] = {mk("a", 2, 1, "m"), mk("b", 2, 1, "m")};
    assert_check(ef, f, 2, 0, "");
    cl_expect_free(ef);

    static const char src[] = "a\0b;\n// x\0 expect: a\n";
    char *err = NULL;
    ef = cl_expect_parse(src, sizeof src - 1, &err);
    assert_non_null(ef);
    cl_finding g = mk("a", 2, 1, "m");
    assert_check(ef, &g, 1, 0, "");
    cl_expect_free(ef);
}

static void test_arbitrary_bytes(void **state)
{
    (void)state;
    static const char *const pieces[] = {"//",
                                         "/*",
                                         "*/",
                                         " ",
                                         "\n",
                                         "\r\n",
                                         "\"",
                                         "\\",
                                         "\\\"",
                                         "expect",
                                         ":",
                                         "@",
                                         "+",
                                         "-",
                                         "1",
                                         "9",
                                         "a",
                                         "rule-x",
                                         "expect: a",
                                         "expect@+1: b",
                                         "expect-no-diagnostics",
                                         "expect-known-failure: x",
                                         "(",
                                         "[",
                                         "*",
                                         "\xff",
                                         "\0"};
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    char buf[800];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len = fuzz_text(buf, sizeof buf, fuzz_rand() % 400, pieces, n_pieces);
        char *text = malloc(len ? len : 1);
        memcpy(text, buf, len);
        char *err = NULL;
        cl_expect_file *ef = cl_expect_parse(text, len, &err);
        if (ef) {
            assert_null(err);
            cl_finding f[] = {mk("a", 1, 1, "m"), mk("b", 2, 3, "n")};
            FILE *devnull = fopen("/dev/null", "w");
            size_t m = cl_expect_check(ef, "t.c", f, 2, devnull);
            fclose(devnull);
            assert_true(m <= 2 + 400);
            cl_expect_free(ef);
        } else {
            assert_non_null(err);
            assert_int_equal(strncmp(err, "line ", 5), 0);
            free(err);
        }
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_plain_expectation),
        cmocka_unit_test(test_regex),
        cmocka_unit_test(test_relative_lines),
        cmocka_unit_test(test_several_per_comment),
        cmocka_unit_test(test_counts),
        cmocka_unit_test(test_matching_is_not_greedy),
        cmocka_unit_test(test_no_diagnostics),
        cmocka_unit_test(test_known_failure),
        cmocka_unit_test(test_not_directives),
        cmocka_unit_test(test_malformed),
        cmocka_unit_test(test_crlf_and_nul),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
