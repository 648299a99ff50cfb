#!/usr/bin/env bash
# Builds the libFuzzer targets (clang, ASan+UBSan) and runs each for a bounded time on its
# checked-in seed corpus, printing how many executions each reached. A crash fails the run and
# leaves the reproducer in build-fuzz/artifacts/; turn it into a regression test.
#   FUZZ_SECONDS=60 bash scripts/fuzz.sh          (default 60 seconds per target)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds="${FUZZ_SECONDS:-60}"
cc="$(command -v clang-14 || command -v clang)"
cmake -S . -B build-fuzz -G Ninja -DCMAKE_C_COMPILER="$cc" -DCTXLINT_FUZZ=ON \
  -DCTX_SANITIZE=address,undefined -DBUILD_TESTING=OFF -DCTXLINT_BUILD_BENCH=OFF > /dev/null
cmake --build build-fuzz -j2 > /dev/null
mkdir -p build-fuzz/artifacts
status=0
for bin in build-fuzz/fuzz/fuzz_*; do
  [ -x "$bin" ] || continue
  name="$(basename "$bin")"
  seed="fuzz/corpus/${name#fuzz_}"
  work="build-fuzz/corpus/${name#fuzz_}"
  mkdir -p "$work"
  log="build-fuzz/$name.log"
  # -rss_limit_mb: libclang keeps ~100 MB per parse; more than 2 GB means a real leak or blow-up.
  if ASAN_OPTIONS=detect_leaks=1 "$bin" -max_total_time="$seconds" -timeout=25 -rss_limit_mb=2048 \
      -max_len=4096 -artifact_prefix=build-fuzz/artifacts/"$name"- "$work" "$seed" > "$log" 2>&1; then
    execs=$(grep -Eo 'Done [0-9]+ runs' "$log" | grep -Eo '[0-9]+' || echo '?')
    echo "$name: $execs executions in ${seconds}s, no crash"
  else
    echo "$name: FAILED (see $log):"
    tail -30 "$log"
    status=1
  fi
done
exit $status
