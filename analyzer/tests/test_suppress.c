/* Unit tests for NOLINT suppressions (suppress.c) and the comment lexer under them
 * (comments.c): every directive form, clang-tidy's corner cases, literals that hide comment
 * markers, line endings, and arbitrary bytes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "fuzz_text.h"

#include "comments.h"
#include "suppress.h"

static cl_suppressions *parse(const char *text)
{
    return cl_suppress_parse(text, strlen(text));
}

/* The problems as "line:col: message" lines, for comparing in one assertion. */
static char *problems_text(const cl_suppressions *s, bool unused)
{
    cl_suppress_problem *p;
    size_t n = cl_suppress_problems(s, unused, &p);
    size_t cap = 1;
    for (size_t i = 0; i < n; i++)
        cap += strlen(p[i].message) + 32;
    char *out = malloc(cap);
    size_t o = 0;
    out[0] = '\0';
    for (size_t i = 0; i < n; i++) {
        o += (size_t)snprintf(out + o, cap - o, "%u:%u: %s\n", p[i].line, p[i].col, p[i].message);
        free(p[i].message);
    }
    free(p);
    return out;
}

static void assert_problems(const cl_suppressions *s, bool unused, const char *want)
{
    char *got = problems_text(s, unused);
    assert_string_equal(got, want);
    free(got);
}

static void test_glob(void **state)
{
    (void)state;
    assert_true(cl_glob_match("*", ""));
    assert_true(cl_glob_match("*", "lost-cancel"));
    assert_true(cl_glob_match("lost-*", "lost-cancel"));
    assert_false(cl_glob_match("lost-*", "lost"));
    assert_true(cl_glob_match("*-cancel", "lost-cancel"));
    assert_true(cl_glob_match("l*t-c*l", "lost-cancel"));
    assert_true(cl_glob_match("*ab", "aab")); /* needs backtracking */
    assert_true(cl_glob_match("a**b", "ab"));
    assert_true(cl_glob_match("", ""));
    assert_false(cl_glob_match("", "a"));
    assert_false(cl_glob_match("abc", "ab"));
    assert_false(cl_glob_match("ab", "abc"));
    assert_false(cl_glob_match("Lost-cancel", "lost-cancel")); /* case matters */
    assert_false(cl_glob_match("a?c", "abc"));                 /* only * is special */
    assert_true(cl_glob_match("a.c", "a.c"));
    assert_false(cl_glob_match("a.c", "abc"));
}

static void test_bare_nolint(void **state)
{
    (void)state;
    cl_suppressions *s = parse("f(); // NOLINT\ng();\n");
    assert_true(cl_suppress_match(s, "lost-cancel", 1));
    assert_true(cl_suppress_match(s, "anything", 1));
    assert_false(cl_suppress_match(s, "lost-cancel", 2));
    assert_false(cl_suppress_match(s, "lost-cancel", 0));
    assert_problems(s, true, "");
    cl_suppress_free(s);

    /* Free text after the word, and clang-tidy's rule that a space before "(" makes it bare. */
    s = parse("f(); // NOLINT: false positive\ng(); // NOLINT (nil-context)\n");
    assert_true(cl_suppress_match(s, "lost-cancel", 1));
    assert_true(cl_suppress_match(s, "lost-cancel", 2));
    cl_suppress_free(s);
}

static void test_check_list(void **state)
{
    (void)state;
    cl_suppressions *s = parse("f(); // NOLINT(lost-cancel, nil-*)\n");
    assert_true(cl_suppress_match(s, "lost-cancel", 1));
    assert_true(cl_suppress_match(s, "nil-context", 1));
    assert_false(cl_suppress_match(s, "nil", 1));
    assert_false(cl_suppress_match(s, "lost-cancel-2", 1));
    assert_false(cl_suppress_match(s, "ctx-leak", 1));
    cl_suppress_free(s);

    /* Whitespace around items is ignored, inside an item it is not. */
    s = parse("f(); // NOLINT(  a ,\tb  )\n");
    assert_true(cl_suppress_match(s, "a", 1));
    assert_true(cl_suppress_match(s, "b", 1));
    cl_suppress_free(s);
}

static void test_empty_and_negative_lists(void **state)
{
    (void)state;
    /* clang-tidy: NOLINT() is a list with one empty glob, which matches no check. */
    cl_suppressions *s = parse("f(); // NOLINT()\n");
    assert_false(cl_suppress_match(s, "lost-cancel", 1));
    assert_problems(s, true, "1:9: NOLINT() suppresses nothing\n");
    cl_suppress_free(s);

    /* Negative globs are dropped: "-a" alone suppresses nothing, "*,-a" suppresses a. */
    s = parse("f(); // NOLINT(-a)\ng(); // NOLINT(*,-a)\n");
    assert_false(cl_suppress_match(s, "a", 1));
    assert_false(cl_suppress_match(s, "b", 1));
    assert_true(cl_suppress_match(s, "a", 2));
    cl_suppress_free(s);
}

static void test_unrecognized_words(void **state)
{
    (void)state;
    /* Letters after NOLINT make another word, which is no directive; other characters end it. */
    cl_suppressions *s = parse("f(); // NOLINTFOO\ng(); // NOLINTnextline\nh(); // NOLINT_x\n");
    assert_false(cl_suppress_match(s, "a", 1));
    assert_false(cl_suppress_match(s, "a", 2));
    assert_true(cl_suppress_match(s, "a", 3)); /* "NOLINT" then "_x": a bare NOLINT */
    cl_suppress_free(s);

    /* No word boundary is needed before it (clang-tidy searches the text). */
    s = parse("f(); //xNOLINT(a)\n");
    assert_true(cl_suppress_match(s, "a", 1));
    cl_suppress_free(s);
}

static void test_unclosed_list_is_bare(void **state)
{
    (void)state;
    /* The list must close on its line; otherwise the directive covers every check. */
    cl_suppressions *s = parse("f(); /* NOLINT(a\n b) */\n");
    assert_true(cl_suppress_match(s, "zzz", 1));
    cl_suppress_free(s);
    s = parse("f(); // NOLINT(a, b");
    assert_true(cl_suppress_match(s, "zzz", 1));
    cl_suppress_free(s);
}

static void test_nextline(void **state)
{
    (void)state;
    cl_suppressions *s = parse("// NOLINTNEXTLINE(a)\nf();\ng();\n");
    assert_false(cl_suppress_match(s, "a", 1));
    assert_false(cl_suppress_match(s, "b", 2));
    assert_true(cl_suppress_match(s, "a", 2));
    assert_false(cl_suppress_match(s, "a", 3));
    cl_suppress_free(s);
}

static void test_nextline_at_end_of_file(void **state)
{
    (void)state;
    cl_suppressions *s = parse("f();\n// NOLINTNEXTLINE");
    assert_false(cl_suppress_match(s, "a", 2));
    assert_problems(s, true, "2:4: NOLINTNEXTLINE suppresses nothing\n");
    assert_problems(s, false, "");
    cl_suppress_free(s);
}

static void test_string_literals_hide_directives(void **state)
{
    (void)state;
    const char *src = "s = \"// NOLINT\";\n"             /* 1: in a string */
                      "s = \"a\\\" // NOLINT\";\n"       /* 2: after an escaped quote */
                      "c = '\"'; // NOLINT(a)\n"         /* 3: a quote char, then a comment */
                      "s = R\"x(// NOLINT )\" )x\";\n"   /* 4: a raw string with a fake end */
                      "s = R\"(\n// NOLINT\n)\";\n"      /* 5-7: a raw string across lines */
                      "n = 1'000; // NOLINT(b)\n"        /* 8: a digit separator */
                      "c = L'x'; // NOLINT(c)\n"         /* 9: a prefixed character */
                      "s = \"abc\\\n// NOLINT\";\n"      /* 10-11: a spliced string */
                      "s = u8R\"(/*)\"; // NOLINT(d)\n"; /* 12 */
    cl_suppressions *s = parse(src);
    assert_false(cl_suppress_match(s, "a", 1));
    assert_false(cl_suppress_match(s, "a", 2));
    assert_true(cl_suppress_match(s, "a", 3));
    assert_false(cl_suppress_match(s, "a", 4));
    assert_false(cl_suppress_match(s, "a", 6));
    assert_true(cl_suppress_match(s, "b", 8));
    assert_true(cl_suppress_match(s, "c", 9));
    assert_false(cl_suppress_match(s, "a", 11));
    assert_true(cl_suppress_match(s, "d", 12));
    cl_suppress_free(s);
}

static void test_block_comments(void **state)
{
    (void)state;
    cl_suppressions *s = parse("/* NOLINT(a) */ f();\n"
                               "/*\n"
                               " * NOLINT(b)\n"
                               " */\n"
                               "g(); /* NOLINTNEXTLINE(c) */\n"
                               "h();\n");
    assert_true(cl_suppress_match(s, "a", 1));
    /* Inside a multi-line comment the directive covers the line it is written on. */
    assert_false(cl_suppress_match(s, "b", 2));
    assert_true(cl_suppress_match(s, "b", 3));
    assert_false(cl_suppress_match(s, "b", 4));
    assert_true(cl_suppress_match(s, "c", 6));
    assert_problems(s, true, "");
    cl_suppress_free(s);
}

static void test_line_continuation(void **state)
{
    (void)state;
    /* A spliced line comment goes on; its NOLINT covers the physical line it is on. */
    cl_suppressions *s = parse("f(); // see \\\nNOLINT(a) still a comment\ng(); // NOLINT(b)\n");
    assert_false(cl_suppress_match(s, "a", 1));
    assert_true(cl_suppress_match(s, "a", 2));
    assert_true(cl_suppress_match(s, "b", 3));
    cl_suppress_free(s);
}

static void test_unterminated(void **state)
{
    (void)state;
    cl_suppressions *s = parse("f(); /* NOLINT(a)\n g(); NOLINT(b)");
    assert_true(cl_suppress_match(s, "a", 1));
    assert_true(cl_suppress_match(s, "b", 2));
    cl_suppress_free(s);
    /* An unterminated string ends at its line; the next line is read again. */
    s = parse("s = \"abc // NOLINT(a)\nf(); // NOLINT(b)\n");
    assert_false(cl_suppress_match(s, "a", 1));
    assert_true(cl_suppress_match(s, "b", 2));
    cl_suppress_free(s);
}

static void test_begin_end(void **state)
{
    (void)state;
    cl_suppressions *s = parse("// NOLINTBEGIN(a)\n"  /* 1 */
                               "x;\n"                 /* 2 */
                               "// NOLINTBEGIN(b)\n"  /* 3 */
                               "y;\n"                 /* 4 */
                               "// NOLINTEND(b)\n"    /* 5 */
                               "z;\n"                 /* 6 */
                               "   // NOLINTEND(a)\n" /* 7 */
                               "w;\n");               /* 8 */
    assert_false(cl_suppress_match(s, "a", 1));
    assert_true(cl_suppress_match(s, "a", 2));
    assert_false(cl_suppress_match(s, "b", 2));
    assert_true(cl_suppress_match(s, "a", 4));
    assert_true(cl_suppress_match(s, "b", 4));
    assert_true(cl_suppress_match(s, "b", 5));
    assert_false(cl_suppress_match(s, "b", 6));
    assert_true(cl_suppress_match(s, "a", 6));
    assert_true(cl_suppress_match(s, "a", 7));
    assert_false(cl_suppress_match(s, "a", 8));
    /* With a column the block is exact: strictly between the two directives. */
    assert_true(cl_suppress_match_at(s, "a", 1, 50));
    assert_false(cl_suppress_match_at(s, "a", 1, 1));
    assert_true(cl_suppress_match_at(s, "a", 7, 2));
    assert_false(
        cl_suppress_match_at(s, "a", 7, 7)); /* the first letter of the closing directive */
    assert_problems(s, true, "");
    cl_suppress_free(s);
}

static void test_begin_end_normalized_and_bare(void **state)
{
    (void)state;
    cl_suppressions *s = parse("// NOLINTBEGIN( a , b )\n"
                               "x;\n"
                               "// NOLINTEND(a,b)\n"
                               "/* NOLINTBEGIN */\n"
                               "y;\n"
                               "/* NOLINTEND */\n");
    assert_true(cl_suppress_match(s, "b", 2));
    assert_true(cl_suppress_match(s, "anything", 5));
    assert_false(cl_suppress_match(s, "anything", 2));
    assert_problems(s, true, "");
    cl_suppress_free(s);
}

static void test_begin_end_mismatches(void **state)
{
    (void)state;
    cl_suppressions *s = parse("// NOLINTEND(a)\n");
    assert_problems(s, false, "1:4: NOLINTEND(a) has no matching NOLINTBEGIN\n");
    cl_suppress_free(s);

    s = parse("x;\n  // NOLINTBEGIN\ny;\n");
    assert_problems(s, false, "2:6: NOLINTBEGIN has no matching NOLINTEND\n");
    assert_false(cl_suppress_match(s, "a", 3)); /* an open block suppresses nothing */
    cl_suppress_free(s);

    /* A bare END does not close a BEGIN with a list, even "*". */
    s = parse("// NOLINTBEGIN(a)\nx;\n// NOLINTEND(b)\ny;\n// NOLINTBEGIN(*)\n// NOLINTEND\n");
    assert_problems(s, false,
                    "1:4: NOLINTBEGIN(a) has no matching NOLINTEND\n"
                    "3:4: NOLINTEND(b) has no matching NOLINTBEGIN: the innermost open block is "
                    "NOLINTBEGIN(a) on line 1\n"
                    "5:4: NOLINTBEGIN(*) has no matching NOLINTEND\n"
                    "6:4: NOLINTEND has no matching NOLINTBEGIN: the innermost open block is "
                    "NOLINTBEGIN(*) on line 5\n");
    assert_false(cl_suppress_match(s, "a", 2));
    cl_suppress_free(s);

    /* Crossed blocks: END(a) cannot close BEGIN(b), so both a blocks stay unpaired too. */
    s = parse("// NOLINTBEGIN(a)\n// NOLINTBEGIN(b)\n// NOLINTEND(a)\n// NOLINTEND(b)\nx;\n");
    assert_problems(s, false,
                    "1:4: NOLINTBEGIN(a) has no matching NOLINTEND\n"
                    "3:4: NOLINTEND(a) has no matching NOLINTBEGIN: the innermost open block is "
                    "NOLINTBEGIN(b) on line 2\n");
    assert_true(cl_suppress_match(s, "b", 3));
    cl_suppress_free(s);
}

static void test_nested_blocks_lookup(void **state)
{
    (void)state;
    /* Many sibling blocks inside an outer one: the lookup must find the outer block through
     * the parent links of the last sibling that started before the line. */
    char buf[4096];
    size_t o = (size_t)snprintf(buf, sizeof buf, "// NOLINTBEGIN(outer)\n"); /* line 1 */
    for (int i = 0; i < 20; i++)                                             /* 4 lines each */
        o += (size_t)snprintf(buf + o, sizeof buf - o,
                              "// NOLINTBEGIN(in%d)\nx;\n// NOLINTEND(in%d)\ny;\n", i, i);
    snprintf(buf + o, sizeof buf - o, "// NOLINTEND(outer)\nz;\n"); /* lines 82, 83 */
    cl_suppressions *s = parse(buf);
    for (unsigned i = 0; i < 20; i++) {
        char in[16];
        snprintf(in, sizeof in, "in%u", i);
        assert_true(cl_suppress_match(s, in, 2 + 4 * i + 1));
        assert_false(cl_suppress_match(s, in, 2 + 4 * i + 3));
        assert_true(cl_suppress_match(s, "outer", 2 + 4 * i + 3));
    }
    assert_true(cl_suppress_match(s, "outer", 82));
    assert_false(cl_suppress_match(s, "outer", 83));
    assert_problems(s, true, "");
    cl_suppress_free(s);
}

static void test_unused(void **state)
{
    (void)state;
    cl_suppressions *s = parse("f(); // NOLINT(a)\n"       /* 1: used */
                               "g(); // NOLINT(b)\n"       /* 2: unused */
                               "// NOLINTNEXTLINE(c, d)\n" /* 3: unused */
                               "h();\n"                    /* 4 */
                               "// NOLINTBEGIN(e)\n"       /* 5: unused block */
                               "i();\n"                    /* 6 */
                               "// NOLINTEND(e)\n"         /* 7 */
                               "// NOLINTBEGIN(f)\n"       /* 8: used block */
                               "j();\n"                    /* 9 */
                               "// NOLINTEND(f)\n");       /* 10 */
    assert_problems(s, true,
                    "1:9: NOLINT(a) suppresses nothing\n"
                    "2:9: NOLINT(b) suppresses nothing\n"
                    "3:4: NOLINTNEXTLINE(c,d) suppresses nothing\n"
                    "5:4: NOLINTBEGIN(e) suppresses nothing\n"
                    "8:4: NOLINTBEGIN(f) suppresses nothing\n");
    assert_true(cl_suppress_match(s, "a", 1));
    assert_false(cl_suppress_match(s, "a", 2));
    assert_true(cl_suppress_match(s, "f", 9));
    assert_problems(s, true,
                    "2:9: NOLINT(b) suppresses nothing\n"
                    "3:4: NOLINTNEXTLINE(c,d) suppresses nothing\n"
                    "5:4: NOLINTBEGIN(e) suppresses nothing\n");
    assert_problems(s, false, "");
    cl_suppress_free(s);

    /* Overlapping suppressions are all used, so neither is reported as redundant. */
    s = parse("// NOLINTNEXTLINE(a)\nf(); // NOLINT(a)\n");
    assert_true(cl_suppress_match(s, "a", 2));
    assert_problems(s, true, "");
    cl_suppress_free(s);
}

static void test_crlf(void **state)
{
    (void)state;
    cl_suppressions *s = parse("a;\r\nb; // NOLINT(x)\r\n// NOLINTNEXTLINE(y)\r\nc;\r\n"
                               "// NOLINTBEGIN(z)\r\nd;\r\n// NOLINTEND(z)\r\n");
    assert_false(cl_suppress_match(s, "x", 1));
    assert_true(cl_suppress_match(s, "x", 2));
    assert_true(cl_suppress_match(s, "y", 4));
    assert_true(cl_suppress_match(s, "z", 6));
    assert_problems(s, true, "");
    cl_suppress_free(s);

    /* A lone CR ends a line too, as in clang. */
    s = parse("a;\rb; // NOLINT(x)\rc;");
    assert_true(cl_suppress_match(s, "x", 2));
    assert_false(cl_suppress_match(s, "x", 3));
    cl_suppress_free(s);
}

static void test_embedded_nul(void **state)
{
    (void)state;
    static const char src[] = "a\0b; // x\0 NOLINT(a)\n\0\n// NOLINTNEXTLINE(b)\nc;";
    cl_suppressions *s = cl_suppress_parse(src, sizeof src - 1);
    assert_true(cl_suppress_match(s, "a", 1));
    assert_true(cl_suppress_match(s, "b", 4));
    cl_suppress_free(s);
    /* Empty and NULL text. */
    s = cl_suppress_parse(NULL, 0);
    assert_false(cl_suppress_match(s, "a", 1));
    cl_suppress_free(s);
    s = cl_suppress_parse("", 0);
    assert_problems(s, true, "");
    cl_suppress_free(s);
}

typedef struct collected {
    unsigned line[16], col[16];
    char text[16][64];
    size_t n;
} collected;

static void collect(const cl_comment *c, void *arg)
{
    collected *k = arg;
    if (k->n < 16) {
        k->line[k->n] = c->line;
        k->col[k->n] = c->col;
        snprintf(k->text[k->n], sizeof k->text[0], "%.*s", (int)c->len, c->text);
        k->n++;
    }
}

static void test_comment_lexer(void **state)
{
    (void)state;
    collected k = {0};
    const char *src = "int a; /* one */ // two\n"
                      "/\\\n/ three\n" /* a comment opened across a splice */
                      "x /*/ four */ y\n"
                      "'/*' \"*/\" 1'2 // five\n"
                      "a/ /b /**/";
    cl_comments_each(src, strlen(src), collect, &k);
    assert_int_equal(k.n, 6);
    assert_string_equal(k.text[0], "/* one */");
    assert_int_equal(k.line[0], 1);
    assert_int_equal(k.col[0], 8);
    assert_string_equal(k.text[1], "// two");
    assert_int_equal(k.col[1], 18);
    assert_string_equal(k.text[2], "/\\\n/ three");
    assert_int_equal(k.line[2], 2);
    assert_string_equal(k.text[3], "/*/ four */");
    assert_int_equal(k.line[3], 4);
    assert_int_equal(k.col[3], 3);
    assert_string_equal(k.text[4], "// five");
    assert_int_equal(k.line[4], 5);
    assert_string_equal(k.text[5], "/**/");
    assert_int_equal(k.line[5], 6);
    assert_int_equal(k.col[5], 7);

    assert_int_equal(cl_text_line_count("", 0), 0);
    assert_int_equal(cl_text_line_count("a", 1), 1);
    assert_int_equal(cl_text_line_count("a\n", 2), 1);
    assert_int_equal(cl_text_line_count("a\r\nb", 4), 2);
    assert_int_equal(cl_text_line_count("\n\n", 2), 2);
}

static void count_comments(const cl_comment *c, void *arg)
{
    size_t *n = arg;
    assert_true(c->line >= 1);
    assert_true(c->col >= 1);
    assert_true(c->len >= 2);
    (*n)++;
}

static void test_arbitrary_bytes(void **state)
{
    (void)state;
    /* Tokens that steer the lexer, mixed with NULs, high bytes and plain noise. */
    static const char *const pieces[] = {
        "/",           "*",         "//",  "/*",    "*/",   "\"", "'",  "\\",     "\n",
        "\r",          "\r\n",      "R\"", "R\"x(", ")x\"", "(",  ")",  "NOLINT", "NOLINTNEXTLINE",
        "NOLINTBEGIN", "NOLINTEND", "(a)", "(*)",   ",",    " ",  "1'", "u8",     "\xff",
        "\xc3",        "\0",        "a",   "-"};
    const size_t n_pieces = sizeof pieces / sizeof pieces[0];
    char buf[1024];
    for (int iter = 0; iter < 3000; iter++) {
        size_t len, want = fuzz_rand() % 600;
        if (iter % 5 == 0) { /* every fifth text is plain noise */
            for (len = 0; len < want; len++)
                buf[len] = (char)(fuzz_rand() & 0xff);
        } else {
            len = fuzz_text(buf, sizeof buf, want, pieces, n_pieces);
        }
        /* Copy to an exact-size allocation so ASan catches any read past len. */
        char *text = malloc(len ? len : 1);
        memcpy(text, buf, len);
        unsigned lines = cl_text_line_count(text, len);
        size_t n_comments = 0;
        cl_comments_each(text, len, count_comments, &n_comments);
        assert_true(n_comments <= len / 2);

        cl_suppressions *s = cl_suppress_parse(text, len);
        for (unsigned l = 0; l <= lines + 2; l++) {
            cl_suppress_match(s, "a", l);
            cl_suppress_match_at(s, "b-c", l, fuzz_rand() % 40);
        }
        cl_suppress_problem *p;
        size_t n = cl_suppress_problems(s, true, &p);
        for (size_t i = 0; i < n; i++) {
            assert_true(p[i].line >= 1 && p[i].line <= lines + 1);
            assert_true(p[i].col >= 1 && p[i].col <= len);
            assert_non_null(strstr(p[i].message, "NOLINT"));
            free(p[i].message);
        }
        free(p);
        cl_suppress_free(s);
        free(text);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_glob),
        cmocka_unit_test(test_bare_nolint),
        cmocka_unit_test(test_check_list),
        cmocka_unit_test(test_empty_and_negative_lists),
        cmocka_unit_test(test_unrecognized_words),
        cmocka_unit_test(test_unclosed_list_is_bare),
        cmocka_unit_test(test_nextline),
        cmocka_unit_test(test_nextline_at_end_of_file),
        cmocka_unit_test(test_string_literals_hide_directives),
        cmocka_unit_test(test_block_comments),
        cmocka_unit_test(test_line_continuation),
        cmocka_unit_test(test_unterminated),
        cmocka_unit_test(test_begin_end),
        cmocka_unit_test(test_begin_end_normalized_and_bare),
        cmocka_unit_test(test_begin_end_mismatches),
        cmocka_unit_test(test_nested_blocks_lookup),
        cmocka_unit_test(test_unused),
        cmocka_unit_test(test_crlf),
        cmocka_unit_test(test_embedded_nul),
        cmocka_unit_test(test_comment_lexer),
        cmocka_unit_test(test_arbitrary_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
