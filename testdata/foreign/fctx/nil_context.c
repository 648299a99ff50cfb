/* nil-context with fctx: the fix suggests the configured placeholder root, fctx_todo. */
#include <stddef.h>

#include "fctx.h"

void serve(fctx *c, int id);

void serve_without_context(void)
{
    serve(NULL, 1); // expect: nil-context "fctx_todo"
    serve(0, 2);    // expect: nil-context
}

fctx *context_of(fctx *c, int ok)
{
    if (!ok)
        return NULL; // expect: nil-context
    return c;
}

void serve_placeholder(void)
{
    serve(fctx_todo(), 3);
    serve(fctx_background(), 4);
}

void serve_forward(fctx *c)
{
    serve(c, 5);
}
