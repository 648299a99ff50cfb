#!/usr/bin/env python3
"""Rules never name the runtime: they ask the context API model (analyzer/model.h). This test
reads every rules/*.c with comments removed and fails on any `ctx_`/`CTX_` name or a thread
API name (pthread_, thrd_, std::thread), which belong in the model's default table only."""
import pathlib
import re
import sys

root = pathlib.Path(sys.argv[1])
pattern = re.compile(r"\b(ctx_\w+|CTX_\w+|pthread_\w+|thrd_\w+)|std::(thread|async)")
bad = []
files = sorted((root / "rules").glob("*.c"))
for path in files:
    text = path.read_text(encoding="utf-8")
    # Comments out, line structure kept so the line numbers stay right.
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    text = re.sub(r"//[^\n]*", "", text)
    for n, line in enumerate(text.split("\n"), 1):
        m = pattern.search(line)
        if m:
            bad.append(f"{path.relative_to(root)}:{n}: '{m.group(0)}' belongs in the model, not in a rule")
if not files:
    print("no rule files found under", root / "rules")
    sys.exit(1)
for b in bad:
    print(b)
print(f"{len(files)} rule files checked, {len(bad)} runtime names outside comments")
sys.exit(1 if bad else 0)
