// expect-no-diagnostics
/* context-in-global: roots set up in main or an init function, and non-global contexts. */
#include <ctx/ctx.h>
#include <stddef.h>
#include <stdint.h>

static ctx_t *g_root;
static ctx_t *g_app;
static ctx_cancel_t g_app_cancel;
static ctx_t *g_timed;
static ctx_t *g_ctor;
static ctx_t *g_retained;
static ctx_t *g_out;
extern ctx_t *g_ext; /* declared only: the unit that defines it decides */
static int counter;
static ctx_cancel_t g_cancel_only; /* a cancel handle is not a context */

void make_root(ctx_t **out);

__attribute__((constructor)) static void install_root(void)
{
    g_ctor = ctx_todo();
}

int handle(ctx_t *ctx)
{
    ctx_t *c = g_root; /* reading the root is fine */
    ctx_t *local = ctx;
    counter++;
    return ctx_err(c) + ctx_err(local) + (g_ext != NULL);
}

int main(void)
{
    g_root = ctx_background();
    g_app = ctx_with_cancel(ctx_background(), &g_app_cancel);
    ctx_cancel_t tc;
    ctx_t *root = ctx_with_timeout(g_app, CTX_SECONDS(30), &tc);
    g_timed = root;
    g_retained = ctx_retain(g_root);
    make_root(&g_out); /* written where we cannot see: unsure, so silent */
    static ctx_t *main_static;
    main_static = ctx_todo();
    int rc = handle(g_app) + handle(main_static) + (g_ctor != NULL) + (g_cancel_only.ctx__state != 0);
    ctx_release(g_retained);
    ctx_cancel(&tc);
    ctx_cancel(&g_app_cancel);
    g_root = NULL; /* clearing at shutdown */
    g_app = NULL;
    return rc + (g_timed != NULL);
}
