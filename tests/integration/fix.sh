#!/usr/bin/env bash
# --fix and --fix-dry-run on a real file with the rules' real fix-its (non-inherited-context:
# ctx_background() -> the received context; nil-context, once registered: NULL -> ctx_todo()):
# the dry run prints a diff that `git apply` accepts and changes nothing; --fix writes the file
# (mode kept), reports what remains and exits by it; a second --fix changes nothing; a read-only
# file is reported and left alone.
# Usage: fix.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
rules=$("$CTXLINT" --list-rules) # captured: grep -q in a pipe races pipefail
if ! grep -q '^non-inherited-context ' <<<"$rules"; then
  echo "SKIP: non-inherited-context (a rule with a fix-it) is not registered" >&2
  exit "$SKIP"
fi
nil=0
grep -q '^nil-context ' <<<"$rules" && nil=1
make_project
cd "$P"
cat >src/nil.c <<'C'
#include <ctx/ctx.h>

static int fetch(ctx_t *ctx, int id)
{
    (void)ctx;
    return id;
}

int handler(ctx_t *ctx, int id)
{
    return fetch(ctx_background(), id);
}

int orphan(int id)
{
    return fetch(NULL, id);
}

int misplaced(int id, ctx_t *ctx)
{
    return fetch(ctx, id);
}
C
chmod 0640 src/nil.c
git add -A && git -c user.email=t@example.invalid -c user.name=t commit -qm init
write_db
cp src/nil.c "$WORK/before.c"

run -p "$P" --fix-dry-run src/nil.c >"$WORK/diff.txt"
cat "$WORK/diff.txt"
cmp -s src/nil.c "$WORK/before.c" || fail "--fix-dry-run changed the file"
grep -q '^--- a/src/nil.c$' "$WORK/diff.txt" || fail "dry run: no '--- a/src/nil.c' header"
grep -q '^-    return fetch(ctx_background(), id);$' "$WORK/diff.txt" || fail "dry run: old line missing"
grep -q '^+    return fetch(ctx, id);$' "$WORK/diff.txt" || fail "dry run: new line missing"
if [ $nil = 1 ]; then
  grep -q '^+    return fetch(ctx_todo(), id);$' "$WORK/diff.txt" || fail "dry run: nil-context fix missing"
fi
git apply --check "$WORK/diff.txt" || fail "git apply rejects the dry run's diff"

run -p "$P" --fix src/nil.c >"$WORK/out.txt" 2>"$WORK/err.txt"
cat "$WORK/out.txt" "$WORK/err.txt"
grep -q 'return fetch(ctx, id);' src/nil.c || fail "--fix did not write the fix"
grep -q 'ctx_background' src/nil.c && fail "--fix left ctx_background()"
[ "$(stat -c %a src/nil.c)" = 640 ] || fail "--fix changed the file's mode"
grep -q 'non-inherited-context' "$WORK/out.txt" && fail "the fixed finding is still reported"
# What has no fix-it remains reported, and decides the exit status.
grep -q "context-not-first" "$WORK/out.txt" || fail "the remaining finding is not reported"
[ "$status" = 1 ] || fail "--fix with a finding left: exit $status, expected 1"
git apply -R --check "$WORK/diff.txt" || fail "the written file is not what the dry run showed"
cp src/nil.c "$WORK/after.c"
run -p "$P" --fix src/nil.c >/dev/null 2>"$WORK/err2.txt"
cmp -s src/nil.c "$WORK/after.c" || fail "a second --fix changed the file"
grep -q 'fixed 0 findings' "$WORK/err2.txt" || fail "the second --fix fixed something"

# Read-only files are reported, never touched.
git checkout -q src/nil.c
chmod 0444 src/nil.c
run -p "$P" --fix src/nil.c >/dev/null 2>"$WORK/err3.txt"
[ "$status" = 1 ] || fail "read-only file: exit $status, expected 1 (the finding remains)"
grep -q 'read-only' "$WORK/err3.txt" || fail "read-only file: not reported"
cmp -s src/nil.c "$WORK/before.c" || fail "a read-only file was changed"
echo "PASS: --fix-dry-run diff applies, --fix writes once, keeps the mode, refuses read-only files"
