/* context-in-global: the C++ forms (thread_local, static members, function statics). */
#include <ctx/ctx.h>

thread_local ctx_t *tl_ctx; // expect: context-in-global "thread-local variable 'tl_ctx'"

struct Server {
    static ctx_t *current;
};
ctx_t *Server::current = nullptr;

namespace app {
ctx_t *g_ns_ctx; // expect: context-in-global "global variable 'g_ns_ctx'"
}

static ctx_t *g_from_lambda;

void serve(ctx_t *ctx)
{
    Server::current = ctx; // expect: context-in-global "static member variable 'current'"
    thread_local ctx_t *cache = ctx; // expect: context-in-global "thread-local variable 'cache'"
    static ctx_t *first = ctx; // expect: context-in-global "function-static variable 'first'"
    (void)cache;
    (void)first;
}

int main()
{
    /* In main, but the value comes from the lambda's context parameter, not a root. */
    auto keep = [](ctx_t *c) {
        g_from_lambda = c; // expect: context-in-global "not a root in file-static variable"
    };
    keep(ctx_background());
    return 0;
}
