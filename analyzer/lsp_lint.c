/* Linting one open document for the language server (see lsp_lint.h). */
#include "lsp_lint.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "registry.h"
#include "suppress.h"
#include "walk.h"
#include "xalloc.h"

/* The command-line options naming one file; `file` must outlive them. */
static cl_options options_for(const char **file, const cl_lsp_settings *set)
{
    cl_options opt = {0};
    opt.files = (char **)file;
    opt.n_files = 1;
    opt.build_dir = set->compile_commands_dir;
    opt.config = set->config;
    opt.checks = set->checks;
    opt.quiet = true;
    return opt;
}

cl_config *cl_lsp_config_for(const char *file, const cl_lsp_settings *set, char **err)
{
    cl_options opt = options_for(&file, set);
    cl_config *cfg = NULL;
    *err = NULL;
    if (cl_config_for_run(&opt, &cfg, err) == 0)
        return cfg;
    /* Linting goes on with the defaults: a typo in the configuration must not silence it. */
    cfg = cl_config_default();
    char *ignored = NULL;
    if (set->checks && cl_config_apply_checks(cfg, set->checks, &ignored) != 0)
        free(ignored);
    return cfg;
}

/* The configuration file that applies to `doc` now, and its modification time. */
static char *config_file_now(const cl_lsp_doc *doc, const cl_lsp_settings *set,
                             struct timespec *mtime)
{
    char *file = NULL;
    if (set->config) {
        file = cl_xstrdup(set->config);
    } else {
        char *dir = cl_xstrdup(doc->path);
        char *slash = strrchr(dir, '/');
        if (slash)
            *(slash == dir ? slash + 1 : slash) = '\0';
        file = cl_config_find(dir);
        free(dir);
    }
    struct stat st;
    memset(mtime, 0, sizeof *mtime);
    if (file && stat(file, &st) == 0)
        *mtime = st.st_mtim;
    return file;
}

static bool same_file(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

/* Re-reads the configuration when none is loaded, or the file that applies changed or is
 * another one (an edited, created or deleted .ctxlint.yaml). */
static void refresh_config(cl_lsp_doc *doc, const cl_lsp_settings *set, char **show)
{
    struct timespec mtime;
    char *file = config_file_now(doc, set, &mtime);
    if (doc->cfg && same_file(file, doc->cfg_file) && mtime.tv_sec == doc->cfg_mtime.tv_sec &&
        mtime.tv_nsec == doc->cfg_mtime.tv_nsec) {
        free(file);
        return;
    }
    char *err = NULL;
    cl_config_free(doc->cfg);
    doc->cfg = cl_lsp_config_for(doc->path, set, &err);
    free(doc->cfg_file);
    doc->cfg_file = file;
    doc->cfg_mtime = mtime;
    if (err && !same_file(err, doc->cfg_error))
        *show = cl_xasprintf("%s (using the default configuration)", err);
    free(doc->cfg_error);
    doc->cfg_error = err;
}

static int ensure_job(cl_lsp_doc *doc, const cl_lsp_settings *set, char **log)
{
    if (doc->have_job)
        return 0;
    const char *file = doc->path;
    cl_options opt = options_for(&file, set);
    char *err = NULL;
    if (cl_jobs_build(&opt, &doc->jobs, &err) != 0 || doc->jobs.n == 0) {
        *log = err ? err : cl_xasprintf("%s: no job", doc->path);
        return -1;
    }
    doc->have_job = true;
    return 0;
}

static int parse(cl_lsp_doc *doc, CXIndex idx, char **log)
{
    const cl_job *job = &doc->jobs.v[0];
    struct CXUnsavedFile uf = {job->file, doc->text, (unsigned long)doc->len};
    if (doc->pr.tu && cl_reparse_job(job, &uf, 1, &doc->pr) == 0)
        return 0;
    /* First parse, or a failed reparse (which disposed the unit): a new unit with a
     * precompiled preamble for the reparses to come. */
    cl_parse_result_free(&doc->pr);
    unsigned flags = clang_defaultEditingTranslationUnitOptions() |
                     CXTranslationUnit_CreatePreambleOnFirstParse | CXTranslationUnit_KeepGoing;
    if (cl_parse_job_ex(idx, job, &uf, 1, flags, &doc->pr) != 0) {
        *log = doc->pr.first_error ? cl_xstrdup(doc->pr.first_error)
                                   : cl_xasprintf("%s: not parsed", doc->path);
        return -1;
    }
    return 0;
}

int cl_lsp_lint(cl_lsp_doc *doc, CXIndex idx, const cl_lsp_settings *set, char **log, char **show)
{
    *log = NULL;
    *show = NULL;
    doc->dirty = false;
    refresh_config(doc, set, show);
    if (ensure_job(doc, set, log) != 0 || parse(doc, idx, log) != 0)
        return -1;
    const cl_job *job = &doc->jobs.v[0];
    cl_unit_result res = {0};
    cl_walk_unit(doc->pr.tu, doc->cfg, doc->pr.has_errors, job->is_header ? job->file : NULL, &res);
    cl_findings_free(&doc->raw);
    cl_facts_free(&doc->facts);
    doc->raw = res.findings;
    doc->facts = res.facts;
    cl_findings_sort_unique(&doc->raw);
    free(doc->shown);
    doc->shown = NULL;
    return 0;
}

static bool condition_holds(const cl_finding *f, const cl_facts *facts)
{
    if (!f->cond_kind)
        return true;
    const cl_rule *r = cl_rule_find(f->rule);
    return r && r->resolve && r->resolve(facts, f->cond_kind, f->cond_key, f->cond_index);
}

void cl_lsp_resolve(cl_lsp_doc *doc, const cl_facts *facts)
{
    free(doc->shown);
    doc->shown = cl_xcalloc(doc->raw.n ? doc->raw.n : 1, sizeof *doc->shown);
    cl_findings_free(&doc->problems);
    cl_suppressions *s = cl_suppress_parse(doc->text, doc->len);
    for (size_t i = 0; i < doc->raw.n; i++) {
        const cl_finding *f = &doc->raw.v[i];
        doc->shown[i] = f->begin.file && strcmp(f->begin.file, doc->path) == 0 &&
                        condition_holds(f, facts) &&
                        !cl_suppress_match_at(s, f->rule, f->begin.line, f->begin.col);
    }
    cl_suppress_problem *probs = NULL;
    size_t n = cl_suppress_problems(s, false, &probs);
    for (size_t p = 0; p < n; p++) {
        cl_finding *f = cl_findings_push(&doc->problems);
        f->rule = "nolint";
        f->severity = CL_SEV_WARNING;
        f->message = probs[p].message;
        f->begin.file = cl_xstrdup(doc->path);
        f->end.file = cl_xstrdup(doc->path);
        f->begin.line = f->end.line = probs[p].line;
        f->begin.col = f->end.col = probs[p].col;
    }
    free(probs);
    cl_suppress_free(s);
}
