/* async-capture across files: cache_refresh_async (spawner_other.c) starts a detached thread. */
#include "spawner.h"

void handle_get(ctx_t *req, const char *key)
{
    cache_refresh_async(req, key); // expect: async-capture "request context 'req' is handed to cache_refresh_async, which starts work that outlives the request"
}

void handle_put(ctx_t *req, const char *key)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_MS(50), &cancel);
    cache_note(c, key);
    cache_refresh_async(c, key); // expect: async-capture "'c'"
    ctx_cancel(&cancel);
}
