/* The result cache (see cache.h). An entry file is
 *   magic "CTXLCACH", u32 format version, 16-byte key, u64 payload length, u64 XXH3 of payload
 * then the payload: the included files (path, XXH3 of content), the findings, the facts. All
 * integers little-endian, strings as u32 length (0xffffffff for NULL) + bytes. Reading checks
 * every length against the buffer, so a truncated or tampered entry is a miss, not a crash. */
#include "cache.h"

#include "serial.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <xxhash.h>

#include "output.h"
#include "registry.h"
#include "xalloc.h"

#define CACHE_MAGIC "CTXLCACH"
#define CACHE_FORMAT 1u
#define CACHE_HEADER (8 + 4 + 16 + 8 + 8)

/* ---- Content hashes of files, memoised per run (a header is hashed once, not per unit). ---- */

typedef struct file_hash {
    char *path;
    uint64_t hash;
    bool ok;
} file_hash;

typedef struct cfg_hash {
    const cl_config *cfg;
    uint64_t hash;
} cfg_hash;

struct cl_cache {
    char *dir;
    uint64_t max_bytes;
    XXH128_hash_t base; /* tool build, libclang */
    bool wrote;
    pthread_mutex_t lock; /* guards memo */
    file_hash *memo;      /* open addressing, power-of-two size */
    size_t memo_n, memo_cap;
    cfg_hash *cfgs; /* guarded by lock */
    size_t n_cfgs, cap_cfgs;
};

static bool hash_file(const char *path, uint64_t *out)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    XXH3_state_t *st = XXH3_createState();
    XXH3_64bits_reset(st);
    char buf[1 << 16];
    ssize_t n;
    bool ok = true;
    while ((n = read(fd, buf, sizeof buf)) != 0) {
        if (n < 0) {
            if (errno == EINTR)
                continue;
            ok = false;
            break;
        }
        XXH3_64bits_update(st, buf, (size_t)n);
    }
    close(fd);
    *out = XXH3_64bits_digest(st);
    XXH3_freeState(st);
    return ok;
}

static void memo_insert(cl_cache *c, const file_hash *e)
{
    size_t mask = c->memo_cap - 1;
    for (size_t i = XXH3_64bits(e->path, strlen(e->path)) & mask;; i = (i + 1) & mask)
        if (!c->memo[i].path) {
            c->memo[i] = *e;
            c->memo_n++;
            return;
        }
}

/* The memoised entry for `path`, or NULL; called with the lock held. */
static const file_hash *memo_find(const cl_cache *c, const char *path, uint64_t h)
{
    if (!c->memo_cap)
        return NULL;
    size_t mask = c->memo_cap - 1;
    for (size_t i = h & mask; c->memo[i].path; i = (i + 1) & mask)
        if (strcmp(c->memo[i].path, path) == 0)
            return &c->memo[i];
    return NULL;
}

/* The content hash of `path` as this run first saw it. */
static bool file_hash_of(cl_cache *c, const char *path, uint64_t *out)
{
    size_t len = strlen(path);
    uint64_t h = XXH3_64bits(path, len);
    pthread_mutex_lock(&c->lock);
    const file_hash *m = memo_find(c, path, h);
    file_hash e = m ? *m : (file_hash){NULL, 0, false};
    pthread_mutex_unlock(&c->lock);
    if (m) {
        *out = e.hash;
        return e.ok;
    }

    /* Hashed outside the lock; two threads may both hash a file, the first insert wins. */
    e.ok = hash_file(path, &e.hash);
    pthread_mutex_lock(&c->lock);
    if ((m = memo_find(c, path, h)) != NULL) {
        e = *m;
    } else {
        if (2 * (c->memo_n + 1) > c->memo_cap) {
            file_hash *old = c->memo;
            size_t old_cap = c->memo_cap;
            c->memo_cap = old_cap ? 2 * old_cap : 256;
            c->memo = cl_xcalloc(c->memo_cap, sizeof *c->memo);
            c->memo_n = 0;
            for (size_t i = 0; i < old_cap; i++)
                if (old[i].path)
                    memo_insert(c, &old[i]);
            free(old);
        }
        e.path = cl_xstrndup(path, len);
        memo_insert(c, &e);
    }
    pthread_mutex_unlock(&c->lock);
    *out = e.hash;
    return e.ok;
}

/* ---- Keys ---- */

static void hash_str(XXH3_state_t *st, const char *s)
{
    uint32_t n = s ? (uint32_t)strlen(s) : UINT32_MAX; /* a NULL hashes apart from "" */
    XXH3_128bits_update(st, &n, sizeof n);
    if (s)
        XXH3_128bits_update(st, s, n);
}

static void hash_int(XXH3_state_t *st, int64_t v)
{
    XXH3_128bits_update(st, &v, sizeof v);
}

uint64_t cl_cache_config_hash(const cl_config *cfg)
{
    /* The canonical YAML round-trips to an equal configuration, so it covers every field the
     * configuration has now or gains later; the enabled flags are added in case a rule is
     * turned off without being named in it. */
    char *yaml = cl_config_to_yaml(cfg);
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset(st);
    hash_str(st, yaml ? yaml : "");
    free(yaml);
    for (size_t ri = 0; ri < cl_n_rules; ri++) {
        hash_str(st, cl_rules[ri]->id);
        hash_int(st, cfg->rules[ri].enabled);
        hash_int(st, cfg->rules[ri].severity);
    }
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    return h.low64 ^ h.high64;
}

/* cl_cache_config_hash memoised per configuration (a run has a few, one per .ctxlint.yaml). */
static uint64_t config_hash(cl_cache *c, const cl_config *cfg)
{
    pthread_mutex_lock(&c->lock);
    for (size_t i = 0; i < c->n_cfgs; i++)
        if (c->cfgs[i].cfg == cfg) {
            uint64_t h = c->cfgs[i].hash;
            pthread_mutex_unlock(&c->lock);
            return h;
        }
    pthread_mutex_unlock(&c->lock);
    uint64_t h = cl_cache_config_hash(cfg);
    pthread_mutex_lock(&c->lock);
    c->cfgs = cl_xgrow(c->cfgs, c->n_cfgs, &c->cap_cfgs, sizeof *c->cfgs);
    c->cfgs[c->n_cfgs++] = (cfg_hash){cfg, h};
    pthread_mutex_unlock(&c->lock);
    return h;
}

/* The running ctxlint build itself: a rebuilt rule changes results without a version bump. */
static uint64_t exe_hash;
static void exe_hash_init(void)
{
    if (!hash_file("/proc/self/exe", &exe_hash))
        exe_hash = 0;
}

static XXH128_hash_t job_key(cl_cache *c, const cl_config *cfg, const cl_job *job)
{
    XXH3_state_t *st = XXH3_createState();
    XXH3_128bits_reset(st);
    XXH3_128bits_update(st, &c->base, sizeof c->base);
    hash_int(st, (int64_t)config_hash(c, cfg));
    hash_str(st, job->file);
    hash_int(st, job->is_header);
    hash_str(st, job->unit_file);
    hash_int(st, job->argc);
    for (int i = 0; i < job->argc; i++)
        hash_str(st, job->argv[i]);
    XXH128_hash_t h = XXH3_128bits_digest(st);
    XXH3_freeState(st);
    return h;
}

static char *entry_path(const cl_cache *c, XXH128_hash_t k)
{
    return cl_xasprintf("%s/%016llx%016llx.ctxc", c->dir, (unsigned long long)k.high64,
                        (unsigned long long)k.low64);
}

char *cl_cache_entry_path(cl_cache *c, const cl_config *cfg, const cl_job *job)
{
    return entry_path(c, job_key(c, cfg, job));
}

/* ---- Opening and closing ---- */

char *cl_cache_default_dir(void)
{
    const char *xdg = getenv("XDG_CACHE_HOME");
    if (xdg && xdg[0] == '/')
        return cl_xasprintf("%s/ctxlint", xdg);
    const char *home = getenv("HOME");
    if (home && *home)
        return cl_xasprintf("%s/.cache/ctxlint", home);
    return NULL;
}

static int mkdir_p(const char *dir)
{
    char *p = cl_xstrdup(dir);
    for (char *s = p + 1; *s; s++)
        if (*s == '/') {
            *s = '\0';
            if (mkdir(p, 0755) != 0 && errno != EEXIST) {
                free(p);
                return -1;
            }
            *s = '/';
        }
    free(p);
    return mkdir(dir, 0755) == 0 || errno == EEXIST ? 0 : -1;
}

cl_cache *cl_cache_open(const char *dir, uint64_t max_bytes, char **err)
{
    struct stat st;
    if (mkdir_p(dir) != 0 || stat(dir, &st) != 0 || !S_ISDIR(st.st_mode) ||
        access(dir, W_OK | X_OK) != 0) {
        *err = cl_xasprintf("cache folder %s cannot be used: %s", dir, strerror(errno));
        return NULL;
    }
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, exe_hash_init);

    cl_cache *c = cl_xcalloc(1, sizeof *c);
    c->dir = cl_xstrdup(dir);
    c->max_bytes = max_bytes;
    pthread_mutex_init(&c->lock, NULL);
    XXH3_state_t *h = XXH3_createState();
    XXH3_128bits_reset(h);
    hash_int(h, CACHE_FORMAT);
    hash_str(h, CTXLINT_VERSION);
    hash_int(h, (int64_t)exe_hash);
    CXString v = clang_getClangVersion();
    hash_str(h, clang_getCString(v));
    clang_disposeString(v);
    hash_str(h, CTXLINT_RESOURCE_DIR); /* parse.c may pass it to libclang */
    c->base = XXH3_128bits_digest(h);
    XXH3_freeState(h);
    return c;
}

typedef struct entry_stat {
    char *path;
    off_t size;
    struct timespec mtime;
} entry_stat;

static int by_mtime(const void *a, const void *b)
{
    const entry_stat *x = a, *y = b;
    if (x->mtime.tv_sec != y->mtime.tv_sec)
        return x->mtime.tv_sec < y->mtime.tv_sec ? -1 : 1;
    if (x->mtime.tv_nsec != y->mtime.tv_nsec)
        return x->mtime.tv_nsec < y->mtime.tv_nsec ? -1 : 1;
    return strcmp(x->path, y->path);
}

/* Drops the oldest entries until the folder is at 3/4 of its limit, so that a run does not
 * trim again right away. Temporary files of dead writers older than an hour go too. */
static void trim(const cl_cache *c)
{
    DIR *d = opendir(c->dir);
    if (!d)
        return;
    entry_stat *v = NULL;
    size_t n = 0, cap = 0;
    uint64_t total = 0;
    time_t now = time(NULL);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        size_t len = strlen(de->d_name);
        bool entry = len > 5 && strcmp(de->d_name + len - 5, ".ctxc") == 0;
        bool tmp = !entry && strstr(de->d_name, ".ctxc.ctxlint-tmp.") != NULL;
        if (!entry && !tmp)
            continue;
        char *path = cl_xasprintf("%s/%s", c->dir, de->d_name);
        struct stat st;
        if (stat(path, &st) != 0 || !S_ISREG(st.st_mode)) {
            free(path);
            continue;
        }
        if (tmp) {
            if (now - st.st_mtim.tv_sec > 3600)
                unlink(path);
            free(path);
            continue;
        }
        v = cl_xgrow(v, n, &cap, sizeof *v);
        v[n++] = (entry_stat){path, st.st_size, st.st_mtim};
        total += (uint64_t)st.st_size;
    }
    closedir(d);
    if (total > c->max_bytes) {
        qsort(v, n, sizeof *v, by_mtime);
        uint64_t goal = c->max_bytes / 4 * 3;
        for (size_t i = 0; i < n && total > goal; i++)
            if (unlink(v[i].path) == 0 || errno == ENOENT)
                total -= (uint64_t)v[i].size;
    }
    for (size_t i = 0; i < n; i++)
        free(v[i].path);
    free(v);
}

void cl_cache_close(cl_cache *c)
{
    if (!c)
        return;
    if (c->wrote)
        trim(c);
    for (size_t i = 0; i < c->memo_cap; i++)
        free(c->memo[i].path);
    free(c->memo);
    free(c->cfgs);
    pthread_mutex_destroy(&c->lock);
    free(c->dir);
    free(c);
}

static bool read_entry(const char *path, unsigned char **data, size_t *len)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    struct stat st;
    if (fstat(fd, &st) != 0 || st.st_size < CACHE_HEADER || st.st_size > (1 << 30)) {
        close(fd);
        return false;
    }
    size_t n = (size_t)st.st_size, got = 0;
    unsigned char *p = cl_xmalloc(n);
    while (got < n) {
        ssize_t r = read(fd, p + got, n - got);
        if (r < 0 && errno == EINTR)
            continue;
        if (r <= 0)
            break;
        got += (size_t)r;
    }
    close(fd);
    if (got != n) {
        free(p);
        return false;
    }
    *data = p;
    *len = n;
    return true;
}

bool cl_cache_lookup(cl_cache *c, const cl_config *cfg, const cl_job *job, cl_unit_result *out)
{
    XXH128_hash_t key = job_key(c, cfg, job);
    char *path = entry_path(c, key);
    unsigned char *data = NULL;
    size_t len = 0;
    bool hit = false;
    if (!read_entry(path, &data, &len))
        goto done;
    cl_rbuf b = {data, len, 0, false};
    if (memcmp(data, CACHE_MAGIC, 8) != 0)
        goto done;
    b.at = 8;
    if (cl_get_u32(&b) != CACHE_FORMAT || cl_get_u64(&b) != key.low64 ||
        cl_get_u64(&b) != key.high64)
        goto done;
    uint64_t plen = cl_get_u64(&b), sum = cl_get_u64(&b);
    if (plen != len - CACHE_HEADER || XXH3_64bits(data + CACHE_HEADER, plen) != sum)
        goto done;

    /* Direct mode: every file the unit included must still have the content it had. */
    for (uint32_t i = 0, n = cl_get_count(&b); i < n; i++) {
        char *dep = cl_get_str_nn(&b);
        uint64_t want = cl_get_u64(&b), have;
        bool same = !b.bad && file_hash_of(c, dep, &have) && have == want;
        free(dep);
        if (!same)
            goto done;
    }
    cl_get_findings(&b, &out->findings);
    cl_get_facts(&b, &out->facts);
    if (b.bad || b.at != b.n) {
        cl_findings_free(&out->findings);
        cl_facts_free(&out->facts);
        memset(out, 0, sizeof *out);
        goto done;
    }
    hit = true;
    utimensat(AT_FDCWD, path, NULL, 0); /* recently used: trimmed last */
done:
    free(data);
    free(path);
    return hit;
}

typedef struct deps {
    CXTranslationUnit tu;
    const cl_job *job;
    cl_wbuf *b;
    uint32_t n;
    char **seen;
    size_t n_seen, cap_seen;
    bool ok;
} deps;

/* False when `name` was already listed; lists it otherwise. */
static bool first_sight(deps *d, const char *name)
{
    for (size_t i = 0; i < d->n_seen; i++)
        if (strcmp(d->seen[i], name) == 0)
            return false;
    d->seen = cl_xgrow(d->seen, d->n_seen, &d->cap_seen, sizeof *d->seen);
    d->seen[d->n_seen++] = cl_xstrdup(name);
    return true;
}

static void put_dep(deps *d, const char *name, uint64_t hash)
{
    cl_put_str(d->b, name);
    cl_put_u64(d->b, hash);
    d->n++;
}

static void add_dep(CXFile f, CXSourceLocation *stack, unsigned len, CXClientData arg)
{
    (void)stack;
    (void)len;
    deps *d = arg;
    CXString s = clang_getFileName(f);
    const char *name = clang_getCString(s);
    if (!name || !*name) {
        d->ok = false;
    } else if (!(d->job->is_header && strcmp(name, d->job->unit_file) == 0) &&
               first_sight(d, name)) {
        /* The synthetic unit of a header is not on disk: the key (job->file) decides it.
         * Otherwise the bytes libclang parsed, not the disk's: a file edited during the parse
         * must not be cached under its new content. */
        size_t size = 0;
        const char *text = clang_getFileContents(d->tu, f, &size);
        if (text)
            put_dep(d, name, XXH3_64bits(text, size));
        else
            d->ok = false;
    }
    clang_disposeString(s);
}

int cl_cache_store(cl_cache *c, const cl_config *cfg, const cl_job *job, CXTranslationUnit tu,
                   char *const *extra, size_t n_extra, const cl_unit_result *res)
{
    XXH128_hash_t key = job_key(c, cfg, job);
    cl_wbuf b = {0};
    cl_put(&b, CACHE_MAGIC, 8);
    cl_put_u32(&b, CACHE_FORMAT);
    cl_put_u64(&b, key.low64);
    cl_put_u64(&b, key.high64);
    cl_put_u64(&b, 0); /* payload length and checksum, filled in below */
    cl_put_u64(&b, 0);
    size_t count_at = b.n;
    cl_put_u32(&b, 0);
    deps d = {.tu = tu, .job = job, .b = &b, .ok = true};
    clang_getInclusions(tu, add_dep, &d);
    for (size_t i = 0; i < n_extra && d.ok; i++) {
        uint64_t h;
        if (!first_sight(&d, extra[i]))
            continue;
        if (file_hash_of(c, extra[i], &h))
            put_dep(&d, extra[i], h);
        else
            d.ok = false;
    }
    for (size_t i = 0; i < d.n_seen; i++)
        free(d.seen[i]);
    free(d.seen);
    int rc = -1;
    if (d.ok && d.n > 0) {
        for (int i = 0; i < 4; i++)
            b.p[count_at + (size_t)i] = (char)(d.n >> (8 * i));
        cl_put_findings(&b, &res->findings);
        cl_put_facts(&b, &res->facts);
        uint64_t plen = b.n - CACHE_HEADER, sum = XXH3_64bits(b.p + CACHE_HEADER, plen);
        for (int i = 0; i < 8; i++) {
            b.p[CACHE_HEADER - 16 + i] = (char)(plen >> (8 * i));
            b.p[CACHE_HEADER - 8 + i] = (char)(sum >> (8 * i));
        }
        char *path = entry_path(c, key);
        rc = cl_write_file_atomic(path, b.p, b.n);
        free(path);
        if (rc == 0) {
            pthread_mutex_lock(&c->lock);
            c->wrote = true;
            pthread_mutex_unlock(&c->lock);
        }
    }
    free(b.p);
    return rc;
}
