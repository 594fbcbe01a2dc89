"""Extracellular recordings with hnn-core 0.6.1 / NEURON 8.2.7 (`net.add_electrode_array`).

Run by hand: /path/to/venv/bin/python tests/reference/generate_extracellular.py
Writes tests/fixtures/extracellular/:

* geometry.txt — for some cells of the simulated network: every section's two 3-D points as
  NEURON holds them after `Cell.build` (float32 storage, length rescaling, define_shape),
  its L and nseg, and hnn-core's transfer resistances (`_transfer_resistance`) from that
  section's segments to two electrode positions, for both methods.
* lfp_psa.txt, lfp_lsa.txt — the network of hnn-core's "record extracellular potentials"
  example (ERP network, cells 30 um apart, a 25-contact laminar shank at x = y = 135 um),
  170 ms: every 20th sample (and the last) of each contact's potential [uV].
* csd_psa.txt — hnn-core's `calculate_csd2d` of the stored PSA samples (delta = 100 um).
"""
from pathlib import Path

import numpy as np

import hnn_core
from hnn_core import jones_2009_model, simulate_dipole
from hnn_core import network_builder
from hnn_core.extracellular import _transfer_resistance, calculate_csd2d
from hnn_core.network_models import add_erp_drives_to_jones_model

assert hnn_core.__version__ == "0.6.1", hnn_core.__version__
OUT = Path(__file__).resolve().parents[1] / "fixtures" / "extracellular"
OUT.mkdir(parents=True, exist_ok=True)

TSTOP = 170.0
DECIM = 20
DEPTHS = list(range(-325, 2150, 100))
ELECTRODES = [(135, 135, dep) for dep in DEPTHS]

net = jones_2009_model()
add_erp_drives_to_jones_model(net)
net.set_cell_positions(inplane_distance=30.0)
net.add_electrode_array("psa", ELECTRODES, method="psa")
net.add_electrode_array("lsa", ELECTRODES, method="lsa")
dpls = simulate_dipole(net, tstop=TSTOP, n_trials=1)

# --- geometry of some built cells (the builder of the last simulation is still alive)
builder = network_builder._LAST_NETWORK
cells = {cell.gid: cell for cell in builder._cells}
picked = []
for name in ("L2_basket", "L2_pyramidal", "L5_basket", "L5_pyramidal"):
    r = net.gid_ranges[name]
    picked += [r[0], r[len(r) // 2 + 3], r[-1]]
probes = [(135.0, 135.0, 775.0), None]  # None: the soma centre of the cell (min_distance)
with open(OUT / "geometry.txt", "w") as f:
    f.write("# gid section nseg L x0 y0 z0 x1 y1 z1 | probe | psa... | lsa...\n")
    for gid in picked:
        cell = cells[gid]
        soma = cell._nrn_sections["soma"]
        centre = tuple(
            float(np.mean([getattr(soma, c + "3d")(i) for i in range(2)])) for c in "xyz"
        )
        for sec_name, sec in cell._nrn_sections.items():
            pts = [getattr(sec, c + "3d")(i) for i in range(2) for c in "xyz"]
            for probe in probes:
                pos = centre if probe is None else probe
                psa = _transfer_resistance(sec, pos, 0.3, "psa")
                lsa = _transfer_resistance(sec, pos, 0.3, "lsa")
                f.write(
                    f"{gid} {sec_name} {sec.nseg} {sec.L!r} "
                    + " ".join(repr(float(p)) for p in pts)
                    + " | " + " ".join(repr(float(p)) for p in pos)
                    + " | " + " ".join(repr(float(x)) for x in psa)
                    + " | " + " ".join(repr(float(x)) for x in lsa)
                    + "\n"
                )


def write_traces(path, times, data, what):
    idx = list(range(0, len(times), DECIM))
    if idx[-1] != len(times) - 1:
        idx.append(len(times) - 1)
    with open(path, "w") as f:
        f.write(f"# {what}; hnn-core {hnn_core.__version__}; k t then one column per contact\n")
        for k in idx:
            f.write(f"{k} {float(times[k])!r} " + " ".join(f"{x:.12e}" for x in data[:, k]) + "\n")
    return idx


for name in ("psa", "lsa"):
    arr = net.rec_arrays[name]
    times = np.array(arr.times)
    volts = arr.voltages[0]
    assert volts.shape == (len(ELECTRODES), len(times)), volts.shape
    idx = write_traces(OUT / f"lfp_{name}.txt", times, volts, f"{name} potentials [uV]")
    if name == "psa":
        # the CSD of exactly the numbers in the file (12 significant digits)
        stored = np.array([[float(f"{x:.12e}") for x in volts[:, k]] for k in idx]).T
        csd = calculate_csd2d(stored, delta=100)
        with open(OUT / "csd_psa.txt", "w") as f:
            f.write("# calculate_csd2d(lfp_psa.txt values, delta=100); k t then contacts\n")
            for j, k in enumerate(idx):
                f.write(f"{k} {float(times[k])!r} " + " ".join(repr(float(x)) for x in csd[:, j]) + "\n")

with open(OUT / "dipole.txt", "w") as f:
    f.write("# agg dipole of the same run (unsmoothed, unscaled), every 20th sample\n")
    d = dpls[0]
    for k in range(0, len(d.times), DECIM):
        f.write(f"{k} {float(d.times[k])!r} {d.data['agg'][k]:.12e}\n")
print("spikes:", len(net.cell_response.spike_times[0]))
