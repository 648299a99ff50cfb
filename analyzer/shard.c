/* Deterministic sharding of the units (see shard.h). */
#include "shard.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "output.h"
#include "root.h"
#include "serial.h"
#include "source.h"
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

/* A state file: magic, format, the writing ctxlint's version (facts of another version are not
 * comparable), the findings and facts, and an XXH3 checksum of everything before it. */
#define STATE_MAGIC "CTXLSHRD"
#define STATE_FORMAT 1u

int cl_shard_state_write(const char *path, const cl_findings *findings, const cl_facts *facts,
                         char **err)
{
    cl_wbuf b = {0};
    cl_put(&b, STATE_MAGIC, 8);
    cl_put_u32(&b, STATE_FORMAT);
    cl_put_str(&b, CTXLINT_VERSION);
    cl_put_findings(&b, findings);
    cl_put_facts(&b, facts);
    cl_put_u64(&b, XXH3_64bits(b.p, b.n));
    int rc = cl_write_file_atomic(path, b.p, b.n);
    if (rc != 0)
        *err = cl_xasprintf("ctxlint: error: %s: cannot write the shard state: %s", path,
                            strerror(errno));
    free(b.p);
    return rc;
}

int cl_shard_state_read(const char *path, cl_findings *findings, cl_facts *facts, char **err)
{
    FILE *f = fopen(path, "rb");
    char *data = NULL;
    size_t len = 0;
    if (!f || cl_read_stream(f, &data, &len) != 0) {
        *err = cl_xasprintf("ctxlint: error: %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return -1;
    }
    fclose(f);
    const char *why = NULL;
    cl_rbuf b = {(const unsigned char *)data, len, 0, false};
    char *version = NULL;
    if (len < 8 + 4 + 8 || memcmp(data, STATE_MAGIC, 8) != 0) {
        why = "not a shard state (written by --shard-state)";
    } else {
        cl_rbuf tail = {(const unsigned char *)data, len, len - 8, false};
        uint64_t sum = cl_get_u64(&tail);
        b.at = 8;
        b.n = len - 8; /* the checksum is not payload */
        if (XXH3_64bits(data, len - 8) != sum)
            why = "damaged (its checksum does not match)";
        else if (cl_get_u32(&b) != STATE_FORMAT)
            why = "written in another state format";
        else if (!(version = cl_get_str_nn(&b)) || strcmp(version, CTXLINT_VERSION) != 0)
            why = "written by another version of ctxlint: re-run the shards with this one";
    }
    if (!why) {
        cl_findings got = {0};
        cl_facts got_facts = {0};
        cl_get_findings(&b, &got);
        cl_get_facts(&b, &got_facts);
        if (b.bad || b.at != b.n) {
            why = "damaged (its contents do not parse)";
            cl_findings_free(&got);
            cl_facts_free(&got_facts);
        } else {
            cl_findings_move(findings, &got);
            cl_facts_move(facts, &got_facts);
        }
    }
    free(version);
    free(data);
    if (why) {
        *err = cl_xasprintf("ctxlint: error: %s: %s", path, why);
        return -1;
    }
    return 0;
}
