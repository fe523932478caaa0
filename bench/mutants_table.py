#!/usr/bin/env python3
"""Summarise one or more cargo-mutants runs as the table in TESTING.md.

    python3 bench/mutants_table.py mutants.out [more.out ...]

Reads each run's outcomes.json; a mutant tested in several runs counts with
its latest outcome (later arguments win), so a rerun after new tests
replaces the first verdict. Prints a Markdown table per file and per crate,
the score (caught / (caught + missed + timeout): unviable mutants do not
compile and say nothing either way) and every missed or timed-out mutant.
"""

import collections
import json
import pathlib
import sys

KINDS = {
    "CaughtMutant": "caught",
    "MissedMutant": "missed",
    "Unviable": "unviable",
    "Timeout": "timeout",
}


def outcomes(run_dir):
    path = pathlib.Path(run_dir) / "outcomes.json"
    for outcome in json.loads(path.read_text())["outcomes"]:
        scenario = outcome["scenario"]
        if scenario == "Baseline":
            continue
        mutant = scenario["Mutant"]
        span = mutant["span"]["start"]
        name = mutant["name"]
        key = (mutant["file"], span["line"], span["column"], mutant.get("replacement"), mutant.get("genre"))
        yield key, mutant, KINDS.get(outcome["summary"], outcome["summary"]), name


def main(run_dirs):
    latest = {}
    for run_dir in run_dirs:
        for key, mutant, kind, name in outcomes(run_dir):
            latest[key] = (mutant, kind, name)
    per_file = collections.defaultdict(collections.Counter)
    survivors = []
    for mutant, kind, name in latest.values():
        per_file[mutant["file"]][kind] += 1
        if kind in ("missed", "timeout"):
            survivors.append(f"{kind}: {name}")
    print("| file | caught | missed | timeout | unviable | score |")
    print("|---|---:|---:|---:|---:|---:|")
    total = collections.Counter()
    for path in sorted(per_file):
        c = per_file[path]
        total.update(c)
        print(row(path, c))
    print(row("**all**", total))
    if survivors:
        print("\nSurvivors:")
        for line in sorted(survivors):
            print(f"- {line}")


def row(label, c):
    viable = c["caught"] + c["missed"] + c["timeout"]
    score = f'{100 * c["caught"] / viable:.0f} %' if viable else "–"
    return f'| {label} | {c["caught"]} | {c["missed"]} | {c["timeout"]} | {c["unviable"]} | {score} |'


if __name__ == "__main__":
    main(sys.argv[1:] or ["mutants.out"])
