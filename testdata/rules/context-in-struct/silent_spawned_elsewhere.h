/* context-in-struct: a task struct declared here, handed to a spawn by another unit only. */
// expect-no-diagnostics
#ifndef SILENT_SPAWNED_ELSEWHERE_H
#define SILENT_SPAWNED_ELSEWHERE_H
#include <ctx/ctx.h>

struct remote_task {
    ctx_t *ctx;
    int attempt;
};

int remote_task_start(struct remote_task *t);

#endif
