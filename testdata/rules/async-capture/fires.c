/* async-capture: request contexts that reach fire-and-forget work. A function that spawns its
 * own context parameter is a spawner; the finding is where a request context is handed to it. */
#include <ctx/ctx.h>
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

struct job {
    int n;
    ctx_t *ctx;
};

void *worker(void *arg);
int run_job(void *arg);

/* A spawner: its parameter goes straight into a detached thread (silent here). */
static void spawn_detached(ctx_t *c)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_detach(t);
}

/* A spawner whose thread is never joined (silent here). */
static void spawn_unjoined(ctx_t *c)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
}

/* A spawner through a heap-allocated argument struct and C11 threads (silent here). */
static void submit(ctx_t *c, int n)
{
    struct job *j = malloc(sizeof *j);
    j->n = n;
    j->ctx = c;
    thrd_t t;
    thrd_create(&t, run_job, j);
    thrd_detach(t);
}

void direct_param_detached(ctx_t *req)
{
    spawn_detached(req); // expect: async-capture "request context 'req' is handed to spawn_detached, which starts work that outlives the request; pass ctx_without_cancel\(req\) \(or a context rooted in ctx_background\(\)\)"
}

void direct_param_unjoined(ctx_t *req)
{
    spawn_unjoined(req); // expect: async-capture "spawn_unjoined"
}

void derived_timeout(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_MS(100), &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c); // expect: async-capture "request context 'c' is handed to a detached thread started by pthread_create"
    pthread_detach(t);
    ctx_cancel(&cancel);
}

void derived_never_joined(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c); // expect: async-capture "a thread started by pthread_create that is never joined"
    ctx_cancel(&cancel);
}

void through_alias(ctx_t *req)
{
    ctx_t *r = req;
    ctx_t *again;
    again = r;
    spawn_detached(again); // expect: async-capture "'again'"
}

void derived_alias(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    ctx_t *alias = c;
    pthread_t t;
    pthread_create(&t, NULL, worker, alias); // expect: async-capture "'alias'"
    pthread_detach(t);
    ctx_cancel(&cancel);
}

void malloced_struct(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_SECONDS(1), &cancel);
    struct job *j = malloc(sizeof *j);
    j->n = 1;
    j->ctx = c;
    pthread_t t;
    pthread_create(&t, NULL, worker, j); // expect: async-capture "request context 'c', stored in 'j', is handed"
    pthread_detach(t);
    ctx_cancel(&cancel);
}

void compound_literal(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, &(struct job){.n = 2, .ctx = c}); // expect: async-capture "stored in a compound literal"
    pthread_detach(t);
    ctx_cancel(&cancel);
}

void designated_initializer(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    static struct job slot;
    struct job j = {.ctx = c, .n = 3};
    slot = j;
    thrd_t t;
    thrd_create(&t, run_job, &j); // expect: async-capture "stored in 'j'"
    ctx_cancel(&cancel);
}

void positional_initializer(ctx_t *req)
{
    ctx_t *c = ctx_with_value(req, NULL, NULL);
    struct job j = {4, c};
    pthread_t t;
    pthread_create(&t, NULL, worker, &j); // expect: async-capture "'c', stored in 'j'"
    pthread_detach(t);
}

void local_wrapper(ctx_t *req)
{
    submit(req, 5); // expect: async-capture "handed to submit, which starts work"
}

/* A wrapper of a wrapper is a spawner too: the context it receives reaches a spawn. */
static void submit_twice(ctx_t *c)
{
    submit(c, 6); // expect: async-capture "request context 'c' is handed to submit"
    submit(c, 7); // expect: async-capture "request context 'c' is handed to submit"
}

void through_two_wrappers(ctx_t *req)
{
    submit_twice(req); // expect: async-capture "handed to submit_twice"
}

void conditionally_detached(ctx_t *req, int keep)
{
    if (!keep)
        req = ctx_without_cancel(req);
    /* On the keep path the request context itself reaches the thread. */
    spawn_detached(req); // expect: async-capture "'req'"
}

void retained(ctx_t *req)
{
    spawn_detached(ctx_retain(req)); // expect: async-capture "'req'"
}

void detached_attribute(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    pthread_t t;
    pthread_create(&t, &attr, worker, c); // expect: async-capture "that is never joined, so it outlives the request"
    ctx_cancel(&cancel);
}

void conditional_operator(ctx_t *req, int fast)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    ctx_t *bg = ctx_background();
    pthread_t t;
    pthread_create(&t, NULL, worker, fast ? bg : c); // expect: async-capture "'c'"
    pthread_detach(t);
    ctx_cancel(&cancel);
}

void derived_with_cause(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout_cause(req, CTX_MS(100), 42, &cancel);
    pthread_t t;
    pthread_create(&t, NULL, worker, c); // expect: async-capture "'c' is handed to a detached thread"
    pthread_detach(t);
    ctx_cancel(&cancel);
}

void goto_skips_detach(ctx_t *req, int fast)
{
    ctx_t *c = req;
    if (fast)
        goto go;
    c = ctx_without_cancel(req);
go:
    spawn_detached(c); // expect: async-capture "'c'"
}
