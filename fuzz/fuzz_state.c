/* Fuzz target: arbitrary bytes as a shard state file, which exercises the binary reader the
 * result cache shares (serial.c). A bad file must be refused with a reason, never crash or
 * read past its end; a good one must yield freeable findings and facts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include <xxhash.h>

#include "shard.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static char path[64];
    if (!path[0])
        snprintf(path, sizeof path, "/tmp/ctxlint-fuzz-state-%d", (int)getpid());
    /* Half the inputs get a valid header and checksum, so the reader goes past them. */
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    if (size && data[0] & 1) {
        static const char head[] = "CTXLSHRD\x01\x00\x00\x00";
        const char *v = CTXLINT_VERSION;
        uint32_t n = 0;
        while (v[n])
            n++;
        unsigned char len[4] = {(unsigned char)n, (unsigned char)(n >> 8), 0, 0};
        XXH3_state_t *st = XXH3_createState();
        XXH3_64bits_reset(st);
        fwrite(head, 1, 12, f);
        XXH3_64bits_update(st, head, 12);
        fwrite(len, 1, 4, f);
        XXH3_64bits_update(st, len, 4);
        fwrite(v, 1, n, f);
        XXH3_64bits_update(st, v, n);
        fwrite(data + 1, 1, size - 1, f);
        XXH3_64bits_update(st, data + 1, size - 1);
        uint64_t sum = XXH3_64bits_digest(st);
        XXH3_freeState(st);
        unsigned char s[8];
        for (int i = 0; i < 8; i++)
            s[i] = (unsigned char)(sum >> (8 * i));
        fwrite(s, 1, 8, f);
    } else {
        fwrite(data, 1, size, f);
    }
    fclose(f);
    cl_findings fs = {0};
    cl_facts facts = {0};
    char *err = NULL;
    if (cl_shard_state_read(path, &fs, &facts, &err) != 0 && !err)
        abort(); /* a refusal must say why */
    free(err);
    cl_findings_free(&fs);
    cl_facts_free(&facts);
    return 0;
}
