/* context-in-struct: this unit only fills the task struct; silent_spawns_task.c spawns it. */
// expect-no-diagnostics
#include <ctx/ctx.h>

#include "silent_spawned_elsewhere.h"

int retry(ctx_t *ctx)
{
    struct remote_task t = {ctx, 2};
    return remote_task_start(&t);
}
