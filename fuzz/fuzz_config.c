/* Fuzz target: arbitrary text as .ctxlint.yaml. Whatever loads must dump to YAML that loads
 * back and dumps to the same text (the --dump-config round trip); whatever fails must say
 * where. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    cl_config *c = cl_config_default();
    char *err = NULL;
    if (cl_config_load_yaml(c, "in.yaml", (const char *)data, size, &err) == 0) {
        char *first = cl_config_to_yaml(c);
        cl_config *again = cl_config_default();
        char *err2 = NULL;
        if (!first || cl_config_load_yaml(again, "dump.yaml", first, strlen(first), &err2) != 0)
            abort();
        char *second = cl_config_to_yaml(again);
        if (!second || strcmp(first, second) != 0)
            abort();
        free(first);
        free(second);
        cl_config_free(again);
    } else if (!err || strncmp(err, "in.yaml", 7) != 0) {
        abort();
    }
    free(err);
    cl_config_free(c);
    return 0;
}
