/* The cache's asynchronous refresh: starts work that outlives the caller. */
#ifndef SPAWNER_H
#define SPAWNER_H
#include <ctx/ctx.h>

void cache_refresh_async(ctx_t *ctx, const char *key);
/* Only logs: does not start anything. */
void cache_note(ctx_t *ctx, const char *key);
#endif
