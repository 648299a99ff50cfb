/* NOLINT suppressions (see suppress.h), following clang-tidy's NoLintDirectiveHandler:
 * - "NOLINT" followed by letters is a directive only if the word is NOLINT, NOLINTNEXTLINE,
 *   NOLINTBEGIN or NOLINTEND (so NOLINTFOO is ignored). No word boundary is required before
 *   it, as clang-tidy does a plain text search.
 * - A check list is "(" ... ")" right after the word, closed before the end of the line; a
 *   list that is not closed there makes a bare directive (all checks).
 * - The list is split at commas, each item trimmed; items starting with "-" (negative globs)
 *   are dropped, so NOLINT(-x) suppresses nothing; an empty list, NOLINT(), is one empty
 *   glob that matches no check: it suppresses nothing.
 * - A directive applies to the physical line it is written on (NOLINTNEXTLINE: the line
 *   after), even inside a multi-line comment, because clang-tidy searches the diagnostic's
 *   line (and the one before) of the raw text.
 * - NOLINTBEGIN/NOLINTEND pair like brackets: an END closes the innermost open BEGIN when
 *   their lists are equal after trimming (a bare END closes only a bare BEGIN); otherwise the
 *   END is unmatched and the BEGIN stays open. A block covers the positions strictly between.
 * Unlike clang-tidy, only real comments count, and a check list must close inside its comment.
 *
 * Lookups are O(log n): line directives sit in an array sorted by target line; blocks, which
 * nest properly by construction, are sorted by start with a parent link, so the blocks around
 * a position are the last block starting before it and its ancestors. */
#include "suppress.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "comments.h"
#include "xalloc.h"

typedef enum kind { K_NOLINT, K_NEXTLINE, K_BEGIN, K_END } kind;

static const char *const kind_names[] = {"NOLINT", "NOLINTNEXTLINE", "NOLINTBEGIN", "NOLINTEND"};

typedef struct directive {
    kind kind;
    unsigned line, col; /* of the "N" of NOLINT */
    char *checks;       /* the normalized list ("a,b-*"), NULL for a bare directive */
    char **globs;       /* the positive globs; a bare directive has "*" */
    size_t n_globs;
    unsigned uses;
    bool in_block; /* a NOLINTBEGIN that a NOLINTEND closed */
} directive;

typedef struct line_ref {
    unsigned line; /* the line the directive suppresses */
    size_t d;
} line_ref;

typedef struct block {
    unsigned line, col; /* of the opening directive, copied for sorting without a context */
    size_t begin, end;  /* directive indices */
    size_t parent;      /* the innermost enclosing block, or NONE */
} block;

/* A NOLINTBEGIN or NOLINTEND that could not be paired; `open` is the innermost open BEGIN
 * when an END did not match it, else NONE. */
typedef struct unmatched {
    size_t d, open;
} unmatched;

#define NONE SIZE_MAX

struct cl_suppressions {
    directive *d;
    size_t n_d, cap_d;
    line_ref *lines;
    size_t n_lines;
    block *blocks;
    size_t n_blocks, cap_blocks;
    unmatched *bad;
    size_t n_bad, cap_bad;
};

static bool is_space(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

static bool is_alpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool cl_glob_match(const char *glob, const char *s)
{
    /* Greedy with one backtrack point (the last star): enough for `*`-only globs. */
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*glob == '*') {
            star = glob++;
            resume = s;
        } else if (*glob == *s) {
            glob++;
            s++;
        } else if (star) {
            glob = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*glob == '*')
        glob++;
    return *glob == '\0';
}

/* Trims each comma-separated item of list[0, len): "( a , b )" and "(a,b)" are the same list,
 * for matching NOLINTBEGIN to NOLINTEND. Fills the directive's globs as well. */
static void set_checks(directive *d, const char *list, size_t len)
{
    char *out = cl_xmalloc(len + 1);
    size_t o = 0, start = 0;
    d->globs = cl_xcalloc(len + 1, sizeof *d->globs); /* at most one per comma, plus one */
    for (;;) {
        size_t end = start;
        while (end < len && list[end] != ',')
            end++;
        size_t a = start, b = end;
        while (a < b && is_space(list[a]))
            a++;
        while (b > a && is_space(list[b - 1]))
            b--;
        if (start > 0)
            out[o++] = ',';
        memcpy(out + o, list + a, b - a);
        o += b - a;
        if (a < b && list[a] == '-') {
            /* A negative glob: clang-tidy drops these from NOLINT lists. */
        } else {
            d->globs[d->n_globs++] = cl_xstrndup(list + a, b - a);
        }
        if (end >= len)
            break;
        start = end + 1;
    }
    out[o] = '\0';
    d->checks = out;
}

static directive *push_directive(cl_suppressions *s)
{
    s->d = cl_xgrow(s->d, s->n_d, &s->cap_d, sizeof *s->d);
    directive *d = &s->d[s->n_d++];
    memset(d, 0, sizeof *d);
    return d;
}

/* memmem, which C11 and POSIX lack. */
static const char *find(const char *hay, size_t n, const char *needle)
{
    size_t m = strlen(needle);
    for (size_t i = 0; i + m <= n; i++) {
        const char *p = memchr(hay + i, needle[0], n - m + 1 - i);
        if (!p)
            return NULL;
        i = (size_t)(p - hay);
        if (memcmp(p, needle, m) == 0)
            return p;
    }
    return NULL;
}

static void scan_comment(const cl_comment *c, void *arg)
{
    cl_suppressions *s = arg;
    cl_comment_cursor cur;
    cl_comment_cursor_init(&cur, c);
    size_t pos = 0;
    const char *t = c->text;
    while (pos < c->len) {
        const char *hit = find(t + pos, c->len - pos, "NOLINT");
        if (!hit)
            break;
        size_t at = (size_t)(hit - t), q = at + 6;
        while (q < c->len && is_alpha(t[q]))
            q++;
        int k = -1;
        for (int i = 0; i < 4; i++) {
            if (strlen(kind_names[i]) == q - at && memcmp(t + at, kind_names[i], q - at) == 0)
                k = i;
        }
        pos = q;
        if (k < 0)
            continue;
        directive *d = push_directive(s);
        d->kind = (kind)k;
        cl_comment_cursor_pos(&cur, at, &d->line, &d->col);
        if (q < c->len && t[q] == '(') {
            size_t close = q + 1;
            while (close < c->len && t[close] != ')' && t[close] != '\n' && t[close] != '\r')
                close++;
            if (close < c->len && t[close] == ')') {
                set_checks(d, t + q + 1, close - q - 1);
                pos = close + 1;
            }
        }
        if (!d->checks) {
            d->globs = cl_xmalloc(sizeof *d->globs);
            d->globs[0] = cl_xstrdup("*");
            d->n_globs = 1;
        }
    }
}

static bool same_checks(const directive *a, const directive *b)
{
    if (!a->checks || !b->checks)
        return a->checks == b->checks;
    return strcmp(a->checks, b->checks) == 0;
}

/* Position order of (line, col) pairs; col 0 is before every column of its line. */
static int pos_cmp(unsigned l1, unsigned c1, unsigned l2, unsigned c2)
{
    if (l1 != l2)
        return l1 < l2 ? -1 : 1;
    return c1 < c2 ? -1 : c1 > c2;
}

static int block_cmp(const void *a, const void *b)
{
    const block *x = a, *y = b;
    return pos_cmp(x->line, x->col, y->line, y->col);
}

static int line_ref_cmp(const void *a, const void *b)
{
    const line_ref *x = a, *y = b;
    if (x->line != y->line)
        return x->line < y->line ? -1 : 1;
    return x->d < y->d ? -1 : x->d > y->d;
}

static void add_unmatched(cl_suppressions *s, size_t d, size_t open)
{
    s->bad = cl_xgrow(s->bad, s->n_bad, &s->cap_bad, sizeof *s->bad);
    s->bad[s->n_bad++] = (unmatched){d, open};
}

static void add_block(cl_suppressions *s, size_t begin, size_t end)
{
    s->blocks = cl_xgrow(s->blocks, s->n_blocks, &s->cap_blocks, sizeof *s->blocks);
    s->blocks[s->n_blocks++] = (block){s->d[begin].line, s->d[begin].col, begin, end, NONE};
    s->d[begin].in_block = true;
}

/* Pairs NOLINTBEGIN with NOLINTEND as clang-tidy does, then indexes the blocks. */
static void form_blocks(cl_suppressions *s)
{
    size_t *stack = cl_xmalloc((s->n_d + 1) * sizeof *stack), depth = 0;
    for (size_t i = 0; i < s->n_d; i++) {
        if (s->d[i].kind == K_BEGIN) {
            stack[depth++] = i;
        } else if (s->d[i].kind == K_END) {
            if (depth && same_checks(&s->d[stack[depth - 1]], &s->d[i]))
                add_block(s, stack[--depth], i);
            else
                add_unmatched(s, i, depth ? stack[depth - 1] : NONE);
        }
    }
    for (size_t i = 0; i < depth; i++)
        add_unmatched(s, stack[i], NONE);

    if (s->n_blocks)
        qsort(s->blocks, s->n_blocks, sizeof *s->blocks, block_cmp);
    /* Blocks nest (an END only closes the innermost open BEGIN), so in start order the
     * enclosing block of each is on a stack of the blocks not yet ended. */
    depth = 0;
    for (size_t i = 0; i < s->n_blocks; i++) {
        const directive *b = &s->d[s->blocks[i].begin];
        while (depth) {
            const directive *e = &s->d[s->blocks[stack[depth - 1]].end];
            if (pos_cmp(e->line, e->col, b->line, b->col) > 0)
                break;
            depth--;
        }
        s->blocks[i].parent = depth ? stack[depth - 1] : NONE;
        stack[depth++] = i;
    }
    free(stack);
}

cl_suppressions *cl_suppress_parse(const char *text, size_t len)
{
    cl_suppressions *s = cl_xcalloc(1, sizeof *s);
    cl_comments_each(text, len, scan_comment, s);

    size_t n_line = 0;
    for (size_t i = 0; i < s->n_d; i++)
        n_line += s->d[i].kind == K_NOLINT || s->d[i].kind == K_NEXTLINE;
    s->lines = cl_xmalloc((n_line + 1) * sizeof *s->lines);
    for (size_t i = 0; i < s->n_d; i++) {
        const directive *d = &s->d[i];
        if (d->kind == K_NOLINT)
            s->lines[s->n_lines++] = (line_ref){d->line, i};
        else if (d->kind == K_NEXTLINE)
            s->lines[s->n_lines++] = (line_ref){d->line + 1, i};
    }
    qsort(s->lines, s->n_lines, sizeof *s->lines, line_ref_cmp);
    form_blocks(s);
    return s;
}

void cl_suppress_free(cl_suppressions *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_d; i++) {
        for (size_t g = 0; g < s->d[i].n_globs; g++)
            free(s->d[i].globs[g]);
        free(s->d[i].globs);
        free(s->d[i].checks);
    }
    free(s->d);
    free(s->lines);
    free(s->blocks);
    free(s->bad);
    free(s);
}

static bool suppresses(directive *d, const char *rule)
{
    for (size_t g = 0; g < d->n_globs; g++) {
        if (cl_glob_match(d->globs[g], rule)) {
            d->uses++;
            return true;
        }
    }
    return false;
}

bool cl_suppress_match_at(cl_suppressions *s, const char *rule, unsigned line, unsigned col)
{
    if (!s || !rule)
        return false;
    bool hit = false;
    /* Every directive that covers the finding is marked used, so that two overlapping
     * suppressions do not make one of them look unused. */
    size_t lo = 0, hi = s->n_lines;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (s->lines[mid].line < line)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t i = lo; i < s->n_lines && s->lines[i].line == line; i++)
        hit |= suppresses(&s->d[s->lines[i].d], rule);

    /* The last block starting before (line, col); the blocks around the position are it and
     * those of its ancestors that end after the position. */
    lo = 0, hi = s->n_blocks;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (pos_cmp(s->blocks[mid].line, s->blocks[mid].col, line, col) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    for (size_t b = lo ? lo - 1 : NONE; b != NONE; b = s->blocks[b].parent) {
        const directive *e = &s->d[s->blocks[b].end];
        if (pos_cmp(line, col, e->line, e->col) < 0)
            hit |= suppresses(&s->d[s->blocks[b].begin], rule);
    }
    return hit;
}

bool cl_suppress_match(cl_suppressions *s, const char *rule, unsigned line)
{
    return cl_suppress_match_at(s, rule, line, 0);
}

/* How messages name a directive: its keyword and its list, e.g. "NOLINT(a,b)". */
static char *spell(const directive *d)
{
    if (!d->checks)
        return cl_xstrdup(kind_names[d->kind]);
    return cl_xasprintf("%s(%s)", kind_names[d->kind], d->checks);
}

static int problem_cmp(const void *a, const void *b)
{
    const cl_suppress_problem *x = a, *y = b;
    int c = pos_cmp(x->line, x->col, y->line, y->col);
    return c ? c : strcmp(x->message, y->message);
}

size_t cl_suppress_problems(const cl_suppressions *s, bool include_unused,
                            cl_suppress_problem **out)
{
    *out = NULL;
    if (!s)
        return 0;
    cl_suppress_problem *p = cl_xmalloc((s->n_bad + s->n_d + 1) * sizeof *p);
    size_t n = 0;
    for (size_t i = 0; i < s->n_bad; i++) {
        const directive *d = &s->d[s->bad[i].d];
        char *name = spell(d);
        char *msg;
        if (d->kind == K_BEGIN) {
            msg = cl_xasprintf("%s has no matching NOLINTEND", name);
        } else if (s->bad[i].open != NONE) {
            const directive *o = &s->d[s->bad[i].open];
            char *open = spell(o);
            msg = cl_xasprintf("%s has no matching NOLINTBEGIN: the innermost open block is %s "
                               "on line %u",
                               name, open, o->line);
            free(open);
        } else {
            msg = cl_xasprintf("%s has no matching NOLINTBEGIN", name);
        }
        free(name);
        p[n++] = (cl_suppress_problem){d->line, d->col, msg};
    }
    for (size_t i = 0; include_unused && i < s->n_d; i++) {
        const directive *d = &s->d[i];
        bool suppressor = d->kind == K_NOLINT || d->kind == K_NEXTLINE || d->in_block;
        if (!suppressor || d->uses)
            continue;
        char *name = spell(d);
        p[n++] =
            (cl_suppress_problem){d->line, d->col, cl_xasprintf("%s suppresses nothing", name)};
        free(name);
    }
    qsort(p, n, sizeof *p, problem_cmp);
    if (!n) {
        free(p);
        p = NULL;
    }
    *out = p;
    return n;
}
