/* The default output: gcc/clang's `path:line:col: warning: message [rule-id]`, which editors,
 * CI log parsers and grep already understand; on a terminal, in colour with the source line
 * and a caret under the flagged range, as clang prints. */
#include "emit.h"

#include <string.h>

const char *cl_display_path(const char *path, const char *cwd)
{
    size_t n = cwd ? strlen(cwd) : 0;
    if (n && strncmp(path, cwd, n) == 0 && path[n] == '/')
        return path + n + 1;
    return path;
}

static const char *sev_colour(cl_severity s)
{
    switch (s) {
    case CL_SEV_ERROR:
        return "\033[1;31m";
    case CL_SEV_NOTE:
        return "\033[1;30m";
    case CL_SEV_WARNING:
        break;
    }
    return "\033[1;35m";
}

static void print_caret(const cl_emit_ctx *e, const cl_pos *b, const cl_pos *end)
{
    const cl_source *src = cl_sources_get(e->sources, b->file);
    size_t len;
    const char *line = cl_source_line(src, b->line, &len);
    if (!line)
        return;
    fprintf(e->out, "%.*s\n", (int)len, line);
    size_t col = b->col ? b->col - 1 : 0;
    size_t width = 1;
    if (end->line == b->line && end->col > b->col)
        width = end->col - b->col;
    if (col > len)
        col = len;
    if (col + width > len)
        width = len > col ? len - col : 1;
    /* Keep tabs so the caret lines up under the same columns the terminal shows. */
    for (size_t i = 0; i < col; i++)
        fputc(line[i] == '\t' ? '\t' : ' ', e->out);
    fputs(e->color ? "\033[1;32m^" : "^", e->out);
    for (size_t i = 1; i < width; i++)
        fputc('~', e->out);
    fputs(e->color ? "\033[0m\n" : "\n", e->out);
}

static void print_head(const cl_emit_ctx *e, const cl_pos *p, cl_severity sev)
{
    const char *path = cl_display_path(p->file, e->cwd);
    if (e->color)
        fprintf(e->out, "\033[1m%s:%u:%u: %s%s:\033[0m\033[1m ", path, p->line, p->col,
                sev_colour(sev), cl_severity_name(sev));
    else
        fprintf(e->out, "%s:%u:%u: %s: ", path, p->line, p->col, cl_severity_name(sev));
}

int cl_emit_text(const cl_emit_ctx *e)
{
    for (size_t i = 0; i < e->findings->n; i++) {
        const cl_finding *f = &e->findings->v[i];
        print_head(e, &f->begin, f->severity);
        fprintf(e->out, "%s [%s]%s\n", f->message, f->rule, e->color ? "\033[0m" : "");
        if (e->color)
            print_caret(e, &f->begin, &f->end);
        for (size_t n = 0; n < f->n_notes; n++) {
            print_head(e, &f->notes[n].pos, CL_SEV_NOTE);
            fprintf(e->out, "%s%s\n", f->notes[n].message, e->color ? "\033[0m" : "");
            if (e->color)
                print_caret(e, &f->notes[n].pos, &f->notes[n].pos);
        }
    }
    return ferror(e->out) ? -1 : 0;
}
