"""NEURON side of the single-cell solver benchmark (compare with `cargo bench --bench cell_step`).

What it measures: the wall time NEURON needs to integrate one hnn-core cell, expressed as
nanoseconds per compartment-step (median run time / (time steps x compartments)). The
simulations are the ones of our parity fixtures: each cell is built by hnn-core's cell
factories and driven by the protocol stored in tests/fixtures/cells/<NAME>.json (VecStim ->
NetCon synaptic inputs, an IClamp at soma(0.5), celsius, dt), set up the same way as
tests/reference/generate_cells.py does. Only soma(0.5) v and the soma spike times are
recorded, as in the Rust benchmark. The run is tstop x K long (K = 5 by default; the inputs
all fall in the first 80 ms, the rest is the cell relaxing). Only finitialize() + fcurrent()
+ ParallelContext.psolve() are timed; building the cell is not.

How to run (single thread, from the repository root):

    python3 -m venv venv && . venv/bin/activate && pip install hnn-core==0.6.1
    python benches/neuron_cell.py [--cells L5_pyramidal,L2_pyramidal] [--repeats 20]
                                  [--tstop-scale 5] [--json]

Each cell is simulated in its own Python process, so the NEURON model only ever contains the
cell being timed. With --json only a JSON object
{cell: {ns_per_compartment_step, median_s, min_s, steps, compartments, spikes}} goes to stdout.
The median is taken like the Rust bench does (the upper one of the sorted times for an even
count).
"""
import argparse
import json
import os
import subprocess
import sys
import time
import warnings

FIXTURES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "fixtures", "cells")


def make_cell(name):
    """The hnn-core cell behind a fixture name (the `_calcium` variant uses pyramidal_ca)."""
    from hnn_core.cells_default import basket, pyramidal, pyramidal_ca

    if name.endswith("_calcium"):
        return pyramidal_ca(name[: -len("_calcium")], pos=(0, 0, 0), gid=0)
    factory = basket if "basket" in name else pyramidal
    return factory(name, pos=(0, 0, 0), gid=0)


def time_cell(name, repeats, scale):
    """Build one cell with its fixture protocol, run it `repeats` times, return the timings."""
    warnings.filterwarnings("ignore")
    import hnn_core
    import hnn_core.network_builder as nb
    import neuron
    from neuron import h

    nb.load_custom_mechanisms(False)
    h.nrnunit_use_legacy(1)
    h.load_file("stdrun.hoc")
    with open(os.path.join(FIXTURES, f"{name}.json")) as f:
        proto = json.load(f)["protocol"]

    cell = make_cell(name)
    cell.build(sec_name_apical="apical_trunk" if "pyramidal" in name else None)
    hold = []  # keeps the NEURON objects of the inputs alive
    for inp in proto["inputs"]:
        stim, spike_times = h.VecStim(), h.Vector(inp["times"])
        stim.play(spike_times)
        hold += [stim, spike_times]
        sections = cell.sect_loc.get(inp["loc"], [inp["loc"]])
        for sec in sections:  # one NetCon per section of the group, each with the full weight
            nc = h.NetCon(stim, cell._nrn_synapses[f"{sec}_{inp['receptor']}"])
            nc.weight[0], nc.delay = inp["weight"], inp["delay"]
            hold.append(nc)
    for ic in proto["iclamps"]:
        clamp = h.IClamp(cell._nrn_sections[ic["section"]](ic["loc"]))
        clamp.delay, clamp.dur, clamp.amp = ic["delay"], ic["dur"], ic["amp"]
        hold.append(clamp)
    spikes = h.Vector()
    detector = cell.setup_source_netcon(threshold=proto.get("threshold", 0.0))
    detector.record(spikes)
    soma_v = h.Vector().record(cell._nrn_sections["soma"](0.5)._ref_v)

    h.celsius, h.dt = proto["celsius"], proto["dt"]
    tstop = proto["tstop"] * scale
    h.tstop = tstop
    pc = h.ParallelContext()
    pc.set_maxstep(10)
    compartments = sum(sec.nseg for sec in cell._nrn_sections.values())
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        h.finitialize()
        h.fcurrent()
        pc.psolve(tstop)
        runs.append(time.perf_counter() - start)
    steps = int(round(h.t / h.dt))
    assert len(soma_v) == steps + 1, (len(soma_v), steps)
    runs.sort()
    median = runs[len(runs) // 2]
    return {
        "ns_per_compartment_step": median * 1e9 / (steps * compartments),
        "median_s": median,
        "min_s": runs[0],
        "steps": steps,
        "compartments": compartments,
        "spikes": len(spikes),
        "versions": {"neuron": neuron.__version__, "hnn_core": hnn_core.__version__},
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cells", default="L5_pyramidal,L2_pyramidal")
    ap.add_argument("--repeats", type=int, default=20)
    ap.add_argument("--tstop-scale", type=float, default=5.0)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--one", help=argparse.SUPPRESS)  # internal: time one cell in this process
    args = ap.parse_args()
    if args.one:
        print(json.dumps(time_cell(args.one, args.repeats, args.tstop_scale)))
        return

    results, versions = {}, None
    for name in [c.strip() for c in args.cells.split(",") if c.strip()]:
        cmd = [sys.executable, os.path.abspath(__file__), "--one", name,
               "--repeats", str(args.repeats), "--tstop-scale", str(args.tstop_scale)]
        out = subprocess.run(cmd, check=True, stdout=subprocess.PIPE, text=True).stdout
        res = json.loads(out.strip().splitlines()[-1])
        versions = res.pop("versions")
        results[name] = res
        if not args.json:
            if len(results) == 1:
                print(f"NEURON {versions['neuron']}; hnn-core {versions['hnn_core']}")
            print(f"{name}: {res['ns_per_compartment_step']:.1f} ns per compartment-step "
                  f"(median {res['median_s'] * 1e3:.2f} ms, min {res['min_s'] * 1e3:.2f} ms over "
                  f"{args.repeats} runs; {res['steps']} steps x {res['compartments']} compartments; "
                  f"{res['spikes']} spikes)", flush=True)
    if args.json:
        print(json.dumps(results))


if __name__ == "__main__":
    main()
