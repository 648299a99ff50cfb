/* ctx_group_*: errgroup.WithContext for C. Each task runs on its own thread with the group's
 * context; the first non-zero result cancels that context with the result as its cause, and
 * ctx_group_wait joins every task (including tasks started by tasks) before freeing the group. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>

struct task {
    struct ctx_group *group;
    int (*fn)(ctx_t *, void *);
    void *arg;
    pthread_t thread;
    struct task *next;
};

struct ctx_group {
    pthread_mutex_t lock;
    ctx_cancel_t cancel; /* owns the group context's reference until ctx_group_wait */
    ctx_t *ctx;
    int err;
    struct task *tasks; /* started and not yet joined */
};

static void record_error(struct ctx_group *g, int err)
{
    pthread_mutex_lock(&g->lock);
    bool first = g->err == 0;
    if (first)
        g->err = err;
    pthread_mutex_unlock(&g->lock);
    /* The handle stays with the group for ctx_group_wait; cancel the node directly. */
    if (first)
        ctx__cancel_tree(ctx__as_canceler(g->ctx), ECANCELED, err, true);
}

static void *task_main(void *p)
{
    struct task *t = p;
    int r = t->fn(t->group->ctx, t->arg);
    if (r != 0)
        record_error(t->group, r);
    return NULL;
}

ctx_group_t *ctx_group_new(ctx_t *parent, ctx_t **group_ctx)
{
    if (!parent || !group_ctx) {
        ctx__misuse("ctx_group_new", parent ? "NULL group_ctx" : "NULL parent context");
        return NULL;
    }
    struct ctx_group *g = ctx__alloc(sizeof *g);
    if (!g)
        return NULL;
    g->ctx = ctx_with_cancel_cause(parent, &g->cancel);
    if (!g->ctx) {
        ctx__free(g);
        return NULL;
    }
    pthread_mutex_init(&g->lock, NULL);
    g->err = 0;
    g->tasks = NULL;
    *group_ctx = g->ctx;
    return g;
}

void ctx_group_go(ctx_group_t *g, int (*fn)(ctx_t *group_ctx, void *arg), void *arg)
{
    if (!g || !fn) {
        ctx__misuse("ctx_group_go", g ? "NULL function" : "NULL group");
        return;
    }
    struct task *t = ctx__alloc(sizeof *t);
    if (!t) {
        record_error(g, ENOMEM);
        return;
    }
    t->group = g;
    t->fn = fn;
    t->arg = arg;
    /* Listed before it starts, so a ctx_group_wait already running cannot miss it. */
    pthread_mutex_lock(&g->lock);
    int rc = pthread_create(&t->thread, NULL, task_main, t);
    if (rc == 0) {
        t->next = g->tasks;
        g->tasks = t;
    }
    pthread_mutex_unlock(&g->lock);
    if (rc != 0) {
        ctx__free(t);
        record_error(g, EAGAIN);
    }
}

int ctx_group_wait(ctx_group_t *g)
{
    if (!g) {
        ctx__misuse("ctx_group_wait", "NULL group");
        return EINVAL;
    }
    for (;;) {
        pthread_mutex_lock(&g->lock);
        struct task *t = g->tasks;
        if (t)
            g->tasks = t->next;
        pthread_mutex_unlock(&g->lock);
        if (!t)
            break;
        pthread_join(t->thread, NULL);
        ctx__free(t);
    }
    int err = g->err;
    ctx_cancel_cause(&g->cancel, err);
    pthread_mutex_destroy(&g->lock);
    ctx__free(g);
    return err;
}
