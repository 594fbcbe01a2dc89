#!/usr/bin/env bash
# The JOSS example as a whole process, hnn-rs next to hnn-core, in one run on one machine
# (issue 15's bar: >= 15x on one thread, >= 30x on two).
#
#   PYTHON=venv/bin/python REPEATS=3 benches/joss_whole.sh
#
# Ours: `hnn --threads T run scripts/joss_example.rhai` (T = 1, 2). hnn-core's:
# benches/joss_whole.py, the same work (network, drive, simulate_dipole, three PNG figures,
# dipole and spike files) in one Python process (NEURON runs on one thread). Each is timed
# with /usr/bin/time (wall seconds, start-up and imports included); the runs alternate and
# the median of REPEATS is reported.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
REPEATS=${REPEATS:-3}
cargo build --release --quiet
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
"$PY" -c "import hnn_core, neuron, matplotlib" 2>/dev/null ||
    { echo "$PY lacks hnn-core 0.6.1 or matplotlib" >&2; exit 1; }
time_it() { /usr/bin/time -f '%e' -o "$tmp/t" "$@" >/dev/null 2>"$tmp/err" || { cat "$tmp/err" >&2; exit 1; }; cat "$tmp/t"; }
core=() one=() two=()
for _ in $(seq "$REPEATS"); do
    core+=("$(time_it "$PY" benches/joss_whole.py "$tmp")")
    one+=("$(time_it target/release/hnn --threads 1 run scripts/joss_example.rhai -D OUT="$tmp")")
    two+=("$(time_it target/release/hnn --threads 2 run scripts/joss_example.rhai -D OUT="$tmp")")
done
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
c=$(median "${core[@]}"); o=$(median "${one[@]}"); t=$(median "${two[@]}")
echo "runs (s): hnn-core ${core[*]} | hnn-rs 1 thread ${one[*]} | 2 threads ${two[*]}"
printf '%-9s %-8s %9s %9s\n' engine threads median_s speedup
printf '%-9s %-8s %9.2f %9s\n' hnn-core 1 "$c" 1.0x
printf '%-9s %-8s %9.2f %8.1fx\n' hnn-rs 1 "$o" "$(echo "$c / $o" | bc -l)"
printf '%-9s %-8s %9.2f %8.1fx\n' hnn-rs 2 "$t" "$(echo "$c / $t" | bc -l)"
