/* ctx: Go-style request contexts for C11 (a port of Go's `context` package).
 *
 * This is the one public header of libctx. Every type is opaque or a small value type; every
 * function states in one line what it does with the references it receives and returns.
 *
 * Ownership in short (see spec/runtime-api.md, "Ownership"):
 *   - ctx_with_cancel/_cause/_deadline/_timeout return a reference owned by the cancel handle:
 *     ctx_cancel(&cancel) cancels and drops it (Go's `defer cancel()`).
 *   - ctx_with_value and ctx_without_cancel return a reference the caller drops with
 *     ctx_release.
 *   - A child keeps its parent alive; a parent never keeps a released child alive.
 *   - ctx_background() and ctx_todo() are static roots: balanced retain/release are no-ops.
 *
 * Misuse (NULL context, NULL key, NULL or never-initialised handle, unbalanced release of a root,
 * release of an already released context where detectable) is reported through the misuse
 * handler with the name of the function. The default handler prints to stderr and, in debug
 * builds of the library (NDEBUG not defined), aborts. Otherwise the function returns the error
 * value documented beside it. */
#ifndef CTX_CTX_H
#define CTX_CTX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>

#if defined(CTX_STATIC_DEFINE)
#define CTX_API
#elif defined(_WIN32)
#ifdef CTX_BUILDING
#define CTX_API __declspec(dllexport)
#else
#define CTX_API __declspec(dllimport)
#endif
#else
#define CTX_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

/** Opaque context: reference counted, safe to share between threads. */
typedef struct ctx ctx_t;

/** A value key. A key is the address of a unique `static const ctx_key_t` object. */
typedef struct ctx_key {
    const char *name; /* for debugging only; two keys with the same name are still distinct */
} ctx_key_t;

/** Initialiser for a key: `static const ctx_key_t request_id = CTX_KEY("request id");` */
#define CTX_KEY(debug_name)                                                                        \
    {                                                                                              \
        (debug_name)                                                                               \
    }

/** Marks a struct that deliberately carries a context, e.g. `struct CTX_CARRIER worker {...}`:
 * ctxlint's context-in-struct rule stays silent for it. An annotation only clang (and so
 * ctxlint, which parses with libclang) sees; other compilers ignore it. */
#if defined(__clang__)
#define CTX_CARRIER __attribute__((annotate("ctx_carrier")))
#else
#define CTX_CARRIER
#endif

/** The capability to cancel one context. A value type, not a `ctx_t *`, so a callee that only
 * receives the context cannot cancel it. Filled by the cancelable constructors, emptied by
 * ctx_cancel. Never copy a live handle and cancel both copies. */
typedef struct ctx_cancel {
    ctx_t *ctx__node;    /* private */
    uint32_t ctx__state; /* private: live, spent, or 0 when never initialised */
} ctx_cancel_t;

/** Handle of a callback registered with ctx_after_func; stop it exactly once. */
typedef struct ctx_after {
    struct ctx__after *ctx__reg; /* private */
    uint32_t ctx__state;         /* private */
} ctx_after_t;

/** An errgroup: tasks sharing one derived context, joined by ctx_group_wait. */
typedef struct ctx_group ctx_group_t;

/** Nanoseconds helpers for ctx_with_timeout and ctx_wait. */
#define CTX_NS(n) ((int64_t)(n))
#define CTX_US(n) ((int64_t)(n)*INT64_C(1000))
#define CTX_MS(n) ((int64_t)(n)*INT64_C(1000000))
#define CTX_SECONDS(n) ((int64_t)(n)*INT64_C(1000000000))

/* ---- Roots ---------------------------------------------------------------------------------- */

/** The static root, never cancelled, no values, no deadline. Borrowed: never needs a release. */
CTX_API ctx_t *ctx_background(void);

/** Same as ctx_background with a distinct identity: the placeholder when no context is at hand. */
CTX_API ctx_t *ctx_todo(void);

/* ---- Derived contexts ------------------------------------------------------------------------ */

/** Derives a cancelable child of `parent` (borrowed; the child retains it). The returned reference
 * belongs to `*cancel`: ctx_cancel(cancel) cancels it and drops it. Returns NULL (and leaves the
 * handle spent) if `parent` or `cancel` is NULL or memory is exhausted. */
CTX_API ctx_t *ctx_with_cancel(ctx_t *parent, ctx_cancel_t *cancel);

/** As ctx_with_cancel; cancel it with ctx_cancel_cause to record why (Go's WithCancelCause). */
CTX_API ctx_t *ctx_with_cancel_cause(ctx_t *parent, ctx_cancel_t *cancel);

/** Derives a child that is cancelled with ETIMEDOUT at `deadline` (CLOCK_MONOTONIC, see ctx_now),
 * or earlier if `parent` is. If the parent's deadline is earlier it is kept. The reference belongs
 * to `*cancel` (see ctx_with_cancel); `parent` is borrowed. NULL on NULL arguments or no memory. */
CTX_API ctx_t *ctx_with_deadline(ctx_t *parent, struct timespec deadline, ctx_cancel_t *cancel);

/** As ctx_with_deadline; when the deadline passes, ctx_cause returns `cause` (Go's
 * WithDeadlineCause; a cause of 0 means ETIMEDOUT). */
CTX_API ctx_t *ctx_with_deadline_cause(ctx_t *parent, struct timespec deadline, int cause,
                                       ctx_cancel_t *cancel);

/** ctx_with_deadline(parent, ctx_now() + timeout_ns, cancel). Same ownership. */
CTX_API ctx_t *ctx_with_timeout(ctx_t *parent, int64_t timeout_ns, ctx_cancel_t *cancel);

/** As ctx_with_timeout, with a cause reported by ctx_cause on timeout (Go's WithTimeoutCause). */
CTX_API ctx_t *ctx_with_timeout_cause(ctx_t *parent, int64_t timeout_ns, int cause,
                                      ctx_cancel_t *cancel);

/** Derives a child carrying `value` under `key` (both borrowed; value is never freed by ctx).
 * Returns a new reference the caller drops with ctx_release; NULL if parent or key is NULL or
 * memory is exhausted. */
CTX_API ctx_t *ctx_with_value(ctx_t *parent, const ctx_key_t *key, void *value);

/** Derives a child that keeps the values of `parent` but is never cancelled and has no
 * deadline (Go's WithoutCancel): hand it to work that must outlive its request. Returns a new
 * reference the caller drops with ctx_release; NULL if parent is NULL or memory is exhausted. */
CTX_API ctx_t *ctx_without_cancel(ctx_t *parent);

/* ---- Cancelling ------------------------------------------------------------------------------ */

/** Cancels the handle's context and its whole subtree (with ECANCELED) before returning, drops the
 * handle's reference and empties the handle; a second call is a no-op. Misuse: NULL or a
 * never-initialised handle is reported and ignored. */
CTX_API void ctx_cancel(ctx_cancel_t *cancel);

/** As ctx_cancel, recording `cause` for ctx_cause (0 means ECANCELED, Go's cancel(nil)). Only the
 * first cancellation of a context sets its cause. */
CTX_API void ctx_cancel_cause(ctx_cancel_t *cancel, int cause);

/* ---- Queries (all borrow `c`) -----------------------------------------------------------------
 */

/** 0 while `c` is not done, then ECANCELED or ETIMEDOUT forever. One atomic load.
 * Misuse: NULL returns EINVAL. */
CTX_API int ctx_err(ctx_t *c);

/** The cause passed to ctx_cancel_cause (or a deadline cause) of the cancellation that finished
 * `c`, else ctx_err(c). Misuse: NULL returns EINVAL. */
CTX_API int ctx_cause(ctx_t *c);

/** True once `c` is done (a non-blocking receive on Go's Done()). One atomic load.
 * Misuse: NULL returns true. */
CTX_API bool ctx_done(ctx_t *c);

/** Blocks until `c` is done or `timeout_ns` elapses (negative: forever, as Go blocks on a nil
 * channel). Returns ctx_err(c), or 0 on timeout. Misuse: NULL returns EINVAL. */
CTX_API int ctx_wait(ctx_t *c, int64_t timeout_ns);

/** A file descriptor that becomes readable (and stays readable) once `c` is done, for poll/epoll/
 * select loops. Owned by the context (never close it); the same fd on every call; readable
 * implies ctx_err(c) != 0. Created on first request. Returns -1 for a context that can never be
 * cancelled, or if the descriptor cannot be created (errno is set). Misuse: NULL returns -1. */
CTX_API int ctx_done_fd(ctx_t *c);

/** Stores the deadline of `c` (its own, or the earlier one inherited) in `*out` and returns true;
 * false if `c` has none. `out` may be NULL. Misuse: NULL context returns false. */
CTX_API bool ctx_deadline(ctx_t *c, struct timespec *out);

/** The value stored under `key` by the nearest ctx_with_value ancestor, else NULL. Borrowed.
 * Misuse: NULL context or NULL key returns NULL. */
CTX_API void *ctx_value(ctx_t *c, const ctx_key_t *key);

/** True if `c` looks like a live context (non-NULL, not released): for assert(). */
CTX_API bool ctx_is_valid(const ctx_t *c);

/* ---- References ------------------------------------------------------------------------------ */

/** Takes a new reference to `c` (for handing it to another thread) and returns `c`. A no-op on the
 * roots. Misuse: NULL returns NULL. */
CTX_API ctx_t *ctx_retain(ctx_t *c);

/** Drops one reference; the last one frees `c` and drops its parent. On a root, a no-op that must
 * balance a ctx_retain. Misuse: NULL, a root never retained, or an already freed context (when
 * detectable) are reported and ignored. */
CTX_API void ctx_release(ctx_t *c);

/* ---- After-func --------------------------------------------------------------------------------
 */

/** Arranges for fn(arg) to run once on a runtime worker thread after `c` is done (at once if it
 * already is), never on the cancelling thread. The registration keeps what it needs alive by
 * itself; `c` is borrowed. The handle must be passed to ctx_after_stop exactly once to free it.
 * Workers are a small pool (up to 8 threads, grown when all are busy): a callback that blocks
 * for long holds one of them, and pending callbacks are drained at exit. Misuse or no memory:
 * returns a handle whose stop returns false and fn is never called. */
CTX_API ctx_after_t ctx_after_func(ctx_t *c, void (*fn)(void *), void *arg);

/** Stops the registration: returns true only if this prevented fn from being called, false if fn
 * already started (or was stopped before). Frees the registration and empties the handle; a
 * second call returns false. Misuse: NULL or a never-initialised handle returns false. */
CTX_API bool ctx_after_stop(ctx_after_t *handle);

/* ---- Group (errgroup) ---------------------------------------------------------------------- */

/** Creates a group whose tasks share a context derived from `parent` (borrowed), stored in
 * `*group_ctx`: borrowed from the group, valid until ctx_group_wait returns. Returns NULL on
 * NULL arguments or no memory. */
CTX_API ctx_group_t *ctx_group_new(ctx_t *parent, ctx_t **group_ctx);

/** Runs fn(group_ctx, arg) on a new thread. The first task returning non-zero cancels the group
 * context with that value as cause. If no thread can be started the group records EAGAIN as its
 * error (cancelling the group) and fn is not called. Misuse: NULL group or fn is ignored. */
CTX_API void ctx_group_go(ctx_group_t *g, int (*fn)(ctx_t *group_ctx, void *arg), void *arg);

/** Limits the group to `n` tasks running at once (negative: no limit, the default; 0 blocks every
 * new task), like errgroup's SetLimit. ctx_group_go then waits for a free slot. Change it only
 * while no task runs. Misuse: NULL group, or tasks running (the limit is left unchanged). */
CTX_API void ctx_group_set_limit(ctx_group_t *g, int n);

/** Starts fn like ctx_group_go only if the group is below its limit; returns whether it did
 * (errgroup's TryGo). Misuse: NULL group or fn returns false. */
CTX_API bool ctx_group_try_go(ctx_group_t *g, int (*fn)(ctx_t *group_ctx, void *arg), void *arg);

/** Joins every task, cancels the group context, frees the group (and its context reference) and
 * returns the first non-zero task result, or 0. Misuse: NULL returns EINVAL. */
CTX_API int ctx_group_wait(ctx_group_t *g);

/* ---- Seams: clock, allocator, misuse reporting ------------------------------------------------
 */

/** The runtime's monotonic clock (CLOCK_MONOTONIC unless replaced with ctx_set_clock). */
CTX_API struct timespec ctx_now(void);

/** Replaces the monotonic clock (nanoseconds) used for deadlines; NULL restores CLOCK_MONOTONIC.
 * For deterministic tests: set it before creating deadline contexts. */
CTX_API void ctx_set_clock(int64_t (*now_ns)(void));

/** Tells the runtime the clock moved: fires every deadline now due on the calling thread before
 * returning, and lets the timer thread re-arm. Only needed with a replaced clock. */
CTX_API void ctx_clock_advanced(void);

/** Replaces the allocator used for every runtime object (for out-of-memory tests and allocation
 * counting). Set it once, before any context is derived; NULL arguments restore malloc/free. */
CTX_API void ctx_set_allocator(void *(*alloc_fn)(size_t size), void (*free_fn)(void *ptr));

/** Called on misuse with the public function's name and a message. */
typedef void (*ctx_misuse_handler_t)(const char *function, const char *message);

/** Replaces the misuse handler and returns the previous one; NULL restores the default (print to
 * stderr, abort in debug builds). If the handler returns, the function returns its documented
 * error value. */
CTX_API ctx_misuse_handler_t ctx_set_misuse_handler(ctx_misuse_handler_t handler);

#ifdef __cplusplus
}
#endif

#endif /* CTX_CTX_H */
