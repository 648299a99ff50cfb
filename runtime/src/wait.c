/* Blocking waits (ctx_wait). Cancelers carry no condition variable of their own, which would
 * cost 48 bytes per context; waiters instead sleep on one of a few striped condition variables
 * chosen by address, and a cancel wakes its stripe only when someone is waiting. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>

#define STRIPES 64

static struct stripe {
    pthread_mutex_t lock;
    pthread_cond_t cond;
} stripes[STRIPES];
static pthread_once_t stripes_once = PTHREAD_ONCE_INIT;

static void init_stripes(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    for (int i = 0; i < STRIPES; i++) {
        pthread_mutex_init(&stripes[i].lock, NULL);
        pthread_cond_init(&stripes[i].cond, &attr);
    }
    pthread_condattr_destroy(&attr);
}

static struct stripe *stripe_of(const void *p)
{
    uintptr_t a = (uintptr_t)p;
    return &stripes[(a >> 6 ^ a >> 12) % STRIPES];
}

void ctx__wake_waiters(struct ctx__canceler *cc)
{
    struct stripe *s = stripe_of(cc);
    pthread_mutex_lock(&s->lock);
    pthread_cond_broadcast(&s->cond);
    pthread_mutex_unlock(&s->lock);
}

/* Registers a waiter on `cc` unless `flag` is already set. Registration happens under the
 * context lock, where cancel_one and settle publish err and settled and read the waiter count:
 * so either we see the flag here, or the publisher sees our registration and broadcasts on the
 * stripe, which we only leave after checking the flag under the stripe lock. */
static bool register_waiter(struct ctx__canceler *cc, atomic_int *flag)
{
    ctx__lock(&cc->lock);
    bool set = atomic_load_explicit(flag, memory_order_relaxed) != 0;
    if (!set)
        atomic_fetch_add_explicit(&cc->waiters, 1, memory_order_relaxed);
    ctx__unlock(&cc->lock);
    return !set;
}

static void unregister_waiter(struct ctx__canceler *cc)
{
    atomic_fetch_sub_explicit(&cc->waiters, 1, memory_order_relaxed);
}

void ctx__wait_settled(struct ctx__canceler *cc)
{
    if (atomic_load_explicit(&cc->settled, memory_order_acquire))
        return;
    pthread_once(&stripes_once, init_stripes);
    if (!register_waiter(cc, &cc->settled))
        return;
    struct stripe *s = stripe_of(cc);
    pthread_mutex_lock(&s->lock);
    while (!atomic_load_explicit(&cc->settled, memory_order_acquire))
        pthread_cond_wait(&s->cond, &s->lock);
    pthread_mutex_unlock(&s->lock);
    unregister_waiter(cc);
}

int ctx_wait(ctx_t *c, int64_t timeout_ns)
{
    if (!c) {
        ctx__misuse("ctx_wait", "NULL context");
        return EINVAL;
    }
    struct ctx__canceler *cc = c->cc;
    int err = cc ? atomic_load_explicit(&cc->err, memory_order_acquire) : 0;
    if (err || timeout_ns == 0)
        return err;

    pthread_once(&stripes_once, init_stripes);
    int64_t start = ctx__real_now_ns();
    int64_t end = timeout_ns > INT64_MAX - start ? INT64_MAX : start + timeout_ns;
    if (cc && !register_waiter(cc, &cc->err))
        return atomic_load_explicit(&cc->err, memory_order_acquire);
    struct stripe *s = stripe_of(cc ? (void *)cc : (void *)c);

    pthread_mutex_lock(&s->lock);
    while (!cc || (err = atomic_load_explicit(&cc->err, memory_order_acquire)) == 0) {
        if (timeout_ns < 0) {
            pthread_cond_wait(&s->cond, &s->lock);
            continue;
        }
        int64_t now = ctx__real_now_ns();
        if (now >= end)
            break;
        struct timespec until = ctx__real_deadline_after(end - now);
        pthread_cond_timedwait(&s->cond, &s->lock, &until);
    }
    pthread_mutex_unlock(&s->lock);
    if (cc)
        unregister_waiter(cc);
    return err;
}
