#!/usr/bin/env bash
# Latency of the language server (`ctxlint lsp`): drives a session per file through a scripted
# client and prints the time to the first diagnostics after didOpen and the median (and 90th
# percentile) time from each later didChange to its diagnostics, and when the findings that need
# other files (computed in the background) arrived. Files: the seed example
# examples/cache/handler_buggy.c (flags from the build's compile_commands.json) and a generated
# file of 200 handlers (about 3,600 lines).
# Usage: bench/lsp/run.sh [build-dir]   (default: build; EDITS=N edits per file, default 30)
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
build=$(cd "${1:-$root/build}" && pwd)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

cmake --build "$build" --target ctxlint >/dev/null
ctxlint=$build/analyzer/ctxlint

python3 "$root/bench/lsp/gen_large.py" "$out/large.c" 200
cat >"$out/compile_commands.json" <<JSON
[{"directory": "$out", "file": "large.c",
  "arguments": ["cc", "-std=c11", "-I$root/runtime/include", "-c", "large.c"]}]
JSON

echo "ctxlint lsp latency ($(nproc) cores, $(uname -m), load average $(cut -d" " -f1-3 /proc/loadavg)); build: $build"
python3 "$root/bench/lsp/bench.py" "$ctxlint" "$build" "$root/examples/cache/handler_buggy.c"
python3 "$root/bench/lsp/bench.py" "$ctxlint" "$out" "$out/large.c" | tail -n +2
