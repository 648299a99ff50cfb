/* Shared precompiled system headers (see pch.h). The jobs are planned once, on the first
 * request: each eligible unit's leading system includes are read and units are grouped by
 * (flags, include list); only groups of two or more get a PCH. A PCH is built by the first
 * worker that needs it, in that worker's index, while the others wanting it wait. */
#include "pch.h"

#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xxhash.h>

#include "parse.h"
#include "xalloc.h"

#define PREFIX_READ (64 * 1024)
/* Building a PCH costs about one and a half parses of its headers and each unit that uses it
 * saves about half of one (callgrind, bench/lint/README.md): fewer users lose time. */
#define CL_PCH_MIN_USERS 4

typedef enum { PCH_UNBUILT, PCH_BUILDING, PCH_READY, PCH_FAILED } pch_state;

typedef struct group {
    XXH128_hash_t key;
    size_t users;
    pch_state state;
    char *path; /* the .pch file */
    char **deps;
    size_t n_deps;
    char **names; /* the includes, from the first unit seen */
    size_t n_names;
    size_t first_job;
} group;

struct cl_pch {
    const cl_jobs *jobs;
    pthread_mutex_t lock;
    pthread_cond_t built;
    bool planned;
    long *group_of; /* per job: index in groups, or -1 */
    group *groups;
    size_t n_groups, cap_groups;
    char *dir; /* temporary folder, made with the first PCH */
};

cl_pch *cl_pch_new(const cl_jobs *jobs)
{
    cl_pch *p = cl_xcalloc(1, sizeof *p);
    p->jobs = jobs;
    pthread_mutex_init(&p->lock, NULL);
    pthread_cond_init(&p->built, NULL);
    return p;
}

static void free_names(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

void cl_pch_free(cl_pch *p)
{
    if (!p)
        return;
    for (size_t i = 0; i < p->n_groups; i++) {
        group *g = &p->groups[i];
        if (g->path) {
            unlink(g->path);
            char *h = cl_xasprintf("%.*s.h", (int)(strlen(g->path) - 4), g->path);
            unlink(h);
            free(h);
        }
        free(g->path);
        free_names(g->deps, g->n_deps);
        free_names(g->names, g->n_names);
    }
    if (p->dir)
        rmdir(p->dir);
    free(p->dir);
    free(p->groups);
    free(p->group_of);
    pthread_cond_destroy(&p->built);
    pthread_mutex_destroy(&p->lock);
    free(p);
}

/* ---- The leading system includes of a unit ---- */

static const char *skip_space(const char *s, const char *end)
{
    while (s < end && (*s == ' ' || *s == '\t' || *s == '\r' || *s == '\n' || *s == '\f'))
        s++;
    return s;
}

/* True when <name> is found under one of the non-system include folders of argv: then it is
 * the project's own header, which must be parsed (and walked) in the unit. */
static bool in_user_dirs(const char *name, char **argv, int argc)
{
    for (int i = 1; i < argc; i++) {
        const char *dir = NULL;
        if ((strcmp(argv[i], "-I") == 0 || strcmp(argv[i], "-idirafter") == 0) && i + 1 < argc)
            dir = argv[++i];
        else if (strncmp(argv[i], "-I", 2) == 0)
            dir = argv[i] + 2;
        if (!dir)
            continue;
        char *path = cl_xasprintf("%s/%s", dir, name);
        struct stat st;
        bool found = stat(path, &st) == 0;
        free(path);
        if (found)
            return true;
    }
    return false;
}

size_t cl_pch_prefix(const char *text, size_t len, char **argv, int argc, char ***names)
{
    const char *s = text, *end = text + len;
    size_t n = 0, cap = 0;
    *names = NULL;
    for (;;) {
        s = skip_space(s, end);
        if (end - s >= 2 && s[0] == '/' && s[1] == '/') {
            const char *nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl)
                break;
            s = nl + 1;
            continue;
        }
        if (end - s >= 2 && s[0] == '/' && s[1] == '*') {
            const char *close = NULL;
            for (const char *q = s + 2; q + 1 < end && !close; q++)
                if (q[0] == '*' && q[1] == '/')
                    close = q;
            if (!close)
                break;
            s = close + 2;
            continue;
        }
        if (s >= end || *s != '#')
            break;
        const char *q = s + 1;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (end - q < 8 || strncmp(q, "include", 7) != 0)
            break;
        q += 7;
        while (q < end && (*q == ' ' || *q == '\t'))
            q++;
        if (q >= end || *q != '<')
            break;
        const char *close = q + 1;
        while (close < end && *close != '>' && *close != '\n')
            close++;
        if (close >= end || *close != '>' || close == q + 1)
            break;
        char *name = cl_xstrndup(q + 1, (size_t)(close - q - 1));
        if (in_user_dirs(name, argv, argc)) {
            free(name);
            break;
        }
        *names = cl_xgrow(*names, n, &cap, sizeof **names);
        (*names)[n++] = name;
        s = close + 1;
        /* Only blanks or a comment may follow on the line: checked by the next turn. */
        const char *t = s;
        while (t < end && (*t == ' ' || *t == '\t' || *t == '\r'))
            t++;
        if (t < end && *t != '\n' && *t != '/')
            break;
    }
    return n;
}

/* C units only, with no option that changes what comes before the main file. */
static bool eligible(const cl_job *job)
{
    size_t len = strlen(job->file);
    if (job->is_header || job->argc < 2 || len < 3 || strcmp(job->file + len - 2, ".c") != 0)
        return false;
    const char *slash = strrchr(job->argv[0], '/');
    if (strstr(slash ? slash + 1 : job->argv[0], "++"))
        return false;
    for (int i = 1; i < job->argc - 1; i++) {
        const char *a = job->argv[i];
        if (strncmp(a, "-include", 8) == 0 || strncmp(a, "-imacros", 8) == 0 ||
            strcmp(a, "-x") == 0 || strncmp(a, "-nostdinc", 9) == 0 ||
            strncmp(a, "-fmodules", 9) == 0 || strcmp(a, "-emit-ast") == 0)
            return false;
    }
    return true;
}

static char *read_head(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    char *buf = cl_xmalloc(PREFIX_READ);
    *len = fread(buf, 1, PREFIX_READ, f);
    fclose(f);
    return buf;
}

static XXH128_hash_t group_key(const cl_job *job, char **names, size_t n)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset(st);
    for (int i = 0; i < job->argc - 1; i++) /* all but the file, which is last */
        XXH3_128bits_update(st, job->argv[i], strlen(job->argv[i]) + 1);
    XXH3_128bits_update(st, "\n", 1);
    for (size_t i = 0; i < n; i++)
        XXH3_128bits_update(st, names[i], strlen(names[i]) + 1);
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    return h;
}

/* Groups the jobs by their PCH key; called once, with the lock held. */
static void plan(cl_pch *p)
{
    p->planned = true;
    p->group_of = cl_xcalloc(p->jobs->n ? p->jobs->n : 1, sizeof *p->group_of);
    for (size_t i = 0; i < p->jobs->n; i++) {
        const cl_job *job = &p->jobs->v[i];
        p->group_of[i] = -1;
        size_t len = 0;
        char *text = eligible(job) ? read_head(job->file, &len) : NULL;
        if (!text)
            continue;
        char **names = NULL;
        size_t n = cl_pch_prefix(text, len, job->argv, job->argc, &names);
        free(text);
        if (n == 0) {
            free(names);
            continue;
        }
        XXH128_hash_t key = group_key(job, names, n);
        size_t g = 0;
        while (g < p->n_groups && !XXH128_isEqual(p->groups[g].key, key))
            g++;
        if (g == p->n_groups) {
            p->groups = cl_xgrow(p->groups, p->n_groups, &p->cap_groups, sizeof *p->groups);
            p->groups[g] = (group){.key = key, .names = names, .n_names = n, .first_job = i};
            p->n_groups++;
        } else {
            free_names(names, n);
        }
        p->groups[g].users++;
        p->group_of[i] = (long)g;
    }
}

/* ---- Building ---- */

typedef struct pch_deps {
    CXTranslationUnit tu;
    const char *header;
    char **v;
    size_t n, cap;
    bool all_system;
} pch_deps;

static void collect(CXFile f, CXSourceLocation *stack, unsigned depth, CXClientData arg)
{
    (void)stack;
    pch_deps *d = arg;
    if (depth == 0)
        return; /* the synthetic header itself */
    CXString s = clang_getFileName(f);
    const char *name = clang_getCString(s);
    if (name && strcmp(name, d->header) != 0) {
        if (!clang_Location_isInSystemHeader(clang_getLocationForOffset(d->tu, f, 0)))
            d->all_system = false;
        d->v = cl_xgrow(d->v, d->n, &d->cap, sizeof *d->v);
        d->v[d->n++] = cl_xstrdup(name);
    }
    clang_disposeString(s);
}

static bool has_errors(CXTranslationUnit tu)
{
    bool bad = false;
    for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n && !bad; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        bad = clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error;
        clang_disposeDiagnostic(d);
    }
    return bad;
}

/* Called without the lock: only this thread touches `g` while it is BUILDING. */
static bool build(cl_pch *p, group *g, CXIndex idx, const char *dir)
{
    const cl_job *job = &p->jobs->v[g->first_job];
    char hex[33];
    snprintf(hex, sizeof hex, "%016llx%016llx", (unsigned long long)g->key.high64,
             (unsigned long long)g->key.low64);
    char *header = cl_xasprintf("%s/%s.h", dir, hex);
    g->path = cl_xasprintf("%s/%s.pch", dir, hex);
    size_t tlen = 0;
    for (size_t i = 0; i < g->n_names; i++)
        tlen += strlen(g->names[i]) + 12;
    char *text = cl_xmalloc(tlen + 1), *t = text;
    for (size_t i = 0; i < g->n_names; i++)
        t += sprintf(t, "#include <%s>\n", g->names[i]);
    FILE *f = fopen(header, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    free(text);

    const char *rdir = cl_resource_dir();
    const char **argv = cl_xcalloc((size_t)job->argc + 6, sizeof *argv);
    int argc = 0;
    argv[argc++] = job->argv[0];
    if (rdir) {
        argv[argc++] = "-resource-dir";
        argv[argc++] = rdir;
    }
    for (int i = 1; i < job->argc - 1; i++)
        argv[argc++] = job->argv[i];
    argv[argc++] = "-x";
    argv[argc++] = "c-header";
    argv[argc++] = header;
    CXTranslationUnit tu = NULL;
    if (ok)
        ok = clang_parseTranslationUnit2FullArgv(idx, NULL, argv, argc, NULL, 0,
                                                 CXTranslationUnit_Incomplete |
                                                     CXTranslationUnit_ForSerialization,
                                                 &tu) == CXError_Success &&
             tu && !has_errors(tu);
    free(argv);
    pch_deps d = {tu, header, NULL, 0, 0, true};
    if (ok) {
        clang_getInclusions(tu, collect, &d);
        ok = d.all_system && d.n > 0 &&
             clang_saveTranslationUnit(tu, g->path, clang_defaultSaveOptions(tu)) ==
                 CXSaveError_None;
    }
    if (tu)
        clang_disposeTranslationUnit(tu);
    free(header);
    g->deps = d.v;
    g->n_deps = d.n;
    return ok;
}

const char *cl_pch_for(cl_pch *p, CXIndex idx, size_t i, char *const **deps, size_t *n_deps)
{
    *deps = NULL;
    *n_deps = 0;
    pthread_mutex_lock(&p->lock);
    if (!p->planned)
        plan(p);
    long gi = i < p->jobs->n ? p->group_of[i] : -1;
    group *g = gi >= 0 ? &p->groups[gi] : NULL;
    if (!g || g->users < CL_PCH_MIN_USERS) {
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    if (!p->dir) {
        const char *tmp = getenv("TMPDIR");
        char *tmpl = cl_xasprintf("%s/ctxlint-pch-XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (mkdtemp(tmpl))
            p->dir = tmpl;
        else
            free(tmpl);
    }
    if (!p->dir) {
        pthread_mutex_unlock(&p->lock);
        return NULL;
    }
    if (g->state == PCH_UNBUILT) {
        g->state = PCH_BUILDING;
        const char *dir = p->dir;
        pthread_mutex_unlock(&p->lock);
        bool ok = build(p, g, idx, dir);
        pthread_mutex_lock(&p->lock);
        g = &p->groups[gi];
        g->state = ok ? PCH_READY : PCH_FAILED;
        pthread_cond_broadcast(&p->built);
    }
    while (g->state == PCH_BUILDING) {
        pthread_cond_wait(&p->built, &p->lock);
        g = &p->groups[gi];
    }
    const char *path = g->state == PCH_READY ? g->path : NULL;
    if (path) {
        *deps = g->deps;
        *n_deps = g->n_deps;
    }
    pthread_mutex_unlock(&p->lock);
    return path;
}

int cl_pch_parse(cl_pch *p, CXIndex idx, size_t i, cl_parse_result *out, char *const **deps,
                 size_t *n_deps)
{
    const cl_job *job = &p->jobs->v[i];
    const char *pch = cl_pch_for(p, idx, i, deps, n_deps);
    if (pch) {
        cl_job with = *job;
        with.argv = cl_xcalloc((size_t)job->argc + 3, sizeof *with.argv);
        with.argv[0] = job->argv[0];
        with.argv[1] = "-include-pch";
        with.argv[2] = (char *)pch;
        memcpy(with.argv + 3, job->argv + 1, (size_t)(job->argc - 1) * sizeof *job->argv);
        with.argc = job->argc + 2;
        int rc = cl_parse_job(idx, &with, NULL, 0, out);
        free(with.argv);
        if (rc == 0 && !out->has_errors)
            return 0;
        cl_parse_result_free(out); /* e.g. a stale or unreadable PCH: the ordinary way */
        *deps = NULL;
        *n_deps = 0;
    }
    return cl_parse_job(idx, job, NULL, 0, out);
}
