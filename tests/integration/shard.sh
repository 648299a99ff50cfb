#!/usr/bin/env bash
# --shard K/N: shards report disjoint subsets of the unsharded report (never a finding the
# unsharded run does not make), every unconditional finding (nil-context) in exactly one shard,
# and no conditional (cross-file) finding, which a shard cannot decide alone; with
# --shard-state and --merge-shards, the merged report equals the unsharded one, cross-file
# findings included. The split is the same from run to run, and adding a file
# does not move any other file to another shard.
# Usage: shard.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
make_project
cd "$P"
# nil-context decides within the unit: its findings are unconditional.
for i in $(seq 1 12); do
  printf '#include <ctx/ctx.h>\nint f%d(ctx_t *c);\nint h%d(void) { return f%d(NULL); }\n' "$i" "$i" "$i" >"src/gen$i.c"
done
# context-in-global decides across units: g_root is set up in main in another unit.
printf '#include <ctx/ctx.h>\nctx_t *g_root;\nint use(void) { return g_root != 0; }\n' >src/global_a.c
printf '#include <ctx/ctx.h>\nextern ctx_t *g_root;\nint main(void) { g_root = ctx_background(); return 0; }\n' >src/global_b.c
printf '#include <ctx/ctx.h>\nstatic ctx_t *g_lonely;\nint peek(void) { return g_lonely != 0; }\n' >src/global_c.c
write_db

lint() { # lint OUT ARGS... : the text report, sorted
  local out=$1
  shift
  run -q -p "$P" "$@" >"$out.raw"
  [ "$status" != 2 ] || fail "ctxlint $* failed"
  sort "$out.raw" >"$out"
}
lint "$WORK/all" -j 2
[ "$(grep -c '\[nil-context\]' "$WORK/all")" = 12 ] || { cat "$WORK/all"; fail "expected 12 nil-context findings unsharded"; }
: >"$WORK/union"
for k in 1 2 3; do
  lint "$WORK/s$k" --shard "$k/3"
  cat "$WORK/s$k" >>"$WORK/union"
  [ -s "$WORK/s$k" ] || echo "note: shard $k/3 is empty"
done
sort "$WORK/union" >"$WORK/union.sorted"
grep -q "g_lonely.*\[context-in-global\]" "$WORK/all" || fail "unsharded: g_lonely not reported"
grep -q "g_root" "$WORK/all" && fail "unsharded: g_root reported though main sets it up"
grep -q "context-in-global" "$WORK/union" && fail "a shard reported a cross-file (conditional) finding"
comm -13 "$WORK/all" "$WORK/union.sorted" >"$WORK/invented"
[ ! -s "$WORK/invented" ] || { cat "$WORK/invented"; fail "shards reported findings the unsharded run does not"; }
grep '\[nil-context\]' "$WORK/all" >"$WORK/all.nil"
grep '\[nil-context\]' "$WORK/union.sorted" >"$WORK/union.nil" || true
diff -u "$WORK/all.nil" "$WORK/union.nil" || fail "the shards together miss unconditional findings"
[ "$(sort -u "$WORK/union" | wc -l)" = "$(wc -l <"$WORK/union")" ] || fail "a finding is in two shards"

# Deterministic: the same split again.
lint "$WORK/again2" --shard 2/3
cmp -s "$WORK/s2" "$WORK/again2" || fail "shard 2/3 differs between two runs"

# Complete with a merge: each shard records its state (--shard-state), and --merge-shards decides
# the cross-file findings on the facts of every shard: the report equals the unsharded one, the
# lonely global included and g_root (set up in another shard's unit) not reported.
for k in 1 2 3; do
  run -q -p "$P" --shard "$k/3" --shard-state "$WORK/state$k" >/dev/null
  [ "$status" != 2 ] || fail "shard $k/3 with --shard-state failed"
done
run -q --merge-shards "$WORK/state1" "$WORK/state2" "$WORK/state3" >"$WORK/merged.raw"
[ "$status" = 1 ] || fail "--merge-shards exited $status, expected 1 (findings)"
sort "$WORK/merged.raw" >"$WORK/merged"
diff -u "$WORK/all" "$WORK/merged" || fail "the merged shards differ from the unsharded run"
grep -q "g_lonely.*\[context-in-global\]" "$WORK/merged" || fail "merge: g_lonely not reported"
run -q --merge-shards --format sarif -o "$WORK/merged.sarif" "$WORK/state1" "$WORK/state2" "$WORK/state3"
[ "$status" = 1 ] && python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); assert len(d["runs"][0]["results"]) == int(sys.argv[2])' \
  "$WORK/merged.sarif" "$(wc -l <"$WORK/all")" || fail "the merged SARIF does not hold every finding"
# A state that is not one, or is damaged, is refused with the file named.
printf 'not a state' >"$WORK/bogus"
run -q --merge-shards "$WORK/bogus" 2>"$WORK/bogus.err" >/dev/null
[ "$status" = 2 ] && grep -q "bogus: not a shard state" "$WORK/bogus.err" || fail "a bogus state was accepted"
cp "$WORK/state1" "$WORK/damaged"
printf '\001' | dd of="$WORK/damaged" bs=1 seek=20 conv=notrunc 2>/dev/null
run -q --merge-shards "$WORK/damaged" 2>"$WORK/damaged.err" >/dev/null
[ "$status" = 2 ] && grep -q "damaged: damaged" "$WORK/damaged.err" || fail "a damaged state was accepted"

# Adding a file moves no other file.
files_of() { cut -d: -f1 "$1" | sort -u; }
printf '#include <ctx/ctx.h>\nint g(ctx_t *c);\nint extra(void) { return g(NULL); }\n' >src/zz_new.c
write_db
for k in 1 2 3; do
  lint "$WORK/n$k" --shard "$k/3"
  comm -23 <(files_of "$WORK/s$k") <(files_of "$WORK/n$k") >"$WORK/moved"
  [ ! -s "$WORK/moved" ] || { cat "$WORK/moved"; fail "adding a file moved files out of shard $k/3"; }
done
grep -q 'zz_new.c' "$WORK/n1" "$WORK/n2" "$WORK/n3" || fail "the new file is in no shard"

for bad in 0/3 4/3 1/0 x 2; do
  run --shard "$bad" -p "$P" 2>/dev/null >/dev/null
  [ "$status" = 2 ] || fail "--shard $bad: exit $status, expected 2"
done
echo "PASS: shards are disjoint, deterministic, stable when files are added, and merge into the unsharded report"
