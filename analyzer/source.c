/* Source texts by canonical path (see source.h). */
#include "source.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

struct cl_sources {
    cl_source **v;
    size_t n, cap;
};

cl_sources *cl_sources_new(void)
{
    return cl_xcalloc(1, sizeof(cl_sources));
}

static void index_lines(cl_source *src)
{
    size_t cap = 64;
    src->line_starts = cl_xmalloc(cap * sizeof *src->line_starts);
    src->n_lines = 0;
    src->line_starts[src->n_lines++] = 0;
    for (size_t i = 0; i < src->len; i++) {
        if (src->text[i] != '\n' || i + 1 >= src->len)
            continue;
        if (src->n_lines == cap) {
            cap *= 2;
            src->line_starts = cl_xrealloc(src->line_starts, cap * sizeof *src->line_starts);
        }
        src->line_starts[src->n_lines++] = i + 1;
    }
}

static cl_source *add(cl_sources *s, const char *path)
{
    if (s->n == s->cap) {
        s->cap = s->cap ? 2 * s->cap : 16;
        s->v = cl_xrealloc(s->v, s->cap * sizeof *s->v);
    }
    cl_source *src = cl_xcalloc(1, sizeof *src);
    src->path = cl_xstrdup(path);
    s->v[s->n++] = src;
    return src;
}

static cl_source *find(cl_sources *s, const char *path)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->v[i]->path, path) == 0)
            return s->v[i];
    return NULL;
}

static void set_text(cl_source *src, char *text, size_t len)
{
    free(src->text);
    free(src->line_starts);
    src->text = text;
    src->len = len;
    src->ok = true;
    index_lines(src);
}

void cl_sources_put(cl_sources *s, const char *path, const char *text, size_t len)
{
    cl_source *src = find(s, path);
    if (!src)
        src = add(s, path);
    char *copy = cl_xmalloc(len + 1);
    memcpy(copy, text, len);
    copy[len] = '\0';
    set_text(src, copy, len);
}

int cl_read_stream(FILE *f, char **text, size_t *len)
{
    size_t cap = 4096, n = 0;
    char *buf = cl_xmalloc(cap);
    size_t got;
    while ((got = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += got;
        if (n + 1 == cap) {
            cap *= 2;
            buf = cl_xrealloc(buf, cap);
        }
    }
    if (ferror(f)) {
        free(buf);
        return -1;
    }
    buf[n] = '\0';
    *text = buf;
    *len = n;
    return 0;
}

static bool read_all(const char *path, char **text, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return false;
    int rc = cl_read_stream(f, text, len);
    fclose(f);
    return rc == 0;
}

const cl_source *cl_sources_get(cl_sources *s, const char *path)
{
    cl_source *src = find(s, path);
    if (src)
        return src;
    src = add(s, path);
    char *text;
    size_t len;
    if (read_all(path, &text, &len))
        set_text(src, text, len);
    return src;
}

const char *cl_source_line(const cl_source *src, unsigned line, size_t *len)
{
    if (!src->ok || line == 0 || line > src->n_lines)
        return NULL;
    size_t b = src->line_starts[line - 1];
    size_t e = line < src->n_lines ? src->line_starts[line] : src->len;
    while (e > b && (src->text[e - 1] == '\n' || src->text[e - 1] == '\r'))
        e--;
    *len = e - b;
    return src->text + b;
}

void cl_sources_free(cl_sources *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n; i++) {
        free(s->v[i]->path);
        free(s->v[i]->text);
        free(s->v[i]->line_starts);
        free(s->v[i]);
    }
    free(s->v);
    free(s);
}
