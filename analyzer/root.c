/* The project root (see root.h). */
#include "root.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "xalloc.h"

char *cl_project_root(const char *cwd)
{
    char *dir = cl_xstrdup(cwd && *cwd ? cwd : "/");
    for (;;) {
        char *git = cl_xasprintf("%s/.git", strcmp(dir, "/") == 0 ? "" : dir);
        struct stat st;
        int found = stat(git, &st) == 0;
        free(git);
        if (found)
            return dir;
        char *slash = strrchr(dir, '/');
        if (!slash || slash == dir)
            break;
        *slash = '\0';
    }
    free(dir);
    return cl_xstrdup(cwd && *cwd ? cwd : "/");
}

const char *cl_root_relative(const char *path, const char *root)
{
    size_t n = strlen(root);
    if (n == 1 && root[0] == '/')
        return path[0] == '/' && path[1] ? path + 1 : NULL;
    if (strncmp(path, root, n) == 0 && path[n] == '/' && path[n + 1])
        return path + n + 1;
    return NULL;
}
