/* Test helper shared by the lexer-based unit tests: reproducible random texts, made of pieces
 * that steer a C lexer (comment and quote marks, splices, directives, NULs), so that the
 * arbitrary-bytes tests reach the interesting states instead of mostly plain noise. */
#ifndef CL_TEST_FUZZ_TEXT_H
#define CL_TEST_FUZZ_TEXT_H

#include <stddef.h>
#include <string.h>

/* xorshift64 from a fixed seed: a failure reproduces on every run. */
static unsigned long long fuzz_state = 88172645463325252ull;

static inline unsigned fuzz_rand(void)
{
    fuzz_state ^= fuzz_state << 13;
    fuzz_state ^= fuzz_state >> 7;
    fuzz_state ^= fuzz_state << 17;
    return (unsigned)(fuzz_state >> 32);
}

/* Fills buf (cap bytes) with random pieces up to about `want` bytes and returns the length.
 * A piece "" stands for one NUL byte. */
static inline size_t fuzz_text(char *buf, size_t cap, size_t want, const char *const *pieces,
                               size_t n_pieces)
{
    size_t len = 0;
    while (len < want) {
        const char *p = pieces[fuzz_rand() % n_pieces];
        size_t pl = *p ? strlen(p) : 1;
        if (len + pl > cap)
            break;
        memcpy(buf + len, p, pl);
        len += pl;
    }
    return len;
}

#endif
