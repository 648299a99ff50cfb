/* Deadlines: one timer thread for the whole process, sleeping until the earliest deadline of a
 * binary min-heap. Each pending deadline costs one heap slot (a pointer) beside its context, and
 * cancelling a context removes its slot in O(log n). The thread starts with the first deadline
 * and is joined at exit, so valgrind sees no thread leak. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static pthread_mutex_t timer_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t timer_cond;
static pthread_cond_t fired_cond; /* signalled when an in-flight firing finishes */
static int firing;                /* timers popped by the thread and not yet cancelled */
static pthread_once_t timer_once = PTHREAD_ONCE_INIT;
static struct ctx__canceler **heap;
static size_t heap_len, heap_cap, heap_reserved;
static bool thread_running, thread_stopping, atexit_registered;
static pthread_t timer_thread;

static void init_cond(void)
{
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&timer_cond, &attr);
    pthread_cond_init(&fired_cond, &attr);
    pthread_condattr_destroy(&attr);
}

static void heap_set(size_t i, struct ctx__canceler *t)
{
    heap[i] = t;
    t->heap_index = (int32_t)i;
}

static void sift_up(size_t i)
{
    struct ctx__canceler *t = heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (heap[p]->deadline_ns <= t->deadline_ns)
            break;
        heap_set(i, heap[p]);
        i = p;
    }
    heap_set(i, t);
}

static void sift_down(size_t i)
{
    struct ctx__canceler *t = heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        int64_t best = t->deadline_ns;
        if (l < heap_len && heap[l]->deadline_ns < best)
            m = l, best = heap[l]->deadline_ns;
        if (l + 1 < heap_len && heap[l + 1]->deadline_ns < best)
            m = l + 1;
        if (m == i)
            break;
        heap_set(i, heap[m]);
        i = m;
    }
    heap_set(i, t);
}

/* Removes slot i. Called with timer_lock held. */
static void heap_delete(size_t i)
{
    struct ctx__canceler *gone = heap[i];
    gone->heap_index = -1;
    heap_len--;
    if (i == heap_len)
        return;
    heap_set(i, heap[heap_len]);
    if (i > 0 && heap[i]->deadline_ns < heap[(i - 1) / 2]->deadline_ns)
        sift_up(i);
    else
        sift_down(i);
}

/* Pops the earliest timer if it is due at `now`, with a reference; NULL otherwise. */
static struct ctx__canceler *pop_due(int64_t now)
{
    while (heap_len > 0 && heap[0]->deadline_ns <= now) {
        struct ctx__canceler *t = heap[0];
        heap_delete(0);
        /* A timer context only loses its last reference after being cancelled, which removes
         * it from the heap; the check guards against a misused ctx_release all the same. */
        if (ctx__try_retain(&t->base))
            return t;
    }
    return NULL;
}

static void fire(struct ctx__canceler *t)
{
    ctx__cancel_tree(t, ETIMEDOUT, t->timeout_cause, true);
    ctx__unref(&t->base);
}

static void *timer_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&timer_lock);
    while (!thread_stopping) {
        if (heap_len == 0) {
            pthread_cond_wait(&timer_cond, &timer_lock);
            continue;
        }
        int64_t now = ctx__now_ns();
        struct ctx__canceler *t = pop_due(now);
        if (t) {
            firing++;
            pthread_mutex_unlock(&timer_lock);
            fire(t);
            pthread_mutex_lock(&timer_lock);
            if (--firing == 0)
                pthread_cond_broadcast(&fired_cond);
            continue;
        }
        if (heap_len == 0)
            continue;
        /* With a fake clock this real-time wait is only an upper bound: ctx_clock_advanced
         * kicks the thread to recompute. */
        struct timespec until = ctx__real_deadline_after(heap[0]->deadline_ns - now);
        pthread_cond_timedwait(&timer_cond, &timer_lock, &until);
    }
    pthread_mutex_unlock(&timer_lock);
    return NULL;
}

static void timer_shutdown(void)
{
    pthread_mutex_lock(&timer_lock);
    if (!thread_running) {
        pthread_mutex_unlock(&timer_lock);
        return;
    }
    thread_stopping = true;
    pthread_cond_signal(&timer_cond);
    pthread_mutex_unlock(&timer_lock);
    pthread_join(timer_thread, NULL);

    pthread_mutex_lock(&timer_lock);
    thread_running = false;
    thread_stopping = false;
    /* Contexts still pending at exit were never cancelled by their owners; forget them. */
    for (size_t i = 0; i < heap_len; i++)
        heap[i]->heap_index = -1;
    struct ctx__canceler **old = heap;
    heap = NULL;
    heap_len = heap_cap = heap_reserved = 0;
    pthread_mutex_unlock(&timer_lock);
    ctx__free(old);
}

/* Called with timer_lock held. */
static bool start_thread(void)
{
    if (thread_running)
        return true;
    if (pthread_create(&timer_thread, NULL, timer_main, NULL) != 0)
        return false;
    thread_running = true;
    if (!atexit_registered)
        atexit_registered = atexit(timer_shutdown) == 0;
    return true;
}

bool ctx__timer_reserve(void)
{
    pthread_once(&timer_once, init_cond);
    for (;;) {
        pthread_mutex_lock(&timer_lock);
        if (!start_thread()) {
            pthread_mutex_unlock(&timer_lock);
            return false;
        }
        if (heap_len + heap_reserved < heap_cap) {
            heap_reserved++;
            pthread_mutex_unlock(&timer_lock);
            return true;
        }
        size_t want = heap_cap ? heap_cap * 2 : 64;
        pthread_mutex_unlock(&timer_lock);

        /* Allocate outside the lock: the allocator is a seam that tests replace. */
        struct ctx__canceler **grown = ctx__alloc(want * sizeof *grown);
        if (!grown)
            return false;
        pthread_mutex_lock(&timer_lock);
        struct ctx__canceler **old = grown;
        if (heap_cap < want) {
            if (heap_len)
                memcpy(grown, heap, heap_len * sizeof *grown);
            old = heap;
            heap = grown;
            heap_cap = want;
        }
        pthread_mutex_unlock(&timer_lock);
        ctx__free(old);
    }
}

void ctx__timer_unreserve(void)
{
    pthread_mutex_lock(&timer_lock);
    heap_reserved--;
    pthread_mutex_unlock(&timer_lock);
}

void ctx__timer_add(struct ctx__canceler *t)
{
    pthread_mutex_lock(&timer_lock);
    heap_reserved--;
    heap_len++;
    heap_set(heap_len - 1, t);
    sift_up(heap_len - 1);
    if (heap[0] == t)
        pthread_cond_signal(&timer_cond);
    pthread_mutex_unlock(&timer_lock);
}

void ctx__timer_remove(struct ctx__canceler *t)
{
    pthread_mutex_lock(&timer_lock);
    if (t->heap_index >= 0)
        heap_delete((size_t)t->heap_index);
    pthread_mutex_unlock(&timer_lock);
}

size_t ctx__timer_pending(void)
{
    pthread_mutex_lock(&timer_lock);
    size_t n = heap_len;
    pthread_mutex_unlock(&timer_lock);
    return n;
}

void ctx__timer_fire_due(void)
{
    pthread_once(&timer_once, init_cond);
    for (;;) {
        pthread_mutex_lock(&timer_lock);
        struct ctx__canceler *t = pop_due(ctx__now_ns());
        if (!t) {
            /* The timer thread may have popped a due timer just before us: wait for it, so
             * every deadline now due is observably done when ctx_clock_advanced returns. */
            while (firing > 0)
                pthread_cond_wait(&fired_cond, &timer_lock);
            pthread_mutex_unlock(&timer_lock);
            return;
        }
        pthread_mutex_unlock(&timer_lock);
        fire(t);
    }
}

void ctx__timer_kick(void)
{
    pthread_once(&timer_once, init_cond);
    pthread_mutex_lock(&timer_lock);
    pthread_cond_signal(&timer_cond);
    pthread_mutex_unlock(&timer_lock);
}
