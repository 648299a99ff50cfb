/* context-in-struct: the three exceptions, and fields that are not contexts. */
// expect-no-diagnostics
#include <ctx/ctx.h>
#include <pthread.h>
#include <stdlib.h>
#include <threads.h>

/* allow-task-args: how a thread receives its context in C (async-capture judges the flow). */
struct task {
    ctx_t *ctx;
    int n;
};

static void *run_task(void *p)
{
    struct task *t = p;
    (void)ctx_err(t->ctx);
    return NULL;
}

int spawn_and_join(ctx_t *ctx)
{
    struct task args = {ctx, 1};
    pthread_t th;
    if (pthread_create(&th, NULL, run_task, &args) != 0)
        return -1;
    return pthread_join(th, NULL);
}

/* Through a typedef, a heap pointer and a cast. */
typedef struct heap_task heap_task_t;
struct heap_task {
    ctx_t *ctx;
};

static void *run_heap_task(void *p)
{
    heap_task_t *t = p;
    (void)ctx_err(t->ctx);
    free(t);
    return NULL;
}

int spawn_heap(ctx_t *ctx)
{
    heap_task_t *t = malloc(sizeof *t);
    if (!t)
        return -1;
    t->ctx = ctx;
    pthread_t th;
    if (pthread_create(&th, NULL, run_heap_task, (void *)t) != 0) {
        free(t);
        return -1;
    }
    return pthread_join(th, NULL);
}

/* Through a void * variable, and a context one level down in the task. */
struct inner_ctx {
    ctx_t *ctx;
};
struct wrapper_task {
    struct inner_ctx in;
};

static void *run_wrapper(void *p)
{
    struct wrapper_task *w = p;
    (void)ctx_err(w->in.ctx);
    return NULL;
}

int spawn_wrapper(ctx_t *ctx)
{
    struct wrapper_task w = {{ctx}};
    void *arg = &w;
    pthread_t th;
    if (pthread_create(&th, NULL, run_wrapper, arg) != 0)
        return -1;
    return pthread_join(th, NULL);
}

/* C11 threads are spawns too. */
struct c11_task {
    ctx_t *ctx;
};

static int run_c11(void *p)
{
    struct c11_task *t = p;
    return ctx_err(t->ctx);
}

int spawn_c11(ctx_t *ctx)
{
    struct c11_task t = {ctx};
    thrd_t th;
    if (thrd_create(&th, run_c11, &t) != thrd_success)
        return -1;
    return thrd_join(th, NULL);
}

/* allow-with-cancel: the struct owns the context's lifetime. */
struct worker {
    ctx_t *ctx;
    ctx_cancel_t cancel;
};

/* allow-carrier: marked deliberate. */
struct CTX_CARRIER request_scope {
    ctx_t *ctx;
};

typedef struct CTX_CARRIER {
    ctx_t *ctx;
} carrier_t;

/* Not contexts: a function pointer taking one, a key, other libraries' "ctx" pointers. */
struct callbacks {
    int (*on_done)(ctx_t *ctx, void *arg);
    const ctx_key_t *key;
    void *opaque;
};

struct ssl_ctx_st;
struct tls_conn {
    void *ctx;
    struct ssl_ctx_st *ssl_ctx;
    ctx_after_t stop_timer;
};
