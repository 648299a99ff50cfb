/* context-not-first: a comparator declared here, defined in silent_compare_def.c, and handed
 * to qsort_r only in silent_compare_use.c: the imposed signature is seen across files. */
// expect-no-diagnostics
#ifndef SILENT_COMPARE_H
#define SILENT_COMPARE_H
#include <ctx/ctx.h>

int by_priority(const void *a, const void *b, ctx_t *ctx);

#endif
