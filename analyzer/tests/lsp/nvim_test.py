#!/usr/bin/env python3
"""Runs nvim_attach.lua in a headless Neovim against `ctxlint lsp` and checks its verdict.
Without nvim the test is skipped (exit 77, CTest's SKIP_RETURN_CODE), except under CI=true,
where a missing client is a failure: CI must run the real client.

usage: nvim_test.py CTXLINT FILE COMPILE_COMMANDS_DIR WORKDIR"""

import os
import shutil
import subprocess
import sys

SKIP = 77


def main():
    ctxlint, file, ccdir, work = sys.argv[1:5]
    nvim = shutil.which("nvim")
    if not nvim:
        if os.environ.get("CI") == "true":
            print("FAIL: nvim is not installed and CI=true (scripts/install-deps.sh installs it)")
            return 1
        print("SKIP: nvim is not installed")
        return SKIP
    os.makedirs(work, exist_ok=True)
    result = os.path.join(work, "nvim_result.txt")
    if os.path.exists(result):
        os.remove(result)
    env = dict(os.environ, CTXLINT_BIN=ctxlint, CTXLINT_FILE=os.path.abspath(file),
               CTXLINT_CCDIR=ccdir, CTXLINT_RESULT=result,
               XDG_STATE_HOME=work, XDG_DATA_HOME=work, XDG_CACHE_HOME=work)
    lua = os.path.join(os.path.dirname(os.path.abspath(__file__)), "nvim_attach.lua")
    try:
        proc = subprocess.run([nvim, "--headless", "--clean", "-u", lua], env=env,
                              stdin=subprocess.DEVNULL, capture_output=True, text=True,
                              timeout=90)
    except subprocess.TimeoutExpired:
        print("FAIL: nvim did not finish within 90 s")
        return 1
    verdict = open(result).read().strip() if os.path.exists(result) else ""
    print(verdict or "FAIL: nvim wrote no result (status %d)" % proc.returncode)
    if proc.stdout.strip() or proc.stderr.strip():
        print("nvim output:\n" + proc.stdout + proc.stderr)
    return 0 if proc.returncode == 0 and verdict.startswith("PASS") else 1


if __name__ == "__main__":
    sys.exit(main())
