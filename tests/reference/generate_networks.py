"""Generate network parity fixtures with hnn-core 0.6.1 / NEURON 8.2.7.

Run by hand, never by CI:

    python3 -m venv venv && . venv/bin/activate && pip install hnn-core==0.6.1
    python tests/reference/generate_networks.py [NAME ...]     # -> tests/fixtures/networks/

Each fixture is one hnn-core script (the functions below); tests/network_parity.rs builds the
same network with hnn-rs's API, call for call. Per fixture NAME and trial k it writes
  NAME.json                  versions, tstop, dt (when not 0.025), n_trials, gid_ranges,
                             connectivity summary
  NAME_dipole_trialK.txt     '# k t agg L2 L5' then every 4th sample (and the last) [nAm];
                             every sample when dt >= 0.1 ms
  NAME_spikes_trialK.txt     'time gid' per spike (cells and drive cells), as recorded
"""
import json
import os
import sys
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import hnn_core
from hnn_core import jones_2009_model, simulate_dipole
from hnn_core.network_models import add_erp_drives_to_jones_model
from neuron import h
from fixture_text import EVERY, kept_samples, write_rows

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "networks")


def joss():
    """The JOSS paper example: the default network and one proximal evoked drive."""
    net = jones_2009_model()
    weights_ampa = {"L2_pyramidal": 0.0008, "L5_pyramidal": 0.0075}
    synaptic_delays = {"L2_pyramidal": 0.1, "L5_pyramidal": 1.0}
    net.add_evoked_drive("evprox1", mu=20.0, sigma=3.0, numspikes=1, location="proximal",
                         weights_ampa=weights_ampa, synaptic_delays=synaptic_delays)
    return net, dict(tstop=100.0, n_trials=1)


def erp():
    """The default ERP: three evoked drives, two trials."""
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    return net, dict(tstop=170.0, n_trials=2)


def alpha():
    """hnn-core's alpha example (two bursty drives at 10 Hz), with a jittered start on the
    distal one to exercise the per-drive start RNG."""
    net = jones_2009_model()
    net.add_bursty_drive("alpha_dist", tstart=50.0, tstart_std=5.0, burst_rate=10, burst_std=20,
                         numspikes=2, spike_isi=10, n_drive_cells=10, location="distal",
                         weights_ampa={"L2_pyramidal": 5.4e-5, "L5_pyramidal": 5.4e-5},
                         synaptic_delays={"L2_pyramidal": 5.0, "L5_pyramidal": 5.0}, event_seed=284)
    net.add_bursty_drive("alpha_prox", tstart=50.0, burst_rate=10, burst_std=20, numspikes=2,
                         spike_isi=10, n_drive_cells=10, location="proximal",
                         weights_ampa={"L2_pyramidal": 5.4e-5, "L5_pyramidal": 5.4e-5},
                         synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 1.0}, event_seed=1000)
    return net, dict(tstop=310.0, n_trials=1)


def gamma():
    """A Poisson-driven rhythm (after hnn-core's gamma example) with a tonic bias, pruned
    connections (probability < 1), a spike-train drive and a changed E->E gain."""
    net = jones_2009_model()
    net.add_poisson_drive("poisson", rate_constant={"L2_pyramidal": 140.0, "L5_pyramidal": 40.0},
                          location="proximal",
                          weights_ampa={"L2_pyramidal": 0.0025, "L5_pyramidal": 0.0045},
                          synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 1.0},
                          probability={"L2_pyramidal": 0.5, "L5_pyramidal": 0.8},
                          event_seed=1079, conn_seed=7)
    net.add_tonic_bias(amplitude={"L5_pyramidal": 0.2, "L2_basket": 0.05}, t0=20.0, tstop=120.0)
    net.add_connection("L2_basket", "L5_pyramidal", "distal", "gabab", 0.002, 1.0, 50.0,
                       probability=0.3, conn_seed=11)
    net.add_spike_train_drive("train", spike_data=[(15.0, 0), (45.5, 1), (80.25, 0)],
                              location="distal",
                              weights_ampa={"L2_pyramidal": 0.004, "L5_pyramidal": 0.006},
                              synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 0.1},
                              conn_seed=0)  # hnn-core 0.6.1 fails with the default None
    net.set_global_synaptic_gains(e_e=1.5)
    return net, dict(tstop=150.0, n_trials=1)


def law_erp():
    """law_2021_model with the ERP drives."""
    from hnn_core import law_2021_model
    net = law_2021_model()
    add_erp_drives_to_jones_model(net)
    return net, dict(tstop=170.0, n_trials=1)


def calcium_erp():
    """calcium_model with the ERP drives."""
    from hnn_core import calcium_model
    net = calcium_model()
    add_erp_drives_to_jones_model(net)
    return net, dict(tstop=170.0, n_trials=1)


SHARED_PARAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "..", "shared", "data", "hnn", "param")


def params_default():
    """hnn-core's default.json with add_drives_from_params=True."""
    net = jones_2009_model(add_drives_from_params=True)
    return net, dict(tstop=170.0, n_trials=1)


def params_erp_yes():
    """The HNN GUI's ERPYes100Trials.param (from ../shared/data) with its drives."""
    from hnn_core import read_params
    net = jones_2009_model(read_params(os.path.join(SHARED_PARAM, "ERPYes100Trials.param")),
                           add_drives_from_params=True)
    return net, dict(tstop=170.0, n_trials=1)


def params_alpha_beta():
    """The HNN GUI's AlphaAndBeta.param (rhythmic drives, synchronous evoked inputs)."""
    from hnn_core import read_params
    net = jones_2009_model(read_params(os.path.join(SHARED_PARAM, "AlphaAndBeta.param")),
                           add_drives_from_params=True)
    return net, dict(tstop=250.0, n_trials=1)


def erp_dt05():
    """The SBI setting (Tolley et al. 2024): the default ERP at dt = 0.5 ms to 250 ms. The
    0.1 ms drive delays are shorter than dt."""
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    return net, dict(tstop=250.0, n_trials=1, dt=0.5)


def erp_dt01():
    """The default ERP at dt = 0.1 ms (the shortest delays equal dt)."""
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    return net, dict(tstop=170.0, n_trials=1, dt=0.1)


def gamma_dt05():
    """The gamma fixture's network at dt = 0.5 ms: Poisson drive, tonic bias, pruned
    connections; cell-to-cell delays (1 ms) are two steps, drive delays (0.1 ms) less than
    one."""
    net, opts = gamma()
    return net, dict(opts, dt=0.5)


def short_delay_dt05():
    """The ERP network at dt = 0.5 ms with an extra L2_pyramidal -> L5_pyramidal connection
    whose delays (0.2 ms at the centre, longer with distance) are shorter than dt: some are
    due in the step that made them, others in the next."""
    net = jones_2009_model()
    add_erp_drives_to_jones_model(net)
    net.add_connection("L2_pyramidal", "L5_pyramidal", "distal", "ampa", 0.0008, 0.2, 20.0)
    net.add_connection("L2_pyramidal", "L2_basket", "soma", "ampa", 0.0005, 0.2, 20.0)
    return net, dict(tstop=170.0, n_trials=1, dt=0.5)


FIXTURES = dict(joss=joss, erp=erp, alpha=alpha, gamma=gamma, law_erp=law_erp, calcium_erp=calcium_erp,
                params_default=params_default, params_erp_yes=params_erp_yes,
                params_alpha_beta=params_alpha_beta, erp_dt05=erp_dt05, erp_dt01=erp_dt01,
                gamma_dt05=gamma_dt05, short_delay_dt05=short_delay_dt05)


def run(name):
    net, opts = FIXTURES[name]()
    dt = opts.get("dt", 0.025)
    every = EVERY if dt < 0.1 else 1
    dpls = simulate_dipole(net, tstop=opts["tstop"], dt=dt, n_trials=opts["n_trials"], verbose=False)
    os.makedirs(OUT, exist_ok=True)
    for k, dpl in enumerate(dpls):
        n = len(dpl.times)
        keep = kept_samples(n, every)
        rows = [[str(i), repr(float(dpl.times[i]))] + [repr(float(dpl.data[c][i])) for c in ("agg", "L2", "L5")]
                for i in keep]
        write_rows(f"{OUT}/{name}_dipole_trial{k}.txt", ["k", "t", "agg", "L2", "L5"], rows)
        st = net.cell_response.spike_times[k]
        sg = net.cell_response.spike_gids[k]
        write_rows(f"{OUT}/{name}_spikes_trial{k}.txt", ["time", "gid"],
                   [[repr(float(t)), str(int(g))] for t, g in zip(st, sg)])
    conns = [dict(src_type=c["src_type"], target_type=c["target_type"], loc=c["loc"], receptor=c["receptor"],
                  n_pairs=int(sum(len(v) for v in c["gid_pairs"].values())),
                  pairs=sorted([int(s), int(t)] for s, ts in c["gid_pairs"].items() for t in ts)
                  if c["probability"] != 1.0 else None)
             for c in net.connectivity]
    meta = dict(name=name, hnn_core=hnn_core.__version__, neuron=h.nrnversion(), n_samples=len(dpls[0].times),
                gid_ranges={k: [v.start, v.stop] for k, v in net.gid_ranges.items()}, connectivity=conns, **opts)
    with open(f"{OUT}/{name}.json", "w") as f:
        json.dump(meta, f, indent=1)
    n_spk = [len(s) for s in net.cell_response.spike_times]
    print(f"{name}: {len(dpls)} trial(s), {n_spk} spikes, {len(net.connectivity)} connections")


if __name__ == "__main__":
    names = sys.argv[1:] or list(FIXTURES)
    if len(names) == 1:
        run(names[0])
    else:
        import subprocess
        for n in names:
            subprocess.run([sys.executable, __file__, n], check=True)
