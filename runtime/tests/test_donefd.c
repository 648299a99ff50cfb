/* ctx_done_fd: Go's Done channel as a pollable descriptor. It is -1 for contexts that can never
 * be done, the same descriptor on every call, shared through value layers, unreadable before
 * cancellation and readable (for good) after, and readable at once when first asked for after
 * cancellation. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <errno.h>
#include <poll.h>

static void test_done_fd_never_cancelled(void **state)
{
    (void)state;
    assert_int_equal(ctx_done_fd(ctx_background()), -1);
    assert_int_equal(ctx_done_fd(ctx_todo()), -1);
    static const ctx_key_t k = CTX_KEY("k");
    ctx_t *v = ctx_with_value(ctx_background(), &k, NULL);
    assert_int_equal(ctx_done_fd(v), -1);
    ctx_release(v);
    /* poll ignores a negative fd, like a nil channel in a select */
    struct pollfd p = {.fd = -1, .events = POLLIN};
    assert_int_equal(poll(&p, 1, 0), 0);
}

static void test_done_fd_lifecycle(void **state)
{
    (void)state;
    static const ctx_key_t k = CTX_KEY("k");
    ctx_cancel_t cancel;
    ctx_t *c = ctx_retain(ctx_with_cancel(ctx_background(), &cancel));
    ctx_t *v = ctx_with_value(c, &k, NULL);
    int fd = ctx_done_fd(c);
    assert_true(fd >= 0);
    assert_int_equal(ctx_done_fd(c), fd);
    assert_int_equal(ctx_done_fd(v), fd); /* a value layer has the canceler's Done */
    assert_false(tu_fd_readable(fd, 0));
    ctx_cancel(&cancel);
    assert_true(tu_fd_readable(fd, 0));
    assert_true(tu_fd_readable(fd, 0)); /* level-triggered: stays readable */
    assert_int_equal(ctx_err(c), ECANCELED);
    ctx_release(v);
    ctx_release(c);
}

static void test_done_fd_after_cancel(void **state)
{
    (void)state;
    ctx_cancel_t cancel, child;
    ctx_t *c = ctx_retain(ctx_with_cancel(ctx_background(), &cancel));
    ctx_t *k = ctx_with_cancel(c, &child);
    ctx_cancel(&cancel);
    assert_true(tu_fd_readable(ctx_done_fd(c), 0));
    assert_true(tu_fd_readable(ctx_done_fd(k), 0));
    ctx_cancel(&child);
    ctx_release(c);
}

struct poller {
    ctx_t *c;
    int saw_err;
};

static void *poll_then_check(void *p)
{
    struct poller *w = p;
    assert_true(tu_fd_readable(ctx_done_fd(w->c), 10000));
    w->saw_err = ctx_err(w->c); /* readable implies ctx_err != 0 */
    return NULL;
}

static void test_done_fd_wakes_poll(void **state)
{
    (void)state;
    ctx_cancel_t cancel;
    struct poller w = {.c = ctx_retain(ctx_with_cancel(ctx_background(), &cancel))};
    pthread_t t;
    assert_int_equal(pthread_create(&t, NULL, poll_then_check, &w), 0);
    tu_sleep_ns(CTX_MS(1));
    ctx_cancel(&cancel);
    pthread_join(t, NULL);
    assert_int_equal(w.saw_err, ECANCELED);
    ctx_release(w.c);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_done_fd_never_cancelled),
        cmocka_unit_test(test_done_fd_lifecycle),
        cmocka_unit_test(test_done_fd_after_cancel),
        cmocka_unit_test(test_done_fd_wakes_poll),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
