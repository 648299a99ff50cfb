/* non-inherited-context: C++ methods, [[maybe_unused]], lambdas. */
#include <ctx/ctx.h>

int query(ctx_t *ctx, int id);

struct Service {
    int get(ctx_t *ctx, int id)
    {
        return query(ctx_background(), id) + query(ctx, 0); // expect: non-inherited-context "'get' received the context 'ctx'"
    }
    int put([[maybe_unused]] ctx_t *ctx, int id)
    {
        return query(ctx_todo(), id); /* marked unused: an explicit choice */
    }
};

/* An unnamed context parameter: an explicit choice (a callback's fixed signature). */
int callback(ctx_t *, int id)
{
    return query(ctx_todo(), id);
}

int with_lambda(ctx_t *ctx, int id)
{
    /* A lambda's lifetime is not the call's: unsure, silent. */
    auto later = [id] { return query(ctx_background(), id); };
    return later() + query(ctx, id);
}

int null_literal(ctx_t *ctx, int id)
{
    ctx_t *c = ctx != nullptr ? ctx : ctx_todo();
    return query(c, id);
}
