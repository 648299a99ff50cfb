#!/usr/bin/env python3
"""Measures ctxlint against the parse floor on one corpus (a folder with compile_commands.json).
Called by run.sh, which builds the binaries and the corpus; see README.md for what each row is.

Every row lints every unit of the database; each is run --reps times and the medians are shown:
wall time, CPU time (user + system: less sensitive to other load on a shared machine) and peak
memory (/usr/bin/time %M, the largest process for the per-unit rows).
"""
import argparse
import json
import os
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile


def run_timed(cmd, cwd, env=None):
    """Runs cmd under /usr/bin/time; returns (wall s, cpu s, peak KiB, stderr text)."""
    with tempfile.NamedTemporaryFile("r", suffix=".time") as tf:
        full = ["/usr/bin/time", "-f", "%e %U %S %M", "-o", tf.name] + cmd
        p = subprocess.run(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                           stderr=subprocess.PIPE, text=True)
        fields = tf.read().strip().splitlines()[-1].split()
    wall, user, sys_, rss = float(fields[0]), float(fields[1]), float(fields[2]), int(fields[3])
    return wall, user + sys_, rss, p.stderr, p.returncode


def per_unit_script(db, tool, extra):
    """A shell script running `tool` once per database entry with the entry's own flags."""
    lines = ["set -u"]
    for e in db:
        args = e.get("arguments") or shlex.split(e["command"])
        out, skip = [], False
        for a in args[1:]:
            if skip:
                skip = False
                continue
            if a in ("-c",):
                continue
            if a == "-o":
                skip = True
                continue
            if a.startswith("-M") or a.startswith("-o"):
                continue
            out.append(a)
        lines.append("cd " + shlex.quote(e["directory"]) + " && " +
                     " ".join(shlex.quote(x) for x in [tool] + extra + out) + " 2>/dev/null")
    return "\n".join(lines) + "\n"


def touch(path, n):
    with open(path, "a") as f:
        f.write(f"/* bench touch {n} */\n")


def stats_of(stderr):
    m = re.search(r"parsed (\d+) units, (\d+) from cache", stderr)
    return (int(m.group(1)), int(m.group(2))) if m else (None, None)


def callgrind_ir(cmd, cwd):
    with tempfile.TemporaryDirectory() as d:
        out = os.path.join(d, "cg.out")
        subprocess.run(["valgrind", "--tool=callgrind", "--callgrind-out-file=" + out] + cmd,
                       cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        with open(out) as f:
            for line in f:
                if line.startswith("summary:") or line.startswith("totals:"):
                    return int(line.split()[1])
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--ctxlint", required=True)
    ap.add_argument("--floor", required=True)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--work", required=True, help="scratch folder (cache dirs)")
    ap.add_argument("--touch-file", help="the file edited for the 'touched' rows")
    ap.add_argument("--touch-header", help="a header many units include, edited likewise")
    ap.add_argument("--instructions", type=int, default=0,
                    help="also count instructions (callgrind) on the first N units")
    ap.add_argument("--no-reference", action="store_true", help="skip clang and clang-tidy")
    a = ap.parse_args()

    corpus = os.path.abspath(a.corpus)
    with open(os.path.join(corpus, "compile_commands.json")) as f:
        db = json.load(f)
    n_units = len({os.path.join(e["directory"], e["file"]) for e in db})
    os.makedirs(a.work, exist_ok=True)
    cache = os.path.join(a.work, "cache")
    env = dict(os.environ)
    ncpu = os.cpu_count()
    print(f"corpus {corpus}: {n_units} units; {a.reps} repetitions, medians; {ncpu} cores; "
          f"load average at start {os.getloadavg()[0]:.2f}", flush=True)

    plans = []  # (name, cmd, prepare, note_fn): every repetition runs them all, in this order,
    # so that a change in the machine's load hits every row alike.

    def plan(name, cmd, prepare=None, note_fn=None):
        plans.append((name, cmd, prepare, note_fn))

    lint = [a.ctxlint, "-q", "-p", corpus, "--stats"]
    parsed_note = lambda err: "parsed %s, cached %s" % stats_of(err)  # noqa: E731

    plan("floor (libclang parse + walk)", [a.floor, "-p", corpus])
    script = None
    if not a.no_reference:
        with tempfile.NamedTemporaryFile("w", suffix=".sh", delete=False) as sf:
            sf.write(per_unit_script(db, "clang", ["-fsyntax-only"]))
            script = sf.name
        plan("clang -fsyntax-only, per unit", ["bash", script])
        if shutil.which("clang-tidy"):
            files = sorted({os.path.join(e["directory"], e["file"]) for e in db})
            plan("clang-tidy (1 check), 1 process",
                 ["clang-tidy", "-p", corpus, "--quiet",
                  "--checks=-*,bugprone-assert-side-effect"] + files)
    plan("ctxlint -j1 (no cache)", lint + ["-j1", "--no-cache"], note_fn=parsed_note)
    plan("ctxlint -j2 (no cache)", lint + ["-j2", "--no-cache"], note_fn=parsed_note)
    plan("ctxlint -j1 --shared-pch (no cache)", lint + ["-j1", "--no-cache", "--shared-pch"],
         note_fn=parsed_note)
    plan("ctxlint -j2 --shared-pch (no cache)", lint + ["-j2", "--no-cache", "--shared-pch"],
         note_fn=parsed_note)
    cached = lint + ["--cache-dir", cache]
    plan("ctxlint cold, filling the cache", cached,
         prepare=lambda r: shutil.rmtree(cache, ignore_errors=True), note_fn=parsed_note)
    plan("ctxlint warm (nothing changed)", cached, note_fn=parsed_note)
    originals = {}
    for label, path in (("a touched unit", a.touch_file), ("a touched header", a.touch_header)):
        if path:
            with open(path) as f:
                originals[path] = f.read()
            plan(f"ctxlint after {label}", cached, prepare=lambda r, p=path: touch(p, r),
                 note_fn=parsed_note)

    samples = {name: [] for name, *_ in plans}
    notes, parsed = {}, {}  # the last repetition's --stats: (units parsed, units from cache)
    try:
        for r in range(a.reps):
            for name, cmd, prepare, note_fn in plans:
                if prepare:
                    prepare(r)
                wall, cpu, rss, err, rc = run_timed(cmd, corpus, env)
                if rc not in (0, 1):
                    sys.stderr.write(f"{name}: exit {rc}\n{err[-2000:]}\n")
                    notes[name] = f"exit {rc}: {'crashed' if rc > 128 else 'failed'} in rep {r + 1}"
                samples[name].append((wall, cpu, rss))
                if note_fn:
                    notes[name], parsed[name] = note_fn(err), stats_of(err)
                print(f"  rep {r + 1}: {name:<34} {wall:8.2f} s wall {cpu:8.2f} s cpu "
                      f"{rss / 1024:7.1f} MiB  {notes.get(name, '')}", flush=True)
    finally:
        for path, text in originals.items():
            with open(path, "w") as f:
                f.write(text)
        if script:
            os.unlink(script)
    rows = [(name, samples[name], notes.get(name, "")) for name, *_ in plans]
    print(f"load average at the end {os.getloadavg()[0]:.2f}")

    med = {name: [statistics.median(s[i] for s in samples) for i in range(3)]
           for name, samples, _ in rows}
    floor = med["floor (libclang parse + walk)"]
    print()
    print(f"| run | wall s | cpu s | peak MiB | wall / floor | cpu / floor | mem / floor | note |")
    print(f"|---|---:|---:|---:|---:|---:|---:|---|")
    for name, samples, note in rows:
        w, c, m = med[name]
        print(f"| {name} | {w:.2f} | {c:.2f} | {m / 1024:.1f} | {w / floor[0]:.3f} | "
              f"{c / floor[1]:.3f} | {m / floor[2]:.3f} | {note} |")

    j1, j2 = med["ctxlint -j1 (no cache)"], med["ctxlint -j2 (no cache)"]
    cold, warm = med["ctxlint cold, filling the cache"], med["ctxlint warm (nothing changed)"]
    checks = [
        ("ctxlint -j1 <= 1.10 x floor (cpu)", j1[1] / floor[1], j1[1] <= 1.10 * floor[1]),
        ("ctxlint -j1 <= 1.10 x floor (wall)", j1[0] / floor[0], j1[0] <= 1.10 * floor[0]),
        ("-j2 >= 1.8 x faster than -j1 (wall)", j1[0] / j2[0], j1[0] / j2[0] >= 1.8),
        ("warm <= 5 % of cold (wall)", warm[0] / cold[0], warm[0] <= 0.05 * cold[0]),
        ("peak memory -j1 <= 1.2 x floor", j1[2] / floor[2], j1[2] <= 1.2 * floor[2]),
        ("peak memory -j2 <= 1.2 x floor", j2[2] / floor[2], j2[2] <= 1.2 * floor[2]),
    ]
    pch = med["ctxlint -j1 --shared-pch (no cache)"]
    checks.append(("stretch: -j1 --shared-pch below the floor (cpu)", pch[1] / floor[1],
                   pch[1] < floor[1]))
    if "ctxlint after a touched unit" in parsed:
        p = parsed["ctxlint after a touched unit"][0]
        checks.append(("a touched unit re-lints only itself (units parsed)", p, p == 1))
    print()
    for label, value, ok in checks:
        print(f"{'PASS' if ok else 'MISS'}  {label}: {value:.3f}")

    if a.instructions:
        every = sorted({os.path.join(e["directory"], e["file"]) for e in db})
        gen = every[::max(1, len(every) // a.instructions)][:a.instructions]  # spread out
        fl = callgrind_ir([a.floor, "-p", corpus] + gen, corpus)
        cl = callgrind_ir([a.ctxlint, "-q", "-j1", "--no-cache", "-p", corpus] + gen, corpus)
        pc = callgrind_ir([a.ctxlint, "-q", "-j1", "--no-cache", "--shared-pch", "-p", corpus] +
                          gen, corpus)
        print(f"\ninstructions (callgrind, {len(gen)} units spread over the corpus): floor {fl:,}"
              f"  ctxlint -j1 {cl:,} ({cl / fl:.4f} x floor)"
              f"  ctxlint -j1 --shared-pch {pc:,} ({pc / fl:.4f} x floor)")


if __name__ == "__main__":
    main()
