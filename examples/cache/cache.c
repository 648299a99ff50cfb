// expect-no-diagnostics
/* The cache example's cache and database: a mutex-protected table of a few entries and a
 * database read that takes a little time and gives up when the request's context is done. */
#define _POSIX_C_SOURCE 200809L
#include "cache.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CACHE_SLOTS 16
#define DB_LATENCY CTX_MS(5)

struct entry {
    char key[64];
    char value[128];
};

struct cache {
    pthread_mutex_t lock;
    pthread_cond_t idle;
    int writers;
    size_t used;
    struct entry entries[CACHE_SLOTS];
};

struct cache *cache_new(void)
{
    struct cache *cache = calloc(1, sizeof *cache);
    if (!cache)
        return NULL;
    pthread_mutex_init(&cache->lock, NULL);
    pthread_cond_init(&cache->idle, NULL);
    return cache;
}

void cache_free(struct cache *cache)
{
    pthread_mutex_destroy(&cache->lock);
    pthread_cond_destroy(&cache->idle);
    free(cache);
}

bool cache_get(struct cache *cache, const char *key, char *out, size_t out_size)
{
    bool hit = false;
    pthread_mutex_lock(&cache->lock);
    for (size_t i = 0; i < cache->used && !hit; i++) {
        if (strcmp(cache->entries[i].key, key) == 0) {
            snprintf(out, out_size, "%s", cache->entries[i].value);
            hit = true;
        }
    }
    pthread_mutex_unlock(&cache->lock);
    return hit;
}

void cache_put(struct cache *cache, const char *key, const char *value)
{
    pthread_mutex_lock(&cache->lock);
    size_t i = 0;
    while (i < cache->used && strcmp(cache->entries[i].key, key) != 0)
        i++;
    if (i == cache->used && cache->used < CACHE_SLOTS)
        cache->used++;
    if (i < cache->used) {
        snprintf(cache->entries[i].key, sizeof cache->entries[i].key, "%s", key);
        snprintf(cache->entries[i].value, sizeof cache->entries[i].value, "%s", value);
    }
    pthread_mutex_unlock(&cache->lock);
}

void cache_writer_started(struct cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    cache->writers++;
    pthread_mutex_unlock(&cache->lock);
}

void cache_writer_finished(struct cache *cache)
{
    pthread_mutex_lock(&cache->lock);
    if (--cache->writers == 0)
        pthread_cond_broadcast(&cache->idle);
    pthread_mutex_unlock(&cache->lock);
}

bool cache_wait_writers(struct cache *cache, int64_t timeout_ns)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    int64_t ns = until.tv_nsec + timeout_ns % 1000000000;
    until.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
    until.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&cache->lock);
    int rc = 0;
    while (cache->writers > 0 && rc == 0)
        rc = pthread_cond_timedwait(&cache->idle, &cache->lock, &until);
    bool idle = cache->writers == 0;
    pthread_mutex_unlock(&cache->lock);
    return idle;
}

int db_read(ctx_t *c, const char *key, char *out, size_t out_size)
{
    /* The query "runs" until DB_LATENCY passes, unless the request gives up first. */
    int err = ctx_wait(c, DB_LATENCY);
    if (err)
        return err;
    snprintf(out, out_size, "profile-of-%s", key);
    return 0;
}

void report_cache_update(struct cache *cache, const char *key)
{
    char cached[128];
    if (!cache_wait_writers(cache, CTX_SECONDS(10)))
        printf("cache update still running after 10 s\n");
    else if (cache_get(cache, key, cached, sizeof cached))
        printf("cache update applied after the request returned: %s = %s\n", key, cached);
    else
        printf("cache update cancelled: request context was cancelled\n");
}
