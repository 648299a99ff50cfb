/* The effective configuration: defaults and the clang-tidy style check list (see config.h). */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "registry.h"
#include "suppress.h"
#include "xalloc.h"

cl_config *cl_config_default(void)
{
    cl_config *c = cl_xcalloc(1, sizeof *c);
    c->model = cl_model_clone(cl_model_default());
    c->rules = cl_xcalloc(cl_n_rules, sizeof *c->rules);
    c->fail_severity = CL_SEV_WARNING;
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        c->rules[i].enabled = true;
        c->rules[i].severity = r->severity;
        c->rules[i].options = cl_xcalloc(r->n_options ? r->n_options : 1, sizeof(bool));
        for (size_t o = 0; o < r->n_options; o++)
            c->rules[i].options[o] = r->options[o].default_value;
    }
    return c;
}

void cl_config_free(cl_config *c)
{
    if (!c)
        return;
    for (size_t i = 0; i < cl_n_rules; i++)
        free(c->rules[i].options);
    free(c->rules);
    cl_model_free(c->model);
    free(c->path);
    free(c->checks);
    free(c);
}

int cl_config_apply_checks(cl_config *c, const char *checks, char **err)
{
    const char *p = checks;
    while (*p) {
        while (*p == ',' || *p == ' ' || *p == '\t' || *p == '\n')
            p++;
        if (!*p)
            break;
        const char *end = p;
        while (*end && *end != ',')
            end++;
        const char *e = end;
        while (e > p && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n'))
            e--;
        bool enable = *p != '-';
        const char *g = enable ? p : p + 1;
        char *glob = cl_xstrndup(g, (size_t)(e - g));
        bool matched = false;
        for (size_t i = 0; i < cl_n_rules; i++)
            if (cl_glob_match(glob, cl_rules[i]->id)) {
                c->rules[i].enabled = enable;
                matched = true;
            }
        if (!matched) {
            *err = cl_xasprintf("check '%s' matches no rule (see --list-rules)", glob);
            free(glob);
            return -1;
        }
        free(glob);
        p = end;
    }
    return 0;
}

bool cl_config_option(const cl_config *c, size_t ri, const char *name)
{
    const cl_rule *r = cl_rules[ri];
    for (size_t o = 0; o < r->n_options; o++)
        if (strcmp(r->options[o].name, name) == 0)
            return c->rules[ri].options[o];
    return false;
}

int cl_config_for_run(const cl_options *opt, cl_config **out, char **err)
{
    cl_config *c = cl_config_default();
    if (opt->checks && cl_config_apply_checks(c, opt->checks, err) != 0) {
        char *e = cl_xasprintf("--checks: %s", *err);
        free(*err);
        *err = e;
        cl_config_free(c);
        return -1;
    }
    *out = c;
    return 0;
}
