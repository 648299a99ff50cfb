/* Port of Go's deadline and timeout tests (TestDeadline, TestTimeout, TestCanceledTimeout,
 * TestLayersTimeout, TestDeadlineExceededSupportsTimeout) on the fake clock, plus the deadline
 * rules Go documents (earlier parent deadline wins) and one real-clock firing of the timer
 * thread. No test sleeps longer than a few milliseconds. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "internal.h"

#include <errno.h>

#define SHORT CTX_MS(1)
#define VERY_LONG CTX_SECONDS(1000 * 3600)

static int setup_fake(void **state)
{
    (void)state;
    tu_use_fake_clock();
    return 0;
}

static int teardown_fake(void **state)
{
    (void)state;
    tu_use_real_clock();
    return 0;
}

static struct timespec after(int64_t ns)
{
    struct timespec now = ctx_now();
    int64_t t = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec + ns;
    struct timespec ts = {(time_t)(t / 1000000000), (long)(t % 1000000000)};
    return ts;
}

/* testDeadline: the context is not done before its time and times out once the clock passes. */
static void expect_times_out(ctx_t *c, int64_t step)
{
    if (step > 0) {
        assert_false(ctx_done(c));
        tu_advance(step);
    }
    assert_true(ctx_done(c));
    assert_int_equal(ctx_err(c), ETIMEDOUT);
    assert_int_equal(ctx_wait(c, 0), ETIMEDOUT);
}

static void test_deadline(void **state)
{
    (void)state;
    ctx_cancel_t a, b;
    static const ctx_key_t other = CTX_KEY("other");

    ctx_t *c = ctx_with_deadline(ctx_background(), after(SHORT), &a);
    struct timespec d, want = after(SHORT);
    assert_true(ctx_deadline(c, &d));
    assert_int_equal(d.tv_sec, want.tv_sec);
    assert_int_equal(d.tv_nsec, want.tv_nsec);
    expect_times_out(c, SHORT);
    ctx_cancel(&a);

    c = ctx_with_deadline(ctx_background(), after(SHORT), &a);
    ctx_t *o = ctx_with_value(c, &other, NULL);
    expect_times_out(o, SHORT);
    ctx_release(o);
    ctx_cancel(&a);

    c = ctx_with_deadline(ctx_background(), after(SHORT), &a);
    o = ctx_with_value(c, &other, NULL);
    ctx_t *c2 = ctx_with_deadline(o, after(VERY_LONG), &b);
    expect_times_out(c2, SHORT);
    ctx_cancel(&b);
    ctx_release(o);
    ctx_cancel(&a);

    c = ctx_with_deadline(ctx_background(), after(-SHORT), &a);
    expect_times_out(c, 0); /* in the past: done on return */
    ctx_cancel(&a);

    c = ctx_with_deadline(ctx_background(), ctx_now(), &a);
    expect_times_out(c, 0); /* now: done on return */
    ctx_cancel(&a);
    assert_int_equal(ctx__timer_pending(), 0);
}

static void test_timeout(void **state)
{
    (void)state;
    ctx_cancel_t a, b;
    static const ctx_key_t other = CTX_KEY("other");

    ctx_t *c = ctx_with_timeout(ctx_background(), SHORT, &a);
    expect_times_out(c, SHORT);
    ctx_cancel(&a);

    c = ctx_with_timeout(ctx_background(), SHORT, &a);
    ctx_t *o = ctx_with_value(c, &other, NULL);
    expect_times_out(o, SHORT);
    ctx_release(o);
    ctx_cancel(&a);

    c = ctx_with_timeout(ctx_background(), SHORT, &a);
    o = ctx_with_value(c, &other, NULL);
    ctx_t *c2 = ctx_with_timeout(o, VERY_LONG, &b);
    expect_times_out(c2, SHORT);
    ctx_cancel(&b);
    ctx_release(o);
    ctx_cancel(&a);

    /* One nanosecond short of the deadline is not enough. */
    c = ctx_with_timeout(ctx_background(), CTX_MS(5), &a);
    tu_advance(CTX_MS(5) - 1);
    assert_false(ctx_done(c));
    expect_times_out(c, 1);
    ctx_cancel(&a);
}

static void test_canceled_timeout(void **state)
{
    (void)state;
    ctx_cancel_t a, b;
    static const ctx_key_t other = CTX_KEY("other");
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_SECONDS(1), &a);
    ctx_t *o = ctx_with_value(c, &other, NULL);
    ctx_t *c2 = ctx_retain(ctx_with_timeout(o, VERY_LONG, &b));
    /* The parent's earlier deadline wins, so the child needs no timer of its own. */
    assert_int_equal(ctx__timer_pending(), 1);
    ctx_cancel(&b); /* propagates synchronously */
    assert_true(ctx_done(c2));
    assert_int_equal(ctx_err(c2), ECANCELED);
    assert_int_equal(ctx__timer_pending(), 1);
    assert_false(ctx_done(c));
    ctx_release(c2);
    ctx_release(o);
    ctx_cancel(&a);
    assert_int_equal(ctx__timer_pending(), 0);
}

static void test_layers_timeout(void **state)
{
    (void)state;
    enum { MIN_LAYERS = 30, MAX_LAYERS = 128 };
    unsigned seed = 777;
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
                c = ctx_with_timeout(c, SHORT, &cancels[n_cancels++]);
                n_timers++;
                break;
            }
        }
        for (int i = 0; i < n_vals; i++)
            assert_ptr_equal(ctx_value(c, &keys[i]), &keys[i]);
        expect_times_out(c, SHORT);
        for (int i = 0; i < n_vals; i++)
            assert_ptr_equal(ctx_value(c, &keys[i]), &keys[i]);
        for (int i = n_cancels - 1; i >= 0; i--)
            ctx_cancel(&cancels[i]);
        for (int i = n_owned - 1; i >= 0; i--)
            ctx_release(owned[i]);
    }
}

/* Go's DeadlineExceeded implements Timeout() bool; its C twin is the errno ETIMEDOUT, distinct
 * from ECANCELED, and ctx_cause reports it for a plain deadline. */
static void test_deadline_exceeded_supports_timeout(void **state)
{
    (void)state;
    ctx_cancel_t a;
    ctx_t *c = ctx_with_timeout(ctx_background(), SHORT, &a);
    tu_advance(SHORT);
    assert_int_equal(ctx_err(c), ETIMEDOUT);
    assert_int_not_equal(ctx_err(c), ECANCELED);
    assert_int_equal(ctx_cause(c), ETIMEDOUT);
    ctx_cancel(&a);
}

/* WithDeadline's documented rule: if the parent's deadline is earlier, the child keeps it and
 * gets no timer of its own; a later parent deadline is overridden. */
static void test_parent_deadline_wins(void **state)
{
    (void)state;
    ctx_cancel_t p, c, c2;
    ctx_t *parent = ctx_with_timeout(ctx_background(), CTX_MS(10), &p);
    ctx_t *child = ctx_with_timeout(parent, CTX_MS(50), &c);
    struct timespec pd, cd;
    assert_true(ctx_deadline(parent, &pd));
    assert_true(ctx_deadline(child, &cd));
    assert_int_equal(pd.tv_sec, cd.tv_sec);
    assert_int_equal(pd.tv_nsec, cd.tv_nsec);
    assert_int_equal(ctx__timer_pending(), 1);

    ctx_t *earlier = ctx_with_timeout(parent, CTX_MS(5), &c2);
    assert_true(ctx_deadline(earlier, &cd));
    assert_true(cd.tv_sec < pd.tv_sec || (cd.tv_sec == pd.tv_sec && cd.tv_nsec < pd.tv_nsec));
    assert_int_equal(ctx__timer_pending(), 2);

    tu_advance(CTX_MS(5));
    assert_int_equal(ctx_err(earlier), ETIMEDOUT);
    assert_int_equal(ctx_err(parent), 0);
    tu_advance(CTX_MS(5));
    assert_int_equal(ctx_err(parent), ETIMEDOUT);
    assert_int_equal(ctx_err(child), ETIMEDOUT); /* propagated from the parent */
    ctx_cancel(&c2);
    ctx_cancel(&c);
    ctx_cancel(&p);

    /* A cancel child of a deadline context inherits the deadline. */
    parent = ctx_with_timeout(ctx_background(), CTX_MS(10), &p);
    child = ctx_with_cancel(parent, &c);
    assert_true(ctx_deadline(child, &cd));
    ctx_cancel(&c);
    ctx_cancel(&p);
}

/* The timer thread fires on the real clock too (no ctx_clock_advanced involved). */
static void test_real_clock_timer_fires(void **state)
{
    (void)state;
    ctx_cancel_t a;
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_MS(1), &a);
    assert_int_equal(ctx_wait(c, CTX_SECONDS(10)), ETIMEDOUT);
    int fd = ctx_done_fd(c);
    assert_true(tu_fd_readable(fd, 0));
    ctx_cancel(&a);
    assert_int_equal(ctx__timer_pending(), 0);
}

/* With a fake clock, the timer thread does not fire early on its own. */
static void test_fake_clock_holds_timers(void **state)
{
    (void)state;
    ctx_cancel_t a;
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_MS(1), &a);
    tu_sleep_ns(CTX_MS(3));
    assert_false(ctx_done(c));
    tu_advance(CTX_MS(1));
    assert_true(ctx_done(c));
    ctx_cancel(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_deadline, setup_fake, teardown_fake),
        cmocka_unit_test_setup_teardown(test_timeout, setup_fake, teardown_fake),
        cmocka_unit_test_setup_teardown(test_canceled_timeout, setup_fake, teardown_fake),
        cmocka_unit_test_setup_teardown(test_layers_timeout, setup_fake, teardown_fake),
        cmocka_unit_test_setup_teardown(test_deadline_exceeded_supports_timeout, setup_fake,
                                        teardown_fake),
        cmocka_unit_test_setup_teardown(test_parent_deadline_wins, setup_fake, teardown_fake),
        cmocka_unit_test_setup_teardown(test_fake_clock_holds_timers, setup_fake, teardown_fake),
        cmocka_unit_test(test_real_clock_timer_fires),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
