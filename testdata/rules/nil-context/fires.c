/* nil-context: null constants and always-null variables where a context is expected (C). */
#include <ctx/ctx.h>
#include <stddef.h>

#define NO_CTX NULL
#define NULL_CTX ((ctx_t *)0)
#define FETCH_SEVEN(c) fetch((c), 7)

int fetch(ctx_t *c, int id);
int inspect(const ctx_t *c);
typedef ctx_t *ctx_ref;
int fetch_ref(ctx_ref c);
typedef int (*fetch_fn)(ctx_t *c, int id);
struct client {
    int (*get)(ctx_t *c, int id);
};

void null_constants(void)
{
    fetch(NULL, 1); // expect: nil-context "^NULL passed as the context of 'fetch'; pass ctx_todo\(\) when no context is available yet"
    fetch(0, 2);          // expect: nil-context "^0 passed as the context of 'fetch'"
    fetch((void *)0, 3);  // expect: nil-context "^\(void \*\)0 passed"
    fetch(NO_CTX, 4);     // expect: nil-context "^NO_CTX passed"
    fetch(NULL_CTX, 5);   // expect: nil-context "^NULL_CTX passed"
    fetch((ctx_t *)0, 6); // expect: nil-context
    FETCH_SEVEN(NULL);    // expect: nil-context "^NULL passed"
    inspect(NULL);        // expect: nil-context "context of 'inspect'"
    fetch_ref(NULL);      // expect: nil-context "context of 'fetch_ref'"
}

int runtime_api(void)
{
    return ctx_err(NULL) + ctx_done(0); // expect: nil-context "'ctx_err'" expect: nil-context "'ctx_done'"
}

int through_pointers(fetch_fn fp, struct client *cl)
{
    int a = fp(NULL, 1);      // expect: nil-context "context of 'fp'"
    int b = cl->get(NULL, 2); // expect: nil-context "context of 'get'"
    int (*local)(ctx_t *, int) = fetch;
    return a + b + local(0, 3); // expect: nil-context "context of 'local'"
}

ctx_t *no_context(void)
{
    return NULL; // expect: nil-context "^NULL returned as a context from 'no_context'; return ctx_todo\(\) or a real context"
}

ctx_t *pick(int mode)
{
    if (mode == 0)
        return 0; // expect: nil-context "returned as a context from 'pick'"
    return ctx_background();
}

struct CTX_CARRIER request {
    int legacy;
    ctx_t *ctx;
};

ctx_t *request_context(struct request *r)
{
    if (r->legacy)
        return NULL; // expect: nil-context "returned as a context from 'request_context'"
    return r->ctx;
}

void always_null_variable(void)
{
    ctx_t *c = NULL;
    fetch(c, 1); // expect: nil-context "^'c' is always NULL here \(initialised to NULL and never assigned\) and is passed as the context of 'fetch'"
}

void always_null_in_loop(void)
{
    ctx_t *none = NO_CTX;
    for (int i = 0; i < 3; i++)
        fetch(none, i); // expect: nil-context "'none' is always NULL here \(initialised to NO_CTX"
}

void always_null_copied(int n)
{
    const ctx_t *ro = 0;
    int seen = inspect(ro); // expect: nil-context "'ro'.*context of 'inspect'"
    (void)n;
    (void)seen;
}
