/* Unit tests for the language server's pieces that need no libclang: UTF-16 columns, file: URIs,
 * Content-Length framing (good, split, malformed and oversized frames) and the code actions
 * built from a finding (fix-it edits and the three ways a suppression is written). The whole
 * server is tested through its protocol by tests/lsp/lsp_session.py. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "lsp_diag.h"
#include "lsp_docs.h"
#include "lsp_transport.h"
#include "xalloc.h"

static void test_utf16_columns(void **state)
{
    (void)state;
    const char *ascii = "int x;";
    assert_int_equal(cl_lsp_utf16_column(ascii, 6, 1), 0);
    assert_int_equal(cl_lsp_utf16_column(ascii, 6, 5), 4);
    assert_int_equal(cl_lsp_utf16_column(ascii, 6, 9), 8); /* past the end: one per byte */
    /* "é𝄞x": é is 2 bytes and 1 unit, 𝄞 4 bytes and a surrogate pair. */
    const char *wide = "\xc3\xa9\xf0\x9d\x84\x9ex";
    assert_int_equal(cl_lsp_utf16_column(wide, 7, 3), 1);
    assert_int_equal(cl_lsp_utf16_column(wide, 7, 7), 3);
    assert_int_equal(cl_lsp_utf16_column(wide, 7, 8), 4);
    /* Invalid UTF-8 counts one unit a byte; a truncated sequence too. */
    assert_int_equal(cl_lsp_utf16_column("\xff\xfe"
                                         "a",
                                         3, 3),
                     2);
    assert_int_equal(cl_lsp_utf16_column("\xe2\x82", 2, 3), 2);
    assert_int_equal(cl_lsp_utf16_column(ascii, 6, 0), 0);
}

static void test_uris(void **state)
{
    (void)state;
    char *uri = cl_lsp_path_to_uri("/tmp/a dir/caf\xc3\xa9%.c");
    assert_string_equal(uri, "file:///tmp/a%20dir/caf%C3%A9%25.c");
    char *path = cl_lsp_uri_to_path(uri);
    assert_string_equal(path, "/tmp/a dir/caf\xc3\xa9%.c");
    free(uri);
    free(path);
    path = cl_lsp_uri_to_path("file://localhost/x/y.c");
    assert_string_equal(path, "/x/y.c");
    free(path);
    path = cl_lsp_uri_to_path("file:///C%3a/x.c");
    assert_string_equal(path, "/C:/x.c");
    free(path);
    assert_null(cl_lsp_uri_to_path("untitled:Untitled-1"));
    assert_null(cl_lsp_uri_to_path("file:///a%00b.c"));
    assert_null(cl_lsp_uri_to_path("file://host-only"));
}

/* Frames written to a pipe, read back one by one. */
static cl_lsp_io *io_over(const char *bytes, size_t n, int fds[2])
{
    assert_int_equal(pipe(fds), 0);
    assert_int_equal(write(fds[1], bytes, n), (ssize_t)n);
    close(fds[1]);
    return cl_lsp_io_new(fds[0], -1);
}

static void test_framing(void **state)
{
    (void)state;
    static const char input[] = "Content-Length: 2\r\n\r\n{}"
                                "content-length:3\r\nContent-Type: x\r\n\r\n[1]"
                                "Content-Length: x2\r\n\r\n"
                                "X-Other: 1\r\n\r\n"
                                "Content-Length: 999999999999\r\n\r\n"
                                "Content-Length: 1\r\n\r\n7";
    int fds[2];
    cl_lsp_io *io = io_over(input, sizeof input - 1, fds);
    char *body = NULL;
    size_t len = 0;
    const char *err = NULL;
    assert_true(cl_lsp_input_ready(io));
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_MESSAGE);
    assert_string_equal(body, "{}");
    free(body);
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_MESSAGE);
    assert_string_equal(body, "[1]");
    assert_int_equal(len, 3);
    free(body);
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_BAD_FRAME);
    assert_non_null(strstr(err, "Content-Length"));
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_BAD_FRAME);
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_BAD_FRAME);
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_MESSAGE);
    assert_string_equal(body, "7");
    free(body);
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_EOF);
    cl_lsp_io_free(io);
    close(fds[0]);
}

/* A body that arrives in pieces is read whole; a truncated one is the end of input. */
static void test_framing_split_and_truncated(void **state)
{
    (void)state;
    int fds[2];
    assert_int_equal(pipe(fds), 0);
    cl_lsp_io *io = cl_lsp_io_new(fds[0], -1);
    assert_false(cl_lsp_input_ready(io));
    assert_int_equal(write(fds[1], "Content-Len", 11), 11);
    assert_int_equal(write(fds[1], "gth: 4\r\n\r\nab", 12), 12);
    assert_int_equal(write(fds[1], "cd", 2), 2);
    assert_int_equal(write(fds[1], "Content-Length: 9\r\n\r\nabc", 24), 24);
    close(fds[1]);
    char *body = NULL;
    size_t len = 0;
    const char *err = NULL;
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_MESSAGE);
    assert_string_equal(body, "abcd");
    free(body);
    assert_int_equal(cl_lsp_read(io, &body, &len, &err), CL_LSP_EOF);
    cl_lsp_io_free(io);
    close(fds[0]);
}

/* A document with one shown finding of `rule` over [col, end_col) of line 1 and an optional
 * fix-it replacing that range. */
static cl_lsp_doc *doc_with_finding(const char *text, unsigned col, unsigned end_col,
                                    const char *fix)
{
    cl_lsp_doc *doc = cl_xcalloc(1, sizeof *doc);
    doc->uri = cl_xstrdup("file:///w/a.c");
    doc->path = cl_xstrdup("/w/a.c");
    doc->text = cl_xstrdup(text);
    doc->len = strlen(text);
    cl_finding *f = cl_findings_push(&doc->raw);
    f->rule = "nil-context";
    f->severity = CL_SEV_WARNING;
    f->message = cl_xstrdup("m");
    f->begin = (cl_pos){cl_xstrdup("/w/a.c"), 1, col, col - 1};
    f->end = (cl_pos){cl_xstrdup("/w/a.c"), 1, end_col, end_col - 1};
    if (fix)
        cl_finding_add_fix(f, "/w/a.c", col - 1, end_col - col, fix);
    doc->shown = cl_xcalloc(1, sizeof *doc->shown);
    doc->shown[0] = true;
    return doc;
}

static void free_doc(cl_lsp_doc *doc)
{
    cl_findings_free(&doc->raw);
    free(doc->shown);
    free(doc->uri);
    free(doc->path);
    free(doc->text);
    free(doc);
}

static json_t *actions_at(const cl_lsp_doc *doc, unsigned character)
{
    json_t *range = json_pack("{s:{s:i,s:i},s:{s:i,s:i}}", "start", "line", 0, "character",
                              character, "end", "line", 0, "character", character);
    json_t *a = cl_lsp_code_actions(doc, range);
    json_decref(range);
    return a;
}

/* The single edit of an action, as "line:char-line:char=text". */
static char *only_edit(const json_t *action)
{
    json_t *edits = json_object_get(json_object_get(json_object_get(action, "edit"), "changes"),
                                    "file:///w/a.c");
    assert_int_equal(json_array_size(edits), 1);
    json_t *e = json_array_get(edits, 0);
    json_int_t sl, sc, el, ec;
    const char *text;
    assert_int_equal(json_unpack(e, "{s:{s:{s:I,s:I},s:{s:I,s:I}},s:s}", "range", "start", "line",
                                 &sl, "character", &sc, "end", "line", &el, "character", &ec,
                                 "newText", &text),
                     0);
    return cl_xasprintf("%d:%d-%d:%d=%s", (int)sl, (int)sc, (int)el, (int)ec, text);
}

static void test_fix_and_suppress_actions(void **state)
{
    (void)state;
    // In "/*é*/ f(NULL);" NULL is at byte column 10, UTF-16 column 8.
    cl_lsp_doc *doc = doc_with_finding("/*\xc3\xa9*/ f(NULL);\nint y;\n", 10, 14, "ctx_todo()");
    json_t *a = actions_at(doc, 10);
    assert_int_equal(json_array_size(a), 2);
    json_t *fix = json_array_get(a, 0), *sup = json_array_get(a, 1);
    assert_string_equal(json_string_value(json_object_get(fix, "title")),
                        "Replace 'NULL' with 'ctx_todo()'");
    assert_string_equal(json_string_value(json_object_get(fix, "kind")), "quickfix");
    char *e = only_edit(fix);
    assert_string_equal(e, "0:8-0:12=ctx_todo()");
    free(e);
    assert_string_equal(json_string_value(json_object_get(sup, "title")),
                        "Suppress nil-context on this line");
    e = only_edit(sup);
    assert_string_equal(e, "0:14-0:14= // NOLINT(nil-context)");
    free(e);
    json_decref(a);
    /* Outside the finding's range: nothing. */
    a = actions_at(doc, 2);
    assert_int_equal(json_array_size(a), 0);
    json_decref(a);
    free_doc(doc);
}

static void test_suppress_into_list_and_before_backslash(void **state)
{
    (void)state;
    cl_lsp_doc *doc = doc_with_finding("f(NULL); // NOLINT(async-capture)\r\n", 3, 7, NULL);
    json_t *a = actions_at(doc, 3);
    assert_int_equal(json_array_size(a), 1);
    char *e = only_edit(json_array_get(a, 0));
    assert_string_equal(e, "0:32-0:32=, nil-context");
    free(e);
    json_decref(a);
    free_doc(doc);

    doc = doc_with_finding("  f(NULL); \\\n  g();\n", 5, 9, NULL);
    a = actions_at(doc, 5);
    e = only_edit(json_array_get(a, 0));
    assert_string_equal(e, "0:11-0:11=/* NOLINT(nil-context) */ ");
    free(e);
    json_decref(a);
    free_doc(doc);
}

static void test_publish_params(void **state)
{
    (void)state;
    cl_lsp_doc *doc = doc_with_finding("f(NULL);\n", 3, 7, NULL);
    doc->version = 7;
    json_t *p = cl_lsp_publish_params(doc);
    assert_int_equal(json_integer_value(json_object_get(p, "version")), 7);
    json_t *d = json_array_get(json_object_get(p, "diagnostics"), 0);
    assert_string_equal(json_string_value(json_object_get(d, "code")), "nil-context");
    assert_string_equal(json_string_value(json_object_get(d, "source")), "ctxlint");
    assert_int_equal(json_integer_value(json_object_get(d, "severity")), 2);
    assert_string_equal(
        json_string_value(json_object_get(json_object_get(d, "codeDescription"), "href")),
        CTXLINT_DOCS_URL "nil-context.md");
    json_decref(p);
    free_doc(doc);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf16_columns),
        cmocka_unit_test(test_uris),
        cmocka_unit_test(test_framing),
        cmocka_unit_test(test_framing_split_and_truncated),
        cmocka_unit_test(test_fix_and_suppress_actions),
        cmocka_unit_test(test_suppress_into_list_and_before_backslash),
        cmocka_unit_test(test_publish_params),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
