/* context-in-struct: fields that keep a context past the call it belongs to. */
#include <ctx/ctx.h>
#include <stddef.h>

#include "fires_shared.h"

struct request {
    ctx_t *ctx; // expect: context-in-struct "^field 'ctx' of struct 'request' stores a context, which then outlives the call it belongs to; pass the context as the first parameter of the functions that need it \(or mark the struct CTX_CARRIER if carrying it is deliberate\)$"
    int id;
};

struct views {
    const ctx_t *read_only; // expect: context-in-struct "field 'read_only' of struct 'views'"
    ctx_t *fan_out[4];      // expect: context-in-struct "field 'fan_out'"
    ctx_t **slot;           // expect: context-in-struct "field 'slot'"
};

typedef ctx_t *ctx_ref;
struct via_typedef {
    ctx_ref held; // expect: context-in-struct "field 'held' of struct 'via_typedef'"
};

typedef struct {
    int id;
    ctx_t *ctx; // expect: context-in-struct "field 'ctx' of struct 'anon_session_t'"
} anon_session_t;

union either {
    ctx_t *ctx; // expect: context-in-struct "field 'ctx' of union 'either'"
    long raw;
};

struct outer {
    struct {
        ctx_t *ctx; // expect: context-in-struct "field 'ctx' of an unnamed struct"
    } inner;
};

/* A pointer to someone else's cancel capability does not make the struct own the context. */
struct borrows_cancel {
    ctx_t *ctx; // expect: context-in-struct "field 'ctx' of struct 'borrows_cancel'"
    ctx_cancel_t *cancel;
};

/* Handed to an ordinary function, not to a spawn: no task-argument exception. */
struct job {
    ctx_t *ctx; // expect: context-in-struct "field 'ctx' of struct 'job'"
    int n;
};

int run_job(struct job *j);

int start(struct request *r)
{
    struct job j = {NULL, r->id};
    return run_job(&j);
}
