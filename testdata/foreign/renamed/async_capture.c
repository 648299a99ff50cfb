/* async-capture through a renamed context type and a renamed detach. */
#include <pthread.h>
#include <stddef.h>

#include "my_ctx.h"

static void *run(void *arg)
{
    my_release(arg);
    return NULL;
}

/* A spawner: its parameter goes to a detached thread (reported where it is called). */
static void spawn(my_ctx *c)
{
    pthread_t t;
    if (pthread_create(&t, NULL, run, c) == 0)
        pthread_detach(t);
}

void handle(my_ctx *req)
{
    spawn(req); // expect: async-capture
}

void handle_detached(my_ctx *req)
{
    spawn(my_detach(req));
}
