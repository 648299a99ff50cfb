/* The context API model: what "a context library" looks like to every rule.
 *
 * No rule names a runtime function or type. Rules ask this model whether a type is a context,
 * whether a call derives, cancels, releases, spawns, and which argument plays which part. The
 * built-in default describes the `ctx` runtime; `.ctxlint.yaml` can replace or extend it, so a
 * codebase with its own Go-style context library gets every rule unchanged. */
#ifndef CL_MODEL_H
#define CL_MODEL_H

#include <stdbool.h>
#include <stddef.h>

/* The part a function plays in the context API. One function may play several parts (each is
 * its own entry): ctx_with_value is both a derivation and a value setter. */
typedef enum cl_role {
    CL_ROLE_ROOT,      /* returns a new root context (ctx_background) */
    CL_ROLE_TODO,      /* the placeholder root for "no context yet" (ctx_todo) */
    CL_ROLE_DERIVE,    /* returns a child of arg `context_arg`, maybe with a cancel capability */
    CL_ROLE_DETACH,    /* returns a child of `context_arg` that outlives its cancellation */
    CL_ROLE_CANCEL,    /* consumes the cancel capability at `cancel_arg` */
    CL_ROLE_RETAIN,    /* returns a new reference to `context_arg` */
    CL_ROLE_RELEASE,   /* drops the reference at `context_arg` */
    CL_ROLE_VALUE_SET, /* attaches a value under the key at `key_arg` */
    CL_ROLE_VALUE_GET, /* looks up the key at `key_arg` */
    CL_ROLE_QUERY,     /* borrows the context at `context_arg` (err, done, deadline, ...) */
    CL_ROLE_SPAWN,     /* runs `callback_arg(data_arg)` asynchronously */
    CL_ROLE_JOIN,      /* waits for the work whose handle is at `handle_arg` */
    CL_ROLE_THREAD_DETACH, /* declares the work at `handle_arg` will never be joined */
    CL_ROLE_INIT,          /* an init function: a root stored in a global there is fine */
    CL_ROLE__COUNT
} cl_role;

/* How a derivation hands back its cancel capability. */
typedef enum cl_cancel_shape {
    CL_CANCEL_NONE,         /* no capability (ctx_with_value) */
    CL_CANCEL_OUT_PARAM,    /* written through the pointer at `cancel_arg` (ctx_cancel_t *) */
    CL_CANCEL_RESULT_FIELD, /* a field `cancel_field` of the returned struct */
    CL_CANCEL_RETURNED_FN,  /* the return value itself is the cancel function */
} cl_cancel_shape;

/* How a spawn's work relates to the caller's lifetime. */
typedef enum cl_spawn_kind {
    CL_SPAWN_THREAD,   /* detached unless joined or detached by handle (pthread_create) */
    CL_SPAWN_DETACHED, /* always outlives the caller (a fire-and-forget pool submit) */
    CL_SPAWN_JOINED,   /* joined by a later call on a group (ctx_group_go, std::async) */
} cl_spawn_kind;

/* What a right value key is for a VALUE_SET/VALUE_GET function. */
typedef enum cl_key_kind {
    CL_KEY_OBJECT, /* the address of a unique key object (ctx_key_t): a string is wrong */
    CL_KEY_STRING, /* a name: the library compares keys as strings, so a literal is right */
} cl_key_kind;

typedef struct cl_api_fn {
    char *name; /* a C name, or a qualified C++ name ("std::thread" for its constructors) */
    cl_role role;
    int context_arg;  /* context argument (parent, borrowed or released); -1 if none */
    int cancel_arg;   /* CANCEL: the capability; DERIVE+OUT_PARAM: the out-parameter */
    int key_arg;      /* VALUE_SET / VALUE_GET */
    int callback_arg; /* SPAWN */
    int data_arg;     /* SPAWN: the argument the callback runs with (and any after it, which
                         std::thread forwards to its callable) */
    int handle_arg;   /* SPAWN: out-parameter for the handle; JOIN/THREAD_DETACH: the handle;
                         -1 in C++: the constructed object / the object the method is called on */
    cl_cancel_shape cancel_shape; /* DERIVE */
    char *context_field;          /* DERIVE+RESULT_FIELD: field of the result holding the child */
    char *cancel_field;           /* DERIVE+RESULT_FIELD: field holding the capability */
    bool owns_ref;                /* DERIVE/DETACH/RETAIN: caller must release the result */
    cl_spawn_kind spawn_kind;     /* SPAWN */
    cl_key_kind key_kind;         /* VALUE_SET / VALUE_GET */
    /* DERIVE/DETACH/RETAIN: the child comes back through the pointer at this argument instead
     * of as the return value (a derivation whose return value is its cancel function,
     * CL_CANCEL_RETURNED_FN, hands the child back this way); -1 when returned. */
    int child_arg;
} cl_api_fn;

typedef struct cl_model {
    /* Type names (typedef or record tag) whose pointers are contexts: "ctx_t", "ctx". */
    char **context_types;
    size_t n_context_types;
    /* Types of cancel capabilities (ctx_cancel_t) and of value keys (ctx_key_t). */
    char **cancel_types;
    size_t n_cancel_types;
    char **key_types;
    size_t n_key_types;
    /* The annotate("...") string that marks a struct as a deliberate context carrier: the
     * runtime's CTX_CARRIER macro expands to __attribute__((annotate("ctx_carrier"))). */
    char *carrier_marker;
    cl_api_fn *fns;
    size_t n_fns;
} cl_model;

/* The built-in model of the `ctx` runtime (runtime/include/ctx/ctx.h). Never freed. */
const cl_model *cl_model_default(void);

/* A deep copy of `m`, owned by the caller; free with cl_model_free. */
cl_model *cl_model_clone(const cl_model *m);
void cl_model_free(cl_model *m);

/* Appends a function entry (name is copied). Returns the entry, valid until the next add. */
cl_api_fn *cl_model_add_fn(cl_model *m, const char *name, cl_role role);
/* Appends a name to one of the model's type lists (copied). */
void cl_model_add_name(char ***list, size_t *n, const char *name);
/* An entry with every index unset (-1), for building models. */
cl_api_fn cl_api_fn_blank(cl_role role);

/* The entry playing `role` for the function called `name`, or NULL. */
const cl_api_fn *cl_model_find(const cl_model *m, cl_role role, const char *name);
/* True when `name` plays any role at all (a context API function). */
bool cl_model_is_api(const cl_model *m, const char *name);
bool cl_model_name_in(char *const *list, size_t n, const char *name);

const char *cl_role_name(cl_role r);

#endif
