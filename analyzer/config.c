/* The effective configuration: defaults, the clang-tidy style check list, and which
 * .ctxlint.yaml applies to which file (see config.h; the YAML itself is config_yaml.c). */
#include "config.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "emit.h"
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

/* The absolute folder of `file` (which need not exist: an editor's unsaved buffer). */
static char *folder_of(const char *file)
{
    char *copy = cl_xstrdup(file);
    char *slash = strrchr(copy, '/');
    if (slash == copy)
        slash[1] = '\0';
    else if (slash)
        *slash = '\0';
    else
        strcpy(copy, ".");
    char buf[PATH_MAX];
    char *out = cl_xstrdup(realpath(copy, buf) ? buf : copy);
    free(copy);
    return out;
}

char *cl_config_find(const char *dir)
{
    char buf[PATH_MAX];
    char *d = cl_xstrdup(realpath(dir, buf) ? buf : dir);
    for (;;) {
        char *candidate = cl_xasprintf("%s/%s", strcmp(d, "/") == 0 ? "" : d, CL_CONFIG_FILE_NAME);
        struct stat st;
        if (stat(candidate, &st) == 0 && S_ISREG(st.st_mode)) {
            free(d);
            return candidate;
        }
        free(candidate);
        char *slash = strrchr(d, '/');
        if (!slash || strcmp(d, "/") == 0)
            break;
        if (slash == d)
            slash[1] = '\0';
        else
            *slash = '\0';
    }
    free(d);
    return NULL;
}

/* The defaults, then the file at `path` (none when NULL), then --checks. */
static int load(const cl_options *opt, const char *path, cl_config **out, char **err)
{
    cl_config *c = cl_config_default();
    if (path) {
        char cwd[PATH_MAX];
        const char *shown = getcwd(cwd, sizeof cwd) ? cl_display_path(path, cwd) : path;
        if (cl_config_load_file(c, shown, err) != 0) {
            cl_config_free(c);
            return -1;
        }
        free(c->path);
        c->path = cl_xstrdup(path);
    }
    if (opt->checks && cl_config_apply_checks(c, opt->checks, err) != 0) {
        char *e = cl_xasprintf("ctxlint: error: --checks: %s", *err);
        free(*err);
        *err = e;
        cl_config_free(c);
        return -1;
    }
    *out = c;
    return 0;
}

int cl_config_for_run(const cl_options *opt, cl_config **out, char **err)
{
    if (opt->config)
        return load(opt, opt->config, out, err);
    char *dir = opt->n_files ? folder_of(opt->files[0]) : cl_xstrdup(".");
    char *path = cl_config_find(dir);
    free(dir);
    int rc = load(opt, path, out, err);
    free(path);
    return rc;
}

struct cl_config_set {
    const cl_options *opt;
    const cl_config *run;
    cl_config **loaded; /* each configuration file read so far, by its path */
    size_t n_loaded;
};

cl_config_set *cl_config_set_new(const cl_options *opt, const cl_config *run)
{
    cl_config_set *s = cl_xcalloc(1, sizeof *s);
    s->opt = opt;
    s->run = run;
    return s;
}

static bool same_path(const char *a, const char *b)
{
    return (!a && !b) || (a && b && strcmp(a, b) == 0);
}

int cl_config_set_get(cl_config_set *s, const char *file, const cl_config **out, char **err)
{
    if (s->opt->config) {
        *out = s->run;
        return 0;
    }
    char *dir = folder_of(file);
    char *path = cl_config_find(dir);
    free(dir);
    int rc = 0;
    *out = NULL;
    if (same_path(path, s->run->path))
        *out = s->run;
    for (size_t i = 0; i < s->n_loaded && !*out; i++)
        if (same_path(path, s->loaded[i]->path))
            *out = s->loaded[i];
    if (!*out) {
        cl_config *c;
        rc = load(s->opt, path, &c, err);
        if (rc == 0) {
            s->loaded = cl_xrealloc(s->loaded, (s->n_loaded + 1) * sizeof *s->loaded);
            s->loaded[s->n_loaded++] = c;
            *out = c;
        }
    }
    free(path);
    return rc;
}

void cl_config_set_free(cl_config_set *s)
{
    if (!s)
        return;
    for (size_t i = 0; i < s->n_loaded; i++)
        cl_config_free(s->loaded[i]);
    free(s->loaded);
    free(s);
}

int cl_config_dump_command(const cl_options *opt)
{
    cl_config *c;
    char *err = NULL;
    if (cl_config_for_run(opt, &c, &err) != 0) {
        fprintf(stderr, "%s\n", err);
        free(err);
        return 2;
    }
    char *yaml = cl_config_to_yaml(c);
    int status = 0;
    if (!yaml || fputs(yaml, stdout) == EOF || fflush(stdout) != 0) {
        fprintf(stderr, "ctxlint: error: cannot write the configuration: %s\n", strerror(errno));
        status = 2;
    }
    free(yaml);
    cl_config_free(c);
    return status;
}
