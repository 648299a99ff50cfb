#!/usr/bin/env bash
# Integration test of the result cache: a small generated project linted twice with the same
# --cache-dir reports the same thing, and the second run parses nothing (ctxlint --stats counts
# the units it really parsed and the ones it took from the cache). Then: an edited header
# re-lints exactly the units that include it, a unit with compile errors is never cached, and
# --no-cache parses everything.
# Every rule's test data, linted cold and then from the cache, gives the same report (every
# rule's findings, notes, fix-its and cross-file facts go through the cache).
#   it_cache_reuse.sh CTXLINT SOURCE_DIR TESTDATA_DB
set -euo pipefail
ctxlint=$1 src=$2 db=$3
work=$(mktemp -d /tmp/ctxlint-it-cache-XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$src/bench/lint/gen_corpus.py" "$work/p" --units 6 --runtime-include "$src/runtime/include" >/dev/null
units=7 # the 6 generated ones and keys.c

fail() { echo "FAIL: $*"; exit 1; }
lint() { # lint NAME ARGS...: output to $work/NAME.out, stats to $work/NAME.err
  local name=$1; shift
  set +e
  "$ctxlint" -q -p "$work/p" --format text --cache-dir "$work/cache" --stats "$@" \
    >"$work/$name.out" 2>"$work/$name.err"
  echo $? >"$work/$name.rc"
  set -e
}
expect_stats() { # expect_stats NAME PARSED CACHED
  grep -qx "ctxlint: parsed $2 units, $3 from cache" "$work/$1.err" ||
    fail "$1: expected 'parsed $2 units, $3 from cache', got: $(cat "$work/$1.err")"
}

lint cold
expect_stats cold $units 0
[ -s "$work/cold.out" ] || fail "the generated project has findings, the cold run reported none"
lint warm
expect_stats warm 0 $units
cmp "$work/cold.out" "$work/warm.out" || fail "the cached run's output differs"
cmp "$work/cold.rc" "$work/warm.rc" || fail "the cached run's exit status differs"

# keys.c does not include app/pool.h; every generated unit does.
echo "/* edited */" >>"$work/p/include/app/pool.h"
lint header
expect_stats header 6 1
cmp "$work/cold.out" "$work/header.out" || fail "output changed after a comment-only edit"

# A comment-only edit of one unit: that unit alone is parsed again.
echo "/* edited */" >>"$work/p/src/unit_003.c"
lint unit
expect_stats unit 1 6

# A unit with a compile error is parsed on every run, never answered from the cache.
printf '#include <ctx/ctx.h>\nint broken(ctx_t *c) { return undeclared_thing; }\n' >"$work/broken.c"
for run in broken1 broken2; do
  set +e
  "$ctxlint" -q --cache-dir "$work/cache" --stats "$work/broken.c" -- -std=c11 "-I$src/runtime/include" \
    >/dev/null 2>"$work/$run.err"
  rc=$?
  set -e
  [ $rc = 2 ] || fail "$run: a unit with errors should exit 2, got $rc"
  expect_stats $run 1 0
done

lint nocache --no-cache
expect_stats nocache $units 0
cmp "$work/cold.out" "$work/nocache.out" || fail "--no-cache output differs"

checked=0
while read -r dir; do
  for run in td-cold td-warm; do
    set +e
    "$ctxlint" -q -p "$dir" --format text --cache-dir "$work/td-cache" --stats \
      >"$work/$run.out" 2>"$work/$run.err"
    echo $? >>"$work/$run.out"
    set -e
  done
  grep -q 'parsed 0 units' "$work/td-warm.err" || fail "$dir: the second run parsed: $(cat "$work/td-warm.err")"
  cmp "$work/td-cold.out" "$work/td-warm.out" || fail "$dir: the cached report differs"
  checked=$((checked + 1))
done < <(find "$db" -name compile_commands.json -size +8c -printf '%h\n' | sort)
echo "cache reuse: $((checked + 1)) passed, 0 failed"
