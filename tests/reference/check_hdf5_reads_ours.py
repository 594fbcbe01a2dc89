"""Check by hand that hnn-core 0.6.1 and h5py read the HDF5 files hnn-rs writes.

    hnn -e 'let net = jones_2009_model(#{ mesh_shape: [3, 3] }); add_erp_drives_to_jones_model(net);
            let dpls = simulate_dipole(net, #{ tstop: 60.0, n_trials: 2, record_vsec: "soma" });
            dpls[0].write("/tmp/h5/dpl.hdf5"); write_results("/tmp/h5/results.h5", net, dpls);'
    /path/to/venv/bin/python tests/reference/check_hdf5_reads_ours.py /tmp/h5

dpl.hdf5 is read with hnn_core.read_dipole (and h5io.read_hdf5); results.h5 with plain h5py:
its layout (docs/files.md) is printed, the network JSON is loaded by
hnn_core.read_network_configuration, and trial 0's dipole is compared with dpl.hdf5.
With --rerun, hnn-core also simulates that network with the bundle's /simulation settings
and prints the largest difference from the bundle's dipoles.
"""
import json
import os
import sys
import tempfile
import warnings

warnings.filterwarnings("ignore")
import h5py
import numpy as np
from h5io import read_hdf5
from hnn_core import read_dipole, read_network_configuration, simulate_dipole

d = sys.argv[1]
dpl = read_dipole(os.path.join(d, "dpl.hdf5"))
print("read_dipole(dpl.hdf5):", len(dpl.times), "samples, keys", list(dpl.data),
      "nave", dpl.nave, "scale_applied", dpl.scale_applied, "sfreq", dpl.sfreq,
      "agg[100] =", dpl.data["agg"][100])
print("h5io.read_hdf5 keys:", sorted(read_hdf5(os.path.join(d, "dpl.hdf5"))))

f = h5py.File(os.path.join(d, "results.h5"), "r")
attrs = {k: (v.decode() if isinstance(v, bytes) else v) for k, v in f.attrs.items()}
print("root attributes:", attrs)
n_objects = []
f.visititems(lambda name, obj: n_objects.append(name))
print("objects:", len(n_objects), "; top level:", list(f))
if "simulation" in f:
    s = f["simulation"]
    print("simulation:", {k: (v.decode() if isinstance(v, bytes) else v) for k, v in s.attrs.items()},
          "drives", [x.decode() if isinstance(x, bytes) else x for x in s["drive_names"][()]],
          "event_seeds", list(s["event_seeds"][()]))
text = f["network_configuration"][0]
text = text.decode() if isinstance(text, bytes) else text
json.loads(text)
with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as tmp:
    tmp.write(text)
net = read_network_configuration(tmp.name)
print("network_configuration:", len(text), "characters; hnn-core reads it:", net)
dg = f["dipoles"]
print("dipoles:", dg.attrs["n_trials"], "trials; trial_0 layers",
      [x.decode() if isinstance(x, bytes) else x for x in dg["trial_0"].attrs["layers"]],
      "nave", dg["trial_0"].attrs["nave"])
same = all(np.array_equal(dg["trial_0"][k][()], dpl.data[k]) for k in dpl.data)
print("trial_0 dipole equals dpl.hdf5:", same and np.array_equal(dg["trial_0/times"][()], dpl.times))
if "cell_response" in f:
    c = f["cell_response"]
    print("cell_response:", c.attrs["n_trials"], "trials, cell types",
          [x.decode() if isinstance(x, bytes) else x for x in c.attrs["cell_type_names"]],
          len(c["times"]), "sample times")
    for k in range(c.attrs["n_trials"]):
        t = c[f"trial_{k}"]
        types = [x.decode() if isinstance(x, bytes) else x for x in t["spike_types"][()]]
        rec = {r: len(t[r]) for r in ("vsec", "isec", "ca") if r in t}
        print(f"  trial_{k}: {len(t['spike_times'])} spikes, gids {t['spike_gids'].dtype},",
              "types", sorted(set(types)), "recorded cells", rec)

if "--rerun" in sys.argv and "simulation" in f:
    s = f["simulation"].attrs
    theirs = simulate_dipole(net, tstop=float(s["tstop"]), dt=float(s["dt"]),
                             n_trials=int(s["n_trials"]), verbose=False)
    for k, d in enumerate(theirs):
        worst = max(float(np.max(np.abs(d.data[key] - dg[f"trial_{k}"][key][()])))
                    for key in ("agg", "L2", "L5"))
        print(f"hnn-core re-run, trial {k}: max |dipole difference| [nAm] = {worst:.3g}",
              f"(range {float(np.ptp(d.data['agg'])):.3g})")
