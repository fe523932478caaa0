#!/usr/bin/env python3
"""What adding the client costs a user: a clean debug build of a minimal
program that uses the client, against a minimal program that uses the same
reqwest/serde/serde_json/tokio (same versions, same features) directly.

Run from the workspace root:

    python3 bench/consumer_build.py [--jobs 2] [--rounds 1]
        [--rev GIT-REV] [--patch FILE] [--features F,G] [--no-default-features]

Both consumers are throwaway crates under target/consumer-bench/, each with
its own target directory, built from clean (`cargo build --jobs N`, dev
profile) one after the other in the same run; with --rounds N each is built N
times, alternating, and the median is reported. The versions of every shared
dependency are pinned by copying the workspace's Cargo.lock into both.

The baseline's reqwest, serde, serde_json and tokio features are read from the
client consumer's resolved graph (`cargo metadata`), so the baseline gets
exactly the HTTP stack and TLS backend the client brings, and the ratio is the
cost of the client itself (its own code and the dependencies it adds).

Each build is timed by the wall clock and by CPU time (user + system of
every process of the build): on a machine shared with other builds the wall
time swings with their load, the CPU time hardly does.

Each build also writes cargo's `--timings` report, and the script attributes
the cost unit by unit: the units only the client consumer builds (the client,
the crates it adds, their build scripts) plus its program's extra time over
the baseline program's, over the baseline's total. The shared crates (aws-lc-sys
alone is a third of either build) swing by several seconds from one build to
the next even on an idle machine, more than the client adds; this ratio counts
them once, so the swing cancels out. It is printed beside the CPU ratio, with
the list of what the client adds.

--rev measures the client as of a git revision (exported with `git archive`
under target/consumer-bench/), --patch applies a patch to that export first
(for a change not committed yet). Prints build times, the ratio, and the
number of crates each consumer builds (`cargo tree -e normal,build`), and
which C builds (aws-lc-sys, ring, openssl-sys) are in each.

Needs crates.io (or a warm cargo cache) for the dependencies.
"""
import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
WORK = os.path.join(ROOT, "target", "consumer-bench")
SHARED = ["reqwest", "serde", "serde_json", "tokio"]
C_BUILDS = ["aws-lc-sys", "ring", "openssl-sys"]

CLIENT_MAIN = r'''
use gaussdb_backup::{Client, Credentials};

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = Client::builder()
        .region("eu-west-101")
        .project_id("619d3e78f61b4be68bc5aa0b59edcf7b")
        .credentials(Credentials::token("token"))
        .build()
        .expect("a valid configuration");
    let created = client
        .create_backup("07033b125fd94a8a96896f8bcfee6ddain07", "backup-1")
        .description("Manual backup")
        .send()
        .await;
    match created {
        Ok(c) => println!("backup {} started by job {}", c.backup.id, c.job_id),
        Err(e) => eprintln!("{e}"),
    }
}
'''

BASELINE_MAIN = r'''
use serde::{Deserialize, Serialize};

#[derive(Serialize)]
struct CreateBackupRequest<'a> {
    instance_id: &'a str,
    name: &'a str,
    description: Option<&'a str>,
}

#[derive(Deserialize, Debug)]
struct Backup {
    id: String,
}

#[derive(Deserialize, Debug)]
struct CreateBackupResponse {
    backup: Backup,
    job_id: String,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let client = reqwest::Client::builder()
        .timeout(std::time::Duration::from_secs(30))
        .build()
        .expect("a valid configuration");
    let response = client
        .post("https://gaussdb.eu-west-101.myhuaweicloud.com/v3/619d3e78f61b4be68bc5aa0b59edcf7b/backups/create")
        .header("X-Auth-Token", "token")
        .json(&CreateBackupRequest {
            instance_id: "07033b125fd94a8a96896f8bcfee6ddain07",
            name: "backup-1",
            description: Some("Manual backup"),
        })
        .send()
        .await;
    match response {
        Ok(r) => match r.text().await.map(|t| serde_json::from_str::<CreateBackupResponse>(&t)) {
            Ok(Ok(c)) => println!("backup {} started by job {}", c.backup.id, c.job_id),
            Ok(Err(e)) => eprintln!("{e}"),
            Err(e) => eprintln!("{e}"),
        },
        Err(e) => eprintln!("{e}"),
    }
}
'''


def run(cmd, cwd, env=None, capture=False):
    result = subprocess.run(
        cmd, cwd=cwd, env=env, check=False, text=True,
        stdout=subprocess.PIPE if capture else None,
        stderr=subprocess.PIPE if capture else None,
    )
    if result.returncode != 0:
        sys.exit(f"{' '.join(cmd)} failed in {cwd}:\n{result.stderr or ''}")
    return result.stdout


def toml_list(items):
    return "[" + ", ".join(json.dumps(i) for i in items) + "]"


def write_crate(path, name, deps, main):
    if os.path.exists(path):
        shutil.rmtree(path)
    os.makedirs(os.path.join(path, "src"))
    with open(os.path.join(path, "Cargo.toml"), "w") as f:
        f.write(f'[package]\nname = "{name}"\nversion = "0.0.0"\nedition = "2024"\npublish = false\n\n')
        # Not a member of the workspace it happens to sit in.
        f.write("[workspace]\n\n[dependencies]\n")
        for dep in deps:
            f.write(dep + "\n")
    with open(os.path.join(path, "src", "main.rs"), "w") as f:
        f.write(main)
    shutil.copy(os.path.join(ROOT, "Cargo.lock"), os.path.join(path, "Cargo.lock"))


def client_source(args):
    """The client crate to measure: this checkout's, or an exported revision."""
    if not args.rev:
        if args.patch:
            sys.exit("--patch needs --rev")
        return os.path.join(ROOT, "crates", "gaussdb-backup")
    export = os.path.join(WORK, "rev-" + args.rev.replace("/", "_"))
    if os.path.exists(export):
        shutil.rmtree(export)
    os.makedirs(export)
    archive = subprocess.run(["git", "archive", args.rev], cwd=ROOT, check=True, stdout=subprocess.PIPE).stdout
    subprocess.run(["tar", "-x", "-C", export], input=archive, check=True)
    if args.patch:
        run(["patch", "-p1", "--quiet", "-i", os.path.abspath(args.patch)], cwd=export)
    return os.path.join(export, "crates", "gaussdb-backup")


def resolved_features(crate_dir, names):
    meta = json.loads(run(["cargo", "metadata", "--format-version", "1"], cwd=crate_dir, capture=True))
    by_id = {p["id"]: p for p in meta["packages"]}
    found = {}
    for node in meta["resolve"]["nodes"]:
        package = by_id[node["id"]]
        if package["name"] in names:
            if package["name"] in found:
                sys.exit(f"two versions of {package['name']} in the client's graph")
            features = sorted(f for f in node["features"] if f != "default")
            found[package["name"]] = (package["version"], features)
    missing = set(names) - set(found)
    if missing:
        sys.exit(f"not in the client's graph: {', '.join(sorted(missing))}")
    return found


def crates(crate_dir):
    out = run(["cargo", "tree", "-e", "normal,build", "--prefix", "none"], cwd=crate_dir, capture=True)
    lines = {line.replace(" (*)", "").strip() for line in out.splitlines() if line.strip()}
    names = {line.split(" ")[0] for line in lines}
    return len(lines), sorted(n for n in C_BUILDS if n in names)


def cpu_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def units(crate_dir):
    """Every unit of the last build, from cargo's `--timings` report:
    {(name, version, target): seconds}."""
    path = os.path.join(crate_dir, "target", "cargo-timings", "cargo-timing.html")
    with open(path, encoding="utf-8") as f:
        html = f.read()
    match = re.search(r"const UNIT_DATA = (\[.*?\]);\n", html, re.S)
    if not match:
        sys.exit(f"{path}: no UNIT_DATA (has cargo's --timings report changed?)")
    out = {}
    for unit in json.loads(match.group(1)):
        key = (unit["name"], unit["version"], unit.get("target", "").strip())
        out[key] = out.get(key, 0.0) + unit["duration"]
    return out


def attributed(base_units, client_units):
    """The client's cost unit by unit, from one round: the units only the
    client consumer builds, plus its program's extra over the baseline's
    program, over the baseline's total. Both consumers build the shared
    crates, whose time swings from build to build with the machine; this
    counts them once, from the baseline, so the swing cancels out."""
    base_total = sum(base_units.values())
    base_bin = sum(v for (n, _, _), v in base_units.items() if n == "consumer-baseline")
    only = {k: v for k, v in client_units.items()
            if k not in base_units and k[0] != "consumer-client"}
    client_bin = sum(v for (n, _, _), v in client_units.items() if n == "consumer-client")
    added = sum(only.values()) + client_bin - base_bin
    return (base_total + added) / base_total, only, client_bin - base_bin


def build(crate_dir, jobs):
    """Wall time and CPU time (user + system of cargo and every rustc, cc and
    build script it waited for). CPU time hardly depends on what else the
    machine runs; wall time does. Built with `--timings`, for `units`."""
    target = os.path.join(crate_dir, "target")
    if os.path.exists(target):
        shutil.rmtree(target)
    env = dict(os.environ, CARGO_TARGET_DIR=target, CARGO_TERM_COLOR="never")
    env.pop("RUSTFLAGS", None)
    cpu = cpu_of_children()
    start = time.monotonic()
    run(["cargo", "build", "--quiet", "--timings", "--jobs", str(jobs)], cwd=crate_dir, env=env)
    return time.monotonic() - start, cpu_of_children() - cpu


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--rev", help="measure the client as of this git revision")
    parser.add_argument("--patch", help="apply this patch to the --rev export first")
    parser.add_argument("--features", default="", help="client features, comma-separated")
    parser.add_argument("--no-default-features", action="store_true")
    parser.add_argument("--work", default="consumer-bench",
                        help="directory under target/ (to run two measurements at once)")
    args = parser.parse_args()

    global WORK
    WORK = os.path.join(ROOT, "target", args.work)
    os.makedirs(WORK, exist_ok=True)
    source = client_source(args)
    client_dep = f'gaussdb-backup = {{ path = {json.dumps(source)}'
    if args.no_default_features:
        client_dep += ", default-features = false"
    if args.features:
        client_dep += ", features = " + toml_list(args.features.split(","))
    client_dep += " }"
    client_dir = os.path.join(WORK, "client")
    baseline_dir = os.path.join(WORK, "baseline")
    write_crate(client_dir, "consumer-client", [
        client_dep,
        'tokio = { version = "1", features = ["macros", "rt"] }',
    ], CLIENT_MAIN)
    shared = resolved_features(client_dir, SHARED)
    write_crate(baseline_dir, "consumer-baseline", [
        f'{name} = {{ version = "={version}", default-features = false, features = {toml_list(features)} }}'
        for name, (version, features) in sorted(shared.items())
    ], BASELINE_MAIN)

    for name, (version, features) in sorted(shared.items()):
        print(f"shared: {name} {version} [{', '.join(features)}]")
    times = {"baseline": [], "client": []}
    cpus = {"baseline": [], "client": []}
    by_unit = []
    for round_ in range(args.rounds):
        for name, path in (("baseline", baseline_dir), ("client", client_dir)):
            seconds, cpu = build(path, args.jobs)
            times[name].append(seconds)
            cpus[name].append(cpu)
            print(f"round {round_ + 1}: {name} clean build {seconds:.1f} s wall, {cpu:.1f} s CPU", flush=True)
        by_unit.append(attributed(units(baseline_dir), units(client_dir)))
        print(f"round {round_ + 1}: attributed by unit {by_unit[-1][0]:.3f}x", flush=True)
    base = statistics.median(times["baseline"])
    client = statistics.median(times["client"])
    base_cpu = statistics.median(cpus["baseline"])
    client_cpu = statistics.median(cpus["client"])
    base_crates, base_c = crates(baseline_dir)
    client_crates, client_c = crates(client_dir)
    print()
    print("| consumer | clean debug build, wall (s) | CPU (s) | crates | C builds |")
    print("|---|---:|---:|---:|---|")
    print(f"| reqwest + serde + serde_json + tokio | {base:.1f} | {base_cpu:.1f} | {base_crates} | {', '.join(base_c) or 'none'} |")
    print(f"| gaussdb-backup + tokio | {client:.1f} | {client_cpu:.1f} | {client_crates} | {', '.join(client_c) or 'none'} |")
    print(f"\nratio client / baseline: wall {client / base:.2f}x, CPU {client_cpu / base_cpu:.2f}x "
          f"(jobs {args.jobs}, median of {args.rounds})")
    ratio, only, bin_extra = sorted(by_unit, key=lambda r: r[0])[len(by_unit) // 2]
    print(f"ratio attributed by unit (cargo --timings, median round): {ratio:.3f}x")
    print("what the client adds in that round (s):")
    for (name, version, target), seconds in sorted(only.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds:5.2f}  {name} {version} {target}".rstrip())
    print(f"  {bin_extra:5.2f}  the consumer program, over the baseline's")


if __name__ == "__main__":
    main()
