/* A program built against an installed libctx: a short timeout must expire. */
#include <ctx/ctx.h>

#include <errno.h>
#include <stdio.h>

int main(void)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(ctx_background(), CTX_MS(1), &cancel);
    int err = ctx_wait(c, CTX_SECONDS(10));
    ctx_cancel(&cancel);
    printf("consumer: %s\n", err == ETIMEDOUT ? "timed out as expected" : "wrong result");
    return err == ETIMEDOUT ? 0 : 1;
}
