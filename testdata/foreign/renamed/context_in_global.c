/* context-in-global through a renamed context type. */
#include "my_ctx.h"

static my_ctx *g_last;
static my_ctx *g_root;

void remember(my_ctx *c)
{
    g_last = c; // expect: context-in-global
}

int main(void)
{
    g_root = my_background();
    remember(g_root);
    return 0;
}
