/* nil-context: null pointers that are not contexts, and contexts that are not null (C). */
// expect-no-diagnostics
#include <ctx/ctx.h>
#include <stdio.h>
#include <stdlib.h>

int fetch(ctx_t *c, int id);
ctx_t *make_child(ctx_t *parent);
int lookup(ctx_t **out);
void *buffer(void *p, size_t n);
int legacy();

int real_contexts(ctx_t *ctx)
{
    return fetch(ctx, 1) + fetch(ctx_todo(), 2);
}

int null_but_not_a_context(void)
{
    printf("%p\n", (void *)NULL); /* variadic: no context parameter */
    free(NULL);
    (void)buffer(NULL, 0);
    return lookup(NULL); /* a pointer to a context (an optional out-parameter), not a context */
}

int unprototyped(void)
{
    return legacy(NULL); /* no prototype: nothing says the parameter is a context */
}

int assigned_later(ctx_t *parent)
{
    ctx_t *c = NULL;
    c = make_child(parent);
    return fetch(c, 1);
}

int assigned_after_the_use_in_a_loop(ctx_t *parent)
{
    ctx_t *c = NULL;
    int sum = 0;
    for (int i = 0; i < 3; i++) {
        if (i > 0)
            sum += fetch(c, i); /* c is parent from the second iteration on */
        c = parent;
    }
    return sum;
}

int address_taken(void)
{
    ctx_t *c = NULL;
    lookup(&c);
    return fetch(c, 1);
}

int tested_before_use(void)
{
    ctx_t *c = NULL;
    if (c)
        return fetch(c, 1);
    return 0;
}

int initialised_with_a_context(ctx_t *parent)
{
    ctx_t *c = parent;
    return fetch(c, 1);
}

void *not_a_context_result(void)
{
    return NULL;
}

/* NULL because the context it is made from is missing: C's failure convention. */
ctx_t *child_or_null(ctx_t *parent)
{
    if (parent == NULL)
        return NULL;
    ctx_t *c = make_child(parent);
    if (!c)
        return NULL;
    return c;
}

/* Failure paths of a function that makes a context: what it needed is missing or could not be
 * made, and its callers check for NULL. */
struct node {
    int refs;
};
int reserve_timer(void);
struct node *node_alloc(void);

ctx_t *make_timer_ctx(ctx_t *parent, int *handle)
{
    if (!handle)
        return NULL;
    if (reserve_timer() < 0)
        return NULL;
    struct node *n = node_alloc();
    if (n == NULL || !reserve_timer())
        return NULL;
    *handle = n->refs;
    return make_child(parent);
}

/* The library's own definitions decide what their NULL results mean. */
ctx_t *ctx_without_cancel(ctx_t *parent)
{
    (void)parent;
    return NULL;
}

int compared(ctx_t *ctx)
{
    return ctx == NULL ? 0 : fetch(ctx, 1);
}
