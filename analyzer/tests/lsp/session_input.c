/* Input of the language server's session test (lsp_session.py): a null context, with
 * characters outside ASCII before it on its line so that UTF-16 columns differ from byte
 * columns, and a request context handed to a detached thread. The test finds the lines by their
 * expect markers. */
#include <ctx/ctx.h>
#include <pthread.h>
#include <stddef.h>

int fetch(ctx_t *c, int id);
void *worker(void *arg);

static void spawn_detached(ctx_t *c)
{
    pthread_t t;
    pthread_create(&t, NULL, worker, c);
    pthread_detach(t);
}

int lookup(void)
{
    /* é𝄞 */ return fetch(NULL, 1); // expect: nil-context
}

void handler(ctx_t *req)
{
    spawn_detached(req); // expect: async-capture
}
