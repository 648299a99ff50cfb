// expect-no-diagnostics
/* non-inherited-context: callees of silent.c's calls_fine. */
#include <ctx/ctx.h>

int query(ctx_t *ctx, int id);

int reads_ctx(ctx_t *ctx, int id)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(ctx, CTX_MS(100), &cancel);
    int rc = query(c, id);
    ctx_cancel(&cancel);
    return rc;
}

int no_root(ctx_t *ctx, int id)
{
    return id * 2;
}

int unused_root(ctx_t *ctx, int id)
{
    (void)ctx;
    return query(ctx_todo(), id);
}
