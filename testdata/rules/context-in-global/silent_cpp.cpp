// expect-no-diagnostics
/* context-in-global: C++ roots initialized before main or set up in main. */
#include <ctx/ctx.h>

static ctx_t *g_ns_root = ctx_background(); /* static initialization: before main */
thread_local ctx_t *tl_root;

struct App {
    static ctx_t *root;
};
ctx_t *App::root = nullptr;

int run(ctx_t *ctx)
{
    thread_local int calls = 0;
    calls++;
    return ctx_err(ctx) + calls;
}

int main()
{
    tl_root = ctx_todo();
    App::root = ctx_background();
    return run(g_ns_root) + run(tl_root) + run(App::root);
}
