// context-in-struct: C++ shapes that are not stored contexts.
// expect-no-diagnostics
#include <ctx/ctx.h>

class Handler
{
  public:
    virtual ~Handler() = default;
    virtual int serve(ctx_t *ctx, int id) = 0; // a parameter, not a field
};

struct CTX_CARRIER Scoped {
    ctx_t *ctx;
};

struct Owned {
    ctx_t *ctx;
    ctx_cancel_t cancel;
};
