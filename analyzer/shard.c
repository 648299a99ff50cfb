/* Deterministic sharding of the units (see shard.h). */
#include "shard.h"

#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "root.h"
#include "xalloc.h"

int cl_shard_parse(const char *s, unsigned *k, unsigned *n)
{
    char *end;
    unsigned long a = strtoul(s, &end, 10);
    if (end == s || *end != '/')
        return -1;
    const char *t = end + 1;
    unsigned long b = strtoul(t, &end, 10);
    if (end == t || *end || a < 1 || b < 1 || a > b || b > 100000)
        return -1;
    *k = (unsigned)a;
    *n = (unsigned)b;
    return 0;
}

bool cl_shard_owns(const char *file, const char *root, unsigned k, unsigned n)
{
    const char *rel = root ? cl_root_relative(file, root) : NULL;
    const char *key = rel ? rel : file;
    return XXH64(key, strlen(key), 0) % n == (unsigned long long)(k - 1);
}

void cl_shard_jobs(cl_jobs *jobs, const char *root, unsigned k, unsigned n)
{
    cl_jobs others = {cl_xcalloc(jobs->n ? jobs->n : 1, sizeof(cl_job)), 0};
    size_t kept = 0;
    for (size_t i = 0; i < jobs->n; i++) {
        if (cl_shard_owns(jobs->v[i].file, root, k, n))
            jobs->v[kept++] = jobs->v[i];
        else
            others.v[others.n++] = jobs->v[i];
    }
    jobs->n = kept;
    cl_jobs_free(&others);
}

static bool unconditional(const cl_finding *f, void *arg)
{
    (void)arg;
    return !f->cond_kind;
}

void cl_shard_drop_conditional(cl_findings *findings)
{
    cl_findings_filter(findings, unconditional, NULL);
}
