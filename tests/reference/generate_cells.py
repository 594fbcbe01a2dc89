"""Generate single-cell parity fixtures with hnn-core 0.6.1 / NEURON 8.2.7.

Run by hand, never by CI:

    python3 -m venv venv && . venv/bin/activate && pip install hnn-core==0.6.1
    python tests/reference/generate_cells.py            # writes tests/fixtures/cells/

Each cell is built by hnn-core's own cell factories (`pyramidal`, `basket`, `pyramidal_ca`)
and instantiated in NEURON with `Cell.build`, exactly as hnn-core's NetworkBuilder does for a
network cell. Synaptic inputs are VecStim -> NetCon -> the cell's Exp2Syn synapses (one NetCon
per section of a location group, each with the full weight, as hnn-core connects them), and an
IClamp at soma(0.5). The run uses hnn-core's units mode, finitialize(), fcurrent() and
ParallelContext.psolve(tstop), like hnn-core's single-trial simulation.

Per cell NAME it writes:
  NAME.json         the protocol (read by the Rust test as hnn::CellProtocol) + metadata
  (text files: a header, then per kept sample its index k and the values)
  NAME_v.txt        t and v at sec(0.5) of every section [mV]
  NAME_isec.txt     t and every synaptic current [nA]
  NAME_ca.txt       t and cai at sec(0.5) where a Ca ion exists [mM]   (L5 cells only)
  NAME_dipole.txt   t and the cell's dipole [fAm]                       (pyramidal cells only)
  NAME_spikes.txt   spike times at soma(0.5) [ms]
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import hnn_core
from neuron import h
import hnn_core.network_builder as nb
from hnn_core.cells_default import pyramidal, basket, pyramidal_ca
from fixture_text import write_cols

nb.load_custom_mechanisms(False)
h.nrnunit_use_legacy(1)
h.load_file("stdrun.hoc")

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "cells")
TSTOP = 80.0
DT = 0.025
# every 4th sample (and the last) is kept, values with 12 digits (fixture_text.write_cols)

# (loc, receptor, spike times, weight, delay): every receptor on every location group,
# several weights. Weights are in uS.
PYR_INPUTS = [
    ("proximal", "ampa", [5.0, 31.3], 0.004, 0.1),
    ("proximal", "nmda", [8.0], 0.002, 1.0),
    ("proximal", "gabaa", [14.0], 0.01, 0.5),
    ("proximal", "gabab", [18.0], 0.005, 0.37),
    ("distal", "ampa", [10.0, 22.0], 0.02, 0.1),
    ("distal", "nmda", [12.5], 0.01, 0.1),
    ("distal", "gabaa", [26.0], 0.02, 1.0),
    ("distal", "gabab", [28.0], 0.01, 0.25),
    ("soma", "gabaa", [34.0], 0.05, 0.1),
    ("soma", "gabab", [36.0], 0.02, 0.1),
    ("apical_1", "ampa", [70.0], 0.05, 0.2),
]
BASKET_INPUTS = [
    ("proximal", "ampa", [5.0, 7.5125], 0.01, 0.1),
    ("proximal", "nmda", [15.0], 0.005, 1.0),
    ("proximal", "gabaa", [25.0], 0.02, 0.5),
    ("soma", "ampa", [30.0, 30.0], 0.003, 0.1),
    ("soma", "nmda", [33.3], 0.02, 0.1),
    ("soma", "gabaa", [70.0], 0.01, 0.1),
]
L2B_EXTRA = [("distal", "ampa", [55.0], 0.02, 0.1), ("distal", "nmda", [58.0], 0.01, 0.1), ("distal", "gabaa", [60.0], 0.02, 0.1)]

CELLS = {
    "L2_pyramidal": (lambda: pyramidal("L2_pyramidal", pos=(0, 0, 0), gid=0), PYR_INPUTS, (40.0, 15.0, 0.15)),
    "L5_pyramidal": (lambda: pyramidal("L5_pyramidal", pos=(0, 0, 0), gid=0), PYR_INPUTS, (40.0, 15.0, 0.6)),
    "L5_pyramidal_calcium": (lambda: pyramidal_ca("L5_pyramidal", pos=(0, 0, 0), gid=0), PYR_INPUTS, (40.0, 15.0, 0.6)),
    "L2_basket": (lambda: basket("L2_basket", pos=(0, 0, 0), gid=0), BASKET_INPUTS + L2B_EXTRA, (40.0, 10.0, 0.1)),
    "L5_basket": (lambda: basket("L5_basket", pos=(0, 0, 0), gid=0), BASKET_INPUTS, (40.0, 10.0, 0.1)),
}


def run(name):
    make, inputs, (ic_delay, ic_dur, ic_amp) = CELLS[name]
    cell = make()
    is_pyr = "pyramidal" in name
    cell.build(sec_name_apical="apical_trunk" if is_pyr else None)
    secs = cell._nrn_sections
    keep = []
    for loc, rec, times, w, delay in inputs:
        targets = cell.sect_loc[loc] if loc in cell.sect_loc else [loc]
        vs = h.VecStim()
        tv = h.Vector(times)
        vs.play(tv)
        keep += [vs, tv]
        for sec in targets:
            nc = h.NetCon(vs, cell._nrn_synapses[f"{sec}_{rec}"])
            nc.weight[0] = w
            nc.delay = delay
            keep.append(nc)
    ic = h.IClamp(secs["soma"](0.5))
    ic.delay, ic.dur, ic.amp = ic_delay, ic_dur, ic_amp
    spk = h.Vector()
    src = cell.setup_source_netcon(threshold=0.0)
    src.record(spk)
    cell.record(record_vsec="all", record_isec="all", record_ca="all")
    times = h.Vector().record(h._ref_t)

    h.celsius = 37.0
    h.dt = DT
    h.tstop = TSTOP
    pc = h.ParallelContext()
    pc.set_maxstep(10)
    h.finitialize()
    h.fcurrent()
    pc.psolve(h.tstop)

    t = np.array(times.to_python())
    os.makedirs(OUT, exist_ok=True)
    names = list(cell.sections.keys())
    write_cols(f"{OUT}/{name}_v.txt", ["t"] + names, [t] + [np.array(cell.vsec[s].to_python()) for s in names])
    isec_names, isec_cols = [], []
    for s in names:
        for k, vec in cell.isec[s].items():
            if not np.any(np.array(vec.to_python())):
                continue  # synapses without input stay at 0
            isec_names.append(k)
            isec_cols.append(np.array(vec.to_python()))
    write_cols(f"{OUT}/{name}_isec.txt", ["t"] + isec_names, [t] + isec_cols)
    ca_names = [s for s in names if cell.ca.get(s) is not None]
    if ca_names:
        write_cols(f"{OUT}/{name}_ca.txt", ["t"] + ca_names, [t] + [np.array(cell.ca[s].to_python()) for s in ca_names])
    if is_pyr:
        write_cols(f"{OUT}/{name}_dipole.txt", ["t", "dipole_fAm"], [t, np.array(cell.dipole.to_python())])
    with open(f"{OUT}/{name}_spikes.txt", "w") as f:
        for x in spk.to_python():
            f.write(repr(float(x)) + "\n")
    protocol = {
        "tstop": TSTOP,
        "dt": DT,
        "celsius": 37.0,
        "threshold": 0.0,
        "inputs": [dict(loc=l, receptor=r, times=ts, weight=w, delay=d) for l, r, ts, w, d in inputs],
        "iclamps": [dict(section="soma", loc=0.5, delay=ic_delay, dur=ic_dur, amp=ic_amp)],
        "record_vsec": "all",
        "record_isec": "all",
        "record_ca": "all",
    }
    meta = {"template": name, "hnn_core": hnn_core.__version__, "neuron": h.nrnversion(), "n_samples": len(t), "protocol": protocol}
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump(meta, f, indent=1)
    v = np.array(cell.vsec["soma"].to_python())
    print(f"{name}: {len(t)} samples, {len(spk)} spikes {list(np.round(spk.to_python(), 3))}, soma v in [{v.min():.1f}, {v.max():.1f}]")


if __name__ == "__main__":
    # Each cell runs in its own process so NEURON state never leaks between them.
    if len(sys.argv) > 1:
        run(sys.argv[1])
    else:
        import subprocess
        for name in CELLS:
            subprocess.run([sys.executable, __file__, name], check=True)
