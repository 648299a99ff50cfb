/* The compact binary form of findings and facts (see serial.c), for the result cache and the
 * shard state files. */
#ifndef CL_SERIAL_H
#define CL_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "facts.h"
#include "finding.h"

/* A growing output buffer. */
typedef struct cl_wbuf {
    char *p;
    size_t n, cap;
} cl_wbuf;

/* An input buffer; `bad` is set by the first malformed read, after which reads return zeroes. */
typedef struct cl_rbuf {
    const unsigned char *p;
    size_t n, at;
    bool bad;
} cl_rbuf;

void cl_put(cl_wbuf *b, const void *data, size_t n);
void cl_put_u32(cl_wbuf *b, uint32_t v);
void cl_put_u64(cl_wbuf *b, uint64_t v);
void cl_put_str(cl_wbuf *b, const char *s); /* NULL allowed */
void cl_put_findings(cl_wbuf *b, const cl_findings *fs);
void cl_put_facts(cl_wbuf *b, const cl_facts *fs);

uint32_t cl_get_u32(cl_rbuf *b);
uint64_t cl_get_u64(cl_rbuf *b);
char *cl_get_str(cl_rbuf *b);    /* a new string, or NULL for a stored NULL */
char *cl_get_str_nn(cl_rbuf *b); /* a string that must be present */
/* A count no larger than the remaining bytes could hold (each item takes at least 4). */
uint32_t cl_get_count(cl_rbuf *b);
/* Appends what was stored; on a malformed input `bad` is set and what was read is kept (each
 * finding freeable). */
void cl_get_findings(cl_rbuf *b, cl_findings *out);
void cl_get_facts(cl_rbuf *b, cl_facts *out);

#endif
