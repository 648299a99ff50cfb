/* context-not-first: the definition of a comparator whose shape qsort_r imposes in another
 * unit (silent_compare_use.c). */
// expect-no-diagnostics
#include <ctx/ctx.h>

#include "silent_compare.h"

int by_priority(const void *a, const void *b, ctx_t *ctx)
{
    (void)ctx_err(ctx);
    return (a > b) - (a < b);
}
