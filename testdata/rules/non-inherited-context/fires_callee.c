/* non-inherited-context: the callees of fires.c's handler, in another file (facts merge). */
#include <ctx/ctx.h>

int query(ctx_t *ctx, int id);

int load_config(ctx_t *ctx, const char *path)
{
    ctx_t *c = ctx_todo(); // expect: non-inherited-context "'load_config' received the context 'ctx'"
    return query(c, path != NULL);
}

int refresh_cache(ctx_t *ctx)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel); // expect: non-inherited-context "'refresh_cache'"
    int rc = query(c, 0);
    ctx_cancel(&cancel);
    return rc;
}
