/* value-key-type: keys declared in a header, one right (extern) and one per-unit (static). */
#ifndef VALUE_KEY_TYPE_KEYS_H
#define VALUE_KEY_TYPE_KEYS_H
#include <ctx/ctx.h>

extern const ctx_key_t shared_key;              /* defined once in silent.c: unique */
static const ctx_key_t header_key = CTX_KEY("h"); /* one object per including unit */

#ifdef __cplusplus
inline const ctx_key_t cpp_inline_key = CTX_KEY("inline"); /* C++17: one object */
const ctx_key_t cpp_const_key = CTX_KEY("const");          /* const: internal linkage */
#endif
#endif
