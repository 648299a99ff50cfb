/* The result cache: a unit whose source, included files, arguments, configuration and ctxlint
 * build are all unchanged is not parsed again; its findings and cross-file facts come from the
 * cache. Keyed like ccache's direct mode: the entry is named by a hash of everything known
 * before parsing (argv, configuration, tool build), and holds the content hash of every file
 * the unit included (from clang_getInclusions when stored), re-hashed on lookup. Entries are
 * written atomically (temporary file + rename), carry a checksum and are never trusted when it
 * does not match; the folder is trimmed by age (mtime, refreshed on every hit) when it grows
 * over its limit. Safe for concurrent runs and for the driver's worker threads. */
#ifndef CL_CACHE_H
#define CL_CACHE_H

#include <clang-c/Index.h>
#include <stdbool.h>
#include <stdint.h>

#include "compdb.h"
#include "config.h"
#include "walk.h"

#define CL_CACHE_DEFAULT_MAX_BYTES (256ull * 1024 * 1024)

typedef struct cl_cache cl_cache;

/* $XDG_CACHE_HOME/ctxlint, else $HOME/.cache/ctxlint; NULL when neither is set (malloc'd). */
char *cl_cache_default_dir(void);

/* Opens `dir` (created with its parents when missing). Returns NULL with *err (malloc'd) when
 * the folder cannot be created or written. */
cl_cache *cl_cache_open(const char *dir, uint64_t max_bytes, char **err);
/* Trims the folder to its limit if this run stored anything, then frees. */
void cl_cache_close(cl_cache *c);

/* True on a hit for `job` linted with `cfg` (its own configuration: each unit may have its
 * .ctxlint.yaml): `out` (empty on entry) receives the stored findings and facts. A missing,
 * stale or corrupt entry is a miss. Thread-safe. */
bool cl_cache_lookup(cl_cache *c, const cl_config *cfg, const cl_job *job, cl_unit_result *out);
/* Stores the result of a clean parse and walk of `job` (never call it for a unit with errors
 * or one parsed from unsaved buffers). `extra` names files the unit depends on that `tu` does
 * not list (those of a precompiled header it used). Returns 0, or -1 when nothing could be
 * written. Thread-safe. */
int cl_cache_store(cl_cache *c, const cl_config *cfg, const cl_job *job, CXTranslationUnit tu,
                   char *const *extra, size_t n_extra, const cl_unit_result *res);

/* The path of the entry for `job` (malloc'd): for tests that damage entries. */
char *cl_cache_entry_path(cl_cache *c, const cl_config *cfg, const cl_job *job);

/* A hash of the canonical dump of a configuration (cl_config_to_yaml: the model, every rule's
 * severity and options) and the enabled rules. Equal configurations hash equal whatever file
 * they came from. */
uint64_t cl_cache_config_hash(const cl_config *cfg);

#endif
