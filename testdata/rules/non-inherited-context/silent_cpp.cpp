// expect-no-diagnostics
/* non-inherited-context: C++ [[maybe_unused]], unnamed parameters, lambdas, nullptr fallbacks. */
#include <ctx/ctx.h>

int query(ctx_t *ctx, int id);

struct Service {
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
