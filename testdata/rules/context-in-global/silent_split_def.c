// expect-no-diagnostics
/* context-in-global: defined here, set up as a root in another file's main (facts merge). */
#include <ctx/ctx.h>

ctx_t *g_split_root;

int uses_split(void)
{
    return ctx_err(g_split_root);
}
