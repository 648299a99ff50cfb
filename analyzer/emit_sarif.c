/* --format sarif: SARIF 2.1.0 as GitHub code scanning ingests it and the official validator
 * (`sarif-multitool validate --rule-kind "Sarif;Ghas"`) accepts it: every registered rule's
 * metadata with its page as help, regions with start and end, URIs relative to the project root
 * (%SRCROOT%), columns in UTF-16 code units, related locations for notes, fix-its as `fixes`, and
 * partialFingerprints.primaryLocationLineHash computed exactly as github/codeql-action's
 * upload step would (src/fingerprints.ts), so alerts keep their identity across edits whether or
 * not the uploader recomputes it. */
#include "emit.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "registry.h"
#include "root.h"
#include "utf8.h"
#include "xalloc.h"

#ifndef CTXLINT_DOCS_URL
#define CTXLINT_DOCS_URL "https://github.com/ctxlint/ctxlint/blob/main/rules/"
#endif
#define CTXLINT_HOME_URL "https://github.com/ctxlint/ctxlint"
/* GitHub truncates (and the validator flags) descriptions longer than this. */
#define DESCRIPTION_MAX 1024

unsigned cl_utf16_column(const char *line, size_t len, unsigned byte_col)
{
    size_t want = byte_col ? byte_col - 1 : 0;
    size_t lim = want < len ? want : len;
    unsigned units = 0;
    for (size_t i = 0; i < lim;) {
        uint32_t cp = cl_utf8_next(line, lim, &i);
        units += cp >= 0x10000 ? 2 : 1;
    }
    if (want > len)
        units += (unsigned)(want - len);
    return units + 1;
}

/* ---- primaryLocationLineHash (codeql-action src/fingerprints.ts, reproduced exactly) ---- */

#define BLOCK_SIZE 100
#define EOF_UNIT 65535u /* fingerprints.ts appends this code unit after the last character */

typedef struct count_table {
    uint64_t *keys;
    unsigned *counts;
    size_t cap, n;
} count_table;

/* How many times `h` has been output, this time included. */
static unsigned count_hash(count_table *t, uint64_t h)
{
    if (2 * (t->n + 1) > t->cap) {
        count_table g = {NULL, NULL, t->cap ? 2 * t->cap : 64, 0};
        g.keys = cl_xcalloc(g.cap, sizeof *g.keys);
        g.counts = cl_xcalloc(g.cap, sizeof *g.counts);
        for (size_t i = 0; i < t->cap; i++)
            if (t->counts[i]) {
                size_t j = (size_t)(t->keys[i] * 0x9E3779B97F4A7C15u) & (g.cap - 1);
                while (g.counts[j])
                    j = (j + 1) & (g.cap - 1);
                g.keys[j] = t->keys[i];
                g.counts[j] = t->counts[i];
                g.n++;
            }
        free(t->keys);
        free(t->counts);
        *t = g;
    }
    size_t j = (size_t)(h * 0x9E3779B97F4A7C15u) & (t->cap - 1);
    while (t->counts[j] && t->keys[j] != h)
        j = (j + 1) & (t->cap - 1);
    if (!t->counts[j]) {
        t->keys[j] = h;
        t->n++;
    }
    return ++t->counts[j];
}

typedef struct hasher {
    uint32_t window[BLOCK_SIZE];
    long line_numbers[BLOCK_SIZE]; /* the line starting at this window slot, or -1 */
    uint64_t hash, first_mod;
    size_t index;
    long line_number;
    bool line_start, prev_cr;
    count_table counts;
    char **out; /* indexed by line - 1 */
    size_t n_out, cap_out;
} hasher;

static void output_hash(hasher *h)
{
    long line = h->line_numbers[h->index];
    unsigned n = count_hash(&h->counts, h->hash);
    if ((size_t)line > h->cap_out) {
        size_t cap = h->cap_out ? h->cap_out : 64;
        while (cap < (size_t)line)
            cap *= 2;
        h->out = cl_xrealloc(h->out, cap * sizeof *h->out);
        memset(h->out + h->cap_out, 0, (cap - h->cap_out) * sizeof *h->out);
        h->cap_out = cap;
    }
    free(h->out[line - 1]);
    h->out[line - 1] = cl_xasprintf("%" PRIx64 ":%u", h->hash, n);
    if ((size_t)line > h->n_out)
        h->n_out = (size_t)line;
    h->line_numbers[h->index] = -1;
}

static void update_hash(hasher *h, uint32_t current)
{
    uint32_t begin = h->window[h->index];
    h->window[h->index] = current;
    /* Long arithmetic in the original: two's complement wrap-around, i.e. modulo 2^64. */
    h->hash = 37u * h->hash + current - h->first_mod * begin;
    h->index = (h->index + 1) % BLOCK_SIZE;
}

static void process_unit(hasher *h, uint32_t current)
{
    if (current == ' ' || current == '\t' || (h->prev_cr && current == '\n')) {
        h->prev_cr = false;
        return;
    }
    if (current == '\r') {
        current = '\n';
        h->prev_cr = true;
    } else {
        h->prev_cr = false;
    }
    if (h->line_numbers[h->index] != -1)
        output_hash(h);
    if (h->line_start) {
        h->line_start = false;
        h->line_numbers[h->index] = ++h->line_number;
    }
    if (current == '\n')
        h->line_start = true;
    update_hash(h, current);
}

char **cl_line_hashes(const char *text, size_t len, size_t *n_lines)
{
    hasher *h = cl_xcalloc(1, sizeof *h);
    h->first_mod = 1;
    for (int i = 0; i < BLOCK_SIZE; i++)
        h->first_mod *= 37u;
    for (int i = 0; i < BLOCK_SIZE; i++)
        h->line_numbers[i] = -1;
    h->line_start = true;
    /* The original iterates over the UTF-16 code units of the decoded text. */
    for (size_t i = 0; i < len;) {
        uint32_t cp = cl_utf8_next(text, len, &i);
        if (cp >= 0x10000) {
            process_unit(h, 0xD800u + ((cp - 0x10000u) >> 10));
            process_unit(h, 0xDC00u + ((cp - 0x10000u) & 0x3FFu));
        } else {
            process_unit(h, cp);
        }
    }
    process_unit(h, EOF_UNIT);
    for (int i = 0; i < BLOCK_SIZE; i++) {
        if (h->line_numbers[h->index] != -1)
            output_hash(h);
        update_hash(h, 0);
    }
    char **out = h->out;
    *n_lines = h->n_out;
    free(h->counts.keys);
    free(h->counts.counts);
    free(h);
    return out;
}

void cl_line_hashes_free(char **hashes, size_t n_lines)
{
    for (size_t i = 0; i < n_lines; i++)
        free(hashes[i]);
    free(hashes);
}

/* ---- URIs ---- */

/* `path` as a URI path: every byte outside RFC 3986's unreserved set and `/` percent-encoded. */
static char *uri_path(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *out = cl_xmalloc(3 * n + 1);
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
            strchr("-._~/", c)) {
            out[o++] = (char)c;
        } else {
            out[o++] = '%';
            out[o++] = hex[c >> 4];
            out[o++] = hex[c & 15];
        }
    }
    out[o] = '\0';
    return out;
}

static json_t *artifact_location(const cl_emit_ctx *e, const char *file)
{
    json_t *o = json_object();
    const char *rel = e->root ? cl_root_relative(file, e->root) : NULL;
    char *enc = uri_path(rel ? rel : file);
    if (rel) {
        json_object_set_new(o, "uri", json_string(enc));
        json_object_set_new(o, "uriBaseId", json_string("%SRCROOT%"));
    } else {
        char *abs = cl_xasprintf("file://%s", enc);
        json_object_set_new(o, "uri", json_string(abs));
        free(abs);
    }
    free(enc);
    return o;
}

/* ---- rules metadata ---- */

bool cl_rule_page(const char *id, char **text, size_t *len)
{
    const char *dirs[] = {getenv("CTXLINT_DOC_DIR"), CTXLINT_INSTALLED_DOC_DIR,
                          CTXLINT_RULES_DOC_DIR};
    for (size_t i = 0; i < CL_COUNT(dirs); i++) {
        if (!dirs[i])
            continue;
        char *path = cl_xasprintf("%s/%s.md", dirs[i], id);
        FILE *f = fopen(path, "rb");
        free(path);
        if (!f)
            continue;
        int rc = cl_read_stream(f, text, len);
        fclose(f);
        if (rc == 0)
            return true;
    }
    *text = NULL;
    *len = 0;
    return false;
}

static const char *level_of(cl_severity s)
{
    switch (s) {
    case CL_SEV_ERROR:
        return "error";
    case CL_SEV_NOTE:
        return "note";
    case CL_SEV_WARNING:
        break;
    }
    return "warning";
}

static const char *problem_severity(cl_severity s)
{
    switch (s) {
    case CL_SEV_ERROR:
        return "error";
    case CL_SEV_NOTE:
        return "recommendation";
    case CL_SEV_WARNING:
        break;
    }
    return "warning";
}

/* "lost-cancel" -> "LostCancel". */
static char *pascal_case(const char *id)
{
    char *out = cl_xmalloc(strlen(id) + 1);
    size_t o = 0;
    bool up = true;
    for (const char *p = id; *p; p++) {
        if (*p == '-' || *p == '_') {
            up = true;
            continue;
        }
        out[o++] = up && *p >= 'a' && *p <= 'z' ? (char)(*p - 'a' + 'A') : *p;
        up = false;
    }
    out[o] = '\0';
    return out;
}

/* At most `max` bytes of `s`, cut at a character boundary, with "..." when cut. */
static char *truncated(const char *s, size_t max)
{
    size_t n = strlen(s);
    if (n <= max)
        return cl_xstrdup(s);
    size_t cut = max - 3;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--;
    return cl_xasprintf("%.*s...", (int)cut, s);
}

/* The first paragraph after the page's "Why is this bad?" heading, joined into one line; NULL
 * when the page has none. */
static char *why_paragraph(const char *page)
{
    const char *h = strstr(page, "Why is this bad?");
    if (!h)
        return NULL;
    const char *p = strchr(h, '\n');
    if (!p)
        return NULL;
    while (*p == '\n' || *p == '\r')
        p++;
    const char *end = strstr(p, "\n\n");
    if (!end)
        end = p + strlen(p);
    size_t n = (size_t)(end - p);
    if (n == 0 || *p == '#')
        return NULL;
    char *out = cl_xstrndup(p, n);
    for (char *q = out; *q; q++)
        if (*q == '\n' || *q == '\r')
            *q = ' ';
    return out;
}

typedef struct rule_meta {
    const char *id;
    const char *summary;
    cl_severity severity;
    const char *name; /* NULL: the id in PascalCase */
} rule_meta;

/* Pseudo-rules the driver itself reports (not in the registry). */
static const rule_meta builtin_rules[] = {
    {"nolint",
     "A NOLINT comment is malformed, unmatched (NOLINTBEGIN without NOLINTEND) or, with "
     "--report-unused-suppressions, suppresses nothing.",
     CL_SEV_WARNING, "NolintComment"},
};

static json_t *text_message(const char *text)
{
    json_t *o = json_object();
    json_object_set_new(o, "text", cl_json_text(text && *text ? text : "-"));
    return o;
}

static json_t *rule_json(const rule_meta *r)
{
    json_t *o = json_object();
    json_object_set_new(o, "id", cl_json_text(r->id));
    /* SARIF1001: a name that equals the id (ignoring case) must be left out. */
    char *name = r->name ? cl_xstrdup(r->name) : pascal_case(r->id);
    if (strcasecmp(name, r->id) != 0)
        json_object_set_new(o, "name", cl_json_text(name));
    free(name);
    char *summary = truncated(r->summary, DESCRIPTION_MAX);
    json_object_set_new(o, "shortDescription", text_message(summary));
    char *page = NULL;
    size_t len = 0;
    cl_rule_page(r->id, &page, &len);
    char *why = page ? why_paragraph(page) : NULL;
    char *full = why ? cl_xasprintf("%s %s", r->summary, why) : cl_xstrdup(r->summary);
    char *full_cut = truncated(full, DESCRIPTION_MAX);
    json_object_set_new(o, "fullDescription", text_message(full_cut));
    json_t *help = json_object();
    json_object_set_new(help, "text", cl_json_text(page ? page : summary));
    json_object_set_new(help, "markdown", cl_json_text(page ? page : summary));
    json_object_set_new(o, "help", help);
    char *uri = cl_xasprintf("%s%s.md", CTXLINT_DOCS_URL, r->id);
    json_object_set_new(o, "helpUri", cl_json_text(uri));
    json_t *conf = json_object();
    json_object_set_new(conf, "level", json_string(level_of(r->severity)));
    json_object_set_new(o, "defaultConfiguration", conf);
    json_t *props = json_object();
    json_t *tags = json_array();
    json_array_append_new(tags, json_string("correctness"));
    json_array_append_new(tags, json_string("context"));
    json_object_set_new(props, "tags", tags);
    /* Rules stay silent when unsure (rules.md): what they report is meant to be right. */
    json_object_set_new(props, "precision", json_string("high"));
    json_object_set_new(props, "problem.severity", json_string(problem_severity(r->severity)));
    json_object_set_new(o, "properties", props);
    free(uri);
    free(full_cut);
    free(full);
    free(why);
    free(page);
    free(summary);
    return o;
}

typedef struct rule_list {
    rule_meta *v;
    size_t n;
} rule_list;

static int rule_index(rule_list *rules, json_t *out, const char *id)
{
    for (size_t i = 0; i < rules->n; i++)
        if (strcmp(rules->v[i].id, id) == 0)
            return (int)i;
    rule_meta m = {id, "A finding of ctxlint.", CL_SEV_WARNING, NULL};
    for (size_t i = 0; i < CL_COUNT(builtin_rules); i++)
        if (strcmp(builtin_rules[i].id, id) == 0)
            m = builtin_rules[i];
    rules->v = cl_xrealloc(rules->v, (rules->n + 1) * sizeof *rules->v);
    rules->v[rules->n] = m;
    json_array_append_new(out, rule_json(&m));
    return (int)rules->n++;
}

/* ---- results ---- */

typedef struct file_hashes {
    const char *file;
    char **hashes;
    size_t n;
} file_hashes;

static const char *fingerprint(const cl_emit_ctx *e, file_hashes *fh, const char *file,
                               unsigned line)
{
    if (!fh->file || strcmp(fh->file, file) != 0) {
        cl_line_hashes_free(fh->hashes, fh->n);
        fh->hashes = NULL;
        fh->n = 0;
        fh->file = file;
        const cl_source *src = cl_sources_get(e->sources, file);
        if (src->ok)
            fh->hashes = cl_line_hashes(src->text, src->len, &fh->n);
    }
    if (line == 0 || line > fh->n)
        return NULL;
    return fh->hashes[line - 1];
}

static unsigned utf16_col(const cl_emit_ctx *e, const char *file, unsigned line, unsigned col)
{
    size_t len;
    const char *text = cl_source_line(cl_sources_get(e->sources, file), line, &len);
    return text ? cl_utf16_column(text, len, col) : (col ? col : 1);
}

static json_t *region(const cl_emit_ctx *e, const cl_pos *b, const cl_pos *end)
{
    unsigned line = b->line ? b->line : 1;
    unsigned col = utf16_col(e, b->file, line, b->col);
    unsigned eline = end->line, ecol;
    if (eline < line || (eline == line && end->col <= b->col)) {
        /* No usable end: one character, as the text output's caret. */
        eline = line;
        ecol = col + 1;
    } else {
        ecol = utf16_col(e, end->file, eline, end->col);
        if (eline == line && ecol <= col)
            ecol = col + 1;
    }
    json_t *r = json_object();
    json_object_set_new(r, "startLine", json_integer(line));
    json_object_set_new(r, "startColumn", json_integer(col));
    json_object_set_new(r, "endLine", json_integer(eline));
    json_object_set_new(r, "endColumn", json_integer(ecol));
    return r;
}

static json_t *location(const cl_emit_ctx *e, const cl_pos *b, const cl_pos *end)
{
    json_t *phys = json_object();
    json_object_set_new(phys, "artifactLocation", artifact_location(e, b->file));
    json_object_set_new(phys, "region", region(e, b, end));
    json_t *loc = json_object();
    json_object_set_new(loc, "physicalLocation", phys);
    return loc;
}

static json_t *fixes_json(const cl_emit_ctx *e, const cl_finding *f)
{
    /* One artifactChange per file, its replacements in order. */
    json_t *changes = json_array();
    const char **files = cl_xcalloc(f->n_fixes, sizeof *files);
    size_t n_files = 0;
    for (size_t i = 0; i < f->n_fixes; i++) {
        const cl_fix *x = &f->fixes[i];
        size_t k = 0;
        while (k < n_files && strcmp(files[k], x->file) != 0)
            k++;
        if (k == n_files) {
            json_t *change = json_object();
            json_object_set_new(change, "artifactLocation", artifact_location(e, x->file));
            json_object_set_new(change, "replacements", json_array());
            json_array_append_new(changes, change);
            files[n_files++] = x->file;
        }
        json_t *del = json_object();
        json_object_set_new(del, "byteOffset", json_integer(x->offset));
        json_object_set_new(del, "byteLength", json_integer(x->length));
        json_t *ins = json_object();
        json_object_set_new(ins, "text", cl_json_text(x->text));
        json_t *rep = json_object();
        json_object_set_new(rep, "deletedRegion", del);
        json_object_set_new(rep, "insertedContent", ins);
        json_array_append_new(json_object_get(json_array_get(changes, k), "replacements"), rep);
    }
    free(files);
    json_t *fix = json_object();
    json_object_set_new(fix, "description", text_message("Apply ctxlint's fix-it."));
    json_object_set_new(fix, "artifactChanges", changes);
    json_t *fixes = json_array();
    json_array_append_new(fixes, fix);
    return fixes;
}

static json_t *result_json(const cl_emit_ctx *e, const cl_finding *f, int index, file_hashes *fh)
{
    json_t *r = json_object();
    json_object_set_new(r, "ruleId", cl_json_text(f->rule));
    json_object_set_new(r, "ruleIndex", json_integer(index));
    json_object_set_new(r, "level", json_string(level_of(f->severity)));
    json_object_set_new(r, "message", text_message(f->message));
    json_t *locs = json_array();
    json_array_append_new(locs, location(e, &f->begin, &f->end));
    json_object_set_new(r, "locations", locs);
    if (f->n_notes) {
        json_t *rel = json_array();
        for (size_t n = 0; n < f->n_notes; n++) {
            json_t *l = location(e, &f->notes[n].pos, &f->notes[n].pos);
            json_object_set_new(l, "id", json_integer((json_int_t)n + 1));
            json_object_set_new(l, "message", text_message(f->notes[n].message));
            json_array_append_new(rel, l);
        }
        json_object_set_new(r, "relatedLocations", rel);
    }
    const char *hash = fingerprint(e, fh, f->begin.file, f->begin.line);
    if (hash) {
        json_t *fp = json_object();
        json_object_set_new(fp, "primaryLocationLineHash", json_string(hash));
        json_object_set_new(r, "partialFingerprints", fp);
    }
    if (f->n_fixes)
        json_object_set_new(r, "fixes", fixes_json(e, f));
    return r;
}

int cl_emit_sarif(const cl_emit_ctx *e)
{
    json_t *rules = json_array();
    rule_list known = {cl_xcalloc(cl_n_rules + 1, sizeof *known.v), 0};
    for (size_t i = 0; i < cl_n_rules; i++) {
        rule_meta m = {cl_rules[i]->id, cl_rules[i]->summary, cl_rules[i]->severity, NULL};
        known.v[known.n++] = m;
        json_array_append_new(rules, rule_json(&m));
    }
    json_t *results = json_array();
    file_hashes fh = {0};
    for (size_t i = 0; i < e->findings->n; i++) {
        const cl_finding *f = &e->findings->v[i];
        int index = rule_index(&known, rules, f->rule);
        json_array_append_new(results, result_json(e, f, index, &fh));
    }
    cl_line_hashes_free(fh.hashes, fh.n);
    free(known.v);

    json_t *driver = json_object();
    json_object_set_new(driver, "name", json_string("ctxlint"));
    json_object_set_new(driver, "version", json_string(CTXLINT_VERSION));
    json_object_set_new(driver, "semanticVersion", json_string(CTXLINT_VERSION));
    json_object_set_new(driver, "informationUri", json_string(CTXLINT_HOME_URL));
    json_object_set_new(driver, "rules", rules);
    json_t *tool = json_object();
    json_object_set_new(tool, "driver", driver);

    json_t *run = json_object();
    json_object_set_new(run, "tool", tool);
    if (e->root) {
        char *enc = uri_path(e->root);
        size_t n = strlen(enc);
        char *uri = cl_xasprintf("file://%s%s", enc, n && enc[n - 1] == '/' ? "" : "/");
        json_t *base = json_object();
        json_object_set_new(base, "uri", json_string(uri));
        json_t *bases = json_object();
        json_object_set_new(bases, "%SRCROOT%", base);
        json_object_set_new(run, "originalUriBaseIds", bases);
        free(uri);
        free(enc);
    }
    json_object_set_new(run, "columnKind", json_string("utf16CodeUnits"));
    json_object_set_new(run, "results", results);
    json_t *runs = json_array();
    json_array_append_new(runs, run);

    json_t *doc = json_object();
    json_object_set_new(doc, "$schema",
                        json_string("https://json.schemastore.org/sarif-2.1.0.json"));
    json_object_set_new(doc, "version", json_string("2.1.0"));
    json_object_set_new(doc, "runs", runs);
    return cl_json_dump(doc, e->out);
}
