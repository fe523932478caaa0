#!/usr/bin/env python3
"""Print `--re` arguments that select exactly the missed and timed-out
mutants of one or more cargo-mutants runs, to judge them again (with more
tests, or after new tests were written):

    cargo mutants ... $(python3 bench/mutants_rerun.py /tmp/mut-a/mutants.out)

A mutant is selected by its full name as `cargo mutants --list` prints it
(file, line and column included), so nothing else matches. With several
runs, a mutant's latest verdict counts (later arguments win), as in
mutants_table.py.
"""

import json
import pathlib
import shlex
import sys

SPECIAL = set("\\.+*?()|[]{}^$")


def escape(text):
    return "".join("\\" + c if c in SPECIAL else c for c in text)


def main(run_dirs):
    latest = {}
    for run_dir in run_dirs:
        path = pathlib.Path(run_dir) / "outcomes.json"
        for outcome in json.loads(path.read_text())["outcomes"]:
            scenario = outcome["scenario"]
            if scenario == "Baseline":
                continue
            mutant = scenario["Mutant"]
            # The name is the full one: "file:line:column: replace ...".
            latest[mutant["name"]] = outcome["summary"]
    args = []
    for name, summary in sorted(latest.items()):
        if summary in ("MissedMutant", "Timeout"):
            args += ["--re", "^" + escape(name) + "$"]
    print(" ".join(shlex.quote(a) for a in args))


if __name__ == "__main__":
    main(sys.argv[1:] or ["mutants.out"])
