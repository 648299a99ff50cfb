/* non-inherited-context: C++ methods and constructors. */
#include <ctx/ctx.h>

int query(ctx_t *ctx, int id);

struct Service {
    int get(ctx_t *ctx, int id)
    {
        return query(ctx_background(), id) + query(ctx, 0); // expect: non-inherited-context "'get' received the context 'ctx'"
    }
};

struct Session {
    explicit Session(ctx_t *ctx) : id(query(ctx_todo(), 1)) // expect: non-inherited-context "'Session' received the context 'ctx'"
    {
        (void)query(ctx, id);
    }
    int id;
};
