/* The context API model: the built-in description of the `ctx` runtime and the lookups every
 * rule uses instead of naming functions. */
#include "model.h"

#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

static const char *const role_names[CL_ROLE__COUNT] = {
    [CL_ROLE_ROOT] = "root",
    [CL_ROLE_TODO] = "todo",
    [CL_ROLE_DERIVE] = "derive",
    [CL_ROLE_DETACH] = "detach",
    [CL_ROLE_CANCEL] = "cancel",
    [CL_ROLE_RETAIN] = "retain",
    [CL_ROLE_RELEASE] = "release",
    [CL_ROLE_VALUE_SET] = "value-set",
    [CL_ROLE_VALUE_GET] = "value-get",
    [CL_ROLE_QUERY] = "query",
    [CL_ROLE_SPAWN] = "spawn",
    [CL_ROLE_JOIN] = "join",
    [CL_ROLE_THREAD_DETACH] = "thread-detach",
    [CL_ROLE_INIT] = "init",
};

const char *cl_role_name(cl_role r)
{
    return (unsigned)r < CL_ROLE__COUNT ? role_names[r] : "?";
}

cl_api_fn cl_api_fn_blank(cl_role role)
{
    cl_api_fn f = {0};
    f.role = role;
    f.context_arg = f.cancel_arg = f.key_arg = -1;
    f.callback_arg = f.data_arg = f.handle_arg = -1;
    f.child_arg = -1;
    return f;
}

void cl_model_add_name(char ***list, size_t *n, const char *name)
{
    *list = cl_xrealloc(*list, (*n + 1) * sizeof **list);
    (*list)[(*n)++] = cl_xstrdup(name);
}

cl_api_fn *cl_model_add_fn(cl_model *m, const char *name, cl_role role)
{
    m->fns = cl_xrealloc(m->fns, (m->n_fns + 1) * sizeof *m->fns);
    cl_api_fn *f = &m->fns[m->n_fns++];
    *f = cl_api_fn_blank(role);
    f->name = cl_xstrdup(name);
    return f;
}

/* Builds the `ctx` runtime's model once; the table is the single place runtime names live. */
static cl_model *build_default(void)
{
    cl_model *m = cl_xcalloc(1, sizeof *m);
    cl_model_add_name(&m->context_types, &m->n_context_types, "ctx_t");
    cl_model_add_name(&m->context_types, &m->n_context_types, "ctx");
    cl_model_add_name(&m->cancel_types, &m->n_cancel_types, "ctx_cancel_t");
    cl_model_add_name(&m->key_types, &m->n_key_types, "ctx_key_t");
    m->carrier_marker = cl_xstrdup("ctx_carrier");

    cl_model_add_fn(m, "ctx_background", CL_ROLE_ROOT);
    cl_model_add_fn(m, "ctx_todo", CL_ROLE_TODO);

    static const struct {
        const char *name;
        int cancel_arg;
    } cancelable[] = {
        {"ctx_with_cancel", 1},  {"ctx_with_cancel_cause", 1},   {"ctx_with_deadline", 2},
        {"ctx_with_timeout", 2}, {"ctx_with_deadline_cause", 3}, {"ctx_with_timeout_cause", 3},
    };
    for (size_t i = 0; i < sizeof cancelable / sizeof cancelable[0]; i++) {
        cl_api_fn *f = cl_model_add_fn(m, cancelable[i].name, CL_ROLE_DERIVE);
        f->context_arg = 0;
        f->cancel_shape = CL_CANCEL_OUT_PARAM;
        f->cancel_arg = cancelable[i].cancel_arg;
    }
    cl_api_fn *f = cl_model_add_fn(m, "ctx_with_value", CL_ROLE_DERIVE);
    f->context_arg = 0;
    f->owns_ref = true;
    f = cl_model_add_fn(m, "ctx_with_value", CL_ROLE_VALUE_SET);
    f->context_arg = 0;
    f->key_arg = 1;
    f = cl_model_add_fn(m, "ctx_without_cancel", CL_ROLE_DETACH);
    f->context_arg = 0;
    f->owns_ref = true;
    f = cl_model_add_fn(m, "ctx_retain", CL_ROLE_RETAIN);
    f->context_arg = 0;
    f->owns_ref = true;
    cl_model_add_fn(m, "ctx_release", CL_ROLE_RELEASE)->context_arg = 0;
    cl_model_add_fn(m, "ctx_cancel", CL_ROLE_CANCEL)->cancel_arg = 0;
    cl_model_add_fn(m, "ctx_cancel_cause", CL_ROLE_CANCEL)->cancel_arg = 0;
    f = cl_model_add_fn(m, "ctx_value", CL_ROLE_VALUE_GET);
    f->context_arg = 0;
    f->key_arg = 1;

    static const char *const queries[] = {"ctx_err",   "ctx_cause",      "ctx_done",
                                          "ctx_wait",  "ctx_done_fd",    "ctx_deadline",
                                          "ctx_value", "ctx_after_func", "ctx_group_new"};
    for (size_t i = 0; i < sizeof queries / sizeof queries[0]; i++)
        cl_model_add_fn(m, queries[i], CL_ROLE_QUERY)->context_arg = 0;

    /* Threads: fire-and-forget unless joined (or explicitly detached) in the same function. */
    f = cl_model_add_fn(m, "pthread_create", CL_ROLE_SPAWN);
    f->handle_arg = 0;
    f->callback_arg = 2;
    f->data_arg = 3;
    f->spawn_kind = CL_SPAWN_THREAD;
    f = cl_model_add_fn(m, "thrd_create", CL_ROLE_SPAWN);
    f->handle_arg = 0;
    f->callback_arg = 1;
    f->data_arg = 2;
    f->spawn_kind = CL_SPAWN_THREAD;
    /* A group's tasks are joined by ctx_group_wait. */
    f = cl_model_add_fn(m, "ctx_group_go", CL_ROLE_SPAWN);
    f->handle_arg = 0;
    f->callback_arg = 1;
    f->data_arg = 2;
    f->spawn_kind = CL_SPAWN_JOINED;

    /* Grand Central Dispatch: the block (or function and its context) runs on a queue after
     * the caller has moved on. */
    f = cl_model_add_fn(m, "dispatch_async", CL_ROLE_SPAWN);
    f->callback_arg = 1;
    f->spawn_kind = CL_SPAWN_DETACHED;
    f = cl_model_add_fn(m, "dispatch_async_f", CL_ROLE_SPAWN);
    f->data_arg = 1;
    f->callback_arg = 2;
    f->spawn_kind = CL_SPAWN_DETACHED;
    /* C++: the thread object is the handle (handle_arg -1: the constructed object, or the
     * object a method is called on); std::async's future waits for its work. */
    f = cl_model_add_fn(m, "std::thread", CL_ROLE_SPAWN);
    f->callback_arg = 0;
    f->data_arg = 1;
    f->spawn_kind = CL_SPAWN_THREAD;
    f = cl_model_add_fn(m, "std::async", CL_ROLE_SPAWN);
    f->callback_arg = 0;
    f->data_arg = 1;
    f->spawn_kind = CL_SPAWN_JOINED;
    cl_model_add_fn(m, "std::thread::join", CL_ROLE_JOIN);
    cl_model_add_fn(m, "std::thread::detach", CL_ROLE_THREAD_DETACH);

    cl_model_add_fn(m, "pthread_join", CL_ROLE_JOIN)->handle_arg = 0;
    cl_model_add_fn(m, "thrd_join", CL_ROLE_JOIN)->handle_arg = 0;
    cl_model_add_fn(m, "ctx_group_wait", CL_ROLE_JOIN)->handle_arg = 0;
    cl_model_add_fn(m, "pthread_detach", CL_ROLE_THREAD_DETACH)->handle_arg = 0;
    cl_model_add_fn(m, "thrd_detach", CL_ROLE_THREAD_DETACH)->handle_arg = 0;
    return m;
}

const cl_model *cl_model_default(void)
{
    /* Built before any worker thread starts (the driver asks first), so no lock is needed. */
    static cl_model *def;
    if (!def)
        def = build_default();
    return def;
}

static char **clone_names(char *const *list, size_t n)
{
    char **out = n ? cl_xcalloc(n, sizeof *out) : NULL;
    for (size_t i = 0; i < n; i++)
        out[i] = cl_xstrdup(list[i]);
    return out;
}

cl_model *cl_model_clone(const cl_model *m)
{
    cl_model *c = cl_xcalloc(1, sizeof *c);
    c->context_types = clone_names(m->context_types, c->n_context_types = m->n_context_types);
    c->cancel_types = clone_names(m->cancel_types, c->n_cancel_types = m->n_cancel_types);
    c->key_types = clone_names(m->key_types, c->n_key_types = m->n_key_types);
    c->carrier_marker = m->carrier_marker ? cl_xstrdup(m->carrier_marker) : NULL;
    c->n_fns = m->n_fns;
    c->fns = m->n_fns ? cl_xcalloc(m->n_fns, sizeof *c->fns) : NULL;
    for (size_t i = 0; i < m->n_fns; i++) {
        c->fns[i] = m->fns[i];
        c->fns[i].name = cl_xstrdup(m->fns[i].name);
        c->fns[i].context_field =
            m->fns[i].context_field ? cl_xstrdup(m->fns[i].context_field) : NULL;
        c->fns[i].cancel_field = m->fns[i].cancel_field ? cl_xstrdup(m->fns[i].cancel_field) : NULL;
    }
    return c;
}

static void free_names(char **list, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(list[i]);
    free(list);
}

void cl_model_free(cl_model *m)
{
    if (!m)
        return;
    free_names(m->context_types, m->n_context_types);
    free_names(m->cancel_types, m->n_cancel_types);
    free_names(m->key_types, m->n_key_types);
    free(m->carrier_marker);
    for (size_t i = 0; i < m->n_fns; i++) {
        free(m->fns[i].name);
        free(m->fns[i].context_field);
        free(m->fns[i].cancel_field);
    }
    free(m->fns);
    free(m);
}

const cl_api_fn *cl_model_find(const cl_model *m, cl_role role, const char *name)
{
    if (!name)
        return NULL;
    for (size_t i = 0; i < m->n_fns; i++)
        if (m->fns[i].role == role && strcmp(m->fns[i].name, name) == 0)
            return &m->fns[i];
    return NULL;
}

bool cl_model_is_api(const cl_model *m, const char *name)
{
    if (!name)
        return false;
    for (size_t i = 0; i < m->n_fns; i++)
        if (strcmp(m->fns[i].name, name) == 0)
            return true;
    return false;
}

bool cl_model_name_in(char *const *list, size_t n, const char *name)
{
    for (size_t i = 0; name && i < n; i++)
        if (strcmp(list[i], name) == 0)
            return true;
    return false;
}
