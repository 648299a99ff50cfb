/* The language server's document store and file: URIs (see lsp_docs.h). */
#include "lsp_docs.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static int hex_value(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

char *cl_lsp_uri_to_path(const char *uri)
{
    static const char scheme[] = "file://";
    if (strncmp(uri, scheme, sizeof scheme - 1) != 0)
        return NULL;
    const char *p = uri + sizeof scheme - 1;
    /* An authority ("localhost", or empty) precedes the path. */
    const char *slash = strchr(p, '/');
    if (!slash)
        return NULL;
    p = slash;
    char *out = cl_xmalloc(strlen(p) + 1), *o = out;
    for (; *p && *p != '?' && *p != '#'; p++) {
        int hi, lo;
        if (*p == '%' && (hi = hex_value(p[1])) >= 0 && (lo = hex_value(p[2])) >= 0) {
            *o++ = (char)(hi * 16 + lo);
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = '\0';
    if (strlen(out) != (size_t)(o - out)) { /* an encoded NUL names no file */
        free(out);
        return NULL;
    }
    return out;
}

char *cl_lsp_path_to_uri(const char *path)
{
    static const char keep[] = "-._~/!$&'()*+,;=:@";
    char *out = cl_xmalloc(7 + 3 * strlen(path) + 1), *o = out;
    memcpy(o, "file://", 7);
    o += 7;
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
            strchr(keep, *p)) {
            *o++ = (char)*p;
        } else {
            static const char digits[] = "0123456789ABCDEF";
            *o++ = '%';
            *o++ = digits[*p >> 4];
            *o++ = digits[*p & 15];
        }
    }
    *o = '\0';
    return out;
}

static void doc_free(cl_lsp_doc *doc)
{
    cl_lsp_doc_reset(doc);
    free(doc->uri);
    free(doc->path);
    free(doc->text);
    free(doc);
}

void cl_lsp_doc_reset(cl_lsp_doc *doc)
{
    cl_parse_result_free(&doc->pr);
    if (doc->have_job)
        cl_jobs_free(&doc->jobs);
    doc->have_job = false;
    cl_config_free(doc->cfg);
    doc->cfg = NULL;
    free(doc->cfg_file);
    doc->cfg_file = NULL;
    free(doc->cfg_error);
    doc->cfg_error = NULL;
    cl_findings_free(&doc->raw);
    cl_findings_free(&doc->problems);
    free(doc->shown);
    doc->shown = NULL;
    cl_facts_free(&doc->facts);
    doc->dirty = true;
}

cl_lsp_doc *cl_lsp_docs_find(const cl_lsp_docs *d, const char *uri)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i]->uri, uri) == 0)
            return d->v[i];
    return NULL;
}

void cl_lsp_doc_set_text(cl_lsp_doc *doc, const char *text, size_t len, int64_t version)
{
    free(doc->text);
    doc->text = cl_xstrndup(text, len);
    doc->len = len;
    doc->version = version;
    doc->dirty = true;
}

cl_lsp_doc *cl_lsp_docs_open(cl_lsp_docs *d, const char *uri, const char *text, size_t len,
                             int64_t version)
{
    char *path = cl_lsp_uri_to_path(uri);
    if (!path)
        return NULL;
    cl_lsp_docs_close(d, uri);
    cl_lsp_doc *doc = cl_xcalloc(1, sizeof *doc);
    doc->uri = cl_xstrdup(uri);
    char real[PATH_MAX];
    if (realpath(path, real)) {
        doc->path = cl_xstrdup(real);
        free(path);
    } else {
        doc->path = path;
    }
    cl_lsp_doc_set_text(doc, text, len, version);
    d->v = cl_xgrow(d->v, d->n, &d->cap, sizeof *d->v);
    d->v[d->n++] = doc;
    return doc;
}

void cl_lsp_docs_close(cl_lsp_docs *d, const char *uri)
{
    for (size_t i = 0; i < d->n; i++)
        if (strcmp(d->v[i]->uri, uri) == 0) {
            doc_free(d->v[i]);
            memmove(&d->v[i], &d->v[i + 1], (d->n - i - 1) * sizeof *d->v);
            d->n--;
            return;
        }
}

void cl_lsp_docs_free(cl_lsp_docs *d)
{
    for (size_t i = 0; i < d->n; i++)
        doc_free(d->v[i]);
    free(d->v);
    memset(d, 0, sizeof *d);
}
