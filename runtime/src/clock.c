/* The monotonic clock seam. Deadlines are computed and compared on this clock only, so a test
 * can swap in a fake clock and fire deadlines deterministically with ctx_clock_advanced. Waits
 * always block on the real CLOCK_MONOTONIC (a fake clock cannot wake a sleeping thread). */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <time.h>

int64_t ctx__real_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ctx__timespec_to_ns(ts);
}

static int64_t (*_Atomic clock_hook)(void) = ctx__real_now_ns;

int64_t ctx__timespec_to_ns(struct timespec ts)
{
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

struct timespec ctx__ns_to_timespec(int64_t ns)
{
    struct timespec ts;
    ts.tv_sec = (time_t)(ns / 1000000000);
    ts.tv_nsec = (long)(ns % 1000000000);
    if (ts.tv_nsec < 0) {
        ts.tv_nsec += 1000000000;
        ts.tv_sec -= 1;
    }
    return ts;
}

int64_t ctx__now_ns(void)
{
    return atomic_load_explicit(&clock_hook, memory_order_acquire)();
}

struct timespec ctx_now(void)
{
    return ctx__ns_to_timespec(ctx__now_ns());
}

struct timespec ctx__real_deadline_after(int64_t rel_ns)
{
    /* Cap the relative wait so the sum cannot overflow; callers loop and recompute anyway. */
    const int64_t cap = INT64_C(3600) * 1000000000;
    if (rel_ns > cap)
        rel_ns = cap;
    if (rel_ns < 0)
        rel_ns = 0;
    return ctx__ns_to_timespec(ctx__real_now_ns() + rel_ns);
}

void ctx_set_clock(int64_t (*now_ns)(void))
{
    atomic_store_explicit(&clock_hook, now_ns ? now_ns : ctx__real_now_ns, memory_order_release);
    ctx__timer_kick();
}

void ctx_clock_advanced(void)
{
    ctx__timer_fire_due();
    ctx__timer_kick();
}
