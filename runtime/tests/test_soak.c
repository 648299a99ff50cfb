/* Soak test: four threads build random trees of contexts (cancel, timeout, value, detach,
 * after-func, and nodes shared with the other threads), query them, cancel them in random
 * order and tear them down, for CTX_SOAK_SECONDS (default 3; CI runs it for a minute under
 * ThreadSanitizer). What must hold throughout: a cancel has reached the whole subtree of its
 * context before ctx_cancel returns (detached branches excepted), a value is visible in the
 * child that carries it, and in the end exactly the after-func callbacks that were not stopped
 * have run. Leaks are left to the sanitizer and valgrind runs. */
#define _POSIX_C_SOURCE 200809L

#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "testutil.h"

enum { THREADS = 4, MAX_NODES = 24, SHARED = 8, KEYS = 4 };

static const ctx_key_t keys[KEYS] = {CTX_KEY("k0"), CTX_KEY("k1"), CTX_KEY("k2"), CTX_KEY("k3")};

/* Nodes published for the other threads: each slot holds one reference. */
static ctx_t *shared[SHARED];
static pthread_mutex_t shared_lock = PTHREAD_MUTEX_INITIALIZER;

static atomic_long callbacks_run, callbacks_expected, trees_built, cancels_checked;
static double soak_seconds;

typedef struct node {
    ctx_t *c;
    int parent;      /* index of the node it derives from, -1 for a root */
    bool detached;   /* derived with ctx_without_cancel: a cancel above does not reach it */
    bool has_cancel; /* `cancel` is a live handle */
    bool owns_ref;   /* a reference to drop with ctx_release */
    bool permanent;  /* a static root: never freed */
    char kind;       /* how it was made, for failure messages: b c t s (roots) C T v d */
    ctx_cancel_t cancel;
} node;

typedef struct tree {
    node n[MAX_NODES];
    int count;
    ctx_after_t afters[MAX_NODES];
    int n_afters;
} tree;

static unsigned pick(unsigned *seed, unsigned n)
{
    return (unsigned)rand_r(seed) % n;
}

static void on_done(void *arg)
{
    (void)arg;
    atomic_fetch_add(&callbacks_run, 1);
}

/* Whether this thread still holds the node: a cancelled handle dropped its reference, and the
 * node may be gone (only a live handle, an owned reference or a static root keeps it). */
static bool alive(const node *n)
{
    return n->has_cancel || n->owns_ref || n->permanent;
}

/* A random node this thread still holds, or -1. */
static int pick_alive(const tree *t, unsigned *seed)
{
    int start = (int)pick(seed, (unsigned)t->count);
    for (int i = 0; i < t->count; i++) {
        int k = (start + i) % t->count;
        if (alive(&t->n[k]))
            return k;
    }
    return -1;
}

/* True if node k lies below j through edges a cancel of j propagates along. */
static bool reaches(const tree *t, int j, int k)
{
    for (int at = k; at >= 0; at = t->n[at].parent) {
        if (at == j)
            return true;
        if (t->n[at].detached)
            return false;
    }
    return false;
}

static void cancel_node(tree *t, int j)
{
    if (!t->n[j].has_cancel)
        return;
    ctx_cancel(&t->n[j].cancel);
    t->n[j].has_cancel = false;
    /* The handle owned the reference: the node may be gone unless something else holds it.
     * Its descendants keep it alive, and they are what is checked. */
    for (int k = j + 1; k < t->count; k++)
        if (alive(&t->n[k]) && reaches(t, j, k)) {
            if (ctx_err(t->n[k].c) == 0) {
                char chain[64];
                int w = 0;
                for (int at = k; at >= 0 && w < 60; at = t->n[at].parent)
                    w += snprintf(chain + w, sizeof chain - (size_t)w, "%c", t->n[at].kind);
                fail_msg("a descendant of a cancelled context is not done: node %d (chain from it "
                         "to the root: %s) below node %d, whose err is now %d",
                         k, chain, j, ctx_err(t->n[j].c));
            }
            atomic_fetch_add(&cancels_checked, 1);
        }
}

static void add_root(tree *t, unsigned *seed)
{
    node *r = &t->n[t->count++];
    memset(r, 0, sizeof *r);
    r->parent = -1;
    switch (pick(seed, 4)) {
    case 0:
        r->c = ctx_background();
        r->permanent = true;
        r->kind = 'b';
        break;
    case 1:
        r->c = ctx_with_cancel(ctx_background(), &r->cancel);
        r->has_cancel = true;
        r->kind = 'c';
        break;
    case 2:
        r->c = ctx_with_timeout(ctx_background(), (int64_t)pick(seed, 3000) * 1000, &r->cancel);
        r->has_cancel = true;
        r->kind = 't';
        break;
    default: /* another thread's node, which that thread may cancel at any moment */
        pthread_mutex_lock(&shared_lock);
        ctx_t *s = shared[pick(seed, SHARED)];
        r->c = s ? ctx_retain(s) : ctx_todo();
        pthread_mutex_unlock(&shared_lock);
        r->owns_ref = s != NULL;
        r->permanent = s == NULL;
        r->kind = 's';
        break;
    }
}

/* Adds a node (or an after-func, or publishes one); false when no node is held any more. */
static bool grow(tree *t, unsigned *seed)
{
    int p = pick_alive(t, seed);
    if (p < 0)
        return false;
    ctx_t *parent = t->n[p].c;
    node *c = &t->n[t->count];
    memset(c, 0, sizeof *c);
    c->parent = p;
    switch (pick(seed, 6)) {
    case 0:
        c->c = ctx_with_cancel(parent, &c->cancel);
        c->has_cancel = true;
        c->kind = 'C';
        break;
    case 1:
        c->c = ctx_with_timeout(parent, (int64_t)pick(seed, 2000) * 1000, &c->cancel);
        c->has_cancel = true;
        c->kind = 'T';
        break;
    case 2: {
        const ctx_key_t *k = &keys[pick(seed, KEYS)];
        void *v = (void *)(uintptr_t)(1 + pick(seed, 1000));
        c->c = ctx_with_value(parent, k, v);
        c->owns_ref = true;
        c->kind = 'v';
        assert_ptr_equal(ctx_value(c->c, k), v);
        break;
    }
    case 3:
        c->c = ctx_without_cancel(parent);
        c->owns_ref = true;
        c->detached = true;
        c->kind = 'd';
        assert_false(ctx_done(c->c));
        break;
    case 4:
        if (t->n_afters < MAX_NODES)
            t->afters[t->n_afters++] = ctx_after_func(parent, on_done, NULL);
        return true;
    default: { /* publish this node for the other threads */
        ctx_t *mine = ctx_retain(parent);
        pthread_mutex_lock(&shared_lock);
        unsigned slot = pick(seed, SHARED);
        ctx_t *old = shared[slot];
        /* The soak shares nodes across threads through this global on purpose. */
        shared[slot] = mine; // NOLINT(context-in-global)
        pthread_mutex_unlock(&shared_lock);
        if (old)
            ctx_release(old);
        return true;
    }
    }
    t->count++;
    return true;
}

static void query(tree *t, unsigned *seed)
{
    int i = pick_alive(t, seed);
    if (i < 0)
        return;
    node *n = &t->n[i];
    struct timespec d;
    int err = ctx_err(n->c);
    assert_true(err == 0 || err == ECANCELED || err == ETIMEDOUT);
    if (err)
        assert_true(ctx_done(n->c));
    (void)ctx_deadline(n->c, &d);
    (void)ctx_value(n->c, &keys[pick(seed, KEYS)]);
    if (pick(seed, 8) == 0)
        (void)ctx_done_fd(n->c);
}

static void teardown(tree *t, unsigned *seed)
{
    /* Stop some registrations before the cancels and the rest after. */
    int early = (int)pick(seed, (unsigned)t->n_afters + 1);
    for (int i = 0; i < early; i++)
        if (!ctx_after_stop(&t->afters[i]))
            atomic_fetch_add(&callbacks_expected, 1);
    for (int left = t->count; left > 0; left--)
        cancel_node(t, (int)pick(seed, (unsigned)t->count));
    for (int j = 0; j < t->count; j++)
        cancel_node(t, j);
    for (int i = early; i < t->n_afters; i++)
        if (!ctx_after_stop(&t->afters[i]))
            atomic_fetch_add(&callbacks_expected, 1);
    for (int j = t->count - 1; j >= 0; j--)
        if (t->n[j].owns_ref)
            ctx_release(t->n[j].c);
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void *soak_thread(void *arg)
{
    unsigned seed = (unsigned)(uintptr_t)arg;
    double end = now_seconds() + soak_seconds;
    tree *t = malloc(sizeof *t);
    assert_non_null(t);
    while (now_seconds() < end) {
        memset(t, 0, sizeof *t);
        add_root(t, &seed);
        unsigned size = 1 + pick(&seed, MAX_NODES - 1);
        while ((unsigned)t->count < size && t->count < MAX_NODES) {
            if (!grow(t, &seed))
                break;
            query(t, &seed);
            if (pick(&seed, 6) == 0)
                cancel_node(t, (int)pick(&seed, (unsigned)t->count));
        }
        teardown(t, &seed);
        atomic_fetch_add(&trees_built, 1);
    }
    free(t);
    return NULL;
}

static void test_soak(void **state)
{
    (void)state;
    const char *s = getenv("CTX_SOAK_SECONDS");
    soak_seconds = s && *s ? atof(s) : 3.0;
    if (soak_seconds <= 0 || soak_seconds > 3600)
        soak_seconds = 3.0;
    pthread_t th[THREADS];
    for (uintptr_t i = 0; i < THREADS; i++)
        assert_int_equal(pthread_create(&th[i], NULL, soak_thread, (void *)(i * 7919 + 1)), 0);
    for (int i = 0; i < THREADS; i++)
        pthread_join(th[i], NULL);
    for (int i = 0; i < SHARED; i++)
        if (shared[i]) {
            ctx_release(shared[i]);
            shared[i] = NULL;
        }
    /* Every callback not stopped in time runs once, on the runtime's workers. */
    for (int i = 0; i < 2000 && atomic_load(&callbacks_run) < atomic_load(&callbacks_expected); i++)
        tu_sleep_ns(5 * 1000 * 1000);
    assert_int_equal(atomic_load(&callbacks_run), atomic_load(&callbacks_expected));
    assert_true(atomic_load(&trees_built) >= THREADS);
    print_message(
        "soak: %.0f s, %ld trees, %ld descendants checked after a cancel, %ld callbacks\n",
        soak_seconds, atomic_load(&trees_built), atomic_load(&cancels_checked),
        atomic_load(&callbacks_run));
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_soak)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
