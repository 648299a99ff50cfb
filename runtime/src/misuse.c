/* Misuse reporting: SQLite-style API armour. Every public entry point that detects a programming
 * error (NULL context, NULL key, bad handle, unbalanced root release, double release) calls
 * ctx__misuse with its own name, so the report says exactly which call was wrong. */
#include "internal.h"

#include <stdio.h>
#include <stdlib.h>

static void default_handler(const char *function, const char *message)
{
    fprintf(stderr, "ctx: misuse in %s: %s\n", function, message);
#ifndef NDEBUG
    /* Debug builds stop at the faulty call, where a debugger or core dump is most useful. */
    abort();
#endif
}

static _Atomic(ctx_misuse_handler_t) handler = default_handler;

ctx_misuse_handler_t ctx_set_misuse_handler(ctx_misuse_handler_t h)
{
    return atomic_exchange(&handler, h ? h : default_handler);
}

void ctx__misuse(const char *function, const char *message)
{
    atomic_load (&handler)(function, message);
}
