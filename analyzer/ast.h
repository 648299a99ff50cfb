/* Helpers over libclang's cursors that every rule needs, written once and tested against
 * libclang 14 and 19: seeing through implicit casts and parentheses, recognising null pointer
 * constants, naming callees, matching types against the context API model, operator kinds. */
#ifndef CL_AST_H
#define CL_AST_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stddef.h>

#include "model.h"

/* Descends through implicit casts (UnexposedExpr with one child) and parentheses. */
CXCursor cl_strip(CXCursor e);
/* As cl_strip, and through explicit C casts as well. */
CXCursor cl_strip_casts(CXCursor e);

/* The i-th child (0-based) of `c`, or a null cursor. */
CXCursor cl_child(CXCursor c, unsigned i);
unsigned cl_num_children(CXCursor c);

/* A null pointer constant: NULL, 0, (void *)0, nullptr, __null, after stripping. */
bool cl_is_null_constant(CXCursor e);

/* The function a CallExpr calls directly (its FunctionDecl), or a null cursor for calls
 * through pointers. */
CXCursor cl_callee(CXCursor call);
/* Copies the callee's name into buf (empty when unknown); returns buf. For calls through a
 * field or variable holding a function pointer, that field's or variable's name. */
const char *cl_callee_name(CXCursor call, char *buf, size_t size);
/* The qualified C++ name of a declaration ("std::thread::detach"; a constructor is named by
 * its class, "std::thread"; inline namespaces are skipped) into buf; returns buf. */
const char *cl_qualified_name(CXCursor decl, char *buf, size_t size);
/* The model entry playing `role` for this call's callee, or NULL. The callee's plain name is
 * tried first, then its qualified name (for C++ entries such as "std::thread"). */
const cl_api_fn *cl_call_api(const cl_model *m, CXCursor call, cl_role role);
int cl_call_num_args(CXCursor call);
/* The i-th argument, stripped of implicit casts; a null cursor when out of range or < 0. */
CXCursor cl_call_arg(CXCursor call, int i);

/* The declaration a DeclRefExpr/MemberRefExpr names, after cl_strip; null cursor otherwise. */
CXCursor cl_referenced_decl(CXCursor e);
/* For `&x`, `x`'s declaration; for `&s.f` the member's base variable; else null cursor. */
CXCursor cl_address_of_decl(CXCursor e);

/* True if `t` (through typedefs, elaborations and qualifiers) is, or is a typedef named, or is
 * a record named, one of names[]. */
bool cl_type_is_named(CXType t, char *const *names, size_t n);
/* A context: a pointer to one of the model's context types. */
bool cl_type_is_context(const cl_model *m, CXType t);
/* A context, an array of contexts, or a pointer to (pointer to ...) a context. */
bool cl_type_holds_context(const cl_model *m, CXType t);
bool cl_type_is_cancel(const cl_model *m, CXType t);
bool cl_type_is_key(const cl_model *m, CXType t);

/* Operators. On libclang >= 17 this uses clang_getCursorBinaryOperatorKind; on older versions
 * it reads the operator token (see shared/notes/libclang.md). */
typedef enum cl_op {
    CL_OP_OTHER,
    CL_OP_ASSIGN,   /* = */
    CL_OP_COMPOUND, /* += -= ... */
    CL_OP_COMMA,    /* , */
    CL_OP_LAND,     /* && */
    CL_OP_LOR,      /* || */
    CL_OP_EQ,       /* == */
    CL_OP_NE,       /* != */
    CL_OP_ADDR,     /* unary & */
    CL_OP_DEREF,    /* unary * */
    CL_OP_NOT,      /* unary ! */
} cl_op;
cl_op cl_binary_op(CXCursor op);
cl_op cl_unary_op(CXCursor op);
/* Forces the token-based operator path even where the newer API exists (for tests). */
void cl_ast_force_token_ops(bool on);

/* Position of a cursor's expansion location (never inside a macro definition). */
void cl_cursor_line_col(CXCursor c, unsigned *line, unsigned *col);
bool cl_in_system_header(CXCursor c);
/* True if `inner`'s extent lies within `outer`'s (same file, by offsets). */
bool cl_extent_contains(CXCursor outer, CXCursor inner);
/* The name of a cursor into buf; returns buf. */
const char *cl_spelling(CXCursor c, char *buf, size_t size);
/* The USR of the cursor's declaration into buf (empty if none); returns buf. */
const char *cl_usr(CXCursor c, char *buf, size_t size);
/* True for a FunctionDecl/CXXMethod/... that has a body. */
bool cl_is_function_definition(CXCursor c);
/* The function that never returns: exit, abort, _Exit, longjmp, quick_exit, and anything
 * declared _Noreturn / [[noreturn]] / __attribute__((noreturn)). */
bool cl_call_is_noreturn(CXCursor call);

/* True when one of the attributes written on `decl` (e.g. `__attribute__((unused))`,
 * `[[maybe_unused]]`, `__attribute__((constructor))`) spells one of words[] (read from its
 * tokens: libclang 14 and 19 expose most attributes as UnexposedAttr). */
bool cl_has_attribute(CXCursor decl, const char *const *words, size_t n);
/* The variable or parameter an lvalue designates storage of: `v`, `v.f`, `v[i]`, `*v`, and
 * with `through_arrow` also `v->f`; through parentheses and casts. A null cursor otherwise. */
CXCursor cl_lvalue_base_decl(CXCursor lhs, bool through_arrow);

#endif
