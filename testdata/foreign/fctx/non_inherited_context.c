/* non-inherited-context with fctx: a configured root started where a context was received. */
#include "fctx.h"

void fetch(fctx *c, int id);

void handler(fctx *c, int id)
{
    fetch(fctx_background(), id); // expect: non-inherited-context "fctx_background\(\) starts"
}

void handler_todo(fctx *c, int id)
{
    fetch(fctx_todo(), id); // expect: non-inherited-context
}

void handler_ok(fctx *c, int id)
{
    fetch(c, id);
}

void batch_job(int id)
{
    fetch(fctx_background(), id);
}
