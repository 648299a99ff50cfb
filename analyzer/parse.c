/* Parsing one job with libclang (see parse.h): the argv goes to
 * clang_parseTranslationUnit2FullArgv as is (argv[0] picks the driver mode), headers get their
 * synthetic unit as an unsaved buffer, diagnostics caused by GCC-only flags are ignored, and a
 * missing set of clang builtin headers is reported with the package that provides them.
 * Called from several threads at once, each with its own CXIndex: the only shared state is the
 * resource-directory decision, made once under pthread_once. */
#include "parse.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

#define CL_STR2(x) #x
#define CL_STR(x) CL_STR2(x)

static const char builtin_error[] =
    "ctxlint: error: clang's builtin headers (stddef.h) are missing: install the Debian package "
    "libclang-common-" CL_STR(CTXLINT_LLVM_MAJOR) "-dev";

const char *cl_builtin_headers_error(void)
{
    return builtin_error;
}

/* Headers that only clang's resource directory provides (glibc has none of them): "'X' file
 * not found" for one of these means the builtin headers are missing, not a user error. */
static bool is_builtin_missing(const char *msg)
{
    static const char *const builtins[] = {"stddef.h",      "stdarg.h",   "stdbool.h",
                                           "float.h",       "iso646.h",   "stdalign.h",
                                           "stdnoreturn.h", "stdatomic.h"};
    for (size_t i = 0; i < sizeof builtins / sizeof builtins[0]; i++) {
        char *want = cl_xasprintf("'%s' file not found", builtins[i]);
        bool hit = strcmp(msg, want) == 0;
        free(want);
        if (hit)
            return true;
    }
    return false;
}

static bool has_builtin_missing(CXTranslationUnit tu)
{
    bool missing = false;
    for (unsigned i = 0, n = clang_getNumDiagnostics(tu); i < n && !missing; i++) {
        CXDiagnostic d = clang_getDiagnostic(tu, i);
        CXString s = clang_getDiagnosticSpelling(d);
        missing = is_builtin_missing(clang_getCString(s));
        clang_disposeString(s);
        clang_disposeDiagnostic(d);
    }
    return missing;
}

static const char *resource_dir;

/* Whether libclang finds its builtin headers with no help, by parsing a unit that includes
 * them (a few milliseconds, once per process). */
static bool default_lookup_works(void)
{
    static const char probe_name[] = "/__ctxlint_builtin_probe.c";
    static const char probe_text[] =
        "#include <stddef.h>\n#include <stdarg.h>\n#include <stdbool.h>\n";
    struct CXUnsavedFile uf = {probe_name, probe_text, sizeof probe_text - 1};
    const char *const argv[] = {"cc", "-std=c11", probe_name};
    CXIndex idx = clang_createIndex(0, 0);
    CXTranslationUnit tu = NULL;
    enum CXErrorCode ec = clang_parseTranslationUnit2FullArgv(idx, NULL, argv, 3, &uf, 1,
                                                              CXTranslationUnit_KeepGoing, &tu);
    bool works = ec == CXError_Success && tu && !has_builtin_missing(tu);
    if (tu)
        clang_disposeTranslationUnit(tu);
    clang_disposeIndex(idx);
    return works;
}

static void resource_dir_init(void)
{
    /* Only a compiled-in directory that really holds the headers can help; and it is passed
     * only when libclang's own lookup fails, so a relocated but working libclang keeps its
     * own (never mix one LLVM's builtin headers with another's libclang). */
    const char *dir = CTXLINT_RESOURCE_DIR;
    if (!*dir)
        return;
    char *stddef = cl_xasprintf("%s/include/stddef.h", dir);
    struct stat st;
    bool present = stat(stddef, &st) == 0;
    free(stddef);
    if (present && !default_lookup_works())
        resource_dir = dir;
}

const char *cl_resource_dir(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, resource_dir_init);
    return resource_dir;
}

static const char *error_code_name(enum CXErrorCode ec)
{
    switch (ec) {
    case CXError_Success:
        return "no translation unit";
    case CXError_Failure:
        return "CXError_Failure: libclang failed";
    case CXError_Crashed:
        return "CXError_Crashed: libclang crashed";
    case CXError_InvalidArguments:
        return "CXError_InvalidArguments: invalid arguments";
    case CXError_ASTReadError:
        return "CXError_ASTReadError: bad command line (two input files?)";
    }
    return "unknown libclang error";
}

/* Diagnostics that do not make the unit unusable: GCC-only flags clang's driver rejects (the
 * unit is still produced), unknown warning options, and warnings turned into errors by the
 * project's -Werror (the code itself is valid; they carry their -W option). */
static bool is_ignorable(CXDiagnostic d)
{
    CXString s = clang_getDiagnosticSpelling(d);
    CXString o = clang_getDiagnosticOption(d, NULL);
    const char *msg = clang_getCString(s);
    const char *opt = clang_getCString(o);
    bool ignore = strncmp(msg, "unknown argument", 16) == 0 ||
                  strncmp(msg, "unsupported option", 18) == 0 ||
                  strcmp(opt, "-Wunknown-warning-option") == 0 || strncmp(opt, "-W", 2) == 0;
    clang_disposeString(s);
    clang_disposeString(o);
    return ignore;
}

/* "path:line:col: error: message", from the expansion location (clang_getFileLocation: the
 * spelling location changed meaning in LLVM 19). Driver errors have no location: the job's
 * file stands in. */
static char *format_error(CXDiagnostic d, const cl_job *job)
{
    CXSourceLocation loc = clang_getDiagnosticLocation(d);
    CXFile file = NULL;
    unsigned line = 0, col = 0;
    clang_getFileLocation(loc, &file, &line, &col, NULL);
    CXString s = clang_getDiagnosticSpelling(d);
    char *res;
    if (file) {
        CXString name = clang_getFileName(file);
        res = cl_xasprintf("%s:%u:%u: error: %s", clang_getCString(name), line, col,
                           clang_getCString(s));
        clang_disposeString(name);
    } else {
        res = cl_xasprintf("%s: error: %s", job->file, clang_getCString(s));
    }
    clang_disposeString(s);
    return res;
}

static void collect_errors(const cl_job *job, cl_parse_result *out)
{
    bool builtin_missing = false;
    for (unsigned i = 0, n = clang_getNumDiagnostics(out->tu); i < n && !builtin_missing; i++) {
        CXDiagnostic d = clang_getDiagnostic(out->tu, i);
        enum CXDiagnosticSeverity sev = clang_getDiagnosticSeverity(d);
        if (sev >= CXDiagnostic_Error && !is_ignorable(d)) {
            CXString s = clang_getDiagnosticSpelling(d);
            builtin_missing = is_builtin_missing(clang_getCString(s));
            clang_disposeString(s);
            out->has_errors = true;
            if (builtin_missing) {
                /* Says what to install rather than blaming the user's #include. */
                free(out->first_error);
                out->first_error = cl_xstrdup(builtin_error);
            } else if (!out->first_error) {
                out->first_error = format_error(d, job);
            }
        }
        clang_disposeDiagnostic(d);
    }
}

/* `#include "<header>"` with the characters a string literal cannot hold escaped. */
static char *unit_contents(const char *header)
{
    size_t n = strlen(header);
    char *esc = cl_xmalloc(2 * n + 1), *p = esc;
    for (const char *s = header; *s; s++) {
        if (*s == '"' || *s == '\\')
            *p++ = '\\';
        *p++ = *s;
    }
    *p = '\0';
    char *res = cl_xasprintf("#include \"%s\"\n", esc);
    free(esc);
    return res;
}

static bool has_arg(const cl_job *job, const char *arg)
{
    for (int i = 0; i < job->argc; i++)
        if (strcmp(job->argv[i], arg) == 0)
            return true;
    return false;
}

/* The caller's buffers plus, for a header, its synthetic unit (the caller's stay visible: an
 * edited header is read from them). *files is `unsaved` itself when nothing was added. */
static void job_unsaved(const cl_job *job, struct CXUnsavedFile *unsaved, unsigned n_unsaved,
                        struct CXUnsavedFile **files, unsigned *n_files, char **contents)
{
    *files = unsaved;
    *n_files = n_unsaved;
    *contents = NULL;
    if (!job->is_header)
        return;
    *contents = unit_contents(job->file);
    *files = cl_xcalloc((size_t)n_unsaved + 1, sizeof **files);
    for (unsigned i = 0; i < n_unsaved; i++)
        (*files)[i] = unsaved[i];
    (*files)[n_unsaved].Filename = job->unit_file;
    (*files)[n_unsaved].Contents = *contents;
    (*files)[n_unsaved].Length = (unsigned long)strlen(*contents);
    *n_files = n_unsaved + 1;
}

int cl_parse_job(CXIndex idx, const cl_job *job, struct CXUnsavedFile *unsaved, unsigned n_unsaved,
                 cl_parse_result *out)
{
    /* KeepGoing: a missing include does not stop the parse, and later errors get reported. No
     * detailed preprocessing record and no skipped bodies: the rules need the bodies. */
    return cl_parse_job_ex(idx, job, unsaved, n_unsaved, CXTranslationUnit_KeepGoing, out);
}

int cl_parse_job_ex(CXIndex idx, const cl_job *job, struct CXUnsavedFile *unsaved,
                    unsigned n_unsaved, unsigned options, cl_parse_result *out)
{
    out->tu = NULL;
    out->has_errors = false;
    out->first_error = NULL;

    const char *rdir = cl_resource_dir();
    bool add_rdir = rdir && job->argc > 0 && !has_arg(job, "-resource-dir");
    int argc = 0;
    const char **argv = cl_xcalloc((size_t)job->argc + 3, sizeof *argv);
    for (int i = 0; i < job->argc; i++) {
        argv[argc++] = job->argv[i];
        if (i == 0 && add_rdir) {
            argv[argc++] = "-resource-dir";
            argv[argc++] = rdir;
        }
    }

    struct CXUnsavedFile *files;
    unsigned n_files;
    char *contents;
    job_unsaved(job, unsaved, n_unsaved, &files, &n_files, &contents);
    enum CXErrorCode ec = clang_parseTranslationUnit2FullArgv(idx, NULL, argv, argc, files, n_files,
                                                              options, &out->tu);
    /* libclang copies unsaved contents into its own buffers, so they can go now. */
    free(argv);
    if (files != unsaved)
        free(files);
    free(contents);

    if (ec != CXError_Success || !out->tu) {
        if (out->tu)
            clang_disposeTranslationUnit(out->tu);
        out->tu = NULL;
        out->has_errors = true;
        out->first_error =
            cl_xasprintf("ctxlint: error: %s: libclang produced no translation unit (%s)",
                         job->file, error_code_name(ec));
        return 2;
    }
    collect_errors(job, out);
    return 0;
}

int cl_reparse_job(const cl_job *job, struct CXUnsavedFile *unsaved, unsigned n_unsaved,
                   cl_parse_result *out)
{
    out->has_errors = false;
    free(out->first_error);
    out->first_error = NULL;
    struct CXUnsavedFile *files;
    unsigned n_files;
    char *contents;
    job_unsaved(job, unsaved, n_unsaved, &files, &n_files, &contents);
    int ec =
        clang_reparseTranslationUnit(out->tu, n_files, files, clang_defaultReparseOptions(out->tu));
    if (files != unsaved)
        free(files);
    free(contents);
    if (ec != 0) {
        /* After a failed reparse the unit is unusable: only disposing it is allowed. */
        clang_disposeTranslationUnit(out->tu);
        out->tu = NULL;
        out->has_errors = true;
        out->first_error =
            cl_xasprintf("ctxlint: error: %s: reparse failed (error %d)", job->file, ec);
        return 2;
    }
    collect_errors(job, out);
    return 0;
}

void cl_parse_result_free(cl_parse_result *r)
{
    if (r->tu)
        clang_disposeTranslationUnit(r->tu);
    r->tu = NULL;
    free(r->first_error);
    r->first_error = NULL;
    r->has_errors = false;
}
