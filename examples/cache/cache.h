/* A tiny thread-safe in-memory cache and a simulated slow database, for the cache example. */
#ifndef EXAMPLE_CACHE_H
#define EXAMPLE_CACHE_H

#include <ctx/ctx.h>

#include <stdbool.h>
#include <stddef.h>

struct cache;

/* Returns a new empty cache, or NULL if out of memory; free it with cache_free. */
struct cache *cache_new(void);
void cache_free(struct cache *cache);

/* Copies the cached value of `key` into `out` and returns true, or returns false on a miss. */
bool cache_get(struct cache *cache, const char *key, char *out, size_t out_size);
void cache_put(struct cache *cache, const char *key, const char *value);

/* Background writers announce themselves so the program can wait for them before exiting. */
void cache_writer_started(struct cache *cache);
void cache_writer_finished(struct cache *cache);
/* Waits (at most timeout_ns) until no writer is running; returns true if they all finished. */
bool cache_wait_writers(struct cache *cache, int64_t timeout_ns);

/* Reads `key` from the simulated database, which takes a few milliseconds; honours `c` (borrowed):
 * returns ctx_err(c) if it is done first, else 0 with the value in `out`. */
int db_read(ctx_t *c, const char *key, char *out, size_t out_size);

/* Waits for background writers and prints whether the update of `key` reached the cache. */
void report_cache_update(struct cache *cache, const char *key);

#endif
