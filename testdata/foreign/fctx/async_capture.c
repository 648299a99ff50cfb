/* async-capture with fctx: pool_submit is fire-and-forget (spawn-kind: detached), so a request
 * context handed to it outlives the request; a detached child or a root is fine. */
// expect-known-failure: waits for the async-capture rule
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

void submit_request_context(fctx *c, pool *p, int n)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        return;
    t->ctx = c;
    t->n = n;
    pool_submit(p, run_task, t); // expect: async-capture
}

void submit_context_directly(fctx *c, pool *p)
{
    pool_submit(p, run_ctx, c); // expect: async-capture
}

void submit_detached(fctx *c, pool *p, int n)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        return;
    t->ctx = fctx_detach(c);
    t->n = n;
    pool_submit(p, run_task, t);
}

void submit_background(pool *p, int n)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        return;
    t->ctx = fctx_background();
    t->n = n;
    pool_submit(p, run_task, t);
}
