/* .ctxlint.yaml: reading it over a configuration and writing a configuration back as YAML.
 *
 * The text is parsed by libyaml's document API, which keeps every node's position, so each
 * mistake is reported at its own FILE:LINE:COL with the key it concerns; nothing is applied
 * half-way for a file that has a mistake (the caller discards the configuration). Writing goes
 * through libyaml's emitter, so every scalar is quoted exactly when YAML needs it and the dump
 * reads back to the same configuration (--dump-config). */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "config.h"
#include "registry.h"
#include "source.h"
#include "xalloc.h"

typedef struct loader {
    const char *path;
    const char *text;
    size_t len;
    yaml_document_t doc;
    cl_config *cfg;
    char *err;
} loader;

typedef struct named {
    const char *name;
    int value;
} named;

static const named cancel_shapes[] = {
    {"none", CL_CANCEL_NONE},
    {"out-param", CL_CANCEL_OUT_PARAM},
    {"result-field", CL_CANCEL_RESULT_FIELD},
    {"returned-fn", CL_CANCEL_RETURNED_FN},
};
static const named spawn_kinds[] = {
    {"thread", CL_SPAWN_THREAD},
    {"detached", CL_SPAWN_DETACHED},
    {"joined", CL_SPAWN_JOINED},
};
static const named key_kinds[] = {
    {"object", CL_KEY_OBJECT},
    {"string", CL_KEY_STRING},
};
static const named severities[] = {
    {"note", CL_SEV_NOTE},
    {"warning", CL_SEV_WARNING},
    {"error", CL_SEV_ERROR},
};

static const char *name_of(const named *t, size_t n, int value)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].value == value)
            return t[i].name;
    return "?";
}

/* --- Errors ------------------------------------------------------------------------------- */

__attribute__((format(printf, 3, 4))) static int fail(loader *L, const yaml_node_t *at,
                                                      const char *fmt, ...)
{
    if (L->err)
        return -1;
    va_list ap;
    va_start(ap, fmt);
    char msg[1024];
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    L->err = cl_xasprintf("%s:%zu:%zu: error: %s", L->path, at ? at->start_mark.line + 1 : 1,
                          at ? at->start_mark.column + 1 : 1, msg);
    return -1;
}

/* Edit distance, for "did you mean": keys are short, so the quadratic table is cheap. */
static size_t distance(const char *a, const char *b)
{
    size_t la = strlen(a), lb = strlen(b);
    if (la > 64 || lb > 64)
        return 99;
    size_t row[65];
    for (size_t j = 0; j <= lb; j++)
        row[j] = j;
    for (size_t i = 1; i <= la; i++) {
        size_t diag = row[0];
        row[0] = i;
        for (size_t j = 1; j <= lb; j++) {
            size_t up = row[j];
            size_t best = diag + (a[i - 1] != b[j - 1]);
            if (up + 1 < best)
                best = up + 1;
            if (row[j - 1] + 1 < best)
                best = row[j - 1] + 1;
            row[j] = best;
            diag = up;
        }
    }
    return row[lb];
}

/* " (did you mean 'x'?)" for the closest candidate within about a third of the word, else "". */
static void suggest(const char *word, const char *const *cands, size_t n, char *buf, size_t size)
{
    const char *best = NULL;
    size_t best_d = strlen(word) / 3 + 1;
    for (size_t i = 0; i < n; i++) {
        size_t d = distance(word, cands[i]);
        /* A misspelt beginning of a longer key ('callbak' for 'callback-arg') counts too. */
        char head[64];
        snprintf(head, sizeof head, "%.*s", (int)strlen(word) + 1, cands[i]);
        if (strlen(head) < strlen(cands[i]) && distance(word, head) + 1 < d)
            d = distance(word, head) + 1;
        if (d <= best_d && (!best || d < best_d)) {
            best = cands[i];
            best_d = d;
        }
    }
    if (best)
        snprintf(buf, size, " (did you mean '%s'?)", best);
    else if (size)
        buf[0] = '\0';
}

/* --- Scalars ------------------------------------------------------------------------------ */

static const char *scalar(const yaml_node_t *n)
{
    return (const char *)n->data.scalar.value;
}

static const char *kind_name(const yaml_node_t *n)
{
    switch (n->type) {
    case YAML_SCALAR_NODE:
        return "a scalar";
    case YAML_SEQUENCE_NODE:
        return "a list";
    case YAML_MAPPING_NODE:
        return "a mapping";
    default:
        return "nothing";
    }
}

static int want_scalar(loader *L, const yaml_node_t *n, const char *key, const char *what)
{
    if (n->type == YAML_SCALAR_NODE)
        return 0;
    return fail(L, n, "'%s' must be %s, not %s", key, what, kind_name(n));
}

static int get_string(loader *L, const yaml_node_t *n, const char *key, const char **out)
{
    if (want_scalar(L, n, key, "a string") != 0)
        return -1;
    if (!*scalar(n))
        return fail(L, n, "'%s' must not be empty", key);
    *out = scalar(n);
    return 0;
}

/* Replaces the string at *slot by a copy of `s`. */
static void set_string(char **slot, const char *s)
{
    free(*slot);
    *slot = cl_xstrdup(s);
}

/* A C identifier, or a C++ qualified name (`std::thread`, `pool::submit`): each part between
 * `::` separators is an identifier. */
static bool is_identifier(const char *s)
{
    for (;;) {
        if (!(isalpha((unsigned char)*s) || *s == '_'))
            return false;
        while (isalnum((unsigned char)*s) || *s == '_')
            s++;
        if (*s == '\0')
            return true;
        if (s[0] != ':' || s[1] != ':')
            return false;
        s += 2;
    }
}

static int get_identifier(loader *L, const yaml_node_t *n, const char *key, const char **out)
{
    if (get_string(L, n, key, out) != 0)
        return -1;
    if (!is_identifier(*out))
        return fail(L, n,
                    "'%s': '%s' is not a C identifier (name a function, typedef or tag: no "
                    "'*', 'struct' or spaces)",
                    key, *out);
    return 0;
}

static int get_bool(loader *L, const yaml_node_t *n, const char *key, bool *out)
{
    if (want_scalar(L, n, key, "true or false") != 0)
        return -1;
    static const char *const yes[] = {"true", "True", "TRUE", "yes", "on"};
    static const char *const no[] = {"false", "False", "FALSE", "no", "off"};
    for (size_t i = 0; i < CL_COUNT(yes); i++) {
        if (strcmp(scalar(n), yes[i]) == 0) {
            *out = true;
            return 0;
        }
        if (strcmp(scalar(n), no[i]) == 0) {
            *out = false;
            return 0;
        }
    }
    return fail(L, n, "'%s' must be true or false, not '%s'", key, scalar(n));
}

static int get_index(loader *L, const yaml_node_t *n, const char *key, int *out)
{
    if (want_scalar(L, n, key, "an argument index") != 0)
        return -1;
    const char *s = scalar(n);
    char *end;
    errno = 0;
    long v = isdigit((unsigned char)*s) ? strtol(s, &end, 10) : -1;
    if (v < 0 || *end || errno || v > 255)
        return fail(L, n,
                    "'%s' must be an argument index, an integer from 0 (the first argument) to "
                    "255, not '%s'",
                    key, s);
    *out = (int)v;
    return 0;
}

static int get_enum(loader *L, const yaml_node_t *n, const char *key, const named *t, size_t count,
                    int *out)
{
    if (want_scalar(L, n, key, "a name") != 0)
        return -1;
    char choices[256] = "";
    for (size_t i = 0; i < count; i++) {
        if (strcmp(scalar(n), t[i].name) == 0) {
            *out = t[i].value;
            return 0;
        }
        size_t used = strlen(choices);
        snprintf(choices + used, sizeof choices - used, "%s%s",
                 i ? (i + 1 == count ? " or " : ", ") : "", t[i].name);
    }
    return fail(L, n, "'%s' must be %s, not '%s'", key, choices, scalar(n));
}

/* --- Mappings ----------------------------------------------------------------------------- */

typedef int (*pair_fn)(loader *L, void *arg, const char *key, yaml_node_t *knode,
                       yaml_node_t *value);

static yaml_node_t *node(loader *L, int id)
{
    return yaml_document_get_node(&L->doc, id);
}

/* Calls `fn` for each pair of the mapping `m` in order; keys must be distinct strings. */
static int each_pair(loader *L, yaml_node_t *m, const char *where, pair_fn fn, void *arg)
{
    if (m->type != YAML_MAPPING_NODE)
        return fail(L, m, "%s must be a mapping, not %s", where, kind_name(m));
    for (yaml_node_pair_t *p = m->data.mapping.pairs.start; p < m->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(L, p->key), *v = node(L, p->value);
        if (k->type != YAML_SCALAR_NODE)
            return fail(L, k, "a key in %s must be a name, not %s", where, kind_name(k));
        for (yaml_node_pair_t *q = m->data.mapping.pairs.start; q < p; q++) {
            yaml_node_t *prev = node(L, q->key);
            if (prev->type == YAML_SCALAR_NODE && strcmp(scalar(prev), scalar(k)) == 0)
                return fail(L, k, "duplicate key '%s' in %s (first at line %zu)", scalar(k), where,
                            prev->start_mark.line + 1);
        }
        if (fn(L, arg, scalar(k), k, v) != 0)
            return -1;
    }
    return 0;
}

static int unknown_key(loader *L, yaml_node_t *k, const char *where, const char *const *keys,
                       size_t n)
{
    char hint[128];
    suggest(scalar(k), keys, n, hint, sizeof hint);
    return fail(L, k, "unknown key '%s' in %s%s", scalar(k), where, hint);
}

static int rule_index(loader *L, yaml_node_t *k, const char *where)
{
    int ri = cl_rule_index(scalar(k));
    if (ri >= 0)
        return ri;
    const char **ids = cl_xcalloc(cl_n_rules + 1, sizeof *ids);
    for (size_t i = 0; i < cl_n_rules; i++)
        ids[i] = cl_rules[i]->id;
    char hint[128];
    suggest(scalar(k), ids, cl_n_rules, hint, sizeof hint);
    free(ids);
    fail(L, k, "unknown rule '%s' in %s%s (see --list-rules)", scalar(k), where, hint);
    return -1;
}

/* --- checks, severity, fail-on, rules ----------------------------------------------------- */

static int apply_checks(loader *L, yaml_node_t *at, const char *checks)
{
    char *err = NULL;
    if (cl_config_apply_checks(L->cfg, checks, &err) != 0) {
        fail(L, at, "'checks': %s", err);
        free(err);
        return -1;
    }
    return 0;
}

static int load_checks(loader *L, yaml_node_t *v)
{
    if (v->type == YAML_SCALAR_NODE) {
        if (apply_checks(L, v, scalar(v)) != 0)
            return -1;
        free(L->cfg->checks);
        L->cfg->checks = cl_xstrdup(scalar(v));
        return 0;
    }
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(L, v,
                    "'checks' must be a string (\"-*,nil-context\") or a list of globs, not %s",
                    kind_name(v));
    char *joined = cl_xstrdup("");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *g = node(L, *it);
        const char *s = NULL;
        if (get_string(L, g, "checks", &s) != 0 || apply_checks(L, g, s) != 0) {
            free(joined);
            return -1;
        }
        char *next = cl_xasprintf("%s%s%s", joined, *joined ? "," : "", s);
        free(joined);
        joined = next;
    }
    free(L->cfg->checks);
    L->cfg->checks = joined;
    return 0;
}

static int severity_pair(loader *L, void *arg, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    (void)arg;
    (void)key;
    int ri = rule_index(L, k, "'severity'");
    int sev;
    if (ri < 0 || get_enum(L, v, scalar(k), severities, CL_COUNT(severities), &sev) != 0)
        return -1;
    L->cfg->rules[ri].severity = (cl_severity)sev;
    return 0;
}

static int option_pair(loader *L, void *arg, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    size_t ri = *(size_t *)arg;
    const cl_rule *r = cl_rules[ri];
    for (size_t o = 0; o < r->n_options; o++)
        if (strcmp(r->options[o].name, key) == 0)
            return get_bool(L, v, key, &L->cfg->rules[ri].options[o]);
    if (!r->n_options)
        return fail(L, k, "unknown option '%s': rule '%s' has no options", key, r->id);
    const char **names = cl_xcalloc(r->n_options, sizeof *names);
    for (size_t o = 0; o < r->n_options; o++)
        names[o] = r->options[o].name;
    char where[160];
    snprintf(where, sizeof where, "the options of rule '%s'", r->id);
    int rc = unknown_key(L, k, where, names, r->n_options);
    free(names);
    return rc;
}

static int rules_pair(loader *L, void *arg, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    (void)arg;
    int ri = rule_index(L, k, "'rules'");
    if (ri < 0)
        return -1;
    size_t idx = (size_t)ri;
    char where[160];
    snprintf(where, sizeof where, "the options of rule '%s'", key);
    return each_pair(L, v, where, option_pair, &idx);
}

/* --- model -------------------------------------------------------------------------------- */

typedef struct model_load {
    bool replace;
    cl_model *m; /* what the file describes, merged into the base at the end */
    bool have_carrier;
    const yaml_node_t *entry_at; /* the current function entry, for messages */
} model_load;

typedef struct fn_load {
    model_load *ml;
    cl_api_fn f;
    bool have_name, have_role, role_fixed;
    const char *shorthand; /* the shorthand key the entry came from, or NULL */
} fn_load;

static const char *const fn_keys[] = {
    "name",          "role",         "ctx-arg",    "cancel-arg", "key-arg",
    "callback-arg",  "data-arg",     "handle-arg", "child-arg",  "cancel-shape",
    "context-field", "cancel-field", "owns-ref",   "spawn-kind", "key-kind",
};

static int role_from(loader *L, yaml_node_t *v, cl_role *out)
{
    if (want_scalar(L, v, "role", "a role name") != 0)
        return -1;
    const char *names[CL_ROLE__COUNT];
    for (int r = 0; r < CL_ROLE__COUNT; r++) {
        names[r] = cl_role_name((cl_role)r);
        if (strcmp(scalar(v), names[r]) == 0) {
            *out = (cl_role)r;
            return 0;
        }
    }
    char hint[128];
    suggest(scalar(v), names, CL_ROLE__COUNT, hint, sizeof hint);
    if (hint[0])
        return fail(L, v, "unknown role '%s'%s", scalar(v), hint);
    return fail(L, v,
                "unknown role '%s' (one of root, todo, derive, detach, cancel, retain, release, "
                "value-set, value-get, query, spawn, join, thread-detach, init)",
                scalar(v));
}

static int fn_pair(loader *L, void *arg, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    fn_load *fl = arg;
    cl_api_fn *f = &fl->f;
    const char *s = NULL;
    int e;
    if (strcmp(key, "name") == 0) {
        if (get_identifier(L, v, key, &s) != 0)
            return -1;
        set_string(&f->name, s);
        fl->have_name = true;
        return 0;
    }
    if (strcmp(key, "role") == 0) {
        if (fl->role_fixed)
            return fail(L, k,
                        "'role' is implied by '%s': list the entry under 'functions' to "
                        "give it another role",
                        fl->shorthand);
        fl->have_role = true;
        return role_from(L, v, &f->role);
    }
    static const struct {
        const char *key;
        size_t offset;
    } indices[] = {
        {"ctx-arg", offsetof(cl_api_fn, context_arg)},
        {"cancel-arg", offsetof(cl_api_fn, cancel_arg)},
        {"key-arg", offsetof(cl_api_fn, key_arg)},
        {"callback-arg", offsetof(cl_api_fn, callback_arg)},
        {"data-arg", offsetof(cl_api_fn, data_arg)},
        {"handle-arg", offsetof(cl_api_fn, handle_arg)},
        {"child-arg", offsetof(cl_api_fn, child_arg)},
    };
    for (size_t i = 0; i < CL_COUNT(indices); i++)
        if (strcmp(key, indices[i].key) == 0)
            return get_index(L, v, key, (int *)(void *)((char *)f + indices[i].offset));
    if (strcmp(key, "cancel-shape") == 0) {
        if (get_enum(L, v, key, cancel_shapes, CL_COUNT(cancel_shapes), &e) != 0)
            return -1;
        f->cancel_shape = (cl_cancel_shape)e;
        return 0;
    }
    if (strcmp(key, "spawn-kind") == 0) {
        if (get_enum(L, v, key, spawn_kinds, CL_COUNT(spawn_kinds), &e) != 0)
            return -1;
        f->spawn_kind = (cl_spawn_kind)e;
        return 0;
    }
    if (strcmp(key, "key-kind") == 0) {
        if (get_enum(L, v, key, key_kinds, CL_COUNT(key_kinds), &e) != 0)
            return -1;
        f->key_kind = (cl_key_kind)e;
        return 0;
    }
    if (strcmp(key, "context-field") == 0 || strcmp(key, "cancel-field") == 0) {
        if (get_identifier(L, v, key, &s) != 0)
            return -1;
        set_string(key[1] == 'o' ? &f->context_field : &f->cancel_field, s);
        return 0;
    }
    if (strcmp(key, "owns-ref") == 0)
        return get_bool(L, v, key, &f->owns_ref);
    return unknown_key(L, k, "a function entry", fn_keys, CL_COUNT(fn_keys));
}

/* The argument each role cannot do without: an entry lacking it would silently disable the
 * rules that read it. */
static const char *required_index(const cl_api_fn *f, const char **what)
{
    switch (f->role) {
    case CL_ROLE_DERIVE:
    case CL_ROLE_DETACH:
    case CL_ROLE_RETAIN:
    case CL_ROLE_RELEASE:
    case CL_ROLE_QUERY:
        *what = "the index of its context argument";
        return f->context_arg < 0 ? "ctx-arg" : NULL;
    case CL_ROLE_CANCEL:
        *what = "the index of the cancel capability it consumes";
        return f->cancel_arg < 0 ? "cancel-arg" : NULL;
    case CL_ROLE_VALUE_SET:
    case CL_ROLE_VALUE_GET:
        *what = "the index of its key argument";
        return f->key_arg < 0 ? "key-arg" : NULL;
    case CL_ROLE_SPAWN:
        *what = "the index of the function it runs";
        return f->callback_arg < 0 ? "callback-arg" : NULL;
    case CL_ROLE_JOIN:
    case CL_ROLE_THREAD_DETACH:
        *what = "the index of the handle it joins or detaches";
        /* A C++ method (`std::thread::join`) joins the object it is called on. */
        return f->handle_arg < 0 && !strstr(f->name, "::") ? "handle-arg" : NULL;
    default:
        return NULL;
    }
}

static int check_fn(loader *L, const yaml_node_t *at, const fn_load *fl)
{
    const cl_api_fn *f = &fl->f;
    if (!fl->have_name)
        return fail(L, at, "a function entry needs 'name'");
    if (!fl->have_role)
        return fail(L, at, "function '%s' needs 'role' (root, derive, cancel, spawn, ...)",
                    f->name);
    const char *what = NULL;
    const char *missing = required_index(f, &what);
    if (missing)
        return fail(L, at, "function '%s' (role %s) needs '%s': %s", f->name, cl_role_name(f->role),
                    missing, what);
    if (f->cancel_shape == CL_CANCEL_OUT_PARAM && f->cancel_arg < 0)
        return fail(L, at,
                    "function '%s': cancel-shape out-param needs 'cancel-arg', the index of the "
                    "out-parameter",
                    f->name);
    if (f->cancel_shape == CL_CANCEL_RESULT_FIELD && (!f->context_field || !f->cancel_field))
        return fail(L, at,
                    "function '%s': cancel-shape result-field needs 'context-field' and "
                    "'cancel-field', the fields of the returned struct",
                    f->name);
    if (f->cancel_shape == CL_CANCEL_RETURNED_FN && f->child_arg < 0)
        return fail(L, at,
                    "function '%s': cancel-shape returned-fn needs 'child-arg', the "
                    "out-parameter the child context is written through",
                    f->name);
    for (size_t i = 0; i < fl->ml->m->n_fns; i++)
        if (fl->ml->m->fns[i].role == f->role && strcmp(fl->ml->m->fns[i].name, f->name) == 0)
            return fail(L, at, "function '%s' with role '%s' is described twice", f->name,
                        cl_role_name(f->role));
    return 0;
}

static void free_fn(cl_api_fn *f)
{
    free(f->name);
    free(f->context_field);
    free(f->cancel_field);
}

/* One entry of `functions` (role given) or of a shorthand list (role implied; a bare name is
 * allowed there). */
static int load_fn(loader *L, model_load *ml, yaml_node_t *n, const char *shorthand, cl_role role)
{
    fn_load fl = {.ml = ml, .f = cl_api_fn_blank(role), .shorthand = shorthand};
    fl.role_fixed = fl.have_role = shorthand != NULL;
    int rc;
    if (shorthand && n->type == YAML_SCALAR_NODE) {
        const char *s = NULL;
        rc = get_identifier(L, n, shorthand, &s);
        if (rc == 0) {
            fl.f.name = cl_xstrdup(s);
            fl.have_name = true;
        }
    } else {
        char where[160];
        snprintf(where, sizeof where, "an entry of '%s'", shorthand ? shorthand : "functions");
        rc = each_pair(L, n, where, fn_pair, &fl);
    }
    if (rc == 0)
        rc = check_fn(L, n, &fl);
    if (rc != 0) {
        free_fn(&fl.f);
        return -1;
    }
    ml->m->fns = cl_xrealloc(ml->m->fns, (ml->m->n_fns + 1) * sizeof *ml->m->fns);
    ml->m->fns[ml->m->n_fns++] = fl.f;
    return 0;
}

static int load_fn_list(loader *L, model_load *ml, yaml_node_t *v, const char *key, bool role_fixed,
                        cl_role role)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(L, v, "'%s' must be a list of %s, not %s", key,
                    role_fixed ? "function names or entries" : "function entries", kind_name(v));
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top; it++)
        if (load_fn(L, ml, node(L, *it), role_fixed ? key : NULL, role) != 0)
            return -1;
    return 0;
}

static int load_names(loader *L, yaml_node_t *v, const char *key, char ***list, size_t *n)
{
    if (v->type != YAML_SEQUENCE_NODE)
        return fail(L, v, "'%s' must be a list of type names, not %s%s", key, kind_name(v),
                    v->type == YAML_SCALAR_NODE ? " (write [name] for one)" : "");
    for (yaml_node_item_t *it = v->data.sequence.items.start; it < v->data.sequence.items.top;
         it++) {
        yaml_node_t *item = node(L, *it);
        const char *s = NULL;
        if (get_identifier(L, item, key, &s) != 0)
            return -1;
        if (!cl_model_name_in(*list, *n, s))
            cl_model_add_name(list, n, s);
    }
    return 0;
}

/* Shorthand lists: `roots: [my_background]` is `functions: [{name: my_background, role: root}]`. */
static const struct {
    const char *key;
    cl_role role;
} shorthands[] = {
    {"roots", CL_ROLE_ROOT}, {"todos", CL_ROLE_TODO},          {"spawns", CL_ROLE_SPAWN},
    {"joins", CL_ROLE_JOIN}, {"init-functions", CL_ROLE_INIT},
};

static const char *const model_keys[] = {
    "replace", "context-types", "cancel-types", "key-types", "carrier-annotation", "functions",
    "roots",   "todos",         "spawns",       "joins",     "init-functions",
};

static int model_pair(loader *L, void *arg, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    model_load *ml = arg;
    cl_model *m = ml->m;
    if (strcmp(key, "replace") == 0)
        return 0; /* read before the others */
    if (strcmp(key, "context-types") == 0)
        return load_names(L, v, key, &m->context_types, &m->n_context_types);
    if (strcmp(key, "cancel-types") == 0)
        return load_names(L, v, key, &m->cancel_types, &m->n_cancel_types);
    if (strcmp(key, "key-types") == 0)
        return load_names(L, v, key, &m->key_types, &m->n_key_types);
    if (strcmp(key, "carrier-annotation") == 0) {
        const char *s = NULL;
        if (get_string(L, v, key, &s) != 0)
            return -1;
        set_string(&m->carrier_marker, s);
        ml->have_carrier = true;
        return 0;
    }
    if (strcmp(key, "functions") == 0)
        return load_fn_list(L, ml, v, key, false, CL_ROLE_ROOT);
    for (size_t i = 0; i < CL_COUNT(shorthands); i++)
        if (strcmp(key, shorthands[i].key) == 0)
            return load_fn_list(L, ml, v, key, true, shorthands[i].role);
    return unknown_key(L, k, "'model'", model_keys, CL_COUNT(model_keys));
}

static void merge_names(char ***list, size_t *n, char *const *add, size_t n_add)
{
    for (size_t i = 0; i < n_add; i++)
        if (!cl_model_name_in(*list, *n, add[i]))
            cl_model_add_name(list, n, add[i]);
}

/* Extends `base` with `add`: an entry for a (name, role) the base has replaces it. */
static void merge_model(cl_model *base, const cl_model *add, bool have_carrier)
{
    merge_names(&base->context_types, &base->n_context_types, add->context_types,
                add->n_context_types);
    merge_names(&base->cancel_types, &base->n_cancel_types, add->cancel_types, add->n_cancel_types);
    merge_names(&base->key_types, &base->n_key_types, add->key_types, add->n_key_types);
    if (have_carrier)
        set_string(&base->carrier_marker, add->carrier_marker);
    for (size_t i = 0; i < add->n_fns; i++) {
        const cl_api_fn *f = &add->fns[i];
        cl_api_fn *slot = NULL;
        for (size_t j = 0; j < base->n_fns && !slot; j++)
            if (base->fns[j].role == f->role && strcmp(base->fns[j].name, f->name) == 0)
                slot = &base->fns[j];
        if (!slot)
            slot = cl_model_add_fn(base, f->name, f->role);
        free_fn(slot);
        *slot = *f;
        slot->name = cl_xstrdup(f->name);
        slot->context_field = f->context_field ? cl_xstrdup(f->context_field) : NULL;
        slot->cancel_field = f->cancel_field ? cl_xstrdup(f->cancel_field) : NULL;
    }
}

static int load_model(loader *L, yaml_node_t *v)
{
    model_load ml = {0};
    if (v->type != YAML_MAPPING_NODE)
        return fail(L, v, "'model' must be a mapping, not %s", kind_name(v));
    for (yaml_node_pair_t *p = v->data.mapping.pairs.start; p < v->data.mapping.pairs.top; p++) {
        yaml_node_t *k = node(L, p->key);
        if (k->type == YAML_SCALAR_NODE && strcmp(scalar(k), "replace") == 0 &&
            get_bool(L, node(L, p->value), "replace", &ml.replace) != 0)
            return -1;
    }
    ml.m = cl_xcalloc(1, sizeof *ml.m);
    int rc = each_pair(L, v, "'model'", model_pair, &ml);
    if (rc == 0 && ml.replace && ml.m->n_context_types == 0)
        rc = fail(L, v, "'model' replaces the built-in model but names no 'context-types'");
    if (rc == 0) {
        if (ml.replace) {
            /* Nothing of the built-in model survives, the carrier marker included. */
            cl_model_free(L->cfg->model);
            L->cfg->model = ml.m;
            ml.m = NULL;
        } else {
            merge_model(L->cfg->model, ml.m, ml.have_carrier);
        }
    }
    cl_model_free(ml.m);
    return rc;
}

/* --- The top level ------------------------------------------------------------------------ */

static const char *const top_keys[] = {"checks", "severity", "fail-on", "rules", "model"};

static int top_pair(loader *L, void *arg, const char *key, yaml_node_t *k, yaml_node_t *v)
{
    (void)arg;
    if (strcmp(key, "checks") == 0)
        return load_checks(L, v);
    if (strcmp(key, "severity") == 0)
        return each_pair(L, v, "'severity'", severity_pair, NULL);
    if (strcmp(key, "fail-on") == 0) {
        int sev;
        if (get_enum(L, v, key, severities, CL_COUNT(severities), &sev) != 0)
            return -1;
        L->cfg->fail_severity = (cl_severity)sev;
        return 0;
    }
    if (strcmp(key, "rules") == 0)
        return each_pair(L, v, "'rules'", rules_pair, NULL);
    if (strcmp(key, "model") == 0)
        return load_model(L, v);
    return unknown_key(L, k, "the top-level mapping", top_keys, CL_COUNT(top_keys));
}

static void syntax_error(loader *L, const yaml_parser_t *p)
{
    const yaml_mark_t *at = &p->problem_mark;
    const char *hint = "";
    if (p->error == YAML_SCANNER_ERROR && at->index < L->len && L->text[at->index] == '\t')
        hint = " (a tab cannot indent YAML: indent with spaces)";
    char ctx[160] = "";
    if (p->context && p->context_mark.line != at->line)
        snprintf(ctx, sizeof ctx, " (%s at line %zu)", p->context, p->context_mark.line + 1);
    if (p->error == YAML_READER_ERROR)
        L->err = cl_xasprintf("%s: error: invalid YAML: %s at byte %zu", L->path,
                              p->problem ? p->problem : "unreadable text", p->problem_offset);
    else
        L->err = cl_xasprintf("%s:%zu:%zu: error: invalid YAML: %s%s%s", L->path, at->line + 1,
                              at->column + 1, p->problem ? p->problem : "syntax error", ctx, hint);
}

int cl_config_load_yaml(cl_config *c, const char *path, const char *text, size_t len, char **err)
{
    loader L = {.path = path, .text = text, .len = len, .cfg = c};
    yaml_parser_t p;
    if (!yaml_parser_initialize(&p)) {
        *err = cl_xasprintf("%s: error: out of memory", path);
        return -1;
    }
    yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
    if (!yaml_parser_load(&p, &L.doc)) {
        syntax_error(&L, &p);
        yaml_parser_delete(&p);
        *err = L.err;
        return -1;
    }
    yaml_node_t *root = yaml_document_get_root_node(&L.doc);
    if (root) {
        /* A second document would be silently ignored: say so instead. */
        yaml_document_t next;
        if (!yaml_parser_load(&p, &next)) {
            syntax_error(&L, &p);
        } else {
            yaml_node_t *r2 = yaml_document_get_root_node(&next);
            if (r2)
                fail(&L, r2, "a second YAML document ('---'): a configuration is one document");
            yaml_document_delete(&next);
        }
        if (!L.err && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
            each_pair(&L, root, "the configuration", top_pair, NULL);
    }
    yaml_document_delete(&L.doc);
    yaml_parser_delete(&p);
    if (L.err) {
        *err = L.err;
        return -1;
    }
    return 0;
}

int cl_config_load_file(cl_config *c, const char *path, char **err)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        *err =
            cl_xasprintf("ctxlint: error: cannot read configuration %s: %s", path, strerror(errno));
        return -1;
    }
    char *text;
    size_t len;
    int rc = cl_read_stream(f, &text, &len);
    int saved = errno;
    fclose(f);
    if (rc != 0) {
        *err =
            cl_xasprintf("ctxlint: error: cannot read configuration %s: %s", path, strerror(saved));
        return -1;
    }
    rc = cl_config_load_yaml(c, path, text, len, err);
    free(text);
    if (rc == 0) {
        free(c->path);
        c->path = cl_xstrdup(path);
    }
    return rc;
}

/* --- Writing ------------------------------------------------------------------------------ */

typedef struct writer {
    yaml_emitter_t e;
    char *buf;
    size_t len, cap;
    bool ok;
} writer;

static int write_handler(void *data, unsigned char *bytes, size_t size)
{
    writer *w = data;
    if (w->len + size + 1 > w->cap) {
        w->cap = (w->len + size + 1) * 2;
        w->buf = cl_xrealloc(w->buf, w->cap);
    }
    memcpy(w->buf + w->len, bytes, size);
    w->len += size;
    w->buf[w->len] = '\0';
    return 1;
}

static void emit(writer *w, yaml_event_t *ev)
{
    if (w->ok && !yaml_emitter_emit(&w->e, ev))
        w->ok = false;
}

static void put_str(writer *w, const char *s)
{
    yaml_event_t ev;
    yaml_scalar_event_initialize(&ev, NULL, NULL, (const yaml_char_t *)s, (int)strlen(s), 1, 1,
                                 YAML_ANY_SCALAR_STYLE);
    emit(w, &ev);
}

static void put_int(writer *w, int v)
{
    char buf[16];
    snprintf(buf, sizeof buf, "%d", v);
    put_str(w, buf);
}

static void begin_map(writer *w, bool flow)
{
    yaml_event_t ev;
    yaml_mapping_start_event_initialize(&ev, NULL, NULL, 1,
                                        flow ? YAML_FLOW_MAPPING_STYLE : YAML_BLOCK_MAPPING_STYLE);
    emit(w, &ev);
}

static void end_map(writer *w)
{
    yaml_event_t ev;
    yaml_mapping_end_event_initialize(&ev);
    emit(w, &ev);
}

static void begin_seq(writer *w, bool flow)
{
    yaml_event_t ev;
    yaml_sequence_start_event_initialize(
        &ev, NULL, NULL, 1, flow ? YAML_FLOW_SEQUENCE_STYLE : YAML_BLOCK_SEQUENCE_STYLE);
    emit(w, &ev);
}

static void end_seq(writer *w)
{
    yaml_event_t ev;
    yaml_sequence_end_event_initialize(&ev);
    emit(w, &ev);
}

static void put_names(writer *w, const char *key, char *const *list, size_t n)
{
    put_str(w, key);
    begin_seq(w, true);
    for (size_t i = 0; i < n; i++)
        put_str(w, list[i]);
    end_seq(w);
}

/* The canonical `checks`: "*", or "-*" followed by the enabled rules. */
static char *canonical_checks(const cl_config *c)
{
    bool all = true;
    for (size_t i = 0; i < cl_n_rules; i++)
        all = all && c->rules[i].enabled;
    if (all)
        return cl_xstrdup("*");
    char *s = cl_xstrdup("-*");
    for (size_t i = 0; i < cl_n_rules; i++)
        if (c->rules[i].enabled) {
            char *next = cl_xasprintf("%s,%s", s, cl_rules[i]->id);
            free(s);
            s = next;
        }
    return s;
}

/* One function entry, flow style, with only the fields that differ from a blank entry. */
static void put_fn(writer *w, const cl_api_fn *f)
{
    begin_map(w, true);
    put_str(w, "name");
    put_str(w, f->name);
    put_str(w, "role");
    put_str(w, cl_role_name(f->role));
    const struct {
        const char *key;
        int v;
    } idx[] = {
        {"ctx-arg", f->context_arg}, {"cancel-arg", f->cancel_arg},
        {"key-arg", f->key_arg},     {"callback-arg", f->callback_arg},
        {"data-arg", f->data_arg},   {"handle-arg", f->handle_arg},
        {"child-arg", f->child_arg},
    };
    for (size_t i = 0; i < CL_COUNT(idx); i++)
        if (idx[i].v >= 0) {
            put_str(w, idx[i].key);
            put_int(w, idx[i].v);
        }
    if (f->cancel_shape != CL_CANCEL_NONE) {
        put_str(w, "cancel-shape");
        put_str(w, name_of(cancel_shapes, CL_COUNT(cancel_shapes), (int)f->cancel_shape));
    }
    if (f->context_field) {
        put_str(w, "context-field");
        put_str(w, f->context_field);
    }
    if (f->cancel_field) {
        put_str(w, "cancel-field");
        put_str(w, f->cancel_field);
    }
    if (f->owns_ref) {
        put_str(w, "owns-ref");
        put_str(w, "true");
    }
    if (f->role == CL_ROLE_SPAWN || f->spawn_kind != CL_SPAWN_THREAD) {
        put_str(w, "spawn-kind");
        put_str(w, name_of(spawn_kinds, CL_COUNT(spawn_kinds), (int)f->spawn_kind));
    }
    if (f->key_kind != CL_KEY_OBJECT) {
        put_str(w, "key-kind");
        put_str(w, name_of(key_kinds, CL_COUNT(key_kinds), (int)f->key_kind));
    }
    end_map(w);
}

char *cl_config_to_yaml(const cl_config *c)
{
    writer w = {.ok = true};
    yaml_emitter_initialize(&w.e);
    yaml_emitter_set_output(&w.e, write_handler, &w);
    yaml_emitter_set_width(&w.e, -1);
    yaml_emitter_set_indent(&w.e, 2);
    yaml_emitter_set_unicode(&w.e, 1);
    write_handler(&w, (unsigned char *)"# ctxlint --dump-config: the effective configuration\n",
                  strlen("# ctxlint --dump-config: the effective configuration\n"));

    yaml_event_t ev;
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(&w, &ev);
    yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1);
    emit(&w, &ev);
    begin_map(&w, false);

    char *checks = canonical_checks(c);
    put_str(&w, "checks");
    put_str(&w, checks);
    free(checks);
    put_str(&w, "fail-on");
    put_str(&w, cl_severity_name(c->fail_severity));

    put_str(&w, "severity");
    begin_map(&w, cl_n_rules == 0);
    for (size_t i = 0; i < cl_n_rules; i++) {
        put_str(&w, cl_rules[i]->id);
        put_str(&w, cl_severity_name(c->rules[i].severity));
    }
    end_map(&w);

    size_t with_options = 0;
    for (size_t i = 0; i < cl_n_rules; i++)
        with_options += cl_rules[i]->n_options > 0;
    put_str(&w, "rules");
    begin_map(&w, with_options == 0);
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        if (!r->n_options)
            continue;
        put_str(&w, r->id);
        begin_map(&w, false);
        for (size_t o = 0; o < r->n_options; o++) {
            put_str(&w, r->options[o].name);
            put_str(&w, c->rules[i].options[o] ? "true" : "false");
        }
        end_map(&w);
    }
    end_map(&w);

    const cl_model *m = c->model;
    put_str(&w, "model");
    begin_map(&w, false);
    /* The whole effective model: loading it back must not extend the built-in one again. */
    put_str(&w, "replace");
    put_str(&w, "true");
    put_names(&w, "context-types", m->context_types, m->n_context_types);
    put_names(&w, "cancel-types", m->cancel_types, m->n_cancel_types);
    put_names(&w, "key-types", m->key_types, m->n_key_types);
    if (m->carrier_marker) {
        put_str(&w, "carrier-annotation");
        put_str(&w, m->carrier_marker);
    }
    put_str(&w, "functions");
    begin_seq(&w, m->n_fns == 0);
    for (size_t i = 0; i < m->n_fns; i++)
        put_fn(&w, &m->fns[i]);
    end_seq(&w);
    end_map(&w);

    end_map(&w);
    yaml_document_end_event_initialize(&ev, 1);
    emit(&w, &ev);
    yaml_stream_end_event_initialize(&ev);
    emit(&w, &ev);
    yaml_emitter_flush(&w.e);
    yaml_emitter_delete(&w.e);
    if (!w.ok) {
        free(w.buf);
        return NULL;
    }
    return w.buf;
}
