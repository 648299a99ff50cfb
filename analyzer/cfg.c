/* The path engine (cfg.h): builds a control-flow graph of one body from libclang's cursors and
 * searches it for paths on which a handle is never consumed.
 *
 * libclang hides which optional parts a statement has (a `for` without a condition simply has
 * fewer children, an `if` with an else looks like one with a C++ init-statement), so those are
 * told apart by the tokens of the statement's header, with a fallback by child count where a
 * macro hides the tokens. Everything lives in a few growable arrays owned by the graph; the
 * builder's own bookkeeping is freed when the build returns. */
#include "cfg.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ast.h"
#include "rule.h"
#include "xalloc.h"

typedef struct elem {
    CXCursor c;
    unsigned block;
    int next; /* the next element of the same block, -1 at the end */
    uint8_t kind;
    /* File offsets of the extent, computed on the first cl_cfg_find. */
    unsigned begin, end;
    bool has_range;
} elem;

typedef struct block {
    int first, last; /* elements, -1 when empty */
    int exit_elem;   /* the return/end element after which this block leaves the function */
    unsigned edge_begin, edge_end;
} block;

enum { WHEN_FALSE = 0, WHEN_TRUE = 1, WHEN_ALWAYS = 2 };

typedef struct edge {
    unsigned from, to;
    int cond; /* the condition element the branch is taken on, -1 if unconditional */
    uint8_t when;
} edge;

struct cl_cfg {
    CXCursor body;
    elem *e;
    size_t ne, ce;
    block *b;
    size_t nb, cb;
    edge *ed; /* sorted by `from` once built */
    size_t ned, ced;
    bool ranges_done;
};

/* ---- builder ------------------------------------------------------------------------------- */

typedef struct target {
    unsigned brk, cont;
    size_t scope_depth; /* scopes at or below this depth stay live when jumping here */
    bool is_switch;
    unsigned head; /* switch: the block holding the controlling expression */
    bool has_default;
} target;

typedef struct label {
    CXCursor stmt;
    unsigned block;
} label;

typedef struct pending_goto {
    unsigned from;
    CXCursor label; /* a null cursor for `goto *p`: every label */
} pending_goto;

typedef struct scope {
    CXCursor stmt;
    size_t var_begin; /* into builder.vars */
} scope;

/* Open addressing on the canonical declaration's pointer (a CXCursor's data[0]). */
struct cl_cfg_memo {
    const void **keys;
    bool *noreturn;
    size_t n, cap; /* cap is a power of two */
};

cl_cfg_memo *cl_cfg_memo_new(void)
{
    cl_cfg_memo *m = cl_xcalloc(1, sizeof *m);
    m->cap = 64;
    m->keys = cl_xcalloc(m->cap, sizeof *m->keys);
    m->noreturn = cl_xcalloc(m->cap, sizeof *m->noreturn);
    return m;
}

void cl_cfg_memo_free(cl_cfg_memo *m)
{
    if (!m)
        return;
    free(m->keys);
    free(m->noreturn);
    free(m);
}

static size_t memo_slot(const cl_cfg_memo *m, const void *key)
{
    size_t h = ((uintptr_t)key >> 4) * 0x9E3779B97F4A7C15u;
    for (size_t i = h & (m->cap - 1);; i = (i + 1) & (m->cap - 1))
        if (!m->keys[i] || m->keys[i] == key)
            return i;
}

static void memo_put(cl_cfg_memo *m, const void *key, bool v)
{
    if (2 * (m->n + 1) > m->cap) {
        cl_cfg_memo bigger = {cl_xcalloc(2 * m->cap, sizeof(void *)),
                              cl_xcalloc(2 * m->cap, sizeof(bool)), 0, 2 * m->cap};
        for (size_t i = 0; i < m->cap; i++)
            if (m->keys[i])
                memo_put(&bigger, m->keys[i], m->noreturn[i]);
        free(m->keys);
        free(m->noreturn);
        *m = bigger;
    }
    size_t i = memo_slot(m, key);
    if (!m->keys[i])
        m->n++;
    m->keys[i] = key;
    m->noreturn[i] = v;
}

typedef struct builder {
    cl_cfg_memo *memo;
    cl_cfg *g;
    unsigned cur;
    target *t;
    size_t nt, ct;
    label *l;
    size_t nl, cl;
    pending_goto *pg;
    size_t npg, cpg;
    scope *s;
    size_t ns, cs;
    CXCursor *vars;
    size_t nv, cv;
} builder;

#define GROW(arr, n, cap)                                                                          \
    do {                                                                                           \
        if ((n) == (cap)) {                                                                        \
            (cap) = (cap) ? 2 * (cap) : 16;                                                        \
            (arr) = cl_xrealloc((arr), (cap) * sizeof *(arr));                                     \
        }                                                                                          \
    } while (0)

static unsigned new_block(builder *bd)
{
    cl_cfg *g = bd->g;
    GROW(g->b, g->nb, g->cb);
    g->b[g->nb] = (block){-1, -1, -1, 0, 0};
    return (unsigned)g->nb++;
}

static unsigned add_elem(builder *bd, CXCursor c, cl_cfg_kind kind)
{
    cl_cfg *g = bd->g;
    GROW(g->e, g->ne, g->ce);
    unsigned i = (unsigned)g->ne++;
    g->e[i] = (elem){c, bd->cur, -1, (uint8_t)kind, 0, 0, false};
    block *b = &g->b[bd->cur];
    if (b->last >= 0)
        g->e[b->last].next = (int)i;
    else
        b->first = (int)i;
    b->last = (int)i;
    return i;
}

static void add_edge(builder *bd, unsigned from, unsigned to, int cond, int when)
{
    cl_cfg *g = bd->g;
    GROW(g->ed, g->ned, g->ced);
    g->ed[g->ned++] = (edge){from, to, cond, (uint8_t)when};
}

/* Children of a cursor, up to `max`. */
typedef struct kids {
    CXCursor k[8];
    unsigned n;
} kids;

static enum CXChildVisitResult collect(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    kids *k = d;
    if (k->n < 8)
        k->k[k->n] = c;
    k->n++;
    return CXChildVisit_Continue;
}

static kids children(CXCursor c)
{
    kids k = {.n = 0};
    clang_visitChildren(c, collect, &k);
    if (k.n > 8)
        k.n = 8;
    return k;
}

static unsigned offset_of(CXSourceLocation loc)
{
    unsigned off = 0;
    clang_getFileLocation(loc, NULL, NULL, NULL, &off);
    return off;
}

/* The tokens of a range, for reading a statement header. */
typedef struct toks {
    CXTranslationUnit tu;
    CXToken *t;
    unsigned n;
} toks;

static toks tokens(CXCursor any, CXSourceRange r)
{
    toks t = {clang_Cursor_getTranslationUnit(any), NULL, 0};
    clang_tokenize(t.tu, r, &t.t, &t.n);
    return t;
}

static void toks_free(toks *t)
{
    if (t->t)
        clang_disposeTokens(t->tu, t->t, t->n);
}

static bool tok_is(const toks *t, unsigned i, const char *s)
{
    CXString sp = clang_getTokenSpelling(t->tu, t->t[i]);
    bool eq = clang_getCString(sp) && strcmp(clang_getCString(sp), s) == 0;
    clang_disposeString(sp);
    return eq;
}

static void build_stmt(builder *bd, CXCursor s);
static void build_cond(builder *bd, CXCursor e, unsigned t, unsigned f);
static void build_expr_stmt(builder *bd, CXCursor e);

/* ---- scopes and cleanup variables ---- */

static bool attr_is_cleanup(CXCursor attr)
{
    toks t = tokens(attr, clang_getCursorExtent(attr));
    bool yes = t.n > 0 && (tok_is(&t, 0, "cleanup") || tok_is(&t, 0, "__cleanup__"));
    toks_free(&t);
    return yes;
}

static enum CXChildVisitResult find_cleanup_attr(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    if (clang_isAttribute(clang_getCursorKind(c)) && attr_is_cleanup(c)) {
        *(CXCursor *)d = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

static CXCursor cleanup_attr(CXCursor var)
{
    CXCursor a = clang_getNullCursor();
    if (clang_getCursorKind(var) == CXCursor_VarDecl)
        clang_visitChildren(var, find_cleanup_attr, &a);
    return a;
}

typedef struct fn_search {
    const char *name;
    CXCursor found;
} fn_search;

static enum CXChildVisitResult find_fn_named(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    fn_search *fs = d;
    if (clang_getCursorKind(c) != CXCursor_FunctionDecl)
        return CXChildVisit_Continue;
    char buf[256];
    if (strcmp(cl_spelling(c, buf, sizeof buf), fs->name) == 0) {
        fs->found = c;
        if (clang_isCursorDefinition(c))
            return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

CXCursor cl_cfg_cleanup_fn(CXCursor var)
{
    CXCursor a = cleanup_attr(var);
    if (clang_Cursor_isNull(a))
        return a;
    /* The attribute names its function only in its tokens: cleanup ( name ). */
    toks t = tokens(a, clang_getCursorExtent(a));
    char name[256] = "";
    for (unsigned i = 1; i < t.n; i++) {
        if (clang_getTokenKind(t.t[i]) == CXToken_Identifier) {
            CXString sp = clang_getTokenSpelling(t.tu, t.t[i]);
            snprintf(name, sizeof name, "%s", clang_getCString(sp));
            clang_disposeString(sp);
            break;
        }
    }
    toks_free(&t);
    fn_search fs = {name, clang_getNullCursor()};
    if (name[0])
        clang_visitChildren(clang_getTranslationUnitCursor(clang_Cursor_getTranslationUnit(var)),
                            find_fn_named, &fs);
    if (!clang_Cursor_isNull(fs.found)) {
        CXCursor def = clang_getCursorDefinition(fs.found);
        if (!clang_Cursor_isNull(def))
            return def;
    }
    return fs.found;
}

static void push_scope(builder *bd, CXCursor stmt)
{
    GROW(bd->s, bd->ns, bd->cs);
    bd->s[bd->ns++] = (scope){stmt, bd->nv};
}

/* Adds the scope-end elements of every scope above `depth`, innermost variable first. */
static void emit_cleanups(builder *bd, size_t depth)
{
    for (size_t si = bd->ns; si-- > depth;) {
        size_t end = si + 1 < bd->ns ? bd->s[si + 1].var_begin : bd->nv;
        for (size_t v = end; v-- > bd->s[si].var_begin;)
            add_elem(bd, bd->vars[v], CL_CFG_SCOPE_END);
    }
}

static void pop_scope(builder *bd)
{
    emit_cleanups(bd, bd->ns - 1);
    bd->nv = bd->s[bd->ns - 1].var_begin;
    bd->ns--;
}

static enum CXChildVisitResult note_cleanup_var(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    builder *bd = d;
    if (bd->ns && !clang_Cursor_isNull(cleanup_attr(c))) {
        GROW(bd->vars, bd->nv, bd->cv);
        bd->vars[bd->nv++] = c;
    }
    return CXChildVisit_Continue;
}

/* ---- jumps ---- */

/* Ends the current block after a jump: what follows is unreachable until a label or case. */
static void jump(builder *bd, unsigned to)
{
    add_edge(bd, bd->cur, to, -1, WHEN_ALWAYS);
    bd->cur = new_block(bd);
}

static unsigned label_block(builder *bd, CXCursor stmt)
{
    for (size_t i = 0; i < bd->nl; i++)
        if (cl_cfg_same(bd->l[i].stmt, stmt))
            return bd->l[i].block;
    GROW(bd->l, bd->nl, bd->cl);
    unsigned b = new_block(bd);
    bd->l[bd->nl++] = (label){stmt, b};
    return b;
}

static target *innermost(builder *bd, bool want_loop)
{
    for (size_t i = bd->nt; i-- > 0;)
        if (!want_loop || !bd->t[i].is_switch)
            return &bd->t[i];
    return NULL;
}

/* ---- statements ---- */

/* A compile-time constant condition (`while (1)`, `do ... while (0)`): 1, 0, or -1 if not. */
static int constant_cond(CXCursor e)
{
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k != CXCursor_IntegerLiteral && k != CXCursor_CharacterLiteral &&
        k != CXCursor_CXXBoolLiteralExpr)
        return -1;
    CXEvalResult r = clang_Cursor_Evaluate(e);
    if (!r)
        return -1;
    int v = clang_EvalResult_getKind(r) == CXEval_Int ? clang_EvalResult_getAsLongLong(r) != 0 : -1;
    clang_EvalResult_dispose(r);
    return v;
}

/* Through parentheses, implicit casts and casts to void, and GNU __extension__. */
static CXCursor strip_stmt_expr(CXCursor e)
{
    for (int guard = 0; guard < 16; guard++) {
        e = cl_strip(e);
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_CStyleCastExpr && clang_getCursorType(e).kind == CXType_Void) {
            kids ks = children(e);
            e = ks.k[ks.n - 1];
        } else if (k == CXCursor_UnaryOperator &&
                   clang_getCursorKind(cl_strip(cl_child(e, 0))) == CXCursor_StmtExpr) {
            e = cl_child(e, 0); /* __extension__ ({ ... }) */
        } else {
            return e;
        }
    }
    return e;
}

static bool is_noreturn_call(builder *bd, CXCursor e)
{
    if (clang_getCursorKind(e) != CXCursor_CallExpr)
        return false;
    CXCursor d = cl_callee(e);
    if (!bd->memo || clang_Cursor_isNull(d))
        return cl_call_is_noreturn(e);
    const void *key = clang_getCanonicalCursor(d).data[0];
    size_t i = memo_slot(bd->memo, key);
    if (bd->memo->keys[i])
        return bd->memo->noreturn[i];
    bool v = cl_call_is_noreturn(e);
    memo_put(bd->memo, key, v);
    return v;
}

/* One leaf of evaluation: an element, which ends the path when it is a call that does not
 * return. */
static void leaf(builder *bd, CXCursor whole, CXCursor stripped)
{
    if (is_noreturn_call(bd, stripped)) {
        add_elem(bd, whole, CL_CFG_NORETURN);
        bd->cur = new_block(bd);
        return;
    }
    add_elem(bd, whole, CL_CFG_STMT);
}

static bool splits(CXCursor e)
{
    switch (clang_getCursorKind(e)) {
    case CXCursor_BinaryOperator: {
        cl_op op = cl_binary_op(e);
        return op == CL_OP_LAND || op == CL_OP_LOR || op == CL_OP_COMMA;
    }
    case CXCursor_ConditionalOperator:
        return true;
    default:
        return false;
    }
}

static void build_expr_stmt(builder *bd, CXCursor e)
{
    CXCursor s = strip_stmt_expr(e);
    if (clang_getCursorKind(s) == CXCursor_StmtExpr) {
        kids k = children(s);
        if (k.n == 1 && clang_getCursorKind(k.k[0]) == CXCursor_CompoundStmt) {
            build_stmt(bd, k.k[0]);
            return;
        }
    }
    if (splits(s)) {
        unsigned join = new_block(bd);
        build_cond(bd, s, join, join);
        bd->cur = join;
        return;
    }
    /* `a, ({ ... })` inside a macro (glibc's assert in GNU mode): libclang 14 cannot read an
     * operator whose tokens are all in a macro, but only a comma puts a statement expression
     * second in an expression statement. */
    if (clang_getCursorKind(s) == CXCursor_BinaryOperator) {
        kids k = children(s);
        if (k.n == 2 && clang_getCursorKind(strip_stmt_expr(k.k[1])) == CXCursor_StmtExpr) {
            build_expr_stmt(bd, k.k[0]);
            build_expr_stmt(bd, k.k[1]);
            return;
        }
    }
    leaf(bd, e, s);
}

static void build_cond(builder *bd, CXCursor e, unsigned t, unsigned f)
{
    if (t == f && !splits(cl_strip(e))) {
        /* A value that decides nothing: a statement (maybe a statement expression). */
        build_expr_stmt(bd, e);
        add_edge(bd, bd->cur, t, -1, WHEN_ALWAYS);
        bd->cur = new_block(bd);
        return;
    }
    e = cl_strip(e);
    enum CXCursorKind k = clang_getCursorKind(e);
    if (k == CXCursor_BinaryOperator) {
        cl_op op = cl_binary_op(e);
        if (op == CL_OP_LAND || op == CL_OP_LOR || op == CL_OP_COMMA) {
            kids ks = children(e);
            if (ks.n == 2) {
                if (op == CL_OP_COMMA) {
                    build_expr_stmt(bd, ks.k[0]);
                } else {
                    unsigned mid = new_block(bd);
                    build_cond(bd, ks.k[0], op == CL_OP_LAND ? mid : t, op == CL_OP_LAND ? f : mid);
                    bd->cur = mid;
                }
                build_cond(bd, ks.k[1], t, f);
                return;
            }
        }
    } else if (k == CXCursor_UnaryOperator && cl_unary_op(e) == CL_OP_NOT) {
        build_cond(bd, cl_child(e, 0), f, t);
        return;
    } else if (k == CXCursor_ConditionalOperator) {
        kids ks = children(e);
        if (ks.n == 3) {
            unsigned bt = new_block(bd), bf = new_block(bd);
            build_cond(bd, ks.k[0], bt, bf);
            bd->cur = bt;
            build_cond(bd, ks.k[1], t, f);
            bd->cur = bf;
            build_cond(bd, ks.k[2], t, f);
            return;
        }
    }
    int cst = constant_cond(e);
    if (cst >= 0) {
        add_edge(bd, bd->cur, cst ? t : f, -1, WHEN_ALWAYS);
        bd->cur = new_block(bd);
        return;
    }
    CXCursor s = strip_stmt_expr(e);
    if (is_noreturn_call(bd, s)) {
        leaf(bd, e, s);
        return;
    }
    unsigned c = add_elem(bd, e, CL_CFG_COND);
    if (t == f) {
        add_edge(bd, bd->cur, t, -1, WHEN_ALWAYS);
    } else {
        add_edge(bd, bd->cur, t, (int)c, WHEN_TRUE);
        add_edge(bd, bd->cur, f, (int)c, WHEN_FALSE);
    }
    bd->cur = new_block(bd);
}

/* Whether the `if` has an else branch: an `else` token between its last two children. */
static bool if_has_else(const kids *k)
{
    if (k->n < 3)
        return false;
    /* cond, then, else: C's only three-child form (C++'s init-statement and condition variable
     * are declarations, in practice), so the tokens are read only for C++'s longer forms. */
    if (k->n == 3 && clang_isExpression(clang_getCursorKind(k->k[0])))
        return true;
    CXSourceRange r = clang_getRange(clang_getRangeEnd(clang_getCursorExtent(k->k[k->n - 2])),
                                     clang_getRangeStart(clang_getCursorExtent(k->k[k->n - 1])));
    toks t = tokens(k->k[0], r);
    bool found = false;
    for (unsigned i = 0; i < t.n && !found; i++)
        found = clang_getTokenKind(t.t[i]) == CXToken_Keyword && tok_is(&t, i, "else");
    bool known = t.n > 0;
    toks_free(&t);
    return known ? found : (k->n == 3 && clang_isExpression(clang_getCursorKind(k->k[0])));
}

static void build_if(builder *bd, CXCursor s)
{
    kids k = children(s);
    if (k.n < 2) {
        add_elem(bd, s, CL_CFG_STMT);
        return;
    }
    bool has_else = if_has_else(&k);
    unsigned ti = has_else ? k.n - 2 : k.n - 1;
    /* C++ init-statements and condition variables come before the condition. */
    for (unsigned i = 0; i + 1 < ti; i++)
        build_stmt(bd, k.k[i]);
    unsigned then_b = new_block(bd), join = new_block(bd);
    unsigned else_b = has_else ? new_block(bd) : join;
    build_cond(bd, k.k[ti - 1], then_b, else_b);
    bd->cur = then_b;
    build_stmt(bd, k.k[ti]);
    add_edge(bd, bd->cur, join, -1, WHEN_ALWAYS);
    if (has_else) {
        bd->cur = else_b;
        build_stmt(bd, k.k[k.n - 1]);
        add_edge(bd, bd->cur, join, -1, WHEN_ALWAYS);
    }
    bd->cur = join;
}

static void push_target(builder *bd, unsigned brk, unsigned cont, bool is_switch, unsigned head)
{
    GROW(bd->t, bd->nt, bd->ct);
    bd->t[bd->nt++] = (target){brk, cont, bd->ns, is_switch, head, false};
}

static void build_loop_body(builder *bd, CXCursor body, unsigned brk, unsigned cont)
{
    push_target(bd, brk, cont, false, 0);
    build_stmt(bd, body);
    bd->nt--;
}

static void build_while(builder *bd, CXCursor s)
{
    kids k = children(s);
    if (k.n < 2) {
        add_elem(bd, s, CL_CFG_STMT);
        return;
    }
    push_scope(bd, s);
    for (unsigned i = 0; i + 2 < k.n; i++)
        build_stmt(bd, k.k[i]); /* C++ condition variable */
    unsigned head = new_block(bd), body = new_block(bd), exit = new_block(bd);
    add_edge(bd, bd->cur, head, -1, WHEN_ALWAYS);
    bd->cur = head;
    build_cond(bd, k.k[k.n - 2], body, exit);
    bd->cur = body;
    build_loop_body(bd, k.k[k.n - 1], exit, head);
    add_edge(bd, bd->cur, head, -1, WHEN_ALWAYS);
    bd->cur = exit;
    pop_scope(bd);
}

static void build_do(builder *bd, CXCursor s)
{
    kids k = children(s);
    if (k.n != 2) {
        add_elem(bd, s, CL_CFG_STMT);
        return;
    }
    unsigned body = new_block(bd), cond = new_block(bd), exit = new_block(bd);
    add_edge(bd, bd->cur, body, -1, WHEN_ALWAYS);
    bd->cur = body;
    build_loop_body(bd, k.k[0], exit, cond);
    add_edge(bd, bd->cur, cond, -1, WHEN_ALWAYS);
    bd->cur = cond;
    build_cond(bd, k.k[1], body, exit);
    bd->cur = exit;
}

/* Which children of a `for` are its init, condition and increment: by their position against
 * the two semicolons of the header. */
static void for_parts(CXCursor s, const kids *k, int part[8])
{
    unsigned nh = k->n - 1;
    if (nh == 3 || nh == 0) {
        /* All three parts, or none: no tokens needed. */
        for (unsigned i = 0; i < nh; i++)
            part[i] = (int)i;
        return;
    }
    CXSourceRange r = clang_getRange(clang_getRangeStart(clang_getCursorExtent(s)),
                                     clang_getRangeStart(clang_getCursorExtent(k->k[nh])));
    toks t = tokens(s, r);
    unsigned semi[2] = {0, 0}, nsemi = 0;
    int depth = 0;
    for (unsigned i = 0; i < t.n && nsemi < 2; i++) {
        if (clang_getTokenKind(t.t[i]) != CXToken_Punctuation)
            continue;
        if (tok_is(&t, i, "(") || tok_is(&t, i, "[") || tok_is(&t, i, "{"))
            depth++;
        else if (tok_is(&t, i, ")") || tok_is(&t, i, "]") || tok_is(&t, i, "}"))
            depth--;
        else if (depth == 1 && tok_is(&t, i, ";"))
            semi[nsemi++] = offset_of(clang_getTokenLocation(t.tu, t.t[i]));
    }
    toks_free(&t);
    for (unsigned i = 0; i < nh; i++) {
        if (nsemi == 2) {
            unsigned off = offset_of(clang_getRangeStart(clang_getCursorExtent(k->k[i])));
            part[i] = off < semi[0] ? 0 : off < semi[1] ? 1 : 2;
        } else {
            /* A macro hides the header: all three parts, or run everything up front. */
            part[i] = nh == 3 ? (int)i : 0;
        }
    }
}

static void build_for(builder *bd, CXCursor s)
{
    kids k = children(s);
    if (k.n < 1) {
        add_elem(bd, s, CL_CFG_STMT);
        return;
    }
    int part[8] = {0};
    for_parts(s, &k, part);
    unsigned nh = k.n - 1;
    int cond = -1, inc = -1;
    push_scope(bd, s);
    for (unsigned i = 0; i < nh; i++) {
        if (part[i] == 0)
            build_stmt(bd, k.k[i]);
        else if (part[i] == 1)
            cond = (int)i;
        else
            inc = (int)i;
    }
    unsigned head = new_block(bd), body = new_block(bd), next = new_block(bd);
    unsigned exit = new_block(bd);
    add_edge(bd, bd->cur, head, -1, WHEN_ALWAYS);
    bd->cur = head;
    if (cond >= 0)
        build_cond(bd, k.k[cond], body, exit);
    else
        add_edge(bd, head, body, -1, WHEN_ALWAYS);
    bd->cur = body;
    build_loop_body(bd, k.k[nh], exit, next);
    add_edge(bd, bd->cur, next, -1, WHEN_ALWAYS);
    bd->cur = next;
    if (inc >= 0)
        build_expr_stmt(bd, k.k[inc]);
    add_edge(bd, bd->cur, head, -1, WHEN_ALWAYS);
    bd->cur = exit;
    pop_scope(bd);
}

/* A C++ range-for: the range is evaluated once, the body runs zero or more times. */
static void build_range_for(builder *bd, CXCursor s)
{
    kids k = children(s);
    if (k.n < 1) {
        add_elem(bd, s, CL_CFG_STMT);
        return;
    }
    push_scope(bd, s);
    for (unsigned i = 0; i + 1 < k.n; i++)
        add_elem(bd, k.k[i], CL_CFG_STMT);
    unsigned head = new_block(bd), body = new_block(bd), exit = new_block(bd);
    add_edge(bd, bd->cur, head, -1, WHEN_ALWAYS);
    add_edge(bd, head, body, -1, WHEN_ALWAYS);
    add_edge(bd, head, exit, -1, WHEN_ALWAYS);
    bd->cur = body;
    build_loop_body(bd, k.k[k.n - 1], exit, head);
    add_edge(bd, bd->cur, head, -1, WHEN_ALWAYS);
    bd->cur = exit;
    pop_scope(bd);
}

static void build_switch(builder *bd, CXCursor s)
{
    kids k = children(s);
    if (k.n < 2) {
        add_elem(bd, s, CL_CFG_STMT);
        return;
    }
    push_scope(bd, s);
    for (unsigned i = 0; i + 2 < k.n; i++)
        build_stmt(bd, k.k[i]);
    build_expr_stmt(bd, k.k[k.n - 2]);
    unsigned head = bd->cur, exit = new_block(bd);
    bd->cur = new_block(bd); /* before the first label: unreachable */
    push_target(bd, exit, 0, true, head);
    build_stmt(bd, k.k[k.n - 1]);
    bool has_default = bd->t[bd->nt - 1].has_default;
    bd->nt--;
    add_edge(bd, bd->cur, exit, -1, WHEN_ALWAYS);
    if (!has_default)
        add_edge(bd, head, exit, -1, WHEN_ALWAYS);
    bd->cur = exit;
    pop_scope(bd);
}

static void build_case(builder *bd, CXCursor s, bool is_default)
{
    kids k = children(s);
    unsigned b = new_block(bd);
    add_edge(bd, bd->cur, b, -1, WHEN_ALWAYS); /* fall-through */
    for (size_t i = bd->nt; i-- > 0;)
        if (bd->t[i].is_switch) {
            add_edge(bd, bd->t[i].head, b, -1, WHEN_ALWAYS);
            if (is_default)
                bd->t[i].has_default = true;
            break;
        }
    bd->cur = b;
    if (k.n > 0)
        build_stmt(bd, k.k[k.n - 1]);
}

static void build_jump(builder *bd, bool is_break)
{
    target *t = innermost(bd, !is_break);
    if (!t) {
        bd->cur = new_block(bd);
        return;
    }
    unsigned to = is_break ? t->brk : t->cont;
    emit_cleanups(bd, t->scope_depth);
    jump(bd, to);
}

static void build_goto(builder *bd, CXCursor s, bool indirect)
{
    CXCursor lab = indirect ? clang_getNullCursor() : clang_getCursorReferenced(s);
    if (!indirect) {
        /* Leaving every scope that does not contain the label runs its cleanups. */
        size_t depth = bd->ns;
        while (depth > 0 && !cl_extent_contains(bd->s[depth - 1].stmt, lab))
            depth--;
        emit_cleanups(bd, depth);
    } else {
        add_elem(bd, s, CL_CFG_STMT);
    }
    GROW(bd->pg, bd->npg, bd->cpg);
    bd->pg[bd->npg++] = (pending_goto){bd->cur, lab};
    bd->cur = new_block(bd);
}

static enum CXChildVisitResult build_child(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    build_stmt(d, c);
    return CXChildVisit_Continue;
}

static void build_stmt(builder *bd, CXCursor s)
{
    enum CXCursorKind k = clang_getCursorKind(s);
    switch (k) {
    case CXCursor_CompoundStmt: {
        push_scope(bd, s);
        clang_visitChildren(s, build_child, bd);
        pop_scope(bd);
        return;
    }
    case CXCursor_DeclStmt:
        add_elem(bd, s, CL_CFG_STMT);
        clang_visitChildren(s, note_cleanup_var, bd);
        return;
    case CXCursor_IfStmt:
        build_if(bd, s);
        return;
    case CXCursor_WhileStmt:
        build_while(bd, s);
        return;
    case CXCursor_DoStmt:
        build_do(bd, s);
        return;
    case CXCursor_ForStmt:
        build_for(bd, s);
        return;
    case CXCursor_CXXForRangeStmt:
        build_range_for(bd, s);
        return;
    case CXCursor_SwitchStmt:
        build_switch(bd, s);
        return;
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
        build_case(bd, s, k == CXCursor_DefaultStmt);
        return;
    case CXCursor_BreakStmt:
    case CXCursor_ContinueStmt:
        build_jump(bd, k == CXCursor_BreakStmt);
        return;
    case CXCursor_ReturnStmt: {
        unsigned r = add_elem(bd, s, CL_CFG_RETURN);
        emit_cleanups(bd, 0);
        bd->g->b[bd->cur].exit_elem = (int)r;
        bd->cur = new_block(bd);
        return;
    }
    case CXCursor_GotoStmt:
    case CXCursor_IndirectGotoStmt:
        build_goto(bd, s, k == CXCursor_IndirectGotoStmt);
        return;
    case CXCursor_LabelStmt: {
        unsigned b = label_block(bd, s);
        add_edge(bd, bd->cur, b, -1, WHEN_ALWAYS);
        bd->cur = b;
        kids ks = children(s);
        if (ks.n > 0)
            build_stmt(bd, ks.k[ks.n - 1]);
        return;
    }
    case CXCursor_NullStmt:
        return;
    default:
        break;
    }
    if (clang_isExpression(k))
        build_expr_stmt(bd, s);
    else
        add_elem(bd, s, CL_CFG_STMT); /* asm, try, anything else: one opaque element */
}

/* Turns the edge list into per-block ranges (counting sort by source block). */
static void finish_edges(cl_cfg *g)
{
    unsigned *count = cl_xcalloc(g->nb + 1, sizeof *count);
    for (size_t i = 0; i < g->ned; i++)
        count[g->ed[i].from + 1]++;
    for (size_t b = 0; b < g->nb; b++)
        count[b + 1] += count[b];
    edge *sorted = cl_xmalloc((g->ned ? g->ned : 1) * sizeof *sorted);
    for (size_t b = 0; b < g->nb; b++) {
        g->b[b].edge_begin = count[b];
        g->b[b].edge_end = count[b];
    }
    for (size_t i = 0; i < g->ned; i++)
        sorted[g->b[g->ed[i].from].edge_end++] = g->ed[i];
    free(g->ed);
    g->ed = sorted;
    g->ced = g->ned;
    free(count);
}

cl_cfg *cl_cfg_build(CXCursor body, cl_cfg_memo *memo)
{
    cl_cfg *g = cl_xcalloc(1, sizeof *g);
    g->body = body;
    builder bd = {.memo = memo, .g = g};
    bd.cur = new_block(&bd);
    build_stmt(&bd, body);
    unsigned end = add_elem(&bd, body, CL_CFG_END);
    g->b[bd.cur].exit_elem = (int)end;
    for (size_t i = 0; i < bd.npg; i++) {
        if (!clang_Cursor_isNull(bd.pg[i].label)) {
            add_edge(&bd, bd.pg[i].from, label_block(&bd, bd.pg[i].label), -1, WHEN_ALWAYS);
            continue;
        }
        for (size_t j = 0; j < bd.nl; j++)
            add_edge(&bd, bd.pg[i].from, bd.l[j].block, -1, WHEN_ALWAYS);
    }
    finish_edges(g);
    free(bd.t);
    free(bd.l);
    free(bd.pg);
    free(bd.s);
    free(bd.vars);
    return g;
}

void cl_cfg_free(cl_cfg *g)
{
    if (!g)
        return;
    free(g->e);
    free(g->b);
    free(g->ed);
    free(g);
}

unsigned cl_cfg_num_elems(const cl_cfg *g)
{
    return (unsigned)g->ne;
}

unsigned cl_cfg_num_blocks(const cl_cfg *g)
{
    return (unsigned)g->nb;
}

unsigned cl_cfg_num_edges(const cl_cfg *g)
{
    return (unsigned)g->ned;
}

CXCursor cl_cfg_elem_cursor(const cl_cfg *g, unsigned e)
{
    return e < g->ne ? g->e[e].c : clang_getNullCursor();
}

cl_cfg_kind cl_cfg_elem_kind(const cl_cfg *g, unsigned e)
{
    return (cl_cfg_kind)g->e[e].kind;
}

unsigned cl_cfg_elem_block(const cl_cfg *g, unsigned e)
{
    return g->e[e].block;
}

int cl_cfg_find(const cl_cfg *g, CXCursor c)
{
    cl_cfg *mg = (cl_cfg *)g; /* the offsets are a cache */
    if (!g->ranges_done) {
        for (size_t i = 0; i < g->ne; i++) {
            CXSourceRange r = clang_getCursorExtent(g->e[i].c);
            mg->e[i].begin = offset_of(clang_getRangeStart(r));
            mg->e[i].end = offset_of(clang_getRangeEnd(r));
        }
        mg->ranges_done = true;
    }
    CXSourceRange r = clang_getCursorExtent(c);
    unsigned b = offset_of(clang_getRangeStart(r)), e = offset_of(clang_getRangeEnd(r));
    int best = -1;
    for (size_t i = 0; i < g->ne; i++) {
        const elem *x = &g->e[i];
        if (x->kind == CL_CFG_END || x->kind == CL_CFG_SCOPE_END)
            continue;
        if (x->begin <= b && e <= x->end &&
            (best < 0 || x->end - x->begin < g->e[best].end - g->e[best].begin))
            best = (int)i;
    }
    return best;
}

int cl_cfg_search(const cl_cfg *g, unsigned start, const cl_cfg_query *q)
{
    if (start >= g->ne)
        return -1;
    unsigned *queue = cl_xmalloc((g->nb + 1) * sizeof *queue);
    uint8_t *seen = cl_xcalloc(g->nb, 1);
    size_t head = 0, tail = 0;
    int found = -1;
    /* The start block is walked from just after `start`; it is not marked, so a loop back to
     * its beginning walks it again from the top (and asks about `start` itself). */
    unsigned b = g->e[start].block;
    int e = g->e[start].next;
    for (;;) {
        bool stopped = false;
        for (; e >= 0; e = g->e[e].next) {
            if (g->e[e].kind == CL_CFG_END)
                continue;
            cl_cfg_verdict v = q->visit(g, (unsigned)e, q->data);
            if (v == CL_CFG_HIT) {
                found = e;
                goto done;
            }
            if (v == CL_CFG_STOP) {
                stopped = true;
                break;
            }
        }
        if (!stopped) {
            const block *bl = &g->b[b];
            if (bl->exit_elem >= 0) {
                found = bl->exit_elem;
                goto done;
            }
            for (unsigned i = bl->edge_begin; i < bl->edge_end; i++) {
                const edge *x = &g->ed[i];
                if (seen[x->to])
                    continue;
                if (x->cond >= 0 && q->cut && q->cut(g, (unsigned)x->cond, x->when, q->data))
                    continue;
                seen[x->to] = 1;
                queue[tail++] = x->to;
            }
        }
        if (head == tail)
            break;
        b = queue[head++];
        e = g->b[b].first;
    }
done:
    free(queue);
    free(seen);
    return found;
}

CXSourceRange cl_cfg_exit_range(const cl_cfg *g, unsigned e)
{
    CXCursor c = g->e[e].c;
    CXSourceRange r = clang_getCursorExtent(c);
    if (g->e[e].kind != CL_CFG_END)
        return r;
    /* The extent ends just past the closing brace. */
    CXFile f = NULL;
    unsigned off = 0;
    clang_getFileLocation(clang_getRangeEnd(r), &f, NULL, NULL, &off);
    if (!f || off == 0)
        return r;
    CXSourceLocation brace =
        clang_getLocationForOffset(clang_Cursor_getTranslationUnit(c), f, off - 1);
    return clang_getRange(brace, brace);
}

bool cl_cfg_same(CXCursor a, CXCursor b)
{
    if (clang_equalCursors(a, b))
        return true;
    enum CXCursorKind k = clang_getCursorKind(a);
    return k == clang_getCursorKind(b) && (clang_isExpression(k) || clang_isStatement(k)) &&
           clang_equalRanges(clang_getCursorExtent(a), clang_getCursorExtent(b));
}

/* ---- null checks ---- */

static bool is_value_of(CXCursor e, CXCursor var, CXCursor made)
{
    e = cl_strip_casts(e);
    if (!clang_Cursor_isNull(made) && cl_cfg_same(e, cl_strip_casts(made)))
        return true;
    if (!clang_Cursor_isNull(var)) {
        CXCursor d = cl_referenced_decl(e);
        if (!clang_Cursor_isNull(d) && clang_equalCursors(d, var))
            return true;
    }
    /* (v = make()): the value of the assignment. */
    if (clang_getCursorKind(e) == CXCursor_BinaryOperator && cl_binary_op(e) == CL_OP_ASSIGN) {
        kids k = children(e);
        return k.n == 2 && (is_value_of(k.k[0], var, made) || is_value_of(k.k[1], var, made));
    }
    return false;
}

bool cl_cfg_null_branch(CXCursor cond, bool when, CXCursor var, CXCursor made)
{
    CXCursor e = cl_strip(cond);
    if (clang_getCursorKind(e) == CXCursor_BinaryOperator) {
        cl_op op = cl_binary_op(e);
        if (op == CL_OP_EQ || op == CL_OP_NE) {
            kids k = children(e);
            if (k.n != 2)
                return false;
            bool tested = (is_value_of(k.k[0], var, made) && cl_is_null_constant(k.k[1])) ||
                          (is_value_of(k.k[1], var, made) && cl_is_null_constant(k.k[0]));
            return tested && when == (op == CL_OP_EQ);
        }
    }
    return !when && is_value_of(e, var, made);
}

CXCursor cl_cfg_body_of(CXCursor fnlike)
{
    enum CXCursorKind k = clang_getCursorKind(fnlike);
    if (k == CXCursor_BlockExpr) {
        kids ks = children(fnlike);
        if (ks.n == 0)
            return clang_getNullCursor();
        fnlike = ks.k[ks.n - 1]; /* the BlockDecl */
    }
    kids ks = children(fnlike);
    for (unsigned i = ks.n; i-- > 0;)
        if (clang_getCursorKind(ks.k[i]) == CXCursor_CompoundStmt)
            return ks.k[i];
    return clang_getNullCursor();
}

void cl_cfg_dump(const cl_cfg *g, FILE *out)
{
    static const char *const kinds[] = {"stmt", "cond", "return", "end", "scope-end", "noreturn"};
    for (size_t b = 0; b < g->nb; b++) {
        fprintf(out, "B%zu%s:", b, g->b[b].exit_elem >= 0 ? " (exit)" : "");
        for (int e = g->b[b].first; e >= 0; e = g->e[e].next) {
            unsigned line, col;
            cl_cursor_line_col(g->e[e].c, &line, &col);
            fprintf(out, " e%d:%s@%u:%u", e, kinds[g->e[e].kind], line, col);
        }
        fprintf(out, " ->");
        for (unsigned i = g->b[b].edge_begin; i < g->b[b].edge_end; i++) {
            const edge *x = &g->ed[i];
            if (x->cond >= 0)
                fprintf(out, " B%u[e%d=%d]", x->to, x->cond, x->when);
            else
                fprintf(out, " B%u", x->to);
        }
        fputc('\n', out);
    }
}

/* ---- uses of a variable ---- */

bool cl_cfg_is_fnlike(CXCursor c)
{
    enum CXCursorKind k = clang_getCursorKind(c);
    return k == CXCursor_BlockExpr || k == CXCursor_LambdaExpr || cl_is_function_definition(c);
}

#define USE_STACK 128

typedef struct use_walk {
    CXCursor var;
    cl_cfg_verdict (*fn)(const cl_cfg_use *u, void *data);
    void *data;
    CXCursor stack[USE_STACK];
    unsigned depth;
    bool stop, hit;
} use_walk;

static int arg_index(CXCursor call, CXCursor e)
{
    int n = clang_Cursor_getNumArguments(call);
    for (int i = 0; i < n; i++)
        if (cl_cfg_same(clang_Cursor_getArgument(call, (unsigned)i), e))
            return i;
    return -1;
}

/* Climbs from the reference at stack[depth-1] to the expression that uses it. */
static void classify_use(use_walk *w)
{
    cl_cfg_use u = {.ref = w->stack[w->depth - 1], .arg = -2};
    u.member = clang_getNullCursor();
    u.parent = clang_getNullCursor();
    for (unsigned i = 0; i + 1 < w->depth; i++) {
        enum CXCursorKind k = clang_getCursorKind(w->stack[i]);
        if (k == CXCursor_BlockExpr || k == CXCursor_LambdaExpr)
            u.captured = true;
    }
    unsigned i = w->depth - 1;
    while (i > 0) {
        CXCursor p = w->stack[i - 1];
        enum CXCursorKind k = clang_getCursorKind(p);
        if (k == CXCursor_ParenExpr || k == CXCursor_UnexposedExpr) {
            i--;
        } else if (k == CXCursor_CStyleCastExpr) {
            if (clang_getCursorType(p).kind == CXType_Void) {
                u.discarded = true;
                break;
            }
            i--;
        } else if (k == CXCursor_UnaryOperator && !u.address && !u.deref &&
                   (cl_unary_op(p) == CL_OP_ADDR || cl_unary_op(p) == CL_OP_DEREF)) {
            u.address = cl_unary_op(p) == CL_OP_ADDR;
            u.deref = !u.address;
            i--;
        } else if (k == CXCursor_MemberRefExpr && clang_Cursor_isNull(u.member) &&
                   cl_cfg_same(cl_child(p, 0), w->stack[i])) {
            u.member = p;
            i--;
        } else if (k == CXCursor_UnaryExpr || k == CXCursor_UnaryOperator) {
            /* sizeof, alignof and the like (UnaryExprOrTypeTraitExpr is UnaryExpr). */
            u.discarded = k == CXCursor_UnaryExpr;
            break;
        } else {
            break;
        }
    }
    u.expr = w->stack[i];
    if (i > 0 && !u.discarded) {
        u.parent = w->stack[i - 1];
        enum CXCursorKind pk = clang_getCursorKind(u.parent);
        if (pk == CXCursor_CallExpr) {
            u.arg = arg_index(u.parent, u.expr);
        } else if (pk == CXCursor_BinaryOperator || pk == CXCursor_CompoundAssignOperator) {
            u.lhs =
                cl_cfg_same(cl_child(u.parent, 0), u.expr) &&
                (pk == CXCursor_CompoundAssignOperator || cl_binary_op(u.parent) == CL_OP_ASSIGN);
        }
    }
    cl_cfg_verdict v = w->fn(&u, w->data);
    w->stop |= v == CL_CFG_STOP;
    w->hit |= v == CL_CFG_HIT;
}

static enum CXChildVisitResult use_visit(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    use_walk *w = d;
    if (w->depth == USE_STACK) {
        w->stop = true; /* too deep to judge: silence */
        return CXChildVisit_Break;
    }
    w->stack[w->depth++] = c;
    enum CXCursorKind k = clang_getCursorKind(c);
    if (k == CXCursor_DeclRefExpr || k == CXCursor_VariableRef) {
        CXCursor d2 = clang_getCursorReferenced(c);
        if (clang_equalCursors(d2, w->var)) {
            if (k == CXCursor_VariableRef) {
                w->stop = true; /* an explicit lambda capture */
            } else {
                classify_use(w);
            }
        }
    } else {
        clang_visitChildren(c, use_visit, w);
    }
    w->depth--;
    return CXChildVisit_Continue;
}

cl_cfg_verdict cl_cfg_each_use(CXCursor root, CXCursor var,
                               cl_cfg_verdict (*fn)(const cl_cfg_use *u, void *data), void *data)
{
    use_walk *w = cl_xmalloc(sizeof *w);
    w->var = var;
    w->fn = fn;
    w->data = data;
    w->depth = 0;
    w->stop = w->hit = false;
    use_visit(root, clang_getNullCursor(), w);
    cl_cfg_verdict v = w->stop ? CL_CFG_STOP : w->hit ? CL_CFG_HIT : CL_CFG_PASS;
    free(w);
    return v;
}

/* ---- for rules ---- */

CXCursor cl_cfg_enclosing_fnlike(cl_rule_ctx *rc)
{
    for (unsigned up = 0;; up++) {
        CXCursor a = cl_ancestor(rc, up);
        if (clang_Cursor_isNull(a) || cl_cfg_is_fnlike(a))
            return a;
    }
}

bool cl_cfg_is_local(CXCursor v, CXCursor fnlike)
{
    if (clang_getCursorKind(v) != CXCursor_VarDecl)
        return false;
    enum CX_StorageClass sc = clang_Cursor_getStorageClass(v);
    if (sc == CX_SC_Static || sc == CX_SC_Extern)
        return false;
    return cl_extent_contains(fnlike, v);
}

bool cl_cfg_is_main(CXCursor fn)
{
    char name[16];
    return clang_getCursorKind(fn) == CXCursor_FunctionDecl &&
           clang_getCursorKind(clang_getCursorSemanticParent(fn)) == CXCursor_TranslationUnit &&
           strcmp(cl_spelling(fn, name, sizeof name), "main") == 0;
}

cl_cfg_flow cl_cfg_value_flow(cl_rule_ctx *rc, CXCursor call, CXCursor fnlike)
{
    cl_cfg_flow fl = {CL_FLOW_OTHER, clang_getNullCursor(), clang_getNullCursor(), -1};
    unsigned up = 0;
    CXCursor below = call, p = cl_ancestor(rc, 0);
    while (clang_getCursorKind(p) == CXCursor_ParenExpr ||
           clang_getCursorKind(p) == CXCursor_UnexposedExpr) {
        below = p;
        p = cl_ancestor(rc, ++up);
    }
    fl.parent = p;
    enum CXCursorKind k = clang_getCursorKind(p);
    switch (k) {
    case CXCursor_VarDecl:
        if (cl_cfg_is_local(p, fnlike)) {
            fl.kind = CL_FLOW_LOCAL;
            fl.var = p;
        }
        break;
    case CXCursor_BinaryOperator: {
        CXCursor lhs = cl_strip(cl_child(p, 0));
        if (cl_binary_op(p) == CL_OP_ASSIGN && !cl_cfg_same(cl_child(p, 0), below) &&
            clang_getCursorKind(lhs) == CXCursor_DeclRefExpr &&
            cl_cfg_is_local(clang_getCursorReferenced(lhs), fnlike)) {
            fl.kind = CL_FLOW_LOCAL;
            fl.var = clang_getCursorReferenced(lhs);
        }
        break;
    }
    case CXCursor_CStyleCastExpr:
        if (clang_getCursorType(p).kind == CXType_Void)
            fl.kind = CL_FLOW_DROPPED;
        break;
    case CXCursor_CompoundStmt:
    case CXCursor_LabelStmt:
    case CXCursor_CaseStmt:
    case CXCursor_DefaultStmt:
    case CXCursor_IfStmt:
    case CXCursor_WhileStmt:
    case CXCursor_DoStmt:
    case CXCursor_ForStmt:
        /* The call is a statement of its own; in an if or a loop only as the body, since a
         * condition has a value. */
        fl.kind = CL_FLOW_DROPPED;
        if (k == CXCursor_IfStmt || k == CXCursor_WhileStmt || k == CXCursor_DoStmt ||
            k == CXCursor_ForStmt) {
            kids ks = children(p);
            unsigned body = k == CXCursor_DoStmt ? 0 : ks.n - 1;
            bool is_body = ks.n > 0 && cl_cfg_same(ks.k[body], below);
            if (k == CXCursor_IfStmt && ks.n >= 3 && cl_cfg_same(ks.k[ks.n - 2], below))
                is_body = true;
            if (!is_body)
                fl.kind = CL_FLOW_OTHER;
        }
        break;
    case CXCursor_CallExpr:
        fl.arg = arg_index(p, below);
        if (fl.arg >= 0)
            fl.kind = CL_FLOW_ARG;
        break;
    case CXCursor_MemberRefExpr:
        fl.kind = CL_FLOW_MEMBER;
        break;
    default:
        break;
    }
    return fl;
}

bool cl_cfg_sites_add(cl_cfg_sites *s, cl_rule_ctx *rc, cl_cfg_site site)
{
    CXCursor fnlike = cl_cfg_enclosing_fnlike(rc);
    site.body = cl_cfg_body_of(fnlike);
    site.owner = cl_current_function(rc);
    if (clang_Cursor_isNull(site.body))
        return false;
    GROW(s->v, s->n, s->cap);
    s->v[s->n++] = site;
    return true;
}

void cl_cfg_sites_flush(cl_cfg_sites *s, cl_rule_ctx *rc, CXCursor fn,
                        void (*check)(cl_rule_ctx *rc, const cl_cfg *g, const cl_cfg_site *site),
                        bool skip_main)
{
    CXCursor main_body =
        skip_main && cl_cfg_is_main(fn) ? cl_cfg_body_of(fn) : clang_getNullCursor();
    for (size_t i = 0; i < s->n; i++) {
        const cl_cfg_site *si = &s->v[i];
        if (!clang_equalCursors(si->owner, fn) || cl_tu_has_errors(rc))
            continue;
        if (!clang_Cursor_isNull(main_body) && cl_cfg_same(main_body, si->body))
            continue;
        /* One graph per body, shared by every handle made in it. */
        bool built = false;
        for (size_t j = 0; j < i && !built; j++)
            built = clang_equalCursors(s->v[j].owner, fn) && cl_cfg_same(s->v[j].body, si->body);
        if (built)
            continue;
        if (!s->memo)
            s->memo = cl_cfg_memo_new();
        cl_cfg *g = cl_cfg_build(si->body, s->memo);
        for (size_t j = i; j < s->n; j++)
            if (clang_equalCursors(s->v[j].owner, fn) && cl_cfg_same(s->v[j].body, si->body))
                check(rc, g, &s->v[j]);
        cl_cfg_free(g);
    }
    size_t keep = 0;
    for (size_t i = 0; i < s->n; i++)
        if (!clang_equalCursors(s->v[i].owner, fn))
            s->v[keep++] = s->v[i];
    s->n = keep;
}

void cl_cfg_sites_free(cl_cfg_sites *s)
{
    cl_cfg_memo_free(s->memo);
    s->memo = NULL;
    free(s->v);
    s->v = NULL;
    s->n = s->cap = 0;
}
