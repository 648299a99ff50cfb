/* The slow path of the per-context lock (see ctx__lock_t in internal.h): taken only when two
 * threads touch the same context's lists at the same moment. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <sched.h>

void ctx__lock_slow(ctx__lock_t *l)
{
    for (int spins = 0;; spins++) {
        /* Spin on a plain load so waiting does not bounce the cache line; yield once the
         * holder looks descheduled. */
        while (atomic_load_explicit(&l->held, memory_order_relaxed) != 0) {
            if (++spins > 100) {
                sched_yield();
                spins = 0;
            }
        }
        if (atomic_exchange_explicit(&l->held, 1, memory_order_acquire) == 0)
            return;
    }
}
