/* async-capture with clang blocks: a block that captures a request context and runs later. */
#include <ctx/ctx.h>

#include "dispatch.h"

void refresh(ctx_t *c, int key);

void derived_captured(ctx_t *req, int key)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_MS(20), &cancel);
    dispatch_async(dispatch_get_global_queue(0, 0), ^{ // expect: async-capture "request context 'c', captured by a block, is handed to work started by dispatch_async that outlives the request"
      refresh(c, key);
    });
    ctx_cancel(&cancel);
}

/* A spawner through a block: its parameter is captured by a block handed to dispatch_async. */
static void refresh_later(ctx_t *c, int key)
{
    dispatch_async(dispatch_get_global_queue(0, 0), ^{
      refresh(c, key);
    });
}

void param_captured(ctx_t *req)
{
    refresh_later(req, 1); // expect: async-capture "handed to refresh_later, which starts work"
}

/* Inferred asynchronous function: its block parameter reaches dispatch_async. */
static void run_later(dispatch_block_t b)
{
    dispatch_async(dispatch_get_global_queue(0, 0), b);
}

void block_to_inferred(ctx_t *req)
{
    run_later(^{ // expect: async-capture "request context 'req', captured by a block, is handed to run_later"
      refresh(req, 2);
    });
}

void stored_block(ctx_t *req)
{
    ctx_t *c = ctx_with_value(req, NULL, NULL);
    dispatch_block_t b = ^{
      refresh(c, 3);
    };
    dispatch_async(dispatch_get_global_queue(0, 0), b); // expect: async-capture "'c', captured by a block"
}
