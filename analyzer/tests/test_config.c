/* Unit tests for config.c and config_yaml.c: every key of .ctxlint.yaml, every class of mistake
 * with the exact FILE:LINE:COL message, the check globs, which file applies to which source,
 * and the --dump-config round trip (dump, load, dump again: identical). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "config.h"
#include "registry.h"
#include "testfs.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* The defaults with `yaml` read over them; fails the test if it does not load. */
static cl_config *load_ok(const char *yaml)
{
    cl_config *c = cl_config_default();
    char *err = NULL;
    int rc = cl_config_load_yaml(c, ".ctxlint.yaml", yaml, strlen(yaml), &err);
    if (rc != 0)
        fail_msg("unexpected error: %s", err);
    assert_null(err);
    return c;
}

/* Loads `yaml` expecting exactly the error `expected`. */
static void load_fails(const char *yaml, const char *expected)
{
    cl_config *c = cl_config_default();
    char *err = NULL;
    assert_int_equal(cl_config_load_yaml(c, ".ctxlint.yaml", yaml, strlen(yaml), &err), -1);
    assert_non_null(err);
    assert_string_equal(err, expected);
    free(err);
    cl_config_free(c);
}

/* load_fails for messages built at run time (both freed). */
static void load_fails_owned(char *yaml, char *expected)
{
    load_fails(yaml, expected);
    free(yaml);
    free(expected);
}

static bool has_type(char *const *list, size_t n, const char *name)
{
    return cl_model_name_in(list, n, name);
}

static size_t count_role(const cl_model *m, cl_role role)
{
    size_t n = 0;
    for (size_t i = 0; i < m->n_fns; i++)
        n += m->fns[i].role == role;
    return n;
}

/* dump(c) == dump(load(dump(c))): the dump is a complete, canonical description. */
static void assert_round_trip(const cl_config *c)
{
    char *first = cl_config_to_yaml(c);
    assert_non_null(first);
    cl_config *again = load_ok(first);
    char *second = cl_config_to_yaml(again);
    assert_string_equal(first, second);
    /* A dump says `replace: true`: loading it over a configuration that already extended the
     * model gives the same model, not the model twice. */
    cl_config *twice = load_ok(second);
    char *third = cl_config_to_yaml(twice);
    assert_string_equal(first, third);
    assert_int_equal(twice->model->n_fns, c->model->n_fns);
    free(first);
    free(second);
    free(third);
    cl_config_free(again);
    cl_config_free(twice);
}

static const char foreign_yaml[] =
    "# fctx, a context library with its own names and shapes\n"
    "checks: \"*\"\n"
    "fail-on: error\n"
    "model:\n"
    "  replace: true\n"
    "  context-types: [fctx]\n"
    "  key-types: []\n"
    "  carrier-annotation: fctx_carrier\n"
    "  roots: [fctx_background]\n"
    "  todos: [fctx_todo]\n"
    "  init-functions: [app_init]\n"
    "  spawns:\n"
    "    - {name: pool_submit, callback-arg: 1, data-arg: 2, spawn-kind: detached}\n"
    "  joins:\n"
    "    - {name: pool_drain, handle-arg: 0}\n"
    "  functions:\n"
    "    - name: fctx_with_cancel\n"
    "      role: derive\n"
    "      ctx-arg: 0\n"
    "      cancel-shape: result-field\n"
    "      context-field: context\n"
    "      cancel-field: cancel\n"
    "    - {name: fctx_with_timer, role: derive, ctx-arg: 0, child-arg: 2,\n"
    "       cancel-shape: returned-fn}\n"
    "    - {name: fctx_put, role: derive, ctx-arg: 0, owns-ref: true}\n"
    "    - {name: fctx_put, role: value-set, ctx-arg: 0, key-arg: 1, key-kind: string}\n"
    "    - {name: fctx_get, role: value-get, ctx-arg: 0, key-arg: 1, key-kind: string}\n"
    "    - {name: fctx_ref, role: retain, ctx-arg: 0, owns-ref: true}\n"
    "    - {name: fctx_unref, role: release, ctx-arg: 0}\n"
    "    - {name: fctx_detach, role: detach, ctx-arg: 0, owns-ref: true}\n"
    "    - {name: fctx_expired, role: query, ctx-arg: 0}\n";

/* ---- defaults and the round trip ---------------------------------------------------------- */

static void test_defaults(void **state)
{
    (void)state;
    cl_config *c = cl_config_default();
    for (size_t i = 0; i < cl_n_rules; i++) {
        assert_true(c->rules[i].enabled);
        assert_int_equal(c->rules[i].severity, cl_rules[i]->severity);
    }
    assert_int_equal(c->fail_severity, CL_SEV_WARNING);
    assert_true(has_type(c->model->context_types, c->model->n_context_types, "ctx_t"));
    assert_round_trip(c);
    cl_config_free(c);
}

static void test_empty_and_comment_only(void **state)
{
    (void)state;
    cl_config *def = cl_config_default();
    char *want = cl_config_to_yaml(def);
    const char *texts[] = {"", "# nothing configured yet\n", "---\n", "\n\n"};
    for (size_t i = 0; i < CL_COUNT(texts); i++) {
        cl_config *c = load_ok(texts[i]);
        char *got = cl_config_to_yaml(c);
        assert_string_equal(got, want);
        free(got);
        cl_config_free(c);
    }
    free(want);
    cl_config_free(def);
}

static void test_dump_is_canonical_yaml(void **state)
{
    (void)state;
    cl_config *c = load_ok(foreign_yaml);
    char *y = cl_config_to_yaml(c);
    /* The shorthands come out as entries of `functions`, with every field explicit. */
    assert_non_null(strstr(y, "  replace: true\n"));
    assert_non_null(strstr(y, "  - {name: fctx_background, role: root}\n"));
    assert_non_null(strstr(y, "  - {name: app_init, role: init}\n"));
    assert_non_null(strstr(y, "  - {name: pool_submit, role: spawn, callback-arg: 1, data-arg: 2, "
                              "spawn-kind: detached}\n"));
    assert_non_null(strstr(y, "  - {name: fctx_with_cancel, role: derive, ctx-arg: 0, "
                              "cancel-shape: result-field, context-field: context, "
                              "cancel-field: cancel}\n"));
    assert_non_null(strstr(y, "  - {name: fctx_get, role: value-get, ctx-arg: 0, key-arg: 1, "
                              "key-kind: string}\n"));
    assert_non_null(strstr(y, "fail-on: error\n"));
    assert_null(strstr(y, "roots"));
    assert_null(strstr(y, "name: ctx_"));
    assert_null(strstr(y, "ctx_t,"));
    free(y);
    assert_round_trip(c);
    cl_config_free(c);
}

static void test_round_trip_quotes_what_yaml_needs(void **state)
{
    (void)state;
    cl_config *c = load_ok("model:\n  carrier-annotation: 'odd: #value, [x]'\n");
    assert_string_equal(c->model->carrier_marker, "odd: #value, [x]");
    assert_round_trip(c);
    cl_config *d = load_ok("checks: '-*'\n");
    assert_round_trip(d);
    cl_config_free(c);
    cl_config_free(d);
}

/* ---- checks ----------------------------------------------------------------------------- */

static void test_checks_string_and_list(void **state)
{
    (void)state;
    const char *id = cl_rules[0]->id;
    char *one = cl_xasprintf("checks: \"-*,%s\"\n", id);
    char *list = cl_xasprintf("checks:\n  - \"-*\"\n  - %s\n", id);
    const char *texts[] = {one, list};
    for (size_t t = 0; t < CL_COUNT(texts); t++) {
        cl_config *c = load_ok(texts[t]);
        for (size_t i = 0; i < cl_n_rules; i++)
            assert_int_equal(c->rules[i].enabled, i == 0);
        char *want = cl_xasprintf("-*,%s", id);
        assert_string_equal(c->checks, want);
        free(want);
        assert_round_trip(c);
        cl_config_free(c);
    }
    free(one);
    free(list);
    cl_config *none = load_ok("checks: \"-*\"\n");
    for (size_t i = 0; i < cl_n_rules; i++)
        assert_false(none->rules[i].enabled);
    cl_config_free(none);
}

static void test_checks_globs(void **state)
{
    (void)state;
    cl_config *c = cl_config_default();
    char *err = NULL;
    assert_int_equal(cl_config_apply_checks(c, "-*", &err), 0);
    for (size_t i = 0; i < cl_n_rules; i++)
        assert_false(c->rules[i].enabled);
    /* A prefix glob enables every rule it matches, later entries win. */
    assert_int_equal(cl_config_apply_checks(c, " context-* , -context-not-first", &err), 0);
    for (size_t i = 0; i < cl_n_rules; i++) {
        const char *id = cl_rules[i]->id;
        bool want = strncmp(id, "context-", 8) == 0 && strcmp(id, "context-not-first") != 0;
        assert_int_equal(c->rules[i].enabled, want);
    }
    assert_int_equal(cl_config_apply_checks(c, "*", &err), 0);
    for (size_t i = 0; i < cl_n_rules; i++)
        assert_true(c->rules[i].enabled);
    assert_int_equal(cl_config_apply_checks(c, "-*,nope-*", &err), -1);
    assert_string_equal(err, "check 'nope-*' matches no rule (see --list-rules)");
    free(err);
    cl_config_free(c);
}

static void test_checks_errors(void **state)
{
    (void)state;
    load_fails("checks: \"-*,nope\"\n",
               ".ctxlint.yaml:1:9: error: 'checks': check 'nope' matches no rule (see "
               "--list-rules)");
    load_fails("checks:\n  - \"-*\"\n  - nope\n",
               ".ctxlint.yaml:3:5: error: 'checks': check 'nope' matches no rule (see "
               "--list-rules)");
    load_fails("checks: {a: b}\n",
               ".ctxlint.yaml:1:9: error: 'checks' must be a string (\"-*,nil-context\") or a "
               "list of globs, not a mapping");
}

/* ---- severity, fail-on, rules ------------------------------------------------------------ */

static void test_severity_and_fail_on(void **state)
{
    (void)state;
    char *y = cl_xasprintf("severity:\n  %s: error\nfail-on: note\n", cl_rules[0]->id);
    cl_config *c = load_ok(y);
    assert_int_equal(c->rules[0].severity, CL_SEV_ERROR);
    assert_int_equal(c->fail_severity, CL_SEV_NOTE);
    assert_round_trip(c);
    cl_config_free(c);
    free(y);

    load_fails_owned(cl_xasprintf("severity:\n  %s: warn\n", cl_rules[0]->id),
                     cl_xasprintf(".ctxlint.yaml:2:%zu: error: '%s' must be note, warning or "
                                  "error, not 'warn'",
                                  strlen(cl_rules[0]->id) + 5, cl_rules[0]->id));
    load_fails("fail-on: [error]\n",
               ".ctxlint.yaml:1:10: error: 'fail-on' must be a name, not a list");
    load_fails("severity:\n  context-not-frist: error\n",
               ".ctxlint.yaml:2:3: error: unknown rule 'context-not-frist' in 'severity' (did you "
               "mean 'context-not-first'?) (see --list-rules)");
    load_fails("severity: error\n",
               ".ctxlint.yaml:1:11: error: 'severity' must be a mapping, not a scalar");
}

static void test_rule_options(void **state)
{
    (void)state;
    /* Every rule with options: each option set to the opposite of its default reads back. */
    size_t tested = 0;
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        for (size_t o = 0; o < r->n_options; o++) {
            bool want = !r->options[o].default_value;
            char *y = cl_xasprintf("rules:\n  %s:\n    %s: %s\n", r->id, r->options[o].name,
                                   want ? "true" : "false");
            cl_config *c = load_ok(y);
            assert_int_equal(cl_config_option(c, i, r->options[o].name), want);
            assert_round_trip(c);
            cl_config_free(c);
            free(y);
            tested++;
        }
        char *y = cl_xasprintf("rules:\n  %s:\n    no-such-option: true\n", r->id);
        char *want =
            r->n_options
                ? cl_xasprintf(".ctxlint.yaml:3:5: error: unknown key 'no-such-option' in the "
                               "options of rule '%s'",
                               r->id)
                : cl_xasprintf(".ctxlint.yaml:3:5: error: unknown option 'no-such-option': rule "
                               "'%s' has no options",
                               r->id);
        load_fails_owned(y, want);
        tested++;
    }
    assert_true(tested >= cl_n_rules);
    load_fails_owned(cl_xasprintf("rules:\n  %s: true\n", cl_rules[0]->id),
                     cl_xasprintf(".ctxlint.yaml:2:%zu: error: the options of rule '%s' must be "
                                  "a mapping, not a scalar",
                                  strlen(cl_rules[0]->id) + 5, cl_rules[0]->id));
    load_fails("rules:\n  nil-contxt: {}\n",
               cl_rule_find("nil-context")
                   ? ".ctxlint.yaml:2:3: error: unknown rule 'nil-contxt' in 'rules' (did you "
                     "mean 'nil-context'?) (see --list-rules)"
                   : ".ctxlint.yaml:2:3: error: unknown rule 'nil-contxt' in 'rules' (see "
                     "--list-rules)");
}

/* ---- the model ---------------------------------------------------------------------------- */

static void test_model_extends_by_default(void **state)
{
    (void)state;
    const cl_model *def = cl_model_default();
    cl_config *c = load_ok("model:\n"
                           "  context-types: [fctx, ctx_t]\n"
                           "  cancel-types: [fctx_cancel_fn]\n"
                           "  key-types: [fctx_key]\n"
                           "  roots: [my_background]\n"
                           "  functions:\n"
                           "    - {name: ctx_todo, role: todo}\n"
                           "    - {name: ctx_release, role: release, ctx-arg: 1}\n");
    const cl_model *m = c->model;
    assert_int_equal(m->n_context_types, def->n_context_types + 1);
    assert_true(has_type(m->context_types, m->n_context_types, "fctx"));
    assert_true(has_type(m->context_types, m->n_context_types, "ctx_t"));
    assert_true(has_type(m->cancel_types, m->n_cancel_types, "fctx_cancel_fn"));
    assert_true(has_type(m->cancel_types, m->n_cancel_types, "ctx_cancel_t"));
    assert_true(has_type(m->key_types, m->n_key_types, "fctx_key"));
    assert_string_equal(m->carrier_marker, def->carrier_marker);
    /* One new function; an entry for a (name, role) the built-in model has replaces it. */
    assert_int_equal(m->n_fns, def->n_fns + 1);
    assert_non_null(cl_model_find(m, CL_ROLE_ROOT, "my_background"));
    assert_non_null(cl_model_find(m, CL_ROLE_ROOT, "ctx_background"));
    assert_int_equal(cl_model_find(m, CL_ROLE_RELEASE, "ctx_release")->context_arg, 1);
    assert_int_equal(count_role(m, CL_ROLE_TODO), 1);
    assert_round_trip(c);
    cl_config_free(c);
}

static void test_model_replace(void **state)
{
    (void)state;
    cl_config *c = load_ok(foreign_yaml);
    const cl_model *m = c->model;
    assert_int_equal(m->n_context_types, 1);
    assert_string_equal(m->context_types[0], "fctx");
    assert_int_equal(m->n_cancel_types, 0);
    assert_int_equal(m->n_key_types, 0);
    assert_string_equal(m->carrier_marker, "fctx_carrier");
    assert_null(cl_model_find(m, CL_ROLE_ROOT, "ctx_background"));
    assert_false(cl_model_is_api(m, "pthread_create"));
    assert_int_equal(c->fail_severity, CL_SEV_ERROR);

    const cl_api_fn *f = cl_model_find(m, CL_ROLE_DERIVE, "fctx_with_cancel");
    assert_non_null(f);
    assert_int_equal(f->context_arg, 0);
    assert_int_equal(f->cancel_shape, CL_CANCEL_RESULT_FIELD);
    assert_string_equal(f->context_field, "context");
    assert_string_equal(f->cancel_field, "cancel");
    assert_int_equal(f->cancel_arg, -1);
    f = cl_model_find(m, CL_ROLE_DERIVE, "fctx_with_timer");
    assert_int_equal(f->cancel_shape, CL_CANCEL_RETURNED_FN);
    assert_int_equal(f->child_arg, 2);
    f = cl_model_find(m, CL_ROLE_SPAWN, "pool_submit");
    assert_int_equal(f->callback_arg, 1);
    assert_int_equal(f->data_arg, 2);
    assert_int_equal(f->handle_arg, -1);
    assert_int_equal(f->spawn_kind, CL_SPAWN_DETACHED);
    f = cl_model_find(m, CL_ROLE_VALUE_SET, "fctx_put");
    assert_int_equal(f->key_arg, 1);
    assert_int_equal(f->key_kind, CL_KEY_STRING);
    assert_true(cl_model_find(m, CL_ROLE_DERIVE, "fctx_put")->owns_ref);
    assert_int_equal(cl_model_find(m, CL_ROLE_DERIVE, "fctx_put")->key_kind, CL_KEY_OBJECT);
    assert_non_null(cl_model_find(m, CL_ROLE_INIT, "app_init"));
    assert_non_null(cl_model_find(m, CL_ROLE_TODO, "fctx_todo"));
    assert_int_equal(cl_model_find(m, CL_ROLE_JOIN, "pool_drain")->handle_arg, 0);
    assert_true(cl_model_find(m, CL_ROLE_RETAIN, "fctx_ref")->owns_ref);
    assert_int_equal(cl_model_find(m, CL_ROLE_RELEASE, "fctx_unref")->context_arg, 0);
    assert_int_equal(m->n_fns, 14);
    cl_config_free(c);
}

static void test_booleans_and_indices(void **state)
{
    (void)state;
    cl_config *c = load_ok("model:\n  functions:\n"
                           "    - {name: a, role: retain, ctx-arg: 3, owns-ref: yes}\n"
                           "    - {name: b, role: retain, ctx-arg: 0, owns-ref: False}\n"
                           "    - {name: c, role: spawn, callback-arg: 255, spawn-kind: joined}\n");
    assert_true(cl_model_find(c->model, CL_ROLE_RETAIN, "a")->owns_ref);
    assert_int_equal(cl_model_find(c->model, CL_ROLE_RETAIN, "a")->context_arg, 3);
    assert_false(cl_model_find(c->model, CL_ROLE_RETAIN, "b")->owns_ref);
    assert_int_equal(cl_model_find(c->model, CL_ROLE_SPAWN, "c")->callback_arg, 255);
    assert_int_equal(cl_model_find(c->model, CL_ROLE_SPAWN, "c")->spawn_kind, CL_SPAWN_JOINED);
    assert_round_trip(c);
    cl_config_free(c);
}

/* ---- every class of mistake --------------------------------------------------------------- */

static void test_unknown_keys(void **state)
{
    (void)state;
    load_fails("checks: '*'\n"
               "severity: {}\n"
               "rules: {}\n"
               "chekcs: x\n",
               ".ctxlint.yaml:4:1: error: unknown key 'chekcs' in the top-level mapping (did you "
               "mean 'checks'?)");
    load_fails("model:\n  context-type: [a]\n",
               ".ctxlint.yaml:2:3: error: unknown key 'context-type' in 'model' (did you mean "
               "'context-types'?)");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx_arg: 0}\n",
               ".ctxlint.yaml:3:31: error: unknown key 'ctx_arg' in a function entry (did you "
               "mean 'ctx-arg'?)");
    load_fails("model:\n  spawns:\n    - {name: f, callbak: 1}\n",
               ".ctxlint.yaml:3:17: error: unknown key 'callbak' in a function entry (did you "
               "mean 'callback-arg'?)");
    load_fails("colour: always\n",
               ".ctxlint.yaml:1:1: error: unknown key 'colour' in the top-level mapping");
    load_fails("checks: '*'\nchecks: '-*'\n",
               ".ctxlint.yaml:2:1: error: duplicate key 'checks' in the configuration (first at "
               "line 1)");
    load_fails("? [a, b]\n: c\n",
               ".ctxlint.yaml:1:3: error: a key in the configuration must be a name, not a list");
}

static void test_wrong_types(void **state)
{
    (void)state;
    load_fails("- checks\n", ".ctxlint.yaml:1:1: error: the configuration must be a mapping, not a "
                             "list");
    load_fails("model:\n  context-types: fctx\n",
               ".ctxlint.yaml:2:18: error: 'context-types' must be a list of type names, not a "
               "scalar (write [name] for one)");
    load_fails("model:\n  context-types: [fctx *]\n",
               ".ctxlint.yaml:2:19: error: 'context-types': 'fctx *' is not a C identifier (name "
               "a function, typedef or tag: no '*', 'struct' or spaces)");
    load_fails("model:\n  functions: {name: f}\n",
               ".ctxlint.yaml:2:14: error: 'functions' must be a list of function entries, not a "
               "mapping");
    load_fails("model:\n  functions: [f]\n",
               ".ctxlint.yaml:2:15: error: an entry of 'functions' must be a mapping, not a "
               "scalar");
    load_fails("model:\n  functions:\n    - {name: f, role: derivee, ctx-arg: 0}\n",
               ".ctxlint.yaml:3:23: error: unknown role 'derivee' (did you mean 'derive'?)");
    load_fails("model:\n  functions:\n    - {name: f, role: maker}\n",
               ".ctxlint.yaml:3:23: error: unknown role 'maker' (one of root, todo, derive, "
               "detach, cancel, retain, release, value-set, value-get, query, spawn, join, "
               "thread-detach, init)");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx-arg: first}\n",
               ".ctxlint.yaml:3:40: error: 'ctx-arg' must be an argument index, an integer from 0 "
               "(the first argument) to 255, not 'first'");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx-arg: -1}\n",
               ".ctxlint.yaml:3:40: error: 'ctx-arg' must be an argument index, an integer from 0 "
               "(the first argument) to 255, not '-1'");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx-arg: 1.5}\n",
               ".ctxlint.yaml:3:40: error: 'ctx-arg' must be an argument index, an integer from 0 "
               "(the first argument) to 255, not '1.5'");
    load_fails("model:\n  functions:\n    - {name: f, role: retain, ctx-arg: 0, owns-ref: maybe}\n",
               ".ctxlint.yaml:3:53: error: 'owns-ref' must be true or false, not 'maybe'");
    load_fails("model:\n  functions:\n"
               "    - {name: f, role: derive, ctx-arg: 0, cancel-shape: field}\n",
               ".ctxlint.yaml:3:57: error: 'cancel-shape' must be none, out-param, result-field "
               "or returned-fn, not 'field'");
    load_fails("model:\n  spawns:\n    - {name: f, callback-arg: 0, spawn-kind: forget}\n",
               ".ctxlint.yaml:3:46: error: 'spawn-kind' must be thread, detached or joined, not "
               "'forget'");
    load_fails("model:\n  functions:\n"
               "    - {name: f, role: value-get, key-arg: 1, key-kind: text}\n",
               ".ctxlint.yaml:3:56: error: 'key-kind' must be object or string, not 'text'");
    load_fails("model:\n  replace: sometimes\n",
               ".ctxlint.yaml:2:12: error: 'replace' must be true or false, not 'sometimes'");
    load_fails("model:\n  carrier-annotation: ''\n",
               ".ctxlint.yaml:2:23: error: 'carrier-annotation' must not be empty");
    load_fails("model: [a]\n", ".ctxlint.yaml:1:8: error: 'model' must be a mapping, not a list");
}

static void test_incomplete_entries(void **state)
{
    (void)state;
    load_fails("model:\n  functions:\n    - {role: root}\n",
               ".ctxlint.yaml:3:7: error: a function entry needs 'name'");
    load_fails("model:\n  functions:\n    - {name: f}\n",
               ".ctxlint.yaml:3:7: error: function 'f' needs 'role' (root, derive, cancel, spawn, "
               "...)");
    load_fails("model:\n  functions:\n    - name: g\n      role: spawn\n",
               ".ctxlint.yaml:3:7: error: function 'g' (role spawn) needs 'callback-arg': the "
               "index of the function it runs");
    load_fails("model:\n  spawns: [pool_submit]\n",
               ".ctxlint.yaml:2:12: error: function 'pool_submit' (role spawn) needs "
               "'callback-arg': the index of the function it runs");
    load_fails("model:\n  functions:\n    - {name: f, role: value-set, ctx-arg: 0}\n",
               ".ctxlint.yaml:3:7: error: function 'f' (role value-set) needs 'key-arg': the "
               "index of its key argument");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx-arg: 0, cancel-shape: "
               "out-param}\n",
               ".ctxlint.yaml:3:7: error: function 'f': cancel-shape out-param needs "
               "'cancel-arg', the index of the out-parameter");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx-arg: 0, cancel-shape: "
               "result-field, cancel-field: cancel}\n",
               ".ctxlint.yaml:3:7: error: function 'f': cancel-shape result-field needs "
               "'context-field' and 'cancel-field', the fields of the returned struct");
    load_fails("model:\n  functions:\n    - {name: f, role: derive, ctx-arg: 0, cancel-shape: "
               "returned-fn}\n",
               ".ctxlint.yaml:3:7: error: function 'f': cancel-shape returned-fn needs "
               "'child-arg', the out-parameter the child context is written through");
    load_fails("model:\n  roots: [f]\n  functions:\n    - {name: f, role: root}\n",
               ".ctxlint.yaml:4:7: error: function 'f' with role 'root' is described twice");
    load_fails("model:\n  roots:\n    - {name: f, role: todo}\n",
               ".ctxlint.yaml:3:17: error: 'role' is implied by 'roots': list the entry under "
               "'functions' to give it another role");
    load_fails("model:\n  replace: true\n  roots: [f]\n",
               ".ctxlint.yaml:2:3: error: 'model' replaces the built-in model but names no "
               "'context-types'");
}

static void test_yaml_syntax_errors(void **state)
{
    (void)state;
    load_fails("checks: '*'\nmodel:\n\tcontext-types: [a]\n",
               ".ctxlint.yaml:3:1: error: invalid YAML: found character that cannot start any "
               "token (a tab cannot indent YAML: indent with spaces)");
    load_fails("model:\n  context-types: [a,\n  roots: [b]\n",
               ".ctxlint.yaml:4:1: error: invalid YAML: did not find expected ',' or ']' (while "
               "parsing a flow sequence at line 2)");
    load_fails("checks: a: b\n",
               ".ctxlint.yaml:1:10: error: invalid YAML: mapping values are not allowed in this "
               "context");
    load_fails("checks: '*'\n---\nchecks: '-*'\n",
               ".ctxlint.yaml:3:1: error: a second YAML document ('---'): a configuration is one "
               "document");
    load_fails("checks: \"\xff\"\n",
               ".ctxlint.yaml: error: invalid YAML: invalid leading UTF-8 octet at byte 9");
}

/* ---- which file applies ------------------------------------------------------------------ */

static void test_find_nearest(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    char *top = tfs_write(root, ".ctxlint.yaml", "checks: '*'\n");
    char *inner = tfs_write(root, "a/b/.ctxlint.yaml", "checks: '-*'\n");
    char *deep = tfs_mkdir(root, "a/b/c/d");
    char *side = tfs_mkdir(root, "a/x");
    char *found = cl_config_find(deep);
    assert_string_equal(found, inner);
    free(found);
    found = cl_config_find(side);
    assert_string_equal(found, top);
    free(found);
    /* A folder named like the file is not a configuration. */
    char *dir_named = tfs_mkdir(root, "a/x/y/.ctxlint.yaml");
    char *below = cl_xasprintf("%s/..", dir_named);
    found = cl_config_find(below);
    assert_string_equal(found, top);
    free(found);
    free(below);
    free(dir_named);
    free(top);
    free(inner);
    free(deep);
    free(side);
    tfs_rmtree(root);
}

static cl_options options_for(char **files, size_t n)
{
    cl_options o;
    memset(&o, 0, sizeof o);
    o.files = files;
    o.n_files = n;
    return o;
}

static void test_per_file_configuration(void **state)
{
    (void)state;
    char *root = tfs_mkdtemp();
    /* Without a configuration above the temporary folder, files there get the defaults. */
    char *outside = tfs_write(root, "plain/p.c", "");
    char *cfg_a = tfs_write(root, "a/.ctxlint.yaml", "fail-on: note\n");
    char *cfg_b =
        tfs_write(root, "b/.ctxlint.yaml", "fail-on: error\nmodel:\n  context-types: [fctx]\n");
    char *a1 = tfs_write(root, "a/one.c", "");
    char *a2 = tfs_write(root, "a/sub/two.c", "");
    char *b1 = tfs_write(root, "b/three.c", "");
    char *files[] = {a1, b1};
    cl_options opt = options_for(files, 2);

    cl_config *run;
    char *err = NULL;
    assert_int_equal(cl_config_for_run(&opt, &run, &err), 0);
    assert_string_equal(run->path, cfg_a); /* the first file's */
    assert_int_equal(run->fail_severity, CL_SEV_NOTE);

    cl_config_set *set = cl_config_set_new(&opt, run);
    const cl_config *c1, *c2, *c3, *c4;
    assert_int_equal(cl_config_set_get(set, a1, &c1, &err), 0);
    assert_int_equal(cl_config_set_get(set, a2, &c2, &err), 0);
    assert_int_equal(cl_config_set_get(set, b1, &c3, &err), 0);
    assert_ptr_equal(c1, run);
    assert_ptr_equal(c2, run);
    assert_ptr_not_equal(c3, run);
    assert_string_equal(c3->path, cfg_b);
    assert_true(has_type(c3->model->context_types, c3->model->n_context_types, "fctx"));
    assert_false(has_type(run->model->context_types, run->model->n_context_types, "fctx"));
    const cl_config *again;
    assert_int_equal(cl_config_set_get(set, b1, &again, &err), 0);
    assert_ptr_equal(again, c3); /* read once */
    char *above = cl_config_find(root);
    if (!above) {
        assert_int_equal(cl_config_set_get(set, outside, &c4, &err), 0);
        assert_null(c4->path);
        assert_int_equal(c4->fail_severity, CL_SEV_WARNING);
    }
    free(above);
    cl_config_set_free(set);
    cl_config_free(run);

    /* --config names one file for all. */
    opt.config = cfg_b;
    assert_int_equal(cl_config_for_run(&opt, &run, &err), 0);
    set = cl_config_set_new(&opt, run);
    assert_int_equal(cl_config_set_get(set, a1, &c1, &err), 0);
    assert_ptr_equal(c1, run);
    assert_int_equal(run->fail_severity, CL_SEV_ERROR);
    cl_config_set_free(set);
    cl_config_free(run);

    /* --checks goes on top of every file's configuration. */
    opt.config = NULL;
    opt.checks = "-*";
    assert_int_equal(cl_config_for_run(&opt, &run, &err), 0);
    for (size_t i = 0; i < cl_n_rules; i++)
        assert_false(run->rules[i].enabled);
    cl_config_free(run);
    opt.checks = "-*,nope";
    assert_int_equal(cl_config_for_run(&opt, &run, &err), -1);
    assert_string_equal(err, "ctxlint: error: --checks: check 'nope' matches no rule (see "
                             "--list-rules)");
    free(err);
    err = NULL;

    /* A broken file names itself (absolute when outside the current folder). */
    opt.checks = NULL;
    char *bad = tfs_write(root, "bad/.ctxlint.yaml", "model:\n  roots: nope\n");
    char *bad_c = tfs_write(root, "bad/x.c", "");
    run = cl_config_default();
    set = cl_config_set_new(&opt, run);
    assert_int_equal(cl_config_set_get(set, bad_c, &c1, &err), -1);
    char *want = cl_xasprintf("%s:2:10: error: 'roots' must be a list of function names or "
                              "entries, not a scalar",
                              bad);
    assert_string_equal(err, want);
    free(want);
    free(err);
    cl_config_set_free(set);
    cl_config_free(run);

    opt.config = "/nonexistent/ctxlint.yaml";
    assert_int_equal(cl_config_for_run(&opt, &run, &err), -1);
    assert_string_equal(err, "ctxlint: error: cannot read configuration "
                             "/nonexistent/ctxlint.yaml: No such file or directory");
    free(err);

    free(bad);
    free(bad_c);
    free(outside);
    free(cfg_a);
    free(cfg_b);
    free(a1);
    free(a2);
    free(b1);
    tfs_rmtree(root);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_defaults),
        cmocka_unit_test(test_empty_and_comment_only),
        cmocka_unit_test(test_dump_is_canonical_yaml),
        cmocka_unit_test(test_round_trip_quotes_what_yaml_needs),
        cmocka_unit_test(test_checks_string_and_list),
        cmocka_unit_test(test_checks_globs),
        cmocka_unit_test(test_checks_errors),
        cmocka_unit_test(test_severity_and_fail_on),
        cmocka_unit_test(test_rule_options),
        cmocka_unit_test(test_model_extends_by_default),
        cmocka_unit_test(test_model_replace),
        cmocka_unit_test(test_booleans_and_indices),
        cmocka_unit_test(test_unknown_keys),
        cmocka_unit_test(test_wrong_types),
        cmocka_unit_test(test_incomplete_entries),
        cmocka_unit_test(test_yaml_syntax_errors),
        cmocka_unit_test(test_find_nearest),
        cmocka_unit_test(test_per_file_configuration),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
