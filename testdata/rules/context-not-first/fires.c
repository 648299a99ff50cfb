/* context-not-first: declarations and definitions whose first context parameter is not the
 * first parameter. */
#include <ctx/ctx.h>

typedef ctx_t *ctx_ref;

int second(int id, ctx_t *ctx); // expect: context-not-first "^context parameter 'ctx' of 'second' is parameter 2; make the context the first parameter, so that it reads the same at every call site$"
int through_typedef(int id, ctx_ref c);        // expect: context-not-first "'c' of 'through_typedef' is parameter 2"
int read_only(const char *name, const ctx_t *c); // expect: context-not-first "'c' of 'read_only'"
int two_contexts(int id, ctx_t *a, ctx_t *b);  // expect: context-not-first "'a' of 'two_contexts' is parameter 2"
int logf_ctx(const char *fmt, ctx_t *c, ...);  // expect: context-not-first "'c' of 'logf_ctx'"
int unnamed(int, long, ctx_t *);               // expect: context-not-first "'\(unnamed\)' of 'unnamed' is parameter 3"

/* Reported once, at the first declaration. */
int redeclared(int id, ctx_t *c); // expect: context-not-first "'c' of 'redeclared'"
int redeclared(int id, ctx_t *c);
int redeclared(int id, ctx_t *c)
{
    return id + ctx_err(c);
}

static int defined_only(int n, ctx_t *c) // expect: context-not-first "'c' of 'defined_only'"
{
    return n + ctx_err(c);
}

/* A callback type the project chose itself imposes nothing: its functions are reported. */
typedef int (*handler_fn)(int id, ctx_t *c);
void register_handler(handler_fn fn);
int on_request(int id, ctx_t *c); // expect: context-not-first "'c' of 'on_request'"

void setup(void)
{
    register_handler(on_request);
    (void)defined_only(0, ctx_background());
}

/* An old-style definition has a prototype from its parameter list too. */
int old_style(id, c)
    int id;
    ctx_t *c; // expect: context-not-first "'c' of 'old_style'"
{
    return id + ctx_err(c);
}
