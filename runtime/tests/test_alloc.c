/* The allocator seam: out-of-memory paths fail cleanly (NULL, spent handles, no leak, no
 * half-linked child), and the allocation counts Go's TestAllocs bounds hold here too. */
#define _POSIX_C_SOURCE 200809L
#include "testutil.h"

#include "internal.h"

#include <errno.h>

static int counting(void **state)
{
    (void)state;
    tu_use_counting_allocator();
    return 0;
}

static int restore(void **state)
{
    (void)state;
    tu_fail_allocation_after(-1);
    tu_use_default_allocator();
    return 0;
}

/* Port of TestAllocs: allocations per operation, counted through the seam. */
static void test_allocs(void **state)
{
    (void)state;
    static const ctx_key_t k1 = CTX_KEY("k1");
    long before = tu_alloc_count();
    ctx_t *c = ctx_with_value(ctx_background(), &k1, NULL);
    assert_null(ctx_value(c, &k1));
    ctx_release(c);
    assert_int_equal(tu_alloc_count() - before, 1);

    ctx_cancel_t cancel;
    before = tu_alloc_count();
    c = ctx_with_cancel(ctx_background(), &cancel);
    ctx_cancel(&cancel);
    assert_int_equal(tu_alloc_count() - before, 1);

    /* WithTimeout(bg, 1ns) then <-Done: one node; the heap array is already there or grows once */
    /* On the fake clock, so the firing (and the reference it holds) is over when we look. */
    tu_use_fake_clock();
    before = tu_alloc_count();
    c = ctx_with_timeout(ctx_background(), 1, &cancel);
    tu_advance(1);
    assert_int_equal(ctx_wait(c, 0), ETIMEDOUT);
    ctx_cancel(&cancel);
    tu_use_real_clock();
    assert_true(tu_alloc_count() - before <= 2);

    before = tu_alloc_count();
    c = ctx_with_timeout(ctx_background(), CTX_MS(5), &cancel);
    ctx_cancel(&cancel);
    assert_int_equal(tu_alloc_count() - before, 1);
    assert_true(tu_live_allocations() <= 1); /* at most the timer heap's array remains */
}

static void test_out_of_memory_constructors(void **state)
{
    (void)state;
    static const ctx_key_t k = CTX_KEY("k");
    ctx_cancel_t pc;
    ctx_t *parent = ctx_with_cancel(ctx_background(), &pc);
    long live = tu_live_allocations();

    tu_fail_allocation_after(0);
    ctx_cancel_t cancel;
    assert_null(ctx_with_cancel(parent, &cancel));
    ctx_cancel(&cancel); /* spent handle: a no-op */
    assert_null(ctx_with_cancel_cause(parent, &cancel));
    assert_null(ctx_with_value(parent, &k, NULL));
    assert_null(ctx_without_cancel(parent));
    /* Every derivation fails here, so the handle is never filled: nothing to cancel first. */
    assert_null(ctx_with_timeout(parent, CTX_SECONDS(60), &cancel)); // NOLINT(lost-cancel)
    ctx_cancel(&cancel);
    ctx_t *g;
    assert_null(ctx_group_new(parent, &g));
    /* Nothing was linked under the parent and nothing leaked. */
    assert_int_equal(ctx__child_count(parent), 0);
    assert_int_equal(tu_live_allocations(), live);

    /* ctx_group_new's second allocation (the group context) fails: the group is freed. */
    tu_fail_allocation_after(1);
    assert_null(ctx_group_new(parent, &g));
    assert_int_equal(tu_live_allocations(), live);
    tu_fail_allocation_after(-1);
    ctx_cancel(&pc);
}

static void must_not_run(void *arg)
{
    (void)arg;
    fail_msg("an after-func that could not be registered must never run");
}

static void test_out_of_memory_after_func(void **state)
{
    (void)state;
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
    tu_fail_allocation_after(0);
    ctx_after_t h = ctx_after_func(c, must_not_run, NULL);
    tu_fail_allocation_after(-1);
    assert_int_equal(ctx__child_count(c), 0);
    assert_false(ctx_after_stop(&h)); /* fn never runs, the handle is empty */
    ctx_cancel(&cancel);
}

static int never_called(ctx_t *c, void *arg)
{
    (void)c;
    (void)arg;
    fail_msg("task must not run when it could not be allocated");
    return 0;
}

static void test_out_of_memory_group_go(void **state)
{
    (void)state;
    ctx_t *gctx;
    ctx_group_t *g = ctx_group_new(ctx_background(), &gctx);
    tu_fail_allocation_after(0);
    ctx_group_go(g, never_called, NULL);
    tu_fail_allocation_after(-1);
    assert_int_equal(ctx_err(gctx), ECANCELED);
    assert_int_equal(ctx_cause(gctx), ENOMEM);
    assert_int_equal(ctx_group_wait(g), ENOMEM);
}

static void test_out_of_memory_timer_heap(void **state)
{
    (void)state;
    /* Fill the heap to its current capacity, then make its growth fail. */
    enum { MAX = 4096 };
    static ctx_cancel_t cancels[MAX];
    int n = 0;
    size_t start = ctx__timer_pending();
    ctx_cancel_t extra;
    for (; n < MAX; n++) {
        /* Each timer needs one node allocation; growth needs one more. Allow just the node. */
        tu_fail_allocation_after(1);
        ctx_t *c = ctx_with_timeout(ctx_background(), CTX_SECONDS(60), &cancels[n]);
        if (!c)
            break;
    }
    tu_fail_allocation_after(-1);
    assert_true(n > 0 && n < MAX); /* growth failed at some power of two */
    assert_int_equal(ctx__timer_pending(), start + (size_t)n);
    /* The failed constructor left nothing behind; with memory back, it works again. */
    assert_non_null(ctx_with_timeout(ctx_background(), CTX_SECONDS(60), &extra));
    ctx_cancel(&extra);
    for (int i = 0; i < n; i++)
        ctx_cancel(&cancels[i]);
    assert_int_equal(ctx__timer_pending(), start);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_allocs, counting, restore),
        cmocka_unit_test_setup_teardown(test_out_of_memory_constructors, counting, restore),
        cmocka_unit_test_setup_teardown(test_out_of_memory_after_func, counting, restore),
        cmocka_unit_test_setup_teardown(test_out_of_memory_group_go, counting, restore),
        cmocka_unit_test_setup_teardown(test_out_of_memory_timer_heap, counting, restore),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
