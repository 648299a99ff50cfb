/* context-not-first: functions whose context comes first, or that have none, or whose
 * signature a system header imposes. */
// expect-no-diagnostics
#include <ctx/ctx.h>
#include <signal.h>
#include <stdlib.h>

int first(ctx_t *ctx, int id);
int only(ctx_t *ctx);
int none(int a, int b);
int first_of_two(ctx_t *a, int id, ctx_t *b);
int variadic(ctx_t *c, const char *fmt, ...);
int out_param(int id, ctx_t **out); /* a pointer to a context is an out-parameter */
int takes_callback(int id, int (*cb)(ctx_t *c));
int no_prototype();

/* qsort_r fixes the comparator's shape; its third parameter carries the caller's data. */
static int by_deadline(const void *a, const void *b, ctx_t *ctx)
{
    (void)ctx_err(ctx);
    return (a > b) - (a < b);
}

void sort_requests(ctx_t *ctx, int *items, size_t n)
{
    qsort_r(items, n, sizeof *items, (int (*)(const void *, const void *, void *))by_deadline,
            ctx);
}

/* A field of a system struct fixes a signal handler's shape. */
static void on_signal(int sig, siginfo_t *info, ctx_t *unused)
{
    (void)sig;
    (void)info;
    (void)unused;
}

void install(void)
{
    struct sigaction sa;
    sa.sa_sigaction = (void (*)(int, siginfo_t *, void *))on_signal;
    sigemptyset(&sa.sa_mask);
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGUSR1, &sa, NULL);
}

/* The same through a system struct's initialiser and an object of a system typedef type. */
static void on_child(int sig, siginfo_t *info, ctx_t *unused)
{
    (void)sig;
    (void)info;
    (void)unused;
}

static void on_hangup(int sig, ctx_t *unused)
{
    (void)sig;
    (void)unused;
}

void install_more(void)
{
    struct sigaction sa = {.sa_sigaction = (void (*)(int, siginfo_t *, void *))on_child,
                           .sa_flags = SA_SIGINFO};
    sigaction(SIGCHLD, &sa, NULL);
    __sighandler_t h = (__sighandler_t)on_hangup;
    signal(SIGHUP, h);
}
