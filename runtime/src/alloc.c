/* The allocator seam: every runtime object is allocated here, so tests can inject out-of-memory
 * failures deterministically and benchmarks can count allocations per operation. */
#include "internal.h"

#include <stdlib.h>

static void *(*_Atomic alloc_hook)(size_t) = malloc;
static void (*_Atomic free_hook)(void *) = free;

void ctx_set_allocator(void *(*alloc_fn)(size_t size), void (*free_fn)(void *ptr))
{
    atomic_store(&alloc_hook, alloc_fn ? alloc_fn : malloc);
    atomic_store(&free_hook, free_fn ? free_fn : free);
}

void *ctx__alloc(size_t size)
{
    return atomic_load_explicit(&alloc_hook, memory_order_relaxed)(size);
}

void ctx__free(void *ptr)
{
    if (ptr)
        atomic_load_explicit(&free_hook, memory_order_relaxed)(ptr);
}
