/* fctx: a small request-context library invented for ctxlint's tests, in a style unlike the
 * ctx runtime's, described to ctxlint only by the .ctxlint.yaml beside this file:
 * - the context type is `fctx` (a struct tag and a typedef of it);
 * - a derivation returns a struct holding the child and a cancel function pointer, cancelled
 *   as `s.cancel(s.context)`; another returns its cancel function and writes the child through
 *   an out-parameter;
 * - references are counted with fctx_ref / fctx_unref;
 * - values are keyed by strings (a literal key is the intended use);
 * - work is handed to a thread pool, fire and forget, with pool_submit(pool, fn, arg).
 * Declarations only: the tests lint, they never link. */
// expect-no-diagnostics
#ifndef FCTX_H
#define FCTX_H

#include <stdbool.h>

typedef struct fctx fctx;

/* Cancels the context it is called with (and its children). */
typedef void (*fctx_cancel_fn)(fctx *c);

/* A cancelable child: cancel it with scope.cancel(scope.context) when the work is done. */
typedef struct fctx_scope {
    fctx *context;
    fctx_cancel_fn cancel;
} fctx_scope;

/* Marks a struct that deliberately carries a context. */
#if defined(__clang__)
#define FCTX_CARRIER __attribute__((annotate("fctx_carrier")))
#else
#define FCTX_CARRIER
#endif

fctx *fctx_background(void);
fctx *fctx_todo(void);

fctx_scope fctx_with_cancel(fctx *parent);
fctx_scope fctx_with_deadline_ms(fctx *parent, long ms);
/* Returns the cancel function; the child comes back through *child. */
fctx_cancel_fn fctx_with_timer(fctx *parent, long ms, fctx **child);
/* A child that is not cancelled with its parent; the caller owns a reference to it. */
fctx *fctx_detach(fctx *parent);

fctx *fctx_ref(fctx *c);
void fctx_unref(fctx *c);

/* A child carrying `value` under the name `key`; the caller owns a reference to it. */
fctx *fctx_put(fctx *parent, const char *key, void *value);
void *fctx_get(fctx *c, const char *key);

bool fctx_expired(fctx *c);
int fctx_error(fctx *c);

typedef struct pool pool;
/* Runs fn(arg) on a pool thread some time later; nothing waits for it. */
void pool_submit(pool *p, void (*fn)(void *), void *arg);

#endif
