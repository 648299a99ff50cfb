/* Allocation that never returns NULL: the analyzer cannot do anything useful without memory,
 * so running out ends the run with a message (exit 2) instead of a crash further on. */
#ifndef CL_XALLOC_H
#define CL_XALLOC_H

#include <stddef.h>

void *cl_xmalloc(size_t n);
void *cl_xcalloc(size_t n, size_t size);
void *cl_xrealloc(void *p, size_t n);
/* Room for one more element in a growing array that holds n elements of `size` bytes in *cap:
 * returns the array, reallocated with *cap doubled (16 at first) when it is full. */
void *cl_xgrow(void *p, size_t n, size_t *cap, size_t size);
char *cl_xstrdup(const char *s);
char *cl_xstrndup(const char *s, size_t n);
/* A formatted string in a new allocation. */
char *cl_xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
