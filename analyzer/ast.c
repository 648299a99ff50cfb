/* Helpers over libclang cursors shared by every rule (see ast.h). The pitfalls they hide are
 * recorded in shared/notes/libclang.md: implicit casts are UnexposedExpr, typedef types come
 * wrapped in Elaborated from LLVM 16 on, operator kinds have an API only from LLVM 17, and
 * positions must use expansion (file) locations. */
#include "ast.h"

#include <stdio.h>
#include <string.h>

typedef struct child_walk {
    unsigned want, seen;
    CXCursor found;
} child_walk;

static enum CXChildVisitResult nth_child(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    child_walk *w = data;
    if (w->seen++ == w->want) {
        w->found = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

CXCursor cl_child(CXCursor c, unsigned i)
{
    child_walk w = {i, 0, clang_getNullCursor()};
    clang_visitChildren(c, nth_child, &w);
    return w.found;
}

static enum CXChildVisitResult count_child(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)c;
    (void)parent;
    ++*(unsigned *)data;
    return CXChildVisit_Continue;
}

unsigned cl_num_children(CXCursor c)
{
    unsigned n = 0;
    clang_visitChildren(c, count_child, &n);
    return n;
}

static CXCursor strip(CXCursor e, bool casts)
{
    for (int guard = 0; guard < 64; guard++) {
        enum CXCursorKind k = clang_getCursorKind(e);
        if (k == CXCursor_ParenExpr || (k == CXCursor_UnexposedExpr && cl_num_children(e) == 1)) {
            e = cl_child(e, 0);
        } else if (casts &&
                   (k == CXCursor_CStyleCastExpr || k == CXCursor_CXXStaticCastExpr ||
                    k == CXCursor_CXXReinterpretCastExpr || k == CXCursor_CXXFunctionalCastExpr)) {
            /* A cast's children may start with the TypeRef it names: the operand is last. */
            unsigned n = cl_num_children(e);
            if (n == 0)
                break;
            e = cl_child(e, n - 1);
        } else {
            break;
        }
    }
    return e;
}

CXCursor cl_strip(CXCursor e)
{
    return strip(e, false);
}

CXCursor cl_strip_casts(CXCursor e)
{
    return strip(e, true);
}

bool cl_is_null_constant(CXCursor e)
{
    if (clang_Cursor_isNull(e))
        return false;
    CXCursor s = cl_strip_casts(e);
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_CXXNullPtrLiteralExpr || k == CXCursor_GNUNullExpr)
        return true;
    if (k != CXCursor_IntegerLiteral && k != CXCursor_CharacterLiteral)
        return false;
    CXEvalResult r = clang_Cursor_Evaluate(s);
    if (!r)
        return false;
    bool zero = clang_EvalResult_getKind(r) == CXEval_Int && clang_EvalResult_getAsLongLong(r) == 0;
    clang_EvalResult_dispose(r);
    return zero;
}

CXCursor cl_callee(CXCursor call)
{
    if (clang_getCursorKind(call) != CXCursor_CallExpr)
        return clang_getNullCursor();
    CXCursor d = clang_getCursorReferenced(call);
    switch (clang_getCursorKind(d)) {
    case CXCursor_FunctionDecl:
    case CXCursor_CXXMethod:
    case CXCursor_Constructor:
    case CXCursor_FunctionTemplate:
        return d;
    default:
        return clang_getNullCursor();
    }
}

const char *cl_spelling(CXCursor c, char *buf, size_t size)
{
    CXString s = clang_getCursorSpelling(c);
    snprintf(buf, size, "%s", clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return buf;
}

const char *cl_usr(CXCursor c, char *buf, size_t size)
{
    CXString s = clang_getCursorUSR(c);
    snprintf(buf, size, "%s", clang_getCString(s) ? clang_getCString(s) : "");
    clang_disposeString(s);
    return buf;
}

const char *cl_callee_name(CXCursor call, char *buf, size_t size)
{
    buf[0] = '\0';
    if (clang_getCursorKind(call) != CXCursor_CallExpr)
        return buf;
    CXCursor d = clang_getCursorReferenced(call);
    if (!clang_Cursor_isNull(d))
        return cl_spelling(d, buf, size);
    return cl_spelling(call, buf, size);
}

const char *cl_qualified_name(CXCursor decl, char *buf, size_t size)
{
    buf[0] = '\0';
    CXCursor parts[16];
    size_t n = 0;
    CXCursor c = decl;
    if (clang_getCursorKind(c) == CXCursor_Constructor)
        c = clang_getCursorSemanticParent(c);
    for (; n < 16 && !clang_Cursor_isNull(c) && !clang_isTranslationUnit(clang_getCursorKind(c));
         c = clang_getCursorSemanticParent(c)) {
        enum CXCursorKind k = clang_getCursorKind(c);
        if (clang_isInvalid(k) || k == CXCursor_LinkageSpec)
            continue;
        if (k == CXCursor_Namespace && clang_Cursor_isInlineNamespace(c))
            continue;
        parts[n++] = c;
    }
    size_t len = 0;
    for (size_t i = n; i-- > 0 && len < size;) {
        char part[256];
        cl_spelling(parts[i], part, sizeof part);
        int w = snprintf(buf + len, size - len, "%s%s", len ? "::" : "", part);
        if (w < 0)
            break;
        len += (size_t)w;
    }
    return buf;
}

const cl_api_fn *cl_call_api(const cl_model *m, CXCursor call, cl_role role)
{
    char name[256];
    cl_callee_name(call, name, sizeof name);
    if (!name[0])
        return NULL;
    const cl_api_fn *f = cl_model_find(m, role, name);
    CXCursor d = cl_callee(call);
    if (f || clang_Cursor_isNull(d) ||
        clang_getCursorKind(clang_getCursorSemanticParent(d)) == CXCursor_TranslationUnit)
        return f;
    return cl_model_find(m, role, cl_qualified_name(d, name, sizeof name));
}

int cl_call_num_args(CXCursor call)
{
    return clang_getCursorKind(call) == CXCursor_CallExpr ? clang_Cursor_getNumArguments(call) : -1;
}

CXCursor cl_call_arg(CXCursor call, int i)
{
    if (i < 0 || i >= cl_call_num_args(call))
        return clang_getNullCursor();
    return cl_strip(clang_Cursor_getArgument(call, (unsigned)i));
}

CXCursor cl_referenced_decl(CXCursor e)
{
    CXCursor s = cl_strip(e);
    enum CXCursorKind k = clang_getCursorKind(s);
    if (k == CXCursor_DeclRefExpr || k == CXCursor_MemberRefExpr)
        return clang_getCursorReferenced(s);
    return clang_getNullCursor();
}

CXCursor cl_address_of_decl(CXCursor e)
{
    CXCursor s = cl_strip(e);
    if (clang_getCursorKind(s) != CXCursor_UnaryOperator || cl_unary_op(s) != CL_OP_ADDR)
        return clang_getNullCursor();
    CXCursor x = cl_strip(cl_child(s, 0));
    /* &s.f and &s->f: the base variable owns the storage. */
    while (clang_getCursorKind(x) == CXCursor_MemberRefExpr && cl_num_children(x) > 0)
        x = cl_strip(cl_child(x, 0));
    return cl_referenced_decl(x);
}

/* One step of sugar removal: elaboration (LLVM 16+ wraps typedef names in it), typedefs and
 * attributes. Returns the type unchanged when there is nothing to remove. */
static CXType desugar_once(CXType t)
{
    switch (t.kind) {
    case CXType_Elaborated:
        return clang_Type_getNamedType(t);
    case CXType_Typedef:
        return clang_getTypedefDeclUnderlyingType(clang_getTypeDeclaration(t));
    case CXType_Attributed:
        return clang_Type_getModifiedType(t);
    default:
        return t;
    }
}

static bool decl_named(CXType t, char *const *names, size_t n)
{
    char buf[256];
    CXCursor d = clang_getTypeDeclaration(t);
    if (clang_Cursor_isNull(d) || clang_getCursorKind(d) == CXCursor_NoDeclFound)
        return false;
    return cl_model_name_in(names, n, cl_spelling(d, buf, sizeof buf));
}

bool cl_type_is_named(CXType t, char *const *names, size_t n)
{
    for (int guard = 0; guard < 32; guard++) {
        if ((t.kind == CXType_Typedef || t.kind == CXType_Record) && decl_named(t, names, n))
            return true;
        CXType u = desugar_once(t);
        if (u.kind == t.kind && clang_equalTypes(u, t))
            return false;
        t = u;
    }
    return false;
}

bool cl_type_is_context(const cl_model *m, CXType t)
{
    for (int guard = 0; guard < 32; guard++) {
        if (t.kind == CXType_Invalid)
            return false;
        /* A typedef that names a pointer (`typedef struct ctx *ctx_ref`) configured as a type. */
        if (t.kind == CXType_Typedef && clang_getCanonicalType(t).kind == CXType_Pointer &&
            decl_named(t, m->context_types, m->n_context_types))
            return true;
        if (t.kind == CXType_Pointer) {
            CXType p = clang_getPointeeType(t);
            return clang_getCanonicalType(p).kind == CXType_Record &&
                   cl_type_is_named(p, m->context_types, m->n_context_types);
        }
        CXType u = desugar_once(t);
        if (u.kind == t.kind && clang_equalTypes(u, t))
            return false;
        t = u;
    }
    return false;
}

bool cl_type_holds_context(const cl_model *m, CXType t)
{
    for (int guard = 0; guard < 32; guard++) {
        if (cl_type_is_context(m, t))
            return true;
        switch (t.kind) {
        case CXType_ConstantArray:
        case CXType_IncompleteArray:
        case CXType_VariableArray:
        case CXType_DependentSizedArray:
            t = clang_getArrayElementType(t);
            continue;
        case CXType_Pointer:
            t = clang_getPointeeType(t);
            continue;
        default:
            break;
        }
        CXType u = desugar_once(t);
        if (u.kind == t.kind && clang_equalTypes(u, t))
            return false;
        t = u;
    }
    return false;
}

bool cl_type_is_cancel(const cl_model *m, CXType t)
{
    return cl_type_is_named(t, m->cancel_types, m->n_cancel_types);
}

bool cl_type_is_key(const cl_model *m, CXType t)
{
    return cl_type_is_named(t, m->key_types, m->n_key_types);
}

static cl_op op_from_spelling(const char *s, bool unary)
{
    if (unary) {
        if (strcmp(s, "&") == 0)
            return CL_OP_ADDR;
        if (strcmp(s, "*") == 0)
            return CL_OP_DEREF;
        if (strcmp(s, "!") == 0)
            return CL_OP_NOT;
        return CL_OP_OTHER;
    }
    static const struct {
        const char *s;
        cl_op op;
    } table[] = {
        {"=", CL_OP_ASSIGN},     {",", CL_OP_COMMA},     {"&&", CL_OP_LAND},
        {"||", CL_OP_LOR},       {"==", CL_OP_EQ},       {"!=", CL_OP_NE},
        {"+=", CL_OP_COMPOUND},  {"-=", CL_OP_COMPOUND}, {"*=", CL_OP_COMPOUND},
        {"/=", CL_OP_COMPOUND},  {"%=", CL_OP_COMPOUND}, {"&=", CL_OP_COMPOUND},
        {"|=", CL_OP_COMPOUND},  {"^=", CL_OP_COMPOUND}, {"<<=", CL_OP_COMPOUND},
        {">>=", CL_OP_COMPOUND},
    };
    for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
        if (strcmp(s, table[i].s) == 0)
            return table[i].op;
    return CL_OP_OTHER;
}

static bool force_token_ops;

void cl_ast_force_token_ops(bool on)
{
    force_token_ops = on;
}

/* LLVM < 17: the operator is the first punctuation token after the left operand (the first
 * one at all for a unary operator). Macro-only extents tokenize to nothing: OTHER. */
static cl_op token_op(CXCursor op, bool unary)
{
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(op);
    unsigned after = 0;
    if (!unary) {
        CXFile f;
        CXSourceRange lr = clang_getCursorExtent(cl_child(op, 0));
        clang_getFileLocation(clang_getRangeEnd(lr), &f, NULL, NULL, &after);
    }
    CXToken *toks = NULL;
    unsigned n = 0;
    clang_tokenize(tu, clang_getCursorExtent(op), &toks, &n);
    cl_op result = CL_OP_OTHER;
    for (unsigned i = 0; i < n; i++) {
        if (clang_getTokenKind(toks[i]) != CXToken_Punctuation)
            continue;
        CXFile f;
        unsigned off;
        clang_getFileLocation(clang_getTokenLocation(tu, toks[i]), &f, NULL, NULL, &off);
        if (off < after)
            continue;
        CXString s = clang_getTokenSpelling(tu, toks[i]);
        result = op_from_spelling(clang_getCString(s), unary);
        clang_disposeString(s);
        break;
    }
    clang_disposeTokens(tu, toks, n);
    return result;
}

cl_op cl_binary_op(CXCursor op)
{
    enum CXCursorKind k = clang_getCursorKind(op);
    if (k != CXCursor_BinaryOperator && k != CXCursor_CompoundAssignOperator)
        return CL_OP_OTHER;
#ifdef CTXLINT_HAVE_BINOP_KIND
    if (!force_token_ops) {
        switch (clang_getCursorBinaryOperatorKind(op)) {
        case CXBinaryOperator_Assign:
            return CL_OP_ASSIGN;
        case CXBinaryOperator_Comma:
            return CL_OP_COMMA;
        case CXBinaryOperator_LAnd:
            return CL_OP_LAND;
        case CXBinaryOperator_LOr:
            return CL_OP_LOR;
        case CXBinaryOperator_EQ:
            return CL_OP_EQ;
        case CXBinaryOperator_NE:
            return CL_OP_NE;
        case CXBinaryOperator_MulAssign:
        case CXBinaryOperator_DivAssign:
        case CXBinaryOperator_RemAssign:
        case CXBinaryOperator_AddAssign:
        case CXBinaryOperator_SubAssign:
        case CXBinaryOperator_ShlAssign:
        case CXBinaryOperator_ShrAssign:
        case CXBinaryOperator_AndAssign:
        case CXBinaryOperator_XorAssign:
        case CXBinaryOperator_OrAssign:
            return CL_OP_COMPOUND;
        default:
            return CL_OP_OTHER;
        }
    }
#endif
    if (k == CXCursor_CompoundAssignOperator)
        return CL_OP_COMPOUND;
    return token_op(op, false);
}

cl_op cl_unary_op(CXCursor op)
{
    if (clang_getCursorKind(op) != CXCursor_UnaryOperator)
        return CL_OP_OTHER;
#ifdef CTXLINT_HAVE_BINOP_KIND
    if (!force_token_ops) {
        switch (clang_getCursorUnaryOperatorKind(op)) {
        case CXUnaryOperator_AddrOf:
            return CL_OP_ADDR;
        case CXUnaryOperator_Deref:
            return CL_OP_DEREF;
        case CXUnaryOperator_LNot:
            return CL_OP_NOT;
        default:
            return CL_OP_OTHER;
        }
    }
#endif
    return token_op(op, true);
}

void cl_cursor_line_col(CXCursor c, unsigned *line, unsigned *col)
{
    CXFile f;
    clang_getFileLocation(clang_getCursorLocation(c), &f, line, col, NULL);
}

bool cl_in_system_header(CXCursor c)
{
    return clang_Location_isInSystemHeader(clang_getCursorLocation(c)) != 0;
}

bool cl_extent_contains(CXCursor outer, CXCursor inner)
{
    CXSourceRange o = clang_getCursorExtent(outer), i = clang_getCursorExtent(inner);
    CXFile fo, fo2, fi, fi2;
    unsigned ob, oe, ib, ie;
    clang_getFileLocation(clang_getRangeStart(o), &fo, NULL, NULL, &ob);
    clang_getFileLocation(clang_getRangeEnd(o), &fo2, NULL, NULL, &oe);
    clang_getFileLocation(clang_getRangeStart(i), &fi, NULL, NULL, &ib);
    clang_getFileLocation(clang_getRangeEnd(i), &fi2, NULL, NULL, &ie);
    if (!fo || !fi || !clang_File_isEqual(fo, fi))
        return false;
    return ob <= ib && ie <= oe;
}

bool cl_is_function_definition(CXCursor c)
{
    switch (clang_getCursorKind(c)) {
    case CXCursor_FunctionDecl:
    case CXCursor_CXXMethod:
    case CXCursor_Constructor:
    case CXCursor_Destructor:
    case CXCursor_ConversionFunction:
    case CXCursor_FunctionTemplate:
        return clang_isCursorDefinition(c) != 0;
    default:
        return false;
    }
}

static enum CXChildVisitResult find_body(CXCursor c, CXCursor parent, CXClientData d)
{
    (void)parent;
    if (clang_getCursorKind(c) == CXCursor_CompoundStmt) {
        *(CXCursor *)d = c;
        return CXChildVisit_Break;
    }
    return CXChildVisit_Continue;
}

/* _Noreturn is a specifier and GNU/C23 noreturn attributes are not exposed as attribute cursors
 * by every libclang: read the declaration's own tokens, up to its body if it has one. */
static bool decl_says_noreturn(CXCursor d)
{
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(d);
    CXSourceRange ext = clang_getCursorExtent(d);
    CXCursor body = clang_getNullCursor();
    clang_visitChildren(d, find_body, &body);
    CXSourceRange r = clang_Cursor_isNull(body)
                          ? ext
                          : clang_getRange(clang_getRangeStart(ext),
                                           clang_getRangeStart(clang_getCursorExtent(body)));
    CXToken *toks = NULL;
    unsigned n = 0;
    clang_tokenize(tu, r, &toks, &n);
    bool found = false;
    for (unsigned i = 0; i < n && !found; i++) {
        CXString s = clang_getTokenSpelling(tu, toks[i]);
        const char *t = clang_getCString(s);
        found = t && (strcmp(t, "_Noreturn") == 0 || strcmp(t, "noreturn") == 0 ||
                      strcmp(t, "__noreturn__") == 0);
        clang_disposeString(s);
    }
    clang_disposeTokens(tu, toks, n);
    return found;
}

bool cl_call_is_noreturn(CXCursor call)
{
    static const char *const known[] = {
        "exit",
        "abort",
        "_Exit",
        "quick_exit",
        "longjmp",
        "_longjmp",
        "siglongjmp",
        "__assert_fail",
        "pthread_exit",
        "thrd_exit",
        "err",
        "errx",
        "verr",
        "verrx",
        "__builtin_unreachable",
        "__builtin_trap",
        "__stack_chk_fail",
    };
    char name[256];
    cl_callee_name(call, name, sizeof name);
    for (size_t i = 0; i < sizeof known / sizeof known[0]; i++)
        if (strcmp(name, known[i]) == 0)
            return true;
    CXCursor d = cl_callee(call);
    if (clang_Cursor_isNull(d))
        return false;
    /* Any declaration may carry it: check the one the call saw and the first one. */
    return decl_says_noreturn(d) || decl_says_noreturn(clang_getCanonicalCursor(d));
}

/* Compares an attribute token with a wanted word, ignoring the `__x__` spelling. */
static bool attribute_word_is(const char *tok, const char *word)
{
    size_t n = strlen(tok), w = strlen(word);
    if (n == w + 4 && strncmp(tok, "__", 2) == 0 && strcmp(tok + n - 2, "__") == 0)
        return strncmp(tok + 2, word, w) == 0;
    return strcmp(tok, word) == 0;
}

typedef struct attr_search {
    const char *const *words;
    size_t n;
    bool found;
} attr_search;

static enum CXChildVisitResult find_attribute(CXCursor c, CXCursor parent, CXClientData data)
{
    (void)parent;
    attr_search *s = data;
    if (!clang_isAttribute(clang_getCursorKind(c)))
        return CXChildVisit_Continue;
    CXTranslationUnit tu = clang_Cursor_getTranslationUnit(c);
    CXToken *toks = NULL;
    unsigned n = 0;
    clang_tokenize(tu, clang_getCursorExtent(c), &toks, &n);
    for (unsigned i = 0; i < n && !s->found; i++) {
        if (clang_getTokenKind(toks[i]) != CXToken_Identifier &&
            clang_getTokenKind(toks[i]) != CXToken_Keyword)
            continue;
        CXString sp = clang_getTokenSpelling(tu, toks[i]);
        const char *t = clang_getCString(sp);
        for (size_t w = 0; t && w < s->n && !s->found; w++)
            s->found = attribute_word_is(t, s->words[w]);
        clang_disposeString(sp);
    }
    clang_disposeTokens(tu, toks, n);
    return s->found ? CXChildVisit_Break : CXChildVisit_Continue;
}

bool cl_has_attribute(CXCursor decl, const char *const *words, size_t n)
{
    attr_search s = {words, n, false};
    if (!clang_Cursor_hasAttrs(decl))
        return false;
    clang_visitChildren(decl, find_attribute, &s);
    return s.found;
}

CXCursor cl_lvalue_base_decl(CXCursor lhs, bool through_arrow)
{
    CXCursor e = cl_strip_casts(lhs);
    for (int guard = 0; guard < 32; guard++) {
        switch (clang_getCursorKind(e)) {
        case CXCursor_DeclRefExpr: {
            CXCursor d = clang_getCursorReferenced(e);
            enum CXCursorKind k = clang_getCursorKind(d);
            return k == CXCursor_VarDecl || k == CXCursor_ParmDecl ? d : clang_getNullCursor();
        }
        case CXCursor_MemberRefExpr: {
            CXCursor base = cl_child(e, 0);
            if (clang_Cursor_isNull(base))
                return base; /* an implicit this->member */
            /* libclang 14 has no "is arrow" query: the base of `p->f` has pointer type. */
            if (!through_arrow &&
                clang_getCanonicalType(clang_getCursorType(base)).kind == CXType_Pointer)
                return clang_getNullCursor();
            e = cl_strip_casts(base);
            break;
        }
        case CXCursor_ArraySubscriptExpr:
            e = cl_strip_casts(cl_child(e, 0));
            break;
        case CXCursor_UnaryOperator:
            if (cl_unary_op(e) != CL_OP_DEREF)
                return clang_getNullCursor();
            e = cl_strip_casts(cl_child(e, 0));
            break;
        default:
            return clang_getNullCursor();
        }
    }
    return clang_getNullCursor();
}
