/* The command line, parsed: everything the driver needs to know about one run. */
#ifndef CL_OPTIONS_H
#define CL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"

typedef enum cl_format { CL_FMT_TEXT, CL_FMT_JSON, CL_FMT_SARIF, CL_FMT_GITHUB } cl_format;

typedef struct cl_options {
    char **files; /* FILE... as given */
    size_t n_files;
    char *build_dir;   /* -p DIR: the folder holding compile_commands.json */
    char **extra_args; /* flags after `--`, for files no database lists */
    size_t n_extra_args;
    bool have_extra_args; /* `--` was given (possibly with no flags) */
    int jobs;             /* -j N; 0 = number of cores */
    cl_format format;
    char *output; /* --output FILE, or NULL for standard output */
    char *config; /* --config FILE */
    char *checks; /* --checks GLOBS, layered over the configuration */
    int color;    /* --color: 1 always, 0 never, -1 when the output is a terminal */
    bool verify;  /* --verify: check findings against // expect: annotations */
    bool list_rules, version, help, dump_config;
    char *explain; /* --explain RULE */
    char *baseline, *write_baseline;
    bool fix, fix_dry_run, report_unused_suppressions;
    char *stdin_filename;
    /* --shard K/N (1-based K); shard_count 0: no sharding */
    unsigned shard_index, shard_count;
    char *shard_state; /* --shard-state FILE: this shard's findings and facts, for a merge */
    bool merge_shards; /* --merge-shards STATE...: decide and report the shards' results */
    bool quiet;        /* --quiet: no notes on standard error */

    char *cache_dir; /* --cache-dir DIR; NULL for the default folder */
    bool no_cache;   /* --no-cache */
    bool stats;      /* --stats: how many units were parsed and how many came from the cache */
    bool shared_pch; /* --shared-pch: precompile the system headers units share (pch.h) */
} cl_options;

#endif
