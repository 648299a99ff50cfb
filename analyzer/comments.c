/* The comment lexer shared by NOLINT and expect parsing (see comments.h). It follows clang's
 * lexer where that decides what is a comment: line splices (backslash, optional horizontal
 * whitespace, line break) join lines everywhere but in raw strings; "//" ends at an unspliced
 * line break; string and character literals hide comment markers; R"d(...)d" raw strings
 * (enabled in C as well, as clang does in its GNU modes) run to their exact terminator; a quote
 * inside a number is a digit separator (C++14, C23), not a character literal. Trigraphs are not
 * replaced (clang only does so with -trigraphs or a strict -std=c*). */
#include "comments.h"

#include <string.h>

typedef struct lexer {
    const char *s;
    size_t n;
    /* A cursor for turning positions into lines: comments are reported in order, so the line of
     * each one is found by scanning forward from the previous one, linear over the file. */
    size_t at;
    size_t line_start;
    unsigned line;
} lexer;

/* Length of the line break at i: 2 for "\r\n", 1 for "\n" or a lone "\r", else 0. */
static size_t newline_len(const char *s, size_t n, size_t i)
{
    if (i >= n)
        return 0;
    if (s[i] == '\n')
        return 1;
    if (s[i] == '\r')
        return (i + 1 < n && s[i + 1] == '\n') ? 2 : 1;
    return 0;
}

/* Length of the line splice at i, or 0. Whitespace between the backslash and the line break is
 * accepted because clang and gcc accept it (with a warning), and the analyzer sees clang's
 * view of the file. */
static size_t splice_len(const char *s, size_t n, size_t i)
{
    if (i >= n || s[i] != '\\')
        return 0;
    size_t j = i + 1;
    while (j < n && (s[j] == ' ' || s[j] == '\t' || s[j] == '\v' || s[j] == '\f'))
        j++;
    size_t nl = newline_len(s, n, j);
    return nl ? j + nl - i : 0;
}

/* The first position at or after i that does not start a splice: where the next logical
 * character is. */
static size_t skip_splices(const char *s, size_t n, size_t i)
{
    size_t k;
    while ((k = splice_len(s, n, i)) != 0)
        i += k;
    return i;
}

/* The logical character at i (already past splices), or -1 at the end. */
static int ch(const lexer *lx, size_t i)
{
    return i < lx->n ? (unsigned char)lx->s[i] : -1;
}

/* The position of the logical character after the one at i. */
static size_t next(const lexer *lx, size_t i)
{
    return skip_splices(lx->s, lx->n, i + 1);
}

static int is_ident_char(int c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '$' || c >= 0x80;
}

static int is_digit(int c)
{
    return c >= '0' && c <= '9';
}

static void locate(lexer *lx, size_t pos, unsigned *line, unsigned *col)
{
    while (lx->at < pos) {
        char c = lx->s[lx->at];
        if (c == '\n' || (c == '\r' && !(lx->at + 1 < lx->n && lx->s[lx->at + 1] == '\n'))) {
            lx->line++;
            lx->line_start = lx->at + 1;
        }
        lx->at++;
    }
    *line = lx->line;
    *col = (unsigned)(pos - lx->line_start + 1);
}

static void emit(lexer *lx, size_t start, size_t end, bool block, cl_comment_fn fn, void *arg)
{
    cl_comment c = {.text = lx->s + start, .len = end - start, .block = block};
    locate(lx, start, &c.line, &c.col);
    fn(&c, arg);
}

/* A quoted literal starting at the quote at i; returns the position after it. An unterminated
 * literal ends before the line break, as clang recovers. */
static size_t skip_quoted(const lexer *lx, size_t i, int quote)
{
    i = next(lx, i);
    for (;;) {
        int c = ch(lx, i);
        if (c < 0 || newline_len(lx->s, lx->n, i))
            return i;
        if (c == quote)
            return next(lx, i);
        if (c == '\\') {
            i = next(lx, i); /* the escaped character, whatever it is */
            if (ch(lx, i) < 0 || newline_len(lx->s, lx->n, i))
                return i;
        }
        i = next(lx, i);
    }
}

/* A raw string whose opening quote is at q (a physical position: splices are not processed in
 * raw strings). Returns the position after it, or 0 when the delimiter is not valid, in which
 * case clang treats it as an error and the quote is lexed as an ordinary string. */
static size_t skip_raw(const lexer *lx, size_t q)
{
    const char *s = lx->s;
    size_t d = q + 1, e = d;
    while (e < lx->n && e - d <= 16 && s[e] != '(') {
        unsigned char c = (unsigned char)s[e];
        if (c == ' ' || c == ')' || c == '\\' || c < 0x20 || c == 0x7f)
            return 0;
        e++;
    }
    if (e >= lx->n || s[e] != '(' || e - d > 16)
        return 0;
    size_t dlen = e - d;
    for (size_t i = e + 1; i < lx->n; i++) {
        if (s[i] == ')' && lx->n - i >= dlen + 2 && memcmp(s + i + 1, s + d, dlen) == 0 &&
            s[i + 1 + dlen] == '"')
            return i + dlen + 2;
    }
    return lx->n;
}

/* An identifier at i; returns the position after it, and tells whether its spelling is a raw
 * string prefix (R, u8R, uR, UR, LR). */
static size_t skip_ident(const lexer *lx, size_t i, bool *raw_prefix)
{
    char spell[5];
    size_t k = 0;
    while (is_ident_char(ch(lx, i))) {
        if (k < sizeof spell - 1)
            spell[k] = (char)ch(lx, i);
        k++;
        i = next(lx, i);
    }
    spell[k < sizeof spell - 1 ? k : sizeof spell - 1] = '\0';
    *raw_prefix =
        k < sizeof spell && (!strcmp(spell, "R") || !strcmp(spell, "u8R") || !strcmp(spell, "uR") ||
                             !strcmp(spell, "UR") || !strcmp(spell, "LR"));
    return i;
}

/* A preprocessing number at i (a digit, or "." and a digit); returns the position after it. */
static size_t skip_number(const lexer *lx, size_t i)
{
    for (;;) {
        int c = ch(lx, i);
        size_t j = next(lx, i);
        if ((c == 'e' || c == 'E' || c == 'p' || c == 'P') &&
            (ch(lx, j) == '+' || ch(lx, j) == '-'))
            i = next(lx, j);
        else if (c == '\'' && is_ident_char(ch(lx, j)))
            i = j; /* digit separator */
        else if (is_ident_char(c) || c == '.')
            i = j;
        else
            return i;
    }
}

void cl_comments_each(const char *text, size_t len, cl_comment_fn fn, void *arg)
{
    lexer lx = {.s = text, .n = text ? len : 0, .line = 1};
    size_t i = skip_splices(lx.s, lx.n, 0);
    while (i < lx.n) {
        int c = ch(&lx, i);
        size_t j = next(&lx, i);
        if (c == '/' && ch(&lx, j) == '/') {
            size_t e = next(&lx, j);
            while (e < lx.n && !newline_len(lx.s, lx.n, e))
                e = next(&lx, e);
            emit(&lx, i, e, false, fn, arg);
            i = e;
        } else if (c == '/' && ch(&lx, j) == '*') {
            size_t e = next(&lx, j);
            for (;;) {
                if (e >= lx.n)
                    break;
                size_t f = next(&lx, e);
                if (ch(&lx, e) == '*' && ch(&lx, f) == '/') {
                    e = f + 1;
                    break;
                }
                e = f;
            }
            emit(&lx, i, e, true, fn, arg);
            i = skip_splices(lx.s, lx.n, e);
        } else if (c == '"' || c == '\'') {
            i = skip_quoted(&lx, i, c);
        } else if (is_digit(c) || (c == '.' && is_digit(ch(&lx, j)))) {
            i = skip_number(&lx, i);
        } else if (is_ident_char(c)) {
            bool raw;
            i = skip_ident(&lx, i, &raw);
            if (raw && ch(&lx, i) == '"') {
                size_t e = skip_raw(&lx, i);
                if (e)
                    i = skip_splices(lx.s, lx.n, e);
            }
        } else {
            i = j;
        }
    }
}

void cl_comment_cursor_init(cl_comment_cursor *cur, const cl_comment *c)
{
    *cur = (cl_comment_cursor){.c = c, .line = c->line};
}

void cl_comment_cursor_pos(cl_comment_cursor *cur, size_t off, unsigned *line, unsigned *col)
{
    const cl_comment *c = cur->c;
    if (off > c->len)
        off = c->len;
    for (; cur->off < off; cur->off++) {
        char b = c->text[cur->off];
        if (b == '\n' || (b == '\r' && !(cur->off + 1 < c->len && c->text[cur->off + 1] == '\n'))) {
            cur->line++;
            cur->line_start = cur->off + 1;
            cur->moved = true;
        }
    }
    *line = cur->line;
    *col = cur->moved ? (unsigned)(off - cur->line_start + 1) : c->col + (unsigned)off;
}

unsigned cl_text_line_count(const char *text, size_t len)
{
    unsigned lines = 0;
    for (size_t i = 0; i < len;) {
        size_t nl = newline_len(text, len, i);
        lines += nl != 0;
        i += nl ? nl : 1;
    }
    /* A last line without a line break of its own still counts. */
    if (len && text[len - 1] != '\n' && text[len - 1] != '\r')
        lines++;
    return lines;
}
