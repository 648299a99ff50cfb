#!/usr/bin/env bash
# Builds the runtime benchmarks in Release, runs them, and when Go is installed runs Go's own
# context benchmarks in the same session, then prints C ns/op, Go ns/op and C/Go per benchmark.
# Usage: bench/runtime/run.sh [build-dir]
#   BENCH_COUNT=n       runs each side n times and keeps each benchmark's best (default 3): on a
#                       shared machine the minimum is the number least disturbed by other load
#   CTX_BENCHTIME_MS=t  length of each C measurement (default 300)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=${1:-$root/build-bench}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cmake -S "$root" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF \
  -DCTXLINT_BUILD_ANALYZER=OFF -DCTXLINT_BUILD_BENCH=ON >/dev/null
cmake --build "$build" --target bench_ctx >/dev/null

count=${BENCH_COUNT:-3}
echo "== C (libctx, Release), best of $count =="
for _ in $(seq "$count"); do
  "$build/bench/runtime/bench_ctx" | tee -a "$out/c.txt"
done

if command -v go >/dev/null 2>&1; then
  echo
  echo "== Go ($(go version | awk '{print $3}')): go test -run=NONE -bench=. -benchmem -count=$count context =="
  (cd "$out" && go test -run=NONE -bench=. -benchmem -count="$count" context) | tee "$out/go.txt"
else
  echo
  echo "go is not installed (apt-get install golang-go): C numbers only"
  : >"$out/go.txt"
fi

echo
awk '
  function key(name) { sub(/-[0-9]+$/, "", name); sub(/^Benchmark/, "", name); return name }
  FNR == NR && /^Benchmark/ {
    k = key($1)
    if (!(k in goval) || $3 < goval[k]) goval[k] = $3
    goalloc[k] = $7
    next
  }
  /^Benchmark/ {
    k = key($1)
    if (!(k in c)) order[++n] = k
    if (!(k in c) || $3 < c[k]) c[k] = $3
    calloc[k] = $7
  }
  END {
    printf "%-46s %12s %12s %8s %12s %12s\n", "benchmark", "C ns/op", "Go ns/op", "C/Go", "C allocs/op", "Go allocs/op"
    worst = 0
    for (i = 1; i <= n; i++) {
      k = order[i]
      if (k in goval && goval[k] > 0) {
        r = c[k] / goval[k]
        if (r > worst) worst = r
        printf "%-46s %12.2f %12.2f %8.3f %12s %12s\n", k, c[k], goval[k], r, calloc[k], goalloc[k]
      } else {
        printf "%-46s %12.2f %12s %8s %12s %12s\n", k, c[k], "-", "-", calloc[k], "-"
      }
    }
    if (worst > 0) printf "\nworst C/Go ratio: %.3f (target <= 0.5)\n", worst
  }' "$out/go.txt" "$out/c.txt"
