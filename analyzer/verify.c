/* `ctxlint --verify` (see verify.h): expect directives read from real comments only, with the
 * comment lexer NOLINT uses, and findings matched against them.
 *
 * A directive is the word "expect" (not part of a longer word) directly followed by ":", "@"
 * or "-"; "we expect this" and "expected" are prose. Directives may follow prose in a comment
 * and share one, but between and after them only blanks may appear, so a regex that lost its
 * quotes is an error rather than silently ignored. The regex is a double-quoted POSIX extended
 * regex in which \" stands for a quote; every other backslash pair is passed to regcomp as
 * written (so "a\\.b" is the regex a\\.b, and "\\" ends after the pair).
 * A directive applies to the physical line where its "expect" is written (plus the offset),
 * as NOLINT does, even inside a multi-line comment.
 *
 * Matching is done per line as a maximum bipartite matching between findings and
 * expectations (rule equal, regex matches the message), so a finding that fits a general
 * expectation never steals it from another finding that fits nothing else. */
#include "verify.h"

#include <regex.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comments.h"
#include "xalloc.h"

/* Offsets beyond this are typos, and keeping them small keeps line arithmetic in range. */
#define MAX_OFFSET 1000000u

typedef struct expectation {
    unsigned line; /* the line the finding must be on */
    char *rule;
    char *re_src; /* the regex as written between the quotes, NULL when there is none */
    regex_t re;
} expectation;

struct cl_expect_file {
    expectation *e;
    size_t n, cap;
    unsigned no_diag_line; /* line of the first expect-no-diagnostics, 0 when none */
    char *reason;          /* of expect-known-failure, NULL when none */
    unsigned n_lines;
    char *err; /* the first error; parsing goes on quietly after it */
};

/* State for scanning one comment. */
typedef struct scan {
    cl_expect_file *ef;
    const cl_comment *c;
    cl_comment_cursor cur;
    size_t end; /* end of the comment's body (before a closing star-slash) */
} scan;

static bool is_word(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           (unsigned char)c >= 0x80;
}

static bool is_hspace(char c)
{
    return c == ' ' || c == '\t' || c == '\v' || c == '\f';
}

static bool is_eol(char c)
{
    return c == '\n' || c == '\r';
}

/* What may separate directives: white space, and the stars and splices of comment layout. */
static bool is_blank(char c)
{
    return is_hspace(c) || is_eol(c) || c == '*' || c == '\\';
}

static void fail(scan *sc, size_t at, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Records an error about the directive at comment offset `at` unless one is already recorded:
 * the first error is the one to fix. */
static void fail(scan *sc, size_t at, const char *fmt, ...)
{
    unsigned line, col;
    cl_comment_cursor_pos(&sc->cur, at, &line, &col);
    if (sc->ef->err)
        return;
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    char *what = cl_xmalloc(n > 0 ? (size_t)n + 1 : 1);
    what[0] = '\0';
    va_start(ap, fmt);
    vsnprintf(what, n > 0 ? (size_t)n + 1 : 1, fmt, ap);
    va_end(ap);
    sc->ef->err = cl_xasprintf("line %u: %s", line, what);
    free(what);
}

static expectation *push(cl_expect_file *ef)
{
    ef->e = cl_xgrow(ef->e, ef->n, &ef->cap, sizeof *ef->e);
    expectation *x = &ef->e[ef->n++];
    memset(x, 0, sizeof *x);
    return x;
}

/* Parses `RULE ["regex"]` at t[i] for a directive written at `at` that targets `line`.
 * Returns the position after it, or 0 after recording an error. */

/* glibc's regcomp copies a repeated subexpression once per repetition, so nested repetitions
 * (`a++++`, `((a{99}){99}){99}`) grow its memory exponentially: the fuzzer found one that
 * took gigabytes. Expectations are message fragments, so a regex is refused when a quantifier
 * follows a quantifier or when the product of all repetition counts (an upper bound on the
 * copies) exceeds a few thousand. Returns why it is refused, or NULL. */
static const char *regex_too_costly(const char *re)
{
    double copies = 1;
    bool after_quantifier = false;
    for (const char *p = re; *p; p++) {
        if (*p == '\\' && p[1]) {
            p++;
            after_quantifier = false;
            continue;
        }
        unsigned long times = 0;
        if (*p == '*' || *p == '?') {
            times = 1;
        } else if (*p == '+') {
            times = 2;
        } else if (*p == '{' && p[1] >= '0' && p[1] <= '9') {
            char *end;
            unsigned long lo = strtoul(p + 1, &end, 10), hi = lo;
            if (*end == ',') {
                end++;
                /* {n,} repeats without bound: count it as one more than its minimum. */
                hi = (*end >= '0' && *end <= '9') ? strtoul(end, &end, 10) : lo + 1;
            }
            while (*end && *end != '}')
                end++;
            times = (hi > lo ? hi : lo) + 1;
            p = *end ? end : end - 1;
        } else {
            after_quantifier = false;
            continue;
        }
        if (after_quantifier)
            return "repeats a repetition";
        after_quantifier = true;
        copies *= (double)times;
        if (copies > 4096)
            return "repeats too much";
    }
    return NULL;
}

static size_t parse_expectation(scan *sc, size_t at, size_t i, unsigned line)
{
    const char *t = sc->c->text;
    while (i < sc->end && is_hspace(t[i]))
        i++;
    size_t r = i;
    while (i < sc->end && (is_word(t[i]) || t[i] == '-'))
        i++;
    char *rule = cl_xstrndup(t + r, i - r);
    if (!*rule) {
        free(rule);
        fail(sc, at, "expect: missing rule name");
        return 0;
    }
    for (const char *p = rule; *p; p++) {
        if (!((*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9') || *p == '-')) {
            fail(sc, at, "bad rule name '%s' (rule names are kebab-case: [a-z0-9-]+)", rule);
            free(rule);
            return 0;
        }
    }
    if (i < sc->end && !is_blank(t[i]) && t[i] != '"') {
        fail(sc, at, "unexpected '%c' after the rule name '%s'", t[i], rule);
        free(rule);
        return 0;
    }
    size_t s = i;
    while (s < sc->end && is_hspace(t[s]))
        s++;
    char *re_src = NULL;
    if (s < sc->end && t[s] == '"') {
        size_t q = s + 1;
        while (q < sc->end && t[q] != '"' && !is_eol(t[q]))
            q += (t[q] == '\\' && q + 1 < sc->end && !is_eol(t[q + 1])) ? 2 : 1;
        if (q >= sc->end || t[q] != '"') {
            fail(sc, at, "unterminated regex for '%s'", rule);
            free(rule);
            return 0;
        }
        re_src = cl_xstrndup(t + s + 1, q - s - 1);
        i = q + 1;
    }
    if (re_src && !*re_src) {
        fail(sc, at, "empty regex for '%s' (leave it out to accept any message)", rule);
        free(rule);
        free(re_src);
        return 0;
    }
    expectation *x = push(sc->ef);
    x->line = line;
    x->rule = rule;
    if (re_src) {
        /* \" stands for a quote; other pairs go to regcomp unchanged. */
        char *re = cl_xmalloc(strlen(re_src) + 1), *o = re;
        for (const char *p = re_src; *p; p++) {
            if (p[0] == '\\' && p[1] == '"')
                p++;
            else if (p[0] == '\\' && p[1])
                *o++ = *p++;
            *o++ = *p;
        }
        *o = '\0';
        const char *why = regex_too_costly(re);
        if (why) {
            fail(sc, at, "regex \"%s\" %s: an expectation needs only a fragment of the message",
                 re_src, why);
            free(re);
            free(re_src);
            free(rule);
            sc->ef->n--;
            return 0;
        }
        int rc = regcomp(&x->re, re, REG_EXTENDED | REG_NOSUB);
        free(re);
        if (rc != 0) {
            char msg[256];
            regerror(rc, &x->re, msg, sizeof msg);
            fail(sc, at, "bad regex \"%s\" (%s)", re_src, msg);
            free(re_src);
            free(rule);
            sc->ef->n--;
            return 0;
        }
        x->re_src = re_src;
    }
    return i;
}

/* Parses the directive whose "expect" is at t[at]; returns the position after it, or 0 when it
 * is an error (recorded) and the rest of the comment is not worth reading. */
static size_t parse_directive(scan *sc, size_t at)
{
    const char *t = sc->c->text;
    size_t i = at + 6, end = sc->end;
    unsigned line, col;
    cl_comment_cursor_pos(&sc->cur, at, &line, &col);
    if (t[i] == ':')
        return parse_expectation(sc, at, i + 1, line);
    if (t[i] == '@') {
        i++;
        char sign = i < end ? t[i] : '\0';
        if (sign != '+' && sign != '-') {
            fail(sc, at, "expect@ needs a line offset: expect@+N: or expect@-N:");
            return 0;
        }
        unsigned long off = 0;
        size_t digits = ++i;
        while (i < end && t[i] >= '0' && t[i] <= '9' && off <= MAX_OFFSET)
            off = off * 10 + (unsigned)(t[i++] - '0');
        if (i == digits || off > MAX_OFFSET) {
            fail(sc, at, "expect@ needs a line offset of 0 to %u", MAX_OFFSET);
            return 0;
        }
        if (i >= end || t[i] != ':') {
            fail(sc, at, "expect@%c%lu: missing ':' after the offset", sign, off);
            return 0;
        }
        long target = sign == '+' ? (long)line + (long)off : (long)line - (long)off;
        if (target < 1) {
            fail(sc, at, "expect@%c%lu points before line 1", sign, off);
            return 0;
        }
        if (target > (long)sc->ef->n_lines) {
            fail(sc, at, "expect@%c%lu points to line %ld, past the end of the file (%u lines)",
                 sign, off, target, sc->ef->n_lines);
            return 0;
        }
        return parse_expectation(sc, at, i + 1, (unsigned)target);
    }
    /* t[i] == '-' */
    size_t w = i + 1;
    while (w < end && (is_word(t[w]) || t[w] == '-'))
        w++;
    char *word = cl_xstrndup(t + at, w - at);
    size_t next = 0;
    if (!strcmp(word, "expect-no-diagnostics")) {
        if (!sc->ef->no_diag_line)
            sc->ef->no_diag_line = line;
        next = w;
    } else if (!strcmp(word, "expect-known-failure")) {
        if (w >= end || t[w] != ':') {
            fail(sc, at, "%s: missing ':' before the reason", word);
        } else {
            /* The reason is the rest of the physical line. */
            size_t a = w + 1, b = a;
            while (b < end && !is_eol(t[b]))
                b++;
            while (a < b && is_hspace(t[a]))
                a++;
            while (b > a && (is_hspace(t[b - 1]) || t[b - 1] == '\\'))
                b--;
            if (a == b) {
                fail(sc, at, "%s: missing reason", word);
            } else {
                if (!sc->ef->reason)
                    sc->ef->reason = cl_xstrndup(t + a, b - a);
                next = b;
            }
        }
    } else {
        fail(sc, at, "unknown directive '%s'", word);
    }
    free(word);
    return next;
}

/* Where the next directive starts at or after i, or `end`. */
static size_t find_directive(const scan *sc, size_t i)
{
    const char *t = sc->c->text;
    for (; i + 6 < sc->end; i++) {
        if (memcmp(t + i, "expect", 6) != 0 || (i > 0 && is_word(t[i - 1])))
            continue;
        char c = t[i + 6];
        if (c == ':' || c == '@' || c == '-')
            return i;
    }
    return sc->end;
}

static void scan_comment(const cl_comment *c, void *arg)
{
    cl_expect_file *ef = arg;
    if (ef->err)
        return;
    scan sc = {.ef = ef, .c = c, .end = c->len};
    cl_comment_cursor_init(&sc.cur, c);
    if (c->block && c->len >= 4 && c->text[c->len - 2] == '*' && c->text[c->len - 1] == '/')
        sc.end -= 2;
    size_t i = find_directive(&sc, 2);
    while (i < sc.end) {
        size_t after = parse_directive(&sc, i);
        if (!after)
            return;
        size_t next = find_directive(&sc, after);
        for (size_t k = after; k < next; k++) {
            if (!is_blank(c->text[k])) {
                size_t e = k;
                while (e < next && !is_eol(c->text[e]))
                    e++;
                char *junk = cl_xstrndup(c->text + k, e - k);
                fail(&sc, i, "unexpected text after the directive: '%s'", junk);
                free(junk);
                return;
            }
        }
        i = next;
    }
}

void cl_expect_free(cl_expect_file *ef)
{
    if (!ef)
        return;
    for (size_t i = 0; i < ef->n; i++) {
        free(ef->e[i].rule);
        if (ef->e[i].re_src) {
            regfree(&ef->e[i].re);
            free(ef->e[i].re_src);
        }
    }
    free(ef->e);
    free(ef->reason);
    free(ef->err);
    free(ef);
}

cl_expect_file *cl_expect_parse(const char *text, size_t len, char **err)
{
    cl_expect_file *ef = cl_xcalloc(1, sizeof *ef);
    ef->n_lines = cl_text_line_count(text, len);
    cl_comments_each(text, len, scan_comment, ef);
    if (!ef->err && ef->no_diag_line && ef->n)
        ef->err = cl_xasprintf("line %u: expect-no-diagnostics in a file that has expectations",
                               ef->no_diag_line);
    if (ef->err) {
        if (err)
            *err = ef->err;
        else
            free(ef->err);
        ef->err = NULL;
        cl_expect_free(ef);
        return NULL;
    }
    if (err)
        *err = NULL;
    return ef;
}

bool cl_expect_has_directives(const cl_expect_file *ef)
{
    return ef && (ef->n || ef->no_diag_line);
}

bool cl_expect_known_failure(const cl_expect_file *ef)
{
    return ef && ef->reason;
}

const char *cl_expect_known_failure_reason(const cl_expect_file *ef)
{
    return ef ? ef->reason : NULL;
}

/* One line's findings and expectations, and the matching between them being built. */
typedef struct group {
    size_t nf, ne;    /* how many findings and expectations the line has */
    const bool *edge; /* edge[i * ne + j]: finding f[i] fits expectation e[j] */
    size_t *match_e;  /* match_e[j]: the finding (0..nf-1) holding e[j], or SIZE_MAX */
    bool *seen;
} group;

/* Kuhn's augmenting path from finding i; the groups are per line, so tiny. */
static bool augment(group *g, size_t i)
{
    for (size_t j = 0; j < g->ne; j++) {
        if (!g->edge[i * g->ne + j] || g->seen[j])
            continue;
        g->seen[j] = true;
        if (g->match_e[j] == SIZE_MAX || augment(g, g->match_e[j])) {
            g->match_e[j] = i;
            return true;
        }
    }
    return false;
}

/* A finding or an expectation by position, for grouping by line. */
typedef struct ref {
    unsigned line, col;
    size_t idx;
} ref;

static int ref_cmp(const void *a, const void *b)
{
    const ref *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    if (x->col != y->col)
        return x->col < y->col ? -1 : 1;
    return x->idx < y->idx ? -1 : x->idx > y->idx;
}

static bool fits(const expectation *x, const cl_finding *f)
{
    if (strcmp(x->rule, f->rule ? f->rule : "") != 0)
        return false;
    return !x->re_src || regexec(&x->re, f->message ? f->message : "", 0, NULL, 0) == 0;
}

size_t cl_expect_check(cl_expect_file *ef, const char *path, const cl_finding *findings, size_t n,
                       FILE *out)
{
    size_t ne = ef ? ef->n : 0, mismatches = 0;
    if (!path)
        path = "<input>";
    ref *fr = cl_xmalloc((n + 1) * sizeof *fr), *er = cl_xmalloc((ne + 1) * sizeof *er);
    for (size_t i = 0; i < n; i++)
        fr[i] = (ref){findings[i].begin.line, findings[i].begin.col, i};
    for (size_t j = 0; j < ne; j++)
        er[j] = (ref){ef->e[j].line, 0, j};
    qsort(fr, n, sizeof *fr, ref_cmp);
    qsort(er, ne, sizeof *er, ref_cmp);

    size_t *fidx = cl_xmalloc((n + 1) * sizeof *fidx), *eidx = cl_xmalloc((ne + 1) * sizeof *eidx);
    size_t *match_e = cl_xmalloc((ne + 1) * sizeof *match_e);
    bool *seen = cl_xmalloc(ne + 1), *matched_f = cl_xmalloc(n + 1);
    for (size_t fi = 0, ei = 0; fi < n || ei < ne;) {
        unsigned line =
            fi < n && (ei >= ne || fr[fi].line <= er[ei].line) ? fr[fi].line : er[ei].line;
        group g = {.match_e = match_e, .seen = seen};
        for (; fi < n && fr[fi].line == line; fi++)
            fidx[g.nf++] = fr[fi].idx;
        for (; ei < ne && er[ei].line == line; ei++)
            eidx[g.ne++] = er[ei].idx;

        bool *edge = cl_xmalloc(g.nf * g.ne + 1);
        for (size_t i = 0; i < g.nf; i++)
            for (size_t j = 0; j < g.ne; j++)
                edge[i * g.ne + j] = fits(&ef->e[eidx[j]], &findings[fidx[i]]);
        g.edge = edge;
        for (size_t j = 0; j < g.ne; j++)
            match_e[j] = SIZE_MAX;
        for (size_t i = 0; i < g.nf; i++) {
            memset(seen, 0, g.ne);
            augment(&g, i);
            matched_f[i] = false;
        }
        for (size_t j = 0; j < g.ne; j++)
            if (match_e[j] != SIZE_MAX)
                matched_f[match_e[j]] = true;
        free(edge);

        for (size_t i = 0; i < g.nf; i++) {
            if (matched_f[i])
                continue;
            const cl_finding *f = &findings[fidx[i]];
            mismatches++;
            if (out)
                fprintf(out, "%s:%u:%u: error: unexpected finding: %s [%s]\n", path, f->begin.line,
                        f->begin.col, f->message ? f->message : "", f->rule ? f->rule : "");
        }
        for (size_t j = 0; j < g.ne; j++) {
            if (match_e[j] != SIZE_MAX)
                continue;
            const expectation *x = &ef->e[eidx[j]];
            mismatches++;
            if (!out)
                continue;
            if (x->re_src)
                fprintf(out, "%s:%u: error: expected %s \"%s\" was not reported\n", path, x->line,
                        x->rule, x->re_src);
            else
                fprintf(out, "%s:%u: error: expected %s was not reported\n", path, x->line,
                        x->rule);
        }
    }
    free(fr);
    free(er);
    free(fidx);
    free(eidx);
    free(match_e);
    free(seen);
    free(matched_f);
    return mismatches;
}
