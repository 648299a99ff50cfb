#!/usr/bin/env bash
# Integration test: the report is byte-identical whatever -j is, and with --shared-pch. Lints the
# rule test data and a small generated project (so that there is always something with findings
# to order) with -j1, -j2, -j4 and -j8, and -j2 --shared-pch, without the cache.
#   it_jobs_identical.sh CTXLINT SOURCE_DIR TESTDATA_DB
set -euo pipefail
ctxlint=$1 src=$2 db=$3
work=$(mktemp -d /tmp/ctxlint-it-jobs-XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 "$src/bench/lint/gen_corpus.py" "$work/p" --units 16 --runtime-include "$src/runtime/include" >/dev/null
failed=0 n=0
# One database per test-data folder (units of unrelated folders never share facts).
mapfile -t corpora < <(find "$db" -name compile_commands.json -size +8c -printf '%h\n' | sort)
corpora+=("$work/p")
for corpus in "${corpora[@]}"; do
  n=$((n + 1))
  for j in 1 2 4 8 "2 --shared-pch"; do
    set +e
    # shellcheck disable=SC2086
    "$ctxlint" -q --no-cache --format text -p "$corpus" -j$j >"$work/out.${j// /}" 2>/dev/null
    echo $? >>"$work/out.${j// /}"
    set -e
  done
  for j in 2 4 8 2--shared-pch; do
    if ! cmp -s "$work/out.1" "$work/out.$j"; then
      echo "FAIL: $corpus: -j$j differs from -j1:"
      diff "$work/out.1" "$work/out.$j" | head -20
      failed=$((failed + 1))
    fi
  done
  echo "$corpus: $(($(wc -l <"$work/out.1") - 1)) lines, identical for -j1/2/4/8 and --shared-pch"
done
[ "$corpus" = "$work/p" ] && [ "$(wc -l <"$work/out.1")" -gt 1 ] || { echo "FAIL: no findings"; exit 1; }
echo "jobs identical: $((n - failed)) passed, $failed failed"
[ $failed = 0 ]
