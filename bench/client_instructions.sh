#!/usr/bin/env bash
# The client's per-call cost over a bare reqwest call, in instructions
# (valgrind's callgrind), which unlike seconds do not depend on what else the
# machine is doing: the same figure on a loaded and an idle machine.
#
#   bash bench/client_instructions.sh [CALLS]     (from the workspace root)
#
# Builds tests/benches/client_overhead.rs, runs each side alone (`--only`)
# with 0 and with CALLS calls after the same warm-up, and reports
# (instructions with CALLS - instructions with 0) / CALLS per side, and the
# ratio. The server answering both is in the same process, so its work is in
# both figures alike; the kernel's (loopback syscalls) is in neither.
set -euo pipefail
calls=${1:-1000}
command -v valgrind >/dev/null || { echo "needs valgrind (apt-get install valgrind)" >&2; exit 2; }
bin=$(cargo bench -p gaussdb-backup-tests --bench client_overhead --no-run --message-format=json 2>/dev/null |
    python3 -c 'import json,sys
for line in sys.stdin:
    m = json.loads(line)
    if m.get("reason") == "compiler-artifact" and m["target"]["name"] == "client_overhead" and m.get("executable"):
        print(m["executable"])')
[ -n "$bin" ] || { echo "could not build the client_overhead bench" >&2; exit 2; }
out=$(mktemp -d)
count() { # side calls -> instructions
    valgrind --tool=callgrind --callgrind-out-file="$out/$1-$2.out" "$bin" --only "$1" "$2" 2>&1 |
        sed -n 's/.*Collected : \([0-9]*\).*/\1/p'
}
declare -A per_call
for side in client bare; do
    base=$(count "$side" 0)
    total=$(count "$side" "$calls")
    per_call[$side]=$(( (total - base) / calls ))
    echo "$side: ${per_call[$side]} instructions per call ($calls calls)"
done
python3 -c "print(f'ratio {${per_call[client]} / ${per_call[bare]}:.3f}x (client / bare reqwest, instructions)')"
rm -rf "$out"
