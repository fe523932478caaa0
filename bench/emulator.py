#!/usr/bin/env python3
"""Throughput and latency of the emulator's create call on loopback.

Run from the workspace root:  python3 bench/emulator.py [--seconds 10] [--connections 32]

Builds the emulator and a bare axum handler (examples/bare_axum.rs: same path,
fixed 201 body, no validation, state or middleware) in release mode, starts
each on loopback, and drives it with wrk (Debian package `wrk`; installed with
apt-get when missing) sending the documented request with a token. The
emulator runs with backups completing at once (so every call is a 201, not a
409) and request logging at `warn` (one log line per call would measure the
terminal). Prints requests/s and p50/p99 latency, and the emulator as a
fraction of the bare handler, measured in the same run.
"""
import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
BODY = '{ "instance_id" : "07033b125fd94a8a96896f8bcfee6ddain07", "name" : "backup-1", "description": "Manual backup" }'
PATH = "/v3/619d3e78f61b4be68bc5aa0b59edcf7b/backups/create"


def ensure_wrk():
    if shutil.which("wrk"):
        return
    subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True)


def wait_ready(url):
    for _ in range(100):
        try:
            urllib.request.urlopen(url + "/_emulator/backups", timeout=0.2)
            return
        except urllib.error.HTTPError:
            return  # the server answered
        except OSError:
            time.sleep(0.05)
    sys.exit(f"{url} did not start")


def run_wrk(url, seconds, connections):
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as lua:
        lua.write('wrk.method = "POST"\n')
        lua.write(f"wrk.body = [[{BODY}]]\n")
        lua.write('wrk.headers["Content-Type"] = "application/json;charset=UTF-8"\n')
        lua.write('wrk.headers["X-Auth-Token"] = "bench-token"\n')
        script = lua.name
    out = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", script, url + PATH],
        capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))

    def pct(p):
        m = re.search(rf"\s{p}%\s+([\d.]+)(us|ms|s)", out)
        value, unit = float(m.group(1)), m.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return rps, pct(50), pct(99), int(non2xx.group(1)) if non2xx else 0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=int, default=10)
    ap.add_argument("--connections", type=int, default=32)
    args = ap.parse_args()
    ensure_wrk()
    subprocess.run(["cargo", "build", "--release", "-q", "-p", "gaussdb-backup-emulator",
                    "--bin", "gaussdb-backup-emulator", "--example", "bare_axum"], cwd=ROOT, check=True)
    servers = [
        ("bare axum handler (ceiling)", [os.path.join(RELEASE, "examples", "bare_axum"), "127.0.0.1:18090"],
         "http://127.0.0.1:18090", {}),
        ("gaussdb-backup-emulator", [os.path.join(RELEASE, "gaussdb-backup-emulator"), "--listen", "127.0.0.1:18091",
                                     "--complete-after-ms", "0"],
         "http://127.0.0.1:18091", {"RUST_LOG": "warn"}),
    ]
    rows = []
    for name, cmd, url, env in servers:
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=dict(os.environ, **env))
        try:
            wait_ready(url)
            run_wrk(url, 2, args.connections)  # warm-up
            rows.append((name,) + run_wrk(url, args.seconds, args.connections))
        finally:
            proc.terminate()
            proc.wait()
    print(f"wrk -t1 -c{args.connections} -d{args.seconds}s on loopback, {os.cpu_count()} cores, "
          "server and load generator on the same machine\n")
    print("| server | requests/s | p50 (ms) | p99 (ms) | non-2xx | vs bare axum |")
    print("|---|---:|---:|---:|---:|---:|")
    ceiling = rows[0][1]
    for name, rps, p50, p99, non2xx in rows:
        print(f"| {name} | {rps:,.0f} | {p50:.2f} | {p99:.2f} | {non2xx} | {rps / ceiling:.2f} |")


if __name__ == "__main__":
    main()
