/* context-in-struct through renamed types and the renamed carrier macro. */
#include "my_ctx.h"

struct session {
    my_ctx *ctx; // expect: context-in-struct
    int fd;
};

struct MY_CARRIER worker {
    my_ctx *ctx;
};

struct job {
    my_ctx *ctx;
    my_cancel cancel;
};
