/* Baselines (see baseline.h). */
#include "baseline.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <inttypes.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>
#include <xxhash.h>

#include "emit.h"
#include "output.h"
#include "root.h"
#include "xalloc.h"

#define BASELINE_VERSION 1

typedef struct entry {
    char *rule, *file, *message;
    uint64_t hash;
    size_t count;
} entry;

struct cl_baseline {
    entry *v;
    size_t n;
};

/* Appends `line` with whitespace runs collapsed to one space and the ends trimmed. */
static void append_normalized(char **buf, size_t *len, const char *line, size_t n)
{
    *buf = cl_xrealloc(*buf, *len + n + 2);
    bool space = false;
    size_t start = *len;
    for (size_t i = 0; i < n; i++) {
        char c = line[i];
        if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' || c == '\f') {
            space = true;
            continue;
        }
        if (space && *len > start)
            (*buf)[(*len)++] = ' ';
        space = false;
        (*buf)[(*len)++] = c;
    }
    (*buf)[(*len)++] = '\n';
}

uint64_t cl_baseline_line_hash(const cl_source *src, unsigned line)
{
    char *buf = NULL;
    size_t len = 0;
    for (unsigned l = line ? line - 1 : 0; l <= line + 1; l++) {
        size_t n = 0;
        const char *text = l ? cl_source_line(src, l, &n) : NULL;
        append_normalized(&buf, &len, text ? text : "", text ? n : 0);
    }
    uint64_t h = XXH64(buf, len, 0);
    free(buf);
    return h;
}

static const char *file_key(const char *file, const char *root)
{
    const char *rel = root ? cl_root_relative(file, root) : NULL;
    return rel ? rel : file;
}

static entry key_of(const cl_finding *f, cl_sources *sources, const char *root)
{
    entry e = {0};
    e.rule = (char *)f->rule;
    e.file = (char *)file_key(f->begin.file, root);
    e.message = f->message;
    e.hash = cl_baseline_line_hash(cl_sources_get(sources, f->begin.file), f->begin.line);
    e.count = 1;
    return e;
}

static bool same_key(const entry *a, const entry *b)
{
    return a->hash == b->hash && strcmp(a->rule, b->rule) == 0 && strcmp(a->file, b->file) == 0;
}

__attribute__((format(printf, 2, 3))) static int fail(char **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    *err = cl_xmalloc((size_t)(n > 0 ? n : 0) + 1);
    va_start(ap, fmt);
    vsnprintf(*err, (size_t)(n > 0 ? n : 0) + 1, fmt, ap);
    va_end(ap);
    return -1;
}

static bool parse_hash(const char *s, uint64_t *out)
{
    if (strlen(s) != 16)
        return false;
    uint64_t h = 0;
    for (const char *p = s; *p; p++) {
        int d;
        if (*p >= '0' && *p <= '9')
            d = *p - '0';
        else if (*p >= 'a' && *p <= 'f')
            d = *p - 'a' + 10;
        else
            return false;
        h = (h << 4) | (uint64_t)d;
    }
    *out = h;
    return true;
}

static int read_entry(const char *path, size_t i, json_t *o, entry *e, char **err)
{
    if (!json_is_object(o))
        return fail(err, "%s: findings[%zu]: expected an object", path, i);
    const char *key;
    json_t *v;
    json_object_foreach(o, key, v)
    {
        if (strcmp(key, "rule") == 0 || strcmp(key, "file") == 0 || strcmp(key, "message") == 0) {
            if (!json_is_string(v))
                return fail(err, "%s: findings[%zu]: '%s' must be a string", path, i, key);
        } else if (strcmp(key, "hash") == 0) {
            if (!json_is_string(v) || !parse_hash(json_string_value(v), &e->hash))
                return fail(err, "%s: findings[%zu]: 'hash' must be 16 lowercase hex digits", path,
                            i);
        } else if (strcmp(key, "count") == 0) {
            if (!json_is_integer(v) || json_integer_value(v) < 1)
                return fail(err, "%s: findings[%zu]: 'count' must be a positive integer", path, i);
            e->count = (size_t)json_integer_value(v);
        } else {
            return fail(err, "%s: findings[%zu]: unknown key '%s'", path, i, key);
        }
    }
    static const char *const required[] = {"rule", "file", "hash", "count"};
    for (size_t r = 0; r < 4; r++)
        if (!json_object_get(o, required[r]))
            return fail(err, "%s: findings[%zu]: missing '%s'", path, i, required[r]);
    e->rule = cl_xstrdup(json_string_value(json_object_get(o, "rule")));
    e->file = cl_xstrdup(json_string_value(json_object_get(o, "file")));
    return 0;
}

int cl_baseline_read(const char *path, cl_baseline **out, char **err)
{
    *out = NULL;
    json_error_t je;
    json_t *doc = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
    if (!doc) {
        if (je.line < 0)
            return fail(err, "%s: cannot read the baseline: %s", path, je.text);
        return fail(err, "%s:%d:%d: not a valid baseline: %s", path, je.line, je.column, je.text);
    }
    cl_baseline *b = cl_xcalloc(1, sizeof *b);
    int rc = 0;
    json_t *version = json_object_get(doc, "version");
    json_t *findings = json_object_get(doc, "findings");
    if (!json_is_object(doc))
        rc = fail(err, "%s: a baseline is a JSON object with 'version' and 'findings'", path);
    else if (!json_is_integer(version) || json_integer_value(version) != BASELINE_VERSION)
        rc = fail(err, "%s: 'version' must be %d (written by ctxlint --write-baseline)", path,
                  BASELINE_VERSION);
    else if (!json_is_array(findings))
        rc = fail(err, "%s: 'findings' must be an array", path);
    for (size_t i = 0; rc == 0 && i < json_array_size(findings); i++) {
        entry e = {0};
        rc = read_entry(path, i, json_array_get(findings, i), &e, err);
        if (rc != 0) {
            free(e.rule);
            free(e.file);
            break;
        }
        b->v = cl_xrealloc(b->v, (b->n + 1) * sizeof *b->v);
        b->v[b->n++] = e;
    }
    json_decref(doc);
    if (rc != 0) {
        cl_baseline_free(b);
        return -1;
    }
    *out = b;
    return 0;
}

typedef struct filter_ctx {
    cl_baseline *b;
    cl_sources *sources;
    const char *root;
    size_t removed;
} filter_ctx;

static bool keep_new(const cl_finding *f, void *arg)
{
    filter_ctx *c = arg;
    entry k = key_of(f, c->sources, c->root);
    for (size_t i = 0; i < c->b->n; i++)
        if (c->b->v[i].count > 0 && same_key(&c->b->v[i], &k)) {
            c->b->v[i].count--;
            c->removed++;
            return false;
        }
    return true;
}

size_t cl_baseline_filter(cl_baseline *b, cl_findings *findings, cl_sources *sources,
                          const char *root)
{
    filter_ctx c = {b, sources, root, 0};
    cl_findings_filter(findings, keep_new, &c);
    return c.removed;
}

static int cmp_entry(const void *pa, const void *pb)
{
    const entry *a = pa, *b = pb;
    int c = strcmp(a->file, b->file);
    if (!c)
        c = strcmp(a->rule, b->rule);
    if (!c)
        c = a->hash < b->hash ? -1 : a->hash > b->hash;
    return c;
}

int cl_baseline_write(const char *path, const cl_findings *findings, cl_sources *sources,
                      const char *root, char **err)
{
    entry *v = cl_xcalloc(findings->n ? findings->n : 1, sizeof *v);
    size_t n = 0;
    for (size_t i = 0; i < findings->n; i++) {
        entry k = key_of(&findings->v[i], sources, root);
        size_t j = 0;
        while (j < n && !same_key(&v[j], &k))
            j++;
        if (j < n)
            v[j].count++;
        else
            v[n++] = k;
    }
    qsort(v, n, sizeof *v, cmp_entry);
    json_t *list = json_array();
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_object();
        json_object_set_new(o, "rule", cl_json_text(v[i].rule));
        json_object_set_new(o, "file", cl_json_text(v[i].file));
        char hex[17];
        snprintf(hex, sizeof hex, "%016" PRIx64, v[i].hash);
        json_object_set_new(o, "hash", json_string(hex));
        json_object_set_new(o, "count", json_integer((json_int_t)v[i].count));
        /* For the reviewer of the baseline's diff; not used for matching. */
        json_object_set_new(o, "message", cl_json_text(v[i].message));
        json_array_append_new(list, o);
    }
    free(v);
    json_t *doc = json_object();
    json_object_set_new(doc, "version", json_integer(BASELINE_VERSION));
    json_object_set_new(doc, "generator", json_string("ctxlint " CTXLINT_VERSION));
    json_object_set_new(doc, "findings", list);
    char *text = json_dumps(doc, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    char *full = cl_xasprintf("%s\n", text);
    free(text);
    int rc = cl_write_file_atomic(path, full, strlen(full));
    if (rc != 0)
        rc = fail(err, "%s: cannot write the baseline: %s", path, strerror(errno));
    free(full);
    return rc;
}

void cl_baseline_free(cl_baseline *b)
{
    if (!b)
        return;
    for (size_t i = 0; i < b->n; i++) {
        free(b->v[i].rule);
        free(b->v[i].file);
    }
    free(b->v);
    free(b);
}

static bool keep_none(const cl_finding *f, void *arg)
{
    (void)f;
    (void)arg;
    return false;
}

int cl_baseline_run(const cl_options *opt, cl_findings *findings, cl_sources *sources,
                    const char *root)
{
    char *err = NULL;
    if (opt->write_baseline) {
        if (cl_baseline_write(opt->write_baseline, findings, sources, root, &err) != 0) {
            fprintf(stderr, "ctxlint: error: %s\n", err);
            free(err);
            return -1;
        }
        if (!opt->quiet)
            fprintf(stderr, "ctxlint: recorded %zu finding%s in %s\n", findings->n,
                    findings->n == 1 ? "" : "s", opt->write_baseline);
        cl_findings_filter(findings, keep_none, NULL);
        return 0;
    }
    if (!opt->baseline)
        return 0;
    cl_baseline *b = NULL;
    if (cl_baseline_read(opt->baseline, &b, &err) != 0) {
        fprintf(stderr, "ctxlint: error: %s\n", err);
        free(err);
        return -1;
    }
    cl_baseline_filter(b, findings, sources, root);
    cl_baseline_free(b);
    return 0;
}
