// context-not-first: C++ methods and constructors are checked on their explicit parameters.
#include <ctx/ctx.h>

class Store
{
  public:
    Store(int shards, ctx_t *ctx);                 // expect: context-not-first "'ctx' of 'Store' is parameter 2"
    int get(int key, ctx_t *ctx);                  // expect: context-not-first "'ctx' of 'get' is parameter 2"
    static int open(const char *path, ctx_t *ctx); // expect: context-not-first "'ctx' of 'open'"
    virtual int put(int key, ctx_t *ctx);          // expect: context-not-first "'ctx' of 'put'"
    virtual ~Store();
};

/* The override follows its base: only the base's declaration is reported. */
class CachedStore : public Store
{
  public:
    CachedStore();
    int put(int key, ctx_t *ctx) override;
};

int Store::get(int key, ctx_t *ctx)
{
    return key + ctx_err(ctx);
}

namespace cache {
int lookup(int key, ctx_t *ctx); // expect: context-not-first "'ctx' of 'lookup'"
}
