/* A codebase that renamed the ctx runtime's names with typedefs and macros. ctxlint needs no
 * configuration for it: names are matched after typedef and macro resolution, so my_ctx is
 * ctx_t and my_with_cancel(...) is a call of ctx_with_cancel. */
// expect-no-diagnostics
#ifndef MY_CTX_H
#define MY_CTX_H

#include <ctx/ctx.h>

typedef ctx_t my_ctx;
typedef my_ctx *my_ctx_ref;
typedef ctx_cancel_t my_cancel;
typedef ctx_key_t my_key;

#define my_background ctx_background
#define my_todo ctx_todo
#define my_with_cancel ctx_with_cancel
#define my_with_timeout(parent, ns, cancel) ctx_with_timeout((parent), (ns), (cancel))
#define my_cancel_now ctx_cancel
#define my_with_value ctx_with_value
#define my_value ctx_value
#define my_release ctx_release
#define my_detach ctx_without_cancel
#define my_err ctx_err
#define MY_NO_CONTEXT NULL
#define MY_CARRIER CTX_CARRIER

#endif
