#!/usr/bin/env bash
# The hostile-input catalogue (README.md beside this file): each case builds its input in a
# fresh temporary folder, runs ctxlint under a watchdog, and checks the exit status and what it
# said. A crash (a signal), a hang (the watchdog), or a wrong status fails the case.
#   run.sh CASE CTXLINT_BINARY RUNTIME_INCLUDE_DIR
set -uo pipefail
case_name="$1"
ctxlint="$2"
inc="$3"
work="$(mktemp -d /tmp/ctxlint-hostile.XXXXXX)"
trap 'chmod -R u+rwx "$work" 2>/dev/null; rm -rf "$work"' EXIT
cd "$work" || exit 1
WATCHDOG="${HOSTILE_WATCHDOG:-120}"

# run EXPECTED_STATUS STDERR_REGEX ARGS...: runs ctxlint, checks status and stderr.
run() {
  local want="$1" re="$2"
  shift 2
  timeout --kill-after=5 "$WATCHDOG" "$ctxlint" "$@" > out.txt 2> err.txt
  local got=$?
  if [ "$got" = 124 ] || [ "$got" = 137 ]; then
    echo "FAIL: hang: killed by the watchdog after ${WATCHDOG}s"; exit 1
  fi
  if [ "$got" -gt 128 ]; then
    echo "FAIL: crashed with signal $((got - 128))"; cat err.txt; exit 1
  fi
  if [ "$got" != "$want" ]; then
    echo "FAIL: exit status $got, expected $want"; echo "--- stdout"; cat out.txt; echo "--- stderr"; cat err.txt; exit 1
  fi
  if [ -n "$re" ] && ! grep -Eq -- "$re" err.txt; then
    echo "FAIL: standard error does not match /$re/"; cat err.txt; exit 1
  fi
  if grep -Eq 'AddressSanitizer|UndefinedBehaviorSanitizer|runtime error:' err.txt; then
    echo "FAIL: sanitizer report"; cat err.txt; exit 1
  fi
}

db() { # db FILE ARGS-JSON...: a compile_commands.json in the current folder
  printf '[%s]\n' "$*" > compile_commands.json
}

case "$case_name" in
empty-file)
  : > empty.c
  run 0 '' -q empty.c -- -I"$inc" ;;
binary-file)
  head -c 4096 /dev/urandom > bin.c; printf '\0\0\377\376' >> bin.c
  run 2 'bin\.c:[0-9]+:[0-9]+: error: .*|bin\.c.*(could not be parsed|compile errors)' -q bin.c -- -I"$inc" ;;
huge-file)
  python3 - <<'PY'
import sys
with open("huge.c", "w") as f:
    f.write("#include <ctx/ctx.h>\n")
    i = 0
    while f.tell() < 10 * 1024 * 1024:
        f.write(f"int f{i}(ctx_t *c, int x) {{ int y = x * {i}; if (ctx_err(c)) return -1; return y + {i}; }}\n")
        i += 1
PY
  run 0 '' -q huge.c -- -I"$inc" ;;
deep-blocks)
  python3 -c "print('void f(void) ' + '{' * 10000 + '}' * 10000)" > deep.c
  run 2 'deep\.c:[0-9]+:[0-9]+: error: .*(nesting|bracket)' -q deep.c -- -I"$inc" ;;
deep-parens)
  python3 -c "print('int x = ' + '(' * 10000 + '1' + ')' * 10000 + ';')" > parens.c
  run 2 'parens\.c:[0-9]+:[0-9]+: error: .*(nesting|bracket)' -q parens.c -- -I"$inc" ;;
deep-blocks-within-limit)
  # Deep, but legal with a raised limit: must be analysed, not crash (workers have big stacks).
  python3 -c "print('#include <ctx/ctx.h>\nvoid f(int a, ctx_t *c) ' + '{' * 2000 + '(void)c;' + '}' * 2000)" > deep.c
  run 1 '' -q deep.c -- -I"$inc" -fbracket-depth=5000
  grep -q 'context-not-first' out.txt || { echo "FAIL: finding missing"; cat out.txt; exit 1; } ;;
invalid-utf8-source)
  printf '#include <ctx/ctx.h>\n/* \377\376 bad */\nconst char *s = "\377\300";\nint f(int x, ctx_t *c); /* \351 */\n' > u.c
  run 1 '' -q u.c -- -I"$inc"
  grep -q 'u.c:4:.*context-not-first' out.txt || { echo "FAIL: finding missing"; cat out.txt; exit 1; } ;;
invalid-utf8-path)
  name=$'bad\377name.c'
  printf '#include <ctx/ctx.h>\nint f(int x, ctx_t *c);\n' > "$name"
  run 1 '' -q "$name" -- -I"$inc"
  grep -q 'context-not-first' out.txt || { echo "FAIL: finding missing"; cat out.txt; exit 1; } ;;
unterminated-comment)
  printf 'int x;\n/* never closed\nint y;\n' > c.c
  run 2 'c\.c:2:[0-9]+: error: unterminated /\* comment' -q c.c -- -I"$inc" ;;
unterminated-string)
  printf 'const char *s = "never closed;\nint y;\n' > s.c
  run 2 's\.c:1:[0-9]+: error: ' -q s.c -- -I"$inc" ;;
missing-include)
  printf '#include "nope.h"\nint x;\n' > m.c
  run 2 "m\.c:1:10: (fatal )?error: 'nope\.h' file not found" -q m.c -- -I"$inc" ;;
nonexistent-file)
  run 2 'nope\.c: No such file or directory' nope.c ;;
directory-as-file)
  mkdir adir.c
  run 2 'adir\.c: .*(directory|not a regular file)' adir.c ;;
fifo-as-file)
  mkfifo pipe.c
  run 2 'pipe\.c: .*(not a regular file|FIFO)' pipe.c ;;
unreadable-file)
  printf 'int x;\n' > secret.c; chmod 000 secret.c; chmod 755 "$work"
  if [ "$(id -u)" = 0 ]; then
    # root reads anything: run as nobody so the permission is real.
    run_as=(setpriv --reuid=65534 --regid=65534 --clear-groups)
    timeout 60 "${run_as[@]}" "$ctxlint" secret.c -- -I"$inc" > out.txt 2> err.txt
    got=$?
    [ "$got" = 2 ] && grep -q 'secret\.c: Permission denied' err.txt || { echo "FAIL: status $got"; cat err.txt; exit 1; }
  else
    run 2 'secret\.c: Permission denied' secret.c
  fi ;;
compdb-invalid-json)
  printf '[{"directory": "/tmp", "file": "a.c",\n  "arguments": [cc\n' > compile_commands.json
  run 2 'compile_commands\.json:[0-9]+:[0-9]+: error: invalid compile_commands\.json' -p . ;;
compdb-relative-directory)
  mkdir -p src; printf '#include <ctx/ctx.h>\nint f(int x, ctx_t *c);\n' > src/a.c
  db "{\"directory\": \"src\", \"file\": \"a.c\", \"arguments\": [\"cc\", \"-I$inc\", \"-c\", \"a.c\"]}"
  run 1 '' -p .
  grep -q 'src/a.c:2:.*context-not-first' out.txt || { echo "FAIL: finding missing"; cat out.txt; exit 1; } ;;
compdb-missing-file)
  db "{\"directory\": \"$work\", \"file\": \"gone.c\", \"arguments\": [\"cc\", \"-c\", \"gone.c\"]}"
  run 2 'gone\.c' -p . ;;
compdb-duplicates)
  printf '#include <ctx/ctx.h>\nint f(int x, ctx_t *c);\n' > a.c
  e="{\"directory\": \"$work\", \"file\": \"a.c\", \"arguments\": [\"cc\", \"-I$inc\", \"-c\", \"a.c\"]}"
  db "$e, $e, $e"
  run 1 '' -p .
  [ "$(grep -c context-not-first out.txt)" = 1 ] || { echo "FAIL: not reported exactly once"; cat out.txt; exit 1; } ;;
compdb-no-arguments)
  db "{\"directory\": \"$work\", \"file\": \"a.c\"}"
  printf 'int x;\n' > a.c
  run 2 'entry 0' -p . ;;
symlink-loop)
  mkdir -p proj/src; ln -s loop proj/loop; ln -s build proj/src/build 2>/dev/null || true
  ln -s ../src/build proj/src/build2
  printf '#include <ctx/ctx.h>\nint f(int x, ctx_t *c);\n' > proj/src/a.c
  run 1 'no compilation database lists' proj/src/a.c ;;
config-unknown-key)
  printf 'checks: "*"\nchekcs: "-*"\n' > .ctxlint.yaml
  printf 'int x;\n' > a.c
  run 2 "\\.ctxlint\\.yaml:2:1: error: unknown key 'chekcs'.*did you mean 'checks'" a.c -- -I"$inc" ;;
config-wrong-type)
  printf 'severity:\n  nil-context: loud\n' > .ctxlint.yaml
  printf 'int x;\n' > a.c
  run 2 "\\.ctxlint\\.yaml:2:[0-9]+: error: .*loud" a.c -- -I"$inc" ;;
config-tab-yaml)
  printf 'rules:\n\tcontext-in-struct:\n\t\tallow-task-args: false\n' > .ctxlint.yaml
  printf 'int x;\n' > a.c
  run 2 '\.ctxlint\.yaml:2:[0-9]+: error: .*tab' a.c -- -I"$inc" ;;
fix-read-only-file)
  printf '#include <ctx/ctx.h>\nint use(ctx_t *c);\nint f(void) { return use(NULL); }\n' > ro.c
  chmod 444 ro.c; before=$(sha256sum ro.c)
  run 1 'ro\.c.*read-only' --fix ro.c -- -I"$inc"
  [ "$(sha256sum ro.c)" = "$before" ] || { echo "FAIL: a read-only file was changed"; exit 1; } ;;
fix-file-changed-during-run)
  # The file is edited (as an editor saves it) after ctxlint parsed it and before it fixes it
  # (CTXLINT_FIX_BARRIER holds ctxlint at that point): the fix is refused and the user's edit
  # is kept, byte for byte.
  printf '#include <ctx/ctx.h>\nint use(ctx_t *c);\nint f(void) { return use(NULL); }\n' > a.c
  ( for _ in $(seq 1 1200); do [ -e barrier.ready ] && break; sleep 0.05; done
    printf '/* edited while being fixed */\n' >> a.c; cp a.c expected.c; : > barrier ) &
  writer=$!
  CTXLINT_FIX_BARRIER="$work/barrier" run 1 'a\.c.*changed' --fix a.c -- -I"$inc"
  wait "$writer"
  cmp -s a.c expected.c || { echo "FAIL: the edit made during the run was lost"; exit 1; }
  grep -q 'use(NULL)' a.c || { echo "FAIL: a stale fix was applied"; exit 1; } ;;
fix-sigint)
  # SIGINT at random moments of a --fix over many files: every file is either untouched or
  # completely fixed, and no temporary file is left behind.
  orig='#include <ctx/ctx.h>\nint use(ctx_t *c);\nint f(void) { return use(NULL); }\n'
  fixed='#include <ctx/ctx.h>\nint use(ctx_t *c);\nint f(void) { return use(ctx_todo()); }\n'
  printf "$fixed" > fixed.ref; printf "$orig" > orig.ref
  for attempt in 1 2 3 4 5; do
    rm -rf t; mkdir t
    for i in $(seq 1 80); do printf "$orig" > "t/f$i.c"; done
    timeout 60 "$ctxlint" -q -j1 --fix t/*.c -- -I"$inc" > /dev/null 2>&1 &
    pid=$!
    sleep "0.$((RANDOM % 9 + 1))"
    kill -INT "$pid" 2>/dev/null
    wait "$pid"
    for f in t/*.c; do
      cmp -s "$f" orig.ref || cmp -s "$f" fixed.ref || { echo "FAIL: $f is neither original nor fixed"; cat "$f"; exit 1; }
    done
    if compgen -G 't/*ctxlint-tmp*' > /dev/null; then echo "FAIL: temporary files left behind"; ls t; exit 1; fi
  done ;;
shared-cache)
  # Two ctxlint processes at once on one cache folder (CI jobs on one runner): both give the
  # same complete report, and a third run is served from the cache they wrote.
  mkdir -p src cache
  for i in $(seq 1 12); do
    printf '#include <ctx/ctx.h>\nint f%d(ctx_t *c);\nint h%d(void) { return f%d(NULL); }\n' "$i" "$i" "$i" > "src/u$i.c"
  done
  entries=""
  for i in $(seq 1 12); do
    entries="$entries${entries:+, }{\"directory\": \"$work\", \"file\": \"src/u$i.c\", \"arguments\": [\"cc\", \"-I$inc\", \"-c\", \"src/u$i.c\"]}"
  done
  db "$entries"
  timeout 120 "$ctxlint" -q -j1 -p . --cache-dir cache > a.txt 2> a.err & pa=$!
  timeout 120 "$ctxlint" -q -j1 -p . --cache-dir cache > b.txt 2> b.err & pb=$!
  wait "$pa"; sa=$?; wait "$pb"; sb=$?
  [ "$sa" = 1 ] && [ "$sb" = 1 ] || { echo "FAIL: exit statuses $sa and $sb, expected 1 and 1"; cat a.err b.err; exit 1; }
  cmp -s a.txt b.txt || { echo "FAIL: the two reports differ"; diff a.txt b.txt; exit 1; }
  [ "$(grep -c nil-context a.txt)" = 12 ] || { echo "FAIL: incomplete report"; cat a.txt; exit 1; }
  run 1 'parsed 0 units, 12 from cache' -p . --cache-dir cache --stats
  cmp -s a.txt out.txt || { echo "FAIL: the cached report differs"; diff a.txt out.txt; exit 1; }
  if [ -n "$(find cache -name '*ctxlint-tmp*' -print -quit)" ]; then
    echo "FAIL: temporary files left in the cache"; exit 1
  fi ;;
*)
  echo "unknown case $case_name"; exit 1 ;;
esac
echo "PASS: $case_name"
