/* Internal layout of contexts and the ctx__ functions shared between the runtime's source files.
 * Nothing here is installed; tests may include it to observe the tree (child counts, timers). */
#ifndef CTX_INTERNAL_H
#define CTX_INTERNAL_H

#include <ctx/ctx.h>

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

enum ctx__kind {
    CTX__ROOT,    /* ctx_background, ctx_todo: static, never cancelled */
    CTX__VALUE,   /* ctx_with_value */
    CTX__WITHOUT, /* ctx_without_cancel: values yes, cancellation no */
    CTX__CANCEL,  /* ctx_with_cancel(_cause), or a deadline the parent's earlier one makes moot */
    CTX__TIMER,   /* ctx_with_deadline/_timeout with its own timer */
};

#define CTX__MAGIC_LIVE 0x63747831u /* "ctx1" */
#define CTX__MAGIC_DEAD 0xdeadc7c7u

#define CTX__HANDLE_LIVE 0x4c495645u  /* a filled ctx_cancel_t / ctx_after_t */
#define CTX__HANDLE_SPENT 0x5350454eu /* emptied: further calls are documented no-ops */

struct ctx__canceler;

/* The per-context lock: a test-and-set lock of four bytes instead of a 40-byte pthread mutex.
 * Critical sections are a few pointer updates (never user code, never an allocation), so
 * spinning briefly and then yielding beats parking; the size keeps a canceler within glibc's
 * fastbin range. */
typedef struct ctx__lock {
    atomic_int held;
} ctx__lock_t;

void ctx__lock_slow(ctx__lock_t *l);

static inline void ctx__lock_init(ctx__lock_t *l)
{
    atomic_init(&l->held, 0);
}

static inline void ctx__lock(ctx__lock_t *l)
{
    if (atomic_exchange_explicit(&l->held, 1, memory_order_acquire) != 0)
        ctx__lock_slow(l);
}

static inline void ctx__unlock(ctx__lock_t *l)
{
    atomic_store_explicit(&l->held, 0, memory_order_release);
}

/* Common header of every context. Immutable after construction except `refs`. Value lookups
 * walk `parent`; cancellation state lives in the nearest canceler `cc`, so ctx_err on any kind of
 * context is one load of an immutable pointer and one atomic load. */
struct ctx {
    atomic_int refs; /* on roots: outstanding ctx_retain calls, to catch unbalanced releases */
    uint32_t magic;
    uint8_t kind;
    struct ctx *parent;       /* strong reference, except to roots */
    struct ctx__canceler *cc; /* nearest cancelable ancestor-or-self; NULL: never cancelled */
};

/* ctx_with_value */
struct ctx__value {
    struct ctx base;
    const ctx_key_t *key;
    void *value;
};

struct ctx__after;

/* A cancelable context. `lock` guards the child and after-func lists and the done fd; `err` is
 * published with a store after `cause`, so readers never need the lock. */
struct ctx__canceler {
    struct ctx base;
    atomic_int err;      /* 0, ECANCELED or ETIMEDOUT; written once */
    atomic_int cause;    /* valid once err != 0 */
    atomic_int waiters;  /* threads in ctx_wait or ctx__wait_settled on this canceler */
    atomic_int settled;  /* 1 once err is set and the whole subtree is cancelled too */
    int done_fd;         /* -1 until ctx_done_fd asks; readable end */
    int done_wfd;        /* write end (same as done_fd for an eventfd) */
    int timeout_cause;   /* CTX__TIMER: cause reported when the deadline fires */
    int32_t heap_index;  /* CTX__TIMER: position in its timer heap, -1 when not queued */
    uint8_t timer_shard; /* CTX__TIMER: which timer heap */
    bool has_deadline;
    bool marker;         /* on a cancellation work list as its own post-order marker */
    atomic_bool linked;  /* in the parent canceler's `children`; written under the parent's lock */
    ctx__lock_t lock;    /* beside the flags: the layout stays at 120 bytes, a glibc fastbin size */
    int64_t deadline_ns; /* own or inherited */
    struct ctx__canceler *children; /* doubly linked through sib_prev/sib_next */
    struct ctx__canceler *sib_prev, *sib_next;
    struct ctx__canceler *work_next; /* cancellation work list: written only by the unlinker */
    struct ctx__after *afters;       /* pending after-funcs, doubly linked */
};

/* One ctx_after_func registration. Two references: the handle's and the list's (the list
 * reference also owns a reference to `cc`, because stop may need to lock it; once stop wins the
 * PENDING -> STOPPED race, dropping that `cc` reference is stop's job, after its last lock). */
struct ctx__after {
    void (*fn)(void *);
    void *arg;
    struct ctx__canceler *cc;
    atomic_int state; /* CTX__AFTER_PENDING -> RUN | STOPPED */
    atomic_int refs;
    bool linked; /* in cc->afters; guarded by cc->lock */
    struct ctx__after *prev, *next;
};

enum { CTX__AFTER_PENDING, CTX__AFTER_RUN, CTX__AFTER_STOPPED };

static inline struct ctx__canceler *ctx__as_canceler(struct ctx *c)
{
    return (struct ctx__canceler *)c;
}

/* misuse.c */
void ctx__misuse(const char *function, const char *message);

/* alloc.c */
void *ctx__alloc(size_t size);
void ctx__free(void *ptr);

/* clock.c */
int64_t ctx__now_ns(void);
int64_t ctx__real_now_ns(void); /* CLOCK_MONOTONIC, whatever clock the seam holds */
struct timespec ctx__ns_to_timespec(int64_t ns);
int64_t ctx__timespec_to_ns(struct timespec ts);
/* Adds a relative wait to CLOCK_MONOTONIC now, as an absolute time for pthread_cond_timedwait. */
struct timespec ctx__real_deadline_after(int64_t rel_ns);

/* context.c */
bool ctx__try_retain(struct ctx *c);
/* True if the caller's reference is the only one and no other thread can take a new one. */
bool ctx__sole_owner(struct ctx *c);
void ctx__unref(struct ctx *c);

/* cancel.c */
/* Cancels `root` and its subtree with `err`/`cause`; with `detach`, then unlinks `root` from its
 * parent canceler. The caller holds a reference to `root`. */
void ctx__cancel_tree(struct ctx__canceler *root, int err, int cause, bool detach);
/* Links `child` under `parent` (the parent's canceler), or cancels it at once if `parent` is done.
 * Called once, during construction, before anyone else can see `child`. */
void ctx__link_child(struct ctx__canceler *parent, struct ctx__canceler *child);
/* Unlinks a dying or cancelled `child` from the canceler it was linked under, if still linked. */
void ctx__unlink_child(struct ctx__canceler *child);
/* For tests: children plus pending after-funcs of `c`'s canceler (Go's len(children)). */
size_t ctx__child_count(ctx_t *c);

/* timer.c */
/* Starts the timer thread if it is not running; false if it cannot be started. */
bool ctx__timer_start(void);
/* Chooses the heap for `t` (the calling thread's shard). */
void ctx__timer_pick_shard(struct ctx__canceler *t);
/* Queues `t`; false if its heap is full (call ctx__timer_grow, outside any lock, and retry). */
bool ctx__timer_add(struct ctx__canceler *t);
/* Makes room in the heap of `t`; false if out of memory. */
bool ctx__timer_grow(struct ctx__canceler *t);
void ctx__timer_remove(struct ctx__canceler *t);
size_t ctx__timer_pending(void);
void ctx__timer_fire_due(void);
void ctx__timer_kick(void);

/* wait.c */
void ctx__wake_waiters(struct ctx__canceler *cc);
/* Blocks until `cc` is settled (see cancel.c). */
void ctx__wait_settled(struct ctx__canceler *cc);

/* donefd.c */
void ctx__done_fd_close(struct ctx__canceler *cc);

/* after.c */
void ctx__after_run_batch(struct ctx__after *batch);

/* shutdown.c: registers (once) the exit handler that joins the runtime's threads. */
void ctx__shutdown_at_exit(void);
void ctx__timer_shutdown(void);    /* timer.c */
void ctx__executor_shutdown(void); /* executor.c */

/* executor.c */
bool ctx__executor_ensure(void);
void ctx__executor_submit(struct ctx__after *list);
void ctx__after_invoke(struct ctx__after *a); /* after.c: runs one, on a worker */

#endif /* CTX_INTERNAL_H */
