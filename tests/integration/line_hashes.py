#!/usr/bin/env python3
"""An independent reimplementation of github/codeql-action's src/fingerprints.ts `hash`,
written from the TypeScript, to check ctxlint's primaryLocationLineHash against.

  line_hashes.py FILE            prints "LINE HASH" for every line of FILE
  line_hashes.py --check SARIF   checks every result's partialFingerprints against FILE's
                                 hashes (files resolved through originalUriBaseIds)
"""
import json
import sys
import urllib.parse

BLOCK_SIZE = 100
MASK = (1 << 64) - 1


def line_hashes(data: bytes) -> dict:
    # fs.readFileSync(...).toString(): UTF-8 with U+FFFD for invalid bytes, then UTF-16 units.
    text = data.decode("utf-8", errors="replace")
    raw = text.encode("utf-16-le")
    units = [int.from_bytes(raw[i:i + 2], "little") for i in range(0, len(raw), 2)] + [65535]
    first_mod = pow(37, BLOCK_SIZE, 1 << 64)
    window = [0] * BLOCK_SIZE
    line_numbers = [-1] * BLOCK_SIZE
    state = {"hash": 0, "index": 0}
    counts = {}
    out = {}

    def output():
        value = format(state["hash"], "x")
        counts[value] = counts.get(value, 0) + 1
        out[line_numbers[state["index"]]] = f"{value}:{counts[value]}"
        line_numbers[state["index"]] = -1

    def update(c):
        i = state["index"]
        begin = window[i]
        window[i] = c
        state["hash"] = (37 * state["hash"] + c - first_mod * begin) & MASK
        state["index"] = (i + 1) % BLOCK_SIZE

    line_number = 0
    line_start = True
    prev_cr = False
    for c in units:
        if c in (0x20, 0x09) or (prev_cr and c == 0x0A):
            prev_cr = False
            continue
        if c == 0x0D:
            c = 0x0A
            prev_cr = True
        else:
            prev_cr = False
        if line_numbers[state["index"]] != -1:
            output()
        if line_start:
            line_start = False
            line_number += 1
            line_numbers[state["index"]] = line_number
        if c == 0x0A:
            line_start = True
        update(c)
    for _ in range(BLOCK_SIZE):
        if line_numbers[state["index"]] != -1:
            output()
        update(0)
    return out


def check(sarif_path: str) -> int:
    doc = json.load(open(sarif_path, encoding="utf-8"))
    checked = bad = 0
    for run in doc["runs"]:
        bases = run.get("originalUriBaseIds", {})
        cache = {}
        for res in run.get("results", []):
            loc = res["locations"][0]["physicalLocation"]
            art = loc["artifactLocation"]
            uri = art["uri"]
            if "uriBaseId" in art:
                uri = bases[art["uriBaseId"]]["uri"] + uri
            path = urllib.parse.unquote(urllib.parse.urlparse(uri).path)
            if path not in cache:
                cache[path] = line_hashes(open(path, "rb").read())
            want = cache[path].get(loc["region"]["startLine"])
            got = res.get("partialFingerprints", {}).get("primaryLocationLineHash")
            checked += 1
            if want != got:
                bad += 1
                print(f"{path}:{loc['region']['startLine']}: ctxlint {got}, reference {want}")
    print(f"fingerprints: {checked} checked, {bad} wrong")
    return 1 if bad or not checked else 0


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--check":
        sys.exit(check(sys.argv[2]))
    hashes = line_hashes(open(sys.argv[1], "rb").read())
    for line in sorted(hashes):
        print(line, hashes[line])
