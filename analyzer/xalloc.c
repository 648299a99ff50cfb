/* Allocation that never returns NULL (see xalloc.h). */
#include "xalloc.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void *check(void *p)
{
    if (!p) {
        fputs("ctxlint: error: out of memory\n", stderr);
        exit(2);
    }
    return p;
}

void *cl_xmalloc(size_t n)
{
    return check(malloc(n ? n : 1));
}

void *cl_xcalloc(size_t n, size_t size)
{
    return check(calloc(n ? n : 1, size ? size : 1));
}

void *cl_xrealloc(void *p, size_t n)
{
    return check(realloc(p, n ? n : 1));
}

void *cl_xgrow(void *p, size_t n, size_t *cap, size_t size)
{
    if (n < *cap)
        return p;
    size_t want = *cap ? 2 * *cap : 16;
    if (want < *cap || (size && want > SIZE_MAX / size))
        return check(NULL); /* the size would overflow: as good as out of memory */
    *cap = want;
    return cl_xrealloc(p, want * size);
}

char *cl_xstrdup(const char *s)
{
    return cl_xstrndup(s, strlen(s));
}

char *cl_xstrndup(const char *s, size_t n)
{
    char *p = cl_xmalloc(n + 1);
    memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *cl_xasprintf(const char *fmt, ...)
{
    va_list ap, ap2;
    va_start(ap, fmt);
    va_copy(ap2, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0)
        n = 0;
    char *p = cl_xmalloc((size_t)n + 1);
    vsnprintf(p, (size_t)n + 1, fmt, ap2);
    va_end(ap2);
    return p;
}
