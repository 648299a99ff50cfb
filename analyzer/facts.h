/* Cross-file facts: what one translation unit learns about its functions (a summary) that
 * rules in other units need, e.g. "parameter 0 of cache_update_async reaches a detached
 * thread". Each unit records facts while it is walked; the driver merges them in unit order
 * once every unit is done, so nothing is parsed twice and the result is independent of -j. */
#ifndef CL_FACTS_H
#define CL_FACTS_H

#include <stdbool.h>
#include <stddef.h>

typedef struct cl_fact {
    const char *rule; /* the recording rule's id: static storage */
    char *kind;       /* what the fact says, e.g. "param-spawns" */
    char *key;        /* the function it is about: a USR, stable across units */
    int index;        /* a parameter index, or -1 */
    char *data;       /* anything else, e.g. the callee's "usr#param"; may be NULL */
} cl_fact;

typedef struct cl_facts {
    cl_fact *v;
    size_t n, cap;
    int sorted;
} cl_facts;

void cl_facts_add(cl_facts *fs, const char *rule, const char *kind, const char *key, int index,
                  const char *data);
/* Moves every fact of `from` to `to`. */
void cl_facts_move(cl_facts *to, cl_facts *from);
/* Sorts for lookup (done once by the driver after the merge). */
void cl_facts_sort(cl_facts *fs);
/* The facts with this rule, kind and key (index -2 matches any index), as a contiguous run of
 * a sorted store; *n receives the count. */
const cl_fact *cl_facts_find(const cl_facts *fs, const char *rule, const char *kind,
                             const char *key, size_t *n);
/* True when some unit recorded a fact of this rule, kind and key (a sorted store). */
bool cl_facts_has(const cl_facts *fs, const char *rule, const char *kind, const char *key);
void cl_facts_free(cl_facts *fs);

#endif
