/* ctx_done_fd: Go's Done channel as a file descriptor for poll/epoll/select loops. Created on
 * first request only (an eventfd on Linux, a pipe elsewhere), so contexts that never ask pay
 * nothing; cancel_one writes to it after publishing err, and nobody ever reads it, so it stays
 * readable for good. */
#if defined(__linux__)
#define _GNU_SOURCE
#else
#define _POSIX_C_SOURCE 200809L
#endif
#include "internal.h"

#include <errno.h>
#include <fcntl.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/eventfd.h>
#endif

/* Opens the descriptor pair of `cc`. Called with cc->lock held. */
static bool open_fd(struct ctx__canceler *cc)
{
#if defined(__linux__)
    int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fd < 0)
        return false;
    cc->done_fd = cc->done_wfd = fd;
#else
    int p[2];
    if (pipe(p) != 0)
        return false;
    for (int i = 0; i < 2; i++) {
        fcntl(p[i], F_SETFD, FD_CLOEXEC);
        fcntl(p[i], F_SETFL, fcntl(p[i], F_GETFL) | O_NONBLOCK);
    }
    cc->done_fd = p[0];
    cc->done_wfd = p[1];
#endif
    return true;
}

int ctx_done_fd(ctx_t *c)
{
    if (!c) {
        ctx__misuse("ctx_done_fd", "NULL context");
        return -1;
    }
    struct ctx__canceler *cc = c->cc;
    if (!cc)
        return -1; /* never cancelled: like Go's nil Done channel, poll ignores it */
    ctx__lock(&cc->lock);
    if (cc->done_fd < 0 && open_fd(cc) &&
        atomic_load_explicit(&cc->err, memory_order_relaxed) != 0) {
        uint64_t one = 1;
        ssize_t w;
        do {
            w = write(cc->done_wfd, &one, sizeof one);
        } while (w < 0 && errno == EINTR);
    }
    int fd = cc->done_fd;
    ctx__unlock(&cc->lock);
    return fd;
}

void ctx__done_fd_close(struct ctx__canceler *cc)
{
    if (cc->done_fd >= 0)
        close(cc->done_fd);
    if (cc->done_wfd >= 0 && cc->done_wfd != cc->done_fd)
        close(cc->done_wfd);
    cc->done_fd = cc->done_wfd = -1;
}
