/* Unit tests for compdb.c: database discovery, argument rewriting, and the jobs built from
 * generated databases, named files, headers and the fallbacks (`--`, defaults). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "compdb.h"
#include "testfs.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* The argv joined with spaces, for whole-command comparisons. */
static char *join_argv(char *const *argv, int argc)
{
    size_t len = 1;
    for (int i = 0; i < argc; i++)
        len += strlen(argv[i]) + 1;
    char *s = cl_xcalloc(len, 1);
    for (int i = 0; i < argc; i++) {
        if (i)
            strcat(s, " ");
        strcat(s, argv[i]);
    }
    return s;
}

static void assert_job_argv(const cl_job *j, const char *expected)
{
    char *got = join_argv(j->argv, j->argc);
    assert_string_equal(got, expected);
    assert_null(j->argv[j->argc]);
    free(got);
}

/* Runs cl_jobs_build from folder `cwd`, coming back afterwards. */
static int build_in(const char *cwd, const cl_options *opt, cl_jobs *jobs, char **err)
{
    char old[4096];
    assert_non_null(getcwd(old, sizeof old));
    assert_int_equal(chdir(cwd), 0);
    int rc = cl_jobs_build(opt, jobs, err);
    assert_int_equal(chdir(old), 0);
    return rc;
}

static bool contains(const char *haystack, const char *needle)
{
    return haystack && strstr(haystack, needle) != NULL;
}

/* ---- discovery ------------------------------------------------------------------------ */

static void test_find_in_parent(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    char *json = tfs_write(root, "a/compile_commands.json", "[]");
    char *deep = tfs_mkdir(root, "a/b/c");
    char *found = cl_compdb_find(deep);
    char *want = cl_xasprintf("%s/a", root);
    assert_non_null(found);
    assert_string_equal(found, want);
    free(found);
    free(want);
    free(json);
    free(deep);
    tfs_rmtree(root);
}

static void test_find_in_build_folder(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    char *json = tfs_write(root, "proj/build/compile_commands.json", "[]");
    char *src = tfs_mkdir(root, "proj/src/deep");
    char *found = cl_compdb_find(src);
    char *want = cl_xasprintf("%s/proj/build", root);
    assert_non_null(found);
    assert_string_equal(found, want);
    free(found);

    /* The folder itself wins over its build/. */
    char *own = tfs_write(root, "proj/src/deep/compile_commands.json", "[]");
    found = cl_compdb_find(src);
    assert_string_equal(found, src);
    free(found);

    /* A relative start folder is taken from the current directory. */
    char old[4096];
    assert_non_null(getcwd(old, sizeof old));
    char *proj = cl_xasprintf("%s/proj", root);
    assert_int_equal(chdir(proj), 0);
    found = cl_compdb_find(".");
    assert_int_equal(chdir(old), 0);
    assert_string_equal(found, want);
    free(found);
    free(proj);
    free(own);
    free(want);
    free(json);
    free(src);
    tfs_rmtree(root);
}

static void test_find_none(void **state)
{
    (void)state;
    if (access("/tmp/compile_commands.json", F_OK) == 0 ||
        access("/tmp/build/compile_commands.json", F_OK) == 0 ||
        access("/compile_commands.json", F_OK) == 0 ||
        access("/build/compile_commands.json", F_OK) == 0)
        skip();
    char *root = tfs_mkdtemp();
    char *deep = tfs_mkdir(root, "x/y");
    char *found = cl_compdb_find(deep);
    assert_null(found);
    /* A build/ that is a folder without the file does not count. */
    char *build = tfs_mkdir(root, "x/build");
    assert_null(cl_compdb_find(deep));
    free(build);
    free(deep);
    tfs_rmtree(root);
}

/* ---- argument rewriting ----------------------------------------------------------------- */

typedef struct rewrite_case {
    const char *name;
    const char *in; /* space-separated argv */
    const char *directory;
    const char *file;
    const char *out; /* space-separated expected argv */
} rewrite_case;

static const rewrite_case rewrite_cases[] = {
    {"include dirs joined and separate", "gcc -Iinc -I inc2 -I/abs -I../up x.c", "/d/b", "x.c",
     "gcc -I/d/b/inc -I /d/b/inc2 -I/abs -I/d/up /d/b/x.c"},
    {"isystem iquote idirafter",
     "cc -isystem sys -isystemsys2 -iquote q -iquoteq2 -idirafter da -idirafterda2 x.c", "/d",
     "x.c",
     "cc -isystem /d/sys -isystem/d/sys2 -iquote /d/q -iquote/d/q2 -idirafter /d/da "
     "-idirafter/d/da2 /d/x.c"},
    {"include imacros", "cc -include pre.h -includepre2.h -imacros m.h -imacros/abs/m.h x.c", "/d",
     "x.c", "cc -include /d/pre.h -include/d/pre2.h -imacros /d/m.h -imacros/abs/m.h /d/x.c"},
    {"sysroots", "cc --sysroot=root --sysroot root2 -isysroot sr --sysroot=/abs x.c", "/d", "x.c",
     "cc --sysroot=/d/root --sysroot /d/root2 -isysroot /d/sr --sysroot=/abs /d/x.c"},
    {"sysroot-relative include kept", "cc -I=/usr/inc -I$SYSROOT/inc -I- x.c", "/d", "x.c",
     "cc -I=/usr/inc -I$SYSROOT/inc -I- /d/x.c"},
    {"output and compile-only removed", "cc -c x.c -o x.o -oy.o", "/d", "x.c", "cc /d/x.c"},
    {"dependency flags removed",
     "cc -MD -MMD -MF x.d -MT t -MQ q -MP -M -MM -MFx2.d -MTt2 -Wp,-MD,.x.d -DKEEP x.c", "/d",
     "x.c", "cc -DKEEP /d/x.c"},
    {"double dash removed (interpolated)", "cc -DA -c -- /d/x.c", "/d", "/d/x.c", "cc -DA /d/x.c"},
    {"file first, relative spelling", "cc ./src/../x.c -Wall", "/d", "/d/x.c", "cc -Wall /d/x.c"},
    {"file absolute in argv, relative given", "/usr/bin/gcc /d/sub/x.c -O2", "/d", "sub/x.c",
     "/usr/bin/gcc -O2 /d/sub/x.c"},
    {"other inputs kept", "cc other.c x.c", "/d", "x.c", "cc other.c /d/x.c"},
    {"gcc-only flags stripped",
     "cc -fanalyzer -fno-var-tracking-assignments -mno-direct-extern-access -fconserve-stack "
     "-fno-allow-store-data-races -mindirect-branch=thunk-extern -fmin-function-alignment=16 "
     "-mrecord-mcount -fno-ipa-sra x.c",
     "/d", "x.c", "cc /d/x.c"},
    {"flags clang accepts or merely warns about kept",
     "cc -fstack-clash-protection -fmacro-prefix-map=a=b -Wno-maybe-uninitialized -Wlogical-op x.c",
     "/d", "x.c",
     "cc -fstack-clash-protection -fmacro-prefix-map=a=b -Wno-maybe-uninitialized -Wlogical-op "
     "/d/x.c"},
    {"separate values are not the input", "cc -x c -D x.c -Xclang -ast-dump x.c", "/d", "x.c",
     "cc -x c -D x.c -Xclang -ast-dump /d/x.c"},
    {"objc flags are not -o", "cc -objcmt-migrate-literals x.c", "/d", "x.c",
     "cc -objcmt-migrate-literals /d/x.c"},
    {"argv0 kept as written", "../tools/arm-gcc x.c", "/d", "x.c", "../tools/arm-gcc /d/x.c"},
};

/* Splits on single spaces (the table never needs spaces inside an argument). */
static char **split(const char *s, int *n)
{
    char *copy = cl_xstrdup(s);
    char **v = cl_xcalloc(strlen(s) + 2, sizeof *v);
    *n = 0;
    for (char *tok = strtok(copy, " "); tok; tok = strtok(NULL, " "))
        v[(*n)++] = cl_xstrdup(tok);
    free(copy);
    return v;
}

static void test_args_rewrite_table(void **state)
{
    (void)state;
    for (size_t i = 0; i < sizeof rewrite_cases / sizeof rewrite_cases[0]; i++) {
        const rewrite_case *c = &rewrite_cases[i];
        int n;
        char **in = split(c->in, &n);
        int argc_out = -1;
        char **out = cl_args_rewrite((const char *const *)in, n, c->directory, c->file, &argc_out);
        char *got = join_argv(out, argc_out);
        if (strcmp(got, c->out) != 0)
            fail_msg("case \"%s\":\n  got  %s\n  want %s", c->name, got, c->out);
        assert_null(out[argc_out]);
        free(got);
        cl_args_free(out, argc_out);
        cl_args_free(in, n);
    }
}

static void test_is_header_path(void **state)
{
    (void)state;
    assert_true(cl_is_header_path("/a/b.h"));
    assert_true(cl_is_header_path("b.hpp"));
    assert_true(cl_is_header_path("b.hh"));
    assert_true(cl_is_header_path("b.hxx"));
    assert_true(cl_is_header_path("x/defs.inc"));
    assert_false(cl_is_header_path("b.c"));
    assert_false(cl_is_header_path("b.cpp"));
    assert_false(cl_is_header_path("dir.h/file.c"));
    assert_false(cl_is_header_path(".h"));
}

/* ---- jobs from a generated database ------------------------------------------------------- */

typedef struct proj {
    char *root;
    char *json; /* root/build/compile_commands.json */
} proj;

/* root/{src/a.c, src/b.c, src/sub/c.c, inc/a.h} and a database in root/build with: `arguments`
 * and `command` entries, a duplicate of a.c, and an entry whose directory is relative. */
static proj make_proj(void)
{
    proj p;
    p.root = tfs_mkdtemp();
    free(tfs_write(p.root, "src/a.c", "#include \"a.h\"\nint a(void) { return A_VALUE; }\n"));
    free(tfs_write(p.root, "src/b.c", "int b(void) { return B; }\n"));
    free(tfs_write(p.root, "src/sub/c.c", "int c(void) { return 3; }\n"));
    free(tfs_write(p.root, "inc/a.h", "#define A_VALUE 1\nint a(void);\n"));
    char *text = cl_xasprintf("[\n"
                              " {\"directory\": \"%s/build\", \"arguments\": [\"gcc\", "
                              "\"-I../inc\", \"-fanalyzer\", \"-c\", "
                              "\"../src/a.c\", \"-o\", \"a.o\"], \"file\": \"../src/a.c\"},\n"
                              " {\"directory\": \"%s/build\", \"command\": \"gcc -I../inc '-DB=1' "
                              "-c ../src/b.c -o b.o\", "
                              "\"file\": \"../src/b.c\"},\n"
                              " {\"directory\": \"%s/build\", \"command\": \"gcc -DDUP -c "
                              "%s/src/a.c\", \"file\": \"%s/src/a.c\"},\n"
                              " {\"directory\": \"../src\", \"arguments\": [\"cc\", \"-c\", "
                              "\"sub/c.c\"], \"file\": \"sub/c.c\"}\n"
                              "]\n",
                              p.root, p.root, p.root, p.root, p.root);
    p.json = tfs_write(p.root, "build/compile_commands.json", text);
    free(text);
    return p;
}

static void free_proj(proj *p)
{
    free(p->json);
    tfs_rmtree(p->root);
}

static void assert_entry_jobs(const proj *p, const cl_jobs *jobs)
{
    assert_int_equal(jobs->n, 3); /* the second a.c entry is a duplicate */
    char *want;
    want = cl_xasprintf("gcc -I%s/inc %s/src/a.c", p->root, p->root);
    assert_job_argv(&jobs->v[0], want);
    free(want);
    want = cl_xasprintf("gcc -I%s/inc -DB=1 %s/src/b.c", p->root, p->root);
    assert_job_argv(&jobs->v[1], want);
    free(want);
    want = cl_xasprintf("cc %s/src/sub/c.c", p->root);
    assert_job_argv(&jobs->v[2], want);
    free(want);

    want = cl_xasprintf("%s/src/a.c", p->root);
    assert_string_equal(jobs->v[0].file, want);
    assert_string_equal(jobs->v[0].unit_file, want);
    assert_false(jobs->v[0].is_header);
    free(want);
    want = cl_xasprintf("%s/build", p->root);
    assert_string_equal(jobs->v[0].directory, want);
    free(want);
    /* The relative directory is taken against the database's folder. */
    want = cl_xasprintf("%s/src", p->root);
    assert_string_equal(jobs->v[2].directory, want);
    free(want);
    for (size_t i = 0; i < jobs->n; i++)
        assert_string_equal(jobs->v[i].origin, p->json);
}

static void test_jobs_all_entries_with_p(void **state)
{
    (void)state;
    proj p = make_proj();
    char *build = cl_xasprintf("%s/build", p.root);
    cl_options opt = {.build_dir = build, .quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(cl_jobs_build(&opt, &jobs, &err), 0);
    assert_null(err);
    assert_entry_jobs(&p, &jobs);
    cl_jobs_free(&jobs);

    /* -p relative to the current folder. */
    opt.build_dir = "build";
    assert_int_equal(build_in(p.root, &opt, &jobs, &err), 0);
    assert_entry_jobs(&p, &jobs);
    cl_jobs_free(&jobs);
    free(build);
    free_proj(&p);
}

static void test_jobs_all_entries_discovered(void **state)
{
    (void)state;
    proj p = make_proj();
    char *src = cl_xasprintf("%s/src/sub", p.root);
    cl_options opt = {.quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(src, &opt, &jobs, &err), 0);
    assert_entry_jobs(&p, &jobs);
    cl_jobs_free(&jobs);
    free(src);
    free_proj(&p);
}

static void test_jobs_named_files_order_and_dedup(void **state)
{
    (void)state;
    proj p = make_proj();
    char *files[] = {"src/b.c", "src/a.c", "./src/../src/b.c", "src/sub/c.c"};
    cl_options opt = {.files = files, .n_files = 4, .quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(p.root, &opt, &jobs, &err), 0);
    assert_int_equal(jobs.n, 3);
    char *want = cl_xasprintf("%s/src/b.c", p.root);
    assert_string_equal(jobs.v[0].file, want);
    free(want);
    want = cl_xasprintf("gcc -I%s/inc %s/src/a.c", p.root, p.root); /* first entry of a.c */
    assert_job_argv(&jobs.v[1], want);
    free(want);
    want = cl_xasprintf("%s/src/sub/c.c", p.root);
    assert_string_equal(jobs.v[2].file, want);
    free(want);
    cl_jobs_free(&jobs);
    free_proj(&p);
}

/* The jobs for the named files: the summary-only units of the database follow them. */
static size_t named_jobs(const cl_jobs *jobs)
{
    size_t n = 0;
    while (n < jobs->n && !jobs->v[n].summary_only)
        n++;
    for (size_t i = n; i < jobs->n; i++)
        assert_true(jobs->v[i].summary_only);
    return n;
}

static void test_jobs_summary_units(void **state)
{
    (void)state;
    proj p = make_proj();
    char *files[] = {"src/b.c"};
    cl_options opt = {.files = files, .n_files = 1, .quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(p.root, &opt, &jobs, &err), 0);
    /* b.c is linted; a.c and sub/c.c (a.c's duplicate entry once) are summarised for facts. */
    assert_int_equal(named_jobs(&jobs), 1);
    assert_int_equal(jobs.n, 3);
    char *b = cl_xasprintf("%s/src/b.c", p.root), *a = cl_xasprintf("%s/src/a.c", p.root),
         *c = cl_xasprintf("%s/src/sub/c.c", p.root);
    assert_string_equal(jobs.v[0].file, b);
    assert_string_equal(jobs.v[1].file, a);
    assert_string_equal(jobs.v[2].file, c);
    free(a);
    free(b);
    free(c);
    cl_jobs_free(&jobs);
    /* A stale entry elsewhere in the database does not fail the lint of a named file. */
    char *gone = cl_xasprintf("%s/src/sub/c.c", p.root);
    assert_int_equal(unlink(gone), 0);
    free(gone);
    assert_int_equal(build_in(p.root, &opt, &jobs, &err), 0);
    assert_int_equal(named_jobs(&jobs), 1);
    assert_int_equal(jobs.n, 2);
    cl_jobs_free(&jobs);
    free_proj(&p);
}

static void test_jobs_unlisted_file_defaults(void **state)
{
    (void)state;
    proj p = make_proj();
    /* Listed database next to it, but the file is not in it: defaults, not interpolation. */
    free(tfs_write(p.root, "src/new.c", "int n;\n"));
    free(tfs_write(p.root, "src/new.cpp", "int n;\n"));
    char *files[] = {"src/new.c", "src/new.cpp"};
    cl_options opt = {.files = files, .n_files = 2, .quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(p.root, &opt, &jobs, &err), 0);
    assert_int_equal(named_jobs(&jobs), 2);
    char *want = cl_xasprintf("cc -std=c11 -I%s -I%s %s/src/new.c", CTXLINT_RUNTIME_INCLUDE,
                              CTXLINT_INSTALLED_INCLUDE, p.root);
    assert_job_argv(&jobs.v[0], want);
    free(want);
    want = cl_xasprintf("c++ -std=c++17 -I%s -I%s %s/src/new.cpp", CTXLINT_RUNTIME_INCLUDE,
                        CTXLINT_INSTALLED_INCLUDE, p.root);
    assert_job_argv(&jobs.v[1], want);
    free(want);
    assert_string_equal(jobs.v[0].origin, "defaults");
    assert_string_equal(jobs.v[0].directory, p.root);
    cl_jobs_free(&jobs);
    free_proj(&p);
}

/* cl_jobs_build from `cwd` with standard error captured into *captured (malloc'd). */
static int build_capturing_stderr(const char *cwd, const cl_options *opt, cl_jobs *jobs, char **err,
                                  char **captured)
{
    char *root = tfs_mkdtemp();
    char *log = cl_xasprintf("%s/stderr.txt", root);
    fflush(stderr);
    int saved = dup(2);
    FILE *f = fopen(log, "w+");
    assert_non_null(f);
    dup2(fileno(f), 2);
    int rc = build_in(cwd, opt, jobs, err);
    fflush(stderr);
    dup2(saved, 2);
    close(saved);
    rewind(f);
    char buf[4096];
    size_t n = fread(buf, 1, sizeof buf - 1, f);
    buf[n] = '\0';
    fclose(f);
    *captured = cl_xstrdup(buf);
    free(log);
    tfs_rmtree(root);
    return rc;
}

static void test_jobs_default_flags_note(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    free(tfs_write(root, "n.c", "int n;\n"));
    char *files[] = {"n.c", "./n.c"};
    cl_options opt = {.files = files, .n_files = 2};
    cl_jobs jobs;
    char *err = NULL, *captured = NULL;
    assert_int_equal(build_capturing_stderr(root, &opt, &jobs, &err, &captured), 0);
    assert_int_equal(jobs.n, 1);
    char *want =
        cl_xasprintf("ctxlint: note: no compilation database lists %s/n.c; linting it with default "
                     "flags (pass flags after --, or -p DIR)\n",
                     root);
    assert_string_equal(captured, want); /* once, though named twice */
    free(want);
    free(captured);
    cl_jobs_free(&jobs);

    /* --quiet: nothing; a run that fails: no note either. */
    opt.quiet = true;
    assert_int_equal(build_capturing_stderr(root, &opt, &jobs, &err, &captured), 0);
    assert_string_equal(captured, "");
    free(captured);
    cl_jobs_free(&jobs);
    char *bad[] = {"n.c", "missing.c"};
    cl_options fails = {.files = bad, .n_files = 2};
    assert_int_equal(build_capturing_stderr(root, &fails, &jobs, &err, &captured), 2);
    assert_string_equal(captured, "");
    free(captured);
    free(err);
    tfs_rmtree(root);
}

static void test_jobs_unlisted_file_extra_args(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    free(tfs_write(root, "lone.c", "int n;\n"));
    char *files[] = {"lone.c"};
    char *extra[] = {"-Iinclude", "-DX=1", "-o", "out.o"};
    cl_options opt = {.files = files,
                      .n_files = 1,
                      .extra_args = extra,
                      .n_extra_args = 4,
                      .have_extra_args = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(root, &opt, &jobs, &err), 0);
    assert_int_equal(jobs.n, 1);
    char *want = cl_xasprintf("cc -I%s/include -DX=1 %s/lone.c", root, root);
    assert_job_argv(&jobs.v[0], want);
    free(want);
    assert_string_equal(jobs.v[0].origin, "--");
    cl_jobs_free(&jobs);

    /* `--` with no flags: still not the defaults. */
    opt.n_extra_args = 0;
    assert_int_equal(build_in(root, &opt, &jobs, &err), 0);
    want = cl_xasprintf("cc %s/lone.c", root);
    assert_job_argv(&jobs.v[0], want);
    free(want);
    cl_jobs_free(&jobs);
    tfs_rmtree(root);
}

static void test_jobs_invalid_json(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    char *json =
        tfs_write(root, "build/compile_commands.json", "[\n  {\"file\": \"a.c\",\n  oops\n]\n");
    char *build = cl_xasprintf("%s/build", root);
    cl_options opt = {.build_dir = build};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(cl_jobs_build(&opt, &jobs, &err), 2);
    char *want = cl_xasprintf("%s:3:", json);
    if (strncmp(err, want, strlen(want)) != 0)
        fail_msg("got: %s", err);
    assert_true(contains(err, ": error: invalid compile_commands.json: "));
    assert_int_equal(jobs.n, 0);
    free(want);
    free(err);

    /* Discovered (no -p) databases are validated the same way. */
    free(tfs_write(root, "a.c", "int a;\n"));
    char *files[] = {"a.c"};
    cl_options opt2 = {.files = files, .n_files = 1};
    err = NULL;
    assert_int_equal(build_in(root, &opt2, &jobs, &err), 2);
    assert_true(contains(err, json));
    free(err);
    free(build);
    free(json);
    tfs_rmtree(root);
}

static void test_jobs_entry_problems(void **state)
{
    (void)state;
    static const struct {
        const char *text, *want;
    } cases[] = {
        {"[{\"directory\": \"/\", \"command\": \"cc a.c\", \"file\": \"a.c\"}, {\"directory\": "
         "\"/\", "
         "\"command\": \"cc\"}]",
         "entry 1 (counting from 0) has no \"file\""},
        {"[{\"file\": \"a.c\", \"command\": \"cc a.c\"}]",
         "entry 0 (counting from 0) has no \"directory\""},
        {"[{\"file\": \"a.c\", \"directory\": \"/\"}]", "entry 0 (counting from 0) has neither"},
        {"[{\"file\": \"a.c\", \"directory\": \"/\", \"arguments\": [\"cc\", 3]}]", "non-string"},
        {"{\"file\": \"a.c\"}", "the top level is not an array"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *root = tfs_mkdtemp();
        char *json = tfs_write(root, "compile_commands.json", cases[i].text);
        cl_options opt = {.build_dir = root};
        cl_jobs jobs;
        char *err = NULL;
        assert_int_equal(cl_jobs_build(&opt, &jobs, &err), 2);
        if (!contains(err, json) || !contains(err, cases[i].want))
            fail_msg("case %zu: got: %s", i, err);
        free(err);
        free(json);
        tfs_rmtree(root);
    }
}

static void test_jobs_file_errors(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    char *dir = tfs_mkdir(root, "folder.c");
    cl_jobs jobs;
    char *err = NULL;

    char *missing[] = {"nope.c"};
    cl_options opt = {.files = missing, .n_files = 1, .quiet = true};
    assert_int_equal(build_in(root, &opt, &jobs, &err), 2);
    assert_string_equal(err, "ctxlint: error: nope.c: No such file or directory");
    assert_int_equal(jobs.n, 0);
    free(err);

    char *folder[] = {"folder.c"};
    opt.files = folder;
    assert_int_equal(build_in(root, &opt, &jobs, &err), 2);
    assert_true(contains(err, "folder.c: Is a directory"));
    free(err);

    if (geteuid() != 0) { /* root reads anything */
        char *locked = tfs_write(root, "locked.c", "int x;\n");
        chmod(locked, 0);
        char *unreadable[] = {"locked.c"};
        opt.files = unreadable;
        assert_int_equal(build_in(root, &opt, &jobs, &err), 2);
        assert_string_equal(err, "ctxlint: error: locked.c: Permission denied");
        free(err);
        free(locked);
    }

    /* -p to a folder without a database names the file it looked for. */
    cl_options p = {.build_dir = root};
    assert_int_equal(cl_jobs_build(&p, &jobs, &err), 2);
    char *want =
        cl_xasprintf("ctxlint: error: %s/compile_commands.json: No such file or directory", root);
    assert_string_equal(err, want);
    free(want);
    free(err);

    /* A database entry whose file is gone. */
    char *json = tfs_write(
        root, "db/compile_commands.json",
        "[{\"directory\": \"/nonexistent-ctxlint\", \"command\": \"cc -c gone.c\", \"file\": "
        "\"gone.c\"}]");
    char *db = cl_xasprintf("%s/db", root);
    cl_options all = {.build_dir = db};
    assert_int_equal(cl_jobs_build(&all, &jobs, &err), 2);
    assert_true(contains(err, "/nonexistent-ctxlint/gone.c"));
    assert_true(contains(err, json));
    free(err);
    free(db);
    free(json);
    free(dir);
    tfs_rmtree(root);
}

static void test_jobs_no_database_no_files(void **state)
{
    (void)state;
    if (access("/tmp/compile_commands.json", F_OK) == 0 ||
        access("/tmp/build/compile_commands.json", F_OK) == 0)
        skip();
    char *root = tfs_mkdtemp();
    cl_options opt = {0};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(root, &opt, &jobs, &err), 2);
    char *want = cl_xasprintf("ctxlint: error: no compile_commands.json found in %s or its "
                              "parents; pass -p DIR or name files",
                              root);
    assert_string_equal(err, want);
    free(want);
    free(err);
    tfs_rmtree(root);
}

/* ---- headers ----------------------------------------------------------------------------------
 */

static void test_header_job_interpolated(void **state)
{
    (void)state;
    proj p = make_proj();
    char *files[] = {"inc/a.h"};
    cl_options opt = {.files = files, .n_files = 1};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(p.root, &opt, &jobs, &err), 0);
    assert_int_equal(named_jobs(&jobs), 1);
    const cl_job *j = &jobs.v[0];
    char *header = cl_xasprintf("%s/inc/a.h", p.root);
    char *unit = cl_xasprintf("%s/inc/__ctxlint_unit_a.h.c", p.root);
    char *inc = cl_xasprintf("-I%s/inc", p.root);
    assert_true(j->is_header);
    assert_string_equal(j->file, header);
    assert_string_equal(j->unit_file, unit);
    assert_string_equal(j->argv[j->argc - 1], unit);
    assert_string_equal(j->origin, p.json);
    bool has_inc = false;
    for (int i = 0; i < j->argc; i++) {
        assert_string_not_equal(j->argv[i], "--");
        assert_string_not_equal(j->argv[i], "-x");
        assert_string_not_equal(j->argv[i], "c-header");
        assert_string_not_equal(j->argv[i], header);
        has_inc |= strcmp(j->argv[i], inc) == 0;
    }
    assert_true(has_inc); /* flags borrowed from the nearest entry, made absolute */
    free(header);
    free(unit);
    free(inc);
    cl_jobs_free(&jobs);
    free_proj(&p);
}

static void test_header_job_defaults_and_cxx(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    free(tfs_write(root, "h/x.h", "int x(void);\n"));
    free(tfs_write(root, "h/y.hpp", "int y();\n"));
    char *files[] = {"h/x.h", "h/y.hpp"};
    cl_options opt = {.files = files, .n_files = 2, .quiet = true};
    cl_jobs jobs;
    char *err = NULL;
    assert_int_equal(build_in(root, &opt, &jobs, &err), 0);
    assert_int_equal(jobs.n, 2);
    char *want = cl_xasprintf("cc -std=c11 -I%s -I%s %s/h/__ctxlint_unit_x.h.c",
                              CTXLINT_RUNTIME_INCLUDE, CTXLINT_INSTALLED_INCLUDE, root);
    assert_job_argv(&jobs.v[0], want);
    assert_true(jobs.v[0].is_header);
    free(want);
    want = cl_xasprintf("%s/h/__ctxlint_unit_y.hpp.cpp", root);
    assert_string_equal(jobs.v[1].unit_file, want);
    assert_string_equal(jobs.v[1].argv[0], "c++");
    free(want);
    cl_jobs_free(&jobs);
    tfs_rmtree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_in_parent),
        cmocka_unit_test(test_find_in_build_folder),
        cmocka_unit_test(test_find_none),
        cmocka_unit_test(test_args_rewrite_table),
        cmocka_unit_test(test_is_header_path),
        cmocka_unit_test(test_jobs_all_entries_with_p),
        cmocka_unit_test(test_jobs_all_entries_discovered),
        cmocka_unit_test(test_jobs_named_files_order_and_dedup),
        cmocka_unit_test(test_jobs_summary_units),
        cmocka_unit_test(test_jobs_unlisted_file_defaults),
        cmocka_unit_test(test_jobs_default_flags_note),
        cmocka_unit_test(test_jobs_unlisted_file_extra_args),
        cmocka_unit_test(test_jobs_invalid_json),
        cmocka_unit_test(test_jobs_entry_problems),
        cmocka_unit_test(test_jobs_file_errors),
        cmocka_unit_test(test_jobs_no_database_no_files),
        cmocka_unit_test(test_header_job_interpolated),
        cmocka_unit_test(test_header_job_defaults_and_cxx),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
