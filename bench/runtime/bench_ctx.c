/* C twins of Go's context/benchmark_test.go, printed in `go test -bench` format (name, N, ns/op,
 * B/op, allocs/op) so run.sh can put them beside Go's own numbers. Allocations are counted
 * through the runtime's allocator seam with per-thread counters. Iteration counts grow until a
 * run lasts CTX_BENCHTIME_MS (default 300 ms), as Go's b.N does.
 *
 * Where Go's benchmark relies on the garbage collector (CancelTree discards its CancelFuncs),
 * the C twin pays for freeing explicitly inside the timed loop. Where it spawns a goroutine per
 * operation (DeepValueNewGoRoutine), C has no goroutine: the twin runs each lookup on a fresh
 * coroutine stack on the same thread, as Go's scheduler runs a new goroutine; DeepValueNewThread
 * shows what a pthread_create per operation would cost instead. */
/* ucontext left POSIX in 2008; glibc keeps it under _GNU_SOURCE. */
#define _GNU_SOURCE
#include <ctx/ctx.h>

#include <pthread.h>
#include <setjmp.h>
#include <stdbool.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <ucontext.h>
#include <unistd.h>

/* ---- allocation counting through the seam ------------------------------------------------- */

static _Thread_local long tl_allocs, tl_bytes;
static atomic_long total_allocs, total_bytes;

static void *count_alloc(size_t n)
{
    tl_allocs++;
    tl_bytes += (long)n;
    return malloc(n);
}

static void flush_counts(void)
{
    atomic_fetch_add(&total_allocs, tl_allocs);
    atomic_fetch_add(&total_bytes, tl_bytes);
    tl_allocs = tl_bytes = 0;
}

/* ---- harness -------------------------------------------------------------------------------- */

static int n_threads;
static long bench_ns_target;
static volatile long sink;

static int64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

typedef void (*bench_fn)(long iters, void *arg);

struct par {
    bench_fn fn;
    void *arg;
    long iters;
    pthread_barrier_t *start;
};

static void *par_main(void *p)
{
    struct par *w = p;
    pthread_barrier_wait(w->start);
    w->fn(w->iters, w->arg);
    flush_counts();
    return NULL;
}

/* Runs fn over `iters` iterations, split across n_threads when parallel (Go's RunParallel). */
static int64_t run_once(bench_fn fn, void *arg, long iters, bool parallel)
{
    atomic_store(&total_allocs, 0);
    atomic_store(&total_bytes, 0);
    tl_allocs = tl_bytes = 0;
    if (!parallel) {
        int64_t t0 = now_ns();
        fn(iters, arg);
        int64_t t = now_ns() - t0;
        flush_counts();
        return t;
    }
    pthread_t th[64];
    struct par w[64];
    pthread_barrier_t start;
    pthread_barrier_init(&start, NULL, (unsigned)n_threads + 1);
    for (int i = 0; i < n_threads; i++) {
        w[i] = (struct par){fn, arg, iters / n_threads + (i < iters % n_threads), &start};
        pthread_create(&th[i], NULL, par_main, &w[i]);
    }
    pthread_barrier_wait(&start);
    int64_t t0 = now_ns();
    for (int i = 0; i < n_threads; i++)
        pthread_join(th[i], NULL);
    int64_t t = now_ns() - t0;
    pthread_barrier_destroy(&start);
    return t;
}

static const char *bench_filter; /* CTX_BENCH_FILTER: run only names containing it */

static void bench(const char *name, bench_fn fn, void *arg, bool parallel)
{
    if (bench_filter && !strstr(name, bench_filter))
        return;
    long n = 1;
    int64_t t;
    for (;;) {
        t = run_once(fn, arg, n, parallel);
        if (t >= bench_ns_target || n >= 1000000000L)
            break;
        double per = t > 0 ? (double)t / (double)n : 1.0;
        long next = (long)((double)bench_ns_target * 1.2 / per);
        if (next > n * 100)
            next = n * 100;
        if (next <= n)
            next = n + 1;
        n = next;
    }
    printf("Benchmark%s-%d\t%10ld\t%12.2f ns/op\t%8ld B/op\t%8.2f allocs/op\n", name, n_threads, n,
           (double)t / (double)n, atomic_load(&total_bytes) / n,
           (double)atomic_load(&total_allocs) / (double)n);
    fflush(stdout);
}

/* ---- CommonParentCancel ------------------------------------------------------------------ */

static const ctx_key_t key = CTX_KEY("key");

/* Go's busy work `x /= x + 1` on a 64-bit int; `zero` keeps the compiler from folding it. */
static volatile int64_t zero;

static void common_parent_cancel(long iters, void *arg)
{
    ctx_t *shared = arg;
    int64_t x = zero;
    for (long i = 0; i < iters; i++) {
        ctx_cancel_t cancel;
        ctx_t *c = ctx_with_cancel(shared, &cancel);
        const char *v = ctx_value(c, &key);
        if (!v || strcmp(v, "value") != 0)
            abort();
        for (int j = 0; j < 100; j++)
            x /= x + 1;
        ctx_cancel(&cancel);
        for (int j = 0; j < 100; j++)
            x /= x + 1;
    }
    sink = (long)x;
}

/* ---- WithTimeout --------------------------------------------------------------------------- */

static void with_timeout(long iters, void *arg)
{
    (void)arg;
    ctx_cancel_t wcf[10];
    for (long i = 0; i < iters; i++) {
        for (int j = 0; j < 10; j++)
            ctx_with_timeout(ctx_background(), CTX_SECONDS(3600), &wcf[j]);
        for (int j = 0; j < 10; j++)
            ctx_cancel(&wcf[j]);
    }
}

static void bench_with_timeout(int concurrency)
{
    char name[64];
    snprintf(name, sizeof name, "WithTimeout/concurrency=%d", concurrency);
    if (bench_filter && !strstr(name, bench_filter))
        return; /* skip the setup too */
    /* The live timers Go spreads over its Ps; the heap here is shared, so their count is what
     * matters. */
    ctx_cancel_t *live = malloc((size_t)concurrency * sizeof *live);
    for (int i = 0; i < concurrency; i++)
        ctx_with_timeout(ctx_background(), CTX_SECONDS(3600), &live[i]);
    bench(name, with_timeout, NULL, true);
    for (int i = 0; i < concurrency; i++)
        ctx_cancel(&live[i]);
    free(live);
}

/* ---- CancelTree ------------------------------------------------------------------------------ */

enum root_kind { ROOT_BACKGROUND, ROOT_OPEN, ROOT_CLOSED };

struct tree_arg {
    int depth;
    enum root_kind root;
    ctx_cancel_t *handles;
};

static void cancel_tree(long iters, void *p)
{
    struct tree_arg *a = p;
    for (long i = 0; i < iters; i++) {
        ctx_cancel_t root_cancel;
        ctx_t *c = ctx_background();
        if (a->root != ROOT_BACKGROUND) {
            c = ctx_with_cancel(ctx_background(), &root_cancel);
            if (a->root == ROOT_CLOSED) {
                ctx_retain(c); /* Go keeps using ctx after cancel(): so do we */
                ctx_cancel(&root_cancel);
            }
        }
        ctx_t *root = c;
        for (int d = 0; d < a->depth; d++)
            c = ctx_with_cancel(c, &a->handles[d]);
        if (a->root == ROOT_OPEN)
            ctx_cancel(&root_cancel);
        /* What Go leaves to its collector: drop every handle's reference. */
        for (int d = a->depth - 1; d >= 0; d--)
            ctx_cancel(&a->handles[d]);
        if (a->root == ROOT_CLOSED)
            ctx_release(root);
    }
    /* root_cancel is cancelled above for ROOT_CLOSED and ROOT_OPEN alike; lost-cancel treats
     * the tests of a->root as independent (a limitation on its page) and reports this exit. */
} // NOLINT(lost-cancel)

/* ---- CheckCanceled, ContextCancelDone ------------------------------------------------------- */

static void check_err(long iters, void *arg)
{
    long s = 0;
    for (long i = 0; i < iters; i++)
        s += ctx_err(arg);
    sink = s;
}

static void check_done(long iters, void *arg)
{
    long s = 0;
    for (long i = 0; i < iters; i++)
        s += ctx_done(arg);
    sink = s;
}

/* ---- DeepValue ------------------------------------------------------------------------------ */

static const ctx_key_t missing = CTX_KEY("-1");

static void deep_value_same(long iters, void *arg)
{
    long s = 0;
    for (long i = 0; i < iters; i++)
        s += ctx_value(arg, &missing) != NULL;
    sink = s;
}

/* `go f(); wg.Wait()` runs f on another goroutine's small stack, usually on the same OS thread,
 * and waits for it. C has no goroutines; the twin runs each lookup on a coroutine with its own
 * 16 KiB stack on the same thread and switches back. The coroutine is made once with
 * makecontext; each operation enters it and returns with _setjmp/_longjmp, since glibc's
 * swapcontext makes two sigprocmask system calls per switch that a goroutine switch never pays. */
/* It carries the context to the coroutine on purpose, like a task-argument struct. */
struct CTX_CARRIER coroutine {
    jmp_buf caller, self;
    ucontext_t boot_caller, boot;
    ctx_t *c;
    char stack[16384];
};

static struct coroutine *current;

static void coroutine_main(void)
{
    struct coroutine *co = current;
    /* Park at once; every resume performs one lookup and parks again. It never returns: when a
     * benchmark ends the parked frame is simply abandoned with its stack. */
    for (;;) {
        if (!_setjmp(co->self))
            _longjmp(co->caller, 1);
        sink = ctx_value(co->c, &missing) != NULL;
    }
}

static void coroutine_start(ctx_t *c, struct coroutine *co)
{
    current = co;
    co->c = c;
    getcontext(&co->boot);
    co->boot.uc_stack.ss_sp = co->stack;
    co->boot.uc_stack.ss_size = sizeof co->stack;
    co->boot.uc_link = &co->boot_caller;
    makecontext(&co->boot, coroutine_main, 0);
    if (!_setjmp(co->caller))
        swapcontext(&co->boot_caller, &co->boot);
}

/* One switch there and back; a function of its own so no loop variable lives across _setjmp. */
static __attribute__((noinline)) void coroutine_resume(struct coroutine *co)
{
    if (!_setjmp(co->caller))
        _longjmp(co->self, 1);
}

static void deep_value_coroutine(long iters, void *arg)
{
    for (long i = 0; i < iters; i++)
        coroutine_resume(arg);
}

static void *lookup_once(void *arg)
{
    sink = ctx_value(arg, &missing) != NULL;
    return NULL;
}

static void deep_value_new_thread(long iters, void *arg)
{
    for (long i = 0; i < iters; i++) {
        pthread_t t;
        pthread_create(&t, NULL, lookup_once, arg);
        pthread_join(t, NULL);
    }
}

static ctx_t *value_chain(int depth, ctx_key_t *keys, ctx_t **owned)
{
    ctx_t *c = ctx_background();
    for (int i = 0; i < depth; i++) {
        keys[i].name = "i";
        c = owned[i] = ctx_with_value(c, &keys[i], &keys[i]);
    }
    return c;
}

static void release_chain(int depth, ctx_t **owned)
{
    for (int i = depth - 1; i >= 0; i--)
        ctx_release(owned[i]);
}

int main(void)
{
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    n_threads = cpus < 1 ? 1 : cpus > 64 ? 64 : (int)cpus;
    const char *threads = getenv("CTX_BENCH_THREADS"); /* RunParallel's -cpu, for experiments */
    if (threads && atoi(threads) > 0 && atoi(threads) <= 64)
        n_threads = atoi(threads);
    const char *bt = getenv("CTX_BENCHTIME_MS");
    bench_ns_target = (bt ? atol(bt) : 300) * 1000000L;
    if (bench_ns_target <= 0)
        bench_ns_target = 300000000L;
    bench_filter = getenv("CTX_BENCH_FILTER");
    ctx_set_allocator(count_alloc, free);
    char name[96];

    {
        static char value[] = "value";
        ctx_t *root = ctx_with_value(ctx_background(), &key, value);
        ctx_cancel_t shared_cancel;
        ctx_t *shared = ctx_with_cancel(root, &shared_cancel);
        bench("CommonParentCancel", common_parent_cancel, shared, true);
        ctx_cancel(&shared_cancel);
        ctx_release(root);
    }

    for (int concurrency = 40; concurrency <= 400000; concurrency *= 100)
        bench_with_timeout(concurrency);

    {
        static ctx_cancel_t handles[1000];
        static const char *root_names[] = {"Background", "OpenCanceler", "ClosedCanceler"};
        for (int depth = 1; depth <= 1000; depth *= 10)
            for (int r = 0; r < 3; r++) {
                struct tree_arg a = {depth, (enum root_kind)r, handles};
                snprintf(name, sizeof name, "CancelTree/depth=%d/Root=%s", depth, root_names[r]);
                bench(name, cancel_tree, &a, false);
            }
    }

    {
        ctx_cancel_t cancel;
        ctx_t *c = ctx_retain(ctx_with_cancel(ctx_background(), &cancel));
        ctx_cancel(&cancel);
        bench("CheckCanceled/Err", check_err, c, false);
        bench("CheckCanceled/Done", check_done, c, false);
        ctx_release(c);
    }

    {
        ctx_cancel_t cancel;
        ctx_t *c = ctx_with_cancel(ctx_background(), &cancel);
        bench("ContextCancelDone", check_done, c, true);
        ctx_cancel(&cancel);
    }

    static const int depths[] = {10, 20, 30, 50, 100};
    ctx_key_t keys[100];
    ctx_t *owned[100];
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        static struct coroutine co;
        coroutine_start(value_chain(depths[i], keys, owned), &co);
        snprintf(name, sizeof name, "DeepValueNewGoRoutine/depth=%d", depths[i]);
        bench(name, deep_value_coroutine, &co, false);
        release_chain(depths[i], owned);
    }
    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        ctx_t *c = value_chain(depths[i], keys, owned);
        snprintf(name, sizeof name, "DeepValueSameGoRoutine/depth=%d", depths[i]);
        bench(name, deep_value_same, c, false);
        release_chain(depths[i], owned);
    }
    {
        ctx_t *c = value_chain(10, keys, owned);
        bench("DeepValueNewThread/depth=10", deep_value_new_thread, c, false);
        release_chain(10, owned);
    }
    return 0;
}
