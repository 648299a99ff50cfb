// expect-no-diagnostics
// async-capture in C++: joined work stays silent: std::async (its future waits), a joined
// std::thread, a thread moved into a container that someone joins, a detached context.
#include <ctx/ctx.h>

#include <future>
#include <thread>
#include <vector>

void refresh(ctx_t *c);

int async_future(ctx_t *req)
{
    auto f = std::async(std::launch::async, [req] {
        refresh(req);
        return 1;
    });
    return f.get();
}

void joined_thread(ctx_t *req)
{
    ctx_cancel_t cancel;
    ctx_t *c = ctx_with_cancel(req, &cancel);
    std::thread t([c] { refresh(c); });
    t.join();
    ctx_cancel(&cancel);
}

void joined_temporary(ctx_t *req)
{
    ctx_t *c = ctx_with_value(req, nullptr, nullptr);
    std::thread(refresh, c).join();
}

void moved_into_pool(ctx_t *req, std::vector<std::thread> &pool)
{
    ctx_t *c = ctx_with_value(req, nullptr, nullptr);
    pool.emplace_back([c] { refresh(c); });
    pool.push_back(std::thread(refresh, c));
}

void detached_context(ctx_t *req)
{
    ctx_t *bg = ctx_without_cancel(req);
    std::thread([bg] { refresh(bg); }).detach();
}
