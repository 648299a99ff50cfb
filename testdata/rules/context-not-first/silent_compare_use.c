/* context-not-first: the use that imposes by_priority's shape (see silent_compare.h). */
// expect-no-diagnostics
#include <ctx/ctx.h>
#include <stdlib.h>

#include "silent_compare.h"

void sort_by_priority(ctx_t *ctx, int *items, size_t n)
{
    qsort_r(items, n, sizeof *items, (__compar_d_fn_t)by_priority, ctx);
}
