/* The rule registry: every rule listed in rules.def, in a fixed order. */
#ifndef CL_REGISTRY_H
#define CL_REGISTRY_H

#include <stddef.h>

#include "rule.h"

extern const cl_rule *const cl_rules[];
extern const size_t cl_n_rules;

/* The rule with this id, or NULL. */
const cl_rule *cl_rule_find(const char *id);
/* Its index in cl_rules, or -1. */
int cl_rule_index(const char *id);

#endif
