/* value-key-type: a key of a value setter or getter (the model's VALUE_SET / VALUE_GET entries,
 * argument `key_arg`) that is not the address of a unique key object.
 *
 * A key is compared by address, so it must be the address of one object that exists once per
 * program: a `static const` object of the model's key type. What the rule flags is what is
 * visibly something else, looking through casts and macros (the AST is post-expansion):
 * string literals (equal literals may or may not share an address), integers and null, the
 * address of an object that is not of the key type, a pointer to a built-in type, the address
 * of an automatic key variable (a new object on every call), and a static key defined in a
 * header (one object per translation unit). A pointer variable or parameter of key type, a
 * call's result, a field or element of key type: not visibly wrong, so silent; a local
 * `const` pointer variable is followed to its initializer. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "rule.h"

typedef struct verdict {
    char what[1024];   /* "the string literal \"id\"", ... */
    char why[256];     /* why that is not a unique key */
    char fix[1024];    /* the remedy */
    char var_name[64]; /* the suggested key object's name */
} verdict;

static const char *key_type_name(const cl_model *m)
{
    return m->n_key_types ? m->key_types[0] : "key";
}

/* A variable name made from a literal's text: "request id" -> request_id. */
static void name_from(const char *text, char *out, size_t size)
{
    size_t n = 0;
    for (const char *p = text; *p && n + 1 < size; p++) {
        if (isalnum((unsigned char)*p))
            out[n++] = (char)tolower((unsigned char)*p);
        else if (n && out[n - 1] != '_')
            out[n++] = '_';
    }
    while (n && out[n - 1] == '_')
        n--;
    out[n] = '\0';
    if (!n || isdigit((unsigned char)out[0]) || n > 40)
        snprintf(out, size, "request_key");
}

static bool is_builtin_scalar(CXType t)
{
    t = clang_getCanonicalType(t);
    return (t.kind >= CXType_Bool && t.kind <= CXType_LongDouble) || t.kind == CXType_Enum;
}

/* A pointer to (or array of) a built-in type other than void: char *, int[4], ... */
static bool points_to_builtin(CXType t)
{
    t = clang_getCanonicalType(t);
    CXType e = t.kind == CXType_Pointer ? clang_getPointeeType(t)
               : (t.kind == CXType_ConstantArray || t.kind == CXType_IncompleteArray)
                   ? clang_getArrayElementType(t)
                   : (CXType){CXType_Invalid, {NULL, NULL}};
    return e.kind != CXType_Invalid && is_builtin_scalar(e);
}

static bool holds_keys(const cl_model *m, CXType t)
{
    CXType c = clang_getCanonicalType(t);
    if (c.kind == CXType_ConstantArray || c.kind == CXType_IncompleteArray)
        return cl_type_is_key(m, clang_getArrayElementType(t));
    return cl_type_is_key(m, t);
}

static void type_name(CXType t, char *buf, size_t size)
{
    CXString s = clang_getTypeSpelling(t);
    snprintf(buf, size, "%s", clang_getCString(s) ? clang_getCString(s) : "?");
    clang_disposeString(s);
}

static void literal_text(CXCursor lit, char *buf, size_t size)
{
    char src[256]; /* a StringLiteral's spelling is its source text, prefix and quotes included */
    cl_spelling(lit, src, sizeof src);
    const char *open = strchr(src, '"'), *close = strrchr(src, '"');
    const char *from = src;
    size_t n = strlen(src);
    if (open && close > open) {
        from = open + 1;
        n = (size_t)(close - open - 1);
    }
    if (n >= size) /* a long literal is cut: the message only needs to recognise it */
        n = size - 1;
    memcpy(buf, from, n);
    buf[n] = '\0';
}

static bool judge(const cl_model *m, CXCursor key, verdict *v, int depth);

/* `&x`: right when x is a key object that exists once per program. */
static bool judge_address(const cl_model *m, CXCursor addr, verdict *v)
{
    CXCursor x = cl_strip(cl_child(addr, 0));
    CXType t = clang_getCursorType(x);
    CXCursor d = cl_referenced_decl(x);
    char name[128] = "", tn[128];
    if (!clang_Cursor_isNull(d))
        cl_spelling(d, name, sizeof name);
    if (!holds_keys(m, t)) {
        if (clang_getCursorKind(d) == CXCursor_FunctionDecl)
            return false; /* a function's address is unique; odd, but not wrong */
        type_name(t, tn, sizeof tn);
        if (name[0])
            snprintf(v->what, sizeof v->what, "the address of '%s', of type '%s'", name, tn);
        else
            snprintf(v->what, sizeof v->what, "the address of an object of type '%s'", tn);
        snprintf(v->why, sizeof v->why, "which is not a key object");
        return true;
    }
    if (clang_getCursorKind(x) != CXCursor_DeclRefExpr ||
        clang_getCursorKind(d) != CXCursor_VarDecl)
        return false; /* a field or element of key type */
    if (!clang_Cursor_hasVarDeclGlobalStorage(d)) {
        snprintf(v->what, sizeof v->what, "the address of automatic variable '%s'", name);
        snprintf(v->why, sizeof v->why,
                 "which is a new object on every call, so no other call finds the value");
        snprintf(v->fix, sizeof v->fix, "declare it 'static const %s %s' and pass '&%s'",
                 key_type_name(m), name, name);
        return true;
    }
    CXSourceLocation loc = clang_getCursorLocation(d);
    if (clang_getCursorLinkage(d) == CXLinkage_Internal && !clang_Location_isFromMainFile(loc) &&
        !clang_Location_isInSystemHeader(loc) &&
        clang_getCursorKind(clang_getCursorSemanticParent(d)) != CXCursor_FunctionDecl) {
        snprintf(v->what, sizeof v->what, "static key '%s' defined in a header", name);
        snprintf(v->why, sizeof v->why,
                 "which is a different object in every translation unit that includes the header");
        snprintf(v->fix, sizeof v->fix,
                 "declare it 'extern const %s %s;' in the header, define it in one source file "
                 "and pass '&%s'",
                 key_type_name(m), name, name);
        return true;
    }
    return false;
}

/* A variable or parameter: wrong when its type shows a built-in value; a local const pointer
 * (`const ctx_key_t *const k = ...`) is as good as its initializer. */
static bool judge_variable(const cl_model *m, CXCursor ref, verdict *v, int depth)
{
    CXCursor d = clang_getCursorReferenced(ref);
    enum CXCursorKind dk = clang_getCursorKind(d);
    if (dk != CXCursor_VarDecl && dk != CXCursor_ParmDecl)
        return false;
    CXType t = clang_getCursorType(d);
    char name[128], tn[128];
    cl_spelling(d, name, sizeof name);
    if (points_to_builtin(t)) {
        type_name(t, tn, sizeof tn);
        snprintf(v->what, sizeof v->what, "'%s', of type '%s'", name, tn);
        snprintf(v->why, sizeof v->why, "which is a built-in value rather than a key object");
        return true;
    }
    CXCursor init = clang_Cursor_getVarDeclInitializer(d);
    if (dk == CXCursor_VarDecl && clang_isConstQualifiedType(t) && !clang_Cursor_isNull(init) &&
        clang_getCanonicalType(t).kind == CXType_Pointer)
        return judge(m, init, v, depth + 1);
    return false;
}

static bool judge(const cl_model *m, CXCursor key, verdict *v, int depth)
{
    if (depth > 4 || clang_Cursor_isNull(key))
        return false;
    if (cl_is_null_constant(key)) {
        snprintf(v->what, sizeof v->what, "a null pointer");
        snprintf(v->why, sizeof v->why, "which is no key at all");
        return true;
    }
    CXCursor e = cl_strip_casts(key);
    CXType t = clang_getCursorType(e);
    switch (clang_getCursorKind(e)) {
    case CXCursor_StringLiteral: {
        char text[128];
        literal_text(e, text, sizeof text);
        snprintf(v->what, sizeof v->what, "the string literal \"%s\"", text);
        snprintf(v->why, sizeof v->why,
                 "whose address is no unique key (equal literals may or may not share one)");
        name_from(text, v->var_name, sizeof v->var_name);
        return true;
    }
    case CXCursor_UnaryOperator:
        if (cl_unary_op(e) == CL_OP_ADDR)
            return judge_address(m, e, v);
        break;
    case CXCursor_DeclRefExpr:
        if (!is_builtin_scalar(t))
            return judge_variable(m, e, v, depth);
        break;
    default:
        break;
    }
    if (is_builtin_scalar(t)) {
        CXEvalResult r = clang_Cursor_Evaluate(e);
        if (r && clang_EvalResult_getKind(r) == CXEval_Int)
            snprintf(v->what, sizeof v->what, "the integer %lld",
                     clang_EvalResult_getAsLongLong(r));
        else
            snprintf(v->what, sizeof v->what, "an integer value");
        if (r)
            clang_EvalResult_dispose(r);
        snprintf(v->why, sizeof v->why, "which is not the address of any key object");
        return true;
    }
    return false;
}

/* For a library whose keys are names (model key kind "string"), a string is right; what is
 * wrong is a key that is no string at all: a null pointer or an integer. Anything else (a
 * char pointer, a char array, a call) is given the benefit of the doubt. */
static bool judge_string_key(CXCursor key, verdict *v)
{
    if (cl_is_null_constant(key)) {
        snprintf(v->what, sizeof v->what, "a null pointer");
        snprintf(v->why, sizeof v->why, "which names no key");
    } else {
        CXCursor e = cl_strip_casts(key);
        if (clang_getCursorKind(e) == CXCursor_StringLiteral ||
            !is_builtin_scalar(clang_getCursorType(e)))
            return false;
        snprintf(v->what, sizeof v->what, "an integer value");
        snprintf(v->why, sizeof v->why, "which is not a key name");
    }
    snprintf(v->fix, sizeof v->fix, "pass the key's name as a string");
    return true;
}

static void visit(cl_rule_ctx *rc, void *state, CXCursor call)
{
    (void)state;
    const cl_model *m = cl_model_of(rc);
    const cl_api_fn *api = cl_call_api(m, call, CL_ROLE_VALUE_SET);
    if (!api)
        api = cl_call_api(m, call, CL_ROLE_VALUE_GET);
    if (!api || api->key_arg < 0 || api->key_arg >= cl_call_num_args(call))
        return;
    CXCursor key = clang_Cursor_getArgument(call, (unsigned)api->key_arg);
    if (clang_getCursorType(key).kind == CXType_Unexposed && cl_tu_has_errors(rc))
        return; /* a recovery expression in a broken unit */
    verdict v;
    memset(&v, 0, sizeof v);
    if (api->key_kind == CL_KEY_STRING ? !judge_string_key(key, &v) : !judge(m, key, &v, 0))
        return;
    if (!v.fix[0]) {
        const char *n = v.var_name[0] ? v.var_name : "request_key";
        snprintf(v.fix, sizeof v.fix, "declare 'static const %s %s' and pass '&%s'",
                 key_type_name(m), n, n);
    }
    char callee[256];
    cl_callee_name(call, callee, sizeof callee);
    cl_report(rc, key, "the key passed to %s is %s, %s; %s", callee, v.what, v.why, v.fix);
}

static const enum CXCursorKind kinds[] = {CXCursor_CallExpr};

const cl_rule cl_rule_value_key_type = {
    .id = "value-key-type",
    .summary = "A context value key that is not the address of a unique key object: a string "
               "literal, an integer or another built-in value cast to a key.",
    .severity = CL_SEV_WARNING,
    .kinds = kinds,
    .n_kinds = CL_COUNT(kinds),
    .visit = visit,
};
