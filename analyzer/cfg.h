/* The path engine: a control-flow graph of one function body (or block, or lambda body) built
 * from libclang's cursors, and the one question path-sensitive rules ask of it: "from here,
 * is there a path to an exit on which nothing consumes the handle?".
 *
 * The graph is built only on demand, for a function that has a handle to track: rules collect
 * candidates while the walk visits the body and build the graph in end_function.
 *
 * Elements are the units of evaluation, in evaluation order: a statement, a declaration, one
 * leaf of a condition (`a && b`, `a || b`, `!a`, `a ? b : c` and `a, b` are split into their
 * operands, so a use inside `a && use()` is on one path only), a return, the end of the body,
 * the end of a variable's scope when it carries `__attribute__((cleanup(f)))` (C's defer: the
 * element is on every path out of the scope: fall-through, break, continue, goto, return), and
 * a call that does not return (its path ends there, it is no exit). Blocks, lambdas and
 * statement expressions inside an element belong to that element (a use in them is a capture).
 * Edges out of a condition element are labelled with the branch they take.
 *
 * Cost (callgrind instruction counts, Release build, libclang 14, -j1, one 25,800-line unit of
 * 2,000 functions of which 500 make a handle): linting without the path rules 913 M
 * instructions; graph building 40 M (4.4 %), the searches 50 M, the two rules in all +18 %.
 * Worst case, every one of 2,000 functions making a handle: building 153 M of 1,152 M (13 %).
 * What costs is libclang itself (extents, tokens for operators on libclang < 17); the memo of
 * non-returning callees and token reads only for ambiguous statement headers keep it down. */
#ifndef CL_CFG_H
#define CL_CFG_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

typedef struct cl_cfg cl_cfg;

typedef enum cl_cfg_kind {
    CL_CFG_STMT,      /* a statement or declaration evaluated for its effects */
    CL_CFG_COND,      /* one leaf of a branch condition: the last element of its block */
    CL_CFG_RETURN,    /* a return statement: its block then leaves the function */
    CL_CFG_END,       /* falling off the end of the body (cursor: the body) */
    CL_CFG_SCOPE_END, /* a cleanup-attributed variable leaves scope (cursor: its VarDecl) */
    CL_CFG_NORETURN,  /* a call that does not return: the path ends here, without an exit */
} cl_cfg_kind;

/* What graph building learns about callees ("does it return?"), kept across the functions of
 * one unit: asking libclang costs tokens, and the same few callees recur. Per thread. */
typedef struct cl_cfg_memo cl_cfg_memo;
cl_cfg_memo *cl_cfg_memo_new(void);
void cl_cfg_memo_free(cl_cfg_memo *m);

/* Builds the graph of `body`, a CompoundStmt (of a function, a block or a lambda); `memo` may
 * be NULL. */
cl_cfg *cl_cfg_build(CXCursor body, cl_cfg_memo *memo);
void cl_cfg_free(cl_cfg *g);

unsigned cl_cfg_num_elems(const cl_cfg *g);
unsigned cl_cfg_num_blocks(const cl_cfg *g);
unsigned cl_cfg_num_edges(const cl_cfg *g);
CXCursor cl_cfg_elem_cursor(const cl_cfg *g, unsigned e);
cl_cfg_kind cl_cfg_elem_kind(const cl_cfg *g, unsigned e);
unsigned cl_cfg_elem_block(const cl_cfg *g, unsigned e);
/* The innermost non-synthetic element whose extent contains `c`, or -1. */
int cl_cfg_find(const cl_cfg *g, CXCursor c);

/* What a rule says about one element on a path. */
typedef enum cl_cfg_verdict {
    CL_CFG_PASS, /* nothing relevant: keep walking */
    CL_CFG_STOP, /* consumed: this path is fine */
    CL_CFG_HIT,  /* something bad happens here (the handle is overwritten): report it */
} cl_cfg_verdict;

/* `visit` is asked about every element on the path except CL_CFG_END (whose cursor is the whole
 * body); for CL_CFG_SCOPE_END the cursor is the variable leaving scope, not an evaluation of it. */
typedef struct cl_cfg_query {
    cl_cfg_verdict (*visit)(const cl_cfg *g, unsigned elem, void *data);
    /* Optional: true when the branch `when` of condition element `cond` cannot be taken with
     * a live handle (the creation failed: see cl_cfg_null_branch). */
    bool (*cut)(const cl_cfg *g, unsigned cond, bool when, void *data);
    void *data;
} cl_cfg_query;

/* Searches the paths that start just after element `start` (a later visit of `start` itself,
 * around a loop, is asked like any other element). Returns the element where the first path
 * found goes wrong: a HIT, or the exit element (CL_CFG_RETURN or CL_CFG_END) of a path that
 * leaves the function with no STOP on it; -1 when every path is consumed or ends in a call
 * that does not return. Breadth first, so the exit reported is one nearest the start. */
int cl_cfg_search(const cl_cfg *g, unsigned start, const cl_cfg_query *q);

/* The source range to report an exit element at: the return statement, or the closing brace
 * of the body for CL_CFG_END. */
CXSourceRange cl_cfg_exit_range(const cl_cfg *g, unsigned e);

/* The function named by `__attribute__((cleanup(f)))` on the variable `var` (its definition
 * when the unit has one), or a null cursor. */
CXCursor cl_cfg_cleanup_fn(CXCursor var);

/* True when taking branch `when` of the condition `cond` means that the value of `var` (a
 * VarDecl, or a null cursor) or of the expression `made` (the call that produced it) is NULL:
 * `!v`, `v == NULL`, `NULL != v`, `(v = make()) == NULL`, `make()` ... */
bool cl_cfg_null_branch(CXCursor cond, bool when, CXCursor var, CXCursor made);

/* The body (CompoundStmt) of a function definition, block expression or lambda; null cursor
 * for anything else. */
CXCursor cl_cfg_body_of(CXCursor fnlike);

/* One mention of a tracked variable inside an element, seen from the expression that uses it:
 * the walk climbs from the reference through parentheses, implicit and non-void casts, `&`,
 * `*` and one member access, so `(void *)&cancel` passed to f() is an argument of f. */
typedef struct cl_cfg_use {
    CXCursor ref;    /* the DeclRefExpr */
    CXCursor expr;   /* the outermost expression that still is the variable (or &, *, .f of it) */
    CXCursor parent; /* what consumes `expr`: a call, return, assignment, declaration ...; null
                        when `expr` is the element itself */
    CXCursor member; /* the member named in `v.f` / `v->f`, else a null cursor */
    bool address;    /* &v */
    bool deref;      /* *v */
    bool captured;   /* inside a block or lambda of the element: a capture */
    bool discarded;  /* (void)v, sizeof v: a mention that is no use */
    int arg;         /* parent is a call: the argument index of `expr`, -1 for the callee */
    bool lhs;        /* parent is an assignment and `expr` is its left side */
} cl_cfg_use;

/* Calls `fn` for every mention of `var` inside `root` (root included), in source order; the
 * verdict of the element is STOP if any mention says STOP, else HIT if any says HIT. */
cl_cfg_verdict cl_cfg_each_use(CXCursor root, CXCursor var,
                               cl_cfg_verdict (*fn)(const cl_cfg_use *u, void *data), void *data);

/* The same cursor, also when reached by different walks: libclang's cursors for one expression
 * differ in their parent declaration inside blocks, so expressions compare by kind and extent. */
bool cl_cfg_same(CXCursor a, CXCursor b);

/* A function definition, a block or a lambda: what has its own body and returns. */
bool cl_cfg_is_fnlike(CXCursor c);

/* ---- for rules: collecting what to track while the walk visits, checking at end_function ---- */

typedef struct cl_rule_ctx cl_rule_ctx;
typedef struct cl_api_fn cl_api_fn;

/* The innermost function definition, block or lambda around the cursor being visited. */
CXCursor cl_cfg_enclosing_fnlike(cl_rule_ctx *rc);
/* An automatic variable declared inside `fnlike` (not static, not extern, not captured). */
bool cl_cfg_is_local(CXCursor var, CXCursor fnlike);
/* The C entry point: returning from it ends the process. */
bool cl_cfg_is_main(CXCursor fn);

/* Where the value of the call being visited goes. */
typedef enum cl_flow_kind {
    CL_FLOW_LOCAL,   /* into a local variable: `T v = call` or `v = call` (`var`) */
    CL_FLOW_DROPPED, /* an expression statement or a cast to void */
    CL_FLOW_ARG,     /* an argument of the call `parent`, number `arg` */
    CL_FLOW_MEMBER,  /* `call.field` / `call->field` (`parent` is the member expression) */
    CL_FLOW_OTHER,   /* returned, stored in a field or global, compared, ... */
} cl_flow_kind;

typedef struct cl_cfg_flow {
    cl_flow_kind kind;
    CXCursor var;
    CXCursor parent;
    int arg;
} cl_cfg_flow;

cl_cfg_flow cl_cfg_value_flow(cl_rule_ctx *rc, CXCursor call, CXCursor fnlike);

/* One handle to check: made by `call` (the model entry `api`), held in `var`. */
typedef struct cl_cfg_site {
    CXCursor call, var;
    CXCursor aux;   /* the rule's own: lost-cancel keeps the derived context's variable here */
    CXCursor body;  /* of the innermost function, block or lambda */
    CXCursor owner; /* the function definition being walked */
    const cl_api_fn *api;
} cl_cfg_site;

typedef struct cl_cfg_sites {
    cl_cfg_site *v;
    size_t n, cap;
    cl_cfg_memo *memo;
} cl_cfg_sites;

/* Records a site made in the function being walked (body and owner are filled in). Returns
 * false, recording nothing, when the call is in no body. */
bool cl_cfg_sites_add(cl_cfg_sites *s, cl_rule_ctx *rc, cl_cfg_site site);
/* At end_function(fn): one graph per body for the sites made in `fn` (none for main's own
 * body, nor in a unit with errors), `check` for each site, then forgets them. */
void cl_cfg_sites_flush(cl_cfg_sites *s, cl_rule_ctx *rc, CXCursor fn,
                        void (*check)(cl_rule_ctx *rc, const cl_cfg *g, const cl_cfg_site *site),
                        bool skip_main);
void cl_cfg_sites_free(cl_cfg_sites *s);

/* The graph as text, one block a line (for debugging and tests). */
void cl_cfg_dump(const cl_cfg *g, FILE *out);

#endif
