/* Port of Go's AfterFunc tests (TestAfterFuncCalledAfterCancel, ...CalledAfterTimeout,
 * ...CalledImmediately, ...NotCalledAfterStop, ...CalledAsynchronously) and the C-specific
 * guarantees: the callback runs on another thread, the registration keeps its context alive,
 * stop frees exactly once. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "internal.h"

#include <errno.h>

#define SHORT CTX_MS(1)
#define VERY_LONG CTX_SECONDS(10)

static void post(void *arg)
{
    tu_latch_post(arg);
}

static void test_after_func_called_after_cancel(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_after_t stop = ctx_after_func(c, post, &done);
    assert_int_equal(tu_latch_wait(&done, SHORT), 0); /* not before the context is done */
    ctx_cancel(&cancel);
    assert_int_equal(tu_latch_wait(&done, VERY_LONG), 1);
    assert_false(ctx_after_stop(&stop));
    tu_latch_destroy(&done);
}

static void test_after_func_called_after_timeout(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    tu_use_fake_clock();
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(ctx_background(), SHORT, &cancel);
    ctx_after_t stop = ctx_after_func(c, post, &done);
    tu_advance(SHORT);
    assert_int_equal(tu_latch_wait(&done, VERY_LONG), 1);
    ctx_cancel(&cancel);
    assert_false(ctx_after_stop(&stop));
    tu_use_real_clock();
    tu_latch_destroy(&done);
}

static void test_after_func_called_immediately(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    ctx_cancel_t cancel;
    ctx_t *c = ctx_retain(ctx_with_cancel(ctx_background(), &cancel));
    ctx_cancel(&cancel);
    ctx_after_t stop = ctx_after_func(c, post, &done);
    assert_int_equal(tu_latch_wait(&done, VERY_LONG), 1);
    assert_false(ctx_after_stop(&stop));
    ctx_release(c);
    tu_latch_destroy(&done);
}

static void test_after_func_not_called_after_stop(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_after_t stop = ctx_after_func(c, post, &done);
    assert_true(ctx_after_stop(&stop));
    ctx_cancel(&cancel);
    assert_int_equal(tu_latch_wait(&done, SHORT), 0);
    assert_false(ctx_after_stop(&stop)); /* a second stop reports false */
    tu_latch_destroy(&done);
}

/* The callback blocks until the test thread, which cancelled, answers: cancel must not wait
 * for after-funcs. */
struct rendezvous {
    struct tu_latch called, answered;
};

static void block_until_answered(void *arg)
{
    struct rendezvous *r = arg;
    tu_latch_post(&r->called);
    tu_latch_wait(&r->answered, VERY_LONG);
}

/* Blocked callbacks may still be returning when a test ends, so their latches live for the
 * whole program instead of being destroyed. */
static struct rendezvous async_r, starve_r;

static void test_after_func_called_asynchronously(void **state)
{
    (void)state;
    struct rendezvous *r = &async_r;
    tu_latch_init(&r->called);
    tu_latch_init(&r->answered);
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_after_t stop = ctx_after_func(c, block_until_answered, r);
    ctx_cancel(&cancel); /* returns while the callback is still blocked */
    assert_int_equal(tu_latch_wait(&r->called, VERY_LONG), 1);
    tu_latch_post(&r->answered);
    assert_false(ctx_after_stop(&stop));
}

/* No Go counterpart: many callbacks blocked at once still leave the executor able to run
 * another, as separate goroutines would. */
static struct tu_latch last;

static void test_after_func_blocked_callbacks_do_not_starve(void **state)
{
    (void)state;
    enum { BLOCKED = 4 };
    struct rendezvous *r = &starve_r;
    tu_latch_init(&r->called);
    tu_latch_init(&r->answered);
    tu_latch_init(&last);
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_after_t h[BLOCKED + 1];
    for (int i = 0; i < BLOCKED; i++)
        h[i] = ctx_after_func(c, block_until_answered, r);
    h[BLOCKED] = ctx_after_func(c, post, &last);
    ctx_cancel(&cancel);
    assert_int_equal(tu_latch_wait(&last, VERY_LONG), 1);
    tu_latch_post(&r->answered);
    for (int i = 0; i <= BLOCKED; i++)
        assert_false(ctx_after_stop(&h[i]));
    for (int tries = 0; tu_latch_count(&r->called) < BLOCKED && tries < 100000; tries++)
        tu_sleep_ns(CTX_US(100));
    assert_int_equal(tu_latch_count(&r->called), BLOCKED);
}

static pthread_t cancelling_thread;
static _Atomic int ran_on_cancelling_thread = -1;

static void record_thread(void *arg)
{
    atomic_store(&ran_on_cancelling_thread, pthread_equal(pthread_self(), cancelling_thread));
    tu_latch_post(arg);
}

static void test_after_func_runs_off_cancelling_thread(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    cancelling_thread = pthread_self();
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_after_t stop = ctx_after_func(c, record_thread, &done);
    ctx_cancel(&cancel);
    assert_int_equal(tu_latch_wait(&done, VERY_LONG), 1);
    assert_int_equal(atomic_load(&ran_on_cancelling_thread), 0);
    ctx_after_stop(&stop);
    tu_latch_destroy(&done);
}

/* The registration keeps its context alive: every other reference can be gone when it fires. */
static void test_after_func_keeps_context_alive(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    static const ctx_key_t k = CTX_KEY("k");
    ctx_cancel_t cancel;
    ctx_t *parent = ctx_with_cancel(ctx_background(), &cancel);
    ctx_t *v = ctx_with_value(parent, &k, NULL);
    ctx_after_t stop = ctx_after_func(v, post, &done);
    ctx_release(v);
    ctx_cancel(&cancel); /* drops the last outside reference */
    assert_int_equal(tu_latch_wait(&done, VERY_LONG), 1);
    assert_false(ctx_after_stop(&stop));
    tu_latch_destroy(&done);
}

/* A callback that cancels its own context (here through the handle, after the deadline made it
 * done) and derives from it: it runs off every lock, so neither deadlocks, and the cancel is an
 * idempotent no-op that still releases what the handle owns. */
struct self_cancel {
    ctx_t *c;
    ctx_cancel_t cancel;
    int err_seen, child_err;
    struct tu_latch done;
};

static void cancel_own_context(void *arg)
{
    struct self_cancel *s = arg;
    s->err_seen = ctx_err(s->c);
    ctx_cancel(&s->cancel);
    ctx_cancel_t child_cancel;
    ctx_t *child = ctx_with_cancel(s->c, &child_cancel);
    s->child_err = ctx_err(child); /* born into a finished parent: done at once */
    ctx_cancel(&child_cancel);
    tu_latch_post(&s->done);
}

static void test_after_func_callback_cancels_own_context(void **state)
{
    (void)state;
    tu_use_fake_clock();
    struct self_cancel s = {0};
    tu_latch_init(&s.done);
    s.c = ctx_with_timeout(ctx_background(), CTX_MS(10), &s.cancel);
    ctx_after_t h = ctx_after_func(s.c, cancel_own_context, &s);
    tu_advance(CTX_MS(10));
    assert_int_equal(tu_latch_wait(&s.done, VERY_LONG), 1);
    assert_int_equal(s.err_seen, ETIMEDOUT);
    assert_int_equal(s.child_err, ETIMEDOUT);
    assert_false(ctx_after_stop(&h)); /* it ran */
    tu_latch_destroy(&s.done);
    tu_use_real_clock();
}

/* Go: AfterFunc on a context that is never done never runs, and stop reports that it
 * prevented the call. */
static void test_after_func_never_done_context(void **state)
{
    (void)state;
    struct tu_latch done;
    tu_latch_init(&done);
    ctx_t *w = ctx_without_cancel(ctx_background());
    ctx_after_t a = ctx_after_func(ctx_background(), post, &done);
    ctx_after_t b = ctx_after_func(w, post, &done);
    assert_true(ctx_after_stop(&a));
    assert_true(ctx_after_stop(&b));
    assert_false(ctx_after_stop(&b));
    assert_int_equal(tu_latch_count(&done), 0);
    ctx_release(w);
    tu_latch_destroy(&done);
}

/* Propagation runs after-funcs registered anywhere in the cancelled subtree, once each. */
static void test_after_func_subtree(void **state)
{
    (void)state;
    enum { N = 16 };
    struct tu_latch done;
    tu_latch_init(&done);
    ctx_cancel_t root_cancel, cancels[N];
    ctx_after_t h[N];
    ctx_t *c = ctx_with_cancel(ctx_background(), &root_cancel);
    for (int i = 0; i < N; i++) {
        c = ctx_with_cancel(c, &cancels[i]);
        h[i] = ctx_after_func(c, post, &done);
    }
    ctx_cancel(&root_cancel);
    for (int tries = 0; tu_latch_count(&done) < N && tries < 100000; tries++)
        tu_sleep_ns(CTX_US(100));
    assert_int_equal(tu_latch_count(&done), N);
    for (int i = 0; i < N; i++) {
        assert_false(ctx_after_stop(&h[i]));
        ctx_cancel(&cancels[i]);
    }
    tu_sleep_ns(CTX_MS(1));
    assert_int_equal(tu_latch_count(&done), N);
    tu_latch_destroy(&done);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_after_func_called_after_cancel),
        cmocka_unit_test(test_after_func_called_after_timeout),
        cmocka_unit_test(test_after_func_called_immediately),
        cmocka_unit_test(test_after_func_not_called_after_stop),
        cmocka_unit_test(test_after_func_called_asynchronously),
        cmocka_unit_test(test_after_func_blocked_callbacks_do_not_starve),
        cmocka_unit_test(test_after_func_runs_off_cancelling_thread),
        cmocka_unit_test(test_after_func_keeps_context_alive),
        cmocka_unit_test(test_after_func_callback_cancels_own_context),
        cmocka_unit_test(test_after_func_never_done_context),
        cmocka_unit_test(test_after_func_subtree),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
