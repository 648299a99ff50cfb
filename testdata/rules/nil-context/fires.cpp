// nil-context: the C++ spellings of a null context.
#include <ctx/ctx.h>
#include <cstddef>

int fetch(ctx_t *c, int id);

class Client
{
  public:
    explicit Client(ctx_t *c);
    int get(ctx_t *c, int id);
    static int make(ctx_t *c);
};

int cpp_nulls(Client &client)
{
    int n = fetch(nullptr, 1); // expect: nil-context "^nullptr passed as the context of 'fetch'"
    n += fetch(NULL, 2);       // expect: nil-context "^NULL passed"
    n += fetch(__null, 3);     // expect: nil-context "^__null passed"
    n += fetch(0, 4);          // expect: nil-context "^0 passed"
    n += client.get(nullptr, 5); // expect: nil-context "context of 'get'"
    n += Client::make(nullptr);  // expect: nil-context "context of 'make'"
    Client other(nullptr);       // expect: nil-context "context of 'Client'"
    (void)other;
    auto call = [](ctx_t *c) { return fetch(c, 6); };
    n += call(nullptr); // expect: nil-context "context of 'operator\(\)'"
    return n;
}

ctx_t *cpp_return()
{
    return nullptr; // expect: nil-context "^nullptr returned as a context from 'cpp_return'"
}

int cpp_variable()
{
    ctx_t *c = nullptr;
    return fetch(c, 1); // expect: nil-context "'c' is always NULL here \(initialised to nullptr"
}
