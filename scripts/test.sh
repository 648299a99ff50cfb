#!/usr/bin/env bash
# The README's second command: the whole test suite, as CI runs it. Each job builds in its own
# folder and runs CTest (cmocka unit tests, rule tests through the real binary under --verify,
# integration tests with real clients):
#   1. strict build against libclang 14 (Debian's default) and its tests;
#   2. the same against libclang 19;
#   3. AddressSanitizer + UndefinedBehaviorSanitizer over everything;
#   4. the runtime plain, under ASan+UBSan, under ThreadSanitizer, and under valgrind;
#   5. layout (clang-format) and ctxlint linting the project's own runtime;
#   6. every libFuzzer target for a bounded time (FUZZ_SECONDS, default 60) under ASan+UBSan.
# Stops at the first failing job and exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."

job() { echo; echo "=== $*"; }

job "1/6 libclang 14: build and test; strict optimised build"
cmake --workflow --preset default
# -O2 enables warnings (maybe-uninitialized, format-truncation) a debug build never sees.
cmake --preset release > /dev/null
cmake --build --preset release

job "2/6 libclang 19: build and test"
cmake --workflow --preset llvm19

job "3/6 AddressSanitizer + UndefinedBehaviorSanitizer"
cmake --workflow --preset asan

job "4/6 runtime: plain, ASan+UBSan, TSan, valgrind"
bash .ci/runtime.sh

job "5/6 layout and self-check"
files=$(git ls-files '*.c' '*.h' | grep -v -e '^testdata/' -e '^fuzz/corpus/' || true)
# shellcheck disable=SC2086
clang-format --dry-run -Werror $files
# ctxlint lints every unit of the project's own compile_commands.json (runtime, tests,
# analyzer, examples, benchmarks): the only finding must be the example's seeded bug.
set +e
self=$(./build/analyzer/ctxlint -q -p build --color=never)
status=$?
set -e
echo "$self"
if [ "$status" != 1 ] || [ "$(grep -c ': warning: ' <<<"$self")" != 1 ] ||
   ! grep -q '^examples/cache/handler_buggy.c:.*\[async-capture\]$' <<<"$self"; then
  echo "self-check: expected exactly the seeded async-capture finding in examples/cache (exit 1), got exit $status" >&2
  exit 1
fi
echo "self-check: the project's own code is clean; the example's seeded bug is found"

job "6/6 fuzzing (${FUZZ_SECONDS:-60}s per target)"
bash scripts/fuzz.sh

echo
echo "all test jobs passed"
