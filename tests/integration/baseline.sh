#!/usr/bin/env bash
# --write-baseline / --baseline through the real binary: a recorded finding stays hidden after
# lines are inserted above it (its line number changes), a new finding is still reported, and a
# malformed baseline stops the run with exit 2 naming the file and the reason.
# Usage: baseline.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
make_project
cd "$P"

run --write-baseline ctxlint-baseline.json -p "$P" >"$WORK/out.txt" 2>"$WORK/err.txt"
[ "$status" = 0 ] || fail "--write-baseline: exit $status, expected 0"
grep -q 'recorded 2 findings' "$WORK/err.txt" || { cat "$WORK/err.txt"; fail "--write-baseline: no summary"; }
grep -q '"file": "src/handler.c"' ctxlint-baseline.json || fail "baseline lacks src/handler.c"
grep -q '"line"' ctxlint-baseline.json && fail "the baseline records line numbers"

run --baseline ctxlint-baseline.json -p "$P" >"$WORK/out.txt"
[ "$status" = 0 ] || { cat "$WORK/out.txt"; fail "--baseline right after writing it: exit $status, expected 0"; }

# Insert lines above the finding in handler.c: it moves from line 4 to line 9.
{
  head -n 2 src/handler.c
  printf '\nenum { A, B };\n/* new code above */\nstatic int helper(void) { return A; }\n\n'
  tail -n +3 src/handler.c
} >"$WORK/h.c" && mv "$WORK/h.c" src/handler.c
run -p "$P" >"$WORK/all.txt"
grep -q '^src/handler.c:9:' "$WORK/all.txt" || { cat "$WORK/all.txt"; fail "the finding did not move to line 9"; }
run --baseline ctxlint-baseline.json -p "$P" >"$WORK/out.txt"
[ "$status" = 0 ] || { cat "$WORK/out.txt"; fail "moved finding resurrected by inserted lines"; }

# A new finding is reported.
printf '\nint added(int x, ctx_t *c)\n{\n    (void)c;\n    return x;\n}\n' >>src/handler.c
run --baseline ctxlint-baseline.json -p "$P" >"$WORK/out.txt"
[ "$status" = 1 ] || fail "new finding: exit $status, expected 1"
[ "$(grep -c 'context-not-first' "$WORK/out.txt")" = 1 ] || { cat "$WORK/out.txt"; fail "expected exactly the new finding"; }
grep -q "'added'" "$WORK/out.txt" || fail "the reported finding is not the new one"

# Malformed baselines.
echo '{"version": 1, "findings": [' >bad.json
run --baseline bad.json -p "$P" >"$WORK/out.txt" 2>"$WORK/err.txt"
[ "$status" = 2 ] || fail "malformed baseline: exit $status, expected 2"
grep -q 'bad.json:[0-9]*:[0-9]*: not a valid baseline' "$WORK/err.txt" || { cat "$WORK/err.txt"; fail "malformed: message"; }
[ ! -s "$WORK/out.txt" ] || fail "malformed baseline: a report was printed anyway"
echo '{"version": 1, "findings": [{"rule": "x", "file": "y", "hash": "0", "count": 1}]}' >bad.json
run --baseline bad.json -p "$P" 2>"$WORK/err.txt" >/dev/null
[ "$status" = 2 ] || fail "bad hash: exit $status, expected 2"
grep -q "bad.json: findings\[0\]: 'hash'" "$WORK/err.txt" || { cat "$WORK/err.txt"; fail "bad hash: message"; }
run --baseline missing.json -p "$P" 2>"$WORK/err.txt" >/dev/null
[ "$status" = 2 ] || fail "missing baseline: exit $status, expected 2"
grep -q "missing.json" "$WORK/err.txt" || fail "missing baseline: message does not name the file"
echo "PASS: baseline survives inserted lines, new findings reported, malformed baselines rejected"
