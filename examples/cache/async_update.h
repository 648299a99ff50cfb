/* Fire-and-forget cache updates on a background thread. */
#ifndef EXAMPLE_ASYNC_UPDATE_H
#define EXAMPLE_ASYNC_UPDATE_H

#include <ctx/ctx.h>

struct cache;

/* Writes key=value to `cache` on a detached thread after a simulated write latency, unless `c`
 * is done by then. Retains `c` for the thread (the caller keeps its own reference); key and
 * value are copied. */
void cache_update_async(ctx_t *c, struct cache *cache, const char *key, const char *value);

#endif
