#!/usr/bin/env python3
"""Throughput and latency of the emulator on loopback, against a bare axum
handler measured in the same run.

Run from the workspace root:
    python3 bench/emulator.py [--runs 3] [--seconds 10] [--connections 32] [--sizes 1000,10000,100000]

Builds the emulator and examples/bare_axum.rs (the same paths answered with
fixed bodies: no validation, state, gateway or middleware) in release mode,
starts each on loopback and drives it with wrk (Debian package `wrk`;
installed with apt-get when missing):

1. create (POST /backups/create, the documented request with a token):
   bare axum (a fixed answer; the body read, not parsed); the fair ceiling
   (bare axum parsing the typed request and answering the typed response
   with fresh IDs: `/fair/...` in bare_axum.rs); the emulator in memory; the emulator with --state (a journal in
   a temporary folder, fdatasync per acknowledged batch);
2. list (GET /backups?limit=100, 100 backups per page): bare axum (a fixed
   page of 100), the fair ceiling (bare axum building and serialising the
   same 100 typed items on every request: `/fair/...` in bare_axum.rs) and
   the emulator holding 1,000 backups (loaded from a journal this script
   writes);
3. create with --state when the journal already holds 1,000, 10,000 and
   100,000 backups (journals written by this script in the emulator's record
   format, loaded at start): the cost per create must not grow.

The emulator runs with jobs finishing at once (--job-* 0: every create is a
201, never a 409) and logging at `warn` (a log line per call would measure
the terminal). Prints markdown tables: requests/s, p50/p99 latency, non-2xx
answers, and the ratio to the ceiling. With --runs N (default 3) the create
and list rows are measured N times in a row and the tables give every run's
ratio; the 1-minute load average is read before and after each run, so a
run that shared the machine shows it.
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
PROJECT = "619d3e78f61b4be68bc5aa0b59edcf7b"
INSTANCE = "07033b125fd94a8a96896f8bcfee6ddain07"
BODY = '{ "instance_id" : "%s", "name" : "backup-1", "description": "Manual backup" }' % INSTANCE
CREATE = f"/v3/{PROJECT}/backups/create"
LIST = f"/v3/{PROJECT}/backups?limit=100"
FAIR_LIST = f"/fair/v3/{PROJECT}/backups?limit=100"
INSTANT = ["--job-visible-after", "0", "--job-pending", "0", "--job-running", "0"]


def ensure_wrk():
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def wait_ready(url):
    for _ in range(600):
        try:
            urllib.request.urlopen(url + "/v3/x/ready", timeout=0.5)
            return
        except urllib.error.HTTPError:
            return  # the server answered
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{url} did not start")


def run_wrk(url, path, seconds, connections, post):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        if post:
            lua.write('wrk.method = "POST"\n')
            lua.write(f"wrk.body = [[{BODY}]]\n")
            lua.write('wrk.headers["Content-Type"] = "application/json;charset=UTF-8"\n')
        lua.write('wrk.headers["X-Auth-Token"] = "bench-token"\n')
        script = lua.name
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url + path],
        capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct(50), pct(99), int(non2xx.group(1)) if non2xx else 0


def journal(path, n):
    """A journal of n completed manual backups in the emulator's format."""
    start = int(time.time() * 1000) - n * 1000 - 3_600_000
    with open(path, "w") as f:
        for i in range(n):
            t = start + i * 1000
            bid = uuid.uuid4().hex + "br07"
            job = {"id": str(uuid.uuid4()), "project_id": PROJECT, "instance_id": INSTANCE,
                   "backup_id": bid, "backup_name": f"seed-{i}", "created_ms": t,
                   "schedule": {"visible_after": 0, "pending": 0, "running": 0}}
            backup = {"id": bid, "project_id": PROJECT, "instance_id": INSTANCE, "name": f"seed-{i}",
                      "description": "Manual backup", "begin_ms": t, "end_ms": t, "failed": False,
                      "kind": "manual", "size_mb": 1024.5}
            f.write(json.dumps({"op": "create", "job": job, "backup": backup}) + "\n")


class Server:
    def __init__(self, cmd, url, env=None):
        self.cmd, self.url, self.env = cmd, url, env or {}

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     env=dict(os.environ, **self.env))
        wait_ready(self.url)
        return self

    def __exit__(self, *exc):
        self.proc.terminate()
        self.proc.wait()


def emulator(port, *extra):
    return Server([os.path.join(RELEASE, "gaussdb-backup-emulator"), "--listen", f"127.0.0.1:{port}",
                   *INSTANT, *extra], f"http://127.0.0.1:{port}", {"RUST_LOG": "warn"})


def bare(port):
    return Server([os.path.join(RELEASE, "examples", "bare_axum"), f"127.0.0.1:{port}"],
                  f"http://127.0.0.1:{port}")


def measure(server, path, args, post):
    with server as s:
        run_wrk(s.url, path, 2, args.connections, post)  # warm-up
        return run_wrk(s.url, path, args.seconds, args.connections, post)


def table(title, runs, ceiling):
    """runs: one list of (name, figures) per run; `ceiling` names the row others are divided by."""
    print(f"\n{title}\n")
    print("| server | run | requests/s | p50 (ms) | p99 (ms) | non-2xx | vs ceiling |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    names = [name for name, _ in runs[0][0]]
    for name in names:
        for i, (rows, _) in enumerate(runs, 1):
            figures = dict(rows)
            rps, p50, p99, non2xx = figures[name]
            print(f"| {name} | {i} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {non2xx} | {rps / figures[ceiling][0]:.2f} |")
    for i, (_, load) in enumerate(runs, 1):
        print(f"\nrun {i}: load average (1 min) {load[0]:.2f} before, {load[1]:.2f} after")


def one_run(args, tmp, listed):
    """One measurement of every create and list row, with the load around it."""
    before = os.getloadavg()[0]
    create = [("bare axum handler (ceiling)", measure(bare(18090), CREATE, args, True)),
              ("fair ceiling: typed request in, typed answer out", measure(bare(18096), "/fair" + CREATE, args, True)),
              ("emulator, in memory", measure(emulator(18091), CREATE, args, True)),
              ("emulator, --state", measure(emulator(18092, "--state", os.path.join(tmp, "create.jsonl")),
                                            CREATE, args, True))]
    os.unlink(os.path.join(tmp, "create.jsonl"))
    listing = [("bare axum, fixed page of 100 (string)", measure(bare(18093), LIST, args, False)),
               ("fair ceiling: 100 typed items built and serialised", measure(bare(18093), FAIR_LIST, args, False)),
               ("emulator, first 100 of 1,000 backups", measure(emulator(18094, "--state", listed), LIST, args, False))]
    return (create, listing), (before, os.getloadavg()[0])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    ap.add_argument("--sizes", default="1000,10000,100000", help="journal sizes for the growth rows; '' skips them")
    args = ap.parse_args()
    ensure_wrk()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "gaussdb-backup-emulator",
                    "--bin", "gaussdb-backup-emulator", "--example", "bare_axum"], cwd=ROOT, check=True)
    tmp = tempfile.mkdtemp(prefix="emulator-bench-", dir=os.path.join(ROOT, "target"))
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s on loopback, {os.cpu_count()} cores, "
          f"server and load generator on the same machine; state files under {tmp}")

    listed = os.path.join(tmp, "list.jsonl")
    journal(listed, 1000)
    runs = [one_run(args, tmp, listed) for _ in range(args.runs)]
    table("create (POST /backups/create)", [(c, load) for (c, _), load in runs], "bare axum handler (ceiling)")
    table("list (GET /backups?limit=100)", [(l, load) for (_, l), load in runs],
          "fair ceiling: 100 typed items built and serialised")

    sizes = [int(s) for s in args.sizes.split(",") if s]
    if sizes:
        before = os.getloadavg()[0]
        rows = []
        for n in sizes:
            path = os.path.join(tmp, f"grow-{n}.jsonl")
            journal(path, n)
            rows.append((f"emulator, --state, {n:,} stored at start",
                         measure(emulator(18095, "--state", path), CREATE, args, True)))
        rows.insert(0, runs[-1][0][0][0])
        table("create with --state as the journal grows", [(rows, (before, os.getloadavg()[0]))],
              "bare axum handler (ceiling)")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
