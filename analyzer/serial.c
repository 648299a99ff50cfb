/* The compact binary form of a unit's findings and facts, shared by the result cache and the
 * shard state files: little-endian integers, length-prefixed strings (a reserved length for
 * NULL), rule ids stored by name and checked against the registry when read. Reading is
 * total: any malformed input sets the buffer's `bad` flag and never reads past its end. */
#include "serial.h"

#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "xalloc.h"

#define NULL_STR 0xffffffffu

void cl_put(cl_wbuf *b, const void *data, size_t n)
{
    if (b->n + n > b->cap) {
        while (b->n + n > b->cap)
            b->cap = b->cap ? 2 * b->cap : 4096;
        b->p = cl_xrealloc(b->p, b->cap);
    }
    memcpy(b->p + b->n, data, n);
    b->n += n;
}

void cl_put_u32(cl_wbuf *b, uint32_t v)
{
    unsigned char x[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    cl_put(b, x, 4);
}

void cl_put_u64(cl_wbuf *b, uint64_t v)
{
    cl_put_u32(b, (uint32_t)v);
    cl_put_u32(b, (uint32_t)(v >> 32));
}

void cl_put_str(cl_wbuf *b, const char *s)
{
    if (!s) {
        cl_put_u32(b, NULL_STR);
        return;
    }
    size_t n = strlen(s);
    cl_put_u32(b, (uint32_t)n);
    cl_put(b, s, n);
}

static void put_pos(cl_wbuf *b, const cl_pos *p)
{
    cl_put_str(b, p->file);
    cl_put_u32(b, p->line);
    cl_put_u32(b, p->col);
    cl_put_u32(b, p->offset);
}

uint32_t cl_get_u32(cl_rbuf *b)
{
    if (b->bad || b->n - b->at < 4) {
        b->bad = true;
        return 0;
    }
    const unsigned char *x = b->p + b->at;
    b->at += 4;
    return (uint32_t)x[0] | (uint32_t)x[1] << 8 | (uint32_t)x[2] << 16 | (uint32_t)x[3] << 24;
}

uint64_t cl_get_u64(cl_rbuf *b)
{
    uint64_t lo = cl_get_u32(b);
    return lo | (uint64_t)cl_get_u32(b) << 32;
}

/* A new string, or NULL for a stored NULL (and on error, with b->bad set). */
char *cl_get_str(cl_rbuf *b)
{
    uint32_t n = cl_get_u32(b);
    if (b->bad || n == NULL_STR)
        return NULL;
    if (b->n - b->at < n || memchr(b->p + b->at, '\0', n)) {
        b->bad = true;
        return NULL;
    }
    char *s = cl_xstrndup((const char *)b->p + b->at, n);
    b->at += n;
    return s;
}

/* A string that must be present. */
char *cl_get_str_nn(cl_rbuf *b)
{
    char *s = cl_get_str(b);
    if (!s)
        b->bad = true;
    return s;
}

static cl_pos get_pos(cl_rbuf *b)
{
    cl_pos p = {0};
    p.file = cl_get_str_nn(b);
    p.line = cl_get_u32(b);
    p.col = cl_get_u32(b);
    p.offset = cl_get_u32(b);
    return p;
}

/* A count that cannot exceed what the remaining bytes could hold (each item >= 4 bytes). */
uint32_t cl_get_count(cl_rbuf *b)
{
    uint32_t n = cl_get_u32(b);
    if (!b->bad && n > (b->n - b->at) / 4)
        b->bad = true;
    return b->bad ? 0 : n;
}

static const char *rule_id(cl_rbuf *b)
{
    char *id = cl_get_str_nn(b);
    const cl_rule *r = id ? cl_rule_find(id) : NULL;
    free(id);
    if (!r)
        b->bad = true;
    return r ? r->id : NULL;
}

void cl_get_findings(cl_rbuf *b, cl_findings *out)
{
    for (uint32_t i = 0, n = cl_get_count(b); i < n && !b->bad; i++) {
        cl_finding *f = cl_findings_push(out);
        f->rule = rule_id(b);
        uint32_t sev = cl_get_u32(b);
        if (sev > CL_SEV_ERROR)
            b->bad = true;
        f->severity = (cl_severity)sev;
        f->message = cl_get_str_nn(b);
        f->begin = get_pos(b);
        f->end = get_pos(b);
        for (uint32_t j = 0, nn = cl_get_count(b); j < nn && !b->bad; j++) {
            cl_pos p = get_pos(b);
            char *msg = cl_get_str_nn(b);
            if (b->bad) {
                free(p.file);
                free(msg);
                break;
            }
            cl_finding_add_note(f, p, msg);
        }
        for (uint32_t j = 0, nf = cl_get_count(b); j < nf && !b->bad; j++) {
            char *file = cl_get_str_nn(b);
            uint32_t off = cl_get_u32(b), len = cl_get_u32(b);
            char *text = cl_get_str_nn(b);
            if (!b->bad)
                cl_finding_add_fix(f, file, off, len, text);
            free(file);
            free(text);
        }
        f->cond_kind = cl_get_str(b);
        f->cond_key = cl_get_str(b);
        f->cond_index = (int)cl_get_u32(b);
        if (!f->message)
            f->message = cl_xstrdup(""); /* keeps a bad entry freeable */
        if (!f->begin.file)
            f->begin.file = cl_xstrdup("");
        if (!f->end.file)
            f->end.file = cl_xstrdup("");
    }
}

void cl_get_facts(cl_rbuf *b, cl_facts *out)
{
    for (uint32_t i = 0, n = cl_get_count(b); i < n && !b->bad; i++) {
        const char *rule = rule_id(b);
        char *kind = cl_get_str_nn(b), *key = cl_get_str_nn(b);
        int index = (int)cl_get_u32(b);
        char *data = cl_get_str(b);
        if (!b->bad)
            cl_facts_add(out, rule, kind, key, index, data);
        free(kind);
        free(key);
        free(data);
    }
}

void cl_put_findings(cl_wbuf *b, const cl_findings *fs)
{
    cl_put_u32(b, (uint32_t)fs->n);
    for (size_t i = 0; i < fs->n; i++) {
        const cl_finding *f = &fs->v[i];
        cl_put_str(b, f->rule);
        cl_put_u32(b, (uint32_t)f->severity);
        cl_put_str(b, f->message);
        put_pos(b, &f->begin);
        put_pos(b, &f->end);
        cl_put_u32(b, (uint32_t)f->n_notes);
        for (size_t j = 0; j < f->n_notes; j++) {
            put_pos(b, &f->notes[j].pos);
            cl_put_str(b, f->notes[j].message);
        }
        cl_put_u32(b, (uint32_t)f->n_fixes);
        for (size_t j = 0; j < f->n_fixes; j++) {
            cl_put_str(b, f->fixes[j].file);
            cl_put_u32(b, f->fixes[j].offset);
            cl_put_u32(b, f->fixes[j].length);
            cl_put_str(b, f->fixes[j].text);
        }
        cl_put_str(b, f->cond_kind);
        cl_put_str(b, f->cond_key);
        cl_put_u32(b, (uint32_t)f->cond_index);
    }
}

void cl_put_facts(cl_wbuf *b, const cl_facts *fs)
{
    cl_put_u32(b, (uint32_t)fs->n);
    for (size_t i = 0; i < fs->n; i++) {
        const cl_fact *f = &fs->v[i];
        cl_put_str(b, f->rule);
        cl_put_str(b, f->kind);
        cl_put_str(b, f->key);
        cl_put_u32(b, (uint32_t)f->index);
        cl_put_str(b, f->data);
    }
}
