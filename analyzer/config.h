/* The effective configuration of a run: which rules are enabled, their severities and options,
 * and the context API model. Built from the defaults, then .ctxlint.yaml (config_yaml.c), then
 * the command line. */
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

#include "options.h"
/* The configuration for a run: the defaults, then --config FILE or the .ctxlint.yaml nearest
 * the first linted file, then --checks. Returns 0, or -1 with *err (malloc'd) naming the file,
 * line and key at fault. */
int cl_config_for_run(const cl_options *opt, cl_config **out, char **err);

#endif
