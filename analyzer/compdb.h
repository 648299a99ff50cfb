/* Choosing what to lint and with which flags: compile_commands.json discovery (as clangd does:
 * each folder up from the file, and its build/), `-p DIR`, the `--` fallback flags, defaults
 * that find the runtime's header, and the rewriting every database entry needs before libclang
 * sees it (absolute paths, no `--`, no GCC-only flags). */
#ifndef CL_COMPDB_H
#define CL_COMPDB_H

#include <stdbool.h>
#include <stddef.h>

#include "options.h"

typedef struct cl_job {
    char *file;      /* canonical absolute path of the file linted (a source or a header) */
    char *directory; /* absolute working directory of the command */
    char **argv;     /* for clang_parseTranslationUnit2FullArgv: argv[0] is the compiler, the
                      * main file (absolute) is last, every path is absolute, no `--`, `-o`, `-c` */
    int argc;
    bool is_header;    /* parse a synthetic unit that includes `file` (main file: `unit_file`) */
    char *unit_file;   /* is_header: the synthetic unit's name, last in argv; else == file */
    char *origin;      /* where the flags came from, for messages: a database path, "--" or
                        * "defaults" */
    bool summary_only; /* another unit of a database in use, parsed only for the cross-file
                        * facts the named files need (a spawner defined elsewhere): its findings
                        * and errors are not reported */
} cl_job;

typedef struct cl_jobs {
    cl_job *v;
    size_t n;
} cl_jobs;

/* Builds the jobs for a run: each named FILE (or, with none, every entry of the database from
 * -p or found from the current folder), de-duplicated by canonical path, in a stable order.
 * When files are named, every other unit of the databases they use follows as a summary-only
 * job, since a rule's cross-file facts come from every unit of the database.
 * Notes (a file linted with fallback flags) go to standard error unless opt->quiet. Returns 0,
 * or 2 with *err set to a message naming what failed and where (malloc'd; one line, no newline,
 * ready to print: "ctxlint: error: PATH: why", or "PATH:LINE:COL: error: …" for bad JSON), and
 * *out empty. */
int cl_jobs_build(const cl_options *opt, cl_jobs *out, char **err);
void cl_jobs_free(cl_jobs *jobs);

/* The folder holding compile_commands.json for `start_dir`: start_dir, start_dir/build, then
 * each parent and its build/. NULL if none (malloc'd). */
char *cl_compdb_find(const char *start_dir);

/* Rewrites one compile command for libclang (exposed for tests): makes -I/-isystem/-iquote/
 * -include/-idirafter/--sysroot paths and the file absolute against `directory`, removes `--`,
 * `-o X`, `-c`, -M* dependency flags and known GCC-only flags, and puts `file` last. Returns a
 * new NULL-terminated argv (malloc'd, each string malloc'd); *argc_out its length. */
char **cl_args_rewrite(const char *const *argv, int argc, const char *directory, const char *file,
                       int *argc_out);
void cl_args_free(char **argv, int argc);

/* True for a header by its extension (.h .hh .hpp .hxx .inc). */
bool cl_is_header_path(const char *path);

#endif
