/* async-capture through a renamed context type and a renamed detach. */
// expect-known-failure: waits for the async-capture rule
#include <pthread.h>
#include <stddef.h>

#include "my_ctx.h"

static void *run(void *arg)
{
    my_release(arg);
    return NULL;
}

void spawn_request(my_ctx *c)
{
    pthread_t t;
    if (pthread_create(&t, NULL, run, c) == 0) // expect: async-capture
        pthread_detach(t);
}

void spawn_detached(my_ctx *c)
{
    pthread_t t;
    if (pthread_create(&t, NULL, run, my_detach(c)) == 0)
        pthread_detach(t);
}
