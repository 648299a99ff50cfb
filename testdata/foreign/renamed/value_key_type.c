/* value-key-type through renamed value functions and key type. */
#include <stdint.h>

#include "my_ctx.h"

static const my_key user_key;

void *user_of(my_ctx *c)
{
    return my_value(c, &user_key);
}

void *bad_user_of(my_ctx *c)
{
    return my_value(c, (const my_key *)(uintptr_t)7); // expect: value-key-type
}
