/* Port of golang.org/x/sync/errgroup's tests (TestZeroGroup, TestWithContext, TestGoLimit,
 * TestTryGo, TestCancelCause)
 * plus the C-specific contract: wait joins every task, including tasks started by tasks, and
 * the group context is cancelled once wait returns. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include <errno.h>
#include <sched.h>
#include <stdatomic.h>

enum { ERR1 = 501, ERR2 = 502 };

static int return_value(ctx_t *c, void *arg)
{
    (void)c;
    return (int)(intptr_t)arg;
}

struct errs_case {
    int errs[3];
    int n;
};

static const struct errs_case cases[] = {
    {{0}, 0}, {{0}, 1}, {{ERR1}, 1}, {{ERR1, 0}, 2}, {{ERR1, ERR2}, 2},
};

static void test_zero_group(void **state)
{
    (void)state;
    /* Go's zero Group has no context; ours always has one, derived from Background. Tasks run
     * one at a time (Wait after each Go) so "first error" is deterministic. */
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ctx_t *gctx;
        ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
        assert_non_null(g);
        int first = 0;
        for (int j = 0; j < cases[i].n; j++) {
            ctx_group_go(g, return_value, (void *)(intptr_t)cases[i].errs[j]);
            if (!first)
                first = cases[i].errs[j];
            /* Wait for the task to finish before starting the next, as Go's test does. */
            while (cases[i].errs[j] && ctx_err(gctx) == 0)
                sched_yield();
        }
        assert_int_equal(ctx_group_wait(g), first);
    }
}

static void test_with_context(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        ctx_t *gctx;
        ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
        ctx_t *kept = ctx_retain(gctx); /* to observe it after wait frees the group */
        int any = 0;
        for (int j = 0; j < cases[i].n; j++) {
            ctx_group_go(g, return_value, (void *)(intptr_t)cases[i].errs[j]);
            any |= cases[i].errs[j];
        }
        int err = ctx_group_wait(g);
        if (any)
            assert_true(err == ERR1 || err == ERR2);
        else
            assert_int_equal(err, 0);
        assert_true(ctx_done(kept)); /* wait cancels the group context */
        assert_int_equal(ctx_err(kept), ECANCELED);
        ctx_release(kept);
    }
}

static int fail_with_err1(ctx_t *c, void *arg)
{
    (void)c;
    (void)arg;
    return ERR1;
}

static int wait_for_group_cancel(ctx_t *c, void *arg)
{
    (void)arg;
    /* Returns the cause it observed: proves the first error cancelled the others' context. */
    return ctx_wait(c, CTX_SECONDS(10)) == ECANCELED ? 0 : ETIMEDOUT;
}

static void test_cancel_cause(void **state)
{
    (void)state;
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    ctx_t *kept = ctx_retain(gctx);
    ctx_group_go(g, wait_for_group_cancel, NULL);
    ctx_group_go(g, fail_with_err1, NULL);
    assert_int_equal(ctx_group_wait(g), ERR1);
    assert_int_equal(ctx_err(kept), ECANCELED);
    assert_int_equal(ctx_cause(kept), ERR1);
    ctx_release(kept);
}

static atomic_int finished;

static int slow_then_count(ctx_t *c, void *arg)
{
    (void)c;
    (void)arg;
    tu_sleep_ns(CTX_MS(1));
    atomic_fetch_add(&finished, 1);
    return 0;
}

static int spawn_more(ctx_t *c, void *arg)
{
    (void)c;
    ctx_group_t *g = arg;
    for (int i = 0; i < 3; i++)
        ctx_group_go(g, slow_then_count, NULL);
    atomic_fetch_add(&finished, 1);
    return 0;
}

static void test_group_wait_joins_all(void **state)
{
    (void)state;
    atomic_store(&finished, 0);
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    for (int i = 0; i < 4; i++)
        ctx_group_go(g, spawn_more, g);
    assert_int_equal(ctx_group_wait(g), 0);
    assert_int_equal(atomic_load(&finished), 4 + 4 * 3);
}

static void test_group_parent_cancel(void **state)
{
    (void)state;
    ctx_cancel_t cancel;
    ctx_t *parent = ctx_with_cancel(ctx_background(), &cancel);
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(parent, &gctx);
    ctx_group_go(g, wait_for_group_cancel, NULL);
    ctx_cancel(&cancel); /* the group context is a child of parent */
    assert_int_equal(ctx_group_wait(g), 0);
}

/* TestGoLimit: with SetLimit(10), no more than 10 tasks ever run at once. */
enum { LIMIT = 10 };
static atomic_int active_tasks;

static int count_active(ctx_t *c, void *arg)
{
    (void)c;
    (void)arg;
    int n = atomic_fetch_add(&active_tasks, 1) + 1;
    if (n > LIMIT)
        return n;           /* reported as the group's error */
    tu_sleep_ns(CTX_US(1)); /* give other tasks a chance to increment */
    atomic_fetch_sub(&active_tasks, 1);
    return 0;
}

static void test_go_limit(void **state)
{
    (void)state;
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    ctx_group_set_limit(g, LIMIT);
    for (int i = 0; i <= 256; i++)
        ctx_group_go(g, count_active, NULL);
    assert_int_equal(ctx_group_wait(g), 0);
    assert_int_equal(atomic_load(&active_tasks), 0);
}

/* TestTryGo. Go's test reuses one Group across Wait calls; a ctx group is freed by wait, so each
 * phase uses a fresh group with the same limit. Tasks block on a latch, as on Go's channel. */
static struct tu_latch release_tasks;

static int block_until_released(ctx_t *c, void *arg)
{
    (void)c;
    (void)arg;
    tu_latch_wait(&release_tasks, CTX_SECONDS(10));
    return 0;
}

static void test_try_go(void **state)
{
    (void)state;
    enum { N = 42 };
    ctx_t *gctx;
    tu_latch_init(&release_tasks);
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    ctx_group_set_limit(g, N);
    for (int i = 0; i < N; i++)
        if (!ctx_group_try_go(g, block_until_released, NULL))
            fail_msg("TryGo should succeed but failed at call %d", i);
    assert_false(ctx_group_try_go(g, block_until_released, NULL));
    tu_latch_post(&release_tasks);
    assert_int_equal(ctx_group_wait(g), 0);

    /* Below the limit again once tasks are done. */
    g = ctx_group_new(ctx_background(), &gctx);
    ctx_group_set_limit(g, N);
    assert_true(ctx_group_try_go(g, block_until_released, NULL));
    assert_int_equal(ctx_group_wait(g), 0);

    /* Switch the limit. */
    tu_latch_destroy(&release_tasks);
    tu_latch_init(&release_tasks);
    g = ctx_group_new(ctx_background(), &gctx);
    ctx_group_set_limit(g, 1);
    assert_true(ctx_group_try_go(g, block_until_released, NULL));
    assert_false(ctx_group_try_go(g, block_until_released, NULL));
    tu_latch_post(&release_tasks);
    assert_int_equal(ctx_group_wait(g), 0);

    /* Block all calls. */
    g = ctx_group_new(ctx_background(), &gctx);
    ctx_group_set_limit(g, 0);
    for (int i = 0; i < 1 << 10; i++)
        if (ctx_group_try_go(g, block_until_released, NULL))
            fail_msg("TryGo should fail with a limit of 0, succeeded at call %d", i);
    assert_int_equal(ctx_group_wait(g), 0);
    tu_latch_destroy(&release_tasks);
}

/* SetLimit while tasks run is refused, like Go's panic. */
static void test_set_limit_while_running(void **state)
{
    (void)state;
    ctx_t *gctx;
    tu_latch_init(&release_tasks);
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    ctx_group_go(g, block_until_released, NULL);
    tu_capture_misuse();
    ctx_group_set_limit(g, 1);
    assert_int_equal(tu_misuse_count(), 1);
    assert_string_equal(tu_last_misuse_function(), "ctx_group_set_limit");
    tu_release_misuse();
    tu_latch_post(&release_tasks);
    assert_int_equal(ctx_group_wait(g), 0);
    tu_latch_destroy(&release_tasks);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_group),
        cmocka_unit_test(test_with_context),
        cmocka_unit_test(test_cancel_cause),
        cmocka_unit_test(test_group_wait_joins_all),
        cmocka_unit_test(test_group_parent_cancel),
        cmocka_unit_test(test_go_limit),
        cmocka_unit_test(test_try_go),
        cmocka_unit_test(test_set_limit_while_running),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
