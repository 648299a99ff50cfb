/* `ctxlint lsp`: a Language Server Protocol server on standard input and output. Editors get
 * ctxlint's findings as diagnostics while typing and its fix-its as quick fixes (docs/editors.md
 * shows the set-up for Neovim, VS Code and Emacs). */
#ifndef CL_LSP_H
#define CL_LSP_H

/* Runs the server; argv[0] is "lsp". Returns the exit status: 0 after shutdown then exit, 1
 * when the client exits (or the input ends) without shutdown, 2 for bad arguments. */
int cl_lsp_main(int argc, char **argv);

#endif
