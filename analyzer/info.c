/* The informational commands: --help, --version, --list-rules, --explain RULE, --dump-config. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "config.h"
#include "emit.h"
#include "registry.h"
#include "source.h"
#include "xalloc.h"

static const char usage[] =
    "usage: ctxlint [options] [FILE...] [-- COMPILE-FLAGS...]\n"
    "\n"
    "Finds misuse of request contexts (Go-style ctx_t) in C code.\n"
    "\n"
    "Choosing what to lint:\n"
    "  -p DIR                   read compile flags from DIR/compile_commands.json\n"
    "                           (default: found from each file upward, and in build/)\n"
    "  FILE...                  files to lint (default: every database entry)\n"
    "  -- FLAGS                 flags for files that no database lists\n"
    "  --stdin-filename PATH    lint standard input as the contents of PATH\n"
    "  -j, --jobs N             units linted in parallel (default: all cores)\n"
    "  --cache-dir DIR          cache results in DIR (default: $XDG_CACHE_HOME/ctxlint)\n"
    "  --no-cache               neither read nor write the cache\n"
    "  --stats                  say how many units were parsed and how many were cached\n"
    "  --shared-pch             precompile the system headers units share (experimental)\n"
    "\n"
    "Rules and configuration:\n"
    "  --checks GLOBS           enable/disable rules: \"-*,nil-context\"\n"
    "  --config FILE            use FILE instead of the nearest .ctxlint.yaml\n"
    "  --dump-config            print the effective configuration as YAML\n"
    "  --list-rules             list the rules\n"
    "  --explain RULE           print a rule's documentation\n"
    "\n"
    "Output:\n"
    "  --format FMT             text (default), json, sarif or github\n"
    "  -o, --output FILE        write the report to FILE (atomically)\n"
    "  --color[=WHEN]           always, never or auto (default: auto)\n"
    "  --report-unused-suppressions  report NOLINT comments that suppress nothing\n"
    "  -q, --quiet              no notes on standard error\n"
    "\n"
    "Adopting it on an old codebase and in CI:\n"
    "  --baseline FILE          report only findings not recorded in FILE\n"
    "  --write-baseline FILE    record today's findings in FILE\n"
    "  --fix                    apply the safe fix-its, then report what remains\n"
    "  --fix-dry-run            print the fix-its as a unified diff; change nothing\n"
    "  --shard K/N              lint only the K-th of N slices of the units\n"
    "\n"
    "Testing:\n"
    "  --verify                 check findings against // expect: annotations\n"
    "\n"
    "  --version, -h/--help\n"
    "\n"
    "Exit status: 0 nothing found, 1 findings, 2 the run failed.\n";

static int explain(const char *id)
{
    const cl_rule *r = cl_rule_find(id);
    if (!r) {
        fprintf(stderr, "ctxlint: error: no rule '%s' (see --list-rules)\n", id);
        return 2;
    }
    char *text;
    size_t len;
    if (cl_rule_page(r->id, &text, &len)) {
        fwrite(text, 1, len, stdout);
        free(text);
        return 0;
    }
    /* The page is missing from this installation: the summary is still true. */
    printf("# %s\n\n%s\n", r->id, r->summary);
    return 0;
}

int cl_info_command(const cl_options *opt)
{
    if (opt->help) {
        fputs(usage, stdout);
        return 0;
    }
    if (opt->version) {
        printf("ctxlint %s (libclang %s)\n", CTXLINT_VERSION, CTXLINT_LIBCLANG_VERSION);
        return 0;
    }
    if (opt->list_rules) {
        for (size_t i = 0; i < cl_n_rules; i++)
            printf("%-24s %-8s %s\n", cl_rules[i]->id, cl_severity_name(cl_rules[i]->severity),
                   cl_rules[i]->summary);
        return 0;
    }
    if (opt->explain)
        return explain(opt->explain);
    if (opt->dump_config)
        return cl_config_dump_command(opt);
    return -1;
}
