// expect-no-diagnostics
/* lost-cancel: C patterns that consume the handle on every path. */
#include <assert.h>
#include <ctx/ctx.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

struct worker {
    ctx_cancel_t cancel;
    int id;
};

extern ctx_cancel_t global_cancel;
extern ctx_cancel_t cancels[8];
void keep_cancel(ctx_cancel_t *c);
void run_later(void (^work)(void));
int step(ctx_t *c);

/* A failed derivation leaves the handle spent: the early return owes nothing. */
int null_check(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    if (!c)
        return -1;
    int r = step(c);
    ctx_cancel(&cancel);
    return r;
}

int null_check_in_condition(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c;
    if ((c = ctx_with_timeout(parent, CTX_MS(5), &cancel)) == NULL)
        return -1;
    int r = step(c);
    ctx_cancel(&cancel);
    return r;
}

/* goto cleanup: every error path jumps to the one cancel. */
int goto_cleanup(ctx_t *parent)
{
    int r = -1;
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(parent, CTX_SECONDS(2), &cancel);
    if (!c)
        return -1;
    if (step(c) < 0)
        goto out;
    if (step(c) < 0)
        goto out;
    r = 0;
out:
    ctx_cancel(&cancel);
    return r;
}

/* Stored into a struct field, an array element, a global. */
void stored_in_field(ctx_t *parent, struct worker *w)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    w->cancel = cancel;
}

void stored_in_array(ctx_t *parent, int i)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    cancels[i] = cancel;
}

void stored_in_global(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    global_cancel = cancel;
}

/* Derived straight into storage that outlives the function: not this function's to cancel. */
void derived_into_field(ctx_t *parent, struct worker *w)
{
    ctx_with_cancel(parent, &w->cancel);
}

/* Passed to a function, by address. */
void passed_on(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    keep_cancel(&cancel);
}

/* Captured by a block. */
void captured(ctx_t *parent)
{
    __block ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    run_later(^{
      ctx_cancel(&cancel);
    });
}

/* Cancelled each time round, before the next derivation. */
void loop_cancels_each_time(ctx_t *parent, int n)
{
    ctx_cancel_t cancel;
    for (int i = 0; i < n; i++) {
        ctx_t *c = ctx_with_timeout(parent, CTX_MS(10), &cancel);
        step(c);
        ctx_cancel(&cancel);
    }
}

/* A cleanup variable declared inside the loop is cancelled at the end of each iteration. */
void loop_cleanup_each_time(ctx_t *parent, int n)
{
    for (int i = 0; i < n; i++) {
        __attribute__((cleanup(ctx_cancel))) ctx_cancel_t cancel;
        ctx_t *c = ctx_with_timeout(parent, CTX_MS(10), &cancel);
        if (step(c) < 0)
            break;
    }
}

/* Error paths that do not return. */
void noreturn_paths(ctx_t *parent, int mode)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    assert(c != NULL);
    if (mode < 0)
        abort();
    if (mode > 100)
        exit(2);
    step(c);
    ctx_cancel_cause(&cancel, 0);
}

/* Both sides of a short-circuit cancel. */
int short_circuit_both(ctx_t *parent, bool a, bool b)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    if (a && b) {
        ctx_cancel(&cancel);
        return 1;
    }
    ctx_cancel(&cancel);
    return step(c);
}

/* The one-shot macro pattern. */
#define CANCEL_AND_BREAK(c)                                                                        \
    do {                                                                                           \
        ctx_cancel(c);                                                                             \
    } while (0)

void macro_cancel(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    CANCEL_AND_BREAK(&cancel);
}

/* Every case consumes, and the default too. */
int switch_every_case(ctx_t *parent, int kind)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(parent, &cancel);
    switch (kind) {
    case 0:
    case 1:
        ctx_cancel(&cancel);
        return 0;
    default:
        keep_cancel(&cancel);
        return 1;
    }
}

/* The creating statement itself passes the handle on. */
void made_and_kept(ctx_t *parent, void (*use)(ctx_t *, ctx_cancel_t *))
{
    ctx_cancel_t cancel;
    use(ctx_with_cancel(parent, &cancel), &cancel);
}

/* A while loop that cancels before it breaks, and after it. */
void while_break(ctx_t *parent)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(parent, &cancel);
    while (step(c) > 0) {
        if (ctx_err(c)) {
            ctx_cancel(&cancel);
            return;
        }
    }
    ctx_cancel(&cancel);
}
