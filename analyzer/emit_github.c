/* --format github: GitHub Actions workflow commands, which the runner turns into annotations on
 * the pull request's diff without any upload step:
 *   ::warning file=src/a.c,line=3,col=8,endLine=3,endColumn=12,title=ctxlint (rule)::message
 * Paths are relative to the project root (the repository, i.e. the workspace GitHub resolves
 * them against), columns count UTF-16 units as GitHub's web UI does. GitHub shows only 10
 * annotations of each level per step: SARIF upload is the complete report. */
#include "emit.h"

#include <stdlib.h>
#include <string.h>

#include "root.h"
#include "xalloc.h"

static char *escape(const char *s, bool property)
{
    size_t n = strlen(s);
    char *out = cl_xmalloc(3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        const char *rep = NULL;
        switch (s[i]) {
        case '%':
            rep = "%25";
            break;
        case '\r':
            rep = "%0D";
            break;
        case '\n':
            rep = "%0A";
            break;
        case ':':
            rep = property ? "%3A" : NULL;
            break;
        case ',':
            rep = property ? "%2C" : NULL;
            break;
        default:
            break;
        }
        if (rep) {
            memcpy(out + o, rep, 3);
            o += 3;
        } else {
            out[o++] = s[i];
        }
    }
    out[o] = '\0';
    return out;
}

char *cl_github_escape_data(const char *s)
{
    return escape(s, false);
}

char *cl_github_escape_property(const char *s)
{
    return escape(s, true);
}

static const char *command(cl_severity s)
{
    switch (s) {
    case CL_SEV_ERROR:
        return "error";
    case CL_SEV_NOTE:
        return "notice";
    case CL_SEV_WARNING:
        break;
    }
    return "warning";
}

static const char *shown_path(const cl_emit_ctx *e, const char *path)
{
    const char *rel = e->root ? cl_root_relative(path, e->root) : NULL;
    return rel ? rel : cl_display_path(path, e->cwd);
}

static unsigned column(const cl_emit_ctx *e, const char *file, unsigned line, unsigned col)
{
    size_t len;
    const char *text = cl_source_line(cl_sources_get(e->sources, file), line, &len);
    return text ? cl_utf16_column(text, len, col) : col;
}

static void print_finding(const cl_emit_ctx *e, const cl_finding *f)
{
    char *file = cl_github_escape_property(shown_path(e, f->begin.file));
    char *title = cl_xasprintf("ctxlint (%s)", f->rule);
    char *etitle = cl_github_escape_property(title);
    fprintf(e->out, "::%s file=%s,line=%u", command(f->severity), file, f->begin.line);
    bool one_line = f->end.line == f->begin.line;
    if (one_line && f->begin.col)
        fprintf(e->out, ",col=%u", column(e, f->begin.file, f->begin.line, f->begin.col));
    if (f->end.line >= f->begin.line) {
        fprintf(e->out, ",endLine=%u", f->end.line);
        /* GitHub rejects col/endColumn on a range of several lines. */
        if (one_line && f->end.col > f->begin.col)
            fprintf(e->out, ",endColumn=%u", column(e, f->end.file, f->end.line, f->end.col));
    }
    /* Notes go into the message: an annotation has one location. */
    char *msg = cl_xstrdup(f->message);
    for (size_t n = 0; n < f->n_notes; n++) {
        const cl_note *note = &f->notes[n];
        char *more = cl_xasprintf("%s\nnote: %s:%u:%u: %s", msg, shown_path(e, note->pos.file),
                                  note->pos.line, note->pos.col, note->message);
        free(msg);
        msg = more;
    }
    char *data = cl_github_escape_data(msg);
    fprintf(e->out, ",title=%s::%s\n", etitle, data);
    free(data);
    free(msg);
    free(etitle);
    free(title);
    free(file);
}

int cl_emit_github(const cl_emit_ctx *e)
{
    for (size_t i = 0; i < e->findings->n; i++)
        print_finding(e, &e->findings->v[i]);
    return ferror(e->out) ? -1 : 0;
}
