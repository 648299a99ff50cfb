// expect-no-diagnostics
/* async-capture across files: callers that hand the spawner a context the request does not
 * cancel, or hand the request context only to a function that starts nothing. */
#include "spawner.h"

void handle_get_fixed(ctx_t *req, const char *key)
{
    ctx_t *bg = ctx_without_cancel(req);
    cache_refresh_async(bg, key);
    ctx_release(bg);
}

void handle_note(ctx_t *req, const char *key)
{
    cache_note(req, key);
}

void handle_background(const char *key)
{
    cache_refresh_async(ctx_background(), key);
}
