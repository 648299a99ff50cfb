/* The language server's transport: JSON-RPC messages framed by a `Content-Length` header on a
 * pair of file descriptors (LSP "base protocol"). Reading is buffered by hand, not by stdio, so
 * that the server can tell whether more input is already waiting (to lint only once a burst of
 * edits has been read) and can wait on its input and a wake-up descriptor at once. */
#ifndef CL_LSP_TRANSPORT_H
#define CL_LSP_TRANSPORT_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct cl_lsp_io cl_lsp_io;

/* Reads from `in_fd` and writes to `out_fd` (both borrowed). */
cl_lsp_io *cl_lsp_io_new(int in_fd, int out_fd);
void cl_lsp_io_free(cl_lsp_io *io);

typedef enum cl_lsp_read_status {
    CL_LSP_MESSAGE,  /* *body (malloc'd, NUL-terminated) holds *len bytes */
    CL_LSP_EOF,      /* the input ended (or failed) */
    CL_LSP_BAD_FRAME /* a header block without a usable Content-Length: it was skipped; *err
                      * (static) says why */
} cl_lsp_read_status;

/* The next message body, blocking until it is complete. */
cl_lsp_read_status cl_lsp_read(cl_lsp_io *io, char **body, size_t *len, const char **err);

/* True when cl_lsp_read would return without blocking: a whole frame is buffered, or the input
 * is readable now (more bytes, or its end). */
bool cl_lsp_input_ready(cl_lsp_io *io);

/* Blocks until the input is readable (returns 0) or `wake_fd` is (returns 1); -1 on error.
 * Returns 0 at once when a whole frame is buffered. */
int cl_lsp_wait(cl_lsp_io *io, int wake_fd);

/* Writes `msg` as one framed message. Returns 0, or -1 when the output is gone. */
int cl_lsp_send(cl_lsp_io *io, const json_t *msg);

#endif
