/* Fuzz target: arbitrary bytes as compile_commands.json, through validation, loading and the
 * argument rewriting of every entry. A bad database must end in an error message, never a
 * crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "compdb.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* A private folder for the database, made once per process. */
static const char *work_dir(void)
{
    static char dir[64];
    if (!dir[0]) {
        snprintf(dir, sizeof dir, "/tmp/ctxlint-fuzz-compdb-%d", (int)getpid());
        if (mkdir(dir, 0700) != 0 && access(dir, F_OK) != 0)
            abort();
    }
    return dir;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[128];
    snprintf(path, sizeof path, "%s/compile_commands.json", work_dir());
    FILE *f = fopen(path, "wb");
    if (!f)
        return 0;
    fwrite(data, 1, size, f);
    fclose(f);
    cl_options opt;
    memset(&opt, 0, sizeof opt);
    opt.build_dir = (char *)work_dir();
    opt.quiet = true;
    cl_jobs jobs = {0};
    char *err = NULL;
    if (cl_jobs_build(&opt, &jobs, &err) == 0)
        cl_jobs_free(&jobs);
    free(err);
    return 0;
}
