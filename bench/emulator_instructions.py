#!/usr/bin/env python3
"""The emulator's list and create against their ceilings, in instructions per request
(valgrind's callgrind), which do not depend on the machine's load.

Run from the workspace root, after
`cargo build --release -p gaussdb-backup-emulator --bin gaussdb-backup-emulator --example bare_axum`:
    python3 bench/emulator_instructions.py

Each server runs under callgrind twice, answering 0 and then 100 requests
`GET …/backups?limit=100` over one keep-alive connection; the difference
over 100 is its cost per request. The emulator holds 1,000 backups (a
journal written as bench/emulator.py writes it); the fair ceiling is
`/fair/v3/{project_id}/backups` of examples/bare_axum.rs (the same 100 typed
items built and serialised per request); the fixed string is the old
ceiling. Create is the documented request (POST, with a body) against the
emulator in memory, bare_axum's fixed answer and its fair create ceiling
(the typed request parsed, the typed answer built and serialised). Ratios of instructions approximate ratios of throughput on one
core; bench/emulator.py measures throughput itself, on an idle machine.
"""
import http.client
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import emulator  # noqa: E402  (its journal format)

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
RELEASE = os.path.join(ROOT, "target", "release")
PROJECT = emulator.PROJECT
TOKEN = {"X-Auth-Token": "token"}


def instructions(cmd, port, path, requests, tmp, body=None):
    """Instructions the server runs in all, answering `requests` GETs of `path` (POSTs of `body`)."""
    out = os.path.join(tmp, f"callgrind-{port}-{requests}.out")
    proc = subprocess.Popen(["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", *cmd],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            env=dict(os.environ, RUST_LOG="warn"))
    try:
        for _ in range(600):  # until it answers (valgrind starts slowly)
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                conn.request("GET", f"/v3/{PROJECT}/backups?limit=1", headers=TOKEN)
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        for _ in range(requests):
            if body is None:
                conn.request("GET", path, headers=TOKEN)
            else:
                conn.request("POST", path, body=body,
                             headers={**TOKEN, "Content-Type": "application/json;charset=UTF-8"})
            response = conn.getresponse()
            answer = response.read()
            if response.status // 100 != 2:
                sys.exit(f"{cmd[0]} answered {response.status}: {answer[:200]!r}")
        conn.close()
    except BaseException:
        proc.kill()  # never leave a server holding the port
        raise
    return int(re.findall(r"Collected : (\d+)", stop(proc, cmd))[-1])


def stop(proc, cmd):
    """Interrupts a server under valgrind and returns valgrind's report.

    SIGINT again every 30 s: once (2026-12-06, bare_axum after 100 list
    requests) a server under valgrind did not exit on the first within two
    minutes (its keep-alive connection then still open; it is closed first
    now). After four, it is killed and the run fails with a message."""
    for _ in range(4):
        proc.send_signal(signal.SIGINT)
        try:
            return proc.communicate(timeout=30)[1].decode()
        except subprocess.TimeoutExpired:
            continue
    proc.kill()
    proc.communicate()
    sys.exit(f"{cmd[0]} under valgrind did not exit after four SIGINTs in 120 s")


def per_request(cmd, port, path, tmp, requests=100, body=None):
    return (instructions(cmd, port, path, requests, tmp, body)
            - instructions(cmd, port, path, 0, tmp, body)) / requests


def main():
    tmp = tempfile.mkdtemp(prefix="emulator-instructions-", dir=os.path.join(ROOT, "target"))
    journal = os.path.join(tmp, "list.jsonl")
    emulator.journal(journal, 1000)
    emu = [os.path.join(RELEASE, "gaussdb-backup-emulator"), "--listen", "127.0.0.1:18194",
           "--state", journal, *emulator.INSTANT]
    bare = [os.path.join(RELEASE, "examples", "bare_axum"), "127.0.0.1:18193"]
    listed = per_request(emu, 18194, f"/v3/{PROJECT}/backups?limit=100", tmp)
    fair = per_request(bare, 18193, f"/fair/v3/{PROJECT}/backups", tmp)
    fixed = per_request(bare, 18193, f"/v3/{PROJECT}/backups?limit=100", tmp)
    print("| server (list, 100 per page) | instructions per request | ceiling / server |")
    print("|---|---:|---:|")
    print(f"| fixed string (old ceiling) | {fixed:,.0f} | |")
    print(f"| fair ceiling: 100 typed items built and serialised | {fair:,.0f} | 1.00 |")
    print(f"| emulator, first 100 of 1,000 | {listed:,.0f} | {fair / listed:.2f} |")
    memory = [os.path.join(RELEASE, "gaussdb-backup-emulator"), "--listen", "127.0.0.1:18195", *emulator.INSTANT]
    created = per_request(memory, 18195, emulator.CREATE, tmp, body=emulator.BODY)
    ceiling = per_request(bare, 18193, emulator.CREATE, tmp, body=emulator.BODY)
    fair_create = per_request(bare, 18193, "/fair" + emulator.CREATE, tmp, body=emulator.BODY)
    print()
    print("| server (create) | instructions per request | vs fixed answer | vs fair ceiling |")
    print("|---|---:|---:|---:|")
    print(f"| bare axum, fixed answer, body read not parsed | {ceiling:,.0f} | 1.00 | |")
    print(f"| fair ceiling: typed request in, typed answer out | {fair_create:,.0f} | "
          f"{ceiling / fair_create:.2f} | 1.00 |")
    print(f"| emulator, in memory | {created:,.0f} | {ceiling / created:.2f} | {fair_create / created:.2f} |")
    shutil.rmtree(tmp)


if __name__ == "__main__":
    main()
