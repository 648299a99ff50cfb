/* The fctx request server: handler signatures. context-not-first on a foreign context type,
 * named by its typedef and by its struct tag. */
#include "fctx.h"

struct request {
    int id;
};

int handle_request(struct request *req, fctx *c); // expect: context-not-first
int handle_tagged(int id, struct fctx *c);        // expect: context-not-first
int handle_const(int id, const fctx *c);          // expect: context-not-first

int handle_ok(fctx *c, struct request *req);
int handle_no_context(struct request *req);
int handle_two(fctx *c, fctx *parent);

/* The scope struct is not a context: only pointers to fctx are. */
int handle_scope(int id, fctx_scope s);
