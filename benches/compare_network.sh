#!/usr/bin/env bash
# Network simulation time and peak memory, hnn-rs next to hnn-core, in one run on one machine.
#
#   PYTHON=venv/bin/python benches/compare_network.sh
#
# Each case runs in its own process (peak memory is per process). PYTHON must have
# hnn-core 0.6.1; without it only our side runs and the ratio column says n/a.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
cargo bench --quiet --bench network --no-run >/dev/null 2>&1
bin=$(ls -t target/release/deps/network-* | grep -v '\.d$' | head -1)
have_core=0
"$PY" -c "import hnn_core, neuron" 2>/dev/null && have_core=1 || echo "($PY has no hnn-core: skipped; pip install hnn-core==0.6.1)" >&2
results=()
for c in joss erp lfp; do
    if [ $have_core = 1 ]; then results+=("$("$PY" benches/hnn_core_network.py $c --json 2>/dev/null | tail -1)"); fi
    for t in 1 2; do results+=("$("$bin" $c --threads $t --json | tail -1)"); done
done
printf '%s\n' "${results[@]}" >&2
printf '%s\n' "${results[@]}" | python3 benches/network_table.py
