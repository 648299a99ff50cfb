/* context-leak: owned context references that some path out of the function drops. */
#include <ctx/ctx.h>
#include <stdbool.h>
#include <stdio.h>

static const ctx_key_t user_key = CTX_KEY("user");
/* Visible, and it only borrows: passing a context to it is no hand-over. */
static int handle(ctx_t *c)
{
    return ctx_done(c) ? ctx_err(c) : 0;
}

/* An early error return before the release. */
int early_return(ctx_t *parent, void *user)
{
    ctx_t *c = ctx_with_value(parent, &user_key, user);
    if (!c)
        return -1;
    if (handle(c) < 0)
        return -1; // expect: context-leak "reference 'c' from ctx_with_value at line [0-9]+ is not released on the path that returns here; call ctx_release\(c\)"
    ctx_release(c);
    return 0;
}

/* Detached for background work that never happens, then forgotten. */
void detached_and_forgotten(ctx_t *parent)
{
    ctx_t *bg = ctx_without_cancel(parent);
    printf("%d\n", ctx_err(bg));
} // expect: context-leak "'bg' from ctx_without_cancel at line [0-9]+ is not released on the path that reaches the end here"

/* Retained, released on one branch only. */
void retained_one_branch(ctx_t *parent, bool keep)
{
    ctx_t *r = ctx_retain(parent);
    if (keep) {
        ctx_release(r);
    }
} // expect: context-leak "'r' from ctx_retain"

/* Queries only borrow the context: they do not take the reference. */
int only_queried(ctx_t *parent, void *user)
{
    ctx_t *c = ctx_with_value(parent, &user_key, user);
    int err = ctx_err(c);
    void *u = ctx_value(c, &user_key);
    return err || u == NULL; // expect: context-leak "returns here"
}

/* A derivation keeps its parent alive, but the caller still owns its own reference. */
void used_as_parent(ctx_t *parent, void *user)
{
    ctx_t *c = ctx_with_value(parent, &user_key, user);
    ctx_cancel_t cancel;
    ctx_t *child = ctx_with_timeout(c, CTX_MS(10), &cancel);
    handle(child);
    ctx_cancel(&cancel);
} // expect: context-leak "'c' from ctx_with_value"

/* A visible callee that only borrows its argument. */
static int log_err(ctx_t *c)
{
    return printf("%d\n", ctx_err(c));
}

void handed_to_borrower(ctx_t *parent)
{
    ctx_t *bg = ctx_without_cancel(parent);
    log_err(bg);
} // expect: context-leak "'bg' from ctx_without_cancel"

/* The new reference is dropped on the floor. */
void dropped(ctx_t *parent)
{
    (void)ctx_without_cancel(parent);    // expect: context-leak "reference returned by ctx_without_cancel is dropped here"
    printf("%d\n", ctx_err(ctx_retain(parent))); // expect: context-leak "passed straight to ctx_err, which only borrows it"
}

/* retain returns its argument: the new reference is owned through 'parent', and never
 * released. */
void retained_through_argument(ctx_t *parent)
{
    ctx_retain(parent);
    (void)ctx_err(parent);
} // expect: context-leak "'parent' from ctx_retain at line [0-9]+ is not released"

/* Re-made each time round while the previous reference is still owned. */
void loop_remakes(ctx_t *parent, void **users, int n)
{
    ctx_t *c = NULL;
    for (int i = 0; i < n; i++) {
        c = ctx_with_value(parent, &user_key, users[i]); // expect: context-leak "overwritten by the next iteration while still owned"
        handle(c);
    }
    if (c)
        ctx_release(c);
}

/* The classic chain: each new child replaces the variable holding its parent's reference. */
void chained(ctx_t *parent, void *a, void *b)
{
    ctx_t *c = ctx_with_value(parent, &user_key, a);
    c = ctx_with_value(c, &user_key, b); // expect: context-leak "'c' from ctx_with_value at line [0-9]+ is overwritten here while still owned; call ctx_release\(c\) before reusing the variable"
    handle(c);
    ctx_release(c);
}

/* A cleanup attribute whose function does not release. */
static void just_log(ctx_t **c)
{
    (void)c;
    puts("leaving");
}

int cleanup_that_does_not_release(ctx_t *parent)
{
    __attribute__((cleanup(just_log))) ctx_t *bg = ctx_without_cancel(parent);
    return handle(bg); // expect: context-leak "returns here"
}

/* A goto that jumps past the release. */
int goto_past_release(ctx_t *parent)
{
    ctx_t *r = ctx_retain(parent);
    if (handle(r) < 0)
        goto out;
    ctx_release(r);
out:
    return 0; // expect: context-leak "returns here"
}

/* Mentioning it is not releasing it. */
void void_cast(ctx_t *parent)
{
    ctx_t *r = ctx_retain(parent);
    (void)r;
} // expect: context-leak "'r' from ctx_retain"

/* A switch without a default. */
int switch_without_default(ctx_t *parent, int kind)
{
    ctx_t *r = ctx_retain(parent);
    switch (kind) {
    case 0:
        ctx_release(r);
        return 0;
    case 1:
        ctx_release(r);
        return 1;
    }
    return -1; // expect: context-leak "returns here"
}
