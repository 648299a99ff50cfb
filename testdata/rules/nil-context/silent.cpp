// nil-context: C++ shapes that must stay silent.
// expect-no-diagnostics
#include <ctx/ctx.h>
#include <cstddef>

int fetch(ctx_t *c, int id);
ctx_t *make_child(ctx_t *parent);
int count(int *p);

int not_contexts()
{
    return count(nullptr) + count(NULL);
}

int assigned_in_a_lambda(ctx_t *parent)
{
    ctx_t *c = nullptr;
    auto set = [&]() { c = parent; };
    set();
    return fetch(c, 1);
}

int bound_to_a_reference(ctx_t *parent)
{
    ctx_t *c = nullptr;
    ctx_t *&alias = c;
    alias = parent;
    return fetch(c, 1);
}

void set_through_reference(ctx_t *value, ctx_t *&out);

int written_through_a_reference_parameter(ctx_t *parent)
{
    ctx_t *c = nullptr;
    set_through_reference(parent, c);
    return fetch(c, 1);
}

auto deduced_nullptr()
{
    return [] { return nullptr; }; /* returns std::nullptr_t, not a context */
}

int real_context(ctx_t *ctx)
{
    auto run = [ctx] { return fetch(ctx, 1); };
    return run();
}
