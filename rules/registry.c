/* The rule registry: rules.def included twice, once for declarations, once for the table.
 * No constructors, no linker tricks: a rule exists because its line is in rules.def. */
#include "registry.h"

#include <string.h>

#define RULE(name) extern const cl_rule cl_rule_##name;
#include "rules.def"
#undef RULE

const cl_rule *const cl_rules[] = {
#define RULE(name) &cl_rule_##name,
#include "rules.def"
#undef RULE
};

const size_t cl_n_rules = sizeof cl_rules / sizeof cl_rules[0];

int cl_rule_index(const char *id)
{
    for (size_t i = 0; i < cl_n_rules; i++)
        if (strcmp(cl_rules[i]->id, id) == 0)
            return (int)i;
    return -1;
}

const cl_rule *cl_rule_find(const char *id)
{
    int i = cl_rule_index(id);
    return i < 0 ? NULL : cl_rules[i];
}
