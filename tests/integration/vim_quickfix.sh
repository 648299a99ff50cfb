#!/usr/bin/env bash
# Editors: ctxlint's text output parsed by Vim's own quickfix parser with the errorformat that
# docs/integrations.md documents (taken from the document itself), checking each entry's file,
# line, column, type and text against the JSON report of the same run.
# Usage: vim_quickfix.sh CTXLINT RUNTIME_INCLUDE
source "$(dirname "$0")/common.sh" "$1" "$2"
need vim python3
DOC=$HERE/../../docs/integrations.md
efm=$(grep -m1 '^set errorformat=' "$DOC") || fail "no 'set errorformat=' line in docs/integrations.md"
make_project
cd "$P"
run -p "$P" --report-unused-suppressions >"$WORK/out.txt"
[ "$status" = 1 ] || fail "ctxlint exited $status, expected 1"
run -p "$P" --report-unused-suppressions --format json >"$WORK/out.json"

cat >"$WORK/qf.vim" <<VIM
$efm
cfile $WORK/out.txt
call writefile(map(getqflist(), {_, e -> bufname(e.bufnr) . '|' . e.lnum . '|' . e.col . '|' . e.type . '|' . e.valid . '|' . e.text}), '$WORK/qf.txt')
qall!
VIM
vim -es -N -u NONE -i NONE -S "$WORK/qf.vim" </dev/null || true
[ -s "$WORK/qf.txt" ] || fail "Vim produced no quickfix list"
cat "$WORK/qf.txt"
python3 - "$WORK/qf.txt" "$WORK/out.json" <<'PY'
import json, sys
qf = [l.rstrip("\n").split("|", 5) for l in open(sys.argv[1], encoding="utf-8")]
findings = json.load(open(sys.argv[2], encoding="utf-8"))
assert len(qf) == len(findings), (len(qf), len(findings))
for (name, lnum, col, typ, valid, text), f in zip(qf, findings):
    assert valid == "1", (name, text)
    assert name == f["file"], (name, f["file"])
    assert (int(lnum), int(col)) == (f["line"], f["column"]), (lnum, col, f)
    assert typ == f["severity"][0], (typ, f["severity"])
    assert text == f"{f['message']} [{f['rule']}]", (text, f)
print(f"{len(qf)} quickfix entries match the findings")
PY
echo "PASS: Vim's quickfix parser reads every finding with the documented errorformat"
