/* context-not-first through a typedef of ctx_t and a typedef of a pointer to it. */
#include "my_ctx.h"

int handle(int id, my_ctx *c);        // expect: context-not-first
int handle_ref(int id, my_ctx_ref c); // expect: context-not-first
int handle_ok(my_ctx *c, int id);
int handle_ref_ok(my_ctx_ref c, int id);
