/* --fix / --fix-dry-run (see fix.h). The new text of a file is built in one pass over its
 * accepted edits in offset order, each offset taken in the original text: the same result as
 * applying them from the end, without shifting the buffer for each one. */
#include "fix.h"

#include <errno.h>
#include <stdlib.h>
#include <time.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "output.h"
#include "root.h"
#include "source.h"
#include "xalloc.h"

#define CONTEXT 3

typedef struct edit {
    unsigned off, len;
    const char *text;
} edit;

typedef struct plan_file {
    const char *path; /* canonical; owned by the findings */
    const char *rel;  /* relative to the root (into path) */
    char *old;
    size_t old_len;
    uint64_t old_hash;
    char *new_text;
    size_t new_len;
    const char *refused; /* why nothing in this file is fixed, or NULL */
    edit *edits;
    size_t n_edits;
    size_t *findings; /* indices of the findings this file's edits fix */
    size_t n_findings;
    bool written;
} plan_file;

struct cl_fix_plan {
    plan_file *files;
    size_t n_files;
    size_t n_fixed;
};

static plan_file *file_of(cl_fix_plan *p, const char *path, const char *root)
{
    for (size_t i = 0; i < p->n_files; i++)
        if (strcmp(p->files[i].path, path) == 0)
            return &p->files[i];
    p->files = cl_xrealloc(p->files, (p->n_files + 1) * sizeof *p->files);
    plan_file *pf = &p->files[p->n_files++];
    memset(pf, 0, sizeof *pf);
    pf->path = path;
    pf->rel = root ? cl_root_relative(path, root) : NULL;
    struct stat st;
    FILE *f = NULL;
    if (!pf->rel)
        pf->refused = "it is outside the project root";
    else if (stat(path, &st) != 0 || !S_ISREG(st.st_mode))
        pf->refused = "it is not a regular file";
    else if (!(st.st_mode & 0222) || access(path, W_OK) != 0)
        pf->refused = "the file is read-only";
    else if (!(f = fopen(path, "rb")) || cl_read_stream(f, &pf->old, &pf->old_len) != 0)
        pf->refused = "it cannot be read";
    if (f)
        fclose(f);
    if (pf->old)
        pf->old_hash = XXH64(pf->old, pf->old_len, 0);
    return pf;
}

static bool same_edit(const edit *a, const cl_fix *x)
{
    return a->off == x->offset && a->len == x->length && strcmp(a->text, x->text) == 0;
}

/* Overlapping ranges conflict, and so do two edits at one offset (their order is unknown). */
static bool conflicts(const edit *a, const cl_fix *x)
{
    return a->off == x->offset || (a->off < x->offset + x->length && x->offset < a->off + a->len);
}

/* Why fix `x` cannot join the plan, or NULL. */
static const char *check_fix(cl_fix_plan *p, const cl_fix *x, const char *root)
{
    plan_file *pf = file_of(p, x->file, root);
    if (pf->refused)
        return pf->refused;
    if (x->has_content_hash && x->content_hash != pf->old_hash)
        return "the file changed since it was parsed (run ctxlint again)";
    if ((size_t)x->offset + x->length > pf->old_len)
        return "its range lies outside the file";
    for (size_t i = 0; i < pf->n_edits; i++)
        if (!same_edit(&pf->edits[i], x) && conflicts(&pf->edits[i], x))
            return "it overlaps another fix (run --fix again to apply it)";
    return NULL;
}

static void add_edit(plan_file *pf, const cl_fix *x, size_t finding)
{
    bool dup = false;
    for (size_t i = 0; i < pf->n_edits; i++)
        dup |= same_edit(&pf->edits[i], x);
    if (!dup) {
        pf->edits = cl_xrealloc(pf->edits, (pf->n_edits + 1) * sizeof *pf->edits);
        pf->edits[pf->n_edits++] = (edit){x->offset, x->length, x->text};
    }
    if (!pf->n_findings || pf->findings[pf->n_findings - 1] != finding) {
        pf->findings = cl_xrealloc(pf->findings, (pf->n_findings + 1) * sizeof *pf->findings);
        pf->findings[pf->n_findings++] = finding;
    }
}

static int cmp_edit(const void *pa, const void *pb)
{
    const edit *a = pa, *b = pb;
    return a->off < b->off ? -1 : a->off > b->off;
}

static void build_new_text(plan_file *pf)
{
    qsort(pf->edits, pf->n_edits, sizeof *pf->edits, cmp_edit);
    size_t cap = pf->old_len + 1;
    for (size_t i = 0; i < pf->n_edits; i++)
        cap += strlen(pf->edits[i].text);
    pf->new_text = cl_xmalloc(cap);
    size_t o = 0, at = 0;
    for (size_t i = 0; i < pf->n_edits; i++) {
        const edit *d = &pf->edits[i];
        memcpy(pf->new_text + o, pf->old + at, d->off - at);
        o += d->off - at;
        size_t t = strlen(d->text);
        memcpy(pf->new_text + o, d->text, t);
        o += t;
        at = (size_t)d->off + d->len;
    }
    memcpy(pf->new_text + o, pf->old + at, pf->old_len - at);
    o += pf->old_len - at;
    pf->new_text[o] = '\0';
    pf->new_len = o;
}

cl_fix_plan *cl_fix_plan_build(const cl_findings *findings, const char *root, FILE *log)
{
    cl_fix_plan *p = cl_xcalloc(1, sizeof *p);
    for (size_t i = 0; i < findings->n; i++) {
        const cl_finding *f = &findings->v[i];
        const char *why = NULL;
        const cl_fix *bad = NULL;
        /* A finding's fixes go in together or not at all. */
        for (size_t x = 0; x < f->n_fixes && !why; x++) {
            why = check_fix(p, &f->fixes[x], root);
            for (size_t y = 0; y < x && !why; y++)
                if (strcmp(f->fixes[y].file, f->fixes[x].file) == 0 &&
                    conflicts(&(edit){f->fixes[y].offset, f->fixes[y].length, f->fixes[y].text},
                              &f->fixes[x]))
                    why = "its own edits overlap";
            if (why)
                bad = &f->fixes[x];
        }
        if (why) {
            fprintf(log, "ctxlint: warning: %s:%u:%u: not fixed [%s]: %s\n", bad->file,
                    f->begin.line, f->begin.col, f->rule, why);
            continue;
        }
        for (size_t x = 0; x < f->n_fixes; x++)
            add_edit(file_of(p, f->fixes[x].file, root), &f->fixes[x], i);
        if (f->n_fixes)
            p->n_fixed++;
    }
    for (size_t i = 0; i < p->n_files; i++)
        if (p->files[i].n_edits)
            build_new_text(&p->files[i]);
    return p;
}

size_t cl_fix_plan_count(const cl_fix_plan *p)
{
    return p->n_fixed;
}

/* ---- unified diff ---- */

/* Start of the line holding byte `pos`. */
static size_t line_start(const char *t, size_t pos)
{
    while (pos > 0 && t[pos - 1] != '\n')
        pos--;
    return pos;
}

/* End (past its newline) of the line holding byte `pos`; `len` at the end of the text. */
static size_t line_end(const char *t, size_t len, size_t pos)
{
    while (pos < len && t[pos] != '\n')
        pos++;
    return pos < len ? pos + 1 : len;
}

static unsigned line_number(const char *t, size_t pos)
{
    unsigned n = 1;
    for (size_t i = 0; i < pos; i++)
        n += t[i] == '\n';
    return n;
}

static unsigned count_lines(const char *t, size_t b, size_t e)
{
    unsigned n = 0;
    for (size_t i = b; i < e; i++)
        n += t[i] == '\n';
    return n + (e > b && t[e - 1] != '\n');
}

/* Whole lines [b, e) of `t`, each prefixed with `mark`. */
static void print_lines(FILE *out, char mark, const char *t, size_t b, size_t e)
{
    while (b < e) {
        size_t n = line_end(t, e, b);
        fputc(mark, out);
        fwrite(t + b, 1, n - b, out);
        if (t[n - 1] != '\n')
            fputs("\n\\ No newline at end of file\n", out);
        b = n;
    }
}

/* A changed block: old bytes [ob, oe) and new bytes [nb, ne), whole lines of each. */
typedef struct block {
    size_t ob, oe, nb, ne;
} block;

/* The start of the line `k` lines before the one starting at `pos` (stops at the top). */
static size_t lines_back(const char *t, size_t pos, unsigned k)
{
    while (k-- > 0 && pos > 0)
        pos = line_start(t, pos - 1);
    return pos;
}

static size_t lines_forward(const char *t, size_t len, size_t pos, unsigned k)
{
    while (k-- > 0 && pos < len)
        pos = line_end(t, len, pos);
    return pos;
}

static void print_hunk(FILE *out, const plan_file *pf, const block *v, size_t n)
{
    const char *o = pf->old, *w = pf->new_text;
    size_t ob = lines_back(o, v[0].ob, CONTEXT);
    size_t oe = lines_forward(o, pf->old_len, v[n - 1].oe, CONTEXT);
    /* The context is the same text on both sides. */
    size_t nb = v[0].nb - (v[0].ob - ob);
    size_t ne = v[n - 1].ne + (oe - v[n - 1].oe);
    unsigned ol = line_number(o, ob), nl = line_number(w, nb);
    unsigned oc = count_lines(o, ob, oe), nc = count_lines(w, nb, ne);
    /* An empty side names the line before it, as diff does. */
    fprintf(out, "@@ -%u,%u +%u,%u @@\n", oc ? ol : ol - 1, oc, nc ? nl : nl - 1, nc);
    size_t at = ob;
    for (size_t i = 0; i < n; i++) {
        print_lines(out, ' ', o, at, v[i].ob);
        print_lines(out, '-', o, v[i].ob, v[i].oe);
        print_lines(out, '+', w, v[i].nb, v[i].ne);
        at = v[i].oe;
    }
    print_lines(out, ' ', o, at, oe);
}

static void diff_file(FILE *out, const plan_file *pf)
{
    block *v = cl_xcalloc(pf->n_edits, sizeof *v);
    size_t n = 0;
    long long delta = 0; /* new offset - old offset before the current edit */
    for (size_t i = 0; i < pf->n_edits; i++) {
        const edit *d = &pf->edits[i];
        size_t ls = line_start(pf->old, d->off);
        size_t last = d->len ? d->off + d->len - 1 : d->off;
        size_t le = line_end(pf->old, pf->old_len, last);
        long long after = delta + (long long)strlen(d->text) - (long long)d->len;
        if (n && ls < v[n - 1].oe) {
            if (le > v[n - 1].oe)
                v[n - 1].oe = le;
        } else {
            v[n].ob = ls;
            v[n].oe = le;
            v[n].nb = (size_t)((long long)ls + delta);
            n++;
        }
        v[n - 1].ne = (size_t)((long long)v[n - 1].oe + after);
        delta = after;
    }
    fprintf(out, "--- a/%s\n+++ b/%s\n", pf->rel, pf->rel);
    size_t first = 0;
    for (size_t i = 1; i <= n; i++) {
        /* Blocks whose contexts touch (at most 2 * CONTEXT lines apart) share a hunk. */
        if (i < n && count_lines(pf->old, v[i - 1].oe, v[i].ob) <= 2 * CONTEXT)
            continue;
        print_hunk(out, pf, v + first, i - first);
        first = i;
    }
    free(v);
}

int cl_fix_plan_diff(const cl_fix_plan *p, FILE *out)
{
    for (size_t i = 0; i < p->n_files; i++) {
        const plan_file *pf = &p->files[i];
        if (pf->n_edits &&
            (pf->new_len != pf->old_len || memcmp(pf->new_text, pf->old, pf->old_len)))
            diff_file(out, pf);
    }
    return ferror(out) ? -1 : 0;
}

/* ---- applying ---- */

typedef struct fixed_set {
    const cl_findings *all;
    bool *fixed;
} fixed_set;

static bool keep_unfixed(const cl_finding *f, void *arg)
{
    fixed_set *s = arg;
    return !s->fixed[f - s->all->v];
}

/* A test seam: with CTXLINT_FIX_BARRIER=PATH, announce PATH.ready and wait (at most a minute)
 * for PATH to exist before fixing, so a test can change a file exactly between the parse and
 * the fix instead of racing a timer. */
static void wait_for_barrier(void)
{
    const char *barrier = getenv("CTXLINT_FIX_BARRIER");
    if (!barrier || !*barrier)
        return;
    char *ready = cl_xasprintf("%s.ready", barrier);
    FILE *f = fopen(ready, "w");
    if (f)
        fclose(f);
    free(ready);
    for (int i = 0; i < 6000 && access(barrier, F_OK) != 0; i++) {
        struct timespec ts = {0, 10 * 1000 * 1000};
        nanosleep(&ts, NULL);
    }
}

int cl_fix_plan_apply(cl_fix_plan *p, cl_findings *findings, FILE *log, size_t *n_fixed)
{
    int rc = 0;
    wait_for_barrier();
    bool *fixed = cl_xcalloc(findings->n ? findings->n : 1, sizeof *fixed);
    for (size_t i = 0; i < p->n_files; i++) {
        plan_file *pf = &p->files[i];
        if (!pf->n_edits)
            continue;
        /* The file may have changed while we linted: check again just before replacing it. */
        char *now = NULL;
        size_t now_len = 0;
        FILE *f = fopen(pf->path, "rb");
        bool same =
            f && cl_read_stream(f, &now, &now_len) == 0 && XXH64(now, now_len, 0) == pf->old_hash;
        if (f)
            fclose(f);
        free(now);
        if (!same) {
            fprintf(log, "ctxlint: warning: %s: not fixed: the file changed while it was linted\n",
                    pf->path);
            continue;
        }
        if (cl_write_file_atomic(pf->path, pf->new_text, pf->new_len) != 0) {
            fprintf(log, "ctxlint: error: %s: cannot write the fixed file: %s\n", pf->path,
                    strerror(errno));
            rc = -1;
            continue;
        }
        pf->written = true;
    }
    /* A finding is fixed when every file its fixes touch was written. */
    for (size_t i = 0; i < p->n_files; i++)
        for (size_t j = 0; j < p->files[i].n_findings; j++) {
            const cl_finding *f = &findings->v[p->files[i].findings[j]];
            bool all = true;
            for (size_t x = 0; x < f->n_fixes; x++)
                for (size_t k = 0; k < p->n_files; k++)
                    if (strcmp(p->files[k].path, f->fixes[x].file) == 0 && !p->files[k].written)
                        all = false;
            fixed[p->files[i].findings[j]] = all;
        }
    size_t before = findings->n;
    fixed_set s = {findings, fixed};
    cl_findings_filter(findings, keep_unfixed, &s);
    *n_fixed = before - findings->n;
    free(fixed);
    return rc;
}

void cl_fix_plan_free(cl_fix_plan *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_files; i++) {
        free(p->files[i].old);
        free(p->files[i].new_text);
        free(p->files[i].edits);
        free(p->files[i].findings);
    }
    free(p->files);
    free(p);
}

cl_fix_plan *cl_fix_run(const cl_options *opt, cl_findings *findings, const char *root,
                        bool *failed)
{
    if (!opt->fix && !opt->fix_dry_run)
        return NULL;
    cl_fix_plan *plan = cl_fix_plan_build(findings, root, stderr);
    if (opt->fix_dry_run)
        return plan;
    size_t n = 0;
    if (cl_fix_plan_apply(plan, findings, stderr, &n) != 0)
        *failed = true;
    if (!opt->quiet)
        fprintf(stderr, "ctxlint: fixed %zu finding%s\n", n, n == 1 ? "" : "s");
    cl_fix_plan_free(plan);
    return NULL;
}
