/* Fuzz target: arbitrary text through the comment lexer and NOLINT parser, then lookups on
 * every line and the problem report. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "suppress.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cl_suppressions *s = cl_suppress_parse((const char *)data, size);
    for (unsigned line = 0; line < 64; line++)
        (void)cl_suppress_match(s, line % 2 ? "nil-context" : "async-capture", line);
    cl_suppress_problem *probs = NULL;
    size_t n = cl_suppress_problems(s, true, &probs);
    for (size_t i = 0; i < n; i++)
        free(probs[i].message);
    free(probs);
    cl_suppress_free(s);
    return 0;
}
