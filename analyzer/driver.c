/* The driver: one run of ctxlint from parsed options to exit status. It builds the jobs, parses
 * and walks the units on worker threads (one libclang index each), merges their findings and
 * cross-file facts in unit order (so the output is the same for every -j), decides the
 * conditional findings, applies suppressions, and writes the report or checks expectations. */
#include "driver.h"

#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "baseline.h"
#include "cache.h"
#include "compdb.h"
#include "config.h"
#include "emit.h"
#include "output.h"
#include "parse.h"
#include "fix.h"
#include "pch.h"
#include "registry.h"
#include "root.h"
#include "shard.h"
#include "source.h"
#include "suppress.h"
#include "verify.h"
#include "walk.h"
#include "xalloc.h"

/* Deeply nested code makes both libclang and the walk recurse deeply: workers get a big stack
 * so that 10,000 nested blocks are an analysis, not a crash. */
#define CL_WORKER_STACK (256u * 1024u * 1024u)

typedef struct job_result {
    cl_unit_result unit;
    bool parsed;     /* a unit was produced */
    bool has_errors; /* it had errors */
    char *error;     /* first error, or why nothing was produced */
} job_result;

typedef struct run {
    const cl_options *opt;
    const cl_config *cfg;
    const cl_config **job_cfg; /* each job's configuration: the .ctxlint.yaml nearest its file */
    const cl_jobs *jobs;
    job_result *results;
    struct CXUnsavedFile *unsaved;
    unsigned n_unsaved;
    atomic_size_t next;
    pthread_mutex_t index_lock;
    cl_cache *cache;                  /* NULL with --no-cache or unsaved buffers */
    cl_pch *pch;                      /* --shared-pch, without unsaved buffers */
    atomic_size_t n_parsed, n_cached; /* --stats */
} run;

static CXIndex new_index(run *r)
{
    /* Index creation is serialised: older libclangs race in target registration. */
    pthread_mutex_lock(&r->index_lock);
    CXIndex idx = clang_createIndex(0, 0);
    pthread_mutex_unlock(&r->index_lock);
    return idx;
}

static void lint_job(run *r, CXIndex *idx, size_t i)
{
    const cl_job *job = &r->jobs->v[i];
    job_result *res = &r->results[i];
    if (r->cache && cl_cache_lookup(r->cache, r->job_cfg[i], job, &res->unit)) {
        res->parsed = true;
        atomic_fetch_add(&r->n_cached, 1);
        return;
    }
    if (!*idx)
        *idx = new_index(r); /* a fully cached run never creates one */
    cl_parse_result pr = {0};
    char *const *pch_deps = NULL;
    size_t n_pch_deps = 0;
    int rc = r->pch ? cl_pch_parse(r->pch, *idx, i, &pr, &pch_deps, &n_pch_deps)
                    : cl_parse_job(*idx, job, r->unsaved, r->n_unsaved, &pr);
    res->has_errors = pr.has_errors;
    res->error = pr.first_error;
    pr.first_error = NULL;
    if (rc == 0 && pr.tu) {
        res->parsed = true;
        atomic_fetch_add(&r->n_parsed, 1);
        cl_walk_unit(pr.tu, r->job_cfg[i], pr.has_errors, job->is_header ? job->file : NULL,
                     &res->unit);
        if (r->cache && !pr.has_errors)
            cl_cache_store(r->cache, r->job_cfg[i], job, pr.tu, pch_deps, n_pch_deps, &res->unit);
    }
    cl_parse_result_free(&pr);
}

static void *worker(void *arg)
{
    run *r = arg;
    CXIndex idx = NULL;
    for (;;) {
        size_t i = atomic_fetch_add(&r->next, 1);
        if (i >= r->jobs->n)
            break;
        lint_job(r, &idx, i);
    }
    if (idx)
        clang_disposeIndex(idx);
    return NULL;
}

static int default_jobs(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? (int)n : 1;
}

static void run_workers(run *r)
{
    size_t n = (size_t)(r->opt->jobs > 0 ? r->opt->jobs : default_jobs());
    if (n > r->jobs->n)
        n = r->jobs->n ? r->jobs->n : 1;
    pthread_t *t = cl_xcalloc(n, sizeof *t);
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CL_WORKER_STACK);
    size_t started = 0;
    for (size_t i = 0; i < n; i++)
        if (pthread_create(&t[i], &attr, worker, r) == 0)
            started++;
        else
            break;
    pthread_attr_destroy(&attr);
    if (started == 0)
        worker(r); /* no thread could start: lint on this one */
    for (size_t i = 0; i < started; i++)
        pthread_join(t[i], NULL);
    free(t);
}

static bool keep_resolved(const cl_finding *f, void *arg)
{
    const cl_facts *facts = arg;
    if (!f->cond_kind)
        return true;
    const cl_rule *r = cl_rule_find(f->rule);
    return r && r->resolve && r->resolve(facts, f->cond_kind, f->cond_key, f->cond_index);
}

typedef struct supp_file {
    char *path;
    cl_suppressions *s;
} supp_file;

typedef struct supp_set {
    supp_file *v;
    size_t n;
    cl_sources *sources;
} supp_set;

static cl_suppressions *suppressions_for(supp_set *set, const char *path)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->v[i].path, path) == 0)
            return set->v[i].s;
    const cl_source *src = cl_sources_get(set->sources, path);
    set->v = cl_xrealloc(set->v, (set->n + 1) * sizeof *set->v);
    set->v[set->n].path = cl_xstrdup(path);
    set->v[set->n].s = cl_suppress_parse(src->ok ? src->text : "", src->ok ? src->len : 0);
    return set->v[set->n++].s;
}

static bool keep_unsuppressed(const cl_finding *f, void *arg)
{
    return !cl_suppress_match_at(suppressions_for(arg, f->begin.file), f->rule, f->begin.line,
                                 f->begin.col);
}

/* Suppressions of every linted file and every file with a finding; their own problems
 * (an unmatched block opener, and with the option, unused suppressions) become findings. */
static void apply_suppressions(cl_findings *all, const cl_jobs *jobs, cl_sources *sources,
                               bool report_unused)
{
    supp_set set = {NULL, 0, sources};
    for (size_t i = 0; i < jobs->n; i++)
        if (!jobs->v[i].summary_only)
            suppressions_for(&set, jobs->v[i].file);
    cl_findings_filter(all, keep_unsuppressed, &set);
    for (size_t i = 0; i < set.n; i++) {
        cl_suppress_problem *probs = NULL;
        size_t n = cl_suppress_problems(set.v[i].s, report_unused, &probs);
        for (size_t p = 0; p < n; p++) {
            cl_finding *f = cl_findings_push(all);
            f->rule = "nolint";
            f->severity = CL_SEV_WARNING;
            f->message = probs[p].message;
            f->begin.file = cl_xstrdup(set.v[i].path);
            f->begin.line = f->end.line = probs[p].line;
            f->begin.col = f->end.col = probs[p].col;
            f->end.file = cl_xstrdup(set.v[i].path);
        }
        free(probs);
        cl_suppress_free(set.v[i].s);
        free(set.v[i].path);
    }
    free(set.v);
}

static bool path_listed(char **paths, size_t n, const char *p)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(paths[i], p) == 0)
            return true;
    return false;
}

/* --verify: every linted file and every file with a finding is checked against its
 * annotations. Prints one line per mismatch and a closing "N passed, N failed" line. */
static int verify(const cl_findings *all, const cl_jobs *jobs, const job_result *results,
                  cl_sources *sources, const char *cwd, FILE *out)
{
    char **files = NULL;
    size_t n_files = 0;
    for (size_t i = 0; i < jobs->n; i++)
        if (!jobs->v[i].summary_only && !path_listed(files, n_files, jobs->v[i].file)) {
            files = cl_xrealloc(files, (n_files + 1) * sizeof *files);
            files[n_files++] = jobs->v[i].file;
        }
    for (size_t i = 0; i < all->n; i++)
        if (!path_listed(files, n_files, all->v[i].begin.file)) {
            files = cl_xrealloc(files, (n_files + 1) * sizeof *files);
            files[n_files++] = all->v[i].begin.file;
        }
    size_t passed = 0, failed = 0;
    for (size_t i = 0; i < n_files; i++) {
        const char *shown = cl_display_path(files[i], cwd);
        bool parse_failed = false;
        for (size_t j = 0; j < jobs->n; j++)
            if (strcmp(jobs->v[j].file, files[i]) == 0 &&
                (!results[j].parsed || results[j].has_errors))
                parse_failed = true;
        const cl_source *src = cl_sources_get(sources, files[i]);
        char *err = NULL;
        cl_expect_file *ef = src->ok ? cl_expect_parse(src->text, src->len, &err) : NULL;
        size_t first = 0, count = 0;
        while (first < all->n && strcmp(all->v[first].begin.file, files[i]) != 0)
            first++;
        while (first + count < all->n && strcmp(all->v[first + count].begin.file, files[i]) == 0)
            count++;
        bool ok;
        if (!ef) {
            fprintf(out, "%s: error: %s\n", shown, src->ok ? err : "cannot be read");
            ok = false;
        } else if (!cl_expect_has_directives(ef)) {
            fprintf(out,
                    "%s:1:1: error: no expectations: annotate findings with `// expect: RULE` "
                    "or add `// expect-no-diagnostics`\n",
                    shown);
            ok = false;
        } else {
            size_t mismatches = cl_expect_check(ef, shown, all->v + first, count, out);
            if (parse_failed) {
                fprintf(out, "%s: error: the file did not parse cleanly (see above)\n", shown);
                mismatches++;
            }
            if (cl_expect_known_failure(ef)) {
                ok = mismatches > 0;
                if (!ok)
                    fprintf(out,
                            "%s:1:1: error: marked expect-known-failure but now passes: remove "
                            "the marker\n",
                            shown);
            } else {
                ok = mismatches == 0;
            }
        }
        free(err);
        cl_expect_free(ef);
        if (ok)
            passed++;
        else
            failed++;
    }
    free(files);
    fprintf(out, "verify: %zu passed, %zu failed\n", passed, failed);
    return failed ? 1 : 0;
}

/* The cache of this run, or NULL (with a note) when its folder cannot be used: linting goes
 * on without it. */
static cl_cache *open_cache(const cl_options *opt)
{
    char *dir = opt->cache_dir ? cl_xstrdup(opt->cache_dir) : cl_cache_default_dir();
    char *err = NULL;
    cl_cache *c = dir ? cl_cache_open(dir, CL_CACHE_DEFAULT_MAX_BYTES, &err) : NULL;
    if (err && !opt->quiet)
        fprintf(stderr, "ctxlint: note: %s; linting without a cache\n", err);
    free(err);
    free(dir);
    return c;
}

static bool use_colour(const cl_options *opt, FILE *out)
{
    if (opt->color >= 0)
        return opt->color == 1;
    const char *term = getenv("TERM");
    return isatty(fileno(out)) && !getenv("NO_COLOR") && term && strcmp(term, "dumb") != 0;
}

/* Everything after the units are merged, shared by a run and a merge of shard states: decide
 * the conditional findings on the facts, de-duplicate, apply suppressions and the baseline,
 * then check the expectations (--verify) or fix and write the report. Returns the exit
 * status, given the one so far. */
static int finish(const cl_options *opt, const cl_config *cfg, cl_findings *all,
                  const cl_facts *facts, const cl_jobs *jobs, const job_result *results,
                  cl_sources *sources, const char *cwd, const char *root, int status)
{
    cl_findings_filter(all, keep_resolved, (void *)facts);
    cl_findings_sort_unique(all);
    apply_suppressions(all, jobs, sources, opt->report_unused_suppressions);
    cl_findings_sort_unique(all);

    if (opt->verify) {
        int v = verify(all, jobs, results, sources, cwd, stdout);
        return status == 0 ? v : (v ? 2 : status);
    }
    if (cl_baseline_run(opt, all, sources, root) != 0)
        return 2;
    bool fix_failed = false;
    cl_fix_plan *plan = cl_fix_run(opt, all, root, &fix_failed);
    cl_output_request req = {.opt = opt,
                             .cfg = cfg,
                             .findings = all,
                             .sources = sources,
                             .cwd = cwd,
                             .root = root,
                             .fix_plan = plan};
    req.color = !opt->output && use_colour(opt, stdout);
    int out_status = cl_output_write(&req);
    cl_fix_plan_free(plan);
    if (out_status != 0 || fix_failed)
        status = 2;
    if (status == 0)
        for (size_t i = 0; i < all->n; i++)
            if (all->v[i].severity >= cfg->fail_severity)
                status = 1;
    return status;
}

/* --merge-shards STATE...: the states the shards of a --shard K/N matrix wrote with
 * --shard-state, merged as if one run had linted every unit: the cross-file findings each
 * shard could not decide are decided here on the facts of all of them. */
static int merge_shards(const cl_options *opt)
{
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';
    char *err = NULL;
    cl_config *cfg = NULL;
    if (cl_config_for_run(opt, &cfg, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }
    cl_findings all = {0};
    cl_facts facts = {0};
    int status = 0;
    for (size_t i = 0; i < opt->n_files && status == 0; i++)
        if (cl_shard_state_read(opt->files[i], &all, &facts, &err) != 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            status = 2;
        }
    if (status == 0) {
        cl_facts_sort(&facts);
        char *root = cl_project_root(cwd);
        cl_sources *sources = cl_sources_new();
        cl_jobs none = {0};
        status = finish(opt, cfg, &all, &facts, &none, NULL, sources, cwd, root, status);
        cl_sources_free(sources);
        free(root);
    }
    cl_findings_free(&all);
    cl_facts_free(&facts);
    cl_config_free(cfg);
    return status;
}

int cl_driver_run(const cl_options *opt)
{
    if (opt->merge_shards)
        return merge_shards(opt);
    int status = 0;
    char *err = NULL;
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        cwd[0] = '\0';

    cl_config *cfg = NULL;
    if (cl_config_for_run(opt, &cfg, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }

    cl_jobs jobs = {0};
    if (cl_jobs_build(opt, &jobs, &err) != 0) {
        fprintf(stderr, "%s\n", err); /* already "ctxlint: error: ..." or "path:l:c: error: ..." */
        free(err);
        cl_config_free(cfg);
        return 2;
    }

    char *root = cl_project_root(cwd);
    if (opt->shard_count)
        cl_shard_jobs(&jobs, root, opt->shard_index, opt->shard_count);
    cl_config_set *configs = cl_config_set_new(opt, cfg);
    const cl_config **job_cfg = cl_xcalloc(jobs.n ? jobs.n : 1, sizeof *job_cfg);
    for (size_t i = 0; i < jobs.n; i++)
        if (cl_config_set_get(configs, jobs.v[i].file, &job_cfg[i], &err) != 0) {
            fprintf(stderr, "%s\n", err);
            free(err);
            free(job_cfg);
            free(root);
            cl_config_set_free(configs);
            cl_jobs_free(&jobs);
            cl_config_free(cfg);
            return 2;
        }

    cl_sources *sources = cl_sources_new();
    run r = {.opt = opt, .cfg = cfg, .job_cfg = job_cfg, .jobs = &jobs};
    r.results = cl_xcalloc(jobs.n ? jobs.n : 1, sizeof *r.results);
    pthread_mutex_init(&r.index_lock, NULL);
    char *stdin_text = NULL;
    struct CXUnsavedFile stdin_file;
    if (opt->stdin_filename && jobs.n > 0) {
        size_t len = 0;
        if (cl_read_stream(stdin, &stdin_text, &len) != 0) {
            fprintf(stderr, "ctxlint: error: cannot read standard input: %s\n", strerror(errno));
            status = 2;
        } else {
            stdin_file.Filename = jobs.v[0].file;
            stdin_file.Contents = stdin_text;
            stdin_file.Length = (unsigned long)len;
            r.unsaved = &stdin_file;
            r.n_unsaved = 1;
            cl_sources_put(sources, jobs.v[0].file, stdin_text, len);
        }
    }
    if (status == 0 && !opt->no_cache && !r.unsaved)
        r.cache = open_cache(opt);
    if (status == 0 && opt->shared_pch && !r.unsaved)
        r.pch = cl_pch_new(&jobs);
    if (status == 0)
        run_workers(&r);
    cl_cache_close(r.cache);
    cl_pch_free(r.pch);
    if (opt->stats)
        fprintf(stderr, "ctxlint: parsed %zu units, %zu from cache\n", atomic_load(&r.n_parsed),
                atomic_load(&r.n_cached));

    /* Merge in unit order: the result is independent of scheduling. */
    cl_findings all = {0};
    cl_facts facts = {0};
    for (size_t i = 0; i < jobs.n; i++) {
        job_result *res = &r.results[i];
        if (jobs.v[i].summary_only) {
            /* Only its facts count: its findings and errors belong to a run that names it. */
            cl_findings_free(&res->unit.findings);
        } else if (res->error && (!res->parsed || res->has_errors)) {
            fprintf(stderr, "%s\n", res->error);
            if (!res->parsed)
                fprintf(stderr,
                        "ctxlint: error: %s could not be parsed; its findings are "
                        "missing\n",
                        cl_display_path(jobs.v[i].file, cwd));
            else
                fprintf(stderr,
                        "ctxlint: error: %s has compile errors (first one above); fix them, "
                        "since findings in a broken unit may be incomplete\n",
                        cl_display_path(jobs.v[i].file, cwd));
            status = 2;
        }
        cl_findings_move(&all, &res->unit.findings);
        cl_facts_move(&facts, &res->unit.facts);
        free(res->error);
    }
    cl_facts_sort(&facts);
    if (opt->shard_state && status == 0 &&
        cl_shard_state_write(opt->shard_state, &all, &facts, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        status = 2;
    }
    if (opt->shard_count)
        cl_shard_drop_conditional(&all);
    status = finish(opt, cfg, &all, &facts, &jobs, r.results, sources, cwd, root, status);

    free(root);
    free(r.results);
    pthread_mutex_destroy(&r.index_lock);
    free(stdin_text);
    cl_findings_free(&all);
    cl_facts_free(&facts);
    cl_sources_free(sources);
    cl_jobs_free(&jobs);
    free(job_cfg);
    cl_config_set_free(configs);
    cl_config_free(cfg);
    return status;
}
