// expect-no-diagnostics
/* non-inherited-context: roots that are fine. */
#include <ctx/ctx.h>
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

int query(ctx_t *ctx, int id);
int reads_ctx(ctx_t *ctx, int id);  /* silent_callee.c: derives from ctx */
int no_root(ctx_t *ctx, int id);    /* silent_callee.c: ignores ctx but starts no root */
int unused_root(ctx_t *ctx, int id); /* silent_callee.c: (void)ctx, then a root */

int main(void)
{
    return query(ctx_background(), 1) + query(ctx_todo(), 2);
}

/* No context parameter: nothing to inherit from. */
int startup_check(int id)
{
    return query(ctx_background(), id);
}

int voided(ctx_t *ctx, int id)
{
    (void)ctx;
    return query(ctx_background(), id);
}

int attributed(ctx_t *ctx __attribute__((unused)), int id)
{
    return query(ctx_background(), id);
}

struct job {
    ctx_t *ctx;
    int id;
};

static void *run_job(void *arg)
{
    struct job *j = arg;
    int rc = query(j->ctx, j->id);
    free(j);
    return (void *)(long)rc;
}

/* Detached work that must outlive the request gets its own root. */
int fire_and_forget(ctx_t *ctx, int id)
{
    struct job *j = malloc(sizeof *j);
    j->ctx = ctx_background();
    j->id = id;
    pthread_t t;
    pthread_create(&t, NULL, run_job, j);
    pthread_detach(t);
    return query(ctx, id);
}

static int run_thrd(void *arg)
{
    struct job *j = arg;
    return query(j->ctx, j->id);
}

int background_refresh(ctx_t *ctx, int id, ctx_cancel_t *job_cancel)
{
    ctx_t *bg = ctx_with_cancel(ctx_background(), job_cancel);
    struct job *job = malloc(sizeof *job);
    job->ctx = bg;
    job->id = id;
    thrd_t t;
    thrd_create(&t, run_thrd, job);
    return query(ctx, id);
}

/* A fallback for a NULL context (nil-context judges the callers). */
int fallback(ctx_t *ctx, int id)
{
    if (!ctx)
        ctx = ctx_background();
    return query(ctx, id);
}

int ternary(ctx_t *ctx, int id)
{
    ctx_t *c = ctx ? ctx : ctx_todo();
    return query(c, id);
}

/* Callees that read the context, or start no root, or ignore it on purpose. */
int calls_fine(ctx_t *ctx, int id)
{
    return reads_ctx(ctx, id) + no_root(ctx, id) + unused_root(ctx, id) + query(ctx, id);
}
