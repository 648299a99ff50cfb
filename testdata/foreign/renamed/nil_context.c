/* nil-context through a renamed NULL and a renamed context type. */
#include <stddef.h>

#include "my_ctx.h"

void serve(my_ctx *c, int id);

void serve_all(void)
{
    serve(MY_NO_CONTEXT, 1); // expect: nil-context
    serve(my_todo(), 2);
}
