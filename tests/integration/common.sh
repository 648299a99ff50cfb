# Shared by the integration tests: skipping or failing when a real client is missing, and a
# scratch copy of the fixture project (a git repository with a compile_commands.json).
# Usage: source common.sh CTXLINT RUNTIME_INCLUDE
set -euo pipefail
CTXLINT=$1
RUNTIME_INCLUDE=$2
HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
SKIP=77

fail() {
  echo "FAIL: $*" >&2
  exit 1
}

# A missing client skips the test on a developer machine and fails it in CI (CI=true).
missing() {
  if [ "${CI:-}" = true ]; then
    fail "$1 is required in CI (CI=true) but is not installed (scripts/install-deps.sh)"
  fi
  echo "SKIP: $1 is not installed" >&2
  exit "$SKIP"
}

need() {
  for c in "$@"; do
    command -v "$c" >/dev/null 2>&1 || missing "$c"
  done
}

WORK=$(mktemp -d /tmp/ctxlint-it-XXXXXX)
WORK=$(cd "$WORK" && pwd -P)
trap 'chmod -R u+w "$WORK" 2>/dev/null; rm -rf "$WORK"' EXIT

# Copies the fixture project to $WORK/project (a git repository) with a compile database.
make_project() {
  cp -R "$HERE/fixtures/project" "$WORK/project"
  P=$WORK/project
  git -C "$P" init -q
  write_db
}

# compile_commands.json for every .c file under $P.
write_db() {
  local first=1
  {
    echo "["
    for f in $(cd "$P" && find . -name '*.c' | sort); do
      f=${f#./}
      [ $first = 1 ] || echo ","
      first=0
      printf '  {"directory": "%s", "file": "%s", "arguments": ["cc", "-std=c11", "-I%s", "-c", "%s"]}' \
        "$P" "$P/$f" "$RUNTIME_INCLUDE" "$P/$f"
    done
    echo
    echo "]"
  } >"$P/compile_commands.json"
}

# Runs ctxlint, capturing its status without stopping the test: `run ARGS...` sets $status.
run() {
  set +e
  "$CTXLINT" "$@"
  status=$?
  set -e
}
