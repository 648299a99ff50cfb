"""A minimal Language Server Protocol client over a child process's standard I/O, for the
server's tests and its latency benchmark (bench/lsp). Standard library only."""

import json
import os
import queue
import subprocess
import threading
import time


class LspError(Exception):
    pass


class Client:
    def __init__(self, argv, stderr=None, cwd=None):
        self.proc = subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=stderr, cwd=cwd)
        self.messages = queue.Queue()
        self.next_id = 0
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    # --- framing ---

    def _read(self):
        out = self.proc.stdout
        while True:
            headers = {}
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                line = line.decode("ascii").rstrip("\r\n")
                if not line:
                    break
                name, _, value = line.partition(":")
                headers[name.strip().lower()] = value.strip()
            body = out.read(int(headers["content-length"]))
            self.messages.put((time.monotonic(), json.loads(body.decode("utf-8"))))

    def send_raw(self, data):
        self.proc.stdin.write(data)
        self.proc.stdin.flush()

    def send(self, msg):
        body = json.dumps(msg).encode("utf-8")
        self.send_raw(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    def notify(self, method, params):
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    def request_async(self, method, params):
        self.next_id += 1
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        return self.next_id

    # --- receiving ---

    def next_message(self, timeout=30.0):
        """The next message from the server (with its arrival time), or an error."""
        try:
            item = self.messages.get(timeout=timeout)
        except queue.Empty:
            raise LspError("no message from the server within %.0f s" % timeout)
        if item is None:
            raise LspError("the server closed its output (exit status %s)" % self.proc.poll())
        return item

    def wait_for(self, pred, timeout=30.0, what="a message"):
        """Reads messages until pred(msg) holds; returns (arrival time, msg). The others are
        kept in self.seen."""
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise LspError("timed out waiting for " + what)
            when, msg = self.next_message(left)
            if pred(msg):
                return when, msg

    def response(self, rid, timeout=30.0):
        _, msg = self.wait_for(lambda m: m.get("id") == rid and "method" not in m, timeout,
                               "the response to request %s" % rid)
        return msg

    def request(self, method, params, timeout=30.0):
        msg = self.response(self.request_async(method, params), timeout)
        if "error" in msg:
            raise LspError("%s failed: %s" % (method, msg["error"]))
        return msg["result"]

    def wait_diagnostics(self, uri, version=None, timeout=30.0):
        """The next publishDiagnostics for uri (for this version, when given)."""
        def match(m):
            if m.get("method") != "textDocument/publishDiagnostics":
                return False
            p = m["params"]
            return p["uri"] == uri and (version is None or p.get("version") == version)
        when, msg = self.wait_for(match, timeout, "diagnostics for " + uri)
        return when, msg["params"]["diagnostics"]

    def close(self, timeout=30.0):
        try:
            self.proc.stdin.close()
        except OSError:
            pass
        return self.proc.wait(timeout)


def path_uri(path):
    from urllib.parse import quote
    return "file://" + quote(os.path.abspath(path))


def utf16_offset(line, character):
    """The index into the Python string `line` of the UTF-16 column `character`."""
    units = 0
    for i, ch in enumerate(line):
        if units >= character:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(line)


def apply_edits(text, edits):
    """Applies LSP TextEdits (UTF-16 positions) to text, last first."""
    lines = text.split("\n")

    def offset(pos):
        before = sum(len(l) + 1 for l in lines[:pos["line"]])
        return before + utf16_offset(lines[pos["line"]], pos["character"])

    spans = sorted(((offset(e["range"]["start"]), offset(e["range"]["end"]), e["newText"])
                    for e in edits), reverse=True)
    for start, end, new in spans:
        text = text[:start] + new + text[end:]
    return text


def range_text(text, rng):
    """The text an LSP range covers (on one line)."""
    line = text.split("\n")[rng["start"]["line"]]
    a = utf16_offset(line, rng["start"]["character"])
    b = utf16_offset(line, rng["end"]["character"])
    return line[a:b]
