#!/usr/bin/env bash
# Editors: --stdin-filename PATH lints the unsaved buffer from standard input with PATH's flags
# from the database, and reports it under PATH; the file on disk is neither read for findings
# nor changed.
# Usage: stdin_filename.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
make_project
cd "$P"
cp src/handler.c "$WORK/disk.c"

# The buffer fixes the bug the file on disk still has.
sed 's/int handle(int id, ctx_t \*ctx)/int handle(ctx_t *ctx, int id)/' src/handler.c |
  { run -p "$P" --stdin-filename src/handler.c >"$WORK/out1.txt"; echo "$status" >"$WORK/s1"; }
[ "$(cat "$WORK/s1")" = 0 ] || { cat "$WORK/out1.txt"; fail "fixed buffer: exit $(cat "$WORK/s1"), expected 0"; }

# The buffer has two new lines on top and a second bug: both reported at the buffer's lines.
{ printf '/* unsaved */\n\n'; cat src/handler.c; printf 'int more(int a, ctx_t *c) { (void)c; return a; }\n'; } |
  { run -p "$P" --stdin-filename src/handler.c --format json >"$WORK/out2.json"; echo "$status" >"$WORK/s2"; }
[ "$(cat "$WORK/s2")" = 1 ] || fail "buggy buffer: exit $(cat "$WORK/s2"), expected 1"
grep -q '"file": "src/handler.c"' "$WORK/out2.json" || fail "findings not reported under PATH"
grep -q '"line": 6,' "$WORK/out2.json" || { cat "$WORK/out2.json"; fail "the first finding is not at the buffer's line 6"; }
grep -q "'more'" "$WORK/out2.json" || fail "the buffer's new finding is missing"
cmp -s src/handler.c "$WORK/disk.c" || fail "the file on disk changed"

run --stdin-filename src/handler.c src/clean.c 2>"$WORK/err.txt" </dev/null
[ "$status" = 2 ] || fail "--stdin-filename with another file: exit $status, expected 2"
echo "PASS: --stdin-filename lints the buffer under PATH with PATH's flags"
