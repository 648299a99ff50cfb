/* value-key-type with fctx: fctx keys values by name (key-kind: string), so a string key is the
 * intended use; a number cast to a key is still wrong. */
#include <stdint.h>

#include "fctx.h"

void *user_of(fctx *c)
{
    return fctx_get(c, "user");
}

int tag_request(fctx *c, void *user)
{
    static const char trace_key[] = "trace-id";
    fctx *v = fctx_put(c, "user", user);
    fctx *w = fctx_put(v, trace_key, user);
    fctx *x = fctx_put(w, (const char *)(uintptr_t)42, user); // expect: value-key-type
    int expired = fctx_expired(x);
    fctx_unref(x);
    fctx_unref(w);
    fctx_unref(v);
    return expired;
}
