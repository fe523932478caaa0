#!/usr/bin/env bash
# The whole test suite, N times in a row (default 5), while another build
# loads both cores: proof that no test depends on how fast the machine is.
# Not part of .ci/run (it takes a while); run by hand and report the result:
#
#   bash bench/loaded_tests.sh [runs]
#
# The load is a release build of the workspace into its own target directory
# (target/load), cleaned and started again whenever it finishes, at the
# machine's full parallelism.
set -uo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
export CARGO_TERM_COLOR=never INSTA_UPDATE=no

echo "building the tests first (not under load)"
cargo test --workspace --no-run --quiet || exit 1

load() {
  while true; do
    cargo clean --quiet --target-dir target/load 2>/dev/null
    CARGO_TARGET_DIR=target/load nice -n 0 cargo build --release --workspace --quiet >/dev/null 2>&1
  done
}
load &
load_pid=$!
trap 'kill $load_pid 2>/dev/null; pkill -P $load_pid 2>/dev/null' EXIT
sleep 20 # let the load build reach its parallel phase

passed=0
for i in $(seq 1 "$runs"); do
  start=$(date +%s)
  if cargo test --workspace --quiet >"target/loaded-run-$i.log" 2>&1; then
    passed=$((passed + 1)); verdict=pass
  else
    verdict=FAIL
  fi
  load1=$(cut -d' ' -f1 /proc/loadavg)
  echo "run $i/$runs: $verdict in $(( $(date +%s) - start )) s (load average $load1) — target/loaded-run-$i.log"
done
echo "$passed of $runs runs passed under load"
[ "$passed" -eq "$runs" ]
