/* Background summaries of the workspace's other units for the language server (see
 * lsp_summary.h). One thread, one libclang index of its own, a LIFO queue; the facts store is
 * guarded by one mutex, held only to copy facts in or out, never while parsing. */
#include "lsp_summary.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#endif

#include "parse.h"
#include "walk.h"
#include "xalloc.h"

/* While a long queue is worked through, the server is woken at most this often to use the
 * facts found so far. */
#define CL_SUMMARY_WAKE_MS 200

/* As the driver's workers: deep nesting recurses deeply in libclang and in the walk. */
#define CL_SUMMARY_STACK (256u * 1024u * 1024u)

typedef struct summary {
    char *file;
    cl_facts facts;
} summary;

typedef struct item {
    cl_job job;
    cl_lsp_settings set;
    size_t nearness; /* bytes of folder shared with the document that queued it */
} item;

struct cl_lsp_summaries {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t thread;
    bool started, stop;
    unsigned gen; /* bumped by clear: work begun before it is dropped */
    summary *done;
    size_t n_done, cap_done;
    item *queue;
    size_t n_queue, cap_queue;
    char *busy; /* the file being summarised */
    int wake_fd;
};

void cl_lsp_facts_copy(cl_facts *to, const cl_facts *from)
{
    for (size_t i = 0; i < from->n; i++) {
        const cl_fact *f = &from->v[i];
        cl_facts_add(to, f->rule, f->kind, f->key, f->index, f->data);
    }
}

static char *dup_or_null(const char *s)
{
    return s ? cl_xstrdup(s) : NULL;
}

static cl_job job_copy(const cl_job *j)
{
    cl_job c = *j;
    c.file = cl_xstrdup(j->file);
    c.directory = cl_xstrdup(j->directory);
    c.unit_file = cl_xstrdup(j->unit_file);
    c.origin = cl_xstrdup(j->origin);
    c.argv = cl_xcalloc((size_t)j->argc + 1, sizeof *c.argv);
    for (int i = 0; i < j->argc; i++)
        c.argv[i] = cl_xstrdup(j->argv[i]);
    return c;
}

static void item_free(item *it)
{
    free(it->job.file);
    free(it->job.directory);
    free(it->job.unit_file);
    free(it->job.origin);
    cl_args_free(it->job.argv, it->job.argc);
    free(it->set.compile_commands_dir);
    free(it->set.config);
    free(it->set.checks);
}

static summary *find_done(cl_lsp_summaries *s, const char *file)
{
    for (size_t i = 0; i < s->n_done; i++)
        if (strcmp(s->done[i].file, file) == 0)
            return &s->done[i];
    return NULL;
}

static bool known(cl_lsp_summaries *s, const char *file)
{
    if (find_done(s, file) || (s->busy && strcmp(s->busy, file) == 0))
        return true;
    for (size_t i = 0; i < s->n_queue; i++)
        if (strcmp(s->queue[i].job.file, file) == 0)
            return true;
    return false;
}

static summary *add_done(cl_lsp_summaries *s, const char *file)
{
    s->done = cl_xgrow(s->done, s->n_done, &s->cap_done, sizeof *s->done);
    summary *e = &s->done[s->n_done++];
    e->file = cl_xstrdup(file);
    memset(&e->facts, 0, sizeof e->facts);
    return e;
}

/* The facts of one unit from the file on disk; its findings are not wanted. */
static void summarise(CXIndex idx, const item *it, cl_facts *out)
{
    char *err = NULL;
    cl_config *cfg = cl_lsp_config_for(it->job.file, &it->set, &err);
    free(err);
    cl_parse_result pr = {0};
    if (cl_parse_job(idx, &it->job, NULL, 0, &pr) == 0 && pr.tu) {
        cl_unit_result res = {0};
        cl_walk_unit(pr.tu, cfg, pr.has_errors, it->job.is_header ? it->job.file : NULL, &res);
        cl_findings_free(&res.findings);
        *out = res.facts;
    }
    cl_parse_result_free(&pr);
    cl_config_free(cfg);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void wake(cl_lsp_summaries *s, bool *fresh, double *last)
{
    /* Non-blocking pipe: when it is full, the server is already due to wake. */
    ssize_t w = write(s->wake_fd, "s", 1);
    (void)w;
    *fresh = false;
    *last = now_ms();
}

static void *run(void *arg)
{
    cl_lsp_summaries *s = arg;
#ifdef __linux__
    /* Linux nices threads one by one: the lint of the buffer being typed in comes first. */
    if (setpriority(PRIO_PROCESS, (id_t)syscall(SYS_gettid), 10) != 0) {
        /* not allowed: it just competes as an equal */
    }
#endif
    CXIndex idx = clang_createIndex(0, 0);
    bool worked = false, fresh = false; /* fresh: facts the server has not been woken for */
    double last_wake = now_ms();
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (!s->stop && s->n_queue == 0) {
            if (worked) {
                worked = false;
                wake(s, &fresh, &last_wake);
            }
            pthread_cond_wait(&s->cv, &s->mu);
        }
        if (s->stop)
            break;
        item it = s->queue[--s->n_queue];
        unsigned gen = s->gen;
        s->busy = it.job.file;
        pthread_mutex_unlock(&s->mu);

        cl_facts facts = {0};
        summarise(idx, &it, &facts);

        pthread_mutex_lock(&s->mu);
        s->busy = NULL;
        /* A summary put meanwhile (a saved buffer) is newer than the disk read here. */
        if (gen == s->gen && !find_done(s, it.job.file)) {
            fresh |= facts.n > 0;
            cl_facts_move(&add_done(s, it.job.file)->facts, &facts);
        }
        cl_facts_free(&facts);
        item_free(&it);
        worked = true;
        if (fresh && now_ms() - last_wake >= CL_SUMMARY_WAKE_MS)
            wake(s, &fresh, &last_wake);
    }
    pthread_mutex_unlock(&s->mu);
    clang_disposeIndex(idx);
    return NULL;
}

cl_lsp_summaries *cl_lsp_summaries_new(int wake_fd)
{
    cl_lsp_summaries *s = cl_xcalloc(1, sizeof *s);
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    s->wake_fd = wake_fd;
    return s;
}

static void clear_locked(cl_lsp_summaries *s)
{
    for (size_t i = 0; i < s->n_done; i++) {
        free(s->done[i].file);
        cl_facts_free(&s->done[i].facts);
    }
    s->n_done = 0;
    for (size_t i = 0; i < s->n_queue; i++)
        item_free(&s->queue[i]);
    s->n_queue = 0;
    s->gen++;
}

void cl_lsp_summaries_free(cl_lsp_summaries *s)
{
    if (!s)
        return;
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->started)
        pthread_join(s->thread, NULL);
    clear_locked(s);
    free(s->done);
    free(s->queue);
    pthread_cond_destroy(&s->cv);
    pthread_mutex_destroy(&s->mu);
    free(s);
}

static size_t shared_folder(const char *a, const char *b)
{
    size_t n = 0, folder = 0;
    while (a[n] && a[n] == b[n]) {
        if (a[n] == '/')
            folder = n;
        n++;
    }
    return folder;
}

static int by_nearness(const void *a, const void *b)
{
    const item *x = a, *y = b;
    return (x->nearness > y->nearness) - (x->nearness < y->nearness);
}

void cl_lsp_summaries_queue(cl_lsp_summaries *s, const cl_jobs *jobs, const cl_lsp_settings *set,
                            const char *near)
{
    pthread_mutex_lock(&s->mu);
    bool added = false;
    for (size_t i = 0; i < jobs->n; i++) {
        if (!jobs->v[i].summary_only || known(s, jobs->v[i].file))
            continue;
        s->queue = cl_xgrow(s->queue, s->n_queue, &s->cap_queue, sizeof *s->queue);
        item *it = &s->queue[s->n_queue++];
        it->job = job_copy(&jobs->v[i]);
        it->set.compile_commands_dir = dup_or_null(set->compile_commands_dir);
        it->set.config = dup_or_null(set->config);
        it->set.checks = dup_or_null(set->checks);
        it->nearness = shared_folder(near, it->job.file);
        added = true;
    }
    /* The units nearest the document first (the queue is taken from its end): a spawner is
     * most often defined beside its callers. */
    if (added)
        qsort(s->queue, s->n_queue, sizeof *s->queue, by_nearness);
    if (added && !s->started) {
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, CL_SUMMARY_STACK);
        s->started = pthread_create(&s->thread, &attr, run, s) == 0;
        pthread_attr_destroy(&attr);
        if (!s->started) /* no thread: the findings that need other units stay unknown */
            clear_locked(s);
    }
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
}

void cl_lsp_summaries_put(cl_lsp_summaries *s, const char *file, const cl_facts *facts)
{
    pthread_mutex_lock(&s->mu);
    summary *e = find_done(s, file);
    if (!e)
        e = add_done(s, file);
    cl_facts_free(&e->facts);
    cl_lsp_facts_copy(&e->facts, facts);
    pthread_mutex_unlock(&s->mu);
}

void cl_lsp_summaries_collect(cl_lsp_summaries *s, cl_facts *out,
                              bool (*skip)(const char *file, void *arg), void *arg)
{
    pthread_mutex_lock(&s->mu);
    for (size_t i = 0; i < s->n_done; i++)
        if (!skip(s->done[i].file, arg))
            cl_lsp_facts_copy(out, &s->done[i].facts);
    pthread_mutex_unlock(&s->mu);
}

void cl_lsp_summaries_clear(cl_lsp_summaries *s)
{
    pthread_mutex_lock(&s->mu);
    clear_locked(s);
    pthread_mutex_unlock(&s->mu);
}
