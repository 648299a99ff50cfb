#!/usr/bin/env bash
# The output formats through the real binary: JSON parses and lists the findings, GitHub
# workflow commands name the root-relative file and rule, text is gcc-style, --output writes the
# same report to a file (replacing it whole, leaving no temporary behind), and the exit status
# is 1 with findings, 0 without, 2 for an unknown format.
# Usage: formats.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
need python3
make_project
cd "$P/src"

run --format json -p "$P" >"$WORK/out.json"
[ "$status" = 1 ] || fail "json: exit $status, expected 1"
python3 - "$WORK/out.json" <<'PY'
import json, sys
f = json.load(open(sys.argv[1]))
assert isinstance(f, list) and len(f) == 2, f
h = [x for x in f if x["file"] == "handler.c"][0]
assert (h["line"], h["column"], h["end_line"]) == (4, 20, 4), h
assert h["end_column"] > h["column"], h
assert h["rule"] == "context-not-first" and h["severity"] == "warning", h
assert "first parameter" in h["message"] and h["notes"] == [] and h["fixes"] == [], h
PY

run --format github -p "$P" >"$WORK/out.gh"
[ "$status" = 1 ] || fail "github: exit $status, expected 1"
grep -q '^::warning file=src/handler.c,line=4,col=20,endLine=4,endColumn=[0-9]*,title=ctxlint (context-not-first)::' "$WORK/out.gh" ||
  { cat "$WORK/out.gh"; fail "github: no annotation for src/handler.c:4"; }

run -p "$P" >"$WORK/out.txt"
[ "$status" = 1 ] || fail "text: exit $status, expected 1"
grep -q '^handler.c:4:20: warning: .* \[context-not-first\]$' "$WORK/out.txt" ||
  { cat "$WORK/out.txt"; fail "text: no gcc-style line"; }

# --output: an existing file is replaced whole, with the same report as standard output.
echo "old content that is much longer than nothing" >"$WORK/report.json"
run --format json -p "$P" -o "$WORK/report.json" >"$WORK/stdout.txt"
[ "$status" = 1 ] || fail "--output: exit $status, expected 1"
[ ! -s "$WORK/stdout.txt" ] || fail "--output: the report also went to standard output"
cmp -s "$WORK/report.json" "$WORK/out.json" || fail "--output: differs from the standard output report"
compgen -G "$WORK/*ctxlint-tmp*" >/dev/null && fail "--output left a temporary file"
run --format sarif -p "$P" -o "$WORK/no/such/dir/r.sarif" 2>"$WORK/err.txt"
[ "$status" = 2 ] || fail "--output into a missing folder: exit $status, expected 2"
grep -q "no/such/dir/r.sarif" "$WORK/err.txt" || fail "--output error does not name the file"

run --format json "$P/src/clean.c" -- "-I$RUNTIME_INCLUDE" >"$WORK/clean.json"
[ "$status" = 0 ] || fail "clean file: exit $status, expected 0"
[ "$(cat "$WORK/clean.json")" = "[]" ] || fail "clean file: JSON is not an empty array"

run --format yaml "$P/src/clean.c" 2>"$WORK/err.txt"
[ "$status" = 2 ] || fail "unknown format: exit $status, expected 2"
grep -q "json, sarif, github" "$WORK/err.txt" || fail "unknown format: the message lists no formats"
echo "PASS: json, github, text, --output and exit statuses"
