/* The after-func executor: a few worker threads that run ctx_after_func callbacks, so user code
 * never runs on the cancelling thread or under a context lock. It grows up to MAX_WORKERS when
 * every worker is busy (a callback may block, as Go's may), and is drained and joined at exit so
 * no thread outlives the program under valgrind. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#define MAX_WORKERS 8

static pthread_mutex_t ex_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t ex_cond = PTHREAD_COND_INITIALIZER;
static struct ctx__after *queue_head, **queue_tail = &queue_head;
static pthread_t workers[MAX_WORKERS];
static int n_workers, n_idle;
static bool stopping;

static bool spawn_worker(void);

static void *worker_main(void *unused)
{
    (void)unused;
    pthread_mutex_lock(&ex_lock);
    for (;;) {
        while (!queue_head && !stopping) {
            n_idle++;
            pthread_cond_wait(&ex_cond, &ex_lock);
            n_idle--;
        }
        if (!queue_head)
            break; /* stopping, and the queue is drained */
        struct ctx__after *a = queue_head;
        queue_head = a->next;
        if (!queue_head)
            queue_tail = &queue_head;
        a->next = NULL;
        /* This callback may block; if more are queued and nobody is idle, add a worker. */
        if (queue_head && n_idle == 0)
            spawn_worker();
        pthread_mutex_unlock(&ex_lock);
        ctx__after_invoke(a);
        pthread_mutex_lock(&ex_lock);
    }
    pthread_mutex_unlock(&ex_lock);
    return NULL;
}

void ctx__executor_shutdown(void)
{
    pthread_mutex_lock(&ex_lock);
    stopping = true;
    pthread_cond_broadcast(&ex_cond);
    int n = n_workers;
    pthread_mutex_unlock(&ex_lock);
    for (int i = 0; i < n; i++)
        pthread_join(workers[i], NULL);
    pthread_mutex_lock(&ex_lock);
    n_workers = 0;
    stopping = false;
    pthread_mutex_unlock(&ex_lock);
}

/* Called with ex_lock held. */
static bool spawn_worker(void)
{
    if (n_workers == MAX_WORKERS || stopping)
        return false;
    if (pthread_create(&workers[n_workers], NULL, worker_main, NULL) != 0)
        return false;
    n_workers++;
    ctx__shutdown_at_exit();
    return true;
}

bool ctx__executor_ensure(void)
{
    pthread_mutex_lock(&ex_lock);
    bool ok = n_workers > 0 || spawn_worker();
    pthread_mutex_unlock(&ex_lock);
    return ok;
}

void ctx__executor_submit(struct ctx__after *list)
{
    int n = 0;
    pthread_mutex_lock(&ex_lock);
    *queue_tail = list;
    for (struct ctx__after *a = list; a; a = a->next) {
        queue_tail = &a->next;
        n++;
    }
    /* Busy workers may be blocked in user callbacks; add one rather than queue behind them. */
    if (n_idle == 0 || n_workers == 0)
        spawn_worker();
    if (n > 1)
        pthread_cond_broadcast(&ex_cond);
    else
        pthread_cond_signal(&ex_cond);
    pthread_mutex_unlock(&ex_lock);
}
