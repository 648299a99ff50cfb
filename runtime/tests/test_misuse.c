/* Misuse reporting: every documented misuse names the function and returns the documented error
 * value once a handler is installed; the default handler prints the message and, in debug builds,
 * aborts (checked in a forked child so the test itself survives). */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "internal.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* This file misuses the API on purpose, to test what the runtime reports: NULL contexts and keys,
 * NULL cancel handles, handles left to the misuse paths. */
// NOLINTBEGIN(nil-context, value-key-type, lost-cancel, context-leak)

static int capture(void **state)
{
    (void)state;
    tu_capture_misuse();
    return 0;
}

static int uncapture(void **state)
{
    (void)state;
    tu_release_misuse();
    return 0;
}

#define EXPECT_MISUSE(fn, expr)                                                                    \
    do {                                                                                           \
        int before_ = tu_misuse_count();                                                           \
        expr;                                                                                      \
        assert_int_equal(tu_misuse_count(), before_ + 1);                                          \
        assert_string_equal(tu_last_misuse_function(), fn);                                        \
    } while (0)

static void dummy(void *arg)
{
    (void)arg;
}

static int dummy_task(ctx_t *c, void *arg)
{
    (void)c;
    (void)arg;
    return 0;
}

static void test_null_context(void **state)
{
    (void)state;
    static const ctx_key_t k = CTX_KEY("k");
    struct timespec ts;
    EXPECT_MISUSE("ctx_err", assert_int_equal(ctx_err(NULL), EINVAL));
    EXPECT_MISUSE("ctx_cause", assert_int_equal(ctx_cause(NULL), EINVAL));
    EXPECT_MISUSE("ctx_done", assert_true(ctx_done(NULL)));
    EXPECT_MISUSE("ctx_wait", assert_int_equal(ctx_wait(NULL, 0), EINVAL));
    EXPECT_MISUSE("ctx_done_fd", assert_int_equal(ctx_done_fd(NULL), -1));
    EXPECT_MISUSE("ctx_deadline", assert_false(ctx_deadline(NULL, &ts)));
    EXPECT_MISUSE("ctx_value", assert_null(ctx_value(NULL, &k)));
    EXPECT_MISUSE("ctx_retain", assert_null(ctx_retain(NULL)));
    EXPECT_MISUSE("ctx_release", ctx_release(NULL));
    ctx_after_t h;
    EXPECT_MISUSE("ctx_after_func", h = ctx_after_func(NULL, dummy, NULL));
    assert_false(ctx_after_stop(&h)); /* an empty handle, not garbage */
    ctx_t *g;
    EXPECT_MISUSE("ctx_group_new", assert_null(ctx_group_new(NULL, &g)));
    ctx_cancel_t cancel;
    EXPECT_MISUSE("ctx_with_timeout", assert_null(ctx_with_timeout(NULL, 1, &cancel)));
    EXPECT_MISUSE("ctx_with_cancel_cause", assert_null(ctx_with_cancel_cause(NULL, &cancel)));
    assert_false(ctx_is_valid(NULL));
}

static void test_null_key_and_function(void **state)
{
    (void)state;
    EXPECT_MISUSE("ctx_value", assert_null(ctx_value(ctx_background(), NULL)));
    EXPECT_MISUSE("ctx_with_value", assert_null(ctx_with_value(ctx_background(), NULL, NULL)));
    ctx_after_t h;
    EXPECT_MISUSE("ctx_after_func", h = ctx_after_func(ctx_background(), NULL, NULL));
    assert_false(ctx_after_stop(&h));
    EXPECT_MISUSE("ctx_group_go", ctx_group_go(NULL, dummy_task, NULL));
    EXPECT_MISUSE("ctx_group_try_go", assert_false(ctx_group_try_go(NULL, dummy_task, NULL)));
    EXPECT_MISUSE("ctx_group_set_limit", ctx_group_set_limit(NULL, 1));
    EXPECT_MISUSE("ctx_group_wait", assert_int_equal(ctx_group_wait(NULL), EINVAL));
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    EXPECT_MISUSE("ctx_group_go", ctx_group_go(g, NULL, NULL));
    assert_int_equal(ctx_group_wait(g), 0);
}

static void test_bad_handles(void **state)
{
    (void)state;
    EXPECT_MISUSE("ctx_cancel", ctx_cancel(NULL));
    EXPECT_MISUSE("ctx_cancel_cause", ctx_cancel_cause(NULL, 1));
    ctx_cancel_t zeroed = {0};
    EXPECT_MISUSE("ctx_cancel", ctx_cancel(&zeroed));
    EXPECT_MISUSE("ctx_with_cancel", assert_null(ctx_with_cancel(ctx_background(), NULL)));
    EXPECT_MISUSE("ctx_after_stop", assert_false(ctx_after_stop(NULL)));
    ctx_after_t zero_after = {0};
    EXPECT_MISUSE("ctx_after_stop", assert_false(ctx_after_stop(&zero_after)));

    /* An emptied handle is not misuse: the second cancel is Go's idempotent CancelFunc. */
    ctx_cancel_t cancel;
    ctx_with_cancel(ctx_background(), &cancel);
    ctx_cancel(&cancel);
    int before = tu_misuse_count();
    ctx_cancel(&cancel);
    ctx_cancel_cause(&cancel, 5);
    assert_int_equal(tu_misuse_count(), before);
}

static void test_release_of_root(void **state)
{
    (void)state;
    EXPECT_MISUSE("ctx_release", ctx_release(ctx_background()));
    EXPECT_MISUSE("ctx_release", ctx_release(ctx_todo()));
    /* Balanced pairs are fine, and do not leak into the count of the other root. */
    ctx_retain(ctx_todo());
    int before = tu_misuse_count();
    ctx_release(ctx_todo());
    assert_int_equal(tu_misuse_count(), before);
    EXPECT_MISUSE("ctx_release", ctx_release(ctx_background()));
}

/* Double release is detectable while the memory is still ours: a test allocator that defers
 * frees keeps it readable, as a real double release often is in practice. */
static void *deferred[8];
static int n_deferred;

static void defer_free(void *p)
{
    assert_true(n_deferred < 8);
    deferred[n_deferred++] = p;
}

static void test_double_release(void **state)
{
    (void)state;
    static const ctx_key_t k = CTX_KEY("k");
    ctx_set_allocator(malloc, defer_free);
    ctx_t *v = ctx_with_value(ctx_background(), &k, NULL);
    assert_true(ctx_is_valid(v));
    ctx_release(v);
    assert_false(ctx_is_valid(v));
    EXPECT_MISUSE("ctx_release", ctx_release(v));
    EXPECT_MISUSE("ctx_retain", assert_null(ctx_retain(v)));
    ctx_cancel_t cancel;
    EXPECT_MISUSE("ctx_with_cancel", assert_null(ctx_with_cancel(v, &cancel)));
    ctx_set_allocator(NULL, NULL);
    for (int i = 0; i < n_deferred; i++)
        free(deferred[i]);
    n_deferred = 0;
}

/* The default handler: the message names the function; debug builds abort, release builds
 * return the documented error. Run in a child so an abort does not end the test. */
static void test_default_handler(void **state)
{
    (void)state;
    tu_release_misuse();
    int pipefd[2];
    assert_int_equal(pipe(pipefd), 0);
    fflush(NULL);
    pid_t pid = fork();
    assert_true(pid >= 0);
    if (pid == 0) {
        dup2(pipefd[1], STDERR_FILENO);
        close(pipefd[0]);
        int r = ctx_err(NULL);
        _exit(r == EINVAL ? 42 : 43);
    }
    close(pipefd[1]);
    char buf[256] = {0};
    size_t got = 0;
    ssize_t n;
    while (got < sizeof buf - 1 && (n = read(pipefd[0], buf + got, sizeof buf - 1 - got)) > 0)
        got += (size_t)n;
    close(pipefd[0]);
    int status;
    assert_int_equal(waitpid(pid, &status, 0), pid);
    assert_non_null(strstr(buf, "ctx_err"));
    assert_non_null(strstr(buf, "NULL context"));
#ifdef NDEBUG
    assert_true(WIFEXITED(status));
    assert_int_equal(WEXITSTATUS(status), 42);
#else
    assert_true(WIFSIGNALED(status));
    assert_int_equal(WTERMSIG(status), SIGABRT);
#endif
    tu_capture_misuse();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_null_context, capture, uncapture),
        cmocka_unit_test_setup_teardown(test_null_key_and_function, capture, uncapture),
        cmocka_unit_test_setup_teardown(test_bad_handles, capture, uncapture),
        cmocka_unit_test_setup_teardown(test_release_of_root, capture, uncapture),
        cmocka_unit_test_setup_teardown(test_double_release, capture, uncapture),
        cmocka_unit_test_setup_teardown(test_default_handler, capture, uncapture),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
// NOLINTEND(nil-context, value-key-type, lost-cancel, context-leak)
