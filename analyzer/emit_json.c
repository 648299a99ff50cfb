/* --format json: one JSON document, an array of findings, for scripts and tools that want the
 * findings without parsing text. Positions are 1-based lines and byte columns, as in the text
 * output; fixes are byte offsets into the file (clang-tidy's export-fixes convention). */
#include "emit.h"

#include <stdlib.h>

#include "utf8.h"

json_t *cl_json_text(const char *s)
{
    json_t *j = json_string(s ? s : "");
    if (j)
        return j;
    char *clean = cl_utf8_sanitize(s);
    j = json_string(clean);
    free(clean);
    return j;
}

int cl_json_dump(json_t *doc, FILE *out)
{
    int rc = json_dumpf(doc, out, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
    json_decref(doc);
    if (rc != 0 || fputc('\n', out) == EOF)
        return -1;
    return ferror(out) ? -1 : 0;
}

static json_t *note_json(const cl_emit_ctx *e, const cl_note *n)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", cl_json_text(cl_display_path(n->pos.file, e->cwd)));
    json_object_set_new(o, "line", json_integer(n->pos.line));
    json_object_set_new(o, "column", json_integer(n->pos.col));
    json_object_set_new(o, "message", cl_json_text(n->message));
    return o;
}

static json_t *fix_json(const cl_emit_ctx *e, const cl_fix *x)
{
    json_t *o = json_object();
    json_object_set_new(o, "file", cl_json_text(cl_display_path(x->file, e->cwd)));
    json_object_set_new(o, "offset", json_integer(x->offset));
    json_object_set_new(o, "length", json_integer(x->length));
    json_object_set_new(o, "replacement", cl_json_text(x->text));
    return o;
}

int cl_emit_json(const cl_emit_ctx *e)
{
    json_t *all = json_array();
    for (size_t i = 0; i < e->findings->n; i++) {
        const cl_finding *f = &e->findings->v[i];
        json_t *o = json_object();
        json_object_set_new(o, "file", cl_json_text(cl_display_path(f->begin.file, e->cwd)));
        json_object_set_new(o, "line", json_integer(f->begin.line));
        json_object_set_new(o, "column", json_integer(f->begin.col));
        json_object_set_new(o, "end_line", json_integer(f->end.line));
        json_object_set_new(o, "end_column", json_integer(f->end.col));
        json_object_set_new(o, "rule", cl_json_text(f->rule));
        json_object_set_new(o, "severity", json_string(cl_severity_name(f->severity)));
        json_object_set_new(o, "message", cl_json_text(f->message));
        json_t *notes = json_array();
        for (size_t n = 0; n < f->n_notes; n++)
            json_array_append_new(notes, note_json(e, &f->notes[n]));
        json_object_set_new(o, "notes", notes);
        json_t *fixes = json_array();
        for (size_t x = 0; x < f->n_fixes; x++)
            json_array_append_new(fixes, fix_json(e, &f->fixes[x]));
        json_object_set_new(o, "fixes", fixes);
        json_array_append_new(all, o);
    }
    return cl_json_dump(all, e->out);
}
