#!/usr/bin/env python3
"""A whole `ctxlint lsp` session from a scripted client: initialize, open a file with a null
context and an async capture, check the diagnostics, apply the quick fix and the suppression
the server offers, reload the configuration (watched-file notice and modification time),
survive malformed messages, and shut down with the statuses the specification gives.

usage: lsp_session.py CTXLINT INPUT.c RUNTIME_INCLUDE WORKDIR"""

import json
import os
import re
import shutil
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from lsp_client import Client, LspError, apply_edits, path_uri, range_text  # noqa: E402

failures = []


def check(cond, what):
    if not cond:
        failures.append(what)
        print("FAIL: " + what)
    return cond


def marker_line(text, rule):
    for i, line in enumerate(text.split("\n")):
        if re.search(r"// expect: " + re.escape(rule) + r"\b", line):
            return i
    raise SystemExit("no '// expect: %s' marker in the input" % rule)


def rule_severities(ctxlint):
    """LSP severities from `ctxlint --list-rules` (the rules' defaults)."""
    out = subprocess.run([ctxlint, "--list-rules"], check=True, capture_output=True,
                         text=True).stdout
    lsp = {"error": 1, "warning": 2, "note": 3}
    return {f[0]: lsp[f[1]] for f in (l.split() for l in out.splitlines()) if len(f) > 1}


def by_code(diags, code):
    return [d for d in diags if d.get("code") == code]


def main():
    ctxlint, input_c, runtime_include, work = sys.argv[1:5]
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    src = os.path.join(work, "session.c")
    shutil.copy(input_c, src)
    # The database lives in a build folder the server would not find by itself: the client
    # names it, as clangd's users do.
    db = os.path.join(work, "out")
    os.makedirs(db)
    with open(os.path.join(db, "compile_commands.json"), "w") as f:
        json.dump([{"directory": work, "file": "session.c",
                    "arguments": ["cc", "-std=c11", "-I" + runtime_include, "-c", "session.c"]}],
                  f)
    text = open(src, encoding="utf-8").read()
    uri = path_uri(src)
    nil_line = marker_line(text, "nil-context")
    async_line = marker_line(text, "async-capture")
    severity = rule_severities(ctxlint)

    c = Client([ctxlint, "lsp"], stderr=open(os.path.join(work, "server.log"), "wb"))
    init = c.request("initialize", {
        "processId": os.getpid(), "rootUri": path_uri(work), "capabilities": {},
        "initializationOptions": {"compileCommandsDir": db}})
    caps = init["capabilities"]
    sync = caps.get("textDocumentSync", {})
    check(sync.get("change") == 1 and sync.get("openClose") is True and "save" in sync,
          "initialize advertises full sync with open/close and save: %s" % sync)
    check("quickfix" in caps.get("codeActionProvider", {}).get("codeActionKinds", []),
          "initialize advertises quick-fix code actions")
    c.notify("initialized", {})

    # --- diagnostics on open ---
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "c", "version": 1, "text": text}})
    _, diags = c.wait_diagnostics(uri, 1)
    nil = by_code(diags, "nil-context")
    asy = by_code(diags, "async-capture")
    check(len(nil) == 1 and len(asy) == 1 and len(diags) == 2,
          "one nil-context and one async-capture diagnostic: %s" % diags)
    if not (nil and asy):
        return finish(c)
    nil, asy = nil[0], asy[0]
    check(nil["range"]["start"]["line"] == nil_line and nil["range"]["end"]["line"] == nil_line,
          "nil-context on line %d: %s" % (nil_line, nil["range"]))
    check(range_text(text, nil["range"]) == "NULL",
          "nil-context's range covers NULL in UTF-16 units: %r" %
          range_text(text, nil["range"]))
    check(asy["range"]["start"]["line"] == async_line, "async-capture on line %d" % async_line)
    check(range_text(text, asy["range"]) == "req",
          "async-capture's range covers the argument: %r" % range_text(text, asy["range"]))
    for d in (nil, asy):
        check(d.get("source") == "ctxlint", "source is ctxlint")
        check(d.get("severity") == severity[d["code"]],
              "%s severity %s is the rule's default" % (d["code"], d.get("severity")))
        href = d.get("codeDescription", {}).get("href", "")
        check(href.startswith("http") and href.endswith("/" + d["code"] + ".md"),
              "codeDescription links the rule page: %r" % href)
        check(d.get("message"), "a message")

    # --- the quick fix, applied to the buffer ---
    actions = c.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": nil["range"],
        "context": {"diagnostics": [nil]}})
    fixes = [a for a in actions if a.get("kind") == "quickfix" and
             not a["title"].startswith("Suppress")]
    check(len(fixes) == 1, "one fix-it action at the nil-context range: %s" %
          [a["title"] for a in actions])
    check(any(a["title"] == "Suppress nil-context on this line" for a in actions),
          "a suppression action for nil-context")
    if not fixes:
        return finish(c)
    edits = fixes[0]["edit"]["changes"][uri]
    fixed = apply_edits(text, edits)
    want = text.split("\n")
    want[nil_line] = want[nil_line].replace("fetch(NULL, 1)", "fetch(ctx_todo(), 1)")
    check(fixed == "\n".join(want), "the fix replaces NULL with ctx_todo(): %r" %
          fixed.split("\n")[nil_line])
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 2},
                                        "contentChanges": [{"text": fixed}]})
    _, diags = c.wait_diagnostics(uri, 2)
    check(len(diags) == 1 and len(by_code(diags, "async-capture")) == 1,
          "after the fix only async-capture remains: %s" % [d["code"] for d in diags])

    # --- malformed input: errors, and the server lives on ---
    c.send_raw(b"Content-Length: 9\r\n\r\n{not json")
    _, err = c.wait_for(lambda m: "error" in m, 10, "the parse error")
    check(err["error"]["code"] == -32700 and err.get("id") is None,
          "bad JSON gets -32700 with a null id: %s" % err)
    c.send_raw(b"Content-Length: many\r\n\r\n")
    _, err = c.wait_for(lambda m: "error" in m, 10, "the header error")
    check(err["error"]["code"] == -32700, "a bad header gets -32700: %s" % err)
    rid = c.request_async("no/suchMethod", {})
    err = c.response(rid, 10)
    check(err.get("error", {}).get("code") == -32601, "an unknown method gets -32601: %s" % err)
    c.send({"jsonrpc": "2.0", "id": 4242})
    _, err = c.wait_for(lambda m: m.get("id") == 4242, 10, "the invalid-request error")
    check(err.get("error", {}).get("code") == -32600, "no method gets -32600: %s" % err)
    c.send([1, 2])
    _, err = c.wait_for(lambda m: "error" in m, 10, "the batch error")
    check(err["error"]["code"] == -32600, "a non-object gets -32600: %s" % err)
    check(c.proc.poll() is None, "the server is alive after malformed messages")

    # --- configuration: a new .ctxlint.yaml announced by the client ---
    cfg = os.path.join(work, ".ctxlint.yaml")
    with open(cfg, "w") as f:
        f.write('checks: "-async-capture"\n')
    c.notify("workspace/didChangeWatchedFiles", {"changes": [{"uri": path_uri(cfg), "type": 1}]})
    _, diags = c.wait_diagnostics(uri, 2)
    check(not diags, "async-capture disabled by the new .ctxlint.yaml: %s" % diags)
    # ... and edited without a notice: its modification time is compared on each lint.
    time.sleep(0.05)
    with open(cfg, "w") as f:
        f.write('checks: "*"\n')
    c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 3},
                                        "contentChanges": [{"text": fixed}]})
    _, diags = c.wait_diagnostics(uri, 3)
    check(len(by_code(diags, "async-capture")) == 1,
          "async-capture back after .ctxlint.yaml changed on disk: %s" % diags)

    # --- suppression on the line ---
    asy = by_code(diags, "async-capture")[0] if diags else asy
    actions = c.request("textDocument/codeAction", {
        "textDocument": {"uri": uri}, "range": asy["range"], "context": {"diagnostics": [asy]}})
    sup = [a for a in actions if a["title"] == "Suppress async-capture on this line"]
    if check(len(sup) == 1, "a suppression action for async-capture: %s" %
             [a["title"] for a in actions]):
        quiet = apply_edits(fixed, sup[0]["edit"]["changes"][uri])
        check(quiet.split("\n")[async_line].endswith(" // NOLINT(async-capture)"),
              "the suppression appends // NOLINT(async-capture): %r" %
              quiet.split("\n")[async_line])
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": 4},
                                            "contentChanges": [{"text": quiet}]})
        _, diags = c.wait_diagnostics(uri, 4)
        check(not diags, "no diagnostics once suppressed: %s" % diags)

    # --- close clears ---
    c.notify("textDocument/didClose", {"textDocument": {"uri": uri}})
    _, diags = c.wait_diagnostics(uri)
    check(diags == [], "didClose clears the diagnostics")
    return finish(c)


def finish(c):
    try:
        check(c.request("shutdown", None) is None, "shutdown answers null")
        rid = c.request_async("textDocument/codeAction", {})
        err = c.response(rid, 10)
        check(err.get("error", {}).get("code") == -32600, "requests after shutdown fail")
        c.notify("exit", None)
        check(c.proc.wait(30) == 0, "exit after shutdown: status 0 (got %s)" % c.proc.returncode)
    except LspError as e:
        check(False, str(e))
    return report()


def without_shutdown(ctxlint):
    c = Client([ctxlint, "lsp"], stderr=subprocess.DEVNULL)
    c.request("initialize", {"processId": None, "rootUri": None, "capabilities": {}})
    c.notify("exit", None)
    check(c.proc.wait(30) == 1, "exit without shutdown: status 1 (got %s)" % c.proc.returncode)
    c = Client([ctxlint, "lsp"], stderr=subprocess.DEVNULL)
    rid = c.request_async("textDocument/codeAction", {})
    err = c.response(rid, 10)
    check(err.get("error", {}).get("code") == -32002, "a request before initialize gets -32002")
    check(c.close() == 1, "input ending without shutdown: status 1")


def report():
    if failures:
        print("%d check(s) failed" % len(failures))
        return 1
    print("PASS")
    return 0


if __name__ == "__main__":
    try:
        without_shutdown(sys.argv[1])
        sys.exit(main())
    except LspError as e:
        print("FAIL: " + str(e))
        sys.exit(1)
