/* context-in-global: contexts kept in global storage outside a root set up in main/init. */
#include <ctx/ctx.h>
#include <stddef.h>

static const ctx_key_t user_key = CTX_KEY("user");

/* Never written anywhere: whatever fills it is out of sight. */
ctx_t *g_request; // expect: context-in-global "global variable 'g_request' holds a context"
__thread ctx_t *t_unset; // expect: context-in-global "thread-local variable 't_unset'"

static ctx_t *s_last;
_Thread_local ctx_t *t_current;
static ctx_t *g_slots[4];
static ctx_t **g_out;
extern ctx_t *g_shared;
static ctx_t *g_child;
static ctx_t *g_lazy;
static ctx_t *g_app;
static ctx_cancel_t g_app_cancel;

struct CTX_CARRIER server_state {
    ctx_t *ctx;
    int requests;
};
static struct server_state g_state;

void handle(ctx_t *ctx, int slot, void *user)
{
    s_last = ctx; // expect: context-in-global "storing a context in file-static variable 's_last'"
    t_current = ctx; // expect: context-in-global "thread-local variable 't_current'"
    g_slots[slot & 3] = ctx; // expect: context-in-global "variable 'g_slots'"
    *g_out = ctx; // expect: context-in-global "variable 'g_out'"
    g_shared = ctx; // expect: context-in-global "global variable 'g_shared'"
    g_state.ctx = ctx; // expect: context-in-global "variable 'g_state'"
    // expect@+1: context-in-global "pass the context down as the first parameter"
    g_child = ctx_with_value(ctx, &user_key, user);
    static ctx_t *cached;
    cached = ctx; // expect: context-in-global "function-static variable 'cached'"
    (void)cached;
}

/* A root, but set up lazily in an ordinary function rather than in main or an init function. */
ctx_t *lazy_root(void)
{
    if (g_lazy == NULL)
        g_lazy = ctx_background(); // expect: context-in-global "'g_lazy'"
    return g_lazy;
}

/* Called from main, but not main nor an init function itself. */
void app_setup(void)
{
    g_app = ctx_with_cancel(ctx_background(), &g_app_cancel); // expect: context-in-global "'g_app'"
}
