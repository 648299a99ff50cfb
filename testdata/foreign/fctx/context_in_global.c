/* context-in-global with fctx: the root kept in a global is set up in server_init, which the
 * configuration names as an init function. */
#include "fctx.h"

static fctx *g_root;
static fctx *g_last_request;

void server_init(void)
{
    g_root = fctx_background();
}

void remember(fctx *c)
{
    g_last_request = c; // expect: context-in-global
}

fctx *server_root(void)
{
    return g_root;
}
