/* context-leak with fctx: fctx_put, fctx_ref and fctx_detach return references the caller owns
 * (owns-ref: true), dropped with fctx_unref. */
#include "fctx.h"

int leaked_value(fctx *c, void *user)
{
    fctx *v = fctx_put(c, "user", user); // expect@+1: context-leak
    return fctx_expired(v);
}

int released_value(fctx *c, void *user)
{
    fctx *v = fctx_put(c, "user", user);
    int expired = fctx_expired(v);
    fctx_unref(v);
    return expired;
}

int leaked_ref(fctx *c)
{
    fctx *r = fctx_ref(c); // expect@+1: context-leak
    return fctx_error(r);
}

fctx *returned_ref(fctx *c)
{
    return fctx_ref(c);
}

int released_detached(fctx *c)
{
    fctx *d = fctx_detach(c);
    int err = fctx_error(d);
    fctx_unref(d);
    return err;
}
