#!/usr/bin/env bash
# SARIF accepted by the official validator with GitHub's rules: ctxlint's SARIF for the rule
# testdata and for the fixture project (findings, non-ASCII columns, NOLINT problems, a file
# outside the root) goes through `Sarif.Multitool validate --rule-kind "Sarif;Ghas"`, which
# must report zero errors; its fingerprints must equal the reference implementation's.
# Usage: sarif_validate.sh CTXLINT RUNTIME_INCLUDE TESTDATA_DBS [SARIF_MULTITOOL]
# TESTDATA_DBS is the folder of the per-folder testdata databases; each is linted to SARIF.
source "$(dirname "$0")/common.sh" "$1" "$2"
DBS=${3:-}
MULTITOOL=${4:-}
if [ -z "$MULTITOOL" ] || [ ! -x "$MULTITOOL" ]; then
  missing "the SARIF validator (scripts/install-sarif-validator.sh, then re-run cmake)"
fi
need python3
# The validator is a .NET program: without ICU it needs invariant globalisation.
export DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1
make_project
outside=$WORK/outside.c
printf '#include <ctx/ctx.h>\nint out(int a, ctx_t *c) { (void)c; return a; }\n' >"$outside"

sarifs=()
cd "$P"
run --format sarif --report-unused-suppressions -o "$WORK/project.sarif" -p "$P"
[ "$status" = 1 ] || fail "ctxlint exited $status on the fixture project, expected 1"
sarifs+=("$WORK/project.sarif")
run --format sarif -o "$WORK/outside.sarif" "$outside" -- "-I$RUNTIME_INCLUDE"
[ "$status" = 1 ] || fail "ctxlint exited $status on $outside, expected 1"
sarifs+=("$WORK/outside.sarif")
run --format sarif -o "$WORK/empty.sarif" "$P/src/clean.c" -- "-I$RUNTIME_INCLUDE"
[ "$status" = 0 ] || fail "ctxlint exited $status on a clean file, expected 0"
sarifs+=("$WORK/empty.sarif")
n_db=0
while IFS= read -r db; do
  n_db=$((n_db + 1))
  run --format sarif -q -o "$WORK/testdata-$n_db.sarif" -p "$(dirname "$db")"
  [ "$status" != 2 ] || fail "ctxlint failed on the testdata database $db"
  sarifs+=("$WORK/testdata-$n_db.sarif")
done < <(find "$DBS" -name compile_commands.json 2>/dev/null | sort)
[ "$n_db" -gt 0 ] || fail "no testdata database under '$DBS'"

errors=0
for s in "${sarifs[@]}"; do
  log="$s.validation.sarif"
  "$MULTITOOL" validate --rule-kind "Sarif;Ghas" -o "$log" "$s" >"$s.validation.txt" 2>&1 ||
    { cat "$s.validation.txt"; fail "the validator could not check $s"; }
  # The validator exits 0 even when it finds errors: count them in its own SARIF log.
  n=$(python3 - "$log" <<'PY'
import json, sys
log = json.load(open(sys.argv[1], encoding="utf-8"))
errors = [r for run in log["runs"] for r in run.get("results", []) if r.get("level") == "error"]
for r in errors:
    print(r["ruleId"], r["message"].get("text") or r["message"].get("arguments"), file=sys.stderr)
print(len(errors))
PY
  )
  grep -E ': (warning|error) ' "$s.validation.txt" || true
  echo "$(basename "$s"): $n validator errors"
  errors=$((errors + n))
  python3 "$HERE/line_hashes.py" --check "$s" >"$s.fp.txt" || {
    # An empty report has nothing to check.
    grep -q '"results": \[\]' "$s" || { cat "$s.fp.txt"; fail "$(basename "$s"): fingerprints differ from the reference"; }
  }
done
[ "$errors" = 0 ] || fail "$errors SARIF validation errors"
python3 - "$WORK/project.sarif" "$WORK/outside.sarif" <<'PY'
import json, sys
doc = json.load(open(sys.argv[1]))
run = doc["runs"][0]
res = run["results"]
ids = sorted(r["ruleId"] for r in res)
assert ids == ["context-not-first", "context-not-first", "nolint"], ids
uris = sorted(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in res)
assert uris == ["src/handler.c", "src/unicode.c", "src/unicode.c"], uris
# "/* café 😀 */ int café_handler(int n, ctx_t *c)": `ctx_t *c` is at byte 47, UTF-16 column 41.
uni = [r for r in res if r["ruleId"] == "context-not-first" and "unicode" in
       r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]][0]
region = uni["locations"][0]["physicalLocation"]["region"]
line = open(run["originalUriBaseIds"]["%SRCROOT%"]["uri"][7:] + "src/unicode.c", encoding="utf-8").read().split("\n")[3]
want = len(line[:line.index("ctx_t *c")].encode("utf-16-le")) // 2 + 1
assert region["startColumn"] == want, (region, want)
out = json.load(open(sys.argv[2]))["runs"][0]["results"][0]
uri = out["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
assert uri.startswith("file:///") and uri.endswith("/outside.c") and "uriBaseId" not in out["locations"][0]["physicalLocation"]["artifactLocation"], uri
print("SARIF content checks passed")
PY
echo "PASS: ${#sarifs[@]} SARIF files valid (Sarif;Ghas), fingerprints match the reference"
