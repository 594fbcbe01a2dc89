"""hnn-core side of the network benchmark (compare with `cargo bench --bench network`).

Times `simulate_dipole` (building the NEURON network, the run, the dipole) for the JOSS
example (tstop 100 ms), one ERP trial (tstop 170 ms) or the ERP trial of the extracellular
example (cells 30 um apart, a 25-contact PSA shank) with hnn-core 0.6.1 / NEURON 8.2.7 on
one core (hnn-core's default JoblibBackend(n_jobs=1)), and reports the process's peak
resident memory. Run one case per process:

    python benches/hnn_core_network.py joss [--repeats 3] [--json]
"""
import argparse
import json
import resource
import time
import warnings

warnings.filterwarnings("ignore")


def build(case):
    from hnn_core import jones_2009_model
    from hnn_core.network_models import add_erp_drives_to_jones_model

    net = jones_2009_model()
    if case == "joss":
        net.add_evoked_drive("evprox1", mu=20.0, sigma=3.0, numspikes=1, location="proximal",
                             weights_ampa={"L2_pyramidal": 0.0008, "L5_pyramidal": 0.0075},
                             synaptic_delays={"L2_pyramidal": 0.1, "L5_pyramidal": 1.0})
        return net, 100.0
    add_erp_drives_to_jones_model(net)
    if case == "lfp":  # hnn-core's extracellular example
        net.set_cell_positions(inplane_distance=30.0)
        net.add_electrode_array("shank1", [(135, 135, z) for z in range(-325, 2150, 100)])
    return net, 170.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("case", choices=["joss", "erp", "lfp"])
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    from hnn_core import simulate_dipole

    times = []
    spikes = 0
    for _ in range(a.repeats):
        net, tstop = build(a.case)
        t0 = time.perf_counter()
        simulate_dipole(net, tstop=tstop, n_trials=1, verbose=False)
        times.append(time.perf_counter() - t0)
        spikes = len(net.cell_response.spike_times[0])
    times.sort()
    median = times[len(times) // 2]
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # KiB -> MiB on Linux
    if a.json:
        print(json.dumps(dict(engine="hnn-core", case=a.case, threads=1, median_s=median, min_s=times[0], peak_rss_mib=rss, spikes=spikes)))
    else:
        print(f"{a.case}: {median:.3f} s median ({times[0]:.3f} s min, {a.repeats} runs), peak RSS {rss:.0f} MiB, {spikes} spikes")


if __name__ == "__main__":
    main()
