// expect-no-diagnostics
/* context-in-global: the root for silent_split_def.c's global, set up in main. */
#include <ctx/ctx.h>

extern ctx_t *g_split_root;
int uses_split(void);

int main(void)
{
    g_split_root = ctx_background();
    return uses_split();
}
