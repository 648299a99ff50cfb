// expect-no-diagnostics
/* The spawner lives in another file than its callers (fires_crossfile.c, silent_crossfile.c):
 * the parameter reaches a detached thread through a heap-allocated argument struct. */
#include "spawner.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

struct refresh {
    ctx_t *ctx;
    const char *key;
};

static void *refresh_main(void *arg)
{
    struct refresh *r = arg;
    if (!ctx_err(r->ctx))
        printf("refresh %s\n", r->key);
    free(r);
    return NULL;
}

void cache_refresh_async(ctx_t *ctx, const char *key)
{
    struct refresh *r = malloc(sizeof *r);
    if (!r)
        return;
    r->ctx = ctx;
    r->key = key;
    pthread_t t;
    if (pthread_create(&t, NULL, refresh_main, r) == 0)
        pthread_detach(t);
}

void cache_note(ctx_t *ctx, const char *key)
{
    printf("%s: %d\n", key, ctx_err(ctx));
}
