/* Choosing what to lint and with which flags (see compdb.h): finds compile_commands.json the way
 * clangd does, validates it (libclang's loader fails silently on bad JSON), turns each file into
 * a job whose argv libclang can parse from any thread without a chdir, and falls back to `--`
 * flags or to defaults that find the runtime's header for files no database lists. */
#include "compdb.h"

#include <clang-c/CXCompilationDatabase.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* ---- paths ---------------------------------------------------------------------------- */

/* Lexically normalises a path: collapses `//`, `.` and `..` so that two spellings of one entry
 * compare equal even when the file does not exist (realpath needs it to). */
static char *path_normalize(const char *p)
{
    char *out = cl_xmalloc(strlen(p) + 2);
    bool absolute = p[0] == '/';
    size_t o = 0;
    if (absolute)
        out[o++] = '/';
    size_t root = o; /* never popped */
    size_t keep = o; /* a relative path's leading `..` cannot be popped either */
    const char *s = p;
    for (;;) {
        while (*s == '/')
            s++;
        const char *e = s;
        while (*e && *e != '/')
            e++;
        size_t n = (size_t)(e - s);
        if (n == 0)
            break;
        bool dotdot = n == 2 && s[0] == '.' && s[1] == '.';
        if (n == 1 && s[0] == '.') {
            /* `a/./b` is `a/b` */
        } else if (dotdot && o > keep) {
            while (o > root && out[o - 1] != '/')
                o--;
            if (o > root)
                o--;
        } else if (!(dotdot && absolute)) { /* `/..` is `/` */
            if (o > root)
                out[o++] = '/';
            memcpy(out + o, s, n);
            o += n;
            if (dotdot)
                keep = o;
        }
        s = e;
    }
    if (o == 0)
        out[o++] = '.';
    out[o] = '\0';
    return out;
}

/* `name` inside folder `dir` (no doubled slash at the root). */
static char *path_child(const char *dir, const char *name)
{
    return cl_xasprintf("%s/%s", strcmp(dir, "/") == 0 ? "" : dir, name);
}

/* `p` made absolute against `dir` (when relative) and normalised. */
static char *path_join(const char *dir, const char *p)
{
    if (p[0] == '/' || !dir || !*dir)
        return path_normalize(p);
    char *joined = cl_xasprintf("%s/%s", dir, p);
    char *norm = path_normalize(joined);
    free(joined);
    return norm;
}

/* The folder part of an absolute path ("/" for a file at the root). */
static char *path_dirname(const char *p)
{
    const char *slash = strrchr(p, '/');
    if (!slash)
        return cl_xstrdup(".");
    if (slash == p)
        return cl_xstrdup("/");
    return cl_xstrndup(p, (size_t)(slash - p));
}

static const char *path_basename(const char *p)
{
    const char *slash = strrchr(p, '/');
    return slash ? slash + 1 : p;
}

static const char *path_ext(const char *p)
{
    const char *base = path_basename(p);
    const char *dot = strrchr(base, '.');
    return dot && dot != base ? dot : "";
}

static bool is_regular_file(const char *p)
{
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The canonical path when the file exists, else the normalised absolute path. */
static char *path_canonical(const char *abs)
{
    char *real = realpath(abs, NULL);
    if (real) {
        /* realpath's buffer comes from malloc, not cl_xmalloc; copy so every string in a job
         * has the same owner discipline (free) either way. */
        char *copy = cl_xstrdup(real);
        free(real);
        return copy;
    }
    return path_normalize(abs);
}

static char *current_dir(void)
{
    char buf[PATH_MAX];
    if (!getcwd(buf, sizeof buf))
        return cl_xstrdup(".");
    return cl_xstrdup(buf);
}

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static bool in_list(const char *arg, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(arg, list[i]) == 0)
            return true;
    return false;
}

bool cl_is_header_path(const char *path)
{
    static const char *const exts[] = {".h", ".hh", ".hpp", ".hxx", ".inc"};
    return in_list(path_ext(path), exts, COUNT(exts));
}

/* C++ by extension (sources and headers); `.mm` is Objective-C++. */
static bool is_cxx_path(const char *path)
{
    static const char *const exts[] = {".cc", ".cpp", ".cxx", ".C",  ".c++",
                                       ".mm", ".hh",  ".hpp", ".hxx"};
    return in_list(path_ext(path), exts, COUNT(exts));
}

char *cl_compdb_find(const char *start_dir)
{
    char *dir = realpath(start_dir, NULL);
    if (!dir) {
        char *cwd = current_dir();
        dir = path_join(cwd, start_dir);
        free(cwd);
    }
    for (;;) {
        /* The folder itself first, then its build/, as clangd does. */
        char *build = path_child(dir, "build");
        const char *cands[] = {dir, build};
        for (size_t i = 0; i < 2; i++) {
            char *json = path_child(cands[i], "compile_commands.json");
            bool found = is_regular_file(json);
            free(json);
            if (found) {
                char *res = cl_xstrdup(cands[i]);
                free(build);
                free(dir);
                return res;
            }
        }
        free(build);
        if (strcmp(dir, "/") == 0 || dir[0] != '/')
            break;
        char *parent = path_dirname(dir);
        free(dir);
        dir = parent;
    }
    free(dir);
    return NULL;
}

/* ---- argument rewriting ----------------------------------------------------------------- */

/* Flags whose value is a path resolved against the working directory. Longer names first so
 * that a joined `-isystemfoo` is not read as `-i` + `systemfoo`. */
static const char *const path_flags[] = {"-include-pch", "-isystem", "-isysroot", "-iquote",
                                         "-idirafter",   "-include", "-imacros",  "-I"};

/* Flags taking a separate value that is not a path we rewrite: the value must not be taken for
 * the input file. */
static const char *const value_flags[] = {
    "-D",      "-U",    "-x", "-Xclang", "-Xpreprocessor", "-Xassembler",     "-Xlinker",
    "-target", "-arch", "-L", "-F",      "-iprefix",       "-iwithprefix",    "-iwithprefixbefore",
    "-z",      "-T",    "-u", "-e",      "-aux-info",      "-main-file-name", "--param"};

/* Output and dependency-file flags: meaningless for parsing, and some would write files. */
static const char *const drop_flags[] = {"-c", "-MD", "-MMD", "-MP", "-M", "-MM", "-MG"};
static const char *const drop_value_flags[] = {"-o", "-MF", "-MT", "-MQ", "-MJ"};

/* GCC-only flags that clang's driver rejects ("unknown argument"/"unsupported option"),
 * checked with `clang-14/19 -fsyntax-only`. Flags clang merely warns about (-Wlogical-op,
 * optimisation flags it ignores) are kept: the warnings are filtered when parsing. */
static const char *const gcc_only_flags[] = {"-fanalyzer",
                                             "-fno-var-tracking-assignments",
                                             "-fvar-tracking-assignments",
                                             "-fvar-tracking",
                                             "-fno-var-tracking",
                                             "-mno-direct-extern-access",
                                             "-fconserve-stack",
                                             "-fno-allow-store-data-races",
                                             "-fallow-store-data-races",
                                             "-fno-tree-loop-distribute-patterns",
                                             "-fno-ipa-sra",
                                             "-fno-ipa-cp-clone",
                                             "-fno-ipa-icf",
                                             "-fipa-pta",
                                             "-mindirect-branch-register",
                                             "-mrecord-mcount",
                                             "-fno-partial-inlining",
                                             "-fsched-pressure",
                                             "-fno-canonical-system-headers",
                                             "-fno-toplevel-reorder",
                                             "-fira-loop-pressure",
                                             "-fno-reorder-functions",
                                             "-fno-shrink-wrap",
                                             "-fno-keep-inline-dllexport"};
/* Same, by prefix (flags with a GCC-specific value or family). */
static const char *const gcc_only_prefixes[] = {
    "-fanalyzer-",          "-fno-analyzer-",           "-fmin-function-alignment=",
    "-mindirect-branch=",   "-mfunction-return=",       "-mpreferred-stack-boundary=",
    "-fcallgraph-info",     "-ftrack-macro-expansion=", "-fzero-call-used-regs=" /* 14 only */,
    "-fstrict-flex-arrays=" /* 14 only */};

static bool has_prefix_in(const char *arg, const char *const *list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (strncmp(arg, list[i], strlen(list[i])) == 0)
            return true;
    return false;
}

static bool is_gcc_only(const char *arg)
{
    return in_list(arg, gcc_only_flags, COUNT(gcc_only_flags)) ||
           has_prefix_in(arg, gcc_only_prefixes, COUNT(gcc_only_prefixes));
}

/* A path value made absolute, unless it is sysroot-relative (`=dir`, `$SYSROOT/dir`) or not a
 * path (`-I-`). */
static char *abs_value(const char *directory, const char *v)
{
    if (v[0] == '/' || v[0] == '=' || v[0] == '$' || v[0] == '-' || v[0] == '\0')
        return cl_xstrdup(v);
    return path_join(directory, v);
}

/* `-o`, `-MF`…: joined forms are `-ofile`, `-MFfile`; `-objc…` options are not `-o`. */
static bool is_joined_drop_value(const char *arg)
{
    for (size_t i = 0; i < COUNT(drop_value_flags); i++) {
        size_t n = strlen(drop_value_flags[i]);
        if (strncmp(arg, drop_value_flags[i], n) == 0 && arg[n] != '\0') {
            if (i == 0 && (strncmp(arg, "-objc", 5) == 0 || strncmp(arg, "-object", 7) == 0))
                return false;
            return true;
        }
    }
    return false;
}

/* Kernel-style dependency flags passed through to the preprocessor. */
static bool is_wp_dependency(const char *arg)
{
    return strncmp(arg, "-Wp,-MD,", 8) == 0 || strncmp(arg, "-Wp,-MMD,", 9) == 0;
}

typedef struct strvec {
    char **v;
    int n, cap;
} strvec;

static void sv_push(strvec *s, char *owned)
{
    if (s->n + 1 >= s->cap) {
        s->cap = s->cap ? s->cap * 2 : 16;
        s->v = cl_xrealloc(s->v, (size_t)s->cap * sizeof *s->v);
    }
    s->v[s->n++] = owned;
    s->v[s->n] = NULL;
}

/* True when the input `arg` (relative to `directory`) names `abs_file`. */
static bool same_file(const char *directory, const char *arg, const char *abs_file,
                      const char *real_file)
{
    char *a = path_join(directory, arg);
    bool same = strcmp(a, abs_file) == 0;
    if (!same && real_file) {
        char *r = realpath(a, NULL);
        same = r && strcmp(r, real_file) == 0;
        free(r);
    }
    free(a);
    return same;
}

char **cl_args_rewrite(const char *const *argv, int argc, const char *directory, const char *file,
                       int *argc_out)
{
    strvec out = {0};
    char *abs_file = path_join(directory, file);
    char *real_file = realpath(abs_file, NULL);
    bool inputs_only = false; /* after `--` everything is an input */
    if (argc > 0)
        sv_push(&out, cl_xstrdup(argv[0]));
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        const char *next = i + 1 < argc ? argv[i + 1] : NULL;
        if (inputs_only || a[0] != '-' || strcmp(a, "-") == 0) {
            if (!same_file(directory, a, abs_file, real_file))
                sv_push(&out, cl_xstrdup(a));
            continue;
        }
        if (strcmp(a, "--") == 0) {
            inputs_only = true;
            continue;
        }
        if (in_list(a, drop_flags, COUNT(drop_flags)) || is_gcc_only(a) || is_wp_dependency(a) ||
            is_joined_drop_value(a))
            continue;
        if (in_list(a, drop_value_flags, COUNT(drop_value_flags))) {
            i += next ? 1 : 0;
            continue;
        }
        if (strcmp(a, "--sysroot") == 0 && next) {
            sv_push(&out, cl_xstrdup(a));
            sv_push(&out, abs_value(directory, next));
            i++;
            continue;
        }
        if (strncmp(a, "--sysroot=", 10) == 0) {
            char *v = abs_value(directory, a + 10);
            sv_push(&out, cl_xasprintf("--sysroot=%s", v));
            free(v);
            continue;
        }
        bool done = false;
        for (size_t k = 0; k < COUNT(path_flags) && !done; k++) {
            size_t n = strlen(path_flags[k]);
            if (strncmp(a, path_flags[k], n) != 0)
                continue;
            done = true;
            if (a[n] == '\0') {
                sv_push(&out, cl_xstrdup(a));
                if (next) {
                    sv_push(&out, abs_value(directory, next));
                    i++;
                }
            } else {
                char *v = abs_value(directory, a + n);
                sv_push(&out, cl_xasprintf("%s%s", path_flags[k], v));
                free(v);
            }
        }
        if (done)
            continue;
        sv_push(&out, cl_xstrdup(a));
        if (next && in_list(a, value_flags, COUNT(value_flags))) {
            sv_push(&out, cl_xstrdup(next));
            i++;
        }
    }
    sv_push(&out, abs_file);
    free(real_file);
    *argc_out = out.n;
    return out.v;
}

void cl_args_free(char **argv, int argc)
{
    if (!argv)
        return;
    for (int i = 0; i < argc; i++)
        free(argv[i]);
    free(argv);
}

/* ---- databases ------------------------------------------------------------------------ */

typedef struct db {
    char *dir;  /* the folder holding compile_commands.json */
    char *json; /* its compile_commands.json */
    CXCompilationDatabase cx;
    CXCompileCommands all;
    unsigned n;
    char **dirs;  /* entry i: absolute working directory */
    char **files; /* entry i: canonical path of its file */
} db;

typedef struct run {
    const cl_options *opt;
    char *cwd;
    db **dbs;
    size_t n_dbs;
    cl_jobs *out;
    size_t cap;
    strvec notes; /* printed once the run's jobs are all built (none if it fails) */
} run;

/* libclang says nothing useful about bad JSON (it prints to stderr and returns NULL), so the
 * file is checked here first, with positions. */
static int validate_json(const char *path, char **err)
{
    json_error_t je;
    json_t *root = json_load_file(path, 0, &je);
    if (!root) {
        *err = cl_xasprintf("%s:%d:%d: error: invalid compile_commands.json: %s", path, je.line,
                            je.column, je.text);
        return 2;
    }
    int rc = 0;
    if (!json_is_array(root)) {
        *err = cl_xasprintf(
            "%s: error: invalid compile_commands.json: the top level is not an array", path);
        rc = 2;
    }
    for (size_t i = 0; rc == 0 && i < json_array_size(root); i++) {
        json_t *e = json_array_get(root, i);
        const char *problem = NULL;
        json_t *args = json_is_object(e) ? json_object_get(e, "arguments") : NULL;
        json_t *command = json_is_object(e) ? json_object_get(e, "command") : NULL;
        if (!json_is_object(e))
            problem = "is not an object";
        else if (!json_is_string(json_object_get(e, "file")))
            problem = "has no \"file\" string";
        else if (!json_is_string(json_object_get(e, "directory")))
            problem = "has no \"directory\" string";
        else if (!args && !command)
            problem = "has neither \"arguments\" nor \"command\"";
        else if (args && (!json_is_array(args) || json_array_size(args) == 0))
            problem = "has an \"arguments\" that is not a non-empty array";
        else if (!args && !json_is_string(command))
            problem = "has a \"command\" that is not a string";
        for (size_t k = 0; !problem && args && k < json_array_size(args); k++)
            if (!json_is_string(json_array_get(args, k)))
                problem = "has a non-string in \"arguments\"";
        if (problem) {
            *err = cl_xasprintf(
                "%s: error: invalid compile_commands.json: entry %zu (counting from 0) %s", path, i,
                problem);
            rc = 2;
        }
    }
    json_decref(root);
    return rc;
}

static void db_free(db *d)
{
    if (!d)
        return;
    for (unsigned i = 0; i < d->n; i++) {
        free(d->dirs[i]);
        free(d->files[i]);
    }
    free(d->dirs);
    free(d->files);
    if (d->all)
        clang_CompileCommands_dispose(d->all);
    if (d->cx)
        clang_CompilationDatabase_dispose(d->cx);
    free(d->dir);
    free(d->json);
    free(d);
}

static char *cxstring_take(CXString s)
{
    const char *c = clang_getCString(s);
    char *r = cl_xstrdup(c ? c : "");
    clang_disposeString(s);
    return r;
}

/* Loads (once per run) the database in folder `dir`. */
static int db_get(run *r, const char *dir, db **out, char **err)
{
    for (size_t i = 0; i < r->n_dbs; i++)
        if (strcmp(r->dbs[i]->dir, dir) == 0) {
            *out = r->dbs[i];
            return 0;
        }
    char *json = cl_xasprintf("%s/compile_commands.json", dir);
    struct stat st;
    const char *why = NULL;
    if (stat(json, &st) != 0)
        why = strerror(errno);
    else if (!S_ISREG(st.st_mode))
        why = "not a regular file";
    if (why) {
        *err = cl_xasprintf("ctxlint: error: %s: %s", json, why);
        free(json);
        return 2;
    }
    if (validate_json(json, err) != 0) {
        free(json);
        return 2;
    }
    db *d = cl_xcalloc(1, sizeof *d);
    d->dir = cl_xstrdup(dir);
    d->json = json;
    CXCompilationDatabase_Error e = CXCompilationDatabase_NoError;
    d->cx = clang_CompilationDatabase_fromDirectory(dir, &e);
    if (!d->cx || e != CXCompilationDatabase_NoError) {
        *err = cl_xasprintf("ctxlint: error: %s: libclang could not load this compilation database",
                            json);
        db_free(d);
        return 2;
    }
    d->all = clang_CompilationDatabase_getAllCompileCommands(d->cx);
    d->n = d->all ? clang_CompileCommands_getSize(d->all) : 0;
    d->dirs = cl_xcalloc(d->n, sizeof *d->dirs);
    d->files = cl_xcalloc(d->n, sizeof *d->files);
    for (unsigned i = 0; i < d->n; i++) {
        CXCompileCommand c = clang_CompileCommands_getCommand(d->all, i);
        char *cdir = cxstring_take(clang_CompileCommand_getDirectory(c));
        char *cfile = cxstring_take(clang_CompileCommand_getFilename(c));
        /* A relative "directory" is taken against the database's folder. */
        d->dirs[i] = path_join(dir, cdir);
        char *abs = path_join(d->dirs[i], cfile);
        d->files[i] = path_canonical(abs);
        free(abs);
        free(cdir);
        free(cfile);
    }
    r->dbs = cl_xrealloc(r->dbs, (r->n_dbs + 1) * sizeof *r->dbs);
    r->dbs[r->n_dbs++] = d;
    *out = d;
    return 0;
}

/* The arguments of one libclang command, as a plain argv (strings malloc'd). */
static char **command_argv(CXCompileCommand c, int *argc)
{
    unsigned n = clang_CompileCommand_getNumArgs(c);
    char **v = cl_xcalloc(n + 1, sizeof *v);
    for (unsigned i = 0; i < n; i++)
        v[i] = cxstring_take(clang_CompileCommand_getArg(c, i));
    *argc = (int)n;
    return v;
}

/* ---- jobs --------------------------------------------------------------------------------- */

static bool job_exists(const run *r, const char *file)
{
    for (size_t i = 0; i < r->out->n; i++)
        if (strcmp(r->out->v[i].file, file) == 0)
            return true;
    return false;
}

/* `-x c-header` and the like, which the interpolation adds for headers: the synthetic unit is
 * a source file. Also says whether the command is C++. */
static char **drop_header_lang(char **argv, int *argc, bool *cxx)
{
    int o = 0;
    for (int i = 0; i < *argc; i++) {
        const char *lang = NULL;
        if (strcmp(argv[i], "-x") == 0 && i + 1 < *argc)
            lang = argv[i + 1];
        else if (strncmp(argv[i], "-x", 2) == 0 && argv[i][2])
            lang = argv[i] + 2;
        if (lang && strstr(lang, "++"))
            *cxx = true;
        if (i == 0 && strstr(path_basename(argv[0]), "++"))
            *cxx = true;
        if (strncmp(argv[i], "-std=c++", 8) == 0 || strncmp(argv[i], "-std=gnu++", 10) == 0)
            *cxx = true;
        if (lang && strlen(lang) > 7 && strcmp(lang + strlen(lang) - 7, "-header") == 0) {
            bool separate = strcmp(argv[i], "-x") == 0;
            free(argv[i]);
            if (separate)
                free(argv[++i]);
            continue;
        }
        argv[o++] = argv[i];
    }
    argv[o] = NULL;
    *argc = o;
    return argv;
}

/* Adds the job for `file` (canonical) from an unrewritten command; takes `argv`. */
static void add_job(run *r, const char *file, const char *directory, char **argv, int argc,
                    const char *origin)
{
    cl_job j = {0};
    j.file = cl_xstrdup(file);
    j.directory = cl_xstrdup(directory);
    j.origin = cl_xstrdup(origin);
    j.is_header = cl_is_header_path(file);
    bool cxx = is_cxx_path(file);
    if (j.is_header)
        argv = drop_header_lang(argv, &argc, &cxx);
    j.argv = cl_args_rewrite((const char *const *)argv, argc, directory, file, &j.argc);
    cl_args_free(argv, argc);
    if (j.is_header) {
        char *folder = path_dirname(file);
        j.unit_file =
            cl_xasprintf("%s/__ctxlint_unit_%s.%s", folder, path_basename(file), cxx ? "cpp" : "c");
        free(folder);
        free(j.argv[j.argc - 1]);
        j.argv[j.argc - 1] = cl_xstrdup(j.unit_file);
    } else {
        j.unit_file = cl_xstrdup(file);
    }
    if (r->out->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 16;
        r->out->v = cl_xrealloc(r->out->v, r->cap * sizeof *r->out->v);
    }
    r->out->v[r->out->n++] = j;
}

/* The `--` command or the defaults, for a file no database lists. */
static void add_fallback_job(run *r, const char *file)
{
    const cl_options *opt = r->opt;
    bool cxx = is_cxx_path(file);
    strvec v = {0};
    sv_push(&v, cl_xstrdup(cxx ? "c++" : "cc"));
    if (opt->have_extra_args) {
        for (size_t i = 0; i < opt->n_extra_args; i++)
            sv_push(&v, cl_xstrdup(opt->extra_args[i]));
    } else {
        sv_push(&v, cl_xstrdup(cxx ? "-std=c++17" : "-std=c11"));
        sv_push(&v, cl_xstrdup("-I" CTXLINT_RUNTIME_INCLUDE));
        if (strcmp(CTXLINT_RUNTIME_INCLUDE, CTXLINT_INSTALLED_INCLUDE) != 0)
            sv_push(&v, cl_xstrdup("-I" CTXLINT_INSTALLED_INCLUDE));
        if (!opt->quiet)
            sv_push(&r->notes,
                    cl_xasprintf("ctxlint: note: no compilation database lists %s; linting "
                                 "it with default flags (pass flags after --, or -p DIR)",
                                 file));
    }
    sv_push(&v, cl_xstrdup(file));
    add_job(r, file, r->cwd, v.v, v.n, opt->have_extra_args ? "--" : "defaults");
}

/* The job for database entry `i`. */
static void add_entry_job(run *r, db *d, unsigned i)
{
    int argc;
    char **argv = command_argv(clang_CompileCommands_getCommand(d->all, i), &argc);
    add_job(r, d->files[i], d->dirs[i], argv, argc, d->json);
}

/* Checks a named file; its canonical path in *canon. */
static int check_named_file(run *r, const char *name, char **canon, char **err)
{
    char *abs = path_join(r->cwd, name);
    struct stat st;
    int rc = 0;
    if (stat(abs, &st) != 0) {
        *err = cl_xasprintf("ctxlint: error: %s: %s", name, strerror(errno));
        rc = 2;
    } else if (S_ISDIR(st.st_mode)) {
        *err = cl_xasprintf("ctxlint: error: %s: %s (name source files, not folders)", name,
                            strerror(EISDIR));
        rc = 2;
    } else if (!S_ISREG(st.st_mode)) {
        /* A FIFO or device would block or never end: only regular files are sources. */
        *err = cl_xasprintf("ctxlint: error: %s: not a regular file", name);
        rc = 2;
    } else {
        int fd = open(abs, O_RDONLY | O_NONBLOCK);
        if (fd < 0) {
            *err = cl_xasprintf("ctxlint: error: %s: %s", name, strerror(errno));
            rc = 2;
        } else {
            close(fd);
            *canon = path_canonical(abs);
        }
    }
    free(abs);
    return rc;
}

static int add_named_file(run *r, const char *name, char **err)
{
    char *file = NULL;
    if (check_named_file(r, name, &file, err) != 0)
        return 2;
    int rc = 0;
    if (job_exists(r, file))
        goto done;
    db *d = NULL;
    if (r->opt->build_dir) {
        char *dir = path_join(r->cwd, r->opt->build_dir);
        rc = db_get(r, dir, &d, err);
        free(dir);
    } else {
        char *folder = path_dirname(file);
        char *dir = cl_compdb_find(folder);
        if (dir)
            rc = db_get(r, dir, &d, err);
        free(folder);
        free(dir);
    }
    if (rc != 0)
        goto done;
    for (unsigned i = 0; d && i < d->n; i++)
        if (strcmp(d->files[i], file) == 0) {
            add_entry_job(r, d, i);
            goto done;
        }
    if (d && cl_is_header_path(file)) {
        /* libclang interpolates a command for a header from the nearest entry (notes 2.6). */
        CXCompileCommands cs = clang_CompilationDatabase_getCompileCommands(d->cx, file);
        if (cs && clang_CompileCommands_getSize(cs) > 0) {
            CXCompileCommand c = clang_CompileCommands_getCommand(cs, 0);
            char *cdir = cxstring_take(clang_CompileCommand_getDirectory(c));
            char *adir = path_join(d->dir, cdir);
            int argc;
            char **argv = command_argv(c, &argc);
            add_job(r, file, adir, argv, argc, d->json);
            free(cdir);
            free(adir);
            clang_CompileCommands_dispose(cs);
            goto done;
        }
        if (cs)
            clang_CompileCommands_dispose(cs);
    }
    add_fallback_job(r, file);
done:
    free(file);
    return rc;
}

static int add_all_entries(run *r, char **err)
{
    char *dir = NULL;
    if (r->opt->build_dir) {
        dir = path_join(r->cwd, r->opt->build_dir);
    } else {
        dir = cl_compdb_find(r->cwd);
        if (!dir) {
            *err = cl_xasprintf(
                "ctxlint: error: no compile_commands.json found in %s or its parents; pass -p "
                "DIR or name files",
                r->cwd);
            return 2;
        }
    }
    db *d = NULL;
    int rc = db_get(r, dir, &d, err);
    free(dir);
    for (unsigned i = 0; rc == 0 && i < d->n; i++) {
        struct stat st;
        const char *why = NULL;
        if (stat(d->files[i], &st) != 0)
            why = strerror(errno);
        else if (!S_ISREG(st.st_mode))
            why = S_ISDIR(st.st_mode) ? strerror(EISDIR) : "not a regular file";
        if (why) {
            *err = cl_xasprintf("ctxlint: error: %s (listed in %s): %s", d->files[i], d->json, why);
            rc = 2;
        } else if (!job_exists(r, d->files[i])) {
            add_entry_job(r, d, i);
        }
    }
    return rc;
}

/* The other units of every database the named files used, for their cross-file facts. An
 * entry whose file is gone is skipped: a stale entry elsewhere must not fail this lint. */
static void add_summary_jobs(run *r)
{
    for (size_t k = 0; k < r->n_dbs; k++) {
        db *d = r->dbs[k];
        for (unsigned i = 0; i < d->n; i++) {
            if (job_exists(r, d->files[i]) || !is_regular_file(d->files[i]))
                continue;
            add_entry_job(r, d, i);
            r->out->v[r->out->n - 1].summary_only = true;
        }
    }
}

int cl_jobs_build(const cl_options *opt, cl_jobs *out, char **err)
{
    out->v = NULL;
    out->n = 0;
    *err = NULL;
    run r = {.opt = opt, .cwd = current_dir(), .out = out};
    int rc = 0;
    if (opt->build_dir) {
        /* -p: the database must be there and valid even when every named file is listed. */
        db *d;
        char *dir = path_join(r.cwd, opt->build_dir);
        rc = db_get(&r, dir, &d, err);
        free(dir);
    }
    if (rc == 0 && opt->n_files == 0)
        rc = add_all_entries(&r, err);
    for (size_t i = 0; rc == 0 && i < opt->n_files; i++)
        rc = add_named_file(&r, opt->files[i], err);
    if (rc == 0 && opt->n_files > 0)
        add_summary_jobs(&r);
    for (int i = 0; i < r.notes.n; i++)
        if (rc == 0)
            fprintf(stderr, "%s\n", r.notes.v[i]);
    cl_args_free(r.notes.v, r.notes.n);
    for (size_t i = 0; i < r.n_dbs; i++)
        db_free(r.dbs[i]);
    free(r.dbs);
    free(r.cwd);
    if (rc != 0)
        cl_jobs_free(out);
    return rc;
}

void cl_jobs_free(cl_jobs *jobs)
{
    for (size_t i = 0; i < jobs->n; i++) {
        cl_job *j = &jobs->v[i];
        free(j->file);
        free(j->directory);
        cl_args_free(j->argv, j->argc);
        free(j->unit_file);
        free(j->origin);
    }
    free(jobs->v);
    jobs->v = NULL;
    jobs->n = 0;
}
