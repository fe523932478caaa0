#!/usr/bin/env python3
"""Benchmark of openapi-check against the established OpenAPI validators.

Run from the workspace root:  python3 bench/openapi_check.py [--no-peers] [--runs N] [--yaml-only] [--redocly-only]

--redocly-only times GitHub's description with openapi-check (median of 11
runs) and then Redocly (one run), --runs times in a row, and prints every
run's ratio with the load average before and after.

--yaml-only times GitHub's description as JSON and as YAML (converted with
PyYAML into target/bench/), alternating runs, and prints the YAML/JSON ratio
of wall and CPU time; a full run prints the same table first.

What it does, all in one run so that the ratios compare like with like:
1. builds openapi-check in release mode;
2. times `openapi-check diff` on GitHub Enterprise Server's descriptions
   3.18 → 3.19 (`generated/ghes-3.18.json`, `ghes-3.19.json`, 11 MB each);
3. fetches GitHub's REST description (OAS 3.0.3, 13 MB) from the npm package
   @octokit/openapi (generated/api.github.com.json) into target/bench/ (never
   committed);
3. writes synthetic specs of 10, 100, 1,000 and 10,000 operations;
4. installs the peers where the registries allow (openapi-spec-validator from
   PyPI into a venv; @stoplight/spectral-cli and @redocly/cli from npm), all
   under target/bench/;
5. times every tool on every file (median wall time of --runs runs for
   openapi-check, one run for peers unless --peer-runs says otherwise) with
   peak memory from GNU time, and prints a Markdown table with ratios. Peers
   run on GitHub's file and the 1,000-operation spec (Spectral alone needs
   minutes for the rest).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "target", "bench")
BIN = os.path.join(ROOT, "target", "release", "openapi-check")
SIZES = [10, 100, 1000, 10000]


def sh(cmd, **kw):
    return subprocess.run(cmd, check=True, **kw)


def fetch_octokit():
    out = os.path.join(CACHE, "octokit")
    github = os.path.join(out, "api.github.com.json")
    if os.path.exists(github):
        return out
    os.makedirs(out, exist_ok=True)
    sh(["npm", "pack", "@octokit/openapi", "--silent", "--pack-destination", out], stdout=subprocess.DEVNULL)
    tgz = next(f for f in os.listdir(out) if f.endswith(".tgz"))
    with tarfile.open(os.path.join(out, tgz)) as tar:
        for name in ["api.github.com.json", "ghes-3.18.json", "ghes-3.19.json"]:
            member = tar.getmember(f"package/generated/{name}")
            member.name = name
            tar.extract(member, out, filter="data")
    return out


def github_yaml(octokit):
    """GitHub's description converted to YAML (PyYAML, block style), to time
    YAML against JSON on the same document."""
    path = os.path.join(octokit, "api.github.com.yaml")
    if not os.path.exists(path):
        import json
        import yaml  # PyYAML
        with open(os.path.join(octokit, "api.github.com.json")) as f:
            doc = json.load(f)
        dumper = getattr(yaml, "CSafeDumper", yaml.SafeDumper)
        with open(path + ".tmp", "w") as f:
            yaml.dump(doc, f, Dumper=dumper, sort_keys=False, allow_unicode=True, width=1 << 20)
        os.replace(path + ".tmp", path)
    return path


def synthetic():
    out = os.path.join(CACHE, "synthetic")
    os.makedirs(out, exist_ok=True)
    files = []
    for n in SIZES:
        path = os.path.join(out, f"ops-{n}.json")
        if not os.path.exists(path):
            sh([sys.executable, os.path.join(ROOT, "bench", "synth_spec.py"), str(n), path])
        files.append((f"synthetic {n:,} ops", path))
    return files


def install_peers():
    peers = {}
    venv = os.path.join(CACHE, "venv")
    try:
        if not os.path.exists(os.path.join(venv, "bin", "openapi-spec-validator")):
            sh([sys.executable, "-m", "venv", venv])
            sh([os.path.join(venv, "bin", "pip"), "install", "-q", "openapi-spec-validator"])
        peers["openapi-spec-validator"] = lambda f: [os.path.join(venv, "bin", "openapi-spec-validator"), f]
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"openapi-spec-validator: not installable here ({e})", file=sys.stderr)
    node = os.path.join(CACHE, "node")
    try:
        if not os.path.exists(os.path.join(node, "node_modules", ".bin", "redocly")):
            os.makedirs(node, exist_ok=True)
            sh(["npm", "install", "--silent", "--no-audit", "--no-fund", "--prefix", node,
                "@stoplight/spectral-cli", "@redocly/cli"], stdout=subprocess.DEVNULL)
        ruleset = os.path.join(node, "ruleset.yaml")
        with open(ruleset, "w") as f:
            f.write('extends: ["spectral:oas"]\n')
        bin_ = os.path.join(node, "node_modules", ".bin")
        peers["spectral"] = lambda f: [os.path.join(bin_, "spectral"), "lint", "-q", "-r", ruleset, f]
        peers["redocly"] = lambda f: [os.path.join(bin_, "redocly"), "lint", "--format", "summary", f]
    except (subprocess.CalledProcessError, OSError) as e:
        print(f"spectral/redocly: not installable here ({e})", file=sys.stderr)
    return peers


def measure(cmd, runs):
    """Median wall seconds and max peak RSS (MB) over `runs` runs."""
    times, peaks = [], []
    env = dict(os.environ, REDOCLY_TELEMETRY="off", REDOCLY_SUPPRESS_UPDATE_NOTICE="true", NO_COLOR="1")
    for _ in range(runs):
        with tempfile.NamedTemporaryFile("r") as stats:
            # Wall time from a monotonic clock around the run (GNU time's %e
            # has 10 ms steps, 8 % of openapi-check's time on GitHub's file);
            # GNU time's start adds about a millisecond to both sides.
            # No `timeout=` on the run: Python then polls for the child's
            # exit with sleeps of up to 50 ms, which added 20-30 ms to each
            # 0.13 s run. A timer kills a peer that hangs instead.
            start = time.perf_counter()
            proc = subprocess.Popen(["/usr/bin/time", "-f", "%e %M", "-o", stats.name] + cmd,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
            killer = threading.Timer(1800, proc.kill)
            killer.start()
            proc.wait()
            seconds = time.perf_counter() - start
            killer.cancel()
            line = stats.read().strip().splitlines()[-1]
            _, kb = line.split()
            times.append(seconds)
            peaks.append(int(kb) / 1024)
            if proc.returncode not in (0, 1):
                return None, None, proc.returncode
    return statistics.median(times), max(peaks), 0


def yaml_vs_json(octokit, runs):
    """The same document as JSON and as YAML, alternating runs so that load
    from other processes falls on both alike."""
    json_path = os.path.join(octokit, "api.github.com.json")
    yaml_path = github_yaml(octokit)
    times = {"json": [], "yaml": []}
    cpu = {"json": [], "yaml": []}
    peak = {"json": 0.0, "yaml": 0.0}
    for _ in range(runs):
        for kind, path in (("json", json_path), ("yaml", yaml_path)):
            with tempfile.NamedTemporaryFile("r") as stats:
                start = time.perf_counter()
                subprocess.run(["/usr/bin/time", "-f", "%e %M %U %S", "-o", stats.name, BIN, "--format", "json", path],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                wall = time.perf_counter() - start
                _, m, u, s_ = stats.read().strip().splitlines()[-1].split()
                times[kind].append(wall)
                cpu[kind].append(float(u) + float(s_))
                peak[kind] = max(peak[kind], int(m) / 1024)
    print("| GitHub REST | size (MB) | wall time (s) | CPU time (s) | peak memory (MB) |")
    print("|---|---:|---:|---:|---:|")
    for kind, path in (("json", json_path), ("yaml", yaml_path)):
        print(f"| {kind.upper()} | {os.path.getsize(path) / 1e6:.1f} | {statistics.median(times[kind]):.2f} | "
              f"{statistics.median(cpu[kind]):.2f} | {peak[kind]:.0f} |")
    ratio_wall = statistics.median(times["yaml"]) / statistics.median(times["json"])
    ratio_cpu = statistics.median(cpu["yaml"]) / statistics.median(cpu["json"])
    print(f"\nYAML / JSON (medians of {runs} alternating runs): wall {ratio_wall:.2f}×, CPU {ratio_cpu:.2f}×\n")


def against_redocly(octokit, runs, ours_runs):
    """GitHub's description: openapi-check (median of `ours_runs`) then
    Redocly (one run), `runs` times in a row, with the load average before
    and after; one ratio per run, so that a claim can hold in every run."""
    path = os.path.join(octokit, "api.github.com.json")
    redocly = install_peers().get("redocly")
    if redocly is None:
        sys.exit("redocly is not installable here")
    print(f"GitHub REST (13 MB); load average before: {os.getloadavg()[0]:.2f}\n")
    print(f"| run | openapi-check (s, median of {ours_runs}) | Redocly (s) | Redocly / openapi-check |")
    print("|---:|---:|---:|---:|")
    ratios = []
    for run in range(1, runs + 1):
        ours, _, _ = measure([BIN, "--format", "json", path], ours_runs)
        theirs, _, rc = measure(redocly(path), 1)
        if theirs is None:
            sys.exit(f"redocly exited {rc}")
        ratios.append(theirs / ours)
        print(f"| {run} | {ours:.3f} | {theirs:.2f} | {theirs / ours:.1f}× |")
    print(f"\nload average after: {os.getloadavg()[0]:.2f}; lowest ratio {min(ratios):.1f}×")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-peers", action="store_true")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--peer-runs", type=int, default=1)
    ap.add_argument("--diff-only", action="store_true", help="only the GHES 3.18 → 3.19 diff")
    ap.add_argument("--yaml-only", action="store_true", help="only GitHub's description as JSON and as YAML")
    ap.add_argument("--redocly-only", action="store_true",
                    help="only GitHub's description against Redocly, one ratio per run (--runs runs)")
    args = ap.parse_args()
    if not shutil.which("/usr/bin/time"):
        sys.exit("GNU time (/usr/bin/time) is needed: apt-get install time")
    os.makedirs(CACHE, exist_ok=True)
    sh(["cargo", "build", "--release", "-q", "-p", "openapi-check"], cwd=ROOT)
    octokit = fetch_octokit()
    if args.yaml_only:
        yaml_vs_json(octokit, args.runs)
        return
    if args.redocly_only:
        against_redocly(octokit, args.runs, 11)
        return
    old, new = (os.path.join(octokit, f"ghes-3.{v}.json") for v in (18, 19))
    t, mb, rc = measure([BIN, "diff", "--format", "json", old, new], args.runs)
    print(f"openapi-check diff ghes-3.18.json ghes-3.19.json (11 MB each): {t:.2f} s median of {args.runs}, "
          f"{mb:.0f} MB peak, exit {rc}\n")
    if args.diff_only:
        return
    yaml_vs_json(octokit, args.runs)
    files = [("GitHub REST (13 MB)", os.path.join(octokit, "api.github.com.json"))] + synthetic()
    peers = {} if args.no_peers else install_peers()

    rows = []
    for label, path in files:
        ours, ours_mb, _ = measure([BIN, "--format", "json", path], args.runs)
        size_mb = os.path.getsize(path) / 1e6
        rows.append((label, "openapi-check", ours, ours_mb, 1.0, size_mb))
        if "synthetic" in label and "1,000 ops" not in label:
            continue  # peers run on GitHub's file and the 1,000-operation spec
        for name, cmd in peers.items():
            t, mb, rc = measure(cmd(path), args.peer_runs)
            rows.append((label, name, t, mb, (t / ours) if t and ours else None, size_mb))
            if rc:
                print(f"{name} on {label}: exit {rc}", file=sys.stderr)

    print(f"{subprocess.run([BIN, '--version'], capture_output=True, text=True).stdout.strip()}, "
          f"{os.cpu_count()} cores; median of {args.runs} runs (peers: {args.peer_runs})\n")
    print("| file | tool | wall time (s) | peak memory (MB) | time vs openapi-check |")
    print("|---|---|---:|---:|---:|")
    for label, tool, t, mb, ratio, size in rows:
        ts = f"{t:.2f}" if t is not None else "failed"
        ms = f"{mb:.0f}" if mb is not None else "-"
        rs = f"{ratio:.1f}×" if ratio else "-"
        print(f"| {label} | {tool} | {ts} | {ms} | {rs} |")
    synth = [(l, t) for l, tool, t, *_ in rows if tool == "openapi-check" and l.startswith("synthetic")]
    print("\nScaling of openapi-check on synthetic specs (time per 1,000 operations):")
    for (label, t), n in zip(synth, SIZES):
        print(f"- {label}: {t:.3f} s total, {t / n * 1000:.3f} s per 1,000 ops")


if __name__ == "__main__":
    main()
