/* Scratch folders for unit tests: a fresh mkdtemp tree under /tmp, files written into it, and
 * removal afterwards. Header-only (static inline) because CMake builds each tests/test_*.c as
 * its own program. */
#ifndef CL_TESTFS_H
#define CL_TESTFS_H

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

/* A new empty folder; its canonical path (the tests compare against canonical paths). */
static inline char *tfs_mkdtemp(void)
{
    char tmpl[] = "/tmp/ctxlint-test-XXXXXX";
    if (!mkdtemp(tmpl))
        abort();
    char *real = realpath(tmpl, NULL);
    if (!real)
        abort();
    return real;
}

/* Writes `text` to root/rel, creating the folders on the way; returns the full path. */
static inline char *tfs_write(const char *root, const char *rel, const char *text)
{
    char *path = cl_xasprintf("%s/%s", root, rel);
    for (char *p = path + strlen(root) + 1; *p; p++)
        if (*p == '/') {
            *p = '\0';
            mkdir(path, 0755);
            *p = '/';
        }
    FILE *f = fopen(path, "w");
    if (!f)
        abort();
    fputs(text, f);
    fclose(f);
    return path;
}

/* Creates root/rel (and its parents); returns its full path. */
static inline char *tfs_mkdir(const char *root, const char *rel)
{
    char *keep = cl_xasprintf("%s/.keep", rel);
    char *marker = tfs_write(root, keep, "");
    free(keep);
    unlink(marker);
    *strrchr(marker, '/') = '\0';
    return marker;
}

/* Removes `path` and everything under it (no symlink is followed). */
static inline void tfs_rm_r(const char *path)
{
    struct stat st;
    if (lstat(path, &st) != 0)
        return;
    if (S_ISDIR(st.st_mode)) {
        DIR *d = opendir(path);
        for (struct dirent *e; d && (e = readdir(d));) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char *child = cl_xasprintf("%s/%s", path, e->d_name);
            tfs_rm_r(child);
            free(child);
        }
        if (d)
            closedir(d);
        rmdir(path);
    } else {
        unlink(path);
    }
}

/* Removes a tree made by tfs_mkdtemp (and nothing else) and frees its name. */
static inline void tfs_rmtree(char *root)
{
    if (strncmp(root, "/tmp/ctxlint-test-", 18) == 0)
        tfs_rm_r(root);
    free(root);
}

#endif
