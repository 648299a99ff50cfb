/* Cancellation: the parent/child links between cancelers and the propagation of a cancel through
 * a subtree. Propagation is iterative (an intrusive work list, so a 100,000-deep chain needs no
 * stack), holds one context lock at a time, and runs no user code: after-funcs are handed to the
 * executor once every lock is released.
 *
 * Go holds each parent's lock while it cancels the children, so any cancel() that returns has
 * seen its whole subtree cancelled, even when another goroutine got there first. Without nested
 * locks we get the same guarantee from `settled`: the thread that sets a node's err settles the
 * node once its subtree is done (post-order, with the node itself as the marker in the work
 * list), and a canceller that finds err already set waits for `settled`. A settled node is
 * therefore done with its whole subtree, and a timer among them out of its heap: `settled` is
 * stored last, with release order, and may be read without the lock. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <errno.h>
#include <unistd.h>

/* Marks a canceler done without locking; only for a node nobody else can see yet. */
static void born_done(struct ctx__canceler *child, int err, int cause)
{
    atomic_store_explicit(&child->cause, cause, memory_order_relaxed);
    atomic_store_explicit(&child->err, err, memory_order_release);
    atomic_store_explicit(&child->settled, 1, memory_order_release);
}

void ctx__link_child(struct ctx__canceler *parent, struct ctx__canceler *child)
{
    int err = atomic_load_explicit(&parent->err, memory_order_acquire);
    if (err == 0) {
        ctx__lock(&parent->lock);
        err = atomic_load_explicit(&parent->err, memory_order_relaxed);
        if (err == 0) {
            child->sib_prev = NULL;
            child->sib_next = parent->children;
            if (parent->children)
                parent->children->sib_prev = child;
            parent->children = child;
            atomic_store_explicit(&child->linked, true, memory_order_relaxed);
            ctx__unlock(&parent->lock);
            return;
        }
        ctx__unlock(&parent->lock);
    }
    /* Born into a finished parent: done at once with the parent's error and cause. */
    born_done(child, err, atomic_load_explicit(&parent->cause, memory_order_relaxed));
}

void ctx__unlink_child(struct ctx__canceler *child)
{
    /* `linked` only ever goes from true to false after construction, so a false read needs no
     * lock; a true one is rechecked under the parent's lock. */
    if (!atomic_load_explicit(&child->linked, memory_order_acquire))
        return;
    struct ctx__canceler *parent = child->base.parent->cc;
    ctx__lock(&parent->lock);
    if (atomic_load_explicit(&child->linked, memory_order_relaxed)) {
        if (child->sib_prev)
            child->sib_prev->sib_next = child->sib_next;
        else
            parent->children = child->sib_next;
        if (child->sib_next)
            child->sib_next->sib_prev = child->sib_prev;
        atomic_store_explicit(&child->linked, false, memory_order_release);
    }
    ctx__unlock(&parent->lock);
}

/* Marks a non-leaf settled once its subtree is done. Under the lock, like every publication a
 * waiter may be registered for (see ctx_wait). */
static void settle(struct ctx__canceler *n)
{
    ctx__lock(&n->lock);
    atomic_store_explicit(&n->settled, 1, memory_order_release);
    int waiters = atomic_load_explicit(&n->waiters, memory_order_relaxed);
    ctx__unlock(&n->lock);
    if (waiters)
        ctx__wake_waiters(n);
}

enum cancel_result { ALREADY_DONE, DONE_LEAF, DONE_WITH_SUBTREE };

/* Marks one canceler done under its lock and moves its after-funcs onto `batch` and its
 * children onto the work list, each with a reference so it outlives the lock. A node without
 * children is settled at once (DONE_LEAF). Otherwise, with `marker`, `n` goes onto the list
 * first, beneath its children, so it pops again once they are all done. */
static enum cancel_result cancel_one(struct ctx__canceler *n, int err, int cause, bool marker,
                                     struct ctx__canceler **work, struct ctx__after **batch)
{
    ctx__lock(&n->lock);
    if (atomic_load_explicit(&n->err, memory_order_relaxed) != 0) {
        ctx__unlock(&n->lock);
        return ALREADY_DONE;
    }
    bool leaf = n->children == NULL;
    bool timer = n->base.kind == CTX__TIMER;
    atomic_store_explicit(&n->cause, cause, memory_order_relaxed);
    if (timer)
        /* seq_cst pairs with arm_timer's queue-then-check in context.c (no lock there). */
        atomic_store_explicit(&n->err, err, memory_order_seq_cst);
    else
        atomic_store_explicit(&n->err, err, memory_order_release);
    /* A leaf has no subtree to wait for: settled at once, but only after err (release), since
     * settled is read without the lock (the fast paths of ctx__cancel_tree, ctx__wait_settled,
     * ctx__sole_owner) and promises that err is visible. A timer also promises that it has left
     * its heap (ctx__sole_owner), so it is settled below, after ctx__timer_remove. */
    if (leaf && !timer)
        atomic_store_explicit(&n->settled, 1, memory_order_release);
    /* Waiters register under this lock, so this read cannot miss one (see ctx_wait). */
    int waiters = atomic_load_explicit(&n->waiters, memory_order_relaxed);

    if (marker && !leaf) {
        n->marker = true;
        n->work_next = *work;
        *work = n;
    }
    for (struct ctx__canceler *k = n->children, *next; k; k = next) {
        next = k->sib_next;
        k->sib_prev = k->sib_next = NULL;
        /* A child whose last reference is already gone is being destroyed by another thread,
         * which will find it unlinked; it needs no cancelling. */
        bool alive = ctx__try_retain(&k->base);
        if (alive) {
            k->work_next = *work;
            *work = k;
        }
        /* Last touch of a dying child: once it reads linked == false (acquire) without taking
         * our lock, it may free itself, so every access above must happen before (release). */
        atomic_store_explicit(&k->linked, false, memory_order_release);
    }
    n->children = NULL;

    struct ctx__after *a = n->afters;
    while (a) {
        struct ctx__after *next = a->next;
        a->linked = false;
        a->prev = NULL;
        a->next = *batch;
        *batch = a;
        a = next;
    }
    n->afters = NULL;

    int wfd = n->done_wfd;
    ctx__unlock(&n->lock);

    if (wfd >= 0) {
        /* Written after err is stored: a readable fd implies ctx_err != 0. The descriptor lives
         * as long as `n`, which our caller keeps alive. */
        uint64_t one = 1;
        ssize_t w;
        do {
            w = write(wfd, &one, sizeof one);
        } while (w < 0 && errno == EINTR);
    }

    if (waiters)
        ctx__wake_waiters(n);
    if (timer) {
        ctx__timer_remove(n);
        if (leaf)
            settle(n);
    }
    return leaf ? DONE_LEAF : DONE_WITH_SUBTREE;
}

void ctx__cancel_tree(struct ctx__canceler *root, int err, int cause, bool detach)
{
    struct ctx__canceler *work = NULL;
    struct ctx__after *batch = NULL;

    if (atomic_load_explicit(&root->settled, memory_order_acquire))
        goto done; /* already cancelled and propagated: nothing to do but detach */
    enum cancel_result r = cancel_one(root, err, cause, false, &work, &batch);
    if (r == ALREADY_DONE) {
        ctx__wait_settled(root);
        goto done;
    }
    while (work) {
        struct ctx__canceler *n = work;
        work = n->work_next;
        n->work_next = NULL;
        if (n->marker) {
            n->marker = false;
            settle(n);
        } else {
            r = cancel_one(n, err, cause, true, &work, &batch);
            if (r == DONE_WITH_SUBTREE)
                continue; /* keeps its reference until its marker pops */
            if (r == ALREADY_DONE)
                /* Another thread is cancelling this child: our subtree is only done once its
                 * is (the other thread never waits for us, so this cannot deadlock). */
                ctx__wait_settled(n);
        }
        ctx__unref(&n->base);
    }
    if (!atomic_load_explicit(&root->settled, memory_order_relaxed))
        settle(root);
done:
    if (detach)
        ctx__unlink_child(root);
    if (batch)
        ctx__after_run_batch(batch);
}

static void cancel_handle(const char *function, ctx_cancel_t *cancel, int cause)
{
    if (!cancel) {
        ctx__misuse(function, "NULL cancel handle");
        return;
    }
    if (cancel->ctx__state == CTX__HANDLE_SPENT)
        return; /* idempotent, like calling a CancelFunc twice */
    if (cancel->ctx__state != CTX__HANDLE_LIVE || !cancel->ctx__node) {
        ctx__misuse(function, "cancel handle was never filled by a ctx_with_* constructor");
        return;
    }
    struct ctx *c = cancel->ctx__node;
    cancel->ctx__node = NULL;
    cancel->ctx__state = CTX__HANDLE_SPENT;
    /* If the handle holds the only reference to an unlinked context, nobody can observe the
     * cancellation: no child, after-func or waiter exists (each would hold a reference), so
     * freeing is all there is to do, unless someone took its done fd (it must become
     * readable) or a timer is involved (the timer thread may hold it). */
    struct ctx__canceler *cc = ctx__as_canceler(c);
    if (!(c->kind == CTX__CANCEL && ctx__sole_owner(c) && cc->done_fd < 0))
        ctx__cancel_tree(cc, ECANCELED, cause ? cause : ECANCELED, true);
    ctx__unref(c);
}

void ctx_cancel(ctx_cancel_t *cancel)
{
    cancel_handle("ctx_cancel", cancel, 0);
}

void ctx_cancel_cause(ctx_cancel_t *cancel, int cause)
{
    cancel_handle("ctx_cancel_cause", cancel, cause);
}

size_t ctx__child_count(ctx_t *c)
{
    struct ctx__canceler *cc = c->cc;
    size_t n = 0;
    if (!cc)
        return 0;
    ctx__lock(&cc->lock);
    for (struct ctx__canceler *k = cc->children; k; k = k->sib_next)
        n++;
    for (struct ctx__after *a = cc->afters; a; a = a->next)
        n++;
    ctx__unlock(&cc->lock);
    return n;
}
