#!/usr/bin/env python3
"""`openapi-check diff` against oasdiff's own checker test suite.

Run from the workspace root:

    python3 bench/oasdiff_suite.py --oasdiff /tmp/oasdiff [--bin PATH] [--markdown] [--list]
    python3 bench/oasdiff_suite.py --write-readme      # the table into crates/openapi-check/README.md

The suite is read from a checked-out copy of oasdiff (its `checker/` and
`data/` folders), given with --oasdiff or $OASDIFF_DIR. Without either, the
bare mirror /work/.mirror/oasdiff+oasdiff/repo is extracted with
`git archive` into a temporary folder, when it exists. Nothing of oasdiff is
copied into this repository: the script reads its tests and data in place.

What it does:
1. reads every `func TestXxx(t *testing.T)` of `checker/*_test.go` and keeps
   the ones that compare exactly one pair of files from `data/` without
   changing the loaded specs in code (`s2.Spec.Paths... = ...`) and without
   custom severity levels;
2. takes the expectation from the test: the change ids it asserts
   (`requireChange`, `requireSingleChange`, `Id: checker.XxxId`, ...; not the
   ones it asserts absent, `requireNoChange`, `require.False(containsId...)`),
   each with its level from oasdiff's rule registry (`checker/rules.go`:
   ERR = breaking, WARN = potentially breaking, INFO = non-breaking), and
   `require.Empty` under all checks as "no breaking change" (or "no change"
   when INFO changes are asked for too);
3. merges the tests of one pair (several single-check tests often share a
   pair): the pair's expected level is the most severe one asserted;
4. keeps the pairs whose two files are OpenAPI 3.0, and sets apart the pairs
   whose expectation depends on oasdiff's deprecation and stability policy
   (sunset dates, `x-stability-level`, deprecation days) or on its
   versioning policy (`info.version`): they are reported in their own table;
   a test that sets a policy (`WithDeprecation(beta, stable)`, a stability
   level) makes its own pair, run with the same policy in openapi-check's
   config file (`diff: {deprecation-days: ..., stability-level: ...}`) when
   the binary has `diff --config`;
5. runs `openapi-check diff --format json OLD NEW` on each pair and takes the
   most severe level reported (exit status 2 is "error"), then prints the
   confusion table (expected level by our verdict) and, with --list, every
   disagreement with its explanation from bench/oasdiff_suite_notes.toml.

A disagreement is any pair whose verdict is not oasdiff's (stricter, milder
or an error), except that where oasdiff only says "no breaking change", a
non-breaking report agrees. Each one needs an explanation in
bench/oasdiff_suite_notes.toml (`[[note]]` with `pairs` and `why`);
--write-readme refuses to write a table with an unexplained one.
"""
import argparse
import collections
import glob
import json
import os
import re
import subprocess
import sys
import tempfile
import tomllib

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
MIRROR = "/work/.mirror/oasdiff+oasdiff/repo"
NOTES = os.path.join(ROOT, "bench", "oasdiff_suite_notes.toml")
README = os.path.join(ROOT, "crates", "openapi-check", "README.md")
BEGIN, END = "<!-- oasdiff-suite:begin -->", "<!-- oasdiff-suite:end -->"

LEVELS = {"ERR": "breaking", "WARN": "potentially-breaking", "INFO": "non-breaking"}
RANK = {"breaking": 0, "potentially-breaking": 1, "non-breaking": 2, "no-breaking": 3, "no-change": 4,
        "no-changes": 4}
OURS = ["breaking", "potentially-breaking", "non-breaking", "no-changes", "error"]
# non-breaking: INFO changes asserted; no-breaking: nothing at WARN or ERR
# under all checks (INFO not asked); no-change: nothing at all.
EXPECTED = ["breaking", "potentially-breaking", "non-breaking", "no-breaking", "no-change"]
# Expectations that follow a team's lifecycle policy rather than the wire
# contract: deprecation with or without a sunset date, sunset dates against
# today, stability levels.
POLICY_ID = re.compile(r"sunset|stability|reactivated|deprecated|with-deprecation")
VERSIONING_ID = re.compile(r"^api-(major-)?version-")
NEGATIVE = re.compile(r"requireNoChange\(|require\.False\(|require\.NotEqual\(|require\.NotContains\(|require\.Nil\(|assert\.False\(")


def extract_mirror():
    if not os.path.isdir(MIRROR):
        sys.exit("give the checked-out oasdiff with --oasdiff DIR or $OASDIFF_DIR")
    out = tempfile.mkdtemp(prefix="oasdiff-")
    archive = subprocess.run(["git", f"--git-dir={MIRROR}", "archive", "HEAD", "checker", "data"],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", out], input=archive, check=True)
    return out


def rule_registry(root):
    """Go constant name → (rule id, level name)."""
    ids = {}
    for path in glob.glob(os.path.join(root, "checker", "*.go")):
        if path.endswith("_test.go"):
            continue
        with open(path, encoding="utf-8") as f:
            for m in re.finditer(r'\b(\w+Id)\s*=\s*"([^"]+)"', f.read()):
                ids[m.group(1)] = m.group(2)
    with open(os.path.join(root, "checker", "rules.go"), encoding="utf-8") as f:
        rules = f.read()
    registry = {}
    for m in re.finditer(r"newBackwardCompatibilityRule\((\w+),\s*(\w+),", rules):
        if m.group(1) in ids and m.group(2) in LEVELS:
            registry[m.group(1)] = (ids[m.group(1)], LEVELS[m.group(2)])
    return registry


def file_helpers(root):
    """`deprecationFile = dataFileFn("deprecation")` → {name: folder}."""
    with open(os.path.join(root, "checker", "helpers_test.go"), encoding="utf-8") as f:
        return dict(re.findall(r'(\w+)\s*=\s*dataFileFn\("([^"]+)"\)', f.read()))


LOAD = re.compile(
    r'\bopen\(\s*(?:"(?P<lit>[^"]+)"|(?P<fn>\w+)\("(?P<name>[^"]+)"\)|(?P<var>\w+))'
    r'|LoadFromFile\(\s*"(?P<lit2>[^"]+)"'
    r'|NewSpecInfo\(\s*\w+,\s*load\.NewSource\(\s*(?:"(?P<lit3>[^"]+)"|(?P<fn3>\w+)\("(?P<name3>[^"]+)"\))'
    r'|\bl\(t,\s*(?P<num>\d+)'
    r'|\bd\(t,\s*[^,]+,\s*(?P<d1>\d+),\s*(?P<d2>\d+)'
    r'|stabilityChanges\(t,\s*"(?P<s1>[^"]+)",\s*"(?P<s2>[^"]+)",\s*checker\.(?P<slevel>\w+)'
)


def loads_of(body, helpers):
    """The data files a test loads, in order (relative to the suite's root),
    or None when one of them is not a plain file name."""
    variables = dict(re.findall(r'(\w+)\s*:?=\s*"(\.\./data/[^"]+)"', body))
    files = []
    for m in LOAD.finditer(body):
        g = m.groupdict()
        if g["lit"] or g["lit2"] or g["lit3"]:
            files.append(g["lit"] or g["lit2"] or g["lit3"])
        elif g["fn"] or g["fn3"]:
            fn, name = (g["fn"], g["name"]) if g["fn"] else (g["fn3"], g["name3"])
            if fn not in helpers:
                return None
            files.append(f"../data/{helpers[fn]}/{name}")
        elif g["var"]:
            if g["var"] not in variables:
                return None
            files.append(variables[g["var"]])
        elif g["num"]:
            files.append(f"../data/openapi-test{g['num']}.yaml")
        elif g["d1"]:
            files += [f"../data/openapi-test{g['d1']}.yaml", f"../data/openapi-test{g['d2']}.yaml"]
        elif g["s1"]:
            files += [f"../data/stability/{g['s1']}", f"../data/stability/{g['s2']}"]
    return [os.path.normpath(os.path.join("checker", f)) for f in files]


def expectation(body, registry):
    """(asserted changes [(id, level)], empty: None | 'breaking' | 'all')."""
    asserted = []
    for line in body.splitlines():
        if NEGATIVE.search(line):
            continue
        for name in re.findall(r"checker\.(\w+Id)\b", line):
            if name in registry:
                asserted.append(registry[name])
    empty = None
    all_checks = "allChecksConfig(" in body or "GetAllChecks()" in body or re.search(r"\bd\(t,", body) \
        or "stabilityChanges(" in body
    if all_checks and re.search(r"require\.Empty\(t,\s*errs\)|require\.Len\(t,\s*errs,\s*0\)", body):
        empty = "all" if "UntilLevel(" in body and "checker.INFO" in body else "breaking"
    return asserted, empty


def changed_in_code(body):
    """Whether the test edits a loaded spec before comparing (then the pair
    on disk is not what it compares): any use of a loaded spec's variable
    other than loading it and handing it to the differ."""
    names = set(re.findall(r"(\w+)(?:,\s*err)?\s*:?=\s*(?:open|l|loader\.LoadFromFile|load\.NewSpecInfo)\(", body))
    for line in body.splitlines():
        used = {n for n in names if re.search(rf"\b{n}\b", line)}
        if not used or re.search(r":?=\s*(?:open|l|loader\.LoadFromFile|load\.NewSpecInfo)\(", line):
            continue
        if re.search(r"diff\.Get|load\.SpecInfo\{Spec:\s*\w+\s*\}|^\s*\w+,\s*$", line):
            continue
        return True
    return False


STABILITY = {"StabilityLevelDraft": "draft", "StabilityLevelAlpha": "alpha",
             "StabilityLevelBeta": "beta", "StabilityLevelStable": "stable"}


def policy_of(body):
    """The deprecation and stability policy a test sets, as
    ((beta days, stable days) or None, stability level or None)."""
    days = re.search(r"WithDeprecation\((\d+),\s*(\d+)\)", body)
    level = re.search(r"StabilityLevel\s*=\s*checker\.(\w+)|stabilityChanges\(t,[^)]*checker\.(\w+)\)", body)
    level = STABILITY.get(level.group(1) or level.group(2)) if level else None
    return (tuple(map(int, days.groups())) if days else None, level)


def config_file(policy, folder):
    """openapi-check's config file for a policy, or None for the default."""
    days, level = policy
    if days is None and level is None:
        return None
    path = os.path.join(folder, f"policy-{days and '-'.join(map(str, days))}-{level}.yaml")
    lines = ["diff:"]
    if days:
        lines.append(f"  deprecation-days: {{beta: {days[0]}, stable: {days[1]}}}")
    if level:
        lines.append(f"  stability-level: {level}")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    return path


def openapi_version(path):
    try:
        with open(path, encoding="utf-8") as f:
            head = f.read(4096)
    except OSError:
        return None
    m = re.search(r'^\s*"?openapi"?\s*:\s*"?([0-9][0-9.]*)', head, re.M)
    return m.group(1) if m else None


def collect(root):
    registry, helpers = rule_registry(root), file_helpers(root)
    pairs = collections.OrderedDict()
    skipped = collections.Counter()
    for path in sorted(glob.glob(os.path.join(root, "checker", "*_test.go"))):
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for m in re.finditer(r"^func (Test\w*)\(t \*testing\.T\) \{\n(.*?)^\}", text, re.M | re.S):
            name, body = m.group(1), m.group(2)
            if not re.search(r"CheckBackwardCompatibility|\bd\(t,|stabilityChanges\(", body):
                skipped["no backward-compatibility check"] += 1
                continue
            if changed_in_code(body):
                skipped["spec changed in code"] += 1
                continue
            if "WithSeverityLevels" in body or "t.Run(" in body:
                skipped["custom levels or sub-tests"] += 1
                continue
            files = loads_of(body, helpers)
            if not files or len(files) != 2:
                skipped["not exactly one pair of files"] += 1
                continue
            asserted, empty = expectation(body, registry)
            if not asserted and not empty:
                skipped["no assertion on change ids"] += 1
                continue
            policy = bool(re.search(r"WithDeprecation|StabilityLevel|stabilityChanges\(", body)) \
                or any(POLICY_ID.search(i) for i, _ in asserted)
            versioning = any(VERSIONING_ID.search(i) for i, _ in asserted)
            key = (*files, policy_of(body))
            pair = pairs.setdefault(key, {"tests": [], "asserted": set(), "empty": set(),
                                          "policy": False, "versioning": False})
            pair["tests"].append(f"{os.path.basename(path)}:{name}")
            pair["asserted"] |= set(asserted)
            if empty:
                pair["empty"].add(empty)
            pair["policy"] |= policy
            pair["versioning"] |= versioning
    return pairs, skipped


def expected_level(files, pair):
    if files[0] == files[1]:
        return "no-change"
    if pair["asserted"]:
        return min((level for _, level in pair["asserted"]), key=RANK.get)
    return "no-change" if "all" in pair["empty"] else "no-breaking"


def our_verdict(binary, root, files, config):
    extra = ["--config", config] if config else []
    out = subprocess.run([binary, "diff", "--format", "json", *extra, *[os.path.join(root, f) for f in files]],
                         capture_output=True, text=True, timeout=60)
    if out.returncode == 2:
        why = (out.stderr.strip().splitlines() or [""])[-1]
        why = why.removeprefix("openapi-check diff: ").replace(os.path.join(root, ""), "")
        return "error", [f"({why})"], []
    report = json.loads(out.stdout)
    levels = [c["level"] for c in report["changes"]]
    rules = sorted({f"{c['rule']} ({c['level']})" for c in report["changes"]})
    if not levels:
        return "no-changes", [], rules
    return min(levels, key=RANK.get), [], rules


def disagreement(expected, ours):
    """Any verdict other than oasdiff's, except where oasdiff only says "no
    breaking change" (then a non-breaking report, or none, agrees)."""
    if expected == "no-breaking":
        return ours not in ("non-breaking", "no-changes")
    if expected == "no-change":
        return ours != "no-changes"
    return ours != expected


def table(rows, title):
    counts = collections.Counter((r["expected"], r["ours"]) for r in rows)
    lines = [f"**{title}** ({len(rows)} pairs): rows are oasdiff's expectation, columns our verdict.", "",
             "| oasdiff expects | " + " | ".join(OURS) + " | total |",
             "|---|" + "---:|" * (len(OURS) + 1)]
    for e in EXPECTED:
        n = [counts[(e, o)] for o in OURS]
        if sum(n):
            lines.append(f"| {e} | " + " | ".join(map(str, n)) + f" | {sum(n)} |")
    breaking = [r for r in rows if r["expected"] == "breaking"]
    if breaking:
        caught = sum(r["ours"] == "breaking" for r in breaking)
        flagged = sum(r["ours"] in ("breaking", "potentially-breaking") for r in breaking)
        lines += ["", f"Breaking pairs called breaking: {caught} of {len(breaking)} "
                      f"({100 * caught / len(breaking):.1f} %); breaking or potentially breaking: "
                      f"{flagged} ({100 * flagged / len(breaking):.1f} %)."]
    silent = sum(r["ours"] == "no-changes" and RANK[r["expected"]] <= RANK["non-breaking"] for r in rows)
    lines.append(f"Pairs with a change answered \"No changes\": {silent}.")
    return lines


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--oasdiff", default=os.environ.get("OASDIFF_DIR"), help="checked-out oasdiff (checker/, data/)")
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "debug", "openapi-check"))
    ap.add_argument("--list", action="store_true", help="list every disagreement")
    ap.add_argument("--all", action="store_true", help="list every pair")
    ap.add_argument("--json", help="write the per-pair results to this file")
    ap.add_argument("--write-readme", action="store_true", help="write the tables into the crate README")
    args = ap.parse_args()
    root = args.oasdiff or extract_mirror()
    notes = {}
    if os.path.exists(NOTES):
        with open(NOTES, "rb") as f:
            for note in tomllib.load(f).get("note", []):
                notes.update({pair: note["why"] for pair in note["pairs"]})
    pairs, skipped = collect(root)
    help_text = subprocess.run([args.bin, "diff", "--help"], capture_output=True, text=True).stdout
    has_config = "--config" in help_text
    folder = tempfile.mkdtemp(prefix="oasdiff-policy-")
    groups = {"core": [], "policy": [], "3.1": []}
    for (*files, policy), pair in pairs.items():
        versions = [openapi_version(os.path.join(root, f)) for f in files]
        if any(v is None for v in versions):
            skipped["file missing or not OpenAPI"] += 1
            continue
        if pair["versioning"]:
            skipped["versioning policy (info.version)"] += 1
            continue
        group = "3.1" if any(not v.startswith("3.0") for v in versions) else \
            "policy" if pair["policy"] else "core"
        config = config_file(policy, folder) if has_config else None
        ours, error, rules = our_verdict(args.bin, root, files, config)
        expected = expected_level(files, pair)
        key = f"{files[0].removeprefix('data/')} → {files[1].removeprefix('data/')}"
        days, level = policy
        if days or level:
            key += f" [policy: {'deprecation days %d/%d' % days if days else ''}" \
                   f"{', ' if days and level else ''}{'stability ' + level if level else ''}]"
        groups[group].append({
            "pair": key, "tests": pair["tests"], "expected": expected, "ours": ours, "error": error,
            "oasdiff": sorted(f"{i} ({lvl})" for i, lvl in pair["asserted"]), "rules": rules,
            "disagrees": disagreement(expected, ours), "note": notes.get(key),
        })
    out = []
    out += table(groups["core"], "OpenAPI 3.0 pairs, wire contract") + [""]
    out += table(groups["policy"], "OpenAPI 3.0 pairs, deprecation and stability policy") + [""]
    refused = sum(r["ours"] == "error" for r in groups["3.1"])
    out.append(f"OpenAPI 3.1 pairs: {len(groups['3.1'])}, refused with an error (exit 2): {refused}.")
    out.append("Tests not used: " + ", ".join(f"{n} {why}" for why, n in skipped.most_common()) + ".")
    if not has_config:
        out.append("(This binary has no `diff --config`: every pair ran under the default policy.)")
    listing = []
    for group in ("core", "policy"):
        for r in groups[group]:
            if (args.all or r["disagrees"]) and (args.list or args.all or args.write_readme):
                note = r["note"] or "UNEXPLAINED"
                listing.append(f"- `{r['pair']}` ({group}): oasdiff {r['expected']} "
                               f"[{', '.join(r['oasdiff']) or 'no change ids'}], ours {r['ours']}"
                               f"{' ' + r['error'][0] if r['error'] else ''}"
                               f"{' [' + ', '.join(r['rules']) + ']' if args.all else ''}: {note}")
    text = "\n".join(out + ([""] + listing if listing else [])) + "\n"
    print(text, end="")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(groups, f, indent=1, ensure_ascii=False)
    if args.write_readme and not any(r["disagrees"] and not r["note"] for g in ("core", "policy") for r in groups[g]):
        with open(README, encoding="utf-8") as f:
            readme = f.read()
        start, end = readme.index(BEGIN) + len(BEGIN), readme.index(END)
        with open(README, "w", encoding="utf-8") as f:
            f.write(readme[:start] + "\n" + text + readme[end:])
    unexplained = [r for g in ("core", "policy") for r in groups[g] if r["disagrees"] and not r["note"]]
    if unexplained:
        print(f"{len(unexplained)} disagreement(s) without an explanation in {NOTES}", file=sys.stderr)
    return 1 if args.write_readme and unexplained else 0


if __name__ == "__main__":
    sys.exit(main())
