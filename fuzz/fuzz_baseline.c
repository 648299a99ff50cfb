/* Fuzz target: arbitrary bytes as a baseline file; a bad one must be an error naming the file,
 * a good one must filter findings without crashing. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "baseline.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/ctxlint-fuzz-baseline-%d.json", (int)getpid());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    cl_baseline *b = NULL;
    char *err = NULL;
    if (cl_baseline_read(path, &b, &err) == 0) {
        cl_findings fs = {0};
        cl_finding *x = cl_findings_push(&fs);
        x->rule = "nil-context";
        x->message = cl_xstrdup("m");
        x->begin.file = cl_xstrdup("/fuzz/a.c");
        x->end.file = cl_xstrdup("/fuzz/a.c");
        x->begin.line = x->end.line = 1;
        cl_sources *sources = cl_sources_new();
        cl_sources_put(sources, "/fuzz/a.c", "int x;\n", 7);
        cl_baseline_filter(b, &fs, sources, "/fuzz");
        cl_sources_free(sources);
        cl_findings_free(&fs);
        cl_baseline_free(b);
    } else if (!err) {
        abort(); /* a failure must say why */
    }
    free(err);
    return 0;
}
