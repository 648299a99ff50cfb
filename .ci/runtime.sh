#!/usr/bin/env bash
# CI job for the ctx runtime: configure, build and test it three ways (plain, ASan+UBSan, TSan),
# each in its own build directory with strict warnings, then run the plain build's tests under
# valgrind with zero errors and zero leaks. Called from the repository root by .ci/run.
set -euo pipefail

root=$(pwd)
out=${CTX_CI_BUILD_ROOT:-$root/build-ci-runtime}
jobs=$(nproc 2>/dev/null || echo 2)
common=(-G Ninja -DCTX_STRICT=ON -DCTXLINT_BUILD_ANALYZER=OFF -DCTXLINT_BUILD_BENCH=ON)

build_and_test() {
  local name=$1
  shift
  echo "=== runtime: $name ==="
  cmake -S "$root" -B "$out/$name" "${common[@]}" "$@"
  cmake --build "$out/$name" -j "$jobs"
  (cd "$out/$name" && ctest --output-on-failure -j "$jobs")
}

build_and_test plain
build_and_test asan-ubsan -DCTX_SANITIZE=address,undefined
TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1" CTX_SOAK_SECONDS=60 \
  build_and_test tsan -DCTX_SANITIZE=thread

echo "=== runtime: valgrind (plain build) ==="
(
  cd "$out/plain"
  ctest --output-on-failure -j "$jobs" -L runtime \
    -T memcheck --overwrite MemoryCheckCommand=/usr/bin/valgrind \
    --overwrite "MemoryCheckCommandOptions=--leak-check=full --show-leak-kinds=definite,indirect,possible --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 --track-fds=no" \
    || { echo "valgrind: tests failed under memcheck"; exit 1; }
  # ctest -T memcheck reports defects in its logs rather than its exit code: fail on any.
  if grep -lE "(definitely|indirectly|possibly) lost: [1-9]|ERROR SUMMARY: [1-9]" \
    Testing/Temporary/MemoryChecker.*.log 2>/dev/null; then
    echo "valgrind: defects found (logs above)"
    exit 1
  fi
)
echo "=== examples: valgrind ==="
for exe in cache_buggy cache_fixed; do
  valgrind --leak-check=full --show-leak-kinds=definite,indirect,possible \
    --errors-for-leak-kinds=definite,indirect,possible --error-exitcode=1 \
    "$out/plain/examples/cache/$exe"
done
echo "=== runtime: all checks passed ==="
