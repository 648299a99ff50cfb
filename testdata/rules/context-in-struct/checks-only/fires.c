/* context-in-struct under --checks=-*,context-in-struct: only this rule runs; the other rules'
 * findings (a context parameter that is not first, a NULL context) are not reported. */
#include <ctx/ctx.h>
#include <stddef.h>

struct request {
    ctx_t *ctx; // expect: context-in-struct "field 'ctx' of struct 'request'"
};

struct worker {
    ctx_t *ctx;
    ctx_cancel_t cancel;
};

int handle(int id, ctx_t *ctx);

int caller(void)
{
    return handle(1, NULL);
}
