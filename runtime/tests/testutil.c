/* Implementation of the shared test helpers (see testutil.h). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <errno.h>
#include <poll.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static _Atomic int64_t fake_now = INT64_C(1000000000000);

static int64_t fake_clock(void)
{
    return atomic_load(&fake_now);
}

void tu_use_fake_clock(void)
{
    ctx_set_clock(fake_clock);
}

void tu_use_real_clock(void)
{
    ctx_set_clock(NULL);
}

void tu_advance(int64_t ns)
{
    atomic_fetch_add(&fake_now, ns);
    ctx_clock_advanced();
}

static atomic_int misuse_count;
static const char *_Atomic misuse_function;

static void record_misuse(const char *function, const char *message)
{
    assert_non_null(message);
    atomic_store(&misuse_function, function);
    atomic_fetch_add(&misuse_count, 1);
}

void tu_capture_misuse(void)
{
    atomic_store(&misuse_count, 0);
    atomic_store(&misuse_function, NULL);
    ctx_set_misuse_handler(record_misuse);
}

void tu_release_misuse(void)
{
    ctx_set_misuse_handler(NULL);
}

int tu_misuse_count(void)
{
    return atomic_load(&misuse_count);
}

const char *tu_last_misuse_function(void)
{
    const char *f = atomic_load(&misuse_function);
    return f ? f : "";
}

void tu_run_on_stack(size_t stack_size, void *(*fn)(void *), void *arg)
{
    pthread_attr_t attr;
    pthread_t t;
    assert_int_equal(pthread_attr_init(&attr), 0);
    assert_int_equal(pthread_attr_setstacksize(&attr, stack_size), 0);
    assert_int_equal(pthread_create(&t, &attr, fn, arg), 0);
    pthread_attr_destroy(&attr);
    assert_int_equal(pthread_join(t, NULL), 0);
}

void tu_sleep_ns(int64_t ns)
{
    struct timespec ts = {(time_t)(ns / 1000000000), (long)(ns % 1000000000)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

bool tu_fd_readable(int fd, int timeout_ms)
{
    struct pollfd p = {.fd = fd, .events = POLLIN};
    int r;
    do {
        r = poll(&p, 1, timeout_ms);
    } while (r < 0 && errno == EINTR);
    return r == 1 && (p.revents & POLLIN);
}

static atomic_long allocs, live, fail_after = -1;

static void *counting_alloc(size_t size)
{
    long f = atomic_load(&fail_after);
    if (f == 0)
        return NULL;
    if (f > 0)
        atomic_fetch_sub(&fail_after, 1);
    void *p = malloc(size);
    if (p) {
        atomic_fetch_add(&allocs, 1);
        atomic_fetch_add(&live, 1);
    }
    return p;
}

static void counting_free(void *p)
{
    atomic_fetch_sub(&live, 1);
    free(p);
}

void tu_use_counting_allocator(void)
{
    atomic_store(&fail_after, -1);
    ctx_set_allocator(counting_alloc, counting_free);
}

void tu_use_default_allocator(void)
{
    ctx_set_allocator(NULL, NULL);
}

long tu_alloc_count(void)
{
    return atomic_load(&allocs);
}

long tu_live_allocations(void)
{
    return atomic_load(&live);
}

void tu_fail_allocation_after(long n)
{
    atomic_store(&fail_after, n);
}

void tu_latch_init(struct tu_latch *l)
{
    pthread_mutex_init(&l->lock, NULL);
    pthread_cond_init(&l->cond, NULL);
    l->count = 0;
}

void tu_latch_destroy(struct tu_latch *l)
{
    pthread_mutex_destroy(&l->lock);
    pthread_cond_destroy(&l->cond);
}

void tu_latch_post(struct tu_latch *l)
{
    pthread_mutex_lock(&l->lock);
    l->count++;
    pthread_cond_broadcast(&l->cond);
    pthread_mutex_unlock(&l->lock);
}

int tu_latch_wait(struct tu_latch *l, int64_t timeout_ns)
{
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    int64_t ns = until.tv_nsec + timeout_ns % 1000000000;
    until.tv_sec += (time_t)(timeout_ns / 1000000000 + ns / 1000000000);
    until.tv_nsec = (long)(ns % 1000000000);
    pthread_mutex_lock(&l->lock);
    while (l->count == 0) {
        if (pthread_cond_timedwait(&l->cond, &l->lock, &until) == ETIMEDOUT)
            break;
    }
    int c = l->count;
    pthread_mutex_unlock(&l->lock);
    return c;
}

int tu_latch_count(struct tu_latch *l)
{
    pthread_mutex_lock(&l->lock);
    int c = l->count;
    pthread_mutex_unlock(&l->lock);
    return c;
}
