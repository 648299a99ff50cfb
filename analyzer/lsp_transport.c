/* Content-Length framing for the language server (see lsp_transport.h). A frame is a block of
 * "Name: value\r\n" header lines ended by an empty line, then exactly Content-Length bytes of
 * JSON. A header block that cannot be used is skipped and reported, so that one bad message
 * costs one error response, not the session. */
#include "lsp_transport.h"

#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "xalloc.h"

/* Bounds on what a peer can make the server hold: a header block longer than this is not a
 * header, and a message longer than this is not a source file edit. */
#define CL_LSP_MAX_HEADER 8192u
#define CL_LSP_MAX_BODY (256u * 1024u * 1024u)

struct cl_lsp_io {
    int in, out;
    char *buf;
    size_t start, end, cap; /* unread bytes are buf[start, end) */
    size_t skip;            /* body bytes of a rejected frame still to discard */
    bool eof;
};

cl_lsp_io *cl_lsp_io_new(int in_fd, int out_fd)
{
    cl_lsp_io *io = cl_xcalloc(1, sizeof *io);
    io->in = in_fd;
    io->out = out_fd;
    io->cap = 65536;
    io->buf = cl_xmalloc(io->cap);
    return io;
}

void cl_lsp_io_free(cl_lsp_io *io)
{
    if (!io)
        return;
    free(io->buf);
    free(io);
}

/* Reads what is available (blocking until something is). Returns false at end of input. */
static bool fill(cl_lsp_io *io)
{
    if (io->eof)
        return false;
    if (io->start > 0) {
        memmove(io->buf, io->buf + io->start, io->end - io->start);
        io->end -= io->start;
        io->start = 0;
    }
    if (io->end == io->cap) {
        io->cap *= 2;
        io->buf = cl_xrealloc(io->buf, io->cap);
    }
    for (;;) {
        ssize_t n = read(io->in, io->buf + io->end, io->cap - io->end);
        if (n > 0) {
            io->end += (size_t)n;
            return true;
        }
        if (n < 0 && errno == EINTR)
            continue;
        io->eof = true;
        return false;
    }
}

static const char *find_blank_line(const char *p, size_t n)
{
    for (size_t i = 0; i + 3 < n; i++)
        if (p[i] == '\r' && p[i + 1] == '\n' && p[i + 2] == '\r' && p[i + 3] == '\n')
            return p + i;
    return NULL;
}

/* The Content-Length of a header block, or -1 when it has none or it is not a number. */
static long long content_length(const char *h, size_t n)
{
    long long len = -1;
    const char *end = h + n;
    while (h < end) {
        const char *eol = memchr(h, '\r', (size_t)(end - h));
        if (!eol)
            eol = end;
        static const char name[] = "Content-Length:";
        size_t nl = sizeof name - 1;
        if ((size_t)(eol - h) > nl && strncasecmp(h, name, nl) == 0) {
            const char *v = h + nl;
            while (v < eol && (*v == ' ' || *v == '\t'))
                v++;
            long long x = 0;
            const char *d = v;
            while (d < eol && *d >= '0' && *d <= '9' && x <= (long long)CL_LSP_MAX_BODY)
                x = x * 10 + (*d++ - '0');
            while (d < eol && (*d == ' ' || *d == '\t'))
                d++;
            if (d == v || d != eol)
                return -1;
            len = x;
        }
        h = eol + 2;
    }
    return len;
}

/* One step of framing on the buffered bytes: 1 = a message, 0 = more bytes needed,
 * -1 = a bad frame (skipped). */
static int take_frame(cl_lsp_io *io, char **body, size_t *len, const char **err)
{
    if (io->skip) {
        size_t n = io->end - io->start < io->skip ? io->end - io->start : io->skip;
        io->start += n;
        io->skip -= n;
        if (io->skip)
            return 0;
    }
    const char *p = io->buf + io->start;
    size_t avail = io->end - io->start;
    const char *blank = find_blank_line(p, avail);
    if (!blank) {
        if (avail <= CL_LSP_MAX_HEADER)
            return 0;
        io->start = io->end; /* not a header: drop it rather than buffer it forever */
        *err = "header block too long (no empty line after the headers)";
        return -1;
    }
    size_t hlen = (size_t)(blank - p);
    long long n = content_length(p, hlen);
    if (n < 0) {
        io->start += hlen + 4;
        *err = "missing or invalid Content-Length header";
        return -1;
    }
    if (n > (long long)CL_LSP_MAX_BODY) {
        io->start += hlen + 4;
        io->skip = (size_t)n;
        *err = "message too large";
        return -1;
    }
    if (avail < hlen + 4 + (size_t)n)
        return 0;
    *len = (size_t)n;
    *body = cl_xstrndup(p + hlen + 4, (size_t)n);
    io->start += hlen + 4 + (size_t)n;
    return 1;
}

cl_lsp_read_status cl_lsp_read(cl_lsp_io *io, char **body, size_t *len, const char **err)
{
    for (;;) {
        int r = take_frame(io, body, len, err);
        if (r > 0)
            return CL_LSP_MESSAGE;
        if (r < 0)
            return CL_LSP_BAD_FRAME;
        if (!fill(io))
            return CL_LSP_EOF;
    }
}

static bool frame_buffered(const cl_lsp_io *io)
{
    if (io->skip)
        return false;
    const char *p = io->buf + io->start;
    size_t avail = io->end - io->start;
    const char *blank = find_blank_line(p, avail);
    if (!blank)
        return avail > CL_LSP_MAX_HEADER;
    long long n = content_length(p, (size_t)(blank - p));
    return n < 0 || n > (long long)CL_LSP_MAX_BODY || avail >= (size_t)(blank - p) + 4 + (size_t)n;
}

bool cl_lsp_input_ready(cl_lsp_io *io)
{
    if (io->eof || frame_buffered(io))
        return true;
    struct pollfd pfd = {.fd = io->in, .events = POLLIN};
    return poll(&pfd, 1, 0) > 0;
}

int cl_lsp_wait(cl_lsp_io *io, int wake_fd)
{
    if (io->eof || frame_buffered(io))
        return 0;
    struct pollfd pfd[2] = {{.fd = io->in, .events = POLLIN}, {.fd = wake_fd, .events = POLLIN}};
    for (;;) {
        int n = poll(pfd, wake_fd >= 0 ? 2 : 1, -1);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (pfd[0].revents)
            return 0;
        return 1;
    }
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

int cl_lsp_send(cl_lsp_io *io, const json_t *msg)
{
    char *body = json_dumps(msg, JSON_COMPACT);
    if (!body)
        return -1;
    size_t n = strlen(body);
    char *frame = cl_xasprintf("Content-Length: %zu\r\n\r\n%s", n, body);
    int rc = write_all(io->out, frame, strlen(frame));
    free(frame);
    free(body);
    return rc;
}
