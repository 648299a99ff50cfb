/* context-in-struct: the spawn that makes struct remote_task a task argument, in another unit
 * than the one that only fills it (silent_uses_task.c). */
// expect-no-diagnostics
#include <ctx/ctx.h>
#include <pthread.h>

#include "silent_spawned_elsewhere.h"

static void *remote_main(void *p)
{
    struct remote_task *t = p;
    (void)ctx_err(t->ctx);
    return NULL;
}

int remote_task_start(struct remote_task *t)
{
    pthread_t th;
    if (pthread_create(&th, NULL, remote_main, t) != 0)
        return -1;
    return pthread_join(th, NULL);
}
