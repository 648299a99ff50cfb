// context-in-struct: C++ classes keep contexts in members too.
#include <ctx/ctx.h>

class Session
{
  public:
    explicit Session(ctx_t *c) : ctx_(c) {}
    int id() const;

  private:
    ctx_t *ctx_; // expect: context-in-struct "^field 'ctx_' of class 'Session' stores a context"
};

struct Pair {
    ctx_t *first;  // expect: context-in-struct "field 'first' of struct 'Pair'"
    ctx_t *second; // expect: context-in-struct "field 'second' of struct 'Pair'"
};
