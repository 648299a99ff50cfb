/* Fuzz target: the report writers fed arbitrary messages, paths and source text. Whatever the
 * bytes (invalid UTF-8, quotes, control characters, newlines), JSON and SARIF must parse back
 * as JSON and every GitHub workflow command must stay on one line; a violation aborts. */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "emit.h"
#include "xalloc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Splits the input at its first two NUL bytes: message, path, source text. */
static const char *part(const uint8_t *data, size_t size, size_t *pos, size_t *len)
{
    size_t start = *pos;
    while (*pos < size && data[*pos] != 0)
        (*pos)++;
    *len = *pos - start;
    if (*pos < size)
        (*pos)++;
    return (const char *)data + start;
}

static char *run(int (*emit)(const cl_emit_ctx *), cl_emit_ctx *e, size_t *len)
{
    char *buf = NULL;
    e->out = open_memstream(&buf, len);
    if (!e->out)
        abort();
    emit(e);
    fclose(e->out);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t pos = 0, lm, lp, ls;
    const char *msg = part(data, size, &pos, &lm);
    const char *path = part(data, size, &pos, &lp);
    const char *text = part(data, size, &pos, &ls);
    char *file = cl_xasprintf("/fuzz/%.*s", (int)lp, path);

    cl_findings fs = {0};
    for (unsigned i = 0; i < 2; i++) {
        cl_finding *f = cl_findings_push(&fs);
        f->rule = i ? "nil-context" : "async-capture";
        f->severity = i ? CL_SEV_ERROR : CL_SEV_WARNING;
        f->message = cl_xstrndup(msg, lm);
        f->begin.file = cl_xstrdup(file);
        f->end.file = cl_xstrdup(file);
        f->begin.line = 1 + (unsigned)(ls % 7) * i;
        f->begin.col = 1 + (unsigned)(lm % 40);
        f->end.line = f->begin.line + i;
        f->end.col = f->begin.col + 3;
        cl_pos note = f->begin; /* the note owns its position's path */
        note.file = cl_xstrdup(file);
        cl_finding_add_note(f, note, cl_xstrndup(msg, lm));
        cl_finding_add_fix(f, file, 0, (unsigned)(ls < 3 ? ls : 3), "ctx_todo()");
    }
    cl_sources *sources = cl_sources_new();
    cl_sources_put(sources, file, text, ls);
    cl_emit_ctx e = {&fs, sources, NULL, false, "/fuzz", "/fuzz"};

    size_t len;
    char *out = run(cl_emit_json, &e, &len);
    json_error_t je;
    json_t *doc = json_loadb(out, len, 0, &je);
    if (!doc)
        abort(); /* the JSON report is not JSON */
    json_decref(doc);
    free(out);

    out = run(cl_emit_sarif, &e, &len);
    doc = json_loadb(out, len, 0, &je);
    if (!doc || !json_is_array(json_object_get(doc, "runs")))
        abort(); /* the SARIF log is not JSON */
    json_decref(doc);
    free(out);

    out = run(cl_emit_github, &e, &len);
    size_t commands = 0;
    for (size_t i = 0; i < len; i++) {
        if (i == 0 || out[i - 1] == '\n') {
            if (len - i < 2 || out[i] != ':' || out[i + 1] != ':')
                abort(); /* a line that is not a workflow command: a newline escaped badly */
            commands++;
        }
    }
    if (commands != fs.n)
        abort();
    free(out);

    out = run(cl_emit_text, &e, &len);
    free(out);

    cl_sources_free(sources);
    cl_findings_free(&fs);
    free(file);
    return 0;
}
