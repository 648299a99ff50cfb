/* The project root: the folder that SARIF URIs, baselines, shards and fixes are relative to, so
 * that they mean the same thing on every machine and in every checkout. It is the nearest folder
 * holding `.git` (a folder, or the file of a worktree) up from the current folder, else the
 * current folder itself. */
#ifndef CL_ROOT_H
#define CL_ROOT_H

/* The root for `cwd` (an absolute, canonical folder); malloc'd. */
char *cl_project_root(const char *cwd);

/* `path` relative to `root` when it lies under it (a pointer into `path`), else NULL. */
const char *cl_root_relative(const char *path, const char *root);

#endif
