// expect-no-diagnostics
/* The asynchronous cache writer. It lives in its own file on purpose: whether the context it is
 * given can be cancelled under it is decided by the caller, in another translation unit, which
 * is what ctxlint's cross-file async-capture rule has to see through. */
#define _POSIX_C_SOURCE 200809L
#include "async_update.h"

#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

#define WRITE_LATENCY CTX_MS(50)

struct update_task {
    ctx_t *ctx; /* a reference owned by the task */
    struct cache *cache;
    char key[64];
    char value[128];
};

static void *update_main(void *arg)
{
    struct update_task *task = arg;
    /* The write "takes" WRITE_LATENCY; a cancelled context aborts it, as a real client would. */
    if (ctx_wait(task->ctx, WRITE_LATENCY) == 0 && !ctx_done(task->ctx))
        cache_put(task->cache, task->key, task->value);
    struct cache *cache = task->cache;
    ctx_release(task->ctx);
    free(task);
    cache_writer_finished(cache);
    return NULL;
}

void cache_update_async(ctx_t *c, struct cache *cache, const char *key, const char *value)
{
    struct update_task *task = malloc(sizeof *task);
    if (!task)
        return;
    task->ctx = ctx_retain(c);
    task->cache = cache;
    snprintf(task->key, sizeof task->key, "%s", key);
    snprintf(task->value, sizeof task->value, "%s", value);

    pthread_attr_t attr;
    pthread_t thread;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    cache_writer_started(cache);
    if (pthread_create(&thread, &attr, update_main, task) != 0) {
        cache_writer_finished(cache);
        ctx_release(task->ctx);
        free(task);
    }
    pthread_attr_destroy(&attr);
}
