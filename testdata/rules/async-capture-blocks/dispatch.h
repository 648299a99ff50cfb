/* A stand-in for <dispatch/dispatch.h> (libdispatch is not installed): just the declarations
 * the tests call, with GCD's signatures. */
#ifndef TEST_DISPATCH_H
#define TEST_DISPATCH_H
typedef struct dispatch_queue_s *dispatch_queue_t;
typedef void (^dispatch_block_t)(void);
void dispatch_async(dispatch_queue_t queue, dispatch_block_t block);
void dispatch_sync(dispatch_queue_t queue, dispatch_block_t block);
dispatch_queue_t dispatch_get_global_queue(long identifier, unsigned long flags);
#endif
