/* value-key-type: the C++ spellings. */
#include <ctx/ctx.h>

#include "keys.h"

static int counter;

void *lookups(ctx_t *ctx)
{
    void *r = ctx_value(ctx, nullptr); // expect: value-key-type "a null pointer"
    r = r ? r : ctx_value(ctx, reinterpret_cast<const ctx_key_t *>("id")); // expect: value-key-type "string literal \"id\""
    r = r ? r : ctx_value(ctx, reinterpret_cast<const ctx_key_t *>(&counter)); // expect: value-key-type "'counter', of type 'int'"
    r = r ? r : ctx_value(ctx, &cpp_const_key); // expect: value-key-type "static key 'cpp_const_key' defined in a header"
    return r;
}
