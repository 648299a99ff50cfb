/* context-leak through renamed value derivation and release. */
#include "my_ctx.h"

static const my_key user_key;

int leaked(my_ctx *c, void *user)
{
    my_ctx *v = my_with_value(c, &user_key, user); // expect@+1: context-leak
    return my_err(v);
}

int released(my_ctx *c, void *user)
{
    my_ctx *v = my_with_value(c, &user_key, user);
    int err = my_err(v);
    my_release(v);
    return err;
}
