// expect-no-diagnostics
/* async-capture: contexts that must not be reported: joined work, detached contexts, roots,
 * task structs for joined threads, macros, typedefs, groups, main, and the spawners themselves. */
#include <ctx/ctx.h>
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

#define DETACHED(c) ctx_without_cancel(c)
#define START(t, fn, arg) pthread_create(&(t), NULL, (fn), (arg))
#define WAIT(t) pthread_join((t), NULL)

typedef ctx_t request_ctx;

struct job {
    int n;
    ctx_t *ctx;
};

void *worker(void *arg);
int run_job(void *arg);
int group_task(ctx_t *group_ctx, void *arg);
void log_request(ctx_t *c, const char *what);

/* A spawner: its own direct spawn of its parameter is reported at callers, not here. */
static void spawn_detached(ctx_t *c)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_detach(t);
}

void joined_thread(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_MS(10), &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_join(t, NULL);
    ctx_cancel(&cancel);
}

void c11_joined(ctx_t *req)
{
    thrd_t t;
    int rc;
    thrd_create(&t, run_job, req);
    thrd_join(t, &rc);
}

void detached_context(ctx_t *req)
{
    ctx_t *bg = ctx_without_cancel(req);
    spawn_detached(bg);
}

void detached_inline(ctx_t *req)
{
    spawn_detached(ctx_without_cancel(req));
}

void background_root(ctx_t *req)
{
    (void)req;
    spawn_detached(ctx_background());
}

void derived_from_root(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_SECONDS(5), &cancel);
    log_request(req, "refresh");
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_detach(t);
}

void derived_from_detached(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_without_cancel(req), &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_detach(t);
}

void task_struct_joined(ctx_t *req)
{
    struct job *j = malloc(sizeof *j);
    j->n = 1;
    j->ctx = req;
    pthread_t t;
    pthread_create(&t, NULL, worker, j);
    pthread_join(t, NULL);
    free(j);
}

void task_structs_joined_in_loop(ctx_t *req)
{
    struct job jobs[4];
    pthread_t ts[4];
    for (int i = 0; i < 4; i++) {
        jobs[i].n = i;
        jobs[i].ctx = req;
        pthread_create(&ts[i], NULL, worker, &jobs[i]);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(ts[i], NULL);
}

void macros_rename(ctx_t *req)
{
    pthread_t t;
    START(t, worker, DETACHED(req));
    pthread_t u;
    START(u, worker, req);
    WAIT(u);
}

void typedef_context(request_ctx *req)
{
    request_ctx *bg = DETACHED(req);
    spawn_detached(bg);
}

void group(ctx_t *req)
{
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(req, &gctx);
    ctx_group_go(g, group_task, req);
    ctx_group_go(g, group_task, gctx);
    ctx_group_wait(g);
}

void reassigned_before_spawn(ctx_t *req)
{
    req = ctx_without_cancel(req);
    spawn_detached(req);
}

void not_a_spawner(ctx_t *req)
{
    log_request(req, "hello");
}

/* The handle goes somewhere we cannot follow (a pool that joins it later): unsure, silent. */
struct pool {
    pthread_t threads[8];
    int n;
};

void handle_kept(ctx_t *req, struct pool *p)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    p->threads[p->n++] = t;
}

void unrelated_data(ctx_t *req)
{
    static int counter;
    log_request(req, "count");
    pthread_t t;
    pthread_create(&t, NULL, worker, &counter);
    pthread_detach(t);
}

int main(void)
{
    ctx_t *root = ctx_background();
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(root, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_detach(t);
    spawn_detached(root);
    return 0;
}

void goto_after_detach(ctx_t *req, int fast)
{
    req = ctx_without_cancel(req);
    if (fast)
        goto go;
    log_request(req, "slow");
go:
    spawn_detached(req);
}
