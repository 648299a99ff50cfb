/* Cross-file facts store (see facts.h): an array sorted once, searched by binary search. */
#include "facts.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

void cl_facts_add(cl_facts *fs, const char *rule, const char *kind, const char *key, int index,
                  const char *data)
{
    if (fs->n == fs->cap) {
        fs->cap = fs->cap ? 2 * fs->cap : 16;
        fs->v = cl_xrealloc(fs->v, fs->cap * sizeof *fs->v);
    }
    cl_fact *f = &fs->v[fs->n++];
    f->rule = rule;
    f->kind = cl_xstrdup(kind);
    f->key = cl_xstrdup(key);
    f->index = index;
    f->data = data ? cl_xstrdup(data) : NULL;
    fs->sorted = 0;
}

void cl_facts_move(cl_facts *to, cl_facts *from)
{
    for (size_t i = 0; i < from->n; i++) {
        if (to->n == to->cap) {
            to->cap = to->cap ? 2 * to->cap : 16;
            to->v = cl_xrealloc(to->v, to->cap * sizeof *to->v);
        }
        to->v[to->n++] = from->v[i];
    }
    to->sorted = 0;
    free(from->v);
    memset(from, 0, sizeof *from);
}

static int cmp_head(const char *rule, const char *kind, const char *key, const cl_fact *b)
{
    int c = strcmp(rule, b->rule);
    if (!c)
        c = strcmp(kind, b->kind);
    if (!c)
        c = strcmp(key, b->key);
    return c;
}

static int cmp_fact(const void *pa, const void *pb)
{
    const cl_fact *a = pa, *b = pb;
    int c = cmp_head(a->rule, a->kind, a->key, b);
    if (c)
        return c;
    if (a->index != b->index)
        return a->index < b->index ? -1 : 1;
    return strcmp(a->data ? a->data : "", b->data ? b->data : "");
}

void cl_facts_sort(cl_facts *fs)
{
    if (fs->n > 1)
        qsort(fs->v, fs->n, sizeof *fs->v, cmp_fact);
    fs->sorted = 1;
}

const cl_fact *cl_facts_find(const cl_facts *fs, const char *rule, const char *kind,
                             const char *key, size_t *n)
{
    *n = 0;
    size_t lo = 0, hi = fs->n;
    while (lo < hi) { /* first element not less than the head */
        size_t mid = lo + (hi - lo) / 2;
        if (cmp_head(rule, kind, key, &fs->v[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    size_t end = lo;
    while (end < fs->n && cmp_head(rule, kind, key, &fs->v[end]) == 0)
        end++;
    *n = end - lo;
    return *n ? &fs->v[lo] : NULL;
}

bool cl_facts_has(const cl_facts *fs, const char *rule, const char *kind, const char *key)
{
    size_t n = 0;
    cl_facts_find(fs, rule, kind, key, &n);
    return n > 0;
}

void cl_facts_free(cl_facts *fs)
{
    for (size_t i = 0; i < fs->n; i++) {
        free(fs->v[i].kind);
        free(fs->v[i].key);
        free(fs->v[i].data);
    }
    free(fs->v);
    memset(fs, 0, sizeof *fs);
}
