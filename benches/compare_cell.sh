#!/usr/bin/env bash
# Single-cell solver cost, hnn-rs next to NEURON (through hnn-core), in one run on one machine.
#
#   PYTHON=venv/bin/python benches/compare_cell.sh
#
# PYTHON must have hnn-core 0.6.1 (which brings NEURON 8.2.7); without it only our side runs.
# Both sides run the protocols of tests/fixtures/cells/*.json, 5x longer, on one thread, and
# report the median over 20 runs in ns per compartment-step.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
cells=${CELLS:-L5_pyramidal,L2_pyramidal}
rust=$(HNN_BENCH_CELLS=$cells cargo bench --quiet --bench cell_step -- --json 2>/dev/null | tail -1)
if "$PY" -c "import hnn_core, neuron" 2>/dev/null; then
    nrn=$("$PY" benches/neuron_cell.py --cells "$cells" --json 2>/dev/null | tail -1)
else
    echo "($PY has no hnn-core: NEURON side skipped; pip install hnn-core==0.6.1)" >&2
    nrn='{}'
fi
python3 - "$rust" "$nrn" <<'PYEOF'
import json, sys, platform
rust, nrn = json.loads(sys.argv[1]), json.loads(sys.argv[2])
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
print(f"CPU: {cpu}; one thread; median of 20 runs")
print()
print("| cell | compartments | steps | NEURON ns/compartment-step | hnn-rs ns/compartment-step | speed-up |")
print("|---|---|---|---|---|---|")
for cell, r in rust.items():
    n = nrn.get(cell)
    ns_n = f"{n['ns_per_compartment_step']:.1f}" if n else "n/a"
    ratio = f"{n['ns_per_compartment_step'] / r['ns_per_compartment_step']:.1f}x" if n else "n/a"
    print(f"| {cell} | {r['compartments']} | {r['steps']} | {ns_n} | {r['ns_per_compartment_step']:.1f} | {ratio} |")
PYEOF
