/* context-in-struct with fctx: the carrier annotation, the cancel function type and the pool
 * spawn all come from the configuration. */
#include <stdlib.h>

#include "fctx.h"

struct session {
    fctx *ctx; // expect: context-in-struct "FCTX_CARRIER"
    int fd;
};

/* Deliberately carries its context: marked with the library's carrier annotation. */
struct FCTX_CARRIER worker {
    fctx *ctx;
    int id;
};

/* Owns the context together with its cancel function: controls its own lifetime. */
struct job {
    fctx *ctx;
    fctx_cancel_fn cancel;
};

/* The argument of a pool task: how a C task receives its context (async-capture judges it). */
struct task {
    fctx *ctx;
    int n;
};

static void run_task(void *arg)
{
    free(arg);
}

void submit(fctx *c, pool *p, int n)
{
    struct task *t = malloc(sizeof *t);
    if (!t)
        return;
    t->ctx = fctx_detach(c);
    t->n = n;
    pool_submit(p, run_task, t);
}
