/* Deadlines: one timer thread for the whole process. Pending deadlines live in binary min-heaps,
 * one per shard, each thread adding to its own shard so that threads creating and cancelling
 * timeouts in parallel do not fight over one lock (Go keeps timers per P for the same reason).
 * Each pending deadline costs one heap slot (a pointer) beside its context; cancelling removes it
 * in O(log n). The thread sleeps until the earliest deadline of all shards; an add that becomes
 * earlier than that wakes it. It starts with the first deadline and is joined at exit, so
 * valgrind sees no thread leak. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <string.h>

#define SHARDS 8

static struct shard {
    _Alignas(64) pthread_mutex_t lock;
    struct ctx__canceler **heap;
    size_t len, cap;
} shards[SHARDS];

/* The thread's control block. `next_wake` is when it will next look at the heaps (INT64_MAX
 * while it is looking, so every add during a pass reports itself). */
static pthread_mutex_t ctl_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ctl_cond;  /* wakes the timer thread */
static pthread_cond_t pass_cond; /* signalled when a pass ends */
static pthread_once_t ctl_once = PTHREAD_ONCE_INIT;
static _Atomic int64_t next_wake = INT64_MAX;
static atomic_bool thread_up;
static bool stopping, kicked, in_pass;
static pthread_t timer_thread;
static atomic_uint shard_counter;
static _Thread_local int my_shard = -1;

static void init_ctl(void)
{
    for (int i = 0; i < SHARDS; i++)
        pthread_mutex_init(&shards[i].lock, NULL);
    pthread_condattr_t attr;
    pthread_condattr_init(&attr);
    pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
    pthread_cond_init(&ctl_cond, &attr);
    pthread_cond_init(&pass_cond, &attr);
    pthread_condattr_destroy(&attr);
}

/* ---- one heap (callers hold its shard's lock) --------------------------------------------- */

static void heap_set(struct shard *s, size_t i, struct ctx__canceler *t)
{
    s->heap[i] = t;
    t->heap_index = (int32_t)i;
}

static void sift_up(struct shard *s, size_t i)
{
    struct ctx__canceler *t = s->heap[i];
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (s->heap[p]->deadline_ns <= t->deadline_ns)
            break;
        heap_set(s, i, s->heap[p]);
        i = p;
    }
    heap_set(s, i, t);
}

static void sift_down(struct shard *s, size_t i)
{
    struct ctx__canceler *t = s->heap[i];
    for (;;) {
        size_t l = 2 * i + 1, m = i;
        int64_t best = t->deadline_ns;
        if (l < s->len && s->heap[l]->deadline_ns < best)
            m = l, best = s->heap[l]->deadline_ns;
        if (l + 1 < s->len && s->heap[l + 1]->deadline_ns < best)
            m = l + 1;
        if (m == i)
            break;
        heap_set(s, i, s->heap[m]);
        i = m;
    }
    heap_set(s, i, t);
}

static void heap_delete(struct shard *s, size_t i)
{
    s->heap[i]->heap_index = -1;
    s->len--;
    if (i == s->len)
        return;
    heap_set(s, i, s->heap[s->len]);
    if (i > 0 && s->heap[i]->deadline_ns < s->heap[(i - 1) / 2]->deadline_ns)
        sift_up(s, i);
    else
        sift_down(s, i);
}

/* Pops the earliest timer of `s` if it is due at `now`, with a reference; NULL otherwise. */
static struct ctx__canceler *pop_due(struct shard *s, int64_t now)
{
    while (s->len > 0 && s->heap[0]->deadline_ns <= now) {
        struct ctx__canceler *t = s->heap[0];
        heap_delete(s, 0);
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

/* Fires everything due in every shard; returns the earliest remaining deadline. */
static int64_t fire_all_due(void)
{
    int64_t earliest = INT64_MAX;
    for (int i = 0; i < SHARDS; i++) {
        struct shard *s = &shards[i];
        for (;;) {
            pthread_mutex_lock(&s->lock);
            struct ctx__canceler *t = pop_due(s, ctx__now_ns());
            if (!t) {
                if (s->len > 0 && s->heap[0]->deadline_ns < earliest)
                    earliest = s->heap[0]->deadline_ns;
                pthread_mutex_unlock(&s->lock);
                break;
            }
            pthread_mutex_unlock(&s->lock);
            fire(t);
        }
    }
    return earliest;
}

static void *timer_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&ctl_lock);
    while (!stopping) {
        atomic_store(&next_wake, INT64_MAX);
        kicked = false;
        in_pass = true;
        pthread_mutex_unlock(&ctl_lock);
        int64_t earliest = fire_all_due();
        pthread_mutex_lock(&ctl_lock);
        in_pass = false;
        pthread_cond_broadcast(&pass_cond);
        if (kicked || stopping)
            continue;
        atomic_store(&next_wake, earliest);
        if (earliest == INT64_MAX) {
            pthread_cond_wait(&ctl_cond, &ctl_lock);
        } else {
            /* With a fake clock this real-time wait is only an upper bound: ctx_clock_advanced
             * kicks the thread to look again. */
            struct timespec until = ctx__real_deadline_after(earliest - ctx__now_ns());
            pthread_cond_timedwait(&ctl_cond, &ctl_lock, &until);
        }
    }
    pthread_mutex_unlock(&ctl_lock);
    return NULL;
}

void ctx__timer_shutdown(void)
{
    pthread_mutex_lock(&ctl_lock);
    if (!atomic_load(&thread_up)) {
        pthread_mutex_unlock(&ctl_lock);
        return;
    }
    stopping = true;
    pthread_cond_signal(&ctl_cond);
    pthread_mutex_unlock(&ctl_lock);
    pthread_join(timer_thread, NULL);

    pthread_mutex_lock(&ctl_lock);
    atomic_store(&thread_up, false);
    stopping = false;
    pthread_mutex_unlock(&ctl_lock);
    for (int i = 0; i < SHARDS; i++) {
        struct shard *s = &shards[i];
        pthread_mutex_lock(&s->lock);
        /* Contexts still pending at exit were never cancelled by their owners; forget them. */
        for (size_t j = 0; j < s->len; j++)
            s->heap[j]->heap_index = -1;
        struct ctx__canceler **old = s->heap;
        s->heap = NULL;
        s->len = s->cap = 0;
        pthread_mutex_unlock(&s->lock);
        ctx__free(old);
    }
}

bool ctx__timer_start(void)
{
    if (atomic_load_explicit(&thread_up, memory_order_acquire))
        return true;
    pthread_once(&ctl_once, init_ctl);
    pthread_mutex_lock(&ctl_lock);
    bool ok = atomic_load(&thread_up);
    if (!ok && pthread_create(&timer_thread, NULL, timer_main, NULL) == 0) {
        atomic_store(&thread_up, true);
        ok = true;
        ctx__shutdown_at_exit();
    }
    pthread_mutex_unlock(&ctl_lock);
    return ok;
}

void ctx__timer_pick_shard(struct ctx__canceler *t)
{
    if (my_shard < 0)
        my_shard =
            (int)(atomic_fetch_add_explicit(&shard_counter, 1, memory_order_relaxed) % SHARDS);
    t->timer_shard = (uint8_t)my_shard;
}

static void kick(void)
{
    pthread_once(&ctl_once, init_ctl);
    pthread_mutex_lock(&ctl_lock);
    kicked = true;
    pthread_cond_signal(&ctl_cond);
    pthread_mutex_unlock(&ctl_lock);
}

bool ctx__timer_add(struct ctx__canceler *t)
{
    struct shard *s = &shards[t->timer_shard];
    pthread_mutex_lock(&s->lock);
    if (s->len == s->cap) {
        pthread_mutex_unlock(&s->lock);
        return false;
    }
    s->len++;
    heap_set(s, s->len - 1, t);
    sift_up(s, s->len - 1);
    bool first = s->heap[0] == t;
    pthread_mutex_unlock(&s->lock);
    /* seq_cst pairs with the thread's store of next_wake after its pass. */
    if (first && t->deadline_ns < atomic_load(&next_wake))
        kick();
    return true;
}

bool ctx__timer_grow(struct ctx__canceler *t)
{
    struct shard *s = &shards[t->timer_shard];
    pthread_mutex_lock(&s->lock);
    size_t want = s->cap ? s->cap * 2 : 64;
    pthread_mutex_unlock(&s->lock);
    /* Allocate outside the lock: the allocator is a seam that tests replace. */
    struct ctx__canceler **grown = ctx__alloc(want * sizeof *grown);
    if (!grown)
        return false;
    pthread_mutex_lock(&s->lock);
    struct ctx__canceler **old = grown;
    if (s->cap < want) {
        if (s->len)
            memcpy(grown, s->heap, s->len * sizeof *grown);
        old = s->heap;
        s->heap = grown;
        s->cap = want;
    }
    pthread_mutex_unlock(&s->lock);
    ctx__free(old);
    return true;
}

void ctx__timer_remove(struct ctx__canceler *t)
{
    struct shard *s = &shards[t->timer_shard];
    pthread_mutex_lock(&s->lock);
    if (t->heap_index >= 0)
        heap_delete(s, (size_t)t->heap_index);
    pthread_mutex_unlock(&s->lock);
}

size_t ctx__timer_pending(void)
{
    pthread_once(&ctl_once, init_ctl);
    size_t n = 0;
    for (int i = 0; i < SHARDS; i++) {
        pthread_mutex_lock(&shards[i].lock);
        n += shards[i].len;
        pthread_mutex_unlock(&shards[i].lock);
    }
    return n;
}

void ctx__timer_fire_due(void)
{
    pthread_once(&ctl_once, init_ctl);
    fire_all_due();
    /* The timer thread may be firing a timer it popped before we looked: wait for its pass to
     * end, so every deadline now due is observably done when ctx_clock_advanced returns. */
    if (!atomic_load(&thread_up))
        return;
    pthread_mutex_lock(&ctl_lock);
    while (in_pass)
        pthread_cond_wait(&pass_cond, &ctl_lock);
    pthread_mutex_unlock(&ctl_lock);
}

void ctx__timer_kick(void)
{
    kick();
}
