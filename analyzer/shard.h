/* --shard K/N: lint only the K-th of N deterministic slices of the units, so that a CI matrix
 * spreads a huge repository over N machines. A unit belongs to slice XXH64(its path relative
 * to the project root) mod N: the same on every machine and checkout, and adding a file never
 * moves another. Each shard parses and summarises only its own units, so the cross-file facts
 * that decide conditional findings are incomplete in it: a missing fact could turn into a false
 * finding (e.g. "this global is never written anywhere"), so a shard drops every conditional
 * finding from its own report. With --shard-state it also records its findings (conditional
 * ones included) and facts, and `ctxlint --merge-shards` decides them all on the facts of every
 * shard, as one run over every unit would (docs/integrations.md). */
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

#include "finding.h"
/* Removes the conditional (cross-file) findings: a shard cannot decide them. */
void cl_shard_drop_conditional(cl_findings *findings);

#include "facts.h"
/* Writes a shard's findings (undecided conditional ones included) and facts to `path`,
 * atomically, in a versioned, checksummed form. Returns 0, or -1 with *err (malloc'd). */
int cl_shard_state_write(const char *path, const cl_findings *findings, const cl_facts *facts,
                         char **err);
/* Appends the findings and facts of a state file. Returns 0, or -1 with *err (malloc'd) naming
 * the file and what is wrong with it (unreadable, not a state, another ctxlint version,
 * damaged). */
int cl_shard_state_read(const char *path, cl_findings *findings, cl_facts *facts, char **err);

#endif
