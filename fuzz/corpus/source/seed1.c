#include <ctx/ctx.h>
#include <pthread.h>
static void *run(void *a) { ctx_release(a); return 0; }
int handle(ctx_t *req, int id) {
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_MS(50), &cancel);
    pthread_t t;
    pthread_create(&t, NULL, run, ctx_retain(c));
    pthread_detach(t);
    if (id) return ctx_err(NULL);
    ctx_cancel(&cancel);
    return 0;
}
