/* lost-cancel: C patterns where some path leaves the function with a live cancel handle. */
#include <ctx/ctx.h>
#include <stdbool.h>
#include <stdio.h>

int step(ctx_t *c);
bool consume_cancel(ctx_cancel_t *c);

/* An early error return before the cancel. */
int early_return(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(parent, CTX_MS(100), &cancel);
    if (!c)
        return -1;
    if (step(c) < 0)
        return -1; // expect: lost-cancel "'cancel' from ctx_with_timeout at line [0-9]+ is not cancelled on the path that returns here; call ctx_cancel\(&cancel\)"
    ctx_cancel(&cancel);
    return 0;
}

/* A return that skips the goto-cleanup label. */
int return_skips_cleanup(ctx_t *parent)
{
    int r = -1;
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    if (step(c) < 0)
        goto out;
    if (step(c) == 0)
        return 0; // expect: lost-cancel "returns here"
    r = 1;
out:
    ctx_cancel(&cancel);
    return r;
}

/* A goto that jumps past the cancel. */
int goto_past_cancel(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    if (step(c) < 0)
        goto done;
    ctx_cancel(&cancel);
done:
    return 0; // expect: lost-cancel "returns here"
}

/* Derived again each time round while the previous handle is still live. */
void loop_recreates(ctx_t *parent, int n)
{
    ctx_cancel_t cancel;
    for (int i = 0; i < n; i++) {
        ctx_t *c = ctx_with_timeout(parent, CTX_MS(10), &cancel); // expect: lost-cancel "overwritten by the next iteration while still live"
        step(c);
    }
    ctx_cancel(&cancel);
}

/* Derived twice into the same variable. */
void derived_twice(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *a = ctx_with_cancel(parent, &cancel);
    step(a);
    ctx_t *b = ctx_with_cancel(parent, &cancel); // expect: lost-cancel "overwritten here while still live; call ctx_cancel\(&cancel\) before deriving into it again"
    step(b);
    ctx_cancel(&cancel);
}

/* Mentioning the handle is not using it. */
void void_cast(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    (void)cancel;
    (void)sizeof cancel;
} // expect: lost-cancel "reaches the end here"

/* A cleanup attribute whose function does not cancel. */
static void log_only(ctx_cancel_t *c)
{
    (void)c;
    puts("leaving");
}

int cleanup_that_does_not_cancel(ctx_t *parent)
{
    __attribute__((cleanup(log_only))) ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    return step(c); // expect: lost-cancel "returns here"
}

/* The cleanup variable lives in an inner scope; the handle is derived into another one. */
void cleanup_on_another_variable(ctx_t *parent)
{
    ctx_cancel_t cancel;
    {
        __attribute__((cleanup(ctx_cancel))) ctx_cancel_t guard;
        ctx_with_cancel(parent, &guard);
        ctx_with_cancel(parent, &cancel);
    }
} // expect: lost-cancel "'cancel' from ctx_with_cancel"

/* Short-circuit: the consuming call on the right of && runs only when `ok` holds. */
int short_circuit(ctx_t *parent, bool ok)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    if (ok && consume_cancel(&cancel))
        return 1; /* consumed on this path */
    return step(c); // expect: lost-cancel "returns here"
}

/* ?: cancels on one side only. */
void conditional_operator(ctx_t *parent, bool fast)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    fast ? ctx_cancel(&cancel) : (void)0;
} // expect: lost-cancel "reaches the end here"

/* The derivation as the condition: the failure path owes nothing, the other one does. */
int derived_in_condition(ctx_t *parent)
{
    ctx_cancel_t cancel;
    if (!ctx_with_cancel(parent, &cancel))
        return -1;
    puts("derived");
    return 0; // expect: lost-cancel "returns here"
}

/* The loop body may never run. */
void cancel_only_in_loop(ctx_t *parent, int n)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    while (n-- > 0) {
        if (step(c) < 0) {
            ctx_cancel(&cancel);
            return;
        }
    }
} // expect: lost-cancel "reaches the end here"

/* A switch without a default lets an unmatched value through. */
int switch_without_default(ctx_t *parent, int kind)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    switch (kind) {
    case 0:
        ctx_cancel(&cancel);
        return 0;
    case 1:
        ctx_cancel(&cancel);
        return 1;
    }
    return -1; // expect: lost-cancel "returns here"
}

/* break out of a do-while(0) block skips the cancel. */
void break_skips_cancel(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    do {
        if (step(c) < 0)
            break;
        ctx_cancel(&cancel);
    } while (0);
} // expect: lost-cancel "reaches the end here"

/* The cancel_cause variant is tracked the same way. */
int cause_variant(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel_cause(parent, &cancel);
    if (ctx_err(c))
        return 1; // expect: lost-cancel "from ctx_with_cancel_cause"
    ctx_cancel_cause(&cancel, 0);
    return 0;
}
