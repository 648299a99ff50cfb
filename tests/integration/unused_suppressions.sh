#!/usr/bin/env bash
# --report-unused-suppressions through the real binary: a NOLINT that suppresses a finding is
# silent, one that suppresses nothing is reported (rule "nolint") only with the option, and
# the exit status follows.
# Usage: unused_suppressions.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
make_project
cd "$P"
f=src/unicode.c
used=$(grep -n 'int quiet' "$f" | cut -d: -f1)
stale=$(grep -n 'int stale' "$f" | cut -d: -f1)

run "$f" -p "$P" >"$WORK/plain.txt"
[ "$status" = 1 ] || fail "without the option: exit $status, expected 1 (the café finding)"
grep -q "nolint" "$WORK/plain.txt" && fail "unused suppression reported without the option"
grep -q "^$f:$used:" "$WORK/plain.txt" && fail "the NOLINT on line $used did not suppress"

run --report-unused-suppressions "$f" -p "$P" >"$WORK/opt.txt"
[ "$status" = 1 ] || fail "with the option: exit $status, expected 1"
grep -q "^$f:$stale:[0-9]*: warning: .*\[nolint\]$" "$WORK/opt.txt" ||
  { cat "$WORK/opt.txt"; fail "the unused NOLINT on line $stale is not reported"; }
grep -q "^$f:$used:" "$WORK/opt.txt" && fail "the used NOLINT on line $used was reported"
[ "$(grep -c '\[nolint\]' "$WORK/opt.txt")" = 1 ] || fail "expected exactly one nolint finding"

# Only the stale NOLINT left: the option alone makes the run fail.
sed -i '/café_handler/,/^}/d' "$f"
run "$f" -p "$P" >/dev/null
[ "$status" = 0 ] || fail "clean file without the option: exit $status, expected 0"
run --report-unused-suppressions "$f" -p "$P" >/dev/null
[ "$status" = 1 ] || fail "stale NOLINT with the option: exit $status, expected 1"
echo "PASS: used NOLINT silent, unused one reported only with --report-unused-suppressions"
