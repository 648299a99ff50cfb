#!/usr/bin/env bash
# The lint benchmark (not a test): builds the release binaries, writes the generated corpus
# (plus ctxlint's own sources) into the build folder, and measures the parse floor, clang and
# clang-tidy for reference, and ctxlint cold (-j1, -j2), warm and after an edit.
#   bench/lint/run.sh [--units N] [--reps N] [--corpus DIR] [--instructions N] [--no-reference]
# --corpus DIR lints another project instead: DIR must hold compile_commands.json.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
units=200 reps=3 corpus="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --units) units=$2; shift 2 ;;
    --reps) extra+=(--reps "$2"); shift 2 ;;
    --corpus) corpus=$2; shift 2 ;;
    --instructions) extra+=(--instructions "$2"); shift 2 ;;
    --no-reference) extra+=(--no-reference); shift ;;
    *) echo "run.sh: unknown option $1" >&2; exit 2 ;;
  esac
done
command -v /usr/bin/time >/dev/null || { echo "run.sh: needs GNU time (scripts/install-deps.sh)" >&2; exit 2; }

cd "$root"
cmake --preset release >/dev/null
cmake --build --preset release -j2 --target ctxlint lint_floor >/dev/null
bin=$root/build-release
work=$bin/bench/lint
mkdir -p "$work"

if [ -z "$corpus" ]; then
  corpus=$work/corpus
  python3 "$here/gen_corpus.py" "$corpus" --units "$units" --runtime-include "$root/runtime/include" \
    --merge-db "$bin/compile_commands.json"
  extra+=(--touch-file "$corpus/src/unit_000.c" --touch-header "$corpus/include/app/metrics.h")
else
  corpus=$(cd "$corpus" && pwd)
  first=$(python3 -c 'import json,os,sys; e=json.load(open(sys.argv[1]))[0]; print(os.path.join(e["directory"], e["file"]))' "$corpus/compile_commands.json")
  extra+=(--touch-file "$first")
fi
python3 "$here/bench.py" --corpus "$corpus" --ctxlint "$bin/analyzer/ctxlint" \
  --floor "$bin/bench/lint/lint_floor" --work "$work/scratch" "${extra[@]}"
