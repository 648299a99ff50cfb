/* Unit tests for cache.c: a stored unit comes back whole (findings with notes, fixes and
 * conditions, and facts); editing an included header (even only a comment) or the
 * configuration is a miss; a damaged entry is ignored and rewritten; concurrent writers never
 * leave a half entry visible; the folder is trimmed oldest first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>

#include "cache.h"
#include "compdb.h"
#include "config.h"
#include "parse.h"
#include "registry.h"
#include "testfs.h"
#include "walk.h"

static const char header_text[] = "#include <ctx/ctx.h>\n/* helpers */\nint helper(int x);\n";
static const char unit_text[] = "#include \"helper.h\"\n"
                                "int lookup(const char *name, ctx_t *ctx) { (void)name;\n"
                                "  return ctx_err(ctx) + helper(1); }\n";

/* A project with one unit (which has a context-not-first finding) and the header it includes. */
typedef struct project {
    char *root, *unit, *header, *cache_dir;
    cl_jobs jobs;
    cl_config *cfg;
} project;

static project project_new(void)
{
    project p = {0};
    p.root = tfs_mkdtemp();
    p.header = tfs_write(p.root, "inc/helper.h", header_text);
    p.unit = tfs_write(p.root, "src/unit.c", unit_text);
    p.cache_dir = cl_xasprintf("%s/cache/nested", p.root);
    char *inc = cl_xasprintf("-I%s/inc", p.root);
    char *rt = cl_xasprintf("-I%s", CTXLINT_RUNTIME_INCLUDE);
    char *extra[] = {"-std=c11", inc, rt};
    char *files[] = {p.unit, NULL};
    cl_options opt = {0};
    opt.files = files;
    opt.n_files = 1;
    opt.extra_args = extra;
    opt.n_extra_args = 3;
    opt.have_extra_args = true;
    opt.quiet = true;
    char *err = NULL;
    assert_int_equal(cl_jobs_build(&opt, &p.jobs, &err), 0);
    assert_int_equal(p.jobs.n, 1);
    free(inc);
    free(rt);
    p.cfg = cl_config_default();
    return p;
}

static void project_free(project *p)
{
    cl_jobs_free(&p->jobs);
    cl_config_free(p->cfg);
    free(p->unit);
    free(p->header);
    free(p->cache_dir);
    tfs_rmtree(p->root);
}

static void result_free(cl_unit_result *r)
{
    cl_findings_free(&r->findings);
    cl_facts_free(&r->facts);
    memset(r, 0, sizeof *r);
}

/* Parses and walks the project's unit, adds a note, a fix, a conditional finding and a fact
 * (so that every field goes through the cache), and stores it. */
static void lint_and_store(cl_cache *c, const project *p, cl_unit_result *res)
{
    CXIndex idx = clang_createIndex(0, 0);
    cl_parse_result pr = {0};
    assert_int_equal(cl_parse_job(idx, &p->jobs.v[0], NULL, 0, &pr), 0);
    assert_false(pr.has_errors);
    cl_walk_unit(pr.tu, p->cfg, false, NULL, res);
    assert_int_equal(res->findings.n, 1);
    cl_finding *f = &res->findings.v[0];
    cl_pos at = {cl_xstrdup(p->unit), 2, 5, 24};
    cl_finding_add_note(f, at, cl_xstrdup("declared here"));
    cl_finding_add_fix(f, p->unit, 24, 4, "ctx_t *ctx, const char *name");
    cl_finding *g = cl_findings_push(&res->findings);
    g->rule = cl_rules[0]->id;
    g->severity = CL_SEV_ERROR;
    g->message = cl_xstrdup("conditional");
    g->begin = (cl_pos){cl_xstrdup(p->unit), 3, 3, 60};
    g->end = (cl_pos){cl_xstrdup(p->unit), 3, 9, 66};
    g->cond_kind = cl_xstrdup("param-spawns");
    g->cond_key = cl_xstrdup("c:@F@lookup");
    g->cond_index = 1;
    cl_facts_add(&res->facts, cl_rules[0]->id, "param-spawns", "c:@F@lookup", 0, NULL);
    cl_facts_add(&res->facts, cl_rules[0]->id, "calls", "c:@F@lookup", -1, "c:@F@helper#0");
    assert_int_equal(cl_cache_store(c, p->cfg, &p->jobs.v[0], pr.tu, NULL, 0, res), 0);
    cl_parse_result_free(&pr);
    clang_disposeIndex(idx);
}

static void assert_pos_equal(const cl_pos *a, const cl_pos *b)
{
    assert_string_equal(a->file, b->file);
    assert_int_equal(a->line, b->line);
    assert_int_equal(a->col, b->col);
    assert_int_equal(a->offset, b->offset);
}

static void assert_same_result(const cl_unit_result *a, const cl_unit_result *b)
{
    assert_int_equal(a->findings.n, b->findings.n);
    for (size_t i = 0; i < a->findings.n; i++) {
        const cl_finding *x = &a->findings.v[i], *y = &b->findings.v[i];
        assert_ptr_equal(x->rule, y->rule); /* the registry's static id, not a copy */
        assert_int_equal(x->severity, y->severity);
        assert_string_equal(x->message, y->message);
        assert_pos_equal(&x->begin, &y->begin);
        assert_pos_equal(&x->end, &y->end);
        assert_int_equal(x->n_notes, y->n_notes);
        for (size_t j = 0; j < x->n_notes; j++) {
            assert_pos_equal(&x->notes[j].pos, &y->notes[j].pos);
            assert_string_equal(x->notes[j].message, y->notes[j].message);
        }
        assert_int_equal(x->n_fixes, y->n_fixes);
        for (size_t j = 0; j < x->n_fixes; j++) {
            assert_string_equal(x->fixes[j].file, y->fixes[j].file);
            assert_int_equal(x->fixes[j].offset, y->fixes[j].offset);
            assert_int_equal(x->fixes[j].length, y->fixes[j].length);
            assert_string_equal(x->fixes[j].text, y->fixes[j].text);
        }
        assert_true((x->cond_kind == NULL) == (y->cond_kind == NULL));
        if (x->cond_kind) {
            assert_string_equal(x->cond_kind, y->cond_kind);
            assert_string_equal(x->cond_key, y->cond_key);
            assert_int_equal(x->cond_index, y->cond_index);
        }
    }
    assert_int_equal(a->facts.n, b->facts.n);
    for (size_t i = 0; i < a->facts.n; i++) {
        const cl_fact *x = &a->facts.v[i], *y = &b->facts.v[i];
        assert_ptr_equal(x->rule, y->rule);
        assert_string_equal(x->kind, y->kind);
        assert_string_equal(x->key, y->key);
        assert_int_equal(x->index, y->index);
        assert_true((x->data == NULL) == (y->data == NULL));
        if (x->data)
            assert_string_equal(x->data, y->data);
    }
}

static cl_cache *open_cache(const project *p, uint64_t max)
{
    char *err = NULL;
    cl_cache *c = cl_cache_open(p->cache_dir, max, &err);
    assert_non_null(c);
    return c;
}

/* A run that lints and stores the project's unit. */
static void run_storing(const project *p, cl_unit_result *stored)
{
    cl_cache *c = open_cache(p, CL_CACHE_DEFAULT_MAX_BYTES);
    lint_and_store(c, p, stored);
    cl_cache_close(c);
}

/* A later run with `cfg`: whether it finds the unit in the cache (the result goes to *got,
 * which is freed first). */
static bool run_looking_up(const project *p, const cl_config *cfg, cl_unit_result *got)
{
    result_free(got);
    cl_cache *c = open_cache(p, CL_CACHE_DEFAULT_MAX_BYTES);
    bool hit = cl_cache_lookup(c, cfg, &p->jobs.v[0], got);
    cl_cache_close(c);
    if (!hit)
        assert_int_equal(got->findings.n + got->facts.n, 0);
    return hit;
}

static void test_hit_returns_what_was_stored(void **state)
{
    (void)state;
    project p = project_new();
    cl_unit_result stored = {0}, got = {0};
    assert_false(run_looking_up(&p, p.cfg, &got));
    run_storing(&p, &stored);
    assert_true(run_looking_up(&p, p.cfg, &got));
    assert_same_result(&stored, &got);
    result_free(&stored);
    result_free(&got);
    project_free(&p);
}

static void test_header_edit_is_a_miss(void **state)
{
    (void)state;
    project p = project_new();
    cl_unit_result stored = {0}, got = {0};
    run_storing(&p, &stored);

    /* Only a comment changes: suppressions live in comments, so it must still miss. */
    free(tfs_write(p.root, "inc/helper.h",
                   "#include <ctx/ctx.h>\n/* helpers NOLINT */\nint helper(int x);\n"));
    assert_false(run_looking_up(&p, p.cfg, &got));

    /* Back to the stored content: the entry is valid again. */
    free(tfs_write(p.root, "inc/helper.h", header_text));
    assert_true(run_looking_up(&p, p.cfg, &got));
    assert_same_result(&stored, &got);

    /* The unit itself edited: a miss too. */
    free(tfs_write(p.root, "src/unit.c", "#include \"helper.h\"\nint x;\n"));
    assert_false(run_looking_up(&p, p.cfg, &got));
    result_free(&stored);
    result_free(&got);
    project_free(&p);
}

static void test_config_change_is_a_miss(void **state)
{
    (void)state;
    project p = project_new();
    cl_unit_result stored = {0}, got = {0};
    run_storing(&p, &stored);

    cl_config *same = cl_config_default();
    assert_true(cl_cache_config_hash(same) == cl_cache_config_hash(p.cfg));
    assert_true(run_looking_up(&p, same, &got));

    cl_config *sev = cl_config_default();
    sev->rules[0].severity = sev->rules[0].severity == CL_SEV_ERROR ? CL_SEV_NOTE : CL_SEV_ERROR;
    cl_config *off = cl_config_default();
    off->rules[0].enabled = false;
    cl_config *model = cl_config_default();
    cl_model_add_name(&model->model->context_types, &model->model->n_context_types, "my_ctx");
    cl_config *changed[] = {sev, off, model};
    for (size_t i = 0; i < 3; i++) {
        assert_true(cl_cache_config_hash(changed[i]) != cl_cache_config_hash(p.cfg));
        assert_false(run_looking_up(&p, changed[i], &got));
        cl_config_free(changed[i]);
    }
    cl_config_free(same);
    result_free(&stored);
    result_free(&got);
    project_free(&p);
}

static void write_bytes(const char *path, const char *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, n, f), n);
    fclose(f);
}

static char *read_bytes(const char *path, size_t *n)
{
    FILE *f = fopen(path, "rb");
    assert_non_null(f);
    char *buf = cl_xmalloc(1 << 20);
    *n = fread(buf, 1, 1 << 20, f);
    fclose(f);
    return buf;
}

static void test_corrupt_entry_is_ignored_and_rewritten(void **state)
{
    (void)state;
    project p = project_new();
    cl_cache *c = open_cache(&p, CL_CACHE_DEFAULT_MAX_BYTES);
    cl_unit_result stored = {0}, got = {0};
    lint_and_store(c, &p, &stored);
    char *path = cl_cache_entry_path(c, p.cfg, &p.jobs.v[0]);
    size_t n = 0;
    char *good = read_bytes(path, &n);
    assert_true(n > 64);

    /* Every single flipped byte, a truncation at every length, and garbage: all misses. */
    char *bad = cl_xmalloc(n);
    for (size_t i = 0; i < n; i++) {
        memcpy(bad, good, n);
        bad[i] ^= 0x5a;
        write_bytes(path, bad, n);
        assert_false(cl_cache_lookup(c, p.cfg, &p.jobs.v[0], &got));
        assert_int_equal(got.findings.n + got.facts.n, 0);
    }
    for (size_t len = 0; len < n; len += 7) {
        write_bytes(path, good, len);
        assert_false(cl_cache_lookup(c, p.cfg, &p.jobs.v[0], &got));
    }
    write_bytes(path, "not a cache entry at all, just text\n", 36);
    assert_false(cl_cache_lookup(c, p.cfg, &p.jobs.v[0], &got));

    /* The next lint stores it again, and it is trusted again. */
    cl_unit_result again = {0};
    lint_and_store(c, &p, &again);
    size_t n2 = 0;
    char *rewritten = read_bytes(path, &n2);
    assert_int_equal(n2, n);
    assert_memory_equal(rewritten, good, n);
    assert_true(cl_cache_lookup(c, p.cfg, &p.jobs.v[0], &got));
    assert_same_result(&stored, &got);
    cl_cache_close(c);
    free(rewritten);
    free(bad);
    free(good);
    free(path);
    result_free(&stored);
    result_free(&again);
    result_free(&got);
    project_free(&p);
}

typedef struct writer_arg {
    const project *p;
    int rounds;
    int hits, bad;
} writer_arg;

/* One "run": its own cache handle and libclang index, storing and reading the same entry as
 * the other threads over and over. A lookup may miss (an entry being replaced) but never
 * return anything but the stored result. */
static void *writer(void *arg)
{
    writer_arg *w = arg;
    char *err = NULL;
    cl_cache *c = cl_cache_open(w->p->cache_dir, CL_CACHE_DEFAULT_MAX_BYTES, &err);
    if (!c) {
        w->bad++;
        return NULL;
    }
    CXIndex idx = clang_createIndex(0, 0);
    cl_parse_result pr = {0};
    cl_unit_result res = {0};
    if (cl_parse_job(idx, &w->p->jobs.v[0], NULL, 0, &pr) != 0) {
        w->bad++;
    } else {
        cl_walk_unit(pr.tu, w->p->cfg, false, NULL, &res);
        for (int i = 0; i < w->rounds; i++) {
            if (cl_cache_store(c, w->p->cfg, &w->p->jobs.v[0], pr.tu, NULL, 0, &res) != 0)
                w->bad++;
            cl_unit_result got = {0};
            if (cl_cache_lookup(c, w->p->cfg, &w->p->jobs.v[0], &got)) {
                w->hits++;
                if (got.findings.n != res.findings.n ||
                    strcmp(got.findings.v[0].message, res.findings.v[0].message) != 0)
                    w->bad++;
            }
            result_free(&got);
        }
    }
    result_free(&res);
    cl_parse_result_free(&pr);
    clang_disposeIndex(idx);
    cl_cache_close(c);
    return NULL;
}

static void test_concurrent_writers(void **state)
{
    (void)state;
    project p = project_new();
    enum { N = 4 };
    pthread_t t[N];
    writer_arg w[N];
    for (int i = 0; i < N; i++) {
        w[i] = (writer_arg){&p, 40, 0, 0};
        assert_int_equal(pthread_create(&t[i], NULL, writer, &w[i]), 0);
    }
    int hits = 0;
    for (int i = 0; i < N; i++) {
        pthread_join(t[i], NULL);
        assert_int_equal(w[i].bad, 0);
        hits += w[i].hits;
    }
    assert_true(hits > 0);
    /* Exactly one entry, no temporary file left behind. */
    DIR *d = opendir(p.cache_dir);
    int entries = 0, others = 0;
    for (struct dirent *e; (e = readdir(d));)
        if (strstr(e->d_name, ".ctxc") && !strstr(e->d_name, "tmp"))
            entries++;
        else if (e->d_name[0] != '.')
            others++;
    closedir(d);
    assert_int_equal(entries, 1);
    assert_int_equal(others, 0);
    project_free(&p);
}

static void test_trimmed_oldest_first(void **state)
{
    (void)state;
    project p = project_new();
    cl_cache *c = open_cache(&p, CL_CACHE_DEFAULT_MAX_BYTES);
    cl_unit_result res = {0};
    lint_and_store(c, &p, &res);
    char *real = cl_cache_entry_path(c, p.cfg, &p.jobs.v[0]);
    cl_cache_close(c);
    size_t n = 0;
    char *entry = read_bytes(real, &n);
    /* Ten older entries of the same size (contents do not matter for trimming). */
    for (int i = 0; i < 10; i++) {
        char *old = cl_xasprintf("%s/%032x.ctxc", p.cache_dir, i);
        write_bytes(old, entry, n);
        struct timespec ts[2] = {{1000 + i, 0}, {1000 + i, 0}};
        utimensat(AT_FDCWD, old, ts, 0);
        free(old);
    }
    /* A run with room for four entries that stores (re-stores) the real one. */
    c = open_cache(&p, 4 * (uint64_t)n);
    result_free(&res);
    lint_and_store(c, &p, &res);
    cl_cache_close(c);
    int left = 0;
    for (int i = 0; i < 10; i++) {
        char *old = cl_xasprintf("%s/%032x.ctxc", p.cache_dir, i);
        if (access(old, F_OK) == 0) {
            left++;
            assert_true(i >= 8); /* only the newest survive */
        }
        free(old);
    }
    assert_int_equal(left, 2); /* 3/4 of the limit: the real entry and the two newest */
    assert_int_equal(access(real, F_OK), 0);
    free(entry);
    free(real);
    result_free(&res);
    project_free(&p);
}

static void test_unusable_folder(void **state)
{
    (void)state;
    project p = project_new();
    char *file = tfs_write(p.root, "a-file", "x");
    char *under = cl_xasprintf("%s/sub", file);
    char *err = NULL;
    assert_null(cl_cache_open(under, 1024, &err));
    assert_non_null(strstr(err, under));
    free(err);
    free(under);
    free(file);
    project_free(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_hit_returns_what_was_stored),
        cmocka_unit_test(test_header_edit_is_a_miss),
        cmocka_unit_test(test_config_change_is_a_miss),
        cmocka_unit_test(test_corrupt_entry_is_ignored_and_rewritten),
        cmocka_unit_test(test_concurrent_writers),
        cmocka_unit_test(test_trimmed_oldest_first),
        cmocka_unit_test(test_unusable_folder),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
