/* Port of Go's context tests for the tree itself: roots, cancel, values, causes, without-cancel,
 * propagation and removal (context_test.go / x_test.go, Go 1.21). Each test is named after the
 * Go test it ports; tests with no Go counterpart say what they add. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "internal.h"

#include <errno.h>
#include <sched.h>
#include <stdlib.h>

#define LONG_WAIT CTX_SECONDS(10) /* only reached when a test is failing */

static void test_background(void **state)
{
    (void)state;
    ctx_t *c = ctx_background();
    assert_non_null(c);
    assert_false(ctx_done(c));
    assert_int_equal(ctx_err(c), 0);
    assert_int_equal(ctx_wait(c, CTX_MS(1)), 0);
    assert_false(ctx_deadline(c, NULL));
    assert_int_equal(ctx_done_fd(c), -1);
    assert_ptr_equal(ctx_background(), c);
}

static void test_todo(void **state)
{
    (void)state;
    ctx_t *c = ctx_todo();
    assert_non_null(c);
    assert_ptr_not_equal(c, ctx_background());
    assert_false(ctx_done(c));
    assert_int_equal(ctx_err(c), 0);
    assert_int_equal(ctx_cause(c), 0);
    /* Balanced retain/release on a root is a no-op. */
    assert_ptr_equal(ctx_retain(c), c);
    ctx_release(c);
}

static void test_with_cancel(void **state)
{
    (void)state;
    static const ctx_key_t other = CTX_KEY("other");
    ctx_cancel_t cancel, cancel2;
    ctx_t *c1 = ctx_retain(ctx_with_cancel(ctx_background(), &cancel));
    ctx_t *o = ctx_with_value(c1, &other, NULL);
    ctx_t *c2 = ctx_with_cancel(o, &cancel2);
    ctx_t *contexts[] = {c1, o, c2};

    for (int i = 0; i < 3; i++) {
        assert_int_equal(ctx_err(contexts[i]), 0);
        assert_false(ctx_done(contexts[i]));
        assert_true(ctx_done_fd(contexts[i]) >= 0);
    }
    ctx_cancel(&cancel); /* propagates synchronously */
    for (int i = 0; i < 3; i++) {
        assert_true(ctx_done(contexts[i]));
        assert_int_equal(ctx_err(contexts[i]), ECANCELED);
        assert_true(tu_fd_readable(ctx_done_fd(contexts[i]), 0));
    }
    ctx_cancel(&cancel2);
    ctx_release(o);
    ctx_release(c1);
}

/* XTestParentFinishesChild: cancelling a parent cancels every kind of descendant, empties the
 * parent's child list and leaves the parent's own parent untouched. */
static void test_parent_finishes_child(void **state)
{
    (void)state;
    static const ctx_key_t k = CTX_KEY("k");
    ctx_cancel_t cancel, cc1, cc2, tc1;
    ctx_t *parent = ctx_with_cancel(ctx_background(), &cancel);
    ctx_t *cancel_child = ctx_with_cancel(parent, &cc1);
    ctx_t *value_child = ctx_with_value(parent, &k, "v");
    ctx_t *timer_child = ctx_with_timeout(value_child, CTX_SECONDS(3600), &tc1);
    ctx_t *after_stop = ctx_with_cancel(timer_child, &cc2);

    assert_int_equal(ctx__child_count(parent), 2); /* cancel_child, timer_child */
    assert_int_equal(ctx__child_count(timer_child), 1);
    assert_int_equal(ctx_err(parent), 0);

    ctx_cancel(&cancel);
    ctx_t *all[] = {parent, cancel_child, value_child, timer_child, after_stop};
    for (int i = 0; i < 5; i++) {
        assert_true(ctx_done(all[i]));
        assert_int_equal(ctx_err(all[i]), ECANCELED);
    }
    assert_int_equal(ctx__child_count(parent), 0);
    assert_int_equal(ctx__child_count(timer_child), 0);
    assert_int_equal(ctx__timer_pending(), 0);

    /* Children created after the parent finished are born done. */
    ctx_cancel_t late;
    ctx_t *pc = ctx_with_cancel(parent, &late);
    assert_int_equal(ctx_err(pc), ECANCELED);
    assert_int_equal(ctx__child_count(parent), 0);
    ctx_cancel(&late);

    ctx_cancel(&cc1);
    ctx_cancel(&cc2);
    ctx_cancel(&tc1);
    ctx_release(value_child);
}

/* XTestChildFinishesFirst: a child cancelled first leaves its parent's list; the parent is not
 * cancelled by it. */
static void test_child_finishes_first(void **state)
{
    (void)state;
    ctx_cancel_t pcancel, ccancel;
    ctx_t *cancelable = ctx_with_cancel(ctx_background(), &pcancel);
    ctx_t *roots[] = {ctx_background(), cancelable};
    for (int i = 0; i < 2; i++) {
        ctx_t *parent = roots[i];
        ctx_t *child = ctx_retain(ctx_with_cancel(parent, &ccancel));
        if (parent != ctx_background())
            assert_int_equal(ctx__child_count(parent), 1);
        ctx_cancel(&ccancel);
        assert_int_equal(ctx_err(child), ECANCELED);
        assert_int_equal(ctx_err(parent), 0);
        if (parent != ctx_background())
            assert_int_equal(ctx__child_count(parent), 0);
        ctx_release(child);
    }
    ctx_cancel(&pcancel);
}

/* XTestCancelRemoves: cancelling a child (or stopping an after-func) removes it from its parent. */
static void must_not_run(void *arg)
{
    (void)arg;
    abort();
}

static void test_cancel_removes(void **state)
{
    (void)state;
    ctx_cancel_t cancel, c1, c2;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    assert_int_equal(ctx__child_count(c), 0);
    ctx_with_cancel(c, &c1);
    assert_int_equal(ctx__child_count(c), 1);
    ctx_cancel(&c1);
    assert_int_equal(ctx__child_count(c), 0);

    ctx_with_timeout(c, CTX_SECONDS(3600), &c2);
    assert_int_equal(ctx__child_count(c), 1);
    ctx_cancel(&c2);
    assert_int_equal(ctx__child_count(c), 0);

    ctx_after_t stop = ctx_after_func(c, must_not_run, NULL);
    assert_int_equal(ctx__child_count(c), 1);
    assert_true(ctx_after_stop(&stop));
    assert_int_equal(ctx__child_count(c), 0);
    ctx_cancel(&cancel);
}

static const ctx_key_t k1 = CTX_KEY("k1");
static const ctx_key_t k2 = CTX_KEY("k1"); /* same name as k1, different key */
static const ctx_key_t k3 = CTX_KEY("k3");

static void check_values(ctx_t *c, const char *v1, const char *v2, const char *v3)
{
    assert_ptr_equal(ctx_value(c, &k1), v1);
    assert_ptr_equal(ctx_value(c, &k2), v2);
    assert_ptr_equal(ctx_value(c, &k3), v3);
}

static void test_values(void **state)
{
    (void)state;
    static char c1k1[] = "c1k1", c2k2[] = "c2k2", c3k3[] = "c3k3", o2k2[] = "o2k2";
    check_values(ctx_background(), NULL, NULL, NULL);
    ctx_t *c1 = ctx_with_value(ctx_background(), &k1, c1k1);
    check_values(c1, c1k1, NULL, NULL);
    ctx_t *c2 = ctx_with_value(c1, &k2, c2k2);
    check_values(c2, c1k1, c2k2, NULL);
    ctx_t *c3 = ctx_with_value(c2, &k3, c3k3);
    check_values(c3, c1k1, c2k2, c3k3);
    ctx_t *c4 = ctx_with_value(c3, &k1, NULL);
    check_values(c4, NULL, c2k2, c3k3);

    /* Go's otherContext wrapper: here, values seen through cancelable and without-cancel
     * layers, which must not hide them. */
    ctx_cancel_t cancel;
    ctx_t *o1 = ctx_with_cancel(c1, &cancel);
    check_values(o1, c1k1, NULL, NULL);
    ctx_t *o2 = ctx_with_value(o1, &k2, o2k2);
    check_values(o2, c1k1, o2k2, NULL);
    ctx_t *o3 = ctx_without_cancel(c4);
    check_values(o3, NULL, c2k2, c3k3);
    ctx_t *o4 = ctx_with_value(o3, &k3, NULL);
    check_values(o4, NULL, c2k2, NULL);

    ctx_cancel(&cancel);
    check_values(o2, c1k1, o2k2, NULL); /* values survive cancellation */
    ctx_release(o4);
    ctx_release(o3);
    ctx_release(o2);
    ctx_release(c4);
    ctx_release(c3);
    ctx_release(c2);
    ctx_release(c1);
}

struct canceller {
    ctx_cancel_t cancel;
    pthread_t thread;
};

static void *run_cancel(void *p)
{
    ctx_cancel(&((struct canceller *)p)->cancel);
    return NULL;
}

static void test_simultaneous_cancels(void **state)
{
    (void)state;
    enum { N = 101 };
    struct canceller *m = calloc(N, sizeof *m);
    ctx_t *ctxs[N];
    ctxs[0] = ctx_with_cancel(ctx_background(), &m[0].cancel);
    for (int i = 1, parent = 0; i < N; parent++)
        for (int j = 0; j < 4 && i < N; j++, i++)
            ctxs[i] = ctx_with_cancel(ctxs[parent], &m[i].cancel);
    /* Each waiter holds a reference so the contexts outlive their cancellers. */
    for (int i = 0; i < N; i++)
        ctx_retain(ctxs[i]);
    /* Start the cancels in a scrambled order. */
    for (int k = 0; k < N; k++) {
        int i = (k * 37) % N;
        assert_int_equal(pthread_create(&m[i].thread, NULL, run_cancel, &m[i]), 0);
    }
    for (int k = 0; k < N; k++) {
        int i = (k * 53) % N;
        assert_int_equal(ctx_wait(ctxs[i], LONG_WAIT), ECANCELED);
    }
    for (int i = 0; i < N; i++)
        assert_int_equal(pthread_join(m[i].thread, NULL), 0);
    for (int i = 0; i < N; i++)
        ctx_release(ctxs[i]);
    free(m);
}

struct interlock {
    ctx_t *parent;
    ctx_cancel_t cancel_child;
};

static void *cancel_child_when_parent_done(void *p)
{
    struct interlock *il = p;
    ctx_wait(il->parent, -1);
    ctx_cancel(&il->cancel_child);
    return NULL;
}

static void test_interlocked_cancels(void **state)
{
    (void)state;
    struct interlock il;
    ctx_cancel_t cancel_parent;
    il.parent = ctx_with_cancel(ctx_background(), &cancel_parent);
    ctx_t *child = ctx_retain(ctx_with_cancel(il.parent, &il.cancel_child));
    ctx_retain(il.parent);
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, cancel_child_when_parent_done, &il), 0);
    ctx_cancel(&cancel_parent);
    assert_int_equal(ctx_wait(child, LONG_WAIT), ECANCELED);
    pthread_join(t, NULL);
    ctx_release(child);
    ctx_release(il.parent);
}

/* testLayers: a random stack of value, cancel and timeout layers; cancelling any cancelable layer
 * finishes the top and values stay visible. The timeout variant lives in test_deadline.c. */
static void test_layers_cancel(void **state)
{
    (void)state;
    enum { MIN_LAYERS = 30, MAX_LAYERS = 128 };
    unsigned seed = 12345;
    for (int round = 0; round < 20; round++) {
        ctx_key_t keys[MAX_LAYERS];
        ctx_t *owned[MAX_LAYERS];
        ctx_cancel_t cancels[MAX_LAYERS];
        int n_vals = 0, n_cancels = 0, n_owned = 0, n_timers = 0;
        ctx_t *c = ctx_background();
        for (int i = 0; i < MAX_LAYERS && (i < MIN_LAYERS || !n_timers || !n_cancels || !n_vals);
             i++) {
            seed = seed * 1103515245 + 12345;
            switch ((seed >> 16) % 3) {
            case 0:
                keys[n_vals].name = "layer";
                c = ctx_with_value(c, &keys[n_vals], &keys[n_vals]);
                n_vals++;
                owned[n_owned++] = c;
                break;
            case 1:
                c = ctx_with_cancel(c, &cancels[n_cancels++]);
                break;
            default:
                c = ctx_with_timeout(c, CTX_SECONDS(3600), &cancels[n_cancels++]);
                n_timers++;
                break;
            }
        }
        assert_false(ctx_done(c));
        for (int i = 0; i < n_vals; i++)
            assert_ptr_equal(ctx_value(c, &keys[i]), &keys[i]);
        seed = seed * 1103515245 + 12345;
        ctx_cancel(&cancels[(seed >> 16) % (unsigned)n_cancels]);
        assert_true(ctx_done(c));
        assert_int_equal(ctx_err(c), ECANCELED);
        for (int i = 0; i < n_vals; i++)
            assert_ptr_equal(ctx_value(c, &keys[i]), &keys[i]);
        for (int i = n_cancels - 1; i >= 0; i--)
            ctx_cancel(&cancels[i]);
        for (int i = n_owned - 1; i >= 0; i--)
            ctx_release(owned[i]);
    }
    assert_int_equal(ctx__timer_pending(), 0);
}

static void test_with_cancel_canceled_parent(void **state)
{
    (void)state;
    enum { BECAUSE = 4242 };
    ctx_cancel_t pcancel, ccancel;
    ctx_t *parent = ctx_with_cancel_cause(ctx_background(), &pcancel);
    ctx_retain(parent);
    ctx_cancel_cause(&pcancel, BECAUSE);
    ctx_t *c = ctx_with_cancel(parent, &ccancel);
    assert_true(ctx_done(c));
    assert_int_equal(ctx_err(c), ECANCELED);
    assert_int_equal(ctx_cause(c), BECAUSE);
    ctx_cancel(&ccancel);
    ctx_release(parent);
}

struct cause_canceller {
    ctx_cancel_t cancel;
    int cause;
};

static void *cancel_with_cause(void *p)
{
    struct cause_canceller *cc = p;
    ctx_cancel_cause(&cc->cancel, cc->cause);
    return NULL;
}

static void test_with_cancel_simultaneously_canceled_parent(void **state)
{
    (void)state;
    for (int i = 0; i < 100; i++) {
        struct cause_canceller pc = {.cause = 777};
        ctx_t *parent = ctx_retain(ctx_with_cancel_cause(ctx_background(), &pc.cancel));
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, cancel_with_cause, &pc), 0);
        ctx_cancel_t ccancel;
        ctx_t *c = ctx_with_cancel(parent, &ccancel);
        assert_int_equal(ctx_wait(c, LONG_WAIT), ECANCELED);
        assert_int_equal(ctx_cause(c), 777);
        pthread_join(t, NULL);
        ctx_cancel(&ccancel);
        ctx_release(parent);
    }
}

static void test_with_value_checks_key(void **state)
{
    (void)state;
    tu_capture_misuse();
    assert_null(
        ctx_with_value(ctx_background(), NULL, "bar")); // NOLINT(value-key-type): on purpose
    assert_int_equal(tu_misuse_count(), 1);
    assert_string_equal(tu_last_misuse_function(), "ctx_with_value");
    tu_release_misuse();
}

/* NOLINTBEGIN(nil-context, lost-cancel): NULL parents on purpose, to test the runtime's reports */
static void test_invalid_derived_fail(void **state)
{
    (void)state;
    ctx_cancel_t cancel;
    tu_capture_misuse();
    assert_null(ctx_with_cancel(NULL, &cancel));
    assert_string_equal(tu_last_misuse_function(), "ctx_with_cancel");
    ctx_cancel(&cancel); /* the handle is spent, not garbage: a documented no-op */
    assert_null(ctx_with_deadline(NULL, ctx_now(), &cancel));
    assert_string_equal(tu_last_misuse_function(), "ctx_with_deadline");
    assert_null(ctx_with_value(NULL, &k1, "bar"));
    assert_string_equal(tu_last_misuse_function(), "ctx_with_value");
    assert_null(ctx_without_cancel(NULL));
    assert_string_equal(tu_last_misuse_function(), "ctx_without_cancel");
    assert_int_equal(tu_misuse_count(), 4);
    tu_release_misuse();
}
/* NOLINTEND(nil-context, lost-cancel) */

/* TestCause: every row of Go's table, with errno-style causes. */
enum { PARENT_CAUSE = 1001, CHILD_CAUSE, TOO_SLOW, FINISHED_EARLY };

struct cause_case {
    const char *name;
    int err, cause;
};

static void check_cause(ctx_t *c, const char *name, int err, int cause)
{
    if (ctx_err(c) != err || ctx_cause(c) != cause)
        fail_msg("%s: err=%d cause=%d, want err=%d cause=%d", name, ctx_err(c), ctx_cause(c), err,
                 cause);
}

static void test_cause(void **state)
{
    (void)state;
    const int64_t forever = CTX_SECONDS(1000000);
    ctx_cancel_t a, b;
    ctx_t *c, *p;

    check_cause(ctx_background(), "Background", 0, 0);
    check_cause(ctx_todo(), "TODO", 0, 0);

    c = ctx_retain(ctx_with_cancel(ctx_background(), &a));
    ctx_cancel(&a);
    check_cause(c, "WithCancel", ECANCELED, ECANCELED);
    ctx_release(c);

    c = ctx_retain(ctx_with_cancel_cause(ctx_background(), &a));
    ctx_cancel_cause(&a, PARENT_CAUSE);
    check_cause(c, "WithCancelCause", ECANCELED, PARENT_CAUSE);
    ctx_release(c);

    c = ctx_retain(ctx_with_cancel_cause(ctx_background(), &a));
    ctx_cancel_cause(&a, 0);
    check_cause(c, "WithCancelCause nil", ECANCELED, ECANCELED);
    ctx_release(c);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_retain(ctx_with_cancel_cause(p, &b));
    ctx_cancel_cause(&a, PARENT_CAUSE);
    ctx_cancel_cause(&b, CHILD_CAUSE);
    check_cause(c, "parent cause before child", ECANCELED, PARENT_CAUSE);
    ctx_release(c);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_retain(ctx_with_cancel_cause(p, &b));
    ctx_cancel_cause(&b, CHILD_CAUSE);
    ctx_cancel_cause(&a, PARENT_CAUSE);
    check_cause(c, "parent cause after child", ECANCELED, CHILD_CAUSE);
    ctx_release(c);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_retain(ctx_with_cancel(p, &b));
    ctx_cancel_cause(&a, PARENT_CAUSE);
    ctx_cancel(&b);
    check_cause(c, "parent cause before nil", ECANCELED, PARENT_CAUSE);
    ctx_release(c);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_retain(ctx_with_cancel(p, &b));
    ctx_cancel(&b);
    ctx_cancel_cause(&a, PARENT_CAUSE);
    check_cause(c, "parent cause after nil", ECANCELED, ECANCELED);
    ctx_release(c);

    p = ctx_with_cancel(ctx_background(), &a);
    c = ctx_retain(ctx_with_cancel_cause(p, &b));
    ctx_cancel(&a);
    ctx_cancel_cause(&b, CHILD_CAUSE);
    check_cause(c, "child cause after nil", ECANCELED, ECANCELED);
    ctx_release(c);

    p = ctx_with_cancel(ctx_background(), &a);
    c = ctx_retain(ctx_with_cancel_cause(p, &b));
    ctx_cancel_cause(&b, CHILD_CAUSE);
    ctx_cancel(&a);
    check_cause(c, "child cause before nil", ECANCELED, CHILD_CAUSE);
    ctx_release(c);

    c = ctx_retain(ctx_with_timeout(ctx_background(), 0, &a));
    ctx_cancel(&a);
    check_cause(c, "WithTimeout", ETIMEDOUT, ETIMEDOUT);
    ctx_release(c);

    c = ctx_retain(ctx_with_timeout(ctx_background(), forever, &a));
    ctx_cancel(&a);
    check_cause(c, "WithTimeout canceled", ECANCELED, ECANCELED);
    ctx_release(c);

    c = ctx_retain(ctx_with_timeout_cause(ctx_background(), 0, TOO_SLOW, &a));
    ctx_cancel(&a);
    check_cause(c, "WithTimeoutCause", ETIMEDOUT, TOO_SLOW);
    ctx_release(c);

    c = ctx_retain(ctx_with_timeout_cause(ctx_background(), forever, TOO_SLOW, &a));
    ctx_cancel(&a);
    check_cause(c, "WithTimeoutCause canceled", ECANCELED, ECANCELED);
    ctx_release(c);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_with_timeout_cause(p, 0, TOO_SLOW, &b);
    ctx_cancel_cause(&a, FINISHED_EARLY);
    check_cause(c, "WithTimeoutCause stacked", ETIMEDOUT, TOO_SLOW);
    ctx_cancel(&b);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_with_timeout_cause(p, forever, TOO_SLOW, &b);
    ctx_cancel_cause(&a, FINISHED_EARLY);
    check_cause(c, "WithTimeoutCause stacked canceled", ECANCELED, FINISHED_EARLY);
    ctx_cancel(&b);

    c = ctx_without_cancel(ctx_background());
    check_cause(c, "WithoutCancel", 0, 0);
    ctx_release(c);

    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_without_cancel(p);
    ctx_cancel_cause(&a, FINISHED_EARLY);
    check_cause(c, "WithoutCancel canceled", 0, 0);
    ctx_release(c);

    p = ctx_with_timeout_cause(ctx_background(), 0, TOO_SLOW, &a);
    c = ctx_without_cancel(p);
    ctx_cancel(&a);
    check_cause(c, "WithoutCancel timeout", 0, 0);
    ctx_release(c);

    /* A value layer reports the cause of the canceler beneath it. */
    p = ctx_with_cancel_cause(ctx_background(), &a);
    c = ctx_with_value(p, &k1, NULL);
    ctx_cancel_cause(&a, PARENT_CAUSE);
    check_cause(c, "WithValue over WithCancelCause", ECANCELED, PARENT_CAUSE);
    ctx_release(c);
}

static void test_cause_race(void **state)
{
    (void)state;
    for (int i = 0; i < 50; i++) {
        struct cause_canceller cc = {.cause = 31337};
        ctx_t *c = ctx_retain(ctx_with_cancel_cause(ctx_background(), &cc.cancel));
        pthread_t t;
        assert_int_equal(pthread_create(&t, NULL, cancel_with_cause, &cc), 0);
        /* Poll the cause rather than waiting, to test that it is published with err. */
        int cause;
        while ((cause = ctx_cause(c)) == 0)
            sched_yield();
        assert_int_equal(cause, 31337);
        pthread_join(t, NULL);
        ctx_release(c);
    }
}

/* Cancel after release: the references a caller took (retain, a value child) are released
 * first and the handle cancelled last, and the reverse; either order is clean (the handle owns
 * its own reference) and a second cancel is a no-op. */
static void test_cancel_after_release(void **state)
{
    (void)state;
    static const ctx_key_t key = CTX_KEY("cancel after release");
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_t *extra = ctx_retain(c);
    ctx_t *v = ctx_with_value(c, &key, &cancel);
    ctx_release(extra);
    ctx_release(v);
    assert_int_equal(ctx_err(c), 0);
    ctx_cancel(&cancel);
    ctx_cancel(&cancel);

    c = ctx_with_cancel(ctx_background(), &cancel);
    extra = ctx_retain(c);
    ctx_cancel(&cancel);
    assert_int_equal(ctx_err(extra), ECANCELED); /* still readable through the held reference */
    ctx_release(extra);
}

static void test_without_cancel(void **state)
{
    (void)state;
    static const ctx_key_t key = CTX_KEY("key");
    static char value[] = "value";
    ctx_cancel_t cancel;
    ctx_t *v = ctx_with_value(ctx_background(), &key, value);
    ctx_t *t = ctx_with_timeout(v, CTX_SECONDS(60), &cancel);
    ctx_t *c = ctx_without_cancel(t);
    struct timespec d;
    assert_false(ctx_deadline(c, &d));
    assert_int_equal(ctx_done_fd(c), -1);
    assert_int_equal(ctx_err(c), 0);
    assert_ptr_equal(ctx_value(c, &key), value);
    ctx_cancel(&cancel);
    /* The parent's cancellation does not reach it, and it keeps the parent alive for values. */
    assert_int_equal(ctx_err(c), 0);
    assert_false(ctx_done(c));
    assert_ptr_equal(ctx_value(c, &key), value);
    assert_int_equal(ctx_wait(c, CTX_MS(1)), 0);
    ctx_release(v);
    assert_ptr_equal(ctx_value(c, &key), value);
    ctx_release(c);
}

/* No Go counterpart: the requirement that propagation is iterative. A 100,000-deep chain is
 * cancelled (and freed) on a thread with a 64 KiB stack. */
enum { DEEP = 100000 };

static void *deep_chain(void *p)
{
    ctx_cancel_t *cancels = p;
    ctx_t *c = ctx_background();
    for (int i = 0; i < DEEP; i++) {
        c = ctx_with_cancel(c, &cancels[i]);
        assert_non_null(c);
    }
    ctx_t *leaf = ctx_retain(c);
    ctx_cancel(&cancels[0]);
    assert_int_equal(ctx_err(leaf), ECANCELED);
    /* Release the handles root-first, so the leaf's release frees the whole chain in a loop. */
    for (int i = 0; i < DEEP; i++)
        ctx_cancel(&cancels[i]);
    ctx_release(leaf);
    return NULL;
}

static void test_deep_chain_small_stack(void **state)
{
    (void)state;
    ctx_cancel_t *cancels = calloc(DEEP, sizeof *cancels);
    assert_non_null(cancels);
    tu_run_on_stack(64 * 1024, deep_chain, cancels);
    free(cancels);
}

static void test_wait(void **state)
{
    (void)state;
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    assert_int_equal(ctx_wait(c, 0), 0);
    assert_int_equal(ctx_wait(c, CTX_MS(2)), 0);
    ctx_retain(c);
    ctx_cancel(&cancel);
    assert_int_equal(ctx_wait(c, -1), ECANCELED);
    assert_int_equal(ctx_wait(c, 0), ECANCELED);
    ctx_release(c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_background),
        cmocka_unit_test(test_todo),
        cmocka_unit_test(test_with_cancel),
        cmocka_unit_test(test_parent_finishes_child),
        cmocka_unit_test(test_child_finishes_first),
        cmocka_unit_test(test_cancel_removes),
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_simultaneous_cancels),
        cmocka_unit_test(test_interlocked_cancels),
        cmocka_unit_test(test_layers_cancel),
        cmocka_unit_test(test_with_cancel_canceled_parent),
        cmocka_unit_test(test_with_cancel_simultaneously_canceled_parent),
        cmocka_unit_test(test_with_value_checks_key),
        cmocka_unit_test(test_invalid_derived_fail),
        cmocka_unit_test(test_cause),
        cmocka_unit_test(test_cause_race),
        cmocka_unit_test(test_cancel_after_release),
        cmocka_unit_test(test_without_cancel),
        cmocka_unit_test(test_deep_chain_small_stack),
        cmocka_unit_test(test_wait),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
