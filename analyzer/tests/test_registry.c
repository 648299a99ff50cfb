/* The registry self-test: every rule in rules.def keeps the promises a rule makes to its users
 * and to the other rules' authors. Ids are unique and kebab-case; the summary is one sentence
 * and is the first line of the rule's page, which has the sections every page has and
 * documents every option; the rule has test data with at least one annotated finding and one
 * file that must stay silent. Each test lists every offending rule, not only the first. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>
#include <dirent.h>
#include <regex.h>

#include "registry.h"

/* Collected complaints: a test fails once, naming them all. */
typedef struct problems {
    char text[8192];
    size_t len;
    unsigned n;
} problems;

static void complain(problems *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void complain(problems *p, const char *fmt, ...)
{
    p->n++;
    if (p->len + 2 >= sizeof p->text)
        return;
    va_list ap;
    va_start(ap, fmt);
    int w = vsnprintf(p->text + p->len, sizeof p->text - p->len - 1, fmt, ap);
    va_end(ap);
    if (w > 0)
        p->len += (size_t)w < sizeof p->text - p->len - 1 ? (size_t)w : sizeof p->text - p->len - 2;
    p->text[p->len++] = '\n';
    p->text[p->len] = '\0';
}

static void assert_no_problems(const problems *p)
{
    if (p->n)
        fail_msg("%u problem(s):\n%s", p->n, p->text);
}

/* The whole file, NUL-terminated, or NULL. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 4096, len = 0;
    char *buf = malloc(cap);
    assert_non_null(buf);
    size_t got;
    while ((got = fread(buf + len, 1, cap - len - 1, f)) > 0) {
        len += got;
        if (cap - len - 1 == 0) {
            cap *= 2;
            buf = realloc(buf, cap);
            assert_non_null(buf);
        }
    }
    fclose(f);
    buf[len] = '\0';
    return buf;
}

static bool kebab_case(const char *s)
{
    /* [a-z0-9]+(-[a-z0-9]+)* */
    if (!*s || *s == '-')
        return false;
    for (const char *p = s; *p; p++) {
        bool alnum = (*p >= 'a' && *p <= 'z') || (*p >= '0' && *p <= '9');
        if (!alnum && !(*p == '-' && p[1] && p[1] != '-'))
            return false;
    }
    return true;
}

static void test_ids_unique_and_kebab_case(void **state)
{
    (void)state;
    problems p = {0};
    assert_true(cl_n_rules > 0);
    for (size_t i = 0; i < cl_n_rules; i++) {
        const char *id = cl_rules[i]->id;
        if (!id) {
            complain(&p, "rule #%zu has no id", i);
            continue;
        }
        if (!kebab_case(id))
            complain(&p, "%s: id is not kebab-case ([a-z0-9]+(-[a-z0-9]+)*)", id);
        for (size_t j = 0; j < i; j++)
            if (cl_rules[j]->id && strcmp(cl_rules[j]->id, id) == 0)
                complain(&p, "%s: id used by rules #%zu and #%zu", id, j, i);
        if (!cl_rule_find(id))
            complain(&p, "%s: cl_rule_find does not find it", id);
    }
    assert_null(cl_rule_find("no-such-rule"));
    assert_no_problems(&p);
}

static void test_summaries_are_one_sentence(void **state)
{
    (void)state;
    problems p = {0};
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        const char *s = r->summary;
        if (!s || !*s) {
            complain(&p, "%s: empty summary", r->id);
            continue;
        }
        size_t n = strlen(s);
        if (s[0] < 'A' || s[0] > 'Z')
            complain(&p, "%s: summary does not start with a capital letter", r->id);
        if (s[n - 1] != '.')
            complain(&p, "%s: summary does not end with a full stop", r->id);
        if (strchr(s, '\n'))
            complain(&p, "%s: summary spans lines", r->id);
        /* A second sentence starts after ". ", "? " or "! ". */
        for (size_t k = 0; k + 1 < n; k++)
            if ((s[k] == '.' || s[k] == '?' || s[k] == '!') && s[k + 1] == ' ') {
                complain(&p, "%s: summary has more than one sentence", r->id);
                break;
            }
        if (r->visit && r->n_kinds == 0)
            complain(&p, "%s: visit callback but no cursor kinds", r->id);
    }
    assert_no_problems(&p);
}

static void test_options_are_well_formed(void **state)
{
    (void)state;
    problems p = {0};
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        if (r->n_options && !r->options)
            complain(&p, "%s: n_options is %zu but options is NULL", r->id, r->n_options);
        for (size_t o = 0; r->options && o < r->n_options; o++) {
            const cl_rule_option *opt = &r->options[o];
            if (!opt->name || !kebab_case(opt->name))
                complain(&p, "%s: option #%zu is not a kebab-case name", r->id, o);
            if (!opt->help || !*opt->help)
                complain(&p, "%s: option '%s' has no help text", r->id,
                         opt->name ? opt->name : "?");
            for (size_t q = 0; q < o; q++)
                if (opt->name && r->options[q].name && strcmp(opt->name, r->options[q].name) == 0)
                    complain(&p, "%s: option '%s' listed twice", r->id, opt->name);
        }
    }
    assert_no_problems(&p);
}

/* The first line of the page that is neither blank nor a heading, without its newline. */
static void first_text_line(const char *page, char *out, size_t size)
{
    out[0] = '\0';
    for (const char *line = page; *line;) {
        const char *end = strchr(line, '\n');
        size_t len = end ? (size_t)(end - line) : strlen(line);
        if (len && line[len - 1] == '\r')
            len--;
        bool blank = true;
        for (size_t k = 0; k < len; k++)
            if (line[k] != ' ' && line[k] != '\t')
                blank = false;
        if (!blank && line[0] != '#') {
            snprintf(out, size, "%.*s", (int)len, line);
            return;
        }
        if (!end)
            return;
        line = end + 1;
    }
}

/* True if the page has a Markdown heading (any level) whose text is `title`. */
static bool has_section(const char *page, const char *title)
{
    size_t tl = strlen(title);
    for (const char *line = page; line; line = strchr(line, '\n')) {
        if (*line == '\n')
            line++;
        if (line[0] != '#')
            continue;
        const char *t = line;
        while (*t == '#')
            t++;
        while (*t == ' ')
            t++;
        if (strncmp(t, title, tl) == 0 && (t[tl] == '\n' || t[tl] == '\r' || t[tl] == '\0'))
            return true;
    }
    return false;
}

static void test_pages_match_descriptors(void **state)
{
    (void)state;
    static const char *const sections[] = {"Why is this bad?", "Example",           "Use instead",
                                           "Options",          "Known limitations", "References"};
    problems p = {0};
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        char path[4096];
        snprintf(path, sizeof path, "%s/%s.md", CTXLINT_RULES_DOC_DIR, r->id);
        char *page = slurp(path);
        if (!page) {
            complain(&p, "%s: no page %s", r->id, path);
            continue;
        }
        char first[1024];
        first_text_line(page, first, sizeof first);
        if (!r->summary || strcmp(first, r->summary) != 0)
            complain(&p, "%s: the page's first line \"%s\" is not the summary \"%s\"", r->id, first,
                     r->summary ? r->summary : "");
        for (size_t s = 0; s < sizeof sections / sizeof sections[0]; s++)
            if (!has_section(page, sections[s]))
                complain(&p, "%s: page has no \"%s\" section", r->id, sections[s]);
        for (size_t o = 0; r->options && o < r->n_options; o++)
            if (r->options[o].name && !strstr(page, r->options[o].name))
                complain(&p, "%s: page does not document option '%s'", r->id, r->options[o].name);
        free(page);
    }
    assert_no_problems(&p);
}

static bool is_source(const char *name)
{
    const char *dot = strrchr(name, '.');
    return dot && (strcmp(dot, ".c") == 0 || strcmp(dot, ".cpp") == 0 || strcmp(dot, ".m") == 0 ||
                   strcmp(dot, ".h") == 0 || strcmp(dot, ".hpp") == 0);
}

static void test_testdata_fires_and_stays_silent(void **state)
{
    (void)state;
    problems p = {0};
    for (size_t i = 0; i < cl_n_rules; i++) {
        const cl_rule *r = cl_rules[i];
        char dir[4096];
        snprintf(dir, sizeof dir, "%s/rules/%s", CTXLINT_TESTDATA, r->id);
        DIR *d = opendir(dir);
        if (!d) {
            complain(&p, "%s: no test data folder %s", r->id, dir);
            continue;
        }
        /* `// expect: ID`, `// expect@+1: ID`, also after other directives in one comment. */
        char pattern[512];
        snprintf(pattern, sizeof pattern, "expect(@[-+][0-9]+)?:[ \t]*%s([^a-z0-9-]|$)", r->id);
        regex_t fires_re;
        assert_int_equal(regcomp(&fires_re, pattern, REG_EXTENDED | REG_NOSUB | REG_NEWLINE), 0);
        bool fires = false, silent = false;
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (!is_source(e->d_name))
                continue;
            char path[8192];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            char *text = slurp(path);
            if (!text)
                continue;
            if (regexec(&fires_re, text, 0, NULL, 0) == 0)
                fires = true;
            if (strncmp(e->d_name, "silent", 6) == 0 && strstr(text, "expect-no-diagnostics"))
                silent = true;
            free(text);
        }
        closedir(d);
        regfree(&fires_re);
        if (!fires)
            complain(&p, "%s: no file in %s expects a finding (`// expect: %s`)", r->id, dir,
                     r->id);
        if (!silent)
            complain(&p, "%s: no silent* file in %s says `// expect-no-diagnostics`", r->id, dir);
    }
    assert_no_problems(&p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_ids_unique_and_kebab_case),
        cmocka_unit_test(test_summaries_are_one_sentence),
        cmocka_unit_test(test_options_are_well_formed),
        cmocka_unit_test(test_pages_match_descriptors),
        cmocka_unit_test(test_testdata_fires_and_stays_silent),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
