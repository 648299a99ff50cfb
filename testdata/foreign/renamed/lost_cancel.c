/* lost-cancel through renamed derivations, a renamed cancel type and a function-like macro. */
#include "my_ctx.h"

int fetch(my_ctx *c);

int never_cancelled(my_ctx *parent)
{
    my_cancel cancel;
    my_ctx *c = my_with_cancel(parent, &cancel); // expect@+1: lost-cancel
    return fetch(c);
}

int cancelled(my_ctx *parent)
{
    my_cancel cancel;
    my_ctx *c = my_with_timeout(parent, 1000000, &cancel);
    int rc = fetch(c);
    my_cancel_now(&cancel);
    return rc;
}
