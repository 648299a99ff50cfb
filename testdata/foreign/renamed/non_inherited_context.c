/* non-inherited-context through renamed roots. */
#include "my_ctx.h"

int fetch(my_ctx *c, int id);

int handler(my_ctx *c, int id)
{
    return fetch(my_background(), id); // expect: non-inherited-context
}

int handler_ok(my_ctx *c, int id)
{
    return fetch(c, id);
}
