/* lost-cancel with fctx: the cancel capability comes back as a field of a returned struct
 * (cancelled as s.cancel(s.context)) and as a returned function pointer. */
#include "fctx.h"

int fetch(fctx *c);

int never_cancelled(fctx *c)
{
    fctx_scope s = fctx_with_cancel(c); // expect@+1: lost-cancel
    return fetch(s.context);
}

int cancelled(fctx *c)
{
    fctx_scope s = fctx_with_deadline_ms(c, 250);
    int rc = fetch(s.context);
    s.cancel(s.context);
    return rc;
}

int cancelled_on_one_path(fctx *c, int fast)
{
    fctx_scope s = fctx_with_cancel(c); // expect@+2: lost-cancel
    if (fast)
        return 0;
    int rc = fetch(s.context);
    s.cancel(s.context);
    return rc;
}

fctx_scope handed_back(fctx *c)
{
    return fctx_with_cancel(c);
}

int timer_never_stopped(fctx *c)
{
    fctx *child;
    fctx_cancel_fn stop = fctx_with_timer(c, 100, &child); // expect@+2: lost-cancel
    (void)stop;
    return fetch(child);
}

int timer_stopped(fctx *c)
{
    fctx *child;
    fctx_cancel_fn stop = fctx_with_timer(c, 100, &child);
    int rc = fetch(child);
    stop(child);
    return rc;
}
