/* Command-line parsing (see cli.h). Everything after the first `--` is compile flags for files
 * no database lists, as in clang-tidy, so argv is split there before getopt sees it. */
#include "cli.h"

#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "shard.h"
#include "xalloc.h"

enum {
    OPT_FORMAT = 256,
    OPT_CONFIG,
    OPT_CHECKS,
    OPT_COLOR,
    OPT_VERIFY,
    OPT_LIST_RULES,
    OPT_EXPLAIN,
    OPT_VERSION,
    OPT_DUMP_CONFIG,
    OPT_BASELINE,
    OPT_WRITE_BASELINE,
    OPT_FIX,
    OPT_FIX_DRY_RUN,
    OPT_UNUSED_SUPPRESSIONS,
    OPT_STDIN_FILENAME,
    OPT_CACHE_DIR,
    OPT_NO_CACHE,
    OPT_STATS,
    OPT_SHARED_PCH,
    OPT_SHARD,
    OPT_SHARD_STATE,
    OPT_MERGE_SHARDS,
};

static const struct option long_opts[] = {
    {"jobs", required_argument, NULL, 'j'},
    {"format", required_argument, NULL, OPT_FORMAT},
    {"output", required_argument, NULL, 'o'},
    {"config", required_argument, NULL, OPT_CONFIG},
    {"checks", required_argument, NULL, OPT_CHECKS},
    {"dump-config", no_argument, NULL, OPT_DUMP_CONFIG},
    {"color", optional_argument, NULL, OPT_COLOR},
    {"verify", no_argument, NULL, OPT_VERIFY},
    {"list-rules", no_argument, NULL, OPT_LIST_RULES},
    {"explain", required_argument, NULL, OPT_EXPLAIN},
    {"version", no_argument, NULL, OPT_VERSION},
    {"help", no_argument, NULL, 'h'},
    {"quiet", no_argument, NULL, 'q'},
    {"report-unused-suppressions", no_argument, NULL, OPT_UNUSED_SUPPRESSIONS},
    {"stdin-filename", required_argument, NULL, OPT_STDIN_FILENAME},
    {"cache-dir", required_argument, NULL, OPT_CACHE_DIR},
    {"no-cache", no_argument, NULL, OPT_NO_CACHE},
    {"stats", no_argument, NULL, OPT_STATS},
    {"shared-pch", no_argument, NULL, OPT_SHARED_PCH},
    {"baseline", required_argument, NULL, OPT_BASELINE},
    {"write-baseline", required_argument, NULL, OPT_WRITE_BASELINE},
    {"fix", no_argument, NULL, OPT_FIX},
    {"fix-dry-run", no_argument, NULL, OPT_FIX_DRY_RUN},
    {"shard-state", required_argument, NULL, OPT_SHARD_STATE},
    {"merge-shards", no_argument, NULL, OPT_MERGE_SHARDS},
    {"shard", required_argument, NULL, OPT_SHARD},
    {NULL, 0, NULL, 0},
};

__attribute__((format(printf, 1, 2))) static int bad(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fputs("ctxlint: error: ", stderr);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputs("\n(see ctxlint --help)\n", stderr);
    return 2;
}

static int parse_format(const char *s, cl_format *out)
{
    static const struct {
        const char *name;
        cl_format f;
    } formats[] = {{"text", CL_FMT_TEXT},
                   {"gcc", CL_FMT_TEXT},
                   {"json", CL_FMT_JSON},
                   {"sarif", CL_FMT_SARIF},
                   {"github", CL_FMT_GITHUB}};
    for (size_t i = 0; i < sizeof formats / sizeof formats[0]; i++)
        if (strcmp(s, formats[i].name) == 0) {
            *out = formats[i].f;
            return 0;
        }
    return -1;
}

int cl_options_parse(int argc, char **argv, cl_options *opt)
{
    memset(opt, 0, sizeof *opt);
    opt->color = -1;
    int split = argc;
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--") == 0) {
            split = i;
            break;
        }
    if (split < argc) {
        opt->have_extra_args = true;
        opt->extra_args = argv + split + 1;
        opt->n_extra_args = (size_t)(argc - split - 1);
    }
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(split, argv, ":p:j:o:hq", long_opts, NULL)) != -1) {
        switch (c) {
        case 'p':
            opt->build_dir = optarg;
            break;
        case 'j': {
            char *end;
            long n = strtol(optarg, &end, 10);
            if (*end || n < 0 || n > 1024)
                return bad("-j takes a number of jobs from 0 (all cores) to 1024, not '%s'",
                           optarg);
            opt->jobs = (int)n;
            break;
        }
        case 'o':
            opt->output = optarg;
            break;
        case OPT_FORMAT:
            if (parse_format(optarg, &opt->format) != 0)
                return bad("unknown --format '%s' (text, json, sarif, github)", optarg);
            break;
        case OPT_CONFIG:
            opt->config = optarg;
            break;
        case OPT_CHECKS:
            opt->checks = optarg;
            break;
        case OPT_DUMP_CONFIG:
            opt->dump_config = true;
            break;
        case OPT_COLOR:
            if (!optarg || strcmp(optarg, "always") == 0)
                opt->color = 1;
            else if (strcmp(optarg, "never") == 0)
                opt->color = 0;
            else if (strcmp(optarg, "auto") == 0)
                opt->color = -1;
            else
                return bad("--color takes always, never or auto, not '%s'", optarg);
            break;
        case OPT_VERIFY:
            opt->verify = true;
            break;
        case OPT_LIST_RULES:
            opt->list_rules = true;
            break;
        case OPT_EXPLAIN:
            opt->explain = optarg;
            break;
        case OPT_VERSION:
            opt->version = true;
            break;
        case 'h':
            opt->help = true;
            break;
        case 'q':
            opt->quiet = true;
            break;
        case OPT_UNUSED_SUPPRESSIONS:
            opt->report_unused_suppressions = true;
            break;
        case OPT_STDIN_FILENAME:
            opt->stdin_filename = optarg;
            break;
        case OPT_CACHE_DIR:
            opt->cache_dir = optarg;
            break;
        case OPT_NO_CACHE:
            opt->no_cache = true;
            break;
        case OPT_STATS:
            opt->stats = true;
            break;
        case OPT_SHARED_PCH:
            opt->shared_pch = true;
            break;
        case OPT_BASELINE:
            opt->baseline = optarg;
            break;
        case OPT_WRITE_BASELINE:
            opt->write_baseline = optarg;
            break;
        case OPT_FIX:
            opt->fix = true;
            break;
        case OPT_FIX_DRY_RUN:
            opt->fix_dry_run = true;
            break;
        case OPT_SHARD:
            if (cl_shard_parse(optarg, &opt->shard_index, &opt->shard_count) != 0)
                return bad("--shard takes K/N with 1 <= K <= N (e.g. 2/4), not '%s'", optarg);
            break;
        case OPT_SHARD_STATE:
            opt->shard_state = optarg;
            break;
        case OPT_MERGE_SHARDS:
            opt->merge_shards = true;
            break;
        case ':':
            return bad("option '%s' needs an argument", argv[optind - 1]);
        default:
            return bad("unknown option '%s'", argv[optind - 1]);
        }
    }
    opt->n_files = (size_t)(split - optind);
    opt->files = cl_xcalloc(opt->n_files + 1, sizeof *opt->files);
    for (size_t i = 0; i < opt->n_files; i++)
        opt->files[i] = argv[optind + (int)i];
    if (opt->fix && opt->fix_dry_run)
        return bad("--fix writes the fixes and --fix-dry-run prints them: choose one");
    if (opt->stdin_filename && opt->fix)
        return bad("--fix edits files on disk, not standard input (--stdin-filename)");
    if (opt->shard_state && !opt->shard_count)
        return bad("--shard-state records a shard: give --shard K/N too");
    if (opt->merge_shards) {
        if (opt->shard_count || opt->stdin_filename || opt->verify || opt->fix)
            return bad("--merge-shards reports the states of finished shards: it takes no "
                       "--shard, --stdin-filename, --verify or --fix");
        if (!opt->n_files)
            return bad("--merge-shards needs the state files the shards wrote (--shard-state)");
    }
    if (opt->stdin_filename) {
        if (opt->n_files)
            return bad("--stdin-filename lints standard input: name no other file (got '%s')",
                       opt->files[0]);
        opt->files[0] = opt->stdin_filename;
        opt->n_files = 1;
    }
    return 0;
}

void cl_options_free(cl_options *opt)
{
    free(opt->files);
    memset(opt, 0, sizeof *opt);
}
