/* The effective configuration of a run: which rules are enabled, their severities and options,
 * and the context API model. Built from the defaults, then .ctxlint.yaml (config_yaml.c; the
 * nearest one to each linted file, or --config FILE for all), then the command line. */
#ifndef CL_CONFIG_H
#define CL_CONFIG_H

#include <stdbool.h>
#include <stddef.h>

#include "finding.h"
#include "model.h"

typedef struct cl_rule_cfg {
    bool enabled;
    cl_severity severity;
    bool *options; /* one per option of the rule's descriptor, in its order */
} cl_rule_cfg;

typedef struct cl_config {
    char *path;                /* the file it was read from, NULL for the defaults */
    char *checks;              /* the `checks` string as configured, NULL when not set */
    cl_model *model;           /* owned */
    cl_rule_cfg *rules;        /* indexed like cl_rules[] */
    cl_severity fail_severity; /* findings at or above make the exit status 1 */
} cl_config;

/* Every rule enabled at its default severity with default options; the built-in model. */
cl_config *cl_config_default(void);
void cl_config_free(cl_config *c);

/* Applies a clang-tidy style check list ("-*,nil-context,async-*") on top of `c`. Returns 0, or
 * -1 with *err (malloc'd) when a glob matches no rule. */
int cl_config_apply_checks(cl_config *c, const char *checks, char **err);

/* The option's value for rule index `ri`, by name; false for an unknown name. */
bool cl_config_option(const cl_config *c, size_t ri, const char *name);

/* --- .ctxlint.yaml (config_yaml.c; every key is documented in docs/configuration.md) --- */

/* Reads the YAML configuration `text` over `c`; `path` names it in messages. Returns 0, or -1
 * with *err (malloc'd, one line ready to print: "PATH:LINE:COL: error: unknown key 'x' in ...")
 * and `c` half-changed: the caller discards it. An empty text changes nothing. */
int cl_config_load_yaml(cl_config *c, const char *path, const char *text, size_t len, char **err);
/* Reads the file `path` the same way and records it in c->path. */
int cl_config_load_file(cl_config *c, const char *path, char **err);
/* The configuration as canonical YAML (every rule's severity and options, the whole model with
 * `replace: true`) that cl_config_load_yaml reads back to an equal configuration. malloc'd. */
char *cl_config_to_yaml(const cl_config *c);

/* --- Which configuration applies --- */

#define CL_CONFIG_FILE_NAME ".ctxlint.yaml"

/* The nearest .ctxlint.yaml in `dir` or above it (malloc'd absolute path), or NULL. */
char *cl_config_find(const char *dir);

#include "options.h"
/* The configuration of the run: the defaults, then --config FILE or the .ctxlint.yaml nearest
 * the first linted file (the current folder when no file is named), then --checks. It gives the
 * run-wide settings (fail-on) and is what --dump-config prints. Returns 0, or -1 with *err
 * (malloc'd, ready to print) naming the file, line and key at fault. */
int cl_config_for_run(const cl_options *opt, cl_config **out, char **err);

/* The configuration of each linted file: the nearest .ctxlint.yaml to that file wins (each
 * file read once per run), unless --config names one for all. `run` is borrowed and returned
 * for every file that shares its configuration file. */
typedef struct cl_config_set cl_config_set;
cl_config_set *cl_config_set_new(const cl_options *opt, const cl_config *run);
/* The configuration of `file` (an absolute path), valid until the set is freed. Returns 0, or
 * -1 with *err as for cl_config_for_run. */
int cl_config_set_get(cl_config_set *s, const char *file, const cl_config **out, char **err);
void cl_config_set_free(cl_config_set *s);

/* --dump-config: prints the configuration of the run. Returns the exit status. */
int cl_config_dump_command(const cl_options *opt);

#endif
