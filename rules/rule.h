/* The rule interface: one descriptor per rule, and the services the driver offers a rule while
 * it walks a translation unit.
 *
 * A rule file exports exactly one symbol, `const cl_rule cl_rule_<name>`, listed in rules.def.
 * The driver walks each unit once and calls `visit` for the cursor kinds the rule asked for;
 * adding a rule never adds a walk. Per-unit state lives in `state` (state_size bytes, zeroed
 * before begin_tu), never in statics, because units are linted in parallel. Rules never name
 * the runtime: they ask the context API model (analyzer/model.h) through the helpers below and
 * in analyzer/ast.h. */
#ifndef CL_RULE_H
#define CL_RULE_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stddef.h>

#include "ast.h"
#include "facts.h"
#include "finding.h"
#include "model.h"

typedef struct cl_rule_ctx cl_rule_ctx;

/* A boolean option of a rule, settable in .ctxlint.yaml under the rule's id. */
typedef struct cl_rule_option {
    const char *name;
    bool default_value;
    const char *help;
} cl_rule_option;

typedef struct cl_rule {
    const char *id;      /* kebab-case, stable: appears in output, suppressions, config */
    const char *summary; /* one sentence; the same as the first line of the rule's page */
    cl_severity severity;
    const enum CXCursorKind *kinds; /* the cursor kinds `visit` wants */
    size_t n_kinds;
    size_t state_size;
    void (*begin_tu)(cl_rule_ctx *rc, void *state);
    void (*visit)(cl_rule_ctx *rc, void *state, CXCursor c);
    /* After the whole body of a function definition (including its blocks and lambdas) has
     * been visited; `fn` is the FunctionDecl (or C++ method). */
    void (*end_function)(cl_rule_ctx *rc, void *state, CXCursor fn);
    void (*end_tu)(cl_rule_ctx *rc, void *state);
    /* Cross-file: decides a conditional finding (see cl_report_if) once the facts of every
     * unit are merged. Called on one thread. */
    bool (*resolve)(const cl_facts *facts, const char *kind, const char *key, int index);
    const cl_rule_option *options;
    size_t n_options;
} cl_rule;

#define CL_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* The services of the walk. */
const cl_model *cl_model_of(const cl_rule_ctx *rc);
CXTranslationUnit cl_tu_of(const cl_rule_ctx *rc);
/* The function definition being walked, or a null cursor at file scope. */
CXCursor cl_current_function(const cl_rule_ctx *rc);
/* The ancestors of the cursor being visited: 0 is its parent, 1 the grandparent, ...; a null
 * cursor past the translation unit. */
CXCursor cl_ancestor(const cl_rule_ctx *rc, unsigned up);
/* The value of one of the rule's options (its default unless configured). */
bool cl_option(const cl_rule_ctx *rc, const char *name);
/* True when the unit had errors: rules that are unsure in a broken unit stay silent. */
bool cl_tu_has_errors(const cl_rule_ctx *rc);

/* Reports a finding over the extent of `at` (its expansion location, never inside a macro
 * definition). Returns the finding for notes and fixes, valid until the next report; NULL when
 * `at` is in a system header. The rule id is attached by the driver. */
cl_finding *cl_report(cl_rule_ctx *rc, CXCursor at, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
cl_finding *cl_report_range(cl_rule_ctx *rc, CXSourceRange r, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* A finding kept only if, once every unit is summarised, the rule's `resolve` accepts
 * (kind, key, index): e.g. "the callee's parameter 0 reaches a spawn" in another file. */
cl_finding *cl_report_if(cl_rule_ctx *rc, const char *kind, const char *key, int index, CXCursor at,
                         const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void cl_add_note(cl_rule_ctx *rc, cl_finding *f, CXCursor at, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* A fix-it replacing the source range `r` (expansion locations) by `text`. */
void cl_add_fix(cl_rule_ctx *rc, cl_finding *f, CXSourceRange r, const char *text);
/* Records a cross-file fact about a function (see facts.h). */
void cl_add_fact(cl_rule_ctx *rc, const char *kind, const char *key, int index, const char *data);
#endif
