/* non-inherited-context: new roots in functions that received a context. */
#include <ctx/ctx.h>
#include <pthread.h>
#include <stdlib.h>

static const ctx_key_t trace_key = CTX_KEY("trace");

int query(ctx_t *ctx, int id);
int load_config(ctx_t *ctx, const char *path); /* fires_callee.c: ignores ctx */
int refresh_cache(ctx_t *ctx);                 /* fires_callee.c: ignores ctx */

int fetch(ctx_t *ctx, int id)
{
    ctx_t *c = ctx_background(); // expect: non-inherited-context "ctx_background\(\) starts a new root context although 'fetch' received the context 'ctx'"
    return query(c, id) + query(ctx, id);
}

int fetch_todo(ctx_t *ctx, int id)
{
    return query(ctx_todo(), id) + (ctx != NULL); // expect: non-inherited-context "derive from 'ctx' instead"
}

int with_deadline(ctx_t *parent, int id)
{
    ctx_cancel_t cancel;
    // expect@+1: non-inherited-context "'parent'"
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_SECONDS(1), &cancel);
    int rc = query(c, id) + query(parent, 0);
    ctx_cancel(&cancel);
    return rc;
}

/* Not the only context parameter, and reassigned later (so no fix-it is offered). */
int second(ctx_t *req, int id, ctx_t *other)
{
    int rc = query(ctx_todo(), id); // expect: non-inherited-context "'req'"
    req = NULL;
    return rc + (req != NULL) + query(other, id);
}

/* Overwriting the parameter with a root is no fallback. */
int overwrite(ctx_t *ctx, int id)
{
    ctx = ctx_todo(); // expect: non-inherited-context "'overwrite'"
    return query(ctx, id);
}

int nested(ctx_t *ctx, int n)
{
    int total = 0;
    for (int i = 0; i < n; i++) {
        if (i % 2)
            total += query(ctx_background(), i); // expect: non-inherited-context "'nested'"
    }
    return total + query(ctx, 0);
}

struct job {
    ctx_t *ctx;
    int id;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    query(j->ctx, j->id);
    return NULL;
}

/* The root goes to a thread, but one joined before returning: part of the request. */
int joined_worker(ctx_t *ctx, int id)
{
    struct job j = {ctx_background(), id}; // expect: non-inherited-context "'joined_worker'"
    pthread_t t;
    pthread_create(&t, NULL, run_job, &j);
    pthread_join(t, NULL);
    return query(ctx, id);
}

static int group_task(ctx_t *ctx, void *arg)
{
    (void)arg;
    return ctx_err(ctx);
}

/* A group's tasks are joined by the group: not detached work. */
int grouped(ctx_t *ctx)
{
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx); // expect: non-inherited-context "'grouped'"
    ctx_group_go(g, group_task, ctx);
    return ctx_group_wait(g);
}

/* One call away: callees that ignore the context they are handed and start a new root. */
int handler(ctx_t *ctx, const char *path)
{
    int rc = load_config(ctx, path); // expect: non-inherited-context "'load_config' ignores the context passed as its argument 1"
    ctx_t *child = ctx_with_value(ctx, &trace_key, (void *)path);
    rc += refresh_cache(child); // expect: non-inherited-context "'refresh_cache' ignores"
    ctx_release(child);
    return rc;
}

/* The same, with the callee in this file. */
static int local_ignorer(ctx_t *ctx, int id)
{
    return query(ctx_todo(), id); // expect: non-inherited-context "'local_ignorer' received the context 'ctx'"
}

int local_handler(ctx_t *ctx)
{
    return local_ignorer(ctx, 7); // expect: non-inherited-context "'local_ignorer' ignores the context passed as its argument 1"
}
