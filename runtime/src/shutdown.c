/* Orderly exit: the runtime's threads (the timer thread, the executor's workers) are joined by
 * one exit handler, timer first, because a deadline firing during exit may still hand
 * after-funcs to the executor, which drains them before its workers are joined. Joining leaves
 * valgrind nothing to report about the threads. */
#define _POSIX_C_SOURCE 200809L
#include "internal.h"

#include <stdlib.h>

static void shutdown_runtime(void)
{
    ctx__timer_shutdown();
    ctx__executor_shutdown();
}

static void register_handler(void)
{
    /* If registration fails the threads are simply not joined: exit still works. */
    (void)atexit(shutdown_runtime);
}

void ctx__shutdown_at_exit(void)
{
    static pthread_once_t once = PTHREAD_ONCE_INIT;
    pthread_once(&once, register_handler);
}
