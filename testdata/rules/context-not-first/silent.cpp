// context-not-first: C++ signatures that are fine or decided elsewhere.
// expect-no-diagnostics
#include <ctx/ctx.h>

class Base
{
  public:
    virtual ~Base();
    virtual int handle(ctx_t *ctx, int id);
    int plain(ctx_t *ctx);
};

class Derived : public Base
{
  public:
    int handle(ctx_t *ctx, int id) override;
};

struct Tag {
};

/* An operator's operand order is the language's. */
int operator+(const Tag &t, ctx_t *ctx);

int use(ctx_t *ctx)
{
    Derived d;
    return d.handle(ctx, 1) + (Tag{} + ctx);
}
