/* UTF-8 decoding as browsers and Node.js do it (the WHATWG decoder: each maximal invalid
 * subsequence becomes one U+FFFD). SARIF columns and GitHub's line fingerprints count UTF-16
 * code units of text decoded this way, so ours must decode exactly alike. */
#ifndef CL_UTF8_H
#define CL_UTF8_H

#include <stddef.h>
#include <stdint.h>

/* Decodes the code point at s[*i] (*i < len) and advances *i past it; U+FFFD for invalid
 * input, consuming the maximal invalid subpart. */
uint32_t cl_utf8_next(const char *s, size_t len, size_t *i);

/* `s` with every invalid sequence replaced by U+FFFD (malloc'd): JSON strings must be UTF-8,
 * and paths and source text are not always. */
char *cl_utf8_sanitize(const char *s);

#endif
