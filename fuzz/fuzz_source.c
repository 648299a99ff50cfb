/* Fuzz target: arbitrary source text through libclang's parse, the walk and every rule, as an
 * editor's unsaved buffer. The unit is analysed on a thread with the same large stack ctxlint's
 * workers use, so deep nesting is judged as ctxlint would meet it. */
#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <clang-c/Index.h>

#include "config.h"
#include "walk.h"

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static CXIndex idx;
static cl_config *cfg;

typedef struct job {
    const uint8_t *data;
    size_t size;
} job;

static void *lint(void *arg)
{
    job *j = arg;
    struct CXUnsavedFile f = {"/fuzz/input.c", (const char *)j->data, (unsigned long)j->size};
    const char *args[] = {"-std=c11", "-fblocks", "-I" CTXLINT_FUZZ_RUNTIME_INCLUDE};
    CXTranslationUnit tu = NULL;
    if (clang_parseTranslationUnit2(idx, f.Filename, args, 3, &f, 1, CXTranslationUnit_KeepGoing,
                                    &tu) == CXError_Success &&
        tu) {
        bool errors = false;
        for (unsigned i = 0; i < clang_getNumDiagnostics(tu); i++) {
            CXDiagnostic d = clang_getDiagnostic(tu, i);
            errors |= clang_getDiagnosticSeverity(d) >= CXDiagnostic_Error;
            clang_disposeDiagnostic(d);
        }
        cl_unit_result r = {0};
        cl_walk_unit(tu, cfg, errors, NULL, &r);
        cl_findings_free(&r.findings);
        cl_facts_free(&r.facts);
        clang_disposeTranslationUnit(tu);
    }
    return NULL;
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    /* libclang's crash recovery installs signal handlers that would hide crashes from
     * libFuzzer. */
    clang_toggleCrashRecovery(0);
    idx = clang_createIndex(0, 0);
    cfg = cl_config_default();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    job j = {data, size};
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, 256u * 1024u * 1024u);
    pthread_t t;
    if (pthread_create(&t, &attr, lint, &j) == 0)
        pthread_join(t, NULL);
    pthread_attr_destroy(&attr);
    return 0;
}
