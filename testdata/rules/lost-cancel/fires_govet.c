/* go vet's lostcancel test data (golang.org/x/tools/go/analysis/passes/lostcancel/testdata),
 * translated to C: the cases that must be reported. Go's `defer` is C's cleanup attribute or a
 * goto to a cleanup label; Go's `_` for the cancel function is a NULL out-parameter. */
#include <ctx/ctx.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

extern bool condition;
extern int some_int;
void dispatch(void (^work)(void));

/* var _, cancel = context.WithCancel(bg); if false { _ = cancel } */
void govet_var_form(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    if (0) {
        ctx_cancel(&cancel);
    }
} // expect: lost-cancel "'cancel' from ctx_with_cancel at line [0-9]+ is not cancelled on the path that reaches the end here"

/* _, cancel2 := context.WithDeadline(bg, time.Time{}) */
void govet_deadline(ctx_t *bg)
{
    ctx_cancel_t cancel2;
    struct timespec never = {0, 0};
    ctx_with_deadline(bg, never, &cancel2);
    if (false) {
        ctx_cancel(&cancel2);
    }
} // expect: lost-cancel "'cancel2' from ctx_with_deadline"

/* var cancel3 func(); _, cancel3 = context.WithTimeout(bg, 0) */
void govet_assign_form(ctx_t *bg)
{
    ctx_cancel_t cancel3;
    ctx_t *c = NULL;
    c = ctx_with_timeout(bg, 0, &cancel3);
    (void)c;
    if (false) {
        ctx_cancel(&cancel3);
    }
} // expect: lost-cancel "'cancel3' from ctx_with_timeout"

/* ctx, _ := context.WithCancel(bg) and friends: the capability is thrown away. */
void govet_discarded(ctx_t *bg)
{
    struct timespec never = {0, 0};
    ctx_t *c = ctx_with_cancel(bg, NULL);           // expect: lost-cancel "ctx_with_cancel is given NULL for its cancel handle"
    c = ctx_with_timeout(bg, 0, NULL);              // expect: lost-cancel "ctx_with_timeout is given NULL"
    c = ctx_with_deadline(bg, never, (ctx_cancel_t *)0); // expect: lost-cancel "ctx_with_deadline is given NULL"
    (void)c;
}

/* Cancelled in one branch only, then an explicit return. */
void govet_one_branch(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    if (condition) {
        ctx_cancel(&cancel);
    }
    return; // expect: lost-cancel "not cancelled on the path that returns here"
}

/* The else branch runs a loop that ends, then falls off the end. */
void govet_finite_loop(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    if (condition) {
        ctx_cancel(&cancel);
    } else {
        for (int i = 0; i < 10; i++) {
            printf("0");
        }
    }
} // expect: lost-cancel "reaches the end here"

/* A switch whose case 3 falls out of the switch to the implicit return. */
void govet_switch_falls_out(ctx_t *bg)
{
    ctx_cancel_t cancel;
    ctx_with_cancel(bg, &cancel);
    switch (some_int) {
    case 0:
        abort();
    case 1:
        exit(1);
    case 2:
        ctx_cancel(&cancel);
        break;
    case 3:
        printf("hi"); /* falls through to the implicit return */
        break;
    default:
        exit(1);
    }
} // expect: lost-cancel "'cancel' from ctx_with_cancel"

/* go func() { ctx, cancel := context.WithCancel(bg); if false { _ = cancel } ... }() */
void govet_goroutine(ctx_t *bg)
{
    dispatch(^{
      ctx_cancel_t cancel;
      ctx_t *c = ctx_with_cancel(bg, &cancel);
      if (false) {
          ctx_cancel(&cancel);
      }
      printf("%d", ctx_err(c));
    }); // expect: lost-cancel "reaches the end here"
}
