/* Findings as LSP diagnostics and code actions (see lsp_diag.h). Positions in the document come
 * from the editor's buffer; positions in other files (a note in a header) from the file on
 * disk. */
#include "lsp_diag.h"

#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "source.h"
#include "xalloc.h"

unsigned cl_lsp_utf16_column(const char *line, size_t len, unsigned byte_col)
{
    size_t want = byte_col > 0 ? byte_col - 1 : 0;
    unsigned units = 0;
    size_t i = 0;
    while (i < want && i < len) {
        unsigned char c = (unsigned char)line[i];
        size_t n = 1;
        unsigned u = 1;
        if (c >= 0xC2 && c <= 0xDF)
            n = 2;
        else if (c >= 0xE0 && c <= 0xEF)
            n = 3;
        else if (c >= 0xF0 && c <= 0xF4)
            n = 4, u = 2; /* outside the BMP: a surrogate pair */
        if (n > 1 && i + n > len)
            n = 1, u = 1;
        for (size_t k = 1; k < n; k++)
            if (((unsigned char)line[i + k] & 0xC0) != 0x80) {
                n = 1, u = 1;
                break;
            }
        units += u;
        i += n;
    }
    if (want > i)
        units += (unsigned)(want - i);
    return units;
}

/* A JSON string even for text that is not UTF-8 (jansson refuses it): such bytes become '?'. */
static json_t *jstr(const char *s)
{
    json_t *j = json_string(s);
    if (j)
        return j;
    char *copy = cl_xstrdup(s);
    for (char *p = copy; *p; p++)
        if ((unsigned char)*p >= 0x80)
            *p = '?';
    j = json_string(copy);
    free(copy);
    return j;
}

typedef struct texts {
    const cl_lsp_doc *doc;
    cl_sources *sources;
} texts;

static void texts_init(texts *t, const cl_lsp_doc *doc)
{
    t->doc = doc;
    t->sources = cl_sources_new();
    cl_sources_put(t->sources, doc->path, doc->text, doc->len);
}

static char *uri_of(const texts *t, const char *path)
{
    return strcmp(path, t->doc->path) == 0 ? cl_xstrdup(t->doc->uri) : cl_lsp_path_to_uri(path);
}

static void position(const cl_source *src, unsigned line, unsigned col, unsigned *l, unsigned *ch)
{
    size_t n = 0;
    const char *text = line && src->ok ? cl_source_line(src, line, &n) : NULL;
    *l = line ? line - 1 : 0;
    *ch = text ? cl_lsp_utf16_column(text, n, col) : (col ? col - 1 : 0);
}

static void offset_position(const cl_source *src, unsigned offset, unsigned *l, unsigned *ch)
{
    if (!src->ok || src->n_lines == 0) {
        *l = 0;
        *ch = offset;
        return;
    }
    size_t lo = 0, hi = src->n_lines;
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (src->line_starts[mid] <= offset)
            lo = mid;
        else
            hi = mid;
    }
    position(src, (unsigned)lo + 1, offset - (unsigned)src->line_starts[lo] + 1, l, ch);
}

static json_t *pos_json(unsigned l, unsigned ch)
{
    return json_pack("{s:I,s:I}", "line", (json_int_t)l, "character", (json_int_t)ch);
}

typedef struct lsp_range {
    unsigned sl, sc, el, ec;
} lsp_range;

static json_t *range_json(lsp_range r)
{
    return json_pack("{s:o,s:o}", "start", pos_json(r.sl, r.sc), "end", pos_json(r.el, r.ec));
}

static lsp_range finding_range(const cl_source *src, const cl_pos *b, const cl_pos *e)
{
    lsp_range r;
    position(src, b->line, b->col, &r.sl, &r.sc);
    if (e->line)
        position(src, e->line, e->col, &r.el, &r.ec);
    else
        r.el = r.sl, r.ec = r.sc;
    return r;
}

static int severity_code(cl_severity s)
{
    switch (s) {
    case CL_SEV_ERROR:
        return 1;
    case CL_SEV_WARNING:
        return 2;
    case CL_SEV_NOTE:
        return 3;
    }
    return 2;
}

static json_t *diagnostic(texts *t, const cl_finding *f)
{
    const cl_source *src = cl_sources_get(t->sources, f->begin.file);
    json_t *d = json_object();
    json_object_set_new(d, "range", range_json(finding_range(src, &f->begin, &f->end)));
    json_object_set_new(d, "severity", json_integer(severity_code(f->severity)));
    json_object_set_new(d, "code", jstr(f->rule));
    if (cl_rule_find(f->rule)) {
        char *href = cl_xasprintf("%s%s.md", CTXLINT_DOCS_URL, f->rule);
        json_object_set_new(d, "codeDescription", json_pack("{s:o}", "href", jstr(href)));
        free(href);
    }
    json_object_set_new(d, "source", json_string("ctxlint"));
    json_object_set_new(d, "message", jstr(f->message ? f->message : ""));
    if (f->n_notes) {
        json_t *rel = json_array();
        for (size_t i = 0; i < f->n_notes; i++) {
            const cl_note *n = &f->notes[i];
            if (!n->pos.file)
                continue;
            const cl_source *nsrc = cl_sources_get(t->sources, n->pos.file);
            char *uri = uri_of(t, n->pos.file);
            json_array_append_new(rel, json_pack("{s:{s:o,s:o},s:o}", "location", "uri", jstr(uri),
                                                 "range",
                                                 range_json(finding_range(nsrc, &n->pos, &n->pos)),
                                                 "message", jstr(n->message ? n->message : "")));
            free(uri);
        }
        json_object_set_new(d, "relatedInformation", rel);
    }
    return d;
}

json_t *cl_lsp_publish_params(const cl_lsp_doc *doc)
{
    texts t;
    texts_init(&t, doc);
    json_t *list = json_array();
    for (size_t i = 0; doc->shown && i < doc->raw.n; i++)
        if (doc->shown[i])
            json_array_append_new(list, diagnostic(&t, &doc->raw.v[i]));
    for (size_t i = 0; i < doc->problems.n; i++)
        json_array_append_new(list, diagnostic(&t, &doc->problems.v[i]));
    cl_sources_free(t.sources);
    return json_pack("{s:s,s:I,s:o}", "uri", doc->uri, "version", (json_int_t)doc->version,
                     "diagnostics", list);
}

/* --- Code actions --- */

static bool read_position(const json_t *p, unsigned *l, unsigned *ch)
{
    json_t *jl = json_object_get(p, "line"), *jc = json_object_get(p, "character");
    if (!json_is_integer(jl) || !json_is_integer(jc) || json_integer_value(jl) < 0 ||
        json_integer_value(jc) < 0)
        return false;
    *l = (unsigned)json_integer_value(jl);
    *ch = (unsigned)json_integer_value(jc);
    return true;
}

static int pos_cmp(unsigned l1, unsigned c1, unsigned l2, unsigned c2)
{
    if (l1 != l2)
        return l1 < l2 ? -1 : 1;
    return c1 < c2 ? -1 : c1 > c2;
}

static bool overlaps(lsp_range a, lsp_range b)
{
    return pos_cmp(a.el, a.ec, b.sl, b.sc) >= 0 && pos_cmp(b.el, b.ec, a.sl, a.sc) >= 0;
}

static json_t *text_edit(const cl_source *src, unsigned offset, unsigned length, const char *text)
{
    lsp_range r;
    offset_position(src, offset, &r.sl, &r.sc);
    offset_position(src, offset + length, &r.el, &r.ec);
    return json_pack("{s:o,s:o}", "range", range_json(r), "newText", jstr(text));
}

/* "Replace 'NULL' with 'ctx_todo()'" for one short fix in the document; a general title for
 * anything else. */
static char *fix_title(const cl_lsp_doc *doc, const cl_finding *f)
{
    enum { SHORT = 40 };
    if (f->n_fixes == 1 && strcmp(f->fixes[0].file, doc->path) == 0) {
        const cl_fix *x = &f->fixes[0];
        bool fits = (size_t)x->offset + x->length <= doc->len && x->length <= SHORT &&
                    strlen(x->text) <= SHORT && !memchr(doc->text + x->offset, '\n', x->length) &&
                    !strchr(x->text, '\n');
        if (fits && x->length == 0)
            return cl_xasprintf("Insert '%s'", x->text);
        if (fits && !*x->text)
            return cl_xasprintf("Remove '%.*s'", (int)x->length, doc->text + x->offset);
        if (fits)
            return cl_xasprintf("Replace '%.*s' with '%s'", (int)x->length, doc->text + x->offset,
                                x->text);
    }
    return cl_xasprintf("Apply the fix-it of %s", f->rule);
}

static json_t *action(const char *title, json_t *diag, json_t *changes, bool preferred)
{
    json_t *a = json_pack("{s:o,s:s,s:[O],s:{s:o}}", "title", jstr(title), "kind", "quickfix",
                          "diagnostics", diag, "edit", "changes", changes);
    if (preferred)
        json_object_set_new(a, "isPreferred", json_true());
    return a;
}

static json_t *fix_action(texts *t, const cl_finding *f, json_t *diag)
{
    json_t *changes = json_object();
    for (size_t i = 0; i < f->n_fixes; i++) {
        const cl_fix *x = &f->fixes[i];
        char *uri = uri_of(t, x->file);
        json_t *edits = json_object_get(changes, uri);
        if (!edits) {
            edits = json_array();
            json_object_set_new(changes, uri, edits);
        }
        json_array_append_new(
            edits, text_edit(cl_sources_get(t->sources, x->file), x->offset, x->length, x->text));
        free(uri);
    }
    char *title = fix_title(t->doc, f);
    json_t *a = action(title, diag, changes, f->n_fixes == 1);
    free(title);
    return a;
}

/* Where on the line the suppression goes, and what is inserted: into an existing
 * `NOLINT(...)` list, before a line-continuation backslash as a block comment (a `//` comment
 * there would swallow the macro's next line), or as ` // NOLINT(rule)` at the end. */
static json_t *suppress_action(texts *t, const cl_finding *f, json_t *diag)
{
    const cl_source *src = cl_sources_get(t->sources, t->doc->path);
    size_t n = 0;
    const char *line = cl_source_line(src, f->begin.line, &n);
    if (!line)
        return NULL;
    size_t at = n;
    if (at > 0 && line[at - 1] == '\r')
        at--;
    char *text = NULL;
    const char *list = NULL;
    for (const char *p = line; p + 7 <= line + n; p++)
        if (memcmp(p, "NOLINT(", 7) == 0)
            list = p + 7;
    const char *close = list ? memchr(list, ')', (size_t)(line + n - list)) : NULL;
    if (close) {
        at = (size_t)(close - line);
        text = cl_xasprintf(close == list ? "%s" : ", %s", f->rule);
    } else if (at > 0 && line[at - 1] == '\\') {
        at--;
        text = cl_xasprintf("/* NOLINT(%s) */ ", f->rule);
    } else {
        text = cl_xasprintf(" // NOLINT(%s)", f->rule);
    }
    unsigned offset = (unsigned)(src->line_starts[f->begin.line - 1] + at);
    json_t *changes = json_object();
    json_object_set_new(changes, t->doc->uri, json_pack("[o]", text_edit(src, offset, 0, text)));
    char *title = cl_xasprintf("Suppress %s on this line", f->rule);
    json_t *a = action(title, diag, changes, false);
    free(title);
    free(text);
    return a;
}

json_t *cl_lsp_code_actions(const cl_lsp_doc *doc, const json_t *range)
{
    json_t *out = json_array();
    lsp_range want;
    if (!read_position(json_object_get(range, "start"), &want.sl, &want.sc) ||
        !read_position(json_object_get(range, "end"), &want.el, &want.ec) || !doc->shown)
        return out;
    texts t;
    texts_init(&t, doc);
    const cl_source *src = cl_sources_get(t.sources, doc->path);
    const cl_finding **suppressed = cl_xcalloc(doc->raw.n + 1, sizeof *suppressed);
    size_t n_suppressed = 0;
    for (size_t i = 0; i < doc->raw.n; i++) {
        const cl_finding *f = &doc->raw.v[i];
        if (!doc->shown[i] || !overlaps(finding_range(src, &f->begin, &f->end), want))
            continue;
        json_t *diag = diagnostic(&t, f);
        if (f->n_fixes)
            json_array_append_new(out, fix_action(&t, f, diag));
        bool seen = false; /* one suppression per rule and line */
        for (size_t k = 0; k < n_suppressed; k++)
            seen |= strcmp(suppressed[k]->rule, f->rule) == 0 &&
                    suppressed[k]->begin.line == f->begin.line;
        json_t *s = seen ? NULL : suppress_action(&t, f, diag);
        if (s) {
            json_array_append_new(out, s);
            suppressed[n_suppressed++] = f;
        }
        json_decref(diag);
    }
    free(suppressed);
    cl_sources_free(t.sources);
    return out;
}
