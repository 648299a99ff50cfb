/* `ctxlint lsp` (see lsp.h): the server's arguments, its main loop and the dispatch of JSON-RPC
 * messages to the LSP methods it implements. The loop reads every message already waiting
 * before it lints, so a burst of edits costs one lint of the final text (a debounce that needs
 * no timer, so the outcome never depends on timing), and a request that needs findings (a code
 * action) lints its document first. Standard output carries only protocol: it is moved to a
 * private descriptor and fd 1 is pointed at standard error, so a stray print from any library
 * cannot corrupt the stream. */
#include "lsp.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <jansson.h>

#include "lsp_diag.h"
#include "lsp_docs.h"
#include "lsp_lint.h"
#include "lsp_summary.h"
#include "lsp_transport.h"
#include "xalloc.h"

/* JSON-RPC and LSP error codes. */
enum {
    PARSE_ERROR = -32700,
    INVALID_REQUEST = -32600,
    METHOD_NOT_FOUND = -32601,
    INVALID_PARAMS = -32602,
    SERVER_NOT_INITIALIZED = -32002,
};

/* As the driver's workers: deep nesting recurses deeply in libclang and in the walk. */
#define CL_SERVER_STACK (256u * 1024u * 1024u)

typedef struct server {
    cl_lsp_io *io;
    cl_lsp_docs docs;
    cl_lsp_summaries *summaries;
    unsigned summary_gen; /* bumped when the summaries are cleared: databases are re-queued */
    CXIndex idx;
    cl_lsp_settings set;
    bool initialized, shutdown, exit, verbose;
    bool watch_files; /* the client registers file watchers dynamically */
    json_int_t next_id;
    int wake[2]; /* the summaries' thread writes, the loop reads */
    int status;
} server;

static void lsp_log(const server *sv, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lsp_log(const server *sv, const char *fmt, ...)
{
    (void)sv;
    va_list ap;
    va_start(ap, fmt);
    fputs("ctxlint lsp: ", stderr);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

/* --- Sending --- */

static void send_msg(server *sv, json_t *msg)
{
    if (msg && cl_lsp_send(sv->io, msg) != 0)
        lsp_log(sv, "cannot write to the client: %s", strerror(errno));
    json_decref(msg);
}

static void respond(server *sv, json_t *id, json_t *result)
{
    send_msg(sv, json_pack("{s:s,s:O,s:o}", "jsonrpc", "2.0", "id", id, "result",
                           result ? result : json_null()));
}

static void respond_error(server *sv, json_t *id, int code, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
static void respond_error(server *sv, json_t *id, int code, const char *fmt, ...)
{
    char buf[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    json_t *text = json_string(buf); /* NULL if vsnprintf cut a UTF-8 sequence */
    if (!text)
        text = json_string("error");
    send_msg(sv, json_pack("{s:s,s:O,s:{s:i,s:o}}", "jsonrpc", "2.0", "id", id ? id : json_null(),
                           "error", "code", code, "message", text));
}

static void notify(server *sv, const char *method, json_t *params)
{
    send_msg(sv, json_pack("{s:s,s:s,s:o}", "jsonrpc", "2.0", "method", method, "params", params));
}

static void request(server *sv, const char *method, json_t *params)
{
    send_msg(sv, json_pack("{s:s,s:I,s:s,s:o}", "jsonrpc", "2.0", "id", ++sv->next_id, "method",
                           method, "params", params));
}

static void show_message(server *sv, int type, const char *text)
{
    lsp_log(sv, "%s", text);
    json_t *msg = json_string(text);
    if (msg)
        notify(sv, "window/showMessage", json_pack("{s:i,s:o}", "type", type, "message", msg));
}

/* --- Linting and publishing --- */

static bool has_live_facts(const cl_lsp_doc *doc)
{
    return doc->pr.tu != NULL;
}

/* Open documents' facts come from their buffers, so their summaries from disk are skipped. */
static bool is_live_file(const char *file, void *arg)
{
    const server *sv = arg;
    for (size_t i = 0; i < sv->docs.n; i++)
        if (has_live_facts(sv->docs.v[i]) && strcmp(sv->docs.v[i]->path, file) == 0)
            return true;
    return false;
}

static bool same_shown(const cl_lsp_doc *doc, const bool *old, size_t old_problems)
{
    if (!old || !doc->shown || old_problems != doc->problems.n)
        return false;
    return memcmp(old, doc->shown, doc->raw.n * sizeof *old) == 0;
}

/* Decides what `doc` shows with every fact known now and publishes it (only if it changed,
 * with `if_changed`). */
static void resolve_and_publish(server *sv, cl_lsp_doc *doc, bool if_changed)
{
    cl_facts facts = {0};
    for (size_t i = 0; i < sv->docs.n; i++)
        cl_lsp_facts_copy(&facts, &sv->docs.v[i]->facts);
    cl_lsp_summaries_collect(sv->summaries, &facts, is_live_file, sv);
    cl_facts_sort(&facts);
    bool *old = NULL;
    size_t old_problems = doc->problems.n;
    if (if_changed && doc->shown) {
        old = cl_xmalloc((doc->raw.n ? doc->raw.n : 1) * sizeof *old);
        memcpy(old, doc->shown, doc->raw.n * sizeof *old);
    }
    cl_lsp_resolve(doc, &facts);
    cl_facts_free(&facts);
    if (!if_changed || !same_shown(doc, old, old_problems))
        notify(sv, "textDocument/publishDiagnostics", cl_lsp_publish_params(doc));
    free(old);
}

static double now_ms(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
}

static void lint_doc(server *sv, cl_lsp_doc *doc)
{
    double t0 = now_ms();
    char *log = NULL, *show = NULL;
    int rc = cl_lsp_lint(doc, sv->idx, &sv->set, &log, &show);
    if (show)
        show_message(sv, 1, show);
    free(show);
    if (rc != 0) {
        /* Nothing to show for this text: stale findings would sit on the wrong lines. */
        lsp_log(sv, "%s", log ? log : "lint failed");
        cl_findings_free(&doc->raw);
        cl_findings_free(&doc->problems);
        free(doc->shown);
        doc->shown = cl_xcalloc(1, sizeof *doc->shown);
        notify(sv, "textDocument/publishDiagnostics", cl_lsp_publish_params(doc));
        free(log);
        return;
    }
    if (doc->queued_gen != sv->summary_gen) {
        doc->queued_gen = sv->summary_gen;
        cl_lsp_summaries_queue(sv->summaries, &doc->jobs, &sv->set, doc->path);
    }
    resolve_and_publish(sv, doc, false);
    /* Its facts may decide other documents' conditional findings. */
    for (size_t i = 0; i < sv->docs.n; i++)
        if (sv->docs.v[i] != doc && has_live_facts(sv->docs.v[i]) && !sv->docs.v[i]->dirty)
            resolve_and_publish(sv, sv->docs.v[i], true);
    if (sv->verbose)
        lsp_log(sv, "%s: linted in %.1f ms", doc->path, now_ms() - t0);
}

static void lint_dirty(server *sv)
{
    for (size_t i = 0; i < sv->docs.n; i++)
        if (sv->docs.v[i]->dirty)
            lint_doc(sv, sv->docs.v[i]);
}

static void on_summaries(server *sv)
{
    char buf[64];
    while (read(sv->wake[0], buf, sizeof buf) > 0)
        ;
    for (size_t i = 0; i < sv->docs.n; i++)
        if (has_live_facts(sv->docs.v[i]) && !sv->docs.v[i]->dirty)
            resolve_and_publish(sv, sv->docs.v[i], true);
}

/* --- Settings --- */

static char *absolute(const char *path)
{
    if (path[0] == '/')
        return cl_xstrdup(path);
    char cwd[PATH_MAX];
    if (!getcwd(cwd, sizeof cwd))
        return cl_xstrdup(path);
    return cl_xasprintf("%s/%s", cwd, path);
}

static bool set_setting(char **slot, const json_t *v, bool is_path)
{
    char *next = NULL;
    if (json_is_string(v) && json_string_value(v)[0])
        next = is_path ? absolute(json_string_value(v)) : cl_xstrdup(json_string_value(v));
    else if (v && !json_is_null(v))
        return false; /* not a string: left as it was */
    else if (!v)
        return false;
    bool changed = !(*slot && next && strcmp(*slot, next) == 0) && (*slot || next);
    free(*slot);
    *slot = next;
    return changed;
}

/* Reads {compileCommandsDir, config, checks} (or the same under "ctxlint"). Returns a mask:
 * 1 = the database changed, 2 = the configuration changed. */
static int apply_settings(server *sv, const json_t *o)
{
    if (!json_is_object(o))
        return 0;
    const json_t *inner = json_object_get(o, "ctxlint");
    if (json_is_object(inner))
        o = inner;
    int changed = 0;
    if (set_setting(&sv->set.compile_commands_dir, json_object_get(o, "compileCommandsDir"), true))
        changed |= 1;
    if (set_setting(&sv->set.config, json_object_get(o, "config"), true))
        changed |= 2;
    if (set_setting(&sv->set.checks, json_object_get(o, "checks"), false))
        changed |= 2;
    return changed;
}

/* After a change to the databases (mask 1) or configurations (mask 2): documents start over
 * or re-read their configuration, and the summaries, which depend on both, are redone. */
static void invalidate(server *sv, int what)
{
    if (!what)
        return;
    for (size_t i = 0; i < sv->docs.n; i++) {
        cl_lsp_doc *doc = sv->docs.v[i];
        if (what & 1) {
            cl_lsp_doc_reset(doc);
        } else {
            cl_config_free(doc->cfg);
            doc->cfg = NULL;
            doc->dirty = true;
        }
    }
    cl_lsp_summaries_clear(sv->summaries);
    sv->summary_gen++;
}

/* --- Methods --- */

static json_t *text_document(const json_t *params, const char **uri)
{
    json_t *td = json_object_get(params, "textDocument");
    json_t *u = json_object_get(td, "uri");
    *uri = json_string_value(u);
    return *uri ? td : NULL;
}

static void on_initialize(server *sv, json_t *id, json_t *params)
{
    if (sv->initialized) {
        respond_error(sv, id, INVALID_REQUEST, "initialize was already received");
        return;
    }
    sv->initialized = true;
    apply_settings(sv, json_object_get(params, "initializationOptions"));
    json_t *dyn = json_object_get(
        json_object_get(json_object_get(json_object_get(params, "capabilities"), "workspace"),
                        "didChangeWatchedFiles"),
        "dynamicRegistration");
    sv->watch_files = json_is_true(dyn);
    json_t *caps =
        json_pack("{s:{s:b,s:i,s:{s:b}},s:{s:[s]}}", "textDocumentSync", "openClose", 1, "change",
                  1, "save", "includeText", 0, "codeActionProvider", "codeActionKinds", "quickfix");
    respond(sv, id,
            json_pack("{s:o,s:{s:s,s:s}}", "capabilities", caps, "serverInfo", "name", "ctxlint",
                      "version", CTXLINT_VERSION));
}

static void on_initialized(server *sv, json_t *params)
{
    (void)params;
    if (!sv->watch_files)
        return;
    json_t *watchers = json_pack("[{s:s},{s:s}]", "globPattern", "**/" CL_CONFIG_FILE_NAME,
                                 "globPattern", "**/compile_commands.json");
    request(sv, "client/registerCapability",
            json_pack("{s:[{s:s,s:s,s:{s:o}}]}", "registrations", "id", "ctxlint-watch", "method",
                      "workspace/didChangeWatchedFiles", "registerOptions", "watchers", watchers));
}

static void on_did_open(server *sv, json_t *params)
{
    const char *uri;
    json_t *td = text_document(params, &uri);
    json_t *text = json_object_get(td, "text");
    if (!td || !json_is_string(text)) {
        lsp_log(sv, "didOpen without a document or its text: ignored");
        return;
    }
    json_int_t version = json_integer_value(json_object_get(td, "version"));
    if (!cl_lsp_docs_open(&sv->docs, uri, json_string_value(text), json_string_length(text),
                          version))
        lsp_log(sv, "%s: not a file: URI, not linted", uri);
}

static void on_did_change(server *sv, json_t *params)
{
    const char *uri;
    json_t *td = text_document(params, &uri);
    cl_lsp_doc *doc = td ? cl_lsp_docs_find(&sv->docs, uri) : NULL;
    json_t *changes = json_object_get(params, "contentChanges");
    if (!doc || !json_is_array(changes)) {
        lsp_log(sv, "didChange for a document that is not open: ignored");
        return;
    }
    /* Full synchronisation: the last whole-text change is the document. */
    size_t i;
    json_t *c;
    json_array_foreach(changes, i, c)
    {
        json_t *text = json_object_get(c, "text");
        if (json_object_get(c, "range"))
            lsp_log(sv, "%s: incremental change ignored (the server asked for full sync)", uri);
        else if (json_is_string(text))
            cl_lsp_doc_set_text(doc, json_string_value(text), json_string_length(text),
                                json_integer_value(json_object_get(td, "version")));
    }
}

static void on_did_save(server *sv, json_t *params)
{
    const char *uri;
    json_t *td = text_document(params, &uri);
    cl_lsp_doc *doc = td ? cl_lsp_docs_find(&sv->docs, uri) : NULL;
    if (!doc)
        return;
    /* The file on disk is now the buffer: its facts are the summary other documents get even
     * after this one is closed. */
    if (doc->dirty)
        lint_doc(sv, doc);
    if (has_live_facts(doc))
        cl_lsp_summaries_put(sv->summaries, doc->path, &doc->facts);
}

static void on_did_close(server *sv, json_t *params)
{
    const char *uri;
    if (!text_document(params, &uri))
        return;
    if (cl_lsp_docs_find(&sv->docs, uri))
        notify(sv, "textDocument/publishDiagnostics",
               json_pack("{s:s,s:[]}", "uri", uri, "diagnostics"));
    cl_lsp_docs_close(&sv->docs, uri);
}

static bool wants_quickfix(const json_t *only)
{
    if (!json_is_array(only))
        return true;
    size_t i;
    json_t *k;
    json_array_foreach(only, i, k)
    {
        const char *s = json_string_value(k);
        if (s && (strcmp(s, "quickfix") == 0 || strcmp(s, "") == 0))
            return true;
    }
    return false;
}

static void on_code_action(server *sv, json_t *id, json_t *params)
{
    const char *uri;
    json_t *td = text_document(params, &uri);
    json_t *range = json_object_get(params, "range");
    if (!td || !json_is_object(range)) {
        respond_error(sv, id, INVALID_PARAMS, "codeAction needs textDocument.uri and range");
        return;
    }
    cl_lsp_doc *doc = cl_lsp_docs_find(&sv->docs, uri);
    if (!doc || !wants_quickfix(json_object_get(json_object_get(params, "context"), "only"))) {
        respond(sv, id, json_array());
        return;
    }
    if (doc->dirty)
        lint_doc(sv, doc);
    respond(sv, id, cl_lsp_code_actions(doc, range));
}

static void on_did_change_configuration(server *sv, json_t *params)
{
    /* Even with no settings of ours, the client says "configuration changed": re-read it. */
    invalidate(sv, apply_settings(sv, json_object_get(params, "settings")) | 2);
}

static const char *base_name(const char *path)
{
    const char *slash = strrchr(path, '/');
    return slash ? slash + 1 : path;
}

static void on_did_change_watched_files(server *sv, json_t *params)
{
    int what = 0;
    size_t i;
    json_t *c;
    json_array_foreach(json_object_get(params, "changes"), i, c)
    {
        const char *uri = json_string_value(json_object_get(c, "uri"));
        if (!uri)
            continue;
        if (strcmp(base_name(uri), CL_CONFIG_FILE_NAME) == 0)
            what |= 2;
        else if (strcmp(base_name(uri), "compile_commands.json") == 0)
            what |= 1;
    }
    invalidate(sv, what);
}

/* --- Dispatch --- */

typedef struct method {
    const char *name;
    void (*request)(server *sv, json_t *id, json_t *params);
    void (*notification)(server *sv, json_t *params);
} method;

static void on_shutdown(server *sv, json_t *id, json_t *params)
{
    (void)params;
    sv->shutdown = true;
    respond(sv, id, json_null());
}

static const method methods[] = {
    {"initialize", on_initialize, NULL},
    {"initialized", NULL, on_initialized},
    {"shutdown", on_shutdown, NULL},
    {"textDocument/didOpen", NULL, on_did_open},
    {"textDocument/didChange", NULL, on_did_change},
    {"textDocument/didSave", NULL, on_did_save},
    {"textDocument/didClose", NULL, on_did_close},
    {"textDocument/codeAction", on_code_action, NULL},
    {"workspace/didChangeConfiguration", NULL, on_did_change_configuration},
    {"workspace/didChangeWatchedFiles", NULL, on_did_change_watched_files},
};

static void dispatch(server *sv, const char *name, json_t *id, json_t *params)
{
    if (strcmp(name, "exit") == 0) {
        sv->exit = true;
        sv->status = sv->shutdown ? 0 : 1;
        return;
    }
    if (id && !sv->initialized && strcmp(name, "initialize") != 0) {
        respond_error(sv, id, SERVER_NOT_INITIALIZED, "the server is not initialized");
        return;
    }
    if (id && sv->shutdown) {
        respond_error(sv, id, INVALID_REQUEST, "the server is shut down: only exit is accepted");
        return;
    }
    if (!id && (!sv->initialized || sv->shutdown))
        return; /* notifications before initialize or after shutdown are dropped (spec) */
    for (size_t i = 0; i < sizeof methods / sizeof methods[0]; i++) {
        const method *m = &methods[i];
        if (strcmp(m->name, name) != 0)
            continue;
        if (id && m->request)
            m->request(sv, id, params);
        else if (!id && m->notification)
            m->notification(sv, params);
        else if (id)
            respond_error(sv, id, INVALID_REQUEST, "%s is a notification, not a request", name);
        return;
    }
    if (id)
        respond_error(sv, id, METHOD_NOT_FOUND, "method not found: %.200s", name);
    /* Unknown notifications ($/setTrace, $/cancelRequest, ...) may be ignored (spec). */
}

static void handle(server *sv, const char *body, size_t len)
{
    json_error_t jerr;
    json_t *msg = json_loadb(body, len, 0, &jerr);
    if (!msg) {
        respond_error(sv, NULL, PARSE_ERROR, "parse error: %s (line %d, column %d)", jerr.text,
                      jerr.line, jerr.column);
        return;
    }
    json_t *id = json_object_get(msg, "id");
    json_t *m = json_object_get(msg, "method");
    bool id_ok = !id || json_is_string(id) || json_is_integer(id);
    if (!json_is_object(msg) || !id_ok || !json_is_string(json_object_get(msg, "jsonrpc")) ||
        strcmp(json_string_value(json_object_get(msg, "jsonrpc")), "2.0") != 0) {
        respond_error(sv, id_ok ? id : NULL, INVALID_REQUEST,
                      "invalid request: a JSON-RPC 2.0 object with a method was expected");
    } else if (!m && (json_object_get(msg, "result") || json_object_get(msg, "error"))) {
        /* A response to one of the server's requests (registerCapability): nothing to do. */
    } else if (!json_is_string(m)) {
        respond_error(sv, id, INVALID_REQUEST, "invalid request: no method");
    } else {
        json_t *params = json_object_get(msg, "params");
        dispatch(sv, json_string_value(m), id, params ? params : json_null());
    }
    json_decref(msg);
}

static void serve(server *sv)
{
    while (!sv->exit) {
        if (!cl_lsp_input_ready(sv->io))
            lint_dirty(sv);
        int w = cl_lsp_wait(sv->io, sv->wake[0]);
        if (w < 0)
            break;
        if (w == 1) {
            on_summaries(sv);
            continue;
        }
        char *body = NULL;
        size_t len = 0;
        const char *err = NULL;
        cl_lsp_read_status st = cl_lsp_read(sv->io, &body, &len, &err);
        if (st == CL_LSP_EOF) {
            lsp_log(sv, "the input ended%s", sv->shutdown ? "" : " without shutdown and exit");
            sv->status = sv->shutdown ? 0 : 1;
            break;
        }
        if (st == CL_LSP_BAD_FRAME)
            respond_error(sv, NULL, PARSE_ERROR, "parse error: %s", err);
        else
            handle(sv, body, len);
        free(body);
    }
}

static void *serve_thread(void *arg)
{
    serve(arg);
    return NULL;
}

/* --- Arguments --- */

static const char usage[] =
    "usage: ctxlint lsp [--compile-commands-dir DIR] [--config FILE] [--checks GLOBS] "
    "[--verbose]\n"
    "A Language Server Protocol server on standard input and output (docs/editors.md).\n"
    "  --compile-commands-dir DIR  the folder of compile_commands.json (as -p; default: the\n"
    "                              nearest one above each file, or in its build/)\n"
    "  --config FILE               the configuration for every file (default: the nearest\n"
    "                              .ctxlint.yaml)\n"
    "  --checks GLOBS              checks enabled or disabled over the configuration\n"
    "  --verbose                   log each lint and its time to standard error\n";

/* "--name VALUE" or "--name=VALUE": the value, advancing *i past it; NULL if `arg` is not it. */
static const char *option_value(int argc, char **argv, int *i, const char *name, bool *missing)
{
    size_t n = strlen(name);
    if (strncmp(argv[*i], name, n) != 0)
        return NULL;
    if (argv[*i][n] == '=')
        return argv[*i] + n + 1;
    if (argv[*i][n] != '\0')
        return NULL;
    if (*i + 1 >= argc) {
        *missing = true;
        return NULL;
    }
    return argv[++*i];
}

static int parse_args(int argc, char **argv, server *sv)
{
    for (int i = 1; i < argc; i++) {
        bool missing = false;
        const char *v;
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            fputs(usage, stderr);
            return 0;
        } else if (strcmp(argv[i], "--verbose") == 0) {
            sv->verbose = true;
        } else if ((v = option_value(argc, argv, &i, "--compile-commands-dir", &missing))) {
            free(sv->set.compile_commands_dir);
            sv->set.compile_commands_dir = absolute(v);
        } else if ((v = option_value(argc, argv, &i, "--config", &missing))) {
            free(sv->set.config);
            sv->set.config = absolute(v);
        } else if ((v = option_value(argc, argv, &i, "--checks", &missing))) {
            free(sv->set.checks);
            sv->set.checks = cl_xstrdup(v);
        } else if (strcmp(argv[i], "--stdio") == 0) {
            /* what VS Code's generic clients pass: standard I/O is the only transport */
        } else {
            fprintf(stderr, "ctxlint lsp: error: %s: %s\n%s", argv[i],
                    missing ? "needs a value" : "unknown argument", usage);
            return 2;
        }
    }
    return -1;
}

int cl_lsp_main(int argc, char **argv)
{
    server sv = {.summary_gen = 1, .status = 1};
    int rc = parse_args(argc, argv, &sv);
    if (rc >= 0) {
        free(sv.set.compile_commands_dir);
        free(sv.set.config);
        free(sv.set.checks);
        return rc;
    }
    /* The protocol gets a private copy of standard output; fd 1 becomes standard error. */
    int out = dup(STDOUT_FILENO);
    if (out < 0 || dup2(STDERR_FILENO, STDOUT_FILENO) < 0 || pipe(sv.wake) != 0) {
        fprintf(stderr, "ctxlint lsp: error: cannot set up standard output: %s\n", strerror(errno));
        return 2;
    }
    fcntl(out, F_SETFD, FD_CLOEXEC);
    for (int k = 0; k < 2; k++) {
        fcntl(sv.wake[k], F_SETFD, FD_CLOEXEC);
        fcntl(sv.wake[k], F_SETFL, fcntl(sv.wake[k], F_GETFL) | O_NONBLOCK);
    }
    signal(SIGPIPE, SIG_IGN); /* a client that goes away is an error on write, not a kill */

    sv.io = cl_lsp_io_new(STDIN_FILENO, out);
    sv.idx = clang_createIndex(0, 0); /* no diagnostics printed by libclang */
    sv.summaries = cl_lsp_summaries_new(sv.wake[1]);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, CL_SERVER_STACK);
    pthread_t t;
    if (pthread_create(&t, &attr, serve_thread, &sv) == 0)
        pthread_join(t, NULL);
    else
        serve(&sv);
    pthread_attr_destroy(&attr);

    cl_lsp_summaries_free(sv.summaries);
    cl_lsp_docs_free(&sv.docs);
    clang_disposeIndex(sv.idx);
    cl_lsp_io_free(sv.io);
    close(out);
    close(sv.wake[0]);
    close(sv.wake[1]);
    free(sv.set.compile_commands_dir);
    free(sv.set.config);
    free(sv.set.checks);
    return sv.status;
}
