/* The context tree: the two roots, construction of derived contexts, reference counting and the
 * lock-free queries (err, cause, done, deadline, value). Cancellation itself is in cancel.c. */
#include "internal.h"

#include <errno.h>

static struct ctx background_root = {.magic = CTX__MAGIC_LIVE, .kind = CTX__ROOT};
static struct ctx todo_root = {.magic = CTX__MAGIC_LIVE, .kind = CTX__ROOT};

ctx_t *ctx_background(void)
{
    return &background_root;
}

ctx_t *ctx_todo(void)
{
    return &todo_root;
}

bool ctx_is_valid(const ctx_t *c)
{
    return c != NULL && c->magic == CTX__MAGIC_LIVE;
}

/* ---- references --------------------------------------------------------------------------- */

bool ctx__try_retain(struct ctx *c)
{
    int r = atomic_load_explicit(&c->refs, memory_order_relaxed);
    do {
        if (r <= 0)
            return false;
    } while (!atomic_compare_exchange_weak_explicit(&c->refs, &r, r + 1, memory_order_relaxed,
                                                    memory_order_relaxed));
    return true;
}

static void destroy_one(struct ctx *c)
{
    if (c->kind == CTX__CANCEL || c->kind == CTX__TIMER) {
        struct ctx__canceler *cc = ctx__as_canceler(c);
        /* Its cancel normally unlinked it and removed its timer already (the handle's reference
         * is only dropped after cancelling); a misused ctx_release can bring a live one here. */
        ctx__unlink_child(cc);
        if (c->kind == CTX__TIMER && !atomic_load_explicit(&cc->settled, memory_order_acquire))
            ctx__timer_remove(cc);
        ctx__done_fd_close(cc);
    }
    c->magic = CTX__MAGIC_DEAD;
    ctx__free(c);
}

bool ctx__sole_owner(struct ctx *c)
{
    /* New references come from holders of a reference (ctx_retain, a child's or an after-func's
     * reference to its parent), and without one only from a cancelling parent (children it
     * still lists) or the timer thread (timers still queued). A linked child or a queued timer
     * may therefore gain one at any moment; anything else with one reference cannot.
     * The flags are read first: a parent retains a child before clearing its `linked` (release),
     * and the timer thread retains a timer under the heap lock that ctx__timer_remove takes
     * before `settled` is stored (release), so once the flags say "neither", the count read
     * after them (acquire) includes any reference gained that way. */
    if (c->kind == CTX__TIMER &&
        !atomic_load_explicit(&ctx__as_canceler(c)->settled, memory_order_acquire))
        return false;
    if ((c->kind == CTX__TIMER || c->kind == CTX__CANCEL) &&
        atomic_load_explicit(&ctx__as_canceler(c)->linked, memory_order_acquire))
        return false;
    return atomic_load_explicit(&c->refs, memory_order_acquire) == 1;
}

/* Drops one reference. Freeing a context drops its parent, which may free that too: a loop, not
 * recursion, so a long chain cannot overflow the stack. */
void ctx__unref(struct ctx *c)
{
    while (c && c->kind != CTX__ROOT) {
        /* Holding the only reference, nobody can take another (ctx__sole_owner explains why),
         * so the last release needs no read-modify-write. */
        int before =
            ctx__sole_owner(c) ? 1 : atomic_fetch_sub_explicit(&c->refs, 1, memory_order_acq_rel);
        if (before > 1)
            return;
        if (before < 1) {
            atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
            ctx__misuse("ctx_release", "context released more times than it was referenced");
            return;
        }
        struct ctx *parent = c->parent;
        destroy_one(c);
        c = parent;
    }
}

ctx_t *ctx_retain(ctx_t *c)
{
    if (!c) {
        ctx__misuse("ctx_retain", "NULL context");
        return NULL;
    }
    if (c->magic != CTX__MAGIC_LIVE) {
        ctx__misuse("ctx_retain", "context already freed (use after the last ctx_release)");
        return NULL;
    }
    atomic_fetch_add_explicit(&c->refs, 1, memory_order_relaxed);
    return c;
}

void ctx_release(ctx_t *c)
{
    if (!c) {
        ctx__misuse("ctx_release", "NULL context");
        return;
    }
    if (c->magic != CTX__MAGIC_LIVE) {
        ctx__misuse("ctx_release", "context already freed (double release)");
        return;
    }
    if (c->kind == CTX__ROOT) {
        int r = atomic_load_explicit(&c->refs, memory_order_relaxed);
        do {
            if (r <= 0) {
                ctx__misuse("ctx_release",
                            "release of a root context (ctx_background/ctx_todo) never retained");
                return;
            }
        } while (!atomic_compare_exchange_weak_explicit(&c->refs, &r, r - 1, memory_order_relaxed,
                                                        memory_order_relaxed));
        return;
    }
    ctx__unref(c);
}

/* ---- construction ------------------------------------------------------------------------- */

static void init_header(struct ctx *c, enum ctx__kind kind, struct ctx *parent)
{
    atomic_init(&c->refs, 1);
    c->magic = CTX__MAGIC_LIVE;
    c->kind = (uint8_t)kind;
    c->parent = parent;
    if (parent->kind != CTX__ROOT)
        atomic_fetch_add_explicit(&parent->refs, 1, memory_order_relaxed);
    c->cc = parent->cc;
}

static bool check_parent(ctx_t *parent, const char *function)
{
    if (!parent) {
        ctx__misuse(function, "NULL parent context (use ctx_todo() as a placeholder)");
        return false;
    }
    if (parent->magic != CTX__MAGIC_LIVE) {
        ctx__misuse(function, "parent context already freed");
        return false;
    }
    return true;
}

static void fill_handle(ctx_t *c, ctx_cancel_t *cancel)
{
    cancel->ctx__node = c;
    cancel->ctx__state = CTX__HANDLE_LIVE;
}

/* A failed constructor leaves the handle spent, so cancelling it is the documented no-op. */
static void spend_handle(ctx_cancel_t *cancel)
{
    cancel->ctx__node = NULL;
    cancel->ctx__state = CTX__HANDLE_SPENT;
}

/* Starts the deadline of a new timer context, or finishes it at once if the deadline has passed
 * (Go does the same). On out-of-memory, undoes the construction and returns false. */
static bool arm_timer(struct ctx__canceler *c)
{
    /* Born done under a finished parent (and settled, see ctx__sole_owner): never queued. */
    if (atomic_load_explicit(&c->err, memory_order_relaxed) != 0)
        return true;
    if (c->deadline_ns <= ctx__now_ns()) {
        ctx__cancel_tree(c, ETIMEDOUT, c->timeout_cause, true);
        return true;
    }
    while (!ctx__timer_add(c)) {
        if (!ctx__timer_grow(c)) {
            /* Already linked under the parent: unlink it the way a cancel does, then free. */
            ctx__cancel_tree(c, ECANCELED, ECANCELED, true);
            ctx__unref(&c->base);
            return false;
        }
    }
    /* No lock against a concurrent cancel from the parent: it stores err before removing the
     * timer, we queued before loading err, so one of us sees the other (both seq_cst). */
    if (atomic_load_explicit(&c->err, memory_order_seq_cst) != 0)
        ctx__timer_remove(c);
    return true;
}

/* Builds a canceler under `parent`. With `has_deadline`, a deadline earlier than the parent's
 * gets a timer; otherwise the parent's deadline (if any) is inherited, as in Go. */
static ctx_t *new_canceler(ctx_t *parent, const char *function, bool has_deadline,
                           int64_t deadline_ns, int timeout_cause, ctx_cancel_t *cancel)
{
    if (!cancel) {
        ctx__misuse(function, "NULL cancel handle");
        return NULL;
    }
    spend_handle(cancel);
    if (!check_parent(parent, function))
        return NULL;

    struct ctx__canceler *pcc = parent->cc;
    bool own_timer = has_deadline && !(pcc && pcc->has_deadline && pcc->deadline_ns < deadline_ns);
    if (own_timer && !ctx__timer_start())
        return NULL;
    struct ctx__canceler *c = ctx__alloc(sizeof *c);
    if (!c)
        return NULL;
    init_header(&c->base, own_timer ? CTX__TIMER : CTX__CANCEL, parent);
    c->base.cc = c;
    atomic_init(&c->err, 0);
    atomic_init(&c->cause, 0);
    atomic_init(&c->waiters, 0);
    atomic_init(&c->settled, 0);
    atomic_init(&c->linked, false);
    c->done_fd = -1;
    c->done_wfd = -1;
    c->timeout_cause = timeout_cause ? timeout_cause : ETIMEDOUT;
    c->heap_index = -1;
    c->timer_shard = 0;
    if (own_timer)
        ctx__timer_pick_shard(c); /* before linking: a cancel from the parent reads it */
    c->marker = false;
    if (own_timer) {
        c->has_deadline = true;
        c->deadline_ns = deadline_ns;
    } else {
        c->has_deadline = pcc ? pcc->has_deadline : false;
        c->deadline_ns = pcc ? pcc->deadline_ns : 0;
    }
    ctx__lock_init(&c->lock);
    c->children = NULL;
    c->sib_prev = c->sib_next = NULL;
    c->work_next = NULL;
    c->afters = NULL;

    if (pcc)
        ctx__link_child(pcc, c);

    if (own_timer && !arm_timer(c))
        return NULL;
    fill_handle(&c->base, cancel);
    return &c->base;
}

ctx_t *ctx_with_cancel(ctx_t *parent, ctx_cancel_t *cancel)
{
    return new_canceler(parent, "ctx_with_cancel", false, 0, 0, cancel);
}

ctx_t *ctx_with_cancel_cause(ctx_t *parent, ctx_cancel_t *cancel)
{
    return new_canceler(parent, "ctx_with_cancel_cause", false, 0, 0, cancel);
}

ctx_t *ctx_with_deadline(ctx_t *parent, struct timespec deadline, ctx_cancel_t *cancel)
{
    return new_canceler(parent, "ctx_with_deadline", true, ctx__timespec_to_ns(deadline), 0,
                        cancel);
}

ctx_t *ctx_with_deadline_cause(ctx_t *parent, struct timespec deadline, int cause,
                               ctx_cancel_t *cancel)
{
    return new_canceler(parent, "ctx_with_deadline_cause", true, ctx__timespec_to_ns(deadline),
                        cause, cancel);
}

static int64_t deadline_after(int64_t timeout_ns)
{
    int64_t now = ctx__now_ns();
    return timeout_ns > INT64_MAX - now ? INT64_MAX : now + timeout_ns;
}

ctx_t *ctx_with_timeout(ctx_t *parent, int64_t timeout_ns, ctx_cancel_t *cancel)
{
    return new_canceler(parent, "ctx_with_timeout", true, deadline_after(timeout_ns), 0, cancel);
}

ctx_t *ctx_with_timeout_cause(ctx_t *parent, int64_t timeout_ns, int cause, ctx_cancel_t *cancel)
{
    return new_canceler(parent, "ctx_with_timeout_cause", true, deadline_after(timeout_ns), cause,
                        cancel);
}

ctx_t *ctx_with_value(ctx_t *parent, const ctx_key_t *key, void *value)
{
    if (!check_parent(parent, "ctx_with_value"))
        return NULL;
    if (!key) {
        ctx__misuse("ctx_with_value", "NULL key (declare keys with CTX_KEY)");
        return NULL;
    }
    struct ctx__value *v = ctx__alloc(sizeof *v);
    if (!v)
        return NULL;
    init_header(&v->base, CTX__VALUE, parent);
    v->key = key;
    v->value = value;
    return &v->base;
}

ctx_t *ctx_without_cancel(ctx_t *parent)
{
    if (!check_parent(parent, "ctx_without_cancel"))
        return NULL;
    struct ctx *c = ctx__alloc(sizeof *c);
    if (!c)
        return NULL;
    init_header(c, CTX__WITHOUT, parent);
    c->cc = NULL; /* the whole point: no cancellation, no deadline */
    return c;
}

/* ---- queries ------------------------------------------------------------------------------ */

int ctx_err(ctx_t *c)
{
    if (!c) {
        ctx__misuse("ctx_err", "NULL context");
        return EINVAL;
    }
    struct ctx__canceler *cc = c->cc;
    return cc ? atomic_load_explicit(&cc->err, memory_order_acquire) : 0;
}

bool ctx_done(ctx_t *c)
{
    if (!c) {
        ctx__misuse("ctx_done", "NULL context");
        return true;
    }
    struct ctx__canceler *cc = c->cc;
    return cc && atomic_load_explicit(&cc->err, memory_order_acquire) != 0;
}

int ctx_cause(ctx_t *c)
{
    if (!c) {
        ctx__misuse("ctx_cause", "NULL context");
        return EINVAL;
    }
    struct ctx__canceler *cc = c->cc;
    if (!cc || atomic_load_explicit(&cc->err, memory_order_acquire) == 0)
        return 0;
    return atomic_load_explicit(&cc->cause, memory_order_relaxed);
}

bool ctx_deadline(ctx_t *c, struct timespec *out)
{
    if (!c) {
        ctx__misuse("ctx_deadline", "NULL context");
        return false;
    }
    struct ctx__canceler *cc = c->cc;
    if (!cc || !cc->has_deadline)
        return false;
    if (out)
        *out = ctx__ns_to_timespec(cc->deadline_ns);
    return true;
}

void *ctx_value(ctx_t *c, const ctx_key_t *key)
{
    if (!c) {
        ctx__misuse("ctx_value", "NULL context");
        return NULL;
    }
    if (!key) {
        ctx__misuse("ctx_value", "NULL key");
        return NULL;
    }
    for (; c; c = c->parent) {
        if (c->kind == CTX__VALUE) {
            struct ctx__value *v = (struct ctx__value *)c;
            if (v->key == key)
                return v->value;
        }
    }
    return NULL;
}
