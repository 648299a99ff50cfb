// expect-no-diagnostics
/* value-key-type: addresses of unique key objects, and keys not visibly wrong. */
#include <ctx/ctx.h>
#include <stddef.h>

#include "keys.h"

static const ctx_key_t request_id = CTX_KEY("request id");
const ctx_key_t shared_key = CTX_KEY("shared"); /* external linkage: one object */
static const ctx_key_t keys[3] = {CTX_KEY("a"), CTX_KEY("b"), CTX_KEY("c")};
#define REQUEST_KEY (&request_id)

struct options {
    const ctx_key_t *key;
    ctx_key_t own_key;
};

const ctx_key_t *key_for(int i);

ctx_t *with_request(ctx_t *ctx, void *id)
{
    return ctx_with_value(ctx, &request_id, id);
}

void *lookups(ctx_t *ctx, const ctx_key_t *key, const struct options *opts, int i, int flag)
{
    static const ctx_key_t fn_key = CTX_KEY("function static");
    const ctx_key_t *k = &request_id;
    void *r = ctx_value(ctx, &request_id);
    r = r ? r : ctx_value(ctx, &shared_key);
    r = r ? r : ctx_value(ctx, &fn_key);
    r = r ? r : ctx_value(ctx, key);
    r = r ? r : ctx_value(ctx, opts->key);
    r = r ? r : ctx_value(ctx, &opts->own_key);
    r = r ? r : ctx_value(ctx, &keys[1]);
    r = r ? r : ctx_value(ctx, keys);
    r = r ? r : ctx_value(ctx, key_for(i));
    r = r ? r : ctx_value(ctx, k);
    r = r ? r : ctx_value(ctx, (const ctx_key_t *)(const void *)&request_id);
    r = r ? r : ctx_value(ctx, REQUEST_KEY);
    r = r ? r : ctx_value(ctx, flag ? &keys[0] : &keys[2]);
    return r;
}
