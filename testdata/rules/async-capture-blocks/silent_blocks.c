// expect-no-diagnostics
/* async-capture with clang blocks: blocks that are fine. */
#include <ctx/ctx.h>

#include "dispatch.h"

void refresh(ctx_t *c, int key);

void detached_captured(ctx_t *req, int key)
{
    ctx_t *bg = ctx_without_cancel(req);
    dispatch_async(dispatch_get_global_queue(0, 0), ^{
      refresh(bg, key);
      ctx_release(bg);
    });
}

void synchronous(ctx_t *req)
{
    /* dispatch_sync waits for the block: not in the model as a spawn. */
    dispatch_sync(dispatch_get_global_queue(0, 0), ^{
      refresh(req, 1);
    });
}

/* Runs its block before returning: not a spawner. */
static void run_now(dispatch_block_t b)
{
    b();
}

void block_to_synchronous(ctx_t *req)
{
    run_now(^{
      refresh(req, 2);
    });
}

void block_with_own_parameter(ctx_t *req)
{
    void (^use)(ctx_t *) = ^(ctx_t *c) {
      refresh(c, 3);
    };
    use(req);
    dispatch_async(dispatch_get_global_queue(0, 0), ^{
      refresh(ctx_background(), 4);
    });
}
