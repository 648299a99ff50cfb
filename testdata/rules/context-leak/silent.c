// expect-no-diagnostics
/* context-leak: references released, returned, stored or handed on along every path. */
#include <ctx/ctx.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>

static const ctx_key_t user_key = CTX_KEY("user");
/* Visible, and it only borrows: the cases below are silent for what they do themselves. */
static int handle(ctx_t *c)
{
    return ctx_err(c);
}
void enqueue(ctx_t *c); /* invisible: it may keep the reference */
void run_later(void (^work)(void));

struct CTX_CARRIER holder {
    ctx_t *ctx;
};

/* Released on every path, including the error path. */
int released(ctx_t *parent, void *user)
{
    ctx_t *c = ctx_with_value(parent, &user_key, user);
    if (!c)
        return -1;
    int r = handle(c);
    ctx_release(c);
    return r;
}

/* Returned to the caller, who owns it now. */
ctx_t *returned(ctx_t *parent, void *user)
{
    ctx_t *c = ctx_with_value(parent, &user_key, user);
    if (c && handle(c) < 0) {
        ctx_release(c);
        return NULL;
    }
    return c;
}

/* Stored in a struct the caller owns. */
void stored(ctx_t *parent, struct holder *h)
{
    ctx_t *r = ctx_retain(parent);
    h->ctx = r;
}

/* Written through an out-parameter. */
void out_param(ctx_t *parent, ctx_t **out)
{
    ctx_t *bg = ctx_without_cancel(parent);
    *out = bg;
}

/* Handed to a thread, which releases it. */
static void *worker(void *arg)
{
    ctx_t *c = arg;
    handle(c);
    ctx_release(c);
    return NULL;
}

int spawned(ctx_t *parent)
{
    pthread_t t;
    ctx_t *bg = ctx_without_cancel(parent);
    if (pthread_create(&t, NULL, worker, bg) != 0) {
        ctx_release(bg);
        return -1;
    }
    return pthread_join(t, NULL);
}

/* A visible callee that releases what it is given. */
static void finish(ctx_t *c)
{
    handle(c);
    ctx_release(c);
}

void handed_to_releaser(ctx_t *parent)
{
    ctx_t *r = ctx_retain(parent);
    finish(r);
}

/* A visible callee that keeps what it is given. */
static void keep(ctx_t *c, struct holder *h)
{
    h->ctx = c;
}

void handed_to_keeper(ctx_t *parent, struct holder *h)
{
    ctx_t *r = ctx_retain(parent);
    keep(r, h);
}

/* An invisible callee might keep it: unsure, silent. */
void handed_to_unknown(ctx_t *parent)
{
    enqueue(ctx_without_cancel(parent));
    ctx_t *r = ctx_retain(parent);
    enqueue(r);
}

/* A cleanup attribute that releases on every way out. */
static void release_ref(ctx_t **c)
{
    if (*c)
        ctx_release(*c);
}

int cleanup_releases(ctx_t *parent, bool fast)
{
    __attribute__((cleanup(release_ref))) ctx_t *bg = ctx_without_cancel(parent);
    if (fast)
        return 0;
    return handle(bg);
}

/* goto cleanup. */
int goto_cleanup(ctx_t *parent, void *user)
{
    int rc = -1;
    ctx_t *c = ctx_with_value(parent, &user_key, user);
    if (!c)
        return -1;
    if (handle(c) < 0)
        goto out;
    rc = handle(c);
out:
    ctx_release(c);
    return rc;
}

/* Captured by a block that releases it later. */
void captured(ctx_t *parent)
{
    ctx_t *r = ctx_retain(parent);
    run_later(^{
      handle(r);
      ctx_release(r);
    });
}

/* A path that does not return owes nothing. */
void noreturn_path(ctx_t *parent)
{
    ctx_t *r = ctx_retain(parent);
    if (handle(r) < 0)
        abort();
    ctx_release(r);
}

/* Released each time round. */
void loop_releases(ctx_t *parent, void **users, int n)
{
    for (int i = 0; i < n; i++) {
        ctx_t *c = ctx_with_value(parent, &user_key, users[i]);
        handle(c);
        ctx_release(c);
    }
}

/* Released under a null test: the other branch holds nothing. */
void released_if_non_null(ctx_t *parent)
{
    ctx_t *r = ctx_retain(parent);
    handle(r);
    if (r)
        ctx_release(r);
}

/* The chain done right: the old reference is released after the child takes its own. */
void chained_right(ctx_t *parent, void *a, void *b)
{
    ctx_t *c = ctx_with_value(parent, &user_key, a);
    ctx_t *next = ctx_with_value(c, &user_key, b);
    ctx_release(c);
    handle(next);
    ctx_release(next);
}

/* retain returns its argument: the reference is owned, and released, through it (the runtime's
 * own tests use this idiom). */
void retain_then_release(ctx_t *c)
{
    ctx_retain(c);
    handle(c);
    ctx_release(c);
}

/* Retained through something the rule cannot follow (an array element): unsure, so silent. */
void retain_elements(ctx_t **all, int n)
{
    for (int i = 0; i < n; i++)
        ctx_retain(all[i]);
}

/* The main function: the process ends. */
int main(void)
{
    ctx_t *root = ctx_retain(ctx_background());
    return handle(root);
}
