/* Fuzz target: arbitrary text through the `// expect:` parser and the matcher, against a few
 * synthetic findings. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "verify.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *err = NULL;
    cl_expect_file *ef = cl_expect_parse((const char *)data, size, &err);
    if (ef) {
        cl_finding fs[3] = {0};
        static const char *const rules[] = {"nil-context", "async-capture", "nolint"};
        for (unsigned i = 0; i < 3; i++) {
            fs[i].rule = rules[i];
            fs[i].message = (char *)"a message";
            fs[i].begin.file = (char *)"input.c";
            fs[i].begin.line = i + 1;
            fs[i].begin.col = 1;
        }
        FILE *out = fopen("/dev/null", "w");
        if (out) {
            cl_expect_check(ef, "input.c", fs, 3, out);
            fclose(out);
        }
        cl_expect_free(ef);
    }
    free(err);
    return 0;
}
