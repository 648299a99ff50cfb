/* ctx_after_func / ctx_after_stop: Go's AfterFunc. A registration sits in its canceler's list
 * until the canceler is done (then it is handed to the executor, never run by the cancelling
 * thread) or until stop takes it out. The PENDING -> RUN | STOPPED transition is a single CAS,
 * which is what makes "stop returns true only if it prevented the call" exact. */
#include "internal.h"

static void put_ref(struct ctx__after *a)
{
    if (atomic_fetch_sub_explicit(&a->refs, 1, memory_order_acq_rel) == 1)
        ctx__free(a);
}

/* Drops the list's reference, which also owns a reference to the canceler. */
static void put_list_ref(struct ctx__after *a)
{
    struct ctx__canceler *cc = a->cc;
    put_ref(a);
    ctx__unref(&cc->base);
}

void ctx__after_invoke(struct ctx__after *a)
{
    a->fn(a->arg);
    put_list_ref(a);
}

void ctx__after_run_batch(struct ctx__after *batch)
{
    struct ctx__after *run = NULL, **tail = &run;
    while (batch) {
        struct ctx__after *a = batch;
        batch = a->next;
        a->next = NULL;
        int expect = CTX__AFTER_PENDING;
        if (atomic_compare_exchange_strong(&a->state, &expect, CTX__AFTER_RUN)) {
            *tail = a;
            tail = &a->next;
        } else {
            /* Stopped while we were detaching it. The stopper may still be locking `cc`, so the
             * list's reference to the canceler is its to drop; ours is only the one to `a`. */
            put_ref(a);
        }
    }
    if (run)
        ctx__executor_submit(run);
}

ctx_after_t ctx_after_func(ctx_t *c, void (*fn)(void *), void *arg)
{
    ctx_after_t h = {NULL, CTX__HANDLE_SPENT};
    if (!c) {
        ctx__misuse("ctx_after_func", "NULL context");
        return h;
    }
    if (!fn) {
        ctx__misuse("ctx_after_func", "NULL function");
        return h;
    }
    struct ctx__canceler *cc = c->cc;
    /* Start a worker now, while failure can still be reported, rather than at cancel time. */
    if (cc && !ctx__executor_ensure())
        return h;
    struct ctx__after *a = ctx__alloc(sizeof *a);
    if (!a)
        return h;
    a->fn = fn;
    a->arg = arg;
    a->cc = cc;
    atomic_init(&a->state, CTX__AFTER_PENDING);
    /* A context that can never be done holds no registration: only the handle refers to it. */
    atomic_init(&a->refs, cc ? 2 : 1);
    a->linked = false;
    a->prev = a->next = NULL;
    h.ctx__reg = a;
    h.ctx__state = CTX__HANDLE_LIVE;
    if (!cc)
        return h;

    atomic_fetch_add_explicit(&cc->base.refs, 1, memory_order_relaxed);
    ctx__lock(&cc->lock);
    if (atomic_load_explicit(&cc->err, memory_order_relaxed) == 0) {
        a->next = cc->afters;
        if (cc->afters)
            cc->afters->prev = a;
        cc->afters = a;
        a->linked = true;
        ctx__unlock(&cc->lock);
        return h;
    }
    ctx__unlock(&cc->lock);
    ctx__after_run_batch(a); /* already done: run at once, still off this thread */
    return h;
}

bool ctx_after_stop(ctx_after_t *h)
{
    if (!h) {
        ctx__misuse("ctx_after_stop", "NULL handle");
        return false;
    }
    if (h->ctx__state == CTX__HANDLE_SPENT)
        return false;
    if (h->ctx__state != CTX__HANDLE_LIVE || !h->ctx__reg) {
        ctx__misuse("ctx_after_stop", "handle was never filled by ctx_after_func");
        return false;
    }
    struct ctx__after *a = h->ctx__reg;
    h->ctx__reg = NULL;
    h->ctx__state = CTX__HANDLE_SPENT;

    int expect = CTX__AFTER_PENDING;
    bool stopped = atomic_compare_exchange_strong(&a->state, &expect, CTX__AFTER_STOPPED);
    if (stopped && a->cc) {
        struct ctx__canceler *cc = a->cc;
        bool was_linked = false;
        ctx__lock(&cc->lock);
        if (a->linked) {
            if (a->prev)
                a->prev->next = a->next;
            else
                cc->afters = a->next;
            if (a->next)
                a->next->prev = a->prev;
            a->linked = false;
            was_linked = true;
        }
        ctx__unlock(&cc->lock);
        /* If a cancel already detached it, that cancel sees STOPPED and drops the list's
         * reference to `a`; the one to `cc` is dropped here in any case, only now that we are
         * done with its lock (the cancel could otherwise free `cc` under our feet). */
        if (was_linked)
            put_ref(a);
        ctx__unref(&cc->base);
    }
    put_ref(a);
    return stopped;
}
