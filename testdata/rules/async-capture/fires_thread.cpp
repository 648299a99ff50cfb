// async-capture in C++: a detached std::thread running a lambda that captures a request context.
#include <ctx/ctx.h>

#include <thread>

void refresh(ctx_t *c);

void lambda_temporary_detached(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_timeout(req, CTX_MS(5), &cancel);
    std::thread([c] { refresh(c); }).detach(); // expect: async-capture "request context 'c', captured by a lambda, is handed to a detached thread started by std::thread"
    ctx_cancel(&cancel);
}

void lambda_variable_detached(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    std::thread t([&] { refresh(c); }); // expect: async-capture "captured by a lambda"
    t.detach();
    ctx_cancel(&cancel);
}

void arguments_forwarded(ctx_t *req)
{
    ctx_t *c = ctx_with_value(req, nullptr, nullptr);
    std::thread(refresh, c).detach(); // expect: async-capture "request context 'c' is handed to a detached thread"
}

// A spawner: the parameter is captured by a detached thread's lambda.
static void refresh_in_background(ctx_t *c)
{
    std::thread([c] { refresh(c); }).detach();
}

void handler(ctx_t *req)
{
    refresh_in_background(req); // expect: async-capture "handed to refresh_in_background"
}
