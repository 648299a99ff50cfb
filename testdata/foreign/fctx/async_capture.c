/* async-capture with fctx: pool_submit is fire-and-forget (spawn-kind: detached), so a request
 * context that reaches it outlives the request. A function that hands its own context
 * parameter to the pool is a spawner: the finding is where a request context is passed to it.
 * A detached child (fctx_detach) or a root is fine. */
#include <stdlib.h>

#include "fctx.h"

struct task {
    fctx *ctx;
    int n;
};

static void run_task(void *arg)
{
    struct task *t = arg;
    fctx_unref(t->ctx);
    free(t);
}

static void run_ctx(void *arg)
{
    fctx_unref(arg);
}

/* A spawner through the task struct (silent here). */
static void submit_context(fctx *c, pool *p, int n)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        return;
    t->ctx = c;
    t->n = n;
    pool_submit(p, run_task, t);
}

void handle_request(fctx *req, pool *p)
{
    submit_context(req, p, 1); // expect: async-capture "pass fctx_detach\(req\)"
}

void handle_tagged(fctx *req, pool *p, void *user)
{
    fctx *c = fctx_put(req, "user", user);
    pool_submit(p, run_ctx, c); // expect: async-capture "started by pool_submit"
}

void handle_detached(fctx *req, pool *p)
{
    submit_context(fctx_detach(req), p, 2);
}

void handle_background(pool *p)
{
    submit_context(fctx_background(), p, 3);
}

void submit_detached_child(fctx *req, pool *p)
{
    pool_submit(p, run_ctx, fctx_detach(req));
}
