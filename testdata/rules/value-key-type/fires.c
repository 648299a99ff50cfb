/* value-key-type: keys that are not the address of a unique key object. */
#include <ctx/ctx.h>
#include <stddef.h>
#include <stdint.h>

#include "keys.h"

#define USER_KEY ((const ctx_key_t *)"user")

enum key_id { KEY_USER = 1, KEY_TRACE };

struct config {
    int retries;
};
static struct config g_config;
static int counter;
static const char trace_name[] = "trace";

ctx_t *set_values(ctx_t *ctx, void *v)
{
    // expect@+1: value-key-type "the key passed to ctx_with_value is the string literal \"request id\", whose address is no unique key.*static const ctx_key_t request_id' and pass '&request_id'"
    ctx_t *a = ctx_with_value(ctx, (const ctx_key_t *)"request id", v);
    ctx_t *b = ctx_with_value(a, (const ctx_key_t *)42, v); // expect: value-key-type "the integer 42"
    ctx_t *c = ctx_with_value(b, (const ctx_key_t *)(uintptr_t)KEY_TRACE, v); // expect: value-key-type "the integer 2"
    ctx_release(a);
    ctx_release(b);
    return c;
}

void *get_values(ctx_t *ctx, const char *name, int which)
{
    const ctx_key_t local = CTX_KEY("local");
    const ctx_key_t *const fixed = (const ctx_key_t *)"fixed";
    void *r = ctx_value(ctx, (const ctx_key_t *)"user"); // expect: value-key-type "string literal \"user\""
    r = r ? r : ctx_value(ctx, USER_KEY); // expect: value-key-type "string literal \"user\""
    r = r ? r : ctx_value(ctx, NULL); // expect: value-key-type "a null pointer"
    r = r ? r : ctx_value(ctx, 0); // expect: value-key-type "a null pointer"
    r = r ? r : ctx_value(ctx, (void *)&counter); // expect: value-key-type "the address of 'counter', of type 'int', which is not a key object"
    r = r ? r : ctx_value(ctx, (const ctx_key_t *)&g_config); // expect: value-key-type "'g_config', of type 'struct config'"
    r = r ? r : ctx_value(ctx, &local); // expect: value-key-type "automatic variable 'local'.*static const ctx_key_t local"
    r = r ? r : ctx_value(ctx, (const ctx_key_t *)name); // expect: value-key-type "'name', of type 'const char \*'"
    r = r ? r : ctx_value(ctx, fixed); // expect: value-key-type "string literal \"fixed\""
    r = r ? r : ctx_value(ctx, (const ctx_key_t *)trace_name); // expect: value-key-type "'trace_name'"
    r = r ? r : ctx_value(ctx, (const ctx_key_t *)(intptr_t)which); // expect: value-key-type "an integer value"
    r = r ? r : ctx_value(ctx, &header_key); // expect: value-key-type "static key 'header_key' defined in a header.*extern const ctx_key_t header_key"
    return r;
}
