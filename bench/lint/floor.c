/* The floor of the lint benchmark: what any libclang-based tool pays. It takes the same jobs as
 * ctxlint (compile database, rewritten argv, resource directory), parses every unit in ONE
 * process with one index and the same parse options as analyzer/parse.c, walks every cursor
 * doing nothing but count, and disposes the unit. No rules, no output, no threads.
 *
 * usage: lint_floor -p BUILD_DIR [FILE...]      prints "units N cursors N errors N" */
#include <clang-c/Index.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "compdb.h"
#include "parse.h"
#include "xalloc.h"

static enum CXChildVisitResult count(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)c;
    (void)parent;
    (*(unsigned long long *)data)++;
    return CXChildVisit_Recurse;
}

int main(int argc, char **argv)
{
    cl_options opt;
    if (cl_options_parse(argc, argv, &opt) != 0)
        return 2;
    opt.quiet = true;
    cl_jobs jobs = {0};
    char *err = NULL;
    if (cl_jobs_build(&opt, &jobs, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }
    const char *rdir = cl_resource_dir();
    CXIndex idx = clang_createIndex(0, 0);
    unsigned long long cursors = 0;
    size_t units = 0, failed = 0;
    for (size_t i = 0; i < jobs.n; i++) {
        const cl_job *job = &jobs.v[i];
        const char **args = cl_xcalloc((size_t)job->argc + 3, sizeof *args);
        int n = 0;
        for (int a = 0; a < job->argc; a++) {
            args[n++] = job->argv[a];
            if (a == 0 && rdir) {
                args[n++] = "-resource-dir";
                args[n++] = rdir;
            }
        }
        char *text = job->is_header ? cl_xasprintf("#include \"%s\"\n", job->file) : NULL;
        struct CXUnsavedFile uf = {job->unit_file, text, text ? (unsigned long)strlen(text) : 0};
        CXTranslationUnit tu = NULL;
        enum CXErrorCode ec = clang_parseTranslationUnit2FullArgv(
            idx, NULL, args, n, text ? &uf : NULL, text ? 1 : 0, CXTranslationUnit_KeepGoing, &tu);
        if (ec == CXError_Success && tu) {
            clang_visitChildren(clang_getTranslationUnitCursor(tu), count, &cursors);
            units++;
        } else {
            failed++;
        }
        if (tu)
            clang_disposeTranslationUnit(tu);
        free(text);
        free(args);
    }
    clang_disposeIndex(idx);
    printf("units %zu cursors %llu failed %zu\n", units, cursors, failed);
    cl_jobs_free(&jobs);
    cl_options_free(&opt);
    return failed ? 1 : 0;
}
