/* Port of golang.org/x/sync/errgroup's tests (TestZeroGroup, TestWithContext, TestCancelCause)
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

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_zero_group),          cmocka_unit_test(test_with_context),
        cmocka_unit_test(test_cancel_cause),        cmocka_unit_test(test_group_wait_joins_all),
        cmocka_unit_test(test_group_parent_cancel),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
