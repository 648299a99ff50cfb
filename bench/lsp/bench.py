#!/usr/bin/env python3
"""Latency of `ctxlint lsp` as an editor sees it: the time from didOpen to the first
publishDiagnostics (a full parse that also builds the precompiled preamble), then the time
from each didChange to its publishDiagnostics (a reparse reusing the preamble), over a series
of edits in a function body. Prints one line per file: the first diagnostics, all of them
(as many as the file's `// expect:` markers: cross-file findings wait for the background
summaries), and the median and 90th percentile of the re-lints.

usage: bench.py CTXLINT COMPILE_COMMANDS_DIR FILE [FILE...]
(EDITS=N edits per file, default 30; LSP_LOG=FILE appends the server's standard error there)"""

import os
import statistics
import sys
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "../../analyzer/tests/lsp"))
from lsp_client import Client, path_uri  # noqa: E402


def edited(text, i):
    """The text with one statement added inside the last function body, varying with i."""
    cut = text.rstrip().rfind("}")
    return text[:cut] + "    (void)%d; /* edit %d */\n" % (i, i) + text[cut:]


def session(ctxlint, ccdir, path, edits):
    c = Client([ctxlint, "lsp", "--compile-commands-dir", ccdir], stderr=open(os.environ.get("LSP_LOG", os.devnull), "ab"))
    c.request("initialize", {"processId": os.getpid(), "rootUri": None, "capabilities": {}})
    c.notify("initialized", {})
    uri = path_uri(path)
    text = open(path, encoding="utf-8").read()
    start = time.monotonic()
    c.notify("textDocument/didOpen", {"textDocument": {
        "uri": uri, "languageId": "c", "version": 1, "text": text}})
    when, diags = c.wait_diagnostics(uri, 1, timeout=120)
    first = (when - start) * 1e3
    # Findings that need other files' facts come once the background summaries have them.
    expected = text.count("// expect:")
    while len(diags) < expected:
        when, diags = c.wait_diagnostics(uri, 1, timeout=120)
    complete = (when - start) * 1e3
    later = []
    for i in range(edits):
        version = i + 2
        sent = time.monotonic()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [{"text": edited(text, i)}]})
        when, _ = c.wait_diagnostics(uri, version, timeout=60)
        later.append((when - sent) * 1e3)
        time.sleep(0.02)  # as typing: each edit reaches an idle server
    c.request("shutdown", None)
    c.notify("exit", None)
    c.proc.wait(30)
    return first, complete, later, len(diags), text.count("\n")


def main():
    ctxlint, ccdir = sys.argv[1], sys.argv[2]
    edits = int(os.environ.get("EDITS", "30"))
    print("%-20s %6s %6s %10s %10s %10s %8s" % ("file", "lines", "diags", "first ms",
                                                "all ms", "median ms", "p90 ms"))
    for path in sys.argv[3:]:
        first, complete, later, n, lines = session(ctxlint, ccdir, path, edits)
        later.sort()
        p90 = later[min(len(later) - 1, int(0.9 * len(later)))]
        print("%-20s %6d %6d %10.1f %10.1f %10.1f %8.1f" % (
            os.path.basename(path), lines, n, first, complete, statistics.median(later), p90))


if __name__ == "__main__":
    main()
