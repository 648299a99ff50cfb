#!/usr/bin/env python3
"""Writes the benchmark corpus: a made-up service in C that uses the ctx runtime the way real
code does (request handlers, worker pools, caches, value keys, a few bugs), with its
compile_commands.json. Deterministic for a given --seed, so runs compare. Optionally merges the
entries of another database (ctxlint's own build) so the project's own sources are linted too.

usage: gen_corpus.py OUT_DIR --runtime-include DIR [--units N] [--seed S] [--merge-db FILE]
"""
import argparse
import json
import os
import random

HEADERS = {
    "log.h": """
#include <stdarg.h>
#include <stdio.h>
enum log_level { LOG_DEBUG, LOG_INFO, LOG_WARN, LOG_ERROR };
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define LOG_INFO_F(...) log_msg(LOG_INFO, __VA_ARGS__)
#define LOG_ERR_F(...) log_msg(LOG_ERROR, __VA_ARGS__)
""",
    "pool.h": """
#include <pthread.h>
#include <stddef.h>
#include <ctx/ctx.h>
typedef struct pool pool_t;
typedef void (*pool_fn)(void *arg);
pool_t *pool_new(size_t workers);
int pool_submit(pool_t *p, pool_fn fn, void *arg);
void pool_free(pool_t *p);
size_t pool_pending(const pool_t *p);
""",
    "cache.h": """
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <ctx/ctx.h>
struct cache_entry { char key[64]; void *value; size_t size; int64_t expires_ns; };
typedef struct cache cache_t;
cache_t *cache_new(size_t capacity);
bool cache_get(cache_t *c, const char *key, void **value, size_t *size);
int cache_put(cache_t *c, const char *key, void *value, size_t size, int64_t ttl_ns);
void cache_evict(cache_t *c, ctx_t *ctx);
""",
    "keys.h": """
#include <ctx/ctx.h>
extern const ctx_key_t key_request_id;
extern const ctx_key_t key_user;
extern const ctx_key_t key_trace;
struct user { int id; char name[32]; unsigned flags; };
""",
    "http.h": """
#include <stddef.h>
#include <stdint.h>
#include <ctx/ctx.h>
struct request { const char *method; const char *path; const char *body; size_t body_len;
                 uint64_t id; int fd; };
struct response { int status; char *body; size_t body_len; };
typedef int (*handler_fn)(ctx_t *ctx, const struct request *req, struct response *resp);
int http_route(const char *path, handler_fn fn);
int http_reply(struct response *resp, int status, const char *body);
""",
    "db.h": """
#include <stddef.h>
#include <stdint.h>
#include <ctx/ctx.h>
typedef struct db db_t;
struct row { int64_t id; char name[48]; double score; };
int db_query(ctx_t *ctx, db_t *db, const char *sql, struct row *rows, size_t max);
int db_exec(ctx_t *ctx, db_t *db, const char *sql);
db_t *db_default(void);
""",
    "metrics.h": """
#include <stdint.h>
#include <stdatomic.h>
struct counter { const char *name; atomic_uint_fast64_t value; };
void metrics_inc(struct counter *c);
void metrics_observe(const char *name, double v);
""",
    "queue.h": """
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
struct qnode { struct qnode *next; void *item; };
struct queue { struct qnode *head, *tail; size_t len; pthread_mutex_t lock; pthread_cond_t cv; };
void queue_init(struct queue *q);
void queue_push(struct queue *q, void *item);
void *queue_pop(struct queue *q, bool wait);
""",
}

SYS = ["stdio.h", "stdlib.h", "string.h", "errno.h", "pthread.h", "time.h", "stdint.h",
       "stdbool.h", "unistd.h", "assert.h", "limits.h", "signal.h", "sys/types.h"]


class Unit:
    def __init__(self, rng, n):
        self.rng = rng
        self.n = n
        self.lines = []

    def w(self, s=""):
        self.lines.extend(s.split("\n") if s else [""])

    def handler(self, i):
        r = self.rng
        timeout = r.choice([50, 100, 250, 500, 1000])
        self.w(f"""
static int handle_{self.n}_{i}(ctx_t *ctx, const struct request *req, struct response *resp)
{{
    ctx_cancel_t cancel;
    ctx_t *tctx = ctx_with_timeout(ctx, CTX_MS({timeout}), &cancel);
    struct row rows[16];
    int n = db_query(tctx, db_default(), "select * from t{i} where id = ?", rows, 16);
    if (n < 0) {{
        ctx_cancel(&cancel);
        ctx_release(tctx);
        return http_reply(resp, 503, "database unavailable");
    }}
    uint64_t *rid = ctx_value(ctx, &key_request_id);
    double total = 0;
    for (int k = 0; k < n; k++) {{
        total += rows[k].score * (k + 1);
        if (ctx_err(tctx))
            break;
    }}
    char buf[128];
    snprintf(buf, sizeof buf, "{{\\"rid\\": %llu, \\"total\\": %f, \\"path\\": \\"%s\\"}}",
             rid ? (unsigned long long)*rid : 0ull, total, req->path);
    ctx_cancel(&cancel);
    ctx_release(tctx);
    return http_reply(resp, 200, buf);
}}""")

    def worker(self, i):
        self.w(f"""
struct job_{self.n}_{i} {{
    ctx_t *ctx;
    cache_t *cache;
    char key[64];
    int attempts;
}};

static void run_job_{self.n}_{i}(void *arg)
{{
    struct job_{self.n}_{i} *job = arg;
    for (int a = 0; a < job->attempts; a++) {{
        if (ctx_done(job->ctx))
            break;
        void *v = NULL;
        size_t sz = 0;
        if (cache_get(job->cache, job->key, &v, &sz)) {{
            metrics_observe("hit_{i}", (double)sz);
            break;
        }}
        struct timespec ts = {{0, 1000000L * (a + 1)}};
        nanosleep(&ts, NULL);
    }}
    ctx_release(job->ctx);
    free(job);
}}

static int submit_job_{self.n}_{i}(ctx_t *ctx, pool_t *pool, cache_t *cache, const char *key)
{{
    struct job_{self.n}_{i} *job = calloc(1, sizeof *job);
    if (!job)
        return -ENOMEM;
    job->ctx = ctx_retain(ctx);
    job->cache = cache;
    snprintf(job->key, sizeof job->key, "%s", key);
    job->attempts = {self.rng.randint(2, 9)};
    if (pool_submit(pool, run_job_{self.n}_{i}, job) != 0) {{
        ctx_release(job->ctx);
        free(job);
        return -EAGAIN;
    }}
    return 0;
}}""")

    def values(self, i):
        self.w(f"""
static ctx_t *with_user_{self.n}_{i}(ctx_t *parent, struct user *u, uint64_t rid)
{{
    static uint64_t rid_store[8];
    rid_store[rid % 8] = rid;
    ctx_t *a = ctx_with_value(parent, &key_user, u);
    ctx_t *b = ctx_with_value(a, &key_request_id, &rid_store[rid % 8]);
    ctx_release(a);
    return b;
}}

static const char *user_name_{self.n}_{i}(ctx_t *ctx)
{{
    struct user *u = ctx_value(ctx, &key_user);
    if (!u)
        return "anonymous";
    switch (u->flags & 3u) {{
    case 0:
        return u->name;
    case 1:
        return "admin";
    case 2:
        return "service";
    default:
        return "unknown";
    }}
}}""")

    def group(self, i):
        self.w(f"""
static int fetch_part_{self.n}_{i}(ctx_t *gctx, void *arg)
{{
    struct row *row = arg;
    return db_query(gctx, db_default(), "select part", row, 1) < 0 ? -1 : 0;
}}

static int fetch_all_{self.n}_{i}(ctx_t *ctx, struct row *rows, size_t n)
{{
    ctx_t *gctx = NULL;
    ctx_group_t *g = ctx_group_new(ctx, &gctx);
    if (!g)
        return -ENOMEM;
    for (size_t k = 0; k < n; k++)
        ctx_group_go(g, fetch_part_{self.n}_{i}, &rows[k]);
    int rc = ctx_group_wait(g);
    LOG_INFO_F("unit {self.n}: fetched %zu parts, rc=%d", n, rc);
    return rc;
}}""")

    def queue(self, i):
        self.w(f"""
static void *drain_{self.n}_{i}(void *arg)
{{
    struct queue *q = arg;
    size_t seen = 0;
    for (;;) {{
        void *item = queue_pop(q, true);
        if (!item)
            break;
        seen++;
        free(item);
    }}
    return (void *)(uintptr_t)seen;
}}

static int start_drain_{self.n}_{i}(struct queue *q)
{{
    pthread_t t;
    int rc = pthread_create(&t, NULL, drain_{self.n}_{i}, q);
    if (rc != 0)
        return rc;
    void *res = NULL;
    pthread_join(t, &res);
    return (int)(uintptr_t)res;
}}""")

    def bug_ctx_not_first(self, i):
        # Bug: the context is not the first parameter.
        self.w(f"""
int lookup_{self.n}_{i}(const char *name, ctx_t *ctx, int *out)
{{
    if (ctx_err(ctx))
        return -1;
    *out = (int)strlen(name);
    return 0;
}}""")

    def bug_background(self, i):
        # Bug: a fresh root inside a handler loses the caller's deadline.
        self.w(f"""
static int refresh_{self.n}_{i}(ctx_t *ctx, cache_t *cache)
{{
    (void)ctx;
    ctx_t *bg = ctx_background();
    cache_evict(cache, bg);
    return 0;
}}""")

    def bug_leak(self, i):
        # Bug: the cancel capability is dropped on the early return.
        self.w(f"""
static int probe_{self.n}_{i}(ctx_t *ctx, int fd)
{{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(ctx, CTX_SECONDS(2), &cancel);
    if (fd < 0)
        return -EBADF;
    int rc = ctx_wait(c, CTX_MS(10));
    ctx_cancel(&cancel);
    ctx_release(c);
    return rc;
}}""")

    def arith(self, i):
        r = self.rng
        a, b = r.randint(3, 97), r.randint(3, 97)
        self.w(f"""
static uint32_t checksum_{self.n}_{i}(const unsigned char *p, size_t n)
{{
    uint32_t h = {a}u;
    for (size_t k = 0; k < n; k++) {{
        h = (h << 5) + h + p[k];
        h ^= h >> {b % 31 + 1};
        if ((k & 63) == 63)
            h = h * 2654435761u;
    }}
    return h;
}}""")

    def render(self, hdrs, sys):
        out = [f"/* Generated benchmark unit {self.n}: not a real program. */"]
        out += [f"#include <{s}>" for s in sys]
        out += ["#include <ctx/ctx.h>"]
        out += [f'#include "app/{h}"' for h in hdrs]
        # External linkage: no unused-function noise, as in a real project.
        out += [ln[7:] if ln.startswith("static ") and ln.endswith(")") else ln
                for ln in self.lines]
        out.append(f"""
int unit_{self.n}_register(void)
{{
    int rc = 0;
{self.registrations}    return rc;
}}
""")
        return "\n".join(out) + "\n"


def make_unit(rng, n):
    u = Unit(rng, n)
    u.registrations = ""
    pieces = [u.handler, u.worker, u.values, u.group, u.queue, u.arith]
    count = rng.randint(9, 15)
    for i in range(count):
        p = rng.choice(pieces)
        p(i)
        if p is u.handler:
            u.registrations += f'    rc |= http_route("/u{n}/{i}", handle_{n}_{i});\n'
    for i, bug in enumerate([u.bug_ctx_not_first, u.bug_background, u.bug_leak]):
        if rng.random() < 0.3:
            bug(100 + i)
    hdrs = ["log.h", "keys.h", "http.h", "db.h", "cache.h", "pool.h", "metrics.h", "queue.h"]
    sys = sorted(set(SYS[:8] + rng.sample(SYS[8:], 3)), key=SYS.index)
    return u.render(hdrs, sys)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("out")
    ap.add_argument("--runtime-include", required=True)
    ap.add_argument("--units", type=int, default=200)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--merge-db", help="a compile_commands.json whose entries are added")
    a = ap.parse_args()
    rng = random.Random(a.seed)
    out = os.path.abspath(a.out)
    inc = os.path.join(out, "include", "app")
    os.makedirs(inc, exist_ok=True)
    os.makedirs(os.path.join(out, "src"), exist_ok=True)
    for name, body in HEADERS.items():
        guard = "APP_" + name.replace(".", "_").upper()
        write(os.path.join(inc, name), f"#ifndef {guard}\n#define {guard}\n{body}\n#endif\n")
    # Shared definitions: the keys every unit uses.
    write(os.path.join(out, "src", "keys.c"),
          '#include <ctx/ctx.h>\n#include "app/keys.h"\n'
          'const ctx_key_t key_request_id = CTX_KEY("request id");\n'
          'const ctx_key_t key_user = CTX_KEY("user");\n'
          'const ctx_key_t key_trace = CTX_KEY("trace");\n')
    files = ["src/keys.c"]
    for n in range(a.units):
        rel = f"src/unit_{n:03d}.c"
        write(os.path.join(out, rel), make_unit(rng, n))
        files.append(rel)
    db = [{"directory": out, "file": os.path.join(out, f), "output": f"obj/{f[4:-2]}.o",
           "arguments": ["cc", "-std=c11", "-D_GNU_SOURCE", "-O2", "-g", "-Wall", "-Wextra",
                         "-Iinclude", "-I" + os.path.abspath(a.runtime_include), "-c", f,
                         "-o", f"obj/{f[4:-2]}.o"]} for f in files]
    if a.merge_db:
        with open(a.merge_db) as f:
            db += json.load(f)
    write(os.path.join(out, "compile_commands.json"), json.dumps(db, indent=1) + "\n")
    print(f"{out}: {len(files)} generated units, {len(db)} database entries")


def write(path, text):
    try:
        with open(path) as f:
            if f.read() == text:
                return  # keeps mtimes, so re-generating does not look like an edit
    except OSError:
        pass
    with open(path, "w") as f:
        f.write(text)


if __name__ == "__main__":
    main()
