/* ctx_group_*: errgroup.WithContext for C. Each task runs on its own thread with the group's
 * context; the first non-zero result cancels that context with the result as its cause, and
 * ctx_group_wait joins every task (including tasks started by tasks) before freeing the group.
 * SetLimit and TryGo are here too, as ctx_group_set_limit and ctx_group_try_go. */
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
    pthread_cond_t slot_free; /* signalled when a task ends, for ctx_group_go at the limit */
    int limit;                /* at most this many tasks at once; negative: no limit */
    int active;
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
    struct ctx_group *g = t->group;
    int r = t->fn(g->ctx, t->arg);
    if (r != 0)
        record_error(g, r);
    pthread_mutex_lock(&g->lock);
    g->active--;
    pthread_cond_signal(&g->slot_free);
    pthread_mutex_unlock(&g->lock);
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
    pthread_cond_init(&g->slot_free, NULL);
    g->limit = -1;
    g->active = 0;
    g->err = 0;
    g->tasks = NULL;
    *group_ctx = g->ctx;
    return g;
}

/* Starts a task and returns whether it did. With `wait_for_slot`, blocks while the group is at
 * its limit; otherwise gives up there. A task that cannot be started becomes the group's error. */
static bool start_task(ctx_group_t *g, int (*fn)(ctx_t *, void *), void *arg, bool wait_for_slot)
{
    struct task *t = ctx__alloc(sizeof *t);
    if (!t) {
        record_error(g, ENOMEM);
        return false;
    }
    t->group = g;
    t->fn = fn;
    t->arg = arg;
    pthread_mutex_lock(&g->lock);
    while (g->limit >= 0 && g->active >= g->limit) {
        if (!wait_for_slot) {
            pthread_mutex_unlock(&g->lock);
            ctx__free(t);
            return false;
        }
        pthread_cond_wait(&g->slot_free, &g->lock);
    }
    /* Listed before it can finish, so a ctx_group_wait already running cannot miss it. */
    int rc = pthread_create(&t->thread, NULL, task_main, t);
    if (rc == 0) {
        g->active++;
        t->next = g->tasks;
        g->tasks = t;
    }
    pthread_mutex_unlock(&g->lock);
    if (rc != 0) {
        ctx__free(t);
        record_error(g, EAGAIN);
    }
    return rc == 0;
}

void ctx_group_go(ctx_group_t *g, int (*fn)(ctx_t *group_ctx, void *arg), void *arg)
{
    if (!g || !fn) {
        ctx__misuse("ctx_group_go", g ? "NULL function" : "NULL group");
        return;
    }
    start_task(g, fn, arg, true);
}

bool ctx_group_try_go(ctx_group_t *g, int (*fn)(ctx_t *group_ctx, void *arg), void *arg)
{
    if (!g || !fn) {
        ctx__misuse("ctx_group_try_go", g ? "NULL function" : "NULL group");
        return false;
    }
    return start_task(g, fn, arg, false);
}

void ctx_group_set_limit(ctx_group_t *g, int n)
{
    if (!g) {
        ctx__misuse("ctx_group_set_limit", "NULL group");
        return;
    }
    pthread_mutex_lock(&g->lock);
    int active = g->active;
    if (active == 0)
        g->limit = n;
    pthread_mutex_unlock(&g->lock);
    if (active != 0)
        ctx__misuse("ctx_group_set_limit", "limit changed while tasks are running");
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
    pthread_cond_destroy(&g->slot_free);
    ctx__free(g);
    return err;
}
