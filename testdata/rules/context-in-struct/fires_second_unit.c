/* context-in-struct: a second unit including fires_shared.h, and its own field. */
#include <ctx/ctx.h>

#include "fires_shared.h"

struct cache_entry {
    int key;
    ctx_t *owner; // expect: context-in-struct "field 'owner' of struct 'cache_entry'"
};

int peek(struct shared_state *s, struct cache_entry *e)
{
    return (s->ctx != NULL) + e->key;
}
