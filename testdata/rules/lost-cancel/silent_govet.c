// expect-no-diagnostics
/* go vet's lostcancel test data translated to C: the cases that must stay silent. Go's
 * `defer cancel()` is a cleanup attribute (or a goto to a cleanup label). */
#include <ctx/ctx.h>
#include <setjmp.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

extern bool condition;
extern int some_int;
extern jmp_buf on_error;
_Noreturn void fail_now(const char *why);

/* defer cancel() */
void govet_defer(ctx_t *bg)
{
    __attribute__((cleanup(ctx_cancel))) ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    if (condition)
        return;
    printf("work");
}

static void cancel_on_exit(ctx_cancel_t *c)
{
    ctx_cancel(c);
}

/* defer through a helper that cancels its argument */
int govet_defer_helper(ctx_t *bg)
{
    __attribute__((cleanup(cancel_on_exit))) ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(bg, CTX_MS(50), &cancel);
    if (!c)
        return -1;
    return ctx_wait(c, -1);
}

/* Cancelled in one branch; the other loops forever. */
void govet_infinite_loop(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    if (condition) {
        ctx_cancel(&cancel);
    } else {
        for (;;) {
            printf("0");
        }
    }
}

/* Every case of the switch cancels or does not return. */
void govet_switch_all_paths(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    switch (some_int) {
    case 0:
        fail_now("t.FailNow");
    case 1:
        exit(1); /* log.Fatal */
    case 2:
        ctx_cancel(&cancel);
        break;
    case 3:
        printf("hi");
        /* fallthrough */
    default:
        longjmp(on_error, 1);
    }
}

/* Named results: a naked return loads them. In C: out-parameters. */
ctx_t *govet_named_results(ctx_t *bg, ctx_cancel_t *cancel_out)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(bg, &cancel);
    *cancel_out = cancel;
    return c;
}

/* Named results, by value: the handle is the function's result. */
ctx_cancel_t govet_returned(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    return cancel;
}

/* Go issue 31856: the handle is made inside a closure and cancelled outside it. */
void govet_made_in_closure(ctx_t *bg)
{
    __block ctx_cancel_t cancel;
    void (^make)(void) = ^{
      ctx_with_cancel(bg, &cancel);
    };
    make();
    ctx_cancel(&cancel);
}

/* The main function: returning from main ends the process. */
int main(void)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_SECONDS(1), &cancel);
    return ctx_wait(c, -1) != 0;
}
