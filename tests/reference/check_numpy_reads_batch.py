"""Check by hand that NumPy reads hnn's batch files without pickle.

    cargo build --release
    python tests/reference/check_numpy_reads_batch.py      # needs numpy only

Runs target/release/hnn to write one BatchSimulate folder (sim_run_*.npz, spikes saved) and
one simulate_batch folder (x.npy, theta.npy, seeds.npy, status.npy, batch.json), then loads
every array with allow_pickle=False and checks shapes and cross-references.
"""
import json
import os
import subprocess
import sys
import tempfile

import numpy as np

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
HNN = os.path.join(ROOT, "target", "release", "hnn")

CODE = r'''
fn set_params(net, p) {
    net.add_evoked_drive("evprox", #{ mu: 20, sigma: 3, numspikes: 1, location: "proximal",
        weights_ampa: #{ L2_pyramidal: p.w, L5_pyramidal: p.w, L2_basket: p.w, L5_basket: p.w },
        synaptic_delays: #{ L2_pyramidal: 0.1, L5_pyramidal: 1.0, L2_basket: 0.1, L5_basket: 1.0 } });
    if p.w > 0.05 { throw "w too large"; }
}
let net = jones_2009_model(#{ mesh_shape: [3, 3] });
BatchSimulate(#{ net: net, set_params: Fn("set_params"), tstop: 50, n_trials: 2, batch_size: 2,
    save_outputs: true, save_spiking: true, save_folder: `${DIR}/grid` })
    .run(#{ w: [1e-3, 2e-3, 0.1], tag: ["a"] });
simulate_batch(net, #{ n: 5, low: [-4.0], high: [-1.0], transform: "log10", seed: 1 }, #{
    set_params: |net, p| set_params(net, #{ w: p.w }), param_names: ["w"], seeds: #{ base: 10 },
    features: #{ smooth: 5, decim: 2, bands: [[0, 100]], log_power: true, peaks: true, rates: true },
    out: `${DIR}/sbi`, chunk: 2, tstop: 60, dt: 0.5 });
'''


def main():
    d = tempfile.mkdtemp(prefix="hnn_npz_")
    subprocess.run([HNN, "-D", f"DIR={d}", "-e", CODE], check=True)
    files = sorted(f for f in os.listdir(f"{d}/grid") if f.endswith(".npz"))
    assert files == ["sim_run_0-2.npz", "sim_run_2-3.npz"], files
    for name in files:
        z = np.load(f"{d}/grid/{name}", allow_pickle=False)
        meta = json.loads(bytes(z["metadata"]))
        n = meta["end"] - meta["start"]
        dpl, off = z["dpl"], z["spike_offsets"]
        assert dpl.shape == (n, meta["n_trials"], len(meta["layers"]), len(z["times"])), dpl.shape
        assert z["param_values"].shape == (n, len(meta["param_names"]))
        assert off.shape == (n * meta["n_trials"] + 1,) and off[-1] == len(z["spike_times"]) == len(z["spike_gids"])
        for s in range(n):
            if z["status"][s] == 1:
                assert np.isfinite(dpl[s]).all()
            else:
                assert np.isnan(dpl[s]).all() and meta["messages"][s]
        print(f"{name}: keys {sorted(z.keys())}, dpl {dpl.shape} {dpl.dtype}, status {z['status'].tolist()}, "
              f"params {meta['param_names']} = {z['param_values'].tolist()}, {len(z['spike_times'])} spikes")
    x = np.load(f"{d}/sbi/x.npy", allow_pickle=False)
    theta = np.load(f"{d}/sbi/theta.npy", allow_pickle=False)
    seeds = np.load(f"{d}/sbi/seeds.npy", allow_pickle=False)
    status = np.load(f"{d}/sbi/status.npy", allow_pickle=False)
    side = json.load(open(f"{d}/sbi/batch.json"))
    names = side["settings"]["feature_names"]
    assert x.shape == (5, len(names)) and theta.shape == (5, 1) and seeds.tolist() == [10, 11, 12, 13, 14]
    assert status.dtype == np.int8 and set(status.tolist()) <= {1, -1}
    assert np.isfinite(x[status == 1]).all() and np.isnan(x[status == -1]).all()
    assert ((theta >= 1e-4) & (theta <= 1e-1)).all()
    print(f"simulate_batch: x {x.shape} {x.dtype}, theta {theta.ravel().tolist()}, status {status.tolist()}, "
          f"features {names[:2]} ... {names[-4:]}")
    print("numpy read every array without pickle: OK")


if __name__ == "__main__":
    sys.exit(main())
