/* Report writing and atomic file replacement (see output.h). */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
#include "root.h"
#include "xalloc.h"

/* Ctrl-C, a terminal hang-up or a kill between creating the temporary file and renaming it
 * would leave the temporary behind: those signals wait until the file is in place (or the
 * attempt abandoned), then take effect. */
static void block_termination(sigset_t *old)
{
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP);
    sigaddset(&set, SIGQUIT);
    pthread_sigmask(SIG_BLOCK, &set, old);
}

static int write_file_atomic(const char *path, const char *data, size_t len);

int cl_write_file_atomic(const char *path, const char *data, size_t len)
{
    sigset_t old;
    block_termination(&old);
    int rc = write_file_atomic(path, data, len);
    int saved = errno;
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    errno = saved;
    return rc;
}

static int write_file_atomic(const char *path, const char *data, size_t len)
{
    char *tmp = cl_xasprintf("%s.ctxlint-tmp.XXXXXX", path);
    int fd = mkstemp(tmp);
    if (fd < 0) {
        free(tmp);
        return -1;
    }
    struct stat st;
    mode_t mode = 0644;
    if (stat(path, &st) == 0)
        mode = st.st_mode & 07777;
    else {
        mode_t um = umask(0);
        umask(um);
        mode = 0666 & ~um;
    }
    size_t done = 0;
    int rc = 0;
    while (done < len) {
        ssize_t w = write(fd, data + done, len - done);
        if (w < 0) {
            if (errno == EINTR)
                continue;
            rc = -1;
            break;
        }
        done += (size_t)w;
    }
    if (rc == 0 && (fchmod(fd, mode) != 0 || fsync(fd) != 0))
        rc = -1;
    int saved = errno;
    if (close(fd) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    if (rc == 0 && rename(tmp, path) != 0) {
        rc = -1;
        saved = errno;
    }
    if (rc != 0)
        unlink(tmp);
    free(tmp);
    errno = saved;
    return rc;
}

static int emit(cl_format format, const cl_emit_ctx *e)
{
    switch (format) {
    case CL_FMT_JSON:
        return cl_emit_json(e);
    case CL_FMT_SARIF:
        return cl_emit_sarif(e);
    case CL_FMT_GITHUB:
        return cl_emit_github(e);
    case CL_FMT_TEXT:
        break;
    }
    return cl_emit_text(e);
}

int cl_output_write(const cl_output_request *req)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *out = req->opt->output ? open_memstream(&buf, &len) : stdout;
    if (!out) {
        fprintf(stderr, "ctxlint: error: cannot buffer the report: %s\n", strerror(errno));
        return -1;
    }
    char *root = req->root ? NULL : cl_project_root(req->cwd);
    cl_emit_ctx e = {.findings = req->findings,
                     .sources = req->sources,
                     .out = out,
                     .color = req->color,
                     .cwd = req->cwd,
                     .root = req->root ? req->root : root};
    int rc;
    if (req->opt->fix_dry_run && req->fix_plan)
        rc = cl_fix_plan_diff(req->fix_plan, out);
    else
        rc = emit(req->opt->format, &e);
    free(root);
    if (!req->opt->output) {
        if (fflush(out) != 0 || rc != 0) {
            fprintf(stderr, "ctxlint: error: cannot write the report: %s\n", strerror(errno));
            return -1;
        }
        return 0;
    }
    fclose(out);
    if (rc == 0 && cl_write_file_atomic(req->opt->output, buf, len) != 0) {
        fprintf(stderr, "ctxlint: error: %s: %s\n", req->opt->output, strerror(errno));
        rc = -1;
    }
    free(buf);
    return rc;
}
