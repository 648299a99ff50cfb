/* Helpers shared by the runtime's cmocka tests: a fake monotonic clock (deadline tests never
 * sleep), a misuse-handler recorder, small thread helpers and a test allocator. */
#ifndef CTX_TESTUTIL_H
#define CTX_TESTUTIL_H

#include <ctx/ctx.h>

#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>

/* Fake clock: starts at an arbitrary non-zero time and moves only when told. */
void tu_use_fake_clock(void);
void tu_use_real_clock(void);
/* Moves the fake clock forward and fires what became due before returning. */
void tu_advance(int64_t ns);

/* Misuse recorder: replaces the handler so misuse returns the documented error value. */
void tu_capture_misuse(void);
void tu_release_misuse(void);
int tu_misuse_count(void);
const char *tu_last_misuse_function(void);

/* Runs fn(arg) on a new thread with the given stack size and joins it. */
void tu_run_on_stack(size_t stack_size, void *(*fn)(void *), void *arg);
/* Sleeps for a short real time (never more than a few milliseconds in these tests). */
void tu_sleep_ns(int64_t ns);
/* True if the file descriptor polls readable within timeout_ms. */
bool tu_fd_readable(int fd, int timeout_ms);

/* A counting allocator that can be told to fail the n-th allocation from now. */
void tu_use_counting_allocator(void);
void tu_use_default_allocator(void);
long tu_alloc_count(void);
long tu_live_allocations(void);
void tu_fail_allocation_after(long n); /* n successful allocations, then failures; -1: never */

/* Simple one-shot latch for "channel closed" in ported Go tests. */
struct tu_latch {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int count;
};
void tu_latch_init(struct tu_latch *l);
void tu_latch_destroy(struct tu_latch *l);
void tu_latch_post(struct tu_latch *l);
/* Waits until count > 0 or timeout (ns); returns the count observed. */
int tu_latch_wait(struct tu_latch *l, int64_t timeout_ns);
int tu_latch_count(struct tu_latch *l);

#endif
