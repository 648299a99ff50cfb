#!/usr/bin/env bash
# Pre-commit, with the real client (Debian's pre-commit): a temporary git repository with a
# buggy file and a `repo: local` hook running the built ctxlint; `pre-commit run --all-files`
# must fail with the finding, then pass once the file is fixed. Also checks that the shipped
# .pre-commit-hooks.yaml is the manifest pre-commit expects.
# Usage: precommit.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
need pre-commit git
export PRE_COMMIT_HOME=$WORK/pre-commit-home
R=$WORK/repo
mkdir -p "$R"
cd "$R"
git init -q
git config user.email test@example.invalid
git config user.name test
cp "$HERE/fixtures/project/src/handler.c" handler.c
# The hook as the manifest declares it, but running the built binary, and with the flags after
# the file names pre-commit appends.
manifest=$HERE/../../.pre-commit-hooks.yaml
grep -q '^ *language: system$' "$manifest" || fail "manifest: language is not system"
grep -q '^ *types_or: \[c, c++, objective-c\]$' "$manifest" || fail "manifest: types_or"
grep -q '^ *require_serial: true' "$manifest" || fail "manifest: require_serial"
cat >.pre-commit-config.yaml <<YAML
repos:
  - repo: local
    hooks:
      - id: ctxlint
        name: ctxlint
        entry: bash -c 'exec "$CTXLINT" "\$@" -- "-I$RUNTIME_INCLUDE"' ctxlint
        language: system
        types_or: [c, c++, objective-c]
        require_serial: true
YAML
git add .
set +e
pre-commit run --all-files >"$WORK/run1.txt" 2>&1
s1=$?
set -e
cat "$WORK/run1.txt"
[ "$s1" != 0 ] || fail "pre-commit passed on the buggy file"
grep -q 'handler.c:4:20: warning: .*\[context-not-first\]' "$WORK/run1.txt" ||
  fail "pre-commit's output does not show the finding"
grep -q '^ctxlint\.*Failed' "$WORK/run1.txt" || fail "the hook is not reported as Failed"

sed -i 's/int handle(int id, ctx_t \*ctx)/int handle(ctx_t *ctx, int id)/' handler.c
git add handler.c
set +e
pre-commit run --all-files >"$WORK/run2.txt" 2>&1
s2=$?
set -e
cat "$WORK/run2.txt"
[ "$s2" = 0 ] || fail "pre-commit failed on the fixed file"
grep -q '^ctxlint\.*Passed' "$WORK/run2.txt" || fail "the hook is not reported as Passed"
echo "PASS: pre-commit fails on the finding and passes once it is fixed"
