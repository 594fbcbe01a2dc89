"""Write network configuration files with hnn-core 0.6.1 (`net.write_configuration`).

Run by hand: /path/to/venv/bin/python tests/reference/generate_network_configs.py
Writes tests/fixtures/files/net_*.json (3 x 3 mesh to keep them small).
"""
from pathlib import Path

import hnn_core
from hnn_core import jones_2009_model
from hnn_core.network_models import add_erp_drives_to_jones_model

OUT = Path(__file__).resolve().parents[1] / "fixtures" / "files"
assert hnn_core.__version__ == "0.6.1", hnn_core.__version__

# the ERP network of hnn-core's evoked tutorial
net = jones_2009_model(mesh_shape=(3, 3))
add_erp_drives_to_jones_model(net)
net.write_configuration(OUT / "net_erp.json")

# every drive kind, a pruned connection and a tonic bias
net = jones_2009_model(mesh_shape=(3, 3))
net.add_poisson_drive(
    "poisson", tstart=5.0, tstop=60.0, rate_constant={"L2_pyramidal": 40.0, "L5_pyramidal": 30.0},
    location="proximal", weights_ampa={"L2_pyramidal": 0.002, "L5_pyramidal": 0.003},
    synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 1.0}, event_seed=7,
)
net.add_bursty_drive(
    "bursty", tstart=10.0, tstart_std=2.0, tstop=70.0, burst_rate=10.0, burst_std=5.0,
    numspikes=2, spike_isi=10.0, n_drive_cells=10, cell_specific=False, location="distal",
    weights_ampa={"L2_pyramidal": 0.0005, "L5_pyramidal": 0.0004},
    weights_nmda={"L2_pyramidal": 0.0001}, synaptic_delays=0.1, probability=0.5,
    event_seed=3, conn_seed=5,
)
net.add_evoked_drive(
    "evoked", mu=20.0, sigma=3.0, numspikes=1, location="soma",
    weights_ampa={"L5_basket": 0.05}, event_seed=11,
)
net.add_connection("L2_pyramidal", "L5_basket", "soma", "ampa", 0.001, 1.0, lamtha=2.0,
                   probability=0.5, conn_seed=9)
net.add_tonic_bias(cell_type="L5_pyramidal", amplitude=0.1, t0=5.0, tstop=50.0)
net.write_configuration(OUT / "net_drives.json")

for f in sorted(OUT.glob("net_*.json")):
    print(f, f.stat().st_size)

# hnn-core's dipole and spikes of the second network, to check that the file simulates the same:
# every 10th sample at full precision (k, t, agg, L2, L5), then (time, gid) per spike
from hnn_core import simulate_dipole  # noqa: E402

dpl = simulate_dipole(net, tstop=80.0, n_trials=1, verbose=False)[0]
with open(OUT / "net_drives_dipole.txt", "w") as f:
    f.write("# k\tt\tagg\tL2\tL5\n")
    for k in range(0, len(dpl.times), 10):
        f.write("\t".join([str(k), repr(float(dpl.times[k]))]
                          + [repr(float(dpl.data[c][k])) for c in ("agg", "L2", "L5")]) + "\n")
with open(OUT / "net_drives_spikes.txt", "w") as f:
    f.write("# time\tgid\n")
    for t, g in zip(net.cell_response.spike_times[0], net.cell_response.spike_gids[0]):
        f.write(f"{float(t)!r}\t{int(g)}\n")
