/* --shard K/N: lint only the K-th of N deterministic slices of the units, so that a CI matrix
 * spreads a huge repository over N machines. A unit belongs to slice XXH64(its path relative
 * to the project root) mod N: the same on every machine and checkout, and adding a file never
 * moves another. Each shard summarises only its own units, so a cross-file finding whose
 * deciding facts live in another shard's unit is not reported (docs/integrations.md). */
#ifndef CL_SHARD_H
#define CL_SHARD_H

#include <stdbool.h>

#include "compdb.h"

/* Parses "K/N" (1 <= K <= N <= 100000). Returns 0 or -1. */
int cl_shard_parse(const char *s, unsigned *k, unsigned *n);
/* Whether `file` (canonical) belongs to shard k of n. */
bool cl_shard_owns(const char *file, const char *root, unsigned k, unsigned n);
/* Keeps only the jobs of shard k of n, in their order. */
void cl_shard_jobs(cl_jobs *jobs, const char *root, unsigned k, unsigned n);

#endif
