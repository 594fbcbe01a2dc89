"""Generate the batch fixture with hnn-core 0.6.1 / NEURON 8.2.7: hnn-core's
plot_batch_simulate example (20 zipped simulations of a 3x3 network, summary min/max peak of
the 30 ms-smoothed agg dipole of trial 0).

Run by hand, never by CI:

    python tests/reference/generate_batch.py      # -> tests/fixtures/batch/

hnn-core 0.6.1's BatchSimulate calls set_params(param_values, net) (the dev tree and hnn-rs
use set_params(net, param_values)); the wrapper below adapts it. Writes
  example.json          settings, per simulation: param_values, min_peak, max_peak
  example_dipoles.txt   '# sim k agg L2 L5' every 4th sample (and the last) of trial 0 [nAm]
"""
import json
import os
import warnings

warnings.filterwarnings("ignore")
import numpy as np
import hnn_core
from hnn_core import jones_2009_model
from hnn_core.batch_simulate import BatchSimulate
from neuron import h

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "batch")
EVERY = 4


def set_params(net, param_values):
    """The example's set_params, in the dev argument order."""
    weight_basket = param_values["weight_basket"]
    weight_pyr = param_values["weight_pyr"]
    weights_ampa = {"L2_basket": weight_basket, "L2_pyramidal": weight_pyr,
                    "L5_basket": weight_basket, "L5_pyramidal": weight_pyr}
    synaptic_delays = {"L2_basket": 0.1, "L2_pyramidal": 0.1,
                       "L5_basket": 1.0, "L5_pyramidal": 1.0}
    net.add_evoked_drive("evprox", mu=40, sigma=5, numspikes=1, location="proximal",
                         weights_ampa=weights_ampa, synaptic_delays=synaptic_delays)


def summary_func(results):
    out = []
    for result in results:
        dpl_smooth = result["dpl"][0].copy().smooth(window_len=30)
        out.append({"min_peak": float(np.min(dpl_smooth.data["agg"])),
                    "max_peak": float(np.max(dpl_smooth.data["agg"]))})
    return out


def main():
    param_grid = {"weight_basket": np.logspace(-4, -1, 20),
                  "weight_pyr": np.logspace(-4, -1, 20)}
    net = jones_2009_model(mesh_shape=(3, 3))
    batch = BatchSimulate(net=net, set_params=lambda p, n: set_params(n, p),  # 0.6.1 order
                          summary_func=summary_func)
    res = batch.run(param_grid, n_jobs=2, combinations=False, backend="loky")
    os.makedirs(OUT, exist_ok=True)
    sims, rows = [], []
    for summ, data in zip(res["summary_statistics"], res["simulated_data"]):
        for s, d in zip(summ, data):
            sims.append(dict(param_values={k: float(v) for k, v in d["param_values"].items()}, **s))
            dpl = d["dpl"][0]
            n = len(dpl.times)
            keep = list(range(0, n, EVERY)) + ([n - 1] if (n - 1) % EVERY else [])
            for i in keep:
                rows.append([str(len(sims) - 1), str(i)] + [repr(float(dpl.data[c][i])) for c in ("agg", "L2", "L5")])
    with open(f"{OUT}/example_dipoles.txt", "w") as f:
        f.write("# sim\tk\tagg\tL2\tL5\n")
        for r in rows:
            f.write("\t".join(r) + "\n")
    meta = dict(hnn_core=hnn_core.__version__, neuron=h.nrnversion(), tstop=170.0, dt=0.025,
                mesh_shape=[3, 3], n_batches=len(res["summary_statistics"]), simulations=sims)
    with open(f"{OUT}/example.json", "w") as f:
        json.dump(meta, f, indent=1)
    print(f"{len(sims)} simulations in {meta['n_batches']} batch(es)")


if __name__ == "__main__":
    main()
