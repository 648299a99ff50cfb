// expect-no-diagnostics
/* value-key-type: C++ keys that are unique objects. */
#include <ctx/ctx.h>

#include "keys.h"

static const ctx_key_t session_key = CTX_KEY("session");
namespace {
const ctx_key_t anon_key = CTX_KEY("anonymous namespace");
}

void *lookups(ctx_t *ctx)
{
    void *r = ctx_value(ctx, &session_key);
    r = r ? r : ctx_value(ctx, &anon_key);
    r = r ? r : ctx_value(ctx, &cpp_inline_key);
    r = r ? r : ctx_value(ctx, static_cast<const ctx_key_t *>(&session_key));
    return r;
}
