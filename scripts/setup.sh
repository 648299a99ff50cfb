#!/usr/bin/env bash
# The README's first command: installs the dependencies, builds everything, and runs ctxlint on
# the bundled example (examples/cache), whose buggy handler it must flag.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
cmake --preset default
cmake --build --preset default
echo
echo "== ctxlint -p build examples/cache/handler_buggy.c"
set +e
./build/analyzer/ctxlint -p build examples/cache/handler_buggy.c
status=$?
set -e
if [ "$status" = 1 ]; then
  echo "== ctxlint found the seeded bug (exit status 1 means findings), as expected."
  echo "== The fixed handler is clean:"
  ./build/analyzer/ctxlint -p build examples/cache/handler_fixed.c && echo "(no findings, exit status 0)"
else
  echo "ctxlint exited with $status, expected 1 (a finding)" >&2
  exit 1
fi
