/* context-in-struct: a header's struct is reported once per run, whichever units include it. */
#ifndef FIRES_SHARED_H
#define FIRES_SHARED_H
#include <ctx/ctx.h>

struct shared_state {
    ctx_t *ctx; // expect: context-in-struct "field 'ctx' of struct 'shared_state'"
};

#endif
