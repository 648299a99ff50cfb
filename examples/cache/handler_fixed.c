// expect-no-diagnostics
/* The fix: the asynchronous cache update gets ctx_without_cancel(req), which keeps the request's
 * values but not its cancellation or deadline, so the update outlives the request. */
#include "async_update.h"
#include "cache.h"

#include <stdio.h>

static int handle_request(ctx_t *req, struct cache *cache, const char *key, char *out,
                          size_t out_size)
{
    if (cache_get(cache, key, out, out_size))
        return 0;
    int err = db_read(req, key, out, out_size);
    if (err)
        return err;
    ctx_t *detached = ctx_without_cancel(req);
    cache_update_async(detached, cache, key, out); /* it retains its own reference */
    ctx_release(detached);
    return 0;
}

int main(void)
{
    struct cache *cache = cache_new();
    if (!cache)
        return 1;
    ctx_cancel_t cancel;
    ctx_t *req = ctx_with_timeout(ctx_background(), CTX_SECONDS(2), &cancel);
    char value[128];
    int err = handle_request(req, cache, "user:42", value, sizeof value);
    ctx_cancel(&cancel); /* the request is over: its context is cancelled, as servers do */
    if (err == 0)
        printf("request served: user:42 = %s\n", value);
    else
        printf("request failed: error %d\n", err);
    report_cache_update(cache, "user:42");
    cache_free(cache);
    return 0;
}
